//! The case lifecycle of a monitored household (policy.md §4.2, §7.2–7.3):
//! identification (识别纳入) from a lead to 监测中, and elimination (风险消除)
//! from 监测中 to 风险已消除, with 回退.
//!
//! [`decide`] is the only place that knows which action is allowed in which
//! state, by which level, under which guard. It is pure: it takes the case as
//! it stands, the actor, the action and the day, and returns the new state
//! with what the store must record — or a Chinese refusal. The store applies
//! the outcome (ledger row, deadlines, audit) in one transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::household::HouseholdBundle;
use crate::income;
use crate::money::Money;
use crate::policy::{PolicyError, PolicySet, keys};

/// Where a lead came from (监测方式, policy.md §4.1).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 农户自主申报 (paper form, app, mini-program, public form).
    SelfReport,
    /// 干部排查 (a visit by a cadre).
    CadreVisit,
    /// 部门筛查预警 (department data screening).
    DeptWarning,
    /// 热线 (12317 / 12345 transcription).
    Hotline,
}

impl Channel {
    /// All channels, in display order.
    pub const ALL: [Channel; 4] = [
        Channel::SelfReport,
        Channel::CadreVisit,
        Channel::DeptWarning,
        Channel::Hotline,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::SelfReport => "self_report",
            Channel::CadreVisit => "cadre_visit",
            Channel::DeptWarning => "dept_warning",
            Channel::Hotline => "hotline",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Channel::SelfReport => "农户自主申报",
            Channel::CadreVisit => "干部排查",
            Channel::DeptWarning => "部门筛查预警",
            Channel::Hotline => "热线",
        }
    }

    /// Parse a stored code.
    pub fn parse(code: &str) -> Result<Channel, WorkflowError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| WorkflowError::Invalid(format!("线索来源无效：{code}")))
    }
}

/// States of a case (policy.md §7.3).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 线索待受理.
    Lead,
    /// 入户核实.
    Verifying,
    /// 信息比对.
    Comparing,
    /// 村级民主评议.
    Reviewing,
    /// 村内公示.
    Notice,
    /// 乡镇审核.
    TownshipReview,
    /// 县级审定.
    CountyApproval,
    /// 已审定，待公告.
    Approved,
    /// 监测中（风险未消除）.
    Monitoring,
    /// 风险消除：入户核实.
    ElimVerifying,
    /// 风险消除：民主评议.
    ElimReviewing,
    /// 风险消除：公示.
    ElimNotice,
    /// 风险消除：乡镇审核.
    ElimTownship,
    /// 风险消除：县级审定.
    ElimCounty,
    /// 风险已消除.
    Eliminated,
    /// 不予纳入.
    Rejected,
}

impl CaseState {
    /// All states in lifecycle order.
    pub const ALL: [CaseState; 16] = [
        CaseState::Lead,
        CaseState::Verifying,
        CaseState::Comparing,
        CaseState::Reviewing,
        CaseState::Notice,
        CaseState::TownshipReview,
        CaseState::CountyApproval,
        CaseState::Approved,
        CaseState::Monitoring,
        CaseState::ElimVerifying,
        CaseState::ElimReviewing,
        CaseState::ElimNotice,
        CaseState::ElimTownship,
        CaseState::ElimCounty,
        CaseState::Eliminated,
        CaseState::Rejected,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Lead => "lead",
            CaseState::Verifying => "verifying",
            CaseState::Comparing => "comparing",
            CaseState::Reviewing => "reviewing",
            CaseState::Notice => "notice",
            CaseState::TownshipReview => "township_review",
            CaseState::CountyApproval => "county_approval",
            CaseState::Approved => "approved",
            CaseState::Monitoring => "monitoring",
            CaseState::ElimVerifying => "elim_verifying",
            CaseState::ElimReviewing => "elim_reviewing",
            CaseState::ElimNotice => "elim_notice",
            CaseState::ElimTownship => "elim_township",
            CaseState::ElimCounty => "elim_county",
            CaseState::Eliminated => "eliminated",
            CaseState::Rejected => "rejected",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Lead => "线索待受理",
            CaseState::Verifying => "入户核实",
            CaseState::Comparing => "信息比对",
            CaseState::Reviewing => "民主评议",
            CaseState::Notice => "村内公示",
            CaseState::TownshipReview => "乡镇审核",
            CaseState::CountyApproval => "县级审定",
            CaseState::Approved => "待公告",
            CaseState::Monitoring => "监测中（风险未消除）",
            CaseState::ElimVerifying => "消除核实",
            CaseState::ElimReviewing => "消除评议",
            CaseState::ElimNotice => "消除公示",
            CaseState::ElimTownship => "消除乡镇审核",
            CaseState::ElimCounty => "消除县级审定",
            CaseState::Eliminated => "风险已消除",
            CaseState::Rejected => "不予纳入",
        }
    }

    /// Parse a stored code.
    pub fn parse(code: &str) -> Result<CaseState, WorkflowError> {
        CaseState::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| WorkflowError::Invalid(format!("案件状态无效：{code}")))
    }

    /// Whether the case is in the identification procedure (before 监测中).
    pub fn identifying(self) -> bool {
        matches!(
            self,
            CaseState::Lead
                | CaseState::Verifying
                | CaseState::Comparing
                | CaseState::Reviewing
                | CaseState::Notice
                | CaseState::TownshipReview
                | CaseState::CountyApproval
                | CaseState::Approved
        )
    }

    /// Whether the case is in the elimination procedure.
    pub fn eliminating(self) -> bool {
        matches!(
            self,
            CaseState::ElimVerifying
                | CaseState::ElimReviewing
                | CaseState::ElimNotice
                | CaseState::ElimTownship
                | CaseState::ElimCounty
        )
    }

    /// Whether no further step is due (terminal or steady states).
    pub fn at_rest(self) -> bool {
        matches!(
            self,
            CaseState::Monitoring | CaseState::Eliminated | CaseState::Rejected
        )
    }

    /// The levels that may do the next step in this state (the first one owns
    /// it for due lists; a 乡镇 may also take in a lead for the village).
    pub fn owners(self) -> &'static [Level] {
        use CaseState::*;
        match self {
            Lead => &[Level::Village, Level::Township],
            Verifying | Reviewing | Notice | ElimVerifying | ElimReviewing | ElimNotice => {
                &[Level::Village]
            }
            Comparing | CountyApproval | ElimCounty => &[Level::County],
            TownshipReview | Approved | ElimTownship => &[Level::Township],
            Monitoring | Eliminated | Rejected => &[],
        }
    }

    /// The parameter key of this state's time limit, see `policy::keys`.
    pub fn sla_key(self) -> Option<&'static str> {
        use crate::policy::keys;
        use CaseState::*;
        Some(match self {
            Lead => keys::SLA_LEAD,
            Verifying | ElimVerifying => keys::SLA_VERIFY,
            Comparing => keys::SLA_COMPARE,
            Reviewing | ElimReviewing => keys::SLA_REVIEW,
            Notice | ElimNotice => keys::SLA_NOTICE_CLOSE,
            TownshipReview | ElimTownship => keys::SLA_TOWNSHIP,
            CountyApproval | ElimCounty => keys::SLA_COUNTY,
            Approved => keys::SLA_ANNOUNCE,
            Monitoring | Eliminated | Rejected => return None,
        })
    }
}

/// Administrative level of a workflow actor.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 村级 / 驻村工作队.
    Village,
    /// 乡镇.
    Township,
    /// 县级.
    County,
}

impl Level {
    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Level::Village => "村级",
            Level::Township => "乡镇",
            Level::County => "县级",
        }
    }

    /// The level above (where overdue steps escalate to).
    pub fn above(self) -> Option<Level> {
        match self {
            Level::Village => Some(Level::Township),
            Level::Township => Some(Level::County),
            Level::County => None,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// User id.
    pub user: i64,
    /// The workflow levels the user's role may act at.
    pub levels: &'static [Level],
}

impl Actor {
    fn may(&self, level: Level) -> bool {
        self.levels.contains(&level)
    }
}

/// 民主评议 record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// Day the meeting was held.
    pub held_on: NaiveDate,
    /// Where it was held (村委会会议室 …); entries made before the field
    /// existed have none.
    #[serde(default)]
    pub place: String,
    /// Attendees (names and roles as written in the minutes).
    pub attendees: Vec<String>,
    /// Votes in favour.
    pub votes_for: u16,
    /// Votes against.
    pub votes_against: u16,
    /// Whether the meeting agreed.
    pub passed: bool,
    /// Minutes (会议记录摘要).
    pub minutes: String,
}

/// What an actor does to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 受理线索，转入户核实.
    Accept {
        /// Remarks.
        #[serde(default)]
        note: String,
    },
    /// 入户核实 done.
    Verify {
        /// Day of the visit.
        visited_on: NaiveDate,
        /// The household signed the 承诺授权书.
        consent_signed: bool,
        /// What the visit found.
        findings: String,
    },
    /// 信息比对 done (flags reviewed by a person, never automatic rejections).
    Compare {
        /// Flags raised by the asset / data check.
        #[serde(default)]
        flags: Vec<String>,
        /// The conclusion.
        conclusion: String,
    },
    /// 民主评议 held.
    Review(ReviewRecord),
    /// Close the 公示.
    CloseNotice {
        /// An objection raised during the notice (sends the case back to 核实).
        #[serde(default)]
        objection: Option<String>,
    },
    /// 审核 / 审定 agreed at the actor's level.
    Approve {
        /// Opinion.
        #[serde(default)]
        opinion: String,
        /// 监测对象类别 as decided at 县级审定 (replaces the suggestion).
        #[serde(default)]
        category: Option<String>,
        /// 致贫返贫风险 as decided at 县级审定 (replaces the suggestion).
        #[serde(default)]
        risks: Option<Vec<String>>,
    },
    /// 公告 posted: the household is now 监测中.
    Announce {
        /// Day the notice was posted.
        posted_on: NaiveDate,
    },
    /// Refuse at the current step.
    Reject {
        /// Reason (required).
        reason: String,
    },
    /// Propose elimination (风险消除).
    ProposeElimination {
        /// 风险消除方式 code (帮扶消除 / 自然消除).
        method: String,
        /// Why the risk is gone.
        reason: String,
    },
    /// 回退: re-open an eliminated case.
    Reopen {
        /// Reason (required).
        reason: String,
    },
}

impl Action {
    /// Stored code.
    pub fn code(&self) -> &'static str {
        match self {
            Action::Accept { .. } => "accept",
            Action::Verify { .. } => "verify",
            Action::Compare { .. } => "compare",
            Action::Review(_) => "review",
            Action::CloseNotice { .. } => "close_notice",
            Action::Approve { .. } => "approve",
            Action::Announce { .. } => "announce",
            Action::Reject { .. } => "reject",
            Action::ProposeElimination { .. } => "propose_elimination",
            Action::Reopen { .. } => "reopen",
        }
    }

    /// Chinese name.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Accept { .. } => "受理",
            Action::Verify { .. } => "入户核实",
            Action::Compare { .. } => "信息比对",
            Action::Review(_) => "民主评议",
            Action::CloseNotice { .. } => "公示结束",
            Action::Approve { .. } => "审核同意",
            Action::Announce { .. } => "公告",
            Action::Reject { .. } => "不予通过",
            Action::ProposeElimination { .. } => "提出风险消除",
            Action::Reopen { .. } => "风险消除回退",
        }
    }
}

/// The facts about a case that guards need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// Current state.
    pub state: CaseState,
    /// 监测对象类别 (suggested by the rules, decided at 县级审定).
    pub category: Option<String>,
    /// 致贫返贫风险 codes (suggested by the rules, decided at 县级审定).
    pub risks: Vec<String>,
    /// Who created the lead.
    pub opened_by: i64,
    /// Who proposed the current elimination, if one is under way.
    pub proposed_by: Option<i64>,
    /// 风险消除方式 of the elimination under way.
    pub method: Option<String>,
    /// Who approved at township level in the current procedure.
    pub township_by: Option<i64>,
    /// First day of the current 公示, while in a notice state.
    pub notice_from: Option<NaiveDate>,
    /// Day the 公示 may close at the earliest (first day + minimum period).
    pub notice_until: Option<NaiveDate>,
}

/// 人均纯收入 of one income year with that year's 监测范围.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearAgainstLine {
    /// The income year.
    pub year: i32,
    /// Its 人均纯收入.
    pub per_capita: Money,
    /// The 监测范围 of that year.
    pub line: Money,
}

/// The income criteria of elimination as measured (policy.md §7.1 (1), (2)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeCriteria {
    /// The year of the elimination (the day of the check).
    pub line_year: i32,
    /// The 监测范围 in force that year: the latest income must be above it.
    pub line: Money,
    /// The latest income year on record (not after `line_year`).
    pub latest: Option<YearAgainstLine>,
    /// 收入持续稳定: how many of the latest income years must each be above
    /// their own year's line (parameter `elimination_stable_income_years`).
    pub stable_years: i64,
    /// The latest income years on record, newest first, at most `stable_years`.
    pub recent: Vec<YearAgainstLine>,
}

impl IncomeCriteria {
    /// The latest 人均纯收入 is strictly above the line in force in the
    /// elimination year (equal to the line is not above it).
    pub fn above_line(&self) -> bool {
        self.latest.is_some_and(|y| y.per_capita > self.line)
    }

    /// Each of the last `stable_years` income years on record is strictly
    /// above that year's line, and there are that many.
    pub fn stable(&self) -> bool {
        usize::try_from(self.stable_years).is_ok_and(|n| self.recent.len() >= n)
            && self.recent.iter().all(|y| y.per_capita > y.line)
    }
}

/// Why the income criteria could not be measured.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IncomeCriteriaError {
    /// No 监测范围 for a year the criteria compare with: nothing is guessed.
    #[error(
        "没有适用于该户所在区划的{year}年监测范围，无法核查风险消除的收入条件（{what}），请先配置该年度的监测范围"
    )]
    NoLine {
        /// The year without a line.
        year: i32,
        /// What the line was needed for.
        what: &'static str,
    },
    /// Another parameter is missing or has the wrong type.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// An income record is inconsistent.
    #[error("{year}年收入：{source}")]
    Income {
        /// Year of the record.
        year: i32,
        /// What is wrong.
        source: income::IncomeError,
    },
}

/// Measure the income criteria of `bundle` for an elimination on `on`
/// (policy.md §7.1): the latest income year on record against the line of
/// `on`'s year, and the last `elimination_stable_income_years` income years
/// each against its own year's line. A year without a line is refused, never
/// replaced by another year's.
pub fn income_criteria(
    bundle: &HouseholdBundle,
    policy: &PolicySet,
    on: NaiveDate,
) -> Result<IncomeCriteria, IncomeCriteriaError> {
    use chrono::Datelike;
    let area = bundle.household.area;
    let line_year = on.year();
    let line_of = |year: i32, what: &'static str| match policy.monitoring_line(&area, year) {
        Ok((line, _)) => Ok(line),
        Err(PolicyError::Missing { .. }) => Err(IncomeCriteriaError::NoLine { year, what }),
        Err(e) => Err(e.into()),
    };
    let line = line_of(line_year, "风险消除当年的监测范围")?;
    let stable_years = policy.int_param(keys::ELIMINATION_STABLE_YEARS, &area, line_year)?;
    let mut years: Vec<_> = bundle
        .incomes
        .iter()
        .filter(|r| r.year <= line_year)
        .collect();
    years.sort_by_key(|r| std::cmp::Reverse(r.year));
    let take = usize::try_from(stable_years).unwrap_or(0).max(1);
    let mut recent = Vec::new();
    for rec in years.into_iter().take(take) {
        let rules = policy.income_rules(&area, rec.year)?;
        let b = income::compute(rec, &rules).map_err(|source| IncomeCriteriaError::Income {
            year: rec.year,
            source,
        })?;
        recent.push(YearAgainstLine {
            year: rec.year,
            per_capita: b.per_capita,
            line: line_of(rec.year, "收入持续稳定须比较各年度的监测范围")?,
        });
    }
    let latest = recent.first().copied();
    recent.truncate(usize::try_from(stable_years).unwrap_or(0));
    Ok(IncomeCriteria {
        line_year,
        line,
        latest,
        stable_years,
        recent,
    })
}

/// Elimination criteria as measured for one household (policy.md §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EliminationCheck {
    /// Full months since identification.
    pub months_monitored: i64,
    /// The area's minimum.
    pub min_months: i64,
    /// Assistance measures recorded that target the household's risks.
    pub targeted_measures: u32,
    /// 人均纯收入 of the latest income year strictly above the line in force
    /// in the year of the elimination ([`IncomeCriteria::above_line`]).
    pub income_above_line: bool,
    /// 收入持续稳定 ([`IncomeCriteria::stable`]).
    #[serde(default)]
    pub income_stable: bool,
    /// The income figures behind the two income criteria.
    #[serde(default)]
    pub income: IncomeCriteria,
    /// No rigid-expense or income-drop trigger in the latest year.
    pub rigid_resolved: bool,
    /// 三保障 and 饮水安全 secure.
    pub basics_secure: bool,
    /// Not 整户无劳动能力 under the area's reading
    /// ([`crate::household::labour::NoLabourRule`]).
    pub has_labour: bool,
}

fn yuan(m: Money) -> String {
    format!("{m}元")
}

impl EliminationCheck {
    /// Unmet criteria, in Chinese; empty when elimination may be proposed.
    pub fn unmet(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.has_labour {
            out.push("整户无劳动能力：继续兜底保障和监测，不标注风险消除".to_string());
        }
        if self.months_monitored < self.min_months {
            out.push(format!(
                "识别监测未满{}个月（已{}个月）",
                self.min_months, self.months_monitored
            ));
        }
        if self.targeted_measures == 0 {
            out.push("尚无针对风险的帮扶措施".to_string());
        }
        let i = &self.income;
        if !self.income_above_line {
            out.push(match i.latest {
                Some(y) => format!(
                    "{}年人均纯收入{}未高于{}年监测范围{}",
                    y.year,
                    yuan(y.per_capita),
                    i.line_year,
                    yuan(i.line)
                ),
                None => format!(
                    "没有{}年及以前的收入记录，无法判断是否高于监测范围",
                    i.line_year
                ),
            });
        }
        if !self.income_stable {
            let shown: Vec<String> = i
                .recent
                .iter()
                .map(|y| {
                    format!(
                        "{}年{}（监测范围{}）",
                        y.year,
                        yuan(y.per_capita),
                        yuan(y.line)
                    )
                })
                .collect();
            out.push(format!(
                "收入未持续稳定：须最近{}个有收入记录的年度均高于当年监测范围，现有{}",
                i.stable_years,
                if shown.is_empty() {
                    "0个年度".to_string()
                } else {
                    shown.join("、")
                }
            ));
        }
        if !self.rigid_resolved {
            out.push("大额刚性支出或收入骤减问题尚未解决".to_string());
        }
        if !self.basics_secure {
            out.push("“三保障”或饮水安全尚未保障".to_string());
        }
        out
    }
}

/// The elimination criteria in plain words, as the 明白卡 prints them for a
/// household of `area` in `year`, with the area's own numbers: the months
/// of monitoring, how many income years must be above their line, and which
/// reading of 整户无劳动能力 it uses.
pub fn criteria_in_plain_words(
    policy: &PolicySet,
    area: &AreaCode,
    year: i32,
) -> Result<Vec<String>, PolicyError> {
    use crate::policy::TextChoice;
    let min_months = policy.int_param(keys::ELIMINATION_MIN_MONTHS, area, year)?;
    let stable_years = policy.int_param(keys::ELIMINATION_STABLE_YEARS, area, year)?;
    let no_labour = crate::household::labour::NoLabourRule::of(policy, area, year)?;
    Ok(vec![
        format!("自纳入监测起满{min_months}个月，并且至少落实过一项针对风险的帮扶措施。"),
        format!(
            "家庭人均纯收入稳定高于监测范围：最近{stable_years}个有收入记录的年度都高于当年的监测范围，最近一年还要高于风险消除当年的监测范围（等于不算高于）。"
        ),
        "看病、上学等大额刚性支出问题已经稳定解决。".to_string(),
        "义务教育、基本医疗、住房安全和饮水安全都有保障。".to_string(),
        "返贫致贫风险已经稳定消除，或者已经自然消除。".to_string(),
        format!(
            "全家都没有劳动能力（{}）的，不标注风险消除，继续兜底保障并跟踪监测。",
            no_labour.label()
        ),
        "是否消除须经入户核实、村级民主评议、公示、乡镇审核和县级审定，不设指标、不搞数字消除。"
            .to_string(),
    ])
}

/// What the store must record after an allowed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The new state.
    pub to: CaseState,
    /// The case facts after the action.
    pub view: CaseView,
    /// The household becomes a monitoring object with this identification day.
    pub identified_on: Option<NaiveDate>,
    /// The household's risk is eliminated on this day with this method.
    pub eliminated: Option<(NaiveDate, String)>,
    /// The elimination was rolled back (回退).
    pub reopened: bool,
}

/// Refusals.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkflowError {
    /// The action does not apply in the current state.
    #[error("当前状态为“{state}”，不能办理“{action}”")]
    WrongState {
        /// Current state label.
        state: &'static str,
        /// Action label.
        action: &'static str,
    },
    /// The actor's level does not own the step.
    #[error("“{step}”由{owner}办理")]
    WrongLevel {
        /// Step label.
        step: &'static str,
        /// Owning level label.
        owner: &'static str,
    },
    /// Nobody approves what they proposed.
    #[error("不能审核自己提出或已审核过的事项")]
    OwnProposal,
    /// The notice period is not over.
    #[error("公示期未满：{until}起方可结束公示")]
    NoticeNotOver {
        /// First day the notice may close.
        until: NaiveDate,
    },
    /// Elimination criteria do not hold.
    #[error("不符合风险消除条件：{}", .0.join("；"))]
    CriteriaNotMet(Vec<String>),
    /// Bad input.
    #[error("{0}")]
    Invalid(String),
}

fn need(text: &str, what: &str) -> Result<(), WorkflowError> {
    if text.trim().is_empty() {
        Err(WorkflowError::Invalid(format!("请填写{what}")))
    } else {
        Ok(())
    }
}

/// Decide `action` by `actor` on `case` on `today`.
///
/// `notice_min_until` gives, for a notice starting on a day, the first day it
/// may close (the store computes it from the area's 公示 parameter and the
/// working-day calendar). `elimination` is the measured criteria, needed only
/// for [`Action::ProposeElimination`].
pub fn decide(
    case: &CaseView,
    actor: &Actor,
    action: &Action,
    today: NaiveDate,
    notice_min_until: &dyn Fn(NaiveDate) -> Result<NaiveDate, WorkflowError>,
    elimination: Option<&EliminationCheck>,
) -> Result<Outcome, WorkflowError> {
    use CaseState::*;
    let state = case.state;
    let wrong = || WorkflowError::WrongState {
        state: state.label(),
        action: action.label(),
    };
    // Level check: the owner of the current step acts; 回退 is the county's,
    // an elimination proposal the village's.
    let owners: &[Level] = match action {
        Action::Reopen { .. } => &[Level::County],
        Action::ProposeElimination { .. } => &[Level::Village],
        _ => state.owners(),
    };
    let Some(first) = owners.first() else {
        return Err(wrong());
    };
    if !owners.iter().any(|l| actor.may(*l)) {
        return Err(WorkflowError::WrongLevel {
            step: action.label(),
            owner: first.label(),
        });
    }
    let mut view = case.clone();
    let out = |to: CaseState, view: CaseView| Outcome {
        to,
        view: CaseView { state: to, ..view },
        identified_on: None,
        eliminated: None,
        reopened: false,
    };
    let proposer = case.proposed_by.unwrap_or(case.opened_by);
    let result = match (state, action) {
        (Lead, Action::Accept { .. }) => out(Verifying, view),
        (
            Verifying,
            Action::Verify {
                consent_signed,
                findings,
                visited_on,
            },
        ) => {
            if !consent_signed {
                return Err(WorkflowError::Invalid(
                    "未签署承诺授权书：农户拒绝授权的，请办理“不予通过”并写明原因".into(),
                ));
            }
            need(findings, "核实情况")?;
            if *visited_on > today {
                return Err(WorkflowError::Invalid("入户日期不能晚于今天".into()));
            }
            out(Comparing, view)
        }
        (
            ElimVerifying,
            Action::Verify {
                findings,
                visited_on,
                ..
            },
        ) => {
            need(findings, "核实情况")?;
            if *visited_on > today {
                return Err(WorkflowError::Invalid("入户日期不能晚于今天".into()));
            }
            out(ElimReviewing, view)
        }
        (Comparing, Action::Compare { conclusion, .. }) => {
            need(conclusion, "比对结论")?;
            out(Reviewing, view)
        }
        (Reviewing | ElimReviewing, Action::Review(r)) => {
            if r.attendees.is_empty() {
                return Err(WorkflowError::Invalid("请填写参加评议人员".into()));
            }
            need(&r.minutes, "评议记录")?;
            if r.held_on > today {
                return Err(WorkflowError::Invalid("评议日期不能晚于今天".into()));
            }
            if r.passed != (r.votes_for > r.votes_against) {
                return Err(WorkflowError::Invalid(format!(
                    "评议结果与票数不符（赞成{}票，反对{}票）",
                    r.votes_for, r.votes_against
                )));
            }
            if r.passed {
                let from = today;
                view.notice_from = Some(from);
                view.notice_until = Some(notice_min_until(from)?);
                out(
                    if state == Reviewing {
                        Notice
                    } else {
                        ElimNotice
                    },
                    view,
                )
            } else if state == Reviewing {
                out(Rejected, view)
            } else {
                view.proposed_by = None;
                view.method = None;
                out(Monitoring, view)
            }
        }
        (Notice | ElimNotice, Action::CloseNotice { objection }) => {
            let until = case
                .notice_until
                .ok_or_else(|| WorkflowError::Invalid("缺少公示起始日期".into()))?;
            let back = if state == Notice {
                Verifying
            } else {
                ElimVerifying
            };
            match objection.as_deref().map(str::trim) {
                Some(o) if !o.is_empty() => {
                    view.notice_from = None;
                    view.notice_until = None;
                    out(back, view)
                }
                _ => {
                    if today < until {
                        return Err(WorkflowError::NoticeNotOver { until });
                    }
                    out(
                        if state == Notice {
                            TownshipReview
                        } else {
                            ElimTownship
                        },
                        view,
                    )
                }
            }
        }
        (TownshipReview | ElimTownship, Action::Approve { .. }) => {
            if actor.user == proposer {
                return Err(WorkflowError::OwnProposal);
            }
            view.township_by = Some(actor.user);
            out(
                if state == TownshipReview {
                    CountyApproval
                } else {
                    ElimCounty
                },
                view,
            )
        }
        (
            CountyApproval | ElimCounty,
            Action::Approve {
                category, risks, ..
            },
        ) => {
            if actor.user == proposer || Some(actor.user) == case.township_by {
                return Err(WorkflowError::OwnProposal);
            }
            if state == CountyApproval {
                if let Some(c) = category {
                    view.category = Some(c.clone());
                }
                if let Some(r) = risks {
                    view.risks.clone_from(r);
                }
                if view.category.is_none() {
                    return Err(WorkflowError::Invalid("请确定监测对象类别".into()));
                }
                if view.risks.is_empty() {
                    return Err(WorkflowError::Invalid("请至少确定一项致贫返贫风险".into()));
                }
                if view.risks.len() > crate::monitor::assess::MAX_RISKS {
                    return Err(WorkflowError::Invalid(format!(
                        "致贫返贫风险最多{}项",
                        crate::monitor::assess::MAX_RISKS
                    )));
                }
                out(Approved, view)
            } else {
                let method = view.method.take().unwrap_or_default();
                view.proposed_by = None;
                view.township_by = None;
                let mut o = out(Eliminated, view);
                o.eliminated = Some((today, method));
                o
            }
        }
        (Approved, Action::Announce { posted_on }) => {
            if *posted_on > today {
                return Err(WorkflowError::Invalid("公告日期不能晚于今天".into()));
            }
            view.township_by = None;
            let mut o = out(Monitoring, view);
            o.identified_on = Some(*posted_on);
            o
        }
        (s, Action::Reject { reason }) if !s.at_rest() => {
            need(reason, "不予通过的原因")?;
            view.notice_from = None;
            view.notice_until = None;
            view.township_by = None;
            if s.eliminating() {
                view.proposed_by = None;
                view.method = None;
                out(Monitoring, view)
            } else {
                out(Rejected, view)
            }
        }
        (Monitoring, Action::ProposeElimination { method, reason }) => {
            if method != well_known::ELIMINATED_BY_ASSISTANCE
                && method != well_known::ELIMINATED_NATURALLY
            {
                return Err(WorkflowError::Invalid(format!(
                    "风险消除方式无效：{method}"
                )));
            }
            need(reason, "消除理由")?;
            let check = elimination
                .ok_or_else(|| WorkflowError::Invalid("缺少风险消除条件核查结果".into()))?;
            let unmet = check.unmet();
            if !unmet.is_empty() {
                return Err(WorkflowError::CriteriaNotMet(unmet));
            }
            view.proposed_by = Some(actor.user);
            view.method = Some(method.clone());
            out(ElimVerifying, view)
        }
        (Eliminated, Action::Reopen { reason }) => {
            need(reason, "回退原因")?;
            let mut o = out(Monitoring, view);
            o.reopened = true;
            o
        }
        _ => return Err(wrong()),
    };
    Ok(result)
}
