//! API tokens of machine clients, for administrators (`user.manage`): the
//! tokens of the users in their area, and revocation. Tokens are created on
//! the command line (`fangpin token-create`); the secret is never shown here.

use axum::Json;
use axum::extract::State;
use fangpin_store::tokens::ApiTokenInfo;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::ApiPath;
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, Items};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/tokens", routes!(token_list), Guard::Admin)
        .route(
            "/api/tokens/{id}/revoke",
            routes!(token_revoke),
            Guard::Admin,
        )
}

#[utoipa::path(get, path = "/api/tokens", tag = "系统", responses((status = 200, description = "辖区内用户的 API 令牌 {items}：名称、用户、创建和到期时间、状态（active 有效 / expired 已过期 / revoked 已撤销）；不含令牌本身（需要“管理用户”权限）", body = Items<ApiTokenInfo>), (status = 403, description = "无此权限", body = ErrorBody)))]
pub(crate) async fn token_list(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<Items<ApiTokenInfo>> {
    let items = s.store.api_tokens(&c.access, s.clock.now()).await?;
    Ok(Items::json(items))
}

#[utoipa::path(post, path = "/api/tokens/{id}/revoke", tag = "系统", params(("id" = i64, Path, description = "令牌编号")), responses((status = 200, description = "已撤销（记入审计日志），返回令牌的新状态", body = ApiTokenInfo), (status = 400, description = "令牌已撤销", body = ErrorBody), (status = 403, description = "无此权限", body = ErrorBody), (status = 404, description = "不存在或其用户不在辖区内", body = ErrorBody)))]
pub(crate) async fn token_revoke(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiTokenInfo>, ApiError> {
    Ok(Json(
        s.store
            .revoke_api_token(&c.access, id, s.clock.now())
            .await?,
    ))
}
