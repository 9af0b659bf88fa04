//! Monitoring cases: the one module that opens a case, applies every
//! workflow transition and owns its side effects — the insert-only ledger
//! row, the step deadline on the working-day calendar, the household's
//! monitoring fields (with a version), and the audit entry — all in one
//! transaction. The rules of who may do what live in
//! `fangpin_domain::monitor::workflow`; this module measures what they need (the
//! rules assessment, the elimination criteria) and records the outcome.
//!
//! Every method takes `now`: the caller's clock, so tests can travel in time.
//!
//! `what_if` holds the rules assessment of one household and the 测算
//! (what-if) of the thresholds over an area.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fangpin_domain::calendar::WorkCalendar;
use fangpin_domain::codes::{find_list, keys as code_keys};
use fangpin_domain::monitor::assess::{self, Assessment, Thresholds, facts_of};
use fangpin_domain::monitor::sla::{Span, Urgency, urgency};
use fangpin_domain::monitor::workflow::{
    Action, Actor as WfActor, CaseState, CaseView, Channel, EliminationCheck, Level, WorkflowError,
    decide,
};
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::{AreaCode, HouseholdBundle, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::{AuditEntry, commit_audited, record};
use crate::calendar::china_day;
use crate::scope::{Keyed, Scope};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

mod cases;
mod decisions;
mod lists;
mod what_if;
pub(crate) use cases::check_codes;
pub use cases::full_months;
use cases::insert_event;
pub(crate) use what_if::FactsCache;
pub use what_if::{
    FactsSnapshot, WHAT_IF_CACHE_ENTRIES, WhatIf, WhatIfArea, WhatIfHousehold, WhatIfResult,
};

/// The workflow levels a caller may act at, from the role's permissions.
pub fn levels_of(access: &Access) -> &'static [Level] {
    let v = access.has(perm::CASE_VILLAGE);
    let t = access.has(perm::CASE_TOWNSHIP);
    let c = access.has(perm::CASE_COUNTY);
    match (v, t, c) {
        (true, true, true) => &[Level::Village, Level::Township, Level::County],
        (true, true, false) => &[Level::Village, Level::Township],
        (true, false, true) => &[Level::Village, Level::County],
        (false, true, true) => &[Level::Township, Level::County],
        (true, false, false) => &[Level::Village],
        (false, true, false) => &[Level::Township],
        (false, false, true) => &[Level::County],
        (false, false, false) => &[],
    }
}

fn require_case_role(access: &Access) -> Result<&'static [Level]> {
    let levels = levels_of(access);
    if levels.is_empty() {
        Err(StoreError::Forbidden(
            "当前角色不能办理监测对象识别和风险消除".into(),
        ))
    } else {
        Ok(levels)
    }
}

/// A new lead (风险线索).
#[derive(Clone, Debug)]
pub struct NewLead {
    pub household_id: i64,
    pub channel: Channel,
    /// 绿色通道 (disaster, accident): assistance first, procedure afterwards.
    pub green_channel: bool,
    /// What was reported.
    pub summary: String,
    /// Who reported it (applicant, caller, department, visiting cadre).
    pub reporter: Option<String>,
    /// Evidence notes (documents seen, bills, photos taken).
    pub evidence: Option<String>,
}

/// A case as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CaseRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub channel: Channel,
    pub channel_label: &'static str,
    pub green_channel: bool,
    pub state: CaseState,
    pub state_label: &'static str,
    /// The level whose step it is (none when at rest).
    pub owner: Option<Level>,
    pub category: Option<String>,
    pub risks: Vec<String>,
    pub opened_on: NaiveDate,
    pub step_since: NaiveDate,
    pub step_due: Option<NaiveDate>,
    pub overall_due: Option<NaiveDate>,
    /// Standing of the current step (or of the whole identification) today.
    pub urgency: Option<Urgency>,
    pub urgency_label: Option<&'static str>,
    pub identified_on: Option<NaiveDate>,
    pub eliminated_on: Option<NaiveDate>,
    pub revision: i32,
}

/// One row of the decision ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseEvent {
    pub seq: i32,
    pub at: DateTime<FixedOffset>,
    pub on_day: NaiveDate,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    /// The step's form as entered (a JSON object; its fields depend on `action`).
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = std::collections::HashMap<String, serde_json::Value>)
    )]
    pub payload: Value,
}

/// A case with its ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub row: CaseRow,
    pub summary: String,
    pub reporter: Option<String>,
    pub notice_from: Option<NaiveDate>,
    pub notice_until: Option<NaiveDate>,
    pub method: Option<String>,
    pub events: Vec<CaseEvent>,
}

/// Filters of the case list.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub area: Option<AreaCode>,
    pub household_id: Option<i64>,
    /// Any of these states (all states when empty).
    pub states: Vec<CaseState>,
    pub open_only: bool,
    pub offset: u64,
    pub limit: u64,
}

/// A step due, as the 工作台 shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DueItem {
    #[serde(flatten)]
    pub case: CaseRow,
    /// Raised to the caller because the level below is overdue.
    pub escalated_to_me: bool,
}

/// Columns of `case_file` that lists and the workflow read.
const CASE_COLUMNS: [&str; 26] = [
    "id",
    "household_id",
    "area_code",
    "channel",
    "green_channel",
    "state",
    "category",
    "risks",
    "summary",
    "reporter",
    "opened_by",
    "opened_at",
    "opened_on",
    "proposed_by",
    "method",
    "township_by",
    "notice_from",
    "notice_until",
    "step_since",
    "step_due",
    "overall_due",
    "identified_on",
    "eliminated_on",
    "is_open",
    "revision",
    "updated_at",
];

/// A stored case with everything the workflow needs.
struct Stored {
    row: CaseRow,
    summary: String,
    reporter: Option<String>,
    view: CaseView,
}

fn risks_of(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn wf(e: WorkflowError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn select_cases() -> SelectStatement {
    let mut q = Query::select();
    for c in &CASE_COLUMNS {
        q.column(("c", *c));
    }
    q.column(("h", "household_no"))
        .column(("h", "head_name"))
        .from_as("case_file", "c")
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            "household",
            "h",
            Expr::col(("h", "id")).equals(("c", "household_id")),
        );
    q
}

fn scoped(q: &mut SelectStatement, scope: &Scope) {
    q.and_where(scope.on(Keyed::rows("c")));
}

/// Everything needed to judge a step's urgency.
struct Clock<'a> {
    today: NaiveDate,
    cal: &'a WorkCalendar,
    policy: &'a PolicySet,
}

impl Clock<'_> {
    fn urgency_of(&self, row: &CaseRow) -> Option<Urgency> {
        if row.state.at_rest() {
            return None;
        }
        let area = AreaCode::parse(&row.area_code).ok()?;
        let year = self.today.year();
        let warn = self
            .policy
            .int_param(keys::SLA_WARN_DAYS, &area, year)
            .unwrap_or(1);
        let esc = self
            .policy
            .int_param(keys::ESCALATE_AFTER, &area, year)
            .unwrap_or(2);
        let judge = |due: NaiveDate| {
            urgency(
                due,
                self.today,
                Ord::max(warn, 0) as u32,
                Ord::max(esc, 0) as u32,
                self.cal,
            )
            .ok()
        };
        let step = row.step_due.and_then(judge);
        let overall = if row.state.identifying() {
            row.overall_due.and_then(judge)
        } else {
            None
        };
        // The worse of the step and the whole identification.
        let rank = |u: Option<Urgency>| match u {
            None => 0,
            Some(Urgency::OnTrack) => 1,
            Some(Urgency::DueSoon) => 2,
            Some(Urgency::Overdue) => 3,
            Some(Urgency::Escalated) => 4,
        };
        if rank(overall) > rank(step) {
            overall
        } else {
            step
        }
    }
}

fn stored_of(r: &QueryResult) -> Result<Stored> {
    let channel: String = r.try_get("", "channel")?;
    let state: String = r.try_get("", "state")?;
    let channel = Channel::parse(&channel).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let state = CaseState::parse(&state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let risks = risks_of(&r.try_get::<String>("", "risks")?);
    let category: Option<String> = r.try_get("", "category")?;
    let row = CaseRow {
        id: r.try_get("", "id")?,
        household_id: r.try_get("", "household_id")?,
        household_no: r.try_get("", "household_no")?,
        head_name: r.try_get("", "head_name")?,
        area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
        channel,
        channel_label: channel.label(),
        green_channel: r.try_get("", "green_channel")?,
        state,
        state_label: state.label(),
        owner: state.owners().first().copied(),
        category: category.clone(),
        risks: risks.clone(),
        opened_on: r.try_get("", "opened_on")?,
        step_since: r.try_get("", "step_since")?,
        step_due: r.try_get("", "step_due")?,
        overall_due: r.try_get("", "overall_due")?,
        urgency: None,
        urgency_label: None,
        identified_on: r.try_get("", "identified_on")?,
        eliminated_on: r.try_get("", "eliminated_on")?,
        revision: r.try_get("", "revision")?,
    };
    let view = CaseView {
        state,
        category,
        risks,
        opened_by: r.try_get("", "opened_by")?,
        proposed_by: r.try_get("", "proposed_by")?,
        method: r.try_get("", "method")?,
        township_by: r.try_get("", "township_by")?,
        notice_from: r.try_get("", "notice_from")?,
        notice_until: r.try_get("", "notice_until")?,
    };
    Ok(Stored {
        row,
        summary: r.try_get("", "summary")?,
        reporter: r.try_get("", "reporter")?,
        view,
    })
}

fn span(policy: &PolicySet, key: &str, area: &AreaCode, year: i32) -> Result<Span> {
    let text = policy
        .text_param(key, area, year)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    Span::parse(text).map_err(|e| StoreError::Invalid(format!("参数{key}：{e}")))
}

fn cal_err(e: fangpin_domain::calendar::CalendarError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// The latest income year of a bundle not after `year`, if any.
fn latest_income_year(bundle: &HouseholdBundle, year: i32) -> Option<i32> {
    bundle
        .incomes
        .iter()
        .map(|i| i.year)
        .filter(|y| *y <= year)
        .max()
}

/// Assess a household for its latest income year on `today`.
pub fn assess_bundle(
    bundle: &HouseholdBundle,
    policy: &PolicySet,
    today: NaiveDate,
) -> Result<Option<Assessment>> {
    let Some(year) = latest_income_year(bundle, today.year()) else {
        return Ok(None);
    };
    let as_of = assess::as_of_for(year, today);
    let inv = |e: String| StoreError::Invalid(e);
    let (facts, src) = facts_of(bundle, year, as_of, policy).map_err(|e| inv(e.to_string()))?;
    let t = Thresholds::resolve(policy, &bundle.household.area, year)
        .map_err(|e| inv(e.to_string()))?;
    Ok(Some(assess::assess(&facts, &t, Some(&src))))
}
