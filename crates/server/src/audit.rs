//! The audit log search.

use axum::extract::State;
use fangpin_domain::AreaCode;
use serde::Deserialize;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::ApiQuery;
use crate::openapi::ErrorBody;
use fangpin_store::calendar::day_start;

use crate::page::{ApiResult, Page, PageQuery, Paging, non_empty};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new().route("/api/audit", routes!(audit_search), Guard::Admin)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    entity_key: Option<String>,
    area: Option<String>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

/// Audit log search for inspectors and administrators; entries about
/// households are limited to the caller's area, and their content is
/// withheld from readers without `household.read`.
#[utoipa::path(get, path = "/api/audit", tag = "审计", params(AuditQuery, PageQuery), responses((status = 200, description = "审计记录分页（需要“查询审计日志”权限；无“查看农户档案”权限时，涉及农户的记录不含变更内容和说明）", body = Page<fangpin_store::AuditRecord>), (status = 403, description = "无此权限", body = ErrorBody)))]
async fn audit_search(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
    p: Paging,
) -> ApiResult<Page<fangpin_store::AuditRecord>> {
    c.access.require(fangpin_store::users::perm::AUDIT_READ)?;
    let area = match non_empty(q.area) {
        Some(a) => {
            let a = AreaCode::parse(&a)
                .map_err(|e| ApiError::bad_request(format!("参数 area：{e}")))?;
            if !c.access.covers(&a) {
                return Err(ApiError::not_found("区划不存在或不在您的管辖范围内"));
            }
            Some(a)
        }
        // County-wide roles see everything; others only their area's entries.
        None if c.access.area.level() <= fangpin_domain::AreaLevel::County => None,
        None => Some(c.access.area),
    };
    let filter = fangpin_store::AuditFilter {
        actor: non_empty(q.actor),
        action: non_empty(q.action),
        entity: non_empty(q.entity),
        entity_key: non_empty(q.entity_key),
        area,
        from: q.from.map(day_start),
        to: q.to.map(|d| day_start(d + chrono::Days::new(1))),
    };
    let (total, items) = s
        .store
        .audit_search_for(&c.access, &filter, p.offset, p.page_size)
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}
