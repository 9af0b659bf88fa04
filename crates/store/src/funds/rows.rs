//! The rows and views the funds records are read as.

use super::*;

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

/// A loan as lists show it, with where it stands today.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub borrower_no: String,
    pub borrower_name: String,
    pub bank: String,
    pub purpose: String,
    pub amount_fen: Money,
    pub term_months: u32,
    pub issued_on: NaiveDate,
    pub maturity_on: NaiveDate,
    pub rate_bp: BasisPoints,
    pub method: RepaymentMethod,
    pub method_label: &'static str,
    pub subsidy: Subsidy,
    pub interest_total_fen: Money,
    pub subsidy_total_fen: Money,
    pub note: String,
    pub standing: Standing,
    /// 逾期 / 正常 / 已结清.
    pub status_label: &'static str,
    /// Moves on with every change (corrections, repayments).
    pub revision: i32,
}

/// One instalment with what it has received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct InstalmentRow {
    pub seq: u32,
    pub due_on: NaiveDate,
    pub principal_fen: Money,
    pub interest_fen: Money,
    pub total_fen: Money,
    pub paid_fen: Money,
    /// paid / partial / overdue / due.
    pub status: &'static str,
    pub status_label: &'static str,
}

/// A repayment received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RepaymentRow {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub amount_fen: Money,
    pub note: String,
}

/// A loan with its schedule and repayments.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanDetail {
    pub loan: LoanRow,
    pub schedule: Vec<InstalmentRow>,
    pub repayments: Vec<RepaymentRow>,
    pub grace_days: u32,
}

/// Filters of the loan list.
#[derive(Clone, Debug, Default)]
pub struct LoanFilter {
    pub area: Option<AreaCode>,
    pub household_id: Option<i64>,
    pub overdue_only: bool,
}

/// The 逾期率 of one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaLoanRate {
    pub area_code: String,
    pub name: String,
    #[serde(flatten)]
    pub portfolio: Portfolio,
    /// 逾期率 in basis points; `None` when nothing is owed.
    pub rate_bp: Option<BasisPoints>,
    /// The area's 逾期率 target; `None` when the parameter is missing.
    pub target_bp: Option<BasisPoints>,
    /// Where the target comes from, or why it is missing.
    pub target_source: String,
    /// Within the target (`None` when nothing is owed or no target).
    pub meets: Option<bool>,
}

/// The 逾期率 of an area and of each area directly below it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanRates {
    pub as_of: NaiveDate,
    pub area: AreaLoanRate,
    pub children: Vec<AreaLoanRate>,
}

/// A 公益性岗位 as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PostRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub person_no: String,
    pub person_name: String,
    pub post: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub months: u32,
    pub monthly_pay_fen: Money,
    pub total_pay_fen: Money,
    /// On post today.
    pub current: bool,
    pub note: String,
    pub revision: i32,
}

/// Filters of the post, award and employment lists.
#[derive(Clone, Debug, Default)]
pub struct FundsFilter {
    pub area: Option<AreaCode>,
    pub household_id: Option<i64>,
    pub year: Option<i32>,
}

/// A 到户产业奖补.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AwardRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub year: i32,
    pub project: String,
    pub amount_fen: Money,
    pub note: String,
    /// Day it was withdrawn (撤销); a withdrawn award counts for nothing.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    /// 有效 / 已撤销.
    pub status_label: &'static str,
    pub revision: i32,
}

/// What a household may still receive in a year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AwardRoom {
    pub year: i32,
    pub cap_fen: Option<Money>,
    pub granted_fen: Money,
    pub remaining_fen: Option<Money>,
    /// Where the cap comes from, or why there is none.
    pub cap_source: String,
}

/// A 务工 record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub person_no: String,
    pub person_name: String,
    pub year: i32,
    pub region: WorkRegion,
    pub region_label: &'static str,
    pub place: String,
    pub employer: String,
    pub months: u8,
    pub income_fen: Money,
    /// Day the work ended, when it did.
    pub ended_on: Option<NaiveDate>,
    pub note: String,
    pub revision: i32,
}

/// A 零就业家庭.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmploymentRow {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub members: u32,
    /// Members able to work (普通/技能劳动力).
    pub able: u32,
}

/// 零就业家庭 counts of an area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmploymentCount {
    pub area_code: String,
    pub name: String,
    /// Households with at least one member able to work.
    pub with_labour: u64,
    pub zero: u64,
}

/// The 零就业家庭 of an area and year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmployment {
    pub year: i32,
    pub total: u64,
    pub items: Vec<ZeroEmploymentRow>,
    pub by_area: Vec<ZeroEmploymentCount>,
}

/// A household's money measures and work records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdFundsView {
    pub loans: Vec<LoanRow>,
    pub posts: Vec<PostRow>,
    pub awards: Vec<AwardRow>,
    pub jobs: Vec<JobRow>,
}

/// What a bulk load wrote.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct FundsLoaded {
    pub loans: u64,
    pub repayments: u64,
    pub posts: u64,
    pub awards: u64,
    pub jobs: u64,
}
