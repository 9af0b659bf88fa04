//! Demo assistance: a 帮扶干部 registry per village with monitored households,
//! a 帮扶责任人 for most of them (a few still waiting, so the 工作台 shows the
//! deadline), an 一户一策 plan and measures that fit each household — an
//! 开发式 measure where someone can work, 兜底 where nobody can, health and
//! education measures for those risks.
//!
//! Deterministic in the seed and the households given.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use fangpin_domain::assist::{
    AssistBatch, Cadre, CadreForm, Catalogue, Measure, MeasureForm, PairedCadre,
};
use fangpin_domain::codes::well_known;
use fangpin_domain::{AreaCode, HouseholdBundle};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::DemoConfig;
use crate::names;

/// Stream of the assistance generator (household streams are their indices).
const STREAM: u64 = 0xA551_5700;

/// Units that send 帮扶干部, with a typical position.
const UNITS: &[(&str, &str)] = &[
    ("县农业农村委", "科员"),
    ("县乡村振兴局", "副局长"),
    ("县人力社保局", "科长"),
    ("县民政局", "科员"),
    ("县教委", "干部"),
    ("县卫生健康委", "科员"),
    ("县医保局", "科员"),
    ("县财政局", "副科长"),
    ("乡镇人民政府", "驻村干部"),
    ("村民委员会", "村委委员"),
];

/// Share of active monitored households still without a 帮扶责任人.
const WAITING: f64 = 0.06;

fn form(code: &str, risk: &str, on: NaiveDate, yuan: i64, status: &str) -> MeasureForm {
    MeasureForm {
        code: code.to_owned(),
        name: String::new(),
        target_risk: risk.to_owned(),
        started_on: on,
        ended_on: None,
        amount_fen: yuan * 100,
        status: status.to_owned(),
        evidence: String::new(),
    }
}

/// Assistance for the monitored households among `households`.
pub fn assistance(cfg: &DemoConfig, households: &[HouseholdBundle]) -> AssistBatch {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(STREAM);
    let cat = Catalogue::official();
    let mut by_village: BTreeMap<AreaCode, Vec<&HouseholdBundle>> = BTreeMap::new();
    for b in households {
        if b.household.monitor_category.is_some() && b.household.identified_month.is_some() {
            by_village.entry(b.household.area).or_default().push(b);
        }
    }
    let mut out = AssistBatch::default();
    for (village, list) in by_village {
        let n_cadres = list.len().div_ceil(3).clamp(1, 4);
        let first = out.cadres.len();
        for _ in 0..n_cadres {
            let (unit, position) = names::pick(&mut rng, UNITS);
            let male = rng.random_bool(0.6);
            let surname = rng.random_range(0..60u16);
            let born = rng.random_range(1968..1996);
            let phone = format!(
                "1{}{:09}",
                names::pick(&mut rng, &[3, 5, 7, 8, 9]),
                rng.random_range(0..1_000_000_000u32)
            );
            let cadre = Cadre::parse(&CadreForm {
                name: names::full_name(&mut rng, surname, born, male),
                unit: unit.to_owned(),
                position: position.to_owned(),
                phone,
                area: village.as_string(),
                active: Some(true),
                username: String::new(),
            })
            .expect("generated cadre is valid");
            out.cadres.push(PairedCadre {
                cadre,
                households: vec![],
            });
        }
        for (i, b) in list.iter().enumerate() {
            let h = &b.household;
            let no = h.household_no.clone();
            let identified = h.identified_month.expect("filtered").first_day();
            let active = h.risk_eliminated != Some(true);
            if active && rng.random_bool(WAITING) {
                continue;
            }
            let paired_on = identified + Days::new(rng.random_range(2..14));
            out.cadres[first + i % n_cadres]
                .households
                .push((no.clone(), paired_on));
            let risk = h.risks.first().cloned().unwrap_or_else(|| "99".into());
            let start = |rng: &mut ChaCha8Rng| identified + Days::new(rng.random_range(5..28));
            let able = b
                .members
                .iter()
                .any(fangpin_domain::Person::has_labor_capacity);
            let status = if active { "active" } else { "done" };
            let mut forms = Vec::new();
            let mut goals = Vec::new();
            if able {
                let (code, yuan, goal) = match rng.random_range(0..6) {
                    0 => (
                        "CY01",
                        rng.random_range(8..=20) * 100,
                        "发展特色种养，落实到户产业奖补",
                    ),
                    1 => ("CY04", 0, "发展庭院经济，增加经营性收入"),
                    2 => (
                        "JY01",
                        rng.random_range(3..=8) * 100,
                        "有劳动力成员外出务工，兑现交通补助",
                    ),
                    3 => ("JY03", 0, "参加职业技能培训，稳定就业"),
                    4 => (
                        "JY05",
                        rng.random_range(6..=9) * 100,
                        "安排公益性岗位，就近就业",
                    ),
                    _ => (
                        "JR01",
                        rng.random_range(3..=5) * 10_000,
                        "申请脱贫人口小额信贷发展产业",
                    ),
                };
                forms.push(form(code, &risk, start(&mut rng), yuan, status));
                goals.push(goal);
            } else {
                let code = if rng.random_bool(0.7) { "DD01" } else { "DD02" };
                forms.push(form(
                    code,
                    &risk,
                    start(&mut rng),
                    rng.random_range(40..=70) * 100,
                    "active",
                ));
                goals.push("全家无劳动能力，落实兜底保障");
            }
            match risk.as_str() {
                "01" => {
                    forms.push(form("JK01", &risk, start(&mut rng), 380, status));
                    forms.push(form(
                        "JK03",
                        &risk,
                        start(&mut rng),
                        rng.random_range(10..=60) * 100,
                        status,
                    ));
                    goals.push("落实医保资助参保和医疗救助，减轻医疗负担");
                }
                "09" => {
                    forms.push(form("JX01", &risk, start(&mut rng), 3_000, status));
                    goals.push("落实教育资助，保障子女完成学业");
                }
                "10" => {
                    forms.push(form("ZF01", &risk, start(&mut rng), 20_000, "done"));
                    goals.push("实施危房改造，保障住房安全");
                }
                _ => {}
            }
            for f in forms {
                let mut f = f;
                if f.status == "done" {
                    f.ended_on = Some(f.started_on + Days::new(rng.random_range(60..300)));
                    f.evidence = "发放花名册和银行流水已归档".into();
                }
                match Measure::parse(&f, cat) {
                    Ok(m) => out.measures.push((no.clone(), m)),
                    Err(e) => panic!("demo measure {}: {e}", f.code),
                }
            }
            if h.monitor_category.as_deref() == Some(well_known::CATEGORY_SUDDEN) {
                goals.push("临时救助解决突发困难");
            }
            out.plans
                .push((no, goals.join("；"), paired_on + Days::new(3)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fangpin_domain::assist::MeasureKind;

    #[test]
    fn monitored_households_get_fitting_measures_deterministically() {
        let cfg = DemoConfig::fengdu(7, 3_000);
        let lay = crate::layout(&cfg);
        let hh: Vec<HouseholdBundle> = crate::households(&cfg, &lay)
            .map(crate::GeneratedHousehold::into_bundle)
            .collect();
        let a = assistance(&cfg, &hh);
        assert_eq!(a, assistance(&cfg, &hh), "same seed, same records");
        assert!(!a.cadres.is_empty() && !a.measures.is_empty() && !a.plans.is_empty());
        for b in hh.iter().filter(|b| b.household.monitor_category.is_some()) {
            let no = &b.household.household_no;
            let mine: Vec<&Measure> = a
                .measures
                .iter()
                .filter(|(n, _)| n == no)
                .map(|(_, m)| m)
                .collect();
            if mine.is_empty() {
                continue; // still waiting for a 帮扶责任人
            }
            let kind = if b
                .members
                .iter()
                .any(fangpin_domain::Person::has_labor_capacity)
            {
                MeasureKind::Development
            } else {
                MeasureKind::SafetyNet
            };
            assert!(mine.iter().any(|m| m.kind == kind), "{no}");
        }
    }
}
