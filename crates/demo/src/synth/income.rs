//! The income record: a per-capita target, then transfers, property, wages and the
//! farming business as the balancing item.
use super::*;

/// Round yuan to tens.
pub(super) fn tens(x: f64) -> i64 {
    ((x / 10.0).round() as i64 * 10).max(0)
}

#[allow(clippy::too_many_arguments)]
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
    let n = members.len() as i64;
    let annual_persons = if rng.random_bool(0.03) {
        if rng.random_bool(0.5) || n == 1 {
            n + 1
        } else {
            n - 1
        }
    } else {
        n
    };

    // Target 人均纯收入 (awards excluded, so the target holds whatever the province's rules).
    let pc_target = match monitor {
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
    };
    let target_net = pc_target * annual_persons as f64;

    // Transfers.
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
    let transfer_items = [
        tens(pension),
        tens(family_planning),
        tens(eco),
        tens(dibao),
        tens(tekun),
        tens(other_transfer),
    ];
    let transfer: i64 = transfer_items.iter().sum();

    // Property.
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
    let property = dividend + land_rent;

    // Wages: natural amounts, scaled down if they alone would exceed the target.
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
    let min_business = 300.0;
    let room = target_net - (transfer + property + welfare) as f64 - min_business;
    if other_wage as f64 > room && other_wage > 0 {
        let factor = (room / other_wage as f64).max(0.0);
        // Fewer months at a lower pay: keep the pay at ≥ 60 % and cut the months for the rest.
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
    let wage = welfare + other_wage;

    // Business (farming) is the balancing item.
    let business_net = (target_net - (transfer + property + wage) as f64).max(min_business);
    let cost_ratio = rng.random_range(0.25..0.5);
    let business = tens(business_net / (1.0 - cost_ratio));
    let production_cost = tens(business as f64 - business_net).min(business);
    let cost_subsidy = if (lifted || monitor.is_some()) && rng.random_bool(0.3) {
        tens(production_cost as f64 * rng.random_range(0.05..0.3))
    } else {
        0
    };

    // Awards.
    let industry_award = if (lifted || monitor.is_some()) && rng.random_bool(0.25) {
        rng.random_range(50..=300) * 10
    } else {
        0
    };
    let employment_award = if (lifted || monitor.is_some()) && f.workers > 0 && rng.random_bool(0.3)
    {
        rng.random_range(30..=150) * 10
    } else {
        0
    };

    // Large rigid expenses (medical out-of-pocket, disaster or accident losses).
    let rigid = match monitor {
        Some(m) if m.category == well_known::CATEGORY_SUDDEN && m.eliminated.is_none() => {
            let net = (wage + business - production_cost + property + transfer) as f64;
            let after = line * rng.random_range(0.3..0.9) * annual_persons as f64;
            tens((net - after).max(15_000.0) + f64::from(rng.random_range(0..50) * 100))
        }
        Some(m) if m.category == well_known::CATEGORY_SUDDEN => {
            tens(f64::from(rng.random_range(50..=300) * 100))
        }
        _ if f.serious_ill > 0 && rng.random_bool(0.6) => {
            tens(f64::from(rng.random_range(20..=120) * 100))
        }
        _ => 0,
    };

    let y = Money::from_yuan;
    IncomeRecord {
        year: cfg.data_year,
        annual_persons: annual_persons as u16,
        wage: y(wage),
        wage_public_welfare: y(welfare),
        wage_other: y(other_wage),
        business: y(business),
        property: y(property),
        property_dividend: y(dividend),
        property_other: y(land_rent),
        transfer: y(transfer),
        transfer_pension: y(transfer_items[0]),
        transfer_family_planning: y(transfer_items[1]),
        transfer_eco: y(transfer_items[2]),
        transfer_dibao: y(transfer_items[3]),
        transfer_tekun: y(transfer_items[4]),
        transfer_other: y(transfer_items[5]),
        industry_award: y(industry_award),
        employment_award: y(employment_award),
        production_cost: y(production_cost),
        cost_subsidy: y(cost_subsidy),
        rigid_expense: y(rigid),
    }
}
