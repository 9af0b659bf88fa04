//! `fangpin` command line: `serve`, `demo`, `migrate`.

mod demo;
mod exchange;
mod keys;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use fangpin_server::AppState;
use fangpin_store::{MasterKey, Store};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "fangpin",
    version,
    about = "防返贫动态监测和帮扶系统 — dynamic monitoring and assistance to prevent return to poverty"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// Database URL: `sqlite:path/to/file.db` (embedded default) or `postgres://user@host/db`.
    #[arg(long = "database-url", alias = "database", env = "DATABASE_URL")]
    database_url: Option<String>,
    /// File holding the data encryption key (base64, 32 bytes); see `fangpin keygen`.
    #[arg(long = "key-file", env = "FANGPIN_KEY_FILE")]
    key_file: Option<PathBuf>,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "FANGPIN_BIND")]
    bind: SocketAddr,
    /// Address of a reverse proxy in front of the server whose
    /// X-Forwarded-For header names the client (repeat for several, or a
    /// comma-separated list in the environment variable).
    #[arg(
        long = "trusted-proxy",
        env = "FANGPIN_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS
    /// only): set it when users reach the server through HTTPS.
    #[arg(long = "secure-cookie", env = "FANGPIN_SECURE_COOKIE")]
    secure_cookie: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (API and web UI).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Create a synthetic demo county (if absent) and serve it.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        serve: ServeArgs,
        /// Random seed: the same seed always gives the same county.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Number of households to generate.
        #[arg(long, default_value_t = 20_000)]
        households: u32,
        /// Delete the existing demo data first.
        #[arg(long)]
        reset: bool,
        /// Generate only; do not start the server.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import households from an xlsx or CSV file in the national 全字段 layout.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The file (.xlsx, or .csv in UTF-8 or GBK).
        file: PathBuf,
        /// Check and report what would change, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export households in the national 全字段 layout (.xlsx or .csv by extension).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Only households under this area code.
        #[arg(long)]
        area: Option<String>,
        /// Income year to export (default: each household's latest).
        #[arg(long)]
        year: Option<i32>,
        /// Write full ID numbers (audited). Default: masked.
        #[arg(long)]
        unmasked: bool,
    },
    /// What-if: who would enter or leave the at-risk set under a proposed
    /// threshold (nothing is changed). Repeats reuse the facts in memory.
    Whatif {
        #[command(flatten)]
        db: DbArgs,
        /// Area code (default: the whole county).
        #[arg(long)]
        area: Option<String>,
        /// Year of the incomes and thresholds.
        #[arg(long)]
        year: i32,
        /// Proposed 监测范围 in 元, e.g. 9300 or 9300.50.
        #[arg(long)]
        line: Option<String>,
        /// Proposed rigid-expense percentage.
        #[arg(long)]
        rigid_pct: Option<i64>,
        /// Proposed income-drop percentage.
        #[arg(long)]
        drop_pct: Option<i64>,
        /// Run this many times (the first reads the registry, the rest reuse it).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// Create a user (a random initial password is printed; it must be changed at first login).
    UserAdd {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// Role code: county_admin, county_approver, township_reviewer, village_operator,
        /// assistance_cadre, dept_officer, inspector, sys_admin.
        #[arg(long)]
        role: String,
        /// 12-digit area code of the user's scope.
        #[arg(long)]
        area: String,
        /// Department (for dept_officer), e.g. 医保.
        #[arg(long)]
        department: Option<String>,
    },
    /// Create an API token for a machine client (e.g. a department's upload job); shown once.
    TokenCreate {
        #[command(flatten)]
        db: DbArgs,
        /// The user the token acts as.
        #[arg(long)]
        user: String,
        /// A label, e.g. 医保月度上传.
        #[arg(long)]
        name: String,
        /// Days until the token expires (at most 366).
        #[arg(long, default_value_t = fangpin_store::tokens::DEFAULT_TOKEN_DAYS)]
        days: u32,
    },
    /// Revoke an API token by its number or its name (audited).
    TokenRevoke {
        #[command(flatten)]
        db: DbArgs,
        /// The token's number (as listed by the 系统 page or the API).
        #[arg(long, conflicts_with = "name", required_unless_present = "name")]
        id: Option<i64>,
        /// The token's name; with --user when several users have one of that name.
        #[arg(long)]
        name: Option<String>,
        /// The user of the named token.
        #[arg(long, requires = "name")]
        user: Option<String>,
    },
    /// Audit log checks: `fangpin audit verify`.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent backup of the database while the server keeps
    /// serving (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format).
    /// The encryption key is not in the backup: keep the key file apart.
    Backup {
        /// Database URL: `sqlite:path/to/file.db` or `postgres://user@host/db`.
        #[arg(long = "database-url", alias = "database", env = "DATABASE_URL")]
        database_url: Option<String>,
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an absent or empty database (stop the server
    /// first), then check that it opens with the key, passes the integrity
    /// check and that its audit log verifies.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file written by `fangpin backup`.
        file: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        force: bool,
    },
    /// Write a new random data encryption key to a file (never overwrites).
    Keygen {
        /// Where to write the key.
        #[arg(long, default_value = "fangpin.key")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that no audit entry was changed, removed or added around the
    /// application; names the first broken entry and exits non-zero.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// A position and hash printed by an earlier check (`SEQ:HASH`):
        /// also check that the chain still has that hash there.
        #[arg(long)]
        anchor: Option<String>,
    },
}

const DEFAULT_DB: &str = "sqlite:data/fangpin.db";
const DEFAULT_DEMO_DB: &str = "sqlite:data/demo.db";

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole chain of causes on one line, in Chinese.
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { db, serve } => {
            let key = keys::load(db.key_file.as_deref())?;
            let store = open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await?;
            let mut state = AppState::new(store);
            state.trusted_proxies = serve.trusted_proxies.into();
            state.secure_cookie = serve.secure_cookie;
            run_server(state, serve.bind, None).await
        }
        Command::Demo {
            db,
            serve,
            seed,
            households,
            reset,
            no_serve,
        } => {
            let url = db
                .database_url
                .unwrap_or_else(|| DEFAULT_DEMO_DB.to_owned());
            let key = match db.key_file.as_deref() {
                Some(_) => keys::load(db.key_file.as_deref())?,
                None if std::env::var_os(keys::KEY_ENV).is_some() => keys::load(None)?,
                // The demo keeps its own key next to its database.
                None => keys::load_or_create(&keys::demo_key_path(&url))?,
            };
            let store = open(&url, &key).await?;
            demo::ensure_demo(&store, seed, households, reset).await?;
            if no_serve {
                return Ok(());
            }
            let banner = demo::banner(&store).await?;
            let mut state = AppState::demo(store, demo::DEMO_PASSWORD);
            state.trusted_proxies = serve.trusted_proxies.into();
            state.secure_cookie = serve.secure_cookie;
            if let Some(now) = fixed_now()? {
                state.clock = fangpin_server::Clock::fixed(now);
            }
            run_server(state, serve.bind, Some(banner)).await
        }
        Command::Migrate { db } => {
            let key = keys::load(db.key_file.as_deref())?;
            let store = open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await?;
            let applied = store.applied_migrations().await?;
            println!("已应用的迁移：{}", applied.len());
            for m in applied {
                println!("  {m}");
            }
            Ok(())
        }
        Command::Import { db, file, dry_run } => {
            let store = open_for(&db).await?;
            exchange::import(&store, &file, dry_run).await
        }
        Command::Export {
            db,
            out,
            area,
            year,
            unmasked,
        } => {
            let store = open_for(&db).await?;
            exchange::export(&store, &out, area.as_deref(), year, unmasked).await
        }
        Command::Whatif {
            db,
            area,
            year,
            line,
            rigid_pct,
            drop_pct,
            repeat,
        } => {
            let store = open_for(&db).await?;
            let line = line
                .map(|l| fangpin_domain::Money::parse(&l))
                .transpose()
                .context("--line 无效")?;
            exchange::what_if(
                &store,
                area.as_deref(),
                year,
                line,
                rigid_pct,
                drop_pct,
                repeat,
            )
            .await
        }
        Command::UserAdd {
            db,
            username,
            display_name,
            role,
            area,
            department,
        } => {
            let key = keys::load(db.key_file.as_deref())?;
            let store = open(db.database_url.as_deref().unwrap_or(DEFAULT_DB), &key).await?;
            let area = fangpin_domain::AreaCode::parse(&area).context("--area 无效")?;
            let password = format!("Fp{}", &fangpin_store::users::random_token()?[..12]);
            let id = store
                .create_user(
                    &fangpin_store::Actor::system("命令行"),
                    &fangpin_store::NewUser {
                        username: username.clone(),
                        display_name,
                        password: password.clone(),
                        role,
                        area,
                        department,
                        must_change_password: true,
                        demo_seeded: false,
                    },
                )
                .await?;
            println!("已创建用户 {username}（编号 {id}），初始密码：{password}（首次登录须修改）");
            Ok(())
        }
        Command::TokenCreate {
            db,
            user,
            name,
            days,
        } => {
            let store = open_for(&db).await?;
            let t = store
                .create_api_token_for(
                    &fangpin_store::Actor::system("命令行"),
                    &user,
                    &name,
                    days,
                    chrono::Utc::now(),
                )
                .await?;
            println!("{}", t.token);
            let until = t.expires_at.with_timezone(&china_offset());
            eprintln!(
                "令牌编号 {}，有效期至 {}（北京时间）。这是令牌唯一一次显示，请妥善保存；调用接口时使用 Authorization: Bearer 令牌",
                t.id,
                until.format("%Y-%m-%d %H:%M")
            );
            Ok(())
        }
        Command::TokenRevoke { db, id, name, user } => {
            let store = open_for(&db).await?;
            let which = match (id, name) {
                (Some(id), _) => fangpin_store::tokens::TokenRef::Id(id),
                (None, Some(name)) => fangpin_store::tokens::TokenRef::Name { name, user },
                (None, None) => anyhow::bail!("请用 --id 或 --name 指定要撤销的令牌"),
            };
            let t = store
                .revoke_api_token_cli(
                    &fangpin_store::Actor::system("命令行"),
                    &which,
                    chrono::Utc::now(),
                )
                .await?;
            println!(
                "已撤销令牌 {}（{}，用户 {}）；此后使用它的请求一律拒绝",
                t.id, t.name, t.username
            );
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { db, anchor },
        } => {
            let key = keys::load(db.key_file.as_deref())?;
            let url = db.database_url.as_deref().unwrap_or(DEFAULT_DB);
            let store = Store::open(url, &key)
                .await
                .with_context(|| format!("无法打开数据库 {}", redact(url)))?;
            store.migrate().await.context("数据库准备失败")?;
            let report = store.verify_audit().await?;
            if let (None, Some(anchor)) = (&report.broken, anchor) {
                let (seq, hash) = anchor
                    .split_once(':')
                    .and_then(|(s, h)| Some((s.trim().parse::<i64>().ok()?, h.trim())))
                    .context("--anchor 应为 序号:哈希，例如 12345:5825d7f6…")?;
                match store.audit_chain_hash_at(seq).await? {
                    Some(stored) if stored.eq_ignore_ascii_case(hash) => {}
                    Some(_) => anyhow::bail!(
                        "审计日志校验未通过：第 {seq} 条的哈希与记下的不符，此前的记录被改写过（整条链被重新计算）"
                    ),
                    None => anyhow::bail!(
                        "审计日志校验未通过：记下的第 {seq} 条已不在审计链中（现在只有 {} 条）",
                        report.entries
                    ),
                }
            }
            match report.broken {
                None => {
                    println!(
                        "OK 审计日志完好：共 {} 条，链尾第 {} 条的哈希 {}",
                        report.entries, report.head_seq, report.head_hash
                    );
                    Ok(())
                }
                Some(b) => {
                    anyhow::bail!("审计日志校验未通过：{b}（此前 {} 条完好）", report.entries)
                }
            }
        }
        Command::Backup { database_url, out } => {
            let url = database_url.as_deref().unwrap_or(DEFAULT_DB);
            let info = fangpin_store::backup::backup(url, &out, None)
                .await
                .with_context(|| format!("备份 {} 失败", redact(url)))?;
            println!(
                "已备份 {} 数据库到 {}（{:.1} MB）",
                info.engine,
                info.path.display(),
                info.bytes as f64 / 1_048_576.0
            );
            eprintln!(
                "备份不含数据加密密钥：请另行妥善保存密钥文件，不要与备份放在一起；恢复时需要它"
            );
            Ok(())
        }
        Command::Restore { db, file, force } => {
            let key = keys::load(db.key_file.as_deref())?;
            let url = db.database_url.as_deref().unwrap_or(DEFAULT_DB);
            let report = fangpin_store::backup::restore(
                &file,
                url,
                &key,
                &fangpin_store::backup::RestoreOptions {
                    force,
                    pg_schema: None,
                },
            )
            .await
            .with_context(|| format!("从 {} 恢复失败", file.display()))?;
            let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
            println!(
                "已恢复到 {}：{} 张表，共 {} 行",
                redact(url),
                report.tables.len(),
                rows
            );
            for (table, n) in &report.tables {
                println!("  {table:<28} {n}");
            }
            println!("完整性检查：{}", report.integrity);
            println!("密钥：与数据库匹配");
            println!(
                "审计日志：完好，共 {} 条，链尾哈希 {}",
                report.audit.entries, report.audit.head_hash
            );
            Ok(())
        }
        Command::Keygen { out } => {
            keys::create(&out)?;
            println!(
                "已生成数据加密密钥：{}（请妥善备份；丢失后已加密的证件号码无法恢复）",
                out.display()
            );
            Ok(())
        }
    }
}

/// China Standard Time, for dates printed to people.
fn china_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset")
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
fn redact(url: &str) -> String {
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

async fn run_server(state: AppState, bind: SocketAddr, banner: Option<String>) -> Result<()> {
    fangpin_server::serve(state, bind, |addr| {
        println!("fangpin 已启动：http://{addr}/");
        if let Some(b) = banner {
            println!("{b}");
        }
    })
    .await
    .with_context(|| format!("无法在 {bind} 上启动服务"))
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
