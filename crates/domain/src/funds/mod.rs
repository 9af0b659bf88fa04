//! 资金与就业帮扶 (policy.md §5.2, §8.1; 丰都县2024年工作要点): 脱贫人口小额信贷
//! with its repayment schedule and overdue arithmetic, 公益性岗位, 到户产业奖补,
//! and per-person 务工 records with the 零就业家庭 test.
//!
//! Every cap and rate here is an argument: the store resolves it from the
//! per-area, per-year parameters (see [`crate::policy::keys`]) and passes it in.
//! Refusals are [`FundsError`]s whose Chinese message names the field, the
//! limit and, for the per-household caps, what has been granted and what remains.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::id_number::IdNumber;
use crate::money::Money;

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
    /// A parameter the check needs is missing or of the wrong type.
    #[error(transparent)]
    Param(#[from] crate::policy::PolicyError),
    /// A groups parameter names no known group.
    #[error(
        "参数“{param}”无效：“{token}”不是可识别的对象（可写：脱贫户、监测对象、脱贫不稳定户、边缘易致贫户、突发严重困难户）"
    )]
    BadGroups {
        /// Chinese name of the parameter.
        param: String,
        /// The word not understood.
        token: String,
    },
    /// The household is not in the groups the benefit is open to.
    #[error("本户为{household}，不属于{year}年{benefit}的对象（本地区可享受的对象：{allowed}）")]
    NotEligible {
        /// 脱贫人口小额信贷 or 到户产业奖补.
        benefit: &'static str,
        /// Year of the loan's issue or of the award.
        year: i32,
        /// The household's type and category in words.
        household: String,
        /// The groups, in words.
        allowed: String,
    },
    /// No 全市平均水平 configured for the award's area and year.
    #[error(
        "未配置参数“到户产业奖补收入标准（全市平均水平）”：地区{area}，年度{year}。到户产业奖补要求年人均纯收入低于全市平均水平，来源中没有该数值，请维护参数的管理员按年度设置后再登记"
    )]
    AwardThresholdMissing {
        /// The household's village.
        area: crate::area::AreaCode,
        /// Year of the award.
        year: i32,
    },
    /// No income record to compare with the threshold.
    #[error(
        "本户没有{year}年或上一年度的收入记录，无法核对人均纯收入是否低于全市平均水平，不能登记{year}年到户产业奖补"
    )]
    AwardNoIncome {
        /// Year of the award.
        year: i32,
    },
    /// The income record cannot be computed.
    #[error("本户{income_year}年收入记录有误，无法计算人均纯收入：{reason}")]
    AwardIncomeInvalid {
        /// Year of the income record.
        income_year: i32,
        /// Why.
        reason: String,
    },
    /// No 产业帮扶 measure under way in the award's year.
    #[error(
        "本户{year}年没有正在实施的产业帮扶措施（一户一策中未登记实施中或已完成的产业项目），不符合“正在发展产业项目”的条件，不能享受{year}年到户产业奖补；请先在帮扶计划中登记产业措施"
    )]
    AwardNoIndustry {
        /// Year of the award.
        year: i32,
    },
    /// Income not below the threshold.
    #[error(
        "本户{income_year}年人均纯收入{per_capita}元，不低于{year}年到户产业奖补收入标准（全市平均水平）{threshold}元，不能享受"
    )]
    AwardIncome {
        /// Year of the award.
        year: i32,
        /// Year of the income compared.
        income_year: i32,
        /// 人均纯收入.
        per_capita: Money,
        /// The threshold.
        threshold: Money,
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

/// Refuses a blank reason (撤销原因 …).
pub fn require_reason(field: &'static str, reason: &str) -> Result<(), FundsError> {
    non_blank(field, reason)
}

mod awards;
mod eligibility;
mod jobs;
mod loans;
mod params;
mod posts;
#[cfg(test)]
mod tests;

pub use awards::*;
pub use eligibility::*;
pub use jobs::*;
pub use loans::*;
pub use params::*;
pub use posts::*;
