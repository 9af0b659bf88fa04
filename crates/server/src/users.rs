//! Users of the caller’s area and the roles.

use axum::extract::State;
use fangpin_store::users::UserInfo;
use serde::Serialize;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, Items};
use crate::routes::{Guard, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/users", routes!(user_list), Guard::Admin)
        .route("/api/roles", routes!(role_list), Guard::Session)
}

#[utoipa::path(get, path = "/api/users", tag = "系统", responses((status = 200, description = "辖区内用户（需要“管理用户”权限）", body = Items<UserInfo>), (status = 403, description = "无此权限", body = ErrorBody)))]
async fn user_list(State(s): State<AppState>, c: Caller) -> ApiResult<Items<UserInfo>> {
    Ok(Items::json(s.store.users_in_scope(&c.access).await?))
}

/// A role with its permissions and their Chinese labels.
#[derive(Serialize, utoipa::ToSchema)]
struct RoleView {
    code: String,
    description: String,
    name: String,
    permission_labels: Vec<String>,
    permissions: Vec<String>,
}

#[utoipa::path(get, path = "/api/roles", tag = "系统", responses((status = 200, description = "角色及其权限", body = Items<RoleView>)))]
async fn role_list(State(s): State<AppState>, _c: Caller) -> ApiResult<Items<RoleView>> {
    let items = s
        .store
        .roles()
        .await?
        .into_iter()
        .map(|(code, name, description, permissions)| {
            let permission_labels = permissions
                .iter()
                .map(|p| fangpin_store::users::permission_label(p).to_owned())
                .collect();
            RoleView {
                code,
                description,
                name,
                permission_labels,
                permissions,
            }
        })
        .collect();
    Ok(Items::json(items))
}
