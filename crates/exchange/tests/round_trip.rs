//! Export → import round trips on realistic demo data.

mod common;

use common::*;
use fangpin_exchange::{ExportOptions, parse};

#[test]
fn xlsx_round_trip_is_lossless() {
    let data = demo(200);
    let bytes = to_xlsx(&data, unmasked());
    let parsed = parse("全字段.xlsx", &bytes)
        .unwrap_or_else(|f| panic!("{:#?}", &f.issues[..f.issues.len().min(10)]));
    assert_eq!(parsed.encoding, None);
    assert_eq!(parsed.sheet, "家庭成员");
    assert_same(&parsed, &data);
    for (h, g) in parsed.households.iter().zip(&data) {
        assert!(h.first_row >= 2);
        assert_eq!(h.members.len(), g.members.len());
    }
}

#[test]
fn csv_utf8_with_bom_round_trip_is_lossless() {
    let data = demo(200);
    let bytes = to_csv(&data, unmasked());
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let parsed = parse("全字段.csv", &bytes)
        .unwrap_or_else(|f| panic!("{:#?}", &f.issues[..f.issues.len().min(10)]));
    assert_eq!(parsed.encoding, Some("UTF-8"));
    assert_eq!(parsed.sheet, "CSV");
    assert_same(&parsed, &data);
}

#[test]
fn csv_without_text_guard_round_trips_too() {
    let data = demo(50);
    let options = ExportOptions {
        csv_excel_text_guard: false,
        ..unmasked()
    };
    let bytes = to_csv(&data, options);
    assert!(!bytes.contains(&b'\t'));
    assert_same(&parse("x.csv", &bytes).unwrap(), &data);
}

#[test]
fn csv_in_gbk_is_detected_and_round_trips() {
    let data = demo(200);
    let utf8 = to_csv(&data, unmasked());
    let text = std::str::from_utf8(&utf8[3..]).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "GBK bytes must not be valid UTF-8"
    );
    let parsed = parse("县里导出.csv", &gbk).unwrap();
    assert_eq!(parsed.encoding, Some("GB18030"));
    assert_same(&parsed, &data);
}

#[test]
fn shuffled_columns_and_an_unknown_column_give_the_same_data_and_one_warning() {
    let data = demo(60);
    let records = csv_records(&to_csv(&data, unmasked()));
    let width = records[0].len();
    // A fixed permutation: interleave from both ends.
    let mut order = Vec::with_capacity(width);
    let (mut lo, mut hi) = (0usize, width - 1);
    while lo <= hi {
        order.push(hi);
        if lo != hi {
            order.push(lo);
        }
        lo += 1;
        if hi == 0 {
            break;
        }
        hi -= 1;
    }
    assert_eq!(order.len(), width);
    let shuffled: Vec<Vec<String>> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut out: Vec<String> = order.iter().map(|&c| r[c].clone()).collect();
            out.insert(
                7,
                if i == 0 {
                    "备注".to_string()
                } else {
                    format!("第{i}条")
                },
            );
            // Half-width parentheses and stray spaces in the headers are accepted.
            if i == 0 {
                for h in &mut out {
                    *h = format!(" {} ", h.replace('（', "(").replace('）', ")"));
                }
            }
            out
        })
        .collect();
    let parsed = parse("shuffled.csv", &records_to_csv(&shuffled)).unwrap();
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    let w = &parsed.warnings[0];
    assert_eq!((w.row, w.column.as_str()), (1, "备注"));
    assert!(w.reason.contains("备注"));
    let mut clean = parsed.clone();
    clean.warnings.clear();
    assert_same(&clean, &data);
}

#[test]
fn masked_export_is_refused_on_import() {
    let data = demo(20);
    for (name, bytes) in [
        ("masked.xlsx", to_xlsx(&data, ExportOptions::default())),
        ("masked.csv", to_csv(&data, ExportOptions::default())),
    ] {
        let failure = parse(name, &bytes).unwrap_err();
        let persons: usize = data.iter().map(|g| g.members.len()).sum();
        let member_ids = failure
            .issues
            .iter()
            .filter(|i| i.column == "证件号码")
            .count();
        assert_eq!(member_ids, persons, "{name}");
        assert!(
            failure
                .issues
                .iter()
                .all(|i| i.reason.contains("已脱敏，无法导入"))
        );
        let first = failure
            .issues
            .iter()
            .find(|i| i.column == "证件号码")
            .unwrap();
        assert!(
            first.reason.starts_with("证件号码已脱敏，无法导入"),
            "{}",
            first.reason
        );
        assert!(first.value.contains("********"));
    }
}
