//! A visit history for the demo county (走访 / 敲门行动), deterministic per
//! household index like the households themselves, dated relative to the
//! day the demo is generated:
//!
//! * monitoring objects whose risk is not eliminated are visited about once
//!   a month over the last six months (重点户 monthly);
//! * households on the 八必访 list were visited during the finished
//!   campaign [`finished_campaign`] — most of them, not all, so that campaign
//!   shows overdue villages;
//! * the running campaign [`running_campaign`] covers every household; a
//!   little over half have been visited so far, more in some villages;
//! * about one visit in thirty finds a hardship (因病, 收入骤减 …).

use chrono::{Days, NaiveDate};
use fangpin_domain::policy::PolicySet;
use fangpin_domain::visits::{Flag, Subject, TargetSpec, VisitKind};
use fangpin_domain::{HouseholdBundle, seed_params};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::DemoConfig;

/// Streams of visit draws start here (household streams are `0..households`).
const VISIT_STREAM: u64 = 1 << 40;

/// One generated visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoVisit {
    /// 户编号 of the household visited.
    pub household_no: String,
    /// 走访日期.
    pub date: NaiveDate,
    /// 走访方式.
    pub kind: VisitKind,
    /// Who visited (name and post).
    pub visitor: String,
    /// 走访情况.
    pub findings: String,
    /// Hardships found.
    pub flags: Vec<Flag>,
    /// 发现风险.
    pub risk_found: bool,
    /// Which demo campaign the visit belongs to, if any.
    pub campaign: Option<DemoCampaign>,
}

/// The two demo campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoCampaign {
    /// Finished: the 八必访 list, a quarter ago.
    Finished,
    /// Running: every household, around today.
    Running,
}

/// A demo campaign's name, kind code, period and target rule ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignPlan {
    /// 名称.
    pub name: String,
    /// Kind code (`fangpin_domain::visits::CampaignKind`).
    pub kind: &'static str,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub until: NaiveDate,
    /// Target rule or preset ids.
    pub targets: Vec<String>,
}

fn days_before(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).expect("date in range")
}

fn days_after(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("date in range")
}

/// The finished campaign: 大走访大排查 of the 八必访 list, ended 100 days ago.
pub fn finished_campaign(today: NaiveDate) -> CampaignPlan {
    let from = days_before(today, 190);
    CampaignPlan {
        name: format!("{}年大走访大排查（八必访）", chrono::Datelike::year(&from)),
        kind: "grand_visit",
        from,
        until: days_before(today, 100),
        targets: vec!["eight_must".into()],
    }
}

/// The running campaign: 集中排查 of every household, started 50 days ago,
/// ending in 40.
pub fn running_campaign(today: NaiveDate) -> CampaignPlan {
    let from = days_before(today, 50);
    CampaignPlan {
        name: format!(
            "{}年防止返贫监测帮扶集中排查",
            chrono::Datelike::year(&from)
        ),
        kind: "sweep",
        from,
        until: days_after(today, 40),
        targets: vec!["all".into()],
    }
}

/// Decides the demo's target lists with the seeded parameters.
pub struct VisitPlanner {
    policy: PolicySet,
    eight_must: TargetSpec,
    today: NaiveDate,
    seed: u64,
}

const CADRE_NAMES: &[&str] = &[
    "王建华",
    "李明",
    "张国强",
    "刘芳",
    "陈志刚",
    "杨丽",
    "黄永",
    "周红梅",
    "吴文军",
    "谭小平",
    "冉东",
    "秦雪",
    "向阳",
    "彭丹",
    "熊伟",
    "蒋涛",
];
const CADRE_POSTS: &[&str] = &["村党支部书记", "驻村第一书记", "网格员", "村民小组长"];

const QUIET: &[&str] = &[
    "家中情况稳定，两不愁三保障和饮水安全有保障",
    "家庭成员身体状况良好，务工收入稳定",
    "住房安全，饮水正常，子女正常上学",
    "收入来源稳定，无新增困难",
    "宣传防返贫政策和申报渠道，户主表示了解",
];

const HARDSHIPS: &[(&str, &[Flag])] = &[
    ("户主近期住院治疗，自付医疗费用较高", &[Flag::Illness]),
    (
        "家庭主要劳动力务工返乡，收入明显减少",
        &[Flag::JobLoss, Flag::IncomeDrop],
    ),
    ("房屋受暴雨影响局部受损", &[Flag::Disaster, Flag::Housing]),
    (
        "成员意外受伤，暂时无法务工",
        &[Flag::Accident, Flag::IncomeDrop],
    ),
    (
        "养殖项目亏损，家庭收入骤减",
        &[Flag::IndustryFailure, Flag::IncomeDrop],
    ),
];

impl VisitPlanner {
    /// A planner for the demo generated on `today`.
    pub fn new(cfg: &DemoConfig, today: NaiveDate) -> VisitPlanner {
        VisitPlanner {
            policy: PolicySet::new(seed_params()),
            eight_must: TargetSpec::parse(&["eight_must"]).expect("preset exists"),
            today,
            seed: cfg.seed,
        }
    }

    /// Whether the household is on the 八必访 list on the day the finished
    /// campaign drew it (the demo draws both on `today`).
    pub fn on_eight_must(&self, b: &HouseholdBundle) -> bool {
        Subject::new(b, &self.policy, self.today, false)
            .is_ok_and(|s| !self.eight_must.matched(&s).is_empty())
    }

    /// The visits of household `index`, oldest first.
    pub fn visits(&self, index: u32, b: &HouseholdBundle) -> Vec<DemoVisit> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(VISIT_STREAM + u64::from(index));
        let h = &b.household;
        // Cadres of the village.
        let village = h.area.as_u64();
        let cadre = |k: u64| {
            let i = ((village / 1000 + k * 7) % CADRE_NAMES.len() as u64) as usize;
            let p = (k % CADRE_POSTS.len() as u64) as usize;
            format!("{}（{}）", CADRE_NAMES[i], CADRE_POSTS[p])
        };
        let mut out = Vec::new();
        let mut add = |rng: &mut ChaCha8Rng,
                       date: NaiveDate,
                       kind: VisitKind,
                       campaign: Option<DemoCampaign>| {
            let risky = rng.random_range(0..30) == 0;
            let (findings, flags) = if risky {
                let (t, f) = HARDSHIPS[rng.random_range(0..HARDSHIPS.len())];
                (t.to_string(), f.to_vec())
            } else {
                (QUIET[rng.random_range(0..QUIET.len())].to_string(), vec![])
            };
            out.push(DemoVisit {
                household_no: h.household_no.clone(),
                date,
                kind,
                visitor: cadre(rng.random_range(0..4)),
                risk_found: !flags.is_empty(),
                findings,
                flags,
                campaign,
            });
        };
        let active = h.monitor_category.is_some() && h.risk_eliminated != Some(true);
        if active {
            for month in 1..=6u64 {
                let d = days_before(self.today, month * 30 - rng.random_range(0..25));
                let kind = if rng.random_bool(0.2) {
                    VisitKind::Phone
                } else {
                    VisitKind::Home
                };
                add(&mut rng, d, kind, None);
            }
        }
        let finished = finished_campaign(self.today);
        if self.on_eight_must(b) && rng.random_bool(0.88) {
            let span = (finished.until - finished.from).num_days() as u64;
            let d = days_after(finished.from, rng.random_range(0..=span));
            add(&mut rng, d, VisitKind::Sweep, Some(DemoCampaign::Finished));
        }
        // Villages progress at different speeds in the running campaign.
        let pace = 0.35 + ((village / 1000) % 7) as f64 * 0.07;
        if rng.random_bool(pace) {
            let running = running_campaign(self.today);
            let span = (self.today - running.from).num_days() as u64;
            let d = days_after(running.from, rng.random_range(0..=span));
            add(&mut rng, d, VisitKind::Sweep, Some(DemoCampaign::Running));
        }
        out.sort_by_key(|v| v.date);
        out
    }
}
