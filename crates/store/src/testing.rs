//! Test support: a fresh, isolated store on either engine, so every store test
//! runs on SQLite and PostgreSQL in parallel without seeing each other.
//!
//! PostgreSQL tests use `FANGPIN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and each gets its own schema.
//! An unreachable PostgreSQL fails the test: it is never skipped.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::ConnectionTrait;

use crate::users::{Access, ROLE_SEEDS};
use crate::{MasterKey, OpenOptions, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn pg_url() -> String {
    std::env::var("FANGPIN_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

fn unique_suffix() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}_{}_{}", std::process::id(), n, nanos)
}

/// 09:00 in China (01:00 UTC) on a day: when tests date their decisions.
pub fn china_morning(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(y, m, d, 1, 0, 0)
        .single()
        .expect("a valid day")
}

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

/// A user `id` with a seeded role's permissions over `area`.
pub fn role_user(id: i64, role: &str, area: fangpin_domain::AreaCode) -> Access {
    let seed = ROLE_SEEDS
        .iter()
        .find(|r| r.code == role)
        .unwrap_or_else(|| panic!("no seeded role {role}"));
    Access {
        user_id: Some(id),
        username: format!("{role}{id}"),
        role: role.into(),
        area,
        permissions: seed
            .permissions
            .iter()
            .map(std::string::ToString::to_string)
            .collect(),
        address: None,
    }
}

/// A migrated, empty store that cleans up after itself via [`TestDb::cleanup`].
pub struct TestDb {
    pub store: Store,
    url: String,
    sqlite_file: Option<std::path::PathBuf>,
    pg_schema: Option<String>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("fangpin_test_{}.db", unique_suffix()));
        let url = format!("sqlite:{}", path.display());
        let key = MasterKey::generate().expect("random key");
        let store = Store::open(&url, &key)
            .await
            .expect("open sqlite test database");
        store.migrate().await.expect("migrate sqlite test database");
        TestDb {
            store,
            url,
            sqlite_file: Some(path),
            pg_schema: None,
        }
    }

    pub async fn postgres() -> TestDb {
        let url = pg_url();
        let schema = format!("fp_t_{}", unique_suffix());
        let key = MasterKey::generate().expect("random key");
        let admin = Store::open_with(
            &url,
            &key,
            OpenOptions {
                max_connections: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL 不可用（{url}）：{e}；测试需要 PostgreSQL，请先运行 scripts/test.sh")
        });
        admin
            .connection()
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create test schema");
        admin.close().await.ok();
        let store = Store::open_with(
            &url,
            &key,
            OpenOptions {
                pg_schema: Some(schema.clone()),
                max_connections: Some(4),
            },
        )
        .await
        .expect("open postgres test schema");
        store.migrate().await.expect("migrate postgres test schema");
        TestDb {
            store,
            url,
            sqlite_file: None,
            pg_schema: Some(schema),
        }
    }

    /// Another connection to the same database, with `key`.
    pub async fn reopen(&self, key: &MasterKey) -> crate::Result<Store> {
        Store::open_with(
            &self.url,
            key,
            OpenOptions {
                pg_schema: self.pg_schema.clone(),
                max_connections: Some(2),
            },
        )
        .await
    }

    /// Removes the test database (file or schema).
    pub async fn cleanup(self) {
        let TestDb {
            store,
            sqlite_file,
            pg_schema,
            ..
        } = self;
        if let Some(schema) = pg_schema {
            store
                .connection()
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .await
                .ok();
        }
        store.close().await.ok();
        if let Some(path) = sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                std::fs::remove_file(p).ok();
            }
        }
    }
}

/// Declares each listed `async fn name(store: Store)` as two tests,
/// `sqlite::name` and `postgres::name`, each on its own fresh database.
#[macro_export]
macro_rules! dual_backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDb::sqlite().await;
                    super::$name(db.store.clone()).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDb::postgres().await;
                    super::$name(db.store.clone()).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}
