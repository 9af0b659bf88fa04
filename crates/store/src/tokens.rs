//! API tokens of machine clients after their creation (see
//! [`Store::create_api_token_for`]): each ends on a set day, and an
//! administrator lists and revokes those of the users in their area. The
//! secret itself is never stored or shown again; only its digest is kept.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, AuditEntry, commit_audited};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// Days a token lasts when its creator says nothing else.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest a token may last.
pub const MAX_TOKEN_DAYS: u32 = 366;

/// A token just created: the secret, shown this once.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A token as administrators see it (never the secret nor its digest).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub display_name: String,
    /// The area of the user the token acts as.
    pub user_area: String,
    pub created_at: DateTime<FixedOffset>,
    pub expires_at: Option<DateTime<FixedOffset>>,
    pub revoked_at: Option<DateTime<FixedOffset>>,
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
}

/// Which token to revoke from the command line.
#[derive(Clone, Debug)]
pub enum TokenRef {
    Id(i64),
    /// By its name, optionally of one user; must name exactly one live token.
    Name {
        name: String,
        user: Option<String>,
    },
}

fn select() -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(Expr::col(("t", "id")), Alias::new("id"))
        .expr_as(Expr::col(("t", "name")), Alias::new("name"))
        .expr_as(Expr::col(("t", "created_at")), Alias::new("created_at"))
        .expr_as(Expr::col(("t", "expires_at")), Alias::new("expires_at"))
        .expr_as(Expr::col(("t", "revoked_at")), Alias::new("revoked_at"))
        .expr_as(Expr::col(("u", "username")), Alias::new("username"))
        .expr_as(Expr::col(("u", "display_name")), Alias::new("display_name"))
        .expr_as(Expr::col(("u", "area_code")), Alias::new("user_area"))
        .from_as("api_token", "t")
        .join_as(
            JoinType::InnerJoin,
            "app_user",
            "u",
            Expr::col(("u", "id")).equals(("t", "user_id")),
        );
    q
}

fn info_of(r: &QueryResult, now: DateTime<Utc>) -> Result<ApiTokenInfo> {
    let expires_at: Option<DateTime<FixedOffset>> = r.try_get("", "expires_at")?;
    let revoked_at: Option<DateTime<FixedOffset>> = r.try_get("", "revoked_at")?;
    let status = if revoked_at.is_some() {
        "revoked"
    } else if expires_at.is_none_or(|e| e.with_timezone(&Utc) <= now) {
        "expired"
    } else {
        "active"
    };
    Ok(ApiTokenInfo {
        id: r.try_get("", "id")?,
        name: r.try_get("", "name")?,
        username: r.try_get("", "username")?,
        display_name: r.try_get("", "display_name")?,
        user_area: r.try_get::<String>("", "user_area")?.trim().to_owned(),
        created_at: r.try_get("", "created_at")?,
        expires_at,
        revoked_at,
        status,
    })
}

impl Store {
    /// The API tokens of users whose area lies in the caller's (`user.manage`),
    /// newest first.
    pub async fn api_tokens(
        &self,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Vec<ApiTokenInfo>> {
        access.require(perm::USER_MANAGE)?;
        let mut q = select();
        q.and_where(crate::scope::under(("u", "area_code"), &access.area))
            .order_by(("t", "id"), Order::Desc);
        let rows = self.db.query_all(&q).await?;
        rows.iter().map(|r| info_of(r, now)).collect()
    }

    /// Revokes a token of a user in the caller's area (`user.manage`); a
    /// token outside it does not exist for the caller. Audited.
    pub async fn revoke_api_token(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<ApiTokenInfo> {
        access.require(perm::USER_MANAGE)?;
        self.revoke_where(&access.actor(), Some(&access.area), &TokenRef::Id(id), now)
            .await
    }

    /// Revokes a token from the command line (any user's). Audited.
    pub async fn revoke_api_token_cli(
        &self,
        actor: &Actor,
        which: &TokenRef,
        now: DateTime<Utc>,
    ) -> Result<ApiTokenInfo> {
        self.revoke_where(actor, None, which, now).await
    }

    async fn revoke_where(
        &self,
        actor: &Actor,
        area: Option<&fangpin_domain::AreaCode>,
        which: &TokenRef,
        now: DateTime<Utc>,
    ) -> Result<ApiTokenInfo> {
        let tx = self.begin_write().await?;
        let mut q = select();
        if let Some(a) = area {
            q.and_where(crate::scope::under(("u", "area_code"), a));
        }
        let what = match which {
            TokenRef::Id(id) => {
                q.and_where(Expr::col(("t", "id")).eq(*id));
                format!("编号 {id}")
            }
            TokenRef::Name { name, user } => {
                q.and_where(Expr::col(("t", "name")).eq(name.as_str()))
                    .and_where(Expr::col(("t", "revoked_at")).is_null());
                if let Some(u) = user {
                    q.and_where(Expr::col(("u", "username")).eq(u.as_str()));
                }
                format!("名称 {name}")
            }
        };
        let rows = tx.query_all(&q).await?;
        let found = rows
            .iter()
            .map(|r| info_of(r, now))
            .collect::<Result<Vec<_>>>()?;
        let token = match found.as_slice() {
            [] => return Err(StoreError::NotFound(format!("令牌不存在：{what}"))),
            [one] => one.clone(),
            many => {
                let ids: Vec<String> = many
                    .iter()
                    .map(|t| format!("{}（{}）", t.id, t.username))
                    .collect();
                return Err(StoreError::Invalid(format!(
                    "{what} 对应多个未撤销的令牌：{}；请指定用户或按编号撤销",
                    ids.join("、")
                )));
            }
        };
        if token.revoked_at.is_some() {
            return Err(StoreError::Invalid(format!("令牌 {} 已撤销", token.id)));
        }
        let mut upd = Query::update();
        upd.table("api_token")
            .value("revoked_at", now.fixed_offset())
            .and_where(Expr::col("id").eq(token.id))
            .and_where(Expr::col("revoked_at").is_null());
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            actor,
            AuditEntry {
                action: "revoke",
                entity: "api_token",
                entity_key: Some(format!("{}/{}", token.username, token.name)),
                before: Some(
                    json!({"id": token.id, "status": token.status, "expires_at": token.expires_at}),
                ),
                after: Some(json!({"id": token.id, "status": "revoked"})),
                ..Default::default()
            },
        )
        .await?;
        Ok(ApiTokenInfo {
            revoked_at: Some(now.fixed_offset()),
            status: "revoked",
            ..token
        })
    }
}
