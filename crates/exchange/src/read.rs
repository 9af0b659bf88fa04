//! Row sources: the chosen sheet of an xlsx workbook, or a CSV file in UTF-8,
//! GB18030/GBK or UTF-16.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx, open_workbook_from_rs};

use crate::cell::Cell;
use crate::{FileKind, ImportError};

/// Sheet names preferred over the first sheet, in order.
const PREFERRED_SHEETS: [&str; 2] = ["家庭成员", "全字段"];

/// Most entries an uploaded xlsx may hold. Excel and WPS write a dozen or two;
/// thousands mean the file is not a spreadsheet of ours.
pub const XLSX_MAX_ENTRIES: usize = 1_000;

/// Most bytes an uploaded xlsx may unpack to, all entries together. A county's
/// full export (about 130 MB packed) unpacks to well under this.
pub const XLSX_MAX_UNPACKED: u64 = 2 << 30;

/// Rows of an xlsx worksheet (Excel's limit).
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Columns read from a row. The national layout has about a hundred; a cell
/// further right (a crafted `XFD1`, a CSV line of commas) would make every row
/// of the file that wide in memory, so a file with one is refused.
pub const MAX_COLUMNS: usize = 1_024;

fn too_many_columns(sheet: &str, row: usize, col: usize) -> ImportError {
    ImportError::Corrupt(format!(
        "{sheet}第{row}行第{col}列有内容，超出可导入的范围（最多{MAX_COLUMNS}列），请删除多余的列后再导入"
    ))
}

/// What was read besides the rows.
pub(crate) struct SourceInfo {
    pub sheet: String,
    pub encoding: Option<&'static str>,
}

/// Guess the file kind from its content, then its name.
pub fn detect_kind(file_name: &str, bytes: &[u8]) -> Result<FileKind, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::LegacyXls);
    }
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        // Named like a workbook but not a zip container.
        return Err(ImportError::Corrupt("文件不是有效的xlsx文件".into()));
    }
    if lower.ends_with(".csv") || lower.ends_with(".txt") || !bytes.contains(&0) {
        return Ok(FileKind::Csv);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(FileKind::Csv);
    }
    Err(ImportError::UnknownKind)
}

/// Decode CSV bytes.
///
/// Rule: a UTF-8 or UTF-16 byte-order mark decides; otherwise the text is UTF-8
/// if it is valid UTF-8, else GB18030. Files from counties come either from our
/// own exports (UTF-8 with BOM) or from Excel/WPS on Chinese Windows, which save
/// "CSV" in the ANSI code page, i.e. GBK. Chinese GBK text is practically never
/// valid UTF-8 (its lead bytes 0x81–0xFE are not followed by the continuation
/// bytes UTF-8 requires), so strict validation separates the two reliably and
/// needs no statistical detector. GB18030 is a superset of GBK and GB2312.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (Cow::Borrowed(s), "UTF-8"))
            .map_err(|_| {
                ImportError::Encoding("文件以UTF-8标记开头，但内容不是有效的UTF-8".into())
            });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(ImportError::Encoding("UTF-16内容无效".into()));
        }
        return Ok((Cow::Owned(text.into_owned()), "UTF-16"));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(s), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ImportError::Encoding(
            "文件既不是UTF-8也不是GBK/GB18030编码，请另存为“CSV UTF-8”后再导入".into(),
        ));
    }
    Ok((Cow::Owned(text.into_owned()), "GB18030"))
}

/// Read every row of the file, calling `f(row_number, cells)` in order
/// until it answers `false`. Row numbers are 1-based as the spreadsheet
/// shows them.
pub(crate) fn for_each_row(
    kind: FileKind,
    bytes: &[u8],
    mut f: impl FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    match kind {
        FileKind::Xlsx => read_xlsx(bytes, &mut f),
        FileKind::Csv => read_csv(bytes, &mut f),
    }
}

fn convert_data(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => {
            if dt.is_datetime()
                && let Some(v) = dt.as_datetime()
            {
                Cell::Date(v.date())
            } else {
                Cell::Number(dt.as_f64())
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

/// The sheet to read: one named 家庭成员 or 全字段 if present, else the first.
pub(crate) fn choose_sheet(names: &[String]) -> Option<String> {
    PREFERRED_SHEETS
        .iter()
        .find_map(|p| names.iter().find(|n| n.trim() == *p))
        .or_else(|| names.first())
        .cloned()
}

/// Refuses an xlsx container that would unpack to more than the limits allow,
/// before anything is unpacked for reading: the central directory's entry count
/// and declared sizes first, then every entry is inflated into nothing and
/// stopped as soon as it holds more than its declared size, so a lying header
/// cannot make the reader grow past the limit either.
pub(crate) fn check_xlsx_container(bytes: &[u8]) -> Result<(), ImportError> {
    let corrupt = |e: zip::result::ZipError| ImportError::Corrupt(format!("无法读取xlsx文件：{e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let entries = zip.len();
    if entries > XLSX_MAX_ENTRIES {
        return Err(ImportError::TooLarge(format!(
            "xlsx文件包含{entries}个内部文件，超过上限{XLSX_MAX_ENTRIES}个，不是可导入的表格，已拒绝"
        )));
    }
    let mut declared = 0u64;
    for i in 0..entries {
        let size = zip.by_index_raw(i).map_err(corrupt)?.size();
        declared = declared.saturating_add(size);
    }
    let too_large = |size: u64| {
        ImportError::TooLarge(format!(
            "xlsx文件解压后有{}MB，超过上限{}MB（可能是压缩炸弹），已拒绝导入",
            size.div_ceil(1 << 20),
            XLSX_MAX_UNPACKED >> 20
        ))
    };
    if declared > XLSX_MAX_UNPACKED {
        return Err(too_large(declared));
    }
    for i in 0..entries {
        let mut entry = zip.by_index(i).map_err(corrupt)?;
        let size = entry.size();
        let unpacked = std::io::copy(&mut (&mut entry).take(size + 1), &mut std::io::sink());
        if !matches!(unpacked, Ok(n) if n <= size) {
            return Err(ImportError::TooLarge(format!(
                "xlsx文件中的“{}”无法解压：文件已损坏，或解压后比文件目录记载的{size}字节更大（可能是压缩炸弹），已拒绝导入",
                String::from_utf8_lossy(entry.name_raw())
            )));
        }
    }
    Ok(())
}

fn read_xlsx(
    bytes: &[u8],
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    check_xlsx_container(bytes)?;
    // A malformed worksheet must be a refusal, never a crash: should the
    // reader panic on one (its cell-reference arithmetic overflows on
    // references like `AAAAAAAAAAAA1` in builds with overflow checks), the
    // file is refused like any other broken file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(bytes, f))).unwrap_or_else(
        |_| {
            Err(ImportError::Corrupt(
                "无法读取xlsx文件：工作表内容无效（文件已损坏）".into(),
            ))
        },
    )
}

fn read_sheet(
    bytes: &[u8],
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::Corrupt(format!("无法读取xlsx文件：{e}")))?;
    let sheet = choose_sheet(&book.sheet_names()).ok_or(ImportError::NoSheet)?;
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| ImportError::Corrupt(format!("无法读取工作表“{sheet}”：{e}")))?;
    let mut current: Option<u32> = None;
    let mut cells: Vec<Cell> = Vec::new();
    loop {
        let next = reader
            .next_cell()
            .map_err(|e| ImportError::Corrupt(format!("读取工作表“{sheet}”出错：{e}")))?;
        let Some(cell) = next else { break };
        let (row, col) = cell.get_position();
        let value = convert_data(cell.get_value());
        if row >= XLSX_MAX_ROWS {
            return Err(ImportError::Corrupt(format!(
                "工作表“{sheet}”的单元格位置超出Excel的范围（第{}行），文件已损坏",
                u64::from(row) + 1
            )));
        }
        if col as usize >= MAX_COLUMNS {
            if value == Cell::Empty {
                continue;
            }
            return Err(too_many_columns(&sheet, row as usize + 1, col as usize + 1));
        }
        if current != Some(row) {
            if let Some(r) = current
                && !f(r as usize + 1, std::mem::take(&mut cells))
            {
                return Ok(SourceInfo {
                    sheet,
                    encoding: None,
                });
            }
            current = Some(row);
        }
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
    }
    if let Some(r) = current {
        let _ = f(r as usize + 1, cells);
    }
    Ok(SourceInfo {
        sheet,
        encoding: None,
    })
}

/// A cell our CSV export protected from being read as a formula (`'=…`,
/// `'-…`, see `export::starts_like_formula`) is read without the quote.
fn without_formula_guard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if crate::export::starts_like_formula(rest) => rest,
        _ => s,
    }
}

fn read_csv(
    bytes: &[u8],
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    let (text, encoding) = decode_text(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                row += 1;
                if record.len() > MAX_COLUMNS {
                    if let Some(extra) = record
                        .iter()
                        .skip(MAX_COLUMNS)
                        .position(|c| !c.trim().is_empty())
                    {
                        return Err(too_many_columns("CSV", row, MAX_COLUMNS + extra + 1));
                    }
                    record.truncate(MAX_COLUMNS);
                }
                let cells = record
                    .iter()
                    .map(|s| Cell::Text(without_formula_guard(s).to_string()))
                    .collect();
                if !f(row, cells) {
                    break;
                }
            }
            Err(e) => {
                return Err(ImportError::Corrupt(format!(
                    "CSV格式错误（第{}行）：{e}",
                    row + 1
                )));
            }
        }
    }
    Ok(SourceInfo {
        sheet: "CSV".to_string(),
        encoding: Some(encoding),
    })
}
