//! The county's administrative layout: townships, villages, village groups, and how the
//! households are spread over the villages. The townships and villages are the real ones of
//! the official area codes when the county is in them; the village groups are made up.

use std::collections::HashSet;

use fangpin_domain::area_edition::OfficialArea;
use fangpin_domain::{AreaCode, AreaLevel, VillageGroup, short_name};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{self, SurnameTable};
use crate::{AreaNode, DemoConfig, DemoLayout};

/// Stream number of the layout generator (household streams use their index, which is below 2^32).
const LAYOUT_STREAM: u64 = 1 << 40;

/// Per-village facts the household generator needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VillageInfo {
    /// Position of the village in `DemoLayout::areas`.
    pub area_idx: usize,
    pub code: AreaCode,
    /// Number of village groups (3..=10).
    pub groups: u16,
    /// Share of 脱贫户 among its households.
    pub lifted_share: f64,
    /// Share of households of a minority (土家族/苗族) head.
    pub minority_share: f64,
    /// Two locally dominant surnames (indices into the surname table).
    pub clan_surnames: [u16; 2],
    /// Share of households carrying one of the dominant surnames.
    pub clan_share: f64,
    /// Name of the village's information collector (信息采集人) and phone.
    pub collector_name: String,
    pub collector_phone: String,
}

/// The townships of the county, each with its villages, before the per-village facts are drawn.
struct Town {
    code: AreaCode,
    name: String,
    villages: Vec<(AreaCode, String)>,
}

/// The county's real 乡镇/街道 and 村/社区 from the official area codes
/// shipped with the program, or `None` when the county is not in them.
fn official_towns(county: AreaCode) -> Option<(Vec<OfficialArea>, Vec<Town>)> {
    let tree = fangpin_area_codes::stats_2023(county).ok()?;
    let mut towns: Vec<Town> = Vec::new();
    for unit in &tree.units {
        match unit.level {
            AreaLevel::Township => towns.push(Town {
                code: unit.code,
                name: short_name(&unit.official_name),
                villages: Vec::new(),
            }),
            AreaLevel::Village => {
                let town = towns.last_mut().filter(|t| Some(t.code) == unit.parent)?;
                town.villages
                    .push((unit.code, short_name(&unit.official_name)));
            }
            _ => {}
        }
    }
    Some((tree.units.clone(), towns))
}

/// 18–22 townships of 10–20 villages with made-up names, for a county the
/// official area codes do not have.
fn synthetic_towns(rng: &mut ChaCha8Rng, county: AreaCode) -> Vec<Town> {
    let n_towns = rng.random_range(18..=22usize);
    let mut town_names: HashSet<String> = HashSet::new();
    let mut village_names: HashSet<String> = HashSet::new();
    // Town names first, then sort 镇 before 乡 so that 镇 get 1xx codes and 乡 get 2xx codes.
    let mut bases: Vec<(bool, String)> = Vec::with_capacity(n_towns);
    while bases.len() < n_towns {
        let base = format!(
            "{}{}",
            names::pick(rng, names::TOWN_FIRST),
            names::pick(rng, names::TOWN_SECOND)
        );
        if base.chars().next() == base.chars().nth(1) || !town_names.insert(base.clone()) {
            continue;
        }
        let is_xiang = rng.random_bool(0.25);
        bases.push((is_xiang, base));
    }
    bases.sort_by_key(|(is_xiang, _)| *is_xiang);

    let (mut zhen_no, mut xiang_no) = (100u32, 200u32);
    let mut towns = Vec::with_capacity(n_towns);
    for (is_xiang, base) in bases {
        let (no, suffix) = if is_xiang {
            xiang_no += 1;
            (xiang_no, "乡")
        } else {
            zhen_no += 1;
            (zhen_no, "镇")
        };
        let code = county.child(no).expect("township number within 1..=999");
        let n_villages = rng.random_range(10..=20u32);
        let mut villages = Vec::new();
        for j in 0..n_villages {
            let name = loop {
                let base = format!(
                    "{}{}",
                    names::pick(rng, names::VILLAGE_FIRST),
                    names::pick(rng, names::VILLAGE_SECOND)
                );
                let name = format!("{base}村");
                if village_names.insert(name.clone()) {
                    break name;
                }
            };
            let village = code.child(201 + j).expect("village number within 1..=999");
            villages.push((village, name));
        }
        towns.push(Town {
            code,
            name: format!("{base}{suffix}"),
            villages,
        });
    }
    towns
}

/// Build the layout. Deterministic in `cfg.seed`; the allocation also depends on `cfg.households`.
/// A county in the official area codes (丰都县 500230) gets its real
/// 乡镇/街道 and 村/社区; any other county gets made-up ones.
pub(crate) fn build(cfg: &DemoConfig) -> DemoLayout {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(LAYOUT_STREAM);
    let surnames = SurnameTable::new();

    let county = AreaNode {
        code: cfg.county,
        name: cfg.county_name.clone(),
        level: AreaLevel::County,
        parent: cfg.county.parent(),
    };
    let (official, towns) = match official_towns(cfg.county) {
        Some(real) => real,
        None => (Vec::new(), synthetic_towns(&mut rng, cfg.county)),
    };
    let mut areas = vec![county.clone()];
    let mut groups = Vec::new();
    let mut villages = Vec::new();

    for town in towns {
        areas.push(AreaNode {
            code: town.code,
            name: town.name.clone(),
            level: AreaLevel::Township,
            parent: Some(cfg.county),
        });
        // Remote 乡 carry more 脱贫户 than 镇 and 街道 near the county seat.
        let is_xiang = town.name.ends_with('乡');
        let town_lifted = if is_xiang { 0.31 } else { 0.23 } + rng.random_range(-0.04..0.04);
        for (code, name) in town.villages {
            let area_idx = areas.len();
            areas.push(AreaNode {
                code,
                name,
                level: AreaLevel::Village,
                parent: Some(town.code),
            });
            let n_groups = rng.random_range(3..=10u16);
            for no in 1..=n_groups {
                groups.push(VillageGroup {
                    village: code,
                    no,
                    name: VillageGroup::default_name(no),
                });
            }
            let clan_surnames = [surnames.sample(&mut rng), surnames.sample(&mut rng)];
            let minority_share = if rng.random_bool(0.15) {
                rng.random_range(0.10..0.35)
            } else {
                rng.random_range(0.0..0.04)
            };
            let collector_surname = surnames.sample(&mut rng);
            let collector_birth = rng.random_range(1965..1995);
            let collector_male = rng.random_bool(0.6);
            let collector_name =
                names::full_name(&mut rng, collector_surname, collector_birth, collector_male);
            let collector_phone = crate::synth::phone_number(&mut rng);
            villages.push(VillageInfo {
                area_idx,
                code,
                groups: n_groups,
                lifted_share: (town_lifted + rng.random_range(-0.08..0.08f64)).clamp(0.05, 0.6),
                minority_share,
                clan_surnames,
                clan_share: rng.random_range(0.15..0.45),
                collector_name,
                collector_phone,
            });
        }
    }

    let village_start = allocate(&mut rng, &villages, cfg.households);
    // Re-centre the village 脱贫 shares on the allocation so the county-wide share is ≈25 %.
    let total = f64::from(cfg.households.max(1));
    let weighted: f64 = villages
        .iter()
        .enumerate()
        .map(|(v, info)| info.lifted_share * f64::from(village_start[v + 1] - village_start[v]))
        .sum::<f64>()
        / total;
    if weighted > 0.0 {
        for info in &mut villages {
            info.lifted_share = (info.lifted_share * 0.25 / weighted).clamp(0.03, 0.7);
        }
    }

    DemoLayout {
        county,
        areas,
        official,
        groups,
        villages,
        village_start,
        surnames,
    }
}

/// Spread `total` households over the villages unevenly: a village's weight grows with its
/// number of groups and carries a log-normal factor. Returns cumulative starts (len villages+1).
fn allocate(rng: &mut ChaCha8Rng, villages: &[VillageInfo], total: u32) -> Vec<u32> {
    let weights: Vec<f64> = villages
        .iter()
        .map(|v| {
            let z = crate::synth::std_normal(rng);
            f64::from(v.groups) * (0.45 * z).exp()
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * f64::from(total)).collect();
    let mut counts: Vec<u32> = exact.iter().map(|e| e.floor() as u32).collect();
    let assigned: u32 = counts.iter().sum();
    // Largest remainder, ties broken by position.
    let mut order: Vec<usize> = (0..villages.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &v in order.iter().take((total - assigned) as usize) {
        counts[v] += 1;
    }
    let mut starts = Vec::with_capacity(villages.len() + 1);
    let mut acc = 0u32;
    starts.push(0);
    for c in counts {
        acc += c;
        starts.push(acc);
    }
    debug_assert_eq!(acc, total);
    starts
}
