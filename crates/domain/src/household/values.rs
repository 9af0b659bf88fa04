//! Value types of the household record: [`Hundredths`] of a unit and [`YearMonth`].

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// A non-money quantity with two decimals, stored as an integer number of
/// hundredths: `Hundredths(1250)` is 12.50 (亩, ㎡ or 公里 depending on the field).
///
/// Serde uses the integer number of hundredths.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Debug, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hundredths(pub i64);

/// Why a string is not a valid two-decimal quantity.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("数值格式无效：“{input}”（应为非负数，最多两位小数）")]
pub struct HundredthsError {
    /// The input (trimmed).
    pub input: String,
}

impl Hundredths {
    /// From whole units (e.g. 3 亩 → `Hundredths(300)`).
    pub const fn from_units(units: i64) -> Hundredths {
        Hundredths(units * 100)
    }

    /// Parse a non-negative decimal with at most two decimals, e.g. `3`, `2.5`, `0.75`.
    pub fn parse(s: &str) -> Result<Hundredths, HundredthsError> {
        let input = s.trim();
        let err = || HundredthsError {
            input: input.to_string(),
        };
        let (int, frac) = input.split_once('.').unwrap_or((input, ""));
        let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || int.len() > 15 || !digits_ok(int) || !digits_ok(frac) {
            return Err(err());
        }
        if frac.len() > 2 || (input.contains('.') && frac.is_empty()) {
            return Err(err());
        }
        let whole: i64 = int.parse().map_err(|_| err())?;
        let part: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| err())? * 10,
            _ => frac.parse().map_err(|_| err())?,
        };
        Ok(Hundredths(whole * 100 + part))
    }
}

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Hundredths {
    type Err = HundredthsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hundredths::parse(s)
    }
}

/// A calendar month, as used by 识别监测时间 / 消除监测时间 (YYYYMM).
///
/// Serde uses the `"YYYYMM"` string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// Why a string is not a valid year-month.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum YearMonthError {
    /// Unrecognised format.
    #[error("年月格式无效：“{input}”（应为202403、2024-03或2024年3月）")]
    Format {
        /// The input (trimmed).
        input: String,
    },
    /// Month outside 1..=12.
    #[error("月份无效：{month}（应在1至12之间）")]
    Month {
        /// The month found.
        month: u32,
    },
    /// Year outside 1900..=9999.
    #[error("年份无效：{year}（应在1900至9999之间）")]
    Year {
        /// The year found.
        year: i32,
    },
}

impl YearMonth {
    /// A year-month; year 1900..=9999, month 1..=12.
    pub fn new(year: i32, month: u32) -> Result<YearMonth, YearMonthError> {
        if !(1900..=9999).contains(&year) {
            return Err(YearMonthError::Year { year });
        }
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::Month { month });
        }
        Ok(YearMonth { year, month })
    }

    /// The month containing `date`.
    pub fn from_date(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parse `202403`, `2024-03`, `2024-3`, `2024/03`, `2024.03` or `2024年3月`.
    pub fn parse(s: &str) -> Result<YearMonth, YearMonthError> {
        let input = s.trim();
        let err = || YearMonthError::Format {
            input: input.to_string(),
        };
        let (y, m) = if input.len() == 6 && input.bytes().all(|b| b.is_ascii_digit()) {
            (&input[..4], &input[4..])
        } else if let Some(rest) = input.strip_suffix('月') {
            rest.split_once('年').ok_or_else(err)?
        } else {
            input.split_once(['-', '/', '.']).ok_or_else(err)?
        };
        let (y, m) = (y.trim(), m.trim());
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y) || m.len() > 2 || !digits(m) {
            return Err(err());
        }
        YearMonth::new(y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated year-month")
    }

    /// Number of months from `self` to `other` (positive when `other` is later).
    /// `202401.months_until(202407) == 6`.
    pub fn months_until(self, other: YearMonth) -> i32 {
        (other.year - self.year) * 12 + other.month as i32 - self.month as i32
    }

    /// The month `n` months later (earlier when negative).
    ///
    /// # Panics
    /// Panics if the result leaves the year range 1900..=9999.
    pub fn plus_months(self, n: i32) -> YearMonth {
        let total = self.year * 12 + self.month as i32 - 1 + n;
        YearMonth::new(total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
            .expect("year-month out of range")
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        YearMonth::parse(s)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        YearMonth::parse(&s).map_err(serde::de::Error::custom)
    }
}
