//! 农户自主申报: reports filed on the public form, the township's inbox, and
//! its two decisions. 受理 links the report to a registered household (found
//! by the applicant's ID hash when they are a member, else chosen by staff)
//! and opens a lead through the case workflow in the same transaction;
//! 不予受理 records the reason. The applicant follows the report with its
//! receipt number and the last four characters of their ID number.
//!
//! ID numbers are sealed with a keyed hash, as in the registry; phones are
//! masked in every list and shown whole only through an audited reveal.
//! Every write records an audit entry in its transaction.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fangpin_domain::calendar::WorkCalendar;
use fangpin_domain::monitor::sla::{Span, Urgency, urgency};
use fangpin_domain::monitor::workflow::Channel;
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::self_report::{
    CONSENT_VERSION, Hardship, Phone, Relation, SelfReport, SelfReportForm,
};
use fangpin_domain::{AreaCode, IdNumber};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, AuditEntry, commit_audited, record};
use crate::calendar::china_day;
use crate::monitor::NewLead;
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError, settings};

mod decisions;
mod public;

/// Where a report stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 待受理.
    Pending,
    /// 已受理 (a lead is open).
    Accepted,
    /// 不予受理.
    Declined,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Pending => "pending",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Pending => "待受理",
            ReportStatus::Accepted => "已受理",
            ReportStatus::Declined => "不予受理",
        }
    }

    pub fn parse(code: &str) -> Result<ReportStatus> {
        [
            ReportStatus::Pending,
            ReportStatus::Accepted,
            ReportStatus::Declined,
        ]
        .into_iter()
        .find(|s| s.code() == code.trim())
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "申报状态无效：{code}（可选 pending、accepted、declined）"
            ))
        })
    }
}

/// What the applicant gets back after submitting.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Receipt {
    pub receipt_no: String,
    pub submitted_on: NaiveDate,
    /// Last day for the township to accept (none when the working-day
    /// calendar does not cover it yet).
    pub accept_due: Option<NaiveDate>,
    pub village_name: String,
    pub township_name: String,
}

/// What the applicant sees when following a report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PublicStatus {
    pub receipt_no: String,
    pub status: ReportStatus,
    pub status_label: &'static str,
    pub submitted_on: NaiveDate,
    pub accept_due: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decline_reason: Option<String>,
    /// What happens next, in plain words.
    pub next_step: String,
}

/// A village of the public area list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PublicVillage {
    pub code: String,
    pub name: String,
}

/// A township with its villages, as the public form offers them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PublicTownship {
    pub code: String,
    pub name: String,
    pub villages: Vec<PublicVillage>,
}

/// A registered household the applicant belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdMatch {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    /// The applicant is the household's 户主.
    pub is_head: bool,
}

/// A report as the township's inbox shows it (ID and phone masked).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SelfReportRow {
    pub id: i64,
    pub receipt_no: String,
    pub area_code: String,
    pub village_name: String,
    pub applicant_name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub relation: Relation,
    pub relation_label: &'static str,
    pub head_name: Option<String>,
    pub hardship: Hardship,
    pub hardship_label: &'static str,
    /// 因灾/因意外: the 绿色通道 may apply.
    pub emergency: bool,
    pub description: String,
    pub submitted_at: DateTime<FixedOffset>,
    pub submitted_on: NaiveDate,
    pub accept_due: Option<NaiveDate>,
    /// Standing of a pending report against its acceptance deadline today.
    pub urgency: Option<Urgency>,
    pub urgency_label: Option<&'static str>,
    pub status: ReportStatus,
    pub status_label: &'static str,
    pub household_id: Option<i64>,
    pub case_id: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decline_reason: Option<String>,
    /// Registered households in the caller's scope with the applicant as a
    /// member (found by the ID hash; filled for pending reports).
    pub matches: Vec<HouseholdMatch>,
}

/// Filters of the inbox.
#[derive(Clone, Debug, Default)]
pub struct SelfReportFilter {
    pub status: Option<ReportStatus>,
    pub area: Option<AreaCode>,
    pub offset: u64,
    pub limit: u64,
}

/// The outcome of 受理.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Accepted {
    pub case_id: i64,
    pub household_id: i64,
    /// The household already had a case in progress; the report joined it.
    pub joined_existing: bool,
}

/// Columns written when a report is filed, in insert order.
const FILED_COLUMNS: [&str; 15] = [
    "receipt_no",
    "area_code",
    "applicant_name",
    "id_enc",
    "id_hash",
    "phone",
    "relation",
    "head_name",
    "hardship",
    "description",
    "consent_version",
    "submitted_at",
    "submitted_on",
    "accept_due",
    "status",
];

/// Columns the township's decision fills.
const DECISION_COLUMNS: [&str; 7] = [
    "household_id",
    "case_id",
    "decided_by",
    "decided_by_name",
    "decided_at",
    "decided_on",
    "decline_reason",
];

fn select_reports() -> SelectStatement {
    let mut q = Query::select();
    q.column(("r", "id"));
    for c in FILED_COLUMNS.iter().chain(&DECISION_COLUMNS) {
        q.column(("r", *c));
    }
    q.expr_as(Expr::col(("a", "name")), "village_name")
        .from_as("self_report", "r")
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            "area",
            "a",
            Expr::col(("a", "code")).equals(("r", "area_code")),
        );
    q
}

/// Self-reports are keyed by village until matched: the caller's area.
fn scoped(q: &mut SelectStatement, access: &Access) {
    q.and_where(
        access
            .scope_unchecked()
            .on(Keyed::area(Some("r"), "area_code")),
    );
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("自主申报{what}无效：{e}"))
}

/// A stored report with the values only the store needs.
struct Stored {
    row: SelfReportRow,
    id_hash: String,
    id_number: IdNumber,
    phone: String,
}

fn stored_of(store: &Store, r: &QueryResult) -> Result<Stored> {
    let sealed: String = r.try_get("", "id_enc")?;
    let id_number = store
        .cipher
        .open(&sealed)
        .map_err(|e| corrupt("证件号码", e))
        .and_then(|t| IdNumber::parse(&t).map_err(|e| corrupt("证件号码", e)))?;
    let phone: String = r.try_get("", "phone")?;
    let phone_masked = Phone::parse(&phone)
        .map_err(|e| corrupt("联系电话", e))?
        .masked();
    let relation =
        Relation::parse(&r.try_get::<String>("", "relation")?).map_err(|e| corrupt("关系", e))?;
    let hardship = Hardship::parse(&r.try_get::<String>("", "hardship")?)
        .map_err(|e| corrupt("困难类型", e))?;
    let status =
        ReportStatus::parse(&r.try_get::<String>("", "status")?).map_err(|e| corrupt("状态", e))?;
    let row = SelfReportRow {
        id: r.try_get("", "id")?,
        receipt_no: r.try_get("", "receipt_no")?,
        area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
        village_name: r.try_get("", "village_name")?,
        applicant_name: r.try_get("", "applicant_name")?,
        id_masked: id_number.masked(),
        phone_masked,
        relation,
        relation_label: relation.label(),
        head_name: r.try_get("", "head_name")?,
        hardship,
        hardship_label: hardship.label(),
        emergency: hardship.emergency(),
        description: r.try_get("", "description")?,
        submitted_at: r.try_get("", "submitted_at")?,
        submitted_on: r.try_get("", "submitted_on")?,
        accept_due: r.try_get("", "accept_due")?,
        urgency: None,
        urgency_label: None,
        status,
        status_label: status.label(),
        household_id: r.try_get("", "household_id")?,
        case_id: r.try_get("", "case_id")?,
        decided_by_name: r.try_get("", "decided_by_name")?,
        decided_on: r.try_get("", "decided_on")?,
        decline_reason: r.try_get("", "decline_reason")?,
        matches: vec![],
    };
    Ok(Stored {
        row,
        id_hash: r.try_get::<String>("", "id_hash")?.trim().to_owned(),
        id_number,
        phone,
    })
}

/// The acceptance deadline of a report filed on `day` in `village`; none
/// (and a warning in the log) when the parameter or the calendar does not
/// cover the day: a citizen's report is never refused for that.
fn accept_due(
    policy: &PolicySet,
    cal: &WorkCalendar,
    village: &AreaCode,
    day: NaiveDate,
) -> Option<NaiveDate> {
    let due = policy
        .text_param(keys::SLA_SELF_REPORT_ACCEPT, village, day.year())
        .map_err(|e| e.to_string())
        .and_then(|t| Span::parse(t).map_err(|e| e.to_string()))
        .and_then(|s| s.due_from(day, cal).map_err(|e| e.to_string()));
    match due {
        Ok(d) => Some(d),
        Err(e) => {
            tracing::warn!(error = %e, "自主申报受理期限无法计算");
            None
        }
    }
}

/// 临期/逾期 of a pending report today; one overdue for more than the
/// escalation margin (working days, per area and year) is raised to the
/// county (逾期已上报).
fn urgency_today(
    row: &SelfReportRow,
    policy: &PolicySet,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> Option<Urgency> {
    if row.status != ReportStatus::Pending {
        return None;
    }
    let area = AreaCode::parse(&row.area_code).ok()?;
    let int = |key: &str, default: i64| {
        let v = policy
            .int_param(key, &area, today.year())
            .unwrap_or(default);
        Ord::max(v, 0) as u32
    };
    urgency(
        row.accept_due?,
        today,
        int(keys::SLA_WARN_DAYS, 1),
        int(keys::ESCALATE_AFTER, 2),
        cal,
    )
    .ok()
}

fn next_step(s: &Stored) -> String {
    let row = &s.row;
    match row.status {
        ReportStatus::Pending => match row.accept_due {
            Some(d) => format!(
                "乡镇将在{}前受理，受理后由村两委入户核实，请保持电话畅通。",
                d.format("%Y年%-m月%-d日")
            ),
            None => "乡镇将尽快受理，受理后由村两委入户核实，请保持电话畅通。".to_owned(),
        },
        ReportStatus::Accepted => {
            "已受理，已转村两委入户核实；工作人员会与您联系，请保持电话畅通。".to_owned()
        }
        ReportStatus::Declined => {
            "不予受理。如有异议，可向所在乡镇反映，或拨打全国防止返贫监测和乡村振兴咨询服务电话（原12317）。"
                .to_owned()
        }
    }
}

impl Store {
    /// The township's inbox: reports in the caller's scope, pending first by
    /// deadline, then the decided ones newest first.
    pub async fn self_reports(
        &self,
        access: &Access,
        f: &SelfReportFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<SelfReportRow>)> {
        access.require(perm::CASE_TOWNSHIP)?;
        let narrow = |q: &mut SelectStatement| {
            scoped(q, access);
            if let Some(a) = &f.area {
                q.and_where(under(("r", "area_code"), a));
            }
            if let Some(s) = f.status {
                q.and_where(Expr::col(("r", "status")).eq(s.code()));
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("self_report", "r");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = select_reports();
        narrow(&mut q);
        if f.status == Some(ReportStatus::Pending) {
            q.order_by(("r", "accept_due"), Order::Asc);
        }
        q.order_by(("r", "id"), Order::Desc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let rows = self.rows_of(access, &q, now).await?;
        Ok((total as u64, rows))
    }

    /// One report of the caller's scope.
    pub async fn self_report(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<SelfReportRow> {
        access.require(perm::CASE_TOWNSHIP)?;
        let mut q = select_reports();
        q.and_where(Expr::col(("r", "id")).eq(id));
        scoped(&mut q, access);
        self.rows_of(access, &q, now)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("申报不存在：{id}")))
    }

    /// Pending reports for the 工作台: for the township that accepts them,
    /// those due soon or overdue; for the county (县级审定), those overdue
    /// past the escalation margin in its area, so it can press the township.
    /// Empty for other roles.
    pub async fn due_self_reports(
        &self,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Vec<SelfReportRow>> {
        let township = access.has(perm::CASE_TOWNSHIP);
        if !township && !access.has(perm::CASE_COUNTY) {
            return Ok(vec![]);
        }
        let mut q = select_reports();
        scoped(&mut q, access);
        q.and_where(Expr::col(("r", "status")).eq(ReportStatus::Pending.code()))
            .order_by(("r", "accept_due"), Order::Asc)
            .order_by(("r", "id"), Order::Asc);
        let mut rows = self.rows_of(access, &q, now).await?;
        rows.retain(|r| match r.urgency {
            Some(Urgency::Escalated) => true,
            Some(Urgency::DueSoon | Urgency::Overdue) => township,
            _ => false,
        });
        Ok(rows)
    }

    /// The applicant's full phone number, for the township that calls them
    /// back; each reveal is audited.
    pub async fn self_report_phone(&self, access: &Access, id: i64) -> Result<String> {
        access.require(perm::CASE_TOWNSHIP)?;
        let s = self.stored_report(access, id).await?;
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "read_sensitive",
                entity: "self_report",
                entity_key: Some(id.to_string()),
                area: AreaCode::parse(&s.row.area_code).ok(),
                note: Some("查看自主申报人联系电话".into()),
                ..Default::default()
            },
        )
        .await?;
        Ok(s.phone)
    }

    /// A report of the caller's scope still awaiting the township's decision.
    async fn pending_report(&self, access: &Access, id: i64) -> Result<Stored> {
        access.require(perm::CASE_TOWNSHIP)?;
        let s = self.stored_report(access, id).await?;
        if s.row.status != ReportStatus::Pending {
            return Err(StoreError::Invalid(format!(
                "该申报{}，不能再次办理",
                s.row.status.label()
            )));
        }
        Ok(s)
    }

    async fn stored_report(&self, access: &Access, id: i64) -> Result<Stored> {
        let mut q = select_reports();
        q.and_where(Expr::col(("r", "id")).eq(id));
        scoped(&mut q, access);
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("申报不存在：{id}")))?;
        stored_of(self, &r)
    }

    /// Rows with today's urgency and, for pending ones, the households in
    /// scope the applicant is registered in.
    async fn rows_of(
        &self,
        access: &Access,
        q: &SelectStatement,
        now: DateTime<Utc>,
    ) -> Result<Vec<SelfReportRow>> {
        let stored = self
            .db
            .query_all(q)
            .await?
            .iter()
            .map(|r| stored_of(self, r))
            .collect::<Result<Vec<_>>>()?;
        let pending: Vec<String> = stored
            .iter()
            .filter(|s| s.row.status == ReportStatus::Pending)
            .map(|s| s.id_hash.clone())
            .collect();
        let matches = self.matches_of(access, &pending).await?;
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let today = china_day(now);
        Ok(stored
            .into_iter()
            .map(|s| {
                let mut row = s.row;
                row.urgency = urgency_today(&row, &policy, &cal, today);
                row.urgency_label = row.urgency.map(Urgency::label);
                if row.status == ReportStatus::Pending {
                    row.matches = matches
                        .iter()
                        .filter(|(h, _)| *h == s.id_hash)
                        .map(|(_, m)| m.clone())
                        .collect();
                }
                row
            })
            .collect())
    }

    /// Households of the current registry in the caller's scope with a
    /// member whose ID hash is one of `hashes`: (hash, household).
    async fn matches_of(
        &self,
        access: &Access,
        hashes: &[String],
    ) -> Result<Vec<(String, HouseholdMatch)>> {
        if hashes.is_empty() {
            return Ok(vec![]);
        }
        let mut q = Query::select();
        q.expr_as(Expr::col(("p", "id_hash")), "id_hash")
            .expr_as(Expr::col(("h", "id")), "household_id")
            .expr_as(Expr::col(("h", "household_no")), "household_no")
            .expr_as(Expr::col(("h", "head_name")), "head_name")
            .expr_as(Expr::col(("h", "area_code")), "area_code")
            .expr_as(Expr::col(("h", "head_id_hash")), "head_id_hash")
            .from_as("person", "p")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("p", "household_id")),
            )
            .and_where(Expr::col(("p", "id_hash")).is_in(hashes.iter().map(String::as_str)))
            .and_where(Expr::col(("h", "current_size")).gt(0))
            .and_where(access.scope_unchecked().on(Keyed::household(Some("h"))))
            .order_by(("h", "id"), Order::Asc);
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                let hash = r.try_get::<String>("", "id_hash")?.trim().to_owned();
                let head = r.try_get::<String>("", "head_id_hash")?.trim().to_owned();
                Ok((
                    hash.clone(),
                    HouseholdMatch {
                        household_id: r.try_get("", "household_id")?,
                        household_no: r.try_get("", "household_no")?,
                        head_name: r.try_get("", "head_name")?,
                        area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                        is_head: head == hash,
                    },
                ))
            })
            .collect()
    }
}
