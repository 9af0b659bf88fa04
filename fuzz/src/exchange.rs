//! Properties of the importers, shared by the libFuzzer targets in `fuzz/` and
//! the proptest harness in `crates/exchange/tests/robust.rs`: no file makes the
//! importer or the error report panic, and a file that imports is exported and
//! imported again to the same households.

use std::io::{Cursor, Write};

use fangpin_exchange::{CsvExporter, ExportOptions, ExportRow, ParsedFile, parse};

/// Any bytes offered as a CSV upload.
pub fn csv_bytes(bytes: &[u8]) {
    import("fuzz.csv", bytes);
}

/// A text saved by Excel on Chinese Windows (GBK); texts GBK cannot hold are skipped.
pub fn csv_gbk(text: &str) {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    if !unmappable {
        import("县里导出.csv", &gbk);
    }
}

/// Any bytes offered as an xlsx upload.
pub fn xlsx_bytes(bytes: &[u8]) {
    import("fuzz.xlsx", bytes);
}

/// A well-formed xlsx container around a worksheet and a shared-string table
/// taken from the input (split at the first 0xFF byte), so that the XML
/// readers see arbitrary content rather than a broken zip.
pub fn xlsx_parts(data: &[u8]) {
    let (sheet, strings) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    import("fuzz.xlsx", &xlsx_with(sheet, strings));
}

/// A minimal workbook: one sheet 家庭成员 with `sheet` as its XML and, when
/// given, `strings` as the shared-string table.
pub fn xlsx_with(sheet: &[u8], strings: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, bytes: &[u8]| {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    };
    let shared = strings.map_or("", |_| {
        r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
    });
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{shared}</Types>"#
        )
        .as_bytes(),
    );
    put(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="家庭成员" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes(),
    );
    let shared_rel = strings.map_or("", |_| {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    });
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>"#
        )
        .as_bytes(),
    );
    put("xl/worksheets/sheet1.xml", sheet);
    if let Some(s) = strings {
        put("xl/sharedStrings.xml", s);
    }
    zip.finish().expect("zip finish").into_inner()
}

/// Import `bytes`; a refused file gets its error report (as the server builds
/// one for every refused upload); an accepted one must survive a round trip.
fn import(name: &str, bytes: &[u8]) {
    match parse(name, bytes) {
        Ok(parsed) => round_trip(&parsed),
        Err(failure) => {
            assert!(!failure.issues.is_empty(), "a refusal names its problems");
            let _ = fangpin_exchange::error_report_xlsx(name, bytes, &failure.issues);
        }
    }
}

/// Export the imported households as CSV (full ID numbers) and import that file:
/// the same households, members, incomes and place names come back.
fn round_trip(parsed: &ParsedFile) {
    let options = ExportOptions {
        mask_ids: false,
        ..ExportOptions::default()
    };
    let mut out = CsvExporter::new(Vec::new(), options).expect("csv header");
    for h in &parsed.households {
        let row = ExportRow {
            places: Some(&h.places),
            ..ExportRow::new(&h.household, &h.members, h.income.as_ref())
        };
        out.write_household(row).expect("csv row");
    }
    let bytes = out.finish().expect("csv finish");
    let again = match parse("again.csv", &bytes) {
        Ok(p) => p,
        Err(f) => panic!(
            "an imported file, exported again, is refused: {:?}",
            &f.issues[..f.issues.len().min(5)]
        ),
    };
    assert_eq!(again.households.len(), parsed.households.len());
    for (a, b) in again.households.iter().zip(&parsed.households) {
        assert_eq!(a.household, b.household);
        assert_eq!(a.members, b.members);
        assert_eq!(a.income, b.income);
        assert_eq!(a.places, b.places);
    }
}
