//! The OpenAPI description of the API, generated from the annotations of the
//! handlers registered in the route table, served as JSON at `/api/openapi.json` and browsable at
//! `/api/docs`.

use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;

/// Every error: a machine-readable code and a Chinese message for people.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// e.g. `not_found`, `bad_request`, `unauthenticated`, `forbidden`, `csrf`.
    pub code: String,
    /// 中文说明，指出具体字段或原因。
    pub message: String,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "登录后设置的会话 Cookie；修改数据的请求还须带 X-CSRF-Token 请求头",
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("机器客户端的 API 令牌（fangpin token-create 生成）"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "fangpin 防返贫动态监测和帮扶系统 API",
        description = "JSON 接口。金额以分为单位的整数；日期为 YYYY-MM-DD；证件号码和电话在列表和详情中脱敏。\
                       错误统一为 {code, message}；列表统一为 {items, total, page, page_size}。\
                       辖区以外的记录一律按“不存在”（404）处理。"
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    security(("session" = []), ("api_token" = []))
)]
pub struct ApiDoc;

/// The whole API description: the document's header above, and the paths
/// and schemas of every registered route ([`crate::routes::Routes`]).
pub fn document() -> utoipa::openapi::OpenApi {
    crate::api_routes().describe(ApiDoc::openapi())
}

pub fn routes() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", document()))
}
