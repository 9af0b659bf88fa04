//! Area hierarchy (county → 乡镇 → 村 → 村民小组) and per-node counts.

use std::collections::HashMap;

use fangpin_domain::{AreaCode, AreaLevel, VillageGroup};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, QueryOrder};
use serde::Serialize;

use crate::audit::{Actor, AuditEntry, record};
use crate::entity::{area, village_group};
use crate::scope::{Keyed, Scope};
use crate::users::Access;
use crate::{Result, Store, StoreError};

/// An area node to be stored (the domain's [`fangpin_domain::AreaNode`]).
pub type AreaRecord = fangpin_domain::AreaNode;

/// The level of a node of the area tree: an area's level, or `group` for a
/// 村民小组. Serialized as the lower-case English word.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum NodeLevel {
    Province,
    City,
    County,
    Township,
    Village,
    /// 村民小组.
    Group,
}

impl From<AreaLevel> for NodeLevel {
    fn from(level: AreaLevel) -> Self {
        match level {
            AreaLevel::Province => NodeLevel::Province,
            AreaLevel::City => NodeLevel::City,
            AreaLevel::County => NodeLevel::County,
            AreaLevel::Township => NodeLevel::Township,
            AreaLevel::Village => NodeLevel::Village,
        }
    }
}

/// One node of the area tree with its household and person counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaTreeNode {
    /// 12-digit area code, or `村代码-NN` for a 村民小组.
    pub code: String,
    pub name: String,
    /// county / township / village / group (or province / city).
    pub level: NodeLevel,
    pub households: i64,
    pub persons: i64,
    pub poverty_households: i64,
    pub monitored_households: i64,
    /// Monitoring objects whose risk is not yet eliminated (风险未消除).
    pub unresolved_households: i64,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<AreaTreeNode>,
}

/// A count of households for one code of a code list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CountBucket {
    pub code: String,
    pub label: String,
    pub households: i64,
}

/// The summary page of one node: its counts, breakdowns and children.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaSummary {
    pub code: String,
    pub name: String,
    pub level: NodeLevel,
    pub households: i64,
    pub persons: i64,
    pub poverty_households: i64,
    pub monitored_households: i64,
    pub unresolved_households: i64,
    pub by_category: Vec<CountBucket>,
    pub by_household_type: Vec<CountBucket>,
    pub children: Vec<AreaTreeNode>,
}

pub fn level_str(level: AreaLevel) -> &'static str {
    match level {
        AreaLevel::Province => "province",
        AreaLevel::City => "city",
        AreaLevel::County => "county",
        AreaLevel::Township => "township",
        AreaLevel::Village => "village",
    }
}

/// Key of a 村民小组 node: the village code, a dash and a two-digit number.
pub fn group_key(village: &str, no: i16) -> String {
    format!("{village}-{no:02}")
}

#[derive(Default, Clone, Copy)]
struct Counts {
    households: i64,
    persons: i64,
    poverty: i64,
    monitored: i64,
    unresolved: i64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.households += o.households;
        self.persons += o.persons;
        self.poverty += o.poverty;
        self.monitored += o.monitored;
        self.unresolved += o.unresolved;
    }
}

/// Commits a bulk insert of `entity` rows, with an audit entry when any row
/// was added.
async fn commit_bulk_insert(
    tx: DatabaseTransaction,
    actor: &Actor,
    entity: &'static str,
    added: u64,
) -> Result<()> {
    if added > 0 {
        record(
            &tx,
            actor,
            AuditEntry {
                action: "bulk_insert",
                entity,
                after: Some(serde_json::json!({ "added": added })),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

impl Store {
    /// Inserts area nodes (parents before children); existing codes are kept.
    pub async fn insert_areas(&self, actor: &Actor, nodes: &[AreaRecord]) -> Result<()> {
        let tx = self.begin_write().await?;
        let added = insert_areas_tx(&tx, nodes).await?;
        commit_bulk_insert(tx, actor, "area", added).await
    }

    pub async fn insert_village_groups(
        &self,
        actor: &Actor,
        groups: &[VillageGroup],
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let added = insert_groups_tx(&tx, groups).await?;
        commit_bulk_insert(tx, actor, "village_group", added).await
    }

    pub async fn area(&self, code: &AreaCode) -> Result<Option<area::Model>> {
        Ok(area::Entity::find_by_id(code.as_string())
            .one(&self.db)
            .await?)
    }

    /// Number of stored area nodes.
    pub async fn area_count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(area::Entity::find().count(&self.db).await?)
    }

    /// Household counts per village and 村民小组 within `scope` (a
    /// 帮扶责任人 counts their own households).
    async fn counts_by_group(
        &self,
        scope: &Scope,
    ) -> Result<HashMap<(String, Option<i16>), Counts>> {
        let sum = |e: &str| Expr::cust(format!("COALESCE(SUM({e}), 0)"));
        let mut q = Query::select();
        q.columns(["area_code", "group_no"])
            .expr_as(Expr::cust("COUNT(*)"), "households")
            .expr_as(sum("current_size"), "persons")
            .expr_as(
                sum("CASE WHEN household_type = '1' THEN 1 ELSE 0 END"),
                "poverty",
            )
            .expr_as(
                sum("CASE WHEN monitor_category IS NOT NULL THEN 1 ELSE 0 END"),
                "monitored",
            )
            .expr_as(
                sum("CASE WHEN monitor_category IS NOT NULL AND (risk_eliminated IS NULL OR risk_eliminated = FALSE) THEN 1 ELSE 0 END"),
                "unresolved",
            )
            .from("household")
            .and_where(Expr::col("current_size").gt(0))
            .and_where(scope.on(Keyed::household(None)))
            .group_by_col("area_code")
            .group_by_col("group_no");
        let rows = self.db.query_all(&q).await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in rows {
            let area: String = r.try_get("", "area_code")?;
            let group: Option<i16> = r.try_get("", "group_no")?;
            let c = Counts {
                households: r.try_get("", "households")?,
                persons: r.try_get("", "persons")?,
                poverty: r.try_get("", "poverty")?,
                monitored: r.try_get("", "monitored")?,
                unresolved: r.try_get("", "unresolved")?,
            };
            out.insert((area.trim().to_owned(), group), c);
        }
        Ok(out)
    }

    /// The area tree under the caller's own area, with counts aggregated
    /// bottom-up from the household table. Counts of households are a read
    /// of household data: roles without `household.read` are refused.
    pub async fn area_tree(&self, access: &Access) -> Result<Option<AreaTreeNode>> {
        let scope = access.scope()?;
        self.area_tree_under(&access.area, &scope).await
    }

    /// The tree under `root`, counting the households of `scope`.
    async fn area_tree_under(
        &self,
        root: &AreaCode,
        scope: &Scope,
    ) -> Result<Option<AreaTreeNode>> {
        let areas = area::Entity::find()
            .order_by_asc(area::Column::Code)
            .all(&self.db)
            .await?;
        let groups = village_group::Entity::find()
            .order_by_asc(village_group::Column::VillageCode)
            .order_by_asc(village_group::Column::No)
            .all(&self.db)
            .await?;
        let counts = self.counts_by_group(scope).await?;

        let root_code = root.as_string();
        let mut children: HashMap<&str, Vec<&area::Model>> = HashMap::new();
        for a in &areas {
            if let Some(p) = &a.parent_code {
                children.entry(p.as_str()).or_default().push(a);
            }
        }
        let mut groups_of: HashMap<&str, Vec<&village_group::Model>> = HashMap::new();
        for g in &groups {
            groups_of
                .entry(g.village_code.as_str())
                .or_default()
                .push(g);
        }
        let Some(root_model) = areas.iter().find(|a| a.code == root_code) else {
            return Ok(None);
        };

        fn build(
            a: &area::Model,
            children: &HashMap<&str, Vec<&area::Model>>,
            groups_of: &HashMap<&str, Vec<&village_group::Model>>,
            counts: &HashMap<(String, Option<i16>), Counts>,
            area_totals: &HashMap<&str, Counts>,
        ) -> Result<(AreaTreeNode, Counts)> {
            let mut total = Counts::default();
            let mut kids = Vec::new();
            for c in children.get(a.code.as_str()).into_iter().flatten() {
                let (node, sub) = build(c, children, groups_of, counts, area_totals)?;
                total.add(&sub);
                kids.push(node);
            }
            for g in groups_of.get(a.code.as_str()).into_iter().flatten() {
                let c = counts
                    .get(&(a.code.clone(), Some(g.no)))
                    .copied()
                    .unwrap_or_default();
                kids.push(node_of(
                    group_key(&a.code, g.no),
                    g.name.clone(),
                    NodeLevel::Group,
                    c,
                    vec![],
                ));
            }
            // Every household of the village counts, whatever its 村民小组
            // (also none, or one not registered as a group node).
            if let Some(c) = area_totals.get(a.code.as_str()) {
                total.add(c);
            }
            let level = stored_level(a.level.trim())?;
            Ok((
                node_of(a.code.clone(), a.name.clone(), level, total, kids),
                total,
            ))
        }
        let mut area_totals: HashMap<&str, Counts> = HashMap::new();
        for ((area, _), c) in &counts {
            area_totals.entry(area.as_str()).or_default().add(c);
        }
        Ok(Some(
            build(root_model, &children, &groups_of, &counts, &area_totals)?.0,
        ))
    }

    /// Summary of one node (a 12-digit area code or a `村代码-NN` group key)
    /// inside the caller's scope; anything outside it does not exist.
    pub async fn area_summary(&self, access: &Access, key: &str) -> Result<AreaSummary> {
        access.require(crate::users::perm::HOUSEHOLD_READ)?;
        let not_found = || StoreError::NotFound(format!("区划不存在：{key}"));
        let (area_part, group_no) = match key.split_once('-') {
            Some((a, g)) => (a, Some(g.parse::<i16>().map_err(|_| not_found())?)),
            None => (key, None),
        };
        let code = AreaCode::parse(area_part).map_err(|_| not_found())?;
        let scope = access
            .scope()?
            .within(Some(&code))
            .map_err(|_| not_found())?;
        let tree = self.area_tree(access).await?.ok_or_else(not_found)?;
        let node = find_node(&tree, &code.as_string())
            .and_then(|n| match group_no {
                None => Some(n),
                Some(_) => n.children.iter().find(|c| c.code == key),
            })
            .ok_or_else(not_found)?;

        let mut filter = Query::select();
        filter
            .column(crate::entity::household::Column::MonitorCategory)
            .column(crate::entity::household::Column::HouseholdType)
            .expr_as(Expr::cust("COUNT(*)"), "households")
            .from(crate::entity::household::Entity)
            .and_where(crate::households::in_registry())
            .group_by_col(crate::entity::household::Column::MonitorCategory)
            .group_by_col(crate::entity::household::Column::HouseholdType);
        if let Some(g) = group_no {
            filter.and_where(Expr::col(crate::entity::household::Column::GroupNo).eq(g));
        }
        filter.and_where(scope.on(Keyed::household(None)));
        let rows = self.db.query_all(&filter).await?;
        let mut by_cat: HashMap<String, i64> = HashMap::new();
        let mut by_type: HashMap<String, i64> = HashMap::new();
        for r in rows {
            let cat: Option<String> = r.try_get("", "monitor_category")?;
            let typ: String = r.try_get("", "household_type")?;
            let n: i64 = r.try_get("", "households")?;
            if let Some(cat) = cat {
                *by_cat.entry(cat).or_default() += n;
            }
            *by_type.entry(typ).or_default() += n;
        }
        let by_category = self.buckets("monitor_category", by_cat).await?;
        let by_household_type = self.buckets("household_type", by_type).await?;
        let children = node
            .children
            .iter()
            .map(|c| AreaTreeNode {
                children: vec![],
                ..c.clone()
            })
            .collect();
        Ok(AreaSummary {
            code: node.code.clone(),
            name: node.name.clone(),
            level: node.level,
            households: node.households,
            persons: node.persons,
            poverty_households: node.poverty_households,
            monitored_households: node.monitored_households,
            unresolved_households: node.unresolved_households,
            by_category,
            by_household_type,
            children,
        })
    }

    /// Turns counts per code into buckets in the code list's order, with labels
    /// from the stored code list (unknown codes keep the code as label).
    async fn buckets(
        &self,
        list: &str,
        mut counts: HashMap<String, i64>,
    ) -> Result<Vec<CountBucket>> {
        let items = self.code_items(list).await?;
        let mut out = Vec::new();
        for (code, label) in items {
            let households = counts.remove(&code).unwrap_or(0);
            out.push(CountBucket {
                code,
                label,
                households,
            });
        }
        let mut rest: Vec<_> = counts.into_iter().collect();
        rest.sort();
        for (code, households) in rest {
            out.push(CountBucket {
                label: code.clone(),
                code,
                households,
            });
        }
        Ok(out)
    }
}

/// Inserts area nodes inside `tx`, keeping existing codes; returns how many were new.
pub(crate) async fn insert_areas_tx<C: ConnectionTrait>(
    conn: &C,
    nodes: &[AreaRecord],
) -> Result<u64> {
    let rows: Vec<(AreaRecord, Option<String>)> = nodes.iter().map(|n| (n.clone(), None)).collect();
    insert_area_rows(conn, &rows).await
}

/// Inserts area nodes with their official names (if known), keeping existing
/// codes; returns how many were new.
pub(crate) async fn insert_area_rows<C: ConnectionTrait>(
    conn: &C,
    rows: &[(AreaRecord, Option<String>)],
) -> Result<u64> {
    let mut added = 0;
    for chunk in rows.chunks(2000) {
        let mut stmt = Query::insert();
        stmt.into_table(area::Entity)
            .columns([
                area::Column::Code,
                area::Column::Name,
                area::Column::Level,
                area::Column::ParentCode,
                area::Column::OfficialName,
            ])
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(area::Column::Code)
                    .do_nothing()
                    .to_owned(),
            );
        for (n, official) in chunk {
            stmt.values_panic([
                n.code.as_string().into(),
                n.name.clone().into(),
                level_str(n.level).into(),
                n.parent.map(fangpin_domain::AreaCode::as_string).into(),
                official.clone().into(),
            ]);
        }
        added += conn.execute(&stmt).await?.rows_affected();
    }
    Ok(added)
}

/// Inserts 村民小组 nodes, keeping existing ones; returns how many were new.
pub(crate) async fn insert_groups_tx<C: ConnectionTrait>(
    conn: &C,
    groups: &[VillageGroup],
) -> Result<u64> {
    let mut added = 0;
    for chunk in groups.chunks(3000) {
        let mut stmt = Query::insert();
        stmt.into_table(village_group::Entity)
            .columns([
                village_group::Column::VillageCode,
                village_group::Column::No,
                village_group::Column::Name,
            ])
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([
                    village_group::Column::VillageCode,
                    village_group::Column::No,
                ])
                .do_nothing()
                .to_owned(),
            );
        for g in chunk {
            stmt.values_panic([
                g.village.as_string().into(),
                (g.no as i16).into(),
                g.name.clone().into(),
            ]);
        }
        added += conn.execute(&stmt).await?.rows_affected();
    }
    Ok(added)
}

fn node_of(
    code: String,
    name: String,
    level: NodeLevel,
    c: Counts,
    children: Vec<AreaTreeNode>,
) -> AreaTreeNode {
    AreaTreeNode {
        code,
        name,
        level,
        households: c.households,
        persons: c.persons,
        poverty_households: c.poverty,
        monitored_households: c.monitored,
        unresolved_households: c.unresolved,
        children,
    }
}

/// The level of a stored area (as [`level_str`] wrote it).
fn stored_level(level: &str) -> Result<NodeLevel> {
    Ok(match level {
        "province" => NodeLevel::Province,
        "city" => NodeLevel::City,
        "county" => NodeLevel::County,
        "township" => NodeLevel::Township,
        "village" => NodeLevel::Village,
        other => return Err(StoreError::Corrupt(format!("区划层级无法识别：{other}"))),
    })
}

fn find_node<'a>(node: &'a AreaTreeNode, code: &str) -> Option<&'a AreaTreeNode> {
    if node.code == code {
        return Some(node);
    }
    node.children.iter().find_map(|c| find_node(c, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level answers as the same lower-case word the area table stores
    /// (and a 村民小组 as `group`), so the JSON of the tree, the summary and
    /// the documents is what it was when the level was a string.
    #[test]
    fn node_level_serializes_as_the_stored_word() {
        for level in [
            AreaLevel::Province,
            AreaLevel::City,
            AreaLevel::County,
            AreaLevel::Township,
            AreaLevel::Village,
        ] {
            let node = NodeLevel::from(level);
            assert_eq!(
                serde_json::to_value(node).unwrap(),
                serde_json::Value::from(level_str(level))
            );
            assert_eq!(stored_level(level_str(level)).unwrap(), node);
        }
        assert_eq!(
            serde_json::to_value(NodeLevel::Group).unwrap(),
            serde_json::Value::from("group")
        );
        assert!(stored_level("group").is_err());
    }
}
