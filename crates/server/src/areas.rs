//! The area tree, an area’s summary and its 务工规模.

use axum::Json;
use axum::extract::State;
use fangpin_store::settings;
use fangpin_store::{AreaSummary, AreaTreeNode};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::ApiResult;
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/areas/tree", routes!(area_tree), Guard::Scoped)
        .route(
            "/api/areas/{code}/summary",
            routes!(area_summary),
            Guard::Scoped,
        )
        .route(
            "/api/areas/{code}/employment",
            routes!(area_employment),
            Guard::Scoped,
        )
}

/// The area tree below the caller's area.
#[derive(Serialize, utoipa::ToSchema)]
struct TreeResponse {
    root: AreaTreeNode,
}

#[utoipa::path(get, path = "/api/areas/tree", tag = "区划", responses((status = 200, description = "以本人区划为根的区划树，含户数、人数、脱贫户、监测户", body = TreeResponse), (status = 401, description = "未登录", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody)))]
async fn area_tree(State(s): State<AppState>, c: Caller) -> ApiResult<TreeResponse> {
    let root = s
        .store
        .area_tree(&c.access)
        .await?
        .ok_or_else(|| ApiError::not_found("尚无区划数据：请先导入或生成演示县"))?;
    Ok(Json(TreeResponse { root }))
}

#[utoipa::path(get, path = "/api/areas/{code}/summary", tag = "区划", params(("code" = String, Path, description = "12位区划代码，或村民小组键 村代码-NN")), responses((status = 200, description = "区划概况：计数、按监测类别和户类型分组、下级区划", body = AreaSummary), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn area_summary(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<AreaSummary> {
    Ok(Json(s.store.area_summary(&c.access, &code).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年度；缺省为数据年度（无数据年度时为今年）。
    pub year: Option<i32>,
}

/// 务工规模 of an area in a year and of each area directly below it.
#[utoipa::path(get, path = "/api/areas/{code}/employment", tag = "区划", params(("code" = String, Path, description = "12位区划代码，或村民小组键 村代码-NN"), YearQuery), responses((status = 200, description = "务工人数（其中脱贫人口、监测对象）、县内/县外省内/省外/国外、县外合计、务工收入（分）、有劳动力户数、零就业家庭户数；本级合计及各下级区划", body = fangpin_store::overview::AreaEmployment), (status = 400, description = "年度无效", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn area_employment(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<fangpin_store::overview::AreaEmployment> {
    let year = match q.year {
        Some(y) if (2000..=2100).contains(&y) => y,
        Some(y) => return Err(ApiError::bad_request(format!("年度无效：{y}"))),
        None => match s
            .store
            .setting(settings::DATA_YEAR)
            .await?
            .and_then(|y| y.parse::<i32>().ok())
        {
            Some(y) => y,
            None => chrono::Datelike::year(&fangpin_store::calendar::china_day(s.clock.now())),
        },
    };
    Ok(Json(s.store.area_employment(&c.access, &code, year).await?))
}
