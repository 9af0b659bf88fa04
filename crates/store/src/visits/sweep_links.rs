//! Linking the 集中排查 visits of a loaded county to their campaign.

use super::*;

impl Store {
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
