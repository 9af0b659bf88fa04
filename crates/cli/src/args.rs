//! The command line's arguments: every command, its flags and their help.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "fangpin",
    version,
    about = "防返贫动态监测和帮扶系统 — dynamic monitoring and assistance to prevent return to poverty"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// Database URL: `sqlite:path/to/file.db` (embedded default) or `postgres://user@host/db`.
    #[arg(long = "database-url", alias = "database", env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// File holding the data encryption key (base64, 32 bytes); see `fangpin keygen`.
    #[arg(long = "key-file", env = "FANGPIN_KEY_FILE")]
    pub key_file: Option<PathBuf>,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "FANGPIN_BIND")]
    pub bind: SocketAddr,
    /// Address of a reverse proxy in front of the server whose
    /// X-Forwarded-For header names the client (repeat for several, or a
    /// comma-separated list in the environment variable).
    #[arg(
        long = "trusted-proxy",
        env = "FANGPIN_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS
    /// only): set it when users reach the server through HTTPS.
    #[arg(long = "secure-cookie", env = "FANGPIN_SECURE_COOKIE")]
    pub secure_cookie: bool,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// The official area codes (统计用区划代码, 2023 edition) shipped with
    /// the program: `fangpin areas load <code>`.
    Areas {
        #[command(subcommand)]
        command: AreasCommand,
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
        /// Income year of a file without a 收入年度 column (default: last year).
        #[arg(long)]
        year: Option<i32>,
        /// Import the households without problems and write the others to
        /// FILE.未导入.xlsx, bad cells marked (default: any problem refuses the file).
        #[arg(long)]
        skip_bad: bool,
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
    /// 部门数据筛查 of a provincial extract, without a database: match a
    /// department feed with a registry extract by ID number and write the
    /// warnings of the feed type's rules as CSV.
    Screen {
        /// The department's feed (.csv, UTF-8 or GBK).
        feed: PathBuf,
        /// Feed type: 医保, 民政, 教育, 人社, 残联, 住建, 应急管理, 公安, 市场监管, 不动产, 车辆.
        #[arg(long = "type")]
        feed_type: String,
        /// Registry extract (.csv: 身份证号, 户编号, 行政区划代码, 户类型, 监测对象类别, 家庭纯收入).
        #[arg(long)]
        registry: PathBuf,
        /// Warnings file to write (.csv).
        #[arg(long)]
        out: PathBuf,
        /// The day the feed stands on (default: today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Where to list rows whose ID number is invalid (for review).
        #[arg(long)]
        review: Option<PathBuf>,
        /// Only these rules (ids, comma-separated; default: all of the feed type).
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// Write full ID numbers in the warnings. Default: masked.
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
pub enum AuditCommand {
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

#[derive(Subcommand)]
pub enum AreasCommand {
    /// Put the subtree of a province, city or county (its 乡镇/街道 and
    /// 村/社区, with the ancestors) into the area tree. Running it again adds
    /// only what is new; renamed units take the new name, units the edition
    /// no longer has are listed and kept.
    Load {
        #[command(flatten)]
        db: DbArgs,
        /// Area code: 2, 4, 6 or 12 digits, e.g. 500230 (丰都县) or 50 (重庆市).
        code: String,
    },
}
