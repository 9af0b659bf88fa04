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
    AssistBatch, AssistFacts, Cadre, CadreForm, Catalogue, Category, Measure, MeasureCorrection,
    MeasureForm, MeasureKind, MeasureStatus, Plan, PlanForm, PlanReviewer, ReviewRefusal,
    StatusChange, check_plan_review,
};
use fangpin_domain::calendar::WorkCalendar;
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::sla::{Span, Urgency, urgency};
use fangpin_domain::{AreaCode, HouseholdBundle, Money, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited};
use crate::cases::china_day;
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

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
        .map(|p| p.masked())
        .unwrap_or_else(|_| "*".repeat(phone.chars().count()))
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

fn measure_of(r: &QueryResult) -> Result<MeasureRow> {
    let category: String = r.try_get("", "category")?;
    let kind: String = r.try_get("", "kind")?;
    let status: String = r.try_get("", "status")?;
    let code: Option<String> = r.try_get("", "catalogue_code")?;
    let measure = Measure {
        code: code.clone(),
        category: Category::parse(&category).map_err(corrupt)?,
        kind: MeasureKind::parse(&kind).map_err(corrupt)?,
        name: r.try_get("", "name")?,
        target_risk: r.try_get::<String>("", "target_risk")?.trim().to_owned(),
        status: MeasureStatus::parse(&status).map_err(corrupt)?,
        started_on: r.try_get("", "started_on")?,
        ended_on: r.try_get("", "ended_on")?,
        amount: Money::from_fen(r.try_get("", "amount_fen")?),
        evidence: r
            .try_get::<Option<String>>("", "evidence")?
            .unwrap_or_default(),
    };
    let after = code
        .as_deref()
        .and_then(|c| Catalogue::official().item(c))
        .map(|i| i.after_elimination.label());
    Ok(MeasureRow {
        id: r.try_get("", "id")?,
        category_label: measure.category.label(),
        status_label: measure.status.label(),
        after_elimination: after,
        note: r.try_get("", "note")?,
        revision: r.try_get("", "revision")?,
        measure,
    })
}

const MEASURE_COLUMNS: [&str; 15] = [
    "id",
    "revision",
    "household_id",
    "catalogue_code",
    "category",
    "kind",
    "name",
    "target_risk",
    "status",
    "started_on",
    "ended_on",
    "amount_fen",
    "evidence",
    "note",
    "created_at",
];

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

    // ---- the registry --------------------------------------------------------

    /// 帮扶干部 in the caller's area, with the households paired to each.
    pub async fn cadres(&self, access: &Access, f: &CadreFilter) -> Result<Vec<CadreRow>> {
        access.require(perm::HOUSEHOLD_READ)?;
        let area = access.area_within(&f.area.unwrap_or(access.area))?;
        let mut q = Query::select();
        for c in [
            "id",
            "name",
            "unit",
            "position",
            "phone",
            "area_code",
            "active",
            "user_id",
        ] {
            q.column(("c", c));
        }
        q.column(("u", "username"))
            .expr_as(
                Expr::cust(
                    "(SELECT COUNT(*) FROM assist_pairing p WHERE p.cadre_id = c.id AND p.until_on IS NULL)",
                ),
                "households",
            )
            .from_as("assist_cadre", "c")
            .join_as(
                JoinType::LeftJoin,
                "app_user",
                "u",
                Expr::col(("u", "id")).equals(("c", "user_id")),
            )
            .and_where(under(("c", "area_code"), &area))
            .order_by(("c", "area_code"), Order::Asc)
            .order_by(("c", "id"), Order::Asc);
        // A cadre user within a village also sees the county and township
        // cadres who work there: the registry is by the cadre's own area.
        if f.active_only {
            q.and_where(Expr::col(("c", "active")).eq(true));
        }
        if let Some(t) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let like = format!("%{t}%");
            q.and_where(
                Expr::col(("c", "name"))
                    .like(like.clone())
                    .or(Expr::col(("c", "unit")).like(like)),
            );
        }
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            out.push(CadreRow {
                id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
                unit: r.try_get("", "unit")?,
                position: r.try_get("", "position")?,
                phone_masked: mask(&r.try_get::<String>("", "phone")?),
                area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                username: r.try_get("", "username")?,
                active: r.try_get("", "active")?,
                households: r.try_get("", "households")?,
            });
        }
        Ok(out)
    }

    async fn user_for_cadre(&self, access: &Access, username: Option<&str>) -> Result<Option<i64>> {
        let Some(name) = username else {
            return Ok(None);
        };
        let u = self
            .user_by_username(name)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("登录账号不存在：{name}")))?;
        let area = AreaCode::parse(&u.area.code).map_err(corrupt)?;
        if !access.covers(&area) {
            return Err(StoreError::Invalid(format!(
                "登录账号{name}不在您的管辖范围内"
            )));
        }
        Ok(Some(u.id))
    }

    async fn stored_cadre(&self, access: &Access, id: i64) -> Result<(AreaCode, bool, i64)> {
        let mut q = Query::select();
        q.columns(["area_code", "active"])
            .expr_as(
                Expr::cust(
                    "(SELECT COUNT(*) FROM assist_pairing p WHERE p.cadre_id = assist_cadre.id AND p.until_on IS NULL)",
                ),
                "households",
            )
            .from("assist_cadre")
            .and_where(Expr::col("id").eq(id))
            .and_where(under("area_code", &access.area));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶干部不存在：{id}")))?;
        let area: String = r.try_get("", "area_code")?;
        Ok((
            AreaCode::parse(area.trim()).map_err(corrupt)?,
            r.try_get("", "active")?,
            r.try_get("", "households")?,
        ))
    }

    /// Adds a 帮扶干部 to the registry (in the caller's area).
    pub async fn create_cadre(
        &self,
        access: &Access,
        form: &CadreForm,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let c = &Cadre::parse(form).map_err(invalid)?;
        if !access.covers(&c.area) {
            return Err(StoreError::Invalid("帮扶区域：不在您的管辖范围内".into()));
        }
        let user = self.user_for_cadre(access, c.username.as_deref()).await?;
        let at = now.fixed_offset();
        let tx = self.begin_write().await?;
        let mut ins = Query::insert();
        ins.into_table("assist_cadre")
            .columns([
                "name",
                "unit",
                "position",
                "phone",
                "area_code",
                "user_id",
                "active",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                c.name.clone().into(),
                c.unit.clone().into(),
                c.position.clone().into(),
                c.phone.as_str().into(),
                c.area.as_string().into(),
                user.into(),
                c.active.into(),
                at.into(),
                at.into(),
            ])
            .returning_col("id");
        let id: i64 = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| corrupt("新建帮扶干部未返回编号"))?
            .try_get("", "id")?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_create",
                entity: "assist_cadre",
                entity_key: Some(id.to_string()),
                area: Some(c.area),
                after: Some(cadre_json(c)),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Replaces a 帮扶干部's entry. A cadre with households paired cannot be
    /// marked 不在岗 (pair the households with someone else first).
    pub async fn update_cadre(
        &self,
        access: &Access,
        id: i64,
        form: &CadreForm,
        now: DateTime<Utc>,
    ) -> Result<()> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let (old_area, was_active, households) = self.stored_cadre(access, id).await?;
        let c = &Cadre::parse(form).map_err(invalid)?;
        if !access.covers(&c.area) {
            return Err(StoreError::Invalid("帮扶区域：不在您的管辖范围内".into()));
        }
        if !c.active && households > 0 {
            return Err(StoreError::Invalid(format!(
                "该干部仍结对帮扶{households}户，请先为这些农户调整帮扶责任人，再标记为不在岗"
            )));
        }
        let user = self.user_for_cadre(access, c.username.as_deref()).await?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_cadre")
            .values([
                ("name", c.name.clone().into()),
                ("unit", c.unit.clone().into()),
                ("position", c.position.clone().into()),
                ("phone", c.phone.as_str().into()),
                ("area_code", c.area.as_string().into()),
                ("user_id", user.into()),
                ("active", c.active.into()),
                ("updated_at", now.fixed_offset().into()),
            ])
            .and_where(Expr::col("id").eq(id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_update",
                entity: "assist_cadre",
                entity_key: Some(id.to_string()),
                area: Some(old_area),
                before: Some(json!({"area": old_area.as_string(), "active": was_active})),
                after: Some(cadre_json(c)),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }

    // ---- pairing ----------------------------------------------------------------

    /// Names `cadre_id` the household's 帮扶责任人 from `from_on`; the current
    /// one, if any, ends that day (kept in the history).
    pub async fn pair(
        &self,
        access: &Access,
        household_id: i64,
        cadre_id: i64,
        from_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Pairing> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let d = self.household(access, household_id).await?;
        let h = &d.household;
        if h.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，不需要明确帮扶责任人".into(),
            ));
        }
        let (cadre_area, active, _) = self.stored_cadre(access, cadre_id).await?;
        if !active {
            return Err(StoreError::Invalid("该帮扶干部已不在岗".into()));
        }
        if !cadre_area.contains(&h.area) {
            return Err(StoreError::Invalid(
                "该帮扶干部的帮扶区域不包含该户所在村".into(),
            ));
        }
        let current = self.current_pairing(household_id).await?;
        if let Some(c) = &current {
            if c.cadre_id == cadre_id {
                return Err(StoreError::Invalid(format!(
                    "{}已是该户的帮扶责任人",
                    c.name
                )));
            }
            if from_on < c.from_on {
                return Err(StoreError::Invalid(format!(
                    "结对日期（{from_on}）早于现帮扶责任人的结对日期（{}）",
                    c.from_on
                )));
            }
        }
        let tx = self.begin_write().await?;
        if let Some(c) = &current {
            end_pairing(&tx, c.id, from_on, "更换帮扶责任人").await?;
        }
        let id = insert_pairing(&tx, household_id, cadre_id, &h.area, from_on, access, now).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_pair",
                entity: "assist_pairing",
                entity_key: Some(id.to_string()),
                area: Some(h.area),
                before: current
                    .as_ref()
                    .map(|c| json!({"cadre_id": c.cadre_id, "name": c.name})),
                after: Some(
                    json!({"household_id": household_id, "cadre_id": cadre_id, "from_on": from_on}),
                ),
                ..Default::default()
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&h.household_no))
            .await;
        self.current_pairing(household_id)
            .await?
            .ok_or_else(|| corrupt("结对后未找到帮扶责任人"))
    }

    /// Ends the current pairing on `until_on` with a reason.
    pub async fn unpair(
        &self,
        access: &Access,
        household_id: i64,
        until_on: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let _ = now;
        access.require(perm::HOUSEHOLD_WRITE)?;
        let d = self.household(access, household_id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("解除原因：不能为空".into()));
        }
        let current = self
            .current_pairing(household_id)
            .await?
            .ok_or_else(|| StoreError::Invalid("该户当前没有帮扶责任人".into()))?;
        if until_on < current.from_on {
            return Err(StoreError::Invalid(format!(
                "解除日期（{until_on}）早于结对日期（{}）",
                current.from_on
            )));
        }
        let tx = self.begin_write().await?;
        end_pairing(&tx, current.id, until_on, reason).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_unpair",
                entity: "assist_pairing",
                entity_key: Some(current.id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"cadre_id": current.cadre_id, "name": current.name})),
                after: Some(json!({"until_on": until_on})),
                note: Some(reason.to_owned()),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        Ok(())
    }

    // ---- plan and measures ---------------------------------------------------------

    /// Saves the household's 一户一策 plan; `revision` (when given) refuses a
    /// save made on a stale page.
    pub async fn save_plan(
        &self,
        access: &Access,
        household_id: i64,
        form: &PlanForm,
        revision: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<PlanView> {
        let d = self.assist_writer(access, household_id).await?;
        let plan = &Plan::parse(form).map_err(invalid)?;
        // Whoever writes a plan is never its reviewer: the review is a step
        // of its own (`review_plan`).
        if plan.reviewed {
            return Err(StoreError::Forbidden(ReviewRefusal::OwnPlan.to_string()));
        }
        if d.household.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，不制定一户一策帮扶计划".into(),
            ));
        }
        let existing = self.plan_of(household_id).await?;
        if let (Some(r), Some(p)) = (revision, &existing)
            && r != p.revision
        {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        let at = now.fixed_offset();
        let case = self.open_case_of(household_id).await?.map(|(id, _)| id);
        let tx = self.begin_write().await?;
        match &existing {
            None => {
                let mut ins = Query::insert();
                ins.into_table("assist_plan")
                    .columns([
                        "household_id",
                        "case_id",
                        "area_code",
                        "goals",
                        "reviewed_on",
                        "reviewed_by",
                        "created_by",
                        "created_at",
                        "updated_by",
                        "updated_at",
                        "revision",
                    ])
                    .values_panic([
                        household_id.into(),
                        case.into(),
                        d.household.area.as_string().into(),
                        plan.goals.clone().into(),
                        None::<NaiveDate>.into(),
                        None::<i64>.into(),
                        access.user_id.into(),
                        at.into(),
                        access.user_id.into(),
                        at.into(),
                        0i32.into(),
                    ]);
                tx.execute(&ins).await?;
            }
            Some(p) => {
                let mut upd = Query::update();
                upd.table("assist_plan")
                    .values([
                        ("goals", plan.goals.clone().into()),
                        ("updated_by", access.user_id.into()),
                        ("updated_at", at.into()),
                        ("revision", (p.revision + 1).into()),
                    ])
                    .and_where(Expr::col("household_id").eq(household_id))
                    .and_where(Expr::col("revision").eq(p.revision));
                // Changed goals need a new review.
                if plan.goals != p.goals {
                    upd.value("reviewed_on", None::<NaiveDate>)
                        .value("reviewed_by", None::<i64>);
                }
                if tx.execute(&upd).await?.rows_affected() != 1 {
                    return Err(StoreError::Invalid(
                        "帮扶计划已被他人修改，请刷新后再试".into(),
                    ));
                }
            }
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_plan_save",
                entity: "assist_plan",
                entity_key: Some(household_id.to_string()),
                area: Some(d.household.area),
                before: existing.as_ref().map(|p| json!({"goals": p.goals})),
                after: Some(json!({"goals": plan.goals})),
                ..Default::default()
            },
        )
        .await?;
        self.plan_of(household_id)
            .await?
            .ok_or_else(|| corrupt("保存后未找到帮扶计划"))
    }

    async fn plan_of(&self, household_id: i64) -> Result<Option<PlanView>> {
        Ok(self.stored_plan(household_id).await?.map(|p| p.view))
    }

    /// The plan with who made and last changed it.
    async fn stored_plan(&self, household_id: i64) -> Result<Option<StoredPlan>> {
        let mut q = Query::select();
        for c in [
            "goals",
            "case_id",
            "created_at",
            "updated_at",
            "reviewed_on",
            "revision",
            "created_by",
            "updated_by",
        ] {
            q.column(("pl", c));
        }
        q.expr_as(Expr::col(("u", "display_name")), "reviewer")
            .from_as("assist_plan", "pl")
            .join_as(
                JoinType::LeftJoin,
                "app_user",
                "u",
                Expr::col(("u", "id")).equals(("pl", "reviewed_by")),
            )
            .and_where(Expr::col(("pl", "household_id")).eq(household_id));
        Ok(match self.db.query_one(&q).await? {
            None => None,
            Some(r) => Some(StoredPlan {
                view: PlanView {
                    goals: r.try_get("", "goals")?,
                    case_id: r.try_get("", "case_id")?,
                    created_at: r.try_get("", "created_at")?,
                    updated_at: r.try_get("", "updated_at")?,
                    reviewed_on: r.try_get("", "reviewed_on")?,
                    reviewer: r.try_get("", "reviewer")?,
                    revision: r.try_get("", "revision")?,
                },
                created_by: r.try_get("", "created_by")?,
                updated_by: r.try_get("", "updated_by")?,
            }),
        })
    }

    /// 审核 of a household's 一户一策 plan by a 乡镇审核 or 县级审定 account
    /// in whose area the household lies, never by whoever made or last
    /// changed the plan (`fangpin_domain::assist::check_plan_review`);
    /// `revision` is the plan the reviewer read.
    pub async fn review_plan(
        &self,
        access: &Access,
        household_id: i64,
        revision: i32,
        now: DateTime<Utc>,
    ) -> Result<PlanView> {
        let refused = |e: ReviewRefusal| {
            if e.is_about_the_reviewer() {
                StoreError::Forbidden(e.to_string())
            } else {
                StoreError::Invalid(e.to_string())
            }
        };
        // The role first, then the scope (outside it the household does not exist).
        check_plan_review(&reviewer_of(access, false), None).map_err(refused)?;
        let d = self.household(access, household_id).await?;
        let stored = self
            .stored_plan(household_id)
            .await?
            .ok_or_else(|| StoreError::Invalid("该户尚未制定一户一策帮扶计划".into()))?;
        if stored.view.revision != revision {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        check_plan_review(
            &reviewer_of(access, stored.written_by(access)),
            stored.view.reviewed_on,
        )
        .map_err(refused)?;
        let today = china_day(now);
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_plan")
            .values([
                ("reviewed_on", today.into()),
                ("reviewed_by", access.user_id.into()),
                ("revision", (revision + 1).into()),
            ])
            .and_where(Expr::col("household_id").eq(household_id))
            .and_where(Expr::col("revision").eq(revision))
            .and_where(Expr::col("reviewed_on").is_null());
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_plan_review",
                entity: "assist_plan",
                entity_key: Some(household_id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"revision": revision})),
                after: Some(json!({"reviewed_on": today, "revision": revision + 1})),
                note: Some("审核一户一策帮扶计划".into()),
            },
        )
        .await?;
        self.plan_of(household_id)
            .await?
            .ok_or_else(|| corrupt("审核后未找到帮扶计划"))
    }

    /// The full phone number of a 帮扶干部, for a role allowed to read it
    /// (查看完整证件号); every reveal is audited. The cadre is in scope when
    /// they work in the caller's area or help (or helped) a household there.
    pub async fn cadre_phone(&self, access: &Access, cadre_id: i64) -> Result<String> {
        access.require(perm::ID_UNMASK)?;
        let mut paired = Query::select();
        paired
            .column("cadre_id")
            .from("assist_pairing")
            .and_where(access.scope()?.on(Keyed::bare()));
        let mut q = Query::select();
        q.columns(["phone", "area_code", "name"])
            .from("assist_cadre")
            .and_where(Expr::col("id").eq(cadre_id))
            .and_where(under("area_code", &access.area).or(Expr::col("id").in_subquery(paired)));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶干部不存在：{cadre_id}")))?;
        let phone: String = r.try_get("", "phone")?;
        let area: String = r.try_get("", "area_code")?;
        let name: String = r.try_get("", "name")?;
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "read_sensitive",
                entity: "assist_cadre",
                entity_key: Some(cadre_id.to_string()),
                area: AreaCode::parse(area.trim()).ok(),
                note: Some(format!("查看帮扶干部{name}的联系电话")),
                ..Default::default()
            },
        )
        .await?;
        Ok(phone.trim().to_owned())
    }

    /// Records a measure of the catalogue on the household's plan.
    pub async fn add_plan_measure(
        &self,
        access: &Access,
        household_id: i64,
        form: &MeasureForm,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = self.assist_writer(access, household_id).await?;
        let m = &Measure::parse(form, Catalogue::official()).map_err(invalid)?;
        let tx = self.begin_write().await?;
        let id =
            insert_measure(&tx, household_id, &d.household.area, m, access.user_id, now).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_add",
                entity: "assist_measure",
                entity_key: Some(id.to_string()),
                area: Some(d.household.area),
                after: Some(json!({
                    "household_id": household_id,
                    "code": m.code,
                    "name": m.name,
                    "kind": m.kind.code(),
                    "status": m.status.code(),
                    "target_risk": m.target_risk,
                    "amount_fen": m.amount.fen(),
                })),
                ..Default::default()
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        Ok(id)
    }

    /// Moves a measure along its lifecycle (计划 → 实施中 → 已完成 / 已终止).
    pub async fn change_measure_status(
        &self,
        access: &Access,
        measure_id: i64,
        change: &StatusChange,
        now: DateTime<Utc>,
    ) -> Result<MeasureRow> {
        let (household_id, mut row) = self.scoped_measure(access, measure_id).await?;
        let d = self.assist_writer(access, household_id).await?;
        let before = row.measure.status;
        row.measure
            .change_status(change, china_day(now))
            .map_err(invalid)?;
        let m = &row.measure;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_measure")
            .values([
                ("status", m.status.code().into()),
                ("ended_on", m.ended_on.into()),
                ("evidence", m.evidence.clone().into()),
                ("updated_at", now.fixed_offset().into()),
                ("updated_by", access.user_id.into()),
            ])
            .value("revision", Expr::col("revision").add(1))
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(Expr::col("revision").eq(row.revision));
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_status",
                entity: "assist_measure",
                entity_key: Some(measure_id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"status": before.code()})),
                after: Some(json!({"status": m.status.code(), "ended_on": m.ended_on})),
                note: Some(change.evidence.trim().to_owned()).filter(|s| !s.is_empty()),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        row.status_label = row.measure.status.label();
        row.revision += 1;
        Ok(row)
    }

    /// Corrects what was mistyped on a measure (item, name, risk, start,
    /// amount, evidence) with a reason; its status stays. Checked as a new
    /// measure is, refused on a stale revision, audited with before and
    /// after, and the household's data-quality findings are checked again.
    pub async fn correct_measure(
        &self,
        access: &Access,
        measure_id: i64,
        c: &MeasureCorrection,
        now: DateTime<Utc>,
    ) -> Result<MeasureRow> {
        let (household_id, old) = self.scoped_measure(access, measure_id).await?;
        let d = self.assist_writer(access, household_id).await?;
        let (m, reason) = old
            .measure
            .corrected(c, Catalogue::official())
            .map_err(invalid)?;
        if old.revision != c.revision {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_measure")
            .values([
                ("catalogue_code", m.code.clone().into()),
                ("category", m.category.code().into()),
                ("kind", m.kind.code().into()),
                ("name", m.name.clone().into()),
                ("target_risk", m.target_risk.clone().into()),
                ("started_on", m.started_on.into()),
                ("amount_fen", m.amount.fen().into()),
                ("evidence", m.evidence.clone().into()),
                ("updated_at", now.fixed_offset().into()),
                ("updated_by", access.user_id.into()),
            ])
            .value("revision", Expr::col("revision").add(1))
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(Expr::col("revision").eq(c.revision));
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        let snapshot = |m: &Measure| {
            json!({
                "code": m.code, "name": m.name, "target_risk": m.target_risk,
                "started_on": m.started_on, "amount_fen": m.amount.fen(), "evidence": m.evidence,
            })
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_correct",
                entity: "assist_measure",
                entity_key: Some(measure_id.to_string()),
                area: Some(d.household.area),
                before: Some(snapshot(&old.measure)),
                after: Some(snapshot(&m)),
                note: Some(reason),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        let (_, row) = self.scoped_measure(access, measure_id).await?;
        Ok(row)
    }

    /// A measure in the caller's area: (household id, row).
    async fn scoped_measure(&self, access: &Access, measure_id: i64) -> Result<(i64, MeasureRow)> {
        let mut q = Query::select();
        q.columns(MEASURE_COLUMNS)
            .from("assist_measure")
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(access.scope()?.on(Keyed::bare()));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶措施不存在：{measure_id}")))?;
        Ok((r.try_get("", "household_id")?, measure_of(&r)?))
    }

    pub(crate) async fn measures_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<MeasureRow>>> {
        let mut out: HashMap<i64, Vec<MeasureRow>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns(MEASURE_COLUMNS)
                .from("assist_measure")
                .and_where(Expr::col("household_id").is_in(chunk.to_vec()))
                .order_by("started_on", Order::Asc)
                .order_by("id", Order::Asc);
            for r in self.db.query_all(&q).await? {
                out.entry(r.try_get("", "household_id")?)
                    .or_default()
                    .push(measure_of(&r)?);
            }
        }
        Ok(out)
    }

    /// The household's 帮扶 panel: 帮扶责任人 and history, the deadline while
    /// nobody is named, the plan and the measures.
    pub async fn household_assistance(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdAssistance> {
        let d = self.household(access, household_id).await?;
        let h = &d.household;
        let mut q = select_pairings();
        q.and_where(Expr::col(("p", "household_id")).eq(household_id))
            .order_by(("p", "from_on"), Order::Desc)
            .order_by(("p", "id"), Order::Desc);
        let mut all = Vec::new();
        for r in self.db.query_all(&q).await? {
            all.push(pairing_of(&r)?);
        }
        let pos = all.iter().position(|p| p.until_on.is_none());
        let responsible = pos.map(|i| all.remove(i));
        let monitored = h.monitor_category.is_some() && h.risk_eliminated != Some(true);
        let responsible_due = if monitored && responsible.is_none() {
            let clock = self.due_clock(now).await?;
            let since = self
                .approval_days(&[household_id])
                .await?
                .remove(&household_id)
                .or(h.identified_month.map(YearMonth::first_day));
            since.and_then(|s| clock.judge(&h.area, s))
        } else {
            None
        };
        let mine = self.my_cadres(access).await?;
        let can_pair = access.has(perm::HOUSEHOLD_WRITE);
        let can_edit = can_pair
            || (access.has(perm::ASSIST_OWN)
                && responsible
                    .as_ref()
                    .is_some_and(|p| mine.contains(&p.cadre_id)));
        let stored = self.stored_plan(household_id).await?;
        let can_review = stored.as_ref().is_some_and(|p| {
            check_plan_review(
                &reviewer_of(access, p.written_by(access)),
                p.view.reviewed_on,
            )
            .is_ok()
        });
        Ok(HouseholdAssistance {
            household_id,
            monitored,
            responsible,
            history: all,
            responsible_due,
            plan: stored.map(|p| p.view),
            measures: self
                .measures_of(&[household_id])
                .await?
                .remove(&household_id)
                .unwrap_or_default(),
            can_pair,
            can_edit,
            can_review,
        })
    }

    /// Monitored households (risk not eliminated) in scope with their
    /// 帮扶责任人, plan and measure count; a 帮扶责任人 sees their own.
    pub async fn assisted_households(
        &self,
        access: &Access,
        f: &AssistFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<AssistRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            q.from_as("household", "h")
                .join_as(
                    JoinType::LeftJoin,
                    "assist_pairing",
                    "p",
                    Expr::col(("p", "household_id"))
                        .equals(("h", "id"))
                        .and(Expr::col(("p", "until_on")).is_null()),
                )
                .and_where(scope.on(Keyed::household(Some("h"))));
            active_monitored(q);
            if f.unpaired_only {
                q.and_where(Expr::col(("p", "id")).is_null());
            }
        };
        let mut count = Query::select();
        count.expr_as(Expr::cust("COUNT(*)"), "n");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = Query::select();
        for c in [
            "id",
            "household_no",
            "head_name",
            "area_code",
            "monitor_category",
            "identified_month",
        ] {
            q.column(("h", c));
        }
        narrow(&mut q);
        q.column(("p", "cadre_id"))
            .column(("c", "name"))
            .column(("pl", "reviewed_on"))
            .expr_as(Expr::col(("pl", "id")), "plan_id")
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM assist_measure m WHERE m.household_id = h.id)"),
                "measures",
            )
            .join_as(
                JoinType::LeftJoin,
                "assist_cadre",
                "c",
                Expr::col(("c", "id")).equals(("p", "cadre_id")),
            )
            .join_as(
                JoinType::LeftJoin,
                "assist_plan",
                "pl",
                Expr::col(("pl", "household_id")).equals(("h", "id")),
            )
            .order_by_expr(
                Expr::cust("CASE WHEN p.id IS NULL THEN 0 ELSE 1 END"),
                Order::Asc,
            )
            .order_by(("h", "household_no"), Order::Asc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let rows = self.db.query_all(&q).await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("", "id"))
            .collect::<std::result::Result<_, _>>()?;
        let risks = self.risks_of(&ids).await?;
        let unpaired: Vec<i64> = rows
            .iter()
            .filter(|r| {
                r.try_get::<Option<i64>>("", "cadre_id")
                    .ok()
                    .flatten()
                    .is_none()
            })
            .filter_map(|r| r.try_get("", "id").ok())
            .collect();
        let approvals = self.approval_days(&unpaired).await?;
        let clock = self.due_clock(now).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("", "id")?;
            let area_code = r.try_get::<String>("", "area_code")?.trim().to_owned();
            let identified: Option<String> = r.try_get("", "identified_month")?;
            let cadre_id: Option<i64> = r.try_get("", "cadre_id")?;
            let plan_id: Option<i64> = r.try_get("", "plan_id")?;
            let reviewed: Option<NaiveDate> = r.try_get("", "reviewed_on")?;
            let (plan, plan_label) = match (plan_id, reviewed) {
                (None, _) => ("none", "未制定"),
                (Some(_), None) => ("made", "已制定待审核"),
                (Some(_), Some(_)) => ("reviewed", "已审核"),
            };
            let due = if cadre_id.is_none() {
                let since = approvals.get(&id).copied().or_else(|| {
                    identified
                        .as_deref()
                        .and_then(|m| m.trim().parse::<YearMonth>().ok())
                        .map(YearMonth::first_day)
                });
                match (since, AreaCode::parse(&area_code)) {
                    (Some(s), Ok(a)) => clock.judge(&a, s),
                    _ => None,
                }
            } else {
                None
            };
            out.push(AssistRow {
                household_id: id,
                household_no: r.try_get("", "household_no")?,
                head_name: r.try_get("", "head_name")?,
                area_code,
                category: r.try_get("", "monitor_category")?,
                risks: risks.get(&id).cloned().unwrap_or_default(),
                identified_month: identified.map(|s| s.trim().to_owned()),
                responsible: r.try_get("", "name")?,
                cadre_id,
                plan,
                plan_label,
                measures: r.try_get("", "measures")?,
                responsible_due: due,
            });
        }
        Ok((total as u64, out))
    }

    async fn risks_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns(["id", "risks"])
                .from("household")
                .and_where(Expr::col("id").is_in(chunk.to_vec()));
            for r in self.db.query_all(&q).await? {
                let text: Option<String> = r.try_get("", "risks")?;
                let list: Vec<String> = text
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
                    .unwrap_or_default();
                out.insert(r.try_get("", "id")?, list);
            }
        }
        Ok(out)
    }

    /// For the 工作台: monitored households in scope still without a
    /// 帮扶责任人 whose deadline is near or past, soonest first. Only for
    /// callers who can name one.
    pub async fn due_responsible(
        &self,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Vec<AssistRow>> {
        if !access.has(perm::HOUSEHOLD_WRITE) {
            return Ok(vec![]);
        }
        let f = AssistFilter {
            unpaired_only: true,
            limit: 500,
            ..Default::default()
        };
        let mut out = Vec::new();
        loop {
            let (total, page) = self
                .assisted_households(
                    access,
                    &AssistFilter {
                        offset: out.len() as u64,
                        ..f.clone()
                    },
                    now,
                )
                .await?;
            let n = page.len();
            out.extend(page);
            if n == 0 || out.len() as u64 >= total {
                break;
            }
        }
        out.retain(|r| {
            r.responsible_due
                .as_ref()
                .is_some_and(|d| d.urgency != Urgency::OnTrack)
        });
        out.sort_by_key(|r| r.responsible_due.as_ref().map(|d| d.due));
        Ok(out)
    }

    /// What the quality rules need about these households' assistance.
    pub(crate) async fn assist_facts(
        &self,
        households: &[(i64, HouseholdBundle)],
        now: DateTime<Utc>,
    ) -> Result<HashMap<i64, AssistFacts>> {
        let ids: Vec<i64> = households.iter().map(|(id, _)| *id).collect();
        let mut measures = self.measures_of(&ids).await?;
        let mut responsible: HashMap<i64, String> = self
            .current_pairings(&ids)
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.name))
            .collect();
        let waiting: Vec<i64> = households
            .iter()
            .filter(|(id, b)| {
                b.household.monitor_category.is_some()
                    && b.household.risk_eliminated != Some(true)
                    && !responsible.contains_key(id)
            })
            .map(|(id, _)| *id)
            .collect();
        let approvals = if waiting.is_empty() {
            HashMap::new()
        } else {
            self.approval_days(&waiting).await?
        };
        let clock = if waiting.is_empty() {
            None
        } else {
            Some(self.due_clock(now).await?)
        };
        let mut out = HashMap::with_capacity(households.len());
        for (id, b) in households {
            let due = match &clock {
                Some(c) if waiting.contains(id) => approvals
                    .get(id)
                    .copied()
                    .or(b.household.identified_month.map(YearMonth::first_day))
                    .and_then(|s| c.judge(&b.household.area, s))
                    .map(|d| d.due),
                _ => None,
            };
            out.insert(
                *id,
                AssistFacts {
                    measures: measures
                        .remove(id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|m| m.measure)
                        .collect(),
                    responsible: responsible.remove(id),
                    responsible_due: due,
                },
            );
        }
        Ok(out)
    }

    /// Writes generated assistance (the demo county) in one transaction:
    /// cadres, their pairings, plans and measures, matched by 户编号 within
    /// the caller's area; one audit entry.
    pub async fn insert_assistance(
        &self,
        access: &Access,
        bulk: &AssistBatch,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let mut nos: Vec<&str> = bulk
            .cadres
            .iter()
            .flat_map(|c| c.households.iter().map(|(n, _)| n.as_str()))
            .chain(bulk.plans.iter().map(|(n, _, _)| n.as_str()))
            .chain(bulk.measures.iter().map(|(n, _)| n.as_str()))
            .collect();
        nos.sort_unstable();
        nos.dedup();
        let mut ids: HashMap<String, (i64, AreaCode)> = HashMap::new();
        for chunk in nos.chunks(500) {
            let mut q = Query::select();
            q.columns(["id", "household_no", "area_code"])
                .from("household")
                .and_where(Expr::col("household_no").is_in(chunk.iter().map(|s| s.to_string())))
                .and_where(access.scope()?.on(Keyed::household(None)));
            for r in self.db.query_all(&q).await? {
                let area: String = r.try_get("", "area_code")?;
                ids.insert(
                    r.try_get("", "household_no")?,
                    (
                        r.try_get("", "id")?,
                        AreaCode::parse(area.trim()).map_err(corrupt)?,
                    ),
                );
            }
        }
        let find = |no: &str| {
            ids.get(no)
                .copied()
                .ok_or_else(|| StoreError::NotFound(format!("户编号不存在：{no}")))
        };
        let at = now.fixed_offset();
        let tx = self.begin_write().await?;
        let mut written = 0u64;
        for c in &bulk.cadres {
            let mut ins = Query::insert();
            ins.into_table("assist_cadre")
                .columns([
                    "name",
                    "unit",
                    "position",
                    "phone",
                    "area_code",
                    "active",
                    "created_at",
                    "updated_at",
                ])
                .values_panic([
                    c.cadre.name.clone().into(),
                    c.cadre.unit.clone().into(),
                    c.cadre.position.clone().into(),
                    c.cadre.phone.as_str().into(),
                    c.cadre.area.as_string().into(),
                    c.cadre.active.into(),
                    at.into(),
                    at.into(),
                ])
                .returning_col("id");
            let cid: i64 = tx
                .query_one(&ins)
                .await?
                .ok_or_else(|| corrupt("新建帮扶干部未返回编号"))?
                .try_get("", "id")?;
            written += 1;
            for (no, from) in &c.households {
                let (hid, area) = find(no)?;
                insert_pairing(&tx, hid, cid, &area, *from, access, now).await?;
                written += 1;
            }
        }
        for (no, goals, on) in &bulk.plans {
            let (hid, area) = find(no)?;
            let made = on
                .and_hms_opt(9, 0, 0)
                .map(|t| t.and_utc().fixed_offset())
                .unwrap_or(at);
            let mut ins = Query::insert();
            ins.into_table("assist_plan")
                .columns([
                    "household_id",
                    "area_code",
                    "goals",
                    "reviewed_on",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "revision",
                ])
                .values_panic([
                    hid.into(),
                    area.as_string().into(),
                    goals.clone().into(),
                    Some(*on).into(),
                    access.user_id.into(),
                    made.into(),
                    made.into(),
                    0i32.into(),
                ]);
            tx.execute(&ins).await?;
            written += 1;
        }
        for (no, m) in &bulk.measures {
            let (hid, area) = find(no)?;
            insert_measure(&tx, hid, &area, m, access.user_id, now).await?;
            written += 1;
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "bulk_insert",
                entity: "assistance",
                after: Some(json!({
                    "cadres": bulk.cadres.len(),
                    "plans": bulk.plans.len(),
                    "measures": bulk.measures.len(),
                })),
                note: Some("帮扶干部、结对、帮扶计划和措施".into()),
                ..Default::default()
            },
        )
        .await?;
        Ok(written)
    }

    /// Links a cadre to a login (the demo's 帮扶责任人 account).
    pub async fn link_cadre_user(
        &self,
        access: &Access,
        cadre_id: i64,
        username: &str,
    ) -> Result<()> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let (area, _, _) = self.stored_cadre(access, cadre_id).await?;
        let user = self.user_for_cadre(access, Some(username)).await?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_cadre")
            .value("user_id", user)
            .and_where(Expr::col("id").eq(cadre_id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_update",
                entity: "assist_cadre",
                entity_key: Some(cadre_id.to_string()),
                area: Some(area),
                after: Some(json!({"username": username})),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

fn cadre_json(c: &Cadre) -> serde_json::Value {
    json!({
        "name": c.name,
        "unit": c.unit,
        "position": c.position,
        "phone": c.phone.masked(),
        "area": c.area.as_string(),
        "active": c.active,
        "username": c.username,
    })
}

async fn end_pairing(
    tx: &DatabaseTransaction,
    id: i64,
    until: NaiveDate,
    reason: &str,
) -> Result<()> {
    let mut upd = Query::update();
    upd.table("assist_pairing")
        .values([("until_on", until.into()), ("end_reason", reason.into())])
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("until_on").is_null());
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "帮扶责任人已被他人调整，请刷新后再试".into(),
        ));
    }
    Ok(())
}

async fn insert_pairing(
    tx: &DatabaseTransaction,
    household_id: i64,
    cadre_id: i64,
    area: &AreaCode,
    from: NaiveDate,
    access: &Access,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut ins = Query::insert();
    ins.into_table("assist_pairing")
        .columns([
            "household_id",
            "cadre_id",
            "area_code",
            "from_on",
            "created_by",
            "created_at",
        ])
        .values_panic([
            household_id.into(),
            cadre_id.into(),
            area.as_string().into(),
            from.into(),
            access.user_id.into(),
            now.fixed_offset().into(),
        ])
        .returning_col("id");
    Ok(tx
        .query_one(&ins)
        .await?
        .ok_or_else(|| corrupt("结对未返回编号"))?
        .try_get("", "id")?)
}

async fn insert_measure(
    tx: &DatabaseTransaction,
    household_id: i64,
    area: &AreaCode,
    m: &Measure,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = now.fixed_offset();
    let mut ins = Query::insert();
    ins.into_table("assist_measure")
        .columns([
            "household_id",
            "area_code",
            "catalogue_code",
            "category",
            "kind",
            "name",
            "target_risk",
            "status",
            "started_on",
            "ended_on",
            "amount_fen",
            "evidence",
            "note",
            "created_by",
            "created_at",
            "updated_at",
        ])
        .values_panic([
            household_id.into(),
            area.as_string().into(),
            m.code.clone().into(),
            m.category.code().into(),
            m.kind.code().into(),
            m.name.clone().into(),
            m.target_risk.clone().into(),
            m.status.code().into(),
            m.started_on.into(),
            m.ended_on.into(),
            m.amount.fen().into(),
            m.evidence.clone().into(),
            "".into(),
            user.into(),
            at.into(),
            at.into(),
        ])
        .returning_col("id");
    Ok(tx
        .query_one(&ins)
        .await?
        .ok_or_else(|| corrupt("新建措施未返回编号"))?
        .try_get("", "id")?)
}
