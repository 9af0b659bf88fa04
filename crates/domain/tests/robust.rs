//! No text makes the ID number, money, area-code or month parsers panic, and
//! whatever they accept is written back in a form that parses to the same value.
//! The properties are the ones the libFuzzer targets in `fuzz/` check; here
//! proptest feeds them generated text within `cargo test`.

#[path = "../../../fuzz/src/domain.rs"]
mod checks;

use proptest::prelude::*;

/// Text made of the characters these parsers care about, in any order:
/// digits (also full-width), signs, separators, units and a few strangers.
fn parser_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0",
        "1",
        "2",
        "5",
        "9",
        "19",
        "20",
        "50",
        "0230",
        "x",
        "X",
        "ｘ",
        "１",
        "０",
        "９",
        "-",
        "+",
        "－",
        ".",
        "．",
        ",",
        "，",
        "/",
        "年",
        "月",
        "元",
        "￥",
        "¥",
        " ",
        "\t",
        "e",
        "E",
        "99999999999999999999",
        "2024",
        "13",
        "00",
        "é",
        "🙂",
        "\u{0}",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in ".{0,40}") {
        checks::all(&s);
    }

    #[test]
    fn parsers_never_panic_on_near_miss_text(s in parser_text()) {
        checks::all(&s);
    }

    #[test]
    fn accepted_id_numbers_round_trip(
        area in prop::sample::select(vec!["500230", "110105", "440305"]),
        days in 0i64..45_000,
        seq in 0u16..1000,
        lower in any::<bool>(),
        padding in prop::sample::select(vec!["", " ", "\t"]),
    ) {
        let birth = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let id = fangpin_domain::IdNumber::from_parts(area, birth, seq).unwrap();
        let written = if lower { id.as_str().to_lowercase() } else { id.as_str().to_owned() };
        checks::id_number(&format!("{padding}{written}{padding}"));
        prop_assert_eq!(fangpin_domain::IdNumber::parse(&written).unwrap(), id);
    }

    #[test]
    fn any_year_has_an_assessment_date(year in any::<i32>()) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let as_of = fangpin_domain::monitor::assess::as_of_for(year, today);
        if (1900..=9999).contains(&year) && year != 2026 {
            prop_assert_eq!(as_of, chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
        }
    }

    #[test]
    fn accepted_amounts_round_trip(fen in any::<i64>()) {
        let m = fangpin_domain::Money::from_fen(fen);
        checks::money(&m.to_string());
        checks::money(&m.format_yuan());
    }
}

#[test]
fn edge_cases_found_by_hand_stay_fixed() {
    for s in [
        "",
        " ",
        "-",
        "+-",
        "￥",
        "元",
        "-0",
        "-0.00元",
        "92233720368547758.07",
        "-92233720368547758.08",
        "92233720368547758.08",
        "1,234,567.891",
        ",1",
        "1,,234",
        "000000000000000000000000000000001",
        "99",
        "990000000000",
        "500230101201",
        "5002301012010",
        "2024年13月",
        "9999-12",
        "10000-01",
        "202400",
        "2024年",
        "年月",
        "１１０１０５１９４９１２３１００２Ｘ",
        "11010549123100",
        "110105491231002",
    ] {
        checks::all(s);
    }
}
