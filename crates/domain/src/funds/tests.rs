use super::*;
use crate::area::AreaCode;
use crate::codes::well_known;
use crate::policy::PolicySet;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

fn terms(amount: i64, months: u32, method: RepaymentMethod) -> LoanTerms {
    LoanTerms {
        amount: yuan(amount),
        term_months: months,
        issued_on: d(2024, 3, 15),
        annual_rate: BasisPoints(345),
        method,
        subsidy: Subsidy::Rate(BasisPoints(345)),
        collateral: false,
    }
}

const CAPS: LoanCaps = LoanCaps {
    max_amount: Money::from_yuan(50_000),
    max_term_months: 36,
};

#[test]
fn parameters_resolve_for_fengdu_and_elsewhere() {
    let set = PolicySet::new(crate::seed::seed_params());
    let village = AreaCode::parse("500230101201").unwrap();
    let caps = LoanCaps::resolve(&set, &village, 2024).unwrap();
    assert_eq!(caps, CAPS);
    assert_eq!(award_cap(&set, &village, 2024), Ok(yuan(2_000)));
    assert_eq!(overdue_target(&set, &village, 2024), Ok(BasisPoints(100)));
    assert_eq!(age_window(&set, POST_AGE, &village, 2024), Ok((16, 65)));
    assert_eq!(age_window(&set, BORROWER_AGE, &village, 2026), Ok((18, 65)));
    assert_eq!(grace_days(&set, &village, 2024), Ok(0));
    // The award cap is local: another county or year has none, and says so.
    let e = award_cap(&set, &village, 2025).unwrap_err();
    assert!(e.to_string().contains("到户产业奖补每户每年上限"), "{e}");
    assert!(award_cap(&set, &AreaCode::parse("500231").unwrap(), 2024).is_err());
}

#[test]
fn rates_parse_and_print() {
    assert_eq!(
        BasisPoints::parse_percent("3.45").unwrap(),
        BasisPoints(345)
    );
    assert_eq!(BasisPoints::parse_percent("1%").unwrap(), BasisPoints(100));
    assert_eq!(
        BasisPoints::parse_percent("０．５％").unwrap(),
        BasisPoints(50)
    );
    assert!(BasisPoints::parse_percent("3.456").is_err());
    assert!(BasisPoints::parse_percent("abc").is_err());
    assert!(BasisPoints::parse_percent("101").is_err());
    assert_eq!(BasisPoints(345).to_string(), "3.45%");
    assert_eq!(BasisPoints(5).to_string(), "0.05%");
}

#[test]
fn bullet_schedule_pays_interest_quarterly_and_principal_at_maturity() {
    let t = terms(50_000, 36, RepaymentMethod::InterestQuarterly);
    let plan = schedule(&t);
    assert_eq!(plan.len(), 12);
    assert_eq!(plan[0].due_on, d(2024, 6, 15));
    assert_eq!(plan[11].due_on, d(2027, 3, 15));
    assert!(plan[..11].iter().all(|i| i.principal.is_zero()));
    assert_eq!(plan[11].principal, yuan(50_000));
    // 92 days at 3.45 % on 50,000: 50000 × 0.0345 × 92 / 360 = 440.83.
    assert_eq!(plan[0].interest, Money::from_fen(44_083));
}

#[test]
fn equal_principal_schedule_and_short_last_period() {
    let t = terms(10_000, 14, RepaymentMethod::EqualPrincipalQuarterly);
    let plan = schedule(&t);
    // Due at 3, 6, 9, 12 months and at maturity (14).
    assert_eq!(plan.len(), 5);
    assert_eq!(plan[4].due_on, d(2025, 5, 15));
    assert_eq!(plan[0].principal, yuan(2_000));
    let total: Money = plan.iter().map(|i| i.principal).sum();
    assert_eq!(total, yuan(10_000));
    // Interest falls as principal is repaid.
    assert!(plan[1].interest < plan[0].interest);
}

#[test]
fn month_ends_are_clamped() {
    let mut t = terms(3_000, 6, RepaymentMethod::InterestQuarterly);
    t.issued_on = d(2023, 11, 30);
    let plan = schedule(&t);
    assert_eq!(plan[0].due_on, d(2024, 2, 29));
    assert_eq!(plan[1].due_on, d(2024, 5, 30));
}

#[test]
fn loan_caps_refuse_with_the_numbers() {
    let ok = terms(50_000, 36, RepaymentMethod::InterestQuarterly);
    assert!(check_loan(&ok, &CAPS, Money::ZERO).is_ok());
    let e = check_loan(
        &terms(50_001, 36, RepaymentMethod::InterestQuarterly),
        &CAPS,
        Money::ZERO,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "贷款金额50001.00元超过上限50000.00元");
    let e = check_loan(
        &terms(20_000, 36, RepaymentMethod::InterestQuarterly),
        &CAPS,
        yuan(40_000),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "本户小额信贷未还本金已有40000.00元，每户上限50000.00元，本次最多还可贷10000.00元，申请20000.00元超出上限"
    );
    assert!(
        check_loan(
            &terms(10_000, 36, RepaymentMethod::InterestQuarterly),
            &CAPS,
            yuan(40_000)
        )
        .is_ok()
    );
    let e = check_loan(
        &terms(10_000, 37, RepaymentMethod::InterestQuarterly),
        &CAPS,
        Money::ZERO,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "贷款期限37个月超过上限36个月");
    let mut c = ok.clone();
    c.collateral = true;
    assert_eq!(
        check_loan(&c, &CAPS, Money::ZERO),
        Err(FundsError::Collateral)
    );
    let mut s = ok.clone();
    s.subsidy = Subsidy::Rate(BasisPoints(400));
    assert_eq!(
        check_loan(&s, &CAPS, Money::ZERO).unwrap_err().to_string(),
        "贴息利率4.00%高于贷款利率3.45%"
    );
    s.subsidy = Subsidy::Amount(yuan(100_000));
    assert!(matches!(
        check_loan(&s, &CAPS, Money::ZERO),
        Err(FundsError::SubsidyAboveInterest { .. })
    ));
    s.subsidy = Subsidy::Amount(yuan(1_000));
    assert!(check_loan(&s, &CAPS, Money::ZERO).is_ok());
    assert_eq!(subsidy_total(&s, &schedule(&s)), yuan(1_000));
    let mut zero = ok.clone();
    zero.amount = Money::ZERO;
    assert_eq!(
        check_loan(&zero, &CAPS, Money::ZERO)
            .unwrap_err()
            .to_string(),
        "贷款金额应大于0元"
    );
}

#[test]
fn full_subsidy_covers_all_interest() {
    let t = terms(30_000, 24, RepaymentMethod::InterestQuarterly);
    let plan = schedule(&t);
    let interest: Money = plan.iter().map(|i| i.interest).sum();
    assert_eq!(subsidy_total(&t, &plan), interest);
    let mut half = t.clone();
    half.subsidy = Subsidy::Rate(BasisPoints(172));
    assert!(subsidy_total(&half, &plan) < interest);
}

#[test]
fn overdue_after_due_day_and_grace_cured_by_payment() {
    let t = terms(20_000, 12, RepaymentMethod::InterestQuarterly);
    let plan = schedule(&t);
    let first = plan[0];
    // On the due day: not overdue.
    let s = standing(t.amount, &plan, &[], first.due_on, 0);
    assert!(!s.is_overdue());
    assert_eq!(s.next_due, Some(first.due_on));
    // The next day: overdue.
    let next = first.due_on + chrono::Days::new(1);
    let s = standing(t.amount, &plan, &[], next, 0);
    assert!(s.is_overdue());
    assert_eq!(s.overdue_since, Some(first.due_on));
    assert_eq!(s.days_overdue, 1);
    assert_eq!(s.past_due, first.total());
    // With 5 days of grace, not yet.
    assert!(!standing(t.amount, &plan, &[], next, 5).is_overdue());
    // Paid late: cured from the day paid.
    let paid = Repayment {
        paid_on: first.due_on + chrono::Days::new(10),
        amount: first.total(),
    };
    let s = standing(t.amount, &plan, &[paid], next, 0);
    assert!(s.is_overdue(), "not yet paid on that day");
    let s = standing(t.amount, &plan, &[paid], paid.paid_on, 0);
    assert!(!s.is_overdue());
    assert_eq!(s.outstanding, t.amount);
    // A partial payment leaves it overdue.
    let part = Repayment {
        paid_on: first.due_on,
        amount: first.total() - Money::from_fen(1),
    };
    let s = standing(t.amount, &plan, &[part], next, 0);
    assert_eq!(s.past_due, Money::from_fen(1));
}

#[test]
fn settled_loan_and_repayment_checks() {
    let t = terms(5_000, 6, RepaymentMethod::EqualPrincipalQuarterly);
    let plan = schedule(&t);
    let all: Money = plan.iter().map(Instalment::total).sum();
    let pay = Repayment {
        paid_on: d(2024, 9, 15),
        amount: all,
    };
    assert!(check_repayment(t.issued_on, &plan, &[], &pay).is_ok());
    let s = standing(t.amount, &plan, &[pay], d(2025, 1, 1), 0);
    assert!(s.settled && !s.is_overdue());
    assert_eq!(s.outstanding, Money::ZERO);
    let more = Repayment {
        paid_on: d(2024, 9, 16),
        amount: Money::from_fen(1),
    };
    assert_eq!(
        check_repayment(t.issued_on, &plan, &[pay], &more)
            .unwrap_err()
            .to_string(),
        "还款金额0.01元超过尚欠本息0.00元"
    );
    let early = Repayment {
        paid_on: d(2024, 1, 1),
        amount: yuan(1),
    };
    assert!(matches!(
        check_repayment(t.issued_on, &plan, &[], &early),
        Err(FundsError::RepaymentBeforeIssue { .. })
    ));
}

#[test]
fn portfolio_rate_counts_whole_balance_of_overdue_loans() {
    let t = terms(10_000, 12, RepaymentMethod::InterestQuarterly);
    let plan = schedule(&t);
    let as_of = plan[0].due_on + chrono::Days::new(1);
    let mut p = Portfolio::default();
    let paid = Repayment {
        paid_on: plan[0].due_on,
        amount: plan[0].total(),
    };
    for _ in 0..99 {
        p.add(&standing(t.amount, &plan, &[paid], as_of, 0));
    }
    p.add(&standing(t.amount, &plan, &[], as_of, 0));
    assert_eq!(p.loans, 100);
    assert_eq!(p.overdue_loans, 1);
    assert_eq!(p.overdue_balance, yuan(10_000));
    assert_eq!(p.rate(), Some(BasisPoints(100)));
    assert!(p.meets(BasisPoints(100)));
    let mut q = p;
    q.add(&standing(t.amount, &plan, &[], as_of, 0));
    assert!(!q.meets(BasisPoints(100)));
    assert_eq!(Portfolio::default().rate(), None);
    let mut sum = Portfolio::default();
    sum.merge(&p);
    sum.merge(&q);
    assert_eq!(sum.loans, 201);
}

fn id() -> IdNumber {
    // Born 2008-07-01.
    let body = "50023020080701123";
    IdNumber::parse(&format!(
        "{body}{}",
        char::from(crate::check_digit(body.as_bytes()))
    ))
    .unwrap()
}

#[test]
fn post_checks_age_labour_overlap() {
    let id = id();
    let base = PostCheck {
        post: "护林员",
        holder: "张三",
        id: &id,
        labor_skill: well_known::LABOR_WEAK,
        start: d(2024, 7, 1),
        end: d(2024, 12, 31),
        monthly_pay: yuan(600),
        min_age: 16,
        max_age: 65,
        existing: &[],
    };
    assert_eq!(check_post(&base), Ok(6));
    let young = PostCheck {
        start: d(2024, 6, 30),
        ..base.clone()
    };
    assert_eq!(
        check_post(&young).unwrap_err().to_string(),
        "张三在2024-06-30为15周岁，公益性岗位人员应在16至65周岁之间"
    );
    let none = PostCheck {
        labor_skill: well_known::LABOR_NONE,
        ..base.clone()
    };
    assert_eq!(
        check_post(&none).unwrap_err().to_string(),
        "张三的劳动技能为“无劳动力”，没有劳动能力，不能安排公益性岗位"
    );
    let existing = [PostSpan {
        post: "保洁员".into(),
        start: d(2024, 1, 1),
        end: d(2024, 7, 1),
    }];
    let overlap = PostCheck {
        existing: &existing,
        ..base.clone()
    };
    assert_eq!(
        check_post(&overlap).unwrap_err().to_string(),
        "张三在2024-01-01至2024-07-01已有公益性岗位“保洁员”，同一人的岗位期间不能重叠"
    );
    let after = PostCheck {
        start: d(2024, 7, 2),
        ..overlap.clone()
    };
    assert_eq!(check_post(&after), Ok(6));
    let backwards = PostCheck {
        end: d(2024, 1, 1),
        ..base.clone()
    };
    assert!(matches!(
        check_post(&backwards),
        Err(FundsError::Dates { .. })
    ));
    let unpaid = PostCheck {
        monthly_pay: Money::ZERO,
        ..base
    };
    assert_eq!(
        check_post(&unpaid).unwrap_err().to_string(),
        "月工资应大于0元"
    );
}

#[test]
fn award_cap_names_granted_and_remaining() {
    let cap = yuan(2_000);
    assert!(check_award(2024, cap, yuan(1_500), yuan(500), "养殖").is_ok());
    assert_eq!(
        check_award(2024, cap, yuan(1_500), yuan(501), "养殖")
            .unwrap_err()
            .to_string(),
        "2024年到户产业奖补每户不超过2000.00元：本户已获1500.00元，还可申请500.00元，本次501.00元超出上限"
    );
    assert!(matches!(
        check_award(2024, cap, Money::ZERO, yuan(100), " "),
        Err(FundsError::Blank {
            field: "奖补项目"
        })
    ));
}

#[test]
fn employment_and_zero_employment() {
    assert!(check_employment("某厂", 6, yuan(18_000)).is_ok());
    assert_eq!(
        check_employment("某厂", 13, yuan(1))
            .unwrap_err()
            .to_string(),
        "务工月数应在1至12之间，实际为13"
    );
    assert!(check_employment(" ", 3, yuan(1)).is_err());
    assert_eq!(WorkRegion::parse("县外省内"), Ok(WorkRegion::InProvince));
    assert_eq!(WorkRegion::parse("abroad"), Ok(WorkRegion::Abroad));
    assert!(WorkRegion::parse("外星").is_err());
    let able = MemberWork {
        able: true,
        employed: false,
    };
    let child = MemberWork {
        able: false,
        employed: false,
    };
    let worker = MemberWork {
        able: true,
        employed: true,
    };
    assert!(zero_employment(&[able, child]));
    assert!(!zero_employment(&[able, worker]));
    assert!(!zero_employment(&[child]), "nobody able to work");
    assert!(!zero_employment(&[]));
    assert!(able_to_work(well_known::LABOR_SKILLED));
    assert!(!able_to_work(well_known::LABOR_WEAK));
    assert!(can_work_some(well_known::LABOR_WEAK));
    assert!(!can_work_some(well_known::LABOR_LOST));
    assert!(covers_year(d(2023, 10, 1), d(2024, 3, 31), 2024));
    assert!(!covers_year(d(2023, 1, 1), d(2023, 12, 31), 2024));
    assert_eq!(months_touched(d(2024, 3, 15), d(2024, 5, 1)), 3);
    assert_eq!(
        RepaymentMethod::parse("interest_quarterly"),
        Ok(RepaymentMethod::InterestQuarterly)
    );
    assert!(RepaymentMethod::parse("x").is_err());
}

proptest! {
    #[test]
    fn schedules_repay_the_principal_exactly(
        fen in 1i64..=5_000_000,
        months in 1u32..=36,
        rate in 0u32..=1_000,
        equal in any::<bool>(),
        day in 0i64..3_000,
    ) {
        let mut t = terms(0, months, if equal {
            RepaymentMethod::EqualPrincipalQuarterly
        } else {
            RepaymentMethod::InterestQuarterly
        });
        t.amount = Money::from_fen(fen);
        t.annual_rate = BasisPoints(rate);
        t.issued_on = d(2020, 1, 1) + chrono::Days::new(day as u64);
        let plan = schedule(&t);
        prop_assert_eq!(plan.len() as u32, months.div_ceil(3));
        let principal: Money = plan.iter().map(|i| i.principal).sum();
        prop_assert_eq!(principal, t.amount);
        prop_assert!(plan.windows(2).all(|w| w[0].due_on < w[1].due_on));
        prop_assert_eq!(plan.last().unwrap().due_on, maturity(t.issued_on, months));
        prop_assert!(plan.iter().all(|i| !i.principal.is_negative() && !i.interest.is_negative()));
        // Paying every instalment on its day leaves nothing owed or overdue.
        let pays: Vec<Repayment> = plan.iter().map(|i| Repayment { paid_on: i.due_on, amount: i.total() }).collect();
        let end = plan.last().unwrap().due_on + chrono::Days::new(30);
        let s = standing(t.amount, &plan, &pays, end, 0);
        prop_assert!(s.settled);
        prop_assert!(!s.is_overdue());
        // Paying nothing: overdue from the first due day, the whole principal owed.
        let s = standing(t.amount, &plan, &[], end, 0);
        prop_assert_eq!(s.outstanding, t.amount);
        let first_owed = plan.iter().find(|i| !i.total().is_zero()).map(|i| i.due_on);
        prop_assert_eq!(s.overdue_since, first_owed);
    }

    #[test]
    fn award_cap_never_lets_the_total_exceed_the_cap(
        cap in 0i64..500_000, granted in 0i64..500_000, amount in 1i64..500_000,
    ) {
        let ok = check_award(2024, Money::from_fen(cap), Money::from_fen(granted), Money::from_fen(amount), "p").is_ok();
        prop_assert_eq!(ok, granted + amount <= cap);
    }
}
