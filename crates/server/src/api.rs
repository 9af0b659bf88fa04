//! The household page: a household with its members, and each income year
//! against the 监测范围.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::ApiResult;
use crate::routes::{Guard, Routes};

pub fn routes() -> Routes {
    Routes::new().route(
        "/api/households/{id}",
        routes!(household_detail, crate::households::household_update),
        Guard::Household,
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AsOfQuery {
    /// 查看某日（含当日）结束时的档案版本，YYYY-MM-DD。
    as_of: Option<chrono::NaiveDate>,
}

#[utoipa::path(get, path = "/api/households/{id}", tag = "农户档案", params(("id" = i64, Path, description = "农户编号"), AsOfQuery), responses((status = 200, description = "农户全字段、家庭成员（脱敏）、各年度收入及人均纯收入与监测范围比对（含参数来源）", body = fangpin_app::households::HouseholdView), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<fangpin_app::households::HouseholdView> {
    Ok(Json(
        fangpin_app::households::view(&s.store, &c.access, id, q.as_of).await?,
    ))
}
