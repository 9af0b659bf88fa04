//! Assistance (帮扶, policy.md §5): the measure catalogue, measure status,
//! the 帮扶干部 registry entry, the 一户一策 plan, and the facts about a
//! household's measures and 帮扶责任人 that the data-quality rules read.
//!
//! The catalogue is data (`data/assist_measures.csv`, policy.md §5.2): each
//! item has a category (产业 … 社会帮扶), a kind (开发式 / 保障 / 兜底 / 其他),
//! what happens to it after the household's risk is eliminated (§5.3), and
//! what it requires of the record (外出务工补贴 needs the travel subsidy
//! amount; 残疾人两项补贴 needs a disabled member). A county adds items by
//! editing the file; the code reads only the parsed, typed catalogue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::{AreaCode, AreaCodeError};
use crate::household::Person;
use crate::self_report::Phone;

/// The catalogue as shipped.
pub const CATALOGUE_CSV: &str = include_str!("../../data/assist_measures.csv");

/// The header line of a catalogue CSV.
pub const CATALOGUE_HEADER: &str = "code,category,name,kind,after_elimination,requires";

/// Longest free text of a plan's goals, in characters.
pub const MAX_GOALS_CHARS: usize = 2_000;
/// Longest evidence note of a measure, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 1_000;

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($(#[$vm:meta])* $v:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $v,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            /// Stored code.
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code,)+ }
            }

            /// Chinese name.
            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label,)+ }
            }

            /// Parse a stored code or a Chinese name.
            pub fn parse(s: &str) -> Result<$name, AssistError> {
                let s = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s || v.label() == s)
                    .ok_or_else(|| AssistError::Unknown { what: $what, value: s.to_owned() })
            }
        }
    };
}

labelled_enum!(
    /// 帮扶措施类别 (the national system's column grouping, policy.md §5.2).
    Category, "措施类别" {
        /// 产业帮扶.
        Industry => "产业", "产业帮扶";
        /// 就业帮扶.
        Employment => "就业", "就业帮扶";
        /// 金融帮扶.
        Finance => "金融", "金融帮扶";
        /// 教育帮扶.
        Education => "教育", "教育帮扶";
        /// 健康帮扶.
        Health => "健康", "健康帮扶";
        /// 住房安全保障.
        Housing => "住房", "住房安全保障";
        /// 饮水安全保障.
        Water => "饮水", "饮水安全保障";
        /// 综合保障（兜底）.
        SafetyNet => "综合保障", "综合保障（兜底）";
        /// 易地搬迁后续扶持.
        Relocation => "搬迁", "搬迁后续扶持";
        /// 社会帮扶 / 消费帮扶.
        Social => "社会帮扶", "社会帮扶/消费帮扶";
    }
);

labelled_enum!(
    /// 措施性质: 开发式 measures build income (the development-first rule,
    /// §5.1), 保障 secure the basics, 兜底 is the safety net.
    MeasureKind, "措施性质" {
        /// 开发式.
        Development => "开发式", "开发式";
        /// 保障性.
        Protection => "保障", "保障";
        /// 兜底保障.
        SafetyNet => "兜底", "兜底";
        /// 其他 (搬迁后续扶持, 社会帮扶).
        Other => "其他", "其他";
    }
);

labelled_enum!(
    /// What happens to a measure once the household's risk is eliminated
    /// (policy.md §5.3: loans and asset income until the contract ends, posts
    /// until the agreement ends, education until the school stage ends).
    AfterElimination, "风险消除后政策" {
        /// Continues while the household needs it (保持).
        Keep => "保持", "保持";
        /// Until the contract ends (小额信贷, 资产收益).
        UntilContractEnds => "至合同期满", "至合同期满";
        /// Until the agreement ends (公益性岗位).
        UntilAgreementEnds => "至协议期满", "至协议期满";
        /// Until the current school stage ends (教育资助, 雨露计划).
        UntilStageEnds => "至当前学段结束", "至当前学段结束";
        /// Reduced step by step (低保渐退, 参保资助).
        PhaseOut => "逐步退出", "逐步退出";
        /// Ends by the department's own rules (特困, 残疾人补贴 …).
        ByPolicy => "按政策退出", "按政策退出";
        /// Done once (危房改造, 临时救助).
        OneOff => "一次性", "一次性";
    }
);

labelled_enum!(
    /// What an item requires of the household's record (national check
    /// 1111_10 and the disability subsidy).
    Requirement, "措施要求" {
        /// 年度交通费补助 > 0 (外出务工补贴).
        TravelSubsidy => "交通费", "须填写年度交通费补助金额";
        /// A member with a disability (残疾人两项补贴).
        DisabledMember => "残疾成员", "须有残疾家庭成员";
    }
);

labelled_enum!(
    /// 措施状态.
    MeasureStatus, "措施状态" {
        /// 计划: agreed in the plan, not started.
        Planned => "planned", "计划";
        /// 实施中.
        Active => "active", "实施中";
        /// 已完成.
        Done => "done", "已完成";
        /// 已终止 (stopped before completion, or ended by policy).
        Stopped => "stopped", "已终止";
    }
);

impl MeasureStatus {
    /// Whether a measure may move from `self` to `to`: 计划 → 实施中 / 已完成 /
    /// 已终止, 实施中 → 已完成 / 已终止; 已完成 and 已终止 are final.
    pub fn can_become(self, to: MeasureStatus) -> bool {
        use MeasureStatus::*;
        matches!(
            (self, to),
            (Planned, Active | Done | Stopped) | (Active, Done | Stopped)
        )
    }

    /// Whether the measure has been carried out (实施中 or 已完成): what the
    /// development-first and safety-net checks count.
    pub fn implemented(self) -> bool {
        matches!(self, MeasureStatus::Active | MeasureStatus::Done)
    }

    /// Whether the status closes the measure (an end date is then required).
    pub fn is_final(self) -> bool {
        matches!(self, MeasureStatus::Done | MeasureStatus::Stopped)
    }
}

/// Assistance input refused, with the field named.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AssistError {
    /// A value not in its list.
    #[error("{what}无效：{value}")]
    Unknown {
        /// Which list.
        what: &'static str,
        /// The value given.
        value: String,
    },
    /// A required text is blank.
    #[error("{field}：不能为空")]
    Blank {
        /// Chinese field name.
        field: &'static str,
    },
    /// A text is too long.
    #[error("{field}：不超过{max}个字")]
    TooLong {
        /// Chinese field name.
        field: &'static str,
        /// Maximum number of characters.
        max: usize,
    },
    /// Not a phone number.
    #[error("联系电话：应为11位手机号码或带区号的固定电话（如 023-12345678）")]
    Phone,
    /// Not an area code.
    #[error("帮扶区域：{0}")]
    Area(AreaCodeError),
    /// The catalogue has no such item.
    #[error("措施目录中没有编码为“{0}”的措施")]
    NotInCatalogue(String),
    /// Not a 致贫返贫风险 code.
    #[error("针对风险：无效的风险代码“{0}”")]
    Risk(String),
    /// A negative amount.
    #[error("金额：不能为负数")]
    NegativeAmount,
    /// End before start.
    #[error("结束日期（{ended}）早于开始日期（{started}）")]
    EndsBeforeStart {
        /// 开始日期.
        started: NaiveDate,
        /// 结束日期.
        ended: NaiveDate,
    },
    /// A status change the lifecycle does not allow.
    #[error("措施状态不能从“{}”改为“{}”", .from.label(), .to.label())]
    Transition {
        /// Current status.
        from: MeasureStatus,
        /// Requested status.
        to: MeasureStatus,
    },
    /// An end date on a measure still running.
    #[error("结束日期：只有已完成或已终止的措施才有结束日期")]
    EndWhileRunning,
}

fn text(
    input: &str,
    field: &'static str,
    max: usize,
    required: bool,
) -> Result<String, AssistError> {
    let t = input.trim();
    if required && t.is_empty() {
        return Err(AssistError::Blank { field });
    }
    if t.chars().count() > max {
        return Err(AssistError::TooLong { field, max });
    }
    Ok(t.to_owned())
}

/// A 帮扶干部 as entered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CadreForm {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 职务.
    pub position: String,
    /// 联系电话.
    pub phone: String,
    /// 帮扶区域 (the area whose households the cadre may be paired with).
    pub area: String,
    /// 在岗.
    pub active: Option<bool>,
    /// The cadre's login, when they have one (their 帮扶 page then lists
    /// only their own households).
    pub username: String,
}

/// A 帮扶干部 registry entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadre {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 职务.
    pub position: String,
    /// 联系电话.
    pub phone: Phone,
    /// 帮扶区域.
    pub area: AreaCode,
    /// 在岗.
    pub active: bool,
    /// Login name, if linked.
    pub username: Option<String>,
}

impl Cadre {
    /// Parses the form; the first problem is returned with its field.
    pub fn parse(f: &CadreForm) -> Result<Cadre, AssistError> {
        Ok(Cadre {
            name: text(&f.name, "姓名", 20, true)?,
            unit: text(&f.unit, "工作单位", 60, true)?,
            position: text(&f.position, "职务", 30, false)?,
            phone: Phone::parse(&f.phone).map_err(|_| AssistError::Phone)?,
            area: AreaCode::parse(f.area.trim()).map_err(AssistError::Area)?,
            active: f.active.unwrap_or(true),
            username: Some(f.username.trim().to_owned()).filter(|u| !u.is_empty()),
        })
    }
}

/// A status change as entered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatusChange {
    /// New status (code or Chinese).
    pub status: String,
    /// 结束日期 (today when closing without one).
    pub ended_on: Option<NaiveDate>,
    /// Evidence note or reason, appended to the measure's notes.
    pub evidence: String,
}

/// What the data-quality rules know about a household's assistance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssistFacts {
    /// Its measures (all statuses).
    pub measures: Vec<Measure>,
    /// The current 帮扶责任人's name.
    pub responsible: Option<String>,
    /// The last day to name one (for a monitored household without one).
    pub responsible_due: Option<NaiveDate>,
}

impl AssistFacts {
    /// Implemented measures of a kind.
    pub fn implemented(&self, kind: MeasureKind) -> impl Iterator<Item = &Measure> {
        self.measures
            .iter()
            .filter(move |m| m.kind == kind && m.status.implemented())
    }
}

/// A 帮扶干部 with the households paired to them: (户编号, from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedCadre {
    /// The registry entry.
    pub cadre: Cadre,
    /// (户编号, 结对日期) of each household.
    pub households: Vec<(String, NaiveDate)>,
}

/// Assistance records written together (the demo county): cadres with
/// their pairings, plans and measures, each household named by 户编号.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssistBatch {
    /// Cadres and their households.
    pub cadres: Vec<PairedCadre>,
    /// (户编号, goals, day made and reviewed).
    pub plans: Vec<(String, String, NaiveDate)>,
    /// (户编号, measure).
    pub measures: Vec<(String, Measure)>,
}

/// Whether a member has a disability (健康状况 残疾 / 重度残疾, or a
/// disability certificate).
pub fn is_disabled(p: &Person) -> bool {
    matches!(p.health.as_str(), "3" | "4") || p.disability_cert_year.is_some()
}

mod catalogue;
mod measures;
mod plans;
#[cfg(test)]
mod tests;

pub use catalogue::*;
pub use measures::*;
pub use plans::*;
