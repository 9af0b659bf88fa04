//! An administrator edits the working-day calendar: a new year is added when
//! its notice is published, a year is corrected, and bad data is refused with
//! a Chinese message that changes nothing. On both engines.

use fangpin_domain::AreaCode;
use fangpin_domain::calendar::{CalendarEntry, Official, parse_csv};
use fangpin_store::calendar::CalendarYearEdit;
use fangpin_store::testing::{day, role_user};
use fangpin_store::{Access, AuditFilter, Store, StoreError};

fangpin_store::dual_backend_tests!(
    a_new_year_is_added_and_deadlines_reach_into_it,
    bad_years_are_refused_and_change_nothing
);

/// A county user of a seeded role.
fn user(role: &str) -> Access {
    role_user(7, role, AreaCode::parse("500230").unwrap())
}

/// A plausible 2027: 元旦, a 春节 week with two make-up Saturdays/Sundays.
fn year_2027() -> Vec<CalendarEntry> {
    parse_csv(
        "date,kind,name\n\
         2027-01-01,休,元旦\n\
         2027-02-06,休,春节\n\
         2027-02-07,休,春节\n\
         2027-02-08,休,春节\n\
         2027-02-09,休,春节\n\
         2027-02-10,休,春节\n\
         2027-02-11,休,春节\n\
         2027-02-12,休,春节\n\
         2027-02-13,休,春节\n\
         2027-02-14,班,春节调休上班\n\
         2027-02-20,班,春节调休上班\n",
    )
    .unwrap()
}

async fn a_new_year_is_added_and_deadlines_reach_into_it(store: Store) {
    store.seed_reference().await.unwrap();
    let admin = user("county_admin");
    let before = store.work_calendar().await.unwrap();
    assert!(!before.covers(2027));
    // 2026-12-30 plus 5 working days walks into 2027, which is not loaded.
    let err = before.add_working_days(day(2026, 12, 30), 5).unwrap_err();
    assert!(err.to_string().contains("未载入2027年"), "{err}");

    let saved = store
        .replace_calendar_year(
            &admin,
            CalendarYearEdit {
                year: 2027,
                source: "国务院办公厅关于2027年部分节假日安排的通知".into(),
                entries: year_2027(),
            },
        )
        .await
        .unwrap();
    assert!(saved.covers(2027));
    let cal = store.work_calendar().await.unwrap();
    assert!(cal.covers(2026) && cal.covers(2027));
    // 12-31 (Thu), 01-04, 01-05, 01-06, 01-07: 元旦 is skipped.
    assert_eq!(
        cal.add_working_days(day(2026, 12, 30), 5).unwrap(),
        day(2027, 1, 7)
    );
    // The 春节 week is off and the make-up Sunday works.
    assert!(!cal.is_working_day(day(2027, 2, 8)).unwrap());
    assert!(cal.is_working_day(day(2027, 2, 14)).unwrap());
    assert_eq!(
        store.calendar_source(2027).await.unwrap().as_deref(),
        Some("国务院办公厅关于2027年部分节假日安排的通知")
    );

    // A correction replaces the year: the second make-up day is withdrawn.
    let mut fixed = year_2027();
    fixed.retain(|e| e.date != day(2027, 2, 20));
    store
        .replace_calendar_year(
            &admin,
            CalendarYearEdit {
                year: 2027,
                source: "更正后的通知".into(),
                entries: fixed,
            },
        )
        .await
        .unwrap();
    let cal = store.work_calendar().await.unwrap();
    assert!(!cal.is_working_day(day(2027, 2, 20)).unwrap());
    assert_eq!(cal.entries_in_year(2027).len(), 10);
    // Other years are untouched.
    assert_eq!(
        cal.entries_in_year(2024),
        before.entries_in_year(2024),
        "2024 unchanged"
    );

    // Both saves are in the audit log, the second with the year before.
    let (n, entries) = store
        .audit_search(
            &AuditFilter {
                entity: Some("work_calendar".into()),
                ..AuditFilter::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(entries[0].action, "update");
    assert_eq!(entries[0].actor, "county_admin7");
    assert_eq!(entries[1].action, "create");
    let before_entries = entries[0].before.as_ref().unwrap()["entries"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before_entries, 11);
}

async fn bad_years_are_refused_and_change_nothing(store: Store) {
    store.seed_reference().await.unwrap();
    let admin = user("county_admin");
    let original = store.work_calendar().await.unwrap();
    let save = |access: Access, year: i32, source: &str, entries: Vec<CalendarEntry>| {
        let store = store.clone();
        let source = source.to_owned();
        async move {
            store
                .replace_calendar_year(
                    &access,
                    CalendarYearEdit {
                        year,
                        source,
                        entries,
                    },
                )
                .await
                .unwrap_err()
                .to_string()
        }
    };
    // A village operator may not edit the calendar.
    let e = save(user("village_operator"), 2027, "通知", year_2027()).await;
    assert!(e.contains("权限"), "{e}");
    // No source.
    let e = save(admin.clone(), 2027, "  ", year_2027()).await;
    assert!(e.contains("来源"), "{e}");
    // A date of another year.
    let e = save(admin.clone(), 2026, "通知", year_2027()).await;
    assert!(e.contains("2027-01-01不属于2026年"), "{e}");
    // 元旦 missing: the year's data is incomplete.
    let mut no_new_year = year_2027();
    no_new_year.remove(0);
    let e = save(admin.clone(), 2027, "通知", no_new_year).await;
    assert!(e.contains("缺少元旦"), "{e}");
    // A 班 on a weekday (2027-02-15 is a Monday).
    let mut weekday = year_2027();
    weekday.push(CalendarEntry {
        date: day(2027, 2, 15),
        kind: Official::Work,
        name: "错误".into(),
    });
    let e = save(admin.clone(), 2027, "通知", weekday).await;
    assert!(e.contains("本来就是工作日"), "{e}");
    // Replacing 2024 with a broken list leaves 2024 as it was.
    let e = save(admin.clone(), 2024, "通知", vec![]).await;
    assert!(e.contains("缺少元旦"), "{e}");

    let after = store.work_calendar().await.unwrap();
    assert_eq!(after.entries(), original.entries());
    assert!(!after.covers(2027));
    let (n, _) = store
        .audit_search(
            &AuditFilter {
                entity: Some("work_calendar".into()),
                ..AuditFilter::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert!(matches!(
        store
            .replace_calendar_year(
                &user("village_operator"),
                CalendarYearEdit {
                    year: 2027,
                    source: "x".into(),
                    entries: vec![],
                },
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
}
