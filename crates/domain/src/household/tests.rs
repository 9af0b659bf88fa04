use chrono::NaiveDate;

use super::*;
use crate::id_number::Sex;

fn ym(s: &str) -> YearMonth {
    YearMonth::parse(s).unwrap()
}

fn id(first17: &str) -> IdNumber {
    let c = crate::id_number::check_digit(first17.as_bytes()) as char;
    IdNumber::parse(&format!("{first17}{c}")).unwrap()
}

fn person(no: &str, name: &str, id: IdNumber, relation: &str) -> Person {
    let mut p = Person::from_id(no, name, id, relation, "01");
    p.health = "1".into();
    p.labor_skill = well_known::LABOR_ORDINARY.into();
    p
}

fn household(head: &Person, size: u16) -> Household {
    Household {
        household_no: "5002301012010001".into(),
        area: AreaCode::parse("500230101201").unwrap(),
        group_no: Some(3),
        head_name: head.name.clone(),
        head_id: head.id_number.clone(),
        phone: None,
        household_type: well_known::HOUSEHOLD_LIFTED.into(),
        poverty_policy: Some("1".into()),
        monitor_category: Some(well_known::CATEGORY_UNSTABLE.into()),
        is_military_family: false,
        current_size: size,
        identified_month: Some(ym("202403")),
        eliminated_month: None,
        risk_eliminated: Some(false),
        elimination_method: None,
        risks: vec!["01".into(), "07".into()],
        dev_measure_status: Some("尚未实施".into()),
        no_labor_safety_net: false,
        collector_name: Some("王五".into()),
        collector_phone: None,
        bank_name: None,
        bank_account: None,
        conditions: LivingConditions {
            cultivated_land: Some(Hundredths::parse("3.5").unwrap()),
            ..Default::default()
        },
    }
}

#[test]
fn year_month_forms() {
    let a = ym("202403");
    assert_eq!(ym("2024-03"), a);
    assert_eq!(ym("2024-3"), a);
    assert_eq!(ym("2024年3月"), a);
    assert_eq!(ym(" 2024/03 "), a);
    assert_eq!(a.to_string(), "202403");
    assert_eq!((a.year(), a.month()), (2024, 3));
    assert_eq!(a.months_until(ym("202509")), 18);
    assert_eq!(ym("202509").months_until(a), -18);
    assert_eq!(a.plus_months(10), ym("202501"));
    assert_eq!(a.plus_months(-3), ym("202312"));
    assert_eq!(a.first_day(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    assert!(YearMonth::parse("202413").is_err());
    assert!(YearMonth::parse("2024").is_err());
    assert!(YearMonth::parse("24-03").is_err());
    assert_eq!(
        YearMonth::parse("abc").unwrap_err().to_string(),
        "年月格式无效：“abc”（应为202403、2024-03或2024年3月）"
    );
    assert_eq!(serde_json::to_string(&a).unwrap(), "\"202403\"");
    assert_eq!(serde_json::from_str::<YearMonth>("\"2024-03\"").unwrap(), a);
}

#[test]
fn hundredths() {
    assert_eq!(Hundredths::parse("3").unwrap(), Hundredths(300));
    assert_eq!(Hundredths::parse("2.5").unwrap(), Hundredths(250));
    assert_eq!(Hundredths::parse("0.75").unwrap().to_string(), "0.75");
    assert!(Hundredths::parse("-1").is_err());
    assert!(Hundredths::parse("1.234").is_err());
    assert!(Hundredths::parse("1.").is_err());
    assert_eq!(serde_json::to_string(&Hundredths(250)).unwrap(), "250");
}

#[test]
fn person_checks() {
    let head_id = id("50023019700101001"); // odd 17th digit: male
    let p = person("01", "张三", head_id.clone(), "01");
    assert_eq!(p.sex, Sex::Male);
    assert!(p.clone().new_checked().is_ok());
    let mut wrong = p.clone();
    wrong.sex = Sex::Female;
    assert_eq!(
        wrong.validate().unwrap_err().to_string(),
        "性别与证件号码不符：填写为女，证件号码显示为男"
    );
    let mut wrong = p.clone();
    wrong.birth_date = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
    assert!(
        wrong
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("出生日期与证件号码不符")
    );
    let mut wrong = p.clone();
    wrong.work_months = 13;
    assert!(matches!(wrong.validate(), Err(PersonError::Months { .. })));
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(p.age_on(d(2024, 1, 1)), 54);
    assert_eq!(p.age_on(d(2023, 12, 31)), 53);
    assert_eq!(p.age_on(d(1960, 1, 1)), 0);
    assert!(p.has_labor_capacity());
    let mut weak = p.clone();
    weak.labor_skill = well_known::LABOR_WEAK.into();
    assert!(!weak.has_labor_capacity());
}

#[test]
fn member_checks() {
    let head = person("01", "张三", id("50023019700101001"), "01");
    let spouse = person("02", "李四", id("50023019720505002"), "10");
    let hh = household(&head, 2);
    assert!(hh.validate().is_ok());
    assert!(hh.validate_members(&[head.clone(), spouse.clone()]).is_ok());

    assert_eq!(
        hh.validate_members(std::slice::from_ref(&spouse)),
        Err(HouseholdError::NoHead)
    );
    let mut second_head = spouse.clone();
    second_head.relation = "01".into();
    assert_eq!(
        hh.validate_members(&[head.clone(), second_head])
            .unwrap_err()
            .to_string(),
        "家庭成员中有2名户主（张三、李四），应只有1名"
    );
    let mut other = hh.clone();
    other.head_id = spouse.id_number.clone();
    assert!(matches!(
        other.validate_members(&[head.clone(), spouse.clone()]),
        Err(HouseholdError::HeadIdMismatch { .. })
    ));
    let mut twin = spouse.clone();
    twin.name = "李五".into();
    let e = hh
        .validate_members(&[head.clone(), spouse.clone(), twin])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "家庭成员证件号码重复：{}（李四、李五）",
            spouse.id_number.masked()
        )
    );
    assert_eq!(
        hh.validate_members(std::slice::from_ref(&head))
            .unwrap_err()
            .to_string(),
        "当前家庭人口数为2人，但家庭成员有1人"
    );
}

#[test]
fn household_checks() {
    let head = person("01", "张三", id("50023019700101001"), "01");
    let hh = household(&head, 1);
    let mut bad = hh.clone();
    bad.risks = ["01", "03", "04", "05", "06", "07"]
        .map(String::from)
        .to_vec();
    assert!(matches!(
        bad.validate(),
        Err(HouseholdError::TooManyRisks { count: 6 })
    ));
    let mut bad = hh.clone();
    bad.risks = vec!["01".into(), "01".into()];
    assert!(matches!(
        bad.validate(),
        Err(HouseholdError::DuplicateRisk { .. })
    ));
    let mut bad = hh.clone();
    bad.area = AreaCode::parse("500230").unwrap();
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "户所在地区应为村级区划代码，500230000000是县级代码"
    );
    let mut bad = hh.clone();
    bad.eliminated_month = Some(ym("202401"));
    assert!(matches!(
        bad.validate(),
        Err(HouseholdError::EliminatedBeforeIdentified { .. })
    ));
    let mut bad = hh.clone();
    bad.household_type = well_known::HOUSEHOLD_ORDINARY.into();
    assert_eq!(bad.validate(), Err(HouseholdError::PovertyPolicyNotLifted));
    assert!(hh.is_lifted_out() && hh.is_monitored());
}

#[test]
fn serde_round_trip() {
    let head = person("01", "张三", id("50023019700101001"), "01");
    let hh = household(&head, 1);
    let json = serde_json::to_string(&hh).unwrap();
    assert!(json.contains("\"area\":\"500230101201\""));
    assert!(json.contains("\"identified_month\":\"202403\""));
    let back: Household = serde_json::from_str(&json).unwrap();
    assert_eq!(back, hh);
    let json = serde_json::to_string(&head).unwrap();
    assert!(json.contains("\"sex\":\"男\""));
    assert!(json.contains("\"birth_date\":\"1970-01-01\""));
    let back: Person = serde_json::from_str(&json).unwrap();
    assert_eq!(back, head);
}
