//! The official working-day calendar (工作日历) for SLA deadlines.
//!
//! A day is a working day (工作日) under the plain rule "Monday to Friday work,
//! Saturday and Sunday rest", except where the State Council's yearly notice
//! (国务院办公厅关于某年部分节假日安排的通知) says otherwise: a listed day off
//! (`休`, a holiday or a 调休 weekday) is never a working day, and a listed
//! make-up working day (`班`, always a Saturday or Sunday) always is.
//!
//! The calendar knows which years it covers. A date in any other year is an
//! explicit [`CalendarError::YearNotCovered`], never a guess from the plain
//! rule — also when a computation would have to walk into such a year.
//!
//! The data for 2020–2026 is embedded from `data/cn_workday_calendar.csv`
//! ([`WorkCalendar::official`]); the same CSV shape can be checked and loaded
//! with [`parse_csv`] and [`WorkCalendar::from_csv`], with errors that name the
//! line.
//!
//! Deadline arithmetic, precisely:
//! - [`WorkCalendar::add_working_days`]`(start, n)` is the `n`-th working day
//!   after `start`; `start` itself never counts, whether it is a working day or
//!   not. `n = 0` gives `start` back.
//! - [`WorkCalendar::working_days_between`]`(a, b)` counts the working days in
//!   `(a, b]` (after `a`, up to and including `b`), negative when `b < a`; so
//!   `working_days_between(d, add_working_days(d, n)) == n`.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The official calendar data, 2020–2026 (see `data/README.md` for the notices).
pub const OFFICIAL_CSV: &str = include_str!("../data/cn_workday_calendar.csv");

/// The header line of a calendar CSV.
pub const CSV_HEADER: &str = "date,kind,name";

/// Earliest and latest year a calendar may cover.
const YEAR_MIN: i32 = 1949;
const YEAR_MAX: i32 = 2199;

/// Errors of the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// A date (or a computation that walks to it) lies in a year without data.
    #[error("工作日历未载入{year}年的数据")]
    YearNotCovered {
        /// The first uncovered year met.
        year: i32,
    },
    /// No year to cover.
    #[error("工作日历至少需要覆盖一个年度")]
    NoYears,
    /// A covered year outside the supported range.
    #[error("年度{year}超出工作日历支持的范围（{YEAR_MIN}—{YEAR_MAX}年）")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// An entry dated in a year that is not covered.
    #[error("{date}不在工作日历覆盖的年度内")]
    EntryOutsideYears {
        /// The entry's date.
        date: NaiveDate,
    },
    /// Two entries for one date.
    #[error("日期{date}重复登记")]
    DuplicateDate {
        /// The repeated date.
        date: NaiveDate,
    },
    /// A make-up working day (`班`) on a weekday, which works anyway.
    #[error("{date}是{weekday}，本来就是工作日，不能登记为调休上班（班）")]
    MakeUpOnWeekday {
        /// The entry's date.
        date: NaiveDate,
        /// Chinese weekday name (星期一 …).
        weekday: &'static str,
    },
    /// An entry without a name.
    #[error("{date}缺少名称")]
    EmptyName {
        /// The entry's date.
        date: NaiveDate,
    },
    /// A covered year whose 1 January is not listed as a day off: 元旦 is a
    /// holiday every year, so the year's data is missing or incomplete.
    #[error("{year}年缺少元旦（1月1日，休）的记录，该年度的节假日数据不完整")]
    YearWithoutNewYear {
        /// The incomplete year.
        year: i32,
    },
    /// The first line of a CSV is not the expected header.
    #[error("表头应为“{CSV_HEADER}”，实际为“{found}”")]
    BadHeader {
        /// The line found.
        found: String,
    },
    /// A CSV line without exactly three fields.
    #[error("应有3列（日期,类型,名称），实际为{found}列；名称中不能含逗号")]
    WrongColumnCount {
        /// Number of fields found.
        found: usize,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("日期“{value}”无法识别，应为YYYY-MM-DD格式的有效日期")]
    BadDate {
        /// The text found.
        value: String,
    },
    /// A kind other than `休` or `班`.
    #[error("类型“{value}”无法识别，应为“休”或“班”")]
    BadKind {
        /// The text found.
        value: String,
    },
    /// A problem on one line of a CSV (line 1 is the header).
    #[error("第{line}行：{problem}")]
    Line {
        /// 1-based line number in the text.
        line: usize,
        /// What is wrong there.
        problem: Box<CalendarError>,
    },
}

/// What an official notice says of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Official {
    /// 休: a holiday or 调休 day off.
    Rest,
    /// 班: a Saturday or Sunday that is a make-up working day.
    Work,
}

impl Official {
    /// The CSV symbol: `休` or `班`.
    pub fn symbol(self) -> &'static str {
        match self {
            Official::Rest => "休",
            Official::Work => "班",
        }
    }

    /// Parses `休` or `班`.
    pub fn from_symbol(s: &str) -> Option<Official> {
        match s {
            "休" => Some(Official::Rest),
            "班" => Some(Official::Work),
            _ => None,
        }
    }
}

/// One date listed by an official notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    /// The date.
    pub date: NaiveDate,
    /// Day off or make-up working day.
    pub kind: Official,
    /// Name shown to users, e.g. `春节` or `春节调休上班`.
    pub name: String,
}

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum DayKind<'a> {
    /// An official day off (holiday, or a 调休 weekday), with its name.
    Holiday(&'a str),
    /// A Saturday or Sunday that is an official working day, with its name.
    MakeUpWorkday(&'a str),
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// An ordinary Monday to Friday.
    Workday,
}

impl<'a> DayKind<'a> {
    /// Whether people work on that day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::MakeUpWorkday(_) | DayKind::Workday)
    }

    /// Chinese label: 法定节假日/调休上班/周末/工作日.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday(_) => "法定节假日",
            DayKind::MakeUpWorkday(_) => "调休上班",
            DayKind::Weekend => "周末",
            DayKind::Workday => "工作日",
        }
    }

    /// The official name, if the day is listed.
    pub fn name(self) -> Option<&'a str> {
        match self {
            DayKind::Holiday(n) | DayKind::MakeUpWorkday(n) => Some(n),
            DayKind::Weekend | DayKind::Workday => None,
        }
    }
}

impl fmt::Display for DayKind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayKind::Holiday(n) | DayKind::MakeUpWorkday(n) => write!(f, "{}（{n}）", self.label()),
            DayKind::Weekend | DayKind::Workday => f.write_str(self.label()),
        }
    }
}

/// Chinese name of a weekday.
fn weekday_label(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A working-day calendar over a set of covered years.
///
/// Representation, chosen so that deadlines for hundreds of thousands of
/// cases cost a few array reads each instead of a day-by-day walk: one slot per
/// day from 1 January of the first covered year to 31 December of the last,
/// holding the running count of working days up to and including that day
/// (`cumulative`), plus the day offsets of all working days in order
/// (`working`). Counting working days between two dates is then one
/// subtraction, and "the n-th working day after" is one lookup in `working`.
/// Seven years take about 20 KB. Days of an uncovered year inside the span
/// count as non-working; every query checks the years it touches first, so
/// they are never used for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    /// Sorted by date, one per date.
    entries: Vec<CalendarEntry>,
    /// 1 January of the first covered year.
    origin: NaiveDate,
    /// `cumulative[i]`: working days in `origin ..= origin + i`.
    cumulative: Vec<u32>,
    /// `working[k]`: day offset from `origin` of the (k + 1)-th working day.
    working: Vec<u32>,
}

impl WorkCalendar {
    /// Builds a calendar covering `years` from the listed dates.
    ///
    /// Refused: no year; a year outside 1949–2199; an entry outside the covered
    /// years; two entries for one date; an entry without a name; a `班` entry
    /// on Monday to Friday (those work anyway, so it is a data error); a covered
    /// year whose 1 January (元旦, a holiday every year) is not listed as `休`,
    /// which means that year's data is missing or incomplete. A `休` entry on a
    /// weekend is fine: every date of a holiday is listed so its name shows.
    pub fn new(
        years: impl IntoIterator<Item = i32>,
        entries: impl IntoIterator<Item = CalendarEntry>,
    ) -> Result<WorkCalendar, CalendarError> {
        Self::build(years.into_iter().collect(), entries.into_iter().collect()).map_err(|(_, e)| e)
    }

    /// The official calendar 2020–2026, embedded from [`OFFICIAL_CSV`]. This
    /// parses and indexes the data, so build it once and share it.
    pub fn official() -> WorkCalendar {
        WorkCalendar::from_csv(OFFICIAL_CSV).expect("the embedded calendar is checked by tests")
    }

    /// Builds a calendar from CSV text (see [`parse_csv`]). The covered years
    /// are the years that have at least one line; errors about one entry name
    /// its line.
    pub fn from_csv(text: &str) -> Result<WorkCalendar, CalendarError> {
        let rows = parse_rows(text)?;
        let years = rows.iter().map(|(_, e)| e.date.year()).collect();
        let (lines, entries): (Vec<usize>, Vec<CalendarEntry>) = rows.into_iter().unzip();
        Self::build(years, entries).map_err(|(index, e)| match index {
            Some(i) => CalendarError::Line {
                line: lines[i],
                problem: Box::new(e),
            },
            None => e,
        })
    }

    /// Checks and indexes. An error about one entry carries its index in
    /// `entries`.
    fn build(
        years: BTreeSet<i32>,
        entries: Vec<CalendarEntry>,
    ) -> Result<WorkCalendar, (Option<usize>, CalendarError)> {
        let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
            return Err((None, CalendarError::NoYears));
        };
        if let Some(&year) = years.iter().find(|y| !(YEAR_MIN..=YEAR_MAX).contains(*y)) {
            return Err((None, CalendarError::YearOutOfRange { year }));
        }
        for (i, e) in entries.iter().enumerate() {
            let problem = if !years.contains(&e.date.year()) {
                Some(CalendarError::EntryOutsideYears { date: e.date })
            } else if e.name.trim().is_empty() {
                Some(CalendarError::EmptyName { date: e.date })
            } else if e.kind == Official::Work && !is_weekend(e.date) {
                Some(CalendarError::MakeUpOnWeekday {
                    date: e.date,
                    weekday: weekday_label(e.date.weekday()),
                })
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err((Some(i), problem));
            }
        }

        // Sort by date, keeping input order among equal dates so that the
        // later of two duplicates is the one reported.
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&i| (entries[i].date, i));
        if let Some(pair) = order
            .windows(2)
            .find(|w| entries[w[0]].date == entries[w[1]].date)
        {
            let date = entries[pair[1]].date;
            return Err((Some(pair[1]), CalendarError::DuplicateDate { date }));
        }
        let mut slots: Vec<Option<CalendarEntry>> = entries.into_iter().map(Some).collect();
        let entries: Vec<CalendarEntry> = order.iter().filter_map(|&i| slots[i].take()).collect();

        for &year in &years {
            let new_year = NaiveDate::from_ymd_opt(year, 1, 1).expect("year in range");
            let listed = entries
                .binary_search_by_key(&new_year, |e| e.date)
                .is_ok_and(|i| entries[i].kind == Official::Rest);
            if !listed {
                return Err((None, CalendarError::YearWithoutNewYear { year }));
            }
        }

        let origin = NaiveDate::from_ymd_opt(first, 1, 1).expect("year in range");
        let end = NaiveDate::from_ymd_opt(last, 12, 31).expect("year in range");
        let days = (end - origin).num_days() as usize + 1;
        let mut cumulative = Vec::with_capacity(days);
        let mut working = Vec::with_capacity(days * 5 / 7 + 8);
        let mut listed = entries.iter().peekable();
        let mut count = 0u32;
        for (offset, date) in origin.iter_days().take(days).enumerate() {
            let official = listed.next_if(|e| e.date == date).map(|e| e.kind);
            let works = years.contains(&date.year())
                && match official {
                    Some(Official::Rest) => false,
                    Some(Official::Work) => true,
                    None => !is_weekend(date),
                };
            if works {
                count += 1;
                working.push(offset as u32);
            }
            cumulative.push(count);
        }

        Ok(WorkCalendar {
            years,
            entries,
            origin,
            cumulative,
            working,
        })
    }

    /// The covered years, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `year` is covered.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// All listed dates, sorted by date.
    pub fn entries(&self) -> &[CalendarEntry] {
        &self.entries
    }

    /// The listed dates of one year (empty for an uncovered year).
    pub fn entries_in_year(&self, year: i32) -> &[CalendarEntry] {
        let from = self.entries.partition_point(|e| e.date.year() < year);
        let to = self.entries.partition_point(|e| e.date.year() <= year);
        &self.entries[from..to]
    }

    /// What kind of day `date` is.
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind<'_>, CalendarError> {
        self.offset(date)?;
        Ok(match self.entries.binary_search_by_key(&date, |e| e.date) {
            Ok(i) => match self.entries[i].kind {
                Official::Rest => DayKind::Holiday(&self.entries[i].name),
                Official::Work => DayKind::MakeUpWorkday(&self.entries[i].name),
            },
            Err(_) if is_weekend(date) => DayKind::Weekend,
            Err(_) => DayKind::Workday,
        })
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.offset(date)?;
        Ok(self.works_at(i))
    }

    /// The `n`-th working day after `start` (`start` itself does not count);
    /// `start` when `n` is 0. This is the deadline "within n working days of
    /// `start`".
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.offset(start)?;
        if n == 0 {
            return Ok(start);
        }
        // Working days up to and including the answer.
        let k = self.cumulative[i] as usize + n as usize;
        let Some(&offset) = self.working.get(k - 1) else {
            return Err(CalendarError::YearNotCovered {
                year: self.first_uncovered_from(start.year()),
            });
        };
        let end = self.origin + chrono::Days::new(u64::from(offset));
        self.check_years(start.year(), end.year())?;
        Ok(end)
    }

    /// The number of working days in `(a, b]`: after `a`, up to and including
    /// `b`. Negative (the count in `(b, a]`) when `b` is before `a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        let ia = self.offset(a)?;
        let ib = self.offset(b)?;
        self.check_years(a.year().min(b.year()), a.year().max(b.year()))?;
        Ok(i64::from(self.cumulative[ib]) - i64::from(self.cumulative[ia]))
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(date, 1)
    }

    /// `date` if it is a working day, else the first working day after it (a
    /// calendar-day deadline that ends on a day off moves to this day).
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? {
            Ok(date)
        } else {
            self.next_working_day(date)
        }
    }

    /// Index of `date` in the day tables, or the error for its year.
    fn offset(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        if !self.years.contains(&date.year()) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        Ok((date - self.origin).num_days() as usize)
    }

    fn works_at(&self, i: usize) -> bool {
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        self.cumulative[i] > before
    }

    /// Every year in `from..=to` must be covered.
    fn check_years(&self, from: i32, to: i32) -> Result<(), CalendarError> {
        match (from..=to).find(|y| !self.years.contains(y)) {
            Some(year) => Err(CalendarError::YearNotCovered { year }),
            None => Ok(()),
        }
    }

    /// The first uncovered year at or after `year`.
    fn first_uncovered_from(&self, year: i32) -> i32 {
        (year..).find(|y| !self.years.contains(y)).unwrap_or(year)
    }
}

/// Parses calendar CSV text: the header `date,kind,name`, then one line per
/// date as `YYYY-MM-DD,休|班,名称`. A leading byte-order mark, `\r\n` line ends,
/// blanks around fields and empty lines are accepted; names cannot contain
/// commas. Errors name the line (the header is line 1). The entries are not
/// checked against each other here; [`WorkCalendar::from_csv`] does that.
pub fn parse_csv(text: &str) -> Result<Vec<CalendarEntry>, CalendarError> {
    Ok(parse_rows(text)?.into_iter().map(|(_, e)| e).collect())
}

/// Entries with their line numbers.
fn parse_rows(text: &str) -> Result<Vec<(usize, CalendarEntry)>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let at = |line: usize, problem: CalendarError| CalendarError::Line {
        line,
        problem: Box::new(problem),
    };

    let header = lines.next().map_or("", |(_, l)| l);
    let fields: Vec<&str> = header.split(',').map(str::trim).collect();
    if fields != ["date", "kind", "name"] {
        return Err(at(
            1,
            CalendarError::BadHeader {
                found: header.trim().to_string(),
            },
        ));
    }

    let mut rows = Vec::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let entry = parse_line(text).map_err(|e| at(line, e))?;
        rows.push((line, entry));
    }
    Ok(rows)
}

fn parse_line(text: &str) -> Result<CalendarEntry, CalendarError> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    let [date, kind, name] = fields[..] else {
        return Err(CalendarError::WrongColumnCount {
            found: fields.len(),
        });
    };
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| CalendarError::BadDate {
        value: date.to_string(),
    })?;
    let kind = Official::from_symbol(kind).ok_or_else(|| CalendarError::BadKind {
        value: kind.to_string(),
    })?;
    if name.is_empty() {
        return Err(CalendarError::EmptyName { date });
    }
    Ok(CalendarEntry {
        date,
        kind,
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests;
