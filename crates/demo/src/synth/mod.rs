//! Generation of one household from `(config, layout, index)`.
//!
//! Every household draws from its own ChaCha8 stream (`seed`, stream = index), so a
//! household does not depend on any other index and chunks can be generated in parallel.

use chrono::{Datelike, NaiveDate};
use fangpin_domain::Money;
use fangpin_domain::codes::well_known;
use fangpin_domain::household::{Household, Hundredths, LivingConditions, Person, YearMonth};
use fangpin_domain::income::IncomeRecord;
use fangpin_domain::{IdNumber, Sex};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::layout::VillageInfo;
use crate::names::{self, EMPLOYERS, WORK_PLACES};
use crate::{DemoConfig, DemoLayout, GeneratedHousehold};

mod family;
mod ids;
mod income;
mod monitor;
mod person;

use family::*;
use ids::*;
use income::*;
use monitor::*;
use person::*;

pub(crate) use person::{phone_number, std_normal};

/// Households sharing one `seq` block (see [`IdScheme`]); 500 = 1000 sequence numbers / 2 sexes.
const SEQ_BLOCK: u32 = 500;
/// 18 full years in days, rounded up so that the gap is never shorter than 18 years.
const GAP_18Y: i32 = 6576;
const YEAR: i32 = 365;

// Codes used below (see fangpin_domain::codes).
const REL_HEAD: &str = "01";
const REL_SPOUSE: &str = "10";
const REL_SON: &str = "20";
const REL_DAUGHTER: &str = "30";
const REL_GRANDCHILD: &str = "40";
const REL_PARENT: &str = "50";
const REL_SIBLING: &str = "70";

const HEALTHY: &str = "1";
const CHRONIC: &str = "2";
const DISABLED: &str = "3";
const SEVERELY_DISABLED: &str = "4";
const SERIOUS_ILLNESS: &str = "5";

const LABOR_ORDINARY: &str = "1";
const LABOR_SKILLED: &str = "2";
const LABOR_WEAK: &str = "3";
const LABOR_LOST: &str = "4";
const LABOR_NONE: &str = "5";

const STUDENT_PRESCHOOL: &str = "1";
const STUDENT_PRIMARY: &str = "2";
const STUDENT_JUNIOR: &str = "3";
const STUDENT_SENIOR: &str = "4";
const STUDENT_VOCATIONAL_COLLEGE: &str = "5";
const STUDENT_UNIVERSITY: &str = "6";
const NOT_STUDENT: &str = "9";

const RISK_ILLNESS: &str = "01";
const RISK_FLOOD: &str = "0201";
const RISK_GEOLOGICAL: &str = "0202";
const RISK_DISABILITY: &str = "03";
const RISK_LABOUR: &str = "04";
const RISK_ACCIDENT: &str = "05";
const RISK_INDUSTRY: &str = "06";
const RISK_EMPLOYMENT: &str = "07";
const RISK_SCHOOLING: &str = "09";
const RISK_HOUSING: &str = "10";
const RISK_WATER: &str = "12";
const RISK_OTHER: &str = "99";

pub(crate) fn generate(cfg: &DemoConfig, layout: &DemoLayout, index: u32) -> GeneratedHousehold {
    assert!(
        index < cfg.households,
        "household index {index} out of range 0..{}",
        cfg.households
    );
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(u64::from(index));
    let place = Place::of(layout, index);
    let as_of = NaiveDate::from_ymd_opt(cfg.data_year, 12, 31).expect("valid data year");
    let lifted = rng.random_bool(place.village.lifted_share);

    let (mut members, mut aux) = people(&mut rng, cfg, layout, index, &place, lifted, as_of);
    let facts = Facts::of(&members, &aux);
    let monitor = monitoring(&mut rng, cfg, lifted, &facts, &members);
    if lifted || monitor.is_some() {
        welfare_posts(&mut rng, &mut members, &mut aux);
    }
    safety_net(
        &mut rng,
        &mut members,
        &aux,
        &facts,
        lifted,
        monitor.as_ref(),
    );
    let conditions = conditions(&mut rng, lifted, monitor.as_ref());
    let income = income(
        &mut rng,
        cfg,
        lifted,
        &facts,
        monitor.as_ref(),
        &mut members,
        &aux,
        &conditions,
    );
    let mut household = record(
        &mut rng,
        &place,
        lifted,
        monitor.as_ref(),
        &members,
        conditions,
        as_of,
    );
    entry_slips(&mut household, YearMonth::from_date(as_of), &mut rng);
    GeneratedHousehold {
        household,
        members,
        income,
    }
}

/// Where household `index` lives: its village, village group and 户编号.
struct Place<'a> {
    village: &'a VillageInfo,
    group_no: u16,
    household_no: String,
}

impl Place<'_> {
    fn of(layout: &DemoLayout, index: u32) -> Place<'_> {
        let v = layout.village_start.partition_point(|&s| s <= index) - 1;
        let village = &layout.villages[v];
        let serial = index - layout.village_start[v] + 1;
        let in_village = layout.village_start[v + 1] - layout.village_start[v];
        let group_no = ((u64::from(serial - 1) * u64::from(village.groups)) / u64::from(in_village))
            as u16
            + 1;
        Place {
            village,
            group_no,
            household_no: format!("{}{:05}", village.code.as_string(), serial),
        }
    }
}

/// The members with their traits: family structure, birth days and ID numbers,
/// names and ethnicity, then each member's traits.
fn people(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    layout: &DemoLayout,
    index: u32,
    place: &Place<'_>,
    lifted: bool,
    as_of: NaiveDate,
) -> (Vec<Person>, Vec<Aux>) {
    let village = place.village;
    let head_surname = if rng.random_bool(village.clan_share) {
        village.clan_surnames[usize::from(rng.random_bool(0.4))]
    } else {
        layout.surnames.sample(rng)
    };
    let size = household_size(rng, lifted);
    let drafts = compose(rng, layout, size, head_surname);
    let scheme = IdScheme::new(cfg, index);
    let minority = rng
        .random_bool(village.minority_share)
        .then(|| if rng.random_bool(0.75) { "15" } else { "06" });
    let days = scheme.birth_days(rng, &drafts, as_of.num_days_from_ce());

    let mut members: Vec<Person> = Vec::with_capacity(drafts.len());
    let mut aux: Vec<Aux> = Vec::with_capacity(drafts.len());
    let mut left_behind: Vec<bool> = Vec::with_capacity(drafts.len());
    for (d, day) in drafts.iter().zip(&days) {
        let Some(day) = *day else { continue };
        let birth = NaiveDate::from_num_days_from_ce_opt(day).expect("valid birth day");
        let seq = scheme.seq_base + u16::from(d.male);
        let id = IdNumber::from_parts(&cfg.county.as_string()[..6], birth, seq)
            .expect("county prefix, date and seq are valid");
        debug_assert_eq!(id.sex() == Sex::Male, d.male);
        let name = names::full_name(rng, d.surname, birth.year(), d.male);
        let ethnicity = ethnicity(rng, d, minority);
        let person_no = format!("{}{:02}", place.household_no, members.len() + 1);
        members.push(Person::from_id(person_no, name, id, d.relation, ethnicity));
        aux.push(Aux {
            age: cfg.data_year - birth.year(),
            ..Aux::default()
        });
        left_behind.push(d.left_behind);
    }
    for (p, a) in members.iter_mut().zip(aux.iter_mut()) {
        person_traits(rng, cfg, p, a, lifted);
    }
    for ((p, a), lb) in members.iter_mut().zip(&aux).zip(&left_behind) {
        if *lb && a.age < 16 && rng.random_bool(0.03) {
            p.unsupported_child = true;
        }
    }
    (members, aux)
}

/// 民族 of a member of a household whose head is of `minority` (`None`: 汉族):
/// spouses and daughters-in-law married in are less often of it.
fn ethnicity(rng: &mut ChaCha8Rng, d: &Draft, minority: Option<&'static str>) -> &'static str {
    let Some(code) = minority else { return "01" };
    let married_in = d.relation == REL_SPOUSE || (d.relation == REL_SON && !d.male);
    if rng.random_bool(if married_in { 0.5 } else { 0.9 }) {
        code
    } else {
        "01"
    }
}

/// 公益性岗位 for 脱贫户 and monitored households.
fn welfare_posts(rng: &mut ChaCha8Rng, members: &mut [Person], aux: &mut [Aux]) {
    for (p, a) in members.iter_mut().zip(aux.iter_mut()) {
        let fits = (40..=65).contains(&a.age)
            && p.work_months == 0
            && matches!(p.labor_skill.as_str(), LABOR_ORDINARY | LABOR_WEAK);
        if fits && rng.random_bool(0.14) {
            p.public_welfare_post = Some(names::pick(rng, WELFARE_POSTS).to_string());
            p.public_welfare_months = rng.random_range(6..=12);
            a.welfare_pay = rng.random_range(50..=80) * 10;
        }
    }
}

/// 低保, 特困 and the insurance that goes with them.
fn safety_net(
    rng: &mut ChaCha8Rng,
    members: &mut [Person],
    aux: &[Aux],
    facts: &Facts,
    lifted: bool,
    monitor: Option<&Monitor>,
) {
    let monitored = monitor.is_some();
    let single_elder_no_labour = members.len() == 1
        && aux[0].age >= 60
        && matches!(
            members[0].labor_skill.as_str(),
            LABOR_LOST | LABOR_NONE | LABOR_WEAK
        );
    let tekun = single_elder_no_labour && rng.random_bool(0.35);
    let mut p_dibao: f64 = if lifted { 0.10 } else { 0.02 };
    if monitor.is_some_and(|m| m.eliminated.is_none()) {
        p_dibao += 0.30;
    } else if monitored {
        p_dibao += 0.10;
    }
    if facts.serious_ill > 0 || facts.disabled > 0 {
        p_dibao *= 1.6;
    }
    if facts.labour == 0 {
        p_dibao *= 2.0;
    }
    let dibao = !tekun && rng.random_bool(p_dibao.min(0.9));
    let whole_household_dibao = rng.random_bool(0.7);
    for (p, a) in members.iter_mut().zip(aux) {
        if tekun {
            p.insurance.tekun = true;
        }
        if dibao && (whole_household_dibao || !p.has_labor_capacity()) {
            p.insurance.dibao = true;
        }
        if p.insurance.dibao || p.insurance.tekun {
            p.insurance.medical_assistance = true;
        }
        if monitored && matches!(p.health.as_str(), CHRONIC | SERIOUS_ILLNESS) {
            p.insurance.medical_assistance = p.insurance.medical_assistance || rng.random_bool(0.8);
        }
        if (lifted || monitored) && a.age >= 16 {
            p.insurance.commercial_medical = p.insurance.commercial_medical || rng.random_bool(0.6);
        }
    }
}

/// The household record itself, from its members, monitoring and conditions.
fn record(
    rng: &mut ChaCha8Rng,
    place: &Place<'_>,
    lifted: bool,
    monitor: Option<&Monitor>,
    members: &[Person],
    conditions: LivingConditions,
    as_of: NaiveDate,
) -> Household {
    let village = place.village;
    let head = &members[0];
    debug_assert_eq!(head.relation, REL_HEAD);
    let monitored = monitor.is_some();
    let bank_postal = rng.random_bool(0.15);
    let mut account = String::with_capacity(19);
    account.push_str(if bank_postal { "6221" } else { "6231" });
    for _ in 0..15 {
        account.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let as_of_month = YearMonth::from_date(as_of);
    Household {
        household_no: place.household_no.clone(),
        area: village.code,
        group_no: Some(place.group_no),
        head_name: head.name.clone(),
        head_id: head.id_number.clone(),
        phone: head.phone.clone(),
        household_type: if lifted {
            well_known::HOUSEHOLD_LIFTED
        } else {
            well_known::HOUSEHOLD_ORDINARY
        }
        .to_string(),
        poverty_policy: lifted.then(|| {
            if monitored || rng.random_bool(0.82) {
                "1".to_string()
            } else {
                "2".to_string()
            }
        }),
        monitor_category: monitor.map(|m| m.category.to_string()),
        is_military_family: rng.random_bool(0.012),
        current_size: members.len() as u16,
        identified_month: monitor.map(|m| m.identified),
        eliminated_month: monitor.and_then(|m| m.eliminated),
        risk_eliminated: monitor.map(|m| m.eliminated.is_some()),
        elimination_method: monitor.and_then(|m| m.method).map(str::to_string),
        risks: monitor.map_or_else(Vec::new, |m| risks_of(m, &conditions)),
        dev_measure_status: monitor.map(|m| {
            if m.identified.months_until(as_of_month) < 1 {
                "尚未实施".to_string()
            } else {
                "已实施".to_string()
            }
        }),
        no_labor_safety_net: members
            .iter()
            .all(|p| matches!(p.labor_skill.as_str(), LABOR_LOST | LABOR_NONE)),
        collector_name: monitored.then(|| village.collector_name.clone()),
        collector_phone: monitored.then(|| village.collector_phone.clone()),
        bank_name: Some(
            if bank_postal {
                "中国邮政储蓄银行"
            } else {
                "重庆农村商业银行"
            }
            .to_string(),
        ),
        bank_account: Some(account),
        conditions,
    }
}

/// The monitored household's risks, with 住房 and 饮水 added (up to three) when
/// the living conditions show them.
fn risks_of(m: &Monitor, conditions: &LivingConditions) -> Vec<String> {
    let mut risks: Vec<String> = m
        .risks
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    if conditions.is_unsafe_house && risks.len() < 3 && !risks.iter().any(|r| r == RISK_HOUSING) {
        risks.push(RISK_HOUSING.to_string());
    }
    if conditions.safe_drinking_water == Some(false)
        && risks.len() < 3
        && !risks.iter().any(|r| r == RISK_WATER)
    {
        risks.push(RISK_WATER.to_string());
    }
    risks
}

/// The slips real ledgers have, in small shares, so the data-quality list of
/// the demo county is not empty: a measure still marked 尚未实施 months
/// after identification, an eliminated household whose collector was never
/// filled in, a household where nobody can work left without the 兜底 flag.
/// Drawn last, so the rest of the household does not depend on them.
fn entry_slips(h: &mut Household, as_of: YearMonth, rng: &mut ChaCha8Rng) {
    let active = h.monitor_category.is_some() && h.risk_eliminated == Some(false);
    let long_ago = h
        .identified_month
        .is_some_and(|m| m.months_until(as_of) >= 2);
    if active && long_ago && rng.random_bool(0.05) {
        h.dev_measure_status = Some("尚未实施".to_string());
    }
    if h.risk_eliminated == Some(true) && rng.random_bool(0.03) {
        h.collector_name = None;
        h.collector_phone = None;
    }
    if active && h.no_labor_safety_net && rng.random_bool(0.15) {
        h.no_labor_safety_net = false;
    }
}

const WELFARE_POSTS: &[&str] = &[
    "护林员",
    "保洁员",
    "护路员",
    "河道巡查员",
    "公益设施管护员",
    "留守老人关爱员",
    "地灾监测员",
];
