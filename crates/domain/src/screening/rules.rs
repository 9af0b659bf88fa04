//! Warning rules and their evaluation over a person's or a household's rows.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::feeds::{FeedType, FieldKind};
use super::{TableError, WARNING_RULES_CSV, bar_list, table_rows};
use crate::household::YearMonth;
use crate::money::Money;

const HEADER: &str =
    "id,name,feed,metric,filter,comparator,threshold,window,population,household_share,action,note";

/// A parsed cell of a feed row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Value {
    /// A code, a name or free text.
    Text(String),
    /// An amount.
    Money(Money),
    /// A day.
    Date(NaiveDate),
}

/// One row of a feed, read: its number in the file, its date and its
/// values by field key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    /// 1-based row as the file shows it (the header is row 1).
    pub row: usize,
    /// The row's date (the feed's first date field).
    pub date: NaiveDate,
    /// Values by field key.
    pub values: BTreeMap<String, Value>,
}

impl FeedRow {
    fn text(&self, key: &str) -> Option<&str> {
        match self.values.get(key) {
            Some(Value::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    fn money(&self, key: &str) -> Money {
        match self.values.get(key) {
            Some(Value::Money(m)) => *m,
            _ => Money::ZERO,
        }
    }
}

/// Who a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Population {
    /// 脱贫户 (not a 监测对象).
    Lifted,
    /// 监测户: a household with a 监测对象类别.
    Monitored,
    /// 一般农户: registered, neither of the above.
    Ordinary,
    /// 未建档: a person of the county the registry does not hold (应纳未纳).
    Unregistered,
}

impl Population {
    const NAMES: [(Population, &'static str); 4] = [
        (Population::Lifted, "脱贫户"),
        (Population::Monitored, "监测户"),
        (Population::Ordinary, "一般农户"),
        (Population::Unregistered, "未建档"),
    ];

    /// Chinese name.
    pub fn label(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, l)| l)
    }

    fn parse(s: &str) -> Option<Population> {
        Self::NAMES.iter().find(|(_, l)| *l == s).map(|(p, _)| *p)
    }
}

/// How the metric is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// ≥ the threshold.
    AtLeast,
    /// > the threshold.
    Above,
    /// ≤ the threshold.
    AtMost,
    /// < the threshold.
    Below,
    /// The text is one of the listed values.
    OneOf,
    /// The field is present at all.
    Any,
}

/// What the metric is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Threshold {
    /// An amount (for money metrics).
    Money(Money),
    /// Accepted texts (for [`Comparator::OneOf`]).
    Texts(Vec<String>),
    /// Nothing (for [`Comparator::Any`] and household-share rules).
    None,
}

/// Over which rows the metric is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Window {
    /// 单次: any one row.
    Single,
    /// 单月: the sum within one calendar month.
    Month,
    /// 年度累计: the sum from 1 January to the day of the feed.
    YearToDate,
    /// 学年累计: the sum from 1 September (of this year or the last) to the
    /// day of the feed.
    SchoolYear,
    /// 连续N月: the monthly sum meets the test in each of the last N
    /// months up to the feed's month (a month without a row sums to 0).
    ConsecutiveMonths(u32),
    /// 新增: the status meets the test now and met it in no row of the
    /// previous feed.
    New,
}

impl Window {
    fn parse(s: &str) -> Option<Window> {
        Some(match s {
            "单次" => Window::Single,
            "单月" => Window::Month,
            "年度累计" => Window::YearToDate,
            "学年累计" => Window::SchoolYear,
            "新增" => Window::New,
            _ => {
                let n = s.strip_prefix("连续")?.strip_suffix("月")?.parse().ok()?;
                if n == 0 {
                    return None;
                }
                Window::ConsecutiveMonths(n)
            }
        })
    }

    /// Chinese name.
    pub fn label(self) -> String {
        match self {
            Window::Single => "单次".into(),
            Window::Month => "单月".into(),
            Window::YearToDate => "年度累计".into(),
            Window::SchoolYear => "学年累计".into(),
            Window::ConsecutiveMonths(n) => format!("连续{n}月"),
            Window::New => "新增".into(),
        }
    }
}

/// What a firing asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    /// 预警: a warning dispatched to the township and village.
    Warn,
    /// 核实: a hint to verify on the visit (policy.md §4.3 exclusion checks):
    /// never a refusal by itself.
    Verify,
}

/// Rows counted only when a field holds one of some values
/// (`kind=住院|门诊`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// Field key.
    pub field: String,
    /// Accepted values.
    pub values: Vec<String>,
}

/// A warning rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningRule {
    /// Stable id (`YB01`).
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Feed key (`医保`).
    pub feed: String,
    /// Field compared.
    pub metric: String,
    /// Rows counted.
    pub filter: Option<Filter>,
    /// Comparison.
    pub comparator: Comparator,
    /// Compared with.
    pub threshold: Threshold,
    /// Rows the metric is taken over.
    pub window: Window,
    /// Who it is for.
    pub population: Vec<Population>,
    /// Household form: fires when the household's sum of the metric over
    /// the window exceeds this percentage of its yearly net income.
    pub household_share_pct: Option<u32>,
    /// Warning or verification hint.
    pub action: Action,
    /// Source and reading.
    pub note: String,
}

/// A rule that fired, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Firing {
    /// The measured amount (the sum, or the one row's amount; zero for text
    /// tests).
    pub amount: Money,
    /// The rows that made it fire (file row numbers, in date order).
    pub rows: Vec<usize>,
    /// First day of the period it belongs to, for de-duplication per
    /// household, rule and period: the row's day, the month, 1 January or
    /// 1 September.
    pub period: NaiveDate,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    YearMonth::from_date(d).first_day()
}

fn school_year_start(d: NaiveDate) -> NaiveDate {
    let year = if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(d)
}

impl WarningRule {
    /// Whether the rule is for `p`.
    pub fn applies_to(&self, p: Population) -> bool {
        self.population.contains(&p)
    }

    /// Whether a row whose filter field holds `value` is counted (always,
    /// for a rule without a filter).
    pub fn filter_accepts(&self, value: Option<&str>) -> bool {
        match &self.filter {
            None => true,
            Some(f) => value.is_some_and(|v| f.values.iter().any(|x| x == v)),
        }
    }

    fn counted<'a>(&self, rows: &'a [FeedRow]) -> impl Iterator<Item = &'a FeedRow> {
        rows.iter().filter(move |r| {
            self.filter_accepts(self.filter.as_ref().and_then(|f| r.text(&f.field)))
        })
    }

    /// The first day a sum over the window counts from, for a feed as of
    /// `as_of`: 1 January (年度累计) or 1 September (学年累计); `None` for
    /// the other windows.
    pub fn window_from(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        match self.window {
            Window::YearToDate => NaiveDate::from_ymd_opt(as_of.year(), 1, 1),
            Window::SchoolYear => Some(school_year_start(as_of)),
            _ => None,
        }
    }

    /// The money test on an amount (text comparators never pass here).
    pub fn passes_amount(&self, amount: Money) -> bool {
        let Threshold::Money(t) = self.threshold else {
            return false;
        };
        match self.comparator {
            Comparator::AtLeast => amount >= t,
            Comparator::Above => amount > t,
            Comparator::AtMost => amount <= t,
            Comparator::Below => amount < t,
            Comparator::OneOf | Comparator::Any => false,
        }
    }

    /// The test on one row alone.
    fn passes_row(&self, r: &FeedRow) -> bool {
        match (&self.comparator, &self.threshold) {
            (Comparator::Any, _) => r.values.contains_key(&self.metric),
            (Comparator::OneOf, Threshold::Texts(list)) => r
                .text(&self.metric)
                .is_some_and(|v| list.iter().any(|x| x == v)),
            _ => self.passes_amount(r.money(&self.metric)),
        }
    }

    /// The rows of the window ending on `as_of`, as (period start, rows).
    fn window_rows<'a>(
        &self,
        rows: &'a [FeedRow],
        as_of: NaiveDate,
    ) -> Vec<(NaiveDate, Vec<&'a FeedRow>)> {
        let upto = |from: NaiveDate| -> Vec<&'a FeedRow> {
            self.counted(rows)
                .filter(|r| r.date >= from && r.date <= as_of)
                .collect()
        };
        match self.window {
            Window::YearToDate | Window::SchoolYear => {
                let from = self.window_from(as_of).unwrap_or(as_of);
                vec![(from, upto(from))]
            }
            Window::Month => {
                let mut months: BTreeMap<NaiveDate, Vec<&FeedRow>> = BTreeMap::new();
                for r in self.counted(rows).filter(|r| r.date <= as_of) {
                    months.entry(first_of_month(r.date)).or_default().push(r);
                }
                months.into_iter().collect()
            }
            Window::Single | Window::New | Window::ConsecutiveMonths(_) => Vec::new(),
        }
    }

    /// Evaluates the rule on one person's rows of its feed, as the feed
    /// stands on `as_of` (rows dated later are not read). `previous` is the
    /// person's rows of the previous feed, read by [`Window::New`] only.
    /// Household-share rules are evaluated by
    /// [`WarningRule::evaluate_household`] and never fire here.
    pub fn evaluate(
        &self,
        rows: &[FeedRow],
        previous: &[FeedRow],
        as_of: NaiveDate,
    ) -> Option<Firing> {
        if self.household_share_pct.is_some() {
            return None;
        }
        match self.window {
            Window::Single => {
                // The largest qualifying row (the latest among equals).
                let hit = self
                    .counted(rows)
                    .filter(|r| r.date <= as_of && self.passes_row(r))
                    .max_by_key(|r| (r.money(&self.metric), r.date))?;
                Some(Firing {
                    amount: hit.money(&self.metric),
                    rows: vec![hit.row],
                    period: hit.date,
                })
            }
            Window::New => {
                let now: Vec<&FeedRow> = self
                    .counted(rows)
                    .filter(|r| r.date <= as_of && self.passes_row(r))
                    .collect();
                let before = self.counted(previous).any(|r| self.passes_row(r));
                if now.is_empty() || before {
                    return None;
                }
                Some(Firing {
                    amount: Money::ZERO,
                    rows: now.iter().map(|r| r.row).collect(),
                    period: first_of_month(as_of),
                })
            }
            Window::ConsecutiveMonths(n) => {
                let last = YearMonth::from_date(as_of);
                let mut months = Vec::new();
                let mut month = last;
                for _ in 0..n {
                    months.push(month);
                    month = month.plus_months(-1);
                }
                let mut evidence = Vec::new();
                for m in &months {
                    let in_month: Vec<&FeedRow> = self
                        .counted(rows)
                        .filter(|r| YearMonth::from_date(r.date) == *m)
                        .collect();
                    let sum: Money = in_month.iter().map(|r| r.money(&self.metric)).sum();
                    if !self.passes_amount(sum) {
                        return None;
                    }
                    evidence.extend(in_month.iter().map(|r| r.row));
                }
                evidence.sort_unstable();
                Some(Firing {
                    amount: Money::ZERO,
                    rows: evidence,
                    period: last.first_day(),
                })
            }
            Window::Month | Window::YearToDate | Window::SchoolYear => {
                // The latest period that passes.
                self.window_rows(rows, as_of)
                    .into_iter()
                    .rev()
                    .find_map(|(period, rs)| {
                        let sum: Money = rs.iter().map(|r| r.money(&self.metric)).sum();
                        (!rs.is_empty() && self.passes_amount(sum)).then(|| Firing {
                            amount: sum,
                            rows: rs.iter().map(|r| r.row).collect(),
                            period,
                        })
                    })
            }
        }
    }

    /// Evaluates a household-share rule: the sum of the metric over the
    /// window, for all `members`' rows, against `share%` of the household's
    /// yearly net income (家庭纯收入, from the registry). Strictly above
    /// fires; a household without a positive income fires on any amount.
    /// Other rules never fire here.
    pub fn evaluate_household(
        &self,
        members: &[&[FeedRow]],
        net_income: Money,
        as_of: NaiveDate,
    ) -> Option<Firing> {
        let pct = self.household_share_pct?;
        let mut period = as_of;
        let mut rows: Vec<&FeedRow> = Vec::new();
        for m in members {
            if let Some((from, rs)) = self.window_rows(m, as_of).into_iter().next_back() {
                period = from;
                rows.extend(rs);
            }
        }
        let sum: Money = rows.iter().map(|r| r.money(&self.metric)).sum();
        // sum > net × pct / 100, compared in 分 without rounding.
        let fires = sum > Money::ZERO
            && i128::from(sum.fen()) * 100 > i128::from(net_income.fen()) * i128::from(pct);
        if !fires {
            return None;
        }
        rows.sort_by_key(|r| (r.date, r.row));
        Some(Firing {
            amount: sum,
            rows: rows.iter().map(|r| r.row).collect(),
            period,
        })
    }
}

/// The seed rules (`data/warning_rules.csv`), checked against the seed feed
/// types.
pub fn seed_rules() -> Result<Vec<WarningRule>, TableError> {
    let feeds = super::feed_types()?;
    parse_rules(WARNING_RULES_CSV, &feeds)
}

/// Reads a rule table; each rule's feed and fields must exist in `feeds`.
pub fn parse_rules(csv: &str, feeds: &[FeedType]) -> Result<Vec<WarningRule>, TableError> {
    let mut out: Vec<WarningRule> = Vec::new();
    for (line, f) in table_rows(csv, HEADER)? {
        let err = |reason: String| TableError { line, reason };
        let [
            id,
            name,
            feed,
            metric,
            filter,
            comparator,
            threshold,
            window,
            population,
            share,
            action,
            note,
        ] = f[..]
        else {
            return Err(err("列数不对".into()));
        };
        if id.is_empty() || out.iter().any(|r| r.id == id) {
            return Err(err(format!("规则编号“{id}”为空或重复")));
        }
        let feed_type = feeds
            .iter()
            .find(|t| t.key == feed)
            .ok_or_else(|| err(format!("没有名为“{feed}”的部门数据")))?;
        let metric_field = feed_type
            .field(metric)
            .ok_or_else(|| err(format!("“{feed}”没有字段{metric}")))?;
        let filter = match filter.split_once('=') {
            None if filter.is_empty() => None,
            None => return Err(err(format!("筛选条件“{filter}”应写作 字段=值|值"))),
            Some((field, values)) => {
                if feed_type.field(field).is_none() {
                    return Err(err(format!("“{feed}”没有字段{field}")));
                }
                Some(Filter {
                    field: field.to_owned(),
                    values: bar_list(values),
                })
            }
        };
        let household_share_pct = match share {
            "" => None,
            s => Some(
                s.parse::<u32>()
                    .ok()
                    .filter(|p| (1..=1000).contains(p))
                    .ok_or_else(|| err(format!("家庭收入占比“{s}”应为1至1000的整数")))?,
            ),
        };
        let comparator = match comparator {
            ">=" => Comparator::AtLeast,
            ">" => Comparator::Above,
            "<=" => Comparator::AtMost,
            "<" => Comparator::Below,
            "in" => Comparator::OneOf,
            "any" => Comparator::Any,
            "" if household_share_pct.is_some() => Comparator::Above,
            other => return Err(err(format!("比较方式“{other}”应为>=、>、<=、<、in或any"))),
        };
        let money_metric = metric_field.kind == FieldKind::Money;
        let threshold = match comparator {
            Comparator::OneOf => Threshold::Texts(bar_list(threshold)),
            Comparator::Any => Threshold::None,
            _ if household_share_pct.is_some() => Threshold::None,
            _ if money_metric => Threshold::Money(
                Money::parse(threshold)
                    .map_err(|_| err(format!("阈值“{threshold}”不是金额（元）")))?,
            ),
            _ => return Err(err(format!("字段{metric}不是金额，只能用in或any比较"))),
        };
        if matches!(&threshold, Threshold::Texts(t) if t.is_empty()) {
            return Err(err("in比较须列出取值，用|分隔".into()));
        }
        if household_share_pct.is_some() && !money_metric {
            return Err(err(format!("家庭收入占比只能用于金额字段，{metric}不是")));
        }
        let window = Window::parse(window).ok_or_else(|| {
            err(format!(
                "统计窗口“{window}”应为单次、单月、年度累计、学年累计、连续N月或新增"
            ))
        })?;
        if household_share_pct.is_some()
            && !matches!(
                window,
                Window::Month | Window::YearToDate | Window::SchoolYear
            )
        {
            return Err(err("家庭收入占比须按单月、年度累计或学年累计统计".into()));
        }
        let population = bar_list(population)
            .iter()
            .map(|p| {
                Population::parse(p)
                    .ok_or_else(|| err(format!("对象“{p}”应为脱贫户、监测户、一般农户或未建档")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if population.is_empty() {
            return Err(err("适用对象不能为空".into()));
        }
        let action = match action {
            "预警" => Action::Warn,
            "核实" => Action::Verify,
            other => return Err(err(format!("处理方式“{other}”应为预警或核实"))),
        };
        out.push(WarningRule {
            id: id.to_owned(),
            name: name.to_owned(),
            feed: feed.to_owned(),
            metric: metric.to_owned(),
            filter,
            comparator,
            threshold,
            window,
            population,
            household_share_pct,
            action,
            note: note.to_owned(),
        });
    }
    Ok(out)
}
