//! Builders for realistic households in domain tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use fangpin_domain::codes::well_known;
use fangpin_domain::household::LivingConditions;
use fangpin_domain::income::IncomeRecord;
use fangpin_domain::{AreaCode, Household, HouseholdBundle, IdNumber, Money, Person, check_digit};

/// A valid ID number from its first 17 characters.
pub fn id(first17: &str) -> IdNumber {
    let c = check_digit(first17.as_bytes()) as char;
    IdNumber::parse(&format!("{first17}{c}")).unwrap()
}

/// A healthy, insured member with ordinary labour capacity.
pub fn member(no: &str, name: &str, first17: &str, relation: &str) -> Person {
    let mut p = Person::from_id(no, name, id(first17), relation, "01");
    p.health = "1".into();
    p.labor_skill = well_known::LABOR_ORDINARY.into();
    p.insurance.resident_medical = true;
    p.student_status = Some("9".into());
    p
}

/// An income record whose per-capita net income is `per_capita_yuan` for
/// `persons` people (all of it wage income), with `rigid_yuan` rigid expense.
pub fn income(year: i32, persons: u16, per_capita_yuan: i64, rigid_yuan: i64) -> IncomeRecord {
    let mut r = IncomeRecord {
        year,
        annual_persons: persons,
        ..Default::default()
    };
    r.wage = Money::from_yuan(per_capita_yuan * i64::from(persons));
    r.rigid_expense = Money::from_yuan(rigid_yuan);
    r
}

/// A 丰都 household of three (head 45, spouse 43, son 12 in school), 一般农户,
/// safe housing and water, with the given incomes.
pub fn family(lifted_out: bool, incomes: Vec<IncomeRecord>) -> HouseholdBundle {
    let head = member("01", "张大山", "50023019790315123", "01");
    let spouse = member("02", "李春梅", "50023019810722124", "10");
    let mut son = member("03", "张小河", "50023020120901125", "20");
    son.labor_skill = "5".into();
    son.student_status = Some("3".into());
    let household = Household {
        household_no: "500230101201000001".into(),
        area: AreaCode::parse("500230101201").unwrap(),
        group_no: Some(3),
        head_name: head.name.clone(),
        head_id: head.id_number.clone(),
        phone: Some("13800000000".into()),
        household_type: if lifted_out {
            well_known::HOUSEHOLD_LIFTED
        } else {
            well_known::HOUSEHOLD_ORDINARY
        }
        .into(),
        poverty_policy: lifted_out.then(|| "1".to_string()),
        monitor_category: None,
        is_military_family: false,
        current_size: 3,
        identified_month: None,
        eliminated_month: None,
        risk_eliminated: None,
        elimination_method: None,
        risks: vec![],
        dev_measure_status: None,
        no_labor_safety_net: false,
        collector_name: None,
        collector_phone: None,
        bank_name: None,
        bank_account: None,
        conditions: LivingConditions {
            housing_grade: Some("A".into()),
            safe_drinking_water: Some(true),
            compulsory_education_secured: Some(true),
            housing_secured: Some(true),
            drinking_water_secured: Some(true),
            ..Default::default()
        },
    };
    HouseholdBundle {
        household,
        members: vec![head, spouse, son],
        incomes,
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
