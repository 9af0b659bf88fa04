//! 资金与就业帮扶 (policy.md §5.2, §8.1; 丰都县2024年工作要点): 脱贫人口小额信贷
//! with its repayment schedule and overdue arithmetic, 公益性岗位, 到户产业奖补,
//! and per-person 务工 records with the 零就业家庭 test.
//!
//! Every cap and rate here is an argument: the store resolves it from the
//! per-area, per-year parameters (see [`crate::policy::keys`]) and passes it in.
//! Refusals are [`FundsError`]s whose Chinese message names the field, the
//! limit and, for the per-household caps, what has been granted and what remains.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::AreaCode;
use crate::codes::{find_list, keys as code_keys, well_known};
use crate::household::YearMonth;
use crate::id_number::IdNumber;
use crate::money::Money;
use crate::policy::{Confidence, ParamDef, ParamValue, PolicyError, PolicySet, keys};

// ---------------------------------------------------------------------------
// Rates
// ---------------------------------------------------------------------------

/// A rate in basis points (万分之一): `BasisPoints(345)` is 3.45 %.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct BasisPoints(pub u32);

impl BasisPoints {
    /// Parses a percentage with at most two decimals: `3.45`, `3.45%`, `１％`.
    pub fn parse_percent(s: &str) -> Result<BasisPoints, FundsError> {
        let t: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                other => other,
            })
            .collect();
        let t = t.trim_end_matches(['%', '％']).trim();
        let bad = || FundsError::BadRate {
            input: s.trim().to_owned(),
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty()
            || frac.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .filter(|bp| *bp <= 10_000)
            .map(BasisPoints)
            .ok_or_else(bad)
    }
}

impl std::fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Who an age limit applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeRole {
    /// 小额信贷借款人.
    Borrower,
    /// 公益性岗位人员.
    PostHolder,
}

impl AgeRole {
    /// Chinese name of the role.
    pub fn label(self) -> &'static str {
        match self {
            AgeRole::Borrower => "小额信贷借款人",
            AgeRole::PostHolder => "公益性岗位人员",
        }
    }
}

/// Why a loan, post, award, repayment or employment record is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FundsError {
    /// A required text field is blank.
    #[error("{field}不能为空")]
    Blank {
        /// Chinese field name.
        field: &'static str,
    },
    /// An amount that must be above zero is not.
    #[error("{field}应大于0元")]
    NotPositive {
        /// Chinese field name.
        field: &'static str,
    },
    /// Not a percentage.
    #[error("利率格式无效：{input}（应为百分数，最多两位小数，如 3.45）")]
    BadRate {
        /// The input.
        input: String,
    },
    /// One loan above the cap.
    #[error("贷款金额{amount}元超过上限{max}元")]
    LoanAmount {
        /// Requested amount.
        amount: Money,
        /// The cap.
        max: Money,
    },
    /// The household's loans together would exceed the cap.
    #[error(
        "本户小额信贷未还本金已有{outstanding}元，每户上限{max}元，本次最多还可贷{remaining}元，申请{amount}元超出上限"
    )]
    HouseholdLoanCap {
        /// Principal still owed on the household's other loans.
        outstanding: Money,
        /// The cap.
        max: Money,
        /// What may still be lent.
        remaining: Money,
        /// Requested amount.
        amount: Money,
    },
    /// Term of zero months.
    #[error("贷款期限应至少1个月")]
    TermZero,
    /// Term above the cap.
    #[error("贷款期限{months}个月超过上限{max}个月")]
    Term {
        /// Requested term in months.
        months: u32,
        /// The cap.
        max: u32,
    },
    /// Collateral or a guarantee was recorded.
    #[error("脱贫人口小额信贷免抵押、免担保，不能登记抵押或担保")]
    Collateral,
    /// The interest subsidy rate is above the loan's rate.
    #[error("贴息利率{subsidy}高于贷款利率{rate}")]
    SubsidyAboveRate {
        /// Subsidy rate.
        subsidy: BasisPoints,
        /// Loan rate.
        rate: BasisPoints,
    },
    /// The interest subsidy amount is above the loan's total interest.
    #[error("贴息金额{subsidy}元超过全部应付利息{interest}元")]
    SubsidyAboveInterest {
        /// Subsidy amount.
        subsidy: Money,
        /// Total interest of the schedule.
        interest: Money,
    },
    /// Outside an age window on the decisive day.
    #[error("{name}在{on}为{age}周岁，{}应在{min}至{max}周岁之间", role.label())]
    Age {
        /// Who the limit applies to.
        role: AgeRole,
        /// The person's name.
        name: String,
        /// Age in full years on `on`.
        age: u32,
        /// The decisive day (loan issue, post start).
        on: NaiveDate,
        /// Lowest age allowed.
        min: u32,
        /// Highest age allowed.
        max: u32,
    },
    /// A 公益性岗位 for someone without labour capacity.
    #[error("{name}的劳动技能为“{label}”，没有劳动能力，不能安排公益性岗位")]
    NoLabour {
        /// The person's name.
        name: String,
        /// Label of the 劳动技能 code.
        label: String,
    },
    /// End before start.
    #[error("{field}结束日期{end}早于开始日期{start}")]
    Dates {
        /// Chinese name of the period.
        field: &'static str,
        /// Start.
        start: NaiveDate,
        /// End.
        end: NaiveDate,
    },
    /// Two 公益性岗位 of one person overlap.
    #[error("{name}在{start}至{end}已有公益性岗位“{post}”，同一人的岗位期间不能重叠")]
    PostOverlap {
        /// The person's name.
        name: String,
        /// The existing post.
        post: String,
        /// Its start.
        start: NaiveDate,
        /// Its end.
        end: NaiveDate,
    },
    /// The household's 到户产业奖补 of the year would exceed the cap.
    #[error(
        "{year}年到户产业奖补每户不超过{cap}元：本户已获{granted}元，还可申请{remaining}元，本次{amount}元超出上限"
    )]
    AwardCap {
        /// Year of the award.
        year: i32,
        /// The cap.
        cap: Money,
        /// Already granted this year.
        granted: Money,
        /// What may still be granted.
        remaining: Money,
        /// Requested amount.
        amount: Money,
    },
    /// Months of work outside 1..=12.
    #[error("务工月数应在1至12之间，实际为{months}")]
    WorkMonths {
        /// The value given.
        months: u8,
    },
    /// Unknown 务工地域 code.
    #[error("务工地域无效：{code}（可选：县内、县外省内、省外、国外）")]
    WorkRegion {
        /// The code given.
        code: String,
    },
    /// Unknown repayment method code.
    #[error("还款方式无效：{code}（可选：按季付息到期还本、按季等额本金）")]
    Method {
        /// The code given.
        code: String,
    },
    /// A repayment dated before the loan was issued.
    #[error("还款日期{paid_on}早于放款日期{issued_on}")]
    RepaymentBeforeIssue {
        /// Repayment day.
        paid_on: NaiveDate,
        /// Issue day.
        issued_on: NaiveDate,
    },
    /// A repayment above what is still owed.
    #[error("还款金额{amount}元超过尚欠本息{remaining}元")]
    Overpayment {
        /// Amount given.
        amount: Money,
        /// Principal and interest still owed.
        remaining: Money,
    },
    /// A correction would change the schedule of a loan already being repaid.
    #[error(
        "该笔贷款已登记{count}笔还款共{paid}元，还款计划已按原条件执行，不能再修改贷款金额、期限、放款日期、利率或还款方式；如确需更正，请先撤销这些还款"
    )]
    LoanRepaid {
        /// Repayments recorded.
        count: usize,
        /// Their sum.
        paid: Money,
    },
    /// A post ended early in a month before it began.
    #[error("提前结束月份{year}年{month}月早于岗位开始日期{start}")]
    PostEndBeforeStart {
        /// Year of the end month.
        year: i32,
        /// The end month.
        month: u32,
        /// First day of the post.
        start: NaiveDate,
    },
    /// A post "ended early" in or after the month it ends anyway.
    #[error(
        "提前结束月份{year}年{month}月不早于原结束日期{end}，不是提前结束；如需更改期间请修改岗位"
    )]
    PostEndNotEarly {
        /// Year of the end month.
        year: i32,
        /// The end month.
        month: u32,
        /// The agreed last day.
        end: NaiveDate,
    },
    /// An award already withdrawn.
    #[error("该笔奖补已于{on}撤销，不能再修改或撤销")]
    AwardWithdrawn {
        /// Day of the withdrawal.
        on: NaiveDate,
    },
    /// A 务工 record ended on a day outside its year.
    #[error("务工结束日期{on}不在{year}年内")]
    JobEndYear {
        /// The record's year.
        year: i32,
        /// The day given.
        on: NaiveDate,
    },
    /// A 务工 record ended on a day still to come.
    #[error("务工结束日期{on}晚于今天（{today}）")]
    JobEndFuture {
        /// The day given.
        on: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// More months than the year had before the work ended.
    #[error("务工已于{on}结束，当年务工月数不能超过{max}个月，实际为{months}")]
    JobMonthsAfterEnd {
        /// Day the work ended.
        on: NaiveDate,
        /// Months from January to that day.
        max: u8,
        /// Months given.
        months: u8,
    },
}

fn non_blank(field: &'static str, v: &str) -> Result<(), FundsError> {
    if v.trim().is_empty() {
        Err(FundsError::Blank { field })
    } else {
        Ok(())
    }
}

fn positive(field: &'static str, m: Money) -> Result<(), FundsError> {
    if m > Money::ZERO {
        Ok(())
    } else {
        Err(FundsError::NotPositive { field })
    }
}

/// Age in full years on `on`, from the ID number's birth date.
pub fn age_on(id: &IdNumber, on: NaiveDate) -> u32 {
    on.years_since(id.birth_date()).unwrap_or(0)
}

/// Refuses a person whose age on `on` is outside `min..=max`.
pub fn check_age(
    role: AgeRole,
    name: &str,
    id: &IdNumber,
    on: NaiveDate,
    min: u32,
    max: u32,
) -> Result<u32, FundsError> {
    let age = age_on(id, on);
    if (min..=max).contains(&age) {
        Ok(age)
    } else {
        Err(FundsError::Age {
            role,
            name: name.to_owned(),
            age,
            on,
            min,
            max,
        })
    }
}

// ---------------------------------------------------------------------------
// 小额信贷
// ---------------------------------------------------------------------------

/// How a loan is repaid.
///
/// 脱贫人口小额信贷 is mostly lent for one to three years and, in the county
/// practice the sources describe, the household pays interest every quarter
/// (which the finance bureau refunds as 贴息) and the principal at maturity:
/// the money goes into a breeding or planting cycle that pays back only at
/// the end. Some banks instead take the principal back in equal quarterly
/// parts; both are offered, quarterly because that is when banks settle
/// interest on these loans.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepaymentMethod {
    /// 按季付息、到期还本.
    InterestQuarterly,
    /// 按季等额本金 (equal principal each quarter plus the interest on what is owed).
    EqualPrincipalQuarterly,
}

impl RepaymentMethod {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            RepaymentMethod::InterestQuarterly => "interest_quarterly",
            RepaymentMethod::EqualPrincipalQuarterly => "equal_principal_quarterly",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            RepaymentMethod::InterestQuarterly => "按季付息到期还本",
            RepaymentMethod::EqualPrincipalQuarterly => "按季等额本金",
        }
    }

    /// From the stored code.
    pub fn parse(code: &str) -> Result<RepaymentMethod, FundsError> {
        [
            RepaymentMethod::InterestQuarterly,
            RepaymentMethod::EqualPrincipalQuarterly,
        ]
        .into_iter()
        .find(|m| m.code() == code.trim())
        .ok_or_else(|| FundsError::Method {
            code: code.trim().to_owned(),
        })
    }
}

/// 贴息: a subsidy rate (the finance bureau refunds that part of the interest)
/// or a fixed amount over the life of the loan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Subsidy {
    /// Annual subsidy rate.
    Rate(BasisPoints),
    /// A fixed total.
    Amount(Money),
}

/// What a loan is, as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanTerms {
    /// Principal.
    pub amount: Money,
    /// Term in months.
    pub term_months: u32,
    /// Day the money was paid out.
    pub issued_on: NaiveDate,
    /// Annual interest rate.
    pub annual_rate: BasisPoints,
    /// How it is repaid.
    pub method: RepaymentMethod,
    /// 贴息.
    pub subsidy: Subsidy,
    /// Whether collateral or a guarantee was taken (must be false).
    pub collateral: bool,
}

/// Limits of one area and year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanCaps {
    /// 每户贷款额度上限 (principal owed by one household).
    pub max_amount: Money,
    /// 贷款期限上限 (months).
    pub max_term_months: u32,
}

/// One due date of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1-based number.
    pub seq: u32,
    /// Due day.
    pub due_on: NaiveDate,
    /// Principal due.
    pub principal: Money,
    /// Interest due.
    pub interest: Money,
}

impl Instalment {
    /// Principal plus interest.
    pub fn total(&self) -> Money {
        self.principal + self.interest
    }
}

/// Day of maturity.
pub fn maturity(issued_on: NaiveDate, term_months: u32) -> NaiveDate {
    add_months(issued_on, term_months)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    // chrono keeps the day, or takes the month's last day when it is shorter.
    d.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// Interest on `principal` for `days` at `rate`, on the 360-day year banks in
/// China use for daily interest (日利率 = 年利率 / 360), rounded to the 分.
pub fn interest(principal: Money, rate: BasisPoints, days: i64) -> Money {
    let num = i128::from(principal.fen()) * i128::from(rate.0) * i128::from(days.max(0));
    let den: i128 = 10_000 * 360;
    Money::from_fen(((num + den / 2) / den) as i64)
}

/// Checks a new loan against the caps and the principal the household still
/// owes on its other loans.
pub fn check_loan(
    terms: &LoanTerms,
    caps: &LoanCaps,
    household_outstanding: Money,
) -> Result<(), FundsError> {
    positive("贷款金额", terms.amount)?;
    if terms.amount > caps.max_amount {
        return Err(FundsError::LoanAmount {
            amount: terms.amount,
            max: caps.max_amount,
        });
    }
    let remaining = (caps.max_amount - household_outstanding).max(Money::ZERO);
    if terms.amount > remaining {
        return Err(FundsError::HouseholdLoanCap {
            outstanding: household_outstanding,
            max: caps.max_amount,
            remaining,
            amount: terms.amount,
        });
    }
    if terms.term_months == 0 {
        return Err(FundsError::TermZero);
    }
    if terms.term_months > caps.max_term_months {
        return Err(FundsError::Term {
            months: terms.term_months,
            max: caps.max_term_months,
        });
    }
    if terms.collateral {
        return Err(FundsError::Collateral);
    }
    match terms.subsidy {
        Subsidy::Rate(r) if r > terms.annual_rate => Err(FundsError::SubsidyAboveRate {
            subsidy: r,
            rate: terms.annual_rate,
        }),
        Subsidy::Amount(a) if a.is_negative() => Err(FundsError::NotPositive {
            field: "贴息金额"
        }),
        Subsidy::Amount(a) => {
            let total: Money = schedule(terms).iter().map(|i| i.interest).sum();
            if a > total {
                Err(FundsError::SubsidyAboveInterest {
                    subsidy: a,
                    interest: total,
                })
            } else {
                Ok(())
            }
        }
        Subsidy::Rate(_) => Ok(()),
    }
}

/// The repayment schedule: a due date every three months from the issue day
/// and the last one at maturity (a shorter last period when the term is not
/// a multiple of three). Interest runs on the principal owed during each
/// period; see [`RepaymentMethod`] for how the principal is spread.
pub fn schedule(terms: &LoanTerms) -> Vec<Instalment> {
    let term = terms.term_months.max(1);
    let mut dues: Vec<NaiveDate> = (1..)
        .map(|q| q * 3)
        .take_while(|m| *m < term)
        .map(|m| add_months(terms.issued_on, m))
        .collect();
    dues.push(maturity(terms.issued_on, term));
    let n = dues.len() as i64;
    let per = terms.amount.fen() / n;
    let mut owed = terms.amount;
    let mut from = terms.issued_on;
    let mut out = Vec::with_capacity(dues.len());
    for (i, due_on) in dues.into_iter().enumerate() {
        let last = i as i64 == n - 1;
        let principal = match terms.method {
            RepaymentMethod::InterestQuarterly if last => owed,
            RepaymentMethod::InterestQuarterly => Money::ZERO,
            RepaymentMethod::EqualPrincipalQuarterly if last => owed,
            RepaymentMethod::EqualPrincipalQuarterly => Money::from_fen(per),
        };
        let days = (due_on - from).num_days();
        out.push(Instalment {
            seq: i as u32 + 1,
            due_on,
            principal,
            interest: interest(owed, terms.annual_rate, days),
        });
        owed -= principal;
        from = due_on;
    }
    out
}

/// The interest the subsidy covers over the whole schedule.
pub fn subsidy_total(terms: &LoanTerms, plan: &[Instalment]) -> Money {
    let interest: Money = plan.iter().map(|i| i.interest).sum();
    match terms.subsidy {
        Subsidy::Amount(a) => a.min(interest),
        Subsidy::Rate(_) if terms.annual_rate.0 == 0 => Money::ZERO,
        Subsidy::Rate(r) => {
            let share = r.min(terms.annual_rate);
            let fen = i128::from(interest.fen()) * i128::from(share.0);
            let den = i128::from(terms.annual_rate.0);
            Money::from_fen(((fen + den / 2) / den) as i64)
        }
    }
}

/// One repayment received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repayment {
    /// Day received.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
}

/// Refuses a repayment that is not positive, is dated before the issue day,
/// or is more than the principal and interest still owed.
pub fn check_repayment(
    issued_on: NaiveDate,
    plan: &[Instalment],
    earlier: &[Repayment],
    new: &Repayment,
) -> Result<(), FundsError> {
    positive("还款金额", new.amount)?;
    if new.paid_on < issued_on {
        return Err(FundsError::RepaymentBeforeIssue {
            paid_on: new.paid_on,
            issued_on,
        });
    }
    let owed: Money = plan.iter().map(Instalment::total).sum();
    let paid: Money = earlier.iter().map(|r| r.amount).sum();
    let remaining = (owed - paid).max(Money::ZERO);
    if new.amount > remaining {
        return Err(FundsError::Overpayment {
            amount: new.amount,
            remaining,
        });
    }
    Ok(())
}

/// Where a loan stands on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Principal repaid.
    pub principal_paid: Money,
    /// Interest repaid.
    pub interest_paid: Money,
    /// Principal still owed (贷款余额).
    pub outstanding: Money,
    /// Principal and interest due past the grace period and not paid.
    pub past_due: Money,
    /// Due day of the oldest unpaid instalment past its grace period.
    pub overdue_since: Option<NaiveDate>,
    /// Days since `overdue_since` (0 when not overdue).
    pub days_overdue: i64,
    /// The next unpaid instalment not yet past its grace period.
    pub next_due: Option<NaiveDate>,
    /// What is left to pay of that instalment.
    pub next_amount: Money,
    /// Everything repaid.
    pub settled: bool,
}

impl Standing {
    /// Whether an instalment is unpaid past its due day and grace period.
    pub fn is_overdue(&self) -> bool {
        self.overdue_since.is_some()
    }
}

/// What each instalment has received by `as_of` (interest and principal):
/// repayments made up to that day go to the instalments oldest first.
pub fn paid_per_instalment(
    plan: &[Instalment],
    repayments: &[Repayment],
    as_of: NaiveDate,
) -> Vec<(Money, Money)> {
    let mut pool: Money = repayments
        .iter()
        .filter(|r| r.paid_on <= as_of)
        .map(|r| r.amount)
        .sum();
    plan.iter()
        .map(|i| {
            let interest = pool.min(i.interest).max(Money::ZERO);
            pool -= interest;
            let principal = pool.min(i.principal).max(Money::ZERO);
            pool -= principal;
            (interest, principal)
        })
        .collect()
}

/// The loan's standing on `as_of`: repayments made up to that day are applied
/// to the instalments oldest first, interest before principal; an instalment
/// is overdue once `as_of` is more than `grace_days` after its due day and it
/// is not fully paid. Paying late cures it (the day it is paid).
pub fn standing(
    amount: Money,
    plan: &[Instalment],
    repayments: &[Repayment],
    as_of: NaiveDate,
    grace_days: u32,
) -> Standing {
    let mut s = Standing {
        principal_paid: Money::ZERO,
        interest_paid: Money::ZERO,
        outstanding: amount,
        past_due: Money::ZERO,
        overdue_since: None,
        days_overdue: 0,
        next_due: None,
        next_amount: Money::ZERO,
        settled: false,
    };
    for (i, (interest, principal)) in plan
        .iter()
        .zip(paid_per_instalment(plan, repayments, as_of))
    {
        s.interest_paid += interest;
        s.principal_paid += principal;
        let unpaid = i.total() - interest - principal;
        if unpaid.is_zero() {
            continue;
        }
        if is_late(i.due_on, as_of, grace_days) {
            s.past_due += unpaid;
            if s.overdue_since.is_none() {
                s.overdue_since = Some(i.due_on);
                s.days_overdue = (as_of - i.due_on).num_days();
            }
        } else if s.next_due.is_none() {
            s.next_due = Some(i.due_on);
            s.next_amount = unpaid;
        }
    }
    s.outstanding = amount - s.principal_paid;
    s.settled = s.outstanding.is_zero() && s.past_due.is_zero() && s.next_due.is_none();
    s
}

/// Whether an instalment due on `due_on` and still unpaid on `as_of` is
/// overdue: `as_of` is more than `grace_days` after the due day.
pub fn is_late(due_on: NaiveDate, as_of: NaiveDate, grace_days: u32) -> bool {
    as_of > due_on + chrono::Days::new(u64::from(grace_days))
}

/// Loans of an area summed for the 逾期率.
///
/// 逾期率 = 逾期贷款余额 ÷ 贷款余额. As banks report it, a loan with any
/// instalment overdue counts with its whole remaining principal (逾期贷款余额),
/// not only the part past due, so one overdue loan weighs by its size.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Portfolio {
    /// Loans not yet repaid.
    pub loans: u64,
    /// 贷款余额: principal owed on them.
    pub outstanding: Money,
    /// Loans with an overdue instalment.
    pub overdue_loans: u64,
    /// 逾期贷款余额: principal owed on those loans.
    pub overdue_balance: Money,
    /// Principal and interest past due on those loans.
    pub past_due: Money,
}

impl Portfolio {
    /// Adds one loan's standing (a repaid loan adds nothing).
    pub fn add(&mut self, s: &Standing) {
        if s.outstanding.is_zero() && s.past_due.is_zero() {
            return;
        }
        self.loans += 1;
        self.outstanding += s.outstanding;
        if s.is_overdue() {
            self.overdue_loans += 1;
            self.overdue_balance += s.outstanding;
            self.past_due += s.past_due;
        }
    }

    /// Adds another portfolio (a village into its township …).
    pub fn merge(&mut self, o: &Portfolio) {
        self.loans += o.loans;
        self.outstanding += o.outstanding;
        self.overdue_loans += o.overdue_loans;
        self.overdue_balance += o.overdue_balance;
        self.past_due += o.past_due;
    }

    /// 逾期率 in basis points, rounded; `None` without an outstanding balance.
    pub fn rate(&self) -> Option<BasisPoints> {
        let den = i128::from(self.outstanding.fen());
        if den <= 0 {
            return None;
        }
        let num = i128::from(self.overdue_balance.fen()) * 10_000;
        Some(BasisPoints(((num + den / 2) / den) as u32))
    }

    /// Whether the rate is at most `target` (nothing lent meets any target).
    /// Compared exactly, not on the rounded rate.
    pub fn meets(&self, target: BasisPoints) -> bool {
        i128::from(self.overdue_balance.fen()) * 10_000
            <= i128::from(self.outstanding.fen()) * i128::from(target.0)
    }
}

// ---------------------------------------------------------------------------
// 公益性岗位
// ---------------------------------------------------------------------------

/// An existing post of the same person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostSpan {
    /// Post name.
    pub post: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// A new 公益性岗位 to check.
#[derive(Clone, Debug)]
pub struct PostCheck<'a> {
    /// Post name.
    pub post: &'a str,
    /// The holder's name.
    pub holder: &'a str,
    /// The holder's ID number (the birth date comes from it).
    pub id: &'a IdNumber,
    /// The holder's 劳动技能 code.
    pub labor_skill: &'a str,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Monthly pay.
    pub monthly_pay: Money,
    /// Lowest age on the first day.
    pub min_age: u32,
    /// Highest age on the first day.
    pub max_age: u32,
    /// The holder's other posts.
    pub existing: &'a [PostSpan],
}

/// Whether a 劳动技能 code means some capacity to work (普通, 技能, 弱或半劳动力):
/// 公益性岗位 are meant for those who cannot go out to work but can work.
pub fn can_work_some(labor_skill: &str) -> bool {
    matches!(
        labor_skill,
        well_known::LABOR_ORDINARY | well_known::LABOR_SKILLED | well_known::LABOR_WEAK
    )
}

/// Whether a 劳动技能 code means full labour capacity (普通 or 技能劳动力).
pub fn able_to_work(labor_skill: &str) -> bool {
    matches!(
        labor_skill,
        well_known::LABOR_ORDINARY | well_known::LABOR_SKILLED
    )
}

/// Calendar months a period touches (2024-03-15 … 2024-05-01 is 3).
pub fn months_touched(start: NaiveDate, end: NaiveDate) -> u32 {
    if end < start {
        return 0;
    }
    let m = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    m as u32
}

/// Checks a new post; returns the number of months it covers.
pub fn check_post(c: &PostCheck<'_>) -> Result<u32, FundsError> {
    non_blank("岗位名称", c.post)?;
    positive("月工资", c.monthly_pay)?;
    if c.end < c.start {
        return Err(FundsError::Dates {
            field: "公益性岗位",
            start: c.start,
            end: c.end,
        });
    }
    check_age(
        AgeRole::PostHolder,
        c.holder,
        c.id,
        c.start,
        c.min_age,
        c.max_age,
    )?;
    if !can_work_some(c.labor_skill) {
        let label = find_list(code_keys::LABOR_SKILL)
            .and_then(|l| l.label_of(c.labor_skill))
            .unwrap_or(if c.labor_skill.is_empty() {
                "未填写"
            } else {
                c.labor_skill
            });
        return Err(FundsError::NoLabour {
            name: c.holder.to_owned(),
            label: label.to_owned(),
        });
    }
    if let Some(o) = c
        .existing
        .iter()
        .find(|o| o.start <= c.end && c.start <= o.end)
    {
        return Err(FundsError::PostOverlap {
            name: c.holder.to_owned(),
            post: o.post.clone(),
            start: o.start,
            end: o.end,
        });
    }
    Ok(months_touched(c.start, c.end))
}

/// Whether a period overlaps calendar year `year`.
pub fn covers_year(start: NaiveDate, end: NaiveDate, year: i32) -> bool {
    start.year() <= year && end.year() >= year
}

// ---------------------------------------------------------------------------
// 到户产业奖补
// ---------------------------------------------------------------------------

/// Checks an award against the household's cap for the year, given what the
/// household was already granted that year.
pub fn check_award(
    year: i32,
    cap: Money,
    granted: Money,
    amount: Money,
    project: &str,
) -> Result<(), FundsError> {
    non_blank("奖补项目", project)?;
    positive("奖补金额", amount)?;
    let remaining = (cap - granted).max(Money::ZERO);
    if amount > remaining {
        return Err(FundsError::AwardCap {
            year,
            cap,
            granted,
            remaining,
            amount,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 务工
// ---------------------------------------------------------------------------

/// Where a person works, as 务工监测 counts it (the national field set has
/// the free-text 务工所在地 and 是否国外务工; this is the statistical grouping).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkRegion {
    /// 县内.
    InCounty,
    /// 县外省内.
    InProvince,
    /// 省外.
    OutOfProvince,
    /// 国外.
    Abroad,
}

impl WorkRegion {
    /// Every region in display order.
    pub const ALL: [WorkRegion; 4] = [
        WorkRegion::InCounty,
        WorkRegion::InProvince,
        WorkRegion::OutOfProvince,
        WorkRegion::Abroad,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            WorkRegion::InCounty => "in_county",
            WorkRegion::InProvince => "in_province",
            WorkRegion::OutOfProvince => "out_of_province",
            WorkRegion::Abroad => "abroad",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            WorkRegion::InCounty => "县内",
            WorkRegion::InProvince => "县外省内",
            WorkRegion::OutOfProvince => "省外",
            WorkRegion::Abroad => "国外",
        }
    }

    /// From the stored code or the Chinese name.
    pub fn parse(s: &str) -> Result<WorkRegion, FundsError> {
        let t = s.trim();
        WorkRegion::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label() == t)
            .ok_or_else(|| FundsError::WorkRegion { code: t.to_owned() })
    }
}

/// Checks a 务工 record.
pub fn check_employment(employer: &str, months: u8, income: Money) -> Result<(), FundsError> {
    non_blank("务工单位", employer)?;
    if !(1..=12).contains(&months) {
        return Err(FundsError::WorkMonths { months });
    }
    if income.is_negative() {
        return Err(FundsError::NotPositive {
            field: "务工收入"
        });
    }
    Ok(())
}

/// A member as the 零就业家庭 test sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberWork {
    /// 普通 or 技能劳动力.
    pub able: bool,
    /// Worked in the year (a 务工 record or a 公益性岗位).
    pub employed: bool,
}

/// 零就业家庭: at least one member able to work and nobody employed in the year.
pub fn zero_employment(members: &[MemberWork]) -> bool {
    members.iter().any(|m| m.able) && !members.iter().any(|m| m.employed)
}

// ---------------------------------------------------------------------------
// Entries (what a form or the demo generator records)
// ---------------------------------------------------------------------------

/// A loan as entered; the borrower is a member named by 人口编号.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanEntry {
    /// The borrower's 人口编号.
    pub borrower_no: String,
    /// Lending bank.
    pub bank: String,
    /// 贷款用途.
    pub purpose: String,
    /// Amount, term, rate, method, subsidy.
    pub terms: LoanTerms,
    /// Remarks.
    pub note: String,
}

/// A 公益性岗位 as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostEntry {
    /// The holder's 人口编号.
    pub person_no: String,
    /// Post name (护林员, 保洁员 …).
    pub post: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Monthly pay.
    pub monthly_pay: Money,
    /// Remarks.
    pub note: String,
}

/// A 到户产业奖补 as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardEntry {
    /// Year it counts against.
    pub year: i32,
    /// Project (养殖, 种植 …).
    pub project: String,
    /// Amount.
    pub amount: Money,
    /// Remarks.
    pub note: String,
}

/// A 务工 record as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmploymentEntry {
    /// The worker's 人口编号.
    pub person_no: String,
    /// Year.
    pub year: i32,
    /// 县内 / 县外省内 / 省外 / 国外.
    pub region: WorkRegion,
    /// 务工所在地 (free text).
    pub place: String,
    /// 务工单位.
    pub employer: String,
    /// Months worked in the year.
    pub months: u8,
    /// Income from the work in the year.
    pub income: Money,
    /// Remarks.
    pub note: String,
}

/// One household's money measures and work records, for bulk loads (demo).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HouseholdFunds {
    /// 户编号.
    pub household_no: String,
    /// Loans with the repayments received.
    pub loans: Vec<(LoanEntry, Vec<Repayment>)>,
    /// 公益性岗位.
    pub posts: Vec<PostEntry>,
    /// 到户产业奖补.
    pub awards: Vec<AwardEntry>,
    /// 务工.
    pub jobs: Vec<EmploymentEntry>,
}

impl HouseholdFunds {
    /// Whether there is nothing to record.
    pub fn is_empty(&self) -> bool {
        self.loans.is_empty()
            && self.posts.is_empty()
            && self.awards.is_empty()
            && self.jobs.is_empty()
    }
}

// ---------------------------------------------------------------------------
// Corrections
// ---------------------------------------------------------------------------

/// A correction of a loan: everything but the borrower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanCorrection {
    /// Lending bank.
    pub bank: String,
    /// 贷款用途.
    pub purpose: String,
    /// Amount, term, issue day, rate, method, subsidy.
    pub terms: LoanTerms,
    /// Remarks.
    pub note: String,
}

/// Whether two sets of terms give different repayment schedules (amount,
/// term, issue day, rate or method differ; the subsidy does not count).
pub fn changes_schedule(old: &LoanTerms, new: &LoanTerms) -> bool {
    old.amount != new.amount
        || old.term_months != new.term_months
        || old.issued_on != new.issued_on
        || old.annual_rate != new.annual_rate
        || old.method != new.method
}

/// Checks a correction of a loan as a new loan is checked (the caps count
/// the principal the household owes on its *other* loans), and refuses to
/// change the schedule of a loan on which repayments are recorded: they
/// were applied to the old instalments. Returns whether the schedule must
/// be recomputed.
pub fn check_loan_correction(
    old: &LoanTerms,
    new: &LoanTerms,
    caps: &LoanCaps,
    others_outstanding: Money,
    repaid: &[Repayment],
) -> Result<bool, FundsError> {
    let reschedule = changes_schedule(old, new);
    if reschedule && !repaid.is_empty() {
        return Err(FundsError::LoanRepaid {
            count: repaid.len(),
            paid: repaid.iter().map(|r| r.amount).sum(),
        });
    }
    check_loan(new, caps, others_outstanding)?;
    Ok(reschedule)
}

/// A correction of a 公益性岗位: everything but the holder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostCorrection {
    /// Post name.
    pub post: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Monthly pay.
    pub monthly_pay: Money,
    /// Remarks.
    pub note: String,
}

/// The last day of a post ended early in `month`: the month's last day. The
/// month cannot be before the post began, and must end before the agreed
/// last day (otherwise it is not early).
pub fn end_post_early(
    start: NaiveDate,
    end: NaiveDate,
    month: YearMonth,
) -> Result<NaiveDate, FundsError> {
    let last = month.plus_months(1).first_day().pred_opt().unwrap_or(end);
    if month < YearMonth::from_date(start) {
        return Err(FundsError::PostEndBeforeStart {
            year: month.year(),
            month: month.month(),
            start,
        });
    }
    if last >= end {
        return Err(FundsError::PostEndNotEarly {
            year: month.year(),
            month: month.month(),
            end,
        });
    }
    Ok(last)
}

/// Refuses a blank reason (撤销原因 …).
pub fn require_reason(field: &'static str, reason: &str) -> Result<(), FundsError> {
    non_blank(field, reason)
}

/// Refuses a change of an award already withdrawn.
pub fn check_not_withdrawn(withdrawn_on: Option<NaiveDate>) -> Result<(), FundsError> {
    match withdrawn_on {
        Some(on) => Err(FundsError::AwardWithdrawn { on }),
        None => Ok(()),
    }
}

/// A correction of a 务工 record: everything but the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmploymentCorrection {
    /// Year.
    pub year: i32,
    /// 县内 / 县外省内 / 省外 / 国外.
    pub region: WorkRegion,
    /// 务工所在地 (free text).
    pub place: String,
    /// 务工单位.
    pub employer: String,
    /// Months worked in the year.
    pub months: u8,
    /// Income from the work in the year.
    pub income: Money,
    /// Remarks.
    pub note: String,
}

/// Refuses, for a record whose work ended, another year than the end day's
/// or more months than the year had up to that day (a record not ended
/// passes).
pub fn check_months_until_end(
    year: i32,
    months: u8,
    ended_on: Option<NaiveDate>,
) -> Result<(), FundsError> {
    match ended_on {
        Some(on) if on.year() != year => Err(FundsError::JobEndYear { year, on }),
        Some(on) if u32::from(months) > on.month() => Err(FundsError::JobMonthsAfterEnd {
            on,
            max: on.month() as u8,
            months,
        }),
        _ => Ok(()),
    }
}

/// Ends a 务工 record on `ended_on`, which must fall in the record's year
/// and not after `today`. The record cannot claim work after that day, so
/// its months are at most the calendar months from January to that day;
/// returns the months the record keeps.
pub fn end_employment(
    year: i32,
    months: u8,
    ended_on: NaiveDate,
    today: NaiveDate,
) -> Result<u8, FundsError> {
    if ended_on.year() != year {
        return Err(FundsError::JobEndYear { year, on: ended_on });
    }
    if ended_on > today {
        return Err(FundsError::JobEndFuture {
            on: ended_on,
            today,
        });
    }
    Ok(months.min(ended_on.month() as u8).max(1))
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// Default parameters of one year (national scope), plus 丰都's local ones.
pub fn param_defaults(year: i32) -> Vec<ParamDef> {
    use Confidence::*;
    let def =
        |key: &str, scope: Option<&str>, value: ParamValue, c: Confidence, note: &str| ParamDef {
            key: key.to_string(),
            scope: scope.map(|s| AreaCode::parse(s).expect("seed area code is valid")),
            year,
            value,
            confidence: c,
            note: note.to_string(),
        };
    let int =
        |key: &str, v: i64, c: Confidence, note: &str| def(key, None, ParamValue::Int(v), c, note);
    let mut out = vec![
        def(
            keys::LOAN_MAX_AMOUNT,
            None,
            ParamValue::Money(Money::from_yuan(50_000)),
            Confirmed,
            "脱贫人口小额信贷：5万元以下（policy.md §5.2）",
        ),
        int(
            keys::LOAN_MAX_TERM_MONTHS,
            36,
            Confirmed,
            "脱贫人口小额信贷：3年期以内（policy.md §5.2）",
        ),
        int(
            keys::LOAN_BORROWER_MIN_AGE,
            18,
            Unconfirmed,
            "借款人须具有完全民事行为能力；本系统默认18周岁",
        ),
        int(
            keys::LOAN_BORROWER_MAX_AGE,
            65,
            Unconfirmed,
            "常见地方口径为65周岁以下，未在语料中证实，应按县配置",
        ),
        int(
            keys::LOAN_GRACE_DAYS,
            0,
            Unconfirmed,
            "本系统默认：到期日次日仍未足额还款即计逾期",
        ),
        int(
            keys::LOAN_OVERDUE_TARGET_BP,
            100,
            Unconfirmed,
            "全国逾期率口径未找到（policy.md §12）；本系统默认1%，与丰都县2024年目标一致",
        ),
        int(
            keys::POST_MIN_AGE,
            16,
            Confirmed,
            "国家疑点校验：未满16周岁不得担任公益性岗位（policy.md §9）",
        ),
        int(
            keys::POST_MAX_AGE,
            65,
            Unconfirmed,
            "各地公益性岗位年龄上限不一（60至70周岁），本系统默认65周岁，应按县配置",
        ),
    ];
    if year == 2024 {
        out.push(def(
            keys::LOAN_OVERDUE_TARGET_BP,
            Some("500230"),
            ParamValue::Int(100),
            Local,
            "丰都县2024年工作要点：小额信贷逾期率控制在1%以内",
        ));
        out.push(def(
            keys::AWARD_CAP,
            Some("500230"),
            ParamValue::Money(Money::from_yuan(2_000)),
            Local,
            "丰都县2024年工作要点：到户产业奖补每户每年不高于2000元",
        ));
    }
    out
}

fn money_param(
    policy: &PolicySet,
    key: &str,
    area: &AreaCode,
    year: i32,
) -> Result<Money, PolicyError> {
    let r = policy.resolve(key, area, year)?;
    match &r.def.value {
        ParamValue::Money(m) => Ok(*m),
        other => Err(PolicyError::WrongType {
            key: key.to_string(),
            expected: "金额",
            found: other.type_label(),
        }),
    }
}

fn count_param(
    policy: &PolicySet,
    key: &str,
    area: &AreaCode,
    year: i32,
) -> Result<u32, PolicyError> {
    let v = policy.int_param(key, area, year)?;
    u32::try_from(v).map_err(|_| PolicyError::WrongType {
        key: key.to_string(),
        expected: "非负整数",
        found: "负数",
    })
}

impl LoanCaps {
    /// The caps of an area and year.
    pub fn resolve(
        policy: &PolicySet,
        area: &AreaCode,
        year: i32,
    ) -> Result<LoanCaps, PolicyError> {
        Ok(LoanCaps {
            max_amount: money_param(policy, keys::LOAN_MAX_AMOUNT, area, year)?,
            max_term_months: count_param(policy, keys::LOAN_MAX_TERM_MONTHS, area, year)?,
        })
    }
}

/// An age window (both ends included) from two parameters.
pub fn age_window(
    policy: &PolicySet,
    (min_key, max_key): (&str, &str),
    area: &AreaCode,
    year: i32,
) -> Result<(u32, u32), PolicyError> {
    Ok((
        count_param(policy, min_key, area, year)?,
        count_param(policy, max_key, area, year)?,
    ))
}

/// The borrower's age window parameters.
pub const BORROWER_AGE: (&str, &str) = (keys::LOAN_BORROWER_MIN_AGE, keys::LOAN_BORROWER_MAX_AGE);
/// The 公益性岗位 age window parameters.
pub const POST_AGE: (&str, &str) = (keys::POST_MIN_AGE, keys::POST_MAX_AGE);

/// Grace days before an unpaid instalment counts as overdue.
pub fn grace_days(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<u32, PolicyError> {
    count_param(policy, keys::LOAN_GRACE_DAYS, area, year)
}

/// The 逾期率 target of an area and year.
pub fn overdue_target(
    policy: &PolicySet,
    area: &AreaCode,
    year: i32,
) -> Result<BasisPoints, PolicyError> {
    count_param(policy, keys::LOAN_OVERDUE_TARGET_BP, area, year).map(BasisPoints)
}

/// The 到户产业奖补 cap per household of an area and year.
pub fn award_cap(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Money, PolicyError> {
    money_param(policy, keys::AWARD_CAP, area, year)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let set = PolicySet::new(crate::policy::seed_params());
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
}
