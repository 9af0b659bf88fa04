//! The visits of a generated county: tens of thousands at once, so they go
//! in as multi-row inserts in one transaction with one audit entry; then the
//! 集中排查 visits are linked to their campaign.

use std::collections::HashMap;

use fangpin_domain::AreaCode;
use fangpin_domain::visits::{NewVisit, VisitKind};
use fangpin_store::audit::{AuditEntry, commit_audited};
use fangpin_store::scope::under;
use fangpin_store::{Actor, Result, Store, StoreError};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

/// A visit of a bulk load, by 户编号.
#[derive(Clone, Debug)]
pub struct BulkVisit {
    pub household_no: String,
    pub visit: NewVisit,
    pub visitor_name: String,
}

/// Rows per multi-row insert of visits (10 values each).
const VISIT_CHUNK: usize = 1_000;

/// Writes many visits in one transaction with one audit entry; the
/// households are found by 户编号 (an unknown one refuses the load).
/// Returns how many visits were written.
pub async fn insert_visits_bulk(store: &Store, actor: &Actor, visits: &[BulkVisit]) -> Result<u64> {
    if visits.is_empty() {
        return Ok(0);
    }
    let tx = store.begin_write().await?;
    let mut nos: Vec<&str> = visits.iter().map(|v| v.household_no.as_str()).collect();
    nos.sort_unstable();
    nos.dedup();
    // 户编号 → (household id, village code).
    let mut ids: HashMap<String, (i64, String)> = HashMap::new();
    for chunk in nos.chunks(VISIT_CHUNK) {
        let mut q = Query::select();
        q.columns(["id", "household_no", "area_code"])
            .from("household")
            .and_where(Expr::col("household_no").is_in(chunk.iter().copied()));
        for r in tx.query_all(&q).await? {
            let area: String = r.try_get("", "area_code")?;
            ids.insert(
                r.try_get("", "household_no")?,
                (r.try_get("", "id")?, area.trim().to_owned()),
            );
        }
    }
    let now = chrono::Utc::now().fixed_offset();
    let mut written = 0;
    for chunk in visits.chunks(VISIT_CHUNK) {
        let mut q = Query::insert();
        q.into_table("visit").columns([
            "household_id",
            "area_code",
            "visit_date",
            "kind",
            "visitor_name",
            "visitor_role",
            "findings",
            "flags",
            "risk_found",
            "created_at",
        ]);
        for b in chunk {
            let (id, area) = ids
                .get(&b.household_no)
                .ok_or_else(|| StoreError::Invalid(format!("户编号不存在：{}", b.household_no)))?;
            q.values_panic([
                (*id).into(),
                area.clone().into(),
                b.visit.date.into(),
                b.visit.kind.code().into(),
                b.visitor_name.clone().into(),
                actor.role.clone().into(),
                b.visit.findings.clone().into(),
                b.visit.flag_codes().into(),
                b.visit.risk_found.into(),
                now.into(),
            ]);
        }
        written += tx.execute(&q).await?.rows_affected();
    }
    commit_audited(
        tx,
        actor,
        AuditEntry {
            action: "bulk_insert",
            entity: "visit",
            after: Some(json!({"visits": written, "households": nos.len()})),
            ..Default::default()
        },
    )
    .await?;
    Ok(written)
}

/// Links the 集中排查 visits within a campaign's period and area that name
/// no campaign to it (after a bulk load); one audit entry. Returns how many.
pub async fn link_sweep_visits(store: &Store, actor: &Actor, campaign_id: i64) -> Result<u64> {
    let tx = store.begin_write().await?;
    let mut q = Query::select();
    q.columns(["area_code", "period_from", "period_until"])
        .from("campaign")
        .and_where(Expr::col("id").eq(campaign_id));
    let Some(r) = tx.query_one(&q).await? else {
        return Err(StoreError::NotFound(format!(
            "集中排查不存在：{campaign_id}"
        )));
    };
    let code: String = r.try_get("", "area_code")?;
    let area = AreaCode::parse(code.trim()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let from: chrono::NaiveDate = r.try_get("", "period_from")?;
    let until: chrono::NaiveDate = r.try_get("", "period_until")?;
    let mut upd = Query::update();
    upd.table("visit")
        .value("campaign_id", campaign_id)
        .and_where(Expr::col("campaign_id").is_null())
        .and_where(Expr::col("kind").eq(VisitKind::Sweep.code()))
        .and_where(Expr::col("visit_date").gte(from))
        .and_where(Expr::col("visit_date").lte(until))
        .and_where(under("area_code", &area));
    let n = tx.execute(&upd).await?.rows_affected();
    commit_audited(
        tx,
        actor,
        AuditEntry {
            action: "visit_link_campaign",
            entity: "campaign",
            entity_key: Some(campaign_id.to_string()),
            area: Some(area),
            after: Some(json!({"visits": n})),
            ..Default::default()
        },
    )
    .await?;
    Ok(n)
}
