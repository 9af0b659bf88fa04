//! `fangpin screen`: a department feed against a registry extract, from
//! files to a warnings file, with no database.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use fangpin_domain::screening::{feed_types, seed_rules};
use fangpin_screen::{Options, Registry, screen};

/// What to screen.
pub struct Job<'a> {
    pub feed: &'a Path,
    pub feed_type: &'a str,
    pub registry: &'a Path,
    pub out: &'a Path,
    pub as_of: NaiveDate,
    pub review: Option<&'a Path>,
    /// Rule ids to run (all of the feed type's when empty).
    pub rules: &'a [String],
    pub unmasked: bool,
}

fn open(path: &Path) -> Result<BufReader<File>> {
    let f = File::open(path).with_context(|| format!("无法打开文件：{}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 20, f))
}

/// Runs the job and prints what it read and wrote.
pub fn run(job: &Job) -> Result<()> {
    let started = Instant::now();
    let types = feed_types().context("部门数据类型表有误")?;
    let Some(feed_type) = types.iter().find(|t| t.key == job.feed_type) else {
        let known: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
        bail!(
            "没有“{}”类部门数据，可选：{}",
            job.feed_type,
            known.join("、")
        );
    };
    let mut rules = seed_rules().context("预警规则表有误")?;
    if !job.rules.is_empty() {
        if let Some(unknown) = job
            .rules
            .iter()
            .find(|id| !rules.iter().any(|r| &r.id == *id))
        {
            bail!("没有编号为“{unknown}”的预警规则");
        }
        rules.retain(|r| job.rules.contains(&r.id));
    }
    let size = std::fs::metadata(job.registry).map_or(0, |m| m.len());
    let registry = Registry::read_sized(open(job.registry)?, size)?;
    let loaded = started.elapsed();
    let out = File::create(job.out).with_context(|| format!("无法写入：{}", job.out.display()))?;
    let mut review = match job.review {
        Some(p) => Some(File::create(p).with_context(|| format!("无法写入：{}", p.display()))?),
        None => None,
    };
    let summary = screen(
        &registry,
        open(job.feed)?,
        feed_type,
        &rules,
        &Options {
            as_of: job.as_of,
            unmasked: job.unmasked,
        },
        out,
        review.as_mut().map(|f| f as &mut dyn std::io::Write),
    )?;
    println!(
        "户籍底册 {} 人（读入 {:.1} 秒）；{}数据 {} 行：匹配 {} 行，未建档 {} 行，证件号无效 {} 行{}，数据有误 {} 行",
        registry.len(),
        loaded.as_secs_f64(),
        feed_type.key,
        summary.rows,
        summary.matched,
        summary.unregistered,
        summary.bad_ids,
        if job.review.is_some() {
            "（已列入复核清单）"
        } else {
            ""
        },
        summary.bad_rows,
    );
    for (rule, n) in &summary.warnings {
        println!("  规则 {rule}：{n} 条");
    }
    println!(
        "预警已写入 {}，共用时 {:.1} 秒",
        job.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
