//! The monitoring rules engine (policy.md §1.2, §2, §3): for one household and
//! one year, is it in the at-risk set, in which 监测对象类别, with which risks —
//! and why.
//!
//! The engine works on [`HouseholdFacts`], a small summary of a household that
//! the store can hold for a million households at once (the what-if view
//! re-evaluates a whole county per request). [`facts_of`] builds the summary
//! from a full [`HouseholdBundle`] and also keeps the names behind each count
//! ([`FactSources`]) so the household page can say *who* is ill or out of
//! school. Every rule evaluation — fired or not — becomes a [`Finding`] in the
//! trace, naming the indicator, its value, the threshold and the parameter
//! definition (key, scope, year) it came from.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::household::HouseholdBundle;
use crate::income::{self, IncomeError, IncomeRecord};
use crate::money::Money;
use crate::policy::{ParamDef, PolicyError, PolicySet, keys};

/// Most risks a household carries (the national export has five slots).
pub const MAX_RISKS: usize = 5;

/// Risk codes the engine can derive from indicators (code list `risk_type`).
pub mod risk {
    /// 因病.
    pub const ILLNESS: &str = "01";
    /// 因残.
    pub const DISABILITY: &str = "03";
    /// 缺劳动力.
    pub const NO_LABOUR: &str = "04";
    /// 因学.
    pub const SCHOOLING: &str = "09";
    /// 住房出现安全问题.
    pub const HOUSING: &str = "10";
    /// 义务教育阶段适龄儿童少年失学辍学.
    pub const DROPOUT: &str = "11";
    /// 饮水安全问题.
    pub const WATER: &str = "12";
}

/// Rule identifiers of the engine (stable: stored with decisions).
pub mod rule {
    /// 人均纯收入低于监测范围.
    pub const INCOME_BELOW_LINE: &str = "M01_income_below_line";
    /// 当年大额刚性支出超过上年度家庭纯收入的设定比例.
    pub const RIGID_EXPENSE: &str = "M02_rigid_expense";
    /// 人均纯收入同比大幅下降.
    pub const INCOME_DROP: &str = "M03_income_drop";
    /// 住房不安全 (C/D 级或标注危房或住房未保障).
    pub const HOUSING: &str = "M04_housing";
    /// 饮水不安全.
    pub const WATER: &str = "M05_water";
    /// 义务教育阶段适龄成员失学辍学.
    pub const DROPOUT: &str = "M06_dropout";
    /// 成员未参加基本医疗保险.
    pub const MEDICAL: &str = "M07_medical_insurance";
    /// 成员患大病或长期慢性病.
    pub const ILLNESS: &str = "M08_illness";
    /// 成员残疾.
    pub const DISABILITY: &str = "M09_disability";
    /// 家庭无劳动能力成员.
    pub const NO_LABOUR: &str = "M10_no_labour";
    /// 非义务教育阶段在校生.
    pub const SCHOOLING: &str = "M11_schooling";
}

/// Income summary of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearIncome {
    /// 人均纯收入 as tested against the line (after the area's formula switches).
    pub per_capita: Money,
    /// Household net income before any rigid-expense deduction.
    pub net: Money,
    /// 大额刚性支出 of the year.
    pub rigid_expense: Money,
}

/// What the rules need to know about one household for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdFacts {
    /// The household's village (for parameters and grouping).
    pub area: AreaCode,
    /// The year assessed.
    pub year: i32,
    /// 户类型 is 脱贫户.
    pub lifted_out: bool,
    /// Income of the year, if recorded.
    pub income: Option<YearIncome>,
    /// 人均纯收入 of the previous year, if recorded.
    pub prev_per_capita: Option<Money>,
    /// Household net income (纯收入) of the previous year, if recorded: the
    /// year's rigid expense is measured against it (policy.md §0, §2.2).
    pub prev_net: Option<Money>,
    /// Current members.
    pub members: u16,
    /// Members with labour capacity (普通或技能劳动力).
    pub with_labour: u16,
    /// Members with 患大病 or 长期慢性病.
    pub ill: u16,
    /// Members with a disability.
    pub disabled: u16,
    /// Members without basic medical insurance.
    pub uninsured: u16,
    /// Members of compulsory-school age who are out of school.
    pub dropouts: u16,
    /// Members in non-compulsory schooling (高中、中职、高职高专、本科).
    pub upper_students: u16,
    /// The dwelling is unsafe (C/D, 危房, or 住房安全未保障).
    pub housing_unsafe: bool,
    /// Drinking water is not secure.
    pub water_insecure: bool,
}

/// Names behind the counts of [`HouseholdFacts`], for explanations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FactSources {
    /// Members counted in `ill`, as `姓名（健康状况）`.
    pub ill: Vec<String>,
    /// Members counted in `disabled`.
    pub disabled: Vec<String>,
    /// Members counted in `uninsured`.
    pub uninsured: Vec<String>,
    /// Members counted in `dropouts`.
    pub dropouts: Vec<String>,
    /// Members counted in `upper_students`.
    pub upper_students: Vec<String>,
    /// The housing fields that made it unsafe.
    pub housing: Vec<String>,
    /// The water fields that made it insecure.
    pub water: Vec<String>,
}

/// Reasons facts could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// A parameter is missing or has the wrong type.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// An income record is inconsistent.
    #[error("{year}年收入：{source}")]
    Income {
        /// Year of the record.
        year: i32,
        /// What is wrong.
        source: IncomeError,
    },
}

const HEALTH_CHRONIC: &str = "2";
const HEALTH_DISABLED: &str = "3";
const HEALTH_SEVERELY_DISABLED: &str = "4";
const HEALTH_SERIOUS_ILLNESS: &str = "5";
const STUDENT_NOT_IN_SCHOOL: &str = "9";
const UPPER_STUDENT: [&str; 3] = ["4", "5", "6"];

fn year_income(
    rec: &IncomeRecord,
    policy: &PolicySet,
    area: &AreaCode,
) -> Result<YearIncome, AssessError> {
    let rules = policy.income_rules(area, rec.year)?;
    let b = income::compute(rec, &rules).map_err(|source| AssessError::Income {
        year: rec.year,
        source,
    })?;
    Ok(YearIncome {
        per_capita: b.per_capita,
        net: b.net,
        rigid_expense: rec.rigid_expense,
    })
}

/// Summarise `bundle` for `year`. Ages are taken on `as_of` (the assessment
/// date; the end of the year for past years).
pub fn facts_of(
    bundle: &HouseholdBundle,
    year: i32,
    as_of: NaiveDate,
    policy: &PolicySet,
) -> Result<(HouseholdFacts, FactSources), AssessError> {
    let h = &bundle.household;
    let area = h.area;
    let find = |y: i32| bundle.incomes.iter().find(|r| r.year == y);
    let income = find(year)
        .map(|r| year_income(r, policy, &area))
        .transpose()?;
    let prev = year
        .checked_sub(1)
        .and_then(find)
        .map(|r| year_income(r, policy, &area))
        .transpose()?;
    let age_from = policy.int_param(keys::SCHOOL_AGE_FROM, &area, year)?;
    let age_to = policy.int_param(keys::SCHOOL_AGE_TO, &area, year)?;

    let mut src = FactSources::default();
    let mut with_labour = 0u16;
    for m in &bundle.members {
        if m.has_labor_capacity() {
            with_labour += 1;
        }
        match m.health.as_str() {
            HEALTH_CHRONIC => src.ill.push(format!("{}（长期慢性病）", m.name)),
            HEALTH_SERIOUS_ILLNESS => src.ill.push(format!("{}（患大病）", m.name)),
            HEALTH_DISABLED => src.disabled.push(format!("{}（一般残疾）", m.name)),
            HEALTH_SEVERELY_DISABLED => src.disabled.push(format!("{}（重度残疾）", m.name)),
            _ => {}
        }
        if !m.insurance.has_basic_medical() {
            src.uninsured.push(m.name.clone());
        }
        let age = i64::from(m.age_on(as_of));
        let out_of_school = m.dropout_reason.is_some()
            || m.student_status.as_deref() == Some(STUDENT_NOT_IN_SCHOOL)
                && m.graduate_unemployed_reason.is_none();
        if (age_from..=age_to).contains(&age) && out_of_school {
            src.dropouts.push(format!("{}（{}岁）", m.name, age));
        }
        if m.student_status
            .as_deref()
            .is_some_and(|s| UPPER_STUDENT.contains(&s))
        {
            src.upper_students.push(m.name.clone());
        }
    }
    let c = &h.conditions;
    if let Some(g) = c
        .housing_grade
        .as_deref()
        .filter(|g| *g == "C" || *g == "D")
    {
        src.housing.push(format!("住房安全等级={g}级"));
    }
    if c.is_unsafe_house {
        src.housing.push("是否危房=是".into());
    }
    if c.housing_secured == Some(false) {
        src.housing.push("住房安全有保障=否".into());
    }
    if c.drinking_water_secured == Some(false) {
        src.water.push("饮水安全有保障=否".into());
    }
    if c.safe_drinking_water == Some(false) {
        src.water.push("是否解决安全饮用水=否".into());
    }
    let n = |v: &Vec<String>| v.len() as u16;
    let facts = HouseholdFacts {
        area,
        year,
        lifted_out: h.is_lifted_out(),
        income,
        prev_per_capita: prev.map(|y| y.per_capita),
        prev_net: prev.map(|y| y.net),
        members: bundle.members.len() as u16,
        with_labour,
        ill: n(&src.ill),
        disabled: n(&src.disabled),
        uninsured: n(&src.uninsured),
        dropouts: n(&src.dropouts),
        upper_students: n(&src.upper_students),
        housing_unsafe: !src.housing.is_empty(),
        water_insecure: !src.water.is_empty(),
    };
    Ok((facts, src))
}

/// Where a threshold came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamRef {
    /// Parameter key.
    pub key: String,
    /// Scope code (`None` = 全国).
    pub scope: Option<String>,
    /// Year of the definition.
    pub year: i32,
    /// Source note of the definition.
    pub note: String,
}

impl From<&ParamDef> for ParamRef {
    fn from(d: &ParamDef) -> Self {
        ParamRef {
            key: d.key.clone(),
            scope: d.scope.map(AreaCode::as_string),
            year: d.year,
            note: d.note.clone(),
        }
    }
}

/// One rule evaluation in the explanation trace.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, see [`rule`].
    pub rule: &'static str,
    /// Chinese name of the rule.
    pub label: &'static str,
    /// Whether the rule fired.
    pub fired: bool,
    /// The indicator and its value, e.g. `2024年人均纯收入 6,800.00元`.
    pub value: String,
    /// The threshold it was compared with, e.g. `监测范围 7,200.00元`.
    pub threshold: Option<String>,
    /// The parameter definition of the threshold.
    pub param: Option<ParamRef>,
    /// The records the value came from (member names, fields).
    pub source: Vec<String>,
    /// The risk the rule points to, if it fired.
    pub risk: Option<&'static str>,
}

/// Income standing of the year against the line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeTest {
    /// Strictly below the line.
    Below,
    /// At or above the line.
    AtOrAbove,
    /// No income recorded for the year: cannot be judged.
    Unknown,
}

/// The result of assessing one household for one year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The year assessed.
    pub year: i32,
    /// The 监测范围 applied.
    pub line: Money,
    /// Income against the line.
    pub income_test: IncomeTest,
    /// A sudden-hardship trigger fired (rigid expense or income drop).
    pub sudden_hardship: bool,
    /// 收入低于监测范围、未识别风险: below the line, but no concrete risk
    /// (policy.md §1.2). Not a candidate (`category` is `None`): listed apart
    /// for a visit that finds the risk or rules it out.
    pub below_line_without_risk: bool,
    /// Derived 监测对象类别 code, `None` when not in the at-risk set.
    pub category: Option<&'static str>,
    /// Derived risk codes (at most [`MAX_RISKS`]), most specific first.
    pub risks: Vec<&'static str>,
    /// Every rule, fired or not.
    pub trace: Vec<Finding>,
}

impl Assessment {
    /// Whether the household is in the at-risk set (has a category).
    pub fn at_risk(&self) -> bool {
        self.category.is_some()
    }

    /// Whether the 三保障 and 饮水安全 are all secure (no fired rule among them).
    pub fn basics_secure(&self) -> bool {
        !self.fired(rule::HOUSING)
            && !self.fired(rule::WATER)
            && !self.fired(rule::DROPOUT)
            && !self.fired(rule::MEDICAL)
    }

    /// Whether rule `id` fired.
    pub fn fired(&self, id: &str) -> bool {
        self.trace.iter().any(|f| f.rule == id && f.fired)
    }
}

fn yuan(m: Money) -> String {
    format!("{m}元")
}

/// The area's thresholds for one year, resolved once and reused for every
/// household of that area (the what-if view evaluates whole counties).
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// 监测范围.
    pub line: Money,
    line_def: ParamRef,
    /// 当年刚性支出超过上年度家庭纯收入的百分比.
    pub rigid_pct: i64,
    rigid_def: ParamRef,
    /// 人均纯收入同比下降百分比.
    pub drop_pct: i64,
    drop_def: ParamRef,
}

impl Thresholds {
    /// Resolve the thresholds of `area` for `year`.
    pub fn resolve(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Self, PolicyError> {
        let (line, line_def) = policy.monitoring_line(area, year)?;
        let rigid_pct = policy.int_param(keys::SUDDEN_RIGID_PCT, area, year)?;
        let drop_pct = policy.int_param(keys::SUDDEN_DROP_PCT, area, year)?;
        let def_of = |key: &str| {
            policy
                .resolve(key, area, year)
                .map(|r| ParamRef::from(r.def))
        };
        Ok(Thresholds {
            line,
            line_def: ParamRef::from(line_def),
            rigid_pct,
            rigid_def: def_of(keys::SUDDEN_RIGID_PCT)?,
            drop_pct,
            drop_def: def_of(keys::SUDDEN_DROP_PCT)?,
        })
    }

    /// Replace the line (what-if).
    pub fn with_line(mut self, line: Money, why: &str) -> Self {
        self.line = line;
        self.line_def = ParamRef {
            key: keys::MONITORING_LINE.into(),
            scope: None,
            year: self.line_def.year,
            note: why.to_string(),
        };
        self
    }
}

/// Rigid expense exceeds `pct`% of net income (strictly; a household with no
/// positive net income and any rigid expense exceeds every percentage).
pub fn rigid_exceeds(rigid: Money, net: Money, pct: i64) -> bool {
    if rigid.fen() <= 0 {
        return false;
    }
    // rigid > net × pct / 100, in integers: rigid × 100 > net × pct.
    i128::from(rigid.fen()) * 100 > i128::from(net.fen()) * i128::from(pct)
}

/// Per-capita income fell by at least `pct`% from `prev` to `now`.
pub fn dropped_by(prev: Money, now: Money, pct: i64) -> bool {
    if prev.fen() <= 0 || now >= prev {
        return false;
    }
    // (prev − now) / prev ≥ pct / 100  ⇔  (prev − now) × 100 ≥ prev × pct.
    i128::from(prev.fen() - now.fen()) * 100 >= i128::from(prev.fen()) * i128::from(pct)
}

/// Assess `facts` under `t`. Pure and cheap: no allocation beyond the trace.
pub fn assess(facts: &HouseholdFacts, t: &Thresholds, src: Option<&FactSources>) -> Assessment {
    let mut trace = Vec::with_capacity(11);
    let income_test = match facts.income {
        None => IncomeTest::Unknown,
        Some(y) if income::below_line(y.per_capita, t.line) => IncomeTest::Below,
        Some(_) => IncomeTest::AtOrAbove,
    };
    trace.push(income_finding(facts, t, income_test));
    let rigid = rigid_finding(facts, t);
    let drop = drop_finding(facts, t);
    let sudden_hardship = rigid.fired || drop.fired;
    trace.push(rigid);
    trace.push(drop);
    trace.extend(condition_findings(facts, src));

    let mut risks: Vec<&'static str> = Vec::new();
    for f in &trace {
        if let Some(r) = f.risk
            && !risks.contains(&r)
            && risks.len() < MAX_RISKS
        {
            risks.push(r);
        }
    }
    Assessment {
        year: facts.year,
        line: t.line,
        income_test,
        sudden_hardship,
        below_line_without_risk: below_line_without_risk(facts, t),
        category: category_only(facts, t),
        risks,
        trace,
    }
}

/// M01 income against the line: equal to the line is not below it.
fn income_finding(facts: &HouseholdFacts, t: &Thresholds, test: IncomeTest) -> Finding {
    let year = facts.year;
    Finding {
        rule: rule::INCOME_BELOW_LINE,
        label: "人均纯收入低于监测范围",
        fired: test == IncomeTest::Below,
        value: match facts.income {
            Some(y) => format!("{year}年人均纯收入 {}", yuan(y.per_capita)),
            None => format!("缺少{year}年收入数据，无法判断"),
        },
        threshold: Some(format!("监测范围 {}", yuan(t.line))),
        param: Some(t.line_def.clone()),
        source: vec![format!("收入{year}")],
        risk: None,
    }
}

/// Whether the year's rigid expense exceeds the share of the previous
/// year's net income (policy.md §0, §2.2: “明显超过上年度收入”).
fn rigid_fired(facts: &HouseholdFacts, t: &Thresholds) -> bool {
    facts
        .income
        .zip(facts.prev_net)
        .is_some_and(|(y, prev)| rigid_exceeds(y.rigid_expense, prev, t.rigid_pct))
}

/// M02 the year's rigid expense against the previous year's net income.
fn rigid_finding(facts: &HouseholdFacts, t: &Thresholds) -> Finding {
    let year = facts.year;
    let prev_year = year - 1;
    Finding {
        rule: rule::RIGID_EXPENSE,
        label: "大额刚性支出超过上年度家庭纯收入",
        fired: rigid_fired(facts, t),
        value: match (facts.income, facts.prev_net) {
            (Some(y), Some(prev)) => format!(
                "{year}年大额刚性支出 {}，{prev_year}年家庭纯收入 {}",
                yuan(y.rigid_expense),
                yuan(prev)
            ),
            (None, _) => format!("缺少{year}年收入数据"),
            (Some(_), None) => format!("缺少{prev_year}年收入数据，无法与上年度收入比较"),
        },
        threshold: Some(format!("超过上年度家庭纯收入的{}%", t.rigid_pct)),
        param: Some(t.rigid_def.clone()),
        source: vec![format!("收入{prev_year}"), format!("收入{year}")],
        risk: None,
    }
}

/// M03 income drop against the previous year.
fn drop_finding(facts: &HouseholdFacts, t: &Thresholds) -> Finding {
    let year = facts.year;
    let both = facts.prev_per_capita.zip(facts.income);
    Finding {
        rule: rule::INCOME_DROP,
        label: "人均纯收入同比大幅下降",
        fired: both.is_some_and(|(p, y)| dropped_by(p, y.per_capita, t.drop_pct)),
        value: match both {
            Some((p, y)) => format!(
                "{}年 {} → {year}年 {}",
                year - 1,
                yuan(p),
                yuan(y.per_capita)
            ),
            None => format!("缺少{}年或{year}年收入数据", year - 1),
        },
        threshold: Some(format!("下降达到{}%", t.drop_pct)),
        param: Some(t.drop_def.clone()),
        source: vec![format!("收入{}", year - 1), format!("收入{year}")],
        risk: None,
    }
}

/// Which names of [`FactSources`] stand behind a finding.
type Pick = fn(&FactSources) -> &Vec<String>;

/// A yes/no condition of the household's record.
fn flag_finding(
    (id, label, risk): (&'static str, &'static str, &'static str),
    fired: bool,
    source: Vec<String>,
) -> Finding {
    Finding {
        rule: id,
        label,
        fired,
        value: if fired { "是".into() } else { "否".into() },
        threshold: None,
        param: None,
        source,
        risk: fired.then_some(risk),
    }
}

/// A count of members in a condition: fires from one member on.
fn count_finding(
    (id, label, what, risk): (&'static str, &'static str, &str, &'static str),
    n: u16,
    source: Vec<String>,
) -> Finding {
    Finding {
        rule: id,
        label,
        fired: n > 0,
        value: format!("{what} {n} 人"),
        threshold: None,
        param: None,
        source,
        risk: (n > 0).then_some(risk),
    }
}

/// The housing, water and member rules, in trace order.
fn condition_findings(facts: &HouseholdFacts, src: Option<&FactSources>) -> Vec<Finding> {
    let names = |pick: Pick| src.map(|s| pick(s).clone()).unwrap_or_default();
    let mut out = vec![
        flag_finding(
            (rule::HOUSING, "住房不安全", risk::HOUSING),
            facts.housing_unsafe,
            names(|s| &s.housing),
        ),
        flag_finding(
            (rule::WATER, "饮水不安全", risk::WATER),
            facts.water_insecure,
            names(|s| &s.water),
        ),
    ];
    let counted: [(_, u16, Pick); 4] = [
        (
            (
                rule::DROPOUT,
                "义务教育阶段适龄成员失学辍学",
                "失学辍学",
                risk::DROPOUT,
            ),
            facts.dropouts,
            |s| &s.dropouts,
        ),
        (
            (
                rule::MEDICAL,
                "成员未参加基本医疗保险",
                "未参保",
                risk::ILLNESS,
            ),
            facts.uninsured,
            |s| &s.uninsured,
        ),
        (
            (
                rule::ILLNESS,
                "成员患大病或长期慢性病",
                "患病",
                risk::ILLNESS,
            ),
            facts.ill,
            |s| &s.ill,
        ),
        (
            (rule::DISABILITY, "成员残疾", "残疾", risk::DISABILITY),
            facts.disabled,
            |s| &s.disabled,
        ),
    ];
    for (rule, n, pick) in counted {
        out.push(count_finding(rule, n, names(pick)));
    }
    let no_labour = facts.members > 0 && facts.with_labour == 0;
    out.push(Finding {
        rule: rule::NO_LABOUR,
        label: "家庭无劳动能力成员",
        fired: no_labour,
        value: format!(
            "有劳动能力 {} 人 / 共 {} 人",
            facts.with_labour, facts.members
        ),
        threshold: Some("有劳动能力 0 人".into()),
        param: None,
        source: vec![],
        risk: no_labour.then_some(risk::NO_LABOUR),
    });
    out.push(count_finding(
        (
            rule::SCHOOLING,
            "非义务教育阶段在校生",
            "在读高中及以上",
            risk::SCHOOLING,
        ),
        facts.upper_students,
        names(|s| &s.upper_students),
    ));
    out
}

/// A sudden-hardship trigger (M02 or M03) fires.
fn sudden(facts: &HouseholdFacts, t: &Thresholds) -> bool {
    let drop = facts
        .prev_per_capita
        .zip(facts.income)
        .is_some_and(|(p, y)| dropped_by(p, y.per_capita, t.drop_pct));
    rigid_fired(facts, t) || drop
}

/// A concrete risk (policy.md §1.2, §3): one of the condition rules (M04–M11)
/// fires, or a sudden-hardship trigger does. Agrees with the trace: the
/// condition rules are exactly those that carry a risk code.
fn has_concrete_risk(facts: &HouseholdFacts, t: &Thresholds) -> bool {
    facts.housing_unsafe
        || facts.water_insecure
        || facts.dropouts > 0
        || facts.uninsured > 0
        || facts.ill > 0
        || facts.disabled > 0
        || (facts.members > 0 && facts.with_labour == 0)
        || facts.upper_students > 0
        || sudden(facts, t)
}

fn below(facts: &HouseholdFacts, t: &Thresholds) -> bool {
    facts
        .income
        .is_some_and(|y| income::below_line(y.per_capita, t.line))
}

/// 收入低于监测范围、未识别风险: below the line without a concrete risk
/// (policy.md §1.2). Such a household is not a candidate; it is listed apart
/// for a visit.
pub fn below_line_without_risk(facts: &HouseholdFacts, t: &Thresholds) -> bool {
    below(facts, t) && !has_concrete_risk(facts, t)
}

/// The category alone, without the trace: the what-if view evaluates a
/// whole county with this. Below the line with at least one concrete risk
/// (policy.md §1.2): 脱贫不稳定户 or 边缘易致贫户 by household type; at or above
/// it, a sudden-hardship trigger: 突发严重困难户.
pub fn category_only(facts: &HouseholdFacts, t: &Thresholds) -> Option<&'static str> {
    facts.income?;
    if below(facts, t) {
        return has_concrete_risk(facts, t).then_some(if facts.lifted_out {
            well_known::CATEGORY_UNSTABLE
        } else {
            well_known::CATEGORY_MARGINAL
        });
    }
    sudden(facts, t).then_some(well_known::CATEGORY_SUDDEN)
}

/// The assessment date for `year` seen on `today`: today within the year,
/// else the last day of the year. A year outside the calendar's range (a
/// request's `year=-1187844`) gives its first or last representable day; no
/// data or parameter exists for it, so the caller's lookup refuses it.
pub fn as_of_for(year: i32, today: NaiveDate) -> NaiveDate {
    if today.year() == year {
        today
    } else {
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(if year < today.year() {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }
}
