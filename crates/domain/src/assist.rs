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

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::{AreaCode, AreaCodeError, AreaLevel};
use crate::codes::{find_list, keys as code_keys};
use crate::household::Person;
use crate::money::Money;
use crate::self_report::Phone;

/// The catalogue as shipped.
pub const CATALOGUE_CSV: &str = include_str!("../data/assist_measures.csv");

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

/// A catalogue file problem, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("措施目录第{line}行：{reason}")]
pub struct CatalogueError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One catalogue item.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueItem {
    /// Stable code (`CY01` …).
    pub code: String,
    /// 类别.
    pub category: Category,
    /// 措施名称.
    pub name: String,
    /// 性质.
    pub kind: MeasureKind,
    /// 风险消除后.
    pub after_elimination: AfterElimination,
    /// What the record must show.
    pub requires: Option<Requirement>,
}

/// The measure catalogue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    items: Vec<CatalogueItem>,
}

impl Catalogue {
    /// Parses a catalogue CSV: the header, then one item per line; codes are
    /// unique, every field known. Each problem names its line.
    pub fn parse(csv: &str) -> Result<Catalogue, CatalogueError> {
        let mut lines = csv.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == CATALOGUE_HEADER => {}
            _ => {
                return Err(CatalogueError {
                    line: 1,
                    reason: format!("表头应为 {CATALOGUE_HEADER}"),
                });
            }
        }
        let mut items: Vec<CatalogueItem> = Vec::new();
        for (i, raw) in lines {
            let line = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let err = |reason: String| CatalogueError { line, reason };
            let f: Vec<&str> = raw.split(',').map(str::trim).collect();
            if f.len() != 6 {
                return Err(err(format!("应有6列，实际为{}列", f.len())));
            }
            let code = f[0];
            if code.is_empty()
                || !code.chars().all(|c| c.is_ascii_alphanumeric())
                || code.len() > 16
            {
                return Err(err(format!("编码“{code}”应为不超过16位的字母和数字")));
            }
            if items.iter().any(|x| x.code == code) {
                return Err(err(format!("编码“{code}”重复")));
            }
            if f[2].is_empty() {
                return Err(err("措施名称不能为空".into()));
            }
            let e = |x: AssistError| err(x.to_string());
            items.push(CatalogueItem {
                code: code.to_owned(),
                category: Category::parse(f[1]).map_err(e)?,
                name: f[2].to_owned(),
                kind: MeasureKind::parse(f[3]).map_err(e)?,
                after_elimination: AfterElimination::parse(f[4]).map_err(e)?,
                requires: match f[5] {
                    "" => None,
                    r => Some(Requirement::parse(r).map_err(e)?),
                },
            });
        }
        if items.is_empty() {
            return Err(CatalogueError {
                line: 1,
                reason: "目录中没有措施".into(),
            });
        }
        Ok(Catalogue { items })
    }

    /// The shipped catalogue (`data/assist_measures.csv`).
    pub fn official() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| Catalogue::parse(CATALOGUE_CSV).expect("shipped catalogue is valid"))
    }

    /// Every item, in file order.
    pub fn items(&self) -> &[CatalogueItem] {
        &self.items
    }

    /// The item with `code`.
    pub fn item(&self, code: &str) -> Option<&CatalogueItem> {
        self.items.iter().find(|i| i.code == code.trim())
    }
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

/// An 一户一策 plan as entered.
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

/// A measure as entered on a plan.
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureForm {
    /// Catalogue code.
    pub code: String,
    /// Specific name (e.g. 生猪养殖产业奖补); the item's name when blank.
    #[serde(default)]
    pub name: String,
    /// The 致贫返贫风险 code the measure targets.
    pub target_risk: String,
    /// 开始日期.
    pub started_on: NaiveDate,
    /// 结束日期 (only for a completed or stopped measure).
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
    /// 金额（分）: subsidy, loan, pay …; for 外出务工补贴 the 年度交通费补助.
    #[serde(default)]
    pub amount_fen: i64,
    /// 状态 (code or Chinese); 实施中 when blank.
    #[serde(default)]
    pub status: String,
    /// 佐证材料说明.
    #[serde(default)]
    pub evidence: String,
}

/// A measure on a household's plan, parsed; also the fact the quality
/// rules read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// Catalogue code (`None` for measures recorded before the catalogue).
    pub code: Option<String>,
    /// 类别.
    pub category: Category,
    /// 性质.
    pub kind: MeasureKind,
    /// 名称.
    pub name: String,
    /// 针对风险.
    pub target_risk: String,
    /// 状态.
    pub status: MeasureStatus,
    /// 开始日期.
    pub started_on: NaiveDate,
    /// 结束日期.
    pub ended_on: Option<NaiveDate>,
    /// 金额.
    pub amount: Money,
    /// 佐证材料说明.
    pub evidence: String,
}

fn check_risk(code: &str) -> Result<String, AssistError> {
    let code = code.trim();
    let list = find_list(code_keys::RISK_TYPE).expect("seeded risk list");
    if list.contains(code) {
        Ok(code.to_owned())
    } else {
        Err(AssistError::Risk(code.to_owned()))
    }
}

fn check_end(
    status: MeasureStatus,
    started: NaiveDate,
    ended: Option<NaiveDate>,
) -> Result<(), AssistError> {
    match ended {
        Some(_) if !status.is_final() => Err(AssistError::EndWhileRunning),
        Some(e) if e < started => Err(AssistError::EndsBeforeStart { started, ended: e }),
        _ => Ok(()),
    }
}

impl Measure {
    /// Parses a new measure against the catalogue: category and kind come
    /// from the item, the name defaults to the item's, the risk must be a
    /// known code, the amount non-negative, an end date only on a closed
    /// measure and not before its start.
    pub fn parse(f: &MeasureForm, cat: &Catalogue) -> Result<Measure, AssistError> {
        let item = cat
            .item(&f.code)
            .ok_or_else(|| AssistError::NotInCatalogue(f.code.trim().to_owned()))?;
        let name = match text(&f.name, "措施名称", 60, false)? {
            n if n.is_empty() => item.name.clone(),
            n => n,
        };
        let status = match f.status.trim() {
            "" => MeasureStatus::Active,
            s => MeasureStatus::parse(s)?,
        };
        if f.amount_fen < 0 {
            return Err(AssistError::NegativeAmount);
        }
        check_end(status, f.started_on, f.ended_on)?;
        Ok(Measure {
            code: Some(item.code.clone()),
            category: item.category,
            kind: item.kind,
            name,
            target_risk: check_risk(&f.target_risk)?,
            status,
            started_on: f.started_on,
            ended_on: f.ended_on,
            amount: Money::from_fen(f.amount_fen),
            evidence: text(&f.evidence, "佐证材料说明", MAX_EVIDENCE_CHARS, false)?,
        })
    }

    /// The catalogue item of this measure, if it has one.
    pub fn item<'c>(&self, cat: &'c Catalogue) -> Option<&'c CatalogueItem> {
        self.code.as_deref().and_then(|c| cat.item(c))
    }

    /// Applies a status change: the lifecycle must allow it; closing needs an
    /// end date (`today` when none is given) not before the start, and
    /// 已完成 needs an evidence note (new or already recorded).
    pub fn change_status(
        &mut self,
        change: &StatusChange,
        today: NaiveDate,
    ) -> Result<(), AssistError> {
        let to = MeasureStatus::parse(&change.status)?;
        if !self.status.can_become(to) {
            return Err(AssistError::Transition {
                from: self.status,
                to,
            });
        }
        let ended = if to.is_final() {
            Some(change.ended_on.unwrap_or(today))
        } else {
            change.ended_on
        };
        check_end(to, self.started_on, ended)?;
        let note = text(&change.evidence, "佐证材料说明", MAX_EVIDENCE_CHARS, false)?;
        let evidence = match (self.evidence.is_empty(), note.is_empty()) {
            (_, true) => self.evidence.clone(),
            (true, false) => note.clone(),
            (false, false) => format!("{}\n{note}", self.evidence),
        };
        if to == MeasureStatus::Done && evidence.is_empty() {
            return Err(AssistError::Blank {
                field: "佐证材料说明（完成措施须说明佐证材料）",
            });
        }
        if to == MeasureStatus::Stopped && note.is_empty() {
            return Err(AssistError::Blank {
                field: "终止原因"
            });
        }
        self.evidence = evidence;
        self.status = to;
        self.ended_on = ended;
        Ok(())
    }
}

/// A correction of a recorded measure as entered: what was mistyped. The
/// status and its end date move only through [`Measure::change_status`].
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureCorrection {
    /// Catalogue code (an older measure without one gets one here).
    pub code: String,
    /// Specific name; the item's name when blank.
    #[serde(default)]
    pub name: String,
    /// The 致贫返贫风险 code the measure targets.
    pub target_risk: String,
    /// 开始日期.
    pub started_on: NaiveDate,
    /// 金额（分）.
    #[serde(default)]
    pub amount_fen: i64,
    /// 佐证材料说明 (replaces the recorded notes).
    #[serde(default)]
    pub evidence: String,
    /// 修改原因, kept in the audit log.
    #[serde(default)]
    pub reason: String,
    /// The revision of the measure the page showed.
    pub revision: i32,
}

impl Measure {
    /// The measure with `c` applied, checked as a new one would be (the
    /// catalogue item, the risk, a non-negative amount) and keeping its
    /// status and end date, which must not fall before the corrected start.
    pub fn corrected(
        &self,
        c: &MeasureCorrection,
        cat: &Catalogue,
    ) -> Result<(Measure, String), AssistError> {
        let reason = text(&c.reason, "修改原因", 200, true)?;
        let form = MeasureForm {
            code: c.code.clone(),
            name: c.name.clone(),
            target_risk: c.target_risk.clone(),
            started_on: c.started_on,
            ended_on: self.ended_on,
            amount_fen: c.amount_fen,
            status: self.status.code().to_owned(),
            evidence: c.evidence.clone(),
        };
        Ok((Measure::parse(&form, cat)?, reason))
    }
}

/// A status change as entered.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn shipped_catalogue_covers_every_category_and_kind() {
        let cat = Catalogue::official();
        for c in Category::ALL {
            assert!(cat.items().iter().any(|i| i.category == *c), "{c:?}");
        }
        for k in MeasureKind::ALL {
            assert!(cat.items().iter().any(|i| i.kind == *k), "{k:?}");
        }
        let travel = cat.item("JY01").unwrap();
        assert_eq!(travel.name, "外出务工补贴");
        assert_eq!(travel.requires, Some(Requirement::TravelSubsidy));
        assert_eq!(
            cat.item("JR01").unwrap().after_elimination,
            AfterElimination::UntilContractEnds
        );
        assert_eq!(
            cat.item("JY05").unwrap().after_elimination,
            AfterElimination::UntilAgreementEnds
        );
        assert_eq!(
            cat.item("JX02").unwrap().after_elimination,
            AfterElimination::UntilStageEnds
        );
        assert_eq!(cat.item("DD01").unwrap().kind, MeasureKind::SafetyNet);
    }

    #[test]
    fn catalogue_errors_name_the_line() {
        let head = CATALOGUE_HEADER;
        let e = Catalogue::parse(&format!(
            "{head}\nA1,产业,奖补,开发式,保持,\nA1,就业,培训,开发式,保持,"
        ))
        .unwrap_err();
        assert_eq!(e.to_string(), "措施目录第3行：编码“A1”重复");
        let e = Catalogue::parse(&format!("{head}\nA1,产业,奖补,发展式,保持,")).unwrap_err();
        assert_eq!(e.to_string(), "措施目录第2行：措施性质无效：发展式");
        let e = Catalogue::parse("code,name\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Catalogue::parse(&format!("{head}\nA1,产业,奖补,开发式")).unwrap_err();
        assert!(e.to_string().contains("应有6列"), "{e}");
    }

    #[test]
    fn status_lifecycle() {
        use MeasureStatus::*;
        assert!(Planned.can_become(Active));
        assert!(Active.can_become(Done));
        assert!(Active.can_become(Stopped));
        assert!(!Done.can_become(Active));
        assert!(!Stopped.can_become(Done));
        assert!(!Active.can_become(Planned));
        assert_eq!(MeasureStatus::parse("实施中").unwrap(), Active);
        assert_eq!(MeasureStatus::parse("done").unwrap(), Done);
        assert!(MeasureStatus::parse("进行").is_err());
    }

    fn form(code: &str) -> MeasureForm {
        MeasureForm {
            code: code.into(),
            name: String::new(),
            target_risk: "01".into(),
            started_on: d(2024, 10, 8),
            ended_on: None,
            amount_fen: 0,
            status: String::new(),
            evidence: String::new(),
        }
    }

    #[test]
    fn measures_are_parsed_against_the_catalogue() {
        let cat = Catalogue::official();
        let m = Measure::parse(&form("CY01"), cat).unwrap();
        assert_eq!(m.name, "到户产业奖补");
        assert_eq!(m.kind, MeasureKind::Development);
        assert_eq!(m.status, MeasureStatus::Active);
        let e = Measure::parse(&form("ZZ99"), cat).unwrap_err();
        assert_eq!(e.to_string(), "措施目录中没有编码为“ZZ99”的措施");
        let mut f = form("CY01");
        f.target_risk = "99x".into();
        assert_eq!(
            Measure::parse(&f, cat).unwrap_err().to_string(),
            "针对风险：无效的风险代码“99x”"
        );
        let mut f = form("CY01");
        f.amount_fen = -1;
        assert_eq!(
            Measure::parse(&f, cat).unwrap_err(),
            AssistError::NegativeAmount
        );
        let mut f = form("CY01");
        f.ended_on = Some(d(2024, 12, 1));
        assert_eq!(
            Measure::parse(&f, cat).unwrap_err(),
            AssistError::EndWhileRunning
        );
        f.status = "已完成".into();
        f.ended_on = Some(d(2024, 10, 1));
        assert!(matches!(
            Measure::parse(&f, cat).unwrap_err(),
            AssistError::EndsBeforeStart { .. }
        ));
    }

    #[test]
    fn status_changes_follow_the_lifecycle() {
        let cat = Catalogue::official();
        let mut m = Measure::parse(&form("JY03"), cat).unwrap();
        let today = d(2024, 12, 2);
        let done = StatusChange {
            status: "done".into(),
            ended_on: None,
            evidence: String::new(),
        };
        let e = m.change_status(&done, today).unwrap_err();
        assert!(e.to_string().contains("佐证材料"), "{e}");
        assert_eq!(
            m.status,
            MeasureStatus::Active,
            "a refused change changes nothing"
        );
        let done = StatusChange {
            evidence: "培训结业证书".into(),
            ..done
        };
        m.change_status(&done, today).unwrap();
        assert_eq!(m.status, MeasureStatus::Done);
        assert_eq!(m.ended_on, Some(today));
        let again = StatusChange {
            status: "active".into(),
            ..Default::default()
        };
        assert_eq!(
            m.change_status(&again, today).unwrap_err().to_string(),
            "措施状态不能从“已完成”改为“实施中”"
        );
        let mut s = Measure::parse(&form("JY03"), cat).unwrap();
        let stop = StatusChange {
            status: "已终止".into(),
            ..Default::default()
        };
        assert_eq!(
            s.change_status(&stop, today).unwrap_err().to_string(),
            "终止原因：不能为空"
        );
    }

    #[test]
    fn cadres_and_plans_name_the_field() {
        let f = CadreForm {
            name: "李明".into(),
            unit: "县农业农村委".into(),
            position: "科员".into(),
            phone: "139 2345 6789".into(),
            area: "500230101201".into(),
            active: None,
            username: String::new(),
        };
        let c = Cadre::parse(&f).unwrap();
        assert_eq!(c.phone.as_str(), "13923456789");
        assert!(c.active);
        let bad = CadreForm {
            phone: "12345".into(),
            ..f.clone()
        };
        assert_eq!(Cadre::parse(&bad).unwrap_err(), AssistError::Phone);
        let bad = CadreForm {
            unit: " ".into(),
            ..f.clone()
        };
        assert_eq!(
            Cadre::parse(&bad).unwrap_err().to_string(),
            "工作单位：不能为空"
        );
        let bad = CadreForm {
            area: "50023".into(),
            ..f
        };
        assert!(
            Cadre::parse(&bad)
                .unwrap_err()
                .to_string()
                .starts_with("帮扶区域：")
        );
        assert_eq!(
            Plan::parse(&PlanForm::default()).unwrap_err().to_string(),
            "帮扶目标和措施思路：不能为空"
        );
    }

    #[test]
    fn plan_review_by_township_or_county_never_the_writer() {
        let township = PlanReviewer {
            level: AreaLevel::Township,
            township_review: true,
            county_approve: false,
            wrote_plan: false,
        };
        assert_eq!(check_plan_review(&township, None), Ok(()));
        let county = PlanReviewer {
            level: AreaLevel::County,
            township_review: false,
            county_approve: true,
            ..township
        };
        assert_eq!(check_plan_review(&county, None), Ok(()));
        let operator = PlanReviewer {
            township_review: false,
            ..township
        };
        assert_eq!(check_plan_review(&operator, None), Err(ReviewRefusal::Role));
        let village = PlanReviewer {
            level: AreaLevel::Village,
            ..township
        };
        assert_eq!(check_plan_review(&village, None), Err(ReviewRefusal::Level));
        let writer = PlanReviewer {
            wrote_plan: true,
            ..county
        };
        let e = check_plan_review(&writer, None).unwrap_err();
        assert_eq!(e, ReviewRefusal::OwnPlan);
        assert!(e.to_string().contains("本人"), "{e}");
        let e = check_plan_review(&township, Some(d(2024, 10, 8))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "帮扶计划已于2024-10-08审核，计划修改后才需重新审核"
        );
        assert!(!e.is_about_the_reviewer());
        assert!(ReviewRefusal::OwnPlan.is_about_the_reviewer());
    }

    proptest::proptest! {
        #[test]
        fn final_states_never_move(from in 0usize..4, to in 0usize..4) {
            let (a, b) = (MeasureStatus::ALL[from], MeasureStatus::ALL[to]);
            if a.is_final() {
                proptest::prop_assert!(!a.can_become(b));
            }
            // No status returns to 计划, and none stays where it is.
            proptest::prop_assert!(!a.can_become(MeasureStatus::Planned));
            proptest::prop_assert!(!a.can_become(a));
        }

        #[test]
        fn every_code_and_label_round_trips(i in 0usize..7) {
            let v = AfterElimination::ALL[i];
            proptest::prop_assert_eq!(AfterElimination::parse(v.code()).unwrap(), v);
            proptest::prop_assert_eq!(AfterElimination::parse(v.label()).unwrap(), v);
        }
    }
}
