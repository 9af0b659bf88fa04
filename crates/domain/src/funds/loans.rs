//! 脱贫人口小额信贷: terms and caps, the repayment schedule, 贴息, repayments,
//! overdue standing, the portfolio's overdue rate, and loan corrections.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Money;

use super::*;

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
