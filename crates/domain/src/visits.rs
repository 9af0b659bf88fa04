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

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::{AreaCode, AreaLevel};
use crate::assess::{self, HouseholdFacts};
use crate::codes::well_known;
use crate::household::HouseholdBundle;
use crate::money::Money;
use crate::policy::{Confidence, ParamDef, ParamValue, PolicyError, PolicySet, keys};

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

// ---------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------

/// The image types a visit photo may have, told by the file's first bytes
/// (never by its name or the type the browser claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PhotoType {
    /// JPEG (FF D8 FF).
    Jpeg,
    /// PNG (89 50 4E 47 0D 0A 1A 0A).
    Png,
    /// WebP (RIFF, size, WEBP).
    Webp,
}

impl PhotoType {
    /// The type of an image by its magic bytes; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoType::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoType::Webp)
        } else {
            None
        }
    }

    /// MIME type served with the photo.
    pub fn mime(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
            PhotoType::Webp => "image/webp",
        }
    }

    /// Parse a stored MIME type.
    pub fn from_mime(s: &str) -> Option<PhotoType> {
        [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp]
            .into_iter()
            .find(|t| t.mime() == s.trim())
    }
}

/// How many photos a visit may carry and how large each may be (per-area,
/// per-year parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PhotoLimits {
    /// Photos per visit.
    pub max_count: i64,
    /// Bytes per photo.
    pub max_bytes: i64,
}

impl PhotoLimits {
    /// Resolve the limits of `area` for `year`.
    pub fn resolve(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Self, PolicyError> {
        Ok(PhotoLimits {
            max_count: policy.int_param(keys::VISIT_PHOTO_MAX_COUNT, area, year)?,
            max_bytes: policy.int_param(keys::VISIT_PHOTO_MAX_BYTES, area, year)?,
        })
    }

    /// Checks one file: not empty, within the size, and an image by its
    /// content; gives its type.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Result<PhotoType, VisitError> {
        let name = display_name(name);
        if bytes.is_empty() {
            return Err(VisitError::PhotoEmpty { name });
        }
        let size = bytes.len() as i64;
        if size > self.max_bytes {
            return Err(VisitError::PhotoTooLarge {
                name,
                size: readable_size(size),
                max: readable_size(self.max_bytes),
            });
        }
        PhotoType::sniff(bytes).ok_or(VisitError::PhotoType { name })
    }

    /// The refusal of a file found to be over the size limit while it is
    /// still arriving.
    pub fn over_limit(&self, name: &str) -> VisitError {
        VisitError::PhotoOverLimit {
            name: display_name(name),
            max: readable_size(self.max_bytes),
        }
    }

    /// Checks that `adding` more photos fit beside `existing` ones.
    pub fn check_count(&self, existing: i64, adding: i64) -> Result<(), VisitError> {
        if existing + adding > self.max_count {
            return Err(VisitError::PhotoCount {
                max: self.max_count,
                existing,
                adding,
            });
        }
        Ok(())
    }
}

/// The longest file name kept, in characters.
pub const MAX_PHOTO_NAME_CHARS: usize = 100;

/// A file name as shown in messages and kept with the photo: the last path
/// segment, without control characters, at most [`MAX_PHOTO_NAME_CHARS`]
/// characters; 未命名 when nothing is left.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_PHOTO_NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "未命名".to_owned()
    } else {
        clean.to_owned()
    }
}

/// A byte count as people read it: 5 MB, 300 KB, 812 字节 (1 KB = 1024 bytes;
/// one decimal when not whole, rounded up so that a file just over a limit
/// never reads as equal to it).
pub fn readable_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    let scaled = |unit: i64, label: &str| {
        let tenths = (bytes.max(0) * 10 + unit - 1) / unit;
        if tenths % 10 == 0 {
            format!("{} {label}", tenths / 10)
        } else {
            format!("{}.{} {label}", tenths / 10, tenths % 10)
        }
    };
    if bytes >= MB {
        scaled(MB, "MB")
    } else if bytes >= KB {
        scaled(KB, "KB")
    } else {
        format!("{bytes} 字节")
    }
}

// ---------------------------------------------------------------------------
// Target rules
// ---------------------------------------------------------------------------

/// The area's thresholds of the target rules for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetParams {
    /// 收入低: 人均纯收入 below this percentage of the 监测范围.
    pub low_income_pct: i64,
    /// 收入下降: per-capita drop of at least this percentage.
    pub drop_pct: i64,
    /// 大额刚性支出 above this percentage of net income.
    pub rigid_pct: i64,
    /// 老年人 from this age.
    pub elderly_age: i64,
    /// 多子女非义务教育: at least this many upper students.
    pub many_students: i64,
    /// 务工收入占比高: wages at least this percentage of gross income.
    pub migrant_wage_pct: i64,
    /// 务工不稳: a member who worked away fewer months than this in the year.
    pub stable_work_months: i64,
}

impl TargetParams {
    /// Resolve the parameters of `area` for `year`.
    pub fn resolve(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Self, PolicyError> {
        let p = |k: &str| policy.int_param(k, area, year);
        Ok(TargetParams {
            low_income_pct: p(keys::VISIT_LOW_INCOME_PCT)?,
            drop_pct: p(keys::SUDDEN_DROP_PCT)?,
            rigid_pct: p(keys::SUDDEN_RIGID_PCT)?,
            elderly_age: p(keys::VISIT_ELDERLY_AGE)?,
            many_students: p(keys::VISIT_MANY_STUDENTS)?,
            migrant_wage_pct: p(keys::VISIT_MIGRANT_WAGE_PCT)?,
            stable_work_months: p(keys::VISIT_STABLE_WORK_MONTHS)?,
        })
    }
}

/// A household as the target rules see it.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// The household.
    pub bundle: &'a HouseholdBundle,
    /// The day the list is drawn (ages are taken on it).
    pub today: NaiveDate,
    /// Facts of the latest income year (none without income records).
    pub facts: Option<HouseholdFacts>,
    /// 监测范围 of that year, when defined.
    pub line: Option<Money>,
    /// Thresholds.
    pub params: TargetParams,
    /// A department has warned about the household (部门预警户).
    pub dept_warned: bool,
}

impl<'a> Subject<'a> {
    /// Build the subject of `bundle` on `today` with the area's parameters
    /// (of `today`'s year) and the facts of its latest income year.
    pub fn new(
        bundle: &'a HouseholdBundle,
        policy: &PolicySet,
        today: NaiveDate,
        dept_warned: bool,
    ) -> Result<Subject<'a>, PolicyError> {
        let area = bundle.household.area;
        let params = TargetParams::resolve(policy, &area, today.year())?;
        let year = bundle.incomes.iter().map(|i| i.year).max();
        let facts = year.and_then(|y| assess::facts_of(bundle, y, today, policy).ok().map(|f| f.0));
        let line = year.and_then(|y| policy.monitoring_line(&area, y).ok().map(|l| l.0));
        Ok(Subject {
            bundle,
            today,
            facts,
            line,
            params,
            dept_warned,
        })
    }

    fn category(&self) -> Option<&str> {
        let h = &self.bundle.household;
        if h.risk_eliminated == Some(true) {
            None
        } else {
            h.monitor_category.as_deref()
        }
    }

    fn any_member(&self, f: impl Fn(&crate::household::Person) -> bool) -> bool {
        self.bundle.members.iter().any(f)
    }

    fn has_health(&self, codes: &[&str]) -> bool {
        self.any_member(|m| codes.contains(&m.health.as_str()))
    }
}

/// Which list a rule belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleGroup {
    /// 全部农户, 监测对象, 脱贫户 and the three categories.
    Basic,
    /// 八必访.
    EightMust,
    /// 五访 (those not already in 八必访).
    FiveMust,
    /// Other local lists (独居老人 …).
    Other,
}

impl RuleGroup {
    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            RuleGroup::Basic => "基本名单",
            RuleGroup::EightMust => "八必访",
            RuleGroup::FiveMust => "五访",
            RuleGroup::Other => "其他",
        }
    }
}

/// One target rule.
pub struct TargetRule {
    /// Stored id.
    pub id: &'static str,
    /// List it belongs to.
    pub group: RuleGroup,
    /// Chinese title.
    pub label: &'static str,
    /// What exactly it tests (Chinese, shown next to the title).
    pub note: &'static str,
    /// The predicate.
    pub matches: fn(&Subject<'_>) -> bool,
}

impl std::fmt::Debug for TargetRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl PartialEq for TargetRule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

const HEALTH_CHRONIC: &str = "2";
const HEALTH_DISABLED: &str = "3";
const HEALTH_SEVERELY_DISABLED: &str = "4";
const HEALTH_SERIOUS_ILLNESS: &str = "5";
const UPPER_STUDENT: [&str; 3] = ["4", "5", "6"];
const DISASTER_RISK_PREFIX: &str = "02";
const ACCIDENT_RISK: &str = "05";

fn all(_: &Subject<'_>) -> bool {
    true
}

fn monitored(s: &Subject<'_>) -> bool {
    s.category().is_some()
}

fn lifted(s: &Subject<'_>) -> bool {
    s.bundle.household.is_lifted_out()
}

fn unstable(s: &Subject<'_>) -> bool {
    s.category() == Some(well_known::CATEGORY_UNSTABLE)
}

fn marginal(s: &Subject<'_>) -> bool {
    s.category() == Some(well_known::CATEGORY_MARGINAL)
}

fn sudden(s: &Subject<'_>) -> bool {
    s.category() == Some(well_known::CATEGORY_SUDDEN)
}

fn low_income(s: &Subject<'_>) -> bool {
    let Some(f) = &s.facts else { return false };
    let Some(inc) = f.income else { return false };
    let low = s.line.is_some_and(|line| {
        // per_capita < line × pct / 100, in integers.
        i128::from(inc.per_capita.fen()) * 100
            < i128::from(line.fen()) * i128::from(s.params.low_income_pct)
    });
    let falling = f.prev_per_capita.is_some_and(|prev| {
        prev.fen() > 0
            && (i128::from(prev.fen()) - i128::from(inc.per_capita.fen())) * 100
                >= i128::from(prev.fen()) * i128::from(s.params.drop_pct)
    });
    low || falling
}

fn illness(s: &Subject<'_>) -> bool {
    s.has_health(&[HEALTH_CHRONIC, HEALTH_SERIOUS_ILLNESS])
}

fn serious_illness(s: &Subject<'_>) -> bool {
    s.has_health(&[HEALTH_SERIOUS_ILLNESS])
}

fn tekun(s: &Subject<'_>) -> bool {
    s.any_member(|m| m.insurance.tekun)
}

fn dibao(s: &Subject<'_>) -> bool {
    s.any_member(|m| m.insurance.dibao)
}

/// 新纳入低保: a member enjoys 低保 but the income records do not show it
/// as long-standing — the latest year has no 最低生活保障金 (granted since),
/// or the year before it had none (granted during the latest year). A
/// household with 低保金 in its only recorded year is not known to be new.
fn dibao_new(s: &Subject<'_>) -> bool {
    if !dibao(s) {
        return false;
    }
    let mut years: Vec<&crate::income::IncomeRecord> = s.bundle.incomes.iter().collect();
    years.sort_by_key(|r| std::cmp::Reverse(r.year));
    match years.as_slice() {
        [] => true,
        [latest, rest @ ..] => {
            latest.transfer_dibao.fen() == 0
                || rest.first().is_some_and(|prev| {
                    prev.year + 1 == latest.year && prev.transfer_dibao.fen() == 0
                })
        }
    }
}

fn disability(s: &Subject<'_>) -> bool {
    s.has_health(&[HEALTH_DISABLED, HEALTH_SEVERELY_DISABLED])
}

fn students(s: &Subject<'_>) -> bool {
    let n = s
        .bundle
        .members
        .iter()
        .filter(|m| {
            m.student_status
                .as_deref()
                .is_some_and(|x| UPPER_STUDENT.contains(&x))
        })
        .count();
    n as i64 >= s.params.many_students
}

fn migrant(s: &Subject<'_>) -> bool {
    let Some(rec) = s.bundle.incomes.iter().max_by_key(|i| i.year) else {
        return false;
    };
    let gross = rec.wage.fen() + rec.business.fen() + rec.property.fen() + rec.transfer.fen();
    if gross <= 0 || rec.wage.fen() <= 0 {
        return false;
    }
    let high = i128::from(rec.wage.fen()) * 100
        >= i128::from(gross) * i128::from(s.params.migrant_wage_pct);
    let unstable_work = s.any_member(|m| {
        m.work_months > 0 && i64::from(m.work_months) < s.params.stable_work_months
    });
    let flagged = s.bundle.household.risks.iter().any(|r| r == "07");
    high && (unstable_work || flagged)
}

fn misfortune(s: &Subject<'_>) -> bool {
    let h = &s.bundle.household;
    let disaster = h
        .risks
        .iter()
        .any(|r| r.starts_with(DISASTER_RISK_PREFIX) || r == ACCIDENT_RISK);
    let rigid = s
        .facts
        .as_ref()
        .and_then(|f| f.income)
        .is_some_and(|i| assess::rigid_exceeds(i.rigid_expense, i.net, s.params.rigid_pct));
    sudden(s) || disaster || rigid
}

fn dept_warned(s: &Subject<'_>) -> bool {
    s.dept_warned
}

fn elderly_alone(s: &Subject<'_>) -> bool {
    let m = &s.bundle.members;
    m.len() == 1 && i64::from(m[0].age_on(s.today)) >= s.params.elderly_age
}

fn no_labour(s: &Subject<'_>) -> bool {
    !s.bundle.members.is_empty() && !s.any_member(|m| m.has_labor_capacity())
}

/// Every target rule.
pub static TARGET_RULES: &[TargetRule] = &[
    TargetRule {
        id: "all",
        group: RuleGroup::Basic,
        label: "全部农户",
        note: "辖区内全部农户（遍访）",
        matches: all,
    },
    TargetRule {
        id: "monitored",
        group: RuleGroup::Basic,
        label: "监测对象",
        note: "风险未消除的监测对象",
        matches: monitored,
    },
    TargetRule {
        id: "lifted",
        group: RuleGroup::Basic,
        label: "脱贫户",
        note: "户类型为脱贫户",
        matches: lifted,
    },
    TargetRule {
        id: "unstable",
        group: RuleGroup::Basic,
        label: "脱贫不稳定户",
        note: "风险未消除的脱贫不稳定户",
        matches: unstable,
    },
    TargetRule {
        id: "marginal",
        group: RuleGroup::Basic,
        label: "边缘易致贫户",
        note: "风险未消除的边缘易致贫户",
        matches: marginal,
    },
    TargetRule {
        id: "sudden",
        group: RuleGroup::Basic,
        label: "突发严重困难户",
        note: "风险未消除的突发严重困难户",
        matches: sudden,
    },
    TargetRule {
        id: "low_income",
        group: RuleGroup::EightMust,
        label: "收入低或下降",
        note: "最近年度人均纯收入低于监测范围的一定比例（参数，默认100%即监测范围内），或比上年下降达到比例（参数）",
        matches: low_income,
    },
    TargetRule {
        id: "illness",
        group: RuleGroup::EightMust,
        label: "患大病或慢性病",
        note: "有成员健康状况为患大病或长期慢性病",
        matches: illness,
    },
    TargetRule {
        id: "tekun",
        group: RuleGroup::EightMust,
        label: "分散供养特困人员",
        note: "有成员为特困供养人员",
        matches: tekun,
    },
    TargetRule {
        id: "dibao_new",
        group: RuleGroup::EightMust,
        label: "新纳入或申请低保户",
        note: "有成员享受农村低保，且最近年度无最低生活保障金或上一年度无（新纳入）；正在申请的户由部门预警或走访发现",
        matches: dibao_new,
    },
    TargetRule {
        id: "disability",
        group: RuleGroup::EightMust,
        label: "残疾户",
        note: "有成员一般残疾或重度残疾",
        matches: disability,
    },
    TargetRule {
        id: "students",
        group: RuleGroup::EightMust,
        label: "多子女非义务教育",
        note: "高中、中职、高职高专、本科在校生达到人数（参数）",
        matches: students,
    },
    TargetRule {
        id: "migrant",
        group: RuleGroup::EightMust,
        label: "务工收入占比高且不稳",
        note: "工资性收入占比达到比例（参数），且有成员当年务工不足稳定务工月数（参数）或风险为因务工就业不稳",
        matches: migrant,
    },
    TargetRule {
        id: "misfortune",
        group: RuleGroup::EightMust,
        label: "重大变故或灾害",
        note: "突发严重困难户、风险为自然灾害或意外事故，或大额刚性支出超过纯收入的比例（参数）",
        matches: misfortune,
    },
    TargetRule {
        id: "dibao",
        group: RuleGroup::FiveMust,
        label: "低保户",
        note: "有成员享受农村低保",
        matches: dibao,
    },
    TargetRule {
        id: "dept_warning",
        group: RuleGroup::FiveMust,
        label: "部门预警户",
        note: "有部门筛查预警线索",
        matches: dept_warned,
    },
    TargetRule {
        id: "serious_illness",
        group: RuleGroup::FiveMust,
        label: "大病户",
        note: "有成员健康状况为患大病",
        matches: serious_illness,
    },
    TargetRule {
        id: "elderly_alone",
        group: RuleGroup::Other,
        label: "独居老人",
        note: "一人户且年满老年人年龄（参数）",
        matches: elderly_alone,
    },
    TargetRule {
        id: "no_labour",
        group: RuleGroup::Other,
        label: "无劳动能力户",
        note: "家庭成员均无劳动能力（普通或技能劳动力）",
        matches: no_labour,
    },
];

/// A named list of rules.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct Preset {
    /// Id.
    pub id: &'static str,
    /// Chinese name.
    pub label: &'static str,
    /// The rules, matched as "any of".
    pub rules: &'static [&'static str],
}

/// The named lists of policy.md §4.1.
pub static PRESETS: &[Preset] = &[
    Preset {
        id: "all",
        label: "全部农户（遍访）",
        rules: &["all"],
    },
    Preset {
        id: "eight_must",
        label: "八必访",
        rules: &[
            "low_income",
            "illness",
            "tekun",
            "dibao_new",
            "disability",
            "students",
            "migrant",
            "misfortune",
        ],
    },
    Preset {
        id: "five_must",
        label: "五访",
        rules: &[
            "dept_warning",
            "dibao",
            "tekun",
            "serious_illness",
            "disability",
        ],
    },
    Preset {
        id: "monitored",
        label: "监测对象（回头看）",
        rules: &["monitored"],
    },
];

/// The rule with this id.
pub fn target_rule(id: &str) -> Option<&'static TargetRule> {
    TARGET_RULES.iter().find(|r| r.id == id)
}

/// The households a campaign targets: any of its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec(Vec<&'static TargetRule>);

impl TargetSpec {
    /// Parse rule ids (or preset ids), without repeats, in table order.
    pub fn parse<S: AsRef<str>>(ids: &[S]) -> Result<TargetSpec, VisitError> {
        let mut rules: Vec<&'static TargetRule> = Vec::new();
        for id in ids
            .iter()
            .map(|s| s.as_ref().trim())
            .filter(|s| !s.is_empty())
        {
            let found: Vec<&'static TargetRule> = match PRESETS.iter().find(|p| p.id == id) {
                Some(p) => p.rules.iter().filter_map(|r| target_rule(r)).collect(),
                None => vec![target_rule(id).ok_or_else(|| VisitError::Unknown {
                    field: "排查对象",
                    code: id.to_string(),
                })?],
            };
            for r in found {
                if !rules.contains(&r) {
                    rules.push(r);
                }
            }
        }
        if rules.is_empty() {
            return Err(VisitError::Blank {
                field: "排查对象"
            });
        }
        if rules.len() > 1 && rules.iter().any(|r| r.id == "all") {
            return Err(VisitError::AllWithOthers);
        }
        rules.sort_by_key(|r| TARGET_RULES.iter().position(|x| x.id == r.id));
        Ok(TargetSpec(rules))
    }

    /// Parse the stored form (ids joined by commas).
    pub fn parse_stored(s: &str) -> Result<TargetSpec, VisitError> {
        TargetSpec::parse(&s.split(',').collect::<Vec<_>>())
    }

    /// The rules.
    pub fn rules(&self) -> &[&'static TargetRule] {
        &self.0
    }

    /// Every household.
    pub fn is_all(&self) -> bool {
        self.0.len() == 1 && self.0[0].id == "all"
    }

    /// Stored form: ids joined by commas.
    pub fn code(&self) -> String {
        self.0.iter().map(|r| r.id).collect::<Vec<_>>().join(",")
    }

    /// Chinese description: a preset's name when the rules are exactly one,
    /// else the rule titles joined by 、.
    pub fn label(&self) -> String {
        let ids: Vec<&str> = self.0.iter().map(|r| r.id).collect();
        for p in PRESETS {
            let mut pre: Vec<&str> = p.rules.to_vec();
            pre.sort_by_key(|id| TARGET_RULES.iter().position(|x| x.id == *id));
            if pre == ids {
                return p.label.to_string();
            }
        }
        self.0
            .iter()
            .map(|r| r.label)
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The ids of the rules the subject matches (empty: not a target).
    pub fn matched(&self, s: &Subject<'_>) -> Vec<&'static str> {
        self.0
            .iter()
            .filter(|r| (r.matches)(s))
            .map(|r| r.id)
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// Default parameters of the target rules and campaigns for one year.
pub fn param_defaults(year: i32) -> Vec<ParamDef> {
    use Confidence::*;
    let int = |key: &str, v: i64, c: Confidence, note: &str| ParamDef {
        key: key.to_string(),
        scope: None,
        year,
        value: ParamValue::Int(v),
        confidence: c,
        note: note.to_string(),
    };
    vec![
        int(
            keys::VISIT_LOW_INCOME_PCT,
            100,
            Unconfirmed,
            "八必访“收入低”：人均纯收入低于监测范围的该百分比；100即“特别是收入在监测范围内”的户（policy.md §4.1），地方可调高",
        ),
        int(
            keys::VISIT_ELDERLY_AGE,
            60,
            Confirmed,
            "老年人为60周岁以上（老年人权益保障法）",
        ),
        int(
            keys::VISIT_MANY_STUDENTS,
            2,
            Unconfirmed,
            "八必访“多子女非义务教育”的人数；本系统默认",
        ),
        int(
            keys::VISIT_STABLE_WORK_MONTHS,
            6,
            Local,
            "八必访“务工不稳”：当年务工不足6个月（丰都县2024年工作要点以务工6个月及以上为稳定务工）",
        ),
        int(
            keys::VISIT_MIGRANT_WAGE_PCT,
            60,
            Unconfirmed,
            "八必访“务工收入占比高”的百分比；本系统默认",
        ),
        int(
            keys::VISIT_PHOTO_MAX_COUNT,
            6,
            Unconfirmed,
            "每次走访最多6张照片；本系统默认",
        ),
        int(
            keys::VISIT_PHOTO_MAX_BYTES,
            5 * 1024 * 1024,
            Unconfirmed,
            "每张走访照片不超过5 MB（手机照片一般1–4 MB）；本系统默认",
        ),
        int(
            keys::CAMPAIGN_WARN_DAYS,
            7,
            Unconfirmed,
            "集中排查截止前7天起未走访的对象户计为逾期；本系统默认",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn visit_form_parses_and_refuses_with_the_field_named() {
        let today = d("2026-05-10");
        let form = VisitForm {
            date: None,
            kind: "home".into(),
            findings: "  户主住院，收入减少  ".into(),
            flags: vec!["income_drop".into(), "illness".into(), "illness".into()],
            risk_found: false,
        };
        let v = form.parse(today).unwrap();
        assert_eq!(v.date, today);
        assert_eq!(v.findings, "户主住院，收入减少");
        assert_eq!(v.flags, vec![Flag::Illness, Flag::IncomeDrop]);
        assert!(v.risk_found);
        assert_eq!(v.flag_codes(), "illness,income_drop");
        assert_eq!(v.suggested_risks(), vec!["01", "07"]);
        assert_eq!(parse_flags(&v.flag_codes()).unwrap(), v.flags);
        assert_eq!(parse_flags("").unwrap(), vec![]);

        let bad = |f: VisitForm| f.parse(today).unwrap_err().to_string();
        assert_eq!(
            bad(VisitForm {
                date: Some("2026-05-11".into()),
                ..form.clone()
            }),
            "走访日期（2026-05-11）不能晚于今天（2026-05-10）"
        );
        assert_eq!(
            bad(VisitForm {
                date: Some("5月1日".into()),
                ..form.clone()
            }),
            "走访日期无效：5月1日（应为 YYYY-MM-DD）"
        );
        assert_eq!(
            bad(VisitForm {
                kind: "walk".into(),
                ..form.clone()
            }),
            "走访方式无效：walk"
        );
        assert_eq!(
            bad(VisitForm {
                findings: " ".into(),
                ..form.clone()
            }),
            "走访情况不能为空"
        );
        assert_eq!(
            bad(VisitForm {
                flags: vec!["rain".into()],
                ..form.clone()
            }),
            "发现情况无效：rain"
        );
        assert!(
            bad(VisitForm {
                findings: "字".repeat(MAX_FINDINGS_CHARS + 1),
                ..form.clone()
            })
            .starts_with("走访情况不能超过2000个字")
        );
        let quiet = VisitForm {
            flags: vec![],
            ..form
        }
        .parse(today)
        .unwrap();
        assert!(!quiet.risk_found);
    }

    #[test]
    fn photos_are_told_by_their_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
        let webp = b"RIFF\x24\0\0\0WEBPVP8 ";
        assert_eq!(PhotoType::sniff(png), Some(PhotoType::Png));
        assert_eq!(PhotoType::sniff(&jpeg), Some(PhotoType::Jpeg));
        assert_eq!(PhotoType::sniff(webp), Some(PhotoType::Webp));
        assert_eq!(PhotoType::sniff(b"GIF89a"), None);
        assert_eq!(PhotoType::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(PhotoType::sniff(&png[..7]), None);
        for t in [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp] {
            assert_eq!(PhotoType::from_mime(t.mime()), Some(t));
        }

        let limits = PhotoLimits {
            max_count: 6,
            max_bytes: 5 * 1024 * 1024,
        };
        // The name does not matter, the content does.
        assert_eq!(limits.check("a.txt", png), Ok(PhotoType::Png));
        assert_eq!(
            limits
                .check("C:\\相册\\门口.jpg", b"GIF89a....")
                .unwrap_err()
                .to_string(),
            "照片“门口.jpg”不是 JPEG、PNG 或 WebP 图片，请上传手机拍摄的照片"
        );
        assert_eq!(
            limits.check("空.png", b"").unwrap_err().to_string(),
            "照片“空.png”是空文件"
        );
        let mut big = png.to_vec();
        big.resize(5 * 1024 * 1024 + 1, 0);
        assert_eq!(
            limits.check("大.png", &big).unwrap_err().to_string(),
            "照片“大.png”大小为5.1 MB，超过每张5 MB的上限"
        );
        big.pop();
        assert_eq!(limits.check("刚好.png", &big), Ok(PhotoType::Png));
        assert_eq!(limits.check_count(4, 2), Ok(()));
        assert_eq!(
            limits.check_count(4, 3).unwrap_err().to_string(),
            "每次走访最多6张照片，已有4张，本次选了3张"
        );
        assert_eq!(readable_size(812), "812 字节");
        assert_eq!(readable_size(1536), "1.5 KB");
        assert_eq!(readable_size(6 * 1024 * 1024 + 300 * 1024), "6.3 MB");
        assert_eq!(readable_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(display_name("  "), "未命名");
    }

    #[test]
    fn tables_are_well_formed() {
        let mut ids = std::collections::HashSet::new();
        for r in TARGET_RULES {
            assert!(ids.insert(r.id), "duplicate rule {}", r.id);
            assert!(!r.label.is_empty() && !r.note.is_empty());
        }
        for p in PRESETS {
            assert!(!ids.contains(p.id) || p.rules == [p.id], "{}", p.id);
            for r in p.rules {
                assert!(target_rule(r).is_some(), "{} names {}", p.id, r);
            }
        }
        let eight = PRESETS.iter().find(|p| p.id == "eight_must").unwrap();
        assert_eq!(eight.rules.len(), 8);
        let five = PRESETS.iter().find(|p| p.id == "five_must").unwrap();
        assert_eq!(five.rules.len(), 5);
        for k in VisitKind::ALL {
            assert_eq!(VisitKind::parse(k.code()).unwrap(), *k);
        }
        for k in CampaignKind::ALL {
            assert_eq!(CampaignKind::parse(k.code()).unwrap(), *k);
        }
    }

    #[test]
    fn target_specs() {
        let s = TargetSpec::parse(&["five_must", "dibao"]).unwrap();
        assert_eq!(
            s.code(),
            "tekun,disability,dibao,dept_warning,serious_illness"
        );
        assert_eq!(s.label(), "五访");
        assert_eq!(TargetSpec::parse_stored(&s.code()).unwrap(), s);
        let e = TargetSpec::parse(&["eight_must"]).unwrap();
        assert_eq!(e.label(), "八必访");
        assert_eq!(e.rules().len(), 8);
        assert!(TargetSpec::parse(&["all"]).unwrap().is_all());
        assert_eq!(
            TargetSpec::parse(&["illness", "dibao"]).unwrap().label(),
            "患大病或慢性病、低保户"
        );
        assert_eq!(
            TargetSpec::parse(&["all", "dibao"]).unwrap_err(),
            VisitError::AllWithOthers
        );
        assert_eq!(
            TargetSpec::parse::<&str>(&[]).unwrap_err().to_string(),
            "排查对象不能为空"
        );
        assert_eq!(
            TargetSpec::parse(&["nobody"]).unwrap_err().to_string(),
            "排查对象无效：nobody"
        );
    }

    #[test]
    fn campaign_form() {
        let form = CampaignForm {
            name: "2026年防止返贫监测帮扶集中排查".into(),
            kind: "sweep".into(),
            area: "500230".into(),
            from: "2026-04-01".into(),
            until: "2026-09-30".into(),
            targets: vec!["all".into()],
        };
        let c = form.parse().unwrap();
        assert_eq!(c.kind, CampaignKind::Sweep);
        assert_eq!(c.period.from, d("2026-04-01"));
        assert!(c.targets.is_all());
        let bad = |f: CampaignForm| f.parse().unwrap_err().to_string();
        assert_eq!(
            bad(CampaignForm {
                until: "2026-03-31".into(),
                ..form.clone()
            }),
            "排查期限无效：截止日期（2026-03-31）早于开始日期（2026-04-01）"
        );
        assert_eq!(
            bad(CampaignForm {
                until: "2027-04-02".into(),
                ..form.clone()
            }),
            "排查期限无效：共367天，不能超过366天"
        );
        assert!(
            bad(CampaignForm {
                area: "500230101201".into(),
                ..form.clone()
            })
            .starts_with("排查范围无效：500230101201是村级区划")
        );
        assert_eq!(
            bad(CampaignForm {
                name: "".into(),
                ..form
            }),
            "名称不能为空"
        );
    }

    #[test]
    fn phases_and_progress() {
        let p = Period::new(d("2026-04-01"), d("2026-06-30")).unwrap();
        assert_eq!(Phase::of(&p, d("2026-03-31"), 7), Phase::Upcoming);
        assert_eq!(Phase::of(&p, d("2026-04-01"), 7), Phase::Running);
        assert_eq!(Phase::of(&p, d("2026-06-23"), 7), Phase::Running);
        assert_eq!(Phase::of(&p, d("2026-06-24"), 7), Phase::EndingSoon);
        assert_eq!(Phase::of(&p, d("2026-06-30"), 7), Phase::EndingSoon);
        assert_eq!(Phase::of(&p, d("2026-07-01"), 7), Phase::Ended);
        assert_eq!(Phase::of(&p, d("2026-06-30"), 0), Phase::Running);
        assert!(p.contains(d("2026-06-30")) && !p.contains(d("2026-07-01")));

        let pr = Progress {
            target: 8,
            visited: 5,
        };
        assert_eq!(pr.unvisited(), 3);
        assert_eq!(pr.overdue(Phase::Running), 0);
        assert_eq!(pr.overdue(Phase::EndingSoon), 3);
        assert_eq!(pr.overdue(Phase::Ended), 3);
        assert_eq!(pr.per_mille(), 625);
        assert_eq!(Progress::default().per_mille(), 0);
        assert_eq!(
            pr + Progress {
                target: 2,
                visited: 2
            },
            Progress {
                target: 10,
                visited: 7
            }
        );
    }
}
