//! Emptying a demo database before it is generated again (`demo --reset`).

use fangpin_store::audit::{AuditEntry, commit_audited};
use fangpin_store::{Actor, Result, Store};
use sea_orm::ConnectionTrait;

/// Removes every visit and campaign, with an audit entry.
pub async fn clear_visits(store: &Store, actor: &Actor) -> Result<()> {
    delete_all(
        store,
        actor,
        &["visit_photo", "visit", "campaign_target", "campaign"],
        "visit",
        "清空演示走访和集中排查",
    )
    .await
}

/// Removes every household, member and income record, and the areas, with
/// an audit entry.
pub async fn clear_households(store: &Store, actor: &Actor) -> Result<()> {
    delete_all(
        store,
        actor,
        &[
            "income_record",
            "person",
            "household",
            "village_group",
            "area",
        ],
        "household",
        "清空演示数据",
    )
    .await
}

/// Deletes every row of `tables` (in order) in one transaction with one
/// audit entry counting what went.
async fn delete_all(
    store: &Store,
    actor: &Actor,
    tables: &[&str],
    entity: &'static str,
    note: &str,
) -> Result<()> {
    let tx = store.begin_write().await?;
    let mut removed = serde_json::Map::new();
    for table in tables {
        let n = tx
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await?
            .rows_affected();
        removed.insert((*table).to_owned(), n.into());
    }
    commit_audited(
        tx,
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
    Ok(())
}
