//! The append-only audit log: who did what, when, from where, to which
//! record, with the state before and after. Every write in the store records
//! an entry in the same transaction as the change; the database refuses to
//! update or delete entries (see migration `m20261123_000002_audit_log`), and
//! each entry is hash-chained to the one before it, so that changes made
//! around the application are found by `fangpin audit verify`
//! (see [`crate::audit_chain`]).

use chrono::{DateTime, FixedOffset, Utc};
use fangpin_domain::AreaCode;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult};
use serde::Serialize;
use serde_json::Value;

use crate::audit_chain::{self, ChainContent};
use crate::{Result, Store, StoreError};

/// Who performs an action.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub role: String,
    pub area: Option<AreaCode>,
    /// Client address of the request, when there is one.
    pub address: Option<String>,
}

impl Actor {
    /// An action of the system itself (seeding, demo generation, the CLI).
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            name: name.to_owned(),
            role: "系统".to_owned(),
            area: None,
            address: None,
        }
    }
}

/// One entry to record.
#[derive(Clone, Debug, Default)]
pub struct AuditEntry {
    /// create / update / delete / bulk_insert / read_sensitive / …
    pub action: &'static str,
    /// The kind of record: household, person, setting, policy_param, …
    pub entity: &'static str,
    pub entity_key: Option<String>,
    /// The household's area, for entries about household data.
    pub area: Option<AreaCode>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<String>,
}

/// A stored entry as read back.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<FixedOffset>,
    pub user_id: Option<i64>,
    pub actor: String,
    pub role: String,
    pub actor_area: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_key: Option<String>,
    pub area_code: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<String>,
}

/// Search criteria; every field narrows the result.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    /// Entries about households under this area.
    pub area: Option<AreaCode>,
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
}

fn json_text(v: Option<&Value>) -> Option<String> {
    v.map(std::string::ToString::to_string)
}

pub(crate) const AUDIT_COLUMNS: [&str; 13] = [
    "at",
    "user_id",
    "actor",
    "role",
    "actor_area",
    "address",
    "action",
    "entity",
    "entity_key",
    "area_code",
    "before",
    "after",
    "note",
];

/// The time an entry is stamped with, to the microsecond (what both engines
/// store exactly, so that the chain hash covers the stored value).
fn stamp() -> DateTime<FixedOffset> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros())
        .unwrap_or(now)
        .fixed_offset()
}

/// The stored content of an entry (its id is known once it is inserted).
fn content(actor: &Actor, entry: AuditEntry) -> (DateTime<FixedOffset>, ChainContent) {
    let at = stamp();
    let c = ChainContent {
        id: 0,
        at_micros: at.timestamp_micros(),
        user_id: actor.user_id,
        actor: actor.name.clone(),
        role: actor.role.clone(),
        actor_area: actor.area.map(fangpin_domain::AreaCode::as_string),
        address: actor.address.clone(),
        action: entry.action.to_owned(),
        entity: entry.entity.to_owned(),
        entity_key: entry.entity_key,
        area_code: entry.area.map(fangpin_domain::AreaCode::as_string),
        before: json_text(entry.before.as_ref()),
        after: json_text(entry.after.as_ref()),
        note: entry.note,
    };
    (at, c)
}

fn values_of(at: DateTime<FixedOffset>, c: &ChainContent) -> Vec<sea_orm::Value> {
    vec![
        at.into(),
        c.user_id.into(),
        c.actor.clone().into(),
        c.role.clone().into(),
        c.actor_area.clone().into(),
        c.address.clone().into(),
        c.action.clone().into(),
        c.entity.clone().into(),
        c.entity_key.clone().into(),
        c.area_code.clone().into(),
        c.before.clone().into(),
        c.after.clone().into(),
        c.note.clone().into(),
    ]
}

/// The row of an entry, in [`AUDIT_COLUMNS`] order.
pub(crate) fn audit_values(actor: &Actor, entry: AuditEntry) -> Vec<sea_orm::Value> {
    let (at, c) = content(actor, entry);
    values_of(at, &c)
}

/// Records `entry` in `tx`, the transaction of the change, and links it into
/// the audit chain (see [`crate::audit_chain`]): on SQLite here, on
/// PostgreSQL when `tx` commits.
pub(crate) async fn record(
    tx: &DatabaseTransaction,
    actor: &Actor,
    entry: AuditEntry,
) -> Result<()> {
    let (at, mut c) = content(actor, entry);
    let mut stmt = Query::insert();
    stmt.into_table("audit_log")
        .columns(AUDIT_COLUMNS)
        .values_panic(values_of(at, &c).into_iter().map(Into::into));
    match tx.get_database_backend() {
        DbBackend::Sqlite => {
            stmt.returning_col("id");
            let row = tx
                .query_one(&stmt)
                .await?
                .ok_or_else(|| StoreError::Corrupt("审计记录写入后没有编号".into()))?;
            c.id = row.try_get("", "id")?;
            audit_chain::append_sqlite(tx, &c).await
        }
        _ => {
            tx.execute(&stmt).await?;
            Ok(())
        }
    }
}

/// Records `entry` in the change's transaction and commits it: the usual last
/// step of a write, so that the change and its audit entry land together.
pub async fn commit_audited(
    tx: DatabaseTransaction,
    actor: &Actor,
    entry: AuditEntry,
) -> Result<()> {
    record(&tx, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

fn apply(q: &mut SelectStatement, f: &AuditFilter) {
    if let Some(a) = &f.actor {
        q.and_where(Expr::col("actor").eq(a.as_str()));
    }
    if let Some(a) = &f.action {
        q.and_where(Expr::col("action").eq(a.as_str()));
    }
    if let Some(e) = &f.entity {
        q.and_where(Expr::col("entity").eq(e.as_str()));
    }
    if let Some(k) = &f.entity_key {
        q.and_where(Expr::col("entity_key").eq(k.as_str()));
    }
    if let Some(area) = &f.area {
        q.and_where(crate::scope::under("area_code", area));
    }
    if let Some(from) = f.from {
        q.and_where(Expr::col("at").gte(from));
    }
    if let Some(to) = f.to {
        q.and_where(Expr::col("at").lt(to));
    }
}

fn parse_json(text: Option<String>) -> Result<Option<Value>> {
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| StoreError::Corrupt(format!("审计记录内容无法解析：{e}")))
    })
    .transpose()
}

fn record_of(r: QueryResult) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: r.try_get("", "id")?,
        at: r.try_get("", "at")?,
        user_id: r.try_get("", "user_id")?,
        actor: r.try_get("", "actor")?,
        role: r.try_get("", "role")?,
        actor_area: r.try_get("", "actor_area")?,
        address: r.try_get("", "address")?,
        action: r.try_get("", "action")?,
        entity: r.try_get("", "entity")?,
        entity_key: r.try_get("", "entity_key")?,
        area_code: r.try_get("", "area_code")?,
        before: parse_json(r.try_get("", "before")?)?,
        after: parse_json(r.try_get("", "after")?)?,
        note: r.try_get("", "note")?,
    })
}

impl Store {
    /// Records an entry on its own (for actions that change nothing else,
    /// such as a sensitive read).
    pub async fn audit(&self, actor: &Actor, entry: AuditEntry) -> Result<()> {
        let tx = self.begin_write().await?;
        commit_audited(tx, actor, entry).await
    }

    /// Entries matching `filter`, newest first: (total, page).
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<AuditRecord>)> {
        let mut count = Query::select();
        count.expr_as(Expr::cust("COUNT(*)"), "n").from("audit_log");
        apply(&mut count, filter);
        let total: i64 = self
            .db
            .query_one(&count)
            .await?
            .map(|r| r.try_get("", "n"))
            .transpose()?
            .unwrap_or(0);
        let mut q = Query::select();
        q.columns([
            "id",
            "at",
            "user_id",
            "actor",
            "role",
            "actor_area",
            "address",
            "action",
            "entity",
            "entity_key",
            "area_code",
            "before",
            "after",
            "note",
        ])
        .from("audit_log")
        .order_by("id", Order::Desc)
        .offset(offset)
        .limit(limit);
        apply(&mut q, filter);
        let rows = self.db.query_all(&q).await?;
        let items = rows
            .into_iter()
            .map(record_of)
            .collect::<Result<Vec<_>>>()?;
        Ok((total as u64, items))
    }

    /// [`Store::audit_search`] for a caller with `audit.read`. A reader
    /// without `household.read` (the system administrator) sees who did
    /// what to which record and when, but not the content of entries about
    /// households (those carrying a household's area, or about a kind of
    /// household record): their before, after and note are withheld, so the
    /// log does not become a way round the role's limits.
    pub async fn audit_search_for(
        &self,
        access: &crate::Access,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<AuditRecord>)> {
        use crate::users::perm;
        access.require(perm::AUDIT_READ)?;
        let (total, mut items) = self.audit_search(filter, offset, limit).await?;
        if !access.has(perm::HOUSEHOLD_READ) {
            const HOUSEHOLD_RECORDS: &[&str] = &[
                "household",
                "person",
                "income_record",
                "case",
                "visit",
                "visit_photo",
                "campaign",
                "assistance",
                "assist_measure",
                "assist_pairing",
                "assist_plan",
                "assist_cadre",
                "funds",
                "micro_loan",
                "loan_repayment",
                "public_post",
                "industry_award",
                "employment",
                "self_report",
                "duplicate_candidate",
                "quality_issue",
            ];
            for e in &mut items {
                if e.area_code.is_some() || HOUSEHOLD_RECORDS.contains(&e.entity.as_str()) {
                    e.before = None;
                    e.after = None;
                    // The key of a household entry is its 户编号 or a masked
                    // ID number: household data too.
                    e.entity_key = None;
                    e.note = Some("（涉及农户的内容，当前角色不可查看）".into());
                }
            }
        }
        Ok((total, items))
    }
}
