//! `fangpin import` and `fangpin export`: files in the national 全字段 layout.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use fangpin_app::exchange::{FileImport, FileImportOutcome, Importer};
use fangpin_domain::AreaCode;
use fangpin_store::{Access, HouseholdFilter, Store, settings};
use indicatif::{ProgressBar, ProgressStyle};

/// The scope of command-line work: the instance's county, or the whole
/// stored hierarchy's top node.
async fn cli_access(store: &Store) -> Result<Access> {
    let county = match store.setting(settings::COUNTY_CODE).await? {
        Some(c) => AreaCode::parse(&c).context("实例所属县的区划代码无效")?,
        None => bail!("本实例尚未设置所属县：请先导入区划或生成演示县"),
    };
    let mut a = Access::system(county);
    a.username = "命令行".into();
    Ok(a)
}

/// How `fangpin import` reads and writes a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportHow {
    /// Report only.
    pub dry_run: bool,
    /// `--year`: income year of a file without a 收入年度 column.
    pub year: Option<i32>,
    /// `--skip-bad`: import the good households, return the others.
    pub skip_bad: bool,
}

pub async fn import(store: &Store, path: &Path, how: ImportHow) -> Result<()> {
    let ImportHow {
        dry_run,
        year,
        skip_bad,
    } = how;
    let started = Instant::now();
    // The file is read from disk in pieces (twice for a report), never held whole.
    std::fs::metadata(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("导入文件");
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message(format!("正在读取并校验 {name}"));
    let fresh = store.setting(settings::COUNTY_CODE).await?.is_none();
    let who = if fresh {
        Importer::FileCounty {
            username: "命令行".into(),
        }
    } else {
        Importer::Given(cli_access(store).await?)
    };
    let how = FileImport {
        name: name.to_owned(),
        year,
        default_year: Some(fangpin_app::exchange::default_income_year(
            chrono::Utc::now().date_naive(),
        )),
        skip_bad,
        dry_run,
        note: format!("导入文件 {name}"),
        batch: 0,
    };
    let source = fangpin_exchange::Source::File(path.to_owned());
    let progress =
        |n: usize| bar.set_message(format!("正在读取、校验并写入 {name}：已写入 {n} 户"));
    let outcome =
        fangpin_app::exchange::import_file(store, who, source.clone(), &how, &progress).await?;
    let input = source.input();
    let imported = match outcome {
        FileImportOutcome::Imported(i) => *i,
        FileImportOutcome::Refused(failure) => {
            bar.finish_and_clear();
            eprintln!(
                "文件未导入：发现 {} 处问题（共 {} 行）。",
                failure.issues.len(),
                failure.rows
            );
            eprintln!(
                "{:<10} {:>6}  {:<16} {:<24} 原因",
                "工作表", "行", "列", "值"
            );
            for i in failure.issues.iter().take(50) {
                eprintln!(
                    "{:<10} {:>6}  {:<16} {:<24} {}",
                    i.sheet, i.row, i.column, i.value, i.reason
                );
            }
            if failure.issues.len() > 50 {
                eprintln!("……其余 {} 处见错误报告", failure.issues.len() - 50);
            }
            let report = report_path(path);
            match fangpin_exchange::error_report_xlsx(name, input, &failure.issues) {
                Ok(x) => {
                    std::fs::write(&report, x)
                        .with_context(|| format!("无法写入错误报告 {}", report.display()))?;
                    eprintln!("错误报告（问题单元格已标红）：{}", report.display());
                }
                Err(e) => eprintln!("无法生成错误报告：{e}"),
            }
            bail!(
                "导入失败：文件有 {} 处问题，未做任何修改",
                failure.issues.len()
            );
        }
    };
    for w in &imported.warnings {
        eprintln!("提示：第{}行 {}：{}", w.row, w.column, w.reason);
    }
    let rows = imported.rows;
    let encoding = imported.encoding;
    let left_out = imported.left_out.households;
    if left_out > 0 {
        let out = left_out_path(path);
        let x = fangpin_exchange::left_out_xlsx(name, input, &imported.left_out)
            .context("无法生成未导入户的文件")?;
        std::fs::write(&out, x).with_context(|| format!("无法写入 {}", out.display()))?;
        eprintln!(
            "有问题的 {left_out} 户（{} 处问题）未导入，已写入（问题单元格已标红，改正后可再导入）：{}",
            imported.left_out.issues.len(),
            out.display()
        );
    }
    if fresh && !dry_run {
        // A fresh instance belongs to the county of its first file.
        if let [c] = imported.counties.as_slice() {
            let actor = fangpin_store::Actor::system("命令行");
            store
                .set_setting(&actor, settings::COUNTY_CODE, &c.code.as_string())
                .await?;
            store
                .set_setting(&actor, settings::COUNTY_NAME, &c.name)
                .await?;
        }
    }
    let summary = imported.summary;
    bar.finish_and_clear();
    let verb = if dry_run {
        "预演（未写入）"
    } else {
        "已导入"
    };
    println!(
        "{verb}：{name}，{} 行{}，导入 {} 户（新增 {} 户，变更 {} 户，未变 {} 户），未导入 {left_out} 户，新增区划 {} 个，用时 {:.1} 秒",
        rows,
        encoding
            .map(|e| format!("（编码 {e}）"))
            .unwrap_or_default(),
        summary.created.len() + summary.changed.len() + summary.unchanged,
        summary.created.len(),
        summary.changed.len(),
        summary.unchanged,
        summary.areas_added,
        started.elapsed().as_secs_f64()
    );
    if let Some(access) = imported.access.as_ref().filter(|_| !dry_run) {
        let found = store.scan_duplicates(access).await?;
        if found > 0 {
            println!("发现 {found} 组疑似重复人员，已加入待审核队列（系统 → 重复待审）");
        }
    }
    for c in summary.changed.iter().take(20) {
        println!("  变更 {}：{}", c.household_no, c.changes.join("、"));
    }
    if summary.changed.len() > 20 {
        println!("  ……另有 {} 户变更", summary.changed.len() - 20);
    }
    Ok(())
}

/// `FILE.未导入.xlsx` next to the input.
fn left_out_path(path: &Path) -> PathBuf {
    let file = path
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("导入文件");
    path.with_file_name(format!("{file}.未导入.xlsx"))
}

fn report_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("导入文件");
    path.with_file_name(format!("{stem}.错误报告.xlsx"))
}

pub async fn export(
    store: &Store,
    out: &Path,
    area: Option<&str>,
    year: Option<i32>,
    unmasked: bool,
) -> Result<()> {
    let started = Instant::now();
    let access = cli_access(store).await?;
    let filter = HouseholdFilter {
        area: area
            .map(AreaCode::parse)
            .transpose()
            .context("--area 无效")?,
        ..Default::default()
    };
    let csv = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let file = std::fs::File::create(out).with_context(|| format!("无法创建 {}", out.display()))?;
    let (households, _) = fangpin_app::exchange::write_export(
        store,
        &access,
        &filter,
        year,
        unmasked,
        csv,
        std::io::BufWriter::new(file),
    )
    .await?;
    println!(
        "已导出 {households} 户到 {}（{}），用时 {:.1} 秒",
        out.display(),
        if unmasked {
            "含完整证件号，请妥善保管"
        } else {
            "证件号已脱敏"
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `fangpin whatif`: prints the counts per township and the timing of each run.
pub async fn what_if(
    store: &Store,
    area: Option<&str>,
    year: i32,
    line: Option<fangpin_domain::Money>,
    rigid_pct: Option<i64>,
    drop_pct: Option<i64>,
    repeat: u32,
) -> Result<()> {
    let access = cli_access(store).await?;
    let area = match area {
        Some(a) => AreaCode::parse(a).context("--area 无效")?,
        None => access.area,
    };
    let w = fangpin_store::monitor::WhatIf {
        area,
        year,
        line,
        rigid_pct,
        drop_pct,
    };
    for run in 1..=repeat.max(1) {
        let started = Instant::now();
        let r = store.what_if(&access, &w, chrono::Utc::now()).await?;
        if run == 1 {
            println!(
                "{}年 {}：{} 户（{} 户数据不全未计入）；监测范围 {} → {} 元",
                r.year, r.area, r.households, r.skipped, r.line_now, r.line_then
            );
            println!(
                "风险户 {} → {}：新进入 {} 户，退出 {} 户",
                r.at_risk_now, r.at_risk_then, r.entering, r.leaving
            );
            for t in r.by_township.iter().filter(|t| t.entering + t.leaving > 0) {
                println!("  乡镇 {}：进入 {}，退出 {}", t.code, t.entering, t.leaving);
            }
        }
        println!(
            "第{run}次：读取 {} ms（{}），测算 {} ms，合计 {} ms",
            r.load_ms,
            if r.cached { "内存" } else { "数据库" },
            r.eval_ms,
            started.elapsed().as_millis()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use fangpin_store::{AuditFilter, Store};

    use super::*;

    fangpin_store::dual_backend_tests!(
        export_then_import_changes_nothing,
        gbk_csv_imports_like_the_stored_data,
        masked_exports_cannot_be_imported,
        masked_export_masks_phones_and_unmasked_keeps_them,
        skip_bad_writes_the_left_out_households_next_to_the_file,
    );

    async fn skip_bad_writes_the_left_out_households_next_to_the_file(store: Store) {
        county(&store, 20).await;
        let file = temp("全县.csv");
        export(&store, &file, None, None, true).await.unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        // The first household loses its 户主: that household is bad.
        let bad = text.replacen(",户主,", ",之曾孙,", 1);
        assert_ne!(bad, text);
        std::fs::write(&file, bad).unwrap();
        let left_out = left_out_path(&file);
        assert!(import(&store, &file, ImportHow::default()).await.is_err());
        assert!(!left_out.exists(), "by default the file is refused whole");
        std::fs::remove_file(report_path(&file)).ok();
        let how = ImportHow {
            skip_bad: true,
            ..ImportHow::default()
        };
        import(&store, &file, how).await.unwrap();
        assert!(left_out.exists(), "{}", left_out.display());
        assert!(
            left_out
                .file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with("全县.csv.未导入.xlsx")
        );
        std::fs::remove_file(file).ok();
        std::fs::remove_file(left_out).ok();
    }

    async fn county(store: &Store, n: u32) {
        store.seed_reference().await.unwrap();
        crate::demo::ensure_demo(store, 9, n, false).await.unwrap();
    }

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "fangpin-{}-{}-{name}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ))
    }

    async fn export_then_import_changes_nothing(store: Store) {
        county(&store, 150).await;
        let file = temp("all.xlsx");
        export(&store, &file, None, None, true).await.unwrap();
        let before = store.household_count().await.unwrap();
        import(&store, &file, ImportHow::default()).await.unwrap();
        assert_eq!(store.household_count().await.unwrap(), before);
        let (n, items) = store
            .audit_search(
                &AuditFilter {
                    action: Some("import_update".into()),
                    ..Default::default()
                },
                0,
                5,
            )
            .await
            .unwrap();
        assert_eq!(n, 0, "a round trip changes no household: {items:?}");
        let (n, _) = store
            .audit_search(
                &AuditFilter {
                    action: Some("export_unmasked".into()),
                    ..Default::default()
                },
                0,
                5,
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "unmasked exports are audited");
        std::fs::remove_file(file).ok();
    }

    async fn gbk_csv_imports_like_the_stored_data(store: Store) {
        county(&store, 80).await;
        let utf8 = temp("all.csv");
        export(&store, &utf8, None, None, true).await.unwrap();
        let text = std::fs::read_to_string(&utf8).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
        assert!(!lossy);
        let gbk_file = temp("县里发来的.csv");
        std::fs::write(&gbk_file, &gbk).unwrap();
        assert!(std::str::from_utf8(&gbk).is_err(), "the file really is GBK");
        import(&store, &gbk_file, ImportHow::default())
            .await
            .unwrap();
        let (n, _) = store
            .audit_search(
                &AuditFilter {
                    action: Some("import_update".into()),
                    ..Default::default()
                },
                0,
                5,
            )
            .await
            .unwrap();
        assert_eq!(n, 0, "GBK decoding yields exactly the stored values");
        std::fs::remove_file(utf8).ok();
        std::fs::remove_file(gbk_file).ok();
    }

    async fn masked_exports_cannot_be_imported(store: Store) {
        county(&store, 20).await;
        let file = temp("masked.xlsx");
        export(&store, &file, None, None, false).await.unwrap();
        let err = import(&store, &file, ImportHow::default())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("未做任何修改"), "{err}");
        let report = report_path(&file);
        assert!(
            report.exists(),
            "an error report is written next to the file"
        );
        std::fs::remove_file(file).ok();
        std::fs::remove_file(report).ok();
    }

    async fn masked_export_masks_phones_and_unmasked_keeps_them(store: Store) {
        county(&store, 30).await;
        let access = fangpin_store::Access::system(AreaCode::parse("500230").unwrap());
        let page = store
            .household_bundles_after(&access, &HouseholdFilter::default(), 0, 100)
            .await
            .unwrap();
        let phones: Vec<String> = page
            .iter()
            .flat_map(|(_, b)| {
                let members = b.members.iter().filter_map(|m| m.phone.clone());
                b.household.phone.clone().into_iter().chain(members)
            })
            .collect();
        assert!(phones.len() > 10, "the demo households have phones");
        let masked = temp("masked.csv");
        export(&store, &masked, None, None, false).await.unwrap();
        let text = std::fs::read_to_string(&masked).unwrap();
        for phone in &phones {
            assert!(
                !text.contains(phone.as_str()),
                "{phone} in full in the masked export"
            );
            assert!(text.contains(&fangpin_domain::mask_phone(phone)));
        }
        let full = temp("full.csv");
        export(&store, &full, None, None, true).await.unwrap();
        let text = std::fs::read_to_string(&full).unwrap();
        assert!(phones.iter().all(|p| text.contains(p.as_str())));
        std::fs::remove_file(masked).ok();
        std::fs::remove_file(full).ok();
    }
}
