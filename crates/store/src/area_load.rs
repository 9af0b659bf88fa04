//! Loading a subtree of the official area codes (统计用区划代码) into the
//! area tree: new units are added, renamed ones take the new name, units the
//! edition no longer has are listed and kept. One transaction, one audit
//! entry; a load that changes nothing writes nothing.

use fangpin_domain::AreaCode;
use fangpin_domain::area_edition::{self, EditionPlan, OfficialArea, StoredArea};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::areas::insert_area_rows;
use crate::audit::{Actor, AuditEntry, commit_audited};
use crate::entity::area;
use crate::{Result, Store, StoreError};

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaLoadReport {
    /// The root as loaded (county, city or province).
    pub root: AreaCode,
    /// The edition's name (`2023`).
    pub edition: String,
    pub plan: EditionPlan,
}

fn corrupt(code: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("区划 {code} 无法读取：{e}"))
}

impl Store {
    /// Lays `units` (the subtree of `root` and the ancestors of `root` from
    /// one edition, in code order) over the stored area tree.
    pub async fn load_official_areas(
        &self,
        actor: &Actor,
        edition: &str,
        root: AreaCode,
        units: &[OfficialArea],
    ) -> Result<AreaLoadReport> {
        if let Some(stray) = units
            .iter()
            .find(|u| !root.contains(&u.code) && !u.code.contains(&root))
        {
            return Err(StoreError::Invalid(format!(
                "区划 {} 不在 {} 之下，也不是它的上级",
                stray.code.prefix(),
                root.prefix()
            )));
        }
        let tx = self.begin_write().await?;
        let mut codes: Vec<String> = root
            .ancestors()
            .into_iter()
            .map(AreaCode::as_string)
            .collect();
        codes.push(root.as_string());
        let rows = area::Entity::find()
            .filter(
                crate::scope::under(area::Column::Code, &root).or(area::Column::Code.is_in(codes)),
            )
            .order_by_asc(area::Column::Code)
            .all(&tx)
            .await?;
        let mut stored = Vec::with_capacity(rows.len());
        for r in rows {
            let code = AreaCode::parse(r.code.trim()).map_err(|e| corrupt(&r.code, e))?;
            let parent = match r.parent_code.as_deref().map(str::trim) {
                Some(p) if !p.is_empty() => {
                    Some(AreaCode::parse(p).map_err(|e| corrupt(&r.code, e))?)
                }
                _ => None,
            };
            stored.push(StoredArea {
                code,
                level: code.level(),
                name: r.name,
                official_name: r.official_name,
                parent,
            });
        }
        let plan = area_edition::plan(root, units, &stored);
        let report = AreaLoadReport {
            root,
            edition: edition.to_owned(),
            plan,
        };
        if !report.plan.writes() {
            tx.commit().await?;
            return Ok(report);
        }
        let plan = &report.plan;
        let added: Vec<_> = plan
            .added
            .iter()
            .map(|u| (u.node(), Some(u.official_name.clone())))
            .collect();
        insert_area_rows(&tx, &added).await?;
        for r in &plan.renamed {
            set_names(&tx, r.code, Some(&r.new_name), &r.official_name).await?;
        }
        for (code, official) in &plan.official_names {
            set_names(&tx, *code, None, official).await?;
        }
        let renamed_before: Vec<_> = plan
            .renamed
            .iter()
            .map(|r| json!({ "code": r.code, "name": r.old_name }))
            .collect();
        let renamed_after: Vec<_> = plan
            .renamed
            .iter()
            .map(
                |r| json!({ "code": r.code, "name": r.new_name, "official_name": r.official_name }),
            )
            .collect();
        let abolished: Vec<_> = plan.abolished.iter().map(|a| a.code).collect();
        commit_audited(
            tx,
            actor,
            AuditEntry {
                action: "load_official",
                entity: "area",
                entity_key: Some(root.as_string()),
                area: Some(root),
                before: (!renamed_before.is_empty()).then(|| json!({ "renamed": renamed_before })),
                after: Some(json!({
                    "edition": edition,
                    "added": plan.added.len(),
                    "renamed": renamed_after,
                    "official_names": plan.official_names.len(),
                    "abolished": abolished,
                })),
                note: Some(plan.summary()),
            },
        )
        .await?;
        Ok(report)
    }
}

/// Sets the official name of `code`, and its everyday name when given.
async fn set_names<C: ConnectionTrait>(
    conn: &C,
    code: AreaCode,
    name: Option<&str>,
    official: &str,
) -> Result<()> {
    let mut q = Query::update();
    q.table(area::Entity)
        .value(area::Column::OfficialName, official)
        .and_where(Expr::col(area::Column::Code).eq(code.as_string()));
    if let Some(name) = name {
        q.value(area::Column::Name, name);
    }
    conn.execute(&q).await?;
    Ok(())
}
