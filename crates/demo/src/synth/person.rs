//! One member's traits: health, schooling, education, labour, work, insurance, contact.
use super::*;

/// Facts about a member that are not in `Person`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Aux {
    pub(super) age: i32,
    pub(super) monthly_pay: i64,
    pub(super) welfare_pay: i64,
}

/// Health, schooling, education, labour, work, insurance, phone … of one member.
pub(super) fn person_traits(
    rng: &mut ChaCha8Rng,
    cfg: &DemoConfig,
    p: &mut Person,
    a: &mut Aux,
    lifted: bool,
) {
    let age = a.age;
    let birth_year = p.birth_date.year();
    let health = health(rng, age, lifted);
    p.health = health.to_string();
    if matches!(health, DISABLED | SEVERELY_DISABLED) {
        let from = (birth_year + 1).max(2008).min(cfg.data_year);
        p.disability_cert_year = Some(rng.random_range(from..=cfg.data_year));
    }
    // The school year starts in September; a child born after August starts a year later.
    let student = student_status(rng, age - i32::from(p.birth_date.month() > 8));
    p.student_status = Some(student.to_string());
    p.education = education(rng, age, birth_year, student).map(str::to_string);
    let in_school = student != NOT_STUDENT;
    let labor = labour(rng, age, health, in_school);
    p.labor_skill = labor.to_string();
    work(rng, p, a, labor);
    insurance_and_contact(rng, p, age, in_school, lifted);
}

/// 健康状况 by age band, more often impaired in 脱贫户.
fn health(rng: &mut ChaCha8Rng, age: i32, lifted: bool) -> &'static str {
    let f = if lifted { 1.35 } else { 1.0 };
    let (severe, general, serious, chronic) = match age {
        ..18 => (0.008, 0.012, 0.003, 0.012),
        18..45 => (0.015, 0.032, 0.006, 0.045),
        45..60 => (0.025, 0.050, 0.015, 0.140),
        60..70 => (0.037, 0.075, 0.025, 0.280),
        _ => (0.050, 0.100, 0.035, 0.380),
    };
    let u: f64 = rng.random();
    if u < severe * f {
        SEVERELY_DISABLED
    } else if u < (severe + general) * f {
        DISABLED
    } else if u < (severe + general + serious) * f {
        SERIOUS_ILLNESS
    } else if u < (severe + general + serious + chronic) * f {
        CHRONIC
    } else {
        HEALTHY
    }
}

/// 在校生状况 by school age.
fn student_status(rng: &mut ChaCha8Rng, school_age: i32) -> &'static str {
    match school_age {
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
    }
}

/// 劳动技能 from age, health and schooling.
fn labour(rng: &mut ChaCha8Rng, age: i32, health: &str, in_school: bool) -> &'static str {
    if age < 16 || in_school {
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
    }
}

/// Migrant or local work: place, months, employer and monthly pay.
fn work(rng: &mut ChaCha8Rng, p: &mut Person, a: &mut Aux, labor: &str) {
    let age = a.age;
    let p_work = match (labor, age) {
        (LABOR_ORDINARY | LABOR_SKILLED, 16..=50) => 0.46,
        (LABOR_ORDINARY | LABOR_SKILLED, 51..=64) => 0.24,
        (LABOR_WEAK, 16..=59) => 0.10,
        _ => 0.0,
    };
    if !(p_work > 0.0 && rng.random_bool(p_work)) {
        return;
    }
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

/// Insurance, phone, 政治面貌 and 普通话.
fn insurance_and_contact(
    rng: &mut ChaCha8Rng,
    p: &mut Person,
    age: i32,
    in_school: bool,
    lifted: bool,
) {
    let ins = &mut p.insurance;
    ins.resident_medical = !ins.employee_medical && rng.random_bool(0.992);
    ins.critical_illness = ins.resident_medical || ins.employee_medical;
    ins.resident_pension =
        age >= 16 && !in_school && !ins.employee_pension && rng.random_bool(0.93);
    ins.other_health_support = lifted && rng.random_bool(0.3);
    ins.accident_insurance_subsidy = lifted && age >= 16 && rng.random_bool(0.45);

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
pub(super) fn education(
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
