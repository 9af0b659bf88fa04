//! Money as an integer number of 分 (fen, 0.01 元).
//!
//! Amounts never go through floating point. `Display` gives `1234.50` (no thousands
//! separators, so it parses back); [`Money::format_yuan`] gives `1,234.50元` for the UI.
//! Serde uses the integer number of 分, as the API contract documents.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An amount of money in 分 (hundredths of a yuan). May be negative.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Debug, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a string is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    /// Nothing but whitespace (or only a currency sign) was given.
    #[error("金额为空")]
    Empty,
    /// Not a number.
    #[error("金额格式无效：{input}")]
    Invalid {
        /// The input (trimmed).
        input: String,
    },
    /// More than two decimal places.
    #[error("金额最多两位小数：{input}")]
    TooManyDecimals {
        /// The input (trimmed).
        input: String,
    },
    /// Outside the representable range.
    #[error("金额超出范围：{input}")]
    Overflow {
        /// The input (trimmed).
        input: String,
    },
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// From an amount in 分.
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    /// From a whole number of 元.
    ///
    /// # Panics
    /// Panics if `yuan * 100` overflows `i64`.
    pub const fn from_yuan(yuan: i64) -> Money {
        match yuan.checked_mul(100) {
            Some(fen) => Money(fen),
            None => panic!("amount in yuan out of range"),
        }
    }

    /// The amount in 分.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Whole 元, rounded towards negative infinity (−1.50 元 → −2).
    pub const fn yuan_floor(self) -> i64 {
        self.0.div_euclid(100)
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Absolute value.
    pub const fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// Addition that returns `None` on overflow.
    pub const fn checked_add(self, rhs: Money) -> Option<Money> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    /// Subtraction that returns `None` on overflow.
    pub const fn checked_sub(self, rhs: Money) -> Option<Money> {
        match self.0.checked_sub(rhs.0) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    /// Divide by a positive count, rounding half away from zero to the nearest 分.
    ///
    /// # Panics
    /// Panics if `n` is zero.
    pub fn div_round(self, n: u32) -> Money {
        assert!(n > 0, "Money::div_round by zero");
        let a = i128::from(self.0);
        let n = i128::from(n);
        let q = a / n;
        let r = a % n;
        let q = if 2 * r.abs() >= n { q + a.signum() } else { q };
        // |q| <= |a|, so it fits.
        Money(q as i64)
    }

    /// Parse an amount in 元.
    ///
    /// Accepts `1234.5`, `1234.50`, `1,234.50元`, `￥1234`, `¥1,234`, ` 8300 `,
    /// full-width digits and punctuation, and a leading `-` or `+`.
    /// Rejects more than two decimals, empty input, letters and overflow.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        let input = s.trim();
        let invalid = || MoneyError::Invalid {
            input: input.to_string(),
        };
        // Normalise full-width characters first.
        let normalised: String = input
            .chars()
            .map(|c| match c {
                '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
                '．' => '.',
                '，' => ',',
                '－' => '-',
                '＋' => '+',
                other => other,
            })
            .collect();
        let mut body = normalised.trim();
        body = body.strip_suffix('元').unwrap_or(body).trim_end();
        let mut negative = false;
        // Sign and currency symbol in either order: "-￥12", "￥-12".
        for _ in 0..2 {
            if let Some(rest) = body.strip_prefix(['￥', '¥']) {
                body = rest.trim_start();
            }
            if let Some(rest) = body.strip_prefix('-') {
                negative = !negative;
                body = rest.trim_start();
            } else if let Some(rest) = body.strip_prefix('+') {
                body = rest.trim_start();
            }
        }
        if body.is_empty() {
            return Err(
                if input.is_empty() || input.chars().all(|c| "￥¥元".contains(c)) {
                    MoneyError::Empty
                } else {
                    invalid()
                },
            );
        }
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        // Integer part: digits, optionally grouped by commas in threes.
        if int_part.is_empty() {
            return Err(invalid());
        }
        let int_digits: String = if int_part.contains(',') {
            let groups: Vec<&str> = int_part.split(',').collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
            if !first_ok || !rest_ok {
                return Err(invalid());
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if !int_digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let frac_fen: i128 = match frac_part {
            None => 0,
            Some(f) => {
                if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                if f.len() > 2 {
                    return Err(MoneyError::TooManyDecimals {
                        input: input.to_string(),
                    });
                }
                let v: i128 = f.parse().map_err(|_| invalid())?;
                if f.len() == 1 { v * 10 } else { v }
            }
        };
        let overflow = || MoneyError::Overflow {
            input: input.to_string(),
        };
        // Strip leading zeros so a long run of zeros does not count as overflow.
        let significant = int_digits.trim_start_matches('0');
        if significant.len() > 20 {
            return Err(overflow());
        }
        let yuan: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| overflow())?
        };
        let mut fen = yuan * 100 + frac_fen;
        if negative {
            fen = -fen;
        }
        i64::try_from(fen).map(Money).map_err(|_| overflow())
    }

    /// UI form with thousands separators and unit: `1,234.50元`, `-80.00元`.
    pub fn format_yuan(self) -> String {
        let abs = self.0.unsigned_abs();
        let int = (abs / 100).to_string();
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{grouped}.{:02}元", abs % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn parses_accepted_forms() {
        assert_eq!(m("1234.5"), Money::from_fen(123_450));
        assert_eq!(m("1234.50"), Money::from_fen(123_450));
        assert_eq!(m("1,234.50元"), Money::from_fen(123_450));
        assert_eq!(m("￥1234"), Money::from_yuan(1234));
        assert_eq!(m("¥1,234"), Money::from_yuan(1234));
        assert_eq!(m(" 8300 "), Money::from_yuan(8300));
        assert_eq!(m("８３００．５"), Money::from_fen(830_050));
        assert_eq!(m("-12.3"), Money::from_fen(-1230));
        assert_eq!(m("-￥12"), Money::from_yuan(-12));
        assert_eq!(m("￥-12"), Money::from_yuan(-12));
        assert_eq!(m("0.05"), Money::from_fen(5));
        assert_eq!(m("1,234,567.89"), Money::from_fen(123_456_789));
        assert_eq!(m("-0"), Money::ZERO);
        assert_eq!("80400".parse::<Money>().unwrap(), Money::from_yuan(80_400));
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(
            Money::parse("12.345").unwrap_err().to_string(),
            "金额最多两位小数：12.345"
        );
        assert_eq!(
            Money::parse("abc").unwrap_err().to_string(),
            "金额格式无效：abc"
        );
        assert_eq!(Money::parse("  ").unwrap_err(), MoneyError::Empty);
        assert_eq!(Money::parse("元").unwrap_err(), MoneyError::Empty);
        for bad in [
            "12a", "1,23", "12,", ",12", "1.2.3", ".5", "12.", "--", "1 000", "1e3",
        ] {
            assert!(
                matches!(Money::parse(bad), Err(MoneyError::Invalid { .. })),
                "{bad} accepted"
            );
        }
        assert!(matches!(
            Money::parse("99999999999999999999"),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(matches!(
            Money::parse("100000000000000000000000"),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn display_and_format() {
        assert_eq!(Money::from_fen(123_450).to_string(), "1234.50");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(123_450).format_yuan(), "1,234.50元");
        assert_eq!(
            Money::from_fen(-123_456_789).format_yuan(),
            "-1,234,567.89元"
        );
        assert_eq!(Money::from_fen(99).format_yuan(), "0.99元");
        assert_eq!(Money::from_fen(-150).yuan_floor(), -2);
        assert_eq!(Money::from_fen(150).yuan_floor(), 1);
        assert_eq!(
            m(&Money::from_fen(i64::MIN).to_string()),
            Money::from_fen(i64::MIN)
        );
    }

    #[test]
    fn arithmetic() {
        let mut a = Money::from_yuan(10);
        a += Money::from_fen(50);
        a -= Money::from_fen(25);
        assert_eq!(a, Money::from_fen(1025));
        assert_eq!(-a, Money::from_fen(-1025));
        assert!((-a).is_negative());
        assert!(Money::ZERO.is_zero());
        let total: Money = [a, a].iter().sum();
        assert_eq!(total, Money::from_fen(2050));
        assert_eq!(
            Money::from_fen(i64::MAX).checked_add(Money::from_fen(1)),
            None
        );
        assert_eq!(
            Money::from_fen(i64::MIN).checked_sub(Money::from_fen(1)),
            None
        );
        assert_eq!(Money::from_fen(5).div_round(2), Money::from_fen(3));
        assert_eq!(Money::from_fen(-5).div_round(2), Money::from_fen(-3));
        assert_eq!(Money::from_fen(4).div_round(3), Money::from_fen(1));
        assert_eq!(
            Money::from_fen(1_000_000).div_round(3),
            Money::from_fen(333_333)
        );
        assert_eq!(
            Money::from_fen(i64::MIN).div_round(1),
            Money::from_fen(i64::MIN)
        );
    }

    #[test]
    fn serde_as_fen() {
        let a = Money::from_fen(830_000);
        assert_eq!(serde_json::to_string(&a).unwrap(), "830000");
        assert_eq!(
            serde_json::from_str::<Money>("-12").unwrap(),
            Money::from_fen(-12)
        );
    }

    proptest! {
        #[test]
        fn display_round_trips(fen in any::<i64>()) {
            let a = Money::from_fen(fen);
            prop_assert_eq!(Money::parse(&a.to_string()).unwrap(), a);
            let ui = a.format_yuan();
            prop_assert_eq!(Money::parse(&ui).unwrap(), a);
        }

        #[test]
        fn sum_is_order_independent(mut v in prop::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, 0..50)) {
            let forward: Money = v.iter().map(|&f| Money::from_fen(f)).sum();
            v.reverse();
            let backward: Money = v.iter().map(|&f| Money::from_fen(f)).sum();
            v.sort_unstable();
            let sorted: Money = v.iter().map(|&f| Money::from_fen(f)).sum();
            prop_assert_eq!(forward, backward);
            prop_assert_eq!(forward, sorted);
        }

        #[test]
        fn div_round_error_at_most_half_fen(fen in any::<i64>(), n in 1u32..10_000) {
            let q = Money::from_fen(fen).div_round(n);
            // |q*n - fen| <= n/2, i.e. the per-unit error is at most half a 分.
            let err = (i128::from(q.fen()) * i128::from(n) - i128::from(fen)).abs();
            prop_assert!(2 * err <= i128::from(n));
        }
    }
}
