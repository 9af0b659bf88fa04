//! Golden digest of the synthetic county: the same seed must keep producing the same
//! county, byte for byte, across refactors of the generator. A deliberate change of the
//! generated data (or of a generated type's fields) updates the digests below.

use chrono::NaiveDate;
use fangpin_demo::visits::VisitPlanner;
use fangpin_demo::{DemoConfig, assist, funds, households, layout};
use fangpin_domain::HouseholdBundle;

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, value: &impl std::fmt::Debug) {
        for byte in format!("{value:?}").bytes().chain([0xff]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn digests(seed: u64, n: u32) -> [u64; 5] {
    let cfg = DemoConfig::fengdu(seed, n);
    let lay = layout(&cfg);
    let mut county = Fnv::new();
    county.add(&lay.areas);
    county.add(&lay.groups);
    county.add(&lay.households_per_village());
    let bundles: Vec<HouseholdBundle> = households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let mut homes = Fnv::new();
    for b in &bundles {
        homes.add(b);
    }
    let mut help = Fnv::new();
    help.add(&assist::assistance(&cfg, &bundles));
    let today = NaiveDate::from_ymd_opt(2025, 6, 15).expect("valid date");
    let mut money = Fnv::new();
    for (i, b) in (0u32..).zip(&bundles) {
        money.add(&funds::household_funds(&cfg, b, i, today));
    }
    let planner = VisitPlanner::new(&cfg, today);
    let mut visits = Fnv::new();
    for (i, b) in (0u32..).zip(&bundles) {
        visits.add(&planner.on_eight_must(b));
        visits.add(&planner.visits(i, b));
    }
    [county.0, homes.0, help.0, money.0, visits.0]
}

#[test]
fn the_county_of_a_fixed_seed_does_not_change() {
    let got = digests(20_240_601, 3_000);
    let want = [
        0xf443_4abe_5bb1_5110, // layout
        0x40a1_7b83_8b14_1700, // households, members, incomes
        0xb480_262d_bcce_4419, // assistance
        0x3eeb_bd71_150e_a2ac, // loans, posts, awards, work
        0x3463_079b_ff81_8498, // visits
    ];
    assert_eq!(got, want, "digests: {got:#018x?}");
}
