//! 帮扶责任人: the cadres, their accounts and phones.

use super::*;
use crate::sql::insert_returning_id;

impl Store {
    /// 帮扶干部 in the caller's area, with the households paired to each.
    pub async fn cadres(&self, access: &Access, f: &CadreFilter) -> Result<Vec<CadreRow>> {
        access.require(perm::HOUSEHOLD_READ)?;
        let area = access.area_within(&f.area.unwrap_or(access.area))?;
        let mut q = Query::select();
        for c in [
            "id",
            "name",
            "unit",
            "position",
            "phone",
            "area_code",
            "active",
            "user_id",
        ] {
            q.column(("c", c));
        }
        q.column(("u", "username"))
            .expr_as(
                Expr::cust(
                    "(SELECT COUNT(*) FROM assist_pairing p WHERE p.cadre_id = c.id AND p.until_on IS NULL)",
                ),
                "households",
            )
            .from_as("assist_cadre", "c")
            .join_as(
                JoinType::LeftJoin,
                "app_user",
                "u",
                Expr::col(("u", "id")).equals(("c", "user_id")),
            )
            .and_where(under(("c", "area_code"), &area))
            .order_by(("c", "area_code"), Order::Asc)
            .order_by(("c", "id"), Order::Asc);
        // A cadre user within a village also sees the county and township
        // cadres who work there: the registry is by the cadre's own area.
        if f.active_only {
            q.and_where(Expr::col(("c", "active")).eq(true));
        }
        if let Some(t) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let like = format!("%{t}%");
            q.and_where(
                Expr::col(("c", "name"))
                    .like(like.clone())
                    .or(Expr::col(("c", "unit")).like(like)),
            );
        }
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            out.push(CadreRow {
                id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
                unit: r.try_get("", "unit")?,
                position: r.try_get("", "position")?,
                phone_masked: mask(&r.try_get::<String>("", "phone")?),
                area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                username: r.try_get("", "username")?,
                active: r.try_get("", "active")?,
                households: r.try_get("", "households")?,
            });
        }
        Ok(out)
    }

    pub(super) async fn user_for_cadre(
        &self,
        access: &Access,
        username: Option<&str>,
    ) -> Result<Option<i64>> {
        let Some(name) = username else {
            return Ok(None);
        };
        let u = self
            .user_by_username(name)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("登录账号不存在：{name}")))?;
        let area = AreaCode::parse(&u.area.code).map_err(corrupt)?;
        if !access.covers(&area) {
            return Err(StoreError::Invalid(format!(
                "登录账号{name}不在您的管辖范围内"
            )));
        }
        Ok(Some(u.id))
    }

    pub(super) async fn stored_cadre(
        &self,
        access: &Access,
        id: i64,
    ) -> Result<(AreaCode, bool, i64)> {
        let mut q = Query::select();
        q.columns(["area_code", "active"])
            .expr_as(
                Expr::cust(
                    "(SELECT COUNT(*) FROM assist_pairing p WHERE p.cadre_id = assist_cadre.id AND p.until_on IS NULL)",
                ),
                "households",
            )
            .from("assist_cadre")
            .and_where(Expr::col("id").eq(id))
            .and_where(under("area_code", &access.area));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶干部不存在：{id}")))?;
        let area: String = r.try_get("", "area_code")?;
        Ok((
            AreaCode::parse(area.trim()).map_err(corrupt)?,
            r.try_get("", "active")?,
            r.try_get("", "households")?,
        ))
    }

    /// Adds a 帮扶干部 to the registry (in the caller's area).
    pub async fn create_cadre(
        &self,
        access: &Access,
        form: &CadreForm,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let c = &Cadre::parse(form).map_err(invalid)?;
        if !access.covers(&c.area) {
            return Err(StoreError::Invalid("帮扶区域：不在您的管辖范围内".into()));
        }
        let user = self.user_for_cadre(access, c.username.as_deref()).await?;
        let tx = self.begin_write().await?;
        let id = insert_cadre(&tx, c, user, now).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_create",
                entity: "assist_cadre",
                entity_key: Some(id.to_string()),
                area: Some(c.area),
                after: Some(cadre_json(c)),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Replaces a 帮扶干部's entry. A cadre with households paired cannot be
    /// marked 不在岗 (pair the households with someone else first).
    pub async fn update_cadre(
        &self,
        access: &Access,
        id: i64,
        form: &CadreForm,
        now: DateTime<Utc>,
    ) -> Result<()> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let (old_area, was_active, households) = self.stored_cadre(access, id).await?;
        let c = &Cadre::parse(form).map_err(invalid)?;
        if !access.covers(&c.area) {
            return Err(StoreError::Invalid("帮扶区域：不在您的管辖范围内".into()));
        }
        if !c.active && households > 0 {
            return Err(StoreError::Invalid(format!(
                "该干部仍结对帮扶{households}户，请先为这些农户调整帮扶责任人，再标记为不在岗"
            )));
        }
        let user = self.user_for_cadre(access, c.username.as_deref()).await?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_cadre")
            .values(cadre_values(c, user, now, false))
            .and_where(Expr::col("id").eq(id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_update",
                entity: "assist_cadre",
                entity_key: Some(id.to_string()),
                area: Some(old_area),
                before: Some(json!({"area": old_area.as_string(), "active": was_active})),
                after: Some(cadre_json(c)),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }

    /// The full phone number of a 帮扶干部, for a role allowed to read it
    /// (查看完整证件号); every reveal is audited. The cadre is in scope when
    /// they work in the caller's area or help (or helped) a household there.
    pub async fn cadre_phone(&self, access: &Access, cadre_id: i64) -> Result<String> {
        access.require(perm::ID_UNMASK)?;
        let mut paired = Query::select();
        paired
            .column("cadre_id")
            .from("assist_pairing")
            .and_where(access.scope()?.on(Keyed::bare()));
        let mut q = Query::select();
        q.columns(["phone", "area_code", "name"])
            .from("assist_cadre")
            .and_where(Expr::col("id").eq(cadre_id))
            .and_where(under("area_code", &access.area).or(Expr::col("id").in_subquery(paired)));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶干部不存在：{cadre_id}")))?;
        let phone: String = r.try_get("", "phone")?;
        let area: String = r.try_get("", "area_code")?;
        let name: String = r.try_get("", "name")?;
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "read_sensitive",
                entity: "assist_cadre",
                entity_key: Some(cadre_id.to_string()),
                area: AreaCode::parse(area.trim()).ok(),
                note: Some(format!("查看帮扶干部{name}的联系电话")),
                ..Default::default()
            },
        )
        .await?;
        Ok(phone.trim().to_owned())
    }

    /// Links a cadre to a login (the demo's 帮扶责任人 account).
    pub async fn link_cadre_user(
        &self,
        access: &Access,
        cadre_id: i64,
        username: &str,
    ) -> Result<()> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let (area, _, _) = self.stored_cadre(access, cadre_id).await?;
        let user = self.user_for_cadre(access, Some(username)).await?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_cadre")
            .value("user_id", user)
            .and_where(Expr::col("id").eq(cadre_id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "cadre_update",
                entity: "assist_cadre",
                entity_key: Some(cadre_id.to_string()),
                area: Some(area),
                after: Some(json!({"username": username})),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

fn cadre_json(c: &Cadre) -> serde_json::Value {
    json!({
        "name": c.name,
        "unit": c.unit,
        "position": c.position,
        "phone": c.phone.masked(),
        "area": c.area.as_string(),
        "active": c.active,
        "username": c.username,
    })
}

/// Writes a 帮扶干部 (linked to login `user`, if any) in the caller's
/// transaction and returns its id. It checks no permission or area and
/// records no audit entry: the caller does both and ends the transaction
/// with `audit::commit_audited` (as `Store::create_cadre` and the demo's bulk
/// load do).
pub async fn insert_cadre(
    tx: &DatabaseTransaction,
    c: &Cadre,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = cadre_values(c, user, now, true);
    insert_returning_id(tx, "assist_cadre", row, "新建帮扶干部").await
}

/// A 帮扶干部's columns as written by a new record (`created`) or an edit.
fn cadre_values(
    c: &Cadre,
    user: Option<i64>,
    now: DateTime<Utc>,
    created: bool,
) -> Vec<(&'static str, sea_orm::sea_query::SimpleExpr)> {
    let at = now.fixed_offset();
    let mut row = vec![
        ("name", c.name.clone().into()),
        ("unit", c.unit.clone().into()),
        ("position", c.position.clone().into()),
        ("phone", c.phone.as_str().into()),
        ("area_code", c.area.as_string().into()),
        ("user_id", user.into()),
        ("active", c.active.into()),
        ("updated_at", at.into()),
    ];
    if created {
        row.push(("created_at", at.into()));
    }
    row
}
