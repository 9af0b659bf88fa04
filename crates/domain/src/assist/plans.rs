//! The 一户一策 plan and its review.

use chrono::NaiveDate;
use serde::Deserialize;
use thiserror::Error;

use crate::area::AreaLevel;

use super::*;

/// An 一户一策 plan as entered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    /// 帮扶目标和思路 (what the household and the cadre agreed).
    pub goals: String,
    /// Mark the plan as reviewed (审核) now.
    pub reviewed: bool,
}

/// An 一户一策 plan, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// 帮扶目标和思路.
    pub goals: String,
    /// Reviewed with this save.
    pub reviewed: bool,
}

impl Plan {
    /// Parses the form.
    pub fn parse(f: &PlanForm) -> Result<Plan, AssistError> {
        Ok(Plan {
            goals: text(&f.goals, "帮扶目标和措施思路", MAX_GOALS_CHARS, true)?,
            reviewed: f.reviewed,
        })
    }
}

/// Who asks to review (审核) an 一户一策 plan, and what they had to do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanReviewer {
    /// The level of the reviewer's own area.
    pub level: AreaLevel,
    /// The role may review for a 乡镇 (乡镇审核).
    pub township_review: bool,
    /// The role may review for the county (县级审定).
    pub county_approve: bool,
    /// The reviewer made or last changed the plan.
    pub wrote_plan: bool,
}

/// Why a plan review is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReviewRefusal {
    /// The role has neither 乡镇审核 nor 县级审定.
    #[error("审核帮扶计划须由具有乡镇审核或县级审定权限的人员进行")]
    Role,
    /// A village-level account (the plan is reviewed above the village).
    #[error("审核帮扶计划须由乡镇或县级人员进行，村级账号不能审核")]
    Level,
    /// The reviewer wrote the plan.
    #[error("不能审核本人制定或修改的帮扶计划，请由其他审核人员审核")]
    OwnPlan,
    /// Reviewed already, and unchanged since.
    #[error("帮扶计划已于{0}审核，计划修改后才需重新审核")]
    AlreadyReviewed(NaiveDate),
}

impl ReviewRefusal {
    /// The refusal is about who asks (not about the plan's state).
    pub fn is_about_the_reviewer(&self) -> bool {
        !matches!(self, ReviewRefusal::AlreadyReviewed(_))
    }
}

/// Whether `reviewer` may review a plan last reviewed on `reviewed_on`: a
/// 乡镇 or county account with the 乡镇审核 or 县级审定 permission, never the
/// person who wrote the plan, and a plan not yet reviewed since its last
/// change. (Scope — the household in the reviewer's area — is the store's.)
pub fn check_plan_review(
    reviewer: &PlanReviewer,
    reviewed_on: Option<NaiveDate>,
) -> Result<(), ReviewRefusal> {
    if !reviewer.township_review && !reviewer.county_approve {
        return Err(ReviewRefusal::Role);
    }
    if reviewer.level == AreaLevel::Village {
        return Err(ReviewRefusal::Level);
    }
    if reviewer.wrote_plan {
        return Err(ReviewRefusal::OwnPlan);
    }
    if let Some(on) = reviewed_on {
        return Err(ReviewRefusal::AlreadyReviewed(on));
    }
    Ok(())
}
