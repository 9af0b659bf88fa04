//! 务工: per-person work records, the 零就业家庭 test, and employment corrections.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Money;

use super::*;

/// Where a person works, as 务工监测 counts it (the national field set has
/// the free-text 务工所在地 and 是否国外务工; this is the statistical grouping).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkRegion {
    /// 县内.
    InCounty,
    /// 县外省内.
    InProvince,
    /// 省外.
    OutOfProvince,
    /// 国外.
    Abroad,
}

impl WorkRegion {
    /// Every region in display order.
    pub const ALL: [WorkRegion; 4] = [
        WorkRegion::InCounty,
        WorkRegion::InProvince,
        WorkRegion::OutOfProvince,
        WorkRegion::Abroad,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            WorkRegion::InCounty => "in_county",
            WorkRegion::InProvince => "in_province",
            WorkRegion::OutOfProvince => "out_of_province",
            WorkRegion::Abroad => "abroad",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            WorkRegion::InCounty => "县内",
            WorkRegion::InProvince => "县外省内",
            WorkRegion::OutOfProvince => "省外",
            WorkRegion::Abroad => "国外",
        }
    }

    /// From the stored code or the Chinese name.
    pub fn parse(s: &str) -> Result<WorkRegion, FundsError> {
        let t = s.trim();
        WorkRegion::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label() == t)
            .ok_or_else(|| FundsError::WorkRegion { code: t.to_owned() })
    }
}

/// Checks a 务工 record.
pub fn check_employment(employer: &str, months: u8, income: Money) -> Result<(), FundsError> {
    non_blank("务工单位", employer)?;
    if !(1..=12).contains(&months) {
        return Err(FundsError::WorkMonths { months });
    }
    if income.is_negative() {
        return Err(FundsError::NotPositive {
            field: "务工收入"
        });
    }
    Ok(())
}

/// A member as the 零就业家庭 test sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberWork {
    /// 普通 or 技能劳动力.
    pub able: bool,
    /// Worked in the year (a 务工 record or a 公益性岗位).
    pub employed: bool,
}

/// 零就业家庭: at least one member able to work and nobody employed in the year.
pub fn zero_employment(members: &[MemberWork]) -> bool {
    members.iter().any(|m| m.able) && !members.iter().any(|m| m.employed)
}

/// A correction of a 务工 record: everything but the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmploymentCorrection {
    /// Year.
    pub year: i32,
    /// 县内 / 县外省内 / 省外 / 国外.
    pub region: WorkRegion,
    /// 务工所在地 (free text).
    pub place: String,
    /// 务工单位.
    pub employer: String,
    /// Months worked in the year.
    pub months: u8,
    /// Income from the work in the year.
    pub income: Money,
    /// Remarks.
    pub note: String,
}

/// Refuses, for a record whose work ended, another year than the end day's
/// or more months than the year had up to that day (a record not ended
/// passes).
pub fn check_months_until_end(
    year: i32,
    months: u8,
    ended_on: Option<NaiveDate>,
) -> Result<(), FundsError> {
    match ended_on {
        Some(on) if on.year() != year => Err(FundsError::JobEndYear { year, on }),
        Some(on) if u32::from(months) > on.month() => Err(FundsError::JobMonthsAfterEnd {
            on,
            max: on.month() as u8,
            months,
        }),
        _ => Ok(()),
    }
}

/// Ends a 务工 record on `ended_on`, which must fall in the record's year
/// and not after `today`. The record cannot claim work after that day, so
/// its months are at most the calendar months from January to that day;
/// returns the months the record keeps.
pub fn end_employment(
    year: i32,
    months: u8,
    ended_on: NaiveDate,
    today: NaiveDate,
) -> Result<u8, FundsError> {
    if ended_on.year() != year {
        return Err(FundsError::JobEndYear { year, on: ended_on });
    }
    if ended_on > today {
        return Err(FundsError::JobEndFuture {
            on: ended_on,
            today,
        });
    }
    Ok(months.min(ended_on.month() as u8).max(1))
}
