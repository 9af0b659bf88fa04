//! The queue of near-duplicate persons: scan, review, decide.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, Page, PageQuery, Paging, non_empty};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/duplicates", routes!(duplicate_queue), Guard::Scoped)
        .route(
            "/api/duplicates/scan",
            routes!(duplicate_scan),
            Guard::Scoped,
        )
        .route(
            "/api/duplicates/{id}/decision",
            routes!(duplicate_decide),
            Guard::Record,
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DuplicateQuery {
    status: Option<String>,
}

#[utoipa::path(get, path = "/api/duplicates", tag = "农户档案", params(DuplicateQuery, PageQuery), responses((status = 200, description = "疑似重复人员待审队列（两人都在本人辖区内才显示）", body = Page<fangpin_store::dedup::DuplicateItem>)))]
async fn duplicate_queue(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<DuplicateQuery>,
    p: Paging,
) -> ApiResult<Page<fangpin_store::dedup::DuplicateItem>> {
    let status = non_empty(q.status);
    let (total, items) = s
        .store
        .duplicate_queue(&c.access, status.as_deref(), p.offset, p.page_size)
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[utoipa::path(post, path = "/api/duplicates/scan", tag = "农户档案", responses((status = 200, description = "扫描辖区内疑似重复人员，返回新增组数 {added}", body = Scanned), (status = 403, description = "无维护权限", body = ErrorBody)))]
async fn duplicate_scan(State(s): State<AppState>, c: Caller) -> ApiResult<Scanned> {
    c.access
        .require(fangpin_store::users::perm::HOUSEHOLD_WRITE)?;
    let added = s.store.scan_duplicates(&c.access).await?;
    Ok(Json(Scanned { added }))
}

/// How many new groups a scan queued.
#[derive(Serialize, utoipa::ToSchema)]
struct Scanned {
    added: u64,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct DecisionBody {
    /// `same` or `different`.
    decision: String,
    note: Option<String>,
}

#[utoipa::path(post, path = "/api/duplicates/{id}/decision", tag = "农户档案", params(("id" = i64, Path, description = "待审记录编号")), request_body = DecisionBody, responses((status = 204, description = "已记录审核结论（审计）"), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn duplicate_decide(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.store
        .decide_duplicate(
            &c.access,
            id,
            &body.decision,
            non_empty(body.note).as_deref(),
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
