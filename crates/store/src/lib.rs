//! Persistence for fangpin on SQLite (embedded default) and PostgreSQL (server
//! mode) from one codebase: connection setup, versioned migrations, SeaORM
//! entities and the repositories the server and CLI call.
//!
//! Read paths go through SeaORM entities or portable sea-query statements; the
//! bulk paths (demo generation, imports) build multi-row inserts directly,
//! because per-row ORM models are the bottleneck at a million households.

pub mod area_load;
pub mod areas;
pub mod assist;
pub mod audit;
pub mod audit_chain;
pub mod backup;
pub mod calendar;
pub mod crypto;
pub mod dedup;
pub mod edit;
pub mod entity;
pub mod funds;
pub mod history;
pub mod households;
pub mod import;
pub mod migration;
pub mod monitor;
pub mod overview;
mod pg_copy;
pub mod print;
pub mod quality;
pub mod reference;
pub mod scope;
pub mod self_report;
pub mod settings;
pub mod setup;
mod sql;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod users;
pub mod visits;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

pub use areas::{AreaRecord, AreaSummary, AreaTreeNode, CountBucket};
pub use audit::{Actor, AuditEntry, AuditFilter, AuditRecord};
pub use crypto::{FieldCipher, MasterKey};
pub use households::{
    HouseholdBundle, HouseholdDetail, HouseholdFilter, HouseholdListItem, RevealedIds,
};
pub use import::{ChangedHousehold, ImportSession, ImportSummary};
pub use scope::{Keyed, Scope};
pub use users::{Access, LoginOutcome, NewUser, UserInfo};

/// Errors of the store. Messages are Chinese because they can reach users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("数据库地址无效：{0}（应为 sqlite:文件路径 或 postgres://用户@主机/库名）")]
    BadUrl(String),
    /// Carries the full Chinese message, e.g. `农户不存在：12`.
    #[error("{0}")]
    NotFound(String),
    #[error("数据不一致：{0}")]
    Corrupt(String),
    #[error("{0}")]
    Invalid(String),
    /// The caller lacks a permission (for scope violations use `NotFound`).
    #[error("{0}")]
    Forbidden(String),
    /// An ID number is registered in a household outside the caller's
    /// scope: the message names no household there; the refusals are
    /// audited once the write is rolled back.
    #[error("{message}")]
    RegisteredElsewhere {
        message: String,
        refusals: Vec<AuditEntry>,
    },
    #[error("数据加密密钥与该数据库不匹配：请使用创建该数据库时的密钥文件（或 FANGPIN_KEY）")]
    WrongKey,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A handle on the database; cheap to clone (a connection pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    engine: Engine,
    cipher: Arc<FieldCipher>,
    /// Households' rule facts by area and year, for what-if (see `monitor`).
    facts_cache: monitor::FactsCache,
    /// The time of side effects that are not dated by the caller (the
    /// data-quality check after a save); tests set it to travel in time.
    clock: StoreClock,
}

/// A source of the current time for the store.
#[derive(Clone)]
pub struct StoreClock(Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>);

impl std::fmt::Debug for StoreClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreClock")
    }
}

/// Options for opening a store.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// PostgreSQL schema to use (tests isolate themselves this way).
    pub pg_schema: Option<String>,
    /// Maximum pool size; a sensible default per engine when `None`.
    pub max_connections: Option<u32>,
}

impl Store {
    /// Opens `url` (`sqlite:path/to/file.db` or `postgres://…`). SQLite files
    /// are created when missing and run in WAL mode with foreign keys on.
    /// `key` seals ID and bank card numbers; [`Store::migrate`] checks that it
    /// is the key the database was created with.
    pub async fn open(url: &str, key: &MasterKey) -> Result<Store> {
        Self::open_with(url, key, OpenOptions::default()).await
    }

    pub async fn open_with(url: &str, key: &MasterKey, options: OpenOptions) -> Result<Store> {
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        if engine == Engine::Sqlite {
            ensure_sqlite_parent_dir(url)?;
        }
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10));
        match engine {
            Engine::Sqlite => {
                // SQLite lets one writer in at a time. Every store write
                // transaction takes the lock when it begins (`begin_write`),
                // and a write outside a transaction (an audited read, a
                // logout) is one statement that takes it when it starts; a
                // writer that finds the lock taken waits in SQLite's busy
                // handler instead of failing, and nothing is retried, so no
                // write can be lost or doubled.
                // - The busy timeout bounds that wait, so it outlasts the
                //   longest write transaction: a whole county's import file
                //   (about 45 s at 100,000 households, docs/benchmarks.md).
                // - Waiting writers keep their pool connection, so the wait
                //   for a connection can last as long as the wait for the
                //   lock: the acquire timeout is longer than the busy timeout.
                // - Readers never wait for the writer (WAL), and the pool has
                //   room for them while writers queue.
                // - Connections live in this process and cannot go stale, so
                //   the pool does not test them on every acquire.
                // - WAL checkpoints stay automatic: the committing connection
                //   copies pages back every 1,000 pages (PASSIVE: it never
                //   waits for readers and never fails the commit), and
                //   `journal_size_limit` truncates the WAL file once a
                //   checkpoint has reset it, so an import's burst does not
                //   leave a file of its peak size behind.
                // - `synchronous = NORMAL` in WAL mode keeps every committed
                //   transaction across a crash of the process (kill -9,
                //   scripts/crash.sh); a power cut can roll back the last
                //   commits but never corrupts the file.
                opts.max_connections(options.max_connections.unwrap_or(8))
                    .acquire_timeout(Duration::from_secs(180))
                    .test_before_acquire(false)
                    .map_sqlx_sqlite_opts(|o| {
                        o.create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Normal)
                            .foreign_keys(true)
                            .busy_timeout(Duration::from_secs(120))
                            .pragma("journal_size_limit", (64 * 1024 * 1024).to_string())
                    });
            }
            Engine::Postgres => {
                opts.max_connections(options.max_connections.unwrap_or(10))
                    .acquire_timeout(Duration::from_secs(30));
                if let Some(schema) = &options.pg_schema {
                    opts.set_schema_search_path(schema.clone());
                }
            }
        }
        let db = Database::connect(opts).await?;
        Ok(Store {
            db,
            engine,
            cipher: Arc::new(FieldCipher::new(key)),
            facts_cache: Default::default(),
            clock: StoreClock(Arc::new(chrono::Utc::now)),
        })
    }

    /// This store with its clock fixed at `at` (tests).
    pub fn with_clock_at(&self, at: chrono::DateTime<chrono::Utc>) -> Store {
        let mut s = self.clone();
        s.clock = StoreClock(Arc::new(move || at));
        s
    }

    /// The store's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock.0)()
    }

    /// Applies every migration not yet applied, then checks the encryption
    /// key: a new database remembers its key's check value, an existing one
    /// refuses any other key.
    pub async fn migrate(&self) -> Result<()> {
        migration::Migrator::up(&self.db, None).await?;
        let check = self.cipher.key_check();
        match self.setting(settings::KEY_CHECK).await? {
            Some(stored) if stored == check => Ok(()),
            Some(_) => Err(StoreError::WrongKey),
            None => {
                if self.household_count().await? > 0 {
                    return Err(StoreError::WrongKey);
                }
                self.set_setting(&Actor::system("数据库初始化"), settings::KEY_CHECK, &check)
                    .await
            }
        }
    }

    /// The cipher for sensitive fields (also used by exports and lookups).
    pub fn cipher(&self) -> &FieldCipher {
        &self.cipher
    }

    /// Versions of the applied migrations, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        let list = migration::Migrator::get_applied_migrations(&self.db).await?;
        Ok(list.iter().map(|m| m.name().to_owned()).collect())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn backend(&self) -> DbBackend {
        match self.engine {
            Engine::Sqlite => DbBackend::Sqlite,
            Engine::Postgres => DbBackend::Postgres,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout
    /// instead of failing with `database is locked` when a deferred
    /// transaction tries to upgrade from a stale read snapshot.
    pub async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.engine == Engine::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}

fn ensure_sqlite_parent_dir(url: &str) -> Result<()> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Invalid(format!("无法创建数据目录 {}：{e}", parent.display()))
        })?;
    }
    Ok(())
}
