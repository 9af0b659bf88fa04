//! A local 监测范围 below the national baseline (policy.md §2.1: provinces
//! set the line each year and “may not go below the national baseline”
//! [U]). The rule is unconfirmed, so such a line is accepted, with a warning
//! that names the national value it is below; the parameter list shows the
//! same warnings.

use crate::money::Money;
use crate::policy::{ParamDef, ParamValue, PolicySet, keys};

fn money(def: &ParamDef) -> Option<Money> {
    match def.value {
        ParamValue::Money(m) => Some(m),
        _ => None,
    }
}

/// The warning for `def` when it is a local 监测范围 below the national one
/// of the same year in `policy`; `None` otherwise (also when there is no
/// national value that year to compare with).
pub fn below_national(policy: &PolicySet, def: &ParamDef) -> Option<String> {
    if def.key != keys::MONITORING_LINE {
        return None;
    }
    let scope = def.scope?;
    let line = money(def)?;
    let national = policy.get(keys::MONITORING_LINE, None, def.year)?;
    let base = money(national)?;
    (line < base).then(|| {
        format!(
            "{scope}的{}年监测范围{line}元低于全国{}年基准{base}元（全国参数{}：{}）",
            def.year,
            def.year,
            national.confidence.label(),
            national.note
        )
    })
}

/// Every local 监测范围 of `policy` below the national one of its year, with
/// its warning.
pub fn warnings(policy: &PolicySet) -> Vec<(&ParamDef, String)> {
    policy
        .defs()
        .filter_map(|d| below_national(policy, d).map(|w| (d, w)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Confidence;
    use crate::seed::{def, seed_params};

    fn line(scope: &str, year: i32, yuan: i64) -> ParamDef {
        def(
            keys::MONITORING_LINE,
            Some(scope),
            year,
            ParamValue::Money(Money::from_yuan(yuan)),
            Confidence::Local,
            "测试",
        )
    }

    #[test]
    fn a_local_line_below_the_national_one_is_named() {
        // policy.md §2.1: the national 2024 reference is 7,200 元 [U]; a county
        // line of 7,000 is below it, 丰都's 8,300 is not.
        let mut defs = seed_params();
        let low = line("500231", 2024, 7_000);
        defs.push(low.clone());
        let set = PolicySet::new(defs);
        assert_eq!(
            below_national(&set, &low).as_deref(),
            Some(
                "500231000000的2024年监测范围7000.00元低于全国2024年基准7200.00元（全国参数未证实：广泛报道，未找到原始文件）"
            )
        );
        assert_eq!(
            warnings(&set).len(),
            1,
            "the seeded local lines are all above"
        );
        // Equal to the baseline is not below it.
        assert_eq!(below_national(&set, &line("500231", 2024, 7_200)), None);
        // No national value for 2025: nothing to compare with.
        assert_eq!(below_national(&set, &line("500231", 2025, 1_000)), None);
        // Only the line is compared.
        let other = def(
            keys::SUDDEN_DROP_PCT,
            Some("500231"),
            2024,
            ParamValue::Int(1),
            Confidence::Local,
            "测试",
        );
        assert_eq!(below_national(&set, &other), None);
    }
}
