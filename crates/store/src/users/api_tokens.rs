//! API tokens (接口令牌) of a user, and finding the user of a token.

use super::*;

impl Store {
    /// Creates an API token for a (machine) user, valid for
    /// [`crate::tokens::DEFAULT_TOKEN_DAYS`] days; the token is shown once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<String> {
        let t = self
            .create_api_token_for(
                actor,
                username,
                name,
                crate::tokens::DEFAULT_TOKEN_DAYS,
                Utc::now(),
            )
            .await?;
        Ok(t.token)
    }

    /// Creates an API token valid for `days` days from `now` (1 to
    /// [`crate::tokens::MAX_TOKEN_DAYS`]). Only its digest is stored: the
    /// returned secret is the one and only time it is shown.
    pub async fn create_api_token_for(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<crate::tokens::NewToken> {
        use crate::tokens::MAX_TOKEN_DAYS;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(StoreError::Invalid(
                "令牌名称不能为空，且不超过64个字".into(),
            ));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(StoreError::Invalid(format!(
                "令牌有效天数应在1到{MAX_TOKEN_DAYS}之间：{days}"
            )));
        }
        let user = self
            .user_by_username(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户不存在：{username}")))?;
        let token = format!("fpt_{}", random_token()?);
        let expires_at = now + Duration::days(i64::from(days));
        let tx = self.begin_write().await?;
        let mut ins = Query::insert();
        ins.into_table("api_token")
            .columns(["user_id", "name", "token_hash", "created_at", "expires_at"])
            .values_panic([
                user.id.into(),
                name.into(),
                digest(&token).into(),
                now.fixed_offset().into(),
                expires_at.fixed_offset().into(),
            ]);
        tx.execute(&ins).await?;
        let id: i64 = tx
            .query_one(
                Query::select()
                    .column("id")
                    .from("api_token")
                    .and_where(Expr::col("token_hash").eq(digest(&token))),
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("新令牌未写入".into()))?
            .try_get("", "id")?;
        record(
            &tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "api_token",
                entity_key: Some(format!("{username}/{name}")),
                after: Some(json!({
                    "id": id,
                    "user": username,
                    "name": name,
                    "expires_at": expires_at,
                })),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(crate::tokens::NewToken {
            id,
            token,
            expires_at,
        })
    }

    /// The user of a valid, unrevoked API token.
    pub async fn token_user(&self, token: &str, now: DateTime<Utc>) -> Result<Option<UserInfo>> {
        let Some(r) = self
            .by_token_digest("api_token", "user_id, expires_at, revoked_at", token)
            .await?
        else {
            return Ok(None);
        };
        let expires: Option<chrono::DateTime<chrono::FixedOffset>> = r.try_get("", "expires_at")?;
        let revoked: Option<chrono::DateTime<chrono::FixedOffset>> = r.try_get("", "revoked_at")?;
        // A token without an end (none are made since migration 16 gave the
        // old ones one) is refused like an expired one.
        if revoked.is_some() || expires.is_none_or(|e| e.with_timezone(&Utc) <= now) {
            return Ok(None);
        }
        let user_id: i64 = r.try_get("", "user_id")?;
        Ok(self.user(user_id).await?.filter(|u| u.active))
    }
}
