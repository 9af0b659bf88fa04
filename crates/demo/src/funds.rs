//! The demo county's money measures and work records, derived per household
//! from its generated members (deterministic in the seed and the index):
//!
//! * 务工 records of the data year for every member the household file shows
//!   at work (务工时间 > 0), grouped into 县内 / 县外省内 / 省外 / 国外 from the
//!   place, with a monthly pay typical of the place;
//! * 公益性岗位 of the data year for members the file shows on a post;
//! * 到户产业奖补 for about a fifth of 脱贫户 and monitored households, never
//!   above 丰都's 2,000 元;
//! * 脱贫人口小额信贷 for about one in eight of those households with a
//!   working-age member, issued over the 30 months before the demo's day,
//!   repaid on time on every instalment due before it — except about one
//!   loan in 140 that stopped paying (the county's 逾期率 comes out near, and
//!   mostly under, 丰都's 1 %) and a few that paid one instalment late.

use chrono::{Datelike, Days, NaiveDate};
use fangpin_domain::codes::well_known;
use fangpin_domain::funds::{
    self, AwardEntry, BasisPoints, EmploymentEntry, HouseholdFunds, LoanEntry, LoanTerms,
    PostEntry, Repayment, RepaymentMethod, Subsidy, WorkRegion,
};
use fangpin_domain::{HouseholdBundle, Money, Person};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::DemoConfig;

/// Keeps these streams apart from the household streams of the same seed.
const STREAM_SALT: u64 = 0x4655_4e44_5300_0000;

const BANKS: &[&str] = &[
    "丰都县农村商业银行",
    "中国邮政储蓄银行丰都县支行",
    "中国农业银行丰都支行",
    "重庆三峡银行丰都支行",
];

const PURPOSES: &[&str] = &[
    "生猪养殖",
    "肉牛养殖",
    "土鸡养殖",
    "柑橘种植",
    "中药材种植",
    "榨菜种植",
    "农家乐经营",
    "农产品小卖部",
];

const AWARD_PROJECTS: &[&str] = &[
    "庭院经济（小种植）",
    "小养殖（生猪）",
    "小养殖（家禽）",
    "中药材种植",
    "柑橘管护",
    "农产品小加工",
];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn region_of(p: &Person) -> WorkRegion {
    match p.work_place.as_deref() {
        _ if p.works_abroad => WorkRegion::Abroad,
        Some("县内") | None => WorkRegion::InCounty,
        Some(place) if place.starts_with("重庆") => WorkRegion::InProvince,
        Some(_) => WorkRegion::OutOfProvince,
    }
}

/// Monthly pay in 元 by region (tens of 元).
fn monthly_pay(rng: &mut ChaCha8Rng, region: WorkRegion) -> i64 {
    let (lo, hi) = match region {
        WorkRegion::InCounty => (220, 380),
        WorkRegion::InProvince => (300, 500),
        WorkRegion::OutOfProvince => (400, 700),
        WorkRegion::Abroad => (600, 900),
    };
    rng.random_range(lo..=hi) * 10
}

/// The money measures and work records of household `index` (its bundle as
/// generated), with loan repayments up to `today`.
pub fn household_funds(
    cfg: &DemoConfig,
    b: &HouseholdBundle,
    index: u32,
    today: NaiveDate,
) -> HouseholdFunds {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ STREAM_SALT);
    rng.set_stream(u64::from(index));
    let year = cfg.data_year;
    let as_of = cfg.as_of();
    let mut out = HouseholdFunds {
        household_no: b.household.household_no.clone(),
        ..Default::default()
    };
    for p in &b.members {
        if p.work_months > 0 {
            let region = region_of(p);
            let pay = monthly_pay(&mut rng, region);
            out.jobs.push(EmploymentEntry {
                person_no: p.person_no.clone(),
                year,
                region,
                place: p.work_place.clone().unwrap_or_default(),
                employer: p.work_employer.clone().unwrap_or_else(|| "个体务工".into()),
                months: p.work_months,
                income: Money::from_yuan(pay * i64::from(p.work_months)),
                note: String::new(),
            });
        }
        if let Some(post) = &p.public_welfare_post
            && p.public_welfare_months > 0
            && funds::can_work_some(&p.labor_skill)
        {
            let months = u32::from(p.public_welfare_months.min(12));
            let start = NaiveDate::from_ymd_opt(year, 13 - months, 1).unwrap_or(as_of);
            out.posts.push(PostEntry {
                person_no: p.person_no.clone(),
                post: post.clone(),
                start,
                end: as_of,
                monthly_pay: Money::from_yuan(rng.random_range(50..=80) * 10),
                note: String::new(),
            });
        }
    }
    let targeted = b.household.household_type == well_known::HOUSEHOLD_LIFTED
        || b.household.monitor_category.is_some();
    if !targeted {
        return out;
    }
    if rng.random_bool(0.2) {
        out.awards.push(AwardEntry {
            year,
            project: pick(&mut rng, AWARD_PROJECTS).into(),
            amount: Money::from_yuan(rng.random_range(5..=20) * 100),
            note: String::new(),
        });
    }
    // Loans go to 脱贫户 only: the groups an area lends to are per year, and
    // 脱贫户 are in every year's groups (the national default), so the demo's
    // loans, issued over the last two and a half years, pass the same
    // eligibility check as a form.
    let borrower = b
        .members
        .iter()
        .filter(|_| b.household.is_lifted_out())
        .find(|m| m.has_labor_capacity() && (22..=58).contains(&m.age_on(as_of)));
    if let Some(m) = borrower
        && rng.random_bool(0.125)
    {
        out.loans.push(loan(&mut rng, m, today));
    }
    out
}

fn loan(rng: &mut ChaCha8Rng, m: &Person, today: NaiveDate) -> (LoanEntry, Vec<Repayment>) {
    let issued_on = today - Days::new(rng.random_range(30..=900));
    let term_months = match rng.random_range(0..10) {
        0..=1 => 12,
        2..=4 => 24,
        _ => 36,
    };
    // One-year LPR: 3.45 % until 2024, 3.10 % from 2025; 贴息 at the full rate.
    let rate = BasisPoints(if issued_on.year() >= 2025 { 310 } else { 345 });
    let terms = LoanTerms {
        amount: Money::from_yuan(rng.random_range(2..=10) * 5_000),
        term_months,
        issued_on,
        annual_rate: rate,
        method: if rng.random_bool(0.85) {
            RepaymentMethod::InterestQuarterly
        } else {
            RepaymentMethod::EqualPrincipalQuarterly
        },
        subsidy: Subsidy::Rate(rate),
        collateral: false,
    };
    let plan = funds::schedule(&terms);
    let due: Vec<_> = plan.iter().filter(|i| i.due_on < today).collect();
    // Stopped paying: the last one or two instalments due are unpaid.
    let stopped = !due.is_empty() && rng.random_bool(0.007);
    let unpaid = if stopped {
        rng.random_range(1..=2).min(due.len())
    } else {
        0
    };
    let late = rng.random_bool(0.03);
    let repayments = due[..due.len() - unpaid]
        .iter()
        .enumerate()
        .map(|(k, i)| Repayment {
            paid_on: if late && k == 0 {
                (i.due_on + Days::new(rng.random_range(3..=20))).min(today)
            } else {
                i.due_on
            },
            amount: i.total(),
        })
        .collect();
    (
        LoanEntry {
            borrower_no: m.person_no.clone(),
            bank: pick(rng, BANKS).into(),
            purpose: pick(rng, PURPOSES).into(),
            terms,
            note: String::new(),
        },
        repayments,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use fangpin_domain::funds::Portfolio;

    #[test]
    fn demo_county_portfolio_is_realistic_and_deterministic() {
        let cfg = DemoConfig::fengdu(2024, 6_000);
        let layout = crate::layout(&cfg);
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let mut portfolio = Portfolio::default();
        let (mut loans, mut jobs, mut posts, mut awards) = (0, 0, 0, 0);
        for i in 0..cfg.households {
            let b = crate::household(&cfg, &layout, i).into_bundle();
            let f = household_funds(&cfg, &b, i, today);
            assert_eq!(f, household_funds(&cfg, &b, i, today), "deterministic");
            for (e, paid) in &f.loans {
                let plan = funds::schedule(&e.terms);
                portfolio.add(&funds::standing(e.terms.amount, &plan, paid, today, 0));
                assert!(e.terms.amount <= Money::from_yuan(50_000));
            }
            for a in &f.awards {
                assert!(a.amount <= Money::from_yuan(2_000));
            }
            loans += f.loans.len();
            jobs += f.jobs.len();
            posts += f.posts.len();
            awards += f.awards.len();
        }
        assert!(loans > 100, "{loans} loans");
        assert!(
            jobs > 1_000 && posts > 20 && awards > 100,
            "{jobs} {posts} {awards}"
        );
        let rate = portfolio.rate().unwrap();
        assert!(rate.0 <= 300, "逾期率 {rate}");
    }
}
