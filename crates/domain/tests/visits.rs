//! Each visit target rule (全部农户, 监测对象 by category, 八必访, 五访, 独居老人 …)
//! with a household it selects and one it does not.

mod common;

use common::*;
use fangpin_domain::codes::well_known;
use fangpin_domain::visits::{Subject, TARGET_RULES, TargetSpec, target_rule};
use fangpin_domain::{HouseholdBundle, Money, PolicySet, seed_params};

const TODAY: (i32, u32, u32) = (2026, 5, 10);

fn matches_with(rule: &str, b: &HouseholdBundle, warned: bool) -> bool {
    let p = PolicySet::new(seed_params());
    let s = Subject::new(b, &p, date(TODAY.0, TODAY.1, TODAY.2), warned).unwrap();
    (target_rule(rule).unwrap().matches)(&s)
}

fn matches(rule: &str, b: &HouseholdBundle) -> bool {
    matches_with(rule, b, false)
}

/// An ordinary family of three well above the 2024 line (8,300 in 丰都).
fn plain() -> HouseholdBundle {
    family(false, vec![income(2024, 3, 15_000, 0)])
}

fn monitored(category: &str) -> HouseholdBundle {
    let mut b = family(false, vec![income(2024, 3, 7_000, 0)]);
    b.household.monitor_category = Some(category.into());
    b.household.risk_eliminated = Some(false);
    b.household.risks = vec!["01".into()];
    b
}

fn eliminated(category: &str) -> HouseholdBundle {
    let mut b = monitored(category);
    b.household.risk_eliminated = Some(true);
    b
}

/// Asserts the rule selects `yes` and not `no`.
fn check(rule: &str, yes: &HouseholdBundle, no: &HouseholdBundle) {
    assert!(matches(rule, yes), "{rule} should select its household");
    assert!(!matches(rule, no), "{rule} should pass over the other");
}

#[test]
fn every_rule_is_covered_below() {
    let covered = [
        "all",
        "monitored",
        "lifted",
        "unstable",
        "marginal",
        "sudden",
        "low_income",
        "illness",
        "tekun",
        "dibao_new",
        "disability",
        "students",
        "migrant",
        "misfortune",
        "dibao",
        "dept_warning",
        "serious_illness",
        "elderly_alone",
        "no_labour",
    ];
    let ids: Vec<&str> = TARGET_RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, covered);
}

#[test]
fn basic_lists() {
    assert!(matches("all", &plain()));
    assert!(matches("all", &monitored(well_known::CATEGORY_SUDDEN)));
    check(
        "monitored",
        &monitored(well_known::CATEGORY_MARGINAL),
        &eliminated(well_known::CATEGORY_MARGINAL),
    );
    check(
        "lifted",
        &family(true, vec![income(2024, 3, 15_000, 0)]),
        &plain(),
    );
    check(
        "unstable",
        &monitored(well_known::CATEGORY_UNSTABLE),
        &monitored(well_known::CATEGORY_MARGINAL),
    );
    check(
        "marginal",
        &monitored(well_known::CATEGORY_MARGINAL),
        &eliminated(well_known::CATEGORY_MARGINAL),
    );
    check(
        "sudden",
        &monitored(well_known::CATEGORY_SUDDEN),
        &monitored(well_known::CATEGORY_UNSTABLE),
    );
}

#[test]
fn low_income_below_the_share_of_the_line_or_falling() {
    // 100 % of 8,300 by default (within the 监测范围): just under selects,
    // equal does not.
    check(
        "low_income",
        &family(false, vec![income(2024, 3, 8_299, 0)]),
        &family(false, vec![income(2024, 3, 8_300, 0)]),
    );
    // A county that raises the share (e.g. 丰都's 1万元 低收入户 ≈ 121 %).
    let mut params = seed_params();
    params.push(fangpin_domain::policy::ParamDef {
        key: fangpin_domain::policy::keys::VISIT_LOW_INCOME_PCT.into(),
        scope: Some(fangpin_domain::AreaCode::parse("500230000000").unwrap()),
        year: TODAY.0,
        value: fangpin_domain::policy::ParamValue::Int(121),
        confidence: fangpin_domain::policy::Confidence::Local,
        note: String::new(),
    });
    let raised = PolicySet::new(params);
    let low = family(false, vec![income(2024, 3, 10_042, 0)]);
    let s = Subject::new(&low, &raised, date(TODAY.0, TODAY.1, TODAY.2), false).unwrap();
    assert!((target_rule("low_income").unwrap().matches)(&s));
    assert!(!matches("low_income", &low));
    // A fall of 30 % or more from the year before.
    check(
        "low_income",
        &family(
            false,
            vec![income(2023, 3, 20_000, 0), income(2024, 3, 14_000, 0)],
        ),
        &family(
            false,
            vec![income(2023, 3, 20_000, 0), income(2024, 3, 14_001, 0)],
        ),
    );
    assert!(!matches("low_income", &family(false, vec![])));
}

#[test]
fn health_and_assistance_lists() {
    let with = |f: fn(&mut HouseholdBundle)| {
        let mut b = plain();
        f(&mut b);
        b
    };
    check(
        "illness",
        &with(|b| b.members[1].health = "2".into()),
        &with(|b| b.members[1].health = "3".into()),
    );
    check(
        "serious_illness",
        &with(|b| b.members[1].health = "5".into()),
        &with(|b| b.members[1].health = "2".into()),
    );
    check(
        "disability",
        &with(|b| b.members[0].health = "4".into()),
        &with(|b| b.members[0].health = "5".into()),
    );
    check(
        "tekun",
        &with(|b| b.members[0].insurance.tekun = true),
        &with(|b| b.members[0].insurance.dibao = true),
    );
    check(
        "dibao",
        &with(|b| b.members[2].insurance.dibao = true),
        &with(|b| b.members[2].insurance.tekun = true),
    );
    // 新纳入低保: 低保 now, but no 低保金 in the latest year or the year before.
    let on_dibao = |years: &[(i32, i64)]| {
        let mut b = plain();
        b.incomes = years
            .iter()
            .map(|(y, dibao)| {
                let mut r = income(*y, 3, 15_000, 0);
                r.transfer_dibao = Money::from_yuan(*dibao);
                r.transfer = r.transfer_dibao;
                r
            })
            .collect();
        b.members[2].insurance.dibao = true;
        b
    };
    check(
        "dibao_new",
        &on_dibao(&[(2024, 0)]),
        &on_dibao(&[(2024, 4_800)]),
    );
    check(
        "dibao_new",
        &on_dibao(&[(2023, 0), (2024, 2_400)]),
        &on_dibao(&[(2023, 4_800), (2024, 4_800)]),
    );
    let mut no_dibao = on_dibao(&[(2024, 0)]);
    no_dibao.members[2].insurance.dibao = false;
    assert!(
        !matches("dibao_new", &no_dibao),
        "without 低保 it is not new 低保"
    );
}

#[test]
fn students_migrant_work_and_misfortune() {
    let mut two = plain();
    two.members[2].student_status = Some("4".into());
    two.members[1].student_status = Some("6".into());
    let mut one = plain();
    one.members[2].student_status = Some("4".into());
    check("students", &two, &one);

    // Wages are the whole income; unstable when someone worked away fewer
    // months than the stable-work parameter (6 by default).
    let mut short = plain();
    short.members[0].work_months = 5;
    let mut steady = plain();
    steady.members[0].work_months = 6;
    check("migrant", &short, &steady);
    let mut farm = plain();
    farm.incomes[0].business = Money::from_yuan(60_000);
    farm.members[0].work_months = 4;
    assert!(!matches("migrant", &farm), "wages below the share");

    let mut flood = plain();
    flood.household.risks = vec!["0201".into()];
    check("misfortune", &flood, &plain());
    // Rigid expense above the year's net income (100 % by default).
    check(
        "misfortune",
        &family(false, vec![income(2024, 3, 15_000, 45_001)]),
        &family(false, vec![income(2024, 3, 15_000, 45_000)]),
    );
    check(
        "misfortune",
        &monitored(well_known::CATEGORY_SUDDEN),
        &monitored(well_known::CATEGORY_MARGINAL),
    );
}

#[test]
fn department_warning_elderly_and_no_labour() {
    assert!(matches_with("dept_warning", &plain(), true));
    assert!(!matches_with("dept_warning", &plain(), false));

    let alone = |birth: &str| {
        let mut b = plain();
        b.members.truncate(1);
        b.household.current_size = 1;
        b.members[0] = member("01", "张大山", birth, "01");
        b.household.head_id = b.members[0].id_number.clone();
        b
    };
    // 60 on 2026-05-10: born on or before 1966-05-10.
    check(
        "elderly_alone",
        &alone("50023019660510123"),
        &alone("50023019660511123"),
    );
    let mut couple = plain();
    couple.members.truncate(2);
    for m in &mut couple.members {
        m.birth_date = date(1940, 1, 1);
    }
    assert!(
        !matches("elderly_alone", &couple),
        "two people do not live alone"
    );

    let mut none = plain();
    for m in &mut none.members {
        m.labor_skill = well_known::LABOR_LOST.into();
    }
    let mut weak = plain();
    for m in &mut weak.members {
        m.labor_skill = well_known::LABOR_WEAK.into();
    }
    weak.members[0].labor_skill = well_known::LABOR_ORDINARY.into();
    check("no_labour", &none, &weak);
}

#[test]
fn presets_match_any_of_their_rules() {
    let p = PolicySet::new(seed_params());
    let today = date(TODAY.0, TODAY.1, TODAY.2);
    let eight = TargetSpec::parse(&["eight_must"]).unwrap();
    let five = TargetSpec::parse(&["five_must"]).unwrap();
    let mut ill = plain();
    ill.members[0].health = "5".into();
    let s = Subject::new(&ill, &p, today, false).unwrap();
    assert_eq!(eight.matched(&s), vec!["illness"]);
    assert_eq!(five.matched(&s), vec!["serious_illness"]);
    let quiet = plain();
    let s = Subject::new(&quiet, &p, today, false).unwrap();
    assert!(eight.matched(&s).is_empty());
    assert!(five.matched(&s).is_empty());
    let s = Subject::new(&quiet, &p, today, true).unwrap();
    assert_eq!(five.matched(&s), vec!["dept_warning"]);
}
