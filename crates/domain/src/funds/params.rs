//! The funds parameters: national defaults with 丰都's local values, and typed
//! look-ups of caps, age windows, grace days and the overdue target.

use crate::area::AreaCode;
use crate::money::Money;
use crate::policy::{Confidence, ParamDef, ParamValue, PolicyError, PolicySet, keys};

use super::*;

/// Default parameters of one year (national scope), plus 丰都's local ones.
pub fn param_defaults(year: i32) -> Vec<ParamDef> {
    use Confidence::*;
    let def =
        |key: &str, scope: Option<&str>, value: ParamValue, c: Confidence, note: &str| ParamDef {
            key: key.to_string(),
            scope: scope.map(|s| AreaCode::parse(s).expect("seed area code is valid")),
            year,
            value,
            confidence: c,
            note: note.to_string(),
        };
    let int =
        |key: &str, v: i64, c: Confidence, note: &str| def(key, None, ParamValue::Int(v), c, note);
    let mut out = vec![
        def(
            keys::LOAN_MAX_AMOUNT,
            None,
            ParamValue::Money(Money::from_yuan(50_000)),
            Confirmed,
            "脱贫人口小额信贷：5万元以下（policy.md §5.2）",
        ),
        int(
            keys::LOAN_MAX_TERM_MONTHS,
            36,
            Confirmed,
            "脱贫人口小额信贷：3年期以内（policy.md §5.2）",
        ),
        int(
            keys::LOAN_BORROWER_MIN_AGE,
            18,
            Unconfirmed,
            "借款人须具有完全民事行为能力；本系统默认18周岁",
        ),
        int(
            keys::LOAN_BORROWER_MAX_AGE,
            65,
            Unconfirmed,
            "常见地方口径为65周岁以下，未在语料中证实，应按县配置",
        ),
        int(
            keys::LOAN_GRACE_DAYS,
            0,
            Unconfirmed,
            "本系统默认：到期日次日仍未足额还款即计逾期",
        ),
        int(
            keys::LOAN_OVERDUE_TARGET_BP,
            100,
            Unconfirmed,
            "全国逾期率口径未找到（policy.md §12）；本系统默认1%，与丰都县2024年目标一致",
        ),
        int(
            keys::POST_MIN_AGE,
            16,
            Confirmed,
            "国家疑点校验：未满16周岁不得担任公益性岗位（policy.md §9）",
        ),
        int(
            keys::POST_MAX_AGE,
            65,
            Unconfirmed,
            "各地公益性岗位年龄上限不一（60至70周岁），本系统默认65周岁，应按县配置",
        ),
        def(
            keys::AWARD_NEEDS_INDUSTRY,
            None,
            ParamValue::Bool(true),
            Local,
            "丰都县2024年工作要点（十）：奖补对象须“正在发展产业项目”，本系统以一户一策中当年实施中或已完成的产业帮扶措施为准；不要求的地区可设为否",
        ),
        def(
            keys::LOAN_ELIGIBLE,
            None,
            ParamValue::Text("脱贫户".into()),
            Unconfirmed,
            "政策名称为“脱贫人口小额信贷”（policy.md §5.2）；监测对象能否申请由各地规定，全国文件未在来源中找到，应按县配置",
        ),
    ];
    if (2021..=2025).contains(&year) {
        out.push(def(
            keys::LOAN_ELIGIBLE,
            Some("411328"),
            ParamValue::Text("脱贫户、边缘易致贫户、突发严重困难户".into()),
            Local,
            "唐河县2021年有效衔接实施意见（十八）：过渡期内对符合条件且有贷款意愿的脱贫户、边缘易致贫户和突发严重困难户做到应贷尽贷",
        ));
    }
    if year == 2024 {
        out.push(def(
            keys::LOAN_ELIGIBLE,
            Some("500230"),
            ParamValue::Text("脱贫户、监测对象".into()),
            Local,
            "丰都县2024年工作要点（八）：确保符合条件的脱贫人口和监测对象“应贷尽贷”",
        ));
        out.push(def(
            keys::AWARD_ELIGIBLE,
            Some("500230"),
            ParamValue::Text("脱贫户、监测对象".into()),
            Local,
            "丰都县2024年工作要点（十）：年人均纯收入低于全市平均水平且正在发展产业项目的脱贫户和监测对象；全市平均水平（到户产业奖补收入标准）来源中没有数值，须另行设置",
        ));
        out.push(def(
            keys::LOAN_OVERDUE_TARGET_BP,
            Some("500230"),
            ParamValue::Int(100),
            Local,
            "丰都县2024年工作要点：小额信贷逾期率控制在1%以内",
        ));
        out.push(def(
            keys::AWARD_CAP,
            Some("500230"),
            ParamValue::Money(Money::from_yuan(2_000)),
            Local,
            "丰都县2024年工作要点：到户产业奖补每户每年不高于2000元",
        ));
    }
    out
}

fn money_param(
    policy: &PolicySet,
    key: &str,
    area: &AreaCode,
    year: i32,
) -> Result<Money, PolicyError> {
    let r = policy.resolve(key, area, year)?;
    match &r.def.value {
        ParamValue::Money(m) => Ok(*m),
        other => Err(PolicyError::WrongType {
            key: key.to_string(),
            expected: "金额",
            found: other.type_label(),
        }),
    }
}

fn count_param(
    policy: &PolicySet,
    key: &str,
    area: &AreaCode,
    year: i32,
) -> Result<u32, PolicyError> {
    let v = policy.int_param(key, area, year)?;
    u32::try_from(v).map_err(|_| PolicyError::WrongType {
        key: key.to_string(),
        expected: "非负整数",
        found: "负数",
    })
}

impl LoanCaps {
    /// The caps of an area and year.
    pub fn resolve(
        policy: &PolicySet,
        area: &AreaCode,
        year: i32,
    ) -> Result<LoanCaps, PolicyError> {
        Ok(LoanCaps {
            max_amount: money_param(policy, keys::LOAN_MAX_AMOUNT, area, year)?,
            max_term_months: count_param(policy, keys::LOAN_MAX_TERM_MONTHS, area, year)?,
        })
    }
}

/// An age window (both ends included) from two parameters.
pub fn age_window(
    policy: &PolicySet,
    (min_key, max_key): (&str, &str),
    area: &AreaCode,
    year: i32,
) -> Result<(u32, u32), PolicyError> {
    Ok((
        count_param(policy, min_key, area, year)?,
        count_param(policy, max_key, area, year)?,
    ))
}

/// The borrower's age window parameters.
pub const BORROWER_AGE: (&str, &str) = (keys::LOAN_BORROWER_MIN_AGE, keys::LOAN_BORROWER_MAX_AGE);
/// The 公益性岗位 age window parameters.
pub const POST_AGE: (&str, &str) = (keys::POST_MIN_AGE, keys::POST_MAX_AGE);

/// Grace days before an unpaid instalment counts as overdue.
pub fn grace_days(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<u32, PolicyError> {
    count_param(policy, keys::LOAN_GRACE_DAYS, area, year)
}

/// The 逾期率 target of an area and year.
pub fn overdue_target(
    policy: &PolicySet,
    area: &AreaCode,
    year: i32,
) -> Result<BasisPoints, PolicyError> {
    count_param(policy, keys::LOAN_OVERDUE_TARGET_BP, area, year).map(BasisPoints)
}

/// The 到户产业奖补 cap per household of an area and year.
pub fn award_cap(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<Money, PolicyError> {
    money_param(policy, keys::AWARD_CAP, area, year)
}
