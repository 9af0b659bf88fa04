//! Import and export of households in the national 全字段 layout: the steps
//! shared by the upload jobs of the HTTP API and `fangpin import` /
//! `fangpin export`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use fangpin_domain::{AreaCode, AreaLevel};
use fangpin_exchange::{
    AreaTree, CsvExporter, ExportOptions, ExportRow, ImportFailure, ImportOptions,
    ImportedHousehold, Input, LeftOut, ParsedFile, PlaceNames, Source, Streamed, XlsxExporter,
    parse_stream, parse_with,
};
use fangpin_store::{
    Access, AreaRecord, AuditEntry, HouseholdBundle, HouseholdFilter, ImportSession, ImportSummary,
    Store,
};
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
    split(parsed.households)
}

fn split(households: Vec<ImportedHousehold>) -> (Vec<AreaRecord>, Vec<HouseholdBundle>) {
    let areas = areas_of(&households);
    let bundles = households
        .into_iter()
        .map(|h| HouseholdBundle {
            household: h.household,
            members: h.members,
            incomes: h.income.into_iter().collect(),
        })
        .collect();
    (areas, bundles)
}

/// Households handed from the parser to the store at a time.
const IMPORT_BATCH: usize = 2_000;

/// Who imports a file.
pub enum Importer {
    /// A user or the command line with a known scope.
    Given(Access),
    /// The command line on an instance without a county yet: the whole
    /// scope of the file's one county, named `username` in the log.
    FileCounty { username: String },
}

/// How to import a file.
#[derive(Debug, Clone, Default)]
pub struct FileImport {
    /// The file's name (its kind is told by its content, then its name).
    pub name: String,
    /// `--year` or the upload page's income year.
    pub year: Option<i32>,
    /// The year for a file without 收入年度 when none is chosen.
    pub default_year: Option<i32>,
    /// Leave out the households with problems.
    pub skip_bad: bool,
    /// Do everything, keep nothing.
    pub dry_run: bool,
    /// The audit note (where the file came from).
    pub note: String,
    /// Households handed to the store at a time (0: 2,000).
    pub batch: usize,
}

/// What became of a file.
#[derive(Debug)]
pub enum FileImportOutcome {
    /// The file has problems; nothing was written.
    Refused(ImportFailure),
    /// The file was imported (or, in a dry run, would have been).
    Imported(Box<FileImported>),
}

/// A file that was imported.
#[derive(Debug)]
pub struct FileImported {
    pub summary: ImportSummary,
    pub rows: usize,
    pub encoding: Option<&'static str>,
    pub warnings: Vec<fangpin_exchange::Issue>,
    /// The households left out for their problems (`skip_bad`).
    pub left_out: LeftOut,
    /// The counties of the file's households.
    pub counties: Vec<AreaRecord>,
    /// The scope it was written with.
    pub access: Option<Access>,
}

/// Imports a file in the national layout: the parser reads it on a blocking
/// thread and hands households on in batches while the store writes the
/// previous batch, all in one transaction (whole or nothing), so neither
/// the parsed file nor the stored households are ever held whole. A file
/// whose households' rows are not adjacent is read whole instead.
/// `progress` hears how many households are written so far.
pub async fn import_file(
    store: &Store,
    who: Importer,
    source: Source,
    how: &FileImport,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<FileImportOutcome> {
    let tree = Arc::new(area_tree(store).await?);
    let (send, mut batches) = tokio::sync::mpsc::channel::<Vec<ImportedHousehold>>(2);
    let parser = {
        let (tree, source, how) = (tree.clone(), source.clone(), how.clone());
        tokio::task::spawn_blocking(move || {
            let options = options(&tree, &how);
            let mut sink = |batch| send.blocking_send(batch).is_ok();
            parse_stream(
                &how.name,
                source.input(),
                &options,
                if how.batch == 0 {
                    IMPORT_BATCH
                } else {
                    how.batch
                },
                &mut sink,
            )
        })
    };
    let mut writer = Writer::new(store, who, &how.note);
    let mut failed = None;
    while let Some(batch) = batches.recv().await {
        if let Err(e) = writer.add(batch).await {
            failed = Some(e);
            break;
        }
        progress(writer.written);
    }
    // The parser stops at its next batch once nobody takes it.
    drop(batches);
    let parsed = parser
        .await
        .map_err(|e| crate::AppError::Interrupted(e.to_string()))?;
    if let Some(e) = failed {
        return Err(e);
    }
    match parsed {
        Streamed::Parsed(p) => {
            writer
                .done(how.dry_run, p.rows, p.encoding, p.warnings, p.left_out)
                .await
        }
        Streamed::Refused(f) => {
            writer.abandon().await?;
            Ok(FileImportOutcome::Refused(f))
        }
        Streamed::Scattered => {
            writer.abandon().await?;
            let who = writer.who;
            whole_file(store, who, &tree, source.input(), how).await
        }
        Streamed::Halted => Err(crate::AppError::Interrupted("导入被中止".into())),
    }
}

fn options<'a>(tree: &'a AreaTree, how: &FileImport) -> ImportOptions<'a> {
    ImportOptions {
        areas: Some(tree),
        income_year: how.year,
        default_income_year: how.default_year,
        skip_bad: how.skip_bad,
    }
}

/// A file whose households' rows are scattered: parsed whole, then written.
async fn whole_file(
    store: &Store,
    who: Importer,
    tree: &AreaTree,
    input: Input<'_>,
    how: &FileImport,
) -> Result<FileImportOutcome> {
    let mut parsed = match parse_with(&how.name, input, &options(tree, how)) {
        Ok(p) => p,
        Err(f) => return Ok(FileImportOutcome::Refused(f)),
    };
    let (rows, encoding) = (parsed.rows, parsed.encoding);
    let warnings = std::mem::take(&mut parsed.warnings);
    let left_out = std::mem::take(&mut parsed.left_out);
    let mut writer = Writer::new(store, who, &how.note);
    writer.add(parsed.households).await?;
    writer
        .done(how.dry_run, rows, encoding, warnings, left_out)
        .await
}

/// The store's side of an import: one session, fed batch by batch.
struct Writer<'a> {
    store: &'a Store,
    who: Importer,
    note: &'a str,
    session: Option<ImportSession>,
    counties: BTreeMap<AreaCode, AreaRecord>,
    written: usize,
}

impl<'a> Writer<'a> {
    fn new(store: &'a Store, who: Importer, note: &'a str) -> Self {
        Writer {
            store,
            who,
            note,
            session: None,
            counties: BTreeMap::new(),
            written: 0,
        }
    }

    /// What a finished import answers.
    async fn done(
        &mut self,
        dry_run: bool,
        rows: usize,
        encoding: Option<&'static str>,
        warnings: Vec<fangpin_exchange::Issue>,
        left_out: LeftOut,
    ) -> Result<FileImportOutcome> {
        let (summary, access) = self.finish(dry_run).await?;
        Ok(FileImportOutcome::Imported(Box::new(FileImported {
            summary,
            rows,
            encoding,
            warnings,
            left_out,
            counties: std::mem::take(&mut self.counties).into_values().collect(),
            access,
        })))
    }

    async fn add(&mut self, batch: Vec<ImportedHousehold>) -> Result<()> {
        let n = batch.len();
        let (areas, bundles) = split(batch);
        for a in areas.iter().filter(|a| a.level == AreaLevel::County) {
            self.counties.entry(a.code).or_insert_with(|| a.clone());
        }
        let session = match self.session.take() {
            Some(s) => s,
            None => self.store.import_begin(&self.access()?, self.note).await?,
        };
        if let Importer::FileCounty { .. } = self.who
            && self.counties.len() > 1
        {
            self.store.import_abandon(session).await?;
            return Err(crate::AppError::Store(fangpin_store::StoreError::Invalid(
                format!(
                    "本实例尚未设置所属县，且文件涉及 {} 个县：请按县分别导入",
                    self.counties.len()
                ),
            )));
        }
        let session = self.store.import_add(session, &areas, &bundles).await?;
        self.session = Some(session);
        self.written += n;
        Ok(())
    }

    fn access(&self) -> Result<Access> {
        match &self.who {
            Importer::Given(a) => Ok(a.clone()),
            Importer::FileCounty { username } => {
                let county = self.counties.keys().next().copied().ok_or_else(|| {
                    fangpin_store::StoreError::Invalid("文件中没有县级区划".into())
                })?;
                let mut a = Access::system(county);
                a.username.clone_from(username);
                Ok(a)
            }
        }
    }

    async fn finish(&mut self, dry_run: bool) -> Result<(ImportSummary, Option<Access>)> {
        match self.session.take() {
            Some(s) => {
                let access = s.access().clone();
                Ok((self.store.import_finish(s, dry_run).await?, Some(access)))
            }
            None => Ok((
                ImportSummary {
                    dry_run,
                    ..Default::default()
                },
                None,
            )),
        }
    }

    async fn abandon(&mut self) -> Result<()> {
        if let Some(s) = self.session.take() {
            self.store.import_abandon(s).await?;
        }
        Ok(())
    }
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
