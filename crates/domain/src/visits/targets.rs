//! Target rules: who must be visited, as data, and the named lists ([`PRESETS`]).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::household::{HouseholdBundle, Person};
use crate::money::Money;
use crate::monitor::assess::{self, HouseholdFacts};
use crate::policy::{PolicyError, PolicySet, keys};

use super::*;

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
    !s.bundle.members.is_empty() && !s.any_member(Person::has_labor_capacity)
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
