//! Monitoring status and living conditions of a household.
use super::*;

/// Household-level facts derived from the members.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Facts {
    pub(super) size: usize,
    pub(super) serious_ill: usize,
    pub(super) chronic: usize,
    pub(super) disabled: usize,
    pub(super) labour: usize,
    pub(super) workers: usize,
    pub(super) workers_with_labour: usize,
    pub(super) students: usize,
    pub(super) students_noncompulsory: usize,
    pub(super) elders: usize,
}

impl Facts {
    pub(super) fn of(members: &[Person], aux: &[Aux]) -> Facts {
        let mut f = Facts {
            size: members.len(),
            ..Facts::default()
        };
        for (p, a) in members.iter().zip(aux) {
            match p.health.as_str() {
                SERIOUS_ILLNESS => f.serious_ill += 1,
                CHRONIC => f.chronic += 1,
                DISABLED | SEVERELY_DISABLED => f.disabled += 1,
                _ => {}
            }
            let labour = p.has_labor_capacity();
            f.labour += usize::from(labour);
            if p.work_months > 0 {
                f.workers += 1;
                f.workers_with_labour += usize::from(labour);
            }
            match p.student_status.as_deref() {
                Some(STUDENT_SENIOR | STUDENT_VOCATIONAL_COLLEGE | STUDENT_UNIVERSITY) => {
                    f.students += 1;
                    f.students_noncompulsory += 1;
                }
                Some(STUDENT_PRIMARY | STUDENT_JUNIOR) => f.students += 1,
                _ => {}
            }
            f.elders += usize::from(a.age >= 60);
        }
        f
    }

    /// 缺劳动力 is plausible (and not contradicted by the national check 5_11_029).
    pub(super) fn short_of_labour(&self) -> bool {
        let implausible = self.size >= 4 && self.labour * 2 >= self.size;
        !implausible && (self.labour == 0 || self.labour * 2 < self.size)
    }
}

/// Monitoring status of a monitored household.
#[derive(Debug, Clone)]
pub(super) struct Monitor {
    pub(super) category: &'static str,
    pub(super) identified: YearMonth,
    pub(super) eliminated: Option<YearMonth>,
    pub(super) method: Option<&'static str>,
    pub(super) risks: Vec<&'static str>,
}

/// Whether the household is a monitoring object and, if so, its category,
/// months of identification and elimination, and risks.
pub(super) fn monitoring(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    lifted: bool,
    f: &Facts,
    members: &[Person],
) -> Option<Monitor> {
    let score = 1.0
        + 1.6 * f64::from(u8::from(f.serious_ill > 0))
        + 0.6 * f64::from(u8::from(f.chronic > 0))
        + 1.0 * f64::from(u8::from(f.disabled > 0))
        + 0.9 * f64::from(u8::from(f.short_of_labour()))
        + 0.4 * f64::from(u8::from(f.students_noncompulsory > 0));
    let base = if lifted { 0.064 } else { 0.020 };
    if !rng.random_bool((base * score / 1.9).min(0.9)) {
        return None;
    }
    let as_of_month = YearMonth::new(cfg.data_year, 12).expect("valid data year");
    let ago = rng.random_range(1..=48);
    let identified = as_of_month.plus_months(-ago);
    let p_elim = if ago >= 7 {
        0.25 + 0.6 * f64::from(ago - 7) / 41.0
    } else {
        0.0
    };
    let (eliminated, method) = if rng.random_bool(p_elim) {
        let latest = (ago - 6).min(30);
        let after = rng.random_range(6..=6 + latest.max(0));
        let method = if rng.random_bool(0.85) {
            well_known::ELIMINATED_BY_ASSISTANCE
        } else {
            well_known::ELIMINATED_NATURALLY
        };
        (Some(identified.plus_months(after)), Some(method))
    } else {
        (None, None)
    };
    let sudden = rng.random_bool(0.15);
    let category = if sudden {
        well_known::CATEGORY_SUDDEN
    } else if lifted {
        well_known::CATEGORY_UNSTABLE
    } else {
        well_known::CATEGORY_MARGINAL
    };
    Some(Monitor {
        category,
        identified,
        eliminated,
        method,
        risks: risks(rng, f, members, sudden),
    })
}

/// Candidate risks with weights, from the facts.
fn risk_candidates(f: &Facts, members: &[Person]) -> Vec<(&'static str, u32)> {
    let mut cands: Vec<(&'static str, u32)> = Vec::with_capacity(10);
    if f.serious_ill > 0 {
        cands.push((RISK_ILLNESS, 50));
    } else if f.chronic > 0 {
        cands.push((RISK_ILLNESS, 25));
    }
    if f.disabled > 0 {
        cands.push((RISK_DISABILITY, 30));
    }
    if f.short_of_labour() {
        cands.push((RISK_LABOUR, 28));
    }
    if f.students_noncompulsory > 0 {
        cands.push((RISK_SCHOOLING, 20));
    } else if f.students > 0 {
        cands.push((RISK_SCHOOLING, 5));
    }
    let has_worker_with_labour = members
        .iter()
        .any(|p| p.work_months > 0 && p.has_labor_capacity());
    if has_worker_with_labour {
        cands.push((RISK_EMPLOYMENT, 12));
    }
    cands
}

/// One to three risks: the first from the facts (or, for 突发严重困难户, the
/// sudden cause), the others drawn from the remaining candidates.
fn risks(rng: &mut ChaCha8Rng, f: &Facts, members: &[Person], sudden: bool) -> Vec<&'static str> {
    let mut cands = risk_candidates(f, members);
    let mut risks: Vec<&'static str> = Vec::with_capacity(3);
    if sudden {
        // 突发严重困难户: a sudden large expense from illness, an accident or a disaster.
        let first = if f.serious_ill + f.chronic > 0 && rng.random_bool(0.65) {
            RISK_ILLNESS
        } else if rng.random_bool(0.55) {
            RISK_ACCIDENT
        } else if rng.random_bool(0.6) {
            RISK_FLOOD
        } else {
            RISK_GEOLOGICAL
        };
        risks.push(first);
    } else if cands.is_empty() {
        let others: [(&'static str, u32); 5] = [
            (RISK_INDUSTRY, 35),
            (RISK_FLOOD, 20),
            (RISK_GEOLOGICAL, 10),
            (RISK_ACCIDENT, 20),
            (RISK_OTHER, 15),
        ];
        let w: Vec<u32> = others.iter().map(|o| o.1).collect();
        risks.push(others[weighted(rng, &w)].0);
    } else {
        let w: Vec<u32> = cands.iter().map(|c| c.1).collect();
        risks.push(cands[weighted(rng, &w)].0);
    }
    let extra = weighted(rng, &[50, 35, 15]);
    cands.push((RISK_INDUSTRY, 6));
    cands.push((RISK_FLOOD, 3));
    cands.retain(|c| !risks.contains(&c.0));
    for _ in 0..extra {
        if cands.is_empty() {
            break;
        }
        let w: Vec<u32> = cands.iter().map(|c| c.1).collect();
        let k = weighted(rng, &w);
        risks.push(cands.swap_remove(k).0);
    }
    risks
}

pub(super) fn hundredths(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> Hundredths {
    Hundredths((rng.random_range(lo..hi) * 100.0).round() as i64)
}

pub(super) fn conditions(
    rng: &mut ChaCha8Rng,
    lifted: bool,
    monitor: Option<&Monitor>,
) -> LivingConditions {
    let monitored = monitor.is_some();
    let active = monitor.is_some_and(|m| m.eliminated.is_none());
    let land: f64 =
        rng.random_range(if lifted { 0.5 } else { 0.8 }..if lifted { 5.5 } else { 7.5 });
    let cultivated = Hundredths((land * 10.0).round() as i64 * 10);
    let irrigated = Hundredths((cultivated.0 as f64 * rng.random_range(0.15..0.75)).round() as i64);
    let forest = if rng.random_bool(0.6) {
        hundredths(rng, 0.5, 15.0)
    } else {
        Hundredths(0)
    };
    let returned = if forest.0 > 0 && rng.random_bool(0.4) {
        Hundredths((forest.0 as f64 * rng.random_range(0.2..0.8)).round() as i64)
    } else {
        Hundredths(0)
    };
    let orchard = if rng.random_bool(0.3) {
        hundredths(rng, 0.3, 3.0)
    } else {
        Hundredths(0)
    };
    let water = if rng.random_bool(0.05) {
        hundredths(rng, 0.2, 2.0)
    } else {
        Hundredths(0)
    };
    let road = ["普通硬化路", "砂石路", "泥土路"][weighted(rng, &[82, 13, 5])];
    let distance = if rng.random_bool(0.7) {
        hundredths(rng, 0.0, 0.5)
    } else {
        hundredths(rng, 0.5, 3.0)
    };
    let industry = (lifted || monitored).then(|| {
        [
            "种植业",
            "养殖业",
            "种养结合",
            "林业",
            "乡村旅游",
            "农产品加工",
        ][weighted(rng, &[40, 30, 15, 8, 4, 3])]
        .to_string()
    });
    let fuel =
        ["柴草", "电", "液化气", "天然气", "煤", "沼气"][weighted(rng, &[32, 30, 20, 8, 6, 4])];
    let grade_w: [u32; 4] = if active {
        [35, 55, 10, 0]
    } else {
        [55, 42, 3, 0]
    };
    let grade = ["A", "B", "C", "D"][weighted(rng, &grade_w)];
    let is_unsafe = matches!(grade, "C" | "D");
    let safe_water = !rng.random_bool(if active { 0.05 } else { 0.015 });
    LivingConditions {
        cultivated_land: Some(cultivated),
        irrigated_land: Some(irrigated),
        forest_land: Some(forest),
        returned_to_forest: Some(returned),
        orchard_land: Some(orchard),
        grassland: Some(Hundredths(0)),
        water_surface: Some(water),
        road_type: Some(road.to_string()),
        distance_to_main_road: Some(distance),
        in_cooperative: rng.random_bool(if lifted { 0.45 } else { 0.25 }),
        leading_enterprise: rng.random_bool(if lifted { 0.3 } else { 0.12 }),
        entrepreneur_leader: rng.random_bool(0.1),
        industry_support_type: industry,
        household_electricity: true,
        production_electricity: rng.random_bool(0.92),
        radio_tv: rng.random_bool(0.98),
        main_fuel: Some(fuel.to_string()),
        sanitary_toilet: rng.random_bool(0.86),
        housing_area: Some(Hundredths(rng.random_range(55..=220) * 100)),
        housing_grade: Some(grade.to_string()),
        is_unsafe_house: is_unsafe,
        safe_drinking_water: Some(safe_water),
        compulsory_education_secured: monitored.then_some(true),
        housing_secured: monitored.then_some(!is_unsafe),
        drinking_water_secured: monitored.then_some(safe_water),
    }
}
