//! Writing generated assistance (the demo county) in one transaction.

use super::*;

impl Store {
    /// Writes generated assistance (the demo county) in one transaction:
    /// cadres, their pairings, plans and measures, matched by 户编号 within
    /// the caller's area; one audit entry.
    pub async fn insert_assistance(
        &self,
        access: &Access,
        bulk: &AssistBatch,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let mut nos: Vec<&str> = bulk
            .cadres
            .iter()
            .flat_map(|c| c.households.iter().map(|(n, _)| n.as_str()))
            .chain(bulk.plans.iter().map(|(n, _, _)| n.as_str()))
            .chain(bulk.measures.iter().map(|(n, _)| n.as_str()))
            .collect();
        nos.sort_unstable();
        nos.dedup();
        let mut ids: HashMap<String, (i64, AreaCode)> = HashMap::new();
        for chunk in nos.chunks(500) {
            let mut q = Query::select();
            q.columns(["id", "household_no", "area_code"])
                .from("household")
                .and_where(
                    Expr::col("household_no")
                        .is_in(chunk.iter().map(std::string::ToString::to_string)),
                )
                .and_where(access.scope()?.on(Keyed::household(None)));
            for r in self.db.query_all(&q).await? {
                let area: String = r.try_get("", "area_code")?;
                ids.insert(
                    r.try_get("", "household_no")?,
                    (
                        r.try_get("", "id")?,
                        AreaCode::parse(area.trim()).map_err(corrupt)?,
                    ),
                );
            }
        }
        let find = |no: &str| {
            ids.get(no)
                .copied()
                .ok_or_else(|| StoreError::NotFound(format!("户编号不存在：{no}")))
        };
        let at = now.fixed_offset();
        let tx = self.begin_write().await?;
        let mut written = 0u64;
        for c in &bulk.cadres {
            let mut ins = Query::insert();
            ins.into_table("assist_cadre")
                .columns([
                    "name",
                    "unit",
                    "position",
                    "phone",
                    "area_code",
                    "active",
                    "created_at",
                    "updated_at",
                ])
                .values_panic([
                    c.cadre.name.clone().into(),
                    c.cadre.unit.clone().into(),
                    c.cadre.position.clone().into(),
                    c.cadre.phone.as_str().into(),
                    c.cadre.area.as_string().into(),
                    c.cadre.active.into(),
                    at.into(),
                    at.into(),
                ])
                .returning_col("id");
            let cid: i64 = tx
                .query_one(&ins)
                .await?
                .ok_or_else(|| corrupt("新建帮扶干部未返回编号"))?
                .try_get("", "id")?;
            written += 1;
            for (no, from) in &c.households {
                let (hid, area) = find(no)?;
                insert_pairing(&tx, hid, cid, &area, *from, access, now).await?;
                written += 1;
            }
        }
        for (no, goals, on) in &bulk.plans {
            let (hid, area) = find(no)?;
            let made = on
                .and_hms_opt(9, 0, 0)
                .map_or(at, |t| t.and_utc().fixed_offset());
            let mut ins = Query::insert();
            ins.into_table("assist_plan")
                .columns([
                    "household_id",
                    "area_code",
                    "goals",
                    "reviewed_on",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "revision",
                ])
                .values_panic([
                    hid.into(),
                    area.as_string().into(),
                    goals.clone().into(),
                    Some(*on).into(),
                    access.user_id.into(),
                    made.into(),
                    made.into(),
                    0i32.into(),
                ]);
            tx.execute(&ins).await?;
            written += 1;
        }
        for (no, m) in &bulk.measures {
            let (hid, area) = find(no)?;
            insert_measure(&tx, hid, &area, m, "", access.user_id, now).await?;
            written += 1;
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "bulk_insert",
                entity: "assistance",
                after: Some(json!({
                    "cadres": bulk.cadres.len(),
                    "plans": bulk.plans.len(),
                    "measures": bulk.measures.len(),
                })),
                note: Some("帮扶干部、结对、帮扶计划和措施".into()),
                ..Default::default()
            },
        )
        .await?;
        Ok(written)
    }
}
