//! Which months an income figure covers (policy.md §1.5): the calendar year
//! (自然年, the national records' 年度收入) or the 12 months before the
//! identification month (滚动12个月, 安徽 2020: “from day 1 of the same month in
//! the previous year to the last day of the previous month”).
//!
//! The registry records income per year, and a year's record cannot be split
//! into months without guessing, so the assessments read calendar years. The
//! rolling window is computed only from income entries dated by month
//! ([`DatedIncome`]); [`IncomeWindow::net_over`] refuses when the window
//! reaches months that have no entry, rather than filling them in.

use thiserror::Error;

use crate::area::AreaCode;
use crate::household::YearMonth;
use crate::money::Money;
use crate::policy::{PolicyError, PolicySet, TextChoice, keys};

/// The income window of an area (parameter [`keys::INCOME_WINDOW`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncomeWindow {
    /// 自然年: January to December of the income year.
    #[default]
    CalendarYear,
    /// 滚动12个月: the 12 months before the identification month.
    Rolling12,
}

/// An amount of net income received in one month (an entry dated by month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedIncome {
    /// The month received.
    pub month: YearMonth,
    /// Net income of the entry (income less production costs), in 分.
    pub net: Money,
}

/// Why a window's income cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WindowError {
    /// Months of the window without any entry: nothing is guessed for them.
    #[error("{from}至{to}的收入统计期内缺少{}的按月收入记录，无法按该口径计算", .missing.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"))]
    MissingMonths {
        /// First month of the window.
        from: YearMonth,
        /// Last month of the window.
        to: YearMonth,
        /// Months without an entry.
        missing: Vec<YearMonth>,
    },
    /// The sum does not fit in the amount range.
    #[error("收入合计超出金额范围")]
    Overflow,
}

impl TextChoice for IncomeWindow {
    const ALL: &'static [Self] = &[IncomeWindow::CalendarYear, IncomeWindow::Rolling12];
    const EXPECTED: &'static str = "“自然年”或“滚动12个月”";

    fn label(self) -> &'static str {
        match self {
            IncomeWindow::CalendarYear => "自然年",
            IncomeWindow::Rolling12 => "滚动12个月",
        }
    }
}

impl IncomeWindow {
    /// The window of `area` in `year` (parameter [`keys::INCOME_WINDOW`]).
    pub fn of(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<IncomeWindow, PolicyError> {
        IncomeWindow::resolve(policy, keys::INCOME_WINDOW, area, year)
    }

    /// First and last month (inclusive) counted for an identification in
    /// `identified`: January to December of its year for
    /// [`IncomeWindow::CalendarYear`]; for [`IncomeWindow::Rolling12`] the
    /// same month of the previous year to the month before.
    pub fn months(self, identified: YearMonth) -> (YearMonth, YearMonth) {
        match self {
            IncomeWindow::CalendarYear => {
                let y = identified.year();
                let first = YearMonth::new(y, 1).unwrap_or(identified);
                (first, first.plus_months(11))
            }
            IncomeWindow::Rolling12 => (identified.plus_months(-12), identified.plus_months(-1)),
        }
    }

    /// Net income of the window for an identification in `identified`, from
    /// entries dated by month. Every month of the window must have at least
    /// one entry (a month with no income is recorded as an entry of 0).
    pub fn net_over(
        self,
        entries: &[DatedIncome],
        identified: YearMonth,
    ) -> Result<Money, WindowError> {
        let (from, to) = self.months(identified);
        let mut missing = Vec::new();
        let mut month = from;
        while month <= to {
            if !entries.iter().any(|e| e.month == month) {
                missing.push(month);
            }
            month = month.plus_months(1);
        }
        if !missing.is_empty() {
            return Err(WindowError::MissingMonths { from, to, missing });
        }
        entries
            .iter()
            .filter(|e| from <= e.month && e.month <= to)
            .try_fold(Money::ZERO, |acc, e| acc.checked_add(e.net))
            .ok_or(WindowError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Confidence, ParamValue};
    use crate::seed::{def, seed_params};

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    /// 1,000 元 a month from 2023-01 to 2024-12, 2,000 元 from 2024-01.
    fn monthly() -> Vec<DatedIncome> {
        let mut out = Vec::new();
        let mut m = ym("202301");
        while m <= ym("202412") {
            let yuan = if m.year() == 2024 { 2_000 } else { 1_000 };
            out.push(DatedIncome {
                month: m,
                net: Money::from_yuan(yuan),
            });
            m = m.plus_months(1);
        }
        out
    }

    #[test]
    fn rolling_window_is_the_twelve_months_before_identification() {
        // policy.md §1.5 (安徽 2020): identified in 2024-04, income from
        // 2023-04-01 to 2024-03-31: 9 months of 2023 at 1,000 and 3 of 2024 at 2,000.
        let w = IncomeWindow::Rolling12;
        assert_eq!(w.months(ym("202404")), (ym("202304"), ym("202403")));
        assert_eq!(
            w.net_over(&monthly(), ym("202404")),
            Ok(Money::from_yuan(9 * 1_000 + 3 * 2_000))
        );
        // Identified in January: exactly the previous calendar year.
        assert_eq!(w.months(ym("202401")), (ym("202301"), ym("202312")));
        assert_eq!(
            w.net_over(&monthly(), ym("202401")),
            Ok(Money::from_yuan(12_000))
        );
    }

    #[test]
    fn calendar_year_is_the_identification_year() {
        let w = IncomeWindow::CalendarYear;
        assert_eq!(w.months(ym("202404")), (ym("202401"), ym("202412")));
        assert_eq!(
            w.net_over(&monthly(), ym("202404")),
            Ok(Money::from_yuan(24_000))
        );
    }

    #[test]
    fn months_without_entries_are_refused_not_guessed() {
        let mut entries = monthly();
        entries.retain(|e| e.month != ym("202306") && e.month != ym("202307"));
        let e = IncomeWindow::Rolling12
            .net_over(&entries, ym("202404"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "202304至202403的收入统计期内缺少202306、202307的按月收入记录，无法按该口径计算"
        );
    }

    #[test]
    fn the_window_is_a_per_area_parameter() {
        let anhui = AreaCode::parse("340000").unwrap();
        let village = AreaCode::parse("340722100201").unwrap();
        let mut defs = seed_params();
        let set = PolicySet::new(defs.clone());
        assert_eq!(
            IncomeWindow::of(&set, &village, 2024),
            Ok(IncomeWindow::CalendarYear)
        );
        defs.push(def(
            keys::INCOME_WINDOW,
            Some("34"),
            2024,
            ParamValue::Text("滚动12个月".into()),
            Confidence::Local,
            "安徽2020年口径",
        ));
        let set = PolicySet::new(defs);
        assert_eq!(
            IncomeWindow::of(&set, &village, 2024),
            Ok(IncomeWindow::Rolling12)
        );
        assert_eq!(
            IncomeWindow::of(&set, &anhui, 2023),
            Ok(IncomeWindow::CalendarYear)
        );
        assert!(IncomeWindow::of(&set, &village, 2019).is_err());
    }
}
