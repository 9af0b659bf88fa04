//! Editing the working-day calendar. The official years are seeded from the
//! data shipped with the domain crate (`Store::seed_calendar`); when the State
//! Council publishes a new year's holidays, or a notice is corrected, an
//! administrator replaces that year's entries here. Every SLA deadline is
//! computed from the stored calendar, so a year is checked as a whole against
//! the other stored years before it is saved.
//!
//! This is also the one home of the calendar every deadline is read from
//! (`Store::work_calendar`, seeded by `Store::seed_calendar`) and of
//! `china_day`, the date of record at a moment.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fangpin_domain::calendar::{CalendarEntry, Official, WorkCalendar};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited};
use crate::users::perm;
use crate::{Access, Result, Store, StoreError};

/// The day in China (UTC+8) at `now`: deadlines and dates of record are
/// China's calendar days wherever the server runs.
pub fn china_day(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}

/// Midnight starting `d` in China (UTC+8), the time zone of the dates people
/// type: the lower bound of "from this day" filters and "as of this day" reads.
pub fn day_start(d: NaiveDate) -> chrono::DateTime<chrono::FixedOffset> {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(cst)
        .single()
        .expect("fixed offsets are unambiguous")
}

impl Store {
    /// The working-day calendar as stored (seeded from the official data,
    /// editable by administrators).
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let mut years = Query::select();
        years.column("year").from("work_calendar_year");
        let years: Vec<i32> = self
            .db
            .query_all(&years)
            .await?
            .iter()
            .map(|r| r.try_get("", "year"))
            .collect::<std::result::Result<_, _>>()?;
        let mut days = Query::select();
        days.columns(["day", "kind", "name"])
            .from("work_calendar_day")
            .order_by("day", Order::Asc);
        let mut entries = Vec::new();
        for r in self.db.query_all(&days).await? {
            let kind: String = r.try_get("", "kind")?;
            entries.push(CalendarEntry {
                date: r.try_get("", "day")?,
                kind: Official::from_symbol(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("工作日历类型无效：{kind}")))?,
                name: r.try_get("", "name")?,
            });
        }
        WorkCalendar::new(years, entries).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Seeds the official calendar years that are not stored yet (a year an
    /// administrator has edited is never overwritten).
    pub(crate) async fn seed_calendar(&self, tx: &DatabaseTransaction) -> Result<u64> {
        let official = WorkCalendar::official();
        let mut added = 0;
        for year in official.years().collect::<Vec<_>>() {
            let mut ins = Query::insert();
            ins.into_table("work_calendar_year")
                .columns(["year", "source"])
                .values_panic([
                    year.into(),
                    format!("国务院办公厅{year}年部分节假日安排的通知").into(),
                ])
                .on_conflict(OnConflict::column("year").do_nothing().to_owned());
            if tx.execute(&ins).await?.rows_affected() == 0 {
                continue;
            }
            let mut days = Query::insert();
            days.into_table("work_calendar_day")
                .columns(["day", "kind", "name"]);
            for e in official.entries_in_year(year) {
                days.values_panic([e.date.into(), e.kind.symbol().into(), e.name.clone().into()]);
            }
            added += tx.execute(&days).await?.rows_affected();
        }
        Ok(added)
    }
}

/// What an administrator saves for one year.
#[derive(Clone, Debug)]
pub struct CalendarYearEdit {
    pub year: i32,
    /// The notice the dates come from (e.g. 国务院办公厅关于2027年部分节假日安排的通知).
    pub source: String,
    /// Every official day off (休) and make-up working day (班) of the year.
    pub entries: Vec<CalendarEntry>,
}

impl Store {
    /// The notice a stored calendar year comes from (none when the year is
    /// not loaded).
    pub async fn calendar_source(&self, year: i32) -> Result<Option<String>> {
        let mut q = Query::select();
        q.column("source")
            .from("work_calendar_year")
            .and_where(Expr::col("year").eq(year));
        match self.db.query_one(&q).await? {
            Some(r) => Ok(Some(r.try_get("", "source")?)),
            None => Ok(None),
        }
    }

    /// Replaces (or adds) one year of the working-day calendar in one
    /// transaction, with an audit entry holding the year before and after.
    /// Refused with a Chinese message, changing nothing: without the
    /// 维护参数 permission; an empty source; an entry dated in another year;
    /// and whatever the domain calendar refuses (a repeated date, a 班 on a
    /// weekday, a nameless entry, a year without 元旦).
    pub async fn replace_calendar_year(
        &self,
        access: &Access,
        edit: CalendarYearEdit,
    ) -> Result<WorkCalendar> {
        access.require(perm::PARAM_MANAGE)?;
        let invalid = |m: String| StoreError::Invalid(m);
        let source = edit.source.trim();
        if source.is_empty() {
            return Err(invalid("来源（通知文号或名称）不能为空".into()));
        }
        if let Some(e) = edit.entries.iter().find(|e| e.date.year() != edit.year) {
            return Err(invalid(format!(
                "{}不属于{}年，不能登记在该年度",
                e.date, edit.year
            )));
        }
        let current = self.work_calendar().await?;
        let before: Vec<&CalendarEntry> = current.entries_in_year(edit.year).iter().collect();
        let covered_before = current.covers(edit.year);
        let years: Vec<i32> = current.years().chain(std::iter::once(edit.year)).collect();
        let entries = current
            .entries()
            .iter()
            .filter(|e| e.date.year() != edit.year)
            .cloned()
            .chain(edit.entries.iter().cloned());
        let checked = WorkCalendar::new(years, entries).map_err(|e| invalid(e.to_string()))?;

        let tx = self.begin_write().await?;
        let mut year = Query::insert();
        year.into_table("work_calendar_year")
            .columns(["year", "source"])
            .values_panic([edit.year.into(), source.into()])
            .on_conflict(
                OnConflict::column("year")
                    .update_column("source")
                    .to_owned(),
            );
        tx.execute(&year).await?;
        let first = chrono::NaiveDate::from_ymd_opt(edit.year, 1, 1)
            .ok_or_else(|| invalid(format!("年度{}无效", edit.year)))?;
        let last = chrono::NaiveDate::from_ymd_opt(edit.year, 12, 31)
            .ok_or_else(|| invalid(format!("年度{}无效", edit.year)))?;
        let mut del = Query::delete();
        del.from_table("work_calendar_day")
            .and_where(Expr::col("day").gte(first))
            .and_where(Expr::col("day").lte(last));
        tx.execute(&del).await?;
        let mine = checked.entries_in_year(edit.year);
        if !mine.is_empty() {
            let mut ins = Query::insert();
            ins.into_table("work_calendar_day")
                .columns(["day", "kind", "name"]);
            for e in mine {
                ins.values_panic([e.date.into(), e.kind.symbol().into(), e.name.clone().into()]);
            }
            tx.execute(&ins).await?;
        }
        let as_json = |list: &[&CalendarEntry]| {
            list.iter()
                .map(|e| json!({"date": e.date, "kind": e.kind.symbol(), "name": e.name}))
                .collect::<Vec<_>>()
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: if covered_before { "update" } else { "create" },
                entity: "work_calendar",
                entity_key: Some(edit.year.to_string()),
                before: covered_before.then(|| json!({"entries": as_json(&before)})),
                after: Some(json!({
                    "source": source,
                    "entries": as_json(&mine.iter().collect::<Vec<_>>()),
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(checked)
    }
}
