//! The audit log's hash chain on both engines: a clean log verifies; an entry
//! edited, deleted or slipped in by the database owner (with the append-only
//! triggers out of the way) is named; many writers at once keep one chain;
//! entries written before the chain existed are chained by its migration.

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::audit_chain::ChainBreak;
use fangpin_store::{Access, Actor, AuditEntry, Engine, MasterKey, OpenOptions, Store};
use sea_orm::{ConnectionTrait, Statement};

fangpin_store::dual_backend_tests!(
    a_clean_log_verifies,
    an_edited_entry_is_named,
    a_deleted_entry_is_named,
    a_removed_link_leaves_a_hole,
    a_cut_tail_and_a_slipped_in_entry_are_found,
    concurrent_writers_keep_one_chain,
);

fn county() -> AreaCode {
    AreaCode::parse("500230").unwrap()
}

/// A small demo county plus a few single audited writes: entries of several
/// kinds, some with Chinese text, JSON before/after and NULLs.
async fn some_history(store: &Store) {
    store.seed_reference().await.unwrap();
    let actor = Actor::system("测试");
    let cfg = DemoConfig::fengdu(5, 6);
    let lay = layout(&cfg);
    store.insert_areas(&actor, &lay.areas).await.unwrap();
    store
        .insert_village_groups(&actor, &lay.groups)
        .await
        .unwrap();
    let bundles: Vec<_> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .insert_households(&Access::system(county()), "测试", &bundles)
        .await
        .unwrap();
    for i in 0..5 {
        store
            .audit(&reader(i), read_entry(i, "查看完整证件号"))
            .await
            .unwrap();
    }
}

fn reader(i: i64) -> Actor {
    Actor {
        user_id: Some(100 + i),
        name: format!("村级{i}"),
        role: "village_operator".into(),
        area: Some(AreaCode::parse("500230101201").unwrap()),
        address: Some("10.0.0.7".into()),
    }
}

fn read_entry(i: i64, note: &str) -> AuditEntry {
    AuditEntry {
        action: "read_sensitive",
        entity: "person",
        entity_key: Some(format!("{i}")),
        area: Some(AreaCode::parse("500230101201").unwrap()),
        before: None,
        after: Some(serde_json::json!({"字段": "证件号码", "i": i})),
        note: Some(note.into()),
    }
}

async fn entry_count(store: &Store) -> u64 {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_log",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as u64
}

/// The id, action and chain position of the `n`-th entry (1-based, id order).
async fn nth_entry(store: &Store, n: i64) -> (i64, String, i64) {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            format!(
                "SELECT l.id, l.action, c.seq FROM audit_log l \
                 JOIN audit_chain c ON c.entry_id = l.id ORDER BY l.id LIMIT 1 OFFSET {}",
                n - 1
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get("", "id").unwrap(),
        row.try_get("", "action").unwrap(),
        row.try_get("", "seq").unwrap(),
    )
}

/// Runs `sql` as the database owner would: with the append-only triggers of
/// the audit tables dropped (SQLite) or disabled (PostgreSQL).
async fn as_owner(store: &Store, sql: &str) {
    let conn = store.connection();
    let lift = match store.engine() {
        Engine::Sqlite => vec![
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
            "DROP TRIGGER IF EXISTS audit_chain_no_update",
            "DROP TRIGGER IF EXISTS audit_chain_no_delete",
            "DROP TRIGGER IF EXISTS audit_chain_head_forward",
        ],
        Engine::Postgres => vec![
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
            "ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_change",
            "ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_no_change",
        ],
    };
    for l in lift {
        conn.execute_unprepared(l).await.unwrap();
    }
    conn.execute_unprepared(sql).await.expect(sql);
}

async fn a_clean_log_verifies(store: Store) {
    let empty = store.verify_audit().await.unwrap();
    assert!(empty.is_ok(), "{:?}", empty.broken);
    some_history(&store).await;
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_ok(), "{}", report.broken.unwrap());
    let n = entry_count(&store).await;
    assert!(n >= 8, "a few entries were written: {n}");
    assert_eq!(report.entries, n, "every entry is in the chain");
    assert_eq!(report.head_seq as u64, n);
    assert_eq!(report.head_hash.len(), 64);
    assert_eq!(
        store.audit_chain_hash_at(report.head_seq).await.unwrap(),
        Some(report.head_hash.clone()),
        "the printed hash can be checked again later"
    );
    assert_eq!(
        store
            .audit_chain_hash_at(report.head_seq + 1)
            .await
            .unwrap(),
        None
    );
    // Writing more moves the head on; the earlier part is unchanged.
    store
        .audit(&reader(9), read_entry(9, "再次查看"))
        .await
        .unwrap();
    let later = store.verify_audit().await.unwrap();
    assert!(later.is_ok());
    assert_eq!(later.entries, n + 1);
    assert_ne!(later.head_hash, report.head_hash);
}

async fn an_edited_entry_is_named(store: Store) {
    some_history(&store).await;
    let (id, action, seq) = nth_entry(&store, 4).await;
    as_owner(
        &store,
        &format!("UPDATE audit_log SET note = '无' WHERE id = {id}"),
    )
    .await;
    let report = store.verify_audit().await.unwrap();
    match report.broken {
        Some(ChainBreak::Altered { seq: s, ref entry }) => {
            assert_eq!(
                (s, entry.id, entry.action.as_str()),
                (seq, id, action.as_str())
            );
            let text = report.broken.as_ref().unwrap().to_string();
            assert!(text.contains(&format!("编号 {id}")), "{text}");
            assert!(text.contains("被改动"), "{text}");
        }
        other => panic!("expected the edited entry {id} to be named, got {other:?}"),
    }
    assert_eq!(report.entries as i64, seq - 1, "the entries before it hold");

    // A second, earlier edit: the walk names the earliest break.
    let (id2, _, seq2) = nth_entry(&store, 2).await;
    as_owner(
        &store,
        &format!("UPDATE audit_log SET actor = '别人' WHERE id = {id2}"),
    )
    .await;
    let first = store.verify_audit().await.unwrap().broken.unwrap();
    assert!(
        matches!(first, ChainBreak::Altered { seq, ref entry } if seq == seq2 && entry.id == id2),
        "the earliest edit is reported first: {first:?}"
    );
}

async fn a_deleted_entry_is_named(store: Store) {
    some_history(&store).await;
    let (id, _, seq) = nth_entry(&store, 3).await;
    as_owner(&store, &format!("DELETE FROM audit_log WHERE id = {id}")).await;
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        report.broken,
        Some(ChainBreak::Deleted { seq, entry_id: id }),
        "{:?}",
        report.broken
    );
    assert!(report.broken.unwrap().to_string().contains("已被删除"));
}

async fn a_removed_link_leaves_a_hole(store: Store) {
    some_history(&store).await;
    // An entry removed together with its link leaves a hole in the sequence.
    let (before_id, _, _) = nth_entry(&store, 2).await;
    let (id, _, seq) = nth_entry(&store, 3).await;
    as_owner(
        &store,
        &format!(
            "DELETE FROM audit_log WHERE id = {id}; DELETE FROM audit_chain WHERE seq = {seq}"
        ),
    )
    .await;
    match store.verify_audit().await.unwrap().broken {
        Some(ChainBreak::Missing { seq: s, after }) => {
            assert_eq!(s, seq);
            assert_eq!(after.map(|e| e.id), Some(before_id));
        }
        other => panic!("expected position {seq} missing, got {other:?}"),
    }
}

async fn a_cut_tail_and_a_slipped_in_entry_are_found(store: Store) {
    some_history(&store).await;
    let n = entry_count(&store).await;
    // The last entries cut off, links and all: the head still counts them.
    let last = store.verify_audit().await.unwrap();
    let (last_id, _, last_seq) = nth_entry(&store, n as i64).await;
    as_owner(
        &store,
        &format!(
            "DELETE FROM audit_log WHERE id = {last_id}; DELETE FROM audit_chain WHERE seq = {last_seq}"
        ),
    )
    .await;
    match store.verify_audit().await.unwrap().broken {
        Some(ChainBreak::Truncated {
            head_seq,
            last_seq: l,
            ..
        }) => {
            assert_eq!((head_seq, l), (last.head_seq, last_seq - 1));
        }
        other => panic!("expected a cut tail, got {other:?}"),
    }
    // Put the head back to the cut chain, then slip an entry in with the
    // chaining trigger off (PostgreSQL) or around the store (SQLite).
    let (prev_hash, prev_seq) = {
        let row = store
            .connection()
            .query_one_raw(Statement::from_string(
                store.connection().get_database_backend(),
                "SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1",
            ))
            .await
            .unwrap()
            .unwrap();
        (
            row.try_get::<String>("", "hash").unwrap(),
            row.try_get::<i64>("", "seq").unwrap(),
        )
    };
    as_owner(
        &store,
        &format!("UPDATE audit_chain_head SET seq = {prev_seq}, hash = '{prev_hash}' WHERE id = 1"),
    )
    .await;
    assert!(store.verify_audit().await.unwrap().is_ok());
    if store.engine() == Engine::Postgres {
        as_owner(
            &store,
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain",
        )
        .await;
    }
    let now = match store.engine() {
        Engine::Sqlite => "'2024-10-08 09:00:00+08:00'",
        Engine::Postgres => "TIMESTAMPTZ '2024-10-08 09:00:00+08:00'",
    };
    as_owner(
        &store,
        &format!(
            "INSERT INTO audit_log (at, actor, role, action, entity, note) \
             VALUES ({now}, '伪造', '系统', 'delete', 'household', '补记')"
        ),
    )
    .await;
    match store.verify_audit().await.unwrap().broken {
        Some(ChainBreak::Unchained { entry }) => {
            assert_eq!(
                (entry.action.as_str(), entry.entity.as_str()),
                ("delete", "household")
            );
        }
        other => panic!("expected the slipped-in entry, got {other:?}"),
    }
}

async fn concurrent_writers_keep_one_chain(store: Store) {
    store.seed_reference().await.unwrap();
    let before = entry_count(&store).await;
    let writers = 8;
    let each = 15;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..each {
                if i % 3 == 0 {
                    // A change and its entry in one transaction.
                    store
                        .set_setting(&reader(w), &format!("test_writer_{w}"), &format!("{i}"))
                        .await
                        .unwrap();
                } else {
                    store
                        .audit(&reader(w), read_entry(w * 100 + i, "并发"))
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let written = entry_count(&store).await - before;
    assert_eq!(written, (writers * each) as u64, "no write was lost");
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_ok(), "{}", report.broken.unwrap());
    assert_eq!(report.entries, before + written);
}

/// A database written by the version before the chain: its entries are
/// chained by the migration and verify afterwards. Its own database, since
/// the test stops the migrations half way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_written_before_the_chain_are_chained_by_its_migration_sqlite() {
    let path =
        std::env::temp_dir().join(format!("fangpin_chain_upgrade_{}.db", std::process::id()));
    let url = format!("sqlite:{}", path.display());
    upgrade(&url, OpenOptions::default()).await;
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_written_before_the_chain_are_chained_by_its_migration_postgres() {
    let url = fangpin_store::testing::pg_url();
    let schema = format!("fp_chain_upgrade_{}", std::process::id());
    let key = MasterKey::generate().unwrap();
    let admin = Store::open(&url, &key)
        .await
        .expect("PostgreSQL 不可用；测试需要 PostgreSQL");
    admin
        .connection()
        .execute_unprepared(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .await
        .unwrap();
    upgrade(
        &url,
        OpenOptions {
            pg_schema: Some(schema.clone()),
            max_connections: Some(2),
        },
    )
    .await;
    admin
        .connection()
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}

async fn upgrade(url: &str, options: OpenOptions) {
    use sea_orm_migration::MigratorTrait;
    let key = MasterKey::generate().unwrap();
    let store = Store::open_with(url, &key, options).await.unwrap();
    // Up to the version before the chain.
    fangpin_store::migration::Migrator::up(store.connection(), Some(14))
        .await
        .unwrap();
    let backend = store.connection().get_database_backend();
    let at = match backend {
        sea_orm::DbBackend::Postgres => "TIMESTAMPTZ '2025-03-01 08:30:00.123456+08:00'",
        _ => "'2025-03-01 08:30:00.123456789+08:00'",
    };
    for i in 0..30 {
        store
            .connection()
            .execute_unprepared(&format!(
                "INSERT INTO audit_log (at, user_id, actor, role, actor_area, action, entity, \
                 entity_key, area_code, after, note) VALUES ({at}, {i}, '旧版本', 'county_admin', \
                 '500230000000', 'update', 'household', '{i}', '500230101201', \
                 '{{\"人均纯收入\":{i}}}', {})",
                if i % 2 == 0 {
                    "NULL".to_owned()
                } else {
                    "'备注'".to_owned()
                }
            ))
            .await
            .unwrap();
    }
    store.migrate().await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_ok(), "{}", report.broken.unwrap());
    // The 30 old entries and the key check value the first start records.
    assert_eq!(report.entries, 31);
    // New entries continue the same chain.
    store
        .audit(&reader(1), read_entry(1, "升级之后"))
        .await
        .unwrap();
    let after = store.verify_audit().await.unwrap();
    assert!(after.is_ok(), "{}", after.broken.unwrap());
    assert_eq!(after.entries, 32);
    store.close().await.unwrap();
}
