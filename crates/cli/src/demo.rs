//! `fangpin demo`: create the synthetic demo county (if absent).

use std::time::Instant;

use anyhow::{Context, Result, bail};
use fangpin_demo::DemoConfig;
use fangpin_demo::store_load::{self, BulkVisit, insert_visits_bulk};
use fangpin_demo::visits::{DemoVisit, VisitPlanner};
use fangpin_domain::AreaLevel;
use fangpin_domain::funds::HouseholdFunds;
use fangpin_domain::visits::{CampaignForm, NewVisit};
use fangpin_store::{Access, Actor, HouseholdBundle, NewUser, Store, settings};
use indicatif::{ProgressBar, ProgressStyle};

/// Households per insert transaction.
const BATCH: u32 = 5_000;
const STATUS: &str = "demo_status";

/// Password of the seeded demo users (demo mode only; outside it they must
/// change it at first login).
pub const DEMO_PASSWORD: &str = "Fangpin2024";

/// The demo accounts: username, display name, role, where (county / first
/// township / first village), department.
const DEMO_USERS: &[(&str, &str, &str, Where, Option<&str>)] = &[
    (
        "admin",
        "县乡村振兴局管理员",
        "county_admin",
        Where::County,
        None,
    ),
    (
        "shending",
        "县级审定人",
        "county_approver",
        Where::County,
        None,
    ),
    (
        "xiangzhen",
        "乡镇审核员",
        "township_reviewer",
        Where::Township,
        None,
    ),
    (
        "cunji",
        "村级信息员",
        "village_operator",
        Where::Village,
        None,
    ),
    (
        "bangfu",
        "帮扶责任人",
        "assistance_cadre",
        Where::Village,
        None,
    ),
    (
        "yibao",
        "县医保局数据专员",
        "dept_officer",
        Where::County,
        Some("医保"),
    ),
    ("ducha", "督查组", "inspector", Where::County, None),
    ("xitong", "系统管理员", "sys_admin", Where::County, None),
];

#[derive(Clone, Copy)]
enum Where {
    County,
    Township,
    Village,
}

pub async fn banner(store: &Store) -> Result<String> {
    let mut out =
        String::from("演示县：丰都县（合成数据，姓名与证件号码均为虚构）\n演示账号（密码均为 ");
    out.push_str(DEMO_PASSWORD);
    out.push_str("）：\n");
    for (username, role, area) in store.demo_logins().await? {
        out.push_str(&format!("  {username:<10} {role}（{area}）\n"));
    }
    Ok(out.trim_end().to_owned())
}

/// Creates the demo accounts that do not exist yet.
async fn ensure_demo_users(store: &Store, layout: &fangpin_demo::DemoLayout) -> Result<()> {
    let actor = Actor::system("演示数据生成");
    // The demo's township and village accounts work in the first rural
    // township (a 镇 or 乡, not an urban 街道) and its first 村 (not a 社区):
    // in 丰都 虎威镇 and 荷花村, where the households of a 村 are.
    let rural = |a: &&fangpin_domain::AreaNode, level: AreaLevel, ends: &[char]| {
        a.level == level && a.name.ends_with(ends)
    };
    let township = layout
        .areas
        .iter()
        .find(|a| rural(a, AreaLevel::Township, &['镇', '乡']))
        .or_else(|| layout.areas.iter().find(|a| a.level == AreaLevel::Township))
        .context("演示县没有乡镇")?;
    let under = |a: &&fangpin_domain::AreaNode| a.parent == Some(township.code);
    let village = layout
        .areas
        .iter()
        .filter(under)
        .find(|a| rural(a, AreaLevel::Village, &['村']))
        .or_else(|| {
            layout
                .areas
                .iter()
                .filter(under)
                .find(|a| a.level == AreaLevel::Village)
        })
        .context("演示乡镇没有村")?;
    for (username, name, role, place, dept) in DEMO_USERS {
        if store.user_by_username(username).await?.is_some() {
            continue;
        }
        let area = match place {
            Where::County => layout.county.code,
            Where::Township => township.code,
            Where::Village => village.code,
        };
        store
            .create_user(
                &actor,
                &NewUser {
                    username: (*username).to_owned(),
                    display_name: (*name).to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    role: (*role).to_owned(),
                    area,
                    department: dept.map(str::to_owned),
                    must_change_password: false,
                    demo_seeded: true,
                },
            )
            .await?;
    }
    Ok(())
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
        let cfg = DemoConfig::fengdu(seed, households);
        ensure_demo_users(store, &fangpin_demo::layout(&cfg)).await?;
        return Ok(());
    }
    if reset && existing > 0 {
        if store.setting(settings::DEMO).await?.as_deref() != Some("true") {
            bail!("该数据库不是演示库，拒绝执行 --reset");
        }
        store_load::clear_visits(store, &Actor::system("演示数据生成")).await?;
        store_load::clear_households(store, &Actor::system("演示数据生成")).await?;
    }

    let actor = Actor::system("演示数据生成");
    let mut cfg = DemoConfig::fengdu(seed, households);
    let access = Access {
        username: actor.name.clone(),
        ..Access::system(cfg.county)
    };
    // The line is a stored, per-area, per-year parameter, not a constant here.
    let policy = store.policy_set().await?;
    let (line, _) = policy
        .monitoring_line(&cfg.county, cfg.data_year)
        .context("读取演示县的监测范围参数失败")?;
    cfg.monitoring_line = line;

    let started = Instant::now();
    store.set_setting(&actor, STATUS, "generating").await?;
    let layout = fangpin_demo::layout(&cfg);
    if layout.official.is_empty() {
        store.insert_areas(&actor, &layout.areas).await?;
    } else {
        // The real tree with its official names, rooted at the province.
        let edition = fangpin_area_codes::stats_2023(cfg.county)?;
        store
            .load_official_areas(&actor, &edition.edition, cfg.county, &layout.official)
            .await?;
    }
    store.insert_village_groups(&actor, &layout.groups).await?;

    let bar = ProgressBar::new(u64::from(households));
    bar.set_style(
        ProgressStyle::with_template(
            "生成演示县 [{bar:40}] {pos}/{len} 户 {per_sec} 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    // One thread generates while this task writes: generation is pure CPU and
    // deterministic per index, so order and content do not depend on timing.
    // The visit history is dated back from the demo's day (FANGPIN_DEMO_NOW
    // when set), so the running campaign is running whenever the demo serves.
    let today =
        fangpin_store::calendar::china_day(crate::fixed_now()?.unwrap_or_else(chrono::Utc::now));
    type Batch = (Vec<HouseholdBundle>, Vec<BulkVisit>, Vec<HouseholdFunds>);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let gen_cfg = cfg.clone();
    let generator = std::thread::spawn(move || {
        let layout = fangpin_demo::layout(&gen_cfg);
        let planner = VisitPlanner::new(&gen_cfg, today);
        let mut start = 0;
        while start < gen_cfg.households {
            let end = (start + BATCH).min(gen_cfg.households);
            let mut visits = Vec::new();
            let mut funds = Vec::new();
            let batch: Vec<HouseholdBundle> = (start..end)
                .map(|i| {
                    let b = fangpin_demo::household(&gen_cfg, &layout, i).into_bundle();
                    visits.extend(planner.visits(i, &b).into_iter().map(bulk_visit));
                    funds.push(fangpin_demo::funds::household_funds(&gen_cfg, &b, i, today));
                    b
                })
                .collect();
            if tx.blocking_send((batch, visits, funds)).is_err() {
                return;
            }
            start = end;
        }
    });
    let mut visit_count = 0;
    let mut funds_loaded = fangpin_store::funds::FundsLoaded::default();
    // Monitored households, for their 帮扶责任人, plans and measures.
    let mut monitored: Vec<HouseholdBundle> = Vec::new();
    while let Some((batch, visits, funds)) = rx.recv().await {
        monitored.extend(
            batch
                .iter()
                .filter(|b| b.household.monitor_category.is_some())
                .cloned(),
        );
        store
            .insert_households(&access, &format!("演示县生成（种子 {seed}）"), &batch)
            .await?;
        visit_count += insert_visits_bulk(store, &actor, &visits).await?;
        // Loans, posts, awards and 务工 records, repaid up to the demo's day.
        let at = today
            .and_hms_opt(1, 0, 0)
            .context("演示日期无效")?
            .and_utc();
        let n = store_load::load_funds(store, &access, "演示县资金与就业记录", &funds, at).await?;
        funds_loaded.loans += n.loans;
        funds_loaded.posts += n.posts;
        funds_loaded.awards += n.awards;
        funds_loaded.jobs += n.jobs;
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
    ensure_demo_users(store, &layout).await?;
    demo_assistance(store, &cfg, &access, &monitored, today).await?;
    let persons = store.person_count().await?;
    println!(
        "已生成演示县 {}：{} 户 {} 人，用时 {:.1} 秒（种子 {}）",
        cfg.county_name,
        households,
        persons,
        started.elapsed().as_secs_f64(),
        seed
    );
    println!(
        "小额信贷 {} 笔，公益性岗位 {} 个，到户产业奖补 {} 笔，务工记录 {} 条",
        funds_loaded.loans, funds_loaded.posts, funds_loaded.awards, funds_loaded.jobs
    );
    demo_campaigns(store, &cfg, today, visit_count).await?;
    // The data-quality list starts filled; very large demos leave it to the
    // nightly run of `serve`.
    if households <= 200_000 {
        let checked = Instant::now();
        let mut access = fangpin_store::Access::system(cfg.county);
        access.username = "演示数据生成".into();
        let r = store.run_quality(&access, None, chrono::Utc::now()).await?;
        println!(
            "数据质量检查：{} 户，疑点 {} 条，用时 {:.1} 秒",
            r.checked,
            r.open,
            checked.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn bulk_visit(v: DemoVisit) -> BulkVisit {
    BulkVisit {
        household_no: v.household_no,
        visitor_name: v.visitor,
        visit: NewVisit {
            date: v.date,
            kind: v.kind,
            findings: v.findings,
            flags: v.flags,
            risk_found: v.risk_found,
        },
    }
}

/// The finished and the running campaign of the demo, created by the county
/// administrator's office, with the sweep visits of their periods linked.
async fn demo_campaigns(
    store: &Store,
    cfg: &DemoConfig,
    today: chrono::NaiveDate,
    visits: u64,
) -> Result<()> {
    let started = Instant::now();
    let mut access = Access::system(cfg.county);
    access.username = "县乡村振兴局".into();
    let actor = Actor::system("演示数据生成");
    // The clock of the campaigns' creation: the demo's day, 09:00 in China.
    let at = today
        .and_hms_opt(1, 0, 0)
        .context("演示日期无效")?
        .and_utc();
    for plan in [
        fangpin_demo::visits::finished_campaign(today),
        fangpin_demo::visits::running_campaign(today),
    ] {
        let form = CampaignForm {
            name: plan.name,
            kind: plan.kind.into(),
            area: cfg.county.as_string(),
            from: plan.from.to_string(),
            until: plan.until.to_string(),
            targets: plan.targets,
        };
        let id = store.create_campaign(&access, &form, at).await?;
        store_load::link_sweep_visits(store, &actor, id).await?;
    }
    println!(
        "走访记录 {} 条，集中排查 2 次，用时 {:.1} 秒",
        visits,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// 帮扶干部, 帮扶责任人, plans and measures of the monitored households; the
/// demo 帮扶责任人 login (`bangfu`) is linked to a cadre of its village.
async fn demo_assistance(
    store: &Store,
    cfg: &DemoConfig,
    access: &Access,
    monitored: &[HouseholdBundle],
    today: chrono::NaiveDate,
) -> Result<()> {
    let batch = fangpin_demo::assist::assistance(cfg, monitored);
    let at = today
        .and_hms_opt(1, 0, 0)
        .context("演示日期无效")?
        .and_utc();
    store_load::insert_assistance(store, access, &batch, at).await?;
    let pairs: usize = batch.cadres.iter().map(|c| c.households.len()).sum();
    println!(
        "帮扶干部 {} 人，结对 {} 户，帮扶措施 {} 项",
        batch.cadres.len(),
        pairs,
        batch.measures.len()
    );
    if let Some(user) = store.user_by_username("bangfu").await? {
        let area = fangpin_domain::AreaCode::parse(&user.area.code)?;
        let filter = fangpin_store::assist::CadreFilter {
            area: Some(area),
            ..Default::default()
        };
        let cadres = store.cadres(access, &filter).await?;
        let free = cadres.iter().all(|c| c.username.is_none());
        if let Some(c) = cadres.iter().max_by_key(|c| c.households).filter(|_| free) {
            store.link_cadre_user(access, c.id, "bangfu").await?;
        }
    }
    Ok(())
}
