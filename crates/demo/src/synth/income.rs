//! The income record: a per-capita target, then transfers, property, wages and the
//! farming business as the balancing item.
use super::*;

/// Round yuan to tens.
pub(super) fn tens(x: f64) -> i64 {
    ((x / 10.0).round() as i64 * 10).max(0)
}

/// The household's income record for the data year; trims the months of
/// migrant work where wages alone would pass the target.
#[allow(clippy::too_many_arguments)] // the household as generated so far, each part used
pub(super) fn income(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    lifted: bool,
    f: &Facts,
    monitor: Option<&Monitor>,
    members: &mut [Person],
    aux: &[Aux],
    cond: &LivingConditions,
) -> IncomeRecord {
    let line = cfg.monitoring_line.fen() as f64 / 100.0;
    let annual_persons = annual_persons(rng, members.len() as i64);
    // Target 人均纯收入 (awards excluded, so the target holds whatever the province's rules).
    let target_net = per_capita_target(rng, line, lifted, f, monitor) * annual_persons as f64;
    let transfers = transfers(rng, lifted, monitor, members, aux, cond);
    let transfer: i64 = transfers.iter().sum();
    let (dividend, land_rent) = property(rng, lifted, monitor, cond);
    let property = dividend + land_rent;
    let (welfare, other_wage) = wages(members, aux, target_net, transfer + property);
    let wage = welfare + other_wage;
    let supported = lifted || monitor.is_some();
    let farm = business(
        rng,
        target_net - (transfer + property + wage) as f64,
        supported,
    );
    // Awards.
    let industry_award = if supported && rng.random_bool(0.25) {
        rng.random_range(50..=300) * 10
    } else {
        0
    };
    let employment_award = if supported && f.workers > 0 && rng.random_bool(0.3) {
        rng.random_range(30..=150) * 10
    } else {
        0
    };
    let net = (wage + farm.business - farm.production_cost + property + transfer) as f64;
    let rigid = rigid_expense(rng, f, monitor, net, line, annual_persons);

    let y = Money::from_yuan;
    IncomeRecord {
        year: cfg.data_year,
        annual_persons: annual_persons as u16,
        wage: y(wage),
        wage_public_welfare: y(welfare),
        wage_other: y(other_wage),
        business: y(farm.business),
        property: y(property),
        property_dividend: y(dividend),
        property_other: y(land_rent),
        transfer: y(transfer),
        transfer_pension: y(transfers[0]),
        transfer_family_planning: y(transfers[1]),
        transfer_eco: y(transfers[2]),
        transfer_dibao: y(transfers[3]),
        transfer_tekun: y(transfers[4]),
        transfer_other: y(transfers[5]),
        industry_award: y(industry_award),
        employment_award: y(employment_award),
        production_cost: y(farm.production_cost),
        cost_subsidy: y(farm.cost_subsidy),
        rigid_expense: y(rigid),
    }
}

/// 年收入计算人口: the household size, now and then one more or one less.
fn annual_persons(rng: &mut ChaCha8Rng, n: i64) -> i64 {
    if rng.random_bool(0.03) {
        if rng.random_bool(0.5) || n == 1 {
            n + 1
        } else {
            n - 1
        }
    } else {
        n
    }
}

/// Target 人均纯收入: monitored households mostly below the line, eliminated and
/// sudden-hardship ones above it, the others log-normal with a thin left tail.
fn per_capita_target(
    rng: &mut ChaCha8Rng,
    line: f64,
    lifted: bool,
    f: &Facts,
    monitor: Option<&Monitor>,
) -> f64 {
    match monitor {
        Some(m) if m.eliminated.is_some() => line * rng.random_range(1.1..2.0),
        Some(m) if m.category == well_known::CATEGORY_SUDDEN => line * rng.random_range(1.05..2.2),
        Some(_) => {
            if rng.random_bool(0.86) {
                line * rng.random_range(0.62..0.995)
            } else {
                line * rng.random_range(1.0..1.25)
            }
        }
        None => {
            let (median, sigma) = if lifted {
                (15_500.0, 0.33)
            } else {
                (21_000.0, 0.42)
            };
            let labour_ratio = f.labour as f64 / f.size as f64;
            let median = median * (0.8 + 0.4 * labour_ratio);
            let mut x = median * (sigma * std_normal(rng)).exp();
            let mut tries = 0;
            while x < line && tries < 3 && !rng.random_bool(0.4) {
                x = median * (sigma * std_normal(rng)).exp();
                tries += 1;
            }
            if x < line && tries == 3 {
                x = line * rng.random_range(1.02..1.3);
            }
            x
        }
    }
}

/// Transfers in tens of 元: pension, family planning, eco compensation, 低保,
/// 特困 and other (disability allowances, 临时救助).
fn transfers(
    rng: &mut ChaCha8Rng,
    lifted: bool,
    monitor: Option<&Monitor>,
    members: &[Person],
    aux: &[Aux],
    cond: &LivingConditions,
) -> [i64; 6] {
    let mut pension = 0.0;
    let mut family_planning = 0.0;
    let mut other_transfer = 0.0;
    for (p, a) in members.iter().zip(aux) {
        if a.age >= 60 {
            pension +=
                12.0 * f64::from(rng.random_range(150..=if a.age >= 80 { 260 } else { 200 }));
            if rng.random_bool(0.08) {
                family_planning += 960.0;
            }
        }
        match p.health.as_str() {
            SEVERELY_DISABLED => other_transfer += 12.0 * 2.0 * 90.0,
            DISABLED if lifted || p.insurance.dibao => other_transfer += 12.0 * 90.0,
            _ => {}
        }
    }
    let eco = cond.returned_to_forest.map_or(0.0, |h| h.0 as f64 / 100.0) * 125.0
        + cond.forest_land.map_or(0.0, |h| h.0 as f64 / 100.0) * 12.0;
    let dibao_persons = members.iter().filter(|p| p.insurance.dibao).count() as f64;
    let dibao = dibao_persons * 12.0 * f64::from(rng.random_range(28..=48) * 10);
    let tekun = if members.iter().any(|p| p.insurance.tekun) {
        12.0 * f64::from(rng.random_range(70..=85) * 10)
    } else {
        0.0
    };
    if monitor.is_some_and(|m| m.eliminated.is_none()) && rng.random_bool(0.25) {
        other_transfer += f64::from(rng.random_range(50..=300) * 10); // 临时救助
    }
    [
        tens(pension),
        tens(family_planning),
        tens(eco),
        tens(dibao),
        tens(tekun),
        tens(other_transfer),
    ]
}

/// Property income: (dividend, land rent).
fn property(
    rng: &mut ChaCha8Rng,
    lifted: bool,
    monitor: Option<&Monitor>,
    cond: &LivingConditions,
) -> (i64, i64) {
    let dividend = if lifted && rng.random_bool(0.7) || monitor.is_some() && rng.random_bool(0.3) {
        tens(f64::from(rng.random_range(20..=90) * 10))
    } else {
        0
    };
    let land_rent = if rng.random_bool(0.18) {
        tens(
            cond.cultivated_land.map_or(0.0, |h| h.0 as f64 / 100.0)
                * rng.random_range(200.0..500.0),
        )
    } else {
        0
    };
    (dividend, land_rent)
}

/// Farming income never falls below this, in 元.
const MIN_BUSINESS: f64 = 300.0;

/// Wages: (公益性岗位, other). Natural amounts, scaled down if they alone would
/// exceed what the target leaves after `other` income (transfers and property)
/// — fewer months at a lower pay, the pay kept at ≥ 60 %.
fn wages(members: &mut [Person], aux: &[Aux], target_net: f64, other: i64) -> (i64, i64) {
    let welfare: i64 = members
        .iter()
        .zip(aux)
        .map(|(p, a)| i64::from(p.public_welfare_months) * a.welfare_pay)
        .sum();
    let mut other_wage: i64 = members
        .iter()
        .zip(aux)
        .map(|(p, a)| i64::from(p.work_months) * a.monthly_pay)
        .sum();
    let room = target_net - (other + welfare) as f64 - MIN_BUSINESS;
    if other_wage as f64 > room && other_wage > 0 {
        let factor = (room / other_wage as f64).max(0.0);
        let pay_factor = factor.sqrt().clamp(0.6, 1.0);
        let month_factor = (factor / pay_factor).min(1.0);
        other_wage = 0;
        for (p, a) in members.iter_mut().zip(aux) {
            if p.work_months == 0 {
                continue;
            }
            let months = ((f64::from(p.work_months) * month_factor).round() as u8).max(1);
            p.work_months = months;
            other_wage += tens(i64::from(months) as f64 * a.monthly_pay as f64 * pay_factor);
        }
    }
    (welfare, other_wage)
}

/// Farming (business) income, cost and cost subsidy.
struct Farm {
    business: i64,
    production_cost: i64,
    cost_subsidy: i64,
}

/// Business is the balancing item: what is left of the target after the rest.
fn business(rng: &mut ChaCha8Rng, left: f64, supported: bool) -> Farm {
    let business_net = left.max(MIN_BUSINESS);
    let cost_ratio = rng.random_range(0.25..0.5);
    let business = tens(business_net / (1.0 - cost_ratio));
    let production_cost = tens(business as f64 - business_net).min(business);
    let cost_subsidy = if supported && rng.random_bool(0.3) {
        tens(production_cost as f64 * rng.random_range(0.05..0.3))
    } else {
        0
    };
    Farm {
        business,
        production_cost,
        cost_subsidy,
    }
}

/// Large rigid expenses (medical out-of-pocket, disaster or accident losses):
/// a sudden-hardship household still monitored spends enough to fall to
/// 30–90 % of the line for its `persons`.
fn rigid_expense(
    rng: &mut ChaCha8Rng,
    f: &Facts,
    monitor: Option<&Monitor>,
    net: f64,
    line: f64,
    persons: i64,
) -> i64 {
    match monitor {
        Some(m) if m.category == well_known::CATEGORY_SUDDEN && m.eliminated.is_none() => {
            let after = line * rng.random_range(0.3..0.9) * persons as f64;
            tens((net - after).max(15_000.0) + f64::from(rng.random_range(0..50) * 100))
        }
        Some(m) if m.category == well_known::CATEGORY_SUDDEN => {
            tens(f64::from(rng.random_range(50..=300) * 100))
        }
        _ if f.serious_ill > 0 && rng.random_bool(0.6) => {
            tens(f64::from(rng.random_range(20..=120) * 100))
        }
        _ => 0,
    }
}
