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

use crate::names::{self, EMPLOYERS, WORK_PLACES};
use crate::{DemoConfig, DemoLayout, GeneratedHousehold};

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

/// How ID numbers are made unique across the county, by construction.
///
/// An ID is `500230` + birth date + 3-digit `seq` + check digit. Household `i` gets
/// * `seq = 2·p + sex` with `p = (i mod 500)·373 + s (mod 500)` — a bijection of `i mod 500`
///   (373 is coprime to 500), so the 17th digit is odd for men and even for women; and
/// * a residue class `r = (i div 500 + s') mod J` with `J = ⌈households / 500⌉`: every
///   member's birth day number (days since 0001-01-01) is ≡ r (mod J).
///
/// Two members of different households with the same `p` have different `i div 500 < J`,
/// hence different residues, hence different birth dates. Two members of the same
/// household with the same sex get distinct birth dates (the generator moves one by ±J
/// days). So (birth date, seq) never repeats. The price is that birth dates are moved
/// from their demographic target by at most J/2 days: ±20 days for 20,000 households,
/// ±2.7 years for 1,000,000. Everything age-related (school, labour, pensions) is derived
/// from the final dates, so the records stay consistent.
#[derive(Debug, Clone, Copy)]
struct IdScheme {
    seq_base: u16,
    residue: i32,
    modulus: i32,
}

impl IdScheme {
    fn new(cfg: &DemoConfig, index: u32) -> IdScheme {
        let modulus = cfg.households.div_ceil(SEQ_BLOCK).max(1) as i32;
        let s = (cfg.seed % u64::from(SEQ_BLOCK)) as u32;
        let s2 = ((cfg.seed >> 20) % modulus as u64) as i32;
        let p = ((index % SEQ_BLOCK) * 373 + s) % SEQ_BLOCK;
        let block = (index / SEQ_BLOCK) as i32;
        IdScheme {
            seq_base: (p * 2) as u16,
            residue: (block + s2).rem_euclid(modulus),
            modulus,
        }
    }

    /// The day in `[lo, hi]` of the household's residue class nearest to `target`, avoiding `used`.
    fn place(&self, target: i32, lo: i32, hi: i32, used: &[i32]) -> Option<i32> {
        if lo > hi {
            return None;
        }
        let j = self.modulus;
        let t = target.clamp(lo, hi);
        let up = t + (self.residue - t).rem_euclid(j); // first candidate ≥ t
        let down = up - j; // last candidate < t
        // Candidates in order of distance from t, alternating sides.
        for k in 0..64 {
            let (a, b) = (up + k * j, down - k * j);
            let (first, second) = if a - t <= t - b { (a, b) } else { (b, a) };
            for c in [first, second] {
                if (lo..=hi).contains(&c) && !used.contains(&c) {
                    return Some(c);
                }
            }
            if a > hi && b < lo {
                break;
            }
        }
        None
    }
}

/// A member before dates are fixed.
struct Draft {
    relation: &'static str,
    male: bool,
    age: i32,
    surname: u16,
    /// Must be born at least 18 years after these members (parents).
    after: [Option<(usize, i32)>; 2],
    /// Must be born at least 18 years before this member (its child).
    before: Option<usize>,
    adult: bool,
    /// A grandchild living without either parent in the household.
    left_behind: bool,
}

impl Draft {
    fn new(relation: &'static str, male: bool, age: i32, surname: u16) -> Draft {
        Draft {
            relation,
            male,
            age: age.clamp(0, 100),
            surname,
            after: [None, None],
            before: None,
            adult: false,
            left_behind: false,
        }
    }
}

/// Facts about a member that are not in `Person`.
#[derive(Debug, Clone, Copy, Default)]
struct Aux {
    age: i32,
    monthly_pay: i64,
    welfare_pay: i64,
}

pub(crate) fn generate(cfg: &DemoConfig, layout: &DemoLayout, index: u32) -> GeneratedHousehold {
    assert!(
        index < cfg.households,
        "household index {index} out of range 0..{}",
        cfg.households
    );
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(u64::from(index));

    // --- place ---------------------------------------------------------------
    let v = layout.village_start.partition_point(|&s| s <= index) - 1;
    let village = &layout.villages[v];
    let serial = index - layout.village_start[v] + 1;
    let in_village = layout.village_start[v + 1] - layout.village_start[v];
    let group_no =
        ((u64::from(serial - 1) * u64::from(village.groups)) / u64::from(in_village)) as u16 + 1;
    let household_no = format!("{}{:05}", village.code.as_string(), serial);

    let as_of = NaiveDate::from_ymd_opt(cfg.data_year, 12, 31).expect("valid data year");
    let as_of_day = as_of.num_days_from_ce();
    let lifted = rng.random_bool(village.lifted_share);

    // --- composition and identity --------------------------------------------
    let head_surname = if rng.random_bool(village.clan_share) {
        village.clan_surnames[usize::from(rng.random_bool(0.4))]
    } else {
        layout.surnames.sample(&mut rng)
    };
    let size = household_size(&mut rng, lifted);
    let drafts = compose(&mut rng, layout, size, head_surname);
    let scheme = IdScheme::new(cfg, index);
    let (minority, minority_code) = if rng.random_bool(village.minority_share) {
        (true, if rng.random_bool(0.75) { "15" } else { "06" })
    } else {
        (false, "01")
    };

    let mut days: Vec<Option<i32>> = vec![None; drafts.len()];
    let mut used_male: Vec<i32> = Vec::with_capacity(drafts.len());
    let mut used_female: Vec<i32> = Vec::with_capacity(drafts.len());
    for (k, d) in drafts.iter().enumerate() {
        let target = as_of_day - d.age * YEAR - rng.random_range(0..YEAR);
        let mut lo = as_of_day - 100 * YEAR;
        let mut hi = if d.adult {
            as_of_day - GAP_18Y
        } else {
            as_of_day
        };
        for (p, gap) in d.after.iter().flatten() {
            if let Some(pd) = days[*p] {
                lo = lo.max(pd + gap);
            }
        }
        if let Some(c) = d.before
            && let Some(cd) = days[c]
        {
            hi = hi.min(cd - GAP_18Y);
        }
        let used = if d.male {
            &mut used_male
        } else {
            &mut used_female
        };
        if let Some(day) = scheme.place(target, lo, hi, used) {
            used.push(day);
            days[k] = Some(day);
        } else if k == 0 {
            // The head's window is 82 years wide; J never exceeds it for sane sizes.
            panic!("cannot place household head (households too large for the ID scheme)");
        }
    }

    let mut members: Vec<Person> = Vec::with_capacity(drafts.len());
    let mut aux: Vec<Aux> = Vec::with_capacity(drafts.len());
    let mut left_behind: Vec<bool> = Vec::with_capacity(drafts.len());
    for (k, d) in drafts.iter().enumerate() {
        let Some(day) = days[k] else { continue };
        let birth = NaiveDate::from_num_days_from_ce_opt(day).expect("valid birth day");
        let seq = scheme.seq_base + u16::from(d.male);
        let id = IdNumber::from_parts(&cfg.county.as_string()[..6], birth, seq)
            .expect("county prefix, date and seq are valid");
        debug_assert_eq!(id.sex() == Sex::Male, d.male);
        let name = names::full_name(&mut rng, d.surname, birth.year(), d.male);
        let ethnicity = if !minority {
            "01"
        } else if d.relation == REL_SPOUSE || (d.relation == REL_SON && !d.male) {
            if rng.random_bool(0.5) {
                minority_code
            } else {
                "01"
            }
        } else if rng.random_bool(0.9) {
            minority_code
        } else {
            "01"
        };
        let person_no = format!("{household_no}{:02}", members.len() + 1);
        let p = Person::from_id(person_no, name, id, d.relation, ethnicity);
        let age = cfg.data_year - birth.year();
        aux.push(Aux {
            age,
            ..Aux::default()
        });
        left_behind.push(d.left_behind);
        members.push(p);
    }

    // --- member traits ---------------------------------------------------------
    for (p, a) in members.iter_mut().zip(aux.iter_mut()) {
        person_traits(&mut rng, cfg, p, a, lifted);
    }
    for ((p, a), lb) in members.iter_mut().zip(&aux).zip(&left_behind) {
        if *lb && a.age < 16 && rng.random_bool(0.03) {
            p.unsupported_child = true;
        }
    }

    // --- monitoring --------------------------------------------------------------
    let facts = Facts::of(&members, &aux);
    let monitor = monitoring(&mut rng, cfg, lifted, &facts, &members);
    let monitored = monitor.is_some();
    let active = monitor.as_ref().is_some_and(|m| m.eliminated.is_none());

    // 公益性岗位 for 脱贫户 and monitored households.
    if lifted || monitored {
        for (p, a) in members.iter_mut().zip(aux.iter_mut()) {
            let fits = (40..=65).contains(&a.age)
                && p.work_months == 0
                && matches!(p.labor_skill.as_str(), LABOR_ORDINARY | LABOR_WEAK);
            if fits && rng.random_bool(0.14) {
                p.public_welfare_post = Some(names::pick(&mut rng, WELFARE_POSTS).to_string());
                p.public_welfare_months = rng.random_range(6..=12);
                a.welfare_pay = rng.random_range(50..=80) * 10;
            }
        }
    }

    // 低保 / 特困.
    let single_elder_no_labour = members.len() == 1
        && aux[0].age >= 60
        && matches!(
            members[0].labor_skill.as_str(),
            LABOR_LOST | LABOR_NONE | LABOR_WEAK
        );
    let tekun = single_elder_no_labour && rng.random_bool(0.35);
    let mut p_dibao: f64 = if lifted { 0.10 } else { 0.02 };
    if active {
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
    for (p, a) in members.iter_mut().zip(&aux) {
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

    // --- conditions and income ------------------------------------------------------
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

    // --- the household record -------------------------------------------------------------
    let head = &members[0];
    debug_assert_eq!(head.relation, REL_HEAD);
    let bank_postal = rng.random_bool(0.15);
    let mut account = String::with_capacity(19);
    account.push_str(if bank_postal { "6221" } else { "6231" });
    for _ in 0..15 {
        account.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let mut risks = Vec::new();
    let (mut category, mut identified, mut eliminated, mut method) = (None, None, None, None);
    if let Some(m) = &monitor {
        category = Some(m.category.to_string());
        identified = Some(m.identified);
        eliminated = m.eliminated;
        method = m.method.map(str::to_string);
        risks = m.risks.iter().map(|r| r.to_string()).collect();
        if conditions.is_unsafe_house && risks.len() < 3 && !risks.iter().any(|r| r == RISK_HOUSING)
        {
            risks.push(RISK_HOUSING.to_string());
        }
        if conditions.safe_drinking_water == Some(false)
            && risks.len() < 3
            && !risks.iter().any(|r| r == RISK_WATER)
        {
            risks.push(RISK_WATER.to_string());
        }
    }
    let as_of_month = YearMonth::from_date(as_of);
    let dev_measure_status = monitor.as_ref().map(|m| {
        if m.identified.months_until(as_of_month) < 1 {
            "尚未实施".to_string()
        } else {
            "已实施".to_string()
        }
    });
    let no_labor_safety_net = members
        .iter()
        .all(|p| matches!(p.labor_skill.as_str(), LABOR_LOST | LABOR_NONE));
    let mut household = Household {
        household_no,
        area: village.code,
        group_no: Some(group_no),
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
        monitor_category: category.take(),
        is_military_family: rng.random_bool(0.012),
        current_size: members.len() as u16,
        identified_month: identified.take(),
        eliminated_month: eliminated.take(),
        risk_eliminated: monitor.as_ref().map(|m| m.eliminated.is_some()),
        elimination_method: method.take(),
        risks,
        dev_measure_status,
        no_labor_safety_net,
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
    };
    entry_slips(&mut household, as_of_month, &mut rng);
    GeneratedHousehold {
        household,
        members,
        income,
    }
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

/// Household size 1..=8: mode 3–4, single elders present.
fn household_size(rng: &mut ChaCha8Rng, lifted: bool) -> usize {
    const ORDINARY: [u32; 8] = [95, 180, 220, 220, 150, 85, 35, 15];
    const LIFTED: [u32; 8] = [140, 200, 205, 200, 135, 75, 33, 12];
    let w = if lifted { &LIFTED } else { &ORDINARY };
    let mut x = rng.random_range(0..w.iter().sum::<u32>());
    for (k, &wk) in w.iter().enumerate() {
        if x < wk {
            return k + 1;
        }
        x -= wk;
    }
    8
}

/// Family structure: relations, sexes, target ages and the parent constraints.
fn compose(rng: &mut ChaCha8Rng, layout: &DemoLayout, n: usize, surname: u16) -> Vec<Draft> {
    let mut m: Vec<Draft> = Vec::with_capacity(n);
    let other_surname = |rng: &mut ChaCha8Rng| layout.surnames.sample(rng);
    let parents_of =
        |head: usize, spouse: Option<usize>| [Some((head, GAP_18Y)), spouse.map(|s| (s, GAP_18Y))];
    if n == 1 {
        let elder = rng.random_bool(0.7);
        let male = rng.random_bool(if elder { 0.52 } else { 0.8 });
        let age = if elder {
            rng.random_range(60..=90)
        } else {
            rng.random_range(30..=59)
        };
        let mut head = Draft::new(REL_HEAD, male, age, surname);
        head.adult = true;
        m.push(head);
        return m;
    }
    let pattern = match n {
        2 => weighted(rng, &[60, 15, 25, 0, 0]),
        3 => weighted(rng, &[0, 0, 58, 27, 15]),
        _ => weighted(rng, &[0, 0, 40, 42, 18]),
    };
    // 0 elder couple, 1 middle-aged couple, 2 nuclear (or single parent), 3 three generations
    // with the head as grandparent, 4 three generations with the head's parents.
    let spouse_age = |rng: &mut ChaCha8Rng, head_age: i32| head_age - rng.random_range(-2..=5);
    let push_head_and_spouse =
        |rng: &mut ChaCha8Rng, m: &mut Vec<Draft>, age: i32, with_spouse: bool, male_p: f64| {
            let male = rng.random_bool(male_p);
            let mut head = Draft::new(REL_HEAD, male, age, surname);
            head.adult = true;
            m.push(head);
            if with_spouse {
                let s_age = if male {
                    spouse_age(rng, age)
                } else {
                    age + rng.random_range(-2..=5)
                };
                let mut spouse = Draft::new(REL_SPOUSE, !male, s_age.max(20), other_surname(rng));
                spouse.adult = true;
                m.push(spouse);
                Some(1)
            } else {
                None
            }
        };
    match pattern {
        0 => {
            let age = rng.random_range(58..=86);
            push_head_and_spouse(rng, &mut m, age, true, 0.93);
        }
        1 => {
            let age = rng.random_range(38..=60);
            push_head_and_spouse(rng, &mut m, age, true, 0.9);
        }
        2 => {
            let with_spouse = n > 2 && rng.random_bool(0.88);
            let kids = n - 1 - usize::from(with_spouse);
            let sibling = kids >= 2 && rng.random_bool(0.05);
            let kids = kids - usize::from(sibling);
            let oldest = rng.random_range((2 * kids as i32 - 1)..=(2 * kids as i32 + 27));
            let head_age = oldest + rng.random_range(23..=33);
            let spouse = push_head_and_spouse(
                rng,
                &mut m,
                head_age,
                with_spouse,
                if with_spouse { 0.9 } else { 0.55 },
            );
            // Children of a female head without a husband sometimes carry the father's surname.
            let kid_surname = if !m[0].male && spouse.is_none() && rng.random_bool(0.6) {
                other_surname(rng)
            } else {
                surname
            };
            let mut age = oldest;
            for k in 0..kids {
                if k > 0 {
                    age = (age - rng.random_range(1..=4)).max(0);
                }
                push_child(rng, &mut m, age, kid_surname, parents_of(0, spouse));
            }
            if sibling {
                let s_age = (head_age + rng.random_range(-8..=8)).max(18);
                let mut s = Draft::new(REL_SIBLING, rng.random_bool(0.7), s_age, surname);
                s.adult = true;
                m.push(s);
            }
        }
        3 => {
            let with_spouse = rng.random_bool(0.8);
            let r = n - 1 - usize::from(with_spouse);
            let variant = weighted(rng, &[65, 10, 25]);
            let middle_count = match (variant, r) {
                (2, _) => 0,
                (_, 1) => 0,
                (_, 2) => 1,
                _ => 2,
            };
            let mut grandkids = r - middle_count;
            let extra_kids = grandkids.saturating_sub(4);
            grandkids -= extra_kids;
            let oldest_grandkid = rng.random_range(0..=(2 * grandkids as i32 + 17));
            let middle_age = oldest_grandkid + rng.random_range(21..=32);
            let head_age = (middle_age + rng.random_range(21..=30)).min(92);
            let spouse = push_head_and_spouse(rng, &mut m, head_age, with_spouse, 0.88);
            let mut gk_parents = [None, None];
            let mut gk_surname = surname;
            if middle_count > 0 {
                // 上门女婿 (variant 1): the daughter stays and the grandchildren keep the head's surname.
                let daughter_line = variant == 1;
                let idx = m.len();
                let mut mid = Draft::new(
                    if daughter_line { REL_DAUGHTER } else { REL_SON },
                    !daughter_line,
                    middle_age,
                    surname,
                );
                mid.after = parents_of(0, spouse);
                mid.adult = true;
                m.push(mid);
                gk_parents[0] = Some((idx, GAP_18Y));
                if middle_count == 2 {
                    let in_law_age = middle_age + rng.random_range(-4..=2);
                    let mut in_law = Draft::new(
                        if daughter_line { REL_SON } else { REL_DAUGHTER },
                        daughter_line,
                        in_law_age.max(oldest_grandkid + 20),
                        other_surname(rng),
                    );
                    in_law.adult = true;
                    gk_parents[1] = Some((idx + 1, GAP_18Y));
                    if daughter_line && rng.random_bool(0.3) {
                        gk_surname = in_law.surname;
                    }
                    m.push(in_law);
                }
            } else {
                gk_parents[0] = Some((0, 2 * GAP_18Y));
                // A son's children carry the head's surname, a daughter's their father's.
                if rng.random_bool(0.25) {
                    gk_surname = other_surname(rng);
                }
            }
            let mut age = oldest_grandkid;
            for k in 0..grandkids {
                if k > 0 {
                    age = (age - rng.random_range(1..=4)).max(0);
                }
                let mut g = Draft::new(REL_GRANDCHILD, rng.random_bool(0.52), age, gk_surname);
                g.after = gk_parents;
                g.left_behind = middle_count == 0;
                m.push(g);
            }
            for _ in 0..extra_kids {
                let age = (middle_age - rng.random_range(2..=10)).max(16);
                push_child(rng, &mut m, age, surname, parents_of(0, spouse));
            }
        }
        _ => {
            let with_spouse = n >= 3 && rng.random_bool(0.9);
            let r = n - 1 - usize::from(with_spouse);
            let n_parents = if r >= 3 && rng.random_bool(0.45) {
                2
            } else {
                1
            }
            .min(r);
            let kids = r - n_parents;
            let max_oldest = 24.min(2 * kids as i32 + 16);
            let oldest = rng.random_range((2 * kids as i32 - 2).max(0)..=max_oldest.max(0));
            let head_age = (oldest + rng.random_range(23..=32)).clamp(28, 55);
            let spouse = push_head_and_spouse(rng, &mut m, head_age, with_spouse, 0.9);
            let parent_age = head_age + rng.random_range(22..=32);
            for k in 0..n_parents {
                let male = if n_parents == 2 {
                    k == 0
                } else {
                    rng.random_bool(0.3)
                };
                let age = if k == 1 {
                    parent_age - rng.random_range(0..=5)
                } else {
                    parent_age
                };
                let mut p = Draft::new(
                    REL_PARENT,
                    male,
                    age.min(96),
                    if male { surname } else { other_surname(rng) },
                );
                p.before = Some(0);
                p.adult = true;
                m.push(p);
            }
            let mut age = oldest;
            for k in 0..kids {
                if k > 0 {
                    age = (age - rng.random_range(1..=4)).max(0);
                }
                push_child(rng, &mut m, age, surname, parents_of(0, spouse));
            }
        }
    }
    debug_assert_eq!(m.len(), n);
    m
}

fn push_child(
    rng: &mut ChaCha8Rng,
    m: &mut Vec<Draft>,
    age: i32,
    surname: u16,
    parents: [Option<(usize, i32)>; 2],
) {
    let male = rng.random_bool(0.52);
    let mut d = Draft::new(
        if male { REL_SON } else { REL_DAUGHTER },
        male,
        age,
        surname,
    );
    d.after = parents;
    m.push(d);
}

/// Index drawn with the given integer weights.
fn weighted(rng: &mut ChaCha8Rng, w: &[u32]) -> usize {
    let mut x = rng.random_range(0..w.iter().sum::<u32>());
    for (k, &wk) in w.iter().enumerate() {
        if x < wk {
            return k;
        }
        x -= wk;
    }
    w.len() - 1
}

/// Health, schooling, education, labour, work, insurance, phone … of one member.
fn person_traits(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    p: &mut Person,
    a: &mut Aux,
    lifted: bool,
) {
    let age = a.age;
    let birth_year = p.birth_date.year();
    // Health.
    let f = if lifted { 1.35 } else { 1.0 };
    let (severe, general, serious, chronic) = match age {
        ..18 => (0.008, 0.012, 0.003, 0.012),
        18..45 => (0.015, 0.032, 0.006, 0.045),
        45..60 => (0.025, 0.050, 0.015, 0.140),
        60..70 => (0.037, 0.075, 0.025, 0.280),
        _ => (0.050, 0.100, 0.035, 0.380),
    };
    let u: f64 = rng.random();
    let health = if u < severe * f {
        SEVERELY_DISABLED
    } else if u < (severe + general) * f {
        DISABLED
    } else if u < (severe + general + serious) * f {
        SERIOUS_ILLNESS
    } else if u < (severe + general + serious + chronic) * f {
        CHRONIC
    } else {
        HEALTHY
    };
    p.health = health.to_string();
    if matches!(health, DISABLED | SEVERELY_DISABLED) {
        let from = (birth_year + 1).max(2008).min(cfg.data_year);
        p.disability_cert_year = Some(rng.random_range(from..=cfg.data_year));
    }

    // Schooling: the school year starts in September; a child born after August starts a year later.
    let school_age = age - i32::from(p.birth_date.month() > 8);
    let student = match school_age {
        3..=5 if rng.random_bool(0.88) => STUDENT_PRESCHOOL,
        6..=11 => STUDENT_PRIMARY,
        12..=14 => STUDENT_JUNIOR,
        15..=17 if rng.random_bool(0.9) => STUDENT_SENIOR,
        18..=21 if rng.random_bool(0.36) => {
            if rng.random_bool(0.55) {
                STUDENT_VOCATIONAL_COLLEGE
            } else {
                STUDENT_UNIVERSITY
            }
        }
        22 if rng.random_bool(0.12) => STUDENT_UNIVERSITY,
        _ => NOT_STUDENT,
    };
    p.student_status = Some(student.to_string());
    p.education = education(rng, age, birth_year, student).map(str::to_string);

    // Labour skill.
    let in_school = student != NOT_STUDENT;
    let labor = if age < 16 || in_school {
        LABOR_NONE
    } else if matches!(health, SEVERELY_DISABLED | SERIOUS_ILLNESS) {
        LABOR_LOST
    } else if age >= 70 {
        LABOR_NONE
    } else if age >= 60 {
        match health {
            HEALTHY if rng.random_bool(0.5) => LABOR_ORDINARY,
            DISABLED if rng.random_bool(0.3) => LABOR_LOST,
            _ => LABOR_WEAK,
        }
    } else {
        match health {
            HEALTHY => {
                if rng.random_bool(0.18) {
                    LABOR_SKILLED
                } else {
                    LABOR_ORDINARY
                }
            }
            CHRONIC if rng.random_bool(0.5) => LABOR_WEAK,
            CHRONIC => LABOR_ORDINARY,
            _ if rng.random_bool(0.75) => LABOR_WEAK,
            _ => LABOR_LOST,
        }
    };
    p.labor_skill = labor.to_string();

    // Migrant / local work.
    let p_work = match (labor, age) {
        (LABOR_ORDINARY | LABOR_SKILLED, 16..=50) => 0.46,
        (LABOR_ORDINARY | LABOR_SKILLED, 51..=64) => 0.24,
        (LABOR_WEAK, 16..=59) => 0.10,
        _ => 0.0,
    };
    if p_work > 0.0 && rng.random_bool(p_work) {
        let total: u32 = WORK_PLACES.iter().map(|w| w.1).sum();
        let mut x = rng.random_range(0..total);
        let mut place = WORK_PLACES[0];
        for w in WORK_PLACES {
            if x < w.1 {
                place = *w;
                break;
            }
            x -= w.1;
        }
        let local = place.0 == "县内";
        p.work_months = if local {
            rng.random_range(3..=12)
        } else if rng.random_bool(0.7) {
            rng.random_range(10..=12)
        } else {
            rng.random_range(4..=9)
        };
        p.work_place = Some(place.0.to_string());
        p.work_employer = Some(names::pick(rng, EMPLOYERS).to_string());
        let mut pay = i64::from(rng.random_range(place.2..=place.3));
        if labor == LABOR_SKILLED {
            pay = pay * 6 / 5;
        } else if labor == LABOR_WEAK {
            pay = pay * 7 / 10;
        }
        a.monthly_pay = pay / 10 * 10;
        if !local && age <= 55 && rng.random_bool(0.04) {
            p.insurance.employee_medical = true;
            p.insurance.employee_pension = true;
        }
    }

    // Insurance.
    let ins = &mut p.insurance;
    ins.resident_medical = !ins.employee_medical && rng.random_bool(0.992);
    ins.critical_illness = ins.resident_medical || ins.employee_medical;
    ins.resident_pension =
        age >= 16 && !in_school && !ins.employee_pension && rng.random_bool(0.93);
    ins.other_health_support = lifted && rng.random_bool(0.3);
    ins.accident_insurance_subsidy = lifted && age >= 16 && rng.random_bool(0.45);

    // Contact details and other fields.
    if p.relation == REL_HEAD || ((16..80).contains(&age) && rng.random_bool(0.85)) {
        p.phone = Some(phone_number(rng));
    }
    p.political_status = Some(
        if age >= 20 && rng.random_bool(if p.sex == Sex::Male { 0.06 } else { 0.025 }) {
            "01"
        } else if (14..=28).contains(&age) && rng.random_bool(0.35) {
            "03"
        } else {
            "13"
        }
        .to_string(),
    );
    p.speaks_mandarin = match age {
        ..4 => false,
        4..60 => true,
        60..75 => rng.random_bool(0.8),
        _ => rng.random_bool(0.45),
    };
}

/// 文化程度: highest level attained (the level being attended for students).
fn education(
    rng: &mut ChaCha8Rng,
    age: i32,
    birth_year: i32,
    student: &str,
) -> Option<&'static str> {
    match student {
        STUDENT_PRIMARY => return Some("70"),
        STUDENT_JUNIOR => return Some("60"),
        STUDENT_SENIOR => return Some(if rng.random_bool(0.4) { "40" } else { "50" }),
        STUDENT_VOCATIONAL_COLLEGE => return Some("30"),
        STUDENT_UNIVERSITY => return Some("20"),
        _ => {}
    }
    if age < 6 || student == STUDENT_PRESCHOOL {
        return None;
    }
    if age < 16 {
        return Some(if age < 12 { "70" } else { "60" });
    }
    // (code, weight) by birth cohort.
    let table: &[(&str, u32)] = match birth_year {
        ..1955 => &[("80", 30), ("70", 55), ("60", 15)],
        1955..1970 => &[("80", 10), ("70", 45), ("60", 40), ("50", 5)],
        1970..1985 => &[("70", 25), ("60", 60), ("50", 8), ("40", 5), ("30", 2)],
        1985..2000 => &[
            ("70", 6),
            ("60", 52),
            ("50", 15),
            ("40", 14),
            ("30", 9),
            ("20", 4),
        ],
        _ => &[("60", 35), ("50", 15), ("40", 20), ("30", 20), ("20", 10)],
    };
    let w: Vec<u32> = table.iter().map(|t| t.1).collect();
    Some(table[weighted(rng, &w)].0)
}

pub(crate) fn phone_number(rng: &mut ChaCha8Rng) -> String {
    const PREFIXES: &[&str] = &[
        "133", "135", "136", "138", "139", "150", "151", "152", "157", "158", "159", "177", "178",
        "180", "181", "182", "183", "187", "189", "191", "199",
    ];
    let mut s = String::with_capacity(11);
    s.push_str(names::pick(rng, PREFIXES));
    let n: u32 = rng.random_range(0..100_000_000);
    s.push_str(&format!("{n:08}"));
    s
}

/// Standard normal draw (Box–Muller).
pub(crate) fn std_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Household-level facts derived from the members.
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    size: usize,
    serious_ill: usize,
    chronic: usize,
    disabled: usize,
    labour: usize,
    workers: usize,
    workers_with_labour: usize,
    students: usize,
    students_noncompulsory: usize,
    elders: usize,
}

impl Facts {
    fn of(members: &[Person], aux: &[Aux]) -> Facts {
        let mut f = Facts {
            size: members.len(),
            ..Facts::default()
        };
        for (p, a) in members.iter().zip(aux) {
            match p.health.as_str() {
                SERIOUS_ILLNESS => f.serious_ill += 1,
                CHRONIC => f.chronic += 1,
                DISABLED | SEVERELY_DISABLED => f.disabled += 1,
                _ => {}
            }
            let labour = p.has_labor_capacity();
            f.labour += usize::from(labour);
            if p.work_months > 0 {
                f.workers += 1;
                f.workers_with_labour += usize::from(labour);
            }
            match p.student_status.as_deref() {
                Some(STUDENT_SENIOR | STUDENT_VOCATIONAL_COLLEGE | STUDENT_UNIVERSITY) => {
                    f.students += 1;
                    f.students_noncompulsory += 1;
                }
                Some(STUDENT_PRIMARY | STUDENT_JUNIOR) => f.students += 1,
                _ => {}
            }
            f.elders += usize::from(a.age >= 60);
        }
        f
    }

    /// 缺劳动力 is plausible (and not contradicted by the national check 5_11_029).
    fn short_of_labour(&self) -> bool {
        let implausible = self.size >= 4 && self.labour * 2 >= self.size;
        !implausible && (self.labour == 0 || self.labour * 2 < self.size)
    }
}

/// Monitoring status of a monitored household.
#[derive(Debug, Clone)]
struct Monitor {
    category: &'static str,
    identified: YearMonth,
    eliminated: Option<YearMonth>,
    method: Option<&'static str>,
    risks: Vec<&'static str>,
}

fn monitoring(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    lifted: bool,
    f: &Facts,
    members: &[Person],
) -> Option<Monitor> {
    let score = 1.0
        + 1.6 * f64::from(u8::from(f.serious_ill > 0))
        + 0.6 * f64::from(u8::from(f.chronic > 0))
        + 1.0 * f64::from(u8::from(f.disabled > 0))
        + 0.9 * f64::from(u8::from(f.short_of_labour()))
        + 0.4 * f64::from(u8::from(f.students_noncompulsory > 0));
    let base = if lifted { 0.064 } else { 0.020 };
    if !rng.random_bool((base * score / 1.9).min(0.9)) {
        return None;
    }
    let as_of_month = YearMonth::new(cfg.data_year, 12).expect("valid data year");
    let ago = rng.random_range(1..=48);
    let identified = as_of_month.plus_months(-ago);
    let p_elim = if ago >= 7 {
        0.25 + 0.6 * f64::from(ago - 7) / 41.0
    } else {
        0.0
    };
    let (eliminated, method) = if rng.random_bool(p_elim) {
        let latest = (ago - 6).min(30);
        let after = rng.random_range(6..=6 + latest.max(0));
        let method = if rng.random_bool(0.85) {
            well_known::ELIMINATED_BY_ASSISTANCE
        } else {
            well_known::ELIMINATED_NATURALLY
        };
        (Some(identified.plus_months(after)), Some(method))
    } else {
        (None, None)
    };
    let sudden = rng.random_bool(0.15);
    let category = if sudden {
        well_known::CATEGORY_SUDDEN
    } else if lifted {
        well_known::CATEGORY_UNSTABLE
    } else {
        well_known::CATEGORY_MARGINAL
    };

    // Candidate risks with weights, from the facts.
    let mut cands: Vec<(&'static str, u32)> = Vec::with_capacity(10);
    if f.serious_ill > 0 {
        cands.push((RISK_ILLNESS, 50));
    } else if f.chronic > 0 {
        cands.push((RISK_ILLNESS, 25));
    }
    if f.disabled > 0 {
        cands.push((RISK_DISABILITY, 30));
    }
    if f.short_of_labour() {
        cands.push((RISK_LABOUR, 28));
    }
    if f.students_noncompulsory > 0 {
        cands.push((RISK_SCHOOLING, 20));
    } else if f.students > 0 {
        cands.push((RISK_SCHOOLING, 5));
    }
    let has_worker_with_labour = members
        .iter()
        .any(|p| p.work_months > 0 && p.has_labor_capacity());
    if has_worker_with_labour {
        cands.push((RISK_EMPLOYMENT, 12));
    }
    let mut risks: Vec<&'static str> = Vec::with_capacity(3);
    if sudden {
        // 突发严重困难户: a sudden large expense from illness, an accident or a disaster.
        let first = if f.serious_ill + f.chronic > 0 && rng.random_bool(0.65) {
            RISK_ILLNESS
        } else if rng.random_bool(0.55) {
            RISK_ACCIDENT
        } else if rng.random_bool(0.6) {
            RISK_FLOOD
        } else {
            RISK_GEOLOGICAL
        };
        risks.push(first);
    } else if cands.is_empty() {
        let others: [(&'static str, u32); 5] = [
            (RISK_INDUSTRY, 35),
            (RISK_FLOOD, 20),
            (RISK_GEOLOGICAL, 10),
            (RISK_ACCIDENT, 20),
            (RISK_OTHER, 15),
        ];
        let w: Vec<u32> = others.iter().map(|o| o.1).collect();
        risks.push(others[weighted(rng, &w)].0);
    } else {
        let w: Vec<u32> = cands.iter().map(|c| c.1).collect();
        risks.push(cands[weighted(rng, &w)].0);
    }
    let extra = weighted(rng, &[50, 35, 15]);
    cands.push((RISK_INDUSTRY, 6));
    cands.push((RISK_FLOOD, 3));
    cands.retain(|c| !risks.contains(&c.0));
    for _ in 0..extra {
        if cands.is_empty() {
            break;
        }
        let w: Vec<u32> = cands.iter().map(|c| c.1).collect();
        let k = weighted(rng, &w);
        risks.push(cands.swap_remove(k).0);
    }
    Some(Monitor {
        category,
        identified,
        eliminated,
        method,
        risks,
    })
}

fn hundredths(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> Hundredths {
    Hundredths((rng.random_range(lo..hi) * 100.0).round() as i64)
}

fn conditions(rng: &mut ChaCha8Rng, lifted: bool, monitor: Option<&Monitor>) -> LivingConditions {
    let monitored = monitor.is_some();
    let active = monitor.is_some_and(|m| m.eliminated.is_none());
    let land: f64 =
        rng.random_range(if lifted { 0.5 } else { 0.8 }..if lifted { 5.5 } else { 7.5 });
    let cultivated = Hundredths((land * 10.0).round() as i64 * 10);
    let irrigated = Hundredths((cultivated.0 as f64 * rng.random_range(0.15..0.75)).round() as i64);
    let forest = if rng.random_bool(0.6) {
        hundredths(rng, 0.5, 15.0)
    } else {
        Hundredths(0)
    };
    let returned = if forest.0 > 0 && rng.random_bool(0.4) {
        Hundredths((forest.0 as f64 * rng.random_range(0.2..0.8)).round() as i64)
    } else {
        Hundredths(0)
    };
    let orchard = if rng.random_bool(0.3) {
        hundredths(rng, 0.3, 3.0)
    } else {
        Hundredths(0)
    };
    let water = if rng.random_bool(0.05) {
        hundredths(rng, 0.2, 2.0)
    } else {
        Hundredths(0)
    };
    let road = ["普通硬化路", "砂石路", "泥土路"][weighted(rng, &[82, 13, 5])];
    let distance = if rng.random_bool(0.7) {
        hundredths(rng, 0.0, 0.5)
    } else {
        hundredths(rng, 0.5, 3.0)
    };
    let industry = (lifted || monitored).then(|| {
        [
            "种植业",
            "养殖业",
            "种养结合",
            "林业",
            "乡村旅游",
            "农产品加工",
        ][weighted(rng, &[40, 30, 15, 8, 4, 3])]
        .to_string()
    });
    let fuel =
        ["柴草", "电", "液化气", "天然气", "煤", "沼气"][weighted(rng, &[32, 30, 20, 8, 6, 4])];
    let grade_w: [u32; 4] = if active {
        [35, 55, 10, 0]
    } else {
        [55, 42, 3, 0]
    };
    let grade = ["A", "B", "C", "D"][weighted(rng, &grade_w)];
    let is_unsafe = matches!(grade, "C" | "D");
    let safe_water = !rng.random_bool(if active { 0.05 } else { 0.015 });
    LivingConditions {
        cultivated_land: Some(cultivated),
        irrigated_land: Some(irrigated),
        forest_land: Some(forest),
        returned_to_forest: Some(returned),
        orchard_land: Some(orchard),
        grassland: Some(Hundredths(0)),
        water_surface: Some(water),
        road_type: Some(road.to_string()),
        distance_to_main_road: Some(distance),
        in_cooperative: rng.random_bool(if lifted { 0.45 } else { 0.25 }),
        leading_enterprise: rng.random_bool(if lifted { 0.3 } else { 0.12 }),
        entrepreneur_leader: rng.random_bool(0.1),
        industry_support_type: industry,
        household_electricity: true,
        production_electricity: rng.random_bool(0.92),
        radio_tv: rng.random_bool(0.98),
        main_fuel: Some(fuel.to_string()),
        sanitary_toilet: rng.random_bool(0.86),
        housing_area: Some(Hundredths(rng.random_range(55..=220) * 100)),
        housing_grade: Some(grade.to_string()),
        is_unsafe_house: is_unsafe,
        safe_drinking_water: Some(safe_water),
        compulsory_education_secured: monitored.then_some(true),
        housing_secured: monitored.then_some(!is_unsafe),
        drinking_water_secured: monitored.then_some(safe_water),
    }
}

/// Round yuan to tens.
fn tens(x: f64) -> i64 {
    ((x / 10.0).round() as i64 * 10).max(0)
}

#[allow(clippy::too_many_arguments)]
fn income(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    lifted: bool,
    f: &Facts,
    monitor: Option<&Monitor>,
    members: &mut [Person],
    aux: &[Aux],
    cond: &LivingConditions,
) -> IncomeRecord {
    let line = cfg.monitoring_line.fen() as f64 / 100.0;
    let n = members.len() as i64;
    let annual_persons = if rng.random_bool(0.03) {
        if rng.random_bool(0.5) || n == 1 {
            n + 1
        } else {
            n - 1
        }
    } else {
        n
    };

    // Target 人均纯收入 (awards excluded, so the target holds whatever the province's rules).
    let pc_target = match monitor {
        Some(m) if m.eliminated.is_some() => line * rng.random_range(1.1..2.0),
        Some(m) if m.category == well_known::CATEGORY_SUDDEN => line * rng.random_range(1.05..2.2),
        Some(_) => {
            if rng.random_bool(0.86) {
                line * rng.random_range(0.62..0.995)
            } else {
                line * rng.random_range(1.0..1.25)
            }
        }
        None => {
            let (median, sigma) = if lifted {
                (15_500.0, 0.33)
            } else {
                (21_000.0, 0.42)
            };
            let labour_ratio = f.labour as f64 / f.size as f64;
            let median = median * (0.8 + 0.4 * labour_ratio);
            let mut x = median * (sigma * std_normal(rng)).exp();
            let mut tries = 0;
            while x < line && tries < 3 && !rng.random_bool(0.4) {
                x = median * (sigma * std_normal(rng)).exp();
                tries += 1;
            }
            if x < line && tries == 3 {
                x = line * rng.random_range(1.02..1.3);
            }
            x
        }
    };
    let target_net = pc_target * annual_persons as f64;

    // Transfers.
    let mut pension = 0.0;
    let mut family_planning = 0.0;
    let mut other_transfer = 0.0;
    for (p, a) in members.iter().zip(aux) {
        if a.age >= 60 {
            pension +=
                12.0 * f64::from(rng.random_range(150..=if a.age >= 80 { 260 } else { 200 }));
            if rng.random_bool(0.08) {
                family_planning += 960.0;
            }
        }
        match p.health.as_str() {
            SEVERELY_DISABLED => other_transfer += 12.0 * 2.0 * 90.0,
            DISABLED if lifted || p.insurance.dibao => other_transfer += 12.0 * 90.0,
            _ => {}
        }
    }
    let eco = cond.returned_to_forest.map_or(0.0, |h| h.0 as f64 / 100.0) * 125.0
        + cond.forest_land.map_or(0.0, |h| h.0 as f64 / 100.0) * 12.0;
    let dibao_persons = members.iter().filter(|p| p.insurance.dibao).count() as f64;
    let dibao = dibao_persons * 12.0 * f64::from(rng.random_range(28..=48) * 10);
    let tekun = if members.iter().any(|p| p.insurance.tekun) {
        12.0 * f64::from(rng.random_range(70..=85) * 10)
    } else {
        0.0
    };
    if monitor.is_some_and(|m| m.eliminated.is_none()) && rng.random_bool(0.25) {
        other_transfer += f64::from(rng.random_range(50..=300) * 10); // 临时救助
    }
    let transfer_items = [
        tens(pension),
        tens(family_planning),
        tens(eco),
        tens(dibao),
        tens(tekun),
        tens(other_transfer),
    ];
    let transfer: i64 = transfer_items.iter().sum();

    // Property.
    let dividend = if lifted && rng.random_bool(0.7) || monitor.is_some() && rng.random_bool(0.3) {
        tens(f64::from(rng.random_range(20..=90) * 10))
    } else {
        0
    };
    let land_rent = if rng.random_bool(0.18) {
        tens(
            cond.cultivated_land.map_or(0.0, |h| h.0 as f64 / 100.0)
                * rng.random_range(200.0..500.0),
        )
    } else {
        0
    };
    let property = dividend + land_rent;

    // Wages: natural amounts, scaled down if they alone would exceed the target.
    let welfare: i64 = members
        .iter()
        .zip(aux)
        .map(|(p, a)| i64::from(p.public_welfare_months) * a.welfare_pay)
        .sum();
    let mut other_wage: i64 = members
        .iter()
        .zip(aux)
        .map(|(p, a)| i64::from(p.work_months) * a.monthly_pay)
        .sum();
    let min_business = 300.0;
    let room = target_net - (transfer + property + welfare) as f64 - min_business;
    if other_wage as f64 > room && other_wage > 0 {
        let factor = (room / other_wage as f64).max(0.0);
        // Fewer months at a lower pay: keep the pay at ≥ 60 % and cut the months for the rest.
        let pay_factor = factor.sqrt().clamp(0.6, 1.0);
        let month_factor = (factor / pay_factor).min(1.0);
        other_wage = 0;
        for (p, a) in members.iter_mut().zip(aux) {
            if p.work_months == 0 {
                continue;
            }
            let months = ((f64::from(p.work_months) * month_factor).round() as u8).max(1);
            p.work_months = months;
            other_wage += tens(i64::from(months) as f64 * a.monthly_pay as f64 * pay_factor);
        }
    }
    let wage = welfare + other_wage;

    // Business (farming) is the balancing item.
    let business_net = (target_net - (transfer + property + wage) as f64).max(min_business);
    let cost_ratio = rng.random_range(0.25..0.5);
    let business = tens(business_net / (1.0 - cost_ratio));
    let production_cost = tens(business as f64 - business_net).min(business);
    let cost_subsidy = if (lifted || monitor.is_some()) && rng.random_bool(0.3) {
        tens(production_cost as f64 * rng.random_range(0.05..0.3))
    } else {
        0
    };

    // Awards.
    let industry_award = if (lifted || monitor.is_some()) && rng.random_bool(0.25) {
        rng.random_range(50..=300) * 10
    } else {
        0
    };
    let employment_award = if (lifted || monitor.is_some()) && f.workers > 0 && rng.random_bool(0.3)
    {
        rng.random_range(30..=150) * 10
    } else {
        0
    };

    // Large rigid expenses (medical out-of-pocket, disaster or accident losses).
    let rigid = match monitor {
        Some(m) if m.category == well_known::CATEGORY_SUDDEN && m.eliminated.is_none() => {
            let net = (wage + business - production_cost + property + transfer) as f64;
            let after = line * rng.random_range(0.3..0.9) * annual_persons as f64;
            tens((net - after).max(15_000.0) + f64::from(rng.random_range(0..50) * 100))
        }
        Some(m) if m.category == well_known::CATEGORY_SUDDEN => {
            tens(f64::from(rng.random_range(50..=300) * 100))
        }
        _ if f.serious_ill > 0 && rng.random_bool(0.6) => {
            tens(f64::from(rng.random_range(20..=120) * 100))
        }
        _ => 0,
    };

    let y = Money::from_yuan;
    IncomeRecord {
        year: cfg.data_year,
        annual_persons: annual_persons as u16,
        wage: y(wage),
        wage_public_welfare: y(welfare),
        wage_other: y(other_wage),
        business: y(business),
        property: y(property),
        property_dividend: y(dividend),
        property_other: y(land_rent),
        transfer: y(transfer),
        transfer_pension: y(transfer_items[0]),
        transfer_family_planning: y(transfer_items[1]),
        transfer_eco: y(transfer_items[2]),
        transfer_dibao: y(transfer_items[3]),
        transfer_tekun: y(transfer_items[4]),
        transfer_other: y(transfer_items[5]),
        industry_award: y(industry_award),
        employment_award: y(employment_award),
        production_cost: y(production_cost),
        cost_subsidy: y(cost_subsidy),
        rigid_expense: y(rigid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_scheme_places_in_the_residue_class() {
        let cfg = DemoConfig::fengdu(5, 1_000_000);
        let s = IdScheme::new(&cfg, 123_456);
        assert_eq!(s.modulus, 2_000);
        let day = s.place(700_000, 690_000, 710_000, &[]).unwrap();
        assert_eq!(day.rem_euclid(s.modulus), s.residue);
        assert!((day - 700_000).abs() <= s.modulus / 2);
        // A used day is skipped in favour of the next one of the class.
        let other = s.place(700_000, 690_000, 710_000, &[day]).unwrap();
        assert_ne!(other, day);
        assert_eq!(other.rem_euclid(s.modulus), s.residue);
        // A window narrower than the modulus may have no member of the class.
        let none = (0..s.modulus)
            .filter(|&t| {
                s.place(700_000 + t, 700_000 + t, 700_000 + t + 10, &[])
                    .is_none()
            })
            .count();
        assert!(none > 0);
        // Households sharing the sequence digits differ in residue.
        let a = IdScheme::new(&cfg, 7);
        let b = IdScheme::new(&cfg, 507);
        assert_eq!(a.seq_base, b.seq_base);
        assert_ne!(a.residue, b.residue);
    }
}
