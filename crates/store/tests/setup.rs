//! The administrator's list of what is missing before a workflow meets a
//! refusal: 监测范围 and 产业奖补 cap per county and year (this year and the
//! year before), and next year's working-day calendar from November; each
//! gap closes when the value is set. On both engines.

use fangpin_domain::calendar::parse_csv;
use fangpin_domain::policy::keys;
use fangpin_domain::setup::{GapKind, SetupGap};
use fangpin_domain::{AreaCode, Confidence, Money, ParamDef, ParamValue};
use fangpin_store::calendar::CalendarYearEdit;
use fangpin_store::testing::{china_morning, role_user};
use fangpin_store::{AuditFilter, Store};

mod common;

fangpin_store::dual_backend_tests!(gaps_list_missing_lines_caps_and_calendar_and_close_when_set);

fn keyed(gaps: &[SetupGap]) -> Vec<(String, i32, Option<String>)> {
    gaps.iter()
        .map(|g| (g.key.clone(), g.year, g.area_name.clone()))
        .collect()
}

async fn gaps_list_missing_lines_caps_and_calendar_and_close_when_set(store: Store) {
    let (_, county) = common::demo_county(&store, 41, 30).await;
    let fengdu = AreaCode::parse("500230").unwrap();
    let admin = role_user(7, "county_admin", fengdu);
    let sys = role_user(8, "sys_admin", fengdu);
    let operator = role_user(9, "village_operator", fengdu);
    // 2026-12-07: the seeds have no 监测范围 for 2025 or 2026 outside 云南,
    // a 产业奖补 cap for 丰都 2024 only, and no 2027 calendar (policy.md §2.1).
    let now = china_morning(2026, 12, 7);
    let gaps = store.setup_gaps(&admin, now).await.unwrap();
    let fd = Some("丰都县".to_owned());
    let line = keys::MONITORING_LINE.to_owned();
    let cap = keys::AWARD_CAP.to_owned();
    assert_eq!(
        keyed(&gaps),
        vec![
            (line.clone(), 2025, fd.clone()),
            (cap.clone(), 2025, fd.clone()),
            (line.clone(), 2026, fd.clone()),
            (cap.clone(), 2026, fd.clone()),
            ("work_calendar".to_owned(), 2027, None),
        ]
    );
    assert_eq!(gaps[0].villages, gaps[2].villages);
    assert!(gaps[0].villages > 0);
    assert_eq!(gaps[4].kind, GapKind::Calendar);
    // Whoever maintains parameters sees it; others get nothing.
    assert_eq!(store.setup_gaps(&sys, now).await.unwrap(), gaps);
    assert!(store.setup_gaps(&operator, now).await.unwrap().is_empty());
    assert!(store.setup_gaps(&county, now).await.unwrap().len() == gaps.len());
    // In October the 2027 calendar is not asked for yet (default month 11).
    let october = store
        .setup_gaps(&admin, china_morning(2026, 10, 30))
        .await
        .unwrap();
    assert_eq!(october.len(), 4, "{october:?}");

    // The administrator sets 丰都's 2025 line (a test value, not a policy):
    // that gap closes. Only for an area of theirs, with a note, a year in
    // range and a value of the key's type; a refusal writes nothing.
    let line_2025 = |scope: Option<AreaCode>, value: ParamValue, note: &str| ParamDef {
        key: line.clone(),
        scope,
        year: 2025,
        value,
        confidence: Confidence::Unconfirmed,
        note: note.into(),
    };
    let money = ParamValue::Money(Money::from_yuan(8_500));
    let refusals = [
        (
            &operator,
            line_2025(Some(fengdu), money.clone(), "测试用"),
            "维护参数",
        ),
        (
            &admin,
            line_2025(None, money.clone(), "测试用"),
            "请指定参数适用的地区",
        ),
        (
            &admin,
            line_2025(
                Some(AreaCode::parse("500231").unwrap()),
                money.clone(),
                "测试用",
            ),
            "不在您的管辖范围内",
        ),
        (
            &admin,
            line_2025(Some(fengdu), money.clone(), " "),
            "请在说明中写明参数的来源",
        ),
        (
            &admin,
            line_2025(Some(fengdu), ParamValue::Int(8_500), "测试用"),
            "参数“监测范围”的值应为金额，实际为整数",
        ),
    ];
    for (who, def, needle) in refusals {
        let e = store.set_param(who, &def).await.unwrap_err();
        assert!(
            e.to_string().contains(needle),
            "{e} should contain {needle}"
        );
    }
    assert_eq!(store.setup_gaps(&admin, now).await.unwrap(), gaps);
    store
        .set_param(&admin, &line_2025(Some(fengdu), money, "测试用"))
        .await
        .unwrap();
    let (_, audit) = store
        .audit_search(
            &AuditFilter {
                entity: Some("policy_param".into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        audit[0].entity_key.as_deref(),
        Some("monitoring_line/500230000000/2025")
    );
    assert_eq!(audit[0].actor, admin.username);
    // Loading 2027 closes the calendar gap.
    store
        .replace_calendar_year(
            &admin,
            CalendarYearEdit {
                year: 2027,
                source: "国务院办公厅关于2027年部分节假日安排的通知".into(),
                entries: parse_csv("date,kind,name\n2027-01-01,休,元旦\n").unwrap(),
            },
        )
        .await
        .unwrap();
    let after = store.setup_gaps(&admin, now).await.unwrap();
    assert_eq!(
        keyed(&after),
        vec![
            (cap.clone(), 2025, fd.clone()),
            (line, 2026, fd.clone()),
            (cap, 2026, fd),
        ]
    );
}
