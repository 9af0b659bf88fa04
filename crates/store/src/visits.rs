//! Visits (走访 / 敲门行动) and campaigns (集中排查, 大走访大排查, 回头看).
//!
//! A visit is recorded by a village cadre or a 帮扶 cadre on a household of
//! their area, in one transaction with its audit entry. A visit that found a
//! risk becomes a lead (channel 干部排查) through the case store in the same
//! transaction that links the case to the visit.
//!
//! A campaign's target list is drawn once, when it is created, by running
//! the domain's target rules over the households of its area, and kept in
//! `campaign_target`; progress per village is then one grouped query (targets
//! joined with the distinct households visited within the period).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fangpin_domain::policy::keys;
use fangpin_domain::visits::{
    CampaignForm, CampaignKind, Flag, NewVisit, Period, Phase, PhotoLimits, Progress, Subject,
    TargetSpec, VisitForm, VisitKind, display_name, parse_flags,
};
use fangpin_domain::workflow::Channel;
use fangpin_domain::{AreaCode, AreaLevel};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, LockType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{AuditEntry, commit_audited, record};
use crate::cases::{NewLead, china_day};
use crate::scope::{Keyed, Scope, under};
use crate::users::{Access, perm};
use crate::{Engine, HouseholdFilter, Result, Store, StoreError};

/// Rows per multi-row insert of target households (4 values each).
const TARGET_CHUNK: usize = 2_000;

/// A flag as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FlagView {
    pub code: &'static str,
    pub label: &'static str,
}

impl From<Flag> for FlagView {
    fn from(f: Flag) -> Self {
        FlagView {
            code: f.code(),
            label: f.label(),
        }
    }
}

/// A visit as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct VisitRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub visit_date: NaiveDate,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub visitor_id: Option<i64>,
    pub visitor_name: String,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub findings: String,
    pub flags: Vec<FlagView>,
    pub risk_found: bool,
    /// The case opened from this visit.
    pub case_id: Option<i64>,
    pub created_at: DateTime<FixedOffset>,
    /// Photos taken at the visit, oldest first (without their bytes).
    pub photos: Vec<PhotoMeta>,
}

/// A visit photo as lists show it (its bytes are read one by one, audited).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PhotoMeta {
    pub id: i64,
    pub visit_id: i64,
    /// image/jpeg, image/png or image/webp, told by the bytes.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// The name the file had when uploaded.
    pub file_name: String,
    pub uploaded_by_name: String,
    pub created_at: DateTime<FixedOffset>,
}

/// A photo to add, as uploaded.
#[derive(Clone, Debug)]
pub struct PhotoUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A photo to serve.
#[derive(Clone, Debug)]
pub struct PhotoFile {
    pub meta: PhotoMeta,
    pub bytes: Vec<u8>,
}

/// How many more photos a visit may take, and how large each may be.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct PhotoRoom {
    pub limits: PhotoLimits,
    /// Photos the visit has.
    pub existing: i64,
}

/// Filters of the visit list; every field narrows it.
#[derive(Clone, Debug, Default)]
pub struct VisitFilter {
    pub household_id: Option<i64>,
    pub area: Option<AreaCode>,
    pub visitor_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Only visits that found a risk and have not become a lead.
    pub risk_pending: bool,
    pub offset: u64,
    pub limit: u64,
}

/// A visit to record, as typed in.
#[derive(Clone, Debug)]
pub struct VisitInput {
    pub household_id: i64,
    pub form: VisitForm,
    pub campaign_id: Option<i64>,
}

/// A campaign as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub area_code: String,
    pub period: Period,
    pub targets: String,
    pub targets_label: String,
    pub drawn_on: NaiveDate,
    pub created_by_name: String,
    pub phase: Phase,
    pub phase_label: &'static str,
    /// Progress within the caller's area.
    pub progress: ProgressRow,
}

/// Progress of one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgressRow {
    pub area_code: String,
    pub area_name: String,
    pub target: u64,
    pub visited: u64,
    pub unvisited: u64,
    /// Unvisited targets while the period has ended or is ending.
    pub overdue: u64,
    /// Visited share, 0–100 with one decimal.
    pub percent: f64,
}

/// A campaign's progress under an area, one row per child area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CampaignProgress {
    pub campaign: CampaignRow,
    pub area_code: String,
    pub rows: Vec<ProgressRow>,
}

/// What 重新生成目标 changed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Redraw {
    /// Households that newly match.
    pub added: u64,
    /// Unvisited households that no longer match.
    pub removed: u64,
    /// Target households now.
    pub target_count: u64,
    /// The day the list was drawn again.
    pub drawn_on: NaiveDate,
}

/// A target household not yet visited within the period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PendingTarget {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    /// Titles of the rules that put it on the list.
    pub reasons: Vec<&'static str>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn not_found(what: &str, id: i64) -> StoreError {
    StoreError::NotFound(format!("{what}不存在：{id}"))
}

fn area_of(s: &str) -> Result<AreaCode> {
    AreaCode::parse(s.trim()).map_err(corrupt)
}

/// Who may record visits: village cadres and 帮扶 cadres.
fn require_visitor(access: &Access) -> Result<()> {
    if access.has(perm::CASE_VILLAGE) || access.has(perm::ASSIST_OWN) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "当前角色不能登记走访（村级或帮扶责任人）".into(),
        ))
    }
}

/// Who may create campaigns: township and county users.
fn require_organiser(access: &Access) -> Result<()> {
    access.require(perm::HOUSEHOLD_READ)?;
    let role = access.has(perm::CASE_TOWNSHIP)
        || access.has(perm::CASE_COUNTY)
        || access.has(perm::PARAM_MANAGE);
    if !role || access.area.level() > AreaLevel::Township {
        return Err(StoreError::Forbidden(
            "只有乡镇、县级用户可以组织集中排查".into(),
        ));
    }
    Ok(())
}

const VISIT_COLUMNS: [&str; 14] = [
    "id",
    "household_id",
    "area_code",
    "visit_date",
    "kind",
    "visitor_id",
    "visitor_name",
    "campaign_id",
    "findings",
    "flags",
    "risk_found",
    "case_id",
    "created_at",
    "visitor_role",
];

fn select_visits() -> SelectStatement {
    let mut q = Query::select();
    for c in &VISIT_COLUMNS {
        q.column(("v", *c));
    }
    q.column(("h", "household_no"))
        .column(("h", "head_name"))
        .expr_as(Expr::col(("c", "name")), "campaign_name")
        .from_as("visit", "v")
        .join_as(
            JoinType::InnerJoin,
            "household",
            "h",
            Expr::col(("h", "id")).equals(("v", "household_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "campaign",
            "c",
            Expr::col(("c", "id")).equals(("v", "campaign_id")),
        );
    q
}

fn visit_of(r: &QueryResult) -> Result<VisitRow> {
    let kind = VisitKind::parse(&r.try_get::<String>("", "kind")?).map_err(corrupt)?;
    let flags = parse_flags(&r.try_get::<String>("", "flags")?).map_err(corrupt)?;
    Ok(VisitRow {
        id: r.try_get("", "id")?,
        household_id: r.try_get("", "household_id")?,
        household_no: r.try_get("", "household_no")?,
        head_name: r.try_get("", "head_name")?,
        area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
        visit_date: r.try_get("", "visit_date")?,
        kind: kind.code(),
        kind_label: kind.label(),
        visitor_id: r.try_get("", "visitor_id")?,
        visitor_name: r.try_get("", "visitor_name")?,
        campaign_id: r.try_get("", "campaign_id")?,
        campaign_name: r.try_get("", "campaign_name")?,
        findings: r.try_get("", "findings")?,
        flags: flags.into_iter().map(FlagView::from).collect(),
        risk_found: r.try_get("", "risk_found")?,
        case_id: r.try_get("", "case_id")?,
        created_at: r.try_get("", "created_at")?,
        photos: Vec::new(),
    })
}

const PHOTO_COLUMNS: [&str; 8] = [
    "id",
    "visit_id",
    "content_type",
    "size",
    "sha256",
    "file_name",
    "uploaded_by_name",
    "created_at",
];

fn photo_of(r: &QueryResult) -> Result<PhotoMeta> {
    Ok(PhotoMeta {
        id: r.try_get("", "id")?,
        visit_id: r.try_get("", "visit_id")?,
        content_type: r.try_get("", "content_type")?,
        size: r.try_get("", "size")?,
        sha256: r.try_get::<String>("", "sha256")?.trim().to_owned(),
        file_name: r.try_get("", "file_name")?,
        uploaded_by_name: r.try_get("", "uploaded_by_name")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// Fills in the photos (without bytes) of the visits, one query.
async fn attach_photos<C: ConnectionTrait>(conn: &C, rows: &mut [VisitRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Query::select();
    q.columns(PHOTO_COLUMNS)
        .from("visit_photo")
        .and_where(Expr::col("visit_id").is_in(rows.iter().map(|r| r.id)))
        .order_by("id", Order::Asc);
    let mut by_visit: HashMap<i64, Vec<PhotoMeta>> = HashMap::new();
    for r in conn.query_all(&q).await? {
        let p = photo_of(&r)?;
        by_visit.entry(p.visit_id).or_default().push(p);
    }
    for row in rows {
        row.photos = by_visit.remove(&row.id).unwrap_or_default();
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A campaign as stored.
struct StoredCampaign {
    id: i64,
    name: String,
    kind: CampaignKind,
    area: AreaCode,
    period: Period,
    targets: TargetSpec,
    drawn_on: NaiveDate,
    created_by_name: String,
}

fn campaign_of(r: &QueryResult) -> Result<StoredCampaign> {
    Ok(StoredCampaign {
        id: r.try_get("", "id")?,
        name: r.try_get("", "name")?,
        kind: CampaignKind::parse(&r.try_get::<String>("", "kind")?).map_err(corrupt)?,
        area: area_of(&r.try_get::<String>("", "area_code")?)?,
        period: Period::new(
            r.try_get("", "period_from")?,
            r.try_get("", "period_until")?,
        )
        .map_err(corrupt)?,
        targets: TargetSpec::parse_stored(&r.try_get::<String>("", "targets")?).map_err(corrupt)?,
        drawn_on: r.try_get("", "drawn_on")?,
        created_by_name: r.try_get("", "created_by_name")?,
    })
}

impl Store {
    /// The household's village, 户编号 and 户主 when it is in the caller's
    /// area and the current registry (else not found).
    async fn household_brief<C: ConnectionTrait>(
        &self,
        conn: &C,
        access: &Access,
        id: i64,
    ) -> Result<(AreaCode, String, String)> {
        let mut q = Query::select();
        q.columns(["area_code", "household_no", "head_name"])
            .from("household")
            .and_where(Expr::col("id").eq(id))
            .and_where(access.scope()?.on(Keyed::household(None)))
            .and_where(Expr::col("current_size").gt(0));
        let r = conn
            .query_one(&q)
            .await?
            .ok_or_else(|| not_found("农户", id))?;
        Ok((
            area_of(&r.try_get::<String>("", "area_code")?)?,
            r.try_get("", "household_no")?,
            r.try_get("", "head_name")?,
        ))
    }

    async fn stored_campaign<C: ConnectionTrait>(
        &self,
        conn: &C,
        access: &Access,
        id: i64,
    ) -> Result<StoredCampaign> {
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from("campaign")
            .and_where(Expr::col("id").eq(id));
        let c = match conn.query_one(&q).await? {
            Some(r) => campaign_of(&r)?,
            None => return Err(not_found("集中排查", id)),
        };
        if !access.overlaps(&c.area) {
            return Err(not_found("集中排查", id));
        }
        Ok(c)
    }

    /// Records a visit on a household of the caller's area; one transaction
    /// with its audit entry. A campaign named must cover the household and
    /// the visit day must lie in its period.
    pub async fn record_visit(
        &self,
        access: &Access,
        input: VisitInput,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let tx = self.begin_write().await?;
        let (area, household_no, _) = self
            .household_brief(&tx, access, input.household_id)
            .await?;
        let v = &input
            .form
            .parse(china_day(now))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        if let Some(cid) = input.campaign_id {
            let c = self.stored_campaign(&tx, access, cid).await?;
            if !c.area.contains(&area) {
                return Err(StoreError::Invalid(format!(
                    "该户不在“{}”的排查范围内",
                    c.name
                )));
            }
            if !c.period.contains(v.date) {
                return Err(StoreError::Invalid(format!(
                    "走访日期（{}）不在“{}”的排查期限（{}至{}）内",
                    v.date, c.name, c.period.from, c.period.until
                )));
            }
        }
        let mut ins = Query::insert();
        ins.into_table("visit")
            .columns([
                "household_id",
                "area_code",
                "visit_date",
                "kind",
                "visitor_id",
                "visitor_name",
                "visitor_role",
                "campaign_id",
                "findings",
                "flags",
                "risk_found",
                "created_at",
            ])
            .values_panic([
                input.household_id.into(),
                area.as_string().into(),
                v.date.into(),
                v.kind.code().into(),
                access.user_id.into(),
                access.username.clone().into(),
                access.role.clone().into(),
                input.campaign_id.into(),
                v.findings.clone().into(),
                v.flag_codes().into(),
                v.risk_found.into(),
                now.fixed_offset().into(),
            ])
            .returning_col("id");
        let id = insert_id(&tx, &ins, "新走访记录").await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_record",
                entity: "visit",
                entity_key: Some(id.to_string()),
                area: Some(area),
                after: Some(json!({
                    "household_id": input.household_id,
                    "household_no": household_no,
                    "date": v.date,
                    "kind": v.kind.code(),
                    "flags": v.flag_codes(),
                    "risk_found": v.risk_found,
                    "campaign_id": input.campaign_id,
                })),
                note: Some(v.findings.clone()),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Visits in the caller's area, newest first: (total, page).
    pub async fn visits(&self, access: &Access, f: &VisitFilter) -> Result<(u64, Vec<VisitRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            q.and_where(scope.on(Keyed::rows("v")));
            if let Some(h) = f.household_id {
                q.and_where(Expr::col(("v", "household_id")).eq(h));
            }
            if let Some(u) = f.visitor_id {
                q.and_where(Expr::col(("v", "visitor_id")).eq(u));
            }
            if let Some(d) = f.from {
                q.and_where(Expr::col(("v", "visit_date")).gte(d));
            }
            if let Some(d) = f.until {
                q.and_where(Expr::col(("v", "visit_date")).lte(d));
            }
            if f.risk_pending {
                q.and_where(Expr::col(("v", "risk_found")).eq(true))
                    .and_where(Expr::col(("v", "case_id")).is_null());
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("visit", "v");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = select_visits();
        narrow(&mut q);
        q.order_by(("v", "visit_date"), Order::Desc)
            .order_by(("v", "id"), Order::Desc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let mut rows = self
            .db
            .query_all(&q)
            .await?
            .iter()
            .map(visit_of)
            .collect::<Result<Vec<_>>>()?;
        attach_photos(&self.db, &mut rows).await?;
        Ok((total as u64, rows))
    }

    /// One visit in the caller's area.
    pub async fn visit(&self, access: &Access, id: i64) -> Result<VisitRow> {
        self.visit_in(&self.db, access, id).await
    }

    async fn visit_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        access: &Access,
        id: i64,
    ) -> Result<VisitRow> {
        let mut q = select_visits();
        q.and_where(Expr::col(("v", "id")).eq(id))
            .and_where(access.scope()?.on(Keyed::rows("v")));
        let mut row = match conn.query_one(&q).await? {
            Some(r) => visit_of(&r)?,
            None => return Err(not_found("走访记录", id)),
        };
        attach_photos(conn, std::slice::from_mut(&mut row)).await?;
        Ok(row)
    }

    /// The photo limits of a visit in the caller's area, for a caller who
    /// may add photos, and how many it has (an upload can stop reading a
    /// request as soon as it exceeds them).
    pub async fn visit_photo_room(
        &self,
        access: &Access,
        visit_id: i64,
        now: DateTime<Utc>,
    ) -> Result<PhotoRoom> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let v = self.visit_in(&self.db, access, visit_id).await?;
        self.photo_room(&v, now).await
    }

    async fn photo_room(&self, v: &VisitRow, now: DateTime<Utc>) -> Result<PhotoRoom> {
        let policy = self.policy_set().await?;
        let limits = PhotoLimits::resolve(&policy, &area_of(&v.area_code)?, china_day(now).year())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(PhotoRoom {
            limits,
            existing: v.photos.len() as i64,
        })
    }

    /// Adds photos to a visit of the caller's area (村级 or 帮扶责任人): all
    /// of them or none. Each must be a JPEG, PNG or WebP image by its bytes
    /// and within the area's size limit, and the visit must not go over its
    /// number of photos. One transaction with its audit entry.
    pub async fn add_visit_photos(
        &self,
        access: &Access,
        visit_id: i64,
        photos: Vec<PhotoUpload>,
        now: DateTime<Utc>,
    ) -> Result<Vec<PhotoMeta>> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let tx = self.begin_write().await?;
        if self.engine == Engine::Postgres {
            // Two uploads to one visit cannot both pass the count.
            let mut q = Query::select();
            q.column("id")
                .from("visit")
                .and_where(Expr::col("id").eq(visit_id))
                .lock(LockType::Update);
            tx.query_one(&q).await?;
        }
        let v = self.visit_in(&tx, access, visit_id).await?;
        if photos.is_empty() {
            return Err(StoreError::Invalid("请选择要上传的照片".into()));
        }
        let room = self.photo_room(&v, now).await?;
        let invalid = |e: fangpin_domain::visits::VisitError| StoreError::Invalid(e.to_string());
        room.limits
            .check_count(room.existing, photos.len() as i64)
            .map_err(invalid)?;
        let mut checked = Vec::with_capacity(photos.len());
        for p in &photos {
            let kind = room.limits.check(&p.file_name, &p.bytes).map_err(invalid)?;
            checked.push((kind, display_name(&p.file_name), sha256_hex(&p.bytes)));
        }
        let mut added = Vec::with_capacity(photos.len());
        for (p, (kind, name, sha)) in photos.iter().zip(&checked) {
            let mut ins = Query::insert();
            ins.into_table("visit_photo")
                .columns([
                    "visit_id",
                    "area_code",
                    "content_type",
                    "size",
                    "sha256",
                    "file_name",
                    "data",
                    "uploaded_by",
                    "uploaded_by_name",
                    "created_at",
                ])
                .values_panic([
                    visit_id.into(),
                    v.area_code.clone().into(),
                    kind.mime().into(),
                    (p.bytes.len() as i64).into(),
                    sha.clone().into(),
                    name.clone().into(),
                    p.bytes.clone().into(),
                    access.user_id.into(),
                    access.username.clone().into(),
                    now.fixed_offset().into(),
                ])
                .returning_col("id");
            let id = insert_id(&tx, &ins, "新照片").await?;
            added.push(PhotoMeta {
                id,
                visit_id,
                content_type: kind.mime().to_owned(),
                size: p.bytes.len() as i64,
                sha256: sha.clone(),
                file_name: name.clone(),
                uploaded_by_name: access.username.clone(),
                created_at: now.fixed_offset(),
            });
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_photo_add",
                entity: "visit",
                entity_key: Some(visit_id.to_string()),
                area: Some(area_of(&v.area_code)?),
                after: Some(json!({
                    "household_no": v.household_no,
                    "photos": added.iter().map(|p| json!({
                        "id": p.id,
                        "content_type": p.content_type,
                        "size": p.size,
                        "sha256": p.sha256,
                        "file_name": p.file_name,
                    })).collect::<Vec<_>>(),
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(added)
    }

    /// One photo of a visit in the caller's area, with its bytes; each read
    /// is audited (photos show people and their homes).
    pub async fn visit_photo(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
    ) -> Result<PhotoFile> {
        access.require(perm::HOUSEHOLD_READ)?;
        let r = self
            .photo_in_scope(access, visit_id, photo_id, "data")
            .await?;
        let meta = photo_of(&r)?;
        let bytes: Vec<u8> = r.try_get("", "data")?;
        let area = area_of(&r.try_get::<String>("", "area_code")?)?;
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "visit_photo_read",
                entity: "visit_photo",
                entity_key: Some(photo_id.to_string()),
                area: Some(area),
                after: Some(json!({"visit_id": visit_id, "sha256": meta.sha256})),
                ..Default::default()
            },
        )
        .await?;
        Ok(PhotoFile { meta, bytes })
    }

    /// The row of a photo of `visit_id` in the caller's area, with its
    /// metadata, area and the column `extra`; outside the area it does not
    /// exist.
    async fn photo_in_scope(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
        extra: &'static str,
    ) -> Result<QueryResult> {
        // The photo is in scope when its visit is (a 帮扶责任人's pairings).
        self.visit_in(&self.db, access, visit_id).await?;
        let mut q = Query::select();
        q.columns(PHOTO_COLUMNS)
            .columns([extra, "area_code"])
            .from("visit_photo")
            .and_where(Expr::col("id").eq(photo_id))
            .and_where(Expr::col("visit_id").eq(visit_id));
        self.db
            .query_one(&q)
            .await?
            .ok_or_else(|| not_found("照片", photo_id))
    }

    /// Removes a photo its uploader attached by mistake (another household,
    /// a wrong picture), with a reason. The bytes go; the audit entry keeps
    /// what the photo was (type, size, SHA-256, file name) and the reason.
    pub async fn remove_visit_photo(
        &self,
        access: &Access,
        visit_id: i64,
        photo_id: i64,
        reason: &str,
    ) -> Result<()> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let r = self
            .photo_in_scope(access, visit_id, photo_id, "uploaded_by")
            .await?;
        let meta = photo_of(&r)?;
        let uploader: Option<i64> = r.try_get("", "uploaded_by")?;
        if uploader.is_none() || uploader != access.user_id {
            return Err(StoreError::Forbidden(format!(
                "只能删除本人上传的照片（此照片由{}上传）",
                meta.uploaded_by_name
            )));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("删除原因不能为空".into()));
        }
        if reason.chars().count() > 200 {
            return Err(StoreError::Invalid("删除原因不能超过200字".into()));
        }
        let area = area_of(&r.try_get::<String>("", "area_code")?)?;
        let tx = self.begin_write().await?;
        let mut del = Query::delete();
        del.from_table("visit_photo")
            .and_where(Expr::col("id").eq(photo_id));
        tx.execute(&del).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_photo_remove",
                entity: "visit_photo",
                entity_key: Some(photo_id.to_string()),
                area: Some(area),
                before: Some(json!({
                    "visit_id": visit_id,
                    "content_type": meta.content_type,
                    "size": meta.size,
                    "sha256": meta.sha256,
                    "file_name": meta.file_name,
                })),
                note: Some(reason.to_owned()),
                ..Default::default()
            },
        )
        .await
    }

    /// 转为风险线索: opens a case (channel 干部排查) from a visit, with its
    /// findings as the summary and its flags as evidence, and links the case
    /// to the visit — one transaction.
    pub async fn raise_lead_from_visit(
        &self,
        access: &Access,
        visit_id: i64,
        green_channel: bool,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_READ)?;
        if crate::cases::levels_of(access).is_empty() {
            return Err(StoreError::Forbidden(
                "当前角色不能登记风险线索（村级、乡镇或县级）".into(),
            ));
        }
        let tx = self.begin_write().await?;
        let v = self.visit_in(&tx, access, visit_id).await?;
        if let Some(case) = v.case_id {
            return Err(StoreError::Invalid(format!(
                "该走访已转为风险线索（案件编号{case}）"
            )));
        }
        let flags: Vec<&str> = v.flags.iter().map(|f| f.label).collect();
        let evidence = format!(
            "{}（{}，{}）{}",
            v.kind_label,
            v.visit_date,
            v.visitor_name,
            if flags.is_empty() {
                String::new()
            } else {
                format!("发现：{}", flags.join("、"))
            }
        );
        let case_id = self
            .open_lead_in(
                &tx,
                access,
                NewLead {
                    household_id: v.household_id,
                    channel: Channel::CadreVisit,
                    green_channel,
                    summary: v.findings.clone(),
                    reporter: Some(v.visitor_name.clone()),
                    evidence: Some(evidence),
                },
                now,
            )
            .await?;
        link_case(&tx, visit_id, case_id).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_lead",
                entity: "visit",
                entity_key: Some(visit_id.to_string()),
                area: Some(area_of(&v.area_code)?),
                after: Some(json!({"case_id": case_id})),
                ..Default::default()
            },
        )
        .await?;
        Ok(case_id)
    }

    /// Creates a campaign and draws its target list from the households of
    /// its area on `now`'s day; one transaction with its audit entry.
    pub async fn create_campaign(
        &self,
        access: &Access,
        form: &CampaignForm,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_organiser(access)?;
        let c = form
            .parse()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        if !access.covers(&c.area) {
            return Err(StoreError::NotFound(
                "区划不存在或不在您的管辖范围内".into(),
            ));
        }
        let today = china_day(now);
        let targets = if c.targets.is_all() {
            None
        } else {
            Some(
                self.draw_targets(access, &c.area, &c.targets, today)
                    .await?,
            )
        };
        let tx = self.begin_write().await?;
        let mut ins = Query::insert();
        ins.into_table("campaign")
            .columns([
                "name",
                "kind",
                "area_code",
                "period_from",
                "period_until",
                "targets",
                "drawn_on",
                "target_count",
                "created_by",
                "created_by_name",
                "created_at",
            ])
            .values_panic([
                c.name.clone().into(),
                c.kind.code().into(),
                c.area.as_string().into(),
                c.period.from.into(),
                c.period.until.into(),
                c.targets.code().into(),
                today.into(),
                0i64.into(),
                access.user_id.into(),
                access.username.clone().into(),
                now.fixed_offset().into(),
            ])
            .returning_col("id");
        let id = insert_id(&tx, &ins, "新集中排查").await?;
        let count = match targets {
            None => {
                let mut sel = Query::select();
                sel.expr(Expr::val(id))
                    .columns(["id", "area_code"])
                    .expr(Expr::val("all"))
                    .from("household")
                    .and_where(under("area_code", &c.area))
                    .and_where(Expr::col("current_size").gt(0));
                let mut q = Query::insert();
                q.into_table("campaign_target")
                    .columns(["campaign_id", "household_id", "area_code", "reasons"])
                    .select_from(sel)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                tx.execute(&q).await?.rows_affected()
            }
            Some(list) => insert_targets(&tx, id, &list).await?,
        };
        let mut upd = Query::update();
        upd.table("campaign")
            .value("target_count", count as i64)
            .and_where(Expr::col("id").eq(id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "campaign_create",
                entity: "campaign",
                entity_key: Some(id.to_string()),
                area: Some(c.area),
                after: Some(json!({
                    "name": c.name,
                    "kind": c.kind.code(),
                    "from": c.period.from,
                    "until": c.period.until,
                    "targets": c.targets.code(),
                    "target_count": count,
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// 重新生成目标: draws the campaign's rules again on `now`'s day.
    /// Households that newly match are added, targets already visited within
    /// the period stay whatever they match now, unvisited ones that no longer
    /// match are removed, and the rules each kept household matches are
    /// brought up to date; one transaction with its audit entry. Only the
    /// organisers of the campaign's area, and only until its last day.
    pub async fn redraw_campaign(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Redraw> {
        require_organiser(access)?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        if !access.covers(&c.area) {
            return Err(StoreError::Forbidden(format!(
                "“{}”由上级组织，不能在本辖区重新生成目标",
                c.name
            )));
        }
        let today = china_day(now);
        if today > c.period.until {
            return Err(StoreError::Invalid(format!(
                "“{}”已于{}结束，不能重新生成目标",
                c.name, c.period.until
            )));
        }
        let fresh = self
            .draw_targets(access, &c.area, &c.targets, today)
            .await?;
        let tx = self.begin_write().await?;
        let mut q = Query::select();
        q.columns(["household_id", "reasons"])
            .from("campaign_target")
            .and_where(Expr::col("campaign_id").eq(c.id));
        let mut current: HashMap<i64, String> = HashMap::new();
        for r in tx.query_all(&q).await? {
            current.insert(r.try_get("", "household_id")?, r.try_get("", "reasons")?);
        }
        let visited_sub = || {
            let mut v = Query::select();
            v.column("household_id")
                .from("visit")
                .and_where(Expr::col("visit_date").gte(c.period.from))
                .and_where(Expr::col("visit_date").lte(c.period.until))
                .and_where(under("area_code", &c.area));
            v
        };
        let mut visited: HashSet<i64> = HashSet::new();
        for r in tx.query_all(&visited_sub().distinct().to_owned()).await? {
            visited.insert(r.try_get("", "household_id")?);
        }
        let fresh_ids: HashSet<i64> = fresh.iter().map(|(h, _, _)| *h).collect();
        let added: Vec<(i64, AreaCode, String)> = fresh
            .iter()
            .filter(|(h, _, _)| !current.contains_key(h))
            .cloned()
            .collect();
        let gone: Vec<i64> = current
            .keys()
            .filter(|h| !fresh_ids.contains(h) && !visited.contains(h))
            .copied()
            .collect();
        let mut reworded: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for (h, _, reasons) in &fresh {
            if current.get(h).is_some_and(|old| old != reasons) {
                reworded.entry(reasons.as_str()).or_default().push(*h);
            }
        }
        let mut removed = 0;
        for chunk in gone.chunks(TARGET_CHUNK) {
            let mut del = Query::delete();
            del.from_table("campaign_target")
                .and_where(Expr::col("campaign_id").eq(c.id))
                .and_where(Expr::col("household_id").is_in(chunk.iter().copied()))
                // A visit recorded meanwhile keeps its household on the list.
                .and_where(Expr::col("household_id").not_in_subquery(visited_sub()));
            removed += tx.execute(&del).await?.rows_affected();
        }
        let added_n = insert_targets(&tx, c.id, &added).await?;
        for (reasons, ids) in &reworded {
            for chunk in ids.chunks(TARGET_CHUNK) {
                let mut upd = Query::update();
                upd.table("campaign_target")
                    .value("reasons", *reasons)
                    .and_where(Expr::col("campaign_id").eq(c.id))
                    .and_where(Expr::col("household_id").is_in(chunk.iter().copied()));
                tx.execute(&upd).await?;
            }
        }
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from("campaign_target")
            .and_where(Expr::col("campaign_id").eq(c.id));
        let total: i64 = match tx.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut before = Query::select();
        before
            .column("target_count")
            .from("campaign")
            .and_where(Expr::col("id").eq(c.id));
        let before_count: i64 = match tx.query_one(&before).await? {
            Some(r) => r.try_get("", "target_count")?,
            None => return Err(not_found("集中排查", id)),
        };
        let mut upd = Query::update();
        upd.table("campaign")
            .value("target_count", total)
            .value("drawn_on", today)
            .and_where(Expr::col("id").eq(c.id));
        tx.execute(&upd).await?;
        let result = Redraw {
            added: added_n,
            removed,
            target_count: total as u64,
            drawn_on: today,
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "campaign_redraw",
                entity: "campaign",
                entity_key: Some(c.id.to_string()),
                area: Some(c.area),
                before: Some(json!({
                    "target_count": before_count,
                    "drawn_on": c.drawn_on,
                })),
                after: Some(json!({
                    "target_count": total,
                    "drawn_on": today,
                    "added": added_n,
                    "removed": removed,
                    "targets": c.targets.code(),
                })),
                note: Some(format!("重新生成目标：新增{added_n}户，移出{removed}户")),
            },
        )
        .await?;
        Ok(result)
    }

    /// Households under the campaign's area that match its rules:
    /// (household, village, matched rule ids joined by commas).
    async fn draw_targets(
        &self,
        access: &Access,
        area: &AreaCode,
        targets: &TargetSpec,
        today: NaiveDate,
    ) -> Result<Vec<(i64, AreaCode, String)>> {
        if targets.is_all() {
            return self.all_households(area).await;
        }
        let policy = self.policy_set().await?;
        let warned = self.dept_warned(area).await?;
        let filter = HouseholdFilter {
            area: Some(*area),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .household_bundles_after(access, &filter, after, 2_000)
                .await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (id, b) in &page {
                let s = Subject::new(b, &policy, today, warned.contains(id))
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let m = targets.matched(&s);
                if !m.is_empty() {
                    out.push((*id, b.household.area, m.join(",")));
                }
            }
        }
        Ok(out)
    }

    /// Every household of the current registry under `area`, as targets of
    /// "全部农户".
    async fn all_households(&self, area: &AreaCode) -> Result<Vec<(i64, AreaCode, String)>> {
        let mut q = Query::select();
        q.columns(["id", "area_code"])
            .from("household")
            .and_where(under("area_code", area))
            .and_where(Expr::col("current_size").gt(0));
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("", "id")?,
                    area_of(&r.try_get::<String>("", "area_code")?)?,
                    "all".to_owned(),
                ))
            })
            .collect()
    }

    /// Households under `area` with a lead from department screening.
    async fn dept_warned(&self, area: &AreaCode) -> Result<HashSet<i64>> {
        let mut q = Query::select();
        q.distinct()
            .column("household_id")
            .from("case_file")
            .and_where(Expr::col("channel").eq(Channel::DeptWarning.code()))
            .and_where(under("area_code", area));
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| r.try_get("", "household_id").map_err(StoreError::from))
            .collect()
    }

    /// Campaigns whose area overlaps the caller's, newest period first, each
    /// with its progress within the caller's area.
    pub async fn campaigns(&self, access: &Access, now: DateTime<Utc>) -> Result<Vec<CampaignRow>> {
        let base = access.scope()?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from("campaign")
            .order_by("period_until", Order::Desc)
            .order_by("id", Order::Desc)
            .limit(200);
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let c = campaign_of(&r)?;
            if !access.overlaps(&c.area) {
                continue;
            }
            let scope = if access.covers(&c.area) {
                base.within(Some(&c.area))?
            } else {
                base.clone()
            };
            let by_village = self.village_progress(&c, &scope).await?;
            let total = by_village.values().fold(Progress::default(), |a, p| a + *p);
            let row = self.campaign_row(c, *scope.area(), total, now).await?;
            out.push(row);
        }
        Ok(out)
    }

    async fn campaign_row(
        &self,
        c: StoredCampaign,
        scope: AreaCode,
        total: Progress,
        now: DateTime<Utc>,
    ) -> Result<CampaignRow> {
        let policy = self.policy_set().await?;
        let today = china_day(now);
        let phase = phase_at(&policy, &c.period, &c.area, today);
        let names = self.area_names(&[scope]).await?;
        Ok(CampaignRow {
            id: c.id,
            kind: c.kind.code(),
            kind_label: c.kind.label(),
            area_code: c.area.as_string(),
            period: c.period,
            targets: c.targets.code(),
            targets_label: c.targets.label(),
            drawn_on: c.drawn_on,
            created_by_name: c.created_by_name,
            phase,
            phase_label: phase.label(),
            progress: progress_row(&scope, &names, total, phase),
            name: c.name,
        })
    }

    /// Target / visited per village under `scope` (one grouped query).
    async fn village_progress(
        &self,
        c: &StoredCampaign,
        scope: &Scope,
    ) -> Result<BTreeMap<AreaCode, Progress>> {
        let mut visited = Query::select();
        visited
            .distinct()
            .column("household_id")
            .from("visit")
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(scope.on(Keyed::bare()));
        let mut q = Query::select();
        q.column(("t", "area_code"))
            .expr_as(Expr::cust("COUNT(*)"), "target")
            .expr_as(Expr::cust("COUNT(vv.household_id)"), "visited")
            .from_as("campaign_target", "t")
            .join_subquery(
                JoinType::LeftJoin,
                visited,
                "vv",
                Expr::col(("vv", "household_id")).equals(("t", "household_id")),
            )
            .and_where(Expr::col(("t", "campaign_id")).eq(c.id))
            .and_where(scope.on(Keyed::rows("t")))
            .group_by_col(("t", "area_code"));
        let mut out = BTreeMap::new();
        for r in self.db.query_all(&q).await? {
            let area = area_of(&r.try_get::<String>("", "area_code")?)?;
            out.insert(
                area,
                Progress {
                    target: r.try_get::<i64>("", "target")? as u64,
                    visited: r.try_get::<i64>("", "visited")? as u64,
                },
            );
        }
        Ok(out)
    }

    async fn area_names(&self, codes: &[AreaCode]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let mut q = Query::select();
            q.columns(["code", "name"])
                .from("area")
                .and_where(Expr::col("code").is_in(chunk.iter().map(|c| c.as_string())));
            for r in self.db.query_all(&q).await? {
                out.insert(
                    r.try_get::<String>("", "code")?.trim().to_owned(),
                    r.try_get("", "name")?,
                );
            }
        }
        Ok(out)
    }

    /// A campaign's progress under `area` (the caller's area when `None`):
    /// one row per child area (per village under a township), with the
    /// overdue count judged by each row's own parameters.
    pub async fn campaign_progress(
        &self,
        access: &Access,
        id: i64,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<CampaignProgress> {
        let base = access.scope()?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        let scoped = base.within(Some(&area.unwrap_or(if access.covers(&c.area) {
            c.area
        } else {
            access.area
        })))?;
        let scope = *scoped.area();
        let by_village = self.village_progress(&c, &scoped).await?;
        let child_level = match scope.level() {
            AreaLevel::Village => AreaLevel::Village,
            l => AreaLevel::ALL[AreaLevel::ALL.iter().position(|x| *x == l).unwrap_or(3) + 1],
        };
        let mut by_child: BTreeMap<AreaCode, Progress> = BTreeMap::new();
        for (v, p) in &by_village {
            let key = v.at_level(child_level).unwrap_or(*v);
            let e = by_child.entry(key).or_default();
            *e = *e + *p;
        }
        let policy = self.policy_set().await?;
        let today = china_day(now);
        let codes: Vec<AreaCode> = by_child.keys().copied().collect();
        let names = self.area_names(&codes).await?;
        let rows = by_child
            .iter()
            .map(|(a, p)| {
                let phase = phase_at(&policy, &c.period, a, today);
                progress_row(a, &names, *p, phase)
            })
            .collect();
        let total = by_village.values().fold(Progress::default(), |a, p| a + *p);
        let campaign = self.campaign_row(c, scope, total, now).await?;
        Ok(CampaignProgress {
            campaign,
            area_code: scope.as_string(),
            rows,
        })
    }

    /// Target households under `area` not yet visited within the period, by 户编号.
    pub async fn campaign_pending(
        &self,
        access: &Access,
        id: i64,
        area: Option<AreaCode>,
        limit: u64,
    ) -> Result<Vec<PendingTarget>> {
        let scope = access.scope()?.within(area.as_ref())?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        let mut visited = Query::select();
        visited
            .column("household_id")
            .from("visit")
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(scope.on(Keyed::bare()));
        let mut q = Query::select();
        q.column(("t", "household_id"))
            .column(("t", "area_code"))
            .column(("t", "reasons"))
            .column(("h", "household_no"))
            .column(("h", "head_name"))
            .from_as("campaign_target", "t")
            .join_as(
                JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("t", "household_id")),
            )
            .and_where(Expr::col(("t", "campaign_id")).eq(c.id))
            .and_where(scope.on(Keyed::rows("t")))
            .and_where(Expr::col(("t", "household_id")).not_in_subquery(visited))
            .order_by(("h", "household_no"), Order::Asc)
            .limit(limit.clamp(1, 1000));
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let reasons: String = r.try_get("", "reasons")?;
            out.push(PendingTarget {
                household_id: r.try_get("", "household_id")?,
                household_no: r.try_get("", "household_no")?,
                head_name: r.try_get("", "head_name")?,
                area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                reasons: reasons
                    .split(',')
                    .filter_map(fangpin_domain::visits::target_rule)
                    .map(|r| r.label)
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Removes every visit and campaign (used by `demo --reset` on a demo
    /// database only), with an audit entry.
    pub async fn clear_visits(&self, actor: &crate::Actor) -> Result<()> {
        self.delete_all(
            actor,
            &["visit_photo", "visit", "campaign_target", "campaign"],
            "visit",
            "清空演示走访和集中排查",
        )
        .await
    }

    /// Deletes every row of `tables` (in order) in one transaction with one
    /// audit entry counting what went (demo resets only).
    pub(crate) async fn delete_all(
        &self,
        actor: &crate::Actor,
        tables: &[&str],
        entity: &'static str,
        note: &str,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let mut removed = serde_json::Map::new();
        for table in tables {
            let n = tx
                .execute_unprepared(&format!("DELETE FROM {table}"))
                .await?
                .rows_affected();
            removed.insert((*table).to_owned(), n.into());
        }
        record(
            &tx,
            actor,
            AuditEntry {
                action: "delete_all",
                entity,
                before: Some(removed.into()),
                note: Some(note.to_owned()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A visit of a bulk load (demo generation), by 户编号.
#[derive(Clone, Debug)]
pub struct BulkVisit {
    pub household_no: String,
    pub visit: NewVisit,
    pub visitor_name: String,
}

/// Rows per multi-row insert of visits (12 values each).
const VISIT_CHUNK: usize = 1_000;

impl Store {
    /// Writes many visits in one transaction with one audit entry; the
    /// households are found by 户编号 (an unknown one refuses the load).
    pub async fn insert_visits_bulk(
        &self,
        actor: &crate::Actor,
        visits: &[BulkVisit],
    ) -> Result<u64> {
        if visits.is_empty() {
            return Ok(0);
        }
        let tx = self.begin_write().await?;
        let mut ids: HashMap<String, (i64, String)> = HashMap::new();
        let nos: Vec<&str> = {
            let mut v: Vec<&str> = visits.iter().map(|v| v.household_no.as_str()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for chunk in nos.chunks(VISIT_CHUNK) {
            let mut q = Query::select();
            q.columns(["id", "household_no", "area_code"])
                .from("household")
                .and_where(Expr::col("household_no").is_in(chunk.iter().copied()));
            for r in tx.query_all(&q).await? {
                ids.insert(
                    r.try_get("", "household_no")?,
                    (
                        r.try_get("", "id")?,
                        r.try_get::<String>("", "area_code")?.trim().to_owned(),
                    ),
                );
            }
        }
        let now = Utc::now().fixed_offset();
        let mut n = 0;
        for chunk in visits.chunks(VISIT_CHUNK) {
            let mut q = Query::insert();
            q.into_table("visit").columns([
                "household_id",
                "area_code",
                "visit_date",
                "kind",
                "visitor_name",
                "visitor_role",
                "findings",
                "flags",
                "risk_found",
                "created_at",
            ]);
            for b in chunk {
                let (id, area) = ids.get(&b.household_no).ok_or_else(|| {
                    StoreError::Invalid(format!("户编号不存在：{}", b.household_no))
                })?;
                q.values_panic([
                    (*id).into(),
                    area.clone().into(),
                    b.visit.date.into(),
                    b.visit.kind.code().into(),
                    b.visitor_name.clone().into(),
                    actor.role.clone().into(),
                    b.visit.findings.clone().into(),
                    b.visit.flag_codes().into(),
                    b.visit.risk_found.into(),
                    now.into(),
                ]);
            }
            n += tx.execute(&q).await?.rows_affected();
        }
        record(
            &tx,
            actor,
            AuditEntry {
                action: "bulk_insert",
                entity: "visit",
                after: Some(json!({"visits": n, "households": nos.len()})),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Links the 集中排查 visits within a campaign's period and area that
    /// name no campaign to it (after a bulk load); returns how many.
    pub async fn link_sweep_visits(&self, actor: &crate::Actor, campaign_id: i64) -> Result<u64> {
        let tx = self.begin_write().await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from("campaign")
            .and_where(Expr::col("id").eq(campaign_id));
        let c = match tx.query_one(&q).await? {
            Some(r) => campaign_of(&r)?,
            None => return Err(not_found("集中排查", campaign_id)),
        };
        let mut upd = Query::update();
        upd.table("visit")
            .value("campaign_id", campaign_id)
            .and_where(Expr::col("campaign_id").is_null())
            .and_where(Expr::col("kind").eq(VisitKind::Sweep.code()))
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(under("area_code", &c.area));
        let n = tx.execute(&upd).await?.rows_affected();
        record(
            &tx,
            actor,
            AuditEntry {
                action: "visit_link_campaign",
                entity: "campaign",
                entity_key: Some(campaign_id.to_string()),
                area: Some(c.area),
                after: Some(json!({"visits": n})),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Where a campaign stands in `area` on `today`, with the area's warning days.
fn phase_at(
    policy: &fangpin_domain::PolicySet,
    period: &Period,
    area: &AreaCode,
    today: NaiveDate,
) -> Phase {
    let warn = policy
        .int_param(keys::CAMPAIGN_WARN_DAYS, area, today.year())
        .unwrap_or(7);
    Phase::of(period, today, warn)
}

fn progress_row(
    area: &AreaCode,
    names: &HashMap<String, String>,
    p: Progress,
    phase: Phase,
) -> ProgressRow {
    let code = area.as_string();
    ProgressRow {
        area_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
        area_code: code,
        target: p.target,
        visited: p.visited,
        unvisited: p.unvisited(),
        overdue: p.overdue(phase),
        percent: p.per_mille() as f64 / 10.0,
    }
}

async fn link_case(tx: &DatabaseTransaction, visit_id: i64, case_id: i64) -> Result<()> {
    let mut upd = Query::update();
    upd.table("visit")
        .value("case_id", case_id)
        .and_where(Expr::col("id").eq(visit_id))
        .and_where(Expr::col("case_id").is_null());
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "该走访已由他人转为风险线索，请刷新".into(),
        ));
    }
    Ok(())
}

async fn insert_targets(
    tx: &DatabaseTransaction,
    campaign: i64,
    list: &[(i64, AreaCode, String)],
) -> Result<u64> {
    let mut n = 0;
    for chunk in list.chunks(TARGET_CHUNK) {
        let mut q = Query::insert();
        q.into_table("campaign_target").columns([
            "campaign_id",
            "household_id",
            "area_code",
            "reasons",
        ]);
        for (hid, area, reasons) in chunk {
            q.values_panic([
                campaign.into(),
                (*hid).into(),
                area.as_string().into(),
                reasons.clone().into(),
            ]);
        }
        n += tx.execute(&q).await?.rows_affected();
    }
    Ok(n)
}

/// Runs an `INSERT … RETURNING id` and gives the new id.
async fn insert_id(
    tx: &DatabaseTransaction,
    ins: &sea_orm::sea_query::InsertStatement,
    what: &str,
) -> Result<i64> {
    Ok(tx
        .query_one(ins)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("{what}未返回编号")))?
        .try_get("", "id")?)
}
