//! Signing in and out: the login with its lock after failures, sessions, changing a password.

use super::*;

impl Store {
    /// Checks a password and opens a session. Failed attempts count towards
    /// a temporary lock of the account *from that client address* (so that
    /// nobody can lock a cadre out of their own office by guessing from
    /// elsewhere); every attempt is audited. An unknown user, a wrong
    /// password, a disabled account and a lock all cost one password check,
    /// so that the time taken tells none of them apart.
    /// `demo_mode`: seeded demo users may skip the forced password change.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: Option<String>,
        now: DateTime<Utc>,
        demo_mode: bool,
    ) -> Result<LoginOutcome> {
        let actor = Actor {
            user_id: None,
            name: username.chars().take(64).collect(),
            role: "未登录".into(),
            area: None,
            address: address.clone(),
        };
        let Some(row) = self.user_where("u.username", username.into()).await? else {
            // Same work as a real check, so timing does not reveal user names.
            verify_password(DUMMY_HASH, password);
            self.audit(&actor, login_entry("login_failed", username, "用户不存在"))
                .await?;
            return Ok(LoginOutcome::BadCredentials);
        };
        let place: String = address
            .clone()
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect();
        let password_ok = verify_password(&row.password_hash, password);
        let tx = self.begin_write().await?;
        let lock = self.login_lock(&tx, row.info.id, &place).await?;
        if let Some(until) = lock.filter(|u| *u > now) {
            commit_audited(
                tx,
                &actor,
                login_entry("login_failed", username, "该地址对此账号的登录已临时锁定"),
            )
            .await?;
            return Ok(LoginOutcome::Locked { until });
        }
        if !row.info.active || !password_ok {
            let locked = self
                .count_login_failure(&tx, row.info.id, &place, now)
                .await?;
            let why = if row.info.active {
                "密码错误"
            } else {
                "账号已停用"
            };
            commit_audited(tx, &actor, login_entry("login_failed", username, why)).await?;
            return Ok(match locked {
                Some(until) => LoginOutcome::Locked { until },
                None => LoginOutcome::BadCredentials,
            });
        }
        let session_token = random_token()?;
        let csrf_token = random_token()?;
        let mut clear = Query::delete();
        clear
            .from_table("login_failure")
            .and_where(Expr::col("user_id").eq(row.info.id))
            .and_where(Expr::col("address").eq(place.as_str()));
        tx.execute(&clear).await?;
        let mut ins = Query::insert();
        ins.into_table("session")
            .columns([
                "token_hash",
                "user_id",
                "csrf_token",
                "address",
                "created_at",
                "expires_at",
            ])
            .values_panic([
                digest(&session_token).into(),
                row.info.id.into(),
                csrf_token.clone().into(),
                address.clone().into(),
                now.fixed_offset().into(),
                (now + Duration::hours(SESSION_HOURS)).fixed_offset().into(),
            ]);
        tx.execute(&ins).await?;
        let mut info = row.info;
        if row.demo_seeded && !demo_mode {
            info.must_change_password = true;
        }
        let user_actor = info.access(address)?.actor();
        commit_audited(tx, &user_actor, login_entry("login", username, "登录成功")).await?;
        Ok(LoginOutcome::Ok {
            user: Box::new(info),
            session_token,
            csrf_token,
        })
    }

    /// When the account is locked for logins from `address`, until when.
    pub(super) async fn login_lock<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: i64,
        address: &str,
    ) -> Result<Option<DateTime<Utc>>> {
        let row = conn
            .query_one(
                Query::select()
                    .column("locked_until")
                    .from("login_failure")
                    .and_where(Expr::col("user_id").eq(user_id))
                    .and_where(Expr::col("address").eq(address)),
            )
            .await?;
        let Some(r) = row else { return Ok(None) };
        let until: Option<chrono::DateTime<chrono::FixedOffset>> = r.try_get("", "locked_until")?;
        Ok(until.map(|t| t.with_timezone(&Utc)))
    }

    /// Counts a failed login of `user_id` from `address`; failures older
    /// than the lock period are forgotten. The failure that reaches
    /// [`MAX_FAILED_LOGINS`] locks the account for that address and answers
    /// until when.
    pub(super) async fn count_login_failure<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: i64,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let key = |q: &mut sea_orm::sea_query::SelectStatement| {
            q.and_where(Expr::col("user_id").eq(user_id))
                .and_where(Expr::col("address").eq(address));
        };
        let mut read = Query::select();
        read.columns(["failures", "last_failed_at"])
            .from("login_failure");
        key(&mut read);
        let last: Option<chrono::DateTime<chrono::FixedOffset>> =
            match conn.query_one(&read).await? {
                Some(r) => r.try_get("", "last_failed_at")?,
                None => None,
            };
        let stale =
            last.is_none_or(|t| t.with_timezone(&Utc) + Duration::minutes(LOCK_MINUTES) <= now);
        // Concurrent failures from the same place add up on both engines.
        let count = if stale {
            Expr::val(1)
        } else {
            Expr::col(("login_failure", "failures")).add(1)
        };
        let mut up = Query::insert();
        up.into_table("login_failure")
            .columns(["user_id", "address", "failures", "last_failed_at"])
            .values_panic([
                user_id.into(),
                address.into(),
                1.into(),
                now.fixed_offset().into(),
            ])
            .on_conflict(
                OnConflict::columns(["user_id", "address"])
                    .value("failures", count)
                    .update_column("last_failed_at")
                    .to_owned(),
            );
        conn.execute(&up).await?;
        let failures: i32 = conn
            .query_one(&read)
            .await?
            .map(|r| r.try_get("", "failures"))
            .transpose()?
            .unwrap_or(1);
        if failures < MAX_FAILED_LOGINS {
            return Ok(None);
        }
        let until = now + Duration::minutes(LOCK_MINUTES);
        let mut lock = Query::update();
        lock.table("login_failure")
            .value("failures", 0)
            .value("locked_until", until.fixed_offset())
            .and_where(Expr::col("user_id").eq(user_id))
            .and_where(Expr::col("address").eq(address));
        conn.execute(&lock).await?;
        Ok(Some(until))
    }

    /// The user and CSRF token of a live session.
    pub async fn session_user(
        &self,
        token: &str,
        now: DateTime<Utc>,
        demo_mode: bool,
    ) -> Result<Option<(UserInfo, String)>> {
        let Some(r) = self
            .by_token_digest("session", "user_id, csrf_token, expires_at", token)
            .await?
        else {
            return Ok(None);
        };
        let expires: chrono::DateTime<chrono::FixedOffset> = r.try_get("", "expires_at")?;
        if expires.with_timezone(&Utc) <= now {
            return Ok(None);
        }
        let user_id: i64 = r.try_get("", "user_id")?;
        let csrf: String = r.try_get("", "csrf_token")?;
        let Some(row) = self.user_where("u.id", user_id.into()).await? else {
            return Ok(None);
        };
        if !row.info.active {
            return Ok(None);
        }
        let mut info = row.info;
        if row.demo_seeded && !demo_mode {
            info.must_change_password = true;
        }
        Ok(Some((info, csrf)))
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut del = Query::delete();
        del.from_table("session")
            .and_where(Expr::col("token_hash").eq(digest(token)));
        self.db.execute(&del).await?;
        Ok(())
    }

    /// Changes a password after checking the old one and the policy. Other
    /// sessions of the user are closed.
    pub async fn change_password(
        &self,
        access: &Access,
        old: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let user_id = access
            .user_id
            .ok_or_else(|| StoreError::Invalid("系统账号没有密码".into()))?;
        let row = self
            .user_where("u.id", user_id.into())
            .await?
            .ok_or_else(|| StoreError::NotFound("用户不存在".into()))?;
        if !verify_password(&row.password_hash, old) {
            return Err(StoreError::Invalid("原密码不正确".into()));
        }
        if old == new {
            return Err(StoreError::Invalid("新密码不能与原密码相同".into()));
        }
        check_password_policy(new).map_err(StoreError::Invalid)?;
        let hash = hash_password(new)?;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("app_user")
            .value("password_hash", hash)
            .value("must_change_password", false)
            .value("demo_seeded", false)
            .value("updated_at", Utc::now().fixed_offset())
            .and_where(Expr::col("id").eq(user_id));
        tx.execute(&upd).await?;
        let mut del = Query::delete();
        del.from_table("session")
            .and_where(Expr::col("user_id").eq(user_id));
        if let Some(keep) = keep_session {
            del.and_where(Expr::col("token_hash").ne(digest(keep)));
        }
        tx.execute(&del).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "change_password",
                entity: "user",
                entity_key: Some(row.info.username.clone()),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

fn login_entry(action: &'static str, username: &str, note: &str) -> AuditEntry {
    AuditEntry {
        action,
        entity: "user",
        entity_key: Some(username.chars().take(64).collect()),
        note: Some(note.to_owned()),
        ..Default::default()
    }
}

/// A valid argon2id hash of a random string, checked against unknown user
/// names so that a login for a missing user costs the same time.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5bxcBfBgR5Y9zAqYV0cqQjR2vE4mbSD0y6P1C3oBX0w";
