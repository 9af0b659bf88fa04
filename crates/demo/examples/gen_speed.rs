//! Measure the generator: `cargo run --release -p fangpin-demo --example gen_speed -- 100000 [--check] [--show N]`.
//!
//! Prints households/s for generating all households one after another (single thread).
//! `--check` also verifies that every ID number is unique; `--show N` prints the first N households.

use std::collections::HashSet;
use std::time::Instant;

use fangpin_demo::{DemoConfig, household, households, layout};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<u32>().is_ok())
        .map_or(100_000, |a| a.parse().expect("number of households"));
    let check = args.iter().any(|a| a == "--check");
    let show: u32 = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .map_or(0, |s| s.parse().expect("--show N"));

    let cfg = DemoConfig::fengdu(20_240_101, n);
    let start = Instant::now();
    let lay = layout(&cfg);
    let layout_time = start.elapsed();
    println!(
        "layout: {} townships, {} villages, {} groups in {:.2?}",
        lay.townships().count(),
        lay.villages().count(),
        lay.groups.len(),
        layout_time
    );
    for i in 0..show.min(n) {
        println!("{:#?}", household(&cfg, &lay, i));
    }

    let start = Instant::now();
    let mut persons = 0usize;
    let mut ids: HashSet<u64> = HashSet::new();
    for h in households(&cfg, &lay) {
        persons += h.members.len();
        if check {
            for p in &h.members {
                let key: u64 = p.id_number.as_str()[..17].parse().expect("digits");
                assert!(ids.insert(key), "duplicate ID {}", p.id_number.as_str());
            }
        }
        std::hint::black_box(&h);
    }
    let t = start.elapsed();
    println!(
        "{n} households, {persons} persons in {:.2?}: {:.0} households/s, {:.2} µs/household{}",
        t,
        f64::from(n) / t.as_secs_f64(),
        t.as_secs_f64() * 1e6 / f64::from(n),
        if check {
            " (including the uniqueness check: all IDs unique)"
        } else {
            ""
        }
    );
}
