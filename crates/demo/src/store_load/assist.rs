//! The county's assistance: 帮扶干部, their pairings, plans and measures.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use fangpin_domain::AreaCode;
use fangpin_domain::assist::AssistBatch;
use fangpin_store::assist::{insert_cadre, insert_measure, insert_pairing};
use fangpin_store::audit::{AuditEntry, commit_audited};
use fangpin_store::users::perm;
use fangpin_store::{Access, Result, Store, StoreError};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Query;
use serde_json::json;

/// Writes generated assistance in one transaction: cadres, their pairings,
/// plans and measures, matched by 户编号 within the caller's area; one audit
/// entry. Returns how many rows were written.
pub async fn insert_assistance(
    store: &Store,
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
        for (no, d) in store
            .households_by_no(access, chunk.iter().copied())
            .await?
        {
            ids.insert(no, (d.id, d.household.area));
        }
    }
    let find = |no: &str| {
        ids.get(no)
            .copied()
            .ok_or_else(|| StoreError::NotFound(format!("户编号不存在：{no}")))
    };
    let at = now.fixed_offset();
    let tx = store.begin_write().await?;
    let mut written = 0u64;
    for c in &bulk.cadres {
        let cid = insert_cadre(&tx, &c.cadre, None, now).await?;
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
            .map_or(at, |t| t.and_utc().fixed_offset());
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
        insert_measure(&tx, hid, &area, m, "", access.user_id, now).await?;
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
