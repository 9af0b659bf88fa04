//! `fangpin demo`: create the synthetic demo county (if absent).

use std::time::Instant;

use anyhow::{Context, Result, bail};
use fangpin_demo::{DemoConfig, GeneratedHousehold};
use fangpin_store::{Actor, AreaRecord, HouseholdBundle, Store, settings};
use indicatif::{ProgressBar, ProgressStyle};

/// Households per insert transaction.
const BATCH: u32 = 5_000;
const STATUS: &str = "demo_status";

pub fn banner() -> String {
    "演示县：丰都县（合成数据，姓名与证件号码均为虚构）\n\
     当前版本尚未启用登录，打开上面的地址即可浏览；用户与角色将在农户档案模块中上线。"
        .to_owned()
}

/// Generates the demo county unless the database already holds it.
pub async fn ensure_demo(store: &Store, seed: u64, households: u32, reset: bool) -> Result<()> {
    if households == 0 {
        bail!("--households 应大于 0");
    }
    let existing = store.household_count().await?;
    let status = store.setting(STATUS).await?;
    if existing > 0 && !reset {
        if status.as_deref() != Some("ready") {
            bail!("数据库中的演示数据上次未生成完整，请加 --reset 重新生成");
        }
        if store.setting(settings::DEMO).await?.as_deref() != Some("true") {
            bail!("该数据库已有非演示数据，拒绝在其中生成演示县；请换一个 --database-url");
        }
        println!("演示县已存在（{existing} 户），直接启动；如需重新生成请加 --reset");
        return Ok(());
    }
    if reset && existing > 0 {
        if store.setting(settings::DEMO).await?.as_deref() != Some("true") {
            bail!("该数据库不是演示库，拒绝执行 --reset");
        }
        store
            .clear_households(&Actor::system("演示数据生成"))
            .await?;
    }

    let actor = Actor::system("演示数据生成");
    let mut cfg = DemoConfig::fengdu(seed, households);
    // The line is a stored, per-area, per-year parameter, not a constant here.
    let policy = store.policy_set().await?;
    let (line, _) = policy
        .monitoring_line(&cfg.county, cfg.data_year)
        .context("读取演示县的监测范围参数失败")?;
    cfg.monitoring_line = line;

    let started = Instant::now();
    store.set_setting(&actor, STATUS, "generating").await?;
    let layout = fangpin_demo::layout(&cfg);
    let areas: Vec<AreaRecord> = layout
        .areas
        .iter()
        .map(|a| AreaRecord {
            code: a.code,
            name: a.name.clone(),
            level: a.level,
            parent: a.parent,
        })
        .collect();
    store.insert_areas(&actor, &areas).await?;
    store.insert_village_groups(&actor, &layout.groups).await?;

    let bar = ProgressBar::new(households as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "生成演示县 [{bar:40}] {pos}/{len} 户 {per_sec} 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    // One thread generates while this task writes: generation is pure CPU and
    // deterministic per index, so order and content do not depend on timing.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<HouseholdBundle>>(2);
    let gen_cfg = cfg.clone();
    let generator = std::thread::spawn(move || {
        let layout = fangpin_demo::layout(&gen_cfg);
        let mut start = 0;
        while start < gen_cfg.households {
            let end = (start + BATCH).min(gen_cfg.households);
            let batch: Vec<HouseholdBundle> = (start..end)
                .map(|i| bundle(fangpin_demo::household(&gen_cfg, &layout, i)))
                .collect();
            if tx.blocking_send(batch).is_err() {
                return;
            }
            start = end;
        }
    });
    while let Some(batch) = rx.recv().await {
        store
            .insert_households(&actor, &format!("演示县生成（种子 {seed}）"), &batch)
            .await?;
        bar.inc(batch.len() as u64);
    }
    generator
        .join()
        .map_err(|_| anyhow::anyhow!("演示数据生成线程异常退出"))?;
    bar.finish_and_clear();

    store
        .set_setting(&actor, settings::COUNTY_CODE, &cfg.county.as_string())
        .await?;
    store
        .set_setting(&actor, settings::COUNTY_NAME, &cfg.county_name)
        .await?;
    store
        .set_setting(&actor, settings::DATA_YEAR, &cfg.data_year.to_string())
        .await?;
    store.set_setting(&actor, settings::DEMO, "true").await?;
    store.set_setting(&actor, STATUS, "ready").await?;
    let persons = store.person_count().await?;
    println!(
        "已生成演示县 {}：{} 户 {} 人，用时 {:.1} 秒（种子 {}）",
        cfg.county_name,
        households,
        persons,
        started.elapsed().as_secs_f64(),
        seed
    );
    Ok(())
}

fn bundle(g: GeneratedHousehold) -> HouseholdBundle {
    HouseholdBundle {
        household: g.household,
        members: g.members,
        incomes: vec![g.income],
    }
}
