//! ID numbers as integer keys: the 17 body digits times 11 plus the check
//! digit (X = 10), which fits a `u64` and hashes in one step.

use fangpin_domain::IdNumber;
use fangpin_domain::id_number::body_is_valid;
#[cfg(test)]
use fangpin_domain::id_number::check_digit;

/// An ID number as a key.
pub type IdKey = u64;

const WEIGHTS: [u64; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The key of an 18-character ID number written plainly (ASCII digits, `X`
/// or `x` last) that `IdNumber::parse` accepts (province, birth date, check
/// digit); `None` otherwise. The fast path of [`id_key`].
fn plain_key(b: &[u8]) -> Option<IdKey> {
    let [body @ .., last] = b else { return None };
    if body.len() != 17 {
        return None;
    }
    let mut value = 0u64;
    let mut sum = 0u64;
    for (d, w) in body.iter().zip(WEIGHTS) {
        let d = u64::from(d.wrapping_sub(b'0'));
        if d > 9 {
            return None;
        }
        value = value * 10 + d;
        sum += d * w;
    }
    let check = match last {
        b'X' | b'x' => 10,
        d @ b'0'..=b'9' => u64::from(d - b'0'),
        _ => return None,
    };
    // GB 11643: the check digit makes the weighted sum ≡ 1 (mod 11).
    ((sum + check) % 11 == 1 && body_is_valid(body)).then_some(value * 11 + check)
}

/// The key of an ID number as a feed writes it: 18 digits, a lower-case
/// `x`, full-width digits, spaces, or the old 15 digits (upgraded). `None`
/// when it is not a valid number (wrong length, date or check digit): such a
/// row goes to review, never to a warning.
pub fn id_key(b: &[u8]) -> Option<IdKey> {
    if let Some(k) = plain_key(b) {
        return Some(k);
    }
    let text = std::str::from_utf8(b).ok()?;
    let id = IdNumber::parse(text).ok()?;
    plain_key(id.as_str().as_bytes())
}

/// The ID number of a key, in full.
pub fn full(key: IdKey) -> String {
    let body = key / 11;
    let check = key % 11;
    let mut s = format!("{body:017}");
    s.push(if check == 10 {
        'X'
    } else {
        char::from(b'0' + u8::try_from(check).unwrap_or(0))
    });
    s
}

/// The ID number of a key, masked as everywhere in fangpin.
pub fn masked(key: IdKey) -> String {
    IdNumber::parse(&full(key)).map_or_else(|_| "（证件号无效）".to_owned(), |id| id.masked())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_forms_of_one_number_have_one_key() {
        let first17 = "50023019800101001";
        let c = char::from(check_digit(first17.as_bytes()));
        let id = format!("{first17}{c}");
        let k = id_key(id.as_bytes()).unwrap();
        let full_width: String = id
            .chars()
            .map(|ch| char::from_u32(ch as u32 - '0' as u32 + '０' as u32).unwrap_or(ch))
            .collect();
        assert_eq!(id_key(full_width.as_bytes()), Some(k));
        assert_eq!(id_key(format!(" {id} ").as_bytes()), Some(k));
        // The old 15-digit form: no century, no check digit.
        let old = format!("{}{}", &id[..6], &id[8..17]);
        assert_eq!(id_key(old.as_bytes()), Some(k));
        // A wrong check digit is no key.
        let wrong = format!("{first17}{}", if c == '0' { '1' } else { '0' });
        assert_eq!(id_key(wrong.as_bytes()), None);
        assert_eq!(masked(k), IdNumber::parse(&id).unwrap().masked());
    }

    proptest! {
        /// Any 17 digits and check character: the fast path accepts exactly
        /// what the domain's parser accepts, with the same number.
        #[test]
        fn the_fast_path_agrees_with_the_domain(
            province in prop::sample::select(vec!["11", "50", "53", "41", "99", "00"]),
            rest in "[0-9]{4}(18|19|20)[0-9]{2}(0[0-9]|1[0-3])([0-2][0-9]|3[0-2])[0-9]{3}",
            x in 0u8..11,
        ) {
            let check = if x == 10 { 'X' } else { char::from(b'0' + x) };
            let id = format!("{province}{rest}{check}");
            let domain = IdNumber::parse(&id).ok();
            let fast = plain_key(id.as_bytes());
            prop_assert_eq!(fast.is_some(), domain.is_some(), "{}", id);
            if let (Some(k), Some(d)) = (fast, domain) {
                prop_assert_eq!(masked(k), d.masked());
            }
        }
    }
}
