//! Resident identity card numbers (居民身份证号码, GB 11643).
//!
//! An [`IdNumber`] always holds the canonical 18-character form: 17 ASCII digits
//! followed by a check character (`0`–`9` or upper-case `X`). Parsing is lenient
//! about presentation (surrounding whitespace, lower-case `x`, full-width digits)
//! and strict about content (province code, birth date, check digit). Legacy
//! 15-digit numbers are upgraded to 18 digits.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Weights of GB 11643 / ISO 7064 MOD 11-2 for positions 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character indexed by `sum mod 11`.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Two-digit province-level codes that exist (GB/T 2260), including
/// 71 台湾, 81 香港, 82 澳门.
pub(crate) const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Whether a two-digit number is a valid province-level code.
pub(crate) fn is_province_code(code: u8) -> bool {
    PROVINCE_CODES.contains(&code)
}

/// Why a string is not a valid identity card number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    /// Nothing but whitespace was given.
    #[error("证件号码为空")]
    Empty,
    /// Length is neither 18 nor 15 characters.
    #[error("证件号码长度应为18位（或15位旧号码），实际为{actual}位")]
    Length {
        /// Number of characters found (after trimming).
        actual: usize,
    },
    /// A character that is not a digit (or `X` in the last position of an 18-digit number).
    #[error("证件号码含非法字符：'{ch}'（第{position}位）")]
    InvalidChar {
        /// The offending character as typed.
        ch: char,
        /// 1-based position in the trimmed input.
        position: usize,
    },
    /// The first two digits are not a province-level code.
    #[error("证件号码的地区码无效：{area}（省级代码{province}不存在）")]
    Province {
        /// The six-digit area prefix.
        area: String,
        /// Its first two digits.
        province: String,
    },
    /// The eight-digit birth date is not a calendar date.
    #[error("证件号码中的出生日期无效：{date}")]
    BirthDate {
        /// The birth date digits (YYYYMMDD).
        date: String,
    },
    /// Birth year before 1900.
    #[error("证件号码中的出生年份无效：{year}年早于1900年")]
    BirthYear {
        /// The year found.
        year: i32,
    },
    /// The check character does not match the first 17 digits.
    #[error("证件号码校验位错误：应为{expected}，实际为{actual}")]
    CheckDigit {
        /// Check character computed from the first 17 digits.
        expected: char,
        /// Check character found.
        actual: char,
    },
    /// `from_parts`: the area code is not six digits.
    #[error("地区码应为6位数字，实际为“{area}”")]
    AreaFormat {
        /// The area code given.
        area: String,
    },
    /// `from_parts`: the sequence number is above 999.
    #[error("顺序码应在0至999之间，实际为{seq}")]
    Sequence {
        /// The sequence number given.
        seq: u16,
    },
    /// `from_parts`: birth year outside 1900..=9999.
    #[error("出生年份应在1900至9999之间，实际为{year}")]
    YearRange {
        /// The year given.
        year: i32,
    },
}

/// Sex as encoded in the 17th digit of an identity number (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    /// 男, code 1.
    Male,
    /// 女, code 2.
    Female,
}

impl Sex {
    /// National code: 1 男, 2 女.
    pub fn code(self) -> u8 {
        match self {
            Sex::Male => 1,
            Sex::Female => 2,
        }
    }

    /// Chinese label: 男 / 女.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    /// Parse a label (`男`/`女`) or code (`1`/`2`).
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim() {
            "男" | "1" => Some(Sex::Male),
            "女" | "2" => Some(Sex::Female),
            _ => None,
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Sex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Sex {
    /// Accepts `"男"`/`"女"` (the serialized form) and also the codes `"1"`/`"2"`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Sex::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("性别无效：“{s}”，应为“男”或“女”")))
    }
}

/// Compute the GB 11643 check character for the first 17 digits.
///
/// Returns an ASCII digit or `b'X'`.
///
/// # Panics
/// Panics if `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &[u8]) -> u8 {
    assert_eq!(first17.len(), 17, "check_digit needs exactly 17 digits");
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| {
            assert!(b.is_ascii_digit(), "check_digit needs ASCII digits");
            u32::from(b - b'0') * w
        })
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// A validated 18-digit resident identity card number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct IdNumber(String);

/// Map one input character to its canonical ASCII form (`0`–`9` or `X`).
fn normalise_char(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8),
        '\u{FF10}'..='\u{FF19}' => Some(b'0' + (c as u32 - 0xFF10) as u8),
        'x' | 'X' | 'ｘ' | 'Ｘ' => Some(b'X'),
        _ => None,
    }
}

impl IdNumber {
    /// Parse and validate an identity number, normalising it to 18 characters.
    ///
    /// Accepts surrounding whitespace, lower-case `x`, full-width digits and `Ｘ`,
    /// and legacy 15-digit numbers (upgraded by inserting `19` before the year).
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let count = trimmed.chars().count();
        let mut bytes = Vec::with_capacity(18);
        for (i, c) in trimmed.chars().enumerate() {
            let position = i + 1;
            match normalise_char(c) {
                // X is only allowed as the check character of an 18-digit number.
                Some(b'X') if !(position == count && count == 18) => {
                    return Err(IdNumberError::InvalidChar { ch: c, position });
                }
                Some(b) => bytes.push(b),
                None => return Err(IdNumberError::InvalidChar { ch: c, position }),
            }
        }
        match bytes.len() {
            18 => {
                validate_body(&bytes[..17])?;
                let expected = check_digit(&bytes[..17]);
                if bytes[17] != expected {
                    return Err(IdNumberError::CheckDigit {
                        expected: expected as char,
                        actual: bytes[17] as char,
                    });
                }
            }
            15 => {
                let mut upgraded = Vec::with_capacity(18);
                upgraded.extend_from_slice(&bytes[..6]);
                upgraded.extend_from_slice(b"19");
                upgraded.extend_from_slice(&bytes[6..15]);
                validate_body(&upgraded)?;
                let check = check_digit(&upgraded);
                upgraded.push(check);
                bytes = upgraded;
            }
            n => return Err(IdNumberError::Length { actual: n }),
        }
        // All bytes are ASCII digits or 'X'.
        Ok(IdNumber(
            String::from_utf8(bytes).expect("ASCII digits are valid UTF-8"),
        ))
    }

    /// Build a valid number from its parts, computing the check digit.
    ///
    /// `area6` must be six ASCII digits with a valid province prefix, `seq` at most 999.
    pub fn from_parts(area6: &str, birth: NaiveDate, seq: u16) -> Result<IdNumber, IdNumberError> {
        let area = area6.as_bytes();
        if area.len() != 6 || !area.iter().all(u8::is_ascii_digit) {
            return Err(IdNumberError::AreaFormat {
                area: area6.to_string(),
            });
        }
        check_province(area)?;
        if seq > 999 {
            return Err(IdNumberError::Sequence { seq });
        }
        let year = birth.year();
        if !(1900..=9999).contains(&year) {
            return Err(IdNumberError::YearRange { year });
        }
        let mut buf = [0u8; 18];
        buf[..6].copy_from_slice(area);
        write_digits(&mut buf[6..10], year as u32);
        write_digits(&mut buf[10..12], birth.month());
        write_digits(&mut buf[12..14], birth.day());
        write_digits(&mut buf[14..17], u32::from(seq));
        buf[17] = check_digit(&buf[..17]);
        let mut s = String::with_capacity(18);
        s.extend(buf.iter().map(|&b| b as char));
        Ok(IdNumber(s))
    }

    /// The canonical 18-character form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Birth date encoded in positions 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        let b = self.0.as_bytes();
        let year = read_digits(&b[6..10]) as i32;
        let month = read_digits(&b[10..12]);
        let day = read_digits(&b[12..14]);
        NaiveDate::from_ymd_opt(year, month, day).expect("birth date validated on construction")
    }

    /// Sex encoded in the 17th digit (odd = male).
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The six-digit administrative area prefix (place of first registration).
    pub fn area_prefix(&self) -> &str {
        &self.0[..6]
    }

    /// Masked form for display: first 6 characters, 8 `*`, last 4 characters.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// A birth date as shown to readers who may not see full ID numbers: the
/// year only. The masked ID number keeps its first six and last four
/// characters (with the check digit), so a full birth date next to it would
/// give the hidden digits back; with the year alone about a month's worth of
/// dates still fits (see the test below). A full birth date is read like a
/// full ID number: through the audited reveal, or an unmasked export.
pub fn masked_birth_date(date: NaiveDate) -> String {
    format!("{}年", date.year())
}

/// [`masked_birth_date`] of a stored `YYYY-MM-DD` text; anything else is
/// blanked rather than shown.
pub fn masked_birth_text(text: &str) -> String {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => masked_birth_date(d),
        Err(_) => "*".repeat(text.chars().count()),
    }
}

fn write_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn read_digits(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
}

fn check_province(area: &[u8]) -> Result<(), IdNumberError> {
    let province = read_digits(&area[..2]) as u8;
    if is_province_code(province) {
        Ok(())
    } else {
        Err(IdNumberError::Province {
            area: String::from_utf8_lossy(&area[..6]).into_owned(),
            province: String::from_utf8_lossy(&area[..2]).into_owned(),
        })
    }
}

/// Validate the first 17 digits (province and birth date) of an 18-digit number.
/// Whether 17 ASCII digits are a possible ID body: an existing province,
/// a real birth date from 1900 (the checks of [`IdNumber::parse`] before
/// the check digit), for callers that read IDs in bulk without allocating.
pub fn body_is_valid(first17: &[u8]) -> bool {
    first17.len() == 17 && first17.iter().all(u8::is_ascii_digit) && validate_body(first17).is_ok()
}

fn validate_body(first17: &[u8]) -> Result<(), IdNumberError> {
    check_province(first17)?;
    let date = &first17[6..14];
    let year = read_digits(&date[..4]) as i32;
    let month = read_digits(&date[4..6]);
    let day = read_digits(&date[6..8]);
    if NaiveDate::from_ymd_opt(year, month, day).is_none() {
        return Err(IdNumberError::BirthDate {
            date: String::from_utf8_lossy(date).into_owned(),
        });
    }
    if year < 1900 {
        return Err(IdNumberError::BirthYear { year });
    }
    Ok(())
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {

    /// What a reader without `id.unmask` sees of a person: the masked ID
    /// number and the birth year. Counting every valid ID number that agrees
    /// with both shows how many guesses remain.
    fn candidates(id: &IdNumber) -> usize {
        let masked = id.masked();
        let year = masked_birth_date(id.birth_date());
        let start = NaiveDate::from_ymd_opt(id.birth_date().year(), 1, 1).unwrap();
        let seq: u16 = id.as_str()[14..17].parse().unwrap();
        start
            .iter_days()
            .take_while(|d| d.year() == start.year())
            .filter_map(|d| IdNumber::from_parts(id.area_prefix(), d, seq).ok())
            .filter(|c| c.masked() == masked && masked_birth_date(c.birth_date()) == year)
            .count()
    }

    #[test]
    fn a_masked_id_and_the_birth_year_do_not_give_the_number_back() {
        for (area, (y, m, d), seq) in [
            ("110105", (1949, 12, 31), 2),
            ("500230", (1985, 7, 15), 151),
            ("440301", (2000, 2, 29), 1),
            ("500230", (1962, 1, 1), 998),
        ] {
            let birth = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let id = IdNumber::from_parts(area, birth, seq).unwrap();
            let n = candidates(&id);
            assert!(n >= 20, "{id:?}: only {n} candidates");
        }
        assert_eq!(masked_birth_text("1985-07-15"), "1985年");
        assert_eq!(masked_birth_text("bad"), "***");
    }
    use super::*;
    use proptest::prelude::*;

    fn make(first17: &str) -> String {
        let c = check_digit(first17.as_bytes()) as char;
        format!("{first17}{c}")
    }

    #[test]
    fn standard_example_is_valid() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.area_prefix(), "110105");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(check_digit(b"11010519491231002"), b'X');
    }

    #[test]
    fn normalises_presentation() {
        let id = IdNumber::parse("  11010519491231002x\t").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let full = "１１０１０５１９４９１２３１００２ｘ";
        assert_eq!(IdNumber::parse(full).unwrap(), id);
        let full_upper = "１１０１０５１９４９１２３１００２Ｘ";
        assert_eq!(IdNumber::parse(full_upper).unwrap(), id);
        assert_eq!("11010519491231002X".parse::<IdNumber>().unwrap(), id);
    }

    #[test]
    fn constructed_numbers_are_valid() {
        for body in [
            "50023019850412123",
            "53230119900101001",
            "44190020000229456",
        ] {
            let s = make(body);
            let id = IdNumber::parse(&s).unwrap();
            assert_eq!(id.as_str(), s);
        }
        // The 17th digit decides the sex: odd is male, even is female.
        let id = IdNumber::parse(&make("50023019850412123")).unwrap();
        assert_eq!(id.sex(), Sex::Male);
        let id = IdNumber::parse(&make("50023019850412122")).unwrap();
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn error_messages() {
        let e = IdNumber::parse("11010519491231002").unwrap_err();
        assert_eq!(
            e.to_string(),
            "证件号码长度应为18位（或15位旧号码），实际为17位"
        );
        let e = IdNumber::parse("110105194912310023").unwrap_err();
        assert_eq!(e.to_string(), "证件号码校验位错误：应为X，实际为3");
        let e = IdNumber::parse(&make("11010519990230002")).unwrap_err();
        assert_eq!(e.to_string(), "证件号码中的出生日期无效：19990230");
        let e = IdNumber::parse("1101A519491231002X").unwrap_err();
        assert_eq!(e.to_string(), "证件号码含非法字符：'A'（第5位）");
        let e = IdNumber::parse("1101X519491231002X").unwrap_err();
        assert_eq!(e.to_string(), "证件号码含非法字符：'X'（第5位）");
        let e = IdNumber::parse(&make("99010519491231002")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "证件号码的地区码无效：990105（省级代码99不存在）"
        );
        let e = IdNumber::parse(&make("11010518991231002")).unwrap_err();
        assert!(matches!(e, IdNumberError::BirthYear { year: 1899 }));
        assert_eq!(IdNumber::parse("   ").unwrap_err(), IdNumberError::Empty);
        // X is not allowed in a 15-digit number.
        let e = IdNumber::parse("11010549123100X").unwrap_err();
        assert!(matches!(e, IdNumberError::InvalidChar { position: 15, .. }));
    }

    #[test]
    fn upgrades_fifteen_digits() {
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let e = IdNumber::parse("110105990230002").unwrap_err();
        assert_eq!(e.to_string(), "证件号码中的出生日期无效：19990230");
    }

    #[test]
    fn from_parts_matches_parse() {
        let birth = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        let id = IdNumber::from_parts("110105", birth, 2).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(IdNumber::from_parts("11010", birth, 2).is_err());
        assert!(IdNumber::from_parts("990105", birth, 2).is_err());
        assert!(IdNumber::from_parts("110105", birth, 1000).is_err());
        let old = NaiveDate::from_ymd_opt(1899, 1, 1).unwrap();
        assert!(IdNumber::from_parts("110105", old, 1).is_err());
    }

    #[test]
    fn serde_round_trip() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        let back: IdNumber = serde_json::from_str("\"11010519491231002x\"").unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310023\"").is_err());
        assert_eq!(serde_json::to_string(&Sex::Male).unwrap(), "\"男\"");
        assert_eq!(serde_json::from_str::<Sex>("\"女\"").unwrap(), Sex::Female);
        assert_eq!(Sex::Male.code(), 1);
        assert_eq!(Sex::Female.label(), "女");
    }

    fn valid_id() -> impl Strategy<Value = IdNumber> {
        (
            prop::sample::select(PROVINCE_CODES.to_vec()),
            0u32..10_000,
            1900i32..2100,
            1u32..=12,
            1u32..=31,
            0u16..=999,
        )
            .prop_filter_map("valid date", |(p, rest, y, m, d, seq)| {
                let date = NaiveDate::from_ymd_opt(y, m, d)?;
                let area = format!("{p:02}{rest:04}");
                IdNumber::from_parts(&area, date, seq).ok()
            })
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(id in valid_id()) {
            let again = IdNumber::parse(id.as_str()).unwrap();
            prop_assert_eq!(&again, &id);
            let lower = id.as_str().to_lowercase();
            prop_assert_eq!(IdNumber::parse(&lower).unwrap(), id.clone());
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        }

        #[test]
        fn single_digit_changes_are_caught(id in valid_id(), pos in 0usize..18, delta in 1u8..11) {
            let mut bytes = id.as_str().as_bytes().to_vec();
            // Cycle through the 11 possible check characters at the last position,
            // or the 10 digits elsewhere, always landing on a different value.
            if pos == 17 {
                let idx = CHECK_CHARS.iter().position(|&c| c == bytes[17]).unwrap();
                bytes[17] = CHECK_CHARS[(idx + delta as usize) % 11];
            } else {
                let d = bytes[pos] - b'0';
                bytes[pos] = b'0' + (d + delta % 10).max(d + 1) % 10;
            }
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_ne!(changed.as_str(), id.as_str());
            prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn fifteen_digit_upgrade_preserves_fields(
            p in prop::sample::select(PROVINCE_CODES.to_vec()),
            rest in 0u32..10_000,
            y in 0u32..100,
            m in 1u32..=12,
            d in 1u32..=28,
            seq in 0u32..1000,
        ) {
            let old = format!("{p:02}{rest:04}{y:02}{m:02}{d:02}{seq:03}");
            let id = IdNumber::parse(&old).unwrap();
            prop_assert_eq!(id.as_str().len(), 18);
            prop_assert_eq!(
                id.birth_date(),
                NaiveDate::from_ymd_opt(1900 + y as i32, m, d).unwrap()
            );
            let expected_sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
            prop_assert_eq!(id.sex(), expected_sex);
            prop_assert_eq!(id.area_prefix(), &old[..6]);
        }
    }
}
