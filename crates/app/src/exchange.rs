//! Import and export of households in the national 全字段 layout: the steps
//! shared by the upload jobs of the HTTP API and `fangpin import` /
//! `fangpin export`.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use fangpin_domain::{AreaCode, AreaLevel};
use fangpin_exchange::{
    AreaTree, CsvExporter, ExportOptions, ExportRow, ImportedHousehold, ParsedFile, PlaceNames,
    XlsxExporter,
};
use fangpin_store::{Access, AreaRecord, AuditEntry, HouseholdBundle, HouseholdFilter, Store};
use serde_json::json;

use crate::Result;

/// Households read from the store per page while exporting.
const EXPORT_PAGE: u64 = 2_000;

/// The stored area tree, for placing households of a file without 行政区划代码 by name.
pub async fn area_tree(store: &Store) -> Result<AreaTree> {
    let areas = store.all_areas().await?;
    Ok(AreaTree::new(areas.into_iter().map(|a| (a.code, a.name))))
}

/// The income year of a file without a 收入年度 column when none is chosen:
/// the last calendar year (a county exports last year's incomes).
pub fn default_income_year(today: NaiveDate) -> i32 {
    today.year() - 1
}

/// Area nodes a file needs (village, township, county), named from the file
/// where it has names and from the code otherwise.
pub fn areas_of(households: &[ImportedHousehold]) -> Vec<AreaRecord> {
    let mut out: BTreeMap<AreaCode, AreaRecord> = BTreeMap::new();
    let mut add = |code: AreaCode, name: Option<&String>, parent: Option<AreaCode>| {
        let name = name.cloned().unwrap_or_else(|| code.as_string());
        out.entry(code).or_insert(AreaRecord {
            code,
            name,
            level: code.level(),
            parent,
        });
    };
    for h in households {
        let village = h.household.area;
        let township = village.parent();
        let county = township.and_then(fangpin_domain::AreaCode::parent);
        let p: &PlaceNames = &h.places;
        add(village, p.village.as_ref(), township);
        if let Some(t) = township {
            add(t, p.township.as_ref(), county);
        }
        if let Some(c) = county.filter(|c| c.level() == AreaLevel::County) {
            add(c, p.county.as_ref(), c.parent());
        }
    }
    out.into_values().collect()
}

/// Splits a parsed file into the area nodes and household bundles to store.
pub fn prepare(parsed: ParsedFile) -> (Vec<AreaRecord>, Vec<HouseholdBundle>) {
    let areas = areas_of(&parsed.households);
    let bundles = parsed
        .households
        .into_iter()
        .map(|h| HouseholdBundle {
            household: h.household,
            members: h.members,
            incomes: h.income.into_iter().collect(),
        })
        .collect();
    (areas, bundles)
}

/// Where export rows go: an xlsx workbook or a CSV file.
enum Sink<W: std::io::Write + std::io::Seek + Send> {
    Xlsx(Box<XlsxExporter<W>>),
    Csv(Box<CsvExporter<W>>),
}

impl<W: std::io::Write + std::io::Seek + Send> Sink<W> {
    fn new(csv: bool, w: W, options: ExportOptions) -> Result<Self> {
        Ok(if csv {
            Sink::Csv(Box::new(CsvExporter::new(w, options)?))
        } else {
            Sink::Xlsx(Box::new(XlsxExporter::new(w, options)?))
        })
    }

    fn write(&mut self, row: ExportRow<'_>) -> Result<()> {
        match self {
            Sink::Xlsx(x) => x.write_household(row)?,
            Sink::Csv(c) => c.write_household(row)?,
        }
        Ok(())
    }

    fn finish(self) -> Result<W> {
        Ok(match self {
            Sink::Xlsx(x) => x.finish()?,
            Sink::Csv(c) => c.finish()?,
        })
    }
}

/// Pages of households on their way from the store to the file.
type Page = Vec<(i64, HouseholdBundle)>;

/// Writes the pages arriving on `pages` into a new file of the given kind
/// and hands back the writer with the number of households written. Runs on
/// a blocking thread while the store reads the next page.
fn write_pages<W: std::io::Write + std::io::Seek + Send>(
    mut pages: tokio::sync::mpsc::Receiver<Page>,
    names: &HashMap<AreaCode, String>,
    year: Option<i32>,
    csv: bool,
    w: W,
    options: ExportOptions,
) -> Result<(u64, W)> {
    let name = |c: Option<AreaCode>| c.and_then(|c| names.get(&c).cloned());
    let mut sink = Sink::new(csv, w, options)?;
    let mut households = 0u64;
    while let Some(page) = pages.blocking_recv() {
        for (_, b) in &page {
            let v = b.household.area;
            let places = PlaceNames {
                province: name(Some(v.province())),
                city: name(v.city()),
                county: name(v.county()),
                township: name(v.township()),
                village: name(Some(v)),
            };
            let income = match year {
                Some(y) => b.incomes.iter().find(|i| i.year == y),
                None => b.incomes.iter().max_by_key(|i| i.year),
            };
            sink.write(ExportRow {
                places: Some(&places),
                ..ExportRow::new(&b.household, &b.members, income)
            })?;
        }
        households += page.len() as u64;
    }
    Ok((households, sink.finish()?))
}

/// Writes the caller's households (filtered) in the national layout to `w`
/// (CSV when `csv`, else xlsx), audits the export and answers how many
/// households it holds, with the writer. ID numbers are masked unless
/// `unmasked`; the income of `year`, or each household's latest.
///
/// The store reads the next page while the previous one is rendered and
/// compressed on a blocking thread, so the two take the two cores.
pub async fn write_export<W: std::io::Write + std::io::Seek + Send + 'static>(
    store: &Store,
    access: &Access,
    filter: &HouseholdFilter,
    year: Option<i32>,
    unmasked: bool,
    csv: bool,
    w: W,
) -> Result<(u64, W)> {
    let names: HashMap<AreaCode, String> = store
        .all_areas()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let options = ExportOptions {
        mask_ids: !unmasked,
        income_year: year,
        ..Default::default()
    };
    let (send, pages) = tokio::sync::mpsc::channel::<Page>(2);
    let writer =
        tokio::task::spawn_blocking(move || write_pages(pages, &names, year, csv, w, options));
    let mut after = 0;
    let read = async {
        loop {
            let page = store
                .household_bundles_after(access, filter, after, EXPORT_PAGE)
                .await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            if send.send(page).await.is_err() {
                // The writer stopped with an error; it is reported below.
                break;
            }
        }
        drop(send);
        Ok::<(), crate::AppError>(())
    };
    let read = read.await;
    let (households, w) = writer
        .await
        .map_err(|e| crate::AppError::Interrupted(e.to_string()))??;
    read?;
    store
        .audit(
            &access.actor(),
            AuditEntry {
                action: if unmasked {
                    "export_unmasked"
                } else {
                    "export"
                },
                entity: "household",
                area: filter.area,
                after: Some(
                    json!({"households": households, "format": if csv { "csv" } else { "xlsx" }}),
                ),
                ..Default::default()
            },
        )
        .await?;
    Ok((households, w))
}
