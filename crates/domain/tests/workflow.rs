//! The case lifecycle: who may do what, when, and what it leads to.

mod common;

use chrono::{Days, NaiveDate};
use common::{date, family, income};
use fangpin_domain::codes::well_known;
use fangpin_domain::monitor::workflow::*;

const VILLAGE: Actor = Actor {
    user: 1,
    levels: &[Level::Village],
};
const VILLAGE2: Actor = Actor {
    user: 5,
    levels: &[Level::Village],
};
const TOWNSHIP: Actor = Actor {
    user: 2,
    levels: &[Level::Township],
};
const COUNTY: Actor = Actor {
    user: 3,
    levels: &[Level::County],
};
const COUNTY2: Actor = Actor {
    user: 4,
    levels: &[Level::County],
};

fn five_days(from: NaiveDate) -> Result<NaiveDate, WorkflowError> {
    Ok(from + Days::new(5))
}

fn lead(by: i64) -> CaseView {
    CaseView {
        state: CaseState::Lead,
        category: Some(well_known::CATEGORY_MARGINAL.into()),
        risks: vec!["01".into()],
        opened_by: by,
        proposed_by: None,
        method: None,
        township_by: None,
        notice_from: None,
        notice_until: None,
    }
}

fn step(
    case: &CaseView,
    who: &Actor,
    a: Action,
    today: NaiveDate,
) -> Result<Outcome, WorkflowError> {
    decide(case, who, &a, today, &five_days, None)
}

fn go(case: &mut CaseView, who: &Actor, a: Action, today: NaiveDate) -> Outcome {
    let o = step(case, who, a, today).unwrap();
    *case = o.view.clone();
    o
}

fn accept() -> Action {
    Action::Accept {
        note: String::new(),
    }
}

fn verify(day: NaiveDate) -> Action {
    Action::Verify {
        visited_on: day,
        consent_signed: true,
        findings: "户主住院，自付费用高".into(),
    }
}

fn compare(conclusion: &str) -> Action {
    Action::Compare {
        flags: vec![],
        conclusion: conclusion.into(),
    }
}

/// Accept (by `acceptor`), verify and compare on day `d`: the case is then in 民主评议.
fn up_to_review(c: &mut CaseView, acceptor: &Actor, d: NaiveDate) {
    go(c, acceptor, accept(), d);
    go(c, &VILLAGE, verify(d), d);
    go(c, &COUNTY, compare("无异常"), d);
    assert_eq!(c.state, CaseState::Reviewing);
}

fn review(day: NaiveDate, passed: bool) -> Action {
    Action::Review(ReviewRecord {
        held_on: day,
        place: "村委会会议室".into(),
        attendees: vec![
            "村支书 王建国".into(),
            "村民代表 李秀英".into(),
            "驻村第一书记 陈明".into(),
        ],
        votes_for: if passed { 9 } else { 2 },
        votes_against: if passed { 1 } else { 8 },
        passed,
        minutes: "经评议，该户因病支出大，同意纳入监测".into(),
    })
}

fn to_monitoring(case: &mut CaseView, start: NaiveDate) -> NaiveDate {
    go(case, &VILLAGE, accept(), start);
    go(case, &VILLAGE, verify(start), start);
    go(
        case,
        &COUNTY,
        compare("无财政供养人员、无车辆"),
        start + Days::new(1),
    );
    let d = start + Days::new(2);
    go(case, &VILLAGE, review(d, true), d);
    assert_eq!(case.state, CaseState::Notice);
    let close = d + Days::new(5);
    go(
        case,
        &VILLAGE,
        Action::CloseNotice { objection: None },
        close,
    );
    go(case, &TOWNSHIP, approve("同意"), close);
    go(case, &COUNTY2, approve("同意纳入"), close + Days::new(1));
    assert_eq!(case.state, CaseState::Approved);
    let posted = close + Days::new(1);
    let o = go(
        case,
        &TOWNSHIP,
        Action::Announce { posted_on: posted },
        posted,
    );
    assert_eq!(case.state, CaseState::Monitoring);
    o.identified_on.unwrap()
}

fn approve(opinion: &str) -> Action {
    Action::Approve {
        opinion: opinion.into(),
        category: None,
        risks: None,
    }
}

#[test]
fn identification_walk() {
    let mut c = lead(1);
    let identified = to_monitoring(&mut c, date(2024, 9, 20));
    assert_eq!(identified, date(2024, 9, 28));
}

#[test]
fn steps_belong_to_their_level() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    go(&mut c, &TOWNSHIP, accept(), d);
    let e = step(&c, &TOWNSHIP, verify(d), d).unwrap_err();
    assert_eq!(e.to_string(), "“入户核实”由村级办理");
    let e = step(&c, &VILLAGE, approve(""), d).unwrap_err();
    assert!(matches!(e, WorkflowError::WrongState { .. }), "{e}");
}

#[test]
fn consent_is_required() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    go(&mut c, &VILLAGE, accept(), d);
    let refused = Action::Verify {
        visited_on: d,
        consent_signed: false,
        findings: "农户不愿授权".into(),
    };
    let e = step(&c, &VILLAGE, refused, d).unwrap_err();
    assert!(e.to_string().contains("承诺授权书"));
    let future = Action::Verify {
        visited_on: date(2024, 9, 21),
        consent_signed: true,
        findings: "x".into(),
    };
    assert!(step(&c, &VILLAGE, future, d).is_err());
}

#[test]
fn notice_lasts_and_objection_goes_back() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    up_to_review(&mut c, &VILLAGE, d);
    go(&mut c, &VILLAGE, review(d, true), d);
    assert_eq!(c.notice_until, Some(date(2024, 9, 25)));
    let close = Action::CloseNotice { objection: None };
    let e = step(&c, &VILLAGE, close, date(2024, 9, 24)).unwrap_err();
    assert_eq!(
        e,
        WorkflowError::NoticeNotOver {
            until: date(2024, 9, 25)
        }
    );
    // An objection may come at any time and sends the case back to 核实.
    let objection = Action::CloseNotice {
        objection: Some("有群众反映该户在城区有商品房".into()),
    };
    go(&mut c, &VILLAGE, objection, date(2024, 9, 22));
    assert_eq!(c.state, CaseState::Verifying);
    assert_eq!(c.notice_until, None);
}

#[test]
fn nobody_approves_their_own_proposal() {
    // A township user who opened the lead cannot approve it at township level.
    let d = date(2024, 9, 20);
    let mut c = lead(2);
    up_to_review(&mut c, &TOWNSHIP, d);
    go(&mut c, &VILLAGE, review(d, true), d);
    let closed = date(2024, 9, 25);
    go(
        &mut c,
        &VILLAGE,
        Action::CloseNotice { objection: None },
        closed,
    );
    let e = step(&c, &TOWNSHIP, approve(""), closed).unwrap_err();
    assert_eq!(e, WorkflowError::OwnProposal);
    // A user who is both township and county cannot approve twice.
    let both = Actor {
        user: 9,
        levels: &[Level::Township, Level::County],
    };
    go(&mut c, &both, approve(""), closed);
    let e = step(&c, &both, approve(""), closed).unwrap_err();
    assert_eq!(e, WorkflowError::OwnProposal);
    go(&mut c, &COUNTY, approve(""), date(2024, 9, 26));
    assert_eq!(c.state, CaseState::Approved);
}

#[test]
fn rejection_needs_a_reason() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    let blank = Action::Reject { reason: " ".into() };
    let e = step(&c, &VILLAGE, blank, d).unwrap_err();
    assert_eq!(e.to_string(), "请填写不予通过的原因");
    let reject = Action::Reject {
        reason: "家庭成员为财政供养人员".into(),
    };
    go(&mut c, &VILLAGE, reject, d);
    assert_eq!(c.state, CaseState::Rejected);
    let e = step(&c, &VILLAGE, accept(), d).unwrap_err();
    assert!(matches!(e, WorkflowError::WrongState { .. }));
}

#[test]
fn failed_review_rejects() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    up_to_review(&mut c, &VILLAGE, d);
    let mut bad = review(d, true);
    if let Action::Review(r) = &mut bad {
        r.votes_for = 1;
    }
    let e = step(&c, &VILLAGE, bad, d).unwrap_err();
    assert!(e.to_string().contains("票数不符"));
    go(&mut c, &VILLAGE, review(d, false), d);
    assert_eq!(c.state, CaseState::Rejected);
}

fn criteria() -> EliminationCheck {
    EliminationCheck {
        months_monitored: 6,
        min_months: 6,
        targeted_measures: 1,
        income_above_line: true,
        income_stable: true,
        income: IncomeCriteria::default(),
        rigid_resolved: true,
        basics_secure: true,
        has_labour: true,
    }
}

fn propose(method: &str) -> Action {
    Action::ProposeElimination {
        method: method.into(),
        reason: "务工收入稳定".into(),
    }
}

/// Propose (by `who`), verify, review and close the notice: the case is then in 消除乡镇审核.
fn elimination_to_township(c: &mut CaseView, who: &Actor, method: &str, d: NaiveDate) {
    *c = decide(c, who, &propose(method), d, &five_days, Some(&criteria()))
        .unwrap()
        .view;
    assert_eq!(c.state, CaseState::ElimVerifying);
    // Consent was given at identification; the elimination visit does not need it again.
    let visit = Action::Verify {
        visited_on: d,
        consent_signed: false,
        findings: "收入稳定".into(),
    };
    go(c, &VILLAGE, visit, d);
    go(c, &VILLAGE, review(d, true), d);
    assert_eq!(c.state, CaseState::ElimNotice);
    let closed = d + Days::new(5);
    go(c, &VILLAGE, Action::CloseNotice { objection: None }, closed);
    assert_eq!(c.state, CaseState::ElimTownship);
}

#[test]
fn elimination_walk_and_reopen() {
    let mut c = lead(1);
    to_monitoring(&mut c, date(2024, 3, 1));
    let d = date(2024, 10, 8);
    let by_assistance = propose(well_known::ELIMINATED_BY_ASSISTANCE);
    // Criteria are checked, each unmet one named.
    let mut weak = criteria();
    weak.months_monitored = 5;
    weak.targeted_measures = 0;
    let e = decide(&c, &VILLAGE, &by_assistance, d, &five_days, Some(&weak)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "不符合风险消除条件：识别监测未满6个月（已5个月）；尚无针对风险的帮扶措施"
    );
    let mut none = criteria();
    none.has_labour = false;
    let e = decide(&c, &VILLAGE, &by_assistance, d, &five_days, Some(&none)).unwrap_err();
    assert!(e.to_string().contains("整户无劳动能力"));

    elimination_to_township(&mut c, &VILLAGE2, well_known::ELIMINATED_BY_ASSISTANCE, d);
    go(&mut c, &TOWNSHIP, approve(""), date(2024, 10, 14));
    let o = go(&mut c, &COUNTY, approve(""), date(2024, 10, 15));
    assert_eq!(c.state, CaseState::Eliminated);
    let method = well_known::ELIMINATED_BY_ASSISTANCE.to_string();
    assert_eq!(o.eliminated, Some((date(2024, 10, 15), method)));

    let reopen = |reason: &str| Action::Reopen {
        reason: reason.into(),
    };
    let e = step(&c, &TOWNSHIP, reopen("再次住院"), date(2025, 1, 5)).unwrap_err();
    assert_eq!(e.to_string(), "“风险消除回退”由县级办理");
    let o = go(
        &mut c,
        &COUNTY,
        reopen("户主再次住院，自付超过3万元"),
        date(2025, 1, 5),
    );
    assert!(o.reopened);
    assert_eq!(c.state, CaseState::Monitoring);
}

#[test]
fn rejected_elimination_returns_to_monitoring() {
    let mut c = lead(1);
    to_monitoring(&mut c, date(2024, 3, 1));
    elimination_to_township(
        &mut c,
        &VILLAGE,
        well_known::ELIMINATED_NATURALLY,
        date(2024, 10, 8),
    );
    let reject = Action::Reject {
        reason: "抽查发现收入不稳定".into(),
    };
    go(&mut c, &TOWNSHIP, reject, date(2024, 10, 15));
    assert_eq!(c.state, CaseState::Monitoring);
    assert_eq!((c.proposed_by, c.method.clone()), (None, None));
}

#[test]
fn county_decides_category_and_risks() {
    let d = date(2024, 9, 20);
    let mut c = lead(1);
    c.category = None;
    c.risks.clear();
    up_to_review(&mut c, &VILLAGE, d);
    go(&mut c, &VILLAGE, review(d, true), d);
    go(
        &mut c,
        &VILLAGE,
        Action::CloseNotice { objection: None },
        date(2024, 9, 25),
    );
    go(&mut c, &TOWNSHIP, approve(""), date(2024, 9, 25));
    let e = step(&c, &COUNTY, approve(""), date(2024, 9, 26)).unwrap_err();
    assert_eq!(e.to_string(), "请确定监测对象类别");
    let decided = Action::Approve {
        opinion: "同意".into(),
        category: Some(well_known::CATEGORY_SUDDEN.into()),
        risks: Some(vec!["05".into()]),
    };
    go(&mut c, &COUNTY, decided, date(2024, 9, 26));
    assert_eq!(c.category.as_deref(), Some(well_known::CATEGORY_SUDDEN));
    assert_eq!(c.risks, vec!["05".to_string()]);
}

#[test]
fn codes_round_trip() {
    for s in CaseState::ALL {
        assert_eq!(CaseState::parse(s.code()).unwrap(), s);
    }
    for ch in Channel::ALL {
        assert_eq!(Channel::parse(ch.code()).unwrap(), ch);
    }
    assert!(CaseState::parse("x").is_err());
}

/// A 云南 (元谋) household of three with the given incomes.
fn yunnan(incomes: Vec<fangpin_domain::income::IncomeRecord>) -> fangpin_domain::HouseholdBundle {
    let mut b = family(false, incomes);
    b.household.area = fangpin_domain::AreaCode::parse("532328100201").unwrap();
    b
}

fn seeded() -> fangpin_domain::PolicySet {
    fangpin_domain::PolicySet::new(fangpin_domain::seed_params())
}

#[test]
fn elimination_income_is_compared_with_the_line_of_the_elimination_year() {
    // policy.md §7.1 (2): income above the *current* year's 监测范围. A 云南
    // household with only 2023 income 8,100 passes 2023's 8,050, but in 2025
    // the line in force is 8,700: not above it.
    let b = yunnan(vec![income(2023, 3, 8_100, 0)]);
    let i = income_criteria(&b, &seeded(), date(2025, 3, 10)).unwrap();
    assert_eq!(
        (i.line_year, i.line),
        (2025, fangpin_domain::Money::from_yuan(8_700))
    );
    assert!(!i.above_line());
    let check = EliminationCheck {
        income_above_line: i.above_line(),
        income_stable: i.stable(),
        income: i,
        ..criteria()
    };
    assert_eq!(
        check.unmet(),
        vec![
            "2023年人均纯收入8100.00元未高于2025年监测范围8700.00元".to_string(),
            "收入未持续稳定：须最近2个有收入记录的年度均高于当年监测范围，现有2023年8100.00元（监测范围8050.00元）".to_string(),
        ]
    );
    // Equal to the line is not above it (strictly above).
    let at = yunnan(vec![income(2024, 3, 8_700, 0), income(2025, 3, 8_700, 0)]);
    let i = income_criteria(&at, &seeded(), date(2025, 9, 1)).unwrap();
    assert!(!i.above_line());
    assert!(!i.stable());
    // One 元 above, in both years: met.
    let ok = yunnan(vec![income(2024, 3, 8_701, 0), income(2025, 3, 8_701, 0)]);
    let i = income_criteria(&ok, &seeded(), date(2025, 9, 1)).unwrap();
    assert!(i.above_line());
    assert!(i.stable());
}

#[test]
fn a_year_without_a_line_is_refused_not_guessed() {
    // 2026 has no 云南 line in the seed: the check refuses, naming the year.
    let b = yunnan(vec![income(2024, 3, 9_000, 0), income(2025, 3, 9_000, 0)]);
    let e = income_criteria(&b, &seeded(), date(2026, 2, 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "没有适用于该户所在区划的2026年监测范围，无法核查风险消除的收入条件（风险消除当年的监测范围），请先配置该年度的监测范围"
    );
}

#[test]
fn income_stability_needs_the_recent_years_each_above_their_line() {
    // policy.md §7.1 (1) 收入持续稳定: the last two income years on record,
    // each above its own year's line (云南 2024 and 2025: 8,700).
    let dip = yunnan(vec![income(2024, 3, 8_600, 0), income(2025, 3, 9_500, 0)]);
    let i = income_criteria(&dip, &seeded(), date(2025, 9, 1)).unwrap();
    assert!(i.above_line(), "the latest year alone is above");
    assert!(!i.stable(), "2024 was below its line");
    assert_eq!(
        i.recent.iter().map(|y| y.year).collect::<Vec<_>>(),
        vec![2025, 2024]
    );
    // Years after the elimination year are not read.
    let later = yunnan(vec![
        income(2024, 3, 9_000, 0),
        income(2025, 3, 9_000, 0),
        income(2026, 3, 1_000, 0),
    ]);
    assert!(
        income_criteria(&later, &seeded(), date(2025, 9, 1))
            .unwrap()
            .stable()
    );
    // The number of years is a per-area parameter: with 1, the dip is forgiven.
    let mut defs = fangpin_domain::seed_params();
    defs.push(fangpin_domain::policy::ParamDef {
        key: fangpin_domain::policy::keys::ELIMINATION_STABLE_YEARS.into(),
        scope: Some(fangpin_domain::AreaCode::parse("53").unwrap()),
        year: 2025,
        value: fangpin_domain::policy::ParamValue::Int(1),
        confidence: fangpin_domain::policy::Confidence::Local,
        note: "测试".into(),
    });
    let one = fangpin_domain::PolicySet::new(defs);
    assert!(
        income_criteria(&dip, &one, date(2025, 9, 1))
            .unwrap()
            .stable()
    );
}

/// The 明白卡 prints the area's own numbers: the months of monitoring, the
/// income years that must be above their line, and the reading of 整户无劳动能力.
#[test]
fn card_criteria_carry_the_areas_numbers() {
    use fangpin_domain::policy::{Confidence, ParamDef, ParamValue, keys};
    let area = fangpin_domain::AreaCode::parse("500230101201").unwrap();
    let text = criteria_in_plain_words(&seeded(), &area, 2025).unwrap();
    assert_eq!(
        text[0],
        "自纳入监测起满6个月，并且至少落实过一项针对风险的帮扶措施。"
    );
    assert!(
        text[1].contains("最近2个有收入记录的年度都高于当年的监测范围"),
        "{}",
        text[1]
    );
    assert!(
        text[1].contains("高于风险消除当年的监测范围（等于不算高于）"),
        "{}",
        text[1]
    );
    assert!(
        text[5].contains("（每名成员均丧失劳动力或无劳动力）"),
        "{}",
        text[5]
    );

    let mut defs = fangpin_domain::seed_params();
    let local = |key: &str, value: ParamValue| ParamDef {
        key: key.into(),
        scope: Some(fangpin_domain::AreaCode::parse("500230").unwrap()),
        year: 2025,
        value,
        confidence: Confidence::Local,
        note: "测试".into(),
    };
    defs.push(local(keys::ELIMINATION_STABLE_YEARS, ParamValue::Int(3)));
    defs.push(local(
        keys::NO_LABOUR_RULE,
        ParamValue::Text("无普通或技能劳动力".into()),
    ));
    let text = criteria_in_plain_words(&fangpin_domain::PolicySet::new(defs), &area, 2025).unwrap();
    assert!(text[1].contains("最近3个有收入记录的年度"), "{}", text[1]);
    assert!(text[5].contains("（无普通或技能劳动力）"), "{}", text[5]);
}
