//! Backup and restore of a whole database.
//!
//! - SQLite: `VACUUM INTO` a new file. It runs as one read transaction, so
//!   the copy is a consistent snapshot while the server keeps reading and
//!   writing (WAL: writers are not blocked by a reader), and the copy is a
//!   single compact file with no WAL beside it. It needs nothing beyond the
//!   SQLite the store already links; the C online-backup API is not exposed
//!   by the driver, and a second SQLite binding would clash with it.
//! - PostgreSQL: `pg_dump --format=custom` of the database (or of one schema)
//!   and `pg_restore --single-transaction`; the client tools must be at least
//!   the server's major version.
//!
//! The data encryption key is never part of a backup: without the key file a
//! backup's ID and bank card numbers cannot be read, and a restore refuses to
//! finish with any other key.

use std::path::{Path, PathBuf};
use std::process::Command;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend, Statement};
use serde::Serialize;

use crate::audit_chain::AuditVerification;
use crate::{Engine, FieldCipher, MasterKey, OpenOptions, Result, Store, StoreError, settings};

/// What a backup wrote.
#[derive(Clone, Debug, Serialize)]
pub struct BackupInfo {
    pub engine: &'static str,
    pub path: PathBuf,
    pub bytes: u64,
}

/// What a restore found in the restored database.
#[derive(Clone, Debug, Serialize)]
pub struct RestoreReport {
    /// Rows per table, by table name.
    pub tables: Vec<(String, u64)>,
    /// `ok`, or what the integrity check reported.
    pub integrity: String,
    pub audit: AuditVerification,
}

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

fn engine_of(url: &str) -> Result<Engine> {
    if url.starts_with("sqlite:") {
        Ok(Engine::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Engine::Postgres)
    } else {
        Err(StoreError::BadUrl(url.to_owned()))
    }
}

/// The file of a `sqlite:` URL.
fn sqlite_path(url: &str) -> Result<PathBuf> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Err(invalid(format!(
            "数据库地址 {url} 不是文件，无法备份或恢复"
        )));
    }
    Ok(PathBuf::from(path))
}

/// A sibling of `path` for work in progress, renamed into place when done.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".part-{}", std::process::id()));
    path.with_file_name(name)
}

fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        std::fs::remove_file(PathBuf::from(p)).ok();
    }
}

/// Writes a backup of the database at `url` to `out` (which must not exist).
/// `pg_schema` limits a PostgreSQL dump to one schema (tests).
pub async fn backup(url: &str, out: &Path, pg_schema: Option<&str>) -> Result<BackupInfo> {
    if out.exists() {
        return Err(invalid(format!(
            "备份文件 {} 已存在，拒绝覆盖：请换一个文件名（例如带上日期）",
            out.display()
        )));
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| invalid(format!("无法创建备份目录 {}：{e}", dir.display())))?;
    }
    let tmp = partial(out);
    std::fs::remove_file(&tmp).ok();
    let engine = engine_of(url)?;
    let written = match engine {
        Engine::Sqlite => backup_sqlite(url, &tmp).await,
        Engine::Postgres => pg_dump(url, &tmp, pg_schema).await,
    };
    if let Err(e) = written {
        std::fs::remove_file(&tmp).ok();
        return Err(e);
    }
    sync_file(&tmp)?;
    std::fs::rename(&tmp, out)
        .map_err(|e| invalid(format!("无法写入备份文件 {}：{e}", out.display())))?;
    let bytes = std::fs::metadata(out).map_or(0, |m| m.len());
    Ok(BackupInfo {
        engine: engine.label(),
        path: out.to_owned(),
        bytes,
    })
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| invalid(format!("无法写入备份文件 {}：{e}", path.display())))
}

async fn backup_sqlite(url: &str, tmp: &Path) -> Result<()> {
    let source = sqlite_path(url)?;
    if !source.exists() {
        return Err(invalid(format!("数据库文件 {} 不存在", source.display())));
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .max_connections(1)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(false)
                .busy_timeout(std::time::Duration::from_secs(15))
        });
    let db = Database::connect(opts).await?;
    let target = tmp
        .to_str()
        .ok_or_else(|| invalid(format!("备份文件名无效：{}", tmp.display())))?;
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await;
    db.close().await.ok();
    done?;
    Ok(())
}

/// Host, port, user and database of a PostgreSQL URL without its password,
/// and the password (percent-decoded), so that it never shows in a process
/// list.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://") else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return (url.to_owned(), None);
    };
    let password = percent_decode(&userinfo[colon + 1..]);
    let without = format!(
        "{}{}{}",
        &url[..scheme_end + 3],
        &userinfo[..colon],
        &rest[at..]
    );
    (without, Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a PostgreSQL client tool and returns its standard output.
async fn run_tool(
    tool: &'static str,
    args: Vec<String>,
    password: Option<String>,
) -> Result<String> {
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(tool);
        cmd.args(&args);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        cmd.output()
    })
    .await
    .map_err(|e| invalid(format!("{tool} 未能运行：{e}")))?
    .map_err(|e| {
        invalid(format!(
            "无法运行 {tool}：{e}（PostgreSQL 的备份需要 {tool}，Debian 上由 postgresql-client 提供）"
        ))
    })?;
    if !out.status.success() {
        return Err(invalid(format!(
            "{tool} 失败（{}）：{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The major version of a client tool (`pg_dump (PostgreSQL) 15.20 …` → 15).
async fn tool_major(tool: &'static str) -> Result<u32> {
    let text = run_tool(tool, vec!["--version".into()], None).await?;
    text.split_whitespace()
        .find_map(|w| w.split('.').next()?.parse().ok())
        .ok_or_else(|| invalid(format!("无法识别 {tool} 的版本：{}", text.trim())))
}

/// Refuses client tools older than the server (pg_dump cannot read a newer
/// server's catalogue; pg_restore cannot read a newer archive).
async fn check_versions(url: &str, tool: &'static str) -> Result<()> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).max_connections(1);
    let db = Database::connect(opts).await?;
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('server_version_num')::int AS v",
        ))
        .await?;
    db.close().await.ok();
    let server: i32 = row
        .ok_or_else(|| invalid("无法读取 PostgreSQL 版本".into()))?
        .try_get("", "v")?;
    let server_major = (server / 10_000) as u32;
    let client = tool_major(tool).await?;
    if client < server_major {
        return Err(invalid(format!(
            "{tool} 的版本（{client}）低于 PostgreSQL 服务器（{server_major}）：请安装 {server_major} 或更新版本的 PostgreSQL 客户端工具"
        )));
    }
    Ok(())
}

async fn pg_dump(url: &str, tmp: &Path, pg_schema: Option<&str>) -> Result<()> {
    check_versions(url, "pg_dump").await?;
    let (conn, password) = split_password(url);
    let mut args = vec![
        "--format=custom".to_owned(),
        "--no-owner".to_owned(),
        "--no-privileges".to_owned(),
        format!("--file={}", tmp.display()),
    ];
    if let Some(s) = pg_schema {
        args.push(format!("--schema={s}"));
    }
    args.push(format!("--dbname={conn}"));
    run_tool("pg_dump", args, password).await?;
    Ok(())
}

/// Options for [`restore`].
#[derive(Clone, Debug, Default)]
pub struct RestoreOptions {
    /// Replace a database that already holds tables.
    pub force: bool,
    /// PostgreSQL schema the backup was taken from and is restored to
    /// (tests); `public` otherwise.
    pub pg_schema: Option<String>,
}

/// Puts the backup `file` in place of the database at `url` — absent or
/// empty, or any with `force` — then checks that it opens with `key`, that
/// its integrity check passes and that its audit log verifies. A SQLite
/// database is checked before it replaces anything.
pub async fn restore(
    file: &Path,
    url: &str,
    key: &MasterKey,
    options: &RestoreOptions,
) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(invalid(format!("备份文件 {} 不存在", file.display())));
    }
    match engine_of(url)? {
        Engine::Sqlite => restore_sqlite(file, url, key, options.force).await,
        Engine::Postgres => restore_postgres(file, url, key, options).await,
    }
}

/// Tables of a SQLite file (0 when it does not exist or is empty).
async fn sqlite_tables(path: &Path) -> Result<u64> {
    if std::fs::metadata(path).map_or(0, |m| m.len()) == 0 {
        return Ok(0);
    }
    let mut opts = ConnectOptions::new(format!("sqlite:{}", path.display()));
    opts.sqlx_logging(false)
        .max_connections(1)
        .map_sqlx_sqlite_opts(|o| o.create_if_missing(false));
    let db = Database::connect(opts).await?;
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
        ))
        .await;
    db.close().await.ok();
    let n: i64 = row?.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(n as u64)
}

fn not_empty(target: &str, tables: u64) -> StoreError {
    invalid(format!(
        "目标数据库 {target} 不是空的（已有 {tables} 张表）：恢复会覆盖其中的数据。\
         确认要覆盖，请先停止服务并加 --force"
    ))
}

async fn restore_sqlite(
    file: &Path,
    url: &str,
    key: &MasterKey,
    force: bool,
) -> Result<RestoreReport> {
    let mut header = [0u8; 16];
    let read =
        std::fs::File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(invalid(format!(
            "{} 不是 SQLite 备份文件（PostgreSQL 的备份请恢复到 postgres:// 地址）",
            file.display()
        )));
    }
    let target = sqlite_path(url)?;
    let tables = sqlite_tables(&target).await?;
    if tables > 0 && !force {
        return Err(not_empty(&target.display().to_string(), tables));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| invalid(format!("无法创建数据目录 {}：{e}", dir.display())))?;
    }
    // Check a copy beside the target; it replaces the target only if sound.
    let tmp = partial(&target);
    remove_with_sidecars(&tmp);
    std::fs::copy(file, &tmp)
        .map_err(|e| invalid(format!("无法复制备份到 {}：{e}", tmp.display())))?;
    let checked = check_restored(&format!("sqlite:{}", tmp.display()), key, None).await;
    let report = match checked {
        Ok(r) => r,
        Err(e) => {
            remove_with_sidecars(&tmp);
            return Err(e);
        }
    };
    // The old database's WAL must not be replayed onto the restored file.
    remove_with_sidecars(&target);
    std::fs::rename(&tmp, &target)
        .map_err(|e| invalid(format!("无法把恢复的数据库放到 {}：{e}", target.display())))?;
    remove_with_sidecars(&tmp);
    Ok(report)
}

async fn restore_postgres(
    file: &Path,
    url: &str,
    key: &MasterKey,
    options: &RestoreOptions,
) -> Result<RestoreReport> {
    check_versions(url, "pg_restore").await?;
    let (conn, password) = split_password(url);
    // A readable archive first: nothing is touched if it is not one.
    run_tool(
        "pg_restore",
        vec!["--list".into(), file.display().to_string()],
        None,
    )
    .await
    .map_err(|e| {
        invalid(format!(
            "{} 不是 PostgreSQL 备份文件（pg_dump 自定义格式）：{e}",
            file.display()
        ))
    })?;
    // The key's check value, read from the archive before anything is
    // touched: a backup restored with another key would be unreadable.
    let settings = run_tool(
        "pg_restore",
        vec![
            "--data-only".into(),
            "--table=setting".into(),
            "--file=-".into(),
            file.display().to_string(),
        ],
        None,
    )
    .await?;
    let prefix = format!("{}\t", settings::KEY_CHECK);
    match settings
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
    {
        Some(stored)
            if stored.split('\t').next() == Some(FieldCipher::new(key).key_check().as_str()) => {}
        Some(_) => return Err(StoreError::WrongKey),
        None => {
            return Err(invalid(
                "备份中没有密钥校验值：它不是 fangpin 数据库的备份".into(),
            ));
        }
    }
    let schema = options.pg_schema.clone().unwrap_or_else(|| "public".into());
    let store = Store::open_with(
        url,
        key,
        OpenOptions {
            pg_schema: options.pg_schema.clone(),
            max_connections: Some(1),
        },
    )
    .await?;
    let row = store
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = $1",
            [schema.clone().into()],
        ))
        .await?;
    store.close().await.ok();
    let tables: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    if tables > 0 && !options.force {
        return Err(not_empty(
            &format!("{conn}（模式 {schema}）"),
            tables as u64,
        ));
    }
    let mut args = vec![
        "--no-owner".to_owned(),
        "--no-privileges".to_owned(),
        "--single-transaction".to_owned(),
        "--exit-on-error".to_owned(),
    ];
    if options.force {
        args.push("--clean".into());
        args.push("--if-exists".into());
    }
    args.push(format!("--dbname={conn}"));
    args.push(file.display().to_string());
    run_tool("pg_restore", args, password).await?;
    check_restored(url, key, options.pg_schema.clone()).await
}

/// Opens a restored database with `key` and checks it: integrity, the key,
/// the schema brought up to date (as `serve` would at start) and the audit
/// chain.
async fn check_restored(
    url: &str,
    key: &MasterKey,
    pg_schema: Option<String>,
) -> Result<RestoreReport> {
    let store = Store::open_with(
        url,
        key,
        OpenOptions {
            pg_schema,
            max_connections: Some(2),
        },
    )
    .await?;
    let outcome = async {
        let integrity = store.integrity_check().await?;
        if integrity != "ok" {
            return Err(invalid(format!(
                "恢复的数据库完整性检查未通过：{integrity}"
            )));
        }
        match store.setting(settings::KEY_CHECK).await? {
            Some(stored) if stored == store.cipher.key_check() => {}
            Some(_) => return Err(StoreError::WrongKey),
            None => {
                return Err(invalid(
                    "备份中没有密钥校验值：它不是 fangpin 数据库的备份".into(),
                ));
            }
        }
        store.migrate().await?;
        let audit = store.verify_audit().await?;
        if let Some(b) = &audit.broken {
            return Err(invalid(format!("恢复的数据库审计链校验未通过：{b}")));
        }
        let tables = store.table_row_counts().await?;
        if store.engine == Engine::Sqlite {
            // Everything into the main file before it is moved into place.
            store
                .db
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        Ok(RestoreReport {
            tables,
            integrity,
            audit,
        })
    }
    .await;
    store.close().await.ok();
    outcome
}

impl Store {
    /// SQLite's `PRAGMA integrity_check` (`ok` when sound). On PostgreSQL,
    /// which keeps no such check, a query over every table's rows.
    pub async fn integrity_check(&self) -> Result<String> {
        match self.engine {
            Engine::Sqlite => {
                let rows = self
                    .db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA integrity_check",
                    ))
                    .await?;
                let lines: Vec<String> = rows
                    .iter()
                    .map(|r| r.try_get_by_index::<String>(0))
                    .collect::<std::result::Result<_, _>>()?;
                Ok(lines.join("; "))
            }
            Engine::Postgres => {
                self.table_row_counts().await?;
                Ok("ok".into())
            }
        }
    }

    /// The number of rows of every table of the database, by table name.
    pub async fn table_row_counts(&self) -> Result<Vec<(String, u64)>> {
        let list = match self.engine {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT table_name AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name"
            }
        };
        let backend = self.backend();
        let names: Vec<String> = self
            .db
            .query_all_raw(Statement::from_string(backend, list))
            .await?
            .iter()
            .map(|r| r.try_get("", "name"))
            .collect::<std::result::Result<_, _>>()?;
        let mut counts = Vec::with_capacity(names.len());
        for name in names {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            let n: i64 = self
                .db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) AS n FROM {quoted}"),
                ))
                .await?
                .map(|r| r.try_get("", "n"))
                .transpose()?
                .unwrap_or(0);
            counts.push((name, n as u64));
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://fp:s%40cret@db.local:5432/fangpin?sslmode=require"),
            (
                "postgres://fp@db.local:5432/fangpin?sslmode=require".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/postgres"),
            (
                "postgres://postgres@127.0.0.1:5432/postgres".to_owned(),
                None
            )
        );
        assert_eq!(
            split_password("postgresql://db/fangpin"),
            ("postgresql://db/fangpin".to_owned(), None)
        );
    }
}
