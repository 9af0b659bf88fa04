//! Users, roles, sessions and API tokens, and the [`Access`] every household
//! query takes: the caller's area subtree and permissions.
//!
//! Roles and their permissions are data (seeded, editable). Passwords are
//! argon2id hashes; session and API tokens are random and stored only as
//! SHA-256 digests, so the database alone opens no session.

use std::collections::BTreeSet;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use chrono::{DateTime, Duration, Utc};
use fangpin_domain::AreaCode;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{Actor, AuditEntry, commit_audited, record};
use crate::{Result, Store, StoreError};

mod api_tokens;
mod session;

/// Permission codes (the values stored in `role.permissions`).
pub mod perm {
    pub const HOUSEHOLD_READ: &str = "household.read";
    pub const HOUSEHOLD_WRITE: &str = "household.write";
    /// 查看完整证件号: reveal full ID numbers (each reveal is audited).
    pub const ID_UNMASK: &str = "id.unmask";
    pub const IMPORT: &str = "data.import";
    pub const EXPORT: &str = "data.export";
    pub const AUDIT_READ: &str = "audit.read";
    pub const USER_MANAGE: &str = "user.manage";
    pub const PARAM_MANAGE: &str = "param.manage";
    pub const DEPT_UPLOAD: &str = "dept.upload";
    pub const DEPT_WARNINGS: &str = "dept.warnings";
    pub const CASE_VILLAGE: &str = "case.village";
    pub const CASE_TOWNSHIP: &str = "case.township_review";
    pub const CASE_COUNTY: &str = "case.county_approve";
    pub const ASSIST_OWN: &str = "assist.own";
}

/// A seeded role: code, name, description, permissions.
pub struct RoleSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub permissions: &'static [&'static str],
}

use perm::*;

/// The roles of policy and practice; administrators may edit them later.
pub const ROLE_SEEDS: &[RoleSeed] = &[
    RoleSeed {
        code: "county_admin",
        name: "县级管理员",
        description: "县级乡村振兴（农业农村）部门业务管理员：全县农户数据、导入导出、审计查询",
        permissions: &[
            HOUSEHOLD_READ,
            HOUSEHOLD_WRITE,
            ID_UNMASK,
            IMPORT,
            EXPORT,
            AUDIT_READ,
            USER_MANAGE,
            PARAM_MANAGE,
        ],
    },
    RoleSeed {
        code: "county_approver",
        name: "县级审定",
        description: "县级审核批准监测对象识别和风险消除",
        permissions: &[HOUSEHOLD_READ, ID_UNMASK, EXPORT, CASE_COUNTY],
    },
    RoleSeed {
        code: "township_reviewer",
        name: "乡镇审核",
        description: "乡镇审核本乡镇的识别和风险消除，维护本乡镇农户数据",
        permissions: &[HOUSEHOLD_READ, HOUSEHOLD_WRITE, EXPORT, CASE_TOWNSHIP],
    },
    RoleSeed {
        code: "village_operator",
        name: "村级/驻村工作队",
        description: "村两委和驻村工作队：本村农户信息采集、入户核实、民主评议和公示",
        permissions: &[HOUSEHOLD_READ, HOUSEHOLD_WRITE, IMPORT, CASE_VILLAGE],
    },
    RoleSeed {
        code: "assistance_cadre",
        name: "帮扶责任人",
        description: "帮扶干部：查看和走访结对帮扶的农户",
        permissions: &[HOUSEHOLD_READ, ASSIST_OWN],
    },
    RoleSeed {
        code: "dept_officer",
        name: "行业部门",
        description: "行业部门数据专员：上传本部门数据、处理本部门预警，不浏览农户档案",
        permissions: &[DEPT_UPLOAD, DEPT_WARNINGS],
    },
    RoleSeed {
        code: "inspector",
        name: "督查",
        description: "督查人员：只读查看农户数据和审计日志",
        permissions: &[HOUSEHOLD_READ, AUDIT_READ],
    },
    RoleSeed {
        code: "sys_admin",
        name: "系统管理员",
        description: "系统管理员：用户、角色和参数维护，不查看农户数据",
        permissions: &[USER_MANAGE, PARAM_MANAGE, AUDIT_READ],
    },
];

/// What a caller may see and do: an area subtree and a set of permissions.
/// Household reads and writes in the store all take one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: String,
    pub area: AreaCode,
    pub permissions: BTreeSet<String>,
    pub address: Option<String>,
}

impl Access {
    /// Full access under `area` for system jobs (CLI, demo generation, tests).
    pub fn system(area: AreaCode) -> Access {
        Access {
            user_id: None,
            username: "system".into(),
            role: "系统".into(),
            area,
            permissions: ROLE_SEEDS
                .iter()
                .flat_map(|r| r.permissions.iter().map(std::string::ToString::to_string))
                .collect(),
            address: None,
        }
    }

    pub fn has(&self, permission: &str) -> bool {
        self.permissions.contains(permission)
    }

    /// Refuses callers without `permission`.
    pub fn require(&self, permission: &str) -> Result<()> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "当前角色无此权限（{}）",
                permission_label(permission)
            )))
        }
    }

    /// The audit actor of this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id,
            name: self.username.clone(),
            role: self.role.clone(),
            area: Some(self.area),
            address: self.address.clone(),
        }
    }
}

/// Chinese name of a permission code.
pub fn permission_label(code: &str) -> &str {
    match code {
        HOUSEHOLD_READ => "查看农户档案",
        HOUSEHOLD_WRITE => "维护农户档案",
        ID_UNMASK => "查看完整证件号",
        IMPORT => "导入数据",
        EXPORT => "导出数据",
        AUDIT_READ => "查询审计日志",
        USER_MANAGE => "管理用户",
        PARAM_MANAGE => "维护参数",
        DEPT_UPLOAD => "上传部门数据",
        DEPT_WARNINGS => "处理部门预警",
        CASE_VILLAGE => "村级识别与消除",
        CASE_TOWNSHIP => "乡镇审核",
        CASE_COUNTY => "县级审定",
        ASSIST_OWN => "结对帮扶",
        other => other,
    }
}

/// A user as the API shows it (never the password hash).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_name: String,
    pub area: AreaRef,
    pub department: Option<String>,
    pub permissions: Vec<String>,
    pub must_change_password: bool,
    pub active: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaRef {
    pub code: String,
    pub name: String,
    pub level: String,
}

impl UserInfo {
    pub fn access(&self, address: Option<String>) -> Result<Access> {
        Ok(Access {
            user_id: Some(self.id),
            username: self.username.clone(),
            role: self.role.clone(),
            area: AreaCode::parse(&self.area.code)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            permissions: self.permissions.iter().cloned().collect(),
            address,
        })
    }
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub area: AreaCode,
    pub department: Option<String>,
    pub must_change_password: bool,
    pub demo_seeded: bool,
}

/// Result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    Ok {
        user: Box<UserInfo>,
        session_token: String,
        csrf_token: String,
    },
    BadCredentials,
    Locked {
        until: DateTime<Utc>,
    },
}

/// Failed logins of one account from one client address before the account
/// is locked for that address, and for how long.
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;
pub const SESSION_HOURS: i64 = 12;

/// Password rule: at least 8 characters with letters and digits.
pub fn check_password_policy(password: &str) -> std::result::Result<(), String> {
    let long = password.chars().count() >= 8;
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if long && letters && digits {
        Ok(())
    } else {
        Err("新密码至少8位，且须包含字母和数字".to_owned())
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("密码处理失败：{e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A new random token (256 bits, URL-safe base64).
pub fn random_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| StoreError::Invalid(format!("无法生成随机数：{e}")))?;
    Ok(B64URL.encode(b))
}

fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role_code, \
     u.area_code, u.department, u.active, u.must_change_password, u.demo_seeded, \
     r.name AS role_name, r.permissions, \
     a.name AS area_name, a.level AS area_level";

struct UserRow {
    info: UserInfo,
    password_hash: String,
    demo_seeded: bool,
}

fn user_row(r: &QueryResult) -> Result<UserRow> {
    let perms: String = r.try_get("", "permissions")?;
    let mut permissions: Vec<String> = serde_json::from_str(&perms)
        .map_err(|e| StoreError::Corrupt(format!("角色权限无法解析：{e}")))?;
    permissions.sort();
    let area_code: String = r.try_get("", "area_code")?;
    Ok(UserRow {
        info: UserInfo {
            id: r.try_get("", "id")?,
            username: r.try_get("", "username")?,
            display_name: r.try_get("", "display_name")?,
            role: r.try_get("", "role_code")?,
            role_name: r.try_get("", "role_name")?,
            area: AreaRef {
                code: area_code.trim().to_owned(),
                name: r
                    .try_get::<Option<String>>("", "area_name")?
                    .unwrap_or_default(),
                level: r
                    .try_get::<Option<String>>("", "area_level")?
                    .unwrap_or_default(),
            },
            department: r.try_get("", "department")?,
            permissions,
            must_change_password: r.try_get("", "must_change_password")?,
            active: r.try_get("", "active")?,
        },
        password_hash: r.try_get("", "password_hash")?,
        demo_seeded: r.try_get("", "demo_seeded")?,
    })
}

impl Store {
    /// Seeds the built-in roles; existing roles (possibly edited) are kept.
    pub(crate) async fn seed_roles<C: ConnectionTrait>(&self, conn: &C) -> Result<u64> {
        let mut stmt = Query::insert();
        stmt.into_table("role")
            .columns(["code", "name", "description", "permissions", "builtin"])
            .on_conflict(OnConflict::column("code").do_nothing().to_owned());
        for r in ROLE_SEEDS {
            stmt.values_panic([
                r.code.into(),
                r.name.into(),
                r.description.into(),
                json!(r.permissions).to_string().into(),
                true.into(),
            ]);
        }
        Ok(conn.execute(&stmt).await?.rows_affected())
    }

    async fn user_where(&self, cond: &str, value: sea_orm::Value) -> Result<Option<UserRow>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM app_user u JOIN role r ON r.code = u.role_code \
             LEFT JOIN area a ON a.code = u.area_code WHERE {cond} = {}",
            match self.engine {
                crate::Engine::Sqlite => "?",
                crate::Engine::Postgres => "$1",
            }
        );
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                self.backend(),
                sql,
                [value],
            ))
            .await?;
        row.as_ref().map(user_row).transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserInfo>> {
        Ok(self
            .user_where("u.username", username.into())
            .await?
            .map(|u| u.info))
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserInfo>> {
        Ok(self.user_where("u.id", id.into()).await?.map(|u| u.info))
    }

    /// Users whose area lies in the caller's scope (for user administration).
    pub async fn users_in_scope(&self, access: &Access) -> Result<Vec<UserInfo>> {
        access.require(USER_MANAGE)?;
        let (lo, hi) = crate::scope::code_range(&access.area);
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM app_user u JOIN role r ON r.code = u.role_code \
             LEFT JOIN area a ON a.code = u.area_code \
             WHERE u.area_code BETWEEN '{lo}' AND '{hi}' ORDER BY u.id"
        );
        let rows = self
            .db
            .query_all_raw(sea_orm::Statement::from_string(self.backend(), sql))
            .await?;
        rows.iter().map(|r| Ok(user_row(r)?.info)).collect()
    }

    /// The roles with their permissions: (code, name, description, permissions).
    pub async fn roles(&self) -> Result<Vec<(String, String, String, Vec<String>)>> {
        let rows = self
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT code, name, description, permissions FROM role ORDER BY code",
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let perms: String = r.try_get("", "permissions")?;
                Ok((
                    r.try_get("", "code")?,
                    r.try_get("", "name")?,
                    r.try_get("", "description")?,
                    serde_json::from_str(&perms)
                        .map_err(|e| StoreError::Corrupt(format!("角色权限无法解析：{e}")))?,
                ))
            })
            .collect()
    }

    /// Users still on the demo password: (username, role name, area name).
    pub async fn demo_logins(&self) -> Result<Vec<(String, String, String)>> {
        let rows = self
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT u.username, r.name AS role_name, a.name AS area_name FROM app_user u \
                 JOIN role r ON r.code = u.role_code LEFT JOIN area a ON a.code = u.area_code \
                 WHERE u.demo_seeded = TRUE AND u.active = TRUE ORDER BY u.id",
            ))
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("", "username")?,
                    r.try_get("", "role_name")?,
                    r.try_get::<Option<String>>("", "area_name")?
                        .unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Creates a user; the role and area must exist.
    pub async fn create_user(&self, actor: &Actor, u: &NewUser) -> Result<i64> {
        if u.username.trim().is_empty() {
            return Err(StoreError::Invalid("用户名不能为空".into()));
        }
        if self.user_by_username(&u.username).await?.is_some() {
            return Err(StoreError::Invalid(format!("用户名已存在：{}", u.username)));
        }
        if self.area(&u.area).await?.is_none() {
            return Err(StoreError::Invalid(format!(
                "区划不存在：{}",
                u.area.as_string()
            )));
        }
        let hash = hash_password(&u.password)?;
        let now = Utc::now().fixed_offset();
        let tx = self.begin_write().await?;
        let mut stmt = Query::insert();
        stmt.into_table("app_user")
            .columns([
                "username",
                "display_name",
                "password_hash",
                "role_code",
                "area_code",
                "department",
                "active",
                "must_change_password",
                "demo_seeded",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                u.username.clone().into(),
                u.display_name.clone().into(),
                hash.into(),
                u.role.clone().into(),
                u.area.as_string().into(),
                u.department.clone().into(),
                true.into(),
                u.must_change_password.into(),
                u.demo_seeded.into(),
                now.into(),
                now.into(),
            ]);
        tx.execute(&stmt)
            .await
            .map_err(|e| StoreError::Invalid(format!("无法创建用户 {}：{e}", u.username)))?;
        let row = tx
            .query_one(
                Query::select()
                    .column("id")
                    .from("app_user")
                    .and_where(Expr::col("username").eq(u.username.as_str())),
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("新用户未写入".into()))?;
        let id: i64 = row.try_get("", "id")?;
        record(
            &tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "user",
                entity_key: Some(u.username.clone()),
                after: Some(json!({
                    "id": id,
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role,
                    "area": u.area.as_string(),
                    "department": u.department,
                    "must_change_password": u.must_change_password,
                })),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Store {
    /// The `columns` of the `table` row (session or API token) whose
    /// `token_hash` is the digest of `token`.
    async fn by_token_digest(
        &self,
        table: &str,
        columns: &str,
        token: &str,
    ) -> Result<Option<QueryResult>> {
        let param = match self.engine {
            crate::Engine::Sqlite => "?",
            crate::Engine::Postgres => "$1",
        };
        let sql = format!("SELECT {columns} FROM {table} WHERE token_hash = {param}");
        Ok(self
            .db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                self.backend(),
                sql,
                [digest(token).into()],
            ))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::session::DUMMY_HASH;
    use super::*;

    #[test]
    fn password_hashing_and_policy() {
        let h = hash_password("Abcdefg1").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "Abcdefg1"));
        assert!(!verify_password(&h, "Abcdefg2"));
        assert!(!verify_password("garbage", "Abcdefg1"));
        assert!(check_password_policy("short1").is_err());
        assert!(check_password_policy("onlyletters").is_err());
        assert!(check_password_policy("12345678").is_err());
        assert!(check_password_policy("密码很安全abc123").is_ok());
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }

    #[test]
    fn every_seeded_permission_has_a_label() {
        for r in ROLE_SEEDS {
            for p in r.permissions {
                assert_ne!(permission_label(p), *p, "{p}");
            }
        }
        let dept = ROLE_SEEDS
            .iter()
            .find(|r| r.code == "dept_officer")
            .unwrap();
        assert!(
            !dept.permissions.contains(&HOUSEHOLD_READ),
            "no household browsing"
        );
        let admin = ROLE_SEEDS.iter().find(|r| r.code == "sys_admin").unwrap();
        assert!(!admin.permissions.contains(&HOUSEHOLD_READ));
    }
}
