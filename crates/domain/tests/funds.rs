//! The 公益性岗位 age check of the data-quality table: a household where a
//! child holds a post trips it, one where an adult does not.

mod common;

use common::*;
use fangpin_domain::quality::{Context, check};
use fangpin_domain::{PolicySet, seed_params};

fn hits(b: &fangpin_domain::HouseholdBundle, today: chrono::NaiveDate) -> Vec<String> {
    let p = PolicySet::new(seed_params());
    check(b, &Context::new(today, &p))
        .into_iter()
        .filter(|f| f.rule == "L_public_post_age")
        .map(|f| f.message)
        .collect()
}

#[test]
fn nobody_under_16_holds_a_public_welfare_post() {
    let mut b = family(true, vec![income(2024, 3, 9_000, 0)]);
    // The son, born 2012-09-01, is 12 in 2024.
    b.members[2].public_welfare_post = Some("保洁员".into());
    b.members[2].public_welfare_months = 6;
    assert_eq!(
        hits(&b, date(2024, 10, 1)),
        vec!["张小河12周岁，未满16周岁，不得担任公益性岗位“保洁员”"]
    );
    // The same post held by his mother passes.
    b.members[2].public_welfare_post = None;
    b.members[2].public_welfare_months = 0;
    b.members[1].public_welfare_post = Some("保洁员".into());
    b.members[1].public_welfare_months = 6;
    assert!(hits(&b, date(2024, 10, 1)).is_empty());
    // Months without a post name still count as holding one.
    b.members[2].public_welfare_months = 3;
    assert_eq!(hits(&b, date(2024, 10, 1)).len(), 1);
    // Turning 16 ends the finding.
    assert!(hits(&b, date(2028, 9, 1)).is_empty());
}

// ---------------------------------------------------------------------------
// Corrections of money measures
// ---------------------------------------------------------------------------

use fangpin_domain::funds::{
    BasisPoints, FundsError, LoanCaps, LoanTerms, Repayment, RepaymentMethod, Subsidy,
    check_loan_correction, check_months_until_end, check_not_withdrawn, end_employment,
    end_post_early, schedule,
};
use fangpin_domain::{Money, YearMonth};

fn terms(yuan: i64, months: u32) -> LoanTerms {
    LoanTerms {
        amount: Money::from_yuan(yuan),
        term_months: months,
        issued_on: date(2024, 3, 15),
        annual_rate: BasisPoints(345),
        method: RepaymentMethod::InterestQuarterly,
        subsidy: Subsidy::Rate(BasisPoints(345)),
        collateral: false,
    }
}

const CAPS: LoanCaps = LoanCaps {
    max_amount: Money::from_fen(5_000_000),
    max_term_months: 36,
};

#[test]
fn a_loan_is_rescheduled_only_while_nothing_is_repaid() {
    let old = terms(30_000, 12);
    // A new amount before any repayment: accepted, the schedule follows it.
    let new = terms(40_000, 12);
    assert_eq!(
        check_loan_correction(&old, &new, &CAPS, Money::ZERO, &[]),
        Ok(true)
    );
    assert_eq!(schedule(&new)[3].principal, Money::from_yuan(40_000));
    // The household's other loans still count against the cap.
    assert_eq!(
        check_loan_correction(&old, &new, &CAPS, Money::from_yuan(20_000), &[])
            .unwrap_err()
            .to_string(),
        "本户小额信贷未还本金已有20000.00元，每户上限50000.00元，本次最多还可贷30000.00元，申请40000.00元超出上限"
    );
    assert!(matches!(
        check_loan_correction(&old, &terms(30_000, 48), &CAPS, Money::ZERO, &[]),
        Err(FundsError::Term {
            months: 48,
            max: 36
        })
    ));
    // Once a repayment is recorded the schedule stands; the message says why.
    let paid = [Repayment {
        paid_on: date(2024, 6, 15),
        amount: Money::from_fen(25_875),
    }];
    let e = check_loan_correction(&old, &new, &CAPS, Money::ZERO, &paid).unwrap_err();
    assert_eq!(
        e.to_string(),
        "该笔贷款已登记1笔还款共258.75元，还款计划已按原条件执行，不能再修改贷款金额、期限、放款日期、利率或还款方式；如确需更正，请先撤销这些还款"
    );
    // A smaller subsidy leaves the schedule alone and is accepted.
    let mut subsidy = old.clone();
    subsidy.subsidy = Subsidy::Rate(BasisPoints(200));
    assert_eq!(
        check_loan_correction(&old, &subsidy, &CAPS, Money::ZERO, &paid),
        Ok(false)
    );
}

#[test]
fn a_post_ends_early_on_the_last_day_of_a_month_within_it() {
    let (start, end) = (date(2024, 3, 10), date(2024, 12, 31));
    let ym = |y, m| YearMonth::new(y, m).unwrap();
    assert_eq!(
        end_post_early(start, end, ym(2024, 8)),
        Ok(date(2024, 8, 31))
    );
    assert_eq!(
        end_post_early(start, end, ym(2024, 3)),
        Ok(date(2024, 3, 31))
    );
    assert_eq!(
        end_post_early(start, end, ym(2024, 2))
            .unwrap_err()
            .to_string(),
        "提前结束月份2024年2月早于岗位开始日期2024-03-10"
    );
    assert_eq!(
        end_post_early(start, end, ym(2024, 12))
            .unwrap_err()
            .to_string(),
        "提前结束月份2024年12月不早于原结束日期2024-12-31，不是提前结束；如需更改期间请修改岗位"
    );
}

#[test]
fn a_withdrawn_award_stays_withdrawn() {
    assert_eq!(check_not_withdrawn(None), Ok(()));
    assert_eq!(
        check_not_withdrawn(Some(date(2024, 5, 2)))
            .unwrap_err()
            .to_string(),
        "该笔奖补已于2024-05-02撤销，不能再修改或撤销"
    );
}

#[test]
fn an_ended_job_keeps_only_the_months_up_to_its_end() {
    let today = date(2024, 10, 1);
    assert_eq!(end_employment(2024, 10, date(2024, 6, 30), today), Ok(6));
    assert_eq!(end_employment(2024, 3, date(2024, 6, 30), today), Ok(3));
    assert_eq!(
        end_employment(2024, 10, date(2025, 1, 5), today)
            .unwrap_err()
            .to_string(),
        "务工结束日期2025-01-05不在2024年内"
    );
    assert_eq!(
        end_employment(2024, 10, date(2024, 11, 5), today)
            .unwrap_err()
            .to_string(),
        "务工结束日期2024-11-05晚于今天（2024-10-01）"
    );
    assert_eq!(
        check_months_until_end(2024, 6, Some(date(2024, 6, 30))),
        Ok(())
    );
    assert_eq!(check_months_until_end(2024, 12, None), Ok(()));
    assert_eq!(
        check_months_until_end(2023, 6, Some(date(2024, 6, 30)))
            .unwrap_err()
            .to_string(),
        "务工结束日期2024-06-30不在2023年内"
    );
    assert_eq!(
        check_months_until_end(2024, 7, Some(date(2024, 6, 30)))
            .unwrap_err()
            .to_string(),
        "务工已于2024-06-30结束，当年务工月数不能超过6个月，实际为7"
    );
}
