//! Streaming export in the canonical column order: one row per member, the
//! household and income columns repeated on each member row.
//!
//! [`XlsxExporter`] uses rust_xlsxwriter's constant-memory worksheet, which
//! flushes each finished row to a temporary file, so memory does not grow with
//! the number of rows. [`CsvExporter`] writes UTF-8 with a byte-order mark
//! (without it Excel shows the Chinese as mojibake).

use std::io::{Seek, Write};

use fangpin_domain::household::{Household, Person};
use fangpin_domain::income::{IncomeRecord, IncomeRules, compute};
use fangpin_domain::{find_list, mask_phone};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use thiserror::Error;

use crate::columns::{COLUMNS, Column, Kind, PlaceNames, Src, Value};

/// Export settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Write ID numbers masked (`110105********002X`), bank accounts with only
    /// the last four digits and phone numbers as the API shows them
    /// (`138****8000`). Default `true`. A masked file cannot be imported.
    pub mask_ids: bool,
    /// Only fill the income columns when the record is of this year.
    pub income_year: Option<i32>,
    /// Formula used for the computed 年收入/纯收入/人均纯收入 columns.
    /// Default: awards counted, rigid expense not deducted (the national formula).
    pub income_rules: IncomeRules,
    /// CSV only: put a tab before long digit strings (ID numbers, 户编号, account
    /// numbers, phone numbers with a leading 0) so that Excel keeps them as text
    /// instead of turning them into 5.0023E+17. The importer trims it. Default `true`.
    pub csv_excel_text_guard: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            mask_ids: true,
            income_year: None,
            income_rules: IncomeRules {
                count_awards: true,
                deduct_rigid_expense: false,
            },
            csv_excel_text_guard: true,
        }
    }
}

/// One household to export.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    /// The household.
    pub household: &'a Household,
    /// Its members, one output row each (the 户主 first, by convention).
    pub members: &'a [Person],
    /// Its income record, if any.
    pub income: Option<&'a IncomeRecord>,
    /// 省/市/县/乡（镇）/村 names, if the caller has them.
    pub places: Option<&'a PlaceNames>,
}

impl<'a> ExportRow<'a> {
    /// A row without place names.
    pub fn new(
        household: &'a Household,
        members: &'a [Person],
        income: Option<&'a IncomeRecord>,
    ) -> Self {
        ExportRow {
            household,
            members,
            income,
            places: None,
        }
    }
}

/// Writing an export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The xlsx writer failed.
    #[error("生成xlsx失败：{0}")]
    Xlsx(#[from] XlsxError),
    /// Writing CSV failed.
    #[error("写入CSV失败：{0}")]
    Csv(#[from] csv::Error),
    /// I/O failed.
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
    /// More rows than one xlsx sheet holds.
    #[error("超过xlsx单个工作表的最大行数（1048576行），请按乡镇分批导出或使用CSV")]
    TooManyRows,
}

/// A rendered cell.
enum Out {
    Empty,
    Text(String),
    Int(i64),
    /// Two-decimal number (money in 元, areas, distances).
    Fixed2(i64),
}

/// Render a cell; code columns write the national system's word for the code
/// (for the member's sex, where the word depends on it).
fn render(col: &Column, value: Value, opts: &ExportOptions, female: bool) -> Out {
    match value {
        Value::Text(None)
        | Value::Bool(None)
        | Value::Money(None)
        | Value::Int(None)
        | Value::Month(None)
        | Value::Date(None)
        | Value::Id(None)
        | Value::Hundredths(None)
        | Value::Area(None)
        | Value::Sex(None) => Out::Empty,
        Value::Text(Some(s)) => match col.kind {
            Kind::Code(list) => Out::Text(
                find_list(list)
                    .and_then(|l| l.national_word(&s, Some(female)))
                    .map_or(s, str::to_string),
            ),
            _ if opts.mask_ids && col.header == "银行卡号" => Out::Text(mask_account(&s)),
            _ if opts.mask_ids && PHONE_COLUMNS.contains(&col.header) => Out::Text(mask_phone(&s)),
            _ => Out::Text(s),
        },
        Value::Bool(Some(b)) => Out::Text(if b { "是" } else { "否" }.to_string()),
        Value::Money(Some(m)) => Out::Fixed2(m.fen()),
        // The national system writes 村民小组 as `6组`.
        Value::Int(Some(n)) if col.kind == Kind::Group => Out::Text(format!("{n}组")),
        Value::Int(Some(n)) => Out::Int(n),
        Value::Month(Some(ym)) => Out::Text(ym.to_string()),
        // With the ID number masked, the birth date shows its year only:
        // the full date would give the masked digits back.
        Value::Date(Some(d)) if opts.mask_ids && col.header == "出生日期" => {
            Out::Text(fangpin_domain::masked_birth_date(d))
        }
        Value::Date(Some(d)) => Out::Text(d.format("%Y-%m-%d").to_string()),
        Value::Id(Some(id)) => Out::Text(if opts.mask_ids {
            id.masked()
        } else {
            id.as_str().to_string()
        }),
        Value::Hundredths(Some(h)) => Out::Fixed2(h.0),
        Value::Area(Some(a)) => Out::Text(a.as_string()),
        Value::Sex(Some(s)) => Out::Text(s.label().to_string()),
    }
}

/// Columns holding telephone numbers, masked in a masked export.
const PHONE_COLUMNS: [&str; 3] = ["户联系电话", "联系电话", "信息采集人联系电话"];

fn mask_account(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let keep = chars.len() - 4;
    "*".repeat(keep) + &chars[keep..].iter().collect::<String>()
}

fn fixed2_text(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Iterate the rendered cells of every member row of a household.
fn household_rows<'a>(
    row: &ExportRow<'a>,
    opts: &'a ExportOptions,
    mut f: impl FnMut(usize, &Column, Out) -> Result<(), ExportError>,
    mut end_row: impl FnMut() -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let income = row
        .income
        .filter(|i| opts.income_year.is_none_or(|y| i.year == y));
    let derived = income.and_then(|i| compute(i, &opts.income_rules).ok());
    for person in row.members {
        let src = Src {
            household: row.household,
            person,
            income,
            derived: derived.as_ref(),
            places: row.places,
        };
        for (i, col) in COLUMNS.iter().enumerate() {
            let female = person.sex == fangpin_domain::Sex::Female;
            f(i, col, render(col, (col.get)(&src), opts, female))?;
        }
        end_row()?;
    }
    Ok(())
}

const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Streams households into a one-sheet xlsx workbook (sheet 家庭成员).
pub struct XlsxExporter<W: Write + Seek + Send> {
    writer: W,
    workbook: Workbook,
    options: ExportOptions,
    next_row: u32,
    text: Format,
    fixed2: Format,
    /// Each column's cell format (see [`column_style`]).
    styles: Vec<Style>,
}

/// The number format a column's cells carry in xlsx.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `@`: text, so codes and numbers keep their leading zeros.
    Text,
    /// `0.00`: amounts and quantities.
    Fixed2,
    /// Whole numbers, no format.
    General,
}

fn column_style(kind: Kind) -> Style {
    match kind {
        Kind::Money | Kind::Hundredths => Style::Fixed2,
        Kind::Int => Style::General,
        _ => Style::Text,
    }
}

impl<W: Write + Seek + Send> XlsxExporter<W> {
    /// Start a workbook and write the header row.
    pub fn new(writer: W, options: ExportOptions) -> Result<Self, ExportError> {
        let mut workbook = Workbook::new();
        // Deflate level 3 instead of 6: a county's 100,000 households export
        // in 19 s instead of 28 s, for a file 30 % larger (173 MB, not 133 MB;
        // see docs/benchmarks.md).
        workbook.set_zip_compression_level(3);
        let text = Format::new().set_num_format("@");
        let fixed2 = Format::new().set_num_format("0.00");
        let header = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color("#DDEBF7");
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("家庭成员")?;
        for (i, col) in COLUMNS.iter().enumerate() {
            let width = (col.header.chars().count() as f64 * 2.2 + 2.0).clamp(8.0, 40.0);
            let width = match col.kind {
                Kind::IdNumber | Kind::Area => 21.0,
                _ if col.header == "户编号" || col.header == "人口编号" => 21.0,
                _ => width,
            };
            sheet.set_column_width(i as u16, width)?;
            // The column carries the cell format, so cells are written
            // without one: looking a format up costs a hash of the whole
            // format per cell, a third of the export's time.
            match column_style(col.kind) {
                Style::Text => {
                    sheet.set_column_format(i as u16, &text)?;
                }
                Style::Fixed2 => {
                    sheet.set_column_format(i as u16, &fixed2)?;
                }
                Style::General => {}
            }
            sheet.write_string_with_format(0, i as u16, col.header, &header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(XlsxExporter {
            writer,
            workbook,
            options,
            next_row: 1,
            text,
            fixed2,
            styles: COLUMNS.iter().map(|c| column_style(c.kind)).collect(),
        })
    }

    /// Write one household: one row per member.
    pub fn write_household(&mut self, row: ExportRow<'_>) -> Result<(), ExportError> {
        if self.next_row as usize + row.members.len() > XLSX_MAX_ROWS as usize {
            return Err(ExportError::TooManyRows);
        }
        let sheet = self.workbook.worksheet_from_index(0)?;
        let r = &mut self.next_row;
        let (text, fixed2) = (&self.text, &self.fixed2);
        let styles = &self.styles;
        // The sheet is borrowed mutably by the cell writer and the row counter by
        // the end-of-row step; keep them apart with a RefCell-free split.
        let current = std::cell::Cell::new(*r);
        household_rows(
            &row,
            &self.options,
            |i, _col, out| {
                let c = i as u16;
                let rr = current.get();
                let style = styles[i];
                match out {
                    Out::Empty => {}
                    Out::Text(s) if style == Style::Text => {
                        sheet.write_string(rr, c, s)?;
                    }
                    Out::Text(s) => {
                        sheet.write_string_with_format(rr, c, s, text)?;
                    }
                    Out::Int(n) => {
                        sheet.write_number(rr, c, n as f64)?;
                    }
                    Out::Fixed2(v) if style == Style::Fixed2 => {
                        sheet.write_number(rr, c, v as f64 / 100.0)?;
                    }
                    Out::Fixed2(v) => {
                        sheet.write_number_with_format(rr, c, v as f64 / 100.0, fixed2)?;
                    }
                }
                Ok(())
            },
            || {
                current.set(current.get() + 1);
                Ok(())
            },
        )?;
        *r = current.get();
        Ok(())
    }

    /// Number of member rows written so far.
    pub fn rows_written(&self) -> usize {
        self.next_row as usize - 1
    }

    /// Finish the workbook and return the writer.
    pub fn finish(mut self) -> Result<W, ExportError> {
        self.workbook.save_to_writer(&mut self.writer)?;
        self.writer.flush()?;
        Ok(self.writer)
    }
}

/// Streams households into CSV: UTF-8 with BOM, the same columns and labels as xlsx.
pub struct CsvExporter<W: Write> {
    writer: csv::Writer<W>,
    options: ExportOptions,
    record: Vec<String>,
    rows: usize,
}

impl<W: Write> CsvExporter<W> {
    /// Write the BOM and the header row.
    pub fn new(mut writer: W, options: ExportOptions) -> Result<Self, ExportError> {
        writer.write_all(b"\xEF\xBB\xBF")?;
        let mut writer = csv::Writer::from_writer(writer);
        writer.write_record(COLUMNS.iter().map(|c| c.header))?;
        Ok(CsvExporter {
            writer,
            options,
            record: vec![String::new(); COLUMNS.len()],
            rows: 0,
        })
    }

    /// Write one household: one line per member.
    pub fn write_household(&mut self, row: ExportRow<'_>) -> Result<(), ExportError> {
        let guard = self.options.csv_excel_text_guard;
        let record = std::cell::RefCell::new(std::mem::take(&mut self.record));
        let writer = &mut self.writer;
        let rows = &mut self.rows;
        household_rows(
            &row,
            &self.options,
            |i, _col, out| {
                let mut rec = record.borrow_mut();
                rec[i] = match out {
                    Out::Empty => String::new(),
                    Out::Text(s) if starts_like_formula(&s) => format!("'{s}"),
                    Out::Text(s) if guard && needs_text_guard(&s) => format!("\t{s}"),
                    Out::Text(s) => s,
                    Out::Int(n) => n.to_string(),
                    Out::Fixed2(v) => fixed2_text(v),
                };
                Ok(())
            },
            || {
                writer.write_record(record.borrow().iter())?;
                *rows += 1;
                Ok(())
            },
        )?;
        self.record = record.into_inner();
        Ok(())
    }

    /// Number of member rows written so far.
    pub fn rows_written(&self) -> usize {
        self.rows
    }

    /// Flush and return the writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.writer
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

/// Whether a spreadsheet would read a text cell as a formula (`=HYPERLINK(…)`,
/// `+1+cmd|…`, `-2+3`, `@SUM(…)`) or strip its leading tab or carriage return.
/// The CSV exporter prefixes such a cell with a single quote, which Excel and
/// WPS take as "this is text"; the importer removes that quote again. Numbers
/// (money, counts) are written by column type and never pass through here, so
/// a negative amount stays a number.
pub(crate) fn starts_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Digit strings Excel would turn into numbers and damage: 12 digits or more
/// (also with a final X), or any digit string with a leading zero.
fn needs_text_guard(s: &str) -> bool {
    let body = s.strip_suffix(['X', 'x']).unwrap_or(s);
    !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit())
        && (s.len() >= 12 || (s.len() >= 7 && s.starts_with('0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(fixed2_text(123_405), "1234.05");
        assert_eq!(mask_account("6228480012345678"), "************5678");
        assert!(needs_text_guard("50023019700101001X"));
        assert!(needs_text_guard("02367771234"));
        assert!(!needs_text_guard("13800138000"));
        assert!(!needs_text_guard("01"));
        assert!(!needs_text_guard("户主"));
        for formula in ["=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(starts_like_formula(formula), "{formula:?}");
        }
        assert!(!starts_like_formula("张三"));
        assert!(!starts_like_formula("a=b"));
    }
}
