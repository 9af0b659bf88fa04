//! Time limits (时限) of workflow steps: a number of calendar days (自然日) or
//! official working days (工作日), written as parameter text such as `15自然日`
//! or `10工作日` so an administrator can change both the number and the unit
//! per area and year.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{CalendarError, WorkCalendar};

/// How days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// 自然日: every day counts.
    Calendar,
    /// 工作日: only official working days count.
    Working,
}

/// A time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Number of days.
    pub days: u32,
    /// How they are counted.
    pub unit: DayUnit,
}

/// Why a time-limit text was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("时限“{input}”无效：应写作“5自然日”“5天”或“10工作日”")]
pub struct SpanError {
    /// The text given.
    pub input: String,
}

impl Span {
    /// Parse `15自然日`, `15天`, `15日`, `10工作日` or `10个工作日`.
    pub fn parse(input: &str) -> Result<Span, SpanError> {
        let s = input.trim();
        let err = || SpanError {
            input: input.to_string(),
        };
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let days: u32 = s[..digits_end].parse().map_err(|_| err())?;
        let unit = match s[digits_end..].trim() {
            "自然日" | "天" | "日" => DayUnit::Calendar,
            "工作日" | "个工作日" => DayUnit::Working,
            _ => return Err(err()),
        };
        if days > 3660 {
            return Err(err());
        }
        Ok(Span { days, unit })
    }

    /// The last day of the limit for a step that starts on `start`: `start`
    /// plus the days (calendar), or the n-th working day after `start`
    /// (working; `start` itself does not count).
    pub fn due_from(
        self,
        start: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        match self.unit {
            DayUnit::Calendar => Ok(start + Days::new(u64::from(self.days))),
            DayUnit::Working => cal.add_working_days(start, self.days),
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            DayUnit::Calendar => "自然日",
            DayUnit::Working => "工作日",
        };
        write!(f, "{}{unit}", self.days)
    }
}

/// How a step stands against its limit on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// More than the warning margin left.
    OnTrack,
    /// Due today or within the warning margin (临期).
    DueSoon,
    /// Past its last day (逾期).
    Overdue,
    /// Overdue long enough to be raised to the level above (上报).
    Escalated,
}

impl Urgency {
    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::OnTrack => "正常",
            Urgency::DueSoon => "临期",
            Urgency::Overdue => "逾期",
            Urgency::Escalated => "逾期已上报",
        }
    }
}

/// Classify a step due on `due` as seen on `today`: due soon within
/// `warn_days` calendar days, escalated once more than `escalate_after`
/// working days have passed since the due day.
pub fn urgency(
    due: NaiveDate,
    today: NaiveDate,
    warn_days: u32,
    escalate_after: u32,
    cal: &WorkCalendar,
) -> Result<Urgency, CalendarError> {
    if today <= due {
        let left = (due - today).num_days();
        return Ok(if left <= i64::from(warn_days) {
            Urgency::DueSoon
        } else {
            Urgency::OnTrack
        });
    }
    let late = cal.working_days_between(due, today)?;
    Ok(if late > i64::from(escalate_after) {
        Urgency::Escalated
    } else {
        Urgency::Overdue
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parse_forms() {
        let cal = |days| Span {
            days,
            unit: DayUnit::Calendar,
        };
        assert_eq!(Span::parse("15自然日").unwrap(), cal(15));
        assert_eq!(Span::parse(" 5天").unwrap(), cal(5));
        assert_eq!(Span::parse("2日").unwrap(), cal(2));
        let w = Span::parse("10个工作日").unwrap();
        assert_eq!(w.unit, DayUnit::Working);
        assert_eq!(w.to_string(), "10工作日");
        for bad in ["", "工作日", "五天", "5周", "-3天", "99999天"] {
            let e = Span::parse(bad).unwrap_err();
            assert!(e.to_string().contains("时限"), "{bad}");
        }
    }

    #[test]
    fn due_across_national_day() {
        let c = WorkCalendar::official();
        // Approved Friday 2024-09-27: 10 working days skip 国庆 (10-01..07) and
        // count the make-up Sunday 09-29 and Saturday 10-12: 09-29, 09-30,
        // 10-08, 09, 10, 11, 12, 14, 15, 16.
        let w = Span::parse("10工作日").unwrap();
        assert_eq!(w.due_from(d(2024, 9, 27), &c).unwrap(), d(2024, 10, 16));
        let cal = Span::parse("15自然日").unwrap();
        assert_eq!(cal.due_from(d(2024, 9, 27), &c).unwrap(), d(2024, 10, 12));
        // Past the loaded years: an explicit error, never a guess.
        assert!(w.due_from(d(2026, 12, 28), &c).is_err());
    }

    #[test]
    fn urgency_levels() {
        let c = WorkCalendar::official();
        let due = d(2024, 9, 30);
        assert_eq!(
            urgency(due, d(2024, 9, 26), 2, 2, &c).unwrap(),
            Urgency::OnTrack
        );
        assert_eq!(
            urgency(due, d(2024, 9, 28), 2, 2, &c).unwrap(),
            Urgency::DueSoon
        );
        assert_eq!(urgency(due, due, 2, 2, &c).unwrap(), Urgency::DueSoon);
        // 10-01..07 are holidays: still only "overdue" on 10-07.
        assert_eq!(
            urgency(due, d(2024, 10, 7), 2, 2, &c).unwrap(),
            Urgency::Overdue
        );
        // 10-08 and 10-09 are working days: escalated on the third, 10-10.
        assert_eq!(
            urgency(due, d(2024, 10, 9), 2, 2, &c).unwrap(),
            Urgency::Overdue
        );
        assert_eq!(
            urgency(due, d(2024, 10, 10), 2, 2, &c).unwrap(),
            Urgency::Escalated
        );
    }
}
