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
use fangpin_domain::policy::{PolicySet, keys};
use fangpin_domain::self_report::{
    CONSENT_VERSION, Hardship, Phone, Relation, SelfReport, SelfReportForm,
};
use fangpin_domain::sla::{Span, Urgency, urgency};
use fangpin_domain::workflow::Channel;
use fangpin_domain::{AreaCode, IdNumber};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, AuditEntry, commit_audited, record};
use crate::cases::{NewLead, china_day};
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError, settings};

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

/// A new receipt number: the day and six random digits (`20260601-123456`).
fn receipt_number(day: NaiveDate) -> Result<String> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| StoreError::Invalid(format!("无法生成回执号：{e}")))?;
    Ok(format!(
        "{}-{:06}",
        day.format("%Y%m%d"),
        u32::from_le_bytes(b) % 1_000_000
    ))
}

/// The receipt number as typed: spaces dropped, full-width digits and
/// hyphens made ASCII.
fn normalise_receipt(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            '－' | '—' => '-',
            other => other,
        })
        .collect()
}

/// The last four characters of an ID number as typed.
fn normalise_last4(input: &str) -> String {
    normalise_receipt(input)
        .chars()
        .map(|c| if c == 'ｘ' || c == 'Ｘ' { 'X' } else { c })
        .collect::<String>()
        .to_uppercase()
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

/// The township's decision on a pending report.
struct Decision {
    status: ReportStatus,
    /// The audit action.
    action: &'static str,
    /// The area of the audit entry (the household's, or the report's village).
    area: AreaCode,
    /// Columns set besides the status and who decided when.
    values: Vec<(&'static str, sea_orm::Value)>,
    /// What the audit entry records besides the new status.
    after: serde_json::Value,
}

/// Records `d` on a report still pending (a report decided meanwhile by
/// someone else is refused) with its audit entry, in `tx`.
async fn record_decision(
    tx: &DatabaseTransaction,
    access: &Access,
    row: &SelfReportRow,
    d: Decision,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut upd = Query::update();
    upd.table("self_report")
        .values(d.values.into_iter().map(|(c, v)| (c, v.into())))
        .values([
            ("status", d.status.code().into()),
            ("decided_by", access.user_id.into()),
            ("decided_by_name", access.username.clone().into()),
            ("decided_at", now.fixed_offset().into()),
            ("decided_on", china_day(now).into()),
        ])
        .and_where(Expr::col("id").eq(row.id))
        .and_where(Expr::col("status").eq(ReportStatus::Pending.code()));
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "该申报已被他人办理，请刷新后再试".into(),
        ));
    }
    let mut after = d.after;
    after["status"] = d.status.code().into();
    record(
        tx,
        &access.actor(),
        AuditEntry {
            action: d.action,
            entity: "self_report",
            entity_key: Some(row.id.to_string()),
            area: Some(d.area),
            before: Some(json!({"status": ReportStatus::Pending.code()})),
            after: Some(after),
            note: Some(format!("回执号{}", row.receipt_no)),
        },
    )
    .await
}

impl Store {
    /// The townships and villages the public form offers (names and codes
    /// only), under the county this installation serves.
    pub async fn public_areas(&self) -> Result<Vec<PublicTownship>> {
        let county = self
            .setting(settings::COUNTY_CODE)
            .await?
            .and_then(|c| AreaCode::parse(&c).ok());
        let mut q = Query::select();
        q.columns(["code", "name", "level", "parent_code"])
            .from("area")
            .and_where(Expr::col("level").is_in(["township", "village"]))
            .order_by("code", Order::Asc);
        if let Some(c) = county {
            q.and_where(under("code", &c));
        }
        let mut out: Vec<PublicTownship> = Vec::new();
        let mut villages = Vec::new();
        for r in self.db.query_all(&q).await? {
            let code = r.try_get::<String>("", "code")?.trim().to_owned();
            let name: String = r.try_get("", "name")?;
            let parent: Option<String> = r.try_get("", "parent_code")?;
            if r.try_get::<String>("", "level")? == "township" {
                out.push(PublicTownship {
                    code,
                    name,
                    villages: vec![],
                });
            } else {
                villages.push((parent.unwrap_or_default().trim().to_owned(), code, name));
            }
        }
        for (parent, code, name) in villages {
            if let Some(t) = out.iter_mut().find(|t| t.code == parent) {
                t.villages.push(PublicVillage { code, name });
            }
        }
        out.retain(|t| !t.villages.is_empty());
        Ok(out)
    }

    /// Parses and stores a report filed on the public form; a form with a
    /// problem is refused whole (the message names the field) and nothing is
    /// stored. `address` is the client's address for the audit entry; the ID
    /// number is sealed and never logged.
    pub async fn submit_self_report(
        &self,
        form: &SelfReportForm,
        address: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Receipt> {
        let report = SelfReport::parse(form).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let village_err = || StoreError::Invalid("所在村：所选村不存在，请重新选择乡镇和村".into());
        let village = self
            .area(&report.village)
            .await?
            .filter(|a| a.level == "village")
            .ok_or_else(village_err)?;
        let county = self.setting(settings::COUNTY_CODE).await?;
        if let Some(c) = county.and_then(|c| AreaCode::parse(&c).ok())
            && !c.contains(&report.village)
        {
            return Err(village_err());
        }
        let township_name = match report.village.parent() {
            Some(t) => self.area(&t).await?.map(|a| a.name).unwrap_or_default(),
            None => String::new(),
        };
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let due = accept_due(&policy, &cal, &report.village, today);
        let tx = self.begin_write().await?;
        let mut receipt_no = receipt_number(today)?;
        for _ in 0..8 {
            let mut taken = Query::select();
            taken
                .column("id")
                .from("self_report")
                .and_where(Expr::col("receipt_no").eq(receipt_no.as_str()));
            if tx.query_one(&taken).await?.is_none() {
                break;
            }
            receipt_no = receipt_number(today)?;
        }
        let mut ins = Query::insert();
        ins.into_table("self_report")
            .columns(FILED_COLUMNS)
            .values_panic([
                receipt_no.clone().into(),
                report.village.as_string().into(),
                report.name.clone().into(),
                self.cipher.seal(report.id_number.as_str()).into(),
                self.cipher.lookup_hash(report.id_number.as_str()).into(),
                report.phone.as_str().into(),
                report.relation.code().into(),
                report.head_name.clone().into(),
                report.hardship.code().into(),
                report.description.clone().into(),
                CONSENT_VERSION.into(),
                now.fixed_offset().into(),
                today.into(),
                due.into(),
                ReportStatus::Pending.code().into(),
            ])
            .returning_col("id");
        let id: i64 = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| StoreError::Corrupt("新申报未返回编号".into()))?
            .try_get("", "id")?;
        let actor = Actor {
            user_id: None,
            name: "公众自主申报".into(),
            role: "未登录".into(),
            area: None,
            address,
        };
        commit_audited(
            tx,
            &actor,
            AuditEntry {
                action: "self_report_submit",
                entity: "self_report",
                entity_key: Some(id.to_string()),
                area: Some(report.village),
                after: Some(json!({
                    "receipt_no": receipt_no,
                    "applicant": report.name,
                    "id_number": report.id_number.masked(),
                    "phone": report.phone.masked(),
                    "relation": report.relation.code(),
                    "hardship": report.hardship.code(),
                    "consent_version": CONSENT_VERSION,
                    "accept_due": due,
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(Receipt {
            receipt_no,
            submitted_on: today,
            accept_due: due,
            village_name: village.name,
            township_name,
        })
    }

    /// A report's standing for its applicant: the receipt number and the
    /// last four characters of the ID number must both agree (either one
    /// wrong reads as "not found").
    pub async fn self_report_status(
        &self,
        receipt_no: &str,
        id_last4: &str,
    ) -> Result<PublicStatus> {
        let not_found =
            || StoreError::NotFound("未找到该申报：请核对回执号和身份证号码后4位".into());
        let receipt_no = normalise_receipt(receipt_no);
        let last4 = normalise_last4(id_last4);
        if receipt_no.is_empty() || last4.chars().count() != 4 {
            return Err(StoreError::Invalid("请填写回执号和身份证号码后4位".into()));
        }
        let mut q = select_reports();
        q.and_where(Expr::col(("r", "receipt_no")).eq(receipt_no.as_str()));
        let r = self.db.query_one(&q).await?.ok_or_else(not_found)?;
        let s = stored_of(self, &r)?;
        if !s.id_number.as_str().ends_with(&last4) {
            return Err(not_found());
        }
        let row = &s.row;
        Ok(PublicStatus {
            receipt_no: row.receipt_no.clone(),
            status: row.status,
            status_label: row.status.label(),
            submitted_on: row.submitted_on,
            accept_due: row.accept_due,
            decided_on: row.decided_on,
            decline_reason: row.decline_reason.clone(),
            next_step: next_step(&s),
        })
    }

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

    /// 受理: links the report to `household_id`, or to the one household in
    /// the caller's scope the applicant is registered in, and opens a lead
    /// (channel 农户自主申报, the report's text as evidence) in the same
    /// transaction. A household with a case in progress keeps it: the report
    /// joins that case.
    pub async fn accept_self_report(
        &self,
        access: &Access,
        id: i64,
        household_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Accepted> {
        let s = self.pending_report(access, id).await?;
        let row = &s.row;
        let household_id = match household_id {
            Some(h) => h,
            None => {
                let found = self
                    .matches_of(access, std::slice::from_ref(&s.id_hash))
                    .await?;
                match found.as_slice() {
                    [(_, m)] => m.household_id,
                    [] => {
                        return Err(StoreError::Invalid(
                            "申报人未登记为本辖区农户的家庭成员，请选择要关联的农户".into(),
                        ));
                    }
                    _ => {
                        return Err(StoreError::Invalid(
                            "申报人登记在多户中，请选择要关联的农户".into(),
                        ));
                    }
                }
            }
        };
        // Scope and existence of the household (outside it: not found).
        let household = self.household(access, household_id).await?;
        let existing = self.open_case_of(household_id).await?;
        let tx = self.begin_write().await?;
        let (case_id, joined_existing) = match existing {
            Some((case_id, _)) => (case_id, true),
            None => {
                let lead = NewLead {
                    household_id,
                    channel: Channel::SelfReport,
                    green_channel: false,
                    summary: format!(
                        "农户自主申报（回执号{}）{}：{}",
                        row.receipt_no, row.hardship_label, row.description
                    ),
                    reporter: Some(format!("{}（{}）", row.applicant_name, row.relation_label)),
                    evidence: Some(format!(
                        "{}在线提交，已勾选承诺授权（{}版）。申报内容：{}",
                        row.submitted_on, CONSENT_VERSION, row.description
                    )),
                };
                (self.open_lead_in(&tx, access, lead, now).await?, false)
            }
        };
        let decision = Decision {
            status: ReportStatus::Accepted,
            action: "self_report_accept",
            area: household.household.area,
            values: vec![
                ("household_id", household_id.into()),
                ("case_id", case_id.into()),
            ],
            after: json!({
                "household_id": household_id,
                "case_id": case_id,
                "joined_existing": joined_existing,
            }),
        };
        record_decision(&tx, access, row, decision, now).await?;
        tx.commit().await?;
        Ok(Accepted {
            case_id,
            household_id,
            joined_existing,
        })
    }

    /// 不予受理 with the reason the applicant will read.
    pub async fn decline_self_report(
        &self,
        access: &Access,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<SelfReportRow> {
        let s = self.pending_report(access, id).await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::Invalid(
                "不予受理理由：请填写理由（不超过500字），申报人查询进度时可以看到".into(),
            ));
        }
        let decision = Decision {
            status: ReportStatus::Declined,
            action: "self_report_decline",
            area: AreaCode::parse(&s.row.area_code).map_err(|e| corrupt("区划", e))?,
            values: vec![("decline_reason", reason.into())],
            after: json!({ "reason": reason }),
        };
        let tx = self.begin_write().await?;
        record_decision(&tx, access, &s.row, decision, now).await?;
        tx.commit().await?;
        self.self_report(access, id, now).await
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
