//! The visit parameters' national defaults.

use crate::policy::{Confidence, ParamDef, ParamValue, keys};

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
