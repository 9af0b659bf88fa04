//! Campaigns (集中排查, 大走访大排查, 回头看): the form, the period, phases and progress.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::area::{AreaCode, AreaLevel};

use super::*;

/// A campaign as typed in.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    /// 名称, e.g. 2026年防止返贫监测帮扶集中排查.
    pub name: String,
    /// [`CampaignKind`] code.
    pub kind: String,
    /// 排查范围: county or township code.
    pub area: String,
    /// 开始日期 (YYYY-MM-DD).
    pub from: String,
    /// 截止日期 (YYYY-MM-DD).
    pub until: String,
    /// 排查对象: rule or preset ids.
    pub targets: Vec<String>,
}

/// A campaign period: both days included.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub until: NaiveDate,
}

impl Period {
    /// A period of at most [`MAX_PERIOD_DAYS`] days that does not end before it starts.
    pub fn new(from: NaiveDate, until: NaiveDate) -> Result<Period, VisitError> {
        if until < from {
            return Err(VisitError::Period(format!(
                "截止日期（{until}）早于开始日期（{from}）"
            )));
        }
        let days = (until - from).num_days() + 1;
        if days > MAX_PERIOD_DAYS {
            return Err(VisitError::Period(format!(
                "共{days}天，不能超过{MAX_PERIOD_DAYS}天"
            )));
        }
        Ok(Period { from, until })
    }

    /// Whether `day` lies in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.until
    }
}

/// A campaign ready to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCampaign {
    /// 名称.
    pub name: String,
    /// 排查类型.
    pub kind: CampaignKind,
    /// 排查范围 (county or township).
    pub area: AreaCode,
    /// 排查期限.
    pub period: Period,
    /// 排查对象.
    pub targets: TargetSpec,
}

impl CampaignForm {
    /// Parse the form.
    pub fn parse(&self) -> Result<NewCampaign, VisitError> {
        let name = text("名称", &self.name, MAX_NAME_CHARS)?;
        let kind = CampaignKind::parse(&self.kind)?;
        let area =
            AreaCode::parse(self.area.trim()).map_err(|e| VisitError::Area(e.to_string()))?;
        if !matches!(area.level(), AreaLevel::County | AreaLevel::Township) {
            return Err(VisitError::Area(format!(
                "{}是{}级区划，应为县或乡镇",
                area.as_string(),
                area.level().label()
            )));
        }
        let period = Period::new(
            date("开始日期", &self.from)?,
            date("截止日期", &self.until)?,
        )?;
        let targets = TargetSpec::parse(&self.targets)?;
        Ok(NewCampaign {
            name,
            kind,
            area,
            period,
            targets,
        })
    }
}

/// Where a campaign stands on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 未开始.
    Upcoming,
    /// 进行中.
    Running,
    /// 即将截止 (within the warning days of its last day).
    EndingSoon,
    /// 已结束.
    Ended,
}

impl Phase {
    /// Where `period` stands on `today`; `warn_days` before the last day it is ending.
    pub fn of(period: &Period, today: NaiveDate, warn_days: i64) -> Phase {
        if today < period.from {
            Phase::Upcoming
        } else if today > period.until {
            Phase::Ended
        } else if (period.until - today).num_days() < warn_days.max(0) {
            Phase::EndingSoon
        } else {
            Phase::Running
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Upcoming => "未开始",
            Phase::Running => "进行中",
            Phase::EndingSoon => "即将截止",
            Phase::Ended => "已结束",
        }
    }

    /// Unvisited targets count as overdue in this phase.
    pub fn unvisited_overdue(self) -> bool {
        matches!(self, Phase::EndingSoon | Phase::Ended)
    }
}

/// Visited / target of one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Target households.
    pub target: u64,
    /// Target households visited within the period.
    pub visited: u64,
}

impl Progress {
    /// Targets not yet visited.
    pub fn unvisited(&self) -> u64 {
        self.target.saturating_sub(self.visited)
    }

    /// Unvisited targets that are overdue in `phase`.
    pub fn overdue(&self, phase: Phase) -> u64 {
        if phase.unvisited_overdue() {
            self.unvisited()
        } else {
            0
        }
    }

    /// Visited share in per mille (0 when there is no target), rounded down.
    pub fn per_mille(&self) -> u64 {
        (self.visited * 1000).checked_div(self.target).unwrap_or(0)
    }
}

impl std::ops::Add for Progress {
    type Output = Progress;

    /// Sum of two areas.
    fn add(self, other: Progress) -> Progress {
        Progress {
            target: self.target + other.target,
            visited: self.visited + other.visited,
        }
    }
}
