//! ID numbers unique county-wide by construction, and the birth days that make them so.
use super::*;

/// How ID numbers are made unique across the county, by construction.
///
/// An ID is `500230` + birth date + 3-digit `seq` + check digit. Household `i` gets
/// * `seq = 2·p + sex` with `p = (i mod 500)·373 + s (mod 500)` — a bijection of `i mod 500`
///   (373 is coprime to 500), so the 17th digit is odd for men and even for women; and
/// * a residue class `r = (i div 500 + s') mod J` with `J = ⌈households / 500⌉`: every
///   member's birth day number (days since 0001-01-01) is ≡ r (mod J).
///
/// Two members of different households with the same `p` have different `i div 500 < J`,
/// hence different residues, hence different birth dates. Two members of the same
/// household with the same sex get distinct birth dates (the generator moves one by ±J
/// days). So (birth date, seq) never repeats. The price is that birth dates are moved
/// from their demographic target by at most J/2 days: ±20 days for 20,000 households,
/// ±2.7 years for 1,000,000. Everything age-related (school, labour, pensions) is derived
/// from the final dates, so the records stay consistent.
#[derive(Debug, Clone, Copy)]
pub(super) struct IdScheme {
    pub(super) seq_base: u16,
    pub(super) residue: i32,
    pub(super) modulus: i32,
}

impl IdScheme {
    pub(super) fn new(cfg: &DemoConfig, index: u32) -> IdScheme {
        let modulus = cfg.households.div_ceil(SEQ_BLOCK).max(1) as i32;
        let s = (cfg.seed % u64::from(SEQ_BLOCK)) as u32;
        let s2 = ((cfg.seed >> 20) % modulus as u64) as i32;
        let p = ((index % SEQ_BLOCK) * 373 + s) % SEQ_BLOCK;
        let block = (index / SEQ_BLOCK) as i32;
        IdScheme {
            seq_base: (p * 2) as u16,
            residue: (block + s2).rem_euclid(modulus),
            modulus,
        }
    }

    /// Birth days (days from the common era) of the drafted members, in order: each
    /// near its target age, within its parents' and children's 18-year gaps, in the
    /// household's residue class and distinct per sex. `None` for a member that does
    /// not fit; the head always fits.
    pub(super) fn birth_days(
        &self,
        rng: &mut ChaCha8Rng,
        drafts: &[Draft],
        as_of_day: i32,
    ) -> Vec<Option<i32>> {
        let mut days: Vec<Option<i32>> = vec![None; drafts.len()];
        let mut used_male: Vec<i32> = Vec::with_capacity(drafts.len());
        let mut used_female: Vec<i32> = Vec::with_capacity(drafts.len());
        for (k, d) in drafts.iter().enumerate() {
            let target = as_of_day - d.age * YEAR - rng.random_range(0..YEAR);
            let mut lo = as_of_day - 100 * YEAR;
            let mut hi = if d.adult {
                as_of_day - GAP_18Y
            } else {
                as_of_day
            };
            for (p, gap) in d.after.iter().flatten() {
                if let Some(pd) = days[*p] {
                    lo = lo.max(pd + gap);
                }
            }
            if let Some(c) = d.before
                && let Some(cd) = days[c]
            {
                hi = hi.min(cd - GAP_18Y);
            }
            let used = if d.male {
                &mut used_male
            } else {
                &mut used_female
            };
            if let Some(day) = self.place(target, lo, hi, used) {
                used.push(day);
                days[k] = Some(day);
            } else if k == 0 {
                // The head's window is 82 years wide; J never exceeds it for sane sizes.
                panic!("cannot place household head (households too large for the ID scheme)");
            }
        }
        days
    }

    /// The day in `[lo, hi]` of the household's residue class nearest to `target`, avoiding `used`.
    pub(super) fn place(&self, target: i32, lo: i32, hi: i32, used: &[i32]) -> Option<i32> {
        if lo > hi {
            return None;
        }
        let j = self.modulus;
        let t = target.clamp(lo, hi);
        let up = t + (self.residue - t).rem_euclid(j); // first candidate ≥ t
        let down = up - j; // last candidate < t
        // Candidates in order of distance from t, alternating sides.
        for k in 0..64 {
            let (a, b) = (up + k * j, down - k * j);
            let (first, second) = if a - t <= t - b { (a, b) } else { (b, a) };
            for c in [first, second] {
                if (lo..=hi).contains(&c) && !used.contains(&c) {
                    return Some(c);
                }
            }
            if a > hi && b < lo {
                break;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn id_scheme_places_in_the_residue_class() {
        let cfg = DemoConfig::fengdu(5, 1_000_000);
        let s = IdScheme::new(&cfg, 123_456);
        assert_eq!(s.modulus, 2_000);
        let day = s.place(700_000, 690_000, 710_000, &[]).unwrap();
        assert_eq!(day.rem_euclid(s.modulus), s.residue);
        assert!((day - 700_000).abs() <= s.modulus / 2);
        // A used day is skipped in favour of the next one of the class.
        let other = s.place(700_000, 690_000, 710_000, &[day]).unwrap();
        assert_ne!(other, day);
        assert_eq!(other.rem_euclid(s.modulus), s.residue);
        // A window narrower than the modulus may have no member of the class.
        let none = (0..s.modulus)
            .filter(|&t| {
                s.place(700_000 + t, 700_000 + t, 700_000 + t + 10, &[])
                    .is_none()
            })
            .count();
        assert!(none > 0);
        // Households sharing the sequence digits differ in residue.
        let a = IdScheme::new(&cfg, 7);
        let b = IdScheme::new(&cfg, 507);
        assert_eq!(a.seq_base, b.seq_base);
        assert_ne!(a.residue, b.residue);
    }
}
