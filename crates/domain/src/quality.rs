//! Data-quality checks (疑点数据, policy.md §9 and §7.4) as a declarative
//! table: each rule has the national check id, what it looks at, a severity,
//! the month it applies from, a Chinese title, and a predicate that returns
//! one message per problem found (naming the member or field). The store runs
//! the table on save, on import and nightly, and keeps what it finds with a
//! fix-by date.
//!
//! Catching these locally, before the national check does, spares villages the
//! round trip of a rejected upload.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::assist::{AssistFacts, Catalogue, MeasureKind, Requirement, is_disabled};
use crate::codes::well_known;
use crate::household::labour::NoLabourRule;
use crate::household::{HouseholdBundle, YearMonth};
use crate::income::{self, IncomeRecord};
use crate::money::Money;
use crate::policy::{PolicySet, keys};

/// How serious a finding is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The national check rejects it (错误).
    Error,
    /// Likely wrong; to be verified (疑点).
    Warning,
}

impl Severity {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "疑点",
        }
    }
}

/// What a rule looks at.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The household record and its incomes.
    Household,
    /// Each member.
    Member,
}

/// The facts a rule may need beyond the household.
pub struct Context<'a> {
    /// The day of the check.
    pub today: NaiveDate,
    /// Parameters (thresholds per area and year).
    pub policy: &'a PolicySet,
    /// The household's measures and 帮扶责任人, when the caller has read
    /// them (`None`: unknown, and rules about measures stay silent or fall
    /// back to the household record's own fields).
    pub assist: Option<&'a AssistFacts>,
}

impl<'a> Context<'a> {
    /// A context without assistance facts.
    pub fn new(today: NaiveDate, policy: &'a PolicySet) -> Context<'a> {
        Context {
            today,
            policy,
            assist: None,
        }
    }

    /// The household's recorded measures, when known and there are any.
    fn measures(&self) -> Option<&'a AssistFacts> {
        self.assist.filter(|a| !a.measures.is_empty())
    }
}

type Predicate = fn(&HouseholdBundle, &Context<'_>) -> Vec<String>;

/// One check.
pub struct Rule {
    /// National check id (e.g. `1_11_010`) or a local one.
    pub id: &'static str,
    /// What the rule looks at.
    pub scope: Scope,
    /// How serious a hit is.
    pub severity: Severity,
    /// Chinese title.
    pub title: &'static str,
    /// Month from which the rule applies to the record's decisive month
    /// (e.g. eliminations after 2022-04), when it has one.
    pub effective_from: Option<(i32, u32)>,
    /// Returns one message per problem.
    pub check: Predicate,
}

/// A problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Rule title.
    pub title: &'static str,
    /// What exactly is wrong.
    pub message: String,
}

fn active(b: &HouseholdBundle) -> bool {
    b.household.monitor_category.is_some() && b.household.risk_eliminated != Some(true)
}

fn eliminated(b: &HouseholdBundle) -> bool {
    b.household.monitor_category.is_some() && b.household.risk_eliminated == Some(true)
}

fn unstable_or_marginal(b: &HouseholdBundle) -> bool {
    matches!(
        b.household.monitor_category.as_deref(),
        Some(well_known::CATEGORY_UNSTABLE | well_known::CATEGORY_MARGINAL)
    )
}

fn latest_income(b: &HouseholdBundle) -> Option<&IncomeRecord> {
    b.incomes.iter().max_by_key(|i| i.year)
}

fn per_capita(b: &HouseholdBundle, rec: &IncomeRecord, ctx: &Context<'_>) -> Option<Money> {
    let rules = ctx.policy.income_rules(&b.household.area, rec.year).ok()?;
    income::compute(rec, &rules).ok().map(|x| x.per_capita)
}

/// 整户无劳动能力 under the area's reading (parameter `no_labour_rule`; the
/// national checks' reading when the parameter cannot be resolved, like the
/// other thresholds of this table).
fn all_without_labour(b: &HouseholdBundle, ctx: &Context<'_>) -> bool {
    NoLabourRule::of(ctx.policy, &b.household.area, ctx.today.year())
        .unwrap_or_default()
        .whole_household(&b.members)
}

fn month_param(ctx: &Context<'_>, b: &HouseholdBundle, key: &str, default: i64) -> i64 {
    ctx.policy
        .int_param(key, &b.household.area, ctx.today.year())
        .unwrap_or(default)
}

fn money_param(ctx: &Context<'_>, b: &HouseholdBundle, key: &str, default: Money) -> Money {
    use crate::policy::ParamValue;
    match ctx.policy.resolve(key, &b.household.area, ctx.today.year()) {
        Ok(r) => match &r.def.value {
            ParamValue::Money(m) => *m,
            _ => default,
        },
        Err(_) => default,
    }
}

fn since(from: Option<YearMonth>, to: Option<YearMonth>) -> Option<i32> {
    Some(from?.months_until(to?))
}

fn r_1_11_002(b: &HouseholdBundle, _: &Context<'_>) -> Vec<String> {
    if !active(b) {
        return vec![];
    }
    let h = &b.household;
    let c = &h.conditions;
    let mut missing = Vec::new();
    if h.identified_month.is_none() {
        missing.push("识别监测时间");
    }
    if b.incomes.is_empty() {
        missing.push("工资性收入");
    }
    if h.risks.is_empty() {
        missing.push("致贫/返贫风险1");
    }
    if c.safe_drinking_water.is_none() {
        missing.push("是否解决安全饮用水");
    }
    if c.drinking_water_secured.is_none() {
        missing.push("饮水安全有保障");
    }
    if c.housing_secured.is_none() {
        missing.push("住房安全有保障");
    }
    if c.compulsory_education_secured.is_none() {
        missing.push("义务教育有保障");
    }
    if missing.is_empty() {
        vec![]
    } else {
        vec![format!("监测对象缺少：{}", missing.join("、"))]
    }
}

fn r_1_11_005(b: &HouseholdBundle, _: &Context<'_>) -> Vec<String> {
    if !eliminated(b) {
        return vec![];
    }
    b.members
        .iter()
        .filter(|m| m.dropout_after_elimination)
        .map(|m| format!("{}：风险消除后仍有义务教育阶段失学辍学", m.name))
        .collect()
}

/// policy.md §9: 脱贫不稳定户/边缘易致贫户 identified more than a month ago
/// without a 开发式 measure. The national condition has no labour test.
fn r_1_11_010(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    if !active(b) || !unstable_or_marginal(b) {
        return vec![];
    }
    let grace = month_param(ctx, b, keys::QUALITY_DEV_MEASURE_MONTHS, 1);
    let months = since(
        b.household.identified_month,
        Some(YearMonth::from_date(ctx.today)),
    );
    // The recorded measures decide when there are any; otherwise the
    // household record's 实施开发式帮扶措施情况 does.
    let missing = match ctx.measures() {
        Some(a) => a.implemented(MeasureKind::Development).next().is_none(),
        None => b.household.dev_measure_status.as_deref() == Some("尚未实施"),
    };
    match months {
        Some(m) if i64::from(m) > grace && missing => vec![format!(
            "监测户识别已{m}个月，尚未落实开发式帮扶措施（应在{grace}个月内落实产业、就业等措施）"
        )],
        _ => vec![],
    }
}

fn r_1_11_011(b: &HouseholdBundle, _: &Context<'_>) -> Vec<String> {
    let h = &b.household;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if eliminated(b) && blank(&h.collector_name) && blank(&h.collector_phone) {
        vec!["已消除风险的监测户缺少信息采集人和联系电话".into()]
    } else {
        vec![]
    }
}

fn r_2_11_002(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let h = &b.household;
    if !eliminated(b) {
        return vec![];
    }
    let min = month_param(ctx, b, keys::ELIMINATION_MIN_MONTHS, 6);
    match since(h.identified_month, h.eliminated_month) {
        Some(m) if i64::from(m) < min => vec![format!(
            "识别（{}）后{m}个月即消除风险（{}），不足{min}个月",
            h.identified_month
                .map(|x| x.to_string())
                .unwrap_or_default(),
            h.eliminated_month
                .map(|x| x.to_string())
                .unwrap_or_default()
        )],
        _ => vec![],
    }
}

const RISK_WORK_UNSTABLE: &str = "07";
const RISK_NO_LABOUR: &str = "04";

fn r_2_11_006(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let has_risk = b.household.risks.iter().any(|r| r == RISK_WORK_UNSTABLE);
    if has_risk && all_without_labour(b, ctx) {
        vec!["风险为“因务工就业不稳”，但家庭成员均无劳动力或丧失劳动力".into()]
    } else {
        vec![]
    }
}

fn r_5_15_014(b: &HouseholdBundle, _: &Context<'_>) -> Vec<String> {
    let has_risk = b.household.risks.iter().any(|r| r == RISK_WORK_UNSTABLE);
    let works = b
        .members
        .iter()
        .any(|m| m.work_months > 0 || m.work_place.is_some());
    if has_risk && !works {
        vec!["风险为“因务工就业不稳”，但没有成员的务工信息".into()]
    } else {
        vec![]
    }
}

fn r_5_11_029(b: &HouseholdBundle, _: &Context<'_>) -> Vec<String> {
    let n = b.members.len();
    let able = b.members.iter().filter(|m| m.has_labor_capacity()).count();
    if active(b) && n >= 4 && able * 2 >= n && b.household.risks.iter().any(|r| r == RISK_NO_LABOUR)
    {
        vec![format!(
            "风险为“缺劳动力”，但{n}口之家有{able}名有劳动能力的成员"
        )]
    } else {
        vec![]
    }
}

fn r_5_11_033(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    if active(b) && all_without_labour(b, ctx) && !b.household.no_labor_safety_net {
        vec!["全家无劳动能力，未标注“整户无劳动能力兜底保障户”".into()]
    } else {
        vec![]
    }
}

fn r_5_15_023(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    if !active(b) {
        return vec![];
    }
    let floor = money_param(ctx, b, keys::QUALITY_MIN_WAGE, Money::from_yuan(100));
    match latest_income(b) {
        Some(i) if i.wage > Money::ZERO && i.wage < floor => vec![format!(
            "{}年工资性收入仅{}元（低于{}元）",
            i.year, i.wage, floor
        )],
        _ => vec![],
    }
}

fn r_1111_18(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(identified) = b.household.identified_month else {
        return vec![];
    };
    if identified.year() < 2023 {
        return vec![];
    }
    let high = money_param(ctx, b, keys::QUALITY_HIGH_INCOME, Money::from_yuan(20_000));
    match latest_income(b).and_then(|i| per_capita(b, i, ctx).map(|p| (i.year, p))) {
        Some((year, pc)) if pc > high => vec![format!(
            "{identified}识别的监测对象，{year}年人均纯收入{pc}元，高于{high}元"
        )],
        _ => vec![],
    }
}

fn r_4_11_010(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let h = &b.household;
    if !(eliminated(b)
        && h.is_lifted_out()
        && h.elimination_method.as_deref() == Some(well_known::ELIMINATED_BY_ASSISTANCE))
    {
        return vec![];
    }
    let Some(rec) = latest_income(b) else {
        return vec![];
    };
    let (Some(pc), Ok((line, _))) = (
        per_capita(b, rec, ctx),
        ctx.policy.monitoring_line(&h.area, rec.year),
    ) else {
        return vec![];
    };
    if income::below_line(pc, line) {
        vec![format!(
            "帮扶消除的脱贫户{}年人均纯收入{pc}元，低于监测范围{line}元",
            rec.year
        )]
    } else {
        vec![]
    }
}

fn r_4_11_013(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    if !(eliminated(b) && b.household.is_lifted_out()) {
        return vec![];
    }
    let by_record = b
        .members
        .iter()
        .any(|m| m.insurance.dibao || m.insurance.tekun || m.disability_cert_year.is_some());
    let by_measure = ctx
        .assist
        .is_some_and(|a| a.implemented(MeasureKind::SafetyNet).next().is_some());
    let receives = by_record || by_measure;
    match latest_income(b) {
        Some(i) if receives && i.transfer == Money::ZERO => vec![format!(
            "享受低保、特困或残疾人补贴，但{}年转移性收入为0",
            i.year
        )],
        _ => vec![],
    }
}

fn r_local_quick_elimination(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let h = &b.household;
    if !(eliminated(b)
        && h.elimination_method.as_deref() == Some(well_known::ELIMINATED_BY_ASSISTANCE))
    {
        return vec![];
    }
    let quick = month_param(ctx, b, keys::QUALITY_QUICK_ELIMINATION_MONTHS, 2);
    match since(h.identified_month, h.eliminated_month) {
        Some(m) if i64::from(m) <= quick => {
            vec![format!("识别后{m}个月内即以“帮扶消除”方式消除风险")]
        }
        _ => vec![],
    }
}

fn r_safety_net_missing(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    if !active(b) || !all_without_labour(b, ctx) {
        return vec![];
    }
    let covered_by_record = b
        .members
        .iter()
        .any(|m| m.insurance.dibao || m.insurance.tekun);
    let covered_by_measure = ctx
        .assist
        .is_some_and(|a| a.implemented(MeasureKind::SafetyNet).next().is_some());
    if covered_by_record || covered_by_measure {
        vec![]
    } else {
        vec!["全家无劳动能力，未落实低保、特困供养、临时救助等兜底保障措施".into()]
    }
}

/// Catalogue code of 城乡居民医保参保资助 (城乡居民基本医疗保险个人缴费补贴).
const MEDICAL_PREMIUM_SUBSIDY: &str = "JK01";

/// The 资助参保 cut-off month of `year` (parameter
/// `quality_medical_subsidy_cutoff`); `None` when the year has none.
fn subsidy_cutoff(b: &HouseholdBundle, ctx: &Context<'_>, year: i32) -> Option<YearMonth> {
    let text = ctx
        .policy
        .text_param(
            keys::QUALITY_MEDICAL_SUBSIDY_CUTOFF,
            &b.household.area,
            year,
        )
        .ok()?;
    YearMonth::parse(text.trim()).ok()
}

/// Implemented 资助参保 measures of the household (when measures are recorded).
fn premium_subsidies<'a>(ctx: &Context<'a>) -> Option<Vec<&'a crate::assist::Measure>> {
    let a = ctx.measures()?;
    Some(
        a.measures
            .iter()
            .filter(|m| {
                m.status.implemented() && m.code.as_deref() == Some(MEDICAL_PREMIUM_SUBSIDY)
            })
            .collect(),
    )
}

/// policy.md §9 1111_09: a monitored object identified by the year's 资助参保
/// cut-off month has no 资助参保 for that year once the cut-off has passed.
fn r_1111_09(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(identified) = b.household.identified_month.filter(|_| active(b)) else {
        return vec![];
    };
    let year = identified.year();
    let (Some(cutoff), Some(subsidies)) = (subsidy_cutoff(b, ctx, year), premium_subsidies(ctx))
    else {
        return vec![];
    };
    let passed = YearMonth::from_date(ctx.today) > cutoff;
    let covered = subsidies.iter().any(|m| m.started_on.year() == year);
    if identified <= cutoff && passed && !covered {
        vec![format!(
            "{identified}识别的监测对象，未落实{year}年城乡居民医保参保资助（{year}年资助参保截止{cutoff}）"
        )]
    } else {
        vec![]
    }
}

/// policy.md §9 1111_13: a 资助参保 of a year whose cut-off month was before
/// the household's identification: it was not yet a monitored object then.
fn r_1111_13(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(identified) = b.household.identified_month else {
        return vec![];
    };
    let Some(subsidies) = premium_subsidies(ctx) else {
        return vec![];
    };
    subsidies
        .into_iter()
        .filter_map(|m| {
            let year = m.started_on.year();
            let cutoff = subsidy_cutoff(b, ctx, year)?;
            (identified > cutoff).then(|| {
                format!(
                    "{}（{}起）为{year}年资助参保，但识别监测时间{identified}晚于{year}年资助参保截止月份{cutoff}",
                    m.name, m.started_on
                )
            })
        })
        .collect()
}

fn r_1111_10(_: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(a) = ctx.measures() else {
        return vec![];
    };
    let cat = Catalogue::official();
    a.measures
        .iter()
        .filter(|m| {
            m.item(cat)
                .is_some_and(|i| i.requires == Some(Requirement::TravelSubsidy))
                && m.amount == Money::ZERO
        })
        .map(|m| format!("{}（{}起）未填写年度交通费补助金额", m.name, m.started_on))
        .collect()
}

fn r_disability_subsidy(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(a) = ctx.measures() else {
        return vec![];
    };
    if b.members.iter().any(is_disabled) {
        return vec![];
    }
    let cat = Catalogue::official();
    a.measures
        .iter()
        .filter(|m| {
            m.status.implemented()
                && m.item(cat)
                    .is_some_and(|i| i.requires == Some(Requirement::DisabledMember))
        })
        .map(|m| format!("享受{}，但家庭成员中没有残疾人", m.name))
        .collect()
}

fn r_responsible_missing(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let Some(a) = ctx.assist else {
        return vec![];
    };
    match a.responsible_due {
        Some(due) if active(b) && a.responsible.is_none() && due < ctx.today => {
            vec![format!("监测户未明确帮扶责任人（应于{due}前明确）")]
        }
        _ => vec![],
    }
}

/// Nobody under the minimum age (16) holds a 公益性岗位: the member's
/// national 公益性岗位 field, or a post the store lays onto it from the
/// 公益性岗位 register for the day of the check.
fn r_public_post_age(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<String> {
    let min = month_param(ctx, b, keys::POST_MIN_AGE, 16);
    b.members
        .iter()
        .filter(|m| {
            m.public_welfare_post
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty())
                || m.public_welfare_months > 0
        })
        .filter_map(|m| {
            let age = crate::funds::age_on(&m.id_number, ctx.today);
            (i64::from(age) < min).then(|| {
                format!(
                    "{}{}周岁，未满{min}周岁，不得担任公益性岗位“{}”",
                    m.name,
                    age,
                    m.public_welfare_post.as_deref().unwrap_or("未填写岗位名称")
                )
            })
        })
        .collect()
}

static RULES: &[Rule] = &[
    Rule {
        id: "1_11_002",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "监测对象关键字段缺失",
        effective_from: None,
        check: r_1_11_002,
    },
    Rule {
        id: "1_11_005",
        scope: Scope::Member,
        severity: Severity::Error,
        title: "风险消除户仍有失学辍学",
        effective_from: None,
        check: r_1_11_005,
    },
    Rule {
        id: "1_11_010",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "监测户识别超过1个月尚未落实开发式帮扶",
        effective_from: None,
        check: r_1_11_010,
    },
    Rule {
        id: "1_11_011",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "风险消除户缺少信息采集人和联系电话",
        effective_from: None,
        check: r_1_11_011,
    },
    Rule {
        id: "2_11_002",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "识别不足6个月即消除风险",
        effective_from: Some((2022, 4)),
        check: r_2_11_002,
    },
    Rule {
        id: "2_11_006",
        scope: Scope::Member,
        severity: Severity::Error,
        title: "务工就业不稳但全家无劳动力",
        effective_from: None,
        check: r_2_11_006,
    },
    Rule {
        id: "5_15_014",
        scope: Scope::Member,
        severity: Severity::Warning,
        title: "务工就业不稳但无务工信息",
        effective_from: None,
        check: r_5_15_014,
    },
    Rule {
        id: "5_11_029",
        scope: Scope::Member,
        severity: Severity::Warning,
        title: "缺劳动力与家庭劳动力情况不符",
        effective_from: None,
        check: r_5_11_029,
    },
    Rule {
        id: "5_11_033",
        scope: Scope::Member,
        severity: Severity::Error,
        title: "整户无劳动能力未标注兜底保障",
        effective_from: None,
        check: r_5_11_033,
    },
    Rule {
        id: "L_safety_net_missing",
        scope: Scope::Member,
        severity: Severity::Error,
        title: "整户无劳动能力未落实兜底保障",
        effective_from: None,
        check: r_safety_net_missing,
    },
    Rule {
        id: "1111_09",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "截止月份前识别的监测对象未落实资助参保",
        effective_from: None,
        check: r_1111_09,
    },
    Rule {
        id: "1111_13",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "资助参保与识别监测时间不符",
        effective_from: None,
        check: r_1111_13,
    },
    Rule {
        id: "1111_10",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "外出务工补贴未填写交通费补助",
        effective_from: None,
        check: r_1111_10,
    },
    Rule {
        id: "L_disability_subsidy",
        scope: Scope::Member,
        severity: Severity::Warning,
        title: "残疾人补贴但无残疾家庭成员",
        effective_from: None,
        check: r_disability_subsidy,
    },
    Rule {
        id: "L_responsible_missing",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "逾期未明确帮扶责任人",
        effective_from: None,
        check: r_responsible_missing,
    },
    Rule {
        id: "5_15_023",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "工资性收入异常偏低",
        effective_from: None,
        check: r_5_15_023,
    },
    Rule {
        id: "1111_18",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "2023年后识别的监测对象收入偏高",
        effective_from: None,
        check: r_1111_18,
    },
    Rule {
        id: "4_11_010",
        scope: Scope::Household,
        severity: Severity::Error,
        title: "帮扶消除脱贫户收入低于监测范围",
        effective_from: None,
        check: r_4_11_010,
    },
    Rule {
        id: "4_11_013",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "享受兜底政策但转移性收入为0",
        effective_from: None,
        check: r_4_11_013,
    },
    Rule {
        id: "L_quick_elimination",
        scope: Scope::Household,
        severity: Severity::Warning,
        title: "识别后2个月内帮扶消除（贵州口径）",
        effective_from: None,
        check: r_local_quick_elimination,
    },
    Rule {
        id: "L_public_post_age",
        scope: Scope::Member,
        severity: Severity::Error,
        title: "未满16周岁人员担任公益性岗位",
        effective_from: None,
        check: r_public_post_age,
    },
];

/// Every rule, in display order.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Runs every rule on one household.
pub fn check(b: &HouseholdBundle, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in RULES {
        if let Some((y, m)) = r.effective_from {
            // Rules with a start month apply to records decided from then on:
            // the elimination month when there is one, else the identification month.
            let decisive = b
                .household
                .eliminated_month
                .or(b.household.identified_month);
            if decisive.is_some_and(|d| (d.year(), d.month()) < (y, m)) {
                continue;
            }
        }
        for message in (r.check)(b, ctx) {
            out.push(Finding {
                rule: r.id,
                severity: r.severity,
                title: r.title,
                message,
            });
        }
    }
    out
}
