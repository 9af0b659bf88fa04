//! The household register: list, the household page (members, and each
//! income year against the 监测范围), create and edit, member changes, split
//! and merge, history, and the full ID numbers on request.

use axum::Json;
use axum::extract::State;
use fangpin_domain::AreaCode;
use fangpin_domain::mask_phone;
use fangpin_store::history::{FieldChange, VersionInfo};
use fangpin_store::{HouseholdFilter, HouseholdListItem, RevealedIds};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, Created, Items, Page, PageQuery, Paging, non_empty};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/households",
            routes!(household_list, household_create),
            Guard::Scoped,
        )
        .route(
            "/api/households/{id}",
            routes!(household_detail, household_update),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/reveal",
            routes!(reveal_ids),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/history",
            routes!(household_history),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/members/{person_no}/remove",
            routes!(member_remove),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/members",
            routes!(member_add),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/head",
            routes!(head_change),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/split",
            routes!(household_split),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/merge",
            routes!(household_merge),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/diff",
            routes!(household_diff),
            Guard::Household,
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HouseholdQuery {
    area: Option<String>,
    group_no: Option<u16>,
    household_type: Option<String>,
    monitor_category: Option<String>,
    q: Option<String>,
}

/// A household as lists show it (ID number and phone masked).
#[derive(Serialize, utoipa::ToSchema)]
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

#[utoipa::path(get, path = "/api/households", tag = "农户档案", params(HouseholdQuery, PageQuery), responses((status = 200, description = "农户分页列表 {items,total,page,page_size}，证件号码和电话均脱敏", body = Page<HouseholdRow>), (status = 400, description = "参数错误", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody)))]
async fn household_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
    p: Paging,
) -> ApiResult<Page<HouseholdRow>> {
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
        .household_page(&c.access, &filter, p.offset, p.page_size)
        .await?;
    Ok(Page::json(
        rows.into_iter().map(row_of).collect(),
        total,
        p.page,
        p.page_size,
    ))
}

#[utoipa::path(post, path = "/api/households/{id}/reveal", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "完整证件号码（需要“查看完整证件号”权限；每次查看记入审计日志）", body = RevealedIds), (status = 403, description = "无此权限或缺少 CSRF 令牌", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn reveal_ids(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<RevealedIds> {
    Ok(Json(s.store.reveal_ids(&c.access, id).await?))
}

#[utoipa::path(get, path = "/api/households/{id}/history", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "历次版本：时间、操作人、原因和逐字段变化（证件号、电话脱敏）", body = Items<VersionInfo>), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_history(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Items<VersionInfo>> {
    Ok(Items::json(s.store.household_history(&c.access, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    from: i32,
    to: i32,
}

#[utoipa::path(get, path = "/api/households/{id}/diff", tag = "农户档案", params(("id" = i64, Path, description = "农户编号"), DiffQuery), responses((status = 200, description = "两个版本之间的逐字段差异", body = Diff), (status = 404, description = "版本不存在", body = ErrorBody)))]
async fn household_diff(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<Diff> {
    let items = s.store.household_diff(&c.access, id, q.from, q.to).await?;
    Ok(Json(Diff {
        from: q.from,
        items,
        to: q.to,
    }))
}

/// The field changes between two versions.
#[derive(Serialize, utoipa::ToSchema)]
struct Diff {
    from: i32,
    items: Vec<FieldChange>,
    to: i32,
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

#[utoipa::path(post, path = "/api/households", tag = "农户档案", request_body = HouseholdWrite, responses((status = 201, description = "已建档，返回 {id}", body = Created), (status = 400, description = "字段错误（中文说明）或户编号已存在", body = ErrorBody), (status = 403, description = "无维护权限或不在辖区内", body = ErrorBody)))]
async fn household_create(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(w): ApiJson<HouseholdWrite>,
) -> Result<(axum::http::StatusCode, Json<Created>), ApiError> {
    let id = s
        .store
        .create_household(&c.access, w.household, w.members, w.incomes, &w.reason)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(put, path = "/api/households/{id}", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = HouseholdWrite, responses((status = 200, description = "已保存，返回变化部分 {changes}；每次变化形成一个历史版本", body = Changes), (status = 400, description = "字段错误（中文说明）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_update(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(w): ApiJson<HouseholdWrite>,
) -> ApiResult<Changes> {
    let changes = s
        .store
        .update_household(&c.access, id, w.household, w.members, w.incomes, &w.reason)
        .await?;
    Ok(Json(Changes { changes }))
}

/// What a save changed.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Changes {
    changes: Vec<String>,
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

#[utoipa::path(post, path = "/api/households/{id}/members", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = AddMemberBody, responses((status = 201, description = "已新增成员（形成历史版本），返回 {person_no}", body = PersonNo), (status = 400, description = "原因无效、字段错误或证件号码已登记（中文说明）", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn member_add(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<AddMemberBody>,
) -> Result<(axum::http::StatusCode, Json<PersonNo>), ApiError> {
    let person_no = s
        .store
        .add_member(&c.access, id, r.person, &r.reason, &r.note)
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(PersonNo { person_no }),
    ))
}

/// The 人口编号 of a new member.
#[derive(Serialize, utoipa::ToSchema)]
struct PersonNo {
    person_no: String,
}

/// 与户主关系 codes after a change.
#[derive(Serialize, utoipa::ToSchema)]
struct Relations {
    relations: Vec<MemberRelation>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct MemberRelation {
    person_no: String,
    relation: String,
}

/// 与户主关系 codes after a change, as `{relations: [{person_no, relation}]}`.
fn relations_json(codes: Vec<(String, String)>) -> Json<Relations> {
    let relations = codes
        .into_iter()
        .map(|(person_no, relation)| MemberRelation {
            person_no,
            relation,
        })
        .collect();
    Json(Relations { relations })
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

#[utoipa::path(post, path = "/api/households/{id}/head", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = HeadBody, responses((status = 200, description = "已变更户主（形成历史版本），返回各成员新的与户主关系 {relations}", body = Relations), (status = 400, description = "新户主不是本户成员、原因为空或关系代码无效", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn head_change(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<HeadBody>,
) -> ApiResult<Relations> {
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

#[utoipa::path(post, path = "/api/households/{id}/split", tag = "农户档案", params(("id" = i64, Path, description = "农户编号")), request_body = SplitBody, responses((status = 201, description = "已分户：新户建档于同村同组，返回 {id, household_no}；两户各形成历史版本", body = SplitOff), (status = 400, description = "成员选择、户主或户编号无效（中文说明）", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_split(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<SplitBody>,
) -> Result<(axum::http::StatusCode, Json<SplitOff>), ApiError> {
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
        Json(SplitOff {
            household_no: no,
            id: new_id,
        }),
    ))
}

/// The household split off.
#[derive(Serialize, utoipa::ToSchema)]
struct SplitOff {
    household_no: String,
    id: i64,
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

#[utoipa::path(post, path = "/api/households/{id}/merge", tag = "农户档案", params(("id" = i64, Path, description = "农户编号（合并后保留的户）")), request_body = MergeBody, responses((status = 200, description = "已合户，返回并入成员的与户主关系 {relations}；两户各形成历史版本", body = Relations), (status = 400, description = "原因为空、关系代码无效或该户已合户", body = ErrorBody), (status = 403, description = "无维护权限", body = ErrorBody), (status = 404, description = "任一户不存在或不在辖区内", body = ErrorBody)))]
async fn household_merge(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<MergeBody>,
) -> ApiResult<Relations> {
    let plan = fangpin_store::edit::MergePlan {
        other: r.other_id,
        head_relation: r.head_relation,
        relations: r.relations,
        reason: r.reason,
    };
    let codes = s.store.merge_households(&c.access, id, &plan).await?;
    Ok(relations_json(codes))
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
