//! Assistance (帮扶): the 帮扶干部 registry, the 帮扶责任人 of each monitored
//! household (one current, history kept), the 一户一策 plan, and the
//! measures on it with their catalogue item and status.
//!
//! Every write is one transaction with its audit entry, within the caller's
//! area. Household maintainers (`household.write`) do everything in their
//! area; a 帮扶责任人 (`assist.own` without `household.write`) sees and
//! maintains only the plans and measures of households currently paired with
//! them. The deadline to name a 帮扶责任人 is the area's `sla_assign_cadre`
//! after the 县级审定 of the household's identification, on the working-day
//! calendar.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fangpin_domain::assist::{
    AssistFacts, Cadre, CadreForm, Catalogue, Category, Measure, MeasureCorrection, MeasureForm,
    MeasureKind, MeasureStatus, Plan, PlanForm, PlanReviewer, ReviewRefusal, StatusChange,
    check_plan_review,
};
use fangpin_domain::calendar::WorkCalendar;
use fangpin_domain::monitor::sla::{Span, Urgency, urgency};
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::{AreaCode, HouseholdBundle, Money, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited};
use crate::calendar::china_day;
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

mod cadres;
mod measures;
mod pairing;
mod plans;
mod views;
pub use cadres::insert_cadre;
pub use measures::{FreeMeasure, NewMeasure, insert_measure};
pub use pairing::insert_pairing;

/// A 帮扶干部 as lists show it (phone masked).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CadreRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub position: String,
    pub phone_masked: String,
    pub area_code: String,
    pub username: Option<String>,
    pub active: bool,
    /// Households currently paired.
    pub households: i64,
}

/// Filters of the registry.
#[derive(Clone, Debug, Default)]
pub struct CadreFilter {
    pub area: Option<AreaCode>,
    pub active_only: bool,
    /// Part of the name or unit.
    pub q: Option<String>,
}

/// A pairing with its cadre.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Pairing {
    pub id: i64,
    pub cadre_id: i64,
    pub name: String,
    pub unit: String,
    pub position: String,
    pub phone_masked: String,
    pub from_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

/// An 一户一策 plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlanView {
    pub goals: String,
    pub case_id: Option<i64>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub reviewed_on: Option<NaiveDate>,
    /// Who reviewed it (display name).
    pub reviewer: Option<String>,
    pub revision: i32,
}

/// A stored plan with who made and last changed it.
struct StoredPlan {
    view: PlanView,
    created_by: Option<i64>,
    updated_by: Option<i64>,
}

impl StoredPlan {
    /// The caller made the plan or last changed it.
    fn written_by(&self, access: &Access) -> bool {
        self.created_by == access.user_id || self.updated_by == access.user_id
    }
}

/// The caller as a plan reviewer.
fn reviewer_of(access: &Access, wrote_plan: bool) -> PlanReviewer {
    PlanReviewer {
        level: access.area.level(),
        township_review: access.has(perm::CASE_TOWNSHIP),
        county_approve: access.has(perm::CASE_COUNTY),
        wrote_plan,
    }
}

/// A measure as the household page shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MeasureRow {
    pub id: i64,
    #[serde(flatten)]
    pub measure: Measure,
    pub category_label: &'static str,
    pub status_label: &'static str,
    /// §5.3: what happens after elimination (catalogue measures only).
    pub after_elimination: Option<&'static str>,
    pub note: String,
    /// Bumped by every change; a correction names the one it started from.
    pub revision: i32,
}

/// When a 帮扶责任人 is due and how that stands today.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ResponsibleDue {
    /// The day the clock started (县级审定, else 识别监测时间).
    pub since: NaiveDate,
    pub due: NaiveDate,
    pub urgency: Urgency,
    pub urgency_label: &'static str,
}

/// The 帮扶 panel of a household.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdAssistance {
    pub household_id: i64,
    /// A monitoring object whose risk is not eliminated.
    pub monitored: bool,
    pub responsible: Option<Pairing>,
    /// Earlier 帮扶责任人, newest first.
    pub history: Vec<Pairing>,
    /// Only while nobody is named.
    pub responsible_due: Option<ResponsibleDue>,
    pub plan: Option<PlanView>,
    pub measures: Vec<MeasureRow>,
    /// The caller may name or change the 帮扶责任人.
    pub can_pair: bool,
    /// The caller may edit the plan and measures.
    pub can_edit: bool,
    /// The caller may review (审核) the plan as it stands.
    pub can_review: bool,
}

/// A monitored household in the 帮扶对象 list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AssistRow {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub category: Option<String>,
    pub risks: Vec<String>,
    pub identified_month: Option<String>,
    pub responsible: Option<String>,
    pub cadre_id: Option<i64>,
    /// none / made / reviewed.
    pub plan: &'static str,
    pub plan_label: &'static str,
    pub measures: i64,
    pub responsible_due: Option<ResponsibleDue>,
}

/// Filters of the 帮扶对象 list.
#[derive(Clone, Debug, Default)]
pub struct AssistFilter {
    pub area: Option<AreaCode>,
    /// Only households without a current 帮扶责任人.
    pub unpaired_only: bool,
    pub offset: u64,
    pub limit: u64,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn mask(phone: &str) -> String {
    fangpin_domain::self_report::Phone::parse(phone)
        .map_or_else(|_| "*".repeat(phone.chars().count()), |p| p.masked())
}

/// Households that are monitoring objects with the risk not eliminated.
fn active_monitored(q: &mut SelectStatement) {
    q.and_where(Expr::col(("h", "monitor_category")).is_not_null())
        .and_where(
            Expr::col(("h", "risk_eliminated"))
                .is_null()
                .or(Expr::col(("h", "risk_eliminated")).eq(false)),
        )
        .and_where(Expr::col(("h", "current_size")).gt(0));
}

fn pairing_of(r: &QueryResult) -> Result<Pairing> {
    Ok(Pairing {
        id: r.try_get("", "id")?,
        cadre_id: r.try_get("", "cadre_id")?,
        name: r.try_get("", "name")?,
        unit: r.try_get("", "unit")?,
        position: r.try_get("", "position")?,
        phone_masked: mask(&r.try_get::<String>("", "phone")?),
        from_on: r.try_get("", "from_on")?,
        until_on: r.try_get("", "until_on")?,
        end_reason: r.try_get("", "end_reason")?,
    })
}

fn select_pairings() -> SelectStatement {
    let mut q = Query::select();
    for c in [
        "id",
        "cadre_id",
        "from_on",
        "until_on",
        "end_reason",
        "household_id",
    ] {
        q.column(("p", c));
    }
    for c in ["name", "unit", "position", "phone"] {
        q.column(("c", c));
    }
    q.from_as("assist_pairing", "p").join_as(
        JoinType::InnerJoin,
        "assist_cadre",
        "c",
        Expr::col(("c", "id")).equals(("p", "cadre_id")),
    );
    q
}

/// Everything needed to date and judge the 帮扶责任人 deadline.
struct DueClock {
    today: NaiveDate,
    cal: WorkCalendar,
    policy: PolicySet,
}

impl DueClock {
    fn judge(&self, area: &AreaCode, since: NaiveDate) -> Option<ResponsibleDue> {
        let year = since.year();
        let span = self
            .policy
            .text_param(keys::SLA_ASSIGN_CADRE, area, year)
            .ok()
            .and_then(|t| Span::parse(t).ok())?;
        let due = span.due_from(since, &self.cal).ok()?;
        let now_year = self.today.year();
        let warn = self
            .policy
            .int_param(keys::SLA_WARN_DAYS, area, now_year)
            .unwrap_or(1);
        let esc = self
            .policy
            .int_param(keys::ESCALATE_AFTER, area, now_year)
            .unwrap_or(2);
        let u = urgency(
            due,
            self.today,
            Ord::max(warn, 0) as u32,
            Ord::max(esc, 0) as u32,
            &self.cal,
        )
        .ok()?;
        Some(ResponsibleDue {
            since,
            due,
            urgency: u,
            urgency_label: u.label(),
        })
    }
}

impl Store {
    async fn due_clock(&self, now: DateTime<Utc>) -> Result<DueClock> {
        Ok(DueClock {
            today: china_day(now),
            cal: self.work_calendar().await?,
            policy: self.policy_set().await?,
        })
    }

    /// The day of the 县级审定 of each household's latest identification.
    async fn approval_days(&self, ids: &[i64]) -> Result<HashMap<i64, NaiveDate>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.column(("c", "household_id"))
                .expr_as(Func::max(Expr::col(("e", "on_day"))), "d")
                .from_as("case_event", "e")
                .join_as(
                    JoinType::InnerJoin,
                    "case_file",
                    "c",
                    Expr::col(("c", "id")).equals(("e", "case_id")),
                )
                .and_where(Expr::col(("e", "to_state")).eq("approved"))
                .and_where(Expr::col(("c", "household_id")).is_in(chunk.to_vec()))
                .group_by_col(("c", "household_id"));
            for r in self.db.query_all(&q).await? {
                if let Some(d) = r.try_get::<Option<NaiveDate>>("", "d")? {
                    out.insert(r.try_get("", "household_id")?, d);
                }
            }
        }
        Ok(out)
    }

    /// The cadre ids linked to the caller's login.
    async fn my_cadres(&self, access: &Access) -> Result<Vec<i64>> {
        let Some(uid) = access.user_id else {
            return Ok(vec![]);
        };
        let mut q = Query::select();
        q.column("id")
            .from("assist_cadre")
            .and_where(Expr::col("user_id").eq(uid));
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| r.try_get("", "id").map_err(StoreError::from))
            .collect()
    }

    /// The current 帮扶责任人 of each of these households that has one.
    pub(crate) async fn current_pairings(&self, ids: &[i64]) -> Result<HashMap<i64, Pairing>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = select_pairings();
            q.and_where(Expr::col(("p", "household_id")).is_in(chunk.to_vec()))
                .and_where(Expr::col(("p", "until_on")).is_null());
            for r in self.db.query_all(&q).await? {
                out.insert(r.try_get("", "household_id")?, pairing_of(&r)?);
            }
        }
        Ok(out)
    }

    async fn current_pairing(&self, household_id: i64) -> Result<Option<Pairing>> {
        let mut q = select_pairings();
        q.and_where(Expr::col(("p", "household_id")).eq(household_id))
            .and_where(Expr::col(("p", "until_on")).is_null());
        match self.db.query_one(&q).await? {
            Some(r) => Ok(Some(pairing_of(&r)?)),
            None => Ok(None),
        }
    }

    /// Who may edit a household's plan and measures: maintainers in scope,
    /// or its current 帮扶责任人. Returns the household (scope first: outside
    /// it does not exist).
    async fn assist_writer(
        &self,
        access: &Access,
        household_id: i64,
    ) -> Result<crate::households::HouseholdDetail> {
        if !access.has(perm::HOUSEHOLD_WRITE) && !access.has(perm::ASSIST_OWN) {
            access.require(perm::HOUSEHOLD_WRITE)?;
        }
        let d = self.household(access, household_id).await?;
        if !access.has(perm::HOUSEHOLD_WRITE) {
            let mine = self.my_cadres(access).await?;
            let current = self.current_pairing(household_id).await?;
            if !current.is_some_and(|p| mine.contains(&p.cadre_id)) {
                return Err(StoreError::Forbidden(
                    "只能维护本人结对帮扶农户的帮扶计划和措施".into(),
                ));
            }
        }
        Ok(d)
    }
}
