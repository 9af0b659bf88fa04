//! 农户自主申报 (a household's own report of a sudden hardship) as filed on
//! the public form: who files it, for which village, what happened, and the
//! 承诺授权 (the applicant vouches for the facts and authorises the check of
//! the family's income and assets).
//!
//! [`SelfReport::parse`] turns the raw form into domain values or refuses it
//! with a Chinese message that names the field. Nothing here stores, sends or
//! dates anything.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::{AreaCode, AreaLevel};
use crate::id_number::{IdNumber, IdNumberError};

/// Version of the consent text the applicant agrees to. Stored with every
/// report, so a later change of the wording never rewrites what was agreed.
pub const CONSENT_VERSION: &str = "2026-01";

/// The consent text of [`CONSENT_VERSION`], as the form shows it.
pub const CONSENT_TEXT: &str = "本人承诺所填信息真实、完整，如有虚假愿承担相应责任；\
本人同意并授权有关部门依法查询、核实本人及家庭成员的收入、存款、车辆、房产、工商登记等家庭经济状况；\
所填个人信息仅用于防止返贫监测帮扶的受理和核实，不作他用。";

/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 20;

/// The kind of sudden hardship (突发困难类型) reported.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hardship {
    /// 因病.
    Illness,
    /// 因灾 (natural disaster).
    Disaster,
    /// 因意外 (accident).
    Accident,
    /// 失业.
    Unemployment,
    /// 收入骤减.
    IncomeDrop,
    /// 其他.
    Other,
}

impl Hardship {
    /// Every kind, in the order the form offers them.
    pub const ALL: [Hardship; 6] = [
        Hardship::Illness,
        Hardship::Disaster,
        Hardship::Accident,
        Hardship::Unemployment,
        Hardship::IncomeDrop,
        Hardship::Other,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Hardship::Illness => "illness",
            Hardship::Disaster => "disaster",
            Hardship::Accident => "accident",
            Hardship::Unemployment => "unemployment",
            Hardship::IncomeDrop => "income_drop",
            Hardship::Other => "other",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Hardship::Illness => "因病",
            Hardship::Disaster => "因灾",
            Hardship::Accident => "因意外",
            Hardship::Unemployment => "失业",
            Hardship::IncomeDrop => "收入骤减",
            Hardship::Other => "其他",
        }
    }

    /// Whether the 绿色通道 (assistance first, procedure afterwards) may
    /// apply: disasters and accidents.
    pub fn emergency(self) -> bool {
        matches!(self, Hardship::Disaster | Hardship::Accident)
    }

    /// Parse a stored code.
    pub fn parse(code: &str) -> Result<Hardship, SelfReportError> {
        Hardship::ALL
            .into_iter()
            .find(|h| h.code() == code.trim())
            .ok_or(SelfReportError::Hardship)
    }
}

/// How the applicant stands to the household the report is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 户主本人.
    Head,
    /// 家庭成员.
    Member,
    /// 近亲属代为申报.
    Relative,
    /// 村干部、村民小组长或网格员代为申报.
    Proxy,
}

impl Relation {
    /// Every relation, in the order the form offers them.
    pub const ALL: [Relation; 4] = [
        Relation::Head,
        Relation::Member,
        Relation::Relative,
        Relation::Proxy,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Member => "member",
            Relation::Relative => "relative",
            Relation::Proxy => "proxy",
        }
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Relation::Head => "户主本人",
            Relation::Member => "家庭成员",
            Relation::Relative => "近亲属代为申报",
            Relation::Proxy => "村干部或网格员代为申报",
        }
    }

    /// Whether the applicant belongs to the household (so their ID number
    /// can find it in the registry).
    pub fn in_household(self) -> bool {
        matches!(self, Relation::Head | Relation::Member)
    }

    /// Parse a stored code.
    pub fn parse(code: &str) -> Result<Relation, SelfReportError> {
        Relation::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
            .ok_or(SelfReportError::Relation)
    }
}

/// A contact telephone number: an 11-digit mobile number, or a fixed line
/// with its area code (`023-12345678`). Kept as digits, a fixed line with one
/// hyphen after the area code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Phone(String);

impl Phone {
    /// Parse what a person types: spaces, hyphens and full-width digits are
    /// accepted; a leading `+86` is dropped.
    pub fn parse(input: &str) -> Result<Phone, SelfReportError> {
        let mut digits = String::new();
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '\u{FF10}'..='\u{FF19}' => {
                    digits.push(char::from(b'0' + (c as u32 - 0xFF10) as u8));
                }
                ' ' | '-' | '－' | '\u{3000}' | '(' | ')' | '（' | '）' => {}
                '+' if digits.is_empty() => {}
                _ => return Err(SelfReportError::Phone),
            }
        }
        let digits = match digits.strip_prefix("86") {
            Some(rest) if input.trim_start().starts_with('+') => rest.to_owned(),
            _ => digits,
        };
        let b = digits.as_bytes();
        let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if mobile {
            return Ok(Phone(digits));
        }
        // Fixed line: 0 + a 2- or 3-digit area code (01x/02x take two digits),
        // then 7 or 8 digits.
        if b.len() >= 10 && b.len() <= 12 && b[0] == b'0' {
            let area = if matches!(b[1], b'1' | b'2') { 3 } else { 4 };
            let local = b.len() - area;
            if (7..=8).contains(&local) {
                return Ok(Phone(format!("{}-{}", &digits[..area], &digits[area..])));
            }
        }
        Err(SelfReportError::Phone)
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked for display: the first 3 and last 4 digits of a mobile number,
    /// the area code and last 4 digits of a fixed line.
    pub fn masked(&self) -> String {
        let s = &self.0;
        match s.split_once('-') {
            Some((area, local)) => format!(
                "{area}-{}{}",
                "*".repeat(local.len() - 4),
                &local[local.len() - 4..]
            ),
            None => format!("{}****{}", &s[..3], &s[7..]),
        }
    }
}

/// The public form as submitted: every field as typed (a missing field is
/// empty, and refused by [`SelfReport::parse`] with the field's name).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SelfReportForm {
    /// 申请人姓名.
    pub name: String,
    /// 申请人身份证号码.
    pub id_number: String,
    /// 联系电话.
    pub phone: String,
    /// The village (12-digit code) the household lives in.
    pub village: String,
    /// [`Relation`] code.
    pub relation: String,
    /// 户主姓名 when the applicant is not the head (optional).
    pub head_name: String,
    /// [`Hardship`] code.
    pub hardship: String,
    /// What happened, in the applicant's words.
    pub description: String,
    /// The 承诺授权 box is ticked.
    pub consent: bool,
}

/// A self-report whose every field is valid.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfReport {
    /// 申请人姓名.
    pub name: String,
    /// 申请人身份证号码.
    pub id_number: IdNumber,
    /// 联系电话.
    pub phone: Phone,
    /// The household's village.
    pub village: AreaCode,
    /// The applicant's relation to the household.
    pub relation: Relation,
    /// 户主姓名, when given and the applicant is not the head.
    pub head_name: Option<String>,
    /// 突发困难类型.
    pub hardship: Hardship,
    /// What happened.
    pub description: String,
}

/// Why a self-report was refused; each message names the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelfReportError {
    /// No name, or not a plausible one.
    #[error("申请人姓名：请填写真实姓名（不超过{MAX_NAME_CHARS}个字，不含数字和符号）")]
    Name,
    /// The ID number does not parse (check digit, date, length …).
    #[error("身份证号码：{0}")]
    IdNumber(IdNumberError),
    /// Not a mobile or fixed-line number.
    #[error("联系电话：应为11位手机号码或带区号的固定电话（如 023-12345678）")]
    Phone,
    /// No village, or a code that is not a village.
    #[error("所在村：请选择所在乡镇和村")]
    Village,
    /// Not one of the listed relations.
    #[error("与该户关系：请选择户主本人、家庭成员、近亲属代为申报或村干部/网格员代为申报")]
    Relation,
    /// The head's name is implausible.
    #[error("户主姓名：不超过{MAX_NAME_CHARS}个字，不含数字和符号")]
    HeadName,
    /// Not one of the listed hardships.
    #[error("困难类型：请选择因病、因灾、因意外、失业、收入骤减或其他")]
    Hardship,
    /// Nothing or too much written.
    #[error("困难情况说明：请简要说明发生了什么（不超过{MAX_DESCRIPTION_CHARS}字）")]
    Description,
    /// The consent box is not ticked.
    #[error("承诺授权：请阅读并勾选“本人承诺信息真实并授权核查家庭经济状况”后再提交")]
    Consent,
}

/// A person's name as written on their ID card: Chinese characters, Latin
/// letters, the middle dot of minority names and spaces; no digits.
fn person_name(input: &str) -> Option<String> {
    let name: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    let plausible = name
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '·' | '•' | '.' | ' '));
    (count > 0 && count <= MAX_NAME_CHARS && plausible).then_some(name)
}

impl SelfReport {
    /// Parses the public form, field by field in the order the form shows
    /// them; the first field in error is reported.
    pub fn parse(form: &SelfReportForm) -> Result<SelfReport, SelfReportError> {
        let name = person_name(&form.name).ok_or(SelfReportError::Name)?;
        let id_number = IdNumber::parse(&form.id_number).map_err(SelfReportError::IdNumber)?;
        let phone = Phone::parse(&form.phone)?;
        let village = AreaCode::parse(form.village.trim())
            .ok()
            .filter(|a| a.level() == AreaLevel::Village)
            .ok_or(SelfReportError::Village)?;
        let relation = Relation::parse(&form.relation)?;
        let head_name = match form.head_name.trim() {
            "" => None,
            _ if relation == Relation::Head => None,
            other => Some(person_name(other).ok_or(SelfReportError::HeadName)?),
        };
        let hardship = Hardship::parse(&form.hardship)?;
        let description = form.description.trim().to_owned();
        if description.is_empty() || description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(SelfReportError::Description);
        }
        if !form.consent {
            return Err(SelfReportError::Consent);
        }
        Ok(SelfReport {
            name,
            id_number,
            phone,
            village,
            relation,
            head_name,
            hardship,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SelfReportForm {
        SelfReportForm {
            name: " 张 三 ".into(),
            id_number: "11010519491231002x".into(),
            phone: "138 0013 8000".into(),
            village: "500230101201".into(),
            relation: "head".into(),
            head_name: String::new(),
            hardship: "illness".into(),
            description: "  户主突发重病住院，自付医疗费用约3万元。 ".into(),
            consent: true,
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let r = SelfReport::parse(&form()).unwrap();
        assert_eq!(r.name, "张 三");
        assert_eq!(r.id_number.as_str(), "11010519491231002X");
        assert_eq!(r.phone.as_str(), "13800138000");
        assert_eq!(r.phone.masked(), "138****8000");
        assert_eq!(r.village.as_string(), "500230101201");
        assert_eq!(r.relation, Relation::Head);
        assert_eq!(r.hardship, Hardship::Illness);
        assert_eq!(r.description, "户主突发重病住院，自付医疗费用约3万元。");
        assert_eq!(r.head_name, None);
    }

    #[test]
    fn each_field_is_named_in_its_error() {
        type Change = fn(&mut SelfReportForm);
        let cases: [(Change, &str); 9] = [
            (|f| f.name = "  ".into(), "申请人姓名"),
            (|f| f.name = "张3".into(), "申请人姓名"),
            (
                |f| f.id_number = "110105194912310021".into(),
                "身份证号码：证件号码校验位错误：应为X，实际为1",
            ),
            (|f| f.phone = "12345".into(), "联系电话"),
            (|f| f.village = "500230101000".into(), "所在村"),
            (|f| f.relation = "neighbour".into(), "与该户关系"),
            (|f| f.hardship = String::new(), "困难类型"),
            (|f| f.description = " ".into(), "困难情况说明"),
            (|f| f.consent = false, "承诺授权"),
        ];
        for (change, field) in cases {
            let mut f = form();
            change(&mut f);
            let e = SelfReport::parse(&f).unwrap_err().to_string();
            assert!(e.starts_with(field), "{e} should name {field}");
        }
        let mut f = form();
        f.description = "很".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(
            SelfReport::parse(&f).unwrap_err(),
            SelfReportError::Description
        );
    }

    #[test]
    fn head_name_only_when_filing_for_someone() {
        let mut f = form();
        f.relation = "relative".into();
        f.head_name = "李四".into();
        assert_eq!(
            SelfReport::parse(&f).unwrap().head_name.as_deref(),
            Some("李四")
        );
        f.head_name = "李4".into();
        assert_eq!(
            SelfReport::parse(&f).unwrap_err(),
            SelfReportError::HeadName
        );
        f.relation = "head".into();
        assert_eq!(SelfReport::parse(&f).unwrap().head_name, None);
        assert!(Relation::Member.in_household());
        assert!(!Relation::Proxy.in_household());
    }

    #[test]
    fn phone_forms() {
        for (input, stored, masked) in [
            ("13800138000", "13800138000", "138****8000"),
            ("+86 139-0000-1234", "13900001234", "139****1234"),
            ("１３８００１３８０００", "13800138000", "138****8000"),
            ("023-70701234", "023-70701234", "023-****1234"),
            ("(0851)8123456", "0851-8123456", "0851-***3456"),
        ] {
            let p = Phone::parse(input).unwrap();
            assert_eq!(p.as_str(), stored, "{input}");
            assert_eq!(p.masked(), masked, "{input}");
        }
        for bad in [
            "",
            "1380013800",
            "23800138000",
            "12800138000",
            "0231234",
            "138a0013800",
        ] {
            assert_eq!(Phone::parse(bad), Err(SelfReportError::Phone), "{bad}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for h in Hardship::ALL {
            assert_eq!(Hardship::parse(h.code()).unwrap(), h);
        }
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.code()).unwrap(), r);
        }
        assert!(Hardship::Disaster.emergency());
        assert!(!Hardship::Illness.emergency());
    }
}
