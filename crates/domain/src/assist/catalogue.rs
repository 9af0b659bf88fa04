//! The measure catalogue: parsed from `data/assist_measures.csv`, typed items.

use std::sync::OnceLock;

use serde::Serialize;
use thiserror::Error;

use super::*;

/// A catalogue file problem, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("措施目录第{line}行：{reason}")]
pub struct CatalogueError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One catalogue item.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueItem {
    /// Stable code (`CY01` …).
    pub code: String,
    /// 类别.
    pub category: Category,
    /// 措施名称.
    pub name: String,
    /// 性质.
    pub kind: MeasureKind,
    /// 风险消除后.
    pub after_elimination: AfterElimination,
    /// What the record must show.
    pub requires: Option<Requirement>,
}

/// The measure catalogue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    items: Vec<CatalogueItem>,
}

impl Catalogue {
    /// Parses a catalogue CSV: the header, then one item per line; codes are
    /// unique, every field known. Each problem names its line.
    pub fn parse(csv: &str) -> Result<Catalogue, CatalogueError> {
        let mut lines = csv.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == CATALOGUE_HEADER => {}
            _ => {
                return Err(CatalogueError {
                    line: 1,
                    reason: format!("表头应为 {CATALOGUE_HEADER}"),
                });
            }
        }
        let mut items: Vec<CatalogueItem> = Vec::new();
        for (i, raw) in lines {
            let line = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let err = |reason: String| CatalogueError { line, reason };
            let f: Vec<&str> = raw.split(',').map(str::trim).collect();
            if f.len() != 6 {
                return Err(err(format!("应有6列，实际为{}列", f.len())));
            }
            let code = f[0];
            if code.is_empty()
                || !code.chars().all(|c| c.is_ascii_alphanumeric())
                || code.len() > 16
            {
                return Err(err(format!("编码“{code}”应为不超过16位的字母和数字")));
            }
            if items.iter().any(|x| x.code == code) {
                return Err(err(format!("编码“{code}”重复")));
            }
            if f[2].is_empty() {
                return Err(err("措施名称不能为空".into()));
            }
            let e = |x: AssistError| err(x.to_string());
            items.push(CatalogueItem {
                code: code.to_owned(),
                category: Category::parse(f[1]).map_err(e)?,
                name: f[2].to_owned(),
                kind: MeasureKind::parse(f[3]).map_err(e)?,
                after_elimination: AfterElimination::parse(f[4]).map_err(e)?,
                requires: match f[5] {
                    "" => None,
                    r => Some(Requirement::parse(r).map_err(e)?),
                },
            });
        }
        if items.is_empty() {
            return Err(CatalogueError {
                line: 1,
                reason: "目录中没有措施".into(),
            });
        }
        Ok(Catalogue { items })
    }

    /// The shipped catalogue (`data/assist_measures.csv`).
    pub fn official() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| Catalogue::parse(CATALOGUE_CSV).expect("shipped catalogue is valid"))
    }

    /// Every item, in file order.
    pub fn items(&self) -> &[CatalogueItem] {
        &self.items
    }

    /// The item with `code`.
    pub fn item(&self, code: &str) -> Option<&CatalogueItem> {
        self.items.iter().find(|i| i.code == code.trim())
    }
}
