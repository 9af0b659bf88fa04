//! History of households: each change is a version (who, when, why) holding a
//! sealed snapshot of the household with its members and income records.
//! Reads "as of a date" pick the version in force then; diffs compare two
//! versions field by field, with ID numbers and phones masked.
//!
//! A household that never changed has no version rows: its current state is
//! its only version. The first change stores the state before it as
//! version 1 (in force since the household was created), then the new state.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryResult};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::entity::household;
use crate::households::HouseholdBundle;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// One version in a household's history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VersionInfo {
    pub version: i32,
    pub valid_from: DateTime<FixedOffset>,
    pub actor: String,
    pub role: String,
    pub reason: String,
    /// What changed compared with the previous version (empty for the first).
    pub changes: Vec<FieldChange>,
}

/// One changed field. `path` names it, e.g. `户.phone`,
/// `成员 张三（50023010120100001-01）.health` or `收入2024.wage`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldChange {
    pub path: String,
    pub before: Value,
    pub after: Value,
}

const SENSITIVE: [&str; 5] = [
    "head_id",
    "id_number",
    "phone",
    "collector_phone",
    "bank_account",
];

fn mask_value(key: &str, v: &Value) -> Value {
    if key == "birth_date" {
        return match v.as_str() {
            Some(s) => Value::String(fangpin_domain::masked_birth_text(s)),
            None => v.clone(),
        };
    }
    if !SENSITIVE.contains(&key) {
        return v.clone();
    }
    match v.as_str() {
        Some(s) => Value::String(match fangpin_domain::IdNumber::parse(s) {
            Ok(id) if id.as_str() == s => id.masked(),
            _ if s.chars().count() >= 8 => fangpin_domain::mask_phone(s),
            _ => "*".repeat(s.chars().count()),
        }),
        None => v.clone(),
    }
}

fn diff_objects(
    prefix: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    out: &mut Vec<FieldChange>,
) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (x, y) = (
            a.get(k).unwrap_or(&Value::Null),
            b.get(k).unwrap_or(&Value::Null),
        );
        if x == y {
            continue;
        }
        match (x, y) {
            (Value::Object(xa), Value::Object(ya)) => {
                diff_objects(&format!("{prefix}.{k}"), xa, ya, out);
            }
            _ => out.push(FieldChange {
                path: format!("{prefix}.{k}"),
                before: mask_value(k, x),
                after: mask_value(k, y),
            }),
        }
    }
}

/// Field-level differences between two states of a household.
pub fn diff_bundles(old: &HouseholdBundle, new: &HouseholdBundle) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let obj = |v: Value| v.as_object().cloned().unwrap_or_default();
    diff_objects(
        "户",
        &obj(serde_json::to_value(&old.household).unwrap_or_default()),
        &obj(serde_json::to_value(&new.household).unwrap_or_default()),
        &mut out,
    );
    let label =
        |p: &fangpin_domain::household::Person| format!("成员 {}（{}）", p.name, p.person_no);
    for p in &new.members {
        match old.members.iter().find(|o| o.person_no == p.person_no) {
            Some(o) => diff_objects(
                &label(p),
                &obj(serde_json::to_value(o).unwrap_or_default()),
                &obj(serde_json::to_value(p).unwrap_or_default()),
                &mut out,
            ),
            None => out.push(FieldChange {
                path: format!("{}（新增）", label(p)),
                before: Value::Null,
                after: Value::String(p.name.clone()),
            }),
        }
    }
    for o in &old.members {
        if !new.members.iter().any(|p| p.person_no == o.person_no) {
            out.push(FieldChange {
                path: format!("{}（减少）", label(o)),
                before: Value::String(o.name.clone()),
                after: Value::Null,
            });
        }
    }
    let mut years: Vec<i32> = old
        .incomes
        .iter()
        .chain(&new.incomes)
        .map(|i| i.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let a = old.incomes.iter().find(|i| i.year == y);
        let b = new.incomes.iter().find(|i| i.year == y);
        diff_objects(
            &format!("收入{y}"),
            &obj(a
                .map(|i| serde_json::to_value(i).unwrap_or_default())
                .unwrap_or_default()),
            &obj(b
                .map(|i| serde_json::to_value(i).unwrap_or_default())
                .unwrap_or_default()),
            &mut out,
        );
    }
    out
}

struct StoredVersion {
    version: i32,
    valid_from: DateTime<FixedOffset>,
    actor: String,
    role: String,
    reason: String,
    bundle: HouseholdBundle,
}

impl Store {
    /// Records a change of household `id` from `old` to `new`, inside the
    /// transaction of the change.
    pub(crate) async fn record_change<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: i64,
        old: &HouseholdBundle,
        new: &HouseholdBundle,
        access: &Access,
        reason: &str,
    ) -> Result<()> {
        let mut q = Query::select();
        q.expr_as(Expr::cust("COALESCE(MAX(version), 0)"), "v")
            .from("household_version")
            .and_where(Expr::col("household_id").eq(id));
        let last: i32 = match conn.query_one(&q).await? {
            Some(r) => r.try_get("", "v")?,
            None => 0,
        };
        let mut next = last + 1;
        if last == 0 {
            let created: Option<DateTime<FixedOffset>> = household::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(|h| h.created_at);
            let created =
                created.ok_or_else(|| StoreError::NotFound(format!("农户不存在：{id}")))?;
            self.insert_version(conn, id, old, 1, created, "（建档）", "", "初始登记")
                .await?;
            next = 2;
        }
        self.insert_version(
            conn,
            id,
            new,
            next,
            Utc::now().fixed_offset(),
            &access.username,
            &access.role,
            reason,
        )
        .await
    }

    /// Records the first version of a household created by an operation on
    /// others (分户), with who created it and why.
    pub(crate) async fn record_creation<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: i64,
        bundle: &HouseholdBundle,
        access: &Access,
        reason: &str,
    ) -> Result<()> {
        self.insert_version(
            conn,
            id,
            bundle,
            1,
            Utc::now().fixed_offset(),
            &access.username,
            &access.role,
            reason,
        )
        .await
    }

    // One row's columns, each from a different caller's context.
    #[allow(clippy::too_many_arguments)]
    async fn insert_version<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: i64,
        bundle: &HouseholdBundle,
        version: i32,
        valid_from: DateTime<FixedOffset>,
        actor: &str,
        role: &str,
        reason: &str,
    ) -> Result<()> {
        let json = serde_json::to_string(bundle)
            .map_err(|e| StoreError::Invalid(format!("无法保存历史版本：{e}")))?;
        let mut ins = Query::insert();
        ins.into_table("household_version")
            .columns([
                "household_id",
                "area_code",
                "version",
                "valid_from",
                "actor",
                "role",
                "reason",
                "snapshot_enc",
            ])
            .values_panic([
                id.into(),
                bundle.household.area.as_string().into(),
                version.into(),
                valid_from.into(),
                actor.into(),
                role.into(),
                reason.into(),
                self.cipher.seal(&json).into(),
            ]);
        conn.execute(&ins).await?;
        Ok(())
    }

    fn version_of(&self, r: &QueryResult) -> Result<StoredVersion> {
        let sealed: String = r.try_get("", "snapshot_enc")?;
        let json = self
            .cipher
            .open(&sealed)
            .map_err(|e| StoreError::Corrupt(format!("历史版本无法解密：{e}")))?;
        Ok(StoredVersion {
            version: r.try_get("", "version")?,
            valid_from: r.try_get("", "valid_from")?,
            actor: r.try_get("", "actor")?,
            role: r.try_get("", "role")?,
            reason: r.try_get("", "reason")?,
            bundle: serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("历史版本无法解析：{e}")))?,
        })
    }

    /// The stored versions of a household the caller may see; the read is
    /// audited as `what`.
    async fn versions(&self, access: &Access, id: i64, what: &str) -> Result<Vec<StoredVersion>> {
        // Reading the current state checks permission and scope.
        let current = self.household(access, id).await?;
        self.audit_household_read(access, &current.household, what)
            .await?;
        let mut q = Query::select();
        q.columns([
            "version",
            "valid_from",
            "actor",
            "role",
            "reason",
            "snapshot_enc",
        ])
        .from("household_version")
        .and_where(Expr::col("household_id").eq(id))
        .order_by("version", Order::Asc);
        let rows = self.db.query_all(&q).await?;
        let mut out: Vec<StoredVersion> = rows
            .iter()
            .map(|r| self.version_of(r))
            .collect::<Result<_>>()?;
        if out.is_empty() {
            let created = household::Entity::find_by_id(id)
                .one(&self.db)
                .await?
                .map(|h| h.created_at)
                .ok_or_else(|| StoreError::NotFound(format!("农户不存在：{id}")))?;
            out.push(StoredVersion {
                version: 1,
                valid_from: created,
                actor: "（建档）".into(),
                role: String::new(),
                reason: "初始登记".into(),
                bundle: HouseholdBundle {
                    household: current.household,
                    members: current.members,
                    incomes: current.incomes,
                },
            });
        }
        Ok(out)
    }

    /// Every version of a household with what changed in each.
    pub async fn household_history(&self, access: &Access, id: i64) -> Result<Vec<VersionInfo>> {
        access.require(perm::HOUSEHOLD_READ)?;
        let versions = self.versions(access, id, "查看农户历史版本").await?;
        let mut out = Vec::with_capacity(versions.len());
        for (i, v) in versions.iter().enumerate() {
            let changes = if i == 0 {
                vec![]
            } else {
                diff_bundles(&versions[i - 1].bundle, &v.bundle)
            };
            out.push(VersionInfo {
                version: v.version,
                valid_from: v.valid_from,
                actor: v.actor.clone(),
                role: v.role.clone(),
                reason: v.reason.clone(),
                changes,
            });
        }
        Ok(out)
    }

    /// The household as it was recorded at `at`: the version then in force.
    pub async fn household_as_of(
        &self,
        access: &Access,
        id: i64,
        at: DateTime<FixedOffset>,
    ) -> Result<(i32, HouseholdBundle)> {
        let versions = self
            .versions(
                access,
                id,
                &format!("查看农户某日档案（{}）", at.date_naive()),
            )
            .await?;
        versions
            .into_iter()
            .rev()
            .find(|v| v.valid_from <= at)
            .map(|v| (v.version, v.bundle))
            .ok_or_else(|| StoreError::NotFound(format!("农户 {id} 在该日期尚未建档")))
    }

    /// Field-level differences between two versions of a household.
    pub async fn household_diff(
        &self,
        access: &Access,
        id: i64,
        from: i32,
        to: i32,
    ) -> Result<Vec<FieldChange>> {
        let versions = self
            .versions(access, id, &format!("比较农户第{from}版与第{to}版"))
            .await?;
        let get = |v: i32| {
            versions
                .iter()
                .find(|x| x.version == v)
                .ok_or_else(|| StoreError::NotFound(format!("农户 {id} 没有第 {v} 版")))
        };
        Ok(diff_bundles(&get(from)?.bundle, &get(to)?.bundle))
    }
}
