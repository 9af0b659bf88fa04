//! The commands of the `fangpin` command line: official area codes, import, export, what-if,
//! users and tokens, audit checks, backup and restore, keys, migrations and
//! the demo county. [`run`] carries out a parsed command; `serve` and `demo`
//! end in an [`Outcome::Serve`] that the binary turns into a running server.
//!
//! May depend on: `fangpin-app` (use cases), `fangpin-store`,
//! `fangpin-exchange`, `fangpin-demo`, `fangpin-area-codes`, `fangpin-domain` and terminal
//! libraries (clap, indicatif, tracing-subscriber).
//! May not depend on: `fangpin-server` or any HTTP library; the binary
//! (`crates/fangpin`) composes this crate with the server.

pub mod areas;
pub mod args;
mod commands;
pub mod demo;
pub mod exchange;
pub mod keys;
mod screen;

use std::io::IsTerminal;

use anyhow::{Context, Result};
use fangpin_store::{MasterKey, Store};
use tracing_subscriber::EnvFilter;

pub use args::{AreasCommand, AuditCommand, Cli, Command, DbArgs, ServeArgs};
pub use commands::run;

/// Database of `serve` and the other commands when none is given.
pub const DEFAULT_DB: &str = "sqlite:data/fangpin.db";
/// Database of `demo` when none is given.
pub const DEFAULT_DEMO_DB: &str = "sqlite:data/demo.db";

/// What is left to do after a command ran.
pub enum Outcome {
    /// Nothing: the command is done.
    Done,
    /// Start the HTTP server on this store.
    Serve(Launch),
}

/// A server ready to start: the open store and how to serve it.
pub struct Launch {
    pub store: Store,
    pub serve: ServeArgs,
    /// Set for `fangpin demo`: demo mode and its banner.
    pub demo: Option<DemoLaunch>,
}

/// How the demo server differs from a real one.
pub struct DemoLaunch {
    /// Password of the seeded demo users.
    pub password: &'static str,
    /// Printed under the address once the server listens.
    pub banner: String,
    /// The moment every decision is dated at (`FANGPIN_DEMO_NOW`), if set.
    pub fixed_now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Logs to standard error, filtered by `RUST_LOG` (default `info,sqlx=warn`).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Opens the database named by the arguments (or the default) with its key.
async fn open_for(db: &DbArgs) -> Result<Store> {
    let key = keys::load(db.key_file.as_deref())?;
    open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await
}

/// Opens the database, applies pending migrations and seeds reference data.
async fn open(url: &str, key: &MasterKey) -> Result<Store> {
    let store = Store::open(url, key)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact(url)))?;
    store.migrate().await.context("数据库准备失败")?;
    store
        .seed_reference()
        .await
        .context("初始化代码表和参数失败")?;
    tracing::info!(database = %redact(url), engine = store.engine().label(), "数据库已就绪");
    Ok(store)
}

/// Hides a password in a database URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &cred[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `FANGPIN_DEMO_NOW` (RFC 3339, e.g. `2026-06-01T10:00:00+08:00`): the demo
/// server dates every decision at this moment instead of the system clock,
/// so browser tests can walk a case through periods that last days by
/// restarting the demo at a later moment.
fn fixed_now() -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(v) = std::env::var_os("FANGPIN_DEMO_NOW") else {
        return Ok(None);
    };
    let v = v.to_string_lossy();
    let at = chrono::DateTime::parse_from_rfc3339(v.trim())
        .with_context(|| format!("FANGPIN_DEMO_NOW 不是 RFC 3339 时间：{v}"))?;
    tracing::warn!(%at, "演示服务使用固定时钟（FANGPIN_DEMO_NOW）");
    Ok(Some(at.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_in_logged_urls() {
        assert_eq!(
            redact("postgres://fp:secret@db.local/fangpin"),
            "postgres://fp:***@db.local/fangpin"
        );
        assert_eq!(redact("sqlite:data/demo.db"), "sqlite:data/demo.db");
        assert_eq!(redact("postgres://fp@db/x"), "postgres://fp@db/x");
    }
}
