//! Bulk visits of a generated county.

use super::*;

/// A visit of a bulk load (demo generation), by 户编号.
#[derive(Clone, Debug)]
pub struct BulkVisit {
    pub household_no: String,
    pub visit: NewVisit,
    pub visitor_name: String,
}

/// Rows per multi-row insert of visits (12 values each).
const VISIT_CHUNK: usize = 1_000;

impl Store {
    /// Writes many visits in one transaction with one audit entry; the
    /// households are found by 户编号 (an unknown one refuses the load).
    pub async fn insert_visits_bulk(
        &self,
        actor: &crate::Actor,
        visits: &[BulkVisit],
    ) -> Result<u64> {
        if visits.is_empty() {
            return Ok(0);
        }
        let tx = self.begin_write().await?;
        let mut ids: HashMap<String, (i64, String)> = HashMap::new();
        let nos: Vec<&str> = {
            let mut v: Vec<&str> = visits.iter().map(|v| v.household_no.as_str()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for chunk in nos.chunks(VISIT_CHUNK) {
            let mut q = Query::select();
            q.columns(["id", "household_no", "area_code"])
                .from("household")
                .and_where(Expr::col("household_no").is_in(chunk.iter().copied()));
            for r in tx.query_all(&q).await? {
                ids.insert(
                    r.try_get("", "household_no")?,
                    (
                        r.try_get("", "id")?,
                        r.try_get::<String>("", "area_code")?.trim().to_owned(),
                    ),
                );
            }
        }
        let now = Utc::now().fixed_offset();
        let mut n = 0;
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
                let (id, area) = ids.get(&b.household_no).ok_or_else(|| {
                    StoreError::Invalid(format!("户编号不存在：{}", b.household_no))
                })?;
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
            n += tx.execute(&q).await?.rows_affected();
        }
        record(
            &tx,
            actor,
            AuditEntry {
                action: "bulk_insert",
                entity: "visit",
                after: Some(json!({"visits": n, "households": nos.len()})),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Links the 集中排查 visits within a campaign's period and area that
    /// name no campaign to it (after a bulk load); returns how many.
    pub async fn link_sweep_visits(&self, actor: &crate::Actor, campaign_id: i64) -> Result<u64> {
        let tx = self.begin_write().await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from("campaign")
            .and_where(Expr::col("id").eq(campaign_id));
        let c = match tx.query_one(&q).await? {
            Some(r) => campaign_of(&r)?,
            None => return Err(not_found("集中排查", campaign_id)),
        };
        let mut upd = Query::update();
        upd.table("visit")
            .value("campaign_id", campaign_id)
            .and_where(Expr::col("campaign_id").is_null())
            .and_where(Expr::col("kind").eq(VisitKind::Sweep.code()))
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(under("area_code", &c.area));
        let n = tx.execute(&upd).await?.rows_affected();
        record(
            &tx,
            actor,
            AuditEntry {
                action: "visit_link_campaign",
                entity: "campaign",
                entity_key: Some(campaign_id.to_string()),
                area: Some(c.area),
                after: Some(json!({"visits": n})),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
