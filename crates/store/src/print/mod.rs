//! The printable documents of the monitoring workflow, read from the cases,
//! their ledger and the households: the 公示名单 of a village or township,
//! the 公告 of what the county approved in a period, the minutes of a
//! 村级民主评议 as recorded in the ledger, and the household's 明白卡.
//!
//! Each document is an area-scoped read (`household.read`; outside the
//! caller's area a household, case or area does not exist) and is recorded
//! in the audit log, because printed paper leaves the system. ID numbers
//! appear only masked; codes come with their labels so a printout needs no
//! further lookups.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fangpin_domain::codes::keys as code_keys;
use fangpin_domain::household::Household;
use fangpin_domain::monitor::workflow::{Action, CaseState, ReviewRecord, criteria_in_plain_words};
use fangpin_domain::policy::{NATIONAL_HOTLINE, keys};
use fangpin_domain::{AreaCode, AreaLevel, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::{Value, json};

use crate::assist::{MeasureRow, Pairing};
use crate::audit::AuditEntry;
use crate::calendar::china_day;
use crate::entity::{area, household};
use crate::households::household_of;
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

mod cards;
mod documents;

/// Most households one printout of 明白卡 may hold.
pub const MAX_CARDS: usize = 500;

/// Which procedure a 公示 or 公告 is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 识别纳入监测对象.
    Identification,
    /// 风险消除.
    Elimination,
}

impl DocumentKind {
    /// Parses `identification` or `elimination`.
    pub fn parse(code: &str) -> Result<DocumentKind> {
        match code.trim() {
            "identification" => Ok(DocumentKind::Identification),
            "elimination" => Ok(DocumentKind::Elimination),
            other => Err(StoreError::Invalid(format!(
                "文书类别无效：{other}（可选：identification 识别纳入、elimination 风险消除）"
            ))),
        }
    }

    /// The state of a case in this procedure's 村内公示.
    fn notice_state(self) -> CaseState {
        match self {
            DocumentKind::Identification => CaseState::Notice,
            DocumentKind::Elimination => CaseState::ElimNotice,
        }
    }

    /// The state a case reaches when the county approves it.
    fn approved_state(self) -> CaseState {
        match self {
            DocumentKind::Identification => CaseState::Approved,
            DocumentKind::Elimination => CaseState::Eliminated,
        }
    }

    /// Title of the 公示.
    pub fn notice_title(self) -> &'static str {
        match self {
            DocumentKind::Identification => "拟纳入监测对象公示",
            DocumentKind::Elimination => "拟风险消除公示",
        }
    }

    /// Title of the 公告.
    pub fn announcement_title(self) -> &'static str {
        match self {
            DocumentKind::Identification => "防止返贫监测对象识别纳入公告",
            DocumentKind::Elimination => "防止返贫监测对象风险消除公告",
        }
    }
}

/// The names of a place, from the county down.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PlaceNames {
    pub county: Option<String>,
    pub township: Option<String>,
    pub village: Option<String>,
}

/// The area a document is for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DocumentArea {
    pub code: String,
    pub name: String,
    /// `county`, `township`, `village` …
    pub level: crate::areas::NodeLevel,
    #[serde(flatten)]
    pub names: PlaceNames,
}

/// The household a document names, as printed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PrintedHousehold {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    /// Masked: first 6 and last 4 characters.
    pub head_id: String,
    pub area_code: String,
    #[serde(flatten)]
    pub names: PlaceNames,
    pub group_no: Option<u16>,
    /// 当前家庭人口数.
    pub members: u16,
    pub household_type_label: String,
    /// 监测对象类别: the household's, or on a case as suggested or decided there.
    pub category: Option<String>,
    pub category_label: Option<String>,
    pub risks: Vec<String>,
    pub risk_labels: Vec<String>,
}

/// One household on a 公示 or 公告.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ListedHousehold {
    pub case_id: i64,
    #[serde(flatten)]
    pub household: PrintedHousehold,
    /// 风险消除方式 (elimination only).
    pub method_label: Option<String>,
    /// 公示 period (公示名单 only).
    pub notice_from: Option<NaiveDate>,
    pub notice_until: Option<NaiveDate>,
    /// Day of 县级审定 (公告 only).
    pub approved_on: Option<NaiveDate>,
}

/// A 公示名单 or a 公告.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdList {
    pub kind: DocumentKind,
    pub title: &'static str,
    pub area: DocumentArea,
    /// The period of a 公告 (days of 县级审定, both included).
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Where to object or ask: the area's 监督电话.
    pub supervision_phone: String,
    pub hotline: &'static str,
    /// Day of printing (China).
    pub printed_on: NaiveDate,
    pub households: Vec<ListedHousehold>,
}

/// A review meeting recorded on a case, as the minutes list them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReviewRef {
    pub seq: i32,
    pub kind: DocumentKind,
    pub held_on: NaiveDate,
}

/// The 民主评议 minutes of one case.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReviewMinutes {
    pub case_id: i64,
    /// The ledger entry printed.
    pub seq: i32,
    pub kind: DocumentKind,
    pub title: String,
    #[serde(flatten)]
    pub household: PrintedHousehold,
    /// 风险消除方式 proposed (elimination only).
    pub method_label: Option<String>,
    /// The record as entered at the 评议 step.
    pub record: ReviewRecord,
    /// The meeting's conclusion in words.
    pub result: String,
    /// Who entered the record, and on which day.
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
    /// Every review of the case (an objection can lead to a second one).
    pub reviews: Vec<ReviewRef>,
    pub printed_on: NaiveDate,
}

/// An assistance measure on a 明白卡.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CardMeasure {
    pub category: String,
    /// 开发式 / 保障 / 兜底.
    pub kind: String,
    pub name: String,
    /// 实施中, 已完成 …
    pub status: String,
    pub target_risk: String,
    pub target_risk_label: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// 分.
    pub amount_fen: i64,
    pub note: String,
}

/// 监测户明白卡.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdCard {
    #[serde(flatten)]
    pub household: PrintedHousehold,
    pub risk_eliminated: Option<bool>,
    /// Day of the 公告 that made it a monitoring object, when a case records it.
    pub identified_on: Option<NaiveDate>,
    /// 识别监测时间 of the household record.
    pub identified_month: Option<YearMonth>,
    pub eliminated_month: Option<YearMonth>,
    pub measures: Vec<CardMeasure>,
    /// The current 帮扶责任人 (phone masked); none while nobody is named.
    pub assistance_cadre: Option<Pairing>,
    pub hotline: &'static str,
    pub supervision_phone: String,
    /// The elimination criteria in plain words.
    pub criteria: Vec<String>,
    pub printed_on: NaiveDate,
}

/// Code → label of the lists a printout needs.
struct Labels(HashMap<(&'static str, String), String>);

impl Labels {
    fn get(&self, list: &'static str, code: &str) -> String {
        self.0
            .get(&(list, code.to_owned()))
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    fn all(&self, list: &'static str, codes: &[String]) -> Vec<String> {
        codes.iter().map(|c| self.get(list, c)).collect()
    }

    /// The household `id` as printed, with the category and risks given.
    fn household(
        &self,
        id: i64,
        h: &Household,
        names: &HashMap<AreaCode, PlaceNames>,
        category: Option<String>,
        risks: Vec<String>,
    ) -> PrintedHousehold {
        PrintedHousehold {
            household_id: id,
            household_no: h.household_no.clone(),
            head_name: h.head_name.clone(),
            head_id: h.head_id.masked(),
            area_code: h.area.as_string(),
            names: names.get(&h.area).cloned().unwrap_or_default(),
            group_no: h.group_no,
            members: h.current_size,
            household_type_label: self.get(code_keys::HOUSEHOLD_TYPE, &h.household_type),
            category_label: category
                .as_deref()
                .map(|c| self.get(code_keys::MONITOR_CATEGORY, c)),
            category,
            risk_labels: self.all(code_keys::RISK_TYPE, &risks),
            risks,
        }
    }
}

fn risks_of(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rows of a case query: what a list needs from `case_file`.
struct CaseLine {
    case_id: i64,
    household_id: i64,
    category: Option<String>,
    risks: Vec<String>,
    notice_from: Option<NaiveDate>,
    notice_until: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
    approved_seq: i32,
}

impl Store {
    async fn labels(&self) -> Result<Labels> {
        let mut map = HashMap::new();
        for list in [
            code_keys::MONITOR_CATEGORY,
            code_keys::RISK_TYPE,
            code_keys::HOUSEHOLD_TYPE,
            code_keys::ELIMINATION_METHOD,
        ] {
            for (code, label) in self.code_items(list).await? {
                map.insert((list, code), label);
            }
        }
        Ok(Labels(map))
    }

    /// The names of the areas of `codes` and of their townships and county.
    async fn place_names(
        &self,
        codes: impl IntoIterator<Item = AreaCode>,
    ) -> Result<HashMap<AreaCode, PlaceNames>> {
        let codes: BTreeSet<AreaCode> = codes.into_iter().collect();
        let mut wanted = BTreeSet::new();
        for c in &codes {
            wanted.insert(c.as_string());
            for a in c.ancestors() {
                wanted.insert(a.as_string());
            }
        }
        let names: HashMap<String, String> = area::Entity::find()
            .filter(area::Column::Code.is_in(wanted))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.code.trim().to_owned(), m.name))
            .collect();
        let name_at = |c: &AreaCode, level: AreaLevel| {
            c.at_level(level)
                .and_then(|a| names.get(&a.as_string()).cloned())
        };
        Ok(codes
            .into_iter()
            .map(|c| {
                let n = PlaceNames {
                    county: name_at(&c, AreaLevel::County),
                    township: name_at(&c, AreaLevel::Township),
                    village: name_at(&c, AreaLevel::Village),
                };
                (c, n)
            })
            .collect())
    }

    /// The area a document is for: the caller's own when none is given;
    /// outside the caller's area, or not stored, it does not exist.
    async fn document_area(&self, access: &Access, area: Option<AreaCode>) -> Result<DocumentArea> {
        access.require(perm::HOUSEHOLD_READ)?;
        let code = area.unwrap_or(access.area);
        let missing = || StoreError::NotFound("区划不存在或不在您的管辖范围内".into());
        access.scope()?.within(Some(&code)).map_err(|_| missing())?;
        let row = self.area(&code).await?.ok_or_else(missing)?;
        let names = self
            .place_names([code])
            .await?
            .remove(&code)
            .unwrap_or_default();
        Ok(DocumentArea {
            code: code.as_string(),
            name: row.name,
            level: code.level().into(),
            names,
        })
    }

    /// Households by id, within the caller's area.
    async fn households_in_scope(
        &self,
        access: &Access,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, Household>> {
        let ids: BTreeSet<i64> = ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        household::Entity::find()
            .filter(household::Column::Id.is_in(ids))
            .filter(access.scope()?.on(Keyed::household(None)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Ok((m.id, household_of(&self.cipher, m)?)))
            .collect()
    }

    fn supervision_phone(
        &self,
        policy: &fangpin_domain::PolicySet,
        area: &AreaCode,
        year: i32,
    ) -> Result<String> {
        policy
            .text_param(keys::SUPERVISION_PHONE, area, year)
            .map(str::to_owned)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// Builds a 公示名单 or 公告 from case lines, ordered by village, group
    /// and 户编号.
    async fn household_list(
        &self,
        access: &Access,
        kind: DocumentKind,
        lines: Vec<CaseLine>,
    ) -> Result<Vec<ListedHousehold>> {
        let labels = self.labels().await?;
        let households = self
            .households_in_scope(access, lines.iter().map(|l| l.household_id))
            .await?;
        let methods = match kind {
            DocumentKind::Elimination => {
                self.proposed_methods(lines.iter().map(|l| (l.case_id, l.approved_seq)))
                    .await?
            }
            DocumentKind::Identification => HashMap::new(),
        };
        let names = self
            .place_names(households.values().map(|h| h.area))
            .await?;
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let Some(h) = households.get(&l.household_id) else {
                continue;
            };
            out.push(ListedHousehold {
                case_id: l.case_id,
                household: labels.household(l.household_id, h, &names, l.category, l.risks),
                method_label: methods
                    .get(&l.case_id)
                    .map(|m| labels.get(code_keys::ELIMINATION_METHOD, m)),
                notice_from: l.notice_from,
                notice_until: l.notice_until,
                approved_on: l.approved_on,
            });
        }
        let key = |l: &ListedHousehold| {
            let h = &l.household;
            (
                h.area_code.clone(),
                h.group_no,
                h.household_no.clone(),
                l.approved_on,
            )
        };
        out.sort_by_key(key);
        Ok(out)
    }

    /// The 风险消除方式 of the latest proposal before each (case, seq).
    async fn proposed_methods(
        &self,
        before: impl IntoIterator<Item = (i64, i32)>,
    ) -> Result<HashMap<i64, String>> {
        let before: HashMap<i64, i32> = before.into_iter().collect();
        if before.is_empty() {
            return Ok(HashMap::new());
        }
        let mut q = Query::select();
        q.columns(["case_id", "seq", "payload"])
            .from("case_event")
            .and_where(Expr::col("action").eq("propose_elimination"))
            .and_where(Expr::col("case_id").is_in(before.keys().copied().collect::<Vec<_>>()))
            .order_by("seq", Order::Asc);
        let mut out = HashMap::new();
        for r in self.db.query_all(&q).await? {
            let case_id: i64 = r.try_get("", "case_id")?;
            let seq: i32 = r.try_get("", "seq")?;
            if before
                .get(&case_id)
                .is_some_and(|limit| seq < *limit || *limit == 0)
            {
                let payload = ledger_payload(&r.try_get::<String>("", "payload")?)?;
                if let Some(m) = payload["action"]["method"].as_str() {
                    out.insert(case_id, m.to_owned());
                }
            }
        }
        Ok(out)
    }
}

/// Narrows a query to the caller's scope within `area`.
fn in_area(q: &mut SelectStatement, keyed: Keyed, access: &Access, area: &AreaCode) -> Result<()> {
    q.and_where(access.scope()?.within(Some(area))?.on(keyed));
    Ok(())
}

fn ledger_payload(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("办理记录无法解析：{e}")))
}
