//! Emptying a demo database before it is generated again (`demo --reset`).

use fangpin_store::audit::{AuditEntry, commit_audited};
use fangpin_store::{Actor, Result, Store, StoreError};
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

/// Removes every household with what hangs on it (members, incomes,
/// versions, funds, assistance, quality findings, self-reports) and the
/// areas, with an audit entry. A database whose monitoring ledger has entries
/// is refused: the ledger is insert-only, so such a county is regenerated in
/// a new database instead.
pub async fn clear_households(store: &Store, actor: &Actor) -> Result<()> {
    let ledger = store
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT COUNT(*) AS n FROM case_event",
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if ledger > 0 {
        return Err(StoreError::Invalid(
            "该演示库已有监测案件流转记录（只增不改），不能重置；请换一个新的数据库文件重新生成"
                .into(),
        ));
    }
    delete_all(
        store,
        actor,
        &[
            "loan_repayment",
            "loan_instalment",
            "micro_loan",
            "public_post",
            "industry_award",
            "employment",
            "assist_measure",
            "assist_plan",
            "assist_pairing",
            "assist_cadre",
            "quality_issue",
            "duplicate_candidate",
            "self_report",
            "case_file",
            "household_version",
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
