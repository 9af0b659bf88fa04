//! The one scoped query API: which household-keyed rows a caller may see.
//!
//! Every query of the store that reads or writes rows belonging to a
//! household (the household itself, its members and incomes, cases, visits
//! and their photos, money records, pairings and plans, quality findings,
//! campaign targets, printouts, exports …) takes its filter from here, never
//! from a hand-written `LIKE`. The caller's [`Access`] yields a [`Scope`]:
//!
//! - roles that maintain or review households see an **area subtree** (their
//!   own area, optionally narrowed to a requested area inside it);
//! - a 帮扶责任人 (`assist.own` without `household.write`) sees only the
//!   households **currently paired** with a 帮扶干部 entry linked to their
//!   login, within their area;
//! - roles without `household.read` get no scope at all (403).
//!
//! [`Scope::on`] renders the filter for a table described by [`Keyed`] (which
//! columns hold the household's village and its id). Outside the scope a
//! household does not exist for the caller (404), so existence never leaks.
//! A test at the bottom of this file fails when a store module writes an
//! area filter of its own.

use fangpin_domain::AreaCode;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, JoinType, Query, SimpleExpr};

use crate::users::{Access, perm};
use crate::{Result, StoreError};

/// The household-keyed rows a caller may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every household whose village lies under this area.
    Area(AreaCode),
    /// Households currently paired with the 帮扶干部 entries linked to this
    /// login, within the area.
    Paired { user_id: i64, area: AreaCode },
}

/// How a table names the household's village and the household.
#[derive(Clone, Copy, Debug)]
pub struct Keyed {
    alias: Option<&'static str>,
    area: &'static str,
    household: Option<&'static str>,
}

impl Keyed {
    /// A child table (`area_code`, `household_id`) under an alias.
    pub const fn rows(alias: &'static str) -> Keyed {
        Keyed {
            alias: Some(alias),
            area: "area_code",
            household: Some("household_id"),
        }
    }

    /// A child table (`area_code`, `household_id`) without an alias.
    pub const fn bare() -> Keyed {
        Keyed {
            alias: None,
            area: "area_code",
            household: Some("household_id"),
        }
    }

    /// The `household` table itself (`area_code`, `id`), optionally aliased.
    pub const fn household(alias: Option<&'static str>) -> Keyed {
        Keyed {
            alias,
            area: "area_code",
            household: Some("id"),
        }
    }

    /// A table keyed by area only (areas, campaigns, self-reports before
    /// they are matched, users): a paired scope sees the rows of its area.
    pub const fn area(alias: Option<&'static str>, column: &'static str) -> Keyed {
        Keyed {
            alias,
            area: column,
            household: None,
        }
    }

    fn col(&self, name: &'static str) -> SimpleExpr {
        match self.alias {
            Some(a) => Expr::col((a, name)),
            None => Expr::col(name),
        }
    }
}

/// The lowest and highest 12-digit codes under `area`: the subtree as a
/// range, which an index on the code serves on both engines (a `LIKE` is
/// not index-friendly on PostgreSQL without a pattern operator class).
pub fn code_range(area: &AreaCode) -> (String, String) {
    let prefix = area.prefix();
    let pad = 12 - prefix.len();
    (
        format!("{prefix}{}", "0".repeat(pad)),
        format!("{prefix}{}", "9".repeat(pad)),
    )
}

/// Rows whose area column lies under `area`.
pub fn under(column: impl IntoColumnRef, area: &AreaCode) -> SimpleExpr {
    let (lo, hi) = code_range(area);
    Expr::col(column).between(lo, hi)
}

impl Access {
    /// The households this caller may read; refuses roles without
    /// `household.read`.
    pub fn scope(&self) -> Result<Scope> {
        self.require(perm::HOUSEHOLD_READ)?;
        Ok(self.scope_unchecked())
    }

    /// The scope without the permission check, for routes that require a
    /// different permission first (workflow steps, visits, imports).
    pub fn scope_unchecked(&self) -> Scope {
        match self.user_id {
            Some(user_id) if self.paired_only() => Scope::Paired {
                user_id,
                area: self.area,
            },
            _ => Scope::Area(self.area),
        }
    }

    /// A 帮扶责任人 who does not maintain households sees only the
    /// households paired with them.
    pub fn paired_only(&self) -> bool {
        self.has(perm::ASSIST_OWN) && !self.has(perm::HOUSEHOLD_WRITE)
    }

    /// Whether an area lies in this caller's area. For area-keyed things
    /// only (campaigns, users, parameters, new households); rows of an
    /// existing household are checked through [`Scope::on`].
    pub fn covers(&self, area: &AreaCode) -> bool {
        self.area.contains(area)
    }

    /// Whether the caller's area and `area` overlap (one contains the other).
    pub fn overlaps(&self, area: &AreaCode) -> bool {
        self.covers(area) || area.contains(&self.area)
    }

    /// `area` when it lies in the caller's area, else not found.
    pub fn area_within(&self, area: &AreaCode) -> Result<AreaCode> {
        if self.covers(area) {
            Ok(*area)
        } else {
            Err(StoreError::NotFound(format!(
                "区划不存在：{}",
                area.as_string()
            )))
        }
    }
}

impl Scope {
    /// The area the scope lies in.
    pub fn area(&self) -> &AreaCode {
        match self {
            Scope::Area(a) => a,
            Scope::Paired { area, .. } => area,
        }
    }

    /// Whether an area lies under the scope's area (for area-keyed rows).
    pub fn covers_area(&self, area: &AreaCode) -> bool {
        self.area().contains(area)
    }

    /// The area of a scope that covers whole areas; a 帮扶责任人's pairings
    /// are refused (area-wide work such as the duplicate queue is not theirs).
    pub fn whole_area(&self) -> Result<&AreaCode> {
        match self {
            Scope::Area(a) => Ok(a),
            Scope::Paired { .. } => Err(StoreError::Forbidden(
                "帮扶责任人只能查看本人结对帮扶的农户".into(),
            )),
        }
    }

    /// Whether the scope is a 帮扶责任人's pairings.
    pub fn is_paired(&self) -> bool {
        matches!(self, Scope::Paired { .. })
    }

    /// The scope narrowed to a requested area; an area outside the caller's
    /// does not exist for them.
    pub fn within(&self, area: Option<&AreaCode>) -> Result<Scope> {
        let Some(a) = area else {
            return Ok(self.clone());
        };
        if !self.area().contains(a) {
            return Err(StoreError::NotFound(format!(
                "区划不存在：{}",
                a.as_string()
            )));
        }
        Ok(match self {
            Scope::Area(_) => Scope::Area(*a),
            Scope::Paired { user_id, .. } => Scope::Paired {
                user_id: *user_id,
                area: *a,
            },
        })
    }

    /// The filter for rows of a table described by `keyed`.
    pub fn on(&self, keyed: Keyed) -> SimpleExpr {
        let (lo, hi) = code_range(self.area());
        let in_area = keyed.col(keyed.area).between(lo, hi);
        match (self, keyed.household) {
            (Scope::Area(_), _) => in_area,
            (Scope::Paired { user_id, .. }, Some(h)) => {
                in_area.and(keyed.col(h).in_subquery(paired_households(*user_id)))
            }
            // An area-keyed table: the paired scope sees its area's rows.
            (Scope::Paired { .. }, None) => in_area,
        }
    }
}

impl crate::Store {
    /// The village of household `id` when it lies in `scope` (merged-away
    /// shells included), else not found: the one check for routes that
    /// name a household.
    pub(crate) async fn household_area<C: ConnectionTrait>(
        &self,
        conn: &C,
        scope: &Scope,
        id: i64,
    ) -> Result<AreaCode> {
        let mut q = Query::select();
        q.column("area_code")
            .from("household")
            .and_where(Expr::col("id").eq(id))
            .and_where(scope.on(Keyed::household(None)));
        let row = conn
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("农户不存在：{id}")))?;
        let code: String = row.try_get("", "area_code")?;
        AreaCode::parse(code.trim()).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// The households currently paired with the cadre entries linked to a login.
fn paired_households(user_id: i64) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(("sp", "household_id"))
        .from_as("assist_pairing", "sp")
        .join_as(
            JoinType::InnerJoin,
            "assist_cadre",
            "sc",
            Expr::col(("sc", "id")).equals(("sp", "cadre_id")),
        )
        .and_where(Expr::col(("sc", "user_id")).eq(user_id))
        .and_where(Expr::col(("sp", "until_on")).is_null());
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ranges_cover_exactly_the_subtree() {
        let county = AreaCode::parse("500230000000").unwrap();
        assert_eq!(
            code_range(&county),
            ("500230000000".into(), "500230999999".into())
        );
        let village = AreaCode::parse("500230101201").unwrap();
        assert_eq!(
            code_range(&village),
            ("500230101201".into(), "500230101201".into())
        );
        let township = AreaCode::parse("500230101000").unwrap();
        let (lo, hi) = code_range(&township);
        for code in ["500230101001", "500230101999", "500230101201"] {
            assert!(lo.as_str() <= code && code <= hi.as_str());
        }
        for code in ["500230102001", "500230100999"] {
            assert!(!(lo.as_str() <= code && code <= hi.as_str()), "{code}");
        }
    }

    /// A store module that writes its own area filter could forget the
    /// pairing scope; every such filter goes through this module.
    #[test]
    fn no_store_module_writes_its_own_area_filter() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // Hand-made subtree filters, and area checks of an existing
        // household's rows (which would miss a 帮扶责任人's pairings).
        let forbidden = [
            ".prefix())",
            "like(like(",
            "area.prefix()",
            "covers(&d.household",
            "covers(&old.household",
            "covers(&h.area",
            "covers(&row.",
        ];
        let mut found = vec![];
        for path in rust_files(&dir) {
            let name = path.strip_prefix(&dir).unwrap().display().to_string();
            if name == "scope.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            found.extend(hand_written_filters(&name, &text, &forbidden));
        }
        assert!(
            found.is_empty(),
            "area filters outside scope.rs (use Scope::on or scope::under):\n{}",
            found.join("\n")
        );
    }

    /// Every `.rs` file under `dir`, subfolders included.
    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    /// The lines of `text` (file `name`) outside comments that contain one
    /// of `forbidden`.
    fn hand_written_filters(name: &str, text: &str, forbidden: &[&str]) -> Vec<String> {
        let mut found = vec![];
        for (no, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for f in forbidden {
                if line.contains(f) {
                    found.push(format!("{name}:{}: {}", no + 1, line.trim()));
                }
            }
        }
        found
    }

    #[test]
    fn the_filter_scan_reaches_subfolders_and_catches_a_hand_written_filter() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let files = rust_files(&dir);
        assert!(files.iter().any(|p| p.ends_with("funds/loans.rs")));
        assert!(files.iter().any(|p| p.ends_with("migration/util.rs")));
        let text = "    // like(like( in a comment is fine\n    q.and_where(Expr::col(\"area_code\").like(area.prefix()));\n";
        let found = hand_written_filters("visits/record.rs", text, &["area.prefix()"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("visits/record.rs:2:"));
    }
}
