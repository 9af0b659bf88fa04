//! `fangpin demo --reset` on a database that already holds a demo county:
//! everything generated (households, funds, assistance, visits) goes and a
//! new county comes in its place; a county whose monitoring ledger has
//! entries is refused, with nothing removed.

use chrono::{TimeZone, Utc};
use fangpin_domain::AreaCode;
use fangpin_domain::monitor::workflow::Channel;
use fangpin_store::monitor::NewLead;
use fangpin_store::{Access, Store};
use sea_orm::{ConnectionTrait, Statement};

async fn scalar(store: &Store, sql: &str) -> i64 {
    let db = store.connection();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn count(store: &Store, table: &str) -> i64 {
    scalar(store, &format!("SELECT COUNT(*) AS n FROM {table}")).await
}

/// A demo county of `households`, on a store seeded like `fangpin demo` seeds it.
async fn demo(store: &Store, seed: u64, households: u32, reset: bool) -> anyhow::Result<()> {
    store.seed_reference().await?;
    fangpin_cli::demo::ensure_demo(store, seed, households, reset).await
}

async fn a_reset_replaces_the_generated_county(store: Store) {
    demo(&store, 7, 400, false).await.unwrap();
    assert_eq!(count(&store, "household").await, 400);
    assert!(
        count(&store, "micro_loan").await > 0,
        "the demo issues loans"
    );
    assert!(
        count(&store, "assist_pairing").await > 0,
        "and pairs cadres"
    );

    demo(&store, 8, 300, true).await.unwrap();
    assert_eq!(count(&store, "household").await, 300);
    assert!(count(&store, "micro_loan").await > 0);
    assert!(count(&store, "visit").await > 0);
}

async fn a_county_with_a_ledger_is_not_reset(store: Store) {
    demo(&store, 7, 300, false).await.unwrap();
    let hid = scalar(&store, "SELECT MIN(id) AS n FROM household").await;
    let system = Access::system(AreaCode::parse("500230").unwrap());
    store
        .open_lead(
            &system,
            NewLead {
                household_id: hid,
                channel: Channel::Hotline,
                green_channel: false,
                summary: "热线反映：户主住院".into(),
                reporter: None,
                evidence: None,
            },
            Utc.with_ymd_and_hms(2024, 9, 20, 2, 0, 0).unwrap(),
        )
        .await
        .unwrap();

    let err = demo(&store, 8, 200, true).await.unwrap_err();
    assert!(err.to_string().contains("不能重置"), "{err}");
    assert_eq!(count(&store, "household").await, 300, "nothing removed");
}

fangpin_store::dual_backend_tests!(
    a_reset_replaces_the_generated_county,
    a_county_with_a_ledger_is_not_reset,
);
