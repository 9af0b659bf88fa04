//! Raw cells as they come out of xlsx or CSV, and their conversion into typed
//! values according to a column's [`Kind`].

use chrono::{Duration, NaiveDate};
use fangpin_domain::household::{Hundredths, YearMonth};
use fangpin_domain::{AreaCode, AreaLevel, IdNumber, Money, Sex, find_list};

use crate::columns::{Kind, Value};

/// A cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date-formatted cell, already converted.
    Date(NaiveDate),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// Whether [`Cell::display`] equals `other`, without allocating for text cells.
    pub fn display_is(&self, other: &str) -> bool {
        match self {
            Cell::Empty => other.is_empty(),
            Cell::Text(s) => s.trim() == other,
            _ => self.display() == other,
        }
    }

    /// The cell as a user would read it (used in messages and consistency checks).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => format_number(*f),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// Shortest decimal form of a number; integers without a fraction.
pub(crate) fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Whether a text looks like a number Excel has put in scientific notation
/// (`5.00230198E+17`), which means digits have been lost.
fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Excel serial day number (1900 date system) to a date.
pub(crate) fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts 1900-02-29, which did not exist; serials from 61 on are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    let days = if days >= 60 { days - 1 } else { days };
    base.checked_add_signed(Duration::days(days))
}

/// Parse a date written as text: 2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日.
pub(crate) fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // A time part after the date (2024-03-05 00:00:00) is ignored.
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    let num = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    NaiveDate::from_ymd_opt(num(parts[0])? as i32, num(parts[1])?, num(parts[2])?)
}

/// Parse 是/否 and the usual alternatives.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_uppercase().as_str() {
        "是" | "1" | "Y" | "YES" | "TRUE" | "有" | "√" => Some(true),
        "否" | "0" | "N" | "NO" | "FALSE" | "无" | "×" => Some(false),
        _ => None,
    }
}

/// The text of a cell for text-like kinds. Numbers are turned back into digits
/// when that is lossless; a number of 15 or more digits is refused because Excel
/// keeps only 15 significant digits.
fn text_of(cell: &Cell, header: &str) -> Result<Option<String>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(s) => {
            let t = s.trim();
            Ok((!t.is_empty()).then(|| t.to_string()))
        }
        Cell::Number(f) => {
            if f.fract() == 0.0 && f.abs() >= 1e15 {
                Err(format!(
                    "{header}是数字格式的单元格（{}），Excel只保留15位有效数字，末尾数字已丢失；请把该列设为文本格式后重新填写",
                    format_number(*f)
                ))
            } else {
                Ok(Some(format_number(*f)))
            }
        }
        Cell::Bool(b) => Ok(Some(if *b { "是" } else { "否" }.to_string())),
        Cell::Date(d) => Ok(Some(d.format("%Y-%m-%d").to_string())),
        Cell::Error(e) => Err(format!("单元格是错误值{e}")),
    }
}

/// Look up a code-list value given as label, synonym (the national export's
/// word), code, or “code label”.
fn code_value(list_key: &str, text: &str, header: &str) -> Result<String, String> {
    let list = find_list(list_key).ok_or_else(|| format!("代码表{list_key}不存在"))?;
    if let Some(code) = list.code_of_word(text) {
        return Ok(code.to_string());
    }
    if list.contains(text) {
        return Ok(text.to_string());
    }
    // “01 户主” / “01-户主”.
    if let Some((code, label)) = text.split_once([' ', '-', '　'])
        && list.label_of(code.trim()) == Some(label.trim())
    {
        return Ok(code.trim().to_string());
    }
    // A numeric code whose leading zero was lost (1 for 01).
    if let Ok(n) = text.parse::<u32>()
        && let Some(item) = list
            .items
            .iter()
            .find(|i| i.code.parse::<u32>().ok() == Some(n))
    {
        return Ok(item.code.to_string());
    }
    Err(format!(
        "{header}“{text}”不在代码表中，可填：{}（或代码）",
        list.accepted_words().join("、")
    ))
}

/// A number written with Chinese numerals up to 99 (六, 十二, 二十, 三十五).
fn chinese_number(s: &str) -> Option<u16> {
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.chars().collect();
    let n = match chars.as_slice() {
        ['两'] => 2,
        ['十'] => 10,
        [d] => digit(*d)?,
        ['十', u] => 10 + digit(*u)?,
        [t, '十'] => digit(*t)? * 10,
        [t, '十', u] => digit(*t)? * 10 + digit(*u)?,
        _ => return None,
    };
    u16::try_from(n).ok()
}

/// A 村民小组 as the files write it: `6`, `06`, `6组`, `六组`, `第六组`, `6社`, `第6村民小组`.
pub(crate) fn parse_group_no(s: &str) -> Option<u16> {
    let s = s.trim();
    let s = s.strip_prefix('第').unwrap_or(s);
    let s = ["村民小组", "小组", "组", "社", "队"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s)
        .trim();
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect();
    if !ascii.is_empty() && ascii.bytes().all(|b| b.is_ascii_digit()) {
        return ascii.parse().ok();
    }
    chinese_number(s)
}

/// Convert a cell into the typed value of a column. `Err` holds the Chinese reason.
pub(crate) fn convert(cell: &Cell, kind: Kind, header: &str) -> Result<Value, String> {
    Ok(match kind {
        Kind::Text => Value::Text(text_of(cell, header)?),
        Kind::Code(list) => match text_of(cell, header)? {
            None => Value::Text(None),
            Some(t) => Value::Text(Some(code_value(list, &t, header)?)),
        },
        Kind::Bool => match cell {
            Cell::Bool(b) => Value::Bool(Some(*b)),
            _ => match text_of(cell, header)? {
                None => Value::Bool(None),
                Some(t) => Value::Bool(Some(
                    parse_bool(&t)
                        .ok_or_else(|| format!("{header}应填写“是”或“否”，实际为“{t}”"))?,
                )),
            },
        },
        Kind::Money => match text_of(cell, header)? {
            None => Value::Money(None),
            Some(t) => Value::Money(Some(Money::parse(&t).map_err(|e| e.to_string())?)),
        },
        Kind::Hundredths => match text_of(cell, header)? {
            None => Value::Hundredths(None),
            Some(t) => Value::Hundredths(Some(Hundredths::parse(&t).map_err(|e| e.to_string())?)),
        },
        Kind::Int => match text_of(cell, header)? {
            None => Value::Int(None),
            Some(t) => {
                let n: i64 = t
                    .parse()
                    .map_err(|_| format!("{header}应为整数，实际为“{t}”"))?;
                Value::Int(Some(n))
            }
        },
        Kind::Group => match text_of(cell, header)? {
            None => Value::Int(None),
            Some(t) => Value::Int(Some(i64::from(parse_group_no(&t).ok_or_else(|| {
                format!("{header}应为组号，如6、6组、六组或第六组，实际为“{t}”")
            })?))),
        },
        Kind::Month => match cell {
            Cell::Date(d) => Value::Month(Some(YearMonth::from_date(*d))),
            _ => match text_of(cell, header)? {
                None => Value::Month(None),
                Some(t) => Value::Month(Some(YearMonth::parse(&t).map_err(|e| e.to_string())?)),
            },
        },
        Kind::Date => match cell {
            Cell::Date(d) => Value::Date(Some(*d)),
            Cell::Number(f) if *f < 100_000.0 => Value::Date(Some(
                excel_serial_date(*f).ok_or_else(|| format!("{header}无效：{f}"))?,
            )),
            _ => match text_of(cell, header)? {
                None => Value::Date(None),
                // A masked export writes a birth date as its year only.
                Some(t) if t.len() == 7 && t.ends_with('年') && t[..4].parse::<u16>().is_ok() => {
                    return Err(format!(
                        "{header}已脱敏，无法导入（{t}）；请导出不脱敏的原始数据"
                    ));
                }
                Some(t) => Value::Date(Some(parse_date_text(&t).ok_or_else(|| {
                    format!("{header}格式无效：“{t}”（应为2024-03-05、2024/3/5或20240305）")
                })?)),
            },
        },
        Kind::IdNumber => match cell {
            Cell::Number(f) => {
                return Err(format!(
                    "{header}必须是文本格式的单元格：该单元格是数字（{}），Excel会丢失15位以后的数字；请把该列设为文本格式后重新填写",
                    format_number(*f)
                ));
            }
            _ => match text_of(cell, header)? {
                None => Value::Id(None),
                Some(t) if t.contains('*') => {
                    return Err(format!(
                        "{header}已脱敏，无法导入（{t}）；请导出不脱敏的原始数据"
                    ));
                }
                Some(t) if looks_scientific(&t) => {
                    return Err(format!(
                        "{header}“{t}”是科学计数法形式，Excel已把它当作数字并丢失了末尾数字；请把该列设为文本格式后重新填写"
                    ));
                }
                Some(t) => Value::Id(Some(IdNumber::parse(&t).map_err(|e| e.to_string())?)),
            },
        },
        Kind::Area => match text_of(cell, header)? {
            None => Value::Area(None),
            Some(t) => {
                let code = AreaCode::parse(&t).map_err(|e| e.to_string())?;
                if code.level() != AreaLevel::Village {
                    return Err(format!(
                        "{header}应为12位村级区划代码，{}是{}级代码",
                        code.as_string(),
                        code.level().label()
                    ));
                }
                Value::Area(Some(code))
            }
        },
        Kind::Sex => match text_of(cell, header)? {
            None => Value::Sex(None),
            Some(t) => Value::Sex(Some(
                Sex::parse(&t).ok_or_else(|| format!("{header}应为“男”或“女”，实际为“{t}”"))?,
            )),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fangpin_domain::codes::keys;

    #[test]
    fn dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(parse_date_text("2024-03-05"), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_text("2024/3/5"), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_text("20240305"), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_text("2024年3月5日"), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_text("2024-03-05 00:00:00"), Some(d(2024, 3, 5)));
        assert_eq!(parse_date_text("2024-02-30"), None);
        assert_eq!(excel_serial_date(45356.0), Some(d(2024, 3, 5)));
        assert_eq!(excel_serial_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(61.0), Some(d(1900, 3, 1)));
    }

    #[test]
    fn codes_by_label_code_and_both() {
        let conv = |s: &str| {
            convert(
                &Cell::Text(s.into()),
                Kind::Code(keys::RELATION),
                "与户主关系",
            )
        };
        assert_eq!(conv("户主"), Ok(Value::Text(Some("01".into()))));
        assert_eq!(conv("01"), Ok(Value::Text(Some("01".into()))));
        assert_eq!(conv("01 户主"), Ok(Value::Text(Some("01".into()))));
        assert_eq!(
            convert(&Cell::Number(1.0), Kind::Code(keys::RELATION), "与户主关系"),
            Ok(Value::Text(Some("01".into())))
        );
        assert_eq!(conv("之女婿"), Ok(Value::Text(Some("20".into()))));
        let e = conv("之曾孙").unwrap_err();
        assert!(
            e.starts_with("与户主关系“之曾孙”不在代码表中，可填：户主、配偶、之子、之女、"),
            "{e}"
        );
    }

    #[test]
    fn group_numbers() {
        for (text, n) in [
            ("6", Some(6)),
            ("06", Some(6)),
            ("6组", Some(6)),
            ("六组", Some(6)),
            ("第六组", Some(6)),
            ("第6组", Some(6)),
            ("6社", Some(6)),
            ("６组", Some(6)),
            ("十二组", Some(12)),
            ("二十组", Some(20)),
            ("第三十五村民小组", Some(35)),
            ("十组", Some(10)),
            ("组", None),
            ("六七组", None),
            ("A组", None),
        ] {
            assert_eq!(parse_group_no(text), n, "{text}");
        }
        assert_eq!(
            convert(&Cell::Number(6.0), Kind::Group, "村民小组"),
            Ok(Value::Int(Some(6)))
        );
        assert!(convert(&Cell::Text("东组".into()), Kind::Group, "村民小组").is_err());
    }

    #[test]
    fn national_months_and_amounts() {
        for t in ["202403", "2024-03", "2024/3", "2024年3月"] {
            assert_eq!(
                convert(&Cell::Text(t.into()), Kind::Month, "识别监测时间"),
                Ok(Value::Month(Some(YearMonth::new(2024, 3).unwrap()))),
                "{t}"
            );
        }
        for t in ["26,875.00", "26875", "26875元", "２６８７５", "26875.0"] {
            assert_eq!(
                convert(&Cell::Text(t.into()), Kind::Money, "工资性收入"),
                Ok(Value::Money(Some(Money::from_fen(2_687_500)))),
                "{t}"
            );
        }
    }

    #[test]
    fn id_numbers() {
        let e = convert(&Cell::Number(5.00230198e17), Kind::IdNumber, "证件号码").unwrap_err();
        assert!(e.contains("必须是文本格式"), "{e}");
        let e = convert(
            &Cell::Text("5.00230198E+17".into()),
            Kind::IdNumber,
            "证件号码",
        )
        .unwrap_err();
        assert!(e.contains("科学计数法"), "{e}");
        let e = convert(
            &Cell::Text("110105********002X".into()),
            Kind::IdNumber,
            "证件号码",
        )
        .unwrap_err();
        assert!(e.starts_with("证件号码已脱敏，无法导入"), "{e}");
    }

    #[test]
    fn money_and_bools() {
        assert_eq!(
            convert(&Cell::Number(1234.5), Kind::Money, "工资性收入"),
            Ok(Value::Money(Some(Money::from_fen(123_450))))
        );
        assert!(
            convert(&Cell::Text("12.345".into()), Kind::Money, "工资性收入")
                .unwrap_err()
                .contains("两位小数")
        );
        assert_eq!(
            convert(&Cell::Text("Y".into()), Kind::Bool, "是否危房户"),
            Ok(Value::Bool(Some(true)))
        );
        assert!(convert(&Cell::Text("也许".into()), Kind::Bool, "是否危房户").is_err());
    }
}
