//! The screening job: one pass over the feed, sums per rule and person (or
//! household), then the warnings.

use std::collections::HashMap;
use std::io::{Read, Write};

use chrono::{Datelike, NaiveDate};
use fangpin_domain::Money;
use fangpin_domain::screening::{
    Comparator, FeedRow, FeedType, FieldKind, Firing, Population, WarningRule, Window, parse_date,
};

use crate::ScreenError;
use crate::ids::{IdKey, full, id_key, masked};
use crate::registry::Registry;
use crate::text::{Fields, for_each_line};

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What a run read and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Data rows of the feed.
    pub rows: u64,
    /// Rows whose person is in the registry.
    pub matched: u64,
    /// Rows with a valid ID number that the registry does not hold.
    pub unregistered: u64,
    /// Rows whose ID number is not valid (to review, never a warning).
    pub bad_ids: u64,
    /// Rows with an unreadable date or amount (skipped, reported).
    pub bad_rows: u64,
    /// Warnings written, per rule id.
    pub warnings: Vec<(String, u64)>,
}

/// Who a row is about: a registered person (index into the registry) or an
/// unregistered one (index into this run's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Subject {
    Registered(u32),
    Unregistered(u32),
}

/// How a rule is kept while the feed streams by.
enum Tally {
    /// 单次 on an amount: the best row per subject (amount, date, row).
    Single(Map<Subject, (Money, NaiveDate, u32)>),
    /// 单月 on an amount: the sum per subject and month, and the rows.
    Month(Map<(Subject, i32), Money>, Vec<(Subject, i32, u32)>),
    /// 年度累计 / 学年累计 on an amount: the sum per subject, and the rows.
    Sum(Map<Subject, Money>, Vec<(Subject, u32)>),
    /// A share of the household's net income: the sum per household, and
    /// the rows with their dates.
    Household(Map<u32, Money>, Vec<(u32, NaiveDate, u32)>),
    /// Any other rule: the subject's rows, evaluated by the domain at the end.
    Rows(Map<Subject, Vec<FeedRow>>),
}

struct Plan<'a> {
    rule: &'a WarningRule,
    metric: Option<usize>,
    filter: Option<usize>,
    from: Option<NaiveDate>,
    tally: Tally,
}

fn fast_money(b: &[u8]) -> Option<Money> {
    // Plain `123`, `123.4`, `123.45`: the common case, read without allocating.
    let (int, frac) = match memchr::memchr(b'.', b) {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &b[..0]),
    };
    if int.is_empty() || int.len() > 15 || frac.len() > 2 {
        return std::str::from_utf8(b)
            .ok()
            .and_then(|s| Money::parse(s).ok());
    }
    let mut fen: i64 = 0;
    for &d in int {
        if !d.is_ascii_digit() {
            return std::str::from_utf8(b)
                .ok()
                .and_then(|s| Money::parse(s).ok());
        }
        fen = fen * 10 + i64::from(d - b'0');
    }
    let mut scale = 100;
    for &d in frac {
        if !d.is_ascii_digit() {
            return std::str::from_utf8(b)
                .ok()
                .and_then(|s| Money::parse(s).ok());
        }
        scale /= 10;
        fen = fen * 10 + i64::from(d - b'0');
    }
    Some(Money::from_fen(fen * scale.max(1)))
}

fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    let digit = |i: usize| {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let y = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
        let m = digit(5)? * 10 + digit(6)?;
        let d = digit(8)? * 10 + digit(9)?;
        return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    }
    std::str::from_utf8(b).ok().and_then(parse_date)
}

fn is_fast(rule: &WarningRule, feed: &FeedType) -> bool {
    let money = feed
        .field(&rule.metric)
        .is_some_and(|f| f.kind == FieldKind::Money);
    money
        && (rule.household_share_pct.is_some()
            || (!matches!(rule.comparator, Comparator::OneOf | Comparator::Any)
                && matches!(
                    rule.window,
                    Window::Single | Window::Month | Window::YearToDate | Window::SchoolYear
                )))
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// How a run reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The day the feed stands on: later rows are not read, and the year
    /// and school year end here.
    pub as_of: NaiveDate,
    /// Write full ID numbers (for the data office that owns both files);
    /// masked otherwise.
    pub unmasked: bool,
}

/// Screens `feed` (CSV, UTF-8 or GBK, in the layout of `feed_type`)
/// against `registry` with the rules of that feed type among `rules`, as
/// the feed stands on `opts.as_of`, and writes the warnings to `out` as CSV
/// (规则编号, 规则名称, 处理方式, 对象, 户编号, 行政区划代码, 证件号码,
/// 金额, 统计期, 来源行号). Rows with an invalid ID number are written to
/// `review` (row, name, the number as written), never to the warnings. A
/// 新增 rule reads no previous feed here, so every status in the feed
/// counts as new.
pub fn screen<R: Read, W: Write>(
    registry: &Registry,
    feed: R,
    feed_type: &FeedType,
    rules: &[WarningRule],
    opts: &Options,
    out: W,
    review: Option<&mut dyn Write>,
) -> Result<Summary, ScreenError> {
    let as_of = opts.as_of;
    let mut plans: Vec<Plan> = rules
        .iter()
        .filter(|r| r.feed == feed_type.key)
        .map(|rule| Plan {
            rule,
            metric: None,
            filter: None,
            from: rule.window_from(as_of),
            tally: if is_fast(rule, feed_type) {
                match (rule.household_share_pct, rule.window) {
                    (Some(_), _) => Tally::Household(Map::default(), Vec::new()),
                    (None, Window::Single) => Tally::Single(Map::default()),
                    (None, Window::Month) => Tally::Month(Map::default(), Vec::new()),
                    _ => Tally::Sum(Map::default(), Vec::new()),
                }
            } else {
                Tally::Rows(Map::default())
            },
        })
        .collect();
    if plans.is_empty() {
        return Err(ScreenError::Rules(format!(
            "没有适用于“{}”数据的预警规则",
            feed_type.key
        )));
    }
    let mut review = review;
    let mut summary = Summary::default();
    let mut fields = Fields::default();
    let mut map = None;
    let (mut id_col, mut date_col, mut name_col) = (0, 0, None);
    let mut unregistered: Map<IdKey, u32> = Map::default();
    let mut unregistered_keys: Vec<IdKey> = Vec::new();
    for_each_line(feed, |row, line| {
        fields.load(line);
        let Some(_) = &map else {
            let m = feed_type
                .map_headers(&fields.all())
                .map_err(ScreenError::FeedColumns)?;
            let id_field = feed_type.fields.iter().find(|f| f.kind == FieldKind::Id);
            let date_field = feed_type.fields.iter().find(|f| f.kind == FieldKind::Date);
            id_col = id_field
                .and_then(|f| m.column_of(feed_type, &f.key))
                .unwrap_or(0);
            date_col = date_field
                .and_then(|f| m.column_of(feed_type, &f.key))
                .unwrap_or(0);
            name_col = feed_type
                .fields
                .iter()
                .find(|f| f.kind == FieldKind::Name)
                .and_then(|f| m.column_of(feed_type, &f.key));
            for p in &mut plans {
                p.metric = m.column_of(feed_type, &p.rule.metric);
                p.filter = p
                    .rule
                    .filter
                    .as_ref()
                    .and_then(|f| m.column_of(feed_type, &f.field));
            }
            map = Some(m);
            return Ok(());
        };
        summary.rows += 1;
        let row_no = u32::try_from(row).unwrap_or(u32::MAX);
        let Some(key) = id_key(fields.get(id_col)) else {
            summary.bad_ids += 1;
            if let Some(w) = review.as_deref_mut() {
                let name = name_col.map_or("", |c| fields.text(c));
                writeln!(w, "{row},{name},{}", fields.text(id_col))?;
            }
            return Ok(());
        };
        let Some(date) = fast_date(fields.get(date_col)) else {
            summary.bad_rows += 1;
            return Ok(());
        };
        let (subject, population, household) = match registry.find(key) {
            Some(p) => {
                summary.matched += 1;
                (
                    Subject::Registered(p.index),
                    p.population,
                    Some(p.household),
                )
            }
            None => {
                summary.unregistered += 1;
                let next = u32::try_from(unregistered_keys.len()).unwrap_or(u32::MAX);
                let i = *unregistered.entry(key).or_insert_with(|| {
                    unregistered_keys.push(key);
                    next
                });
                (Subject::Unregistered(i), Population::Unregistered, None)
            }
        };
        for p in &mut plans {
            let rule = p.rule;
            if !rule.applies_to(population) || date > as_of {
                continue;
            }
            let filter_value = p.filter.map(|c| fields.text(c));
            if !rule.filter_accepts(filter_value.filter(|v| !v.is_empty())) {
                continue;
            }
            let amount = || match p.metric.map(|c| fields.get(c)) {
                None | Some([]) => Some(Money::ZERO),
                Some(b) => fast_money(b),
            };
            match &mut p.tally {
                Tally::Single(best) => {
                    let Some(a) = amount() else {
                        summary.bad_rows += 1;
                        continue;
                    };
                    if rule.passes_amount(a) {
                        let e = best.entry(subject).or_insert((a, date, row_no));
                        if (a, date) >= (e.0, e.1) {
                            *e = (a, date, row_no);
                        }
                    }
                }
                Tally::Month(sums, hits) => {
                    let Some(a) = amount() else {
                        summary.bad_rows += 1;
                        continue;
                    };
                    let m = month_index(date);
                    *sums.entry((subject, m)).or_default() += a;
                    hits.push((subject, m, row_no));
                }
                Tally::Sum(sums, hits) => {
                    if p.from.is_some_and(|f| date < f) {
                        continue;
                    }
                    let Some(a) = amount() else {
                        summary.bad_rows += 1;
                        continue;
                    };
                    *sums.entry(subject).or_default() += a;
                    hits.push((subject, row_no));
                }
                Tally::Household(sums, hits) => {
                    let Some(h) = household else { continue };
                    if p.from.is_some_and(|f| date < f) {
                        continue;
                    }
                    let Some(a) = amount() else {
                        summary.bad_rows += 1;
                        continue;
                    };
                    *sums.entry(h).or_default() += a;
                    hits.push((h, date, row_no));
                }
                Tally::Rows(rows) => {
                    let cells = fields.all();
                    if let Some(m) = &map
                        && let Ok(r) = feed_type.parse_row(m, row, &cells)
                    {
                        rows.entry(subject).or_default().push(r);
                    }
                }
            }
        }
        Ok(())
    })?;

    let mut out = std::io::BufWriter::new(out);
    out.write_all(
        "规则编号,规则名称,处理方式,对象,户编号,行政区划代码,证件号码,金额,统计期,来源行号\n"
            .as_bytes(),
    )?;
    let key_of = |s: Subject| match s {
        Subject::Registered(i) => registry.key_at(i),
        Subject::Unregistered(i) => unregistered_keys[i as usize],
    };
    for p in plans {
        let firings = firings(p.rule, p.tally, registry, as_of);
        let mut written = 0;
        for (who, f) in firings {
            let (population, no, area, id) = match who {
                Who::Person(s) => {
                    let (pop, no, area) = match s {
                        Subject::Registered(i) => {
                            let person = registry.person_at(i);
                            let (no, area, _) = registry.household(person.household);
                            (person.population, no, area)
                        }
                        Subject::Unregistered(_) => (Population::Unregistered, "", ""),
                    };
                    let key = key_of(s);
                    let id = if opts.unmasked {
                        full(key)
                    } else {
                        masked(key)
                    };
                    (pop, no, area, id)
                }
                Who::Household(h) => {
                    let (no, area, _) = registry.household(h);
                    let pop = registry.household_population(h);
                    (pop, no, area, String::new())
                }
            };
            let rows: Vec<String> = f.rows.iter().map(ToString::to_string).collect();
            writeln!(
                out,
                "{},{},{},{},{no},{area},{id},{},{},{}",
                p.rule.id,
                p.rule.name,
                match p.rule.action {
                    fangpin_domain::screening::Action::Warn => "预警",
                    fangpin_domain::screening::Action::Verify => "核实",
                },
                population.label(),
                f.amount,
                f.period,
                rows.join(";"),
            )?;
            written += 1;
        }
        summary.warnings.push((p.rule.id.clone(), written));
    }
    out.flush()?;
    Ok(summary)
}

/// Whom a firing is about.
enum Who {
    Person(Subject),
    Household(u32),
}

/// The firings of one rule, ordered by subject.
fn firings(
    rule: &WarningRule,
    tally: Tally,
    registry: &Registry,
    as_of: NaiveDate,
) -> Vec<(Who, Firing)> {
    let mut out: Vec<(Who, Firing)> = Vec::new();
    let order = |s: &Subject| match s {
        Subject::Registered(i) => (0, *i),
        Subject::Unregistered(i) => (1, *i),
    };
    match tally {
        Tally::Single(best) => {
            let mut v: Vec<_> = best.into_iter().collect();
            v.sort_by_key(|(s, _)| order(s));
            for (s, (amount, date, row)) in v {
                out.push((
                    Who::Person(s),
                    Firing {
                        amount,
                        rows: vec![row as usize],
                        period: date,
                    },
                ));
            }
        }
        Tally::Month(sums, hits) => {
            // The latest month that passes, per subject.
            let mut latest: Map<Subject, (i32, Money)> = Map::default();
            for ((s, m), sum) in sums {
                if rule.passes_amount(sum) && latest.get(&s).is_none_or(|(lm, _)| m > *lm) {
                    latest.insert(s, (m, sum));
                }
            }
            let mut rows: Map<Subject, Vec<usize>> = Map::default();
            for (s, m, row) in hits {
                if latest.get(&s).is_some_and(|(lm, _)| *lm == m) {
                    rows.entry(s).or_default().push(row as usize);
                }
            }
            let mut v: Vec<_> = latest.into_iter().collect();
            v.sort_by_key(|(s, _)| order(s));
            for (s, (m, sum)) in v {
                let period =
                    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
                        .unwrap_or(as_of);
                out.push((
                    Who::Person(s),
                    Firing {
                        amount: sum,
                        rows: rows.remove(&s).unwrap_or_default(),
                        period,
                    },
                ));
            }
        }
        Tally::Sum(sums, hits) => {
            let from = rule.window_from(as_of).unwrap_or(as_of);
            let mut rows: Map<Subject, Vec<usize>> = Map::default();
            for (s, row) in hits {
                if sums.get(&s).is_some_and(|sum| rule.passes_amount(*sum)) {
                    rows.entry(s).or_default().push(row as usize);
                }
            }
            let mut v: Vec<_> = rows.into_iter().collect();
            v.sort_by_key(|(s, _)| order(s));
            for (s, rows) in v {
                out.push((
                    Who::Person(s),
                    Firing {
                        amount: sums[&s],
                        rows,
                        period: from,
                    },
                ));
            }
        }
        Tally::Household(sums, hits) => {
            let pct = i128::from(rule.household_share_pct.unwrap_or(0));
            let from = rule.window_from(as_of).unwrap_or(as_of);
            let fires = |h: u32, sum: Money| {
                let (_, _, income) = registry.household(h);
                sum > Money::ZERO && i128::from(sum.fen()) * 100 > i128::from(income.fen()) * pct
            };
            let mut rows: Map<u32, Vec<(NaiveDate, u32)>> = Map::default();
            for (h, date, row) in hits {
                if fires(h, sums[&h]) {
                    rows.entry(h).or_default().push((date, row));
                }
            }
            let mut v: Vec<_> = rows.into_iter().collect();
            v.sort_by_key(|(h, _)| *h);
            for (h, mut rs) in v {
                rs.sort_unstable();
                out.push((
                    Who::Household(h),
                    Firing {
                        amount: sums[&h],
                        rows: rs.into_iter().map(|(_, r)| r as usize).collect(),
                        period: from,
                    },
                ));
            }
        }
        Tally::Rows(by_subject) => {
            let mut v: Vec<_> = by_subject.into_iter().collect();
            v.sort_by_key(|(s, _)| order(s));
            for (s, rows) in v {
                if let Some(f) = rule.evaluate(&rows, &[], as_of) {
                    out.push((Who::Person(s), f));
                }
            }
        }
    }
    out
}
