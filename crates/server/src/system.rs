//! The health check, what the system is, code lists and parameters.

use axum::Json;
use axum::extract::State;
use fangpin_store::settings;
use serde::Serialize;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::ApiPath;
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, CodeLabel};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .route("/healthz", routes!(healthz), Guard::Public)
        .route("/api/meta", routes!(meta), Guard::Public)
        .route("/api/params/{key}", routes!(param_defs), Guard::Session)
        .route(
            "/api/params/{key}/{area}/{year}",
            routes!(param_set),
            Guard::Admin,
        )
        .route("/api/codes/{list}", routes!(code_list), Guard::Session)
}

#[utoipa::path(get, path = "/healthz", tag = "系统", responses((status = 200, description = "服务和数据库正常：{status, database}", body = Health)))]
async fn healthz(State(s): State<AppState>) -> ApiResult<Health> {
    s.store.ping().await?;
    Ok(Json(Health {
        database: s.store.engine().label(),
        status: "ok",
    }))
}

// Fields of answers are in alphabetical order, as the JSON has always
// listed them.

/// The health check's answer.
#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    /// sqlite 或 postgres
    database: &'static str,
    /// 总是 ok
    status: &'static str,
}

/// What the system is, for the login page and the top bar.
#[derive(Serialize, utoipa::ToSchema)]
struct Meta {
    county: Option<County>,
    data_year: Option<i32>,
    database: &'static str,
    demo: bool,
    /// 演示模式下可用的演示账号；否则为 null。
    demo_logins: Option<Vec<DemoLogin>>,
    demo_password: Option<String>,
    system: &'static str,
    version: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
struct County {
    code: String,
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct DemoLogin {
    area_name: String,
    role_name: String,
    username: String,
}

#[utoipa::path(get, path = "/api/meta", tag = "系统", responses((status = 200, description = "系统名称、版本、所属县、演示模式与演示账号（无需登录）", body = Meta)))]
async fn meta(State(s): State<AppState>) -> ApiResult<Meta> {
    let code = s.store.setting(settings::COUNTY_CODE).await?;
    let name = s.store.setting(settings::COUNTY_NAME).await?;
    let county = match (code, name) {
        (Some(code), Some(name)) => Some(County { code, name }),
        _ => None,
    };
    let demo = s.store.setting(settings::DEMO).await?.as_deref() == Some("true");
    let data_year = s
        .store
        .setting(settings::DATA_YEAR)
        .await?
        .and_then(|y| y.parse::<i32>().ok());
    let (demo_logins, demo_password) = if s.demo_mode {
        let logins = s
            .store
            .demo_logins()
            .await?
            .into_iter()
            .map(|(username, role_name, area_name)| DemoLogin {
                area_name,
                role_name,
                username,
            })
            .collect();
        (Some(logins), s.demo_password.clone())
    } else {
        (None, None)
    };
    Ok(Json(Meta {
        county,
        data_year,
        database: s.store.engine().label(),
        demo,
        demo_logins,
        demo_password,
        system: "防返贫动态监测和帮扶系统",
        version: env!("CARGO_PKG_VERSION"),
    }))
}

#[utoipa::path(get, path = "/api/codes/{list}", tag = "系统", params(("list" = String, Path, description = "代码表键，如 relation、health、risk_type")), responses((status = 200, description = "代码表条目 {items:[{code,label}]}", body = CodeListView), (status = 404, description = "代码表不存在", body = ErrorBody)))]
async fn code_list(
    State(s): State<AppState>,
    _c: Caller,
    ApiPath(list): ApiPath<String>,
) -> ApiResult<CodeListView> {
    let items = s.store.code_items(&list).await?;
    if items.is_empty() {
        return Err(ApiError::not_found(format!("代码表不存在：{list}")));
    }
    Ok(Json(CodeListView {
        items: items.into_iter().map(CodeLabel::from).collect(),
        list,
    }))
}

/// A code list's entries.
#[derive(Serialize, utoipa::ToSchema)]
struct CodeListView {
    items: Vec<CodeLabel>,
    list: String,
}

/// A parameter value for one area and year.
#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ParamSetBody {
    /// 参数值，如 {"type":"money","value":850000}（金额以分计）。
    value: fangpin_domain::policy::ParamValue,
    /// 可信度：confirmed（已证实）、local（地方规定）、unconfirmed（未证实）。
    confidence: fangpin_domain::policy::Confidence,
    /// 来源：文件名称、文号或条款。
    note: String,
}

/// Sets a parameter for an area of the caller's and a year (replacing the
/// value there); audited. Needs 维护参数.
#[utoipa::path(put, path = "/api/params/{key}/{area}/{year}", tag = "系统", params(("key" = String, Path, description = "参数键，如 monitoring_line（监测范围）"), ("area" = String, Path, description = "适用地区代码（本人管辖范围内）"), ("year" = i32, Path, description = "年度")), request_body = ParamSetBody, responses((status = 200, description = "保存后该参数各地区各年度的定义", body = ParamDefs), (status = 400, description = "数据有误（中文说明），未作任何修改", body = ErrorBody), (status = 403, description = "无维护参数权限或地区不在管辖范围内", body = ErrorBody)))]
async fn param_set(
    State(s): State<AppState>,
    c: Caller,
    ApiPath((key, area, year)): ApiPath<(String, String, i32)>,
    crate::extract::ApiJson(b): crate::extract::ApiJson<ParamSetBody>,
) -> ApiResult<ParamDefs> {
    let scope = fangpin_domain::AreaCode::parse(area.trim())
        .map_err(|e| ApiError::bad_request(format!("地区代码：{e}")))?;
    let def = fangpin_domain::policy::ParamDef {
        key: key.clone(),
        scope: Some(scope),
        year,
        value: b.value,
        confidence: b.confidence,
        note: b.note.trim().to_owned(),
    };
    let warnings = s.store.set_param(&c.access, &def).await?;
    let items = s.store.params_for_key(&key).await?;
    Ok(Json(ParamDefs {
        items,
        key,
        warnings,
    }))
}

/// Parameter definitions of one key.
#[derive(Serialize, utoipa::ToSchema)]
struct ParamDefs {
    items: Vec<fangpin_domain::policy::ParamDef>,
    key: String,
    /// 提示：如地方监测范围低于全国同年度基准（仍然有效，注明所低于的基准）。
    warnings: Vec<String>,
}

#[utoipa::path(get, path = "/api/params/{key}", tag = "系统", params(("key" = String, Path, description = "参数键，如 monitoring_line（监测范围）")), responses((status = 200, description = "各地区各年度的参数定义及可信度、说明；warnings：低于全国同年度基准的地方监测范围等提示", body = ParamDefs), (status = 404, description = "参数不存在", body = ErrorBody)))]
async fn param_defs(
    State(s): State<AppState>,
    _c: Caller,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<ParamDefs> {
    let defs = s.store.params_for_key(&key).await?;
    if defs.is_empty() {
        return Err(ApiError::not_found(format!("参数不存在：{key}")));
    }
    let warnings = s.store.param_warnings(&key).await?;
    Ok(Json(ParamDefs {
        items: defs,
        key,
        warnings,
    }))
}
