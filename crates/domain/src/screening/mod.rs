//! 部门筛查预警 (policy.md §2.2, §4.3, §6): what each department sends and
//! which rows of it become a warning, both as data.
//!
//! * [`FeedType`]: a department's feed — its fields, each with the header
//!   names departments actually write, its kind and whether it is required,
//!   and how often it comes. Seeded from `data/feed_types.csv`.
//! * [`WarningRule`]: a metric of a feed compared with a threshold over a
//!   window (one row, one month, the year so far, the school year, N
//!   consecutive months, or a status that is new since the last feed), for
//!   some populations, optionally against the household's net income. Seeded
//!   from `data/warning_rules.csv` with the county examples of policy.md
//!   §2.2 and the §4.3 exclusion checks (as 核实 hints, never a refusal).
//! * [`WarningRule::evaluate`] and [`WarningRule::evaluate_household`] are
//!   pure: a person's (or household's) parsed rows in, the firing with its
//!   evidence rows out.
//!
//! Both lists are the seed: the store copies them per area and year, where
//! they are edited; nothing here is a constant of the rules.

mod feeds;
mod rules;

pub use feeds::{
    FeedField, FeedType, FieldKind, HeaderMap, Period, feed_types, header_key, parse_date,
    parse_feed_types,
};
pub use rules::{
    Action, Comparator, FeedRow, Filter, Firing, Population, Threshold, Value, WarningRule, Window,
    parse_rules, seed_rules,
};

use thiserror::Error;

/// The seed feed types.
pub const FEED_TYPES_CSV: &str = include_str!("../../data/feed_types.csv");
/// The seed warning rules.
pub const WARNING_RULES_CSV: &str = include_str!("../../data/warning_rules.csv");

/// A line of a feed-type or rule table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("第{line}行：{reason}")]
pub struct TableError {
    /// 1-based line (the header is line 1).
    pub line: usize,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// The lines of a comma-separated table after its header, which must be
/// `header`: (line number, trimmed fields), blank lines skipped, each line
/// holding exactly as many fields as the header.
fn table_rows<'a>(csv: &'a str, header: &str) -> Result<Vec<(usize, Vec<&'a str>)>, TableError> {
    let mut lines = csv.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == header => {}
        _ => {
            return Err(TableError {
                line: 1,
                reason: format!("表头应为 {header}"),
            });
        }
    }
    let width = header.split(',').count();
    let mut out = Vec::new();
    for (i, raw) in lines {
        if raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        if fields.len() != width {
            return Err(TableError {
                line: i + 1,
                reason: format!("应有{width}列，实际为{}列", fields.len()),
            });
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// Splits a `|`-separated list, dropping blanks.
fn bar_list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests;
