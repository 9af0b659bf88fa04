use std::collections::HashMap;

use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> &'static WorkCalendar {
    static CAL: std::sync::OnceLock<WorkCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(WorkCalendar::official)
}

fn entry(date: &str, kind: Official, name: &str) -> CalendarEntry {
    CalendarEntry {
        date: d(date),
        kind,
        name: name.to_string(),
    }
}

fn not<T>(year: i32) -> Result<T, CalendarError> {
    Err(CalendarError::YearNotCovered { year })
}

/// Day-by-day reference: the plain rule with the listed dates on top.
struct Naive {
    listed: HashMap<NaiveDate, Official>,
    years: BTreeSet<i32>,
}

impl Naive {
    fn new(cal: &WorkCalendar) -> Naive {
        Naive {
            listed: cal.entries().iter().map(|e| (e.date, e.kind)).collect(),
            years: cal.years().collect(),
        }
    }

    fn works(&self, date: NaiveDate) -> Option<bool> {
        if !self.years.contains(&date.year()) {
            return None;
        }
        Some(match self.listed.get(&date) {
            Some(Official::Rest) => false,
            Some(Official::Work) => true,
            None => date.weekday().num_days_from_monday() < 5,
        })
    }

    fn add(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, i32> {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().unwrap();
            match self.works(date) {
                None => return Err(date.year()),
                Some(true) => left -= 1,
                Some(false) => {}
            }
        }
        Ok(date)
    }

    fn between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = lo
            .iter_days()
            .skip(1)
            .take_while(|x| *x <= hi)
            .filter(|x| self.works(*x).unwrap())
            .count();
        sign * count as i64
    }
}

#[test]
fn official_data_loads_and_covers_2020_to_2026() {
    let cal = WorkCalendar::from_csv(OFFICIAL_CSV).unwrap();
    assert_eq!(
        cal.years().collect::<Vec<_>>(),
        (2020..=2026).collect::<Vec<_>>()
    );
    assert_eq!(cal.entries().len(), 254);
    assert!(cal.entries().windows(2).all(|w| w[0].date < w[1].date));
}

#[test]
fn national_day_2024() {
    let cal = cal();
    for day in 1..=7 {
        let date = NaiveDate::from_ymd_opt(2024, 10, day).unwrap();
        assert!(!cal.is_working_day(date).unwrap(), "{date}");
        assert_eq!(cal.day_kind(date).unwrap(), DayKind::Holiday("国庆节"));
    }
    assert!(cal.is_working_day(d("2024-09-29")).unwrap()); // Sunday
    assert!(cal.is_working_day(d("2024-10-12")).unwrap()); // Saturday
    assert_eq!(
        cal.day_kind(d("2024-10-12")).unwrap(),
        DayKind::MakeUpWorkday("国庆节调休上班")
    );
    assert!(cal.is_working_day(d("2024-10-08")).unwrap());
    assert_eq!(cal.day_kind(d("2024-10-13")).unwrap(), DayKind::Weekend);
    assert_eq!(cal.day_kind(d("2024-10-14")).unwrap(), DayKind::Workday);
}

#[test]
fn national_day_2025_is_eight_days() {
    let cal = cal();
    for day in 1..=8 {
        let date = NaiveDate::from_ymd_opt(2025, 10, day).unwrap();
        assert_eq!(
            cal.day_kind(date).unwrap(),
            DayKind::Holiday("国庆节、中秋节")
        );
    }
    assert!(cal.is_working_day(d("2025-09-28")).unwrap());
    assert!(cal.is_working_day(d("2025-10-11")).unwrap());
    assert!(cal.is_working_day(d("2025-10-09")).unwrap());
}

#[test]
fn spring_festival_2020_extension() {
    let cal = cal();
    // 2月1日 was a make-up Saturday before the extension; it became a day off.
    for s in ["2020-01-31", "2020-02-01", "2020-02-02"] {
        assert_eq!(
            cal.day_kind(d(s)).unwrap(),
            DayKind::Holiday("春节（国务院延长假期）")
        );
    }
    assert!(cal.is_working_day(d("2020-01-19")).unwrap());
    assert_eq!(
        cal.next_working_day(d("2020-01-23")).unwrap(),
        d("2020-02-03")
    );
}

#[test]
fn year_2026() {
    let cal = cal();
    for s in [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert!(cal.is_working_day(d(s)).unwrap(), "{s}");
    }
    for s in [
        "2026-01-02",
        "2026-02-23",
        "2026-04-06",
        "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-07",
    ] {
        assert!(!cal.is_working_day(d(s)).unwrap(), "{s}");
    }
}

#[test]
fn working_days_per_year() {
    // Weekdays minus holidays on weekdays plus make-up days, counted by hand:
    // 2020: 262 − 19 + 6; 2024: 262 − 19 + 8; 2025: 261 − 18 + 5; 2026: 261 − 19 + 6.
    let cal = cal();
    let year = |y: i32| {
        let last_of_prior = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        // 1 January is always a holiday, so (1 Jan, 31 Dec] is the whole year.
        cal.working_days_between(last_of_prior, end).unwrap()
    };
    assert_eq!(year(2020), 249);
    assert_eq!(year(2024), 251);
    assert_eq!(year(2025), 248);
    assert_eq!(year(2026), 248);
}

#[test]
fn deadline_across_national_day_2024() {
    let cal = cal();
    let start = d("2024-09-27"); // Friday
    // 9-29 (Sun, 班) 1, 9-30 2, 10-01..07 off, 10-08 3, 10-09 4, 10-10 5.
    assert_eq!(cal.add_working_days(start, 1).unwrap(), d("2024-09-29"));
    assert_eq!(cal.add_working_days(start, 2).unwrap(), d("2024-09-30"));
    assert_eq!(cal.add_working_days(start, 3).unwrap(), d("2024-10-08"));
    assert_eq!(cal.add_working_days(start, 5).unwrap(), d("2024-10-10"));
    assert_eq!(cal.working_days_between(start, d("2024-10-10")).unwrap(), 5);
    assert_eq!(
        cal.working_days_between(d("2024-10-10"), start).unwrap(),
        -5
    );
    assert_eq!(cal.add_working_days(start, 0).unwrap(), start);
    // A start on a day off: the count begins with the next working day.
    assert_eq!(
        cal.add_working_days(d("2024-10-03"), 1).unwrap(),
        d("2024-10-08")
    );
    assert_eq!(
        cal.next_working_day(d("2024-09-30")).unwrap(),
        d("2024-10-08")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2024-10-05")).unwrap(),
        d("2024-10-08")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2024-10-12")).unwrap(),
        d("2024-10-12")
    );
}

#[test]
fn uncovered_years_are_errors() {
    let cal = cal();
    assert_eq!(cal.is_working_day(d("2019-12-31")), not(2019));
    assert_eq!(cal.day_kind(d("2027-01-01")), not(2027));
    assert_eq!(
        cal.add_working_days(d("2026-12-30"), 1).unwrap(),
        d("2026-12-31")
    );
    assert_eq!(cal.add_working_days(d("2026-12-30"), 2), not(2027));
    assert_eq!(cal.add_working_days(d("2020-01-01"), 10_000), not(2027));
    assert_eq!(cal.add_working_days(d("2026-12-31"), u32::MAX), not(2027));
    assert_eq!(cal.next_working_day(d("2026-12-31")), not(2027));
    assert_eq!(
        cal.working_days_between(d("2026-12-31"), d("2027-01-04")),
        not(2027)
    );
    assert_eq!(
        cal.working_days_between(d("2019-12-31"), d("2020-01-04")),
        not(2019)
    );
    assert_eq!(
        CalendarError::YearNotCovered { year: 2027 }.to_string(),
        "工作日历未载入2027年的数据"
    );
}

#[test]
fn a_gap_year_stops_a_walk() {
    let official = cal();
    let kept = official
        .entries()
        .iter()
        .filter(|e| matches!(e.date.year(), 2024 | 2026))
        .cloned();
    let cal = WorkCalendar::new([2024, 2026], kept).unwrap();
    assert_eq!(cal.add_working_days(d("2024-12-20"), 30), not(2025));
    assert_eq!(
        cal.working_days_between(d("2024-12-31"), d("2026-01-05")),
        not(2025)
    );
    assert_eq!(cal.is_working_day(d("2025-06-03")), not(2025));
    assert_eq!(
        cal.working_days_between(d("2026-01-01"), d("2026-12-31")),
        official.working_days_between(d("2026-01-01"), d("2026-12-31"))
    );
}

#[test]
fn new_rejects_inconsistent_data() {
    use Official::{Rest, Work};
    let jan1 = || entry("2024-01-01", Rest, "元旦");
    assert_eq!(WorkCalendar::new([], [jan1()]), Err(CalendarError::NoYears));
    assert_eq!(
        WorkCalendar::new([2024, 3000], [jan1()]),
        Err(CalendarError::YearOutOfRange { year: 3000 })
    );
    assert_eq!(
        WorkCalendar::new([2024], [jan1(), entry("2025-01-01", Rest, "元旦")]),
        Err(CalendarError::EntryOutsideYears {
            date: d("2025-01-01")
        })
    );
    assert_eq!(
        WorkCalendar::new([2024], [jan1(), entry("2024-01-01", Rest, "元旦")]),
        Err(CalendarError::DuplicateDate {
            date: d("2024-01-01")
        })
    );
    let err = WorkCalendar::new(
        [2024],
        [jan1(), entry("2024-10-08", Work, "国庆节调休上班")],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2024-10-08是星期二，本来就是工作日，不能登记为调休上班（班）"
    );
    assert_eq!(
        WorkCalendar::new([2024], [jan1(), entry("2024-10-12", Work, "  ")]),
        Err(CalendarError::EmptyName {
            date: d("2024-10-12")
        })
    );
    assert_eq!(
        WorkCalendar::new([2024, 2025], [jan1()]),
        Err(CalendarError::YearWithoutNewYear { year: 2025 })
    );
    // A holiday on a weekend and a make-up Saturday are fine.
    let ok = WorkCalendar::new(
        [2024],
        [
            jan1(),
            entry("2024-10-06", Rest, "国庆节"),
            entry("2024-10-12", Work, "国庆节调休上班"),
        ],
    )
    .unwrap();
    assert!(ok.is_working_day(d("2024-10-12")).unwrap());
    assert_eq!(ok.entries_in_year(2024).len(), 3);
}

#[test]
fn csv_errors_name_the_line() {
    let err = |text: &str| WorkCalendar::from_csv(text).unwrap_err().to_string();
    assert_eq!(
        err("日期,类型,名称\n"),
        "第1行：表头应为“date,kind,name”，实际为“日期,类型,名称”"
    );
    assert_eq!(err(""), "第1行：表头应为“date,kind,name”，实际为“”");
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,元旦\n2024-02-30,休,春节\n"),
        "第3行：日期“2024-02-30”无法识别，应为YYYY-MM-DD格式的有效日期"
    );
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,元旦\n\n2024-10-01,假,国庆节\n"),
        "第4行：类型“假”无法识别，应为“休”或“班”"
    );
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,元旦,其他\n"),
        "第2行：应有3列（日期,类型,名称），实际为4列；名称中不能含逗号"
    );
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,\n"),
        "第2行：2024-01-01缺少名称"
    );
    // Consistency errors from building carry the line of the entry.
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,元旦\n2024-10-01,休,国庆节\n2024-10-01,休,国庆节\n"),
        "第4行：日期2024-10-01重复登记"
    );
    assert_eq!(
        err("date,kind,name\r\n2024-01-01,休,元旦\r\n2024-10-09,班,国庆节调休上班\r\n"),
        "第3行：2024-10-09是星期三，本来就是工作日，不能登记为调休上班（班）"
    );
    // A year whose data does not include 元旦 is incomplete.
    assert_eq!(
        err("date,kind,name\n2024-01-01,休,元旦\n2025-10-01,休,国庆节\n"),
        "2025年缺少元旦（1月1日，休）的记录，该年度的节假日数据不完整"
    );
}

#[test]
fn csv_tolerates_bom_blanks_and_crlf() {
    let text = "\u{feff}date , kind , name\r\n 2024-01-01 , 休 , 元旦 \r\n\r\n";
    let entries = parse_csv(text).unwrap();
    assert_eq!(entries, vec![entry("2024-01-01", Official::Rest, "元旦")]);
    let cal = WorkCalendar::from_csv(text).unwrap();
    assert_eq!(cal.years().collect::<Vec<_>>(), vec![2024]);
}

#[test]
fn official_csv_round_trips_through_parse_csv() {
    let entries = parse_csv(OFFICIAL_CSV).unwrap();
    let rebuilt = WorkCalendar::new(2020..=2026, entries).unwrap();
    assert_eq!(&rebuilt, cal());
    assert!(
        cal()
            .entries()
            .iter()
            .all(|e| e.kind == Official::Rest || is_weekend(e.date))
    );
}

#[test]
fn day_kind_labels_and_json() {
    let cal = cal();
    let kind = cal.day_kind(d("2024-02-10")).unwrap();
    assert!(!kind.is_working());
    assert_eq!(kind.to_string(), "法定节假日（春节）");
    assert_eq!(
        serde_json::to_string(&kind).unwrap(),
        r#"{"kind":"holiday","name":"春节"}"#
    );
    assert_eq!(DayKind::Workday.to_string(), "工作日");
    assert!(DayKind::MakeUpWorkday("x").is_working());
}

/// 2020-01-01 ..= 2026-12-31.
const SPAN_DAYS: u32 = 2557;

fn day(offset: u32) -> NaiveDate {
    d("2020-01-01") + chrono::Days::new(u64::from(offset))
}

proptest! {
    #[test]
    fn add_matches_the_naive_walk(offset in 0..SPAN_DAYS, n in 0u32..800) {
        let cal = cal();
        let naive = Naive::new(cal);
        let start = day(offset);
        match (cal.add_working_days(start, n), naive.add(start, n)) {
            (Ok(fast), Ok(slow)) => prop_assert_eq!(fast, slow),
            (Err(CalendarError::YearNotCovered { year }), Err(slow)) => prop_assert_eq!(year, slow),
            (fast, slow) => prop_assert!(false, "{:?} vs {:?}", fast, slow),
        }
    }

    #[test]
    fn added_days_are_working_days_and_counted_back(offset in 0..SPAN_DAYS, n in 1u32..600) {
        let cal = cal();
        let start = day(offset);
        if let Ok(end) = cal.add_working_days(start, n) {
            prop_assert!(end > start);
            prop_assert!(cal.is_working_day(end).unwrap());
            prop_assert_eq!(cal.working_days_between(start, end).unwrap(), i64::from(n));
            // Nothing earlier than `end` already has n working days.
            let before = end.pred_opt().unwrap();
            prop_assert_eq!(cal.working_days_between(start, before).unwrap(), i64::from(n) - 1);
        }
    }

    #[test]
    fn add_is_strictly_monotonic_in_n(offset in 0..SPAN_DAYS, n in 0u32..600) {
        let cal = cal();
        let start = day(offset);
        if let Ok(later) = cal.add_working_days(start, n + 1) {
            prop_assert!(cal.add_working_days(start, n).unwrap() < later);
        }
    }

    #[test]
    fn between_matches_the_naive_count(a in 0..SPAN_DAYS, b in 0..SPAN_DAYS) {
        let cal = cal();
        let naive = Naive::new(cal);
        let (a, b) = (day(a), day(b));
        prop_assert_eq!(cal.working_days_between(a, b).unwrap(), naive.between(a, b));
    }

    #[test]
    fn kinds_agree_with_the_naive_rule(offset in 0..SPAN_DAYS) {
        let cal = cal();
        let date = day(offset);
        let works = Naive::new(cal).works(date).unwrap();
        prop_assert_eq!(cal.is_working_day(date).unwrap(), works);
        prop_assert_eq!(cal.day_kind(date).unwrap().is_working(), works);
    }
}
