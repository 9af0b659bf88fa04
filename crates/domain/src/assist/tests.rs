use super::*;
use crate::area::AreaLevel;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn shipped_catalogue_covers_every_category_and_kind() {
    let cat = Catalogue::official();
    for c in Category::ALL {
        assert!(cat.items().iter().any(|i| i.category == *c), "{c:?}");
    }
    for k in MeasureKind::ALL {
        assert!(cat.items().iter().any(|i| i.kind == *k), "{k:?}");
    }
    let travel = cat.item("JY01").unwrap();
    assert_eq!(travel.name, "外出务工补贴");
    assert_eq!(travel.requires, Some(Requirement::TravelSubsidy));
    assert_eq!(
        cat.item("JR01").unwrap().after_elimination,
        AfterElimination::UntilContractEnds
    );
    assert_eq!(
        cat.item("JY05").unwrap().after_elimination,
        AfterElimination::UntilAgreementEnds
    );
    assert_eq!(
        cat.item("JX02").unwrap().after_elimination,
        AfterElimination::UntilStageEnds
    );
    assert_eq!(cat.item("DD01").unwrap().kind, MeasureKind::SafetyNet);
}

#[test]
fn catalogue_errors_name_the_line() {
    let head = CATALOGUE_HEADER;
    let e = Catalogue::parse(&format!(
        "{head}\nA1,产业,奖补,开发式,保持,\nA1,就业,培训,开发式,保持,"
    ))
    .unwrap_err();
    assert_eq!(e.to_string(), "措施目录第3行：编码“A1”重复");
    let e = Catalogue::parse(&format!("{head}\nA1,产业,奖补,发展式,保持,")).unwrap_err();
    assert_eq!(e.to_string(), "措施目录第2行：措施性质无效：发展式");
    let e = Catalogue::parse("code,name\n").unwrap_err();
    assert_eq!(e.line, 1);
    let e = Catalogue::parse(&format!("{head}\nA1,产业,奖补,开发式")).unwrap_err();
    assert!(e.to_string().contains("应有6列"), "{e}");
}

#[test]
fn status_lifecycle() {
    use MeasureStatus::*;
    assert!(Planned.can_become(Active));
    assert!(Active.can_become(Done));
    assert!(Active.can_become(Stopped));
    assert!(!Done.can_become(Active));
    assert!(!Stopped.can_become(Done));
    assert!(!Active.can_become(Planned));
    assert_eq!(MeasureStatus::parse("实施中").unwrap(), Active);
    assert_eq!(MeasureStatus::parse("done").unwrap(), Done);
    assert!(MeasureStatus::parse("进行").is_err());
}

fn form(code: &str) -> MeasureForm {
    MeasureForm {
        code: code.into(),
        name: String::new(),
        target_risk: "01".into(),
        started_on: d(2024, 10, 8),
        ended_on: None,
        amount_fen: 0,
        status: String::new(),
        evidence: String::new(),
    }
}

#[test]
fn measures_are_parsed_against_the_catalogue() {
    let cat = Catalogue::official();
    let m = Measure::parse(&form("CY01"), cat).unwrap();
    assert_eq!(m.name, "到户产业奖补");
    assert_eq!(m.kind, MeasureKind::Development);
    assert_eq!(m.status, MeasureStatus::Active);
    let e = Measure::parse(&form("ZZ99"), cat).unwrap_err();
    assert_eq!(e.to_string(), "措施目录中没有编码为“ZZ99”的措施");
    let mut f = form("CY01");
    f.target_risk = "99x".into();
    assert_eq!(
        Measure::parse(&f, cat).unwrap_err().to_string(),
        "针对风险：无效的风险代码“99x”"
    );
    let mut f = form("CY01");
    f.amount_fen = -1;
    assert_eq!(
        Measure::parse(&f, cat).unwrap_err(),
        AssistError::NegativeAmount
    );
    let mut f = form("CY01");
    f.ended_on = Some(d(2024, 12, 1));
    assert_eq!(
        Measure::parse(&f, cat).unwrap_err(),
        AssistError::EndWhileRunning
    );
    f.status = "已完成".into();
    f.ended_on = Some(d(2024, 10, 1));
    assert!(matches!(
        Measure::parse(&f, cat).unwrap_err(),
        AssistError::EndsBeforeStart { .. }
    ));
}

#[test]
fn status_changes_follow_the_lifecycle() {
    let cat = Catalogue::official();
    let mut m = Measure::parse(&form("JY03"), cat).unwrap();
    let today = d(2024, 12, 2);
    let done = StatusChange {
        status: "done".into(),
        ended_on: None,
        evidence: String::new(),
    };
    let e = m.change_status(&done, today).unwrap_err();
    assert!(e.to_string().contains("佐证材料"), "{e}");
    assert_eq!(
        m.status,
        MeasureStatus::Active,
        "a refused change changes nothing"
    );
    let done = StatusChange {
        evidence: "培训结业证书".into(),
        ..done
    };
    m.change_status(&done, today).unwrap();
    assert_eq!(m.status, MeasureStatus::Done);
    assert_eq!(m.ended_on, Some(today));
    let again = StatusChange {
        status: "active".into(),
        ..Default::default()
    };
    assert_eq!(
        m.change_status(&again, today).unwrap_err().to_string(),
        "措施状态不能从“已完成”改为“实施中”"
    );
    let mut s = Measure::parse(&form("JY03"), cat).unwrap();
    let stop = StatusChange {
        status: "已终止".into(),
        ..Default::default()
    };
    assert_eq!(
        s.change_status(&stop, today).unwrap_err().to_string(),
        "终止原因：不能为空"
    );
}

#[test]
fn cadres_and_plans_name_the_field() {
    let f = CadreForm {
        name: "李明".into(),
        unit: "县农业农村委".into(),
        position: "科员".into(),
        phone: "139 2345 6789".into(),
        area: "500230101201".into(),
        active: None,
        username: String::new(),
    };
    let c = Cadre::parse(&f).unwrap();
    assert_eq!(c.phone.as_str(), "13923456789");
    assert!(c.active);
    let bad = CadreForm {
        phone: "12345".into(),
        ..f.clone()
    };
    assert_eq!(Cadre::parse(&bad).unwrap_err(), AssistError::Phone);
    let bad = CadreForm {
        unit: " ".into(),
        ..f.clone()
    };
    assert_eq!(
        Cadre::parse(&bad).unwrap_err().to_string(),
        "工作单位：不能为空"
    );
    let bad = CadreForm {
        area: "50023".into(),
        ..f
    };
    assert!(
        Cadre::parse(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("帮扶区域：")
    );
    assert_eq!(
        Plan::parse(&PlanForm::default()).unwrap_err().to_string(),
        "帮扶目标和措施思路：不能为空"
    );
}

#[test]
fn plan_review_by_township_or_county_never_the_writer() {
    let township = PlanReviewer {
        level: AreaLevel::Township,
        township_review: true,
        county_approve: false,
        wrote_plan: false,
    };
    assert_eq!(check_plan_review(&township, None), Ok(()));
    let county = PlanReviewer {
        level: AreaLevel::County,
        township_review: false,
        county_approve: true,
        ..township
    };
    assert_eq!(check_plan_review(&county, None), Ok(()));
    let operator = PlanReviewer {
        township_review: false,
        ..township
    };
    assert_eq!(check_plan_review(&operator, None), Err(ReviewRefusal::Role));
    let village = PlanReviewer {
        level: AreaLevel::Village,
        ..township
    };
    assert_eq!(check_plan_review(&village, None), Err(ReviewRefusal::Level));
    let writer = PlanReviewer {
        wrote_plan: true,
        ..county
    };
    let e = check_plan_review(&writer, None).unwrap_err();
    assert_eq!(e, ReviewRefusal::OwnPlan);
    assert!(e.to_string().contains("本人"), "{e}");
    let e = check_plan_review(&township, Some(d(2024, 10, 8))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "帮扶计划已于2024-10-08审核，计划修改后才需重新审核"
    );
    assert!(!e.is_about_the_reviewer());
    assert!(ReviewRefusal::OwnPlan.is_about_the_reviewer());
}

proptest::proptest! {
    #[test]
    fn final_states_never_move(from in 0usize..4, to in 0usize..4) {
        let (a, b) = (MeasureStatus::ALL[from], MeasureStatus::ALL[to]);
        if a.is_final() {
            proptest::prop_assert!(!a.can_become(b));
        }
        // No status returns to 计划, and none stays where it is.
        proptest::prop_assert!(!a.can_become(MeasureStatus::Planned));
        proptest::prop_assert!(!a.can_become(a));
    }

    #[test]
    fn every_code_and_label_round_trips(i in 0usize..7) {
        let v = AfterElimination::ALL[i];
        proptest::prop_assert_eq!(AfterElimination::parse(v.code()).unwrap(), v);
        proptest::prop_assert_eq!(AfterElimination::parse(v.label()).unwrap(), v);
    }
}
