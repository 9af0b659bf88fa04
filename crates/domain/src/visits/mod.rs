//! Visits (走访 / 敲门行动) and campaigns (集中排查, 大走访大排查, 回头看),
//! policy.md §4.1 channel 2 (基层干部排查).
//!
//! * [`VisitForm`] → [`NewVisit`]: what a cadre records at the door — day,
//!   kind, findings and the structured hardships found ([`Flag`]); refused
//!   whole with the field named.
//! * [`TARGET_RULES`]: who must be visited, as data. Each rule is a predicate
//!   over a household ([`Subject`]: the bundle plus the facts the monitoring
//!   rules use and the area's parameters): all households, monitoring objects
//!   by category, and the 八必访 / 五访 lists. [`PRESETS`] name the lists.
//! * [`CampaignForm`] → [`NewCampaign`], and the progress arithmetic
//!   ([`Phase`], [`Progress`]): visited / target per village and the
//!   unvisited targets that are overdue once the period ends or is about to.
//!
//! Thresholds (what "low income", "elderly", "many students" mean, how early a
//! campaign counts as ending) are per-area, per-year parameters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Longest findings text, in characters.
pub const MAX_FINDINGS_CHARS: usize = 2000;
/// Longest campaign name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Longest campaign period, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A visit or campaign form was refused; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VisitError {
    /// A required field is blank.
    #[error("{field}不能为空")]
    Blank {
        /// Chinese field name.
        field: &'static str,
    },
    /// A text is too long.
    #[error("{field}不能超过{max}个字，现有{len}个字")]
    TooLong {
        /// Chinese field name.
        field: &'static str,
        /// Limit.
        max: usize,
        /// Length given.
        len: usize,
    },
    /// A code is not in its list.
    #[error("{field}无效：{code}")]
    Unknown {
        /// Chinese field name.
        field: &'static str,
        /// The code given.
        code: String,
    },
    /// A date is not valid.
    #[error("{field}无效：{value}（应为 YYYY-MM-DD）")]
    Date {
        /// Chinese field name.
        field: &'static str,
        /// The text given.
        value: String,
    },
    /// The visit is dated after today.
    #[error("走访日期（{date}）不能晚于今天（{today}）")]
    Future {
        /// Visit day.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// The period ends before it starts or is too long.
    #[error("排查期限无效：{0}")]
    Period(String),
    /// The campaign's area is a village or not a valid code.
    #[error("排查范围无效：{0}")]
    Area(String),
    /// "All households" was combined with other rules.
    #[error("排查对象选“全部农户”时不能再选其他名单")]
    AllWithOthers,
    /// A photo file is not a JPEG, PNG or WebP image (by its content).
    #[error("照片“{name}”不是 JPEG、PNG 或 WebP 图片，请上传手机拍摄的照片")]
    PhotoType {
        /// File name as uploaded.
        name: String,
    },
    /// A photo file is empty.
    #[error("照片“{name}”是空文件")]
    PhotoEmpty {
        /// File name as uploaded.
        name: String,
    },
    /// A photo file is larger than the limit.
    #[error("照片“{name}”大小为{size}，超过每张{max}的上限")]
    PhotoTooLarge {
        /// File name as uploaded.
        name: String,
        /// Its size, readable.
        size: String,
        /// The limit, readable.
        max: String,
    },
    /// A photo file is larger than the limit (told while it arrives, before
    /// its whole size is known).
    #[error("照片“{name}”超过每张{max}的上限")]
    PhotoOverLimit {
        /// File name as uploaded.
        name: String,
        /// The limit, readable.
        max: String,
    },
    /// More photos than a visit may carry.
    #[error("每次走访最多{max}张照片，已有{existing}张，本次选了{adding}张")]
    PhotoCount {
        /// Limit.
        max: i64,
        /// Photos the visit already has.
        existing: i64,
        /// Photos in this upload.
        adding: i64,
    },
}

/// Defines a small closed list with a stored code and a Chinese label.
macro_rules! coded {
    ($(#[$m:meta])* $name:ident, $field:literal, [$($(#[$vm:meta])* $v:ident = $code:literal, $label:literal;)+]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* $v,)+ }

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

            /// Parse a stored code.
            pub fn parse(code: &str) -> Result<$name, VisitError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == code.trim())
                    .ok_or_else(|| VisitError::Unknown { field: $field, code: code.to_string() })
            }
        }
    };
}

coded!(
    /// How a household was visited.
    VisitKind, "走访方式", [
        /// 入户走访 (the everyday 敲门行动).
        Home = "home", "入户走访";
        /// 电话联系.
        Phone = "phone", "电话联系";
        /// 集中排查 (during a campaign).
        Sweep = "sweep", "集中排查";
        /// 入户核实 (of a lead).
        Verify = "verify", "入户核实";
        /// 帮扶回访 (after assistance).
        FollowUp = "follow_up", "帮扶回访";
    ]
);

coded!(
    /// A hardship found at the door (结构化的风险发现).
    Flag, "发现情况", [
        /// 因病.
        Illness = "illness", "因病";
        /// 因残.
        Disability = "disability", "因残";
        /// 因学 (schooling costs).
        Schooling = "schooling", "因学";
        /// 因灾.
        Disaster = "disaster", "因灾";
        /// 意外事故.
        Accident = "accident", "意外事故";
        /// 失业或务工不稳.
        JobLoss = "job_loss", "失业/务工不稳";
        /// 收入骤减.
        IncomeDrop = "income_drop", "收入骤减";
        /// 产业失败.
        IndustryFailure = "industry_failure", "产业失败";
        /// 缺劳动力.
        NoLabour = "no_labour", "缺劳动力";
        /// 住房不安全.
        Housing = "housing", "住房安全";
        /// 饮水不安全.
        Water = "water", "饮水安全";
        /// 义务教育阶段失学辍学.
        Dropout = "dropout", "失学辍学";
        /// 其他.
        Other = "other", "其他";
    ]
);

impl Flag {
    /// The 致贫/返贫风险 code the flag suggests for a lead.
    pub fn risk(self) -> &'static str {
        match self {
            Flag::Illness => "01",
            Flag::Disaster => "0299",
            Flag::Disability => "03",
            Flag::NoLabour => "04",
            Flag::Accident => "05",
            Flag::IndustryFailure => "06",
            Flag::JobLoss | Flag::IncomeDrop => "07",
            Flag::Schooling => "09",
            Flag::Housing => "10",
            Flag::Dropout => "11",
            Flag::Water => "12",
            Flag::Other => "99",
        }
    }
}

coded!(
    /// The kind of a campaign (policy.md §4.1; sources/003).
    CampaignKind, "排查类型", [
        /// 集中排查 (at least once a year, usually Q2–Q3).
        Sweep = "sweep", "集中排查";
        /// 大走访大排查 (丰都: 第二季度“大走访大排查大整改”).
        GrandVisit = "grand_visit", "大走访大排查";
        /// 回头看 (re-check of identified and eliminated households).
        Recheck = "recheck", "回头看";
        /// 结对帮扶集中入户走访 (丰都: 每年3月、8月、11月).
        PairVisit = "pair_visit", "结对帮扶集中走访";
    ]
);

fn text(field: &'static str, value: &str, max: usize) -> Result<String, VisitError> {
    let t = value.trim();
    if t.is_empty() {
        return Err(VisitError::Blank { field });
    }
    let len = t.chars().count();
    if len > max {
        return Err(VisitError::TooLong { field, max, len });
    }
    Ok(t.to_string())
}

fn date(field: &'static str, value: &str) -> Result<NaiveDate, VisitError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| VisitError::Date {
        field,
        value: value.to_string(),
    })
}

/// A visit as typed in (codes and texts).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitForm {
    /// 走访日期 (YYYY-MM-DD); today when absent.
    pub date: Option<String>,
    /// [`VisitKind`] code.
    pub kind: String,
    /// 走访情况.
    pub findings: String,
    /// [`Flag`] codes.
    #[serde(default)]
    pub flags: Vec<String>,
    /// 发现风险 ticked (also implied by any flag).
    #[serde(default)]
    pub risk_found: bool,
}

/// A visit ready to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewVisit {
    /// 走访日期.
    pub date: NaiveDate,
    /// 走访方式.
    pub kind: VisitKind,
    /// 走访情况.
    pub findings: String,
    /// Hardships found, without repeats, in list order.
    pub flags: Vec<Flag>,
    /// 发现风险.
    pub risk_found: bool,
}

impl VisitForm {
    /// Parse the form as of `today` (the visit cannot be dated later).
    pub fn parse(&self, today: NaiveDate) -> Result<NewVisit, VisitError> {
        let date = match self.date.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(d) => date("走访日期", d)?,
        };
        if date > today {
            return Err(VisitError::Future { date, today });
        }
        let kind = VisitKind::parse(&self.kind)?;
        let findings = text("走访情况", &self.findings, MAX_FINDINGS_CHARS)?;
        let mut flags = Vec::new();
        for code in &self.flags {
            let f = Flag::parse(code)?;
            if !flags.contains(&f) {
                flags.push(f);
            }
        }
        flags.sort_by_key(|f| Flag::ALL.iter().position(|x| x == f));
        Ok(NewVisit {
            date,
            kind,
            findings,
            risk_found: self.risk_found || !flags.is_empty(),
            flags,
        })
    }
}

impl NewVisit {
    /// Stored form of the flags: codes joined by commas.
    pub fn flag_codes(&self) -> String {
        join_flags(&self.flags)
    }

    /// Distinct risk codes the flags suggest, in flag order.
    pub fn suggested_risks(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for f in &self.flags {
            if !out.contains(&f.risk()) {
                out.push(f.risk());
            }
        }
        out
    }
}

/// Codes joined by commas.
pub fn join_flags(flags: &[Flag]) -> String {
    flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(",")
}

/// Parse stored flags (comma-separated codes; empty for none).
pub fn parse_flags(s: &str) -> Result<Vec<Flag>, VisitError> {
    s.split(',')
        .filter(|c| !c.trim().is_empty())
        .map(Flag::parse)
        .collect()
}

mod campaigns;
mod params;
mod photos;
mod targets;
#[cfg(test)]
mod tests;

pub use campaigns::*;
pub use params::*;
pub use photos::*;
pub use targets::*;
