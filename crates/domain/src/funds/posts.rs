//! 公益性岗位: who may hold a post, overlaps, months worked, and post corrections.

use chrono::{Datelike, NaiveDate};

use crate::codes::{find_list, keys as code_keys, well_known};
use crate::household::YearMonth;
use crate::id_number::IdNumber;
use crate::money::Money;

use super::*;

/// An existing post of the same person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostSpan {
    /// Post name.
    pub post: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// A new 公益性岗位 to check.
#[derive(Clone, Debug)]
pub struct PostCheck<'a> {
    /// Post name.
    pub post: &'a str,
    /// The holder's name.
    pub holder: &'a str,
    /// The holder's ID number (the birth date comes from it).
    pub id: &'a IdNumber,
    /// The holder's 劳动技能 code.
    pub labor_skill: &'a str,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Monthly pay.
    pub monthly_pay: Money,
    /// Lowest age on the first day.
    pub min_age: u32,
    /// Highest age on the first day.
    pub max_age: u32,
    /// The holder's other posts.
    pub existing: &'a [PostSpan],
}

/// Whether a 劳动技能 code means some capacity to work (普通, 技能, 弱或半劳动力):
/// 公益性岗位 are meant for those who cannot go out to work but can work.
pub fn can_work_some(labor_skill: &str) -> bool {
    matches!(
        labor_skill,
        well_known::LABOR_ORDINARY | well_known::LABOR_SKILLED | well_known::LABOR_WEAK
    )
}

/// Whether a 劳动技能 code means full labour capacity (普通 or 技能劳动力).
pub fn able_to_work(labor_skill: &str) -> bool {
    matches!(
        labor_skill,
        well_known::LABOR_ORDINARY | well_known::LABOR_SKILLED
    )
}

/// Calendar months a period touches (2024-03-15 … 2024-05-01 is 3).
pub fn months_touched(start: NaiveDate, end: NaiveDate) -> u32 {
    if end < start {
        return 0;
    }
    let m = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    m as u32
}

/// Checks a new post; returns the number of months it covers.
pub fn check_post(c: &PostCheck<'_>) -> Result<u32, FundsError> {
    non_blank("岗位名称", c.post)?;
    positive("月工资", c.monthly_pay)?;
    if c.end < c.start {
        return Err(FundsError::Dates {
            field: "公益性岗位",
            start: c.start,
            end: c.end,
        });
    }
    check_age(
        AgeRole::PostHolder,
        c.holder,
        c.id,
        c.start,
        c.min_age,
        c.max_age,
    )?;
    if !can_work_some(c.labor_skill) {
        let label = find_list(code_keys::LABOR_SKILL)
            .and_then(|l| l.label_of(c.labor_skill))
            .unwrap_or(if c.labor_skill.is_empty() {
                "未填写"
            } else {
                c.labor_skill
            });
        return Err(FundsError::NoLabour {
            name: c.holder.to_owned(),
            label: label.to_owned(),
        });
    }
    if let Some(o) = c
        .existing
        .iter()
        .find(|o| o.start <= c.end && c.start <= o.end)
    {
        return Err(FundsError::PostOverlap {
            name: c.holder.to_owned(),
            post: o.post.clone(),
            start: o.start,
            end: o.end,
        });
    }
    Ok(months_touched(c.start, c.end))
}

/// Whether a period overlaps calendar year `year`.
pub fn covers_year(start: NaiveDate, end: NaiveDate, year: i32) -> bool {
    start.year() <= year && end.year() >= year
}

/// A correction of a 公益性岗位: everything but the holder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostCorrection {
    /// Post name.
    pub post: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Monthly pay.
    pub monthly_pay: Money,
    /// Remarks.
    pub note: String,
}

/// The last day of a post ended early in `month`: the month's last day. The
/// month cannot be before the post began, and must end before the agreed
/// last day (otherwise it is not early).
pub fn end_post_early(
    start: NaiveDate,
    end: NaiveDate,
    month: YearMonth,
) -> Result<NaiveDate, FundsError> {
    let last = month.plus_months(1).first_day().pred_opt().unwrap_or(end);
    if month < YearMonth::from_date(start) {
        return Err(FundsError::PostEndBeforeStart {
            year: month.year(),
            month: month.month(),
            start,
        });
    }
    if last >= end {
        return Err(FundsError::PostEndNotEarly {
            year: month.year(),
            month: month.month(),
            end,
        });
    }
    Ok(last)
}
