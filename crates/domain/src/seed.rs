//! The seeded parameter set: every feature's national defaults (and the few
//! local ones the sources confirm), collected into one list for a new database.
//!
//! This module sits above the features: it depends on [`crate::policy`] for the
//! definitions and on each feature for its defaults (the monitoring line, the
//! income switches and the monitoring clock here; [`crate::visits`] and
//! [`crate::funds`] own theirs), so [`crate::policy`] itself depends on none of
//! them.

use crate::area::AreaCode;
use crate::money::Money;
use crate::policy::{Confidence, NATIONAL_HOTLINE, ParamDef, ParamValue, TextChoice, keys};

pub(crate) fn def(
    key: &str,
    scope: Option<&str>,
    year: i32,
    value: ParamValue,
    confidence: Confidence,
    note: &str,
) -> ParamDef {
    ParamDef {
        key: key.to_string(),
        scope: scope.map(|s| AreaCode::parse(s).expect("seed area code is valid")),
        year,
        value,
        confidence,
        note: note.to_string(),
    }
}

/// Seed parameters from policy.md §1.5 and §2.1.
pub fn seed_params() -> Vec<ParamDef> {
    use Confidence::*;
    let line = |scope: Option<&str>, year, yuan, confidence, note: &str| {
        def(
            keys::MONITORING_LINE,
            scope,
            year,
            ParamValue::Money(Money::from_yuan(yuan)),
            confidence,
            note,
        )
    };
    let mut out = vec![
        line(
            None,
            2020,
            6_000,
            Confirmed,
            "约为国家扶贫标准1.5倍（2020年扶贫标准约4,000元）；见2020年《关于建立防止返贫监测和帮扶机制的指导意见》",
        ),
        line(None, 2021, 6_000, Unconfirmed, "广泛报道，未找到原始文件"),
        line(None, 2022, 6_300, Unconfirmed, "广泛报道，未找到原始文件"),
        line(None, 2023, 6_900, Unconfirmed, "广泛报道，未找到原始文件"),
        line(None, 2024, 7_200, Unconfirmed, "广泛报道，未找到原始文件"),
        line(
            Some("53"),
            2023,
            8_050,
            Local,
            "云南省标准（元谋县执行省标准）",
        ),
        line(Some("53"), 2024, 8_700, Local, "云南省标准"),
        line(
            Some("53"),
            2025,
            8_700,
            Local,
            "云南省标准，云农办通〔2025〕1号",
        ),
        line(
            Some("500230"),
            2024,
            8_300,
            Local,
            "重庆市丰都县，丰都县2024年工作要点；未在其他来源证实",
        ),
    ];
    for (year, month) in [(2023, "202304"), (2024, "202402")] {
        out.push(def(
            keys::QUALITY_MEDICAL_SUBSIDY_CUTOFF,
            None,
            year,
            ParamValue::Text(month.to_string()),
            Confirmed,
            "国家疑点校验1111_09/1111_13：当年资助参保（城乡居民医保个人缴费补贴）以此月份为界（policy.md §9）；其他年度未见数值，不配置则不校验",
        ));
    }
    for year in 2020..=2026 {
        out.push(def(
            keys::INCOME_COUNT_AWARDS,
            None,
            year,
            ParamValue::Bool(true),
            Unconfirmed,
            "全国默认计入产业奖励和就业奖励；各省规定不一，应按省配置",
        ));
        out.push(def(
            keys::INCOME_DEDUCT_RIGID,
            None,
            year,
            ParamValue::Bool(false),
            Unconfirmed,
            "标准算法不扣减大额刚性支出；部分省份（如贵州示例）扣减后再比对，应按省配置",
        ));
        out.extend(monitoring_defaults(year));
        out.extend(crate::visits::param_defaults(year));
        out.extend(crate::funds::param_defaults(year));
        out.extend(crate::setup::param_defaults(year));
    }
    out
}

/// National defaults for the monitoring rules and the workflow clock of one year
/// (policy.md §2.2, §4.2, §7.1; sources/003 for 丰都).
fn monitoring_defaults(year: i32) -> Vec<ParamDef> {
    use Confidence::*;
    let int = |key: &str, v: i64, c: Confidence, note: &str| {
        def(key, None, year, ParamValue::Int(v), c, note)
    };
    let span = |key: &str, v: &str, c: Confidence, note: &str| {
        def(key, None, year, ParamValue::Text(v.to_string()), c, note)
    };
    vec![
        int(
            keys::SUDDEN_RIGID_PCT,
            100,
            Local,
            "刚性支出“明显超过上年度收入”（安徽2020年及国家2020年指导意见的表述）；超过即触发，等于不触发",
        ),
        int(
            keys::SUDDEN_DROP_PCT,
            30,
            Unconfirmed,
            "收入“大幅缩减”无全国数值，30%为本系统默认，应按省配置",
        ),
        int(keys::SCHOOL_AGE_FROM, 6, Local, "义务教育入学年龄（周岁）"),
        int(
            keys::SCHOOL_AGE_TO,
            15,
            Local,
            "义务教育阶段适龄上限（周岁）",
        ),
        int(
            keys::ELIMINATION_MIN_MONTHS,
            6,
            Confirmed,
            "原则上自识别起至少半年（policy.md §7.1）",
        ),
        int(
            keys::ELIMINATION_STABLE_YEARS,
            2,
            Unconfirmed,
            "“收入持续稳定”（policy.md §7.1）无全国数值：本系统默认最近2个有收入记录的年度各自高于当年监测范围",
        ),
        span(
            keys::NO_LABOUR_RULE,
            crate::household::labour::NoLabourRule::AllLostOrNone.label(),
            Confirmed,
            "国家疑点校验5_11_033、2_11_006的口径：每名成员均为丧失劳动力或无劳动力（policy.md §9）；弱劳动力或半劳动力仍算有劳动能力。可改为“无普通或技能劳动力”",
        ),
        span(
            keys::INCOME_WINDOW,
            crate::income::IncomeWindow::CalendarYear.label(),
            Unconfirmed,
            "收入按自然年统计；安徽2020年口径为识别月前12个月（滚动12个月，policy.md §1.5）。滚动口径只对按月登记的收入计算，年度收入记录无法拆分到月份",
        ),
        span(
            keys::NOTICE_MIN,
            "5自然日",
            Confirmed,
            "公示不少于5天；部分地方为5个工作日",
        ),
        span(
            keys::SLA_IDENTIFICATION,
            "15自然日",
            Confirmed,
            "识别时间缩短至15天内（全国2022年；丰都县2024年工作要点）",
        ),
        span(
            keys::SLA_ASSIGN_CADRE,
            "10工作日",
            Local,
            "纳入监测对象10个工作日内明确帮扶责任人（丰都县2024年工作要点）",
        ),
        int(
            keys::ESCALATE_AFTER,
            2,
            Unconfirmed,
            "逾期2个工作日后提示上一级，本系统默认",
        ),
        span(
            keys::SLA_LEAD,
            "2自然日",
            Local,
            "乡镇2日内受理APP/热线申报并转村（安徽枞阳）",
        ),
        span(
            keys::SLA_VERIFY,
            "3自然日",
            Local,
            "确定对象后3日内入户核查",
        ),
        span(
            keys::SLA_COMPARE,
            "5自然日",
            Local,
            "村级提交后5日内完成信息比对",
        ),
        span(keys::SLA_REVIEW, "3自然日", Unconfirmed, "本系统默认"),
        span(
            keys::SLA_NOTICE_CLOSE,
            "1工作日",
            Unconfirmed,
            "公示期满后1个工作日内办结，本系统默认",
        ),
        span(keys::SLA_TOWNSHIP, "3自然日", Unconfirmed, "本系统默认"),
        span(keys::SLA_COUNTY, "3自然日", Unconfirmed, "本系统默认"),
        span(keys::SLA_ANNOUNCE, "2自然日", Unconfirmed, "本系统默认"),
        span(
            keys::SLA_SELF_REPORT_ACCEPT,
            "2工作日",
            Local,
            "乡镇2日内受理APP/热线等自主申报（安徽枞阳），本系统按工作日计",
        ),
        int(
            keys::SLA_WARN_DAYS,
            1,
            Unconfirmed,
            "到期前1天起提示临期，本系统默认",
        ),
        int(
            keys::QUALITY_DEV_MEASURE_MONTHS,
            1,
            Confirmed,
            "国家疑点校验1_11_010：识别1个月以上仍未实施开发式帮扶",
        ),
        def(
            keys::QUALITY_MIN_WAGE,
            None,
            year,
            ParamValue::Money(Money::from_yuan(100)),
            Confirmed,
            "国家疑点校验5_15_023：0<工资性收入<100",
        ),
        def(
            keys::QUALITY_HIGH_INCOME,
            None,
            year,
            ParamValue::Money(Money::from_yuan(20_000)),
            Confirmed,
            "国家疑点校验1111_18：2023年后识别且人均纯收入>20000",
        ),
        int(
            keys::QUALITY_QUICK_ELIMINATION_MONTHS,
            2,
            Local,
            "贵州校验口径：识别当月或次月即帮扶消除",
        ),
        span(
            keys::QUALITY_FIX_PERIOD,
            "10工作日",
            Unconfirmed,
            "疑点发现后10个工作日内整改，本系统默认",
        ),
        def(
            keys::SUPERVISION_PHONE,
            None,
            year,
            ParamValue::Text(NATIONAL_HOTLINE.to_string()),
            Confirmed,
            "全国防止返贫监测和乡村振兴咨询服务电话（原12317平台）；县、乡镇、村可另设本地监督电话",
        ),
    ]
}
