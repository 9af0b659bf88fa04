//! Properties of the domain's text parsers, shared by the libFuzzer targets in
//! `fuzz/` and the proptest harness in `crates/domain/tests/robust.rs`: no input
//! makes a parser panic, and whatever parses is written back in a form that
//! parses to the same value.

use fangpin_domain::household::{Hundredths, YearMonth};
use fangpin_domain::{AreaCode, IdNumber, Money};

/// 公民身份号码: the canonical 18-character form parses to itself; birth date,
/// sex and the mask are readable; the mask keeps the length.
pub fn id_number(s: &str) {
    let Ok(id) = IdNumber::parse(s) else { return };
    assert_eq!(id.as_str().len(), 18, "{s:?}");
    assert_eq!(IdNumber::parse(id.as_str()).as_ref(), Ok(&id), "{s:?}");
    let _ = (id.birth_date(), id.sex(), id.area_prefix());
    let masked = id.masked();
    assert_eq!(masked.len(), 18);
    assert!(IdNumber::parse(&masked).is_err(), "a mask must not parse");
}

/// Amounts in 元: the plain and the display form parse back to the same 分.
pub fn money(s: &str) {
    let Ok(m) = Money::parse(s) else { return };
    assert_eq!(Money::parse(&m.to_string()), Ok(m), "{s:?}");
    assert_eq!(Money::parse(&m.format_yuan()), Ok(m), "{s:?}");
}

/// 行政区划代码: the 12-digit form parses to itself and the parent chain ends.
pub fn area_code(s: &str) {
    let Ok(a) = AreaCode::parse(s) else { return };
    assert_eq!(AreaCode::parse(&a.as_string()), Ok(a), "{s:?}");
    assert_eq!(a.as_string().len(), 12);
    let mut up = Some(a);
    for _ in 0..6 {
        match up {
            Some(code) => {
                let _ = code.level();
                up = code.parent();
            }
            None => return,
        }
    }
    panic!("parent chain of {a} does not end");
}

/// Months (`202403`, `2024-03`, `2024年3月`) and two-decimal quantities.
pub fn year_month(s: &str) {
    if let Ok(ym) = YearMonth::parse(s) {
        assert_eq!(YearMonth::parse(&ym.to_string()), Ok(ym), "{s:?}");
        let _ = ym.first_day();
    }
    if let Ok(h) = Hundredths::parse(s) {
        assert_eq!(Hundredths::parse(&h.to_string()), Ok(h), "{s:?}");
    }
}

/// Every parser above on one input.
pub fn all(s: &str) {
    id_number(s);
    money(s);
    area_code(s);
    year_month(s);
}
