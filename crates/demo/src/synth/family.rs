//! Family structure: who lives in the household, their relations, sexes and target ages.
use super::*;

/// A member before dates are fixed.
pub(super) struct Draft {
    pub(super) relation: &'static str,
    pub(super) male: bool,
    pub(super) age: i32,
    pub(super) surname: u16,
    /// Must be born at least 18 years after these members (parents).
    pub(super) after: [Option<(usize, i32)>; 2],
    /// Must be born at least 18 years before this member (its child).
    pub(super) before: Option<usize>,
    pub(super) adult: bool,
    /// A grandchild living without either parent in the household.
    pub(super) left_behind: bool,
}

impl Draft {
    pub(super) fn new(relation: &'static str, male: bool, age: i32, surname: u16) -> Draft {
        Draft {
            relation,
            male,
            age: age.clamp(0, 100),
            surname,
            after: [None, None],
            before: None,
            adult: false,
            left_behind: false,
        }
    }
}

/// Household size 1..=8: mode 3–4, single elders present.
pub(super) fn household_size(rng: &mut ChaCha8Rng, lifted: bool) -> usize {
    const ORDINARY: [u32; 8] = [95, 180, 220, 220, 150, 85, 35, 15];
    const LIFTED: [u32; 8] = [140, 200, 205, 200, 135, 75, 33, 12];
    let w = if lifted { &LIFTED } else { &ORDINARY };
    let mut x = rng.random_range(0..w.iter().sum::<u32>());
    for (k, &wk) in w.iter().enumerate() {
        if x < wk {
            return k + 1;
        }
        x -= wk;
    }
    8
}

/// Family structure: relations, sexes, target ages and the parent constraints.
pub(super) fn compose(
    rng: &mut ChaCha8Rng,
    layout: &DemoLayout,
    n: usize,
    surname: u16,
) -> Vec<Draft> {
    let mut f = Family {
        layout,
        surname,
        m: Vec::with_capacity(n),
    };
    if n == 1 {
        f.single(rng);
        return f.m;
    }
    let pattern = match n {
        2 => weighted(rng, &[60, 15, 25, 0, 0]),
        3 => weighted(rng, &[0, 0, 58, 27, 15]),
        _ => weighted(rng, &[0, 0, 40, 42, 18]),
    };
    // 0 elder couple, 1 middle-aged couple, 2 nuclear (or single parent), 3 three generations
    // with the head as grandparent, 4 three generations with the head's parents.
    match pattern {
        0 => {
            let age = rng.random_range(58..=86);
            f.head_and_spouse(rng, age, true, 0.93);
        }
        1 => {
            let age = rng.random_range(38..=60);
            f.head_and_spouse(rng, age, true, 0.9);
        }
        2 => f.nuclear(rng, n),
        3 => f.with_grandchildren(rng, n),
        _ => f.with_parents(rng, n),
    }
    debug_assert_eq!(f.m.len(), n);
    f.m
}

/// The household being composed.
struct Family<'a> {
    layout: &'a DemoLayout,
    /// The head's surname.
    surname: u16,
    m: Vec<Draft>,
}

/// Born at least 18 years after the head and, if any, the spouse.
fn parents_of(head: usize, spouse: Option<usize>) -> [Option<(usize, i32)>; 2] {
    [Some((head, GAP_18Y)), spouse.map(|s| (s, GAP_18Y))]
}

impl Family<'_> {
    fn other_surname(&self, rng: &mut ChaCha8Rng) -> u16 {
        self.layout.surnames.sample(rng)
    }

    /// A household of one: mostly an elder.
    fn single(&mut self, rng: &mut ChaCha8Rng) {
        let elder = rng.random_bool(0.7);
        let male = rng.random_bool(if elder { 0.52 } else { 0.8 });
        let age = if elder {
            rng.random_range(60..=90)
        } else {
            rng.random_range(30..=59)
        };
        let mut head = Draft::new(REL_HEAD, male, age, self.surname);
        head.adult = true;
        self.m.push(head);
    }

    /// The head and, if `with_spouse`, the spouse (whose index is returned).
    fn head_and_spouse(
        &mut self,
        rng: &mut ChaCha8Rng,
        age: i32,
        with_spouse: bool,
        male_p: f64,
    ) -> Option<usize> {
        let male = rng.random_bool(male_p);
        let mut head = Draft::new(REL_HEAD, male, age, self.surname);
        head.adult = true;
        self.m.push(head);
        if !with_spouse {
            return None;
        }
        let s_age = if male {
            age - rng.random_range(-2..=5)
        } else {
            age + rng.random_range(-2..=5)
        };
        let mut spouse = Draft::new(REL_SPOUSE, !male, s_age.max(20), self.other_surname(rng));
        spouse.adult = true;
        self.m.push(spouse);
        Some(1)
    }

    /// `count` children from `oldest` down, one to four years apart.
    fn children(
        &mut self,
        rng: &mut ChaCha8Rng,
        oldest: i32,
        count: usize,
        surname: u16,
        parents: [Option<(usize, i32)>; 2],
    ) {
        let mut age = oldest;
        for k in 0..count {
            if k > 0 {
                age = (age - rng.random_range(1..=4)).max(0);
            }
            push_child(rng, &mut self.m, age, surname, parents);
        }
    }

    /// Parents (or one parent) with their children, now and then a sibling of the head.
    fn nuclear(&mut self, rng: &mut ChaCha8Rng, n: usize) {
        let with_spouse = n > 2 && rng.random_bool(0.88);
        let kids = n - 1 - usize::from(with_spouse);
        let sibling = kids >= 2 && rng.random_bool(0.05);
        let kids = kids - usize::from(sibling);
        let oldest = rng.random_range((2 * kids as i32 - 1)..=(2 * kids as i32 + 27));
        let head_age = oldest + rng.random_range(23..=33);
        let male_p = if with_spouse { 0.9 } else { 0.55 };
        let spouse = self.head_and_spouse(rng, head_age, with_spouse, male_p);
        // Children of a female head without a husband sometimes carry the father's surname.
        let kid_surname = if !self.m[0].male && spouse.is_none() && rng.random_bool(0.6) {
            self.other_surname(rng)
        } else {
            self.surname
        };
        self.children(rng, oldest, kids, kid_surname, parents_of(0, spouse));
        if sibling {
            let s_age = (head_age + rng.random_range(-8..=8)).max(18);
            let mut s = Draft::new(REL_SIBLING, rng.random_bool(0.7), s_age, self.surname);
            s.adult = true;
            self.m.push(s);
        }
    }

    /// Three generations with the head as grandparent: a son's (or, with a
    /// 上门女婿, a daughter's) family, or grandchildren left behind alone.
    fn with_grandchildren(&mut self, rng: &mut ChaCha8Rng, n: usize) {
        let with_spouse = rng.random_bool(0.8);
        let r = n - 1 - usize::from(with_spouse);
        let variant = weighted(rng, &[65, 10, 25]);
        let middle_count = match (variant, r) {
            (2, _) | (_, 1) => 0,
            (_, 2) => 1,
            _ => 2,
        };
        let mut grandkids = r - middle_count;
        let extra_kids = grandkids.saturating_sub(4);
        grandkids -= extra_kids;
        let oldest_grandkid = rng.random_range(0..=(2 * grandkids as i32 + 17));
        let middle_age = oldest_grandkid + rng.random_range(21..=32);
        let head_age = (middle_age + rng.random_range(21..=30)).min(92);
        let spouse = self.head_and_spouse(rng, head_age, with_spouse, 0.88);
        let (gk_parents, gk_surname) = if middle_count > 0 {
            self.middle_generation(
                rng,
                variant == 1,
                middle_count,
                middle_age,
                oldest_grandkid,
                spouse,
            )
        } else {
            // A son's children carry the head's surname, a daughter's their father's.
            let surname = if rng.random_bool(0.25) {
                self.other_surname(rng)
            } else {
                self.surname
            };
            ([Some((0, 2 * GAP_18Y)), None], surname)
        };
        let mut age = oldest_grandkid;
        for k in 0..grandkids {
            if k > 0 {
                age = (age - rng.random_range(1..=4)).max(0);
            }
            let mut g = Draft::new(REL_GRANDCHILD, rng.random_bool(0.52), age, gk_surname);
            g.after = gk_parents;
            g.left_behind = middle_count == 0;
            self.m.push(g);
        }
        for _ in 0..extra_kids {
            let age = (middle_age - rng.random_range(2..=10)).max(16);
            push_child(rng, &mut self.m, age, self.surname, parents_of(0, spouse));
        }
    }

    /// The grandchildren's parents living with the head: a son (or, with a
    /// 上门女婿, a daughter) and, if `count` is 2, the in-law. Returns the
    /// grandchildren's parent constraints and surname.
    fn middle_generation(
        &mut self,
        rng: &mut ChaCha8Rng,
        daughter_line: bool,
        count: usize,
        middle_age: i32,
        oldest_grandkid: i32,
        spouse: Option<usize>,
    ) -> ([Option<(usize, i32)>; 2], u16) {
        let mut gk_parents = [None, None];
        let mut gk_surname = self.surname;
        let idx = self.m.len();
        let mut mid = Draft::new(
            if daughter_line { REL_DAUGHTER } else { REL_SON },
            !daughter_line,
            middle_age,
            self.surname,
        );
        mid.after = parents_of(0, spouse);
        mid.adult = true;
        self.m.push(mid);
        gk_parents[0] = Some((idx, GAP_18Y));
        if count == 2 {
            let in_law_age = middle_age + rng.random_range(-4..=2);
            let mut in_law = Draft::new(
                if daughter_line { REL_SON } else { REL_DAUGHTER },
                daughter_line,
                in_law_age.max(oldest_grandkid + 20),
                self.other_surname(rng),
            );
            in_law.adult = true;
            gk_parents[1] = Some((idx + 1, GAP_18Y));
            if daughter_line && rng.random_bool(0.3) {
                gk_surname = in_law.surname;
            }
            self.m.push(in_law);
        }
        (gk_parents, gk_surname)
    }

    /// Three generations with the head's parents (or one of them) living in.
    fn with_parents(&mut self, rng: &mut ChaCha8Rng, n: usize) {
        let with_spouse = n >= 3 && rng.random_bool(0.9);
        let r = n - 1 - usize::from(with_spouse);
        let n_parents = if r >= 3 && rng.random_bool(0.45) {
            2
        } else {
            1
        }
        .min(r);
        let kids = r - n_parents;
        let max_oldest = 24.min(2 * kids as i32 + 16);
        let oldest = rng.random_range((2 * kids as i32 - 2).max(0)..=max_oldest.max(0));
        let head_age = (oldest + rng.random_range(23..=32)).clamp(28, 55);
        let spouse = self.head_and_spouse(rng, head_age, with_spouse, 0.9);
        let parent_age = head_age + rng.random_range(22..=32);
        for k in 0..n_parents {
            let male = if n_parents == 2 {
                k == 0
            } else {
                rng.random_bool(0.3)
            };
            let age = if k == 1 {
                parent_age - rng.random_range(0..=5)
            } else {
                parent_age
            };
            let surname = if male {
                self.surname
            } else {
                self.other_surname(rng)
            };
            let mut p = Draft::new(REL_PARENT, male, age.min(96), surname);
            p.before = Some(0);
            p.adult = true;
            self.m.push(p);
        }
        self.children(rng, oldest, kids, self.surname, parents_of(0, spouse));
    }
}

pub(super) fn push_child(
    rng: &mut ChaCha8Rng,
    m: &mut Vec<Draft>,
    age: i32,
    surname: u16,
    parents: [Option<(usize, i32)>; 2],
) {
    let male = rng.random_bool(0.52);
    let mut d = Draft::new(
        if male { REL_SON } else { REL_DAUGHTER },
        male,
        age,
        surname,
    );
    d.after = parents;
    m.push(d);
}

/// Index drawn with the given integer weights.
pub(super) fn weighted(rng: &mut ChaCha8Rng, w: &[u32]) -> usize {
    let mut x = rng.random_range(0..w.iter().sum::<u32>());
    for (k, &wk) in w.iter().enumerate() {
        if x < wk {
            return k;
        }
        x -= wk;
    }
    w.len() - 1
}
