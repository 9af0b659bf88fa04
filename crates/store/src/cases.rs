//! Monitoring cases: the one module that opens a case, applies every
//! workflow transition and owns its side effects — the insert-only ledger
//! row, the step deadline on the working-day calendar, the household's
//! monitoring fields (with a version), and the audit entry — all in one
//! transaction. The rules of who may do what live in
//! `fangpin_domain::workflow`; this module measures what they need (the
//! rules assessment, the elimination criteria) and records the outcome.
//!
//! Every method takes `now`: the caller's clock, so tests can travel in time.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fangpin_domain::assess::{self, Assessment, IncomeTest, Thresholds, facts_of};
use fangpin_domain::calendar::WorkCalendar;
use fangpin_domain::codes::{find_list, keys as code_keys};
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::sla::{Span, Urgency, urgency};
use fangpin_domain::workflow::{
    Action, Actor as WfActor, CaseState, CaseView, Channel, EliminationCheck, Level, WorkflowError,
    decide,
};
use fangpin_domain::{AreaCode, HouseholdBundle, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::{AuditEntry, commit_audited, record};
use crate::scope::{Keyed, Scope};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// The day in China (UTC+8) at `now`: deadlines and dates of record are
/// China's calendar days wherever the server runs.
pub fn china_day(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}

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

impl Store {
    /// The working-day calendar as stored (seeded from the official data,
    /// editable by administrators).
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let mut years = Query::select();
        years.column("year").from("work_calendar_year");
        let years: Vec<i32> = self
            .db
            .query_all(&years)
            .await?
            .iter()
            .map(|r| r.try_get("", "year"))
            .collect::<std::result::Result<_, _>>()?;
        let mut days = Query::select();
        days.columns(["day", "kind", "name"])
            .from("work_calendar_day")
            .order_by("day", Order::Asc);
        let mut entries = Vec::new();
        for r in self.db.query_all(&days).await? {
            let kind: String = r.try_get("", "kind")?;
            entries.push(fangpin_domain::calendar::CalendarEntry {
                date: r.try_get("", "day")?,
                kind: fangpin_domain::calendar::Official::from_symbol(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("工作日历类型无效：{kind}")))?,
                name: r.try_get("", "name")?,
            });
        }
        WorkCalendar::new(years, entries).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Seeds the official calendar years that are not stored yet (a year an
    /// administrator has edited is never overwritten).
    pub(crate) async fn seed_calendar(&self, tx: &DatabaseTransaction) -> Result<u64> {
        let official = WorkCalendar::official();
        let mut added = 0;
        for year in official.years().collect::<Vec<_>>() {
            let mut ins = Query::insert();
            ins.into_table("work_calendar_year")
                .columns(["year", "source"])
                .values_panic([
                    year.into(),
                    format!("国务院办公厅{year}年部分节假日安排的通知").into(),
                ])
                .on_conflict(
                    sea_orm::sea_query::OnConflict::column("year")
                        .do_nothing()
                        .to_owned(),
                );
            if tx.execute(&ins).await?.rows_affected() == 0 {
                continue;
            }
            let mut days = Query::insert();
            days.into_table("work_calendar_day")
                .columns(["day", "kind", "name"]);
            for e in official.entries_in_year(year) {
                days.values_panic([e.date.into(), e.kind.symbol().into(), e.name.clone().into()]);
            }
            added += tx.execute(&days).await?.rows_affected();
        }
        Ok(added)
    }

    async fn stored_case(&self, access: &Access, id: i64) -> Result<Stored> {
        let mut q = select_cases();
        q.and_where(Expr::col(("c", "id")).eq(id));
        scoped(&mut q, &access.scope_unchecked());
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("案件不存在：{id}")))?;
        stored_of(&r)
    }

    pub(crate) async fn open_case_of(&self, household_id: i64) -> Result<Option<(i64, CaseState)>> {
        let mut q = Query::select();
        q.columns(["id", "state"])
            .from("case_file")
            .and_where(Expr::col("household_id").eq(household_id))
            .and_where(Expr::col("is_open").eq(true));
        match self.db.query_one(&q).await? {
            None => Ok(None),
            Some(r) => {
                let s: String = r.try_get("", "state")?;
                Ok(Some((
                    r.try_get("", "id")?,
                    CaseState::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )))
            }
        }
    }

    /// Opens a case from a lead. The rules assessment of the household's
    /// latest income year is kept with the opening entry (what was known
    /// then), and its category and risks are the suggestion the county
    /// confirms or replaces at 审定.
    pub async fn open_lead(
        &self,
        access: &Access,
        lead: NewLead,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let tx = self.begin_write().await?;
        let id = self.open_lead_in(&tx, access, lead, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Store::open_lead`] within the caller's transaction, so that what
    /// brought the lead in (an accepted self-report) is closed with it.
    pub(crate) async fn open_lead_in(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        lead: NewLead,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_case_role(access)?;
        // Scope first: a household outside it does not exist, whatever the input.
        let detail = self
            .household(access, lead.household_id)
            .await?
            .into_bundle();
        let summary = lead.summary.trim();
        if summary.is_empty() {
            return Err(StoreError::Invalid("请填写线索内容".into()));
        }
        if let Some((id, state)) = self.open_case_of(lead.household_id).await? {
            return Err(StoreError::Invalid(format!(
                "该户已有办理中的案件（编号{id}，{}）",
                state.label()
            )));
        }
        let h = &detail.household;
        if h.current_size == 0 {
            return Err(StoreError::Invalid(
                "该户已合并到其他户（当前家庭人口为0），请对合并后的农户登记线索".into(),
            ));
        }
        if h.monitor_category.is_some() && h.risk_eliminated == Some(false) {
            return Err(StoreError::Invalid(
                "该户已是监测对象（风险未消除），请在其监测案件中办理".into(),
            ));
        }
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let assessment = assess_bundle(&detail, &policy, today)?;
        let area = h.area;
        let year = today.year();
        let step_due = span(&policy, keys::SLA_LEAD, &area, year)?
            .due_from(today, &cal)
            .map_err(cal_err)?;
        let overall_due = span(&policy, keys::SLA_IDENTIFICATION, &area, year)?
            .due_from(today, &cal)
            .map_err(cal_err)?;
        let (category, risks) = match &assessment {
            Some(a) => (
                a.category.map(str::to_owned),
                a.risks.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            ),
            None => (None, vec![]),
        };
        let user = access.user_id.unwrap_or(0);
        let now_fixed = now.fixed_offset();
        let mut ins = Query::insert();
        ins.into_table("case_file")
            .columns([
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
                "step_since",
                "step_due",
                "overall_due",
                "is_open",
                "revision",
                "updated_at",
            ])
            .values_panic([
                lead.household_id.into(),
                area.as_string().into(),
                lead.channel.code().into(),
                lead.green_channel.into(),
                CaseState::Lead.code().into(),
                category.clone().into(),
                risks.join(",").into(),
                summary.to_owned().into(),
                lead.reporter.clone().into(),
                user.into(),
                now_fixed.into(),
                today.into(),
                today.into(),
                step_due.into(),
                overall_due.into(),
                true.into(),
                0i32.into(),
                now_fixed.into(),
            ])
            .returning_col("id");
        let id: i64 = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| StoreError::Corrupt("新建案件未返回编号".into()))?
            .try_get("", "id")?;
        let payload = json!({
            "channel": lead.channel.code(),
            "green_channel": lead.green_channel,
            "summary": summary,
            "reporter": lead.reporter,
            "evidence": lead.evidence,
            "assessment": assessment,
        });
        insert_event(
            tx,
            access,
            id,
            1,
            "open",
            None,
            CaseState::Lead,
            now,
            &payload,
        )
        .await?;
        record(
            tx,
            &access.actor(),
            AuditEntry {
                action: "case_open",
                entity: "case",
                entity_key: Some(id.to_string()),
                area: Some(area),
                after: Some(json!({"household_id": lead.household_id, "channel": lead.channel.code(), "green_channel": lead.green_channel})),
                note: Some(summary.to_owned()),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Measures the elimination criteria of a household on `today`;
    /// `identified_on` is the case's identification day when known (else the
    /// household's 识别监测时间, first of the month).
    pub async fn elimination_check(
        &self,
        access: &Access,
        household_id: i64,
        identified_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<EliminationCheck> {
        let detail = self.household(access, household_id).await?.into_bundle();
        let policy = self.policy_set().await?;
        let h = &detail.household;
        let year = today.year();
        let min_months = policy
            .int_param(keys::ELIMINATION_MIN_MONTHS, &h.area, year)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let months_monitored = identified_on
            .or(h.identified_month.map(YearMonth::first_day))
            .map(|from| full_months(from, today))
            .unwrap_or(0);
        let mut q = Query::select();
        q.expr_as(Expr::cust("COUNT(*)"), "n")
            .from("assist_measure")
            .and_where(Expr::col("household_id").eq(household_id))
            // A measure only planned has not been carried out.
            .and_where(Expr::col("status").ne("planned"));
        if !h.risks.is_empty() {
            q.and_where(Expr::col("target_risk").is_in(h.risks.clone()));
        }
        let measures: i64 = match self.db.query_one(&q).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let a = assess_bundle(&detail, &policy, today)?;
        Ok(EliminationCheck {
            months_monitored,
            min_months,
            targeted_measures: measures as u32,
            income_above_line: a
                .as_ref()
                .is_some_and(|a| a.income_test == IncomeTest::AtOrAbove),
            rigid_resolved: a.as_ref().is_some_and(|a| !a.sudden_hardship),
            basics_secure: a.as_ref().is_some_and(|a| a.basics_secure()),
            has_labour: detail.members.iter().any(|m| m.has_labor_capacity()),
        })
    }

    /// Applies `action` to case `id` on behalf of `access` at `now`. Refusals
    /// change nothing; `expected_revision`, when given, refuses a decision
    /// made on a stale page.
    pub async fn case_act(
        &self,
        access: &Access,
        id: i64,
        action: Action,
        expected_revision: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail> {
        let levels = require_case_role(access)?;
        let stored = self.stored_case(access, id).await?;
        if let Some(r) = expected_revision
            && r != stored.row.revision
        {
            return Err(StoreError::Invalid("案件已被他人办理，请刷新后再试".into()));
        }
        if let Action::Approve {
            category, risks, ..
        } = &action
        {
            check_codes(category.as_deref(), risks.as_deref())?;
        }
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let area = AreaCode::parse(&stored.row.area_code)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let year = today.year();
        let notice_min = span(&policy, keys::NOTICE_MIN, &area, year)?;
        let notice_until = |from: NaiveDate| {
            notice_min
                .due_from(from, &cal)
                .map_err(|e| WorkflowError::Invalid(e.to_string()))
        };
        let check = match &action {
            Action::ProposeElimination { .. } => Some(
                self.elimination_check(
                    access,
                    stored.row.household_id,
                    stored.row.identified_on,
                    today,
                )
                .await?,
            ),
            _ => None,
        };
        let actor = WfActor {
            user: access.user_id.unwrap_or(0),
            levels,
        };
        let outcome = decide(
            &stored.view,
            &actor,
            &action,
            today,
            &notice_until,
            check.as_ref(),
        )
        .map_err(wf)?;
        let to = outcome.to;
        let step_due = match to.sla_key() {
            None => None,
            Some(key) => {
                let start = match to {
                    CaseState::Notice | CaseState::ElimNotice => {
                        outcome.view.notice_until.unwrap_or(today)
                    }
                    _ => today,
                };
                Some(
                    span(&policy, key, &area, year)?
                        .due_from(start, &cal)
                        .map_err(cal_err)?,
                )
            }
        };
        let is_open = !matches!(to, CaseState::Rejected | CaseState::Eliminated);
        let v = &outcome.view;
        let now_fixed = now.fixed_offset();
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("case_file")
            .values([
                ("state", to.code().into()),
                ("category", v.category.clone().into()),
                ("risks", v.risks.join(",").into()),
                ("proposed_by", v.proposed_by.into()),
                ("method", v.method.clone().into()),
                ("township_by", v.township_by.into()),
                ("notice_from", v.notice_from.into()),
                ("notice_until", v.notice_until.into()),
                ("step_since", today.into()),
                ("step_due", step_due.into()),
                ("is_open", is_open.into()),
                ("revision", (stored.row.revision + 1).into()),
                ("updated_at", now_fixed.into()),
            ])
            .and_where(Expr::col("id").eq(id))
            .and_where(Expr::col("revision").eq(stored.row.revision));
        if let Some(day) = outcome.identified_on {
            upd.value("identified_on", day);
        }
        if let Some((day, _)) = &outcome.eliminated {
            upd.value("eliminated_on", *day);
        }
        if outcome.reopened {
            upd.value("eliminated_on", Option::<NaiveDate>::None);
        }
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("案件已被他人办理，请刷新后再试".into()));
        }
        let payload =
            serde_json::to_value(&action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let payload = match check {
            Some(c) => json!({"action": payload, "criteria": c}),
            None => json!({ "action": payload }),
        };
        insert_event(
            &tx,
            access,
            id,
            stored.row.revision + 2,
            action.code(),
            Some(stored.view.state),
            to,
            now,
            &payload,
        )
        .await?;
        self.apply_household_effects(&tx, access, &stored, &outcome, id)
            .await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "case_act",
                entity: "case",
                entity_key: Some(id.to_string()),
                area: Some(area),
                before: Some(json!({"state": stored.view.state.code()})),
                after: Some(json!({"state": to.code(), "action": action.code()})),
                ..Default::default()
            },
        )
        .await?;
        self.case_detail(access, id, now).await
    }

    /// The household's monitoring fields follow the case: 监测中 on 公告,
    /// 风险已消除 on 县级审定 of an elimination, back to 风险未消除 on 回退.
    async fn apply_household_effects(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        stored: &Stored,
        outcome: &fangpin_domain::workflow::Outcome,
        case_id: i64,
    ) -> Result<()> {
        if outcome.identified_on.is_none() && outcome.eliminated.is_none() && !outcome.reopened {
            return Ok(());
        }
        let mut bundle = self
            .household(access, stored.row.household_id)
            .await?
            .into_bundle();
        let h = &mut bundle.household;
        let note;
        if let Some(day) = outcome.identified_on {
            h.monitor_category = outcome.view.category.clone();
            h.risks = outcome.view.risks.clone();
            h.identified_month = Some(YearMonth::from_date(day));
            h.risk_eliminated = Some(false);
            h.eliminated_month = None;
            h.elimination_method = None;
            note = format!("识别纳入监测对象（案件{case_id}）");
        } else if let Some((day, method)) = &outcome.eliminated {
            h.risk_eliminated = Some(true);
            h.eliminated_month = Some(YearMonth::from_date(*day));
            h.elimination_method = Some(method.clone());
            note = format!("风险消除（案件{case_id}）");
        } else {
            h.risk_eliminated = Some(false);
            h.eliminated_month = None;
            h.elimination_method = None;
            note = format!("风险消除回退（案件{case_id}）");
        }
        // The workflow, not the user's role, writes these fields: a county
        // approver may not edit households but 审定 sets 风险已消除.
        let mut writer = access.clone();
        writer.permissions.insert(perm::HOUSEHOLD_WRITE.to_owned());
        self.upsert_tx(tx, &writer, &note, &[], std::slice::from_ref(&bundle))
            .await?;
        Ok(())
    }

    /// One case with its ledger.
    pub async fn case_detail(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail> {
        access.require(perm::HOUSEHOLD_READ)?;
        let s = self.stored_case(access, id).await?;
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let clock = Clock {
            today: china_day(now),
            cal: &cal,
            policy: &policy,
        };
        let mut row = s.row;
        row.urgency = clock.urgency_of(&row);
        row.urgency_label = row.urgency.map(Urgency::label);
        let mut q = Query::select();
        q.columns([
            "seq",
            "at",
            "on_day",
            "actor",
            "role",
            "action",
            "from_state",
            "to_state",
            "payload",
        ])
        .from("case_event")
        .and_where(Expr::col("case_id").eq(id))
        .order_by("seq", Order::Asc);
        let mut events = Vec::new();
        for r in self.db.query_all(&q).await? {
            let payload: String = r.try_get("", "payload")?;
            events.push(CaseEvent {
                seq: r.try_get("", "seq")?,
                at: r.try_get("", "at")?,
                on_day: r.try_get("", "on_day")?,
                actor: r.try_get("", "actor")?,
                role: r.try_get("", "role")?,
                action: r.try_get("", "action")?,
                from_state: r.try_get("", "from_state")?,
                to_state: r.try_get("", "to_state")?,
                payload: serde_json::from_str(&payload)
                    .map_err(|e| StoreError::Corrupt(format!("办理记录无法解析：{e}")))?,
            });
        }
        Ok(CaseDetail {
            row,
            summary: s.summary,
            reporter: s.reporter,
            notice_from: s.view.notice_from,
            notice_until: s.view.notice_until,
            method: s.view.method,
            events,
        })
    }

    /// Cases in the caller's scope, newest first: (total, page).
    pub async fn cases(
        &self,
        access: &Access,
        f: &CaseFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<CaseRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            scoped(q, &scope);
            if !f.states.is_empty() {
                q.and_where(Expr::col(("c", "state")).is_in(f.states.iter().map(|s| s.code())));
            }
            if let Some(h) = f.household_id {
                q.and_where(Expr::col(("c", "household_id")).eq(h));
            }
            if f.open_only {
                q.and_where(Expr::col(("c", "is_open")).eq(true));
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("case_file", "c");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = select_cases();
        narrow(&mut q);
        q.order_by(("c", "id"), Order::Desc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let rows = self.rows_with_urgency(&q, now).await?;
        Ok((total as u64, rows))
    }

    async fn rows_with_urgency(
        &self,
        q: &SelectStatement,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let clock = Clock {
            today: china_day(now),
            cal: &cal,
            policy: &policy,
        };
        let mut out = Vec::new();
        for r in self.db.query_all(q).await? {
            let mut row = stored_of(&r)?.row;
            row.urgency = clock.urgency_of(&row);
            row.urgency_label = row.urgency.map(Urgency::label);
            out.push(row);
        }
        Ok(out)
    }

    /// The 工作台: open steps the caller's levels own, due soonest first,
    /// plus steps of the level below that are overdue long enough to be
    /// raised to the caller.
    pub async fn due_steps(&self, access: &Access, now: DateTime<Utc>) -> Result<Vec<DueItem>> {
        let scope = access.scope()?;
        let levels = levels_of(access);
        let mut q = select_cases();
        scoped(&mut q, &scope);
        q.and_where(Expr::col(("c", "is_open")).eq(true))
            .and_where(Expr::col(("c", "step_due")).is_not_null())
            .order_by(("c", "step_due"), Order::Asc);
        let mut out = Vec::new();
        for row in self.rows_with_urgency(&q, now).await? {
            let mine = row.state.owners().iter().any(|l| levels.contains(l));
            let escalated_to_me = !mine
                && row.urgency == Some(Urgency::Escalated)
                && row
                    .owner
                    .and_then(Level::above)
                    .is_some_and(|l| levels.contains(&l));
            if mine || escalated_to_me {
                out.push(DueItem {
                    case: row,
                    escalated_to_me,
                });
            }
        }
        Ok(out)
    }

    /// Records an assistance measure for a household (the elimination
    /// criteria count measures that target the household's risks).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_measure(
        &self,
        access: &Access,
        household_id: i64,
        category: &str,
        kind: &str,
        name: &str,
        target_risk: &str,
        started_on: NaiveDate,
        amount: fangpin_domain::Money,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let d = self.household(access, household_id).await?;
        if name.trim().is_empty() {
            return Err(StoreError::Invalid("请填写帮扶措施名称".into()));
        }
        let category = fangpin_domain::assist::Category::parse(category)
            .map_err(|e| StoreError::Invalid(e.to_string()))?
            .code();
        if !["开发式", "保障", "兜底"].contains(&kind) {
            return Err(StoreError::Invalid(format!(
                "措施性质无效：{kind}（可选：开发式、保障、兜底）"
            )));
        }
        check_codes(None, Some(&[target_risk.to_owned()]))?;
        if amount.is_negative() {
            return Err(StoreError::Invalid("金额不能为负数".into()));
        }
        let tx = self.begin_write().await?;
        let mut ins = Query::insert();
        ins.into_table("assist_measure")
            .columns([
                "household_id",
                "area_code",
                "category",
                "kind",
                "name",
                "target_risk",
                "started_on",
                "amount_fen",
                "note",
                "created_by",
                "created_at",
            ])
            .values_panic([
                household_id.into(),
                d.household.area.as_string().into(),
                category.into(),
                kind.into(),
                name.trim().into(),
                target_risk.into(),
                started_on.into(),
                amount.fen().into(),
                note.into(),
                access.user_id.into(),
                now.fixed_offset().into(),
            ])
            .returning_col("id");
        let id: i64 = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| StoreError::Corrupt("新建措施未返回编号".into()))?
            .try_get("", "id")?;
        commit_audited(tx, &access.actor(), AuditEntry {
                action: "measure_add",
                entity: "assist_measure",
                entity_key: Some(id.to_string()),
                area: Some(d.household.area),
                after: Some(json!({"household_id": household_id, "name": name.trim(), "kind": kind, "target_risk": target_risk, "amount_fen": amount.fen()})),
                ..Default::default()
            }).await?;
        Ok(id)
    }
}

/// Whole months from `from` to `to` (a month is complete on the same day of
/// the month: 2024-09-30 → 2025-03-30 is six months).
pub fn full_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

fn check_codes(category: Option<&str>, risks: Option<&[String]>) -> Result<()> {
    if let Some(c) = category {
        let list = find_list(code_keys::MONITOR_CATEGORY).expect("seed list");
        if !list.contains(c) {
            return Err(StoreError::Invalid(format!("监测对象类别无效：{c}")));
        }
    }
    if let Some(rs) = risks {
        let list = find_list(code_keys::RISK_TYPE).expect("seed list");
        if let Some(bad) = rs.iter().find(|r| !list.contains(r)) {
            return Err(StoreError::Invalid(format!("致贫返贫风险无效：{bad}")));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &DatabaseTransaction,
    access: &Access,
    case_id: i64,
    seq: i32,
    action: &str,
    from: Option<CaseState>,
    to: CaseState,
    now: DateTime<Utc>,
    payload: &Value,
) -> Result<()> {
    let mut ins = Query::insert();
    ins.into_table("case_event")
        .columns([
            "case_id",
            "seq",
            "at",
            "on_day",
            "user_id",
            "actor",
            "role",
            "action",
            "from_state",
            "to_state",
            "payload",
        ])
        .values_panic([
            case_id.into(),
            seq.into(),
            now.fixed_offset().into(),
            china_day(now).into(),
            access.user_id.into(),
            access.username.clone().into(),
            access.role.clone().into(),
            action.into(),
            from.map(|s| s.code()).into(),
            to.code().into(),
            payload.to_string().into(),
        ]);
    tx.execute(&ins).await?;
    Ok(())
}
