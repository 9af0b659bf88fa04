//! Who may borrow 脱贫人口小额信贷 and who may receive 到户产业奖补.
//!
//! The groups a benefit is open to are a per-area, per-year text parameter
//! ([`keys::LOAN_ELIGIBLE`], [`keys::AWARD_ELIGIBLE`]) because the texts are
//! local: 唐河 lends to 脱贫户、边缘易致贫户 and 突发严重困难户 (sources/004,
//! 十八), 丰都 to 脱贫人口 and 监测对象 and grants its awards to 脱贫户 and
//! 监测对象 whose 年人均纯收入 is below the 全市平均水平 (sources/003, 八 and
//! 十). That average is a parameter with no default
//! ([`keys::AWARD_INCOME_BELOW`]): the sources give no number, so an area
//! without one is refused, saying the parameter is missing.

use chrono::Datelike;

use crate::area::AreaCode;
use crate::assist::{Category, Measure};
use crate::codes::well_known;
use crate::household::Household;
use crate::income::{self, IncomeRecord};
use crate::money::Money;
use crate::policy::{PolicyError, PolicySet, key_label, keys};

use super::*;

/// A group of households a benefit may be open to, as written in the
/// parameter: `脱贫户`, `监测对象` (every 监测对象类别, risk eliminated or
/// not: they stay 监测对象 in 常态化监测, policy.md §7.2), or one category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// 户类型 脱贫户.
    Lifted,
    /// Any 监测对象 (a household with a 监测对象类别).
    Monitored,
    /// 监测对象类别 脱贫不稳定户.
    Unstable,
    /// 监测对象类别 边缘易致贫户.
    Marginal,
    /// 监测对象类别 突发严重困难户.
    Sudden,
}

const GROUPS: [(Group, &str); 5] = [
    (Group::Lifted, "脱贫户"),
    (Group::Monitored, "监测对象"),
    (Group::Unstable, "脱贫不稳定户"),
    (Group::Marginal, "边缘易致贫户"),
    (Group::Sudden, "突发严重困难户"),
];

impl Group {
    /// The Chinese name, as written in the parameter.
    pub fn label(self) -> &'static str {
        GROUPS
            .iter()
            .find(|(g, _)| *g == self)
            .map_or("", |(_, l)| l)
    }

    /// Whether the household belongs to the group.
    pub fn contains(self, h: &Household) -> bool {
        let category = h.monitor_category.as_deref();
        match self {
            Group::Lifted => h.is_lifted_out(),
            Group::Monitored => category.is_some(),
            Group::Unstable => category == Some(well_known::CATEGORY_UNSTABLE),
            Group::Marginal => category == Some(well_known::CATEGORY_MARGINAL),
            Group::Sudden => category == Some(well_known::CATEGORY_SUDDEN),
        }
    }
}

/// Parses a groups parameter: names separated by `、`, `，`, `,` or spaces.
pub fn parse_groups(key: &str, text: &str) -> Result<Vec<Group>, FundsError> {
    let mut out = Vec::new();
    for token in text
        .split(['、', '，', ',', ' ', '　'])
        .filter(|t| !t.is_empty())
    {
        let group = GROUPS
            .iter()
            .find(|(_, l)| *l == token)
            .map(|(g, _)| *g)
            .ok_or_else(|| FundsError::BadGroups {
                param: key_label(key).to_owned(),
                token: token.to_owned(),
            })?;
        if !out.contains(&group) {
            out.push(group);
        }
    }
    if out.is_empty() {
        return Err(FundsError::BadGroups {
            param: key_label(key).to_owned(),
            token: text.trim().to_owned(),
        });
    }
    Ok(out)
}

/// The household's type and monitoring category in words, e.g.
/// `一般农户，非监测对象` or `脱贫户，监测对象类别为脱贫不稳定户（风险未消除）`.
pub fn describe_household(h: &Household) -> String {
    let kind = if h.is_lifted_out() {
        "脱贫户"
    } else {
        "一般农户"
    };
    match h.monitor_category.as_deref() {
        None => format!("{kind}，非监测对象"),
        Some(code) => {
            let category = match code {
                well_known::CATEGORY_UNSTABLE => "脱贫不稳定户".to_owned(),
                well_known::CATEGORY_MARGINAL => "边缘易致贫户".to_owned(),
                well_known::CATEGORY_SUDDEN => "突发严重困难户".to_owned(),
                other => format!("编码{other}"),
            };
            let risk = if h.risk_eliminated == Some(true) {
                "风险已消除"
            } else {
                "风险未消除"
            };
            format!("{kind}，监测对象类别为{category}（{risk}）")
        }
    }
}

fn check_groups(
    policy: &PolicySet,
    key: &str,
    benefit: &'static str,
    h: &Household,
    year: i32,
) -> Result<(), FundsError> {
    let text = policy.text_param(key, &h.area, year)?;
    let groups = parse_groups(key, text)?;
    if groups.iter().any(|g| g.contains(h)) {
        return Ok(());
    }
    Err(FundsError::NotEligible {
        benefit,
        year,
        household: describe_household(h),
        allowed: groups
            .iter()
            .map(|g| g.label())
            .collect::<Vec<_>>()
            .join("、"),
    })
}

/// Refuses a 小额信贷 to a household outside the groups of its area for the
/// year the loan is issued (`loan_eligible_households`).
pub fn check_loan_eligible(policy: &PolicySet, h: &Household, year: i32) -> Result<(), FundsError> {
    check_groups(policy, keys::LOAN_ELIGIBLE, "脱贫人口小额信贷", h, year)
}

/// Refuses a 到户产业奖补 of `year` unless the household is in the groups of
/// its area for that year, its 人均纯收入 is strictly below the area's
/// `industry_award_income_below` (丰都: 全市平均水平; `income::below_line`
/// decides, so equal is not below) and, where the area's
/// `industry_award_needs_industry` says so, it is 正在发展产业项目: a 产业帮扶
/// measure of its plan was under way in the award's year (see
/// [`industry_under_way`]). The income is that of the award's year, or of
/// the year before when the award's year has no record yet.
pub fn check_award_eligible(
    policy: &PolicySet,
    h: &Household,
    incomes: &[IncomeRecord],
    measures: &[Measure],
    year: i32,
) -> Result<(), FundsError> {
    check_award_groups(policy, h, year)?;
    let threshold = award_income_threshold(policy, &h.area, year)?;
    let record = [year, year - 1]
        .iter()
        .find_map(|y| incomes.iter().find(|r| r.year == *y))
        .ok_or(FundsError::AwardNoIncome { year })?;
    let rules = policy.income_rules(&h.area, record.year)?;
    let per_capita = income::compute(record, &rules)
        .map_err(|e| FundsError::AwardIncomeInvalid {
            income_year: record.year,
            reason: e.to_string(),
        })?
        .per_capita;
    if !income::below_line(per_capita, threshold) {
        return Err(FundsError::AwardIncome {
            year,
            income_year: record.year,
            per_capita,
            threshold,
        });
    }
    if policy.bool_param(keys::AWARD_NEEDS_INDUSTRY, &h.area, year)?
        && !industry_under_way(measures, year)
    {
        return Err(FundsError::AwardNoIndustry { year });
    }
    Ok(())
}

/// Refuses a 到户产业奖补 of `year` to a household outside the groups its
/// area grants to that year (`industry_award_eligible_households`): the
/// first test of [`check_award_eligible`].
pub fn check_award_groups(policy: &PolicySet, h: &Household, year: i32) -> Result<(), FundsError> {
    check_groups(policy, keys::AWARD_ELIGIBLE, "到户产业奖补", h, year)
}

/// Whether a 产业帮扶 measure was under way in `year` (丰都's 正在发展产业项目):
/// one carried out (实施中 or 已完成) whose period reaches into that year. A
/// planned measure that has not started, or one stopped before the year,
/// does not count.
pub fn industry_under_way(measures: &[Measure], year: i32) -> bool {
    measures.iter().any(|m| {
        m.category == Category::Industry
            && m.status.implemented()
            && m.started_on.year() <= year
            && m.ended_on.is_none_or(|end| end.year() >= year)
    })
}

/// The income an awarded household must be below, for an area and year; a
/// missing value is refused with what the parameter is and where to set it.
pub fn award_income_threshold(
    policy: &PolicySet,
    area: &AreaCode,
    year: i32,
) -> Result<Money, FundsError> {
    match policy.resolve(keys::AWARD_INCOME_BELOW, area, year) {
        Ok(r) => match &r.def.value {
            crate::policy::ParamValue::Money(m) => Ok(*m),
            other => Err(FundsError::Param(PolicyError::WrongType {
                key: keys::AWARD_INCOME_BELOW.to_owned(),
                expected: "金额",
                found: other.type_label(),
            })),
        },
        Err(PolicyError::Missing { area, year, .. }) => {
            Err(FundsError::AwardThresholdMissing { area, year })
        }
        Err(e) => Err(FundsError::Param(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assist::MeasureStatus;
    use crate::household::{Household, LivingConditions};
    use crate::id_number::{IdNumber, check_digit};
    use crate::policy::{Confidence, ParamDef, ParamValue};

    const FENGDU: &str = "500230101201";
    const TANGHE: &str = "411328101201";

    fn household(area: &str, kind: &str, category: Option<&str>) -> Household {
        let first17 = format!("{}19800101001", &area[..6]);
        let c = check_digit(first17.as_bytes()) as char;
        Household {
            household_no: format!("{area}0001"),
            area: AreaCode::parse(area).unwrap(),
            group_no: None,
            head_name: "张三".into(),
            head_id: IdNumber::parse(&format!("{first17}{c}")).unwrap(),
            phone: None,
            household_type: kind.into(),
            poverty_policy: None,
            monitor_category: category.map(Into::into),
            is_military_family: false,
            current_size: 4,
            identified_month: None,
            eliminated_month: None,
            risk_eliminated: category.map(|_| false),
            elimination_method: None,
            risks: Vec::new(),
            dev_measure_status: None,
            no_labor_safety_net: false,
            collector_name: None,
            collector_phone: None,
            bank_name: None,
            bank_account: None,
            conditions: LivingConditions::default(),
        }
    }

    fn seeded() -> PolicySet {
        PolicySet::new(crate::seed::seed_params())
    }

    /// A 丰都 2024 set with a 全市平均水平 of `yuan` (a test value: the
    /// sources give none).
    fn with_average(yuan: i64) -> PolicySet {
        let mut defs = crate::seed::seed_params();
        defs.push(ParamDef {
            key: keys::AWARD_INCOME_BELOW.into(),
            scope: Some(AreaCode::parse("500230").unwrap()),
            year: 2024,
            value: ParamValue::Money(Money::from_yuan(yuan)),
            confidence: Confidence::Local,
            note: "测试用".into(),
        });
        PolicySet::new(defs)
    }

    /// A 产业帮扶 measure (生猪养殖) started in `from`, ended in `to`.
    fn industry_measure(status: MeasureStatus, from: i32, to: Option<i32>) -> Measure {
        let day = |y: i32| chrono::NaiveDate::from_ymd_opt(y, 3, 1).unwrap();
        Measure {
            code: None,
            category: Category::Industry,
            kind: crate::assist::MeasureKind::Development,
            name: "生猪养殖".into(),
            target_risk: "1".into(),
            status,
            started_on: day(from),
            ended_on: to.map(day),
            amount: Money::ZERO,
            evidence: String::new(),
        }
    }

    /// An income of `per_capita` 元 a head for four persons in `year`.
    fn income(year: i32, per_capita: i64) -> IncomeRecord {
        IncomeRecord {
            year,
            annual_persons: 4,
            wage: Money::from_yuan(per_capita * 4),
            wage_other: Money::from_yuan(per_capita * 4),
            ..Default::default()
        }
    }

    // 唐河 (sources/004, 十八): 脱贫户、边缘易致贫户和突发严重困难户 may borrow;
    // a 脱贫不稳定户 that is not a 脱贫户 cannot exist, an ordinary household
    // that is no 监测对象 may not.
    #[test]
    fn tanghe_lends_to_lifted_marginal_and_sudden_households() {
        let set = seeded();
        let lifted = household(TANGHE, well_known::HOUSEHOLD_LIFTED, None);
        let marginal = household(
            TANGHE,
            well_known::HOUSEHOLD_ORDINARY,
            Some(well_known::CATEGORY_MARGINAL),
        );
        let sudden = household(
            TANGHE,
            well_known::HOUSEHOLD_ORDINARY,
            Some(well_known::CATEGORY_SUDDEN),
        );
        for h in [&lifted, &marginal, &sudden] {
            assert_eq!(check_loan_eligible(&set, h, 2023), Ok(()));
        }
        let ordinary = household(TANGHE, well_known::HOUSEHOLD_ORDINARY, None);
        let e = check_loan_eligible(&set, &ordinary, 2023).unwrap_err();
        assert_eq!(
            e.to_string(),
            "本户为一般农户，非监测对象，不属于2023年脱贫人口小额信贷的对象（本地区可享受的对象：脱贫户、边缘易致贫户、突发严重困难户）"
        );
    }

    // 丰都 2024 (sources/003, 八): 脱贫人口和监测对象; elsewhere the national
    // default is 脱贫户 only, and a year without any value is refused.
    #[test]
    fn fengdu_lends_to_monitored_households_and_the_default_to_lifted_ones() {
        let set = seeded();
        let marginal = household(
            FENGDU,
            well_known::HOUSEHOLD_ORDINARY,
            Some(well_known::CATEGORY_MARGINAL),
        );
        assert_eq!(check_loan_eligible(&set, &marginal, 2024), Ok(()));
        let e = check_loan_eligible(&set, &marginal, 2025).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "本户为一般农户，监测对象类别为边缘易致贫户（风险未消除），不属于2025年脱贫人口小额信贷的对象（本地区可享受的对象：脱贫户）"
            ),
            "{e}"
        );
        let lifted = household(FENGDU, well_known::HOUSEHOLD_LIFTED, None);
        assert_eq!(check_loan_eligible(&set, &lifted, 2025), Ok(()));
        let e = check_loan_eligible(&set, &lifted, 2019).unwrap_err();
        assert!(
            matches!(e, FundsError::Param(PolicyError::Missing { .. })),
            "{e}"
        );
    }

    #[test]
    fn groups_parse_in_chinese_with_any_separator() {
        let g = parse_groups(
            keys::LOAN_ELIGIBLE,
            "脱贫户，监测对象、 突发严重困难户,脱贫户",
        )
        .unwrap();
        assert_eq!(g, vec![Group::Lifted, Group::Monitored, Group::Sudden]);
        let e = parse_groups(keys::LOAN_ELIGIBLE, "脱贫户、低保户").unwrap_err();
        assert!(e.to_string().contains("“低保户”不是可识别的对象"), "{e}");
        assert!(parse_groups(keys::LOAN_ELIGIBLE, " 、").is_err());
    }

    // 丰都 2024 (sources/003, 十): 年人均纯收入低于全市平均水平的脱贫户和监测对象.
    // No number for the average is in the sources: without one the award is
    // refused saying the parameter is missing.
    #[test]
    fn fengdu_award_needs_the_city_average_and_income_below_it() {
        let lifted = household(FENGDU, well_known::HOUSEHOLD_LIFTED, None);
        let incomes = [income(2024, 9_000)];
        let farming = [industry_measure(MeasureStatus::Active, 2023, None)];
        let e = check_award_eligible(&seeded(), &lifted, &incomes, &farming, 2024).unwrap_err();
        assert_eq!(
            e,
            FundsError::AwardThresholdMissing {
                area: lifted.area,
                year: 2024
            }
        );
        assert!(
            e.to_string()
                .starts_with("未配置参数“到户产业奖补收入标准（全市平均水平）”")
        );

        let set = with_average(9_001);
        assert_eq!(
            check_award_eligible(&set, &lifted, &incomes, &farming, 2024),
            Ok(())
        );
        // Equal to the average is not below it.
        let set = with_average(9_000);
        let e = check_award_eligible(&set, &lifted, &incomes, &farming, 2024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "本户2024年人均纯收入9000.00元，不低于2024年到户产业奖补收入标准（全市平均水平）9000.00元，不能享受"
        );
        // The year before serves when the award's year has no record; none refuses.
        let set = with_average(9_001);
        assert_eq!(
            check_award_eligible(&set, &lifted, &[income(2023, 9_000)], &farming, 2024),
            Ok(())
        );
        assert_eq!(
            check_award_eligible(&set, &lifted, &[income(2022, 1_000)], &farming, 2024),
            Err(FundsError::AwardNoIncome { year: 2024 })
        );
        // An ordinary household that is no 监测对象 is refused by category first.
        let ordinary = household(FENGDU, well_known::HOUSEHOLD_ORDINARY, None);
        let e = check_award_eligible(&set, &ordinary, &incomes, &farming, 2024).unwrap_err();
        assert!(
            e.to_string()
                .contains("本户为一般农户，非监测对象，不属于2024年到户产业奖补的对象"),
            "{e}"
        );
        // An eliminated 监测对象 is still one.
        let mut eliminated = household(
            FENGDU,
            well_known::HOUSEHOLD_ORDINARY,
            Some(well_known::CATEGORY_SUDDEN),
        );
        eliminated.risk_eliminated = Some(true);
        assert_eq!(
            check_award_eligible(&set, &eliminated, &incomes, &farming, 2024),
            Ok(())
        );
        assert_eq!(
            describe_household(&eliminated),
            "一般农户，监测对象类别为突发严重困难户（风险已消除）"
        );
    }

    // 丰都 2024 (sources/003, 十): “……且正在发展产业项目的脱贫户和监测对象”.
    // A household below the average without a 产业 measure under way in the
    // award's year is refused; a measure carried out that year (running, or
    // completed within it) qualifies; a planned one, or one stopped the year
    // before, does not; an area that sets the parameter to 否 does not ask.
    #[test]
    fn fengdu_award_needs_an_industry_project_under_way() {
        let set = with_average(9_001);
        let lifted = household(FENGDU, well_known::HOUSEHOLD_LIFTED, None);
        let incomes = [income(2024, 9_000)];
        let refused = Err(FundsError::AwardNoIndustry { year: 2024 });
        let check = |m: &[Measure]| check_award_eligible(&set, &lifted, &incomes, m, 2024);
        assert_eq!(check(&[]), refused);
        let e = check(&[]).unwrap_err().to_string();
        assert!(e.contains("不符合“正在发展产业项目”的条件"), "{e}");
        use MeasureStatus::*;
        assert_eq!(check(&[industry_measure(Active, 2024, None)]), Ok(()));
        assert_eq!(check(&[industry_measure(Done, 2022, Some(2024))]), Ok(()));
        assert_eq!(check(&[industry_measure(Planned, 2024, None)]), refused);
        assert_eq!(
            check(&[industry_measure(Stopped, 2021, Some(2023))]),
            refused
        );
        assert_eq!(check(&[industry_measure(Active, 2025, None)]), refused);
        let mut other = industry_measure(Active, 2024, None);
        other.category = Category::Employment;
        assert_eq!(check(&[other]), refused);

        let mut defs = crate::seed::seed_params();
        defs.push(ParamDef {
            key: keys::AWARD_INCOME_BELOW.into(),
            scope: Some(AreaCode::parse("500230").unwrap()),
            year: 2024,
            value: ParamValue::Money(Money::from_yuan(9_001)),
            confidence: Confidence::Local,
            note: "测试用".into(),
        });
        defs.push(ParamDef {
            key: keys::AWARD_NEEDS_INDUSTRY.into(),
            scope: Some(AreaCode::parse("500230").unwrap()),
            year: 2024,
            value: ParamValue::Bool(false),
            confidence: Confidence::Local,
            note: "测试用".into(),
        });
        let lenient = PolicySet::new(defs);
        assert_eq!(
            check_award_eligible(&lenient, &lifted, &incomes, &[], 2024),
            Ok(())
        );
    }
}
