//! Backup and restore on both engines: a backup taken while writers keep
//! writing restores to a consistent database (its audit chain verifies); a
//! backup of a demo county restores with the same rows in every table and the
//! same households, read back through the key; a restore refuses a database
//! that holds data unless forced, and refuses a key that is not the
//! database's.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::backup::{RestoreOptions, backup, restore};
use fangpin_store::{
    Access, Actor, AuditEntry, AuditFilter, MasterKey, OpenOptions, Store, StoreError,
};
use sea_orm::ConnectionTrait;

/// A database of one engine made for this test, and where restores go.
struct Place {
    url: String,
    schema: Option<String>,
    /// Files or databases to remove afterwards.
    files: Vec<PathBuf>,
    databases: Vec<String>,
    admin: Option<Store>,
}

fn unique(tag: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!(
        "{tag}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl Place {
    fn sqlite() -> Place {
        let path = std::env::temp_dir().join(format!("fangpin_{}.db", unique("backup_src")));
        Place {
            url: format!("sqlite:{}", path.display()),
            schema: None,
            files: vec![path],
            databases: vec![],
            admin: None,
        }
    }

    async fn postgres() -> Place {
        let url = fangpin_store::testing::pg_url();
        let schema = unique("fp_backup");
        let admin = Store::open_with(
            &url,
            &MasterKey::generate().unwrap(),
            OpenOptions {
                max_connections: Some(1),
                ..Default::default()
            },
        )
        .await
        .expect("PostgreSQL 不可用；测试需要 PostgreSQL");
        admin
            .connection()
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .unwrap();
        Place {
            url,
            schema: Some(schema),
            files: vec![],
            databases: vec![],
            admin: Some(admin),
        }
    }

    fn options(&self) -> OpenOptions {
        OpenOptions {
            pg_schema: self.schema.clone(),
            max_connections: Some(4),
        }
    }

    /// A new, absent (SQLite) or empty (PostgreSQL) database to restore into.
    async fn target(&mut self) -> String {
        match &self.admin {
            None => {
                let path = std::env::temp_dir().join(format!("fangpin_{}.db", unique("restored")));
                self.files.push(path.clone());
                format!("sqlite:{}", path.display())
            }
            Some(admin) => {
                let name = unique("fp_restored");
                admin
                    .connection()
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                self.databases.push(name.clone());
                let base = self.url.rsplit_once('/').unwrap().0;
                format!("{base}/{name}")
            }
        }
    }

    fn backup_file(&mut self) -> PathBuf {
        let path = std::env::temp_dir().join(unique("fangpin_backup"));
        self.files.push(path.clone());
        path
    }

    async fn cleanup(self) {
        for f in &self.files {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", f.display())).ok();
            }
        }
        if let Some(admin) = self.admin {
            for db in &self.databases {
                admin
                    .connection()
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                    .await
                    .ok();
            }
            if let Some(s) = &self.schema {
                admin
                    .connection()
                    .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {s} CASCADE"))
                    .await
                    .ok();
            }
        }
    }
}

fn county() -> AreaCode {
    AreaCode::parse("500230").unwrap()
}

async fn demo_county(store: &Store, n: u32) {
    store.seed_reference().await.unwrap();
    let actor = Actor::system("测试");
    let cfg = DemoConfig::fengdu(3, n);
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
}

fn read_entry(i: u64) -> AuditEntry {
    AuditEntry {
        action: "read_sensitive",
        entity: "person",
        entity_key: Some(i.to_string()),
        note: Some("备份期间的查看".into()),
        ..Default::default()
    }
}

async fn open(url: &str, schema: Option<String>, key: &MasterKey) -> Store {
    Store::open_with(
        url,
        key,
        OpenOptions {
            pg_schema: schema,
            max_connections: Some(2),
        },
    )
    .await
    .unwrap()
}

/// Households 1, 2, 50 and the last one as the API would give them,
/// members' ID numbers decrypted with the key.
async fn sample(store: &Store) -> Vec<serde_json::Value> {
    let (total, _) = store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap();
    assert!(total > 0);
    let n = store
        .table_row_counts()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == "household")
        .unwrap()
        .1 as i64;
    let mut out = Vec::new();
    for id in [1, 2, 50, n] {
        let d = store
            .household(&Access::system(county()), id)
            .await
            .unwrap();
        out.push(serde_json::to_value(&d).unwrap());
    }
    let (_, entries) = store
        .audit_search(&AuditFilter::default(), 0, 1000)
        .await
        .unwrap();
    out.push(serde_json::to_value(entries).unwrap());
    out
}

async fn backup_and_restore(mut place: Place) {
    let key = MasterKey::generate().unwrap();
    let store = Store::open_with(&place.url, &key, place.options())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    demo_county(&store, 300).await;

    // 1. While writers keep writing, the backup is one consistent snapshot.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3u64 {
        let (store, stop) = (store.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                store
                    .audit(&Actor::system("写入者"), read_entry(w * 1_000_000 + i))
                    .await
                    .unwrap();
                i += 1;
            }
            i
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let online = place.backup_file();
    let info = backup(&place.url, &online, place.schema.as_deref())
        .await
        .unwrap();
    assert!(info.bytes > 0);
    stop.store(true, Ordering::Relaxed);
    let mut written = 0;
    for w in writers {
        written += w.await.unwrap();
    }
    assert!(written > 0, "the writers wrote during the backup");
    let target = place.target().await;
    let options = RestoreOptions {
        force: false,
        pg_schema: place.schema.clone(),
    };
    let report = restore(&online, &target, &key, &options).await.unwrap();
    assert_eq!(report.integrity, "ok");
    assert!(report.audit.is_ok());
    let live = store.verify_audit().await.unwrap();
    assert!(report.audit.entries <= live.entries);

    // 2. At rest: every table has the same rows, the records read the same.
    let quiet = place.backup_file();
    backup(&place.url, &quiet, place.schema.as_deref())
        .await
        .unwrap();
    assert!(
        backup(&place.url, &quiet, place.schema.as_deref())
            .await
            .unwrap_err()
            .to_string()
            .contains("已存在"),
        "a backup never overwrites a file"
    );
    let target = place.target().await;
    let report = restore(&quiet, &target, &key, &options).await.unwrap();
    let source_counts = store.table_row_counts().await.unwrap();
    assert!(source_counts.len() > 30, "{source_counts:?}");
    assert_eq!(report.tables, source_counts);
    assert_eq!(report.audit.entries, live.entries);
    assert_eq!(report.audit.head_hash, live.head_hash);
    let restored = open(&target, place.schema.clone(), &key).await;
    assert_eq!(sample(&restored).await, sample(&store).await);
    restored.close().await.unwrap();

    // 3. A database with data is not overwritten unless forced.
    let refused = restore(&quiet, &target, &key, &options).await.unwrap_err();
    assert!(refused.to_string().contains("--force"), "{refused}");
    let forced = RestoreOptions {
        force: true,
        ..options.clone()
    };
    let again = restore(&quiet, &target, &key, &forced).await.unwrap();
    assert_eq!(again.tables, source_counts);

    // 4. Another key is refused (the key is not in the backup).
    let fresh = place.target().await;
    let other = MasterKey::generate().unwrap();
    let wrong = restore(&quiet, &fresh, &other, &options).await.unwrap_err();
    assert!(matches!(wrong, StoreError::WrongKey), "{wrong}");
    if let Some(path) = fresh.strip_prefix("sqlite:") {
        assert!(
            !std::path::Path::new(path).exists(),
            "nothing is put in place when the checks fail"
        );
    }
    store.close().await.unwrap();
    place.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_restores_the_same_county() {
    backup_and_restore(Place::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_restores_the_same_county() {
    backup_and_restore(Place::postgres().await).await;
}
