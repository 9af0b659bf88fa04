//! Each data-quality rule with a household that trips it and one that does not.

mod common;

use common::*;
use fangpin_domain::codes::well_known;
use fangpin_domain::quality::{Context, check, rules};
use fangpin_domain::{HouseholdBundle, Money, PolicySet, YearMonth, seed_params};

fn hits(b: &HouseholdBundle, today: chrono::NaiveDate) -> Vec<&'static str> {
    let p = PolicySet::new(seed_params());
    let ctx = Context { today, policy: &p };
    check(b, &ctx).into_iter().map(|f| f.rule).collect()
}

fn ym(s: &str) -> Option<YearMonth> {
    Some(YearMonth::parse(s).unwrap())
}

/// A complete, active 边缘易致贫户 identified in 2024-03 with a measure under way.
fn monitored() -> HouseholdBundle {
    let mut b = family(false, vec![income(2024, 3, 7_000, 0)]);
    let h = &mut b.household;
    h.monitor_category = Some(well_known::CATEGORY_MARGINAL.into());
    h.identified_month = ym("202403");
    h.risk_eliminated = Some(false);
    h.risks = vec!["01".into()];
    h.dev_measure_status = Some("已实施".into());
    h.collector_name = Some("王五".into());
    b
}

fn eliminated(method: &str, identified: &str, out: &str) -> HouseholdBundle {
    let mut b = monitored();
    b.incomes = vec![income(2024, 3, 12_000, 0)];
    let h = &mut b.household;
    h.risk_eliminated = Some(true);
    h.identified_month = ym(identified);
    h.eliminated_month = ym(out);
    h.elimination_method = Some(method.into());
    b
}

const TODAY: (i32, u32, u32) = (2024, 11, 20);

fn today() -> chrono::NaiveDate {
    date(TODAY.0, TODAY.1, TODAY.2)
}

#[test]
fn a_clean_household_passes_every_rule() {
    assert!(
        hits(&monitored(), today()).is_empty(),
        "{:?}",
        hits(&monitored(), today())
    );
    let ok = eliminated(well_known::ELIMINATED_BY_ASSISTANCE, "202401", "202409");
    assert!(hits(&ok, today()).is_empty(), "{:?}", hits(&ok, today()));
    assert!(hits(&family(false, vec![income(2024, 3, 9_000, 0)]), today()).is_empty());
}

#[test]
fn missing_key_fields() {
    let mut b = monitored();
    b.household.risks.clear();
    b.household.conditions.housing_secured = None;
    let p = PolicySet::new(seed_params());
    let f = check(
        &b,
        &Context {
            today: today(),
            policy: &p,
        },
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "1_11_002");
    assert_eq!(f[0].message, "监测对象缺少：致贫/返贫风险1、住房安全有保障");
}

#[test]
fn dropout_after_elimination() {
    let mut b = eliminated(well_known::ELIMINATED_BY_ASSISTANCE, "202401", "202409");
    b.members[2].dropout_after_elimination = true;
    assert_eq!(hits(&b, today()), vec!["1_11_005"]);
}

#[test]
fn development_measure_within_a_month() {
    let mut b = monitored();
    b.household.dev_measure_status = Some("尚未实施".into());
    b.household.identified_month = ym("202410");
    assert!(hits(&b, today()).is_empty(), "one month is allowed");
    b.household.identified_month = ym("202409");
    assert_eq!(hits(&b, today()), vec!["1_11_010"]);
    // 突发严重困难户 is not in the national check.
    b.household.monitor_category = Some(well_known::CATEGORY_SUDDEN.into());
    assert!(hits(&b, today()).is_empty());
}

#[test]
fn eliminated_without_contact() {
    let mut b = eliminated(well_known::ELIMINATED_NATURALLY, "202401", "202409");
    b.household.collector_name = None;
    b.household.collector_phone = Some(" ".into());
    assert_eq!(hits(&b, today()), vec!["1_11_011"]);
}

#[test]
fn eliminated_too_early_and_too_quickly() {
    let b = eliminated(well_known::ELIMINATED_NATURALLY, "202403", "202408");
    assert_eq!(hits(&b, today()), vec!["2_11_002"]);
    // Before 2022-04 the six-month rule did not apply.
    let old = eliminated(well_known::ELIMINATED_NATURALLY, "202111", "202203");
    assert!(hits(&old, today()).is_empty());
    let quick = eliminated(well_known::ELIMINATED_BY_ASSISTANCE, "202403", "202405");
    assert_eq!(
        hits(&quick, today()),
        vec!["2_11_002", "L_quick_elimination"]
    );
}

#[test]
fn work_risk_needs_workers_and_work_records() {
    let mut b = monitored();
    b.household.risks = vec!["07".into()];
    assert_eq!(hits(&b, today()), vec!["5_15_014"]);
    b.members[0].work_months = 8;
    b.members[0].work_place = Some("浙江省宁波市".into());
    assert!(hits(&b, today()).is_empty());
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_LOST.into();
    }
    b.household.no_labor_safety_net = true;
    assert_eq!(hits(&b, today()), vec!["2_11_006"]);
}

#[test]
fn lack_of_labour_against_the_family() {
    let mut b = monitored();
    b.household.risks = vec!["04".into()];
    let mut extra = member("04", "张二山", "50023019820101127", "70");
    extra.insurance.resident_medical = true;
    b.members.push(extra);
    // 4 members, 3 able to work.
    assert_eq!(hits(&b, today()), vec!["5_11_029"]);
    b.members[1].labor_skill = well_known::LABOR_WEAK.into();
    b.members[3].labor_skill = well_known::LABOR_WEAK.into();
    assert!(hits(&b, today()).is_empty(), "1 of 4 able");
}

#[test]
fn no_labour_needs_the_safety_net_flag() {
    let mut b = monitored();
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_NONE.into();
    }
    assert_eq!(hits(&b, today()), vec!["5_11_033"]);
    b.household.no_labor_safety_net = true;
    assert!(hits(&b, today()).is_empty());
}

#[test]
fn wage_floor_and_income_ceiling() {
    let mut b = monitored();
    b.incomes[0].wage = Money::from_yuan(99);
    assert_eq!(hits(&b, today()), vec!["5_15_023"]);
    b.incomes[0].wage = Money::from_yuan(100);
    assert!(hits(&b, today()).is_empty(), "100 is not below 100");
    let mut rich = monitored();
    rich.household.identified_month = ym("202303");
    rich.incomes = vec![income(2024, 3, 20_001, 0)];
    assert_eq!(hits(&rich, today()), vec!["1111_18"]);
    rich.incomes = vec![income(2024, 3, 20_000, 0)];
    assert!(hits(&rich, today()).is_empty(), "equal is not above");
}

#[test]
fn lifted_out_eliminated_checks() {
    let mut b = eliminated(well_known::ELIMINATED_BY_ASSISTANCE, "202401", "202409");
    b.household.household_type = well_known::HOUSEHOLD_LIFTED.into();
    b.household.poverty_policy = Some("1".into());
    b.incomes = vec![income(2024, 3, 8_000, 0)];
    assert_eq!(hits(&b, today()), vec!["4_11_010"]);
    b.incomes = vec![income(2024, 3, 8_300, 0)];
    assert!(
        hits(&b, today()).is_empty(),
        "at the 丰都 line is not below"
    );
    b.members[0].insurance.dibao = true;
    assert_eq!(hits(&b, today()), vec!["4_11_013"]);
    b.incomes[0].transfer = Money::from_yuan(3_600);
    b.incomes[0].transfer_dibao = Money::from_yuan(3_600);
    assert!(hits(&b, today()).is_empty());
}

#[test]
fn rule_table_is_well_formed() {
    let mut ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique");
    assert!(rules().iter().all(|r| !r.title.is_empty()));
}
