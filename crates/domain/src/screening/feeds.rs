//! Feed types: the columns a department sends, under the names it writes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::rules::{FeedRow, Value};
use super::{FEED_TYPES_CSV, TableError, bar_list, table_rows};
use crate::household::YearMonth;
use crate::money::Money;

const HEADER: &str = "feed,department,period,field,label,kind,required,headers";

/// How often a feed comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    /// 每月.
    Monthly,
    /// 每季度.
    Quarterly,
    /// 每学期.
    Term,
    /// 事件: pushed when something happens (a disaster, a certificate).
    Event,
}

impl Period {
    fn parse(s: &str) -> Option<Period> {
        Some(match s {
            "每月" => Period::Monthly,
            "每季度" => Period::Quarterly,
            "每学期" => Period::Term,
            "事件" => Period::Event,
            _ => return None,
        })
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Period::Monthly => "每月",
            Period::Quarterly => "每季度",
            Period::Term => "每学期",
            Period::Event => "事件",
        }
    }
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldKind {
    /// The person's ID number, matched against the registry.
    Id,
    /// The person's name.
    Name,
    /// A day (or a month, read as its first day).
    Date,
    /// An amount in 元.
    Money,
    /// A code or free text.
    Text,
}

impl FieldKind {
    fn parse(s: &str) -> Option<FieldKind> {
        Some(match s {
            "id" => FieldKind::Id,
            "name" => FieldKind::Name,
            "date" => FieldKind::Date,
            "money" => FieldKind::Money,
            "text" => FieldKind::Text,
            _ => return None,
        })
    }
}

/// One field of a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedField {
    /// Key the rules name (`self_paid`).
    pub key: String,
    /// Chinese name (`个人自付`).
    pub label: String,
    /// What it holds.
    pub kind: FieldKind,
    /// Whether a file without it is refused.
    pub required: bool,
    /// Header names accepted for it, the label first.
    pub headers: Vec<String>,
}

/// A department's feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedType {
    /// Key and Chinese name at once (`医保`), as `--type` takes it.
    pub key: String,
    /// The department sending it.
    pub department: String,
    /// How often it comes.
    pub period: Period,
    /// Its fields; exactly one is [`FieldKind::Id`] and one is the date.
    pub fields: Vec<FeedField>,
}

/// Which column of a file holds which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// (field index in the feed type, column index in the file).
    columns: Vec<(usize, usize)>,
}

impl HeaderMap {
    /// The file column holding field `key` of `feed`, if the file has it.
    pub fn column_of(&self, feed: &FeedType, key: &str) -> Option<usize> {
        let fi = feed.fields.iter().position(|f| f.key == key)?;
        self.columns.iter().find(|(f, _)| *f == fi).map(|(_, c)| *c)
    }
}

/// A header as compared: without spaces, BOM, full-width parentheses and
/// the unit in parentheses (`个人自付（元）` is `个人自付`).
pub fn header_key(h: &str) -> String {
    let h: String = h
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    match h.find('(') {
        Some(i) if h.ends_with(')') && i > 0 => h[..i].to_owned(),
        _ => h,
    }
}

/// Reads a date the way departments write it: `2024-03-15`, `2024/3/15`,
/// `20240315`, `2024年3月15日`, or a month alone (`2024-03`, `202403`,
/// `2024年3月`), which is its first day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if s.chars().all(|c| c.is_ascii_digit()) {
        return match s.len() {
            8 => NaiveDate::parse_from_str(s, "%Y%m%d").ok(),
            6 => YearMonth::parse(&format!("{}-{}", &s[..4], &s[4..]))
                .ok()
                .map(YearMonth::first_day),
            _ => None,
        };
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.iter().any(|p| !p.chars().all(|c| c.is_ascii_digit())) || digits.len() > 8 {
        return None;
    }
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let year = i32::try_from(num(0)?).ok()?;
    match parts.len() {
        2 => NaiveDate::from_ymd_opt(year, num(1)?, 1),
        3 => NaiveDate::from_ymd_opt(year, num(1)?, num(2)?),
        _ => None,
    }
}

impl FeedType {
    /// The field named `key`.
    pub fn field(&self, key: &str) -> Option<&FeedField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Maps a file's header row to the feed's fields. A required field
    /// without a column is refused, naming the field and the header names
    /// accepted for it; unknown columns are ignored.
    pub fn map_headers(&self, headers: &[&str]) -> Result<HeaderMap, Vec<String>> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mut columns = Vec::new();
        let mut missing = Vec::new();
        for (fi, f) in self.fields.iter().enumerate() {
            let found = keys
                .iter()
                .position(|k| f.headers.iter().any(|h| header_key(h) == *k));
            match found {
                Some(col) => columns.push((fi, col)),
                None if f.required => missing.push(format!(
                    "缺少“{}”列（可用列名：{}）",
                    f.label,
                    f.headers.join("、")
                )),
                None => {}
            }
        }
        if missing.is_empty() {
            Ok(HeaderMap { columns })
        } else {
            Err(missing)
        }
    }

    /// Reads one data row (`row` as the file numbers it). Every bad cell is
    /// reported as (field label, reason); a blank optional cell is left out.
    /// The ID number is kept as written: matching normalises it.
    pub fn parse_row(
        &self,
        map: &HeaderMap,
        row: usize,
        cells: &[&str],
    ) -> Result<FeedRow, Vec<(String, String)>> {
        let mut values = BTreeMap::new();
        let mut problems = Vec::new();
        let mut date = None;
        for &(fi, col) in &map.columns {
            let f = &self.fields[fi];
            let cell = cells.get(col).map_or("", |c| c.trim());
            if cell.is_empty() {
                if f.required {
                    problems.push((f.label.clone(), "不能为空".to_owned()));
                }
                continue;
            }
            let value = match f.kind {
                FieldKind::Id | FieldKind::Name | FieldKind::Text => {
                    Some(Value::Text(cell.to_owned()))
                }
                FieldKind::Money => Money::parse(cell).ok().map(Value::Money),
                FieldKind::Date => parse_date(cell).map(|d| {
                    date.get_or_insert(d);
                    Value::Date(d)
                }),
            };
            match value {
                Some(v) => {
                    values.insert(f.key.clone(), v);
                }
                None => problems.push((
                    f.label.clone(),
                    match f.kind {
                        FieldKind::Money => format!("“{cell}”不是金额"),
                        _ => format!("“{cell}”不是日期（如2024-03-15或202403）"),
                    },
                )),
            }
        }
        match date {
            Some(date) if problems.is_empty() => Ok(FeedRow { row, date, values }),
            _ => Err(problems),
        }
    }
}

/// The seed feed types (`data/feed_types.csv`), in file order.
pub fn feed_types() -> Result<Vec<FeedType>, TableError> {
    parse_feed_types(FEED_TYPES_CSV)
}

/// Reads a feed-type table: one line a field, the feed's lines together.
pub fn parse_feed_types(csv: &str) -> Result<Vec<FeedType>, TableError> {
    let mut out: Vec<FeedType> = Vec::new();
    for (line, f) in table_rows(csv, HEADER)? {
        let err = |reason: String| TableError { line, reason };
        let period = Period::parse(f[2])
            .ok_or_else(|| err(format!("周期“{}”应为每月、每季度、每学期或事件", f[2])))?;
        let kind = FieldKind::parse(f[5])
            .ok_or_else(|| err(format!("类型“{}”应为id、name、date、money或text", f[5])))?;
        let required = match f[6] {
            "是" => true,
            "否" => false,
            other => return Err(err(format!("必填“{other}”应为是或否"))),
        };
        let mut headers = vec![f[4].to_owned()];
        headers.extend(bar_list(f[7]).into_iter().filter(|h| h != f[4]));
        let field = FeedField {
            key: f[3].to_owned(),
            label: f[4].to_owned(),
            kind,
            required,
            headers,
        };
        match out.iter_mut().find(|t| t.key == f[0]) {
            Some(t) => {
                if t.department != f[1] || t.period != period {
                    return Err(err(format!("“{}”的部门或周期与前面的行不一致", f[0])));
                }
                if t.field(&field.key).is_some() {
                    return Err(err(format!("“{}”的字段{}重复", f[0], field.key)));
                }
                t.fields.push(field);
            }
            None => out.push(FeedType {
                key: f[0].to_owned(),
                department: f[1].to_owned(),
                period,
                fields: vec![field],
            }),
        }
    }
    for t in &out {
        let count = |k: FieldKind| {
            t.fields
                .iter()
                .filter(|f| f.kind == k && f.required)
                .count()
        };
        if count(FieldKind::Id) != 1 || t.fields.iter().all(|f| f.kind != FieldKind::Date) {
            return Err(TableError {
                line: 0,
                reason: format!("“{}”须有且只有一个必填身份证号字段，并有日期字段", t.key),
            });
        }
    }
    Ok(out)
}
