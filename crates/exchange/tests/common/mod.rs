//! Shared helpers: demo households and in-memory exports.

#![allow(dead_code)]

use std::io::Cursor;

use fangpin_demo::{DemoConfig, GeneratedHousehold, households, layout};
use fangpin_exchange::{CsvExporter, ExportOptions, ExportRow, ParsedFile, XlsxExporter};

pub fn demo(n: u32) -> Vec<GeneratedHousehold> {
    let cfg = DemoConfig::fengdu(20_240_101, n);
    let lay = layout(&cfg);
    households(&cfg, &lay).collect()
}

pub fn unmasked() -> ExportOptions {
    ExportOptions {
        mask_ids: false,
        ..ExportOptions::default()
    }
}

pub fn to_xlsx(data: &[GeneratedHousehold], options: ExportOptions) -> Vec<u8> {
    let mut ex = XlsxExporter::new(Cursor::new(Vec::new()), options).unwrap();
    for g in data {
        ex.write_household(ExportRow::new(&g.household, &g.members, Some(&g.income)))
            .unwrap();
    }
    ex.finish().unwrap().into_inner()
}

pub fn to_csv(data: &[GeneratedHousehold], options: ExportOptions) -> Vec<u8> {
    let mut ex = CsvExporter::new(Vec::new(), options).unwrap();
    for g in data {
        ex.write_household(ExportRow::new(&g.household, &g.members, Some(&g.income)))
            .unwrap();
    }
    ex.finish().unwrap()
}

/// The CSV as records (BOM removed).
pub fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

pub fn records_to_csv(records: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for r in records {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

pub fn assert_same(parsed: &ParsedFile, data: &[GeneratedHousehold]) {
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert_eq!(parsed.households.len(), data.len());
    assert_eq!(
        parsed.rows,
        data.iter().map(|g| g.members.len()).sum::<usize>()
    );
    for (got, want) in parsed.households.iter().zip(data) {
        assert_eq!(got.household, want.household);
        assert_eq!(got.members, want.members);
        assert_eq!(got.income.as_ref(), Some(&want.income));
    }
}
