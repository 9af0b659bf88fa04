//! JSON API routes.

use axum::Json;
use axum::extract::State;
use axum::routing::{get, post};
use fangpin_domain::AreaCode;
use fangpin_store::settings;
use fangpin_store::{AreaSummary, AreaTreeNode, HouseholdFilter, HouseholdListItem, RevealedIds};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route("/healthz", get(healthz), Guard::Public)
        .route("/api/meta", get(meta), Guard::Public)
        .route("/api/areas/tree", get(area_tree), Guard::Scoped)
        .route(
            "/api/areas/{code}/summary",
            get(area_summary),
            Guard::Scoped,
        )
        .route(
            "/api/areas/{code}/employment",
            get(area_employment),
            Guard::Scoped,
        )
        .route(
            "/api/households",
            get(household_list).post(household_create),
            Guard::Scoped,
        )
        .route(
            "/api/households/{id}",
            get(household_detail).put(household_update),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/reveal",
            post(reveal_ids),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/history",
            get(household_history),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/members/{person_no}/remove",
            post(member_remove),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/members",
            post(member_add),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/head",
            post(head_change),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/split",
            post(household_split),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/merge",
            post(household_merge),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/diff",
            get(household_diff),
            Guard::Household,
        )
        .route("/api/params/{key}", get(param_defs), Guard::Session)
        .route("/api/codes/{list}", get(code_list), Guard::Session)
        .route("/api/audit", get(audit_search), Guard::Admin)
        .route("/api/users", get(user_list), Guard::Admin)
        .route("/api/roles", get(role_list), Guard::Session)
        .route("/api/duplicates", get(duplicate_queue), Guard::Scoped)
        .route("/api/duplicates/scan", post(duplicate_scan), Guard::Scoped)
        .route(
            "/api/duplicates/{id}/decision",
            post(duplicate_decide),
            Guard::Record,
        )
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
    page: Option<u64>,
    page_size: Option<u64>,
}

fn day_start(d: chrono::NaiveDate) -> chrono::DateTime<chrono::FixedOffset> {
    // Dates in the UI are China Standard Time (UTC+8).
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(cst)
        .single()
        .expect("fixed offsets are unambiguous")
}

/// Audit log search for inspectors and administrators; entries about
/// households are limited to the caller's area, and their content is
/// withheld from readers without `household.read`.
#[utoipa::path(get, path = "/api/audit", tag = "审计", params(AuditQuery), responses((status = 200, description = "审计记录分页（需要“查询审计日志”权限；无“查看农户档案”权限时，涉及农户的记录不含变更内容和说明）", body = serde_json::Value), (status = 403, description = "无此权限", body = ErrorBody)))]
async fn audit_search(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Page<fangpin_store::AuditRecord>> {
    c.access.require(fangpin_store::users::perm::AUDIT_READ)?;
    let (page, page_size, offset) = paging(q.page, q.page_size)?;
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
        .audit_search_for(&c.access, &filter, offset, page_size)
        .await?;
    Ok(Json(Page {
        items,
        total,
        page,
        page_size,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DuplicateQuery {
    status: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

#[utoipa::path(get, path = "/api/duplicates", tag = "农户档案", params(DuplicateQuery), responses((status = 200, description = "疑似重复人员待审队列（两人都在本人辖区内才显示）", body = serde_json::Value)))]
async fn duplicate_queue(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<DuplicateQuery>,
) -> ApiResult<Page<fangpin_store::dedup::DuplicateItem>> {
    let (page, page_size, offset) = paging(q.page, q.page_size)?;
    let status = non_empty(q.status);
    let (total, items) = s
        .store
        .duplicate_queue(&c.access, status.as_deref(), offset, page_size)
        .await?;
    Ok(Json(Page {
        items,
        total,
        page,
        page_size,
    }))
}

#[utoipa::path(post, path = "/api/duplicates/scan", tag = "农户档案", responses((status = 200, description = "扫描辖区内疑似重复人员，返回新增组数 {added}", body = serde_json::Value), (status = 403, description = "无维护权限", body = ErrorBody)))]
async fn duplicate_scan(State(s): State<AppState>, c: Caller) -> ApiResult<Value> {
    c.access
        .require(fangpin_store::users::perm::HOUSEHOLD_WRITE)?;
    let added = s.store.scan_duplicates(&c.access).await?;
    Ok(Json(json!({"added": added})))
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

#[utoipa::path(get, path = "/healthz", tag = "系统", responses((status = 200, description = "服务和数据库正常：{status, database}", body = serde_json::Value)))]
async fn healthz(State(s): State<AppState>) -> ApiResult<Value> {
    s.store.ping().await?;
    Ok(Json(
        json!({"status": "ok", "database": s.store.engine().label()}),
    ))
}

#[utoipa::path(get, path = "/api/meta", tag = "系统", responses((status = 200, description = "系统名称、版本、所属县、演示模式与演示账号（无需登录）", body = serde_json::Value)))]
async fn meta(State(s): State<AppState>) -> ApiResult<Value> {
    let code = s.store.setting(settings::COUNTY_CODE).await?;
    let name = s.store.setting(settings::COUNTY_NAME).await?;
    let county = match (code, name) {
        (Some(code), Some(name)) => json!({"code": code, "name": name}),
        _ => Value::Null,
    };
    let demo = s.store.setting(settings::DEMO).await?.as_deref() == Some("true");
    let data_year = s
        .store
        .setting(settings::DATA_YEAR)
        .await?
        .and_then(|y| y.parse::<i32>().ok());
    let (demo_logins, demo_password) = if s.demo_mode {
        let logins: Vec<Value> = s
            .store
            .demo_logins()
            .await?
            .into_iter()
            .map(|(u, r, a)| json!({"username": u, "role_name": r, "area_name": a}))
            .collect();
        (
            Value::Array(logins),
            s.demo_password.clone().map(Value::String),
        )
    } else {
        (Value::Null, None)
    };
    Ok(Json(json!({
        "demo_logins": demo_logins,
        "demo_password": demo_password,
        "system": "防返贫动态监测和帮扶系统",
        "version": env!("CARGO_PKG_VERSION"),
        "county": county,
        "demo": demo,
        "data_year": data_year,
        "database": s.store.engine().label(),
    })))
}

#[derive(Serialize)]
struct TreeResponse {
    root: AreaTreeNode,
}

#[utoipa::path(get, path = "/api/areas/tree", tag = "区划", responses((status = 200, description = "以本人区划为根的区划树，含户数、人数、脱贫户、监测户", body = serde_json::Value), (status = 401, description = "未登录", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody)))]
async fn area_tree(State(s): State<AppState>, c: Caller) -> ApiResult<TreeResponse> {
    let root = s
        .store
        .area_tree(&c.access)
        .await?
        .ok_or_else(|| ApiError::not_found("尚无区划数据：请先导入或生成演示县"))?;
    Ok(Json(TreeResponse { root }))
}

#[utoipa::path(get, path = "/api/areas/{code}/summary", tag = "区划", params(("code" = String, Path, description = "12位区划代码，或村民小组键 村代码-NN")), responses((status = 200, description = "区划概况：计数、按监测类别和户类型分组、下级区划", body = serde_json::Value), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
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
#[utoipa::path(get, path = "/api/areas/{code}/employment", tag = "区划", params(("code" = String, Path, description = "12位区划代码，或村民小组键 村代码-NN"), YearQuery), responses((status = 200, description = "务工人数（其中脱贫人口、监测对象）、县内/县外省内/省外/国外、县外合计、务工收入（分）、有劳动力户数、零就业家庭户数；本级合计及各下级区划", body = serde_json::Value), (status = 400, description = "年度无效", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
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
            None => chrono::Datelike::year(&fangpin_store::cases::china_day(s.clock.now())),
        },
    };
    Ok(Json(s.store.area_employment(&c.access, &code, year).await?))
}

/// Pagination parameters shared by list endpoints.
#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

pub const MAX_PAGE_SIZE: u64 = 200;

impl PageQuery {
    /// (page, page_size, offset) after validation.
    pub fn resolve(&self) -> Result<(u64, u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page == 0 {
            return Err(ApiError::bad_request("参数 page 应从 1 开始"));
        }
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(ApiError::bad_request(format!(
                "参数 page_size 应在 1 到 {MAX_PAGE_SIZE} 之间"
            )));
        }
        // The offset goes to SQL as a signed 64-bit number.
        let offset = (page - 1)
            .checked_mul(size)
            .filter(|o| i64::try_from(*o).is_ok())
            .ok_or_else(|| ApiError::bad_request(format!("参数 page 过大：{page}")))?;
        Ok((page, size, offset))
    }
}

/// (page, page_size, offset) of a list query's `page` and `page_size`.
pub fn paging(page: Option<u64>, page_size: Option<u64>) -> Result<(u64, u64, u64), ApiError> {
    PageQuery { page, page_size }.resolve()
}

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HouseholdQuery {
    area: Option<String>,
    group_no: Option<u16>,
    household_type: Option<String>,
    monitor_category: Option<String>,
    q: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

#[derive(Serialize)]
struct HouseholdRow {
    id: i64,
    household_no: String,
    area_code: String,
    area_name: String,
    group_no: Option<u16>,
    head_name: String,
    /// Always masked in lists; see `POST /api/households/{id}/reveal`.
    head_id: String,
    phone: Option<String>,
    household_type: String,
    monitor_category: Option<String>,
    risk_eliminated: Option<bool>,
    current_size: u16,
}

fn row_of(item: HouseholdListItem) -> HouseholdRow {
    let h = item.household;
    HouseholdRow {
        id: item.id,
        area_code: h.area.as_string(),
        area_name: item.area_name,
        group_no: h.group_no,
        head_id: h.head_id.masked(),
        phone: h.phone.as_deref().map(mask_phone),
        household_no: h.household_no,
        head_name: h.head_name,
        household_type: h.household_type,
        monitor_category: h.monitor_category,
        risk_eliminated: h.risk_eliminated,
        current_size: h.current_size,
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[utoipa::path(get, path = "/api/households", tag = "农户档案", params(HouseholdQuery), responses((status = 200, description = "农户分页列表 {items,total,page,page_size}，证件号码和电话均脱敏", body = serde_json::Value), (status = 400, description = "参数错误", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody)))]
async fn household_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Page<HouseholdRow>> {
    let (page, page_size, offset) = paging(q.page, q.page_size)?;
    // `area` may also be a 村民小组 key (`村代码-NN`), as the tree uses.
    let (area, group_no) = match non_empty(q.area) {
        Some(a) => {
            let (code, group) = match a.split_once('-') {
                Some((c, g)) => (
                    c.to_owned(),
                    Some(g.parse::<u16>().map_err(|_| {
                        ApiError::bad_request(format!("参数 area：村民小组编号无效（{a}）"))
                    })?),
                ),
                None => (a.clone(), None),
            };
            let code = AreaCode::parse(&code)
                .map_err(|e| ApiError::bad_request(format!("参数 area：{e}")))?;
            (Some(code), group.or(q.group_no))
        }
        None => (None, q.group_no),
    };
    let filter = HouseholdFilter {
        area,
        group_no,
        household_type: non_empty(q.household_type),
        monitor_category: non_empty(q.monitor_category),
        q: non_empty(q.q),
    };
    let (total, rows) = s
        .store
        .household_page(&c.access, &filter, offset, page_size)
        .await?;
    Ok(Json(Page {
        items: rows.into_iter().map(row_of).collect(),
        total,
        page,
        page_size,
    }))
}

#[utoipa::path(post, path = "/api/households/{id}/reveal", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "完整证件号码（需要“查看完整证件号”权限；每次查看记入审计日志）", body = serde_json::Value), (status = 403, description = "无此权限或缺少 CSRF 令牌", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn reveal_ids(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<RevealedIds> {
    Ok(Json(s.store.reveal_ids(&c.access, id).await?))
}

#[utoipa::path(get, path = "/api/codes/{list}", tag = "系统", params(("list" = String, Path, description = "代码表键，如 relation、health、risk_type")), responses((status = 200, description = "代码表条目 {items:[{code,label}]}", body = serde_json::Value), (status = 404, description = "代码表不存在", body = ErrorBody)))]
async fn code_list(
    State(s): State<AppState>,
    _c: Caller,
    ApiPath(list): ApiPath<String>,
) -> ApiResult<Value> {
    let items = s.store.code_items(&list).await?;
    if items.is_empty() {
        return Err(ApiError::not_found(format!("代码表不存在：{list}")));
    }
    let items: Vec<Value> = items
        .into_iter()
        .map(|(code, label)| json!({"code": code, "label": label}))
        .collect();
    Ok(Json(json!({"list": list, "items": items})))
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

#[utoipa::path(get, path = "/api/params/{key}", tag = "系统", params(("key" = String, Path, description = "参数键，如 monitoring_line（监测范围）")), responses((status = 200, description = "各地区各年度的参数定义及可信度、说明", body = serde_json::Value), (status = 404, description = "参数不存在", body = ErrorBody)))]
async fn param_defs(
    State(s): State<AppState>,
    _c: Caller,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<Value> {
    let defs = s.store.params_for_key(&key).await?;
    if defs.is_empty() {
        return Err(ApiError::not_found(format!("参数不存在：{key}")));
    }
    Ok(Json(json!({ "key": key, "items": defs })))
}

/// Masks the middle of a phone number: `138****5678` (one rule for responses and exports).
pub use fangpin_domain::mask_phone;

#[utoipa::path(get, path = "/api/users", tag = "系统", responses((status = 200, description = "辖区内用户（需要“管理用户”权限）", body = serde_json::Value), (status = 403, description = "无此权限", body = ErrorBody)))]
async fn user_list(State(s): State<AppState>, c: Caller) -> ApiResult<Value> {
    let users = s.store.users_in_scope(&c.access).await?;
    Ok(Json(json!({ "items": users })))
}

#[utoipa::path(get, path = "/api/roles", tag = "系统", responses((status = 200, description = "角色及其权限", body = serde_json::Value)))]
async fn role_list(State(s): State<AppState>, _c: Caller) -> ApiResult<Value> {
    let items: Vec<Value> = s
        .store
        .roles()
        .await?
        .into_iter()
        .map(|(code, name, description, permissions)| {
            let labels: Vec<&str> = permissions
                .iter()
                .map(|p| fangpin_store::users::permission_label(p))
                .collect();
            json!({
                "code": code,
                "name": name,
                "description": description,
                "permissions": permissions,
                "permission_labels": labels,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/households/{id}/history", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "历次版本：时间、操作人、原因和逐字段变化（证件号、电话脱敏）", body = serde_json::Value), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_history(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Value> {
    let items = s.store.household_history(&c.access, id).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    from: i32,
    to: i32,
}

#[utoipa::path(get, path = "/api/households/{id}/diff", tag = "农户档案", params(("id" = i64, Path, description = "农户编号"), DiffQuery), responses((status = 200, description = "两个版本之间的逐字段差异", body = serde_json::Value), (status = 404, description = "版本不存在", body = ErrorBody)))]
async fn household_diff(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<Value> {
    let items = s.store.household_diff(&c.access, id, q.from, q.to).await?;
    Ok(Json(json!({ "from": q.from, "to": q.to, "items": items })))
}

/// A household with its members and income records, as written by clients
/// (full ID numbers; amounts in 分), with the reason for the change.
#[derive(Deserialize, utoipa::ToSchema)]
struct HouseholdWrite {
    #[schema(value_type = Object)]
    household: fangpin_domain::household::Household,
    #[schema(value_type = Vec<Object>)]
    members: Vec<fangpin_domain::household::Person>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    incomes: Vec<fangpin_domain::income::IncomeRecord>,
    /// 变更原因（必填），记入历史版本和审计日志。
    reason: String,
}

#[utoipa::path(post, path = "/api/households", tag = "农户档案", request_body = HouseholdWrite, responses((status = 201, description = "已建档，返回 {id}", body = serde_json::Value), (status = 400, description = "字段错误（中文说明）或户编号已存在", body = ErrorBody), (status = 403, description = "无维护权限或不在辖区内", body = ErrorBody)))]
async fn household_create(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(w): ApiJson<HouseholdWrite>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let id = s
        .store
        .create_household(&c.access, w.household, w.members, w.incomes, &w.reason)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[utoipa::path(put, path = "/api/households/{id}", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = HouseholdWrite, responses((status = 200, description = "已保存，返回变化部分 {changes}；每次变化形成一个历史版本", body = serde_json::Value), (status = 400, description = "字段错误（中文说明）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_update(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(w): ApiJson<HouseholdWrite>,
) -> ApiResult<Value> {
    let changes = s
        .store
        .update_household(&c.access, id, w.household, w.members, w.incomes, &w.reason)
        .await?;
    Ok(Json(json!({ "changes": changes })))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RemoveBody {
    /// 死亡、迁出、婚嫁迁出、分户、服刑、其他
    reason: String,
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, path = "/api/households/{id}/members/{person_no}/remove", tag = "农户档案", params(("id" = i64, Path, description = "农户编号"), ("person_no" = String, Path, description = "人口编号")), request_body = RemoveBody, responses((status = 204, description = "已办理自然减少（形成历史版本）"), (status = 400, description = "原因无效或不能减少户主", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn member_remove(
    State(s): State<AppState>,
    c: Caller,
    ApiPath((id, person_no)): ApiPath<(i64, String)>,
    ApiJson(r): ApiJson<RemoveBody>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.store
        .remove_member(&c.access, id, &person_no, &r.reason, &r.note)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct AddMemberBody {
    /// 新成员全字段（完整证件号码）；人口编号可留空，由系统按户编号续编。
    #[schema(value_type = Object)]
    person: fangpin_domain::household::Person,
    /// 新生儿、婚嫁迁入、收养、回迁、其他迁入
    reason: String,
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, path = "/api/households/{id}/members", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = AddMemberBody, responses((status = 201, description = "已新增成员（形成历史版本），返回 {person_no}", body = serde_json::Value), (status = 400, description = "原因无效、字段错误或证件号码已登记（中文说明）", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn member_add(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<AddMemberBody>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let person_no = s
        .store
        .add_member(&c.access, id, r.person, &r.reason, &r.note)
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({ "person_no": person_no })),
    ))
}

/// 与户主关系 codes after a change, as `{relations: [{person_no, relation}]}`.
fn relations_json(codes: Vec<(String, String)>) -> Json<Value> {
    let items: Vec<Value> = codes
        .into_iter()
        .map(|(p, r)| json!({"person_no": p, "relation": r}))
        .collect();
    Json(json!({ "relations": items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct HeadBody {
    /// 新户主的人口编号（须为本户现有成员）。
    person_no: String,
    /// 需要改定的与户主关系（人口编号 → 代码）；未列出的成员由系统按原关系推算。
    #[serde(default)]
    relations: std::collections::BTreeMap<String, String>,
    /// 变更原因（必填）。
    reason: String,
}

#[utoipa::path(post, path = "/api/households/{id}/head", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = HeadBody, responses((status = 200, description = "已变更户主（形成历史版本），返回各成员新的与户主关系 {relations}", body = serde_json::Value), (status = 400, description = "新户主不是本户成员、原因为空或关系代码无效", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn head_change(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<HeadBody>,
) -> ApiResult<Value> {
    let codes = s
        .store
        .change_head(&c.access, id, &r.person_no, &r.relations, &r.reason)
        .await?;
    Ok(relations_json(codes))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SplitBody {
    /// 分出成员的人口编号（不含原户主；原户至少保留户主）。
    members: Vec<String>,
    /// 新户户主的人口编号（须为分出成员之一）。
    head: String,
    /// 新户编号；留空则按本村已有户编号续编。
    #[serde(default)]
    household_no: Option<String>,
    /// 需要改定的与新户主关系（人口编号 → 代码）。
    #[serde(default)]
    relations: std::collections::BTreeMap<String, String>,
    /// 变更原因（必填）。
    reason: String,
}

#[utoipa::path(post, path = "/api/households/{id}/split", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = SplitBody, responses((status = 201, description = "已分户：新户建档于同村同组，返回 {id, household_no}；两户各形成历史版本", body = serde_json::Value), (status = 400, description = "成员选择、户主或户编号无效（中文说明）", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_split(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<SplitBody>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let plan = fangpin_store::edit::SplitPlan {
        members: r.members,
        head: r.head,
        household_no: r.household_no,
        relations: r.relations,
        reason: r.reason,
    };
    let (new_id, no) = s.store.split_household(&c.access, id, &plan).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({ "id": new_id, "household_no": no })),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct MergeBody {
    /// 并入本户的另一户的农户编号；该户全部成员并入本户，该户不再列入当前档案（保留历史版本）。
    other_id: i64,
    /// 对方户主与本户户主的关系代码；留空为“99 其他”。
    #[serde(default)]
    head_relation: Option<String>,
    /// 需要改定的与户主关系（人口编号 → 代码）。
    #[serde(default)]
    relations: std::collections::BTreeMap<String, String>,
    /// 变更原因（必填）。
    reason: String,
}

#[utoipa::path(post, path = "/api/households/{id}/merge", tag = "农户档案", params(("id" = i64, Path, description = "农户编号（合并后保留的户）")), request_body = MergeBody, responses((status = 200, description = "已合户，返回并入成员的与户主关系 {relations}；两户各形成历史版本", body = serde_json::Value), (status = 400, description = "原因为空、关系代码无效或该户已合户", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "任一户不存在或不在辖区内", body = ErrorBody)))]
async fn household_merge(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<MergeBody>,
) -> ApiResult<Value> {
    let plan = fangpin_store::edit::MergePlan {
        other: r.other_id,
        head_relation: r.head_relation,
        relations: r.relations,
        reason: r.reason,
    };
    let codes = s.store.merge_households(&c.access, id, &plan).await?;
    Ok(relations_json(codes))
}
