//! Share of the demo county's households each must-visit rule selects:
//! `cargo run --release -p fangpin-demo --example visit_targets -- 20000 [YYYY-MM-DD]`.
//!
//! Generates the households, draws them with the seeded parameters on the
//! day given (default: 1 June of the year after the data year, as the demo
//! does when run then) and prints, for every target rule and for the 八必访
//! and 五访 lists, how many households match and their share (and, for
//! comparison, the 八必访 list if only 患大病 counted as illness).

use chrono::NaiveDate;
use fangpin_demo::{DemoConfig, households, layout};
use fangpin_domain::visits::{PRESETS, Subject, TARGET_RULES, TargetSpec};
use fangpin_domain::{PolicySet, seed_params};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args
        .iter()
        .find_map(|a| a.parse::<u32>().ok())
        .unwrap_or(20_000);
    let cfg = DemoConfig::fengdu(20_240_101, n);
    let today = args
        .iter()
        .find_map(|a| NaiveDate::parse_from_str(a, "%Y-%m-%d").ok())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(cfg.data_year + 1, 6, 1).expect("a day"));
    let policy = PolicySet::new(seed_params());
    let lay = layout(&cfg);
    let mut lists: Vec<(&str, TargetSpec)> = PRESETS
        .iter()
        .filter(|p| p.id != "all")
        .map(|p| (p.label, TargetSpec::parse(&[p.id]).expect("preset")))
        .collect();
    // For comparison only: the 八必访 list if 患病 counted 患大病 alone.
    let eight = PRESETS
        .iter()
        .find(|p| p.id == "eight_must")
        .expect("八必访");
    let major_only: Vec<&str> = eight
        .rules
        .iter()
        .map(|r| {
            if *r == "illness" {
                "serious_illness"
            } else {
                r
            }
        })
        .collect();
    lists.push((
        "八必访（对照：患病只计大病）",
        TargetSpec::parse(&major_only).expect("rules"),
    ));
    let mut per_rule = vec![0u64; TARGET_RULES.len()];
    let mut per_list = vec![0u64; lists.len()];
    let mut total = 0u64;
    for g in households(&cfg, &lay) {
        let b = g.into_bundle();
        let s = Subject::new(&b, &policy, today, false).expect("parameters of the demo county");
        total += 1;
        for (i, r) in TARGET_RULES.iter().enumerate() {
            if (r.matches)(&s) {
                per_rule[i] += 1;
            }
        }
        for (i, (_, spec)) in lists.iter().enumerate() {
            if !spec.matched(&s).is_empty() {
                per_list[i] += 1;
            }
        }
    }
    let pct = |k: u64| k as f64 * 100.0 / total.max(1) as f64;
    println!("{total} households of the demo county, drawn on {today}");
    for (r, k) in TARGET_RULES.iter().zip(&per_rule) {
        println!(
            "  {:<16} {:<12} {:>7} {:>6.1}%",
            r.id,
            r.group.label(),
            k,
            pct(*k)
        );
    }
    for ((label, _), k) in lists.iter().zip(&per_list) {
        println!("  名单 {label:<20} {k:>7} {:>6.1}%", pct(*k));
    }
}
