//! The monitoring rules: every threshold edge, categories, risks and the trace.

mod common;

use common::*;
use fangpin_domain::codes::well_known;
use fangpin_domain::monitor::assess::{
    self, Assessment, IncomeTest, Thresholds, dropped_by, facts_of, rigid_exceeds, risk, rule,
};
use fangpin_domain::{Money, PolicySet, seed_params};
use proptest::prelude::*;

fn policy() -> PolicySet {
    PolicySet::new(seed_params())
}

/// `b` with one concrete risk (policy.md §1.2): the head has a chronic illness.
fn with_risk(mut b: fangpin_domain::HouseholdBundle) -> fangpin_domain::HouseholdBundle {
    b.members[0].health = "2".into();
    b
}

fn run(b: &fangpin_domain::HouseholdBundle, year: i32) -> Assessment {
    let p = policy();
    let (facts, src) = facts_of(b, year, date(year, 12, 31), &p).unwrap();
    let t = Thresholds::resolve(&p, &b.household.area, year).unwrap();
    assess::assess(&facts, &t, Some(&src))
}

#[test]
fn equal_to_the_line_is_not_below_it() {
    // 丰都 2024: 8,300 元.
    let at = run(
        &with_risk(family(true, vec![income(2024, 3, 8_300, 0)])),
        2024,
    );
    assert_eq!(at.line, Money::from_yuan(8_300));
    assert_eq!(at.income_test, IncomeTest::AtOrAbove);
    assert!(!at.at_risk());
    let f = &at.trace[0];
    assert_eq!(f.rule, rule::INCOME_BELOW_LINE);
    assert!(!f.fired);
    assert_eq!(f.threshold.as_deref(), Some("监测范围 8300.00元"));
    let p = f.param.as_ref().unwrap();
    assert_eq!((p.scope.as_deref(), p.year), (Some("500230000000"), 2024));

    // One 分 per head below: 24,899.99 for three people is 8,299.99 each.
    let mut b = with_risk(family(true, vec![income(2024, 3, 8_300, 0)]));
    b.incomes[0].wage = Money::from_fen(8_300 * 300 - 3);
    let below = run(&b, 2024);
    assert_eq!(below.income_test, IncomeTest::Below);
    assert_eq!(below.category, Some(well_known::CATEGORY_UNSTABLE));
}

#[test]
fn category_follows_household_type() {
    let lifted = run(
        &with_risk(family(true, vec![income(2024, 3, 6_000, 0)])),
        2024,
    );
    assert_eq!(lifted.category, Some(well_known::CATEGORY_UNSTABLE));
    let ordinary = run(
        &with_risk(family(false, vec![income(2024, 3, 6_000, 0)])),
        2024,
    );
    assert_eq!(ordinary.category, Some(well_known::CATEGORY_MARGINAL));
}

#[test]
fn rigid_expense_edge_and_sudden_category() {
    // The previous year's net income is 3 × 10,000 = 30,000; the default is
    // "more than 100% of the previous year's net income" (policy.md §2.2).
    let years = |rigid| {
        family(
            false,
            vec![income(2023, 3, 10_000, 0), income(2024, 3, 20_000, rigid)],
        )
    };
    let equal = run(&years(30_000), 2024);
    assert!(!equal.fired(rule::RIGID_EXPENSE));
    assert_eq!(equal.category, None);
    let over = run(&years(30_001), 2024);
    assert!(over.fired(rule::RIGID_EXPENSE));
    assert!(over.sudden_hardship);
    assert_eq!(over.category, Some(well_known::CATEGORY_SUDDEN));
    // Below the line wins over sudden hardship for the category.
    let both = run(
        &family(
            true,
            vec![income(2023, 3, 9_000, 0), income(2024, 3, 5_000, 90_000)],
        ),
        2024,
    );
    assert_eq!(both.category, Some(well_known::CATEGORY_UNSTABLE));
    assert!(both.sudden_hardship);
}

#[test]
fn rigid_expense_is_measured_against_the_previous_year() {
    // policy.md §0 and §2.2 (“明显超过上年度收入”): rigid expenses 30,000,
    // last year's net income 20,000, this year's 40,000 → 突发严重困难户.
    let mut b = family(false, vec![]);
    let mut last = income(2023, 2, 10_000, 0);
    last.annual_persons = 3;
    let mut this = income(2024, 2, 20_000, 30_000);
    this.annual_persons = 3;
    b.incomes = vec![last, this];
    let a = run(&b, 2024);
    assert!(a.fired(rule::RIGID_EXPENSE));
    assert_eq!(a.category, Some(well_known::CATEGORY_SUDDEN));
    let f = a
        .trace
        .iter()
        .find(|f| f.rule == rule::RIGID_EXPENSE)
        .unwrap();
    assert_eq!(
        f.value,
        "2024年大额刚性支出 30000.00元，2023年家庭纯收入 20000.00元"
    );
    assert_eq!(f.threshold.as_deref(), Some("超过上年度家庭纯收入的100%"));
    // The same year's 40,000 is not the measure: 30,000 does not exceed it,
    // and without last year's record the rule cannot judge and says so.
    b.incomes.remove(0);
    let alone = run(&b, 2024);
    assert!(!alone.fired(rule::RIGID_EXPENSE));
    assert_eq!(alone.category, None);
    let f = alone
        .trace
        .iter()
        .find(|f| f.rule == rule::RIGID_EXPENSE)
        .unwrap();
    assert_eq!(f.value, "缺少2023年收入数据，无法与上年度收入比较");
}

#[test]
fn below_the_line_without_a_risk_is_listed_apart() {
    // policy.md §1.2: besides the income test a monitored household has at
    // least one concrete risk. Below 丰都's 8,300 with nothing else: not a
    // candidate, flagged 收入低于监测范围、未识别风险 for a visit.
    let plain = run(&family(false, vec![income(2024, 3, 6_000, 0)]), 2024);
    assert_eq!(plain.income_test, IncomeTest::Below);
    assert!(plain.risks.is_empty());
    assert!(!plain.sudden_hardship);
    assert_eq!(plain.category, None);
    assert!(!plain.at_risk());
    assert!(plain.below_line_without_risk);
    // One risk makes it a candidate.
    let ill = run(
        &with_risk(family(false, vec![income(2024, 3, 6_000, 0)])),
        2024,
    );
    assert_eq!(ill.category, Some(well_known::CATEGORY_MARGINAL));
    assert_eq!(ill.risks, vec![risk::ILLNESS]);
    assert!(!ill.below_line_without_risk);
    // So does a sudden-hardship trigger (an income drop of 40%).
    let drop = run(
        &family(
            false,
            vec![income(2023, 3, 10_000, 0), income(2024, 3, 6_000, 0)],
        ),
        2024,
    );
    assert_eq!(drop.category, Some(well_known::CATEGORY_MARGINAL));
    assert!(!drop.below_line_without_risk);
    // Above the line nothing is flagged.
    let above = run(&family(false, vec![income(2024, 3, 9_000, 0)]), 2024);
    assert!(!above.below_line_without_risk);
}

#[test]
fn income_drop_edge() {
    // 20,000 → 14,000 is exactly 30%: fires (下降达到30%).
    let exact = run(
        &family(
            false,
            vec![income(2023, 3, 20_000, 0), income(2024, 3, 14_000, 0)],
        ),
        2024,
    );
    assert!(exact.fired(rule::INCOME_DROP));
    assert_eq!(exact.category, Some(well_known::CATEGORY_SUDDEN));
    // One 元 more is 29.99…%: does not fire.
    let less = run(
        &family(
            false,
            vec![income(2023, 3, 20_000, 0), income(2024, 3, 14_001, 0)],
        ),
        2024,
    );
    assert!(!less.fired(rule::INCOME_DROP));
    assert_eq!(less.category, None);
    // No previous year: cannot fire, and says so.
    let alone = run(&family(false, vec![income(2024, 3, 14_000, 0)]), 2024);
    assert!(!alone.fired(rule::INCOME_DROP));
    assert!(alone.trace[2].value.contains("缺少2023年"));
}

#[test]
fn missing_income_is_unknown_not_safe() {
    let a = run(&family(false, vec![income(2023, 3, 5_000, 0)]), 2024);
    assert_eq!(a.income_test, IncomeTest::Unknown);
    assert_eq!(a.category, None);
    assert!(a.trace[0].value.contains("缺少2024年收入数据"));
}

#[test]
fn missing_parameter_year_is_an_error() {
    let b = family(false, vec![income(2019, 3, 5_000, 0)]);
    let p = policy();
    assert!(Thresholds::resolve(&p, &b.household.area, 2019).is_err());
    assert!(facts_of(&b, 2019, date(2019, 12, 31), &p).is_err());
}

#[test]
fn risks_come_from_named_members_and_fields() {
    let mut b = family(false, vec![income(2024, 3, 6_000, 0)]);
    b.members[0].health = "5".into(); // 患大病
    b.members[1].health = "4".into(); // 重度残疾
    b.members[1].insurance.resident_medical = false;
    b.members[2].student_status = Some("9".into()); // 12 岁, 非在校生
    b.household.conditions.housing_grade = Some("D".into());
    b.household.conditions.drinking_water_secured = Some(false);
    let a = run(&b, 2024);
    assert_eq!(a.category, Some(well_known::CATEGORY_MARGINAL));
    assert_eq!(
        a.risks,
        vec![
            risk::HOUSING,
            risk::WATER,
            risk::DROPOUT,
            risk::ILLNESS,
            risk::DISABILITY
        ]
    );
    assert!(!a.basics_secure());
    let drop = a.trace.iter().find(|f| f.rule == rule::DROPOUT).unwrap();
    assert_eq!(drop.source, vec!["张小河（12岁）".to_string()]);
    let ill = a.trace.iter().find(|f| f.rule == rule::ILLNESS).unwrap();
    assert_eq!(ill.source, vec!["张大山（患大病）".to_string()]);
    let housing = a.trace.iter().find(|f| f.rule == rule::HOUSING).unwrap();
    assert_eq!(housing.source, vec!["住房安全等级=D级".to_string()]);
}

#[test]
fn school_age_edges() {
    // The son turns 16 on 2028-09-01: at 15 he counts, at 16 he does not.
    let mut b = family(false, vec![income(2026, 3, 9_000, 0)]);
    b.members[2].student_status = Some("9".into());
    let p = PolicySet::new(seed_params());
    let (f15, _) = facts_of(&b, 2026, date(2028, 8, 31), &p).unwrap();
    assert_eq!(f15.dropouts, 1);
    let (f16, _) = facts_of(&b, 2026, date(2028, 9, 1), &p).unwrap();
    assert_eq!(f16.dropouts, 0);
}

#[test]
fn no_labour_household() {
    let mut b = family(false, vec![income(2024, 3, 9_000, 0)]);
    for m in &mut b.members {
        m.labor_skill = well_known::LABOR_NONE.into();
    }
    let a = run(&b, 2024);
    assert!(a.fired(rule::NO_LABOUR));
    assert_eq!(a.risks, vec![risk::NO_LABOUR]);
    // Not in the at-risk set by risks alone: income is above the line.
    assert_eq!(a.category, None);
}

proptest! {
    #[test]
    fn below_iff_strictly_less(pc in 0i64..2_000_000, line in 1i64..2_000_000) {
        // With a concrete risk (policy.md §1.2), the line alone decides.
        let b = with_risk(family(false, vec![]));
        let p = policy();
        let (mut facts, _) = facts_of(&b, 2024, date(2024, 12, 31), &p).unwrap();
        facts.income = Some(assess::YearIncome {
            per_capita: Money::from_fen(pc),
            net: Money::from_fen(pc * 3),
            rigid_expense: Money::ZERO,
        });
        let t = Thresholds::resolve(&p, &b.household.area, 2024).unwrap()
            .with_line(Money::from_fen(line), "测试");
        let a = assess::assess(&facts, &t, None);
        prop_assert_eq!(a.income_test == IncomeTest::Below, pc < line);
        prop_assert_eq!(a.at_risk(), pc < line);
    }

    #[test]
    fn rigid_matches_rational_comparison(rigid in 0i64..10_000_000, net in -1_000_000i64..10_000_000, pct in 0i64..500) {
        let expected = rigid > 0 && (rigid as f64) * 100.0 > (net as f64) * (pct as f64);
        prop_assert_eq!(rigid_exceeds(Money::from_fen(rigid), Money::from_fen(net), pct), expected);
    }

    #[test]
    fn drop_is_monotone_in_current_income(prev in 1i64..10_000_000, a in 0i64..10_000_000, b in 0i64..10_000_000, pct in 1i64..100) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        // If the higher income counts as a drop, the lower one does too.
        if dropped_by(Money::from_fen(prev), Money::from_fen(hi), pct) {
            prop_assert!(dropped_by(Money::from_fen(prev), Money::from_fen(lo), pct));
        }
    }
}

proptest! {
    /// The what-if fast path agrees with the full assessment.
    #[test]
    fn category_only_matches_assess(
        pc in 0i64..3_000_000,
        prev in proptest::option::of(0i64..3_000_000),
        rigid in 0i64..5_000_000,
        lifted in any::<bool>(),
        line in 0i64..3_000_000,
        rigid_pct in 0i64..300,
        drop_pct in 0i64..100,
        has_income in any::<bool>(),
        prev_net in proptest::option::of(-1_000_000i64..9_000_000),
        ill in any::<bool>(),
        unsafe_house in any::<bool>(),
    ) {
        let mut b = family(lifted, vec![]);
        if ill {
            b = with_risk(b);
        }
        b.household.conditions.is_unsafe_house = unsafe_house;
        let p = policy();
        let (mut facts, _) = facts_of(&b, 2024, date(2024, 12, 31), &p).unwrap();
        facts.income = has_income.then(|| assess::YearIncome {
            per_capita: Money::from_fen(pc),
            net: Money::from_fen(pc * 3),
            rigid_expense: Money::from_fen(rigid),
        });
        facts.prev_per_capita = prev.map(Money::from_fen);
        facts.prev_net = prev_net.map(Money::from_fen);
        let mut t = Thresholds::resolve(&p, &b.household.area, 2024).unwrap()
            .with_line(Money::from_fen(line), "测试");
        t.rigid_pct = rigid_pct;
        t.drop_pct = drop_pct;
        let a = assess::assess(&facts, &t, None);
        prop_assert_eq!(assess::category_only(&facts, &t), a.category);
        // The fast path's risk test agrees with the trace (policy.md §1.2):
        // below the line is a candidate exactly when a risk or a trigger fired.
        let risky = !a.risks.is_empty() || a.sudden_hardship;
        match a.income_test {
            IncomeTest::Below => {
                prop_assert_eq!(a.category.is_some(), risky);
                prop_assert_eq!(a.below_line_without_risk, !risky);
            }
            _ => prop_assert!(!a.below_line_without_risk),
        }
    }
}
