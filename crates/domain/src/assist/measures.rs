//! Measures on a plan: entry, corrections and status changes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{find_list, keys as code_keys};
use crate::money::Money;

use super::*;

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
