//! The error report: the uploaded rows with the bad cells marked, for the user
//! to correct and upload again.
//!
//! Sheet 1 keeps the original rows at their original row numbers; each bad cell
//! gets a red fill and a note with the reason, and a last column 错误说明 lists
//! the row's problems. Sheet 错误清单 lists every issue (工作表, 行号, 列名,
//! 单元格内容, 错误原因).

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet, XlsxError};

use crate::cell::Cell;
use crate::columns::{COLUMNS, normalise_header};
use crate::read::{Input, for_each_row};
use crate::{ImportError, Issue, LeftOut};

fn xerr(e: XlsxError) -> ImportError {
    ImportError::Write(e.to_string())
}

/// Build the error report for `issues` found in the file `bytes`.
pub fn error_report_xlsx<'a>(
    file_name: &str,
    input: impl Into<Input<'a>>,
    issues: &[Issue],
) -> Result<Vec<u8>, ImportError> {
    report(file_name, input.into(), issues, None)
}

/// The households an import left out ([`crate::ParsedFile::left_out`]): the
/// header and their rows only, in the file's layout, with the bad cells
/// marked as in [`error_report_xlsx`] — to be corrected and imported again.
pub fn left_out_xlsx<'a>(
    file_name: &str,
    input: impl Into<Input<'a>>,
    left_out: &LeftOut,
) -> Result<Vec<u8>, ImportError> {
    let rows: HashSet<usize> = left_out.rows.iter().copied().collect();
    report(file_name, input.into(), &left_out.issues, Some(&rows))
}

/// The report over the file's rows (all of them, or the header and `only`).
fn report(
    file_name: &str,
    input: Input<'_>,
    issues: &[Issue],
    only: Option<&HashSet<usize>>,
) -> Result<Vec<u8>, ImportError> {
    let kind = input.kind(file_name)?;
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    // Blank rows carry nothing to mark; keeping them would let a file of empty
    // lines grow the report's memory with the upload.
    let info = for_each_row(kind, input, |r, cells| {
        let wanted = rows.is_empty() || only.is_none_or(|o| o.contains(&r));
        if wanted && !cells.iter().all(Cell::is_blank) {
            rows.push((r, cells));
        }
        true
    })?;

    // Header row: the first non-blank row. Map issue column names to file columns.
    let header = rows
        .iter()
        .find(|(_, cells)| !cells.iter().all(Cell::is_blank));
    let mut column_of: HashMap<String, usize> = HashMap::new();
    let mut width = 0usize;
    if let Some((_, cells)) = header {
        for (i, cell) in cells.iter().enumerate() {
            let text = normalise_header(&cell.display());
            if text.is_empty() {
                continue;
            }
            column_of.entry(text.clone()).or_insert(i);
            if let Some(col) = COLUMNS.iter().find(|c| {
                normalise_header(c.header) == text
                    || c.aliases.iter().any(|a| normalise_header(a) == text)
            }) {
                column_of.entry(normalise_header(col.header)).or_insert(i);
            }
        }
    }
    for (_, cells) in &rows {
        width = width.max(cells.len());
    }

    // Issues by (row, file column) and by row.
    let mut by_cell: HashMap<(usize, usize), Vec<&Issue>> = HashMap::new();
    let mut by_row: HashMap<usize, Vec<&Issue>> = HashMap::new();
    for issue in issues {
        by_row.entry(issue.row).or_default().push(issue);
        if let Some(&c) = column_of.get(&normalise_header(&issue.column)) {
            by_cell.entry((issue.row, c)).or_default().push(issue);
        }
    }

    let mut workbook = Workbook::new();
    let bad = Format::new()
        .set_background_color(Color::RGB(0xFFC7CE))
        .set_font_color(Color::RGB(0x9C0006))
        .set_num_format("@");
    let bad_number = Format::new()
        .set_background_color(Color::RGB(0xFFC7CE))
        .set_font_color(Color::RGB(0x9C0006));
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_bold();
    let reason_format = Format::new()
        .set_font_color(Color::RGB(0x9C0006))
        .set_text_wrap();

    let sheet_name = if info.sheet == "CSV" || info.sheet.is_empty() {
        "数据".to_string()
    } else {
        info.sheet.clone()
    };
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name_safe(&sheet_name)).map_err(xerr)?;
    let explain_col = width as u16;
    for (r, cells) in &rows {
        let row = (*r - 1) as u32;
        for (c, cell) in cells.iter().enumerate() {
            let issues_here = by_cell.get(&(*r, c));
            let is_bad = issues_here.is_some();
            write_cell(
                sheet,
                row,
                c as u16,
                cell,
                if is_bad { &bad } else { &text },
                if is_bad { Some(&bad_number) } else { None },
            )
            .map_err(xerr)?;
            if let Some(list) = issues_here {
                let reasons: Vec<&str> = list.iter().map(|i| i.reason.as_str()).collect();
                let note = Note::new(reasons.join("\n")).set_author("fangpin");
                sheet.insert_note(row, c as u16, &note).map_err(xerr)?;
            }
        }
        // Bad cells that are beyond the row's last filled cell (blank required cells).
        for ((ir, ic), list) in &by_cell {
            if ir == r && *ic >= cells.len() {
                sheet
                    .write_string_with_format(row, *ic as u16, "", &bad)
                    .map_err(xerr)?;
                let reasons: Vec<&str> = list.iter().map(|i| i.reason.as_str()).collect();
                let note = Note::new(reasons.join("\n")).set_author("fangpin");
                sheet.insert_note(row, *ic as u16, &note).map_err(xerr)?;
            }
        }
        if Some(*r) == header.map(|h| h.0) {
            sheet
                .write_string_with_format(row, explain_col, "错误说明", &bold)
                .map_err(xerr)?;
        }
        if let Some(list) = by_row.get(r) {
            let text: Vec<String> = list
                .iter()
                .map(|i| {
                    if i.column.is_empty() {
                        i.reason.clone()
                    } else {
                        format!("【{}】{}", i.column, i.reason)
                    }
                })
                .collect();
            sheet
                .write_string_with_format(row, explain_col, text.join("；"), &reason_format)
                .map_err(xerr)?;
        }
    }
    if let Some((r, _)) = header {
        sheet.set_freeze_panes((*r) as u32, 0).map_err(xerr)?;
    }
    sheet.set_column_width(explain_col, 60).map_err(xerr)?;

    let list = workbook.add_worksheet();
    list.set_name("错误清单").map_err(xerr)?;
    for (c, h) in ["工作表", "行号", "列名", "单元格内容", "错误原因"]
        .iter()
        .enumerate()
    {
        list.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (i, issue) in issues.iter().enumerate() {
        let r = (i + 1) as u32;
        list.write_string(r, 0, &issue.sheet).map_err(xerr)?;
        list.write_number(r, 1, issue.row as f64).map_err(xerr)?;
        list.write_string(r, 2, &issue.column).map_err(xerr)?;
        list.write_string_with_format(r, 3, &issue.value, &text)
            .map_err(xerr)?;
        list.write_string(r, 4, &issue.reason).map_err(xerr)?;
    }
    list.set_column_width(0, 12).map_err(xerr)?;
    list.set_column_width(2, 20).map_err(xerr)?;
    list.set_column_width(3, 24).map_err(xerr)?;
    list.set_column_width(4, 80).map_err(xerr)?;
    list.set_freeze_panes(1, 0).map_err(xerr)?;

    workbook.save_to_buffer().map_err(xerr)
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name_safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if cleaned.is_empty() || cleaned == "错误清单" {
        "数据".to_string()
    } else {
        cleaned
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    text_format: &Format,
    number_format: Option<&Format>,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {
            if number_format.is_some() {
                sheet.write_string_with_format(row, col, "", text_format)?;
            }
        }
        Cell::Number(f) => match number_format {
            Some(fmt) => {
                sheet.write_number_with_format(row, col, *f, fmt)?;
            }
            None => {
                sheet.write_number(row, col, *f)?;
            }
        },
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
        other => {
            sheet.write_string_with_format(row, col, other.display(), text_format)?;
        }
    }
    Ok(())
}
