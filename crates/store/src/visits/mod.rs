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
use fangpin_domain::monitor::workflow::Channel;
use fangpin_domain::policy::keys;
use fangpin_domain::visits::{
    CampaignForm, CampaignKind, Flag, Period, Phase, PhotoLimits, Progress, Subject, TargetSpec,
    VisitForm, VisitKind, display_name, parse_flags,
};
use fangpin_domain::{AreaCode, AreaLevel};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, LockType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{AuditEntry, commit_audited};
use crate::calendar::china_day;
use crate::monitor::NewLead;
use crate::scope::{Keyed, Scope, under};
use crate::users::{Access, perm};
use crate::{Engine, HouseholdFilter, Result, Store, StoreError};

mod campaigns;
mod photos;
mod record;
use campaigns::{StoredCampaign, campaign_of};
use photos::attach_photos;

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
}
