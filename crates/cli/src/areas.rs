//! `fangpin areas load <code>`: puts a county's (city's, province's) subtree
//! of the official area codes shipped with the program into the area tree.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use fangpin_domain::AreaCode;
use fangpin_store::Store;
use fangpin_store::area_load::AreaLoadReport;

/// Loads the subtree of `code` (2, 4, 6 or 12 digits) from the 2023 edition.
pub async fn load(store: &Store, code: &str) -> Result<AreaLoadReport> {
    let root = AreaCode::parse(code).context("区划代码无效")?;
    let tree = fangpin_area_codes::stats_2023(root)?;
    let actor = fangpin_store::Actor::system("命令行");
    let report = store
        .load_official_areas(&actor, &tree.edition, root, &tree.units)
        .await?;
    Ok(report)
}

/// The report as printed: the summary line, then the lists.
pub fn render(report: &AreaLoadReport) -> String {
    let plan = &report.plan;
    let mut out = format!(
        "{}年版统计用区划代码 {}：{}\n",
        report.edition,
        report.root.prefix(),
        plan.summary()
    );
    for r in &plan.renamed {
        let _ = writeln!(out, "  更名 {} {} → {}", r.code, r.old_name, r.new_name);
    }
    for a in &plan.abolished {
        let _ = writeln!(
            out,
            "  已撤销 {} {}（保留在区划树中，请核实其下的农户）",
            a.code, a.name
        );
    }
    for s in &plan.same_names {
        let codes: Vec<String> = s.codes.iter().copied().map(AreaCode::as_string).collect();
        let _ = writeln!(
            out,
            "  同名 {} 下有 {} 个“{}”：{}",
            s.township_name,
            s.codes.len(),
            s.name,
            codes.join("、")
        );
    }
    out
}
