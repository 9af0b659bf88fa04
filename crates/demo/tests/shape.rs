//! Determinism and shape of the synthetic county.

use std::collections::{HashMap, HashSet};

use fangpin_demo::{DemoConfig, GeneratedHousehold, household, households, layout};
use fangpin_domain::{AreaLevel, IdNumber, IncomeRules, compute};

#[test]
fn same_seed_same_output_and_different_seed_differs() {
    let cfg = DemoConfig::fengdu(42, 2_000);
    let a_layout = layout(&cfg);
    let b_layout = layout(&cfg);
    assert_eq!(a_layout.areas, b_layout.areas);
    assert_eq!(a_layout.groups, b_layout.groups);
    let a: Vec<GeneratedHousehold> = households(&cfg, &a_layout).take(300).collect();
    let b: Vec<GeneratedHousehold> = households(&cfg, &b_layout).take(300).collect();
    assert_eq!(a, b);

    let other = DemoConfig::fengdu(43, 2_000);
    let o_layout = layout(&other);
    // The areas are the real ones whatever the seed; the village groups are drawn.
    assert_eq!(a_layout.areas, o_layout.areas);
    assert_ne!(a_layout.groups, o_layout.groups);
    let o: Vec<GeneratedHousehold> = households(&other, &o_layout).take(300).collect();
    assert_ne!(a, o);
    let differing = a.iter().zip(&o).filter(|(x, y)| x != y).count();
    assert!(differing > 290, "only {differing} of 300 households differ");
}

#[test]
fn single_index_equals_iterator_item() {
    let cfg = DemoConfig::fengdu(7, 5_000);
    let lay = layout(&cfg);
    let all: Vec<GeneratedHousehold> = households(&cfg, &lay).collect();
    assert_eq!(all.len(), 5_000);
    for i in [0u32, 1, 2, 499, 500, 1234, 2500, 4998, 4999] {
        assert_eq!(household(&cfg, &lay, i), all[i as usize], "index {i}");
    }
    // Generated out of order, in reverse: still the same.
    for i in (0..5_000u32).rev().step_by(97) {
        assert_eq!(household(&cfg, &lay, i), all[i as usize]);
    }
}

#[test]
fn ids_unique_for_households_sharing_a_sequence_block_at_one_million() {
    // With 1,000,000 households, households i ≡ 7 (mod 500) share the same sequence digits;
    // their IDs are kept apart by the birth-date residue classes.
    let cfg = DemoConfig::fengdu(2024, 1_000_000);
    let lay = layout(&cfg);
    let mut seen = HashSet::new();
    let mut persons = 0;
    for k in 0..2_000u32 {
        let h = household(&cfg, &lay, k * 500 + 7);
        for p in &h.members {
            persons += 1;
            assert!(
                seen.insert(p.id_number.clone()),
                "duplicate {}",
                p.id_number.as_str()
            );
            p.validate().unwrap();
        }
        h.household.validate().unwrap();
        h.household.validate_members(&h.members).unwrap();
    }
    assert!(persons > 5_000);
}

#[derive(Default, Debug)]
struct Tally {
    households: usize,
    /// Eliminated households without a collector (planted slips).
    slips: usize,
    persons: usize,
    lifted: usize,
    monitored: usize,
    by_category: HashMap<String, usize>,
    active: usize,
    eliminated: usize,
    by_assistance: usize,
    below_line: usize,
    below_line_monitored: usize,
    monitored_01_active: usize,
    monitored_01_active_below: usize,
    sizes: [usize; 9],
    working_age: usize,
    working_age_migrant: usize,
    disabled: usize,
    chronic: usize,
    serious: usize,
    students: usize,
    resident_medical: usize,
    minority: usize,
    welfare_posts: usize,
    dibao_persons: usize,
    elders: usize,
    minors: usize,
    pc_lifted: Vec<i64>,
    pc_ordinary: Vec<i64>,
}

fn pct(n: usize, d: usize) -> f64 {
    100.0 * n as f64 / d as f64
}

fn median(v: &mut [i64]) -> i64 {
    v.sort_unstable();
    v[v.len() / 2]
}

#[test]
fn shape_of_twenty_thousand_households() {
    let cfg = DemoConfig::fengdu(20_240_101, 20_000);
    let lay = layout(&cfg);
    let as_of = cfg.as_of();

    // Areas: 丰都县's real 30 乡镇/街道 and 338 村/社区 (统计用区划代码 2023).
    let towns: Vec<_> = lay.townships().collect();
    assert_eq!(towns.len(), 30);
    assert_eq!(lay.villages().count(), 338);
    let mut names = HashSet::new();
    for t in &towns {
        assert!(
            t.name.ends_with('镇') || t.name.ends_with('乡') || t.name.ends_with("街道"),
            "{}",
            t.name
        );
        assert_eq!(t.parent, Some(cfg.county));
        assert!(names.insert(t.name.clone()));
        let villages = lay.villages().filter(|v| v.parent == Some(t.code)).count();
        assert!(
            (5..=29).contains(&villages),
            "{} has {villages} villages",
            t.name
        );
    }
    let village_codes: HashSet<_> = lay.villages().map(|v| v.code).collect();
    // Names are unique within a 乡镇 (not county-wide: 回龙村 is in 虎威镇 and 暨龙镇).
    let mut in_town = HashSet::new();
    for v in lay.villages() {
        assert_eq!(v.code.level(), AreaLevel::Village);
        assert!(
            v.name.ends_with('村') || v.name.ends_with("社区"),
            "{}",
            v.name
        );
        assert!(
            in_town.insert((v.parent, v.name.clone())),
            "duplicate name {}",
            v.name
        );
        let groups = lay.groups.iter().filter(|g| g.village == v.code).count();
        assert!((3..=10).contains(&groups), "{} has {groups} groups", v.name);
    }
    let per_village = lay.households_per_village();
    assert_eq!(per_village.iter().map(|x| x.1).sum::<u32>(), 20_000);
    let (min, max) = (
        per_village.iter().map(|x| x.1).min().unwrap(),
        per_village.iter().map(|x| x.1).max().unwrap(),
    );
    assert!(max > 3 * min.max(1), "allocation too even: {min}..{max}");

    let rules = IncomeRules::default();
    let mut t = Tally::default();
    let mut ids: HashSet<IdNumber> = HashSet::new();
    let mut household_nos = HashSet::new();
    let mut person_nos = HashSet::new();
    for h in households(&cfg, &lay) {
        let hh = &h.household;
        hh.validate().unwrap();
        hh.validate_members(&h.members).unwrap();
        assert!(village_codes.contains(&hh.area));
        assert!(household_nos.insert(hh.household_no.clone()));
        t.households += 1;
        t.sizes[h.members.len()] += 1;
        assert_eq!(h.members[0].relation, "01");
        let head_age = h.members[0].age_on(as_of);
        for p in &h.members {
            p.validate().unwrap();
            assert_eq!(&p.id_number.as_str()[..6], "500230");
            assert_eq!(p.id_number.birth_date(), p.birth_date);
            assert_eq!(p.id_number.sex(), p.sex);
            assert!(ids.insert(p.id_number.clone()), "duplicate ID");
            assert!(person_nos.insert(p.person_no.clone()));
            let age = p.age_on(as_of);
            assert!(p.birth_date <= as_of);
            if p.relation == "20" || p.relation == "30" {
                // Children (not in-laws) are younger than the head by 18+ years;
                // in-laws are adults.
                assert!(
                    age + 18 <= head_age || age >= 18,
                    "child {age} head {head_age}"
                );
            }
            if p.relation == "40" {
                assert!(age + 36 <= head_age, "grandchild {age} head {head_age}");
            }
            if p.relation == "50" {
                assert!(age >= head_age + 18, "parent {age} head {head_age}");
            }
            t.persons += 1;
            t.elders += usize::from(age >= 60);
            t.minors += usize::from(age < 18);
            if (16..60).contains(&age) {
                t.working_age += 1;
                t.working_age_migrant += usize::from(p.work_months > 0);
            }
            if p.work_months > 0 {
                assert!(p.has_labor_capacity() || p.labor_skill == "3");
                assert!(p.work_place.is_some());
            }
            match p.health.as_str() {
                "3" | "4" => {
                    t.disabled += 1;
                    assert!(p.disability_cert_year.is_some());
                }
                "2" => t.chronic += 1,
                "5" => t.serious += 1,
                _ => assert!(p.disability_cert_year.is_none()),
            }
            if !(16..70).contains(&age) {
                assert!(matches!(p.labor_skill.as_str(), "4" | "5"));
            }
            let student = p.student_status.as_deref().unwrap();
            if student != "9" {
                t.students += 1;
                assert!((3..=23).contains(&age));
            }
            if (7..=14).contains(&age) {
                assert!(matches!(student, "2" | "3"), "age {age} student {student}");
            }
            t.resident_medical += usize::from(p.insurance.resident_medical);
            t.minority += usize::from(p.ethnicity != "01");
            t.welfare_posts += usize::from(p.public_welfare_months > 0);
            t.dibao_persons += usize::from(p.insurance.dibao);
        }

        let breakdown = compute(&h.income, &rules).expect("income computes");
        let pc = breakdown.per_capita.fen() / 100;
        let below = breakdown.per_capita < cfg.monitoring_line;
        t.below_line += usize::from(below);
        if hh.is_lifted_out() {
            t.lifted += 1;
            assert!(hh.poverty_policy.is_some());
            t.pc_lifted.push(pc);
        } else {
            assert!(hh.poverty_policy.is_none());
            t.pc_ordinary.push(pc);
        }
        if let Some(cat) = &hh.monitor_category {
            t.monitored += 1;
            *t.by_category.entry(cat.clone()).or_default() += 1;
            t.below_line_monitored += usize::from(below);
            let identified = hh.identified_month.unwrap();
            assert!((1..=5).contains(&hh.risks.len()));
            // A few eliminated households lack the collector (a planted slip
            // the data-quality list must catch); active ones always have one.
            if hh.risk_eliminated == Some(false) {
                assert!(hh.collector_name.is_some());
            } else if hh.collector_name.is_none() {
                t.slips += 1;
            }
            assert!(hh.conditions.compulsory_education_secured.is_some());
            match cat.as_str() {
                "0" => assert!(hh.is_lifted_out()),
                "1" => assert!(!hh.is_lifted_out()),
                _ => assert_eq!(cat, "2"),
            }
            let facts_ok = |code: &str| match code {
                "01" => h
                    .members
                    .iter()
                    .any(|p| matches!(p.health.as_str(), "2" | "5")),
                "03" => h
                    .members
                    .iter()
                    .any(|p| matches!(p.health.as_str(), "3" | "4")),
                "09" => h
                    .members
                    .iter()
                    .any(|p| !matches!(p.student_status.as_deref(), Some("9" | "1"))),
                "07" => h
                    .members
                    .iter()
                    .any(|p| p.work_months > 0 && p.has_labor_capacity()),
                "04" => {
                    let labour = h.members.iter().filter(|p| p.has_labor_capacity()).count();
                    labour * 2 < h.members.len()
                }
                _ => true,
            };
            for r in &hh.risks {
                assert!(facts_ok(r), "risk {r} not supported by the members");
            }
            if hh.risk_eliminated == Some(true) {
                t.eliminated += 1;
                let eliminated = hh.eliminated_month.unwrap();
                assert!(identified.months_until(eliminated) >= 6);
                assert!(eliminated <= fangpin_domain::YearMonth::from_date(as_of));
                if hh.elimination_method.as_deref() == Some("1") {
                    t.by_assistance += 1;
                }
                assert!(!below, "eliminated household below the line");
            } else {
                t.active += 1;
                assert!(hh.eliminated_month.is_none() && hh.elimination_method.is_none());
                if cat == "0" || cat == "1" {
                    t.monitored_01_active += 1;
                    t.monitored_01_active_below += usize::from(below);
                }
                if cat == "2" {
                    assert!(!below);
                    assert!(h.income.rigid_expense.fen() >= 1_500_000);
                }
            }
            let months_ago = identified.months_until(fangpin_domain::YearMonth::from_date(as_of));
            assert!((1..=48).contains(&months_ago));
        } else {
            assert!(hh.identified_month.is_none() && hh.risks.is_empty());
        }
    }

    let pc_l = median(&mut t.pc_lifted);
    let pc_o = median(&mut t.pc_ordinary);
    let report = format!(
        "households {}, persons {} ({:.2}/household)\n\
         脱贫户 {:.1}%, monitored {:.2}% (by category {:?}), active {}, eliminated {} ({:.0}% 帮扶消除)\n\
         below line {:.2}% of households, of which monitored {:.0}%; active 0/1 below line {:.0}%\n\
         sizes 1..8 {:?}\n\
         working-age 务工 {:.1}%, disabled {:.1}%, chronic {:.1}%, 大病 {:.2}%, students {:.1}%, \
         resident medical {:.2}%, minorities {:.1}%, 公益岗 {}, 低保 persons {:.1}%\n\
         median 人均纯收入: 脱贫户 {pc_l}, 一般农户 {pc_o}; aged 60+ {:.1}%, under 18 {:.1}%",
        t.households,
        t.persons,
        t.persons as f64 / t.households as f64,
        pct(t.lifted, t.households),
        pct(t.monitored, t.households),
        t.by_category,
        t.active,
        t.eliminated,
        pct(t.by_assistance, t.eliminated),
        pct(t.below_line, t.households),
        pct(t.below_line_monitored, t.below_line),
        pct(t.monitored_01_active_below, t.monitored_01_active),
        &t.sizes[1..],
        pct(t.working_age_migrant, t.working_age),
        pct(t.disabled, t.persons),
        pct(t.chronic, t.persons),
        pct(t.serious, t.persons),
        pct(t.students, t.persons),
        pct(t.resident_medical, t.persons),
        pct(t.minority, t.persons),
        t.welfare_posts,
        pct(t.dibao_persons, t.persons),
        pct(t.elders, t.persons),
        pct(t.minors, t.persons),
    );
    println!("{report}");
    // Slips are rare but present.
    assert!(
        t.slips > 0 && t.slips * 20 < t.monitored,
        "slips {}",
        t.slips
    );

    let lifted = pct(t.lifted, t.households);
    assert!((20.0..=30.0).contains(&lifted), "{report}");
    let monitored = pct(t.monitored, t.households);
    assert!((2.0..=4.0).contains(&monitored), "{report}");
    let eliminated = pct(t.eliminated, t.monitored);
    assert!((35.0..=65.0).contains(&eliminated), "{report}");
    assert!(t.sizes[1] > 0 && t.sizes[8] > 0, "{report}");
    assert!(
        t.sizes[3] + t.sizes[4] > t.sizes[1] + t.sizes[2],
        "{report}"
    );
    // Below the line: a few %, mostly monitored, but not all.
    let below = pct(t.below_line, t.households);
    assert!((1.0..=5.0).contains(&below), "{report}");
    assert!(t.below_line_monitored * 2 > t.below_line, "{report}");
    assert!(t.below_line_monitored < t.below_line, "{report}");
    assert!(
        t.monitored_01_active_below * 10 >= t.monitored_01_active * 7,
        "{report}"
    );
    let migrant = pct(t.working_age_migrant, t.working_age);
    assert!((30.0..=40.0).contains(&migrant), "{report}");
    let disabled = pct(t.disabled, t.persons);
    assert!((4.5..=7.5).contains(&disabled), "{report}");
    let chronic = pct(t.chronic, t.persons);
    assert!((7.0..=14.0).contains(&chronic), "{report}");
    let serious = pct(t.serious, t.persons);
    assert!((0.8..=2.5).contains(&serious), "{report}");
    assert!(pct(t.resident_medical, t.persons) > 97.0, "{report}");
    assert!((12_000..=17_000).contains(&pc_l), "{report}");
    assert!(pc_o > pc_l, "{report}");
    assert!(t.minority > 0 && t.welfare_posts > 0);
}

#[test]
fn tiny_counties_and_codes() {
    for n in [0u32, 1, 7, 499, 501] {
        let cfg = DemoConfig::fengdu(1, n);
        let lay = layout(&cfg);
        let all: Vec<_> = households(&cfg, &lay).collect();
        assert_eq!(all.len(), n as usize);
        assert_eq!(
            lay.households_per_village()
                .iter()
                .map(|x| x.1)
                .sum::<u32>(),
            n
        );
        for h in &all {
            h.household.validate_members(&h.members).unwrap();
        }
    }
    let cfg = DemoConfig::fengdu(1, 100);
    let lay = layout(&cfg);
    assert_eq!(lay.areas[0].code, cfg.county);
    assert_eq!(lay.county.name, "丰都县");
    // Official codes: 街道 0xx, 镇 1xx, 乡 2xx; 社区 0xx–1xx, 村 2xx.
    for t in lay.townships() {
        let no = (t.code.as_u64() / 1_000) % 1_000;
        assert_eq!(no < 100, t.name.ends_with("街道"), "{}", t.name);
        assert_eq!(no >= 200, t.name.ends_with('乡'), "{}", t.name);
    }
    for v in lay.villages() {
        let no = v.code.as_u64() % 1_000;
        assert_eq!(no >= 200, v.name.ends_with('村'), "{} {no}", v.name);
    }
    let lotus = lay
        .villages()
        .find(|v| v.code.prefix() == "500230101201")
        .unwrap();
    assert_eq!(lotus.name, "荷花村");
    assert_eq!(
        lay.official
            .iter()
            .find(|u| u.code == lotus.code)
            .map(|u| u.official_name.as_str()),
        Some("荷花村村民委员会")
    );
    let h = household(&cfg, &lay, 0);
    assert!(
        h.household
            .household_no
            .starts_with(&h.household.area.as_string())
    );
    assert!(
        h.members[0]
            .person_no
            .starts_with(&h.household.household_no)
    );
}

/// A county the official area codes do not have gets made-up 乡镇 and 村.
#[test]
fn a_county_outside_the_official_codes_is_made_up() {
    let cfg = DemoConfig {
        county: fangpin_domain::AreaCode::parse("500299").unwrap(),
        county_name: "示例县".into(),
        ..DemoConfig::fengdu(3, 500)
    };
    let lay = layout(&cfg);
    assert!(lay.official.is_empty());
    let towns = lay.townships().count();
    assert!((18..=22).contains(&towns), "{towns} townships");
    for t in lay.townships() {
        assert!(
            t.name.ends_with('镇') || t.name.ends_with('乡'),
            "{}",
            t.name
        );
        let villages = lay.villages().filter(|v| v.parent == Some(t.code)).count();
        assert!((10..=20).contains(&villages), "{villages}");
    }
    assert_eq!(
        lay.households_per_village()
            .iter()
            .map(|x| x.1)
            .sum::<u32>(),
        500
    );
    assert_eq!(
        household(&cfg, &lay, 0).household.area.county(),
        Some(cfg.county)
    );
}
