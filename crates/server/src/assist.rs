//! 帮扶 routes: the measure catalogue, the 帮扶干部 registry, pairing a
//! household with its 帮扶责任人, the 一户一策 plan and the measures on it.
//! Handlers are thin: forms are parsed by `fangpin_domain::assist`, every
//! rule of who may write what lives in `fangpin_store::assist`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use fangpin_domain::Money;
use fangpin_domain::assist::{
    CadreForm, Catalogue, MeasureCorrection, MeasureForm, PlanForm, StatusChange,
};
use fangpin_store::assist::{
    AssistFilter, AssistRow, CadreFilter, FreeMeasure, HouseholdAssistance, MeasureRow, NewMeasure,
    Pairing, PlanView,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::monitor::area_param;
use crate::openapi::ErrorBody;
use crate::page::{CodeLabel, Created, Done, FullPhone, Items, Page, PageQuery, Paging};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/assist/catalogue", routes!(catalogue), Guard::Session)
        .route("/api/assist/households", routes!(assisted), Guard::Scoped)
        .route(
            "/api/cadres",
            routes!(cadre_list, cadre_create),
            Guard::Admin,
        )
        .route("/api/cadres/{id}", routes!(cadre_update), Guard::Admin)
        .route("/api/cadres/{id}/phone", routes!(cadre_phone), Guard::Admin)
        .route(
            "/api/households/{id}/assistance",
            routes!(household_assistance),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/responsible",
            routes!(pair),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/responsible/end",
            routes!(unpair),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/plan",
            routes!(plan_save),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/plan/review",
            routes!(plan_review),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/measures",
            routes!(measure_list, measure_add),
            Guard::Household,
        )
        .route(
            "/api/measures/{id}",
            routes!(measure_correct),
            Guard::Record,
        )
        .route(
            "/api/measures/{id}/status",
            routes!(measure_status),
            Guard::Record,
        )
}

/// The measure catalogue (policy.md §5.2) with each item's kind and what
/// happens to it after elimination (§5.3).
#[utoipa::path(get, path = "/api/assist/catalogue", tag = "帮扶", responses((status = 200, description = "{items}：编码、类别、名称、性质（开发式/保障/兜底/其他）、风险消除后政策、要求；{categories, kinds, statuses}：可选值", body = CatalogueView)))]
async fn catalogue(_c: Caller) -> ApiResult<CatalogueView> {
    use fangpin_domain::assist::{Category, MeasureKind, MeasureStatus};
    let items = Catalogue::official()
        .items()
        .iter()
        .map(|i| CatalogueEntry {
            after_elimination: i.after_elimination.label(),
            category: i.category,
            category_label: i.category.label(),
            code: i.code.clone(),
            kind: i.kind,
            name: i.name.clone(),
            requires: i.requires.map(fangpin_domain::assist::Requirement::label),
        })
        .collect();
    Ok(Json(CatalogueView {
        categories: Category::ALL
            .iter()
            .map(|c| CodeLabel::of(c.code(), c.label()))
            .collect(),
        items,
        kinds: MeasureKind::ALL
            .iter()
            .map(|c| CodeLabel::of(c.code(), c.label()))
            .collect(),
        statuses: MeasureStatus::ALL
            .iter()
            .map(|c| CodeLabel::of(c.code(), c.label()))
            .collect(),
    }))
}

/// The measure catalogue with the choices of its fields.
#[derive(Serialize, utoipa::ToSchema)]
struct CatalogueView {
    categories: Vec<CodeLabel>,
    items: Vec<CatalogueEntry>,
    kinds: Vec<CodeLabel>,
    statuses: Vec<CodeLabel>,
}

/// One measure of the catalogue.
#[derive(Serialize, utoipa::ToSchema)]
struct CatalogueEntry {
    /// 风险消除后政策
    after_elimination: &'static str,
    category: fangpin_domain::assist::Category,
    category_label: &'static str,
    code: String,
    kind: fangpin_domain::assist::MeasureKind,
    name: String,
    requires: Option<&'static str>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AssistQuery {
    /// 区划代码（本级及下级）。
    area: Option<String>,
    /// 只看尚未明确帮扶责任人的农户。
    unpaired: Option<bool>,
}

/// 帮扶对象: monitored households (risk not eliminated) with their 帮扶责任人,
/// plan and measures; a 帮扶责任人 sees only their own.
#[utoipa::path(get, path = "/api/assist/households", tag = "帮扶", params(AssistQuery, PageQuery), responses((status = 200, description = "分页列表；未明确帮扶责任人的在前，含明确期限和临期/逾期状态", body = Page<AssistRow>), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn assisted(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AssistQuery>,
    p: Paging,
) -> ApiResult<Page<AssistRow>> {
    let f = AssistFilter {
        area: area_param(q.area, "area")?,
        unpaired_only: q.unpaired.unwrap_or(false),
        offset: p.offset,
        limit: p.page_size,
    };
    let (total, items) = s
        .store
        .assisted_households(&c.access, &f, s.clock.now())
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CadreQuery {
    /// 区划代码（本级及下级）。
    area: Option<String>,
    /// 只看在岗干部。
    active: Option<bool>,
    /// 姓名或单位中的文字。
    q: Option<String>,
}

/// 帮扶干部库 in the caller's area (phones masked).
#[utoipa::path(get, path = "/api/cadres", tag = "帮扶", params(CadreQuery), responses((status = 200, description = "{items}：姓名、单位、职务、电话（脱敏）、帮扶区域、登录账号、在岗、结对户数", body = Items<fangpin_store::assist::CadreRow>), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn cadre_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<CadreQuery>,
) -> ApiResult<Items<fangpin_store::assist::CadreRow>> {
    let f = CadreFilter {
        area: area_param(q.area, "area")?,
        active_only: q.active.unwrap_or(false),
        q: q.q,
    };
    let items = s.store.cadres(&c.access, &f).await?;
    Ok(Items::json(items))
}

/// Adds a 帮扶干部.
#[utoipa::path(post, path = "/api/cadres", tag = "帮扶", request_body = CadreForm, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "字段错误（中文说明指出字段）", body = ErrorBody), (status = 403, description = "无“维护农户档案”权限", body = ErrorBody)))]
async fn cadre_create(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<CadreForm>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = s.store.create_cadre(&c.access, &b, s.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Replaces a 帮扶干部's entry (a cadre with households cannot be marked 不在岗).
#[utoipa::path(put, path = "/api/cadres/{id}", tag = "帮扶", params(("id" = i64, Path, description = "干部编号")), request_body = CadreForm, responses((status = 200, description = "{ok}", body = Done), (status = 400, description = "字段错误或仍有结对农户", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn cadre_update(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CadreForm>,
) -> ApiResult<Done> {
    s.store
        .update_cadre(&c.access, id, &b, s.clock.now())
        .await?;
    Ok(Json(Done { ok: true }))
}

/// A 帮扶干部's full phone number; each reveal is audited.
#[utoipa::path(post, path = "/api/cadres/{id}/phone", tag = "帮扶", params(("id" = i64, Path, description = "干部编号")), responses((status = 200, description = "{phone}：完整联系电话（需要“查看完整证件号”权限；每次查看记入审计日志）", body = FullPhone), (status = 403, description = "无此权限或缺少 CSRF 令牌", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn cadre_phone(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<FullPhone> {
    let phone = s.store.cadre_phone(&c.access, id).await?;
    Ok(Json(FullPhone { phone }))
}

/// The household's 帮扶 panel.
#[utoipa::path(get, path = "/api/households/{id}/assistance", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "帮扶责任人及历史、明确期限、一户一策计划、帮扶措施、当前用户可否修改", body = HouseholdAssistance), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_assistance(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<HouseholdAssistance> {
    Ok(Json(
        s.store
            .household_assistance(&c.access, id, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PairBody {
    cadre_id: i64,
    /// 结对日期；缺省为今天。
    from_on: Option<NaiveDate>,
}

/// Names the household's 帮扶责任人 (the current one ends that day).
#[utoipa::path(post, path = "/api/households/{id}/responsible", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), request_body = PairBody, responses((status = 200, description = "新的帮扶责任人", body = Pairing), (status = 400, description = "非监测对象、干部不在岗或区域不符等", body = ErrorBody), (status = 404, description = "农户或干部不存在或不在辖区内", body = ErrorBody)))]
async fn pair(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PairBody>,
) -> ApiResult<Pairing> {
    let now = s.clock.now();
    let from = b
        .from_on
        .unwrap_or_else(|| fangpin_store::calendar::china_day(now));
    Ok(Json(
        s.store.pair(&c.access, id, b.cadre_id, from, now).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct UnpairBody {
    /// 解除日期；缺省为今天。
    until_on: Option<NaiveDate>,
    reason: String,
}

/// Ends the current pairing.
#[utoipa::path(post, path = "/api/households/{id}/responsible/end", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), request_body = UnpairBody, responses((status = 200, description = "{ok}", body = Done), (status = 400, description = "没有帮扶责任人或缺少原因", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn unpair(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UnpairBody>,
) -> ApiResult<Done> {
    let now = s.clock.now();
    let until = b
        .until_on
        .unwrap_or_else(|| fangpin_store::calendar::china_day(now));
    s.store.unpair(&c.access, id, until, &b.reason, now).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PlanBody {
    #[serde(flatten)]
    form: PlanForm,
    /// 页面打开时计划的 revision。
    revision: Option<i32>,
}

/// Saves the 一户一策 plan (changed goals need a new review).
#[utoipa::path(put, path = "/api/households/{id}/plan", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), request_body(content = PlanBody, description = "审核另见 /plan/review"), responses((status = 200, description = "保存后的计划", body = PlanView), (status = 400, description = "字段错误或已被他人修改", body = ErrorBody), (status = 403, description = "非本户帮扶责任人且无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn plan_save(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PlanBody>,
) -> ApiResult<PlanView> {
    Ok(Json(
        s.store
            .save_plan(&c.access, id, &b.form, b.revision, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ReviewBody {
    /// 审核时看到的计划 revision。
    revision: i32,
}

/// 审核 of the 一户一策 plan: a 乡镇审核 or 县级审定 account of the household's
/// area, never whoever made or last changed the plan.
#[utoipa::path(post, path = "/api/households/{id}/plan/review", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), request_body = ReviewBody, responses((status = 200, description = "审核后的计划", body = PlanView), (status = 400, description = "尚无计划、已审核或已被他人修改", body = ErrorBody), (status = 403, description = "非乡镇或县级审核人员，或本人制定或修改的计划", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn plan_review(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> ApiResult<PlanView> {
    Ok(Json(
        s.store
            .review_plan(&c.access, id, b.revision, s.clock.now())
            .await?,
    ))
}

/// The household's measures.
#[utoipa::path(get, path = "/api/households/{id}/measures", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "{items}", body = Items<MeasureRow>), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn measure_list(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Items<MeasureRow>> {
    let a = s
        .store
        .household_assistance(&c.access, id, s.clock.now())
        .await?;
    Ok(Items::json(a.measures))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct MeasureBody {
    /// Catalogue code; without one, the category and kind of an older client.
    code: Option<String>,
    category: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    name: String,
    target_risk: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    #[serde(default)]
    amount_fen: i64,
    #[serde(default)]
    status: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    note: String,
}

/// Records a measure: a catalogue item (`code`), or — for older clients —
/// a category, kind and name.
#[utoipa::path(post, path = "/api/households/{id}/measures", tag = "帮扶", params(("id" = i64, Path, description = "农户编号")), request_body(content = MeasureBody, description = "无 code 时须有 category、kind、name"), responses((status = 201, description = "{id}：措施编号", body = Created), (status = 400, description = "字段错误", body = ErrorBody), (status = 403, description = "非本户帮扶责任人且无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn measure_add(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeasureBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = s.clock.now();
    let new = match b.code {
        Some(code) => NewMeasure::Catalogue(MeasureForm {
            code,
            name: b.name,
            target_risk: b.target_risk,
            started_on: b.started_on,
            ended_on: b.ended_on,
            amount_fen: b.amount_fen,
            status: b.status,
            evidence: b.evidence,
        }),
        None => {
            let (Some(category), Some(kind)) = (b.category, b.kind) else {
                return Err(ApiError::bad_request(
                    "请选择措施目录中的措施（code），或填写措施类别和性质",
                ));
            };
            NewMeasure::Free(FreeMeasure {
                category,
                kind,
                name: b.name,
                target_risk: b.target_risk,
                started_on: b.started_on,
                amount: Money::from_fen(b.amount_fen),
                note: b.note,
            })
        }
    };
    let mid = s.store.add_measure(&c.access, id, &new, now).await?;
    Ok((StatusCode::CREATED, Json(Created { id: mid })))
}

/// Moves a measure along 计划 → 实施中 → 已完成 / 已终止.
#[utoipa::path(post, path = "/api/measures/{id}/status", tag = "帮扶", params(("id" = i64, Path, description = "措施编号")), request_body = StatusChange, responses((status = 200, description = "修改后的措施", body = MeasureRow), (status = 400, description = "状态不能这样变更、缺少佐证或终止原因", body = ErrorBody), (status = 403, description = "非本户帮扶责任人且无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn measure_status(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusChange>,
) -> ApiResult<MeasureRow> {
    Ok(Json(
        s.store
            .change_measure_status(&c.access, id, &b, s.clock.now())
            .await?,
    ))
}

/// Corrects a measure's item, name, risk, start, amount or evidence, with a
/// reason; its status moves only through `/status`.
#[utoipa::path(patch, path = "/api/measures/{id}", tag = "帮扶", params(("id" = i64, Path, description = "措施编号")), request_body = MeasureCorrection, responses((status = 200, description = "修改后的措施", body = MeasureRow), (status = 400, description = "字段错误、缺少修改原因或页面已过期（中文说明，未保存）", body = ErrorBody), (status = 403, description = "非本户帮扶责任人且无维护权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn measure_correct(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeasureCorrection>,
) -> ApiResult<MeasureRow> {
    Ok(Json(
        s.store
            .correct_measure(&c.access, id, &b, s.clock.now())
            .await?,
    ))
}
