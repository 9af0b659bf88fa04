//! What an administrator still has to configure before a workflow meets a
//! refusal: a 监测范围 or a 产业奖补 parameter missing for an area and year
//! that has households, or a working-day calendar year not loaded.
//!
//! A missing value stays an explicit refusal where it is used (never a
//! guess); this module only lists the gaps ahead of time, for the 工作台.
//! The years checked are the current one and the one before (the income year
//! counties assess), for every county with households; the next calendar
//! year is asked for from the month `calendar_warn_from_month` (default 11).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::area::AreaCode;
use crate::policy::{Confidence, ParamDef, ParamValue, PolicyError, PolicySet, key_label, keys};

/// What is missing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GapKind {
    /// A parameter (key, area, year).
    Param,
    /// A year of the working-day calendar.
    Calendar,
}

/// One thing to configure.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupGap {
    /// Parameter or calendar.
    pub kind: GapKind,
    /// The parameter key (for a calendar gap: `work_calendar`).
    pub key: String,
    /// Its Chinese name.
    pub label: String,
    /// The year that lacks it.
    pub year: i32,
    /// The county lacking it (`None`: nationwide, the calendar).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Option<AreaCode>,
    /// The county's name.
    pub area_name: Option<String>,
    /// Villages with households under `area` that lack it.
    pub villages: usize,
    /// What is missing and what it stops, in Chinese.
    pub message: String,
}

/// What the check reads.
#[derive(Debug, Clone)]
pub struct SetupFacts<'a> {
    /// The caller's area (the calendar warning month is resolved there).
    pub home: AreaCode,
    /// Every village with households in the caller's area.
    pub villages: &'a [AreaCode],
    /// The calendar years loaded.
    pub calendar_years: &'a BTreeSet<i32>,
    /// Today (China).
    pub today: NaiveDate,
}

/// The parameters a county needs for a year, with what each stops.
const NEEDED: [(&str, &str); 2] = [
    (
        keys::MONITORING_LINE,
        "该年度收入的监测研判、识别纳入和测算将被拒绝",
    ),
    (keys::AWARD_CAP, "该年度的到户产业奖补无法登记"),
];

/// The gaps, counties in code order, each key and year in turn, the
/// calendar last. `name` gives an area's name when it is known.
pub fn setup_gaps(
    policy: &PolicySet,
    facts: &SetupFacts<'_>,
    name: impl Fn(&AreaCode) -> Option<String>,
) -> Vec<SetupGap> {
    let mut counties: BTreeMap<AreaCode, Vec<AreaCode>> = BTreeMap::new();
    for v in facts.villages {
        counties
            .entry(v.county().unwrap_or(*v))
            .or_default()
            .push(*v);
    }
    let this_year = facts.today.year();
    let mut out = Vec::new();
    for (county, villages) in &counties {
        for year in [this_year - 1, this_year] {
            let lacking = |key: &str| {
                villages
                    .iter()
                    .filter(|v| policy.resolve(key, v, year).is_err())
                    .count()
            };
            let mut gap = |key: &str, n: usize, stops: &str| {
                let area_name = name(county);
                let place = area_name.clone().unwrap_or_else(|| format!("区划{county}"));
                let scope = if n == villages.len() {
                    format!("本县有农户的{n}个村均无该年度的值")
                } else {
                    format!("本县有农户的村中有{n}个无该年度的值")
                };
                out.push(SetupGap {
                    kind: GapKind::Param,
                    key: key.to_owned(),
                    label: key_label(key).to_owned(),
                    year,
                    area: Some(*county),
                    area_name,
                    villages: n,
                    message: format!(
                        "{place}：{year}年未配置“{}”，{scope}，{stops}",
                        key_label(key)
                    ),
                });
            };
            for (key, stops) in NEEDED {
                let n = lacking(key);
                if n > 0 {
                    gap(key, n, stops);
                }
            }
            // Where awards can be granted (a cap is set), they also need the
            // 全市平均水平 their income is compared with.
            let with_cap: Vec<_> = villages
                .iter()
                .filter(|v| policy.resolve(keys::AWARD_CAP, v, year).is_ok())
                .collect();
            let n = with_cap
                .iter()
                .filter(|v| policy.resolve(keys::AWARD_INCOME_BELOW, v, year).is_err())
                .count();
            if n > 0 {
                gap(
                    keys::AWARD_INCOME_BELOW,
                    n,
                    "已设奖补上限，但无收入标准，到户产业奖补将被拒绝",
                );
            }
        }
    }
    out.extend(calendar_gaps(policy, facts));
    out
}

fn calendar_gap(year: i32, message: String) -> SetupGap {
    SetupGap {
        kind: GapKind::Calendar,
        key: "work_calendar".to_owned(),
        label: "工作日历".to_owned(),
        year,
        area: None,
        area_name: None,
        villages: 0,
        message,
    }
}

fn calendar_gaps(policy: &PolicySet, facts: &SetupFacts<'_>) -> Vec<SetupGap> {
    let year = facts.today.year();
    let mut out = Vec::new();
    if !facts.calendar_years.contains(&year) {
        out.push(calendar_gap(
            year,
            format!("{year}年工作日历未载入：按工作日计算的办理时限都无法计算，请载入国务院办公厅{year}年节假日安排"),
        ));
    }
    let next = year + 1;
    if facts.calendar_years.contains(&next) {
        return out;
    }
    match policy.int_param(keys::CALENDAR_WARN_MONTH, &facts.home, year) {
        Ok(m) if (1..=12).contains(&m) => {
            if i64::from(facts.today.month()) >= m {
                out.push(calendar_gap(
                    next,
                    format!("{next}年工作日历尚未载入：跨入{next}年的办理时限将无法计算，请在国务院办公厅发布{next}年节假日安排后载入"),
                ));
            }
        }
        Ok(m) => out.push(warn_month_gap(
            year,
            format!(
                "参数“{}”应为1至12的月份，实际为{m}",
                key_label(keys::CALENDAR_WARN_MONTH)
            ),
        )),
        Err(e @ PolicyError::Missing { .. }) => out.push(warn_month_gap(
            year,
            format!("{e}：无法判断何时提示载入{next}年工作日历"),
        )),
        Err(e) => out.push(warn_month_gap(year, e.to_string())),
    }
    out
}

fn warn_month_gap(year: i32, message: String) -> SetupGap {
    SetupGap {
        kind: GapKind::Param,
        key: keys::CALENDAR_WARN_MONTH.to_owned(),
        label: key_label(keys::CALENDAR_WARN_MONTH).to_owned(),
        year,
        area: None,
        area_name: None,
        villages: 0,
        message,
    }
}

/// The default month from which the next year's calendar is asked for.
pub fn param_defaults(year: i32) -> Vec<ParamDef> {
    vec![ParamDef {
        key: keys::CALENDAR_WARN_MONTH.to_owned(),
        scope: None,
        year,
        value: ParamValue::Int(11),
        confidence: Confidence::Unconfirmed,
        note: "本系统默认：每年11月起在工作台提示载入下一年工作日历（国务院办公厅通常在年末发布下一年节假日安排，发布日期不固定）".to_owned(),
    }]
}

#[cfg(test)]
mod tests;
