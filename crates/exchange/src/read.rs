//! Row sources: the chosen sheet of an xlsx workbook, or a CSV file in UTF-8,
//! GB18030/GBK or UTF-16.

use std::borrow::Cow;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// An import's file, borrowed: bytes in memory (an upload) or a file on
/// disk, which is read in pieces so that a county's file is never held whole.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

impl<'a, T: AsRef<[u8]> + ?Sized> From<&'a T> for Input<'a> {
    fn from(bytes: &'a T) -> Self {
        Input::Bytes(bytes.as_ref())
    }
}

/// An import's file, owned (to hand to another thread): see [`Input`].
#[derive(Clone)]
pub enum Source {
    Bytes(Arc<dyn AsRef<[u8]> + Send + Sync>),
    File(PathBuf),
}

impl Source {
    pub fn input(&self) -> Input<'_> {
        match self {
            Source::Bytes(b) => Input::Bytes((**b).as_ref()),
            Source::File(p) => Input::File(p),
        }
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Bytes(b) => write!(f, "Source::Bytes({} bytes)", (**b).as_ref().len()),
            Source::File(p) => write!(f, "Source::File({})", p.display()),
        }
    }
}

/// A reader the xlsx container and workbook readers can seek in.
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// How much of a file [`Input::head`] reads to tell its kind.
const HEAD: usize = 64 * 1024;

impl Input<'_> {
    fn unreadable(path: &Path, e: std::io::Error) -> ImportError {
        ImportError::Corrupt(format!("无法读取文件 {}：{e}", path.display()))
    }

    /// The file from its start.
    pub(crate) fn open(&self) -> Result<Box<dyn ReadSeek + '_>, ImportError> {
        match *self {
            Input::Bytes(b) => Ok(Box::new(Cursor::new(b))),
            Input::File(p) => {
                let file = std::fs::File::open(p).map_err(|e| Self::unreadable(p, e))?;
                Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
            }
        }
    }

    /// The first bytes of the file (all of it when it is short).
    pub(crate) fn head(&self) -> Result<Cow<'_, [u8]>, ImportError> {
        match *self {
            Input::Bytes(b) => Ok(Cow::Borrowed(&b[..b.len().min(HEAD)])),
            Input::File(p) => {
                let mut out = Vec::with_capacity(HEAD);
                self.open()?
                    .take(HEAD as u64)
                    .read_to_end(&mut out)
                    .map_err(|e| Self::unreadable(p, e))?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// The whole file (UTF-16 text, which is decoded whole).
    fn all(&self) -> Result<Cow<'_, [u8]>, ImportError> {
        match *self {
            Input::Bytes(b) => Ok(Cow::Borrowed(b)),
            Input::File(p) => std::fs::read(p)
                .map(Cow::Owned)
                .map_err(|e| Self::unreadable(p, e)),
        }
    }

    /// The file's kind ([`detect_kind`] on its first bytes).
    pub(crate) fn kind(&self, file_name: &str) -> Result<FileKind, ImportError> {
        detect_kind(file_name, &self.head()?)
    }
}

/// What was read besides the rows.
pub(crate) struct SourceInfo {
    pub sheet: String,
    pub encoding: Option<&'static str>,
}

/// Guess the file kind from its content (the first bytes are enough), then
/// its name.
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

/// Decode UTF-16 text (with its byte-order mark).
fn decode_utf16(bytes: &[u8]) -> Result<String, ImportError> {
    let enc = if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let (text, _, had_errors) = enc.decode(bytes);
    if had_errors {
        return Err(ImportError::Encoding("UTF-16内容无效".into()));
    }
    Ok(text.into_owned())
}

/// Read every row of the file, calling `f(row_number, cells)` in order
/// until it answers `false`. Row numbers are 1-based as the spreadsheet
/// shows them.
pub(crate) fn for_each_row(
    kind: FileKind,
    input: Input<'_>,
    mut f: impl FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    match kind {
        FileKind::Xlsx => read_xlsx(input, &mut f),
        FileKind::Csv => read_csv(input, &mut f),
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
pub(crate) fn check_xlsx_container(input: Input<'_>) -> Result<(), ImportError> {
    let corrupt = |e: zip::result::ZipError| ImportError::Corrupt(format!("无法读取xlsx文件：{e}"));
    let mut zip = zip::ZipArchive::new(input.open()?).map_err(corrupt)?;
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
    input: Input<'_>,
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    check_xlsx_container(input)?;
    // A malformed worksheet must be a refusal, never a crash: should the
    // reader panic on one (its cell-reference arithmetic overflows on
    // references like `AAAAAAAAAAAA1` in builds with overflow checks), the
    // file is refused like any other broken file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(input, f))).unwrap_or_else(
        |_| {
            Err(ImportError::Corrupt(
                "无法读取xlsx文件：工作表内容无效（文件已损坏）".into(),
            ))
        },
    )
}

fn read_sheet(
    input: Input<'_>,
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(input.open()?)
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

/// Reads CSV text.
///
/// Encoding rule: a UTF-8 or UTF-16 byte-order mark decides; otherwise the
/// text is UTF-8 if it is valid UTF-8, else GB18030. Files from counties come
/// either from our own exports (UTF-8 with BOM) or from Excel/WPS on Chinese
/// Windows, which save "CSV" in the ANSI code page, i.e. GBK. Chinese GBK text
/// is practically never valid UTF-8 (its lead bytes 0x81–0xFE are not followed
/// by the continuation bytes UTF-8 requires), so strict validation separates
/// the two reliably and needs no statistical detector. GB18030 is a superset
/// of GBK and GB2312.
fn read_csv(
    input: Input<'_>,
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<SourceInfo, ImportError> {
    let head = input.head()?;
    // UTF-16 is rare (Excel's “Unicode text”) and is decoded whole.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let text = decode_utf16(&input.all()?)?;
        let delimiter = delimiter_of(text.as_bytes());
        read_records(text.as_bytes(), delimiter, "UTF-16", f)?;
        return Ok(SourceInfo {
            sheet: "CSV".to_string(),
            encoding: Some("UTF-16"),
        });
    }
    let delimiter = delimiter_of(&head);
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    drop(head);
    // Read in pieces: one pass checks the whole file for UTF-8 first.
    let utf8 = valid_utf8(input.open()?).map_err(|e| ImportError::Corrupt(e.to_string()))?;
    if bom && !utf8 {
        return Err(ImportError::Encoding(
            "文件以UTF-8标记开头，但内容不是有效的UTF-8".into(),
        ));
    }
    let mut reader = input.open()?;
    let encoding = if utf8 {
        if bom {
            reader
                .seek(std::io::SeekFrom::Start(3))
                .map_err(|e| ImportError::Corrupt(e.to_string()))?;
        }
        read_records(reader, delimiter, "UTF-8", f)?;
        "UTF-8"
    } else {
        read_records(Gb18030Reader::new(reader), delimiter, "GB18030", f)?;
        "GB18030"
    };
    Ok(SourceInfo {
        sheet: "CSV".to_string(),
        encoding: Some(encoding),
    })
}

/// Tab-separated when the first line has more tabs than commas (both are
/// ASCII, the same byte in every encoding read here).
fn delimiter_of(head: &[u8]) -> u8 {
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    if count(b'\t') > count(b',') {
        b'\t'
    } else {
        b','
    }
}

/// Whether everything `reader` gives is valid UTF-8, read in pieces.
fn valid_utf8(mut reader: impl Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut off at the end of the previous piece.
    let mut carry = 0usize;
    loop {
        let n = reader.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let filled = carry + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let cut = e.valid_up_to();
                buf.copy_within(cut..filled, 0);
                carry = filled - cut;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// GB18030 (GBK, GB2312) text read as UTF-8, in pieces. Written here rather
/// than taken from a crate because a malformed sequence must stop the import
/// with a clear message, not turn into replacement characters.
struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    raw_len: usize,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    /// The decoder has had the last byte (it must not be called again).
    done: bool,
}

impl<R: Read> Gb18030Reader<R> {
    fn new(inner: R) -> Self {
        Gb18030Reader {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16],
            raw_len: 0,
            out: vec![0; 3 << 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
            done: false,
        }
    }

    /// Decodes the next piece into `out`; false at the end.
    fn fill(&mut self) -> std::io::Result<bool> {
        use encoding_rs::DecoderResult;
        loop {
            if self.done {
                return Ok(false);
            }
            if !self.eof && self.raw_len < self.raw.len() {
                let n = self.inner.read(&mut self.raw[self.raw_len..])?;
                self.eof = n == 0;
                self.raw_len += n;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[..self.raw_len],
                &mut self.out,
                self.eof,
            );
            match result {
                DecoderResult::Malformed(..) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        GBK_INVALID,
                    ));
                }
                DecoderResult::InputEmpty if self.eof => self.done = true,
                _ => {}
            }
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            self.out_pos = 0;
            self.out_len = written;
            if written > 0 {
                return Ok(true);
            }
        }
    }
}

const GBK_INVALID: &str = "文件既不是UTF-8也不是GBK/GB18030编码，请另存为“CSV UTF-8”后再导入";

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.out_pos == self.out_len && !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// The CSV records of `text` (UTF-8 by now), handed to `f` row by row.
fn read_records(
    text: impl Read,
    delimiter: u8,
    encoding: &str,
    f: &mut dyn FnMut(usize, Vec<Cell>) -> bool,
) -> Result<(), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
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
                if let csv::ErrorKind::Io(io) = e.kind()
                    && io.kind() == std::io::ErrorKind::InvalidData
                {
                    return Err(ImportError::Encoding(io.to_string()));
                }
                if let csv::ErrorKind::Utf8 { .. } = e.kind() {
                    return Err(ImportError::Encoding(format!(
                        "CSV第{}行不是有效的{encoding}文本",
                        row + 1
                    )));
                }
                return Err(ImportError::Corrupt(format!(
                    "CSV格式错误（第{}行）：{e}",
                    row + 1
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out at most `step` bytes at a time, so that
    /// characters are cut at every possible place.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("户主".to_string()),
                Just("重庆市丰都县".to_string()),
                Just("𠀀".to_string()),
                "[a-z0-9,\n]{0,5}",
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn gbk_read_in_pieces_is_gbk_decoded_whole(s in text(), step in 1usize..9) {
            let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&s);
            prop_assert!(!unmappable);
            let mut out = String::new();
            Gb18030Reader::new(Trickle { bytes: &gbk, step }).read_to_string(&mut out).unwrap();
            prop_assert_eq!(out, s);
        }

        #[test]
        fn utf8_checked_in_pieces_agrees_with_whole(s in text(), step in 1usize..9, cut in 0usize..200) {
            let bytes = s.as_bytes();
            let whole = valid_utf8(Trickle { bytes, step }).unwrap();
            prop_assert!(whole);
            // Cut anywhere: valid exactly when the whole check says so.
            let cut = &bytes[..cut.min(bytes.len())];
            prop_assert_eq!(
                valid_utf8(Trickle { bytes: cut, step }).unwrap(),
                std::str::from_utf8(cut).is_ok()
            );
        }
    }

    #[test]
    fn malformed_gbk_stops_with_the_reason() {
        let mut bytes = encoding_rs::GB18030.encode("姓名,户主\n").0.into_owned();
        bytes.extend_from_slice(&[0x81, 0x20]);
        let mut out = String::new();
        let err = Gb18030Reader::new(&bytes[..])
            .read_to_string(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("GBK"), "{err}");
    }

    #[test]
    fn a_csv_on_disk_reads_as_the_same_bytes_in_memory() {
        let text = "户编号,姓名,与户主关系\n5002300001,张三,户主\n5002300001,李四,配偶\n";
        for bytes in [
            encoding_rs::GB18030.encode(text).0.into_owned(),
            [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            text.replace(',', "\t").into_bytes(),
            [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
        ] {
            let path = std::env::temp_dir().join(format!(
                "fangpin-read-{}-{}.csv",
                std::process::id(),
                bytes.len()
            ));
            std::fs::write(&path, &bytes).unwrap();
            let rows = |input: Input<'_>| {
                let mut rows = Vec::new();
                let info = for_each_row(FileKind::Csv, input, |r, cells| {
                    rows.push((r, cells));
                    true
                })
                .unwrap();
                (rows, info.encoding)
            };
            let (on_disk, enc) = rows(Input::File(&path));
            let _ = std::fs::remove_file(&path);
            assert_eq!(on_disk, rows(Input::Bytes(&bytes)).0);
            assert_eq!(on_disk.len(), 3);
            assert_eq!(on_disk[1].1[1], Cell::Text("张三".into()));
            assert!(enc.is_some());
        }
    }
}
