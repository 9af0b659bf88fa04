//! Import and export of the national household layout (全县全字段, one row per
//! household member) as xlsx and CSV.
//!
//! * [`parse`] is pure: bytes in, domain values or the complete list of problems
//!   out. Every row is validated and every problem is collected, each with its
//!   row, column and a Chinese reason.
//! * [`XlsxExporter`] and [`CsvExporter`] stream households out in the canonical
//!   column order ([`columns`]) with constant memory.
//! * [`error_report_xlsx`] returns the uploaded rows with the bad cells marked and
//!   a 错误清单 sheet, for the user to fix and upload again.
//!
//! The column set is defined once, as data, in [`columns`]; the importer and the
//! exporters both walk that table, so what one writes the other reads.

mod cell;
pub mod columns;
mod export;
mod import;
mod places;
mod read;
mod report;

use serde::Serialize;
use thiserror::Error;

pub use columns::{Column, Kind, PlaceNames, Scope, columns, normalise_header};
pub use export::{CsvExporter, ExportError, ExportOptions, ExportRow, XlsxExporter};
pub use import::{
    ImportFailure, ImportOptions, ImportedHousehold, LeftOut, ParsedFile, Streamed, parse,
    parse_stream, parse_with,
};
pub use places::AreaTree;
pub use read::{Input, MAX_COLUMNS, Source, XLSX_MAX_ENTRIES, XLSX_MAX_UNPACKED, detect_kind};
pub use report::{error_report_xlsx, left_out_xlsx};

/// The two accepted file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FileKind {
    /// Office Open XML workbook.
    Xlsx,
    /// Comma- (or tab-) separated text.
    Csv,
}

/// One problem found in an uploaded file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportIssue))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Sheet name (`CSV` for CSV files).
    pub sheet: String,
    /// 1-based row as the spreadsheet shows it; the header is row 1. 0 for the file as a whole.
    pub row: usize,
    /// Header of the column (canonical name when the column is known); empty for the file as a whole.
    pub column: String,
    /// The cell as found.
    pub value: String,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// A file that cannot be read at all, or an output that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// Neither xlsx nor text.
    #[error("无法识别文件格式，请上传xlsx或CSV文件")]
    UnknownKind,
    /// The old binary Excel format.
    #[error("不支持旧版Excel（.xls）格式，请在Excel中另存为.xlsx后再导入")]
    LegacyXls,
    /// The container or the CSV syntax is broken.
    #[error("{0}")]
    Corrupt(String),
    /// The text encoding is not recognised.
    #[error("{0}")]
    Encoding(String),
    /// The workbook has no sheet.
    #[error("工作簿中没有工作表")]
    NoSheet,
    /// The xlsx container holds more than an import may unpack (a zip bomb, or
    /// not a spreadsheet).
    #[error("{0}")]
    TooLarge(String),
    /// Writing the report workbook failed.
    #[error("生成xlsx文件失败：{0}")]
    Write(String),
}
