use super::*;
use crate::money::Money;
use crate::seed::seed_params;

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn loaded(years: std::ops::RangeInclusive<i32>) -> BTreeSet<i32> {
    years.collect()
}

fn names(a: &AreaCode) -> Option<String> {
    match a.prefix().as_str() {
        "500230" => Some("丰都县".into()),
        _ => None,
    }
}

fn summary(gaps: &[SetupGap]) -> Vec<(String, i32, Option<String>, usize)> {
    gaps.iter()
        .map(|g| {
            (
                g.key.clone(),
                g.year,
                g.area.map(AreaCode::prefix),
                g.villages,
            )
        })
        .collect()
}

// policy.md §2.1: no national 监测范围 after 2024 and 云南 only through 2025;
// the 产业奖补 cap is 丰都's for 2024 only; the calendar covers 2020–2026.
// In December 2026 a 丰都 and a 云南 county both lack lines, caps and 2027.
#[test]
fn december_2026_lists_missing_lines_caps_and_next_years_calendar() {
    let policy = PolicySet::new(seed_params());
    let villages = [
        code("500230101201"),
        code("500230101202"),
        code("532328100201"),
    ];
    let years = loaded(2020..=2026);
    let facts = SetupFacts {
        home: code("500230"),
        villages: &villages,
        calendar_years: &years,
        today: day(2026, 12, 7),
    };
    let gaps = setup_gaps(&policy, &facts, names);
    let line = keys::MONITORING_LINE.to_owned();
    let cap = keys::AWARD_CAP.to_owned();
    let fd = Some("500230".to_owned());
    let yn = Some("532328".to_owned());
    assert_eq!(
        summary(&gaps),
        vec![
            (line.clone(), 2025, fd.clone(), 2),
            (cap.clone(), 2025, fd.clone(), 2),
            (line.clone(), 2026, fd.clone(), 2),
            (cap.clone(), 2026, fd, 2),
            // 云南 has its 2025 line (云农办通〔2025〕1号).
            (cap.clone(), 2025, yn.clone(), 1),
            (line, 2026, yn.clone(), 1),
            (cap, 2026, yn, 1),
            ("work_calendar".to_owned(), 2027, None, 0),
        ]
    );
    assert_eq!(
        gaps[0].message,
        "丰都县：2025年未配置“监测范围”，本县有农户的2个村均无该年度的值，该年度收入的监测研判、识别纳入和测算将被拒绝"
    );
    assert!(
        gaps[4]
            .message
            .starts_with("区划532328000000：2025年未配置“到户产业奖补每户每年上限”"),
        "{}",
        gaps[4].message
    );
    assert_eq!(gaps[7].kind, GapKind::Calendar);
    assert!(gaps[7].message.starts_with("2027年工作日历尚未载入"));
}

// The month the calendar warning starts is a parameter (default 11): in
// October nothing is asked for, with 10 it is; a loaded 2027 stops it.
#[test]
fn next_years_calendar_is_asked_for_from_the_warning_month() {
    let villages: [AreaCode; 0] = [];
    let years = loaded(2020..=2026);
    let october = SetupFacts {
        home: code("500230"),
        villages: &villages,
        calendar_years: &years,
        today: day(2026, 10, 31),
    };
    let seeded = PolicySet::new(seed_params());
    assert!(setup_gaps(&seeded, &october, names).is_empty());
    let mut defs = seed_params();
    defs.push(crate::seed::def(
        keys::CALENDAR_WARN_MONTH,
        Some("500230"),
        2026,
        ParamValue::Int(10),
        Confidence::Local,
        "测试用",
    ));
    let earlier = PolicySet::new(defs);
    assert_eq!(
        summary(&setup_gaps(&earlier, &october, names)),
        vec![("work_calendar".to_owned(), 2027, None, 0)]
    );
    let with_2027 = loaded(2020..=2027);
    let december = SetupFacts {
        calendar_years: &with_2027,
        today: day(2026, 12, 7),
        ..october.clone()
    };
    assert!(setup_gaps(&seeded, &december, names).is_empty());
    // A year the seeds do not reach has no warning month: that is said too,
    // and so is the current year's missing calendar.
    let in_2028 = SetupFacts {
        today: day(2028, 1, 5),
        ..december
    };
    let gaps = setup_gaps(&seeded, &in_2028, names);
    assert_eq!(
        summary(&gaps),
        vec![
            ("work_calendar".to_owned(), 2028, None, 0),
            (keys::CALENDAR_WARN_MONTH.to_owned(), 2028, None, 0),
        ]
    );
    assert!(
        gaps[1]
            .message
            .contains("无法判断何时提示载入2029年工作日历")
    );
}

// A line set for one village covers it alone: the county is listed with
// the villages still lacking. Where a cap is set, the 全市平均水平 the
// award's income is compared with (sources/003, 十; no number in the
// sources) is asked for too.
#[test]
fn partial_lines_and_the_award_income_threshold() {
    let mut defs = seed_params();
    defs.push(crate::seed::def(
        keys::MONITORING_LINE,
        Some("500230101201"),
        2025,
        ParamValue::Money(Money::from_yuan(8_500)),
        Confidence::Local,
        "测试用",
    ));
    let policy = PolicySet::new(defs);
    let villages = [code("500230101201"), code("500230101202")];
    let years = loaded(2020..=2026);
    let facts = SetupFacts {
        home: code("500230"),
        villages: &villages,
        calendar_years: &years,
        today: day(2025, 3, 1),
    };
    let gaps = setup_gaps(&policy, &facts, names);
    let fd = Some("500230".to_owned());
    assert_eq!(
        summary(&gaps),
        vec![
            (keys::AWARD_INCOME_BELOW.to_owned(), 2024, fd.clone(), 2),
            (keys::MONITORING_LINE.to_owned(), 2025, fd.clone(), 1),
            (keys::AWARD_CAP.to_owned(), 2025, fd, 2),
        ]
    );
    assert!(
        gaps[1]
            .message
            .contains("本县有农户的村中有1个无该年度的值")
    );
}
