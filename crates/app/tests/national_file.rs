//! The 全县全字段 file as the national system exports it — place names and no
//! 行政区划代码 or 收入年度 column, the national words for codes, GBK CSV or
//! xlsx — imported into a store that holds the county's area tree, on both
//! engines.

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use fangpin_app::exchange::{
    FileImport, FileImportOutcome, Importer, area_tree, import_file, prepare, write_export,
};
use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::income::compute;
use fangpin_domain::{AreaCode, AreaLevel, Money, short_name};
use fangpin_exchange::{
    CsvExporter, ExportOptions, ExportRow, ImportOptions, ParsedFile, PlaceNames, Source,
    left_out_xlsx, parse_with,
};
use fangpin_store::{Access, AreaRecord, HouseholdBundle, HouseholdFilter, Store};

fangpin_store::dual_backend_tests!(
    a_gbk_csv_in_the_national_layout_lands_every_household,
    an_xlsx_in_the_national_layout_lands_every_household,
    an_unknown_village_is_reported_and_never_created,
    two_villages_of_one_township_with_one_name_are_reported,
    skip_bad_imports_the_good_households_and_returns_the_bad_ones,
    export_import_export_is_identical,
    a_file_goes_in_by_batches_whole_or_not_at_all,
    a_member_may_move_to_a_household_of_an_earlier_batch,
    a_file_with_a_households_rows_apart_is_read_whole,
);

const HOUSEHOLDS: u32 = 30;

fn county() -> Access {
    Access::system(AreaCode::parse("500230").unwrap())
}

struct Demo {
    areas: Vec<AreaRecord>,
    bundles: Vec<HouseholdBundle>,
    year: i32,
}

fn demo() -> Demo {
    let cfg = DemoConfig::fengdu(7, HOUSEHOLDS);
    let lay = layout(&cfg);
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let year = bundles
        .iter()
        .flat_map(|b| b.incomes.iter().map(|i| i.year))
        .max()
        .unwrap();
    Demo {
        areas: lay.areas.clone(),
        bundles,
        year,
    }
}

/// The store with its reference data and the county's area tree, and no household.
async fn with_tree(store: &Store, d: &Demo) {
    store.seed_reference().await.unwrap();
    store
        .import_households(&county(), "区划", &d.areas, &[], false)
        .await
        .unwrap();
}

/// The 户编号 of the first household of the demo with two members or more.
fn first_with_two_members(d: &Demo) -> String {
    d.bundles
        .iter()
        .find(|b| b.members.len() >= 2)
        .unwrap()
        .household
        .household_no
        .clone()
}

/// A file as the national system writes it: header and rows of text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Rows (0-based data indices) of the household with this 户编号.
    fn rows_of(&self, no: &str) -> Vec<usize> {
        let c = self.col("户编号");
        (0..self.rows.len())
            .filter(|&r| self.rows[r][c] == no)
            .collect()
    }

    fn set(&mut self, no: &str, column: &str, value: &str) {
        let c = self.col(column);
        for r in self.rows_of(no) {
            value.clone_into(&mut self.rows[r][c]);
        }
    }

    fn gbk_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header).unwrap();
        for r in &self.rows {
            w.write_record(r).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let (bytes, _, lossy) = encoding_rs::GBK.encode(&text);
        assert!(!lossy, "the file is GBK");
        assert!(std::str::from_utf8(&bytes).is_err(), "and not UTF-8");
        bytes.into_owned()
    }

    fn xlsx(&self) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in std::iter::once(&self.header).chain(&self.rows).enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }
}

/// The demo county's households in the national layout and vocabulary:
/// everyday place names, 村民小组 as `6组` under 自然组, no 行政区划代码 and no
/// 收入年度, ID numbers in full.
fn national_table(d: &Demo) -> Table {
    let names: HashMap<AreaCode, String> =
        d.areas.iter().map(|a| (a.code, a.name.clone())).collect();
    let name = |c: Option<AreaCode>| c.and_then(|c| names.get(&c)).map(|n| short_name(n));
    let options = ExportOptions {
        mask_ids: false,
        csv_excel_text_guard: false,
        ..ExportOptions::default()
    };
    let mut out = CsvExporter::new(Vec::new(), options).unwrap();
    for b in &d.bundles {
        let v = b.household.area;
        let places = PlaceNames {
            province: Some("重庆市".into()),
            city: Some("重庆市".into()),
            county: name(v.county()),
            township: name(v.township()),
            village: name(Some(v)),
        };
        out.write_household(ExportRow {
            places: Some(&places),
            ..ExportRow::new(&b.household, &b.members, b.incomes.first())
        })
        .unwrap();
    }
    let bytes = out.finish().unwrap();
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records().map(|r| {
        r.unwrap()
            .iter()
            .map(str::to_string)
            .collect::<Vec<String>>()
    });
    let header = records.next().unwrap();
    let rows: Vec<Vec<String>> = records.collect();
    let dropped = ["行政区划代码", "收入年度"];
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !dropped.contains(&header[i].as_str()))
        .collect();
    let mut table = Table {
        header: keep.iter().map(|&i| header[i].clone()).collect(),
        rows: rows
            .iter()
            .map(|r| keep.iter().map(|&i| r[i].clone()).collect())
            .collect(),
    };
    let group = table.col("村民小组");
    table.header[group] = "自然组".into();
    // Our export already writes the national `6组`.
    assert!(
        table.rows.iter().all(|r| r[group].is_empty()
            || r[group]
                .strip_suffix('组')
                .is_some_and(|n| n.parse::<u16>().is_ok())),
        "村民小组 not written as N组"
    );
    table
}

fn options<'a>(tree: &'a fangpin_exchange::AreaTree, year: i32) -> ImportOptions<'a> {
    ImportOptions {
        areas: Some(tree),
        income_year: Some(year),
        default_income_year: None,
        skip_bad: false,
    }
}

/// 分 of an amount the file writes as `26875.00`.
fn fen(text: &str) -> i64 {
    let (yuan, cents) = text.split_once('.').unwrap_or((text, "0"));
    yuan.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

async fn import_national(store: &Store, d: &Demo, name: &str, bytes: &[u8]) -> ParsedFile {
    let tree = area_tree(store).await.unwrap();
    let parsed = parse_with(name, bytes, &options(&tree, d.year))
        .unwrap_or_else(|f| panic!("{:#?}", &f.issues[..f.issues.len().min(5)]));
    assert_eq!(parsed.households.len(), HOUSEHOLDS as usize);
    assert!(parsed.warnings.is_empty(), "{:#?}", parsed.warnings);
    let (areas, bundles) = prepare(parsed.clone());
    let areas_before = store.area_count().await.unwrap();
    let s = store
        .import_households(&county(), "国家系统导出", &areas, &bundles, false)
        .await
        .unwrap();
    assert_eq!(s.created.len(), HOUSEHOLDS as usize);
    assert_eq!(s.areas_added, 0, "every place was found, none created");
    assert_eq!(store.area_count().await.unwrap(), areas_before);
    parsed
}

/// The stored households, by 户编号.
async fn stored(store: &Store) -> HashMap<String, HouseholdBundle> {
    store
        .household_bundles_after(&county(), &HouseholdFilter::default(), 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, b)| (b.household.household_no.clone(), b))
        .collect()
}

/// Every household is stored where the demo put it, with its codes, and a
/// handful of 人均纯收入 equal the arithmetic on the file's components.
async fn check_landed(store: &Store, d: &Demo, table: &Table) {
    let got = stored(store).await;
    assert_eq!(got.len(), HOUSEHOLDS as usize);
    for b in &d.bundles {
        let s = &got[&b.household.household_no];
        assert_eq!(s.household.area, b.household.area);
        assert_eq!(s.household.group_no, b.household.group_no);
        let relations = |m: &[fangpin_domain::household::Person]| {
            let mut v: Vec<(String, String, Option<String>, String)> = m
                .iter()
                .map(|p| {
                    (
                        p.id_number.as_str().to_owned(),
                        p.relation.clone(),
                        p.education.clone(),
                        p.health.clone(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        // The national words are coarser than some codes (研究生 stays, 一般/重度残疾 …);
        // the demo's codes all have a word of their own or keep their label.
        assert_eq!(relations(&s.members), relations(&b.members));
        assert_eq!(s.incomes.len(), 1);
        assert_eq!(s.incomes[0].year, d.year);
    }
    let c = |n: &str| table.col(n);
    let mut checked = 0;
    for row in table.rows.iter().take(12) {
        let no = &row[c("户编号")];
        // 纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 + 产业奖励 + 就业奖励 − 生产经营性支出;
        // 人均 = 纯收入 ÷ 年度家庭人口数, rounded to the 分 (half away from zero).
        let net = fen(&row[c("工资性收入")])
            + fen(&row[c("生产经营性收入")])
            + fen(&row[c("财产性收入")])
            + fen(&row[c("转移性收入")])
            + fen(&row[c("产业奖励")])
            + fen(&row[c("就业奖励")])
            - fen(&row[c("生产经营性支出（合计）")]);
        let persons: i64 = row[c("年度家庭人口数")].parse().unwrap();
        let per_capita = (2 * net + persons) / (2 * persons);
        let income = &got[no].incomes[0];
        let rules = ExportOptions::default().income_rules;
        let computed = compute(income, &rules).unwrap();
        assert_eq!(computed.net, Money::from_fen(net), "{no}");
        assert_eq!(computed.per_capita, Money::from_fen(per_capita), "{no}");
        assert_eq!(fen(&row[c("人均纯收入（元）")]), per_capita, "{no}");
        checked += 1;
    }
    assert_eq!(checked, 12);
}

async fn a_gbk_csv_in_the_national_layout_lands_every_household(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let table = national_table(&d);
    let parsed = import_national(&store, &d, "全县全字段.csv", &table.gbk_csv()).await;
    assert_eq!(parsed.encoding, Some("GB18030"));
    check_landed(&store, &d, &table).await;
}

async fn an_xlsx_in_the_national_layout_lands_every_household(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let table = national_table(&d);
    import_national(&store, &d, "全县全字段.xlsx", &table.xlsx()).await;
    check_landed(&store, &d, &table).await;

    // A file that states a different 人均纯收入 is imported with a warning
    // naming both figures; fangpin's figure is what counts.
    let mut changed = table;
    let no = d.bundles[0].household.household_no.clone();
    changed.set(&no, "人均纯收入（元）", "1.00");
    let tree = area_tree(&store).await.unwrap();
    let parsed = parse_with("改.xlsx", &changed.xlsx(), &options(&tree, d.year)).unwrap();
    let w: Vec<_> = parsed
        .warnings
        .iter()
        .filter(|w| w.column == "人均纯收入（元）")
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].reason.contains(&no), "{}", w[0].reason);
    assert!(
        w[0].reason
            .contains("文件中的人均纯收入为1.00元，按各项收入计算为"),
        "{}",
        w[0].reason
    );
}

async fn an_unknown_village_is_reported_and_never_created(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let mut table = national_table(&d);
    let no = d.bundles[3].household.household_no.clone();
    table.set(&no, "行政村", "白鹤仙村");
    let township = table.rows[table.rows_of(&no)[0]][table.col("乡（镇）")].clone();
    let tree = area_tree(&store).await.unwrap();
    let failure = parse_with("a.csv", &table.gbk_csv(), &options(&tree, d.year)).unwrap_err();
    let rows: Vec<usize> = table.rows_of(&no).iter().map(|r| r + 2).collect();
    assert_eq!(failure.issues.len(), 1, "{:#?}", failure.issues);
    let i = &failure.issues[0];
    assert_eq!(i.row, rows[0]);
    assert_eq!(i.column, "行政村");
    assert_eq!(i.value, "白鹤仙村");
    assert!(
        i.reason.contains(&format!("不在{township}")) && i.reason.contains("不会新建"),
        "{}",
        i.reason
    );
    let areas = store.area_count().await.unwrap();
    let skip = ImportOptions {
        skip_bad: true,
        ..options(&tree, d.year)
    };
    let parsed = parse_with("a.csv", &table.gbk_csv(), &skip).unwrap();
    let (a, b) = prepare(parsed);
    store
        .import_households(&county(), "跳过", &a, &b, false)
        .await
        .unwrap();
    assert_eq!(
        store.area_count().await.unwrap(),
        areas,
        "no village created"
    );
    assert_eq!(
        store.household_count().await.unwrap(),
        u64::from(HOUSEHOLDS) - 1
    );
}

async fn two_villages_of_one_township_with_one_name_are_reported(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let village = d.bundles[5].household.area;
    let township = village.parent().unwrap();
    let name = &d.areas.iter().find(|a| a.code == village).unwrap().name;
    // Another village of the township whose official name shortens to the same.
    let twin = AreaRecord {
        code: township.child(998).unwrap(),
        name: format!("{}村民委员会", short_name(name).trim_end_matches('村')),
        level: AreaLevel::Village,
        parent: Some(township),
    };
    assert_eq!(short_name(&twin.name), short_name(name));
    store
        .import_households(&county(), "区划", std::slice::from_ref(&twin), &[], false)
        .await
        .unwrap();
    let table = national_table(&d);
    let tree = area_tree(&store).await.unwrap();
    let failure = parse_with("b.xlsx", &table.xlsx(), &options(&tree, d.year)).unwrap_err();
    let in_village: BTreeSet<&str> = d
        .bundles
        .iter()
        .filter(|b| b.household.area == village)
        .map(|b| b.household.household_no.as_str())
        .collect();
    assert_eq!(
        failure.issues.len(),
        in_village.len(),
        "{:#?}",
        failure.issues
    );
    for i in &failure.issues {
        assert_eq!(i.column, "行政村");
        assert!(i.reason.contains("有2个名为"), "{}", i.reason);
        assert!(i.reason.contains(&twin.code.as_string()), "{}", i.reason);
        assert!(i.reason.contains(&village.as_string()), "{}", i.reason);
    }
}

async fn skip_bad_imports_the_good_households_and_returns_the_bad_ones(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let mut table = national_table(&d);
    let unknown = d.bundles[2].household.household_no.clone();
    let relation = first_with_two_members(&d);
    assert_ne!(unknown, relation);
    table.set(&unknown, "行政村", "白鹤仙村");
    let second = table.rows_of(&relation)[1];
    let rel_col = table.col("与户主关系");
    table.rows[second][rel_col] = "之曾孙".into();
    let bytes = table.xlsx();
    let tree = area_tree(&store).await.unwrap();

    // By default the file is refused whole.
    assert!(parse_with("c.xlsx", &bytes, &options(&tree, d.year)).is_err());

    let skip = ImportOptions {
        skip_bad: true,
        ..options(&tree, d.year)
    };
    let parsed = parse_with("c.xlsx", &bytes, &skip).unwrap();
    assert_eq!(parsed.households.len(), HOUSEHOLDS as usize - 2);
    assert_eq!(parsed.left_out.households, 2);
    let bad_rows: Vec<usize> = table
        .rows_of(&unknown)
        .into_iter()
        .chain(table.rows_of(&relation))
        .map(|r| r + 2)
        .collect();
    let mut want_rows = bad_rows.clone();
    want_rows.sort_unstable();
    assert_eq!(parsed.left_out.rows, want_rows);
    let report = left_out_xlsx("c.xlsx", &bytes, &parsed.left_out).unwrap();

    let (a, b) = prepare(parsed.clone());
    let s = store
        .import_households(&county(), "跳过有问题的户", &a, &b, false)
        .await
        .unwrap();
    assert_eq!(s.created.len(), HOUSEHOLDS as usize - 2);
    let got = stored(&store).await;
    assert!(!got.contains_key(&unknown) && !got.contains_key(&relation));

    // The returned workbook holds exactly the left-out households' rows,
    // in the file's layout, each bad cell named in 错误说明 and 错误清单.
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(report)).unwrap();
    let first = book.sheet_names()[0].clone();
    assert_eq!(book.sheet_names()[1], "错误清单");
    let sheet = book.worksheet_range(&first).unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header[..table.header.len()], table.header[..]);
    assert_eq!(header[table.header.len()], "错误说明");
    let no_col = table.col("户编号");
    let data: Vec<&[Data]> = sheet
        .rows()
        .skip(1)
        .filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
        .collect();
    assert_eq!(data.len(), bad_rows.len());
    let nos: BTreeSet<String> = data.iter().map(|r| r[no_col].to_string()).collect();
    assert_eq!(
        nos,
        BTreeSet::from([unknown.clone(), relation.clone()]),
        "only the bad households"
    );
    let explained: Vec<String> = data
        .iter()
        .map(|r| {
            r.get(table.header.len())
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .filter(|t| !t.is_empty())
        .collect();
    assert!(
        explained.iter().any(|t| t.contains("【行政村】")),
        "{explained:?}"
    );
    assert!(
        explained
            .iter()
            .any(|t| t.contains("【与户主关系】") && t.contains("之曾孙")),
        "{explained:?}"
    );
    let list = book.worksheet_range("错误清单").unwrap();
    let cells: BTreeSet<(String, String)> = list
        .rows()
        .skip(1)
        .map(|r| (r[1].to_string(), r[2].to_string()))
        .collect();
    assert_eq!(
        cells,
        BTreeSet::from([
            (
                table.rows_of(&unknown)[0].wrapping_add(2).to_string(),
                "行政村".to_string()
            ),
            ((second + 2).to_string(), "与户主关系".to_string()),
        ])
    );
}

async fn export_import_export_is_identical(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let table = national_table(&d);
    import_national(&store, &d, "全县全字段.csv", &table.gbk_csv()).await;
    let export = |csv: bool| {
        let store = store.clone();
        async move {
            let (_, out) = write_export(
                &store,
                &county(),
                &HouseholdFilter::default(),
                None,
                true,
                csv,
                Cursor::new(Vec::new()),
            )
            .await
            .unwrap();
            out.into_inner()
        }
    };
    let first_csv = export(true).await;
    let first_xlsx = export(false).await;
    let tree = area_tree(&store).await.unwrap();
    let no_year = ImportOptions {
        areas: Some(&tree),
        ..ImportOptions::default()
    };
    // The file has a 收入年度 column: a different chosen year is an error naming both.
    let other = ImportOptions {
        income_year: Some(d.year + 1),
        ..no_year
    };
    let failure = parse_with("导出.csv", &first_csv, &other).unwrap_err();
    assert_eq!(failure.issues.len(), 1, "{:#?}", failure.issues);
    let reason = &failure.issues[0].reason;
    assert!(
        reason.contains(&format!("收入年度为{}", d.year))
            && reason.contains(&format!("选择的收入年度{}", d.year + 1)),
        "{reason}"
    );
    for (name, bytes) in [("导出.csv", &first_csv), ("导出.xlsx", &first_xlsx)] {
        let parsed = parse_with(name, bytes, &no_year).unwrap();
        assert!(parsed.warnings.is_empty(), "{:#?}", parsed.warnings);
        let (a, b) = prepare(parsed);
        let s = store
            .import_households(&county(), "再导入", &a, &b, false)
            .await
            .unwrap();
        assert_eq!(s.unchanged, HOUSEHOLDS as usize, "{name}: {s:?}");
    }
    assert!(first_csv == export(true).await, "CSV byte for byte");
    let cells = |bytes: Vec<u8>| {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let name = book.sheet_names()[0].clone();
        book.worksheet_range(&name).unwrap()
    };
    assert_eq!(
        cells(first_xlsx),
        cells(export(false).await),
        "xlsx cell for cell"
    );
}

/// `bytes` as a file on disk, read from there the way `fangpin import`
/// reads it (in pieces, never whole); removed when dropped.
struct OnDisk(std::path::PathBuf);

impl OnDisk {
    fn new(name: &str, bytes: &[u8]) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("fangpin-import-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        OnDisk(path)
    }

    fn source(&self) -> Source {
        Source::File(self.0.clone())
    }
}

impl Drop for OnDisk {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Imports `bytes` the way `fangpin import` does (from a file on disk), four
/// households at a time.
async fn import_by_batches(
    store: &Store,
    d: &Demo,
    name: &str,
    bytes: Vec<u8>,
) -> Result<FileImportOutcome, fangpin_app::AppError> {
    let how = FileImport {
        name: name.into(),
        year: Some(d.year),
        note: "分批导入".into(),
        batch: 4,
        ..Default::default()
    };
    let batches = std::sync::Mutex::new(Vec::new());
    let progress = |n: usize| batches.lock().unwrap().push(n);
    let file = OnDisk::new(name, &bytes);
    let out = import_file(
        store,
        Importer::Given(county()),
        file.source(),
        &how,
        &progress,
    )
    .await;
    // A file whose rows keep each household together is written as it is
    // read; a file with a household's rows apart is read whole first.
    let seen = batches.into_inner().unwrap();
    if name.contains("乱序") {
        assert!(seen.is_empty(), "{seen:?}");
    } else if let Ok(FileImportOutcome::Imported(_)) = &out {
        assert!(seen.len() > 1, "written in batches: {seen:?}");
    }
    out
}

fn imported(
    out: Result<FileImportOutcome, fangpin_app::AppError>,
) -> fangpin_app::exchange::FileImported {
    match out {
        Ok(FileImportOutcome::Imported(i)) => *i,
        Ok(FileImportOutcome::Refused(f)) => panic!("{:#?}", &f.issues[..f.issues.len().min(5)]),
        Err(e) => panic!("{e}"),
    }
}

async fn a_file_goes_in_by_batches_whole_or_not_at_all(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let mut table = national_table(&d);
    let got = imported(import_by_batches(&store, &d, "全县全字段.csv", table.gbk_csv()).await);
    assert_eq!(got.summary.created.len(), HOUSEHOLDS as usize);
    check_landed(&store, &d, &table).await;

    // A change to the first household and a problem in the last: the
    // first batch was written before the problem was read, and is gone.
    let first = d.bundles[0].household.household_no.clone();
    let last = d.bundles[HOUSEHOLDS as usize - 1]
        .household
        .household_no
        .clone();
    table.set(&first, "户联系电话", "13900001111");
    table.set(&last, "行政村", "白鹤仙村");
    let out = import_by_batches(&store, &d, "改后.csv", table.gbk_csv()).await;
    match out {
        Ok(FileImportOutcome::Refused(f)) => {
            assert!(
                f.issues.iter().all(|i| i.column == "行政村"),
                "{:#?}",
                f.issues
            );
        }
        other => panic!("refused expected: {other:?}"),
    }
    let after = stored(&store).await;
    assert_eq!(
        after[&first].household.phone, d.bundles[0].household.phone,
        "nothing of the refused file is kept"
    );

    // With --skip-bad the good households land and the bad one is returned
    // (an upload: the bytes in memory).
    let how = FileImport {
        name: "改后.csv".into(),
        year: Some(d.year),
        skip_bad: true,
        note: "跳过".into(),
        batch: 4,
        ..Default::default()
    };
    let got = imported(
        import_file(
            &store,
            Importer::Given(county()),
            Source::Bytes(std::sync::Arc::new(table.gbk_csv())),
            &how,
            &|_| {},
        )
        .await,
    );
    assert_eq!(got.left_out.households, 1);
    assert_eq!(got.summary.changed.len(), 1, "{:?}", got.summary.changed);
    assert_eq!(
        stored(&store).await[&first].household.phone.as_deref(),
        Some("13900001111")
    );
}

/// Moves a member row of household `from` into household `to` (after its
/// last row), as a file does for a 分户/合户.
fn move_member(table: &mut Table, from: &str, to: &str, row: usize) {
    let household_cols: Vec<usize> = (0..table.header.len())
        .filter(|&c| {
            let h = &table.header[c];
            h == "自然组"
                || fangpin_exchange::columns()
                    .iter()
                    .any(|col| col.header == h && col.scope != fangpin_exchange::Scope::Person)
                || !fangpin_exchange::columns()
                    .iter()
                    .any(|col| col.header == h)
        })
        .collect();
    let template = table.rows[table.rows_of(to)[0]].clone();
    let mut moved = table.rows.remove(row);
    for &c in &household_cols {
        moved[c].clone_from(&template[c]);
    }
    moved[table.col("与户主关系")] = "其他".into();
    let at = *table.rows_of(to).last().unwrap() + 1;
    table.rows.insert(at, moved);
    for (no, n) in [
        (from, table.rows_of(from).len()),
        (to, table.rows_of(to).len()),
    ] {
        table.set(no, "当前家庭人口数", &n.to_string());
    }
}

async fn a_member_may_move_to_a_household_of_an_earlier_batch(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let mut table = national_table(&d);
    imported(import_by_batches(&store, &d, "首次.csv", table.gbk_csv()).await);

    let first = d.bundles[0].household.household_no.clone();
    let (z, mover) = d
        .bundles
        .iter()
        .rev()
        .find_map(|b| {
            let m = b.members.iter().find(|m| m.relation != "01")?;
            Some((b.household.household_no.clone(), m.id_number.clone()))
        })
        .unwrap();
    let id_col = table.col("证件号码");
    let row = (0..table.rows.len())
        .find(|&r| table.rows[r][id_col] == mover.as_str())
        .unwrap();
    move_member(&mut table, &z, &first, row);

    // Only the household that takes the member: the one it leaves keeps
    // it, so the file is refused, naming that household.
    let mut alone = Table {
        header: table.header.clone(),
        rows: table
            .rows_of(&first)
            .into_iter()
            .map(|r| table.rows[r].clone())
            .collect(),
    };
    alone.rows.extend(
        d.bundles[1..6]
            .iter()
            .flat_map(|b| table.rows_of(&b.household.household_no))
            .map(|r| table.rows[r].clone()),
    );
    let err = import_by_batches(&store, &d, "只有迁入户.csv", alone.gbk_csv())
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&z), "{err}");

    // The whole file: the member leaves the last household (last batch) and
    // joins the first (first batch).
    let got = imported(import_by_batches(&store, &d, "分户.csv", table.gbk_csv()).await);
    assert_eq!(got.summary.changed.len(), 2, "{:?}", got.summary.changed);
    let after = stored(&store).await;
    assert!(after[&first].members.iter().any(|m| m.id_number == mover));
    assert!(!after[&z].members.iter().any(|m| m.id_number == mover));
}

async fn a_file_with_a_households_rows_apart_is_read_whole(store: Store) {
    let d = demo();
    with_tree(&store, &d).await;
    let mut table = national_table(&d);
    let split = first_with_two_members(&d);
    let second = table.rows_of(&split)[1];
    let row = table.rows.remove(second);
    table.rows.push(row);
    let out = import_by_batches(&store, &d, "乱序.xlsx", table.xlsx()).await;
    let got = imported(out);
    assert_eq!(got.summary.created.len(), HOUSEHOLDS as usize);
    check_landed(&store, &d, &table).await;
}
