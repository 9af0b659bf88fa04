//! Near-duplicate persons: records that are probably the same person entered
//! twice, to be reviewed by a person, never merged automatically.
//!
//! Two rules:
//! * **同音同生日** — same village, same birth date, names with the same pinyin
//!   (张伟 / 章伟), different ID numbers;
//! * **证件号近似** — names with the same pinyin and ID numbers whose first 17
//!   digits differ in exactly one position, or by swapping two adjacent digits
//!   (the typical typing errors). Two valid numbers never differ in a single
//!   one of the 18 characters, so the check digit is left out of the
//!   comparison. The name is required: people of one county born on the same
//!   day differ only in the 3-digit sequence, so "one digit apart" alone would
//!   flag a large share of all residents (on the demo county of 100,000
//!   households it did: 137,308 pairs).
//!
//! Exact duplicates of an ID number are not near duplicates: they are refused
//! when saving.

use std::collections::HashMap;

use chrono::NaiveDate;
use pinyin::ToPinyin;

use crate::{AreaCode, IdNumber};

/// One person as the duplicate scan sees them.
#[derive(Clone, Debug)]
pub struct PersonKey {
    pub person_id: i64,
    pub village: AreaCode,
    pub name: String,
    pub birth_date: NaiveDate,
    pub id_number: IdNumber,
}

/// Why two persons look alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DuplicateRule {
    SamePinyinAndBirth,
    NearIdNumber,
}

impl DuplicateRule {
    pub fn code(self) -> &'static str {
        match self {
            DuplicateRule::SamePinyinAndBirth => "same_pinyin_birth",
            DuplicateRule::NearIdNumber => "near_id_number",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DuplicateRule::SamePinyinAndBirth => "同村同音姓名且出生日期相同",
            DuplicateRule::NearIdNumber => "姓名同音且证件号码仅一位不同或相邻两位颠倒",
        }
    }
}

/// A pair of persons to review; `a < b` by person id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DuplicatePair {
    pub a: i64,
    pub b: i64,
    pub rule: DuplicateRule,
}

/// The name written in plain pinyin, syllables joined (non-Han characters kept).
pub fn name_pinyin(name: &str) -> String {
    let mut out = String::new();
    for (ch, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => out.push_str(p.plain()),
            None if ch.is_whitespace() || ch == '·' => {}
            None => out.extend(ch.to_lowercase()),
        }
    }
    out
}

fn pair(x: i64, y: i64, rule: DuplicateRule) -> DuplicatePair {
    DuplicatePair {
        a: x.min(y),
        b: x.max(y),
        rule,
    }
}

/// Whether the first 17 digits differ in exactly one position or by one
/// swap of two adjacent digits.
fn near_ids(x: &IdNumber, y: &IdNumber) -> bool {
    let (a, b) = (&x.as_str().as_bytes()[..17], &y.as_str().as_bytes()[..17]);
    let diff: Vec<usize> = (0..17).filter(|&k| a[k] != b[k]).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// All near-duplicate pairs among `people`, sorted.
///
/// People are grouped by the pinyin of their names first; both rules only
/// compare within a group, which keeps the work and memory proportional to
/// the county's size.
pub fn find_near_duplicates(people: &[PersonKey]) -> Vec<DuplicatePair> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        by_name.entry(name_pinyin(&p.name)).or_default().push(i);
    }
    let mut out = Vec::new();
    for group in by_name.values().filter(|g| g.len() > 1) {
        for (k, &i) in group.iter().enumerate() {
            for &j in &group[k + 1..] {
                let (x, y) = (&people[i], &people[j]);
                if x.id_number == y.id_number {
                    continue;
                }
                if x.village == y.village && x.birth_date == y.birth_date {
                    out.push(pair(
                        x.person_id,
                        y.person_id,
                        DuplicateRule::SamePinyinAndBirth,
                    ));
                }
                if near_ids(&x.id_number, &y.id_number) {
                    out.push(pair(x.person_id, y.person_id, DuplicateRule::NearIdNumber));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(area: &str, birth: (i32, u32, u32), seq: u16) -> IdNumber {
        IdNumber::from_parts(
            area,
            NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap(),
            seq,
        )
        .unwrap()
    }

    fn person(pid: i64, village: &str, name: &str, id_number: IdNumber) -> PersonKey {
        PersonKey {
            person_id: pid,
            village: AreaCode::parse(village).unwrap(),
            name: name.into(),
            birth_date: id_number.birth_date(),
            id_number,
        }
    }

    #[test]
    fn pinyin_of_names() {
        assert_eq!(name_pinyin("张伟"), "zhangwei");
        assert_eq!(name_pinyin("章伟"), "zhangwei");
        assert_eq!(name_pinyin("阿依古丽·买买提"), "ayigulimaimaiti");
    }

    #[test]
    fn homophone_names_with_the_same_birth_date_in_one_village() {
        let v = "500230101201";
        let people = vec![
            person(1, v, "张伟", id("500230", (1980, 5, 1), 123)),
            person(2, v, "章伟", id("500230", (1980, 5, 1), 456)),
            // Same sound and birth date, other village: not flagged.
            person(3, "500230101202", "张炜", id("500230", (1980, 5, 1), 789)),
            // Same village, other birth date: not flagged.
            person(4, v, "张伟", id("500230", (1980, 6, 2), 888)),
        ];
        let pairs = find_near_duplicates(&people);
        assert_eq!(
            pairs,
            vec![DuplicatePair {
                a: 1,
                b: 2,
                rule: DuplicateRule::SamePinyinAndBirth
            }]
        );
    }

    #[test]
    fn id_numbers_one_digit_apart_or_swapped() {
        let base = id("500230", (1975, 3, 14), 123);
        let one_off = id("500230", (1975, 3, 14), 124);
        let swapped = IdNumber::parse(&{
            let mut b: Vec<u8> = base.as_str().as_bytes()[..17].to_vec();
            b.swap(14, 15);
            let mut s = String::from_utf8(b.clone()).unwrap();
            s.push(crate::check_digit(&b) as char);
            s
        })
        .unwrap();
        let far = id("500230", (1990, 8, 8), 777);
        let people = vec![
            person(10, "500230101201", "李娟", base),
            person(11, "500230102201", "李娟", one_off),
            person(12, "500230103201", "黎娟", swapped),
            person(13, "500230103201", "李娟", far),
            // One digit apart but another name: two neighbours born the same day.
            person(14, "500230101201", "王强", id("500230", (1975, 3, 14), 125)),
        ];
        let pairs = find_near_duplicates(&people);
        assert!(pairs.contains(&DuplicatePair {
            a: 10,
            b: 11,
            rule: DuplicateRule::NearIdNumber
        }));
        assert!(pairs.contains(&DuplicatePair {
            a: 10,
            b: 12,
            rule: DuplicateRule::NearIdNumber
        }));
        assert!(!pairs.iter().any(|p| p.a == 13 || p.b == 13));
        assert!(!pairs.iter().any(|p| p.a == 14 || p.b == 14), "{pairs:?}");
    }

    #[test]
    fn distinct_people_are_not_flagged() {
        let people: Vec<PersonKey> = (0..200)
            .map(|i| {
                person(
                    i,
                    "500230101201",
                    &format!("村民{i}"),
                    id(
                        "500230",
                        (
                            1960 + (i as i32 % 40),
                            1 + (i as u32 % 12),
                            1 + (i as u32 % 28),
                        ),
                        (i * 37 % 1000) as u16,
                    ),
                )
            })
            .collect();
        let pairs = find_near_duplicates(&people);
        // Any pair found must really be within one digit of each other.
        for p in pairs {
            let x = people[p.a as usize].id_number.as_str().as_bytes();
            let y = people[p.b as usize].id_number.as_str().as_bytes();
            let diff = (0..17).filter(|&k| x[k] != y[k]).count();
            assert!(diff <= 2, "{p:?}");
        }
    }
}
