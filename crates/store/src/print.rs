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
use fangpin_domain::policy::{NATIONAL_HOTLINE, keys};
use fangpin_domain::workflow::{Action, CaseState, ReviewRecord, criteria_in_plain_words};
use fangpin_domain::{AreaCode, AreaLevel, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::{Value, json};

use crate::assist::{MeasureRow, Pairing};
use crate::audit::AuditEntry;
use crate::cases::china_day;
use crate::entity::{area, household};
use crate::households::household_of;
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

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
    pub level: &'static str,
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

fn level_name(level: AreaLevel) -> &'static str {
    crate::areas::level_str(level)
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
            level: level_name(code.level()),
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

    /// 公示名单: the households of an area whose case is in 村内公示 of
    /// `kind` (拟纳入监测对象 or 拟风险消除), for a village or a township.
    pub async fn print_notice(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        kind: DocumentKind,
        now: DateTime<Utc>,
    ) -> Result<HouseholdList> {
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if code.level() < AreaLevel::Township {
            return Err(StoreError::Invalid(
                "公示名单按村或乡镇打印，请选择乡镇或村".into(),
            ));
        }
        let today = china_day(now);
        let mut q = Query::select();
        q.columns([
            "id",
            "household_id",
            "category",
            "risks",
            "notice_from",
            "notice_until",
        ])
        .from("case_file")
        .and_where(Expr::col("state").eq(kind.notice_state().code()))
        .order_by("id", Order::Asc);
        in_area(&mut q, Keyed::bare(), access, &code)?;
        let mut lines = Vec::new();
        for r in self.db.query_all(&q).await? {
            lines.push(CaseLine {
                case_id: r.try_get("", "id")?,
                household_id: r.try_get("", "household_id")?,
                category: r.try_get("", "category")?,
                risks: risks_of(&r.try_get::<String>("", "risks")?),
                notice_from: r.try_get("", "notice_from")?,
                notice_until: r.try_get("", "notice_until")?,
                approved_on: None,
                approved_seq: 0,
            });
        }
        let households = self.household_list(access, kind, lines).await?;
        let policy = self.policy_set().await?;
        let doc = HouseholdList {
            kind,
            title: kind.notice_title(),
            supervision_phone: self.supervision_phone(&policy, &code, today.year())?,
            hotline: NATIONAL_HOTLINE,
            area: doc_area,
            from: None,
            until: None,
            printed_on: today,
            households,
        };
        self.audit_print(access, &doc, "notice").await?;
        Ok(doc)
    }

    /// 公告: the households whose case the county approved (纳入监测 or
    /// 风险消除) between `from` and `until`, both included.
    pub async fn print_announcement(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        kind: DocumentKind,
        from: NaiveDate,
        until: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<HouseholdList> {
        if from > until {
            return Err(StoreError::Invalid("起始日期不能晚于截止日期".into()));
        }
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let today = china_day(now);
        let mut q = Query::select();
        q.column(("e", "seq"))
            .column(("e", "on_day"))
            .column(("c", "id"))
            .column(("c", "household_id"))
            .column(("c", "category"))
            .column(("c", "risks"))
            .from_as("case_event", "e")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "case_file",
                "c",
                Expr::col(("c", "id")).equals(("e", "case_id")),
            )
            .and_where(Expr::col(("e", "action")).eq("approve"))
            .and_where(Expr::col(("e", "to_state")).eq(kind.approved_state().code()))
            .and_where(Expr::col(("e", "on_day")).gte(from))
            .and_where(Expr::col(("e", "on_day")).lte(until))
            .order_by(("e", "on_day"), Order::Asc);
        in_area(&mut q, Keyed::rows("c"), access, &code)?;
        let mut lines = Vec::new();
        for r in self.db.query_all(&q).await? {
            lines.push(CaseLine {
                case_id: r.try_get("", "id")?,
                household_id: r.try_get("", "household_id")?,
                category: r.try_get("", "category")?,
                risks: risks_of(&r.try_get::<String>("", "risks")?),
                notice_from: None,
                notice_until: None,
                approved_on: Some(r.try_get("", "on_day")?),
                approved_seq: r.try_get("", "seq")?,
            });
        }
        let households = self.household_list(access, kind, lines).await?;
        let policy = self.policy_set().await?;
        let doc = HouseholdList {
            kind,
            title: kind.announcement_title(),
            supervision_phone: self.supervision_phone(&policy, &code, today.year())?,
            hotline: NATIONAL_HOTLINE,
            area: doc_area,
            from: Some(from),
            until: Some(until),
            printed_on: today,
            households,
        };
        self.audit_print(access, &doc, "announcement").await?;
        Ok(doc)
    }

    async fn audit_print(
        &self,
        access: &Access,
        doc: &HouseholdList,
        document: &str,
    ) -> Result<()> {
        let nos: Vec<&str> = doc
            .households
            .iter()
            .map(|h| h.household.household_no.as_str())
            .collect();
        let after = json!({
            "document": document,
            "kind": doc.kind,
            "from": doc.from,
            "until": doc.until,
            "households": nos,
        });
        let note = format!("打印{}（{}，{}户）", doc.title, doc.area.name, nos.len());
        let area = AreaCode::parse(&doc.area.code).ok();
        self.audit_printout(access, ("case", None), area, after, note)
            .await
    }

    /// Records a printout: the entity and key it is about, the area, what
    /// was printed.
    async fn audit_printout(
        &self,
        access: &Access,
        (entity, entity_key): (&'static str, Option<String>),
        area: Option<AreaCode>,
        after: Value,
        note: String,
    ) -> Result<()> {
        let entry = AuditEntry {
            action: "print",
            entity,
            entity_key,
            area,
            after: Some(after),
            note: Some(note),
            ..Default::default()
        };
        self.audit(&access.actor(), entry).await
    }

    /// The 民主评议 minutes of a case: the review entry `seq` of its ledger,
    /// or the latest one.
    pub async fn print_minutes(
        &self,
        access: &Access,
        case_id: i64,
        seq: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<ReviewMinutes> {
        access.require(perm::HOUSEHOLD_READ)?;
        let mut q = Query::select();
        q.columns(["id", "household_id", "area_code", "category", "risks"])
            .from("case_file")
            .and_where(Expr::col("id").eq(case_id));
        in_area(&mut q, Keyed::bare(), access, &access.area)?;
        let case = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("案件不存在：{case_id}")))?;
        let household_id: i64 = case.try_get("", "household_id")?;
        let category: Option<String> = case.try_get("", "category")?;
        let risks = risks_of(&case.try_get::<String>("", "risks")?);

        let mut ev = Query::select();
        ev.columns(["seq", "on_day", "actor", "from_state", "payload"])
            .from("case_event")
            .and_where(Expr::col("case_id").eq(case_id))
            .and_where(Expr::col("action").eq("review"))
            .order_by("seq", Order::Asc);
        let mut reviews = Vec::new();
        for r in self.db.query_all(&ev).await? {
            let from: Option<String> = r.try_get("", "from_state")?;
            let kind = if from.as_deref() == Some(CaseState::ElimReviewing.code()) {
                DocumentKind::Elimination
            } else {
                DocumentKind::Identification
            };
            let payload = ledger_payload(&r.try_get::<String>("", "payload")?)?;
            let record = match serde_json::from_value::<Action>(payload["action"].clone()) {
                Ok(Action::Review(rec)) => rec,
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "案件{case_id}的评议记录无法解析"
                    )));
                }
            };
            let seq: i32 = r.try_get("", "seq")?;
            let on_day: NaiveDate = r.try_get("", "on_day")?;
            let actor: String = r.try_get("", "actor")?;
            reviews.push((seq, kind, record, actor, on_day));
        }
        if reviews.is_empty() {
            return Err(StoreError::Invalid(
                "该案件尚未进行村级民主评议，没有可打印的评议记录".into(),
            ));
        }
        let refs: Vec<ReviewRef> = reviews
            .iter()
            .map(|(seq, kind, rec, _, _)| ReviewRef {
                seq: *seq,
                kind: *kind,
                held_on: rec.held_on,
            })
            .collect();
        let picked = match seq {
            None => reviews.pop(),
            Some(s) => reviews.into_iter().find(|(q, ..)| *q == s),
        };
        let (seq, kind, record, recorded_by, recorded_on) = picked.ok_or_else(|| {
            StoreError::NotFound(format!("案件{case_id}没有第{}条评议记录", seq.unwrap_or(0)))
        })?;
        let h = self.household(access, household_id).await?.household;
        let labels = self.labels().await?;
        let names = self.place_names([h.area]).await?;
        let household = labels.household(household_id, &h, &names, category, risks);
        let method_label = match kind {
            DocumentKind::Elimination => self
                .proposed_methods([(case_id, seq)])
                .await?
                .remove(&case_id)
                .map(|m| labels.get(code_keys::ELIMINATION_METHOD, &m)),
            DocumentKind::Identification => None,
        };
        let subject = match kind {
            DocumentKind::Identification => "防止返贫监测对象识别纳入",
            DocumentKind::Elimination => "防止返贫监测对象风险消除",
        };
        let result = match (kind, record.passed) {
            (DocumentKind::Identification, true) => "同意纳入监测对象，进入村内公示",
            (DocumentKind::Identification, false) => "不同意纳入监测对象",
            (DocumentKind::Elimination, true) => "同意标注风险消除，进入村内公示",
            (DocumentKind::Elimination, false) => "不同意风险消除，继续监测帮扶",
        };
        let doc = ReviewMinutes {
            case_id,
            seq,
            kind,
            title: format!(
                "{}{}村级民主评议会议记录",
                household.names.village.as_deref().unwrap_or_default(),
                subject
            ),
            household,
            method_label,
            result: result.to_owned(),
            record,
            recorded_by,
            recorded_on,
            reviews: refs,
            printed_on: china_day(now),
        };
        let after = json!({"document": "minutes", "seq": seq, "household_no": h.household_no});
        let key = ("case", Some(case_id.to_string()));
        self.audit_printout(access, key, Some(h.area), after, "打印民主评议记录".into())
            .await?;
        Ok(doc)
    }

    /// The 明白卡 of one monitored household.
    pub async fn print_card(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdCard> {
        let h = self.household(access, household_id).await?.household;
        if h.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，没有监测户明白卡".into(),
            ));
        }
        let mut cards = self.cards_of(vec![(household_id, h)], now).await?;
        let card = cards
            .pop()
            .ok_or_else(|| StoreError::Corrupt("明白卡生成失败".into()))?;
        let h = &card.household;
        let key = ("household", Some(h.household_no.clone()));
        let area = AreaCode::parse(&h.area_code).ok();
        let note = "打印监测户明白卡".to_owned();
        self.audit_printout(access, key, area, json!({"document": "card"}), note)
            .await?;
        Ok(card)
    }

    /// The 明白卡 of every household of an area that is monitored with its
    /// risk not eliminated (at most [`MAX_CARDS`]).
    pub async fn print_cards(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<(DocumentArea, Vec<HouseholdCard>)> {
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rows = household::Entity::find()
            .filter(
                access
                    .scope()?
                    .within(Some(&code))?
                    .on(Keyed::household(None)),
            )
            .filter(crate::households::in_registry())
            .filter(household::Column::MonitorCategory.is_not_null())
            .filter(
                household::Column::RiskEliminated
                    .eq(false)
                    .or(household::Column::RiskEliminated.is_null()),
            )
            .order_by_asc(household::Column::AreaCode)
            .order_by_asc(household::Column::GroupNo)
            .order_by_asc(household::Column::HouseholdNo)
            .all(&self.db)
            .await?;
        if rows.len() > MAX_CARDS {
            return Err(StoreError::Invalid(format!(
                "{}共有{}户监测对象，明白卡一次最多打印{MAX_CARDS}户，请选择下级区划",
                doc_area.name,
                rows.len()
            )));
        }
        let households = rows
            .into_iter()
            .map(|m| Ok((m.id, household_of(&self.cipher, m)?)))
            .collect::<Result<Vec<_>>>()?;
        let cards = self.cards_of(households, now).await?;
        let nos: Vec<&str> = cards
            .iter()
            .map(|c| c.household.household_no.as_str())
            .collect();
        let note = format!("打印监测户明白卡（{}，{}户）", doc_area.name, nos.len());
        let after = json!({"document": "cards", "households": nos});
        self.audit_printout(access, ("household", None), Some(code), after, note)
            .await?;
        Ok((doc_area, cards))
    }

    async fn cards_of(
        &self,
        households: Vec<(i64, Household)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<HouseholdCard>> {
        let today = china_day(now);
        let year = today.year();
        let ids: Vec<i64> = households.iter().map(|(id, _)| *id).collect();
        let labels = self.labels().await?;
        let policy = self.policy_set().await?;
        let names = self
            .place_names(households.iter().map(|(_, h)| h.area))
            .await?;
        let mut measures = self.measures_of(&ids).await?;
        let mut responsible = self.current_pairings(&ids).await?;
        let mut identified: HashMap<i64, NaiveDate> = HashMap::new();
        // Bounded batches keep both engines under their bind-parameter limits.
        for chunk in ids.chunks(MAX_CARDS) {
            let mut c = Query::select();
            c.columns(["household_id", "identified_on"])
                .from("case_file")
                .and_where(Expr::col("household_id").is_in(chunk.to_vec()))
                .and_where(Expr::col("identified_on").is_not_null())
                .order_by("id", Order::Asc);
            for r in self.db.query_all(&c).await? {
                identified.insert(
                    r.try_get("", "household_id")?,
                    r.try_get("", "identified_on")?,
                );
            }
        }
        let mut out = Vec::with_capacity(households.len());
        for (id, h) in households {
            let min_months = policy
                .int_param(keys::ELIMINATION_MIN_MONTHS, &h.area, year)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let household =
                labels.household(id, &h, &names, h.monitor_category.clone(), h.risks.clone());
            out.push(HouseholdCard {
                household,
                risk_eliminated: h.risk_eliminated,
                identified_on: identified.get(&id).copied(),
                identified_month: h.identified_month,
                eliminated_month: h.eliminated_month,
                measures: measures
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| card_measure(m, &labels))
                    .collect(),
                assistance_cadre: responsible.remove(&id),
                hotline: NATIONAL_HOTLINE,
                supervision_phone: self.supervision_phone(&policy, &h.area, year)?,
                criteria: criteria_in_plain_words(min_months),
                printed_on: today,
            });
        }
        Ok(out)
    }
}

/// Narrows a query to the caller's scope within `area`.
fn in_area(q: &mut SelectStatement, keyed: Keyed, access: &Access, area: &AreaCode) -> Result<()> {
    q.and_where(access.scope()?.within(Some(area))?.on(keyed));
    Ok(())
}

fn card_measure(m: MeasureRow, labels: &Labels) -> CardMeasure {
    let x = m.measure;
    CardMeasure {
        category: m.category_label.to_owned(),
        kind: x.kind.label().to_owned(),
        name: x.name,
        status: m.status_label.to_owned(),
        target_risk_label: labels.get(code_keys::RISK_TYPE, &x.target_risk),
        target_risk: x.target_risk,
        started_on: x.started_on,
        ended_on: x.ended_on,
        amount_fen: x.amount.fen(),
        note: m.note,
    }
}

fn ledger_payload(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("办理记录无法解析：{e}")))
}
