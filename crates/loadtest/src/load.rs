//! Load mode: many sessions at once against a running server, each logging
//! in and then, until the time is up, listing its village's households,
//! opening one and saving a visit on it.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use rand::RngExt;
use serde_json::{Value, json};

use crate::session::{self, Session};
use crate::stats::Stats;

#[derive(clap::Args)]
pub struct LoadArgs {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub base: String,
    /// Concurrent sessions (each one logged-in user at work).
    #[arg(long, default_value_t = 200)]
    pub sessions: usize,
    /// How long the sessions work, in seconds (after logging in).
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// The user every session logs in as (a village operator).
    #[arg(long, default_value = "cunji")]
    pub username: String,
    #[arg(long, default_value = "Fangpin2024")]
    pub password: String,
    /// A name for the table (e.g. the database engine).
    #[arg(long, default_value = "负载测试")]
    pub label: String,
    /// Per-request time limit in seconds; a request that takes longer is an error.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

const LOGIN: (usize, &str) = (0, "登录");
const LIST: (usize, &str) = (1, "农户列表");
const OPEN: (usize, &str) = (2, "查看农户");
const SAVE: (usize, &str) = (3, "保存走访");
const PAGE_SIZE: u64 = 20;

/// Runs the sessions and prints the table; fails when any request failed.
pub async fn run(args: LoadArgs) -> Result<()> {
    let client = session::client(args.sessions, Duration::from_secs(args.timeout))?;
    session::wait_ready(&client, &args.base, Duration::from_secs(30)).await?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.duration);
    let mut tasks = Vec::new();
    for n in 0..args.sessions {
        let client = client.clone();
        let (base, user, pw) = (
            args.base.clone(),
            args.username.clone(),
            args.password.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            let t = Instant::now();
            let (answer, session) = session::login(&client, &base, &user, &pw).await;
            stats.record(LOGIN.0, LOGIN.1, t.elapsed(), &answer);
            if let Some(s) = session {
                work(&s, n, deadline, &mut stats).await;
            }
            stats
        }));
    }
    let mut stats = Stats::default();
    for t in tasks {
        stats.merge(t.await?);
    }
    let elapsed = start.elapsed();
    println!(
        "{}",
        stats.table(
            &format!("{}：{} 个并发会话", args.label, args.sessions),
            elapsed
        )
    );
    match stats.errors() {
        0 => Ok(()),
        n => bail!("{n} 次请求失败"),
    }
}

/// One session's loop: list a page, open a household of it, save a visit.
async fn work(s: &Session, n: usize, deadline: Instant, stats: &mut Stats) {
    let mut pages = 1u64;
    let mut saved = 0u64;
    while Instant::now() < deadline {
        let page = rand::rng().random_range(1..=pages);
        let t = Instant::now();
        let list = s
            .get(&format!(
                "/api/households?area={}&page={page}&page_size={PAGE_SIZE}",
                s.area
            ))
            .await;
        stats.record(LIST.0, LIST.1, t.elapsed(), &list);
        let total = list.body["total"].as_u64().unwrap_or(0);
        pages = total.div_ceil(PAGE_SIZE).max(1);
        let ids: Vec<i64> = list.body["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
            .unwrap_or_default();
        if ids.is_empty() {
            continue;
        }
        let id = ids[rand::rng().random_range(0..ids.len())];

        let t = Instant::now();
        let open = s.get(&format!("/api/households/{id}")).await;
        stats.record(OPEN.0, OPEN.1, t.elapsed(), &open);

        saved += 1;
        let t = Instant::now();
        let save = s
            .post_json(
                "/api/visits",
                json!({
                    "household_id": id,
                    "kind": "home",
                    "findings": format!("负载测试：会话 {n} 第 {saved} 次走访，情况稳定"),
                    "flags": Value::Array(vec![]),
                }),
            )
            .await;
        stats.record(SAVE.0, SAVE.1, t.elapsed(), &save);
    }
}
