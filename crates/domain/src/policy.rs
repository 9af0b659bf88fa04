//! Versioned policy parameters per area and year, with inheritance.
//!
//! Every number in the policy is a per-jurisdiction, per-year parameter
//! (policy.md, design rule). A [`ParamDef`] gives a value for one key, one scope
//! (an area, or `None` for the whole country) and one year. Resolution for an
//! area walks up the area tree — the area itself, then its ancestors up to the
//! province, then the national value — and takes the nearest definition **for
//! that exact year**. There is no silent fallback to another year: a year that
//! is not configured anywhere in the chain is an error.
//!
//! Dependencies go one way: this module knows areas, money and the income
//! formula's switches, and nothing of the features. The features (monitoring,
//! visits, funds) depend on it — for the parameter [`keys`], [`ParamDef`] and
//! resolution through [`PolicySet`] — and each owns its national defaults;
//! [`crate::seed`] collects those defaults into the seeded set.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::{AreaCode, AreaLevel};
use crate::income::IncomeRules;
use crate::money::Money;

mod choice;
pub use choice::TextChoice;

/// How well a parameter value is sourced.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// 已证实: confirmed in a primary or reliable source.
    Confirmed,
    /// 地方规定: a local rule, confirmed for that place.
    Local,
    /// 未证实: unconfirmed; verify before relying on it.
    Unconfirmed,
}

impl Confidence {
    /// Chinese label: 已证实/地方规定/未证实.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Confirmed => "已证实",
            Confidence::Local => "地方规定",
            Confidence::Unconfirmed => "未证实",
        }
    }
}

/// A parameter value. Serialized as `{"type": "money", "value": 830000}` etc.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum ParamValue {
    /// An amount (in 分 when serialized).
    Money(Money),
    /// A switch.
    Bool(bool),
    /// An integer (counts, days, months…).
    Int(i64),
    /// Free text.
    Text(String),
}

impl ParamValue {
    /// Chinese name of the value type.
    pub fn type_label(&self) -> &'static str {
        match self {
            ParamValue::Money(_) => "金额",
            ParamValue::Bool(_) => "是/否",
            ParamValue::Int(_) => "整数",
            ParamValue::Text(_) => "文本",
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Money(m) => f.write_str(&m.format_yuan()),
            ParamValue::Bool(b) => f.write_str(if *b { "是" } else { "否" }),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Text(t) => f.write_str(t),
        }
    }
}

/// One parameter value for a key, scope and year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamDef {
    /// Parameter key, see [`keys`].
    pub key: String,
    /// Area the value applies to (with its subtree); `None` = 全国.
    pub scope: Option<AreaCode>,
    /// Year the value applies to.
    pub year: i32,
    /// The value.
    pub value: ParamValue,
    /// How well it is sourced.
    pub confidence: Confidence,
    /// Source and remarks.
    pub note: String,
}

/// Known parameter keys.
pub mod keys {
    /// 监测范围 (per-capita net income line, 元/人/年), a money value.
    pub const MONITORING_LINE: &str = "monitoring_line";
    /// Whether 产业奖励 and 就业奖励 count as income, a bool.
    pub const INCOME_COUNT_AWARDS: &str = "income_count_awards";
    /// Whether 大额刚性支出 is deducted before the threshold test, a bool.
    pub const INCOME_DEDUCT_RIGID: &str = "income_deduct_rigid_expense";
    /// 突发严重困难: 当年大额刚性支出超过上年度家庭纯收入的百分比 (整数, 如 100).
    pub const SUDDEN_RIGID_PCT: &str = "sudden_rigid_expense_pct";
    /// 突发严重困难: 人均纯收入比上年下降达到的百分比 (整数, 如 30).
    pub const SUDDEN_DROP_PCT: &str = "sudden_income_drop_pct";
    /// 义务教育阶段适龄: 起始年龄 (周岁, 含).
    pub const SCHOOL_AGE_FROM: &str = "compulsory_school_age_from";
    /// 义务教育阶段适龄: 截止年龄 (周岁, 含).
    pub const SCHOOL_AGE_TO: &str = "compulsory_school_age_to";
    /// 风险消除: 自识别监测起至少经过的月数.
    pub const ELIMINATION_MIN_MONTHS: &str = "elimination_min_months";
    /// 风险消除“收入持续稳定”: 最近几个有收入记录的年度须各自高于当年监测范围 (整数).
    pub const ELIMINATION_STABLE_YEARS: &str = "elimination_stable_income_years";
    /// 整户无劳动能力的口径 (文本, 见 `household::labour`).
    pub const NO_LABOUR_RULE: &str = "no_labour_rule";
    /// 收入统计口径: `自然年` 或 `滚动12个月` (文本, 见 `income::window`).
    pub const INCOME_WINDOW: &str = "income_window";
    /// 疑点 1111_09/1111_13: 当年城乡居民医保资助参保的截止月份 (文本 `YYYYMM`).
    pub const QUALITY_MEDICAL_SUBSIDY_CUTOFF: &str = "quality_medical_subsidy_cutoff";
    /// 村内公示最短期限 (期限文本, 如 `5自然日`).
    pub const NOTICE_MIN: &str = "notice_min_period";
    /// 识别纳入全流程时限 (期限文本, 如 `15自然日`).
    pub const SLA_IDENTIFICATION: &str = "sla_identification_total";
    /// 明确帮扶责任人时限 (期限文本, 自县级审定起).
    pub const SLA_ASSIGN_CADRE: &str = "sla_assign_cadre";
    /// 到期前多少个自然日提示临期 (整数).
    pub const SLA_WARN_DAYS: &str = "sla_warn_days";
    /// 逾期多少个工作日后上报上一级 (整数).
    pub const ESCALATE_AFTER: &str = "sla_escalate_after_working_days";
    /// 疑点: 识别后多少个月内须落实开发式帮扶 (整数).
    pub const QUALITY_DEV_MEASURE_MONTHS: &str = "quality_dev_measure_months";
    /// 疑点: 工资性收入低于此金额视为异常 (金额).
    pub const QUALITY_MIN_WAGE: &str = "quality_min_wage";
    /// 疑点: 2023年后识别的监测对象人均纯收入高于此金额 (金额).
    pub const QUALITY_HIGH_INCOME: &str = "quality_high_income";
    /// 疑点: 识别后多少个月内帮扶消除视为过快 (整数).
    pub const QUALITY_QUICK_ELIMINATION_MONTHS: &str = "quality_quick_elimination_months";
    /// 疑点整改期限 (期限文本, 自发现之日起).
    pub const QUALITY_FIX_PERIOD: &str = "quality_fix_period";
    /// 步骤时限 (期限文本): 受理线索.
    pub const SLA_LEAD: &str = "sla_step_lead";
    /// 步骤时限: 入户核实.
    pub const SLA_VERIFY: &str = "sla_step_verify";
    /// 步骤时限: 信息比对.
    pub const SLA_COMPARE: &str = "sla_step_compare";
    /// 步骤时限: 民主评议.
    pub const SLA_REVIEW: &str = "sla_step_review";
    /// 步骤时限: 公示期满后办结公示.
    pub const SLA_NOTICE_CLOSE: &str = "sla_step_notice_close";
    /// 步骤时限: 乡镇审核.
    pub const SLA_TOWNSHIP: &str = "sla_step_township";
    /// 步骤时限: 县级审定.
    pub const SLA_COUNTY: &str = "sla_step_county";
    /// 步骤时限: 公告.
    pub const SLA_ANNOUNCE: &str = "sla_step_announce";
    /// 八必访“收入低”: 人均纯收入低于监测范围的百分比.
    pub const VISIT_LOW_INCOME_PCT: &str = "visit_low_income_pct";
    /// 老年人年龄（周岁）, for 独居老人.
    pub const VISIT_ELDERLY_AGE: &str = "visit_elderly_age";
    /// 八必访“多子女非义务教育”的人数.
    pub const VISIT_MANY_STUDENTS: &str = "visit_many_students";
    /// 八必访“务工收入占比高”的百分比.
    pub const VISIT_MIGRANT_WAGE_PCT: &str = "visit_migrant_wage_pct";
    /// 八必访“务工不稳”: 当年务工不足该月数.
    pub const VISIT_STABLE_WORK_MONTHS: &str = "visit_stable_work_months";
    /// 集中排查截止前多少天起未走访计为逾期.
    pub const CAMPAIGN_WARN_DAYS: &str = "campaign_warn_days";
    /// 每次走访最多几张照片.
    pub const VISIT_PHOTO_MAX_COUNT: &str = "visit_photo_max_count";
    /// 每张走访照片最大字节数.
    pub const VISIT_PHOTO_MAX_BYTES: &str = "visit_photo_max_bytes";
    /// 小额信贷每户额度上限 (金额).
    pub const LOAN_MAX_AMOUNT: &str = "loan_max_amount";
    /// 小额信贷期限上限 (月).
    pub const LOAN_MAX_TERM_MONTHS: &str = "loan_max_term_months";
    /// 小额信贷借款人最低年龄 (周岁, 放款日).
    pub const LOAN_BORROWER_MIN_AGE: &str = "loan_borrower_min_age";
    /// 小额信贷借款人最高年龄 (周岁, 放款日).
    pub const LOAN_BORROWER_MAX_AGE: &str = "loan_borrower_max_age";
    /// 还款到期后多少个自然日内未还不计逾期 (整数).
    pub const LOAN_GRACE_DAYS: &str = "loan_overdue_grace_days";
    /// 小额信贷逾期率控制目标 (万分之一, 100 = 1%).
    pub const LOAN_OVERDUE_TARGET_BP: &str = "loan_overdue_target_bp";
    /// 公益性岗位人员最低年龄 (周岁, 上岗日).
    pub const POST_MIN_AGE: &str = "public_post_min_age";
    /// 公益性岗位人员最高年龄 (周岁, 上岗日).
    pub const POST_MAX_AGE: &str = "public_post_max_age";
    /// 到户产业奖补每户每年上限 (金额).
    pub const AWARD_CAP: &str = "industry_award_cap";
    /// 小额信贷可申请的对象 (文本: 脱贫户、监测对象或监测对象类别, 顿号或逗号分隔).
    pub const LOAN_ELIGIBLE: &str = "loan_eligible_households";
    /// 到户产业奖补可享受的对象 (文本, 同上).
    pub const AWARD_ELIGIBLE: &str = "industry_award_eligible_households";
    /// 到户产业奖补: 年人均纯收入须低于的全市平均水平 (金额, 无默认值).
    pub const AWARD_INCOME_BELOW: &str = "industry_award_income_below";
    /// 到户产业奖补: 是否须正在发展产业项目 (一户一策中有实施中的产业帮扶措施), 布尔.
    pub const AWARD_NEEDS_INDUSTRY: &str = "industry_award_needs_industry";
    /// 工作台从当年几月起提示下一年工作日历未载入 (整数, 1–12).
    pub const CALENDAR_WARN_MONTH: &str = "calendar_warn_from_month";
    /// 乡镇受理农户自主申报的时限 (期限文本, 自提交之日起).
    pub const SLA_SELF_REPORT_ACCEPT: &str = "sla_self_report_accept";
    /// 公示、公告的监督电话 (文本); 县、乡镇、村可设本地号码.
    pub const SUPERVISION_PHONE: &str = "supervision_phone";
}

/// 全国防止返贫监测和乡村振兴咨询服务电话 (原12317平台, policy.md §4.1).
pub const NATIONAL_HOTLINE: &str = "12317";

/// Chinese name of a parameter key; unknown keys are returned unchanged.
pub fn key_label(key: &str) -> &str {
    match key {
        keys::MONITORING_LINE => "监测范围",
        keys::INCOME_COUNT_AWARDS => "产业奖励和就业奖励计入收入",
        keys::INCOME_DEDUCT_RIGID => "扣减大额刚性支出",
        keys::SUDDEN_RIGID_PCT => "刚性支出超过上年度家庭纯收入比例（%）",
        keys::SUDDEN_DROP_PCT => "人均纯收入同比下降比例（%）",
        keys::SCHOOL_AGE_FROM => "义务教育适龄起始年龄",
        keys::SCHOOL_AGE_TO => "义务教育适龄截止年龄",
        keys::ELIMINATION_MIN_MONTHS => "风险消除最短监测月数",
        keys::ELIMINATION_STABLE_YEARS => "风险消除收入持续稳定年数",
        keys::NO_LABOUR_RULE => "整户无劳动能力口径",
        keys::INCOME_WINDOW => "收入统计口径",
        keys::QUALITY_MEDICAL_SUBSIDY_CUTOFF => "资助参保截止月份",
        keys::NOTICE_MIN => "村内公示最短期限",
        keys::SLA_IDENTIFICATION => "识别纳入全流程时限",
        keys::SLA_ASSIGN_CADRE => "明确帮扶责任人时限",
        keys::ESCALATE_AFTER => "逾期上报上级（工作日）",
        keys::SLA_WARN_DAYS => "临期提示（自然日）",
        keys::QUALITY_DEV_MEASURE_MONTHS => "开发式帮扶落实期限（月）",
        keys::QUALITY_MIN_WAGE => "工资性收入异常下限",
        keys::QUALITY_HIGH_INCOME => "新识别对象收入异常上限",
        keys::QUALITY_QUICK_ELIMINATION_MONTHS => "过快帮扶消除（月）",
        keys::QUALITY_FIX_PERIOD => "疑点整改期限",
        keys::SLA_LEAD => "受理线索时限",
        keys::SLA_VERIFY => "入户核实时限",
        keys::SLA_COMPARE => "信息比对时限",
        keys::SLA_REVIEW => "民主评议时限",
        keys::SLA_NOTICE_CLOSE => "公示期满办结时限",
        keys::SLA_TOWNSHIP => "乡镇审核时限",
        keys::SLA_COUNTY => "县级审定时限",
        keys::SLA_ANNOUNCE => "公告时限",
        keys::VISIT_LOW_INCOME_PCT => "必访：收入低（占监测范围%）",
        keys::VISIT_ELDERLY_AGE => "必访：老年人年龄",
        keys::VISIT_MANY_STUDENTS => "必访：非义务教育在校生人数",
        keys::VISIT_MIGRANT_WAGE_PCT => "必访：务工收入占比%",
        keys::VISIT_STABLE_WORK_MONTHS => "必访：稳定务工月数",
        keys::CAMPAIGN_WARN_DAYS => "集中排查临期天数",
        keys::VISIT_PHOTO_MAX_COUNT => "每次走访照片张数上限",
        keys::VISIT_PHOTO_MAX_BYTES => "每张走访照片大小上限（字节）",
        keys::LOAN_MAX_AMOUNT => "小额信贷每户额度上限",
        keys::LOAN_MAX_TERM_MONTHS => "小额信贷期限上限（月）",
        keys::LOAN_BORROWER_MIN_AGE => "小额信贷借款人最低年龄",
        keys::LOAN_BORROWER_MAX_AGE => "小额信贷借款人最高年龄",
        keys::LOAN_GRACE_DAYS => "还款宽限期（自然日）",
        keys::LOAN_OVERDUE_TARGET_BP => "小额信贷逾期率控制目标（万分之）",
        keys::POST_MIN_AGE => "公益性岗位最低年龄",
        keys::POST_MAX_AGE => "公益性岗位最高年龄",
        keys::AWARD_CAP => "到户产业奖补每户每年上限",
        keys::LOAN_ELIGIBLE => "小额信贷对象范围",
        keys::AWARD_ELIGIBLE => "到户产业奖补对象范围",
        keys::AWARD_INCOME_BELOW => "到户产业奖补收入标准（全市平均水平）",
        keys::AWARD_NEEDS_INDUSTRY => "到户产业奖补须正在发展产业项目",
        keys::CALENDAR_WARN_MONTH => "下一年工作日历提示起始月份",
        keys::SLA_SELF_REPORT_ACCEPT => "自主申报受理时限",
        keys::SUPERVISION_PHONE => "公示公告监督电话",
        other => other,
    }
}

/// A parameter could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// No definition for the year anywhere from the area up to the country.
    #[error("未配置参数“{}”：地区{area}，年度{year}（本地区、上级地区和全国均无该年度的值）", key_label(.key))]
    Missing {
        /// Parameter key.
        key: String,
        /// Area asked about.
        area: AreaCode,
        /// Year asked about.
        year: i32,
    },
    /// The definition found has the wrong value type.
    #[error("参数“{}”的类型应为{expected}，实际为{found}", key_label(.key))]
    WrongType {
        /// Parameter key.
        key: String,
        /// Expected type label.
        expected: &'static str,
        /// Found type label.
        found: &'static str,
    },
}

/// A resolved parameter and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The winning definition.
    pub def: &'a ParamDef,
    /// Level of the scope it was defined at; `None` = national.
    pub level: Option<AreaLevel>,
    /// Whether it was inherited from above the area asked about.
    pub inherited: bool,
}

impl Resolved<'_> {
    /// Human description of the origin, e.g. `本级（县）`, `继承自省级（530000000000）`, `全国`.
    pub fn describe(&self) -> String {
        match (self.def.scope, self.level) {
            (Some(scope), Some(level)) if self.inherited => {
                format!("继承自{}级（{}）", level.label(), scope)
            }
            (_, Some(level)) => format!("本级（{}）", level.label()),
            _ => "全国".to_string(),
        }
    }
}

/// A set of parameter definitions that can be resolved by key, area and year.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    defs: BTreeMap<(String, Option<AreaCode>, i32), ParamDef>,
}

impl PolicySet {
    /// Build a set. A later definition with the same key, scope and year replaces an
    /// earlier one, so local overrides can be appended to [`crate::seed::seed_params`].
    pub fn new(defs: Vec<ParamDef>) -> PolicySet {
        let defs = defs
            .into_iter()
            .map(|d| ((d.key.clone(), d.scope, d.year), d))
            .collect();
        PolicySet { defs }
    }

    /// All definitions, ordered by key, scope (national first) and year.
    pub fn defs(&self) -> impl Iterator<Item = &ParamDef> {
        self.defs.values()
    }

    /// The definition of `key` at exactly `scope` and `year`, without inheritance.
    pub fn get(&self, key: &str, scope: Option<AreaCode>, year: i32) -> Option<&ParamDef> {
        self.defs.get(&(key.to_string(), scope, year))
    }

    /// Resolve `key` for `area` and `year`: the area itself, then its ancestors
    /// (nearest first), then the national value, for that exact year.
    pub fn resolve(
        &self,
        key: &str,
        area: &AreaCode,
        year: i32,
    ) -> Result<Resolved<'_>, PolicyError> {
        let chain = std::iter::once(*area).chain(area.ancestors());
        for (i, scope) in chain.enumerate() {
            if let Some(def) = self.get(key, Some(scope), year) {
                return Ok(Resolved {
                    def,
                    level: Some(scope.level()),
                    inherited: i > 0,
                });
            }
        }
        if let Some(def) = self.get(key, None, year) {
            return Ok(Resolved {
                def,
                level: None,
                inherited: true,
            });
        }
        Err(PolicyError::Missing {
            key: key.to_string(),
            area: *area,
            year,
        })
    }

    /// The 监测范围 for an area and year, with the definition it came from.
    pub fn monitoring_line(
        &self,
        area: &AreaCode,
        year: i32,
    ) -> Result<(Money, &ParamDef), PolicyError> {
        let r = self.resolve(keys::MONITORING_LINE, area, year)?;
        match &r.def.value {
            ParamValue::Money(m) => Ok((*m, r.def)),
            other => Err(wrong_type(keys::MONITORING_LINE, "金额", other)),
        }
    }

    /// A bool parameter.
    pub fn bool_param(&self, key: &str, area: &AreaCode, year: i32) -> Result<bool, PolicyError> {
        let r = self.resolve(key, area, year)?;
        match &r.def.value {
            ParamValue::Bool(b) => Ok(*b),
            other => Err(wrong_type(key, "是/否", other)),
        }
    }

    /// An integer parameter.
    pub fn int_param(&self, key: &str, area: &AreaCode, year: i32) -> Result<i64, PolicyError> {
        let r = self.resolve(key, area, year)?;
        match &r.def.value {
            ParamValue::Int(i) => Ok(*i),
            other => Err(wrong_type(key, "整数", other)),
        }
    }

    /// A text parameter.
    pub fn text_param(&self, key: &str, area: &AreaCode, year: i32) -> Result<&str, PolicyError> {
        let r = self.resolve(key, area, year)?;
        match &r.def.value {
            ParamValue::Text(t) => Ok(t),
            other => Err(wrong_type(key, "文本", other)),
        }
    }

    /// The income-formula switches for an area and year.
    pub fn income_rules(&self, area: &AreaCode, year: i32) -> Result<IncomeRules, PolicyError> {
        Ok(IncomeRules {
            count_awards: self.bool_param(keys::INCOME_COUNT_AWARDS, area, year)?,
            deduct_rigid_expense: self.bool_param(keys::INCOME_DEDUCT_RIGID, area, year)?,
        })
    }
}

fn wrong_type(key: &str, expected: &'static str, found: &ParamValue) -> PolicyError {
    PolicyError::WrongType {
        key: key.to_string(),
        expected,
        found: found.type_label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{def, seed_params};

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    fn seeded() -> PolicySet {
        PolicySet::new(seed_params())
    }

    #[test]
    fn every_seeded_key_has_a_label_and_resolves_each_year() {
        let set = seeded();
        for d in seed_params() {
            assert_ne!(key_label(&d.key), d.key, "label for {}", d.key);
        }
        let village = code("500230101201");
        for year in 2020..=2026 {
            for key in [
                keys::SLA_WARN_DAYS,
                keys::QUALITY_DEV_MEASURE_MONTHS,
                keys::ESCALATE_AFTER,
            ] {
                assert!(set.int_param(key, &village, year).is_ok(), "{key} {year}");
            }
            for key in [
                keys::QUALITY_FIX_PERIOD,
                keys::NOTICE_MIN,
                keys::SLA_LEAD,
                keys::SLA_SELF_REPORT_ACCEPT,
                keys::SUPERVISION_PHONE,
            ] {
                assert!(set.text_param(key, &village, year).is_ok(), "{key} {year}");
            }
        }
    }

    #[test]
    fn fengdu_county_override() {
        let set = seeded();
        let village = code("500230101201");
        let (line, def) = set.monitoring_line(&village, 2024).unwrap();
        assert_eq!(line, Money::from_yuan(8_300));
        assert_eq!(def.scope, Some(code("500230")));
        assert_eq!(def.confidence, Confidence::Local);
        let r = set.resolve(keys::MONITORING_LINE, &village, 2024).unwrap();
        assert_eq!(r.level, Some(AreaLevel::County));
        assert!(r.inherited);
        assert_eq!(r.describe(), "继承自县级（500230000000）");
        let r = set
            .resolve(keys::MONITORING_LINE, &code("500230"), 2024)
            .unwrap();
        assert!(!r.inherited);
        assert_eq!(r.describe(), "本级（县）");
    }

    #[test]
    fn other_chongqing_county_uses_national() {
        let set = seeded();
        let (line, def) = set.monitoring_line(&code("500231"), 2024).unwrap();
        assert_eq!(line, Money::from_yuan(7_200));
        assert_eq!(def.scope, None);
        let r = set
            .resolve(keys::MONITORING_LINE, &code("500231"), 2024)
            .unwrap();
        assert_eq!(r.describe(), "全国");
        // 丰都 2023 has no county value: national.
        let (line, _) = set.monitoring_line(&code("500230"), 2023).unwrap();
        assert_eq!(line, Money::from_yuan(6_900));
    }

    #[test]
    fn yunnan_village_inherits_province() {
        let set = seeded();
        let village = code("532328100201");
        let (line, def) = set.monitoring_line(&village, 2023).unwrap();
        assert_eq!(line, Money::from_yuan(8_050));
        assert_eq!(def.scope, Some(code("53")));
        let (line, _) = set.monitoring_line(&village, 2025).unwrap();
        assert_eq!(line, Money::from_yuan(8_700));
    }

    #[test]
    fn missing_year_is_an_error() {
        let set = seeded();
        let e = set.monitoring_line(&code("500230"), 2019).unwrap_err();
        assert_eq!(
            e,
            PolicyError::Missing {
                key: keys::MONITORING_LINE.into(),
                area: code("500230"),
                year: 2019,
            }
        );
        assert_eq!(
            e.to_string(),
            "未配置参数“监测范围”：地区500230000000，年度2019（本地区、上级地区和全国均无该年度的值）"
        );
        // No national 2025 line: a non-Yunnan area has none, and 2024 is not used instead.
        assert!(set.monitoring_line(&code("500230"), 2025).is_err());
    }

    #[test]
    fn county_beats_province_same_year() {
        let mut defs = seed_params();
        defs.push(def(
            keys::MONITORING_LINE,
            Some("532328"),
            2024,
            ParamValue::Money(Money::from_yuan(9_000)),
            Confidence::Local,
            "测试用县级标准",
        ));
        let set = PolicySet::new(defs);
        let (line, _) = set.monitoring_line(&code("532328100201"), 2024).unwrap();
        assert_eq!(line, Money::from_yuan(9_000));
        let (line, _) = set.monitoring_line(&code("532301"), 2024).unwrap();
        assert_eq!(line, Money::from_yuan(8_700));
    }

    #[test]
    fn later_definitions_replace_earlier() {
        let mut defs = seed_params();
        defs.push(def(
            keys::MONITORING_LINE,
            None,
            2024,
            ParamValue::Money(Money::from_yuan(7_300)),
            Confidence::Confirmed,
            "更正",
        ));
        let set = PolicySet::new(defs);
        let (line, def) = set.monitoring_line(&code("500231"), 2024).unwrap();
        assert_eq!(line, Money::from_yuan(7_300));
        assert_eq!(def.note, "更正");
    }

    #[test]
    fn income_rules_resolve_every_seed_year() {
        let set = seeded();
        for year in 2020..=2026 {
            let rules = set.income_rules(&code("500230101201"), year).unwrap();
            assert_eq!(
                rules,
                IncomeRules {
                    count_awards: true,
                    deduct_rigid_expense: false,
                }
            );
        }
        assert!(set.income_rules(&code("50"), 2027).is_err());
        let e = set
            .bool_param(keys::MONITORING_LINE, &code("50"), 2024)
            .unwrap_err();
        assert_eq!(e.to_string(), "参数“监测范围”的类型应为是/否，实际为金额");
    }

    #[test]
    fn labels_and_serde() {
        assert_eq!(key_label(keys::MONITORING_LINE), "监测范围");
        assert_eq!(key_label("unknown_key"), "unknown_key");
        assert_eq!(Confidence::Local.label(), "地方规定");
        let v = ParamValue::Money(Money::from_yuan(8_300));
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"type":"money","value":830000}"#
        );
        assert_eq!(v.to_string(), "8,300.00元");
        let d = &seed_params()[0];
        let json = serde_json::to_string(d).unwrap();
        assert!(json.contains(r#""confidence":"confirmed""#));
        let back: ParamDef = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, d);
    }
}
