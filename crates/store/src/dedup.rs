//! The duplicate review queue: a batch scan finds likely duplicate persons
//! (`fangpin_domain::dedup`), stores each pair once, and a person decides
//! whether the two records are the same person. Nothing is merged
//! automatically; decisions are audited and survive later scans.

use chrono::Utc;
use fangpin_domain::dedup::{DuplicateRule, PersonKey, find_near_duplicates};
use fangpin_domain::{AreaCode, IdNumber};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited, record};
use crate::scope::under;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// One side of a candidate pair, as reviewers see it (ID masked).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DuplicateSide {
    pub person_id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub name: String,
    /// The birth year only (a full date would unmask the ID number).
    pub birth_date: String,
    pub id_number: String,
    pub area_code: String,
    pub area_name: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DuplicateItem {
    pub id: i64,
    pub rule: String,
    pub rule_label: String,
    pub status: String,
    pub a: DuplicateSide,
    pub b: DuplicateSide,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub note: Option<String>,
}

/// Persons read per page by [`Store::scan_duplicates`].
const SCAN_PAGE: u64 = 20_000;

fn rule_of(code: &str) -> Option<DuplicateRule> {
    [
        DuplicateRule::SamePinyinAndBirth,
        DuplicateRule::NearIdNumber,
    ]
    .into_iter()
    .find(|r| r.code() == code)
}

impl Store {
    /// Scans the caller's area for likely duplicates and queues new pairs.
    /// Returns the number of pairs added.
    pub async fn scan_duplicates(&self, access: &Access) -> Result<u64> {
        let area = *access.scope()?.whole_area()?;
        // Read in keyset pages: a county's 360,000 persons as database rows
        // at once would hold several hundred MB for a moment.
        let mut people = Vec::new();
        let mut after = 0i64;
        loop {
            let mut q = Query::select();
            q.columns(["id", "area_code", "name", "birth_date", "id_enc"])
                .from("person")
                .and_where(under("area_code", &area))
                .and_where(Expr::col("id").gt(after))
                .order_by("id", Order::Asc)
                .limit(SCAN_PAGE);
            let rows = self.db.query_all(&q).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("", "id")?;
            for r in rows {
                let sealed: String = r.try_get("", "id_enc")?;
                let plain = self
                    .cipher
                    .open(&sealed)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let area: String = r.try_get("", "area_code")?;
                people.push(PersonKey {
                    person_id: r.try_get("", "id")?,
                    village: AreaCode::parse(area.trim())
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    name: r.try_get("", "name")?,
                    birth_date: r.try_get("", "birth_date")?,
                    id_number: IdNumber::parse(&plain)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                });
            }
        }
        let area_of: std::collections::HashMap<i64, AreaCode> =
            people.iter().map(|p| (p.person_id, p.village)).collect();
        let pairs = find_near_duplicates(&people);
        let now = Utc::now().fixed_offset();
        let tx = self.begin_write().await?;
        let mut added = 0;
        for chunk in pairs.chunks(2_000) {
            let mut ins = Query::insert();
            ins.into_table("duplicate_candidate")
                .columns([
                    "person_a", "person_b", "area_a", "area_b", "rule", "status", "found_at",
                ])
                .on_conflict(
                    OnConflict::columns(["person_a", "person_b", "rule"])
                        .do_nothing()
                        .to_owned(),
                );
            for p in chunk {
                ins.values_panic([
                    p.a.into(),
                    p.b.into(),
                    area_of[&p.a].as_string().into(),
                    area_of[&p.b].as_string().into(),
                    p.rule.code().into(),
                    "pending".into(),
                    now.into(),
                ]);
            }
            added += tx.execute(&ins).await?.rows_affected();
        }
        if added > 0 {
            record(
                &tx,
                &access.actor(),
                AuditEntry {
                    action: "scan_duplicates",
                    entity: "duplicate_candidate",
                    area: Some(access.area),
                    after: Some(
                        json!({"persons": people.len(), "pairs": pairs.len(), "added": added}),
                    ),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Candidate pairs whose two persons both lie in the caller's area.
    pub async fn duplicate_queue(
        &self,
        access: &Access,
        status: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<DuplicateItem>)> {
        self.query_duplicates(access, status, None, offset, limit)
            .await
    }

    async fn query_duplicates(
        &self,
        access: &Access,
        status: Option<&str>,
        only: Option<i64>,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<DuplicateItem>)> {
        let area = *access.scope()?.whole_area()?;
        let filter = |q: &mut sea_orm::sea_query::SelectStatement| {
            q.and_where(under(("d", "area_a"), &area))
                .and_where(under(("d", "area_b"), &area));
            if let Some(s) = status {
                q.and_where(Expr::col(("d", "status")).eq(s));
            }
            if let Some(id) = only {
                q.and_where(Expr::col(("d", "id")).eq(id));
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("duplicate_candidate", "d");
        filter(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = Query::select();
        q.columns([
            ("d", "id"),
            ("d", "person_a"),
            ("d", "person_b"),
            ("d", "rule"),
            ("d", "status"),
            ("d", "decided_by"),
            ("d", "decided_at"),
            ("d", "note"),
        ])
        .from_as("duplicate_candidate", "d")
        .order_by(("d", "id"), Order::Asc)
        .offset(offset)
        .limit(limit);
        filter(&mut q);
        let rows = self.db.query_all(&q).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let code: String = r.try_get("", "rule")?;
            let rule = rule_of(&code);
            items.push(DuplicateItem {
                id: r.try_get("", "id")?,
                rule_label: rule.map_or_else(|| code.clone(), |r| r.label().to_owned()),
                rule: code,
                status: r.try_get("", "status")?,
                a: self.duplicate_side(r.try_get("", "person_a")?).await?,
                b: self.duplicate_side(r.try_get("", "person_b")?).await?,
                decided_by: r.try_get("", "decided_by")?,
                decided_at: r.try_get("", "decided_at")?,
                note: r.try_get("", "note")?,
            });
        }
        Ok((total as u64, items))
    }

    async fn duplicate_side(&self, person_id: i64) -> Result<DuplicateSide> {
        let mut q = Query::select();
        q.expr_as(Expr::col(("p", "id")), "person_id")
            .expr_as(Expr::col(("p", "household_id")), "household_id")
            .expr_as(Expr::col(("h", "household_no")), "household_no")
            .expr_as(Expr::col(("p", "name")), "name")
            .expr_as(Expr::col(("p", "birth_date")), "birth_date")
            .expr_as(Expr::col(("p", "id_enc")), "id_enc")
            .expr_as(Expr::col(("p", "area_code")), "area_code")
            .expr_as(Expr::col(("a", "name")), "area_name")
            .from_as("person", "p")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("p", "household_id")),
            )
            .join_as(
                sea_orm::sea_query::JoinType::LeftJoin,
                "area",
                "a",
                Expr::col(("a", "code")).equals(("p", "area_code")),
            )
            .and_where(Expr::col(("p", "id")).eq(person_id));
        let r: QueryResult = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("人员不存在：{person_id}")))?;
        let sealed: String = r.try_get("", "id_enc")?;
        let id = IdNumber::parse(
            &self
                .cipher
                .open(&sealed)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let area: String = r.try_get("", "area_code")?;
        Ok(DuplicateSide {
            person_id: r.try_get("", "person_id")?,
            household_id: r.try_get("", "household_id")?,
            household_no: r.try_get("", "household_no")?,
            name: r.try_get("", "name")?,
            birth_date: fangpin_domain::masked_birth_date(r.try_get("", "birth_date")?),
            id_number: id.masked(),
            area_code: area.trim().to_owned(),
            area_name: r
                .try_get::<Option<String>>("", "area_name")?
                .unwrap_or_default(),
        })
    }

    /// Records a reviewer's decision on a pair: `same` (the same person,
    /// to be corrected by a member change) or `different`.
    pub async fn decide_duplicate(
        &self,
        access: &Access,
        id: i64,
        decision: &str,
        note: Option<&str>,
    ) -> Result<()> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        if decision != "same" && decision != "different" {
            return Err(StoreError::Invalid(format!(
                "审核结论无效：{decision}（应为 same 同一人 或 different 不同人）"
            )));
        }
        let (_, items) = self.query_duplicates(access, None, Some(id), 0, 1).await?;
        let item = items
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| StoreError::NotFound(format!("疑似重复记录不存在：{id}")))?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("duplicate_candidate")
            .value("status", decision)
            .value("decided_by", access.username.clone())
            .value("decided_at", Utc::now().fixed_offset())
            .value("note", note.map(str::to_owned))
            .and_where(Expr::col("id").eq(id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "decide_duplicate",
                entity: "duplicate_candidate",
                entity_key: Some(id.to_string()),
                area: AreaCode::parse(&item.a.area_code).ok(),
                before: Some(json!({"status": item.status})),
                after: Some(json!({"status": decision, "note": note})),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}
