//! Each data-quality rule with a household that trips it and one that does not.

mod common;

use common::*;
use fangpin_domain::assist::{AssistFacts, Catalogue, Measure, MeasureForm, MeasureStatus};
use fangpin_domain::codes::well_known;
use fangpin_domain::quality::{Context, check, rules};
use fangpin_domain::{HouseholdBundle, Money, PolicySet, YearMonth, seed_params};

fn hits(b: &HouseholdBundle, today: chrono::NaiveDate) -> Vec<&'static str> {
    let p = PolicySet::new(seed_params());
    let ctx = Context::new(today, &p);
    check(b, &ctx).into_iter().map(|f| f.rule).collect()
}

/// The rules that fire with the household's measures and 帮扶责任人 known.
fn hits_with(
    b: &HouseholdBundle,
    facts: &AssistFacts,
    today: chrono::NaiveDate,
) -> Vec<&'static str> {
    let p = PolicySet::new(seed_params());
    let ctx = Context {
        assist: Some(facts),
        ..Context::new(today, &p)
    };
    check(b, &ctx).into_iter().map(|f| f.rule).collect()
}

/// A measure from the shipped catalogue, started on 2024-04-10.
fn measure(code: &str, status: MeasureStatus, amount_yuan: i64) -> Measure {
    let f = MeasureForm {
        code: code.into(),
        name: String::new(),
        target_risk: "01".into(),
        started_on: date(2024, 4, 10),
        ended_on: None,
        amount_fen: amount_yuan * 100,
        status: status.code().into(),
        evidence: String::new(),
    };
    Measure::parse(&f, Catalogue::official()).unwrap()
}

fn facts(measures: Vec<Measure>) -> AssistFacts {
    AssistFacts {
        measures,
        responsible: Some("李明".into()),
        responsible_due: None,
    }
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
    let f = check(&b, &Context::new(today(), &p));
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
    b.members[0].insurance.dibao = true;
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
    b.members[0].insurance.dibao = true;
    assert_eq!(hits(&b, today()), vec!["5_11_033"]);
    b.household.no_labor_safety_net = true;
    assert!(hits(&b, today()).is_empty());
}

#[test]
fn no_labour_gets_the_safety_net() {
    let mut b = monitored();
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_NONE.into();
    }
    b.household.no_labor_safety_net = true;
    assert_eq!(hits(&b, today()), vec!["L_safety_net_missing"]);
    // A 兜底 measure carried out covers it; a planned one does not. (The
    // 开发式 measure is there for 1_11_010, which has no labour test.)
    let industry = measure("CY01", MeasureStatus::Active, 2_000);
    let planned = facts(vec![
        measure("DD02", MeasureStatus::Planned, 0),
        industry.clone(),
    ]);
    assert_eq!(
        hits_with(&b, &planned, today()),
        vec!["L_safety_net_missing"]
    );
    let done = facts(vec![measure("DD02", MeasureStatus::Active, 0), industry]);
    assert!(hits_with(&b, &done, today()).is_empty());
    // So does 低保 in the member record.
    b.members[1].insurance.dibao = true;
    assert!(hits(&b, today()).is_empty());
}

#[test]
fn development_measure_from_recorded_measures() {
    let mut b = monitored();
    b.household.identified_month = ym("202409");
    // The record says 已实施, but the recorded measures decide: only 保障.
    let protection = facts(vec![measure("JK05", MeasureStatus::Active, 0)]);
    assert_eq!(hits_with(&b, &protection, today()), vec!["1_11_010"]);
    let planned = facts(vec![measure("CY01", MeasureStatus::Planned, 0)]);
    assert_eq!(hits_with(&b, &planned, today()), vec!["1_11_010"]);
    let industry = facts(vec![
        measure("JK05", MeasureStatus::Active, 0),
        measure("CY01", MeasureStatus::Done, 2_000),
    ]);
    assert!(hits_with(&b, &industry, today()).is_empty());
    // No measures recorded: the record's field decides (已实施).
    assert!(hits_with(&b, &facts(vec![]), today()).is_empty());
}

#[test]
fn development_measure_is_checked_whatever_the_labour() {
    // policy.md §9 1_11_010: 脱贫不稳定/边缘易致贫, identified more than a
    // month ago, no 开发式 measure — the national condition has no labour test.
    let mut b = monitored();
    b.household.identified_month = ym("202409");
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_WEAK.into();
    }
    let protection = facts(vec![measure("JK05", MeasureStatus::Active, 0)]);
    assert_eq!(hits_with(&b, &protection, today()), vec!["1_11_010"]);
    b.household.dev_measure_status = Some("尚未实施".into());
    assert_eq!(hits(&b, today()), vec!["1_11_010"]);
}

/// `b` with an area parameter `no_labour_rule` for 2024.
fn hits_under_rule(b: &HouseholdBundle, rule: &str) -> Vec<&'static str> {
    let mut defs = seed_params();
    defs.push(fangpin_domain::policy::ParamDef {
        key: fangpin_domain::policy::keys::NO_LABOUR_RULE.into(),
        scope: Some(fangpin_domain::AreaCode::parse("500230").unwrap()),
        year: 2024,
        value: fangpin_domain::ParamValue::Text(rule.into()),
        confidence: fangpin_domain::Confidence::Local,
        note: "测试".into(),
    });
    let p = PolicySet::new(defs);
    check(b, &Context::new(today(), &p))
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn no_labour_has_one_definition_per_area() {
    // policy.md §9 5_11_033: “all members 无劳动力/丧失劳动力” by default. A
    // household of 弱劳动力 members is not 整户无劳动能力 then; under the
    // stricter reading of an area (“无普通或技能劳动力”) it is.
    let mut b = monitored();
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_WEAK.into();
    }
    b.members[0].insurance.dibao = true;
    assert!(hits(&b, today()).is_empty(), "{:?}", hits(&b, today()));
    assert_eq!(hits_under_rule(&b, "无普通或技能劳动力"), vec!["5_11_033"]);
    assert!(hits_under_rule(&b, "每名成员均丧失劳动力或无劳动力").is_empty());
}

/// A 资助参保 measure (城乡居民医保参保资助, JK01) started on `day`.
fn premium_subsidy(day: chrono::NaiveDate) -> Measure {
    let f = MeasureForm {
        code: "JK01".into(),
        name: String::new(),
        target_risk: "01".into(),
        started_on: day,
        ended_on: None,
        amount_fen: 38_000,
        status: MeasureStatus::Active.code().into(),
        evidence: String::new(),
    };
    Measure::parse(&f, Catalogue::official()).unwrap()
}

#[test]
fn premium_subsidy_against_the_identification_month() {
    // policy.md §9 1111_09 / 1111_13: the 2024 资助参保 cut-off is 2024-02.
    let industry = measure("CY01", MeasureStatus::Active, 2_000);
    // Identified 2024-01, before the cut-off: 2024's premium should be paid.
    let mut early = monitored();
    early.household.identified_month = ym("202401");
    let without = facts(vec![industry.clone()]);
    assert_eq!(hits_with(&early, &without, today()), vec!["1111_09"]);
    let with = facts(vec![industry.clone(), premium_subsidy(date(2024, 1, 20))]);
    assert!(hits_with(&early, &with, today()).is_empty());
    // Not yet past the cut-off month: nothing to say.
    assert!(hits_with(&early, &without, date(2024, 2, 20)).is_empty());
    // Identified 2024-03, after the cut-off: a 2024 subsidy does not fit.
    let mut late = monitored();
    late.household.identified_month = ym("202403");
    assert!(hits_with(&late, &without, today()).is_empty());
    assert_eq!(hits_with(&late, &with, today()), vec!["1111_13"]);
    // A year without a cut-off parameter (2025) is not checked.
    let next = facts(vec![industry, premium_subsidy(date(2025, 1, 5))]);
    assert!(hits_with(&late, &next, date(2025, 3, 1)).is_empty());
}

#[test]
fn travel_subsidy_needs_an_amount() {
    let b = monitored();
    let none = facts(vec![measure("JY01", MeasureStatus::Active, 0)]);
    assert_eq!(hits_with(&b, &none, today()), vec!["1111_10"]);
    let paid = facts(vec![measure("JY01", MeasureStatus::Active, 500)]);
    assert!(hits_with(&b, &paid, today()).is_empty());
}

#[test]
fn disability_subsidy_needs_a_disabled_member() {
    let mut b = monitored();
    let subsidy = facts(vec![
        measure("CY01", MeasureStatus::Active, 0),
        measure("DD04", MeasureStatus::Active, 1_200),
    ]);
    assert_eq!(
        hits_with(&b, &subsidy, today()),
        vec!["L_disability_subsidy"]
    );
    b.members[1].health = "3".into();
    assert!(hits_with(&b, &subsidy, today()).is_empty());
}

#[test]
fn responsible_person_by_the_deadline() {
    let b = monitored();
    let late = AssistFacts {
        measures: vec![],
        responsible: None,
        responsible_due: Some(date(2024, 11, 19)),
    };
    assert_eq!(hits_with(&b, &late, today()), vec!["L_responsible_missing"]);
    let due_today = AssistFacts {
        responsible_due: Some(today()),
        ..late.clone()
    };
    assert!(
        hits_with(&b, &due_today, today()).is_empty(),
        "the last day is not late"
    );
    let named = AssistFacts {
        responsible: Some("李明".into()),
        ..late
    };
    assert!(hits_with(&b, &named, today()).is_empty());
}

#[test]
fn safety_net_measure_counts_as_transfer_receipt() {
    let mut b = eliminated(well_known::ELIMINATED_BY_ASSISTANCE, "202401", "202409");
    b.household.household_type = well_known::HOUSEHOLD_LIFTED.into();
    b.household.poverty_policy = Some("1".into());
    let dibao = facts(vec![measure("DD01", MeasureStatus::Active, 3_600)]);
    assert_eq!(hits_with(&b, &dibao, today()), vec!["4_11_013"]);
    b.incomes[0].transfer = Money::from_yuan(3_600);
    assert!(hits_with(&b, &dibao, today()).is_empty());
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
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique");
    assert!(rules().iter().all(|r| !r.title.is_empty()));
}
