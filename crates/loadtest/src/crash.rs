//! Crash mode: rounds of (start the server, save visits and import a file
//! through it, `kill -9` it at a random moment), each followed by checks
//! with the server down: the SQLite integrity check is clean, every visit
//! the server acknowledged is stored exactly once, and every round's import
//! is either wholly present or wholly absent (and present when it was
//! acknowledged). After the last round the server starts once more and
//! every acknowledged visit is read back through the API.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fangpin_demo::DemoConfig;
use rand::RngExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};

use crate::import_file::{self, RoundFile};
use crate::session::{self, Body, Session};

#[derive(clap::Args)]
pub struct CrashArgs {
    /// The `fangpin` executable to start and kill.
    #[arg(long)]
    pub fangpin: PathBuf,
    /// The demo database the server runs on.
    #[arg(long)]
    pub database_url: String,
    /// Its key file.
    #[arg(long)]
    pub key_file: PathBuf,
    /// Seed and size the demo database was generated with (the import
    /// files copy its households).
    #[arg(long, default_value_t = 2024)]
    pub demo_seed: u64,
    #[arg(long)]
    pub demo_households: u32,
    /// Where the server listens.
    #[arg(long, default_value = "127.0.0.1:18090")]
    pub bind: String,
    /// Rounds of kill -9 (at most 100).
    #[arg(long, default_value_t = 100)]
    pub rounds: u32,
    /// Concurrent visit savers per round.
    #[arg(long, default_value_t = 16)]
    pub savers: usize,
    /// Households in each round's import file (at most 99).
    #[arg(long, default_value_t = 80)]
    pub import_households: u32,
    /// The kill comes at a random moment up to this many milliseconds after
    /// the work of a round starts.
    #[arg(long, default_value_t = 2500)]
    pub max_delay_ms: u64,
    /// Every acknowledged write, one line each.
    #[arg(long)]
    pub ack_log: PathBuf,
    /// The server's output.
    #[arg(long)]
    pub server_log: PathBuf,
    /// Demo logins: a village operator who saves visits, a county
    /// administrator who imports.
    #[arg(long, default_value = "Fangpin2024")]
    pub password: String,
}

const MARK: &str = "崩溃测试";

/// What the server acknowledged of one round's import.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ImportState {
    /// Not yet answered as finished when the server died.
    InFlight,
    Done,
    Failed,
}

struct RoundImport {
    tag: String,
    households: u64,
    persons: u64,
    state: ImportState,
}

/// The acknowledged writes so far and the problems found.
#[derive(Default)]
struct Ledger {
    visits: Vec<(i64, String)>,
    imports: Vec<RoundImport>,
    failures: Vec<String>,
    imports_in_flight: u64,
    imports_found_whole: u64,
}

pub async fn run(args: CrashArgs) -> Result<()> {
    if args.rounds == 0 || args.rounds > import_file::MAX_ROUNDS {
        bail!("--rounds 应在 1 到 {} 之间", import_file::MAX_ROUNDS);
    }
    let cfg = DemoConfig::fengdu(args.demo_seed, args.demo_households);
    let lay = fangpin_demo::layout(&cfg);
    let base = format!("http://{}", args.bind);
    let client = session::client(args.savers + 2, Duration::from_secs(120))?;
    let mut ack = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.ack_log)
        .with_context(|| format!("无法写入 {}", args.ack_log.display()))?;
    let mut ledger = Ledger::default();
    let started = Instant::now();

    for round in 0..args.rounds {
        let file = import_file::round_file(&cfg, &lay, round, args.import_households)?;
        let mut server = start_server(&args)?;
        if let Err(e) = session::wait_ready(&client, &base, Duration::from_secs(120)).await {
            kill(&mut server);
            bail!("第 {round} 轮：服务重启失败：{e}");
        }
        let delay = Duration::from_millis(rand::rng().random_range(1..=args.max_delay_ms));
        let outcome = round_work(&args, &client, &base, round, file, delay).await;
        kill(&mut server);
        let work = match outcome {
            Ok(w) => w,
            Err(e) => {
                ledger.failures.push(format!("第 {round} 轮：{e:#}"));
                break;
            }
        };
        for (id, findings) in &work.acked {
            writeln!(ack, "visit\t{id}\t{findings}")?;
        }
        let state = *work
            .import_state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        writeln!(
            ack,
            "import\t{}\t{}\t{}\t{state:?}",
            work.import.tag, work.import.households, work.import.persons
        )?;
        ack.flush()?;
        let acked_now = work.acked.len();
        ledger.visits.extend(work.acked);
        ledger.failures.extend(work.failures);
        if state == ImportState::InFlight {
            ledger.imports_in_flight += 1;
        }
        ledger.imports.push(RoundImport {
            state,
            ..work.import
        });

        check_database(&args.database_url, &mut ledger)
            .await
            .with_context(|| format!("第 {round} 轮后检查数据库失败"))?;
        println!(
            "第 {round:>3} 轮：{:>5} ms 后 kill -9，本轮确认走访 {acked_now:>4} 条，导入 {state:?}；累计问题 {}",
            delay.as_millis(),
            ledger.failures.len()
        );
    }

    // Once more up, and every acknowledged visit reads back.
    let mut server = start_server(&args)?;
    let read_back = async {
        session::wait_ready(&client, &base, Duration::from_secs(120)).await?;
        let cunji = Session::open(&client, &base, "cunji", &args.password).await?;
        read_back_visits(&cunji, &ledger.visits).await
    }
    .await;
    kill(&mut server);
    match read_back {
        Ok(missing) => ledger.failures.extend(missing),
        Err(e) => ledger
            .failures
            .push(format!("最后一次重启后读取失败：{e:#}")),
    }

    let done = ledger
        .imports
        .iter()
        .filter(|i| i.state == ImportState::Done)
        .count();
    println!(
        "\n崩溃测试：{} 轮 kill -9（{:.0} 秒），已确认的走访 {} 条全部核对，导入 {} 个文件（确认完成 {}，kill 时未完成 {}，其中事后完整在库 {}），发现问题 {} 个",
        ledger.imports.len(),
        started.elapsed().as_secs_f64(),
        ledger.visits.len(),
        ledger.imports.len(),
        done,
        ledger.imports_in_flight,
        ledger.imports_found_whole,
        ledger.failures.len()
    );
    for f in ledger.failures.iter().take(20) {
        println!("  问题：{f}");
    }
    if ledger.failures.is_empty() {
        Ok(())
    } else {
        bail!("崩溃测试发现 {} 个问题", ledger.failures.len())
    }
}

fn start_server(args: &CrashArgs) -> Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.server_log)
        .with_context(|| format!("无法写入 {}", args.server_log.display()))?;
    Command::new(&args.fangpin)
        .arg("demo")
        .arg("--database-url")
        .arg(&args.database_url)
        .arg("--key-file")
        .arg(&args.key_file)
        .arg("--bind")
        .arg(&args.bind)
        .arg("--seed")
        .arg(args.demo_seed.to_string())
        .arg("--households")
        .arg(args.demo_households.to_string())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("无法启动 {}", args.fangpin.display()))
}

/// SIGKILL: the process gets no chance to finish anything.
fn kill(child: &mut Child) {
    child.kill().ok();
    child.wait().ok();
}

struct RoundWork {
    acked: Vec<(i64, String)>,
    failures: Vec<String>,
    import: RoundImport,
    import_state: Arc<Mutex<ImportState>>,
}

/// Starts the savers and the import, lets them run for `delay`, and returns
/// what was acknowledged by then. The caller kills the server right after.
async fn round_work(
    args: &CrashArgs,
    client: &reqwest::Client,
    base: &str,
    round: u32,
    file: RoundFile,
    delay: Duration,
) -> Result<RoundWork> {
    let cunji = Session::open(client, base, "cunji", &args.password).await?;
    let admin = Session::open(client, base, "admin", &args.password).await?;
    let list = cunji
        .get(&format!(
            "/api/households?area={}&page_size=200",
            cunji.area
        ))
        .await;
    if !list.ok() {
        bail!("重启后读取农户列表失败：{}", list.describe());
    }
    let households: Vec<i64> = list.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default();
    if households.is_empty() {
        bail!("村级账号的辖区内没有农户");
    }

    let acked = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let import_state = Arc::new(Mutex::new(ImportState::InFlight));
    let mut tasks = Vec::new();
    {
        let (state, failures) = (import_state.clone(), failures.clone());
        let (name, csv) = (file.name.clone(), file.csv.clone());
        tasks.push(tokio::spawn(async move {
            import(&admin, &name, csv, &state, &failures).await;
        }));
    }
    for w in 0..args.savers {
        let (s, acked, failures, households) = (
            cunji.clone(),
            acked.clone(),
            failures.clone(),
            households.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let findings = format!("{MARK} 第{round}轮 {w}-{n}");
                let household_id = households[(w + n) % households.len()];
                let a = s
                    .post_json(
                        "/api/visits",
                        json!({"household_id": household_id, "kind": "home", "findings": findings}),
                    )
                    .await;
                match (a.ok(), a.body["id"].as_i64()) {
                    (true, Some(id)) => lock(&acked).push((id, findings)),
                    // The server is gone: this save was never acknowledged.
                    _ if a.transport.is_some() => return,
                    _ => lock(&failures).push(format!("保存走访被拒绝：{}", a.describe())),
                }
            }
        }));
    }
    tokio::time::sleep(delay).await;
    // What was acknowledged up to now is what counts; the kill follows.
    let acked_now = lock(&acked).clone();
    for t in &tasks {
        t.abort();
    }
    let failures_now = lock(&failures).clone();
    Ok(RoundWork {
        acked: acked_now,
        failures: failures_now
            .into_iter()
            .map(|f| format!("第 {round} 轮：{f}"))
            .collect(),
        import: RoundImport {
            tag: import_file::round_tag(round),
            households: file.households,
            persons: file.persons,
            state: ImportState::InFlight,
        },
        import_state,
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Uploads the file and follows the job until it is finished.
async fn import(
    admin: &Session,
    name: &str,
    csv: Vec<u8>,
    state: &Mutex<ImportState>,
    failures: &Mutex<Vec<String>>,
) {
    let path = format!("/api/imports?name={}", urlencode(name));
    let a = admin
        .call(reqwest::Method::POST, &path, Some(Body::Bytes(csv)))
        .await;
    let Some(job) = a.body["job_id"].as_str().map(str::to_owned) else {
        if a.transport.is_none() {
            lock(failures).push(format!("上传导入文件被拒绝：{}", a.describe()));
        }
        return;
    };
    loop {
        let a = admin.get(&format!("/api/imports/{job}")).await;
        if a.transport.is_some() {
            return;
        }
        match a.body["status"].as_str() {
            Some("done") => {
                *lock(state) = ImportState::Done;
                return;
            }
            Some("failed") => {
                *lock(state) = ImportState::Failed;
                lock(failures).push(format!("导入失败：{}", a.body["error"]));
                return;
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Result<Vec<sea_orm::QueryResult>> {
    Ok(db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?)
}

/// The checks with the server down (on SQLite this connection is the first
/// to open the file after the crash, so it also replays the WAL).
async fn check_database(url: &str, ledger: &mut Ledger) -> Result<()> {
    let db = Database::connect(url).await.context("无法打开数据库")?;
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        for r in rows(&db, "PRAGMA integrity_check").await? {
            let line: String = r.try_get_by_index(0)?;
            if line != "ok" {
                ledger.failures.push(format!("integrity_check：{line}"));
            }
        }
        let broken = rows(&db, "PRAGMA foreign_key_check").await?;
        if !broken.is_empty() {
            ledger
                .failures
                .push(format!("foreign_key_check：{} 行外键不成立", broken.len()));
        }
    }

    // Acknowledged visits: present, once, with what was sent.
    let mut stored: HashMap<i64, String> = HashMap::new();
    let mut times: HashMap<String, u32> = HashMap::new();
    for r in rows(
        &db,
        &format!("SELECT id, findings FROM visit WHERE findings LIKE '{MARK}%'"),
    )
    .await?
    {
        let id: i64 = r.try_get("", "id")?;
        let findings: String = r.try_get("", "findings")?;
        *times.entry(findings.clone()).or_insert(0) += 1;
        stored.insert(id, findings);
    }
    for (findings, n) in &times {
        if *n > 1 {
            ledger.failures.push(format!("走访“{findings}”存了 {n} 次"));
        }
    }
    for (id, findings) in &ledger.visits {
        if stored.get(id) != Some(findings) {
            ledger
                .failures
                .push(format!("已确认的走访 {id}（{findings}）不在库中"));
        }
    }

    // Imports: each round's households and members wholly there or not at all.
    let count = |table: &str| {
        format!(
            "SELECT substr({table}_no, 13, 3) AS tag, COUNT(*) AS n FROM {table} \
             WHERE substr({table}_no, 13, 1) = '5' GROUP BY substr({table}_no, 13, 3)"
        )
    };
    let mut found: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows(&db, &count("household")).await? {
        found.entry(r.try_get("", "tag")?).or_insert((0, 0)).0 = r.try_get("", "n")?;
    }
    for r in rows(&db, &count("person")).await? {
        found.entry(r.try_get("", "tag")?).or_insert((0, 0)).1 = r.try_get("", "n")?;
    }
    if let Some(last) = ledger.imports.last()
        && last.state == ImportState::InFlight
        && found.get(&last.tag).is_some_and(|(h, _)| *h > 0)
    {
        ledger.imports_found_whole += 1;
    }
    for i in &ledger.imports {
        let (h, p) = found.get(&i.tag).copied().unwrap_or((0, 0));
        let whole = (h, p) == (i.households as i64, i.persons as i64);
        let none = (h, p) == (0, 0);
        if !(whole || none) {
            ledger.failures.push(format!(
                "导入文件 {} 只有一部分在库：{h}/{} 户，{p}/{} 人",
                i.tag, i.households, i.persons
            ));
        } else if i.state == ImportState::Done && !whole {
            ledger
                .failures
                .push(format!("已确认完成的导入 {} 不在库中", i.tag));
        }
    }
    db.close().await.ok();
    Ok(())
}

/// Reads every acknowledged visit through the API; returns what is wrong.
async fn read_back_visits(s: &Session, visits: &[(i64, String)]) -> Result<Vec<String>> {
    let mut wrong = Vec::new();
    for chunk in visits.chunks(16) {
        let answers = futures_join(s, chunk).await;
        for ((id, findings), a) in chunk.iter().zip(answers) {
            if !a.ok() || a.body["findings"] != Value::String(findings.clone()) {
                wrong.push(format!("走访 {id} 读取不符：{}", a.describe()));
            }
        }
    }
    Ok(wrong)
}

async fn futures_join(s: &Session, chunk: &[(i64, String)]) -> Vec<session::Answer> {
    let tasks: Vec<_> = chunk
        .iter()
        .map(|(id, _)| {
            let (s, id) = (s.clone(), *id);
            tokio::spawn(async move { s.get(&format!("/api/visits/{id}")).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or(session::Answer {
            status: None,
            body: Value::Null,
            transport: Some("任务中断".into()),
        }));
    }
    out
}
