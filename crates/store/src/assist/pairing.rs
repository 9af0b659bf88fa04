//! Pairing a household with its 帮扶责任人, and ending a pairing.

use super::*;
use crate::sql::insert_returning_id;

impl Store {
    /// Names `cadre_id` the household's 帮扶责任人 from `from_on`; the current
    /// one, if any, ends that day (kept in the history).
    pub async fn pair(
        &self,
        access: &Access,
        household_id: i64,
        cadre_id: i64,
        from_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Pairing> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let d = self.household(access, household_id).await?;
        let h = &d.household;
        if h.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，不需要明确帮扶责任人".into(),
            ));
        }
        let (cadre_area, active, _) = self.stored_cadre(access, cadre_id).await?;
        if !active {
            return Err(StoreError::Invalid("该帮扶干部已不在岗".into()));
        }
        if !cadre_area.contains(&h.area) {
            return Err(StoreError::Invalid(
                "该帮扶干部的帮扶区域不包含该户所在村".into(),
            ));
        }
        let current = self.current_pairing(household_id).await?;
        if let Some(c) = &current {
            if c.cadre_id == cadre_id {
                return Err(StoreError::Invalid(format!(
                    "{}已是该户的帮扶责任人",
                    c.name
                )));
            }
            if from_on < c.from_on {
                return Err(StoreError::Invalid(format!(
                    "结对日期（{from_on}）早于现帮扶责任人的结对日期（{}）",
                    c.from_on
                )));
            }
        }
        let tx = self.begin_write().await?;
        if let Some(c) = &current {
            end_pairing(&tx, c.id, from_on, "更换帮扶责任人").await?;
        }
        let id = insert_pairing(&tx, household_id, cadre_id, &h.area, from_on, access, now).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_pair",
                entity: "assist_pairing",
                entity_key: Some(id.to_string()),
                area: Some(h.area),
                before: current
                    .as_ref()
                    .map(|c| json!({"cadre_id": c.cadre_id, "name": c.name})),
                after: Some(
                    json!({"household_id": household_id, "cadre_id": cadre_id, "from_on": from_on}),
                ),
                ..Default::default()
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&h.household_no))
            .await;
        self.current_pairing(household_id)
            .await?
            .ok_or_else(|| corrupt("结对后未找到帮扶责任人"))
    }

    /// Ends the current pairing on `until_on` with a reason.
    pub async fn unpair(
        &self,
        access: &Access,
        household_id: i64,
        until_on: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let _ = now;
        access.require(perm::HOUSEHOLD_WRITE)?;
        let d = self.household(access, household_id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("解除原因：不能为空".into()));
        }
        let current = self
            .current_pairing(household_id)
            .await?
            .ok_or_else(|| StoreError::Invalid("该户当前没有帮扶责任人".into()))?;
        if until_on < current.from_on {
            return Err(StoreError::Invalid(format!(
                "解除日期（{until_on}）早于结对日期（{}）",
                current.from_on
            )));
        }
        let tx = self.begin_write().await?;
        end_pairing(&tx, current.id, until_on, reason).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_unpair",
                entity: "assist_pairing",
                entity_key: Some(current.id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"cadre_id": current.cadre_id, "name": current.name})),
                after: Some(json!({"until_on": until_on})),
                note: Some(reason.to_owned()),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        Ok(())
    }
}

async fn end_pairing(
    tx: &DatabaseTransaction,
    id: i64,
    until: NaiveDate,
    reason: &str,
) -> Result<()> {
    let mut upd = Query::update();
    upd.table("assist_pairing")
        .values([("until_on", until.into()), ("end_reason", reason.into())])
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("until_on").is_null());
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "帮扶责任人已被他人调整，请刷新后再试".into(),
        ));
    }
    Ok(())
}

/// Writes a pairing of a household (in `area`) with a 帮扶干部 from day
/// `from` in the caller's transaction and returns its id. It checks no
/// permission, scope or current pairing and records no audit entry: the
/// caller does and ends the transaction with `audit::commit_audited`.
pub async fn insert_pairing(
    tx: &DatabaseTransaction,
    household_id: i64,
    cadre_id: i64,
    area: &AreaCode,
    from: NaiveDate,
    access: &Access,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = vec![
        ("household_id", household_id.into()),
        ("cadre_id", cadre_id.into()),
        ("area_code", area.as_string().into()),
        ("from_on", from.into()),
        ("created_by", access.user_id.into()),
        ("created_at", now.fixed_offset().into()),
    ];
    insert_returning_id(tx, "assist_pairing", row, "结对").await
}
