//! 走访 routes: the visit log (record, list, one visit, 转为风险线索), the
//! lists a visit form offers, and campaigns (create, list, progress per
//! area, households left to visit). Handlers are thin: forms are parsed by
//! `fangpin_domain::visits`, every rule of scope and role lives in
//! `fangpin_store::visits`.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use fangpin_domain::visits::{
    CampaignForm, CampaignKind, Flag, PRESETS, TARGET_RULES, VisitForm, VisitKind,
};
use fangpin_store::calendar::china_day;
use fangpin_store::visits::{
    CampaignProgress, CampaignRow, PendingTarget, PhotoMeta, PhotoUpload, Redraw, VisitFilter,
    VisitInput, VisitRow,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::monitor::area_param;
use crate::openapi::ErrorBody;
use crate::page::{CodeLabel, Created, Items, Page, PageQuery, Paging};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/visits", routes!(list, record), Guard::Scoped)
        .route("/api/visits/options", routes!(options), Guard::Session)
        .route("/api/visits/{id}", routes!(detail), Guard::Record)
        .route("/api/visits/{id}/lead", routes!(raise_lead), Guard::Record)
        .route_with(
            "/api/visits/{id}/photos",
            routes!(add_photos),
            Guard::Record,
            |m| m.layer(DefaultBodyLimit::max(MAX_PHOTO_REQUEST)),
        )
        .route(
            "/api/visits/{id}/photos/{photo}",
            routes!(photo),
            Guard::Record,
        )
        .route(
            "/api/visits/{id}/photos/{photo}/remove",
            routes!(remove_photo),
            Guard::Record,
        )
        .route(
            "/api/campaigns",
            routes!(campaigns, create_campaign),
            Guard::Scoped,
        )
        .route(
            "/api/campaigns/{id}/progress",
            routes!(progress),
            Guard::Scoped,
        )
        .route(
            "/api/campaigns/{id}/pending",
            routes!(pending),
            Guard::Scoped,
        )
        .route("/api/campaigns/{id}/redraw", routes!(redraw), Guard::Admin)
}

/// The most one photo upload request may carry. The area's parameters set
/// the real limits (photos per visit, bytes per photo) and are enforced as
/// the files arrive; this only bounds what the server reads at all.
const MAX_PHOTO_REQUEST: usize = 100 * 1024 * 1024;

fn bad(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(e.to_string())
}

fn date_param(v: Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad(format!("参数 {name}：日期应为 YYYY-MM-DD，实际为 {s}"))),
    }
}

/// The codes and Chinese names the visit and campaign forms offer.
#[utoipa::path(get, path = "/api/visits/options", tag = "走访", responses((status = 200, description = "{today, kinds, flags, campaign_kinds, rules, presets}：服务器今天的日期、走访方式、发现情况、排查类型、排查对象规则和名单（八必访、五访）", body = VisitOptions)))]
async fn options(State(s): State<AppState>, _c: Caller) -> Json<VisitOptions> {
    Json(VisitOptions {
        campaign_kinds: CampaignKind::ALL
            .iter()
            .map(|k| CodeLabel::of(k.code(), k.label()))
            .collect(),
        flags: Flag::ALL
            .iter()
            .map(|k| CodeLabel::of(k.code(), k.label()))
            .collect(),
        kinds: VisitKind::ALL
            .iter()
            .map(|k| CodeLabel::of(k.code(), k.label()))
            .collect(),
        presets: PRESETS,
        rules: TARGET_RULES
            .iter()
            .map(|r| TargetRuleView {
                group: r.group,
                group_label: r.group.label(),
                id: r.id,
                label: r.label,
                note: r.note,
            })
            .collect(),
        today: china_day(s.clock.now()),
    })
}

/// The choices of the visit and campaign forms.
#[derive(Serialize, utoipa::ToSchema)]
struct VisitOptions {
    campaign_kinds: Vec<CodeLabel>,
    flags: Vec<CodeLabel>,
    kinds: Vec<CodeLabel>,
    presets: &'static [fangpin_domain::visits::Preset],
    rules: Vec<TargetRuleView>,
    today: NaiveDate,
}

/// A target rule of campaigns.
#[derive(Serialize, utoipa::ToSchema)]
struct TargetRuleView {
    group: fangpin_domain::visits::RuleGroup,
    group_label: &'static str,
    id: &'static str,
    label: &'static str,
    note: &'static str,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VisitQuery {
    /// 农户编号。
    household_id: Option<i64>,
    /// 区划代码（本级及下级）。
    area: Option<String>,
    /// 只看我登记的走访。
    mine: Option<bool>,
    /// 走访日期起（YYYY-MM-DD）。
    from: Option<String>,
    /// 走访日期止（YYYY-MM-DD）。
    until: Option<String>,
    /// 只看发现风险、尚未转为线索的走访。
    risk_pending: Option<bool>,
}

/// Visits in the caller's area, newest first.
#[utoipa::path(get, path = "/api/visits", tag = "走访", params(VisitQuery, PageQuery), responses((status = 200, description = "走访记录分页列表", body = Page<VisitRow>), (status = 400, description = "参数错误", body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<VisitQuery>,
    p: Paging,
) -> ApiResult<Page<VisitRow>> {
    let f = VisitFilter {
        household_id: q.household_id,
        area: area_param(q.area, "area")?,
        visitor_id: if q.mine.unwrap_or(false) {
            Some(c.user.id)
        } else {
            None
        },
        from: date_param(q.from, "from")?,
        until: date_param(q.until, "until")?,
        risk_pending: q.risk_pending.unwrap_or(false),
        offset: p.offset,
        limit: p.page_size,
    };
    let (total, items) = s.store.visits(&c.access, &f).await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct VisitBody {
    household_id: i64,
    /// 走访日期（YYYY-MM-DD），缺省为今天。
    date: Option<String>,
    /// 走访方式：home / phone / sweep / verify / follow_up
    kind: String,
    /// 走访情况。
    findings: String,
    /// 发现情况代码，如 illness、income_drop。
    #[serde(default)]
    flags: Vec<String>,
    /// 发现风险（选了发现情况即视为发现风险）。
    #[serde(default)]
    risk_found: bool,
    /// 所属集中排查。
    campaign_id: Option<i64>,
}

/// Records a visit on a household of the caller's area (村级、帮扶责任人).
#[utoipa::path(post, path = "/api/visits", tag = "走访", request_body = VisitBody, responses((status = 201, description = "{id}：走访记录编号", body = Created), (status = 400, description = "字段错误（中文说明字段）", body = ErrorBody), (status = 403, description = "当前角色不能登记走访", body = ErrorBody), (status = 404, description = "农户不存在或不在辖区内", body = ErrorBody)))]
async fn record(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<VisitBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = s
        .store
        .record_visit(
            &c.access,
            VisitInput {
                household_id: b.household_id,
                form: VisitForm {
                    date: b.date,
                    kind: b.kind,
                    findings: b.findings,
                    flags: b.flags,
                    risk_found: b.risk_found,
                },
                campaign_id: b.campaign_id,
            },
            s.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/visits/{id}", tag = "走访", params(("id" = i64, Path, description = "走访记录编号")), responses((status = 200, description = "走访记录", body = VisitRow), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<VisitRow> {
    Ok(Json(s.store.visit(&c.access, id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct VisitLeadBody {
    /// 绿色通道（因灾、意外事故：先帮扶后认定）。
    #[serde(default)]
    green_channel: bool,
}

/// 转为风险线索: opens a case (channel 干部排查) from the visit and links it.
#[utoipa::path(post, path = "/api/visits/{id}/lead", tag = "走访", params(("id" = i64, Path, description = "走访记录编号")), request_body = VisitLeadBody, responses((status = 201, description = "{case_id}：新案件编号", body = LeadOpened), (status = 400, description = "已转为线索、该户已有办理中的案件或已是监测对象", body = ErrorBody), (status = 403, description = "当前角色不能办理识别", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn raise_lead(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VisitLeadBody>,
) -> Result<(StatusCode, Json<LeadOpened>), ApiError> {
    let case_id = s
        .store
        .raise_lead_from_visit(&c.access, id, b.green_channel, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(LeadOpened { case_id })))
}

/// The case opened from a visit.
#[derive(Serialize, utoipa::ToSchema)]
struct LeadOpened {
    case_id: i64,
}

/// Campaigns that concern the caller's area, each with its progress there.
#[utoipa::path(get, path = "/api/campaigns", tag = "走访", responses((status = 200, description = "{items}：集中排查，含本辖区的应访、已访、逾期户数", body = Items<CampaignRow>)))]
async fn campaigns(State(s): State<AppState>, c: Caller) -> ApiResult<Items<CampaignRow>> {
    let items: Vec<CampaignRow> = s.store.campaigns(&c.access, s.clock.now()).await?;
    Ok(Items::json(items))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CampaignBody {
    name: String,
    /// sweep（集中排查）/ grand_visit（大走访大排查）/ recheck（回头看）/ pair_visit（结对帮扶集中走访）
    kind: String,
    /// 排查范围：县或乡镇区划代码，缺省为本人辖区。
    area: Option<String>,
    /// 开始日期（YYYY-MM-DD）。
    from: String,
    /// 截止日期（YYYY-MM-DD）。
    until: String,
    /// 排查对象：规则或名单代码，如 ["all"]、["eight_must"]、["five_must"]、["dibao", "illness"]。
    targets: Vec<String>,
}

/// Creates a campaign (乡镇、县级) and draws its target list now.
#[utoipa::path(post, path = "/api/campaigns", tag = "走访", request_body = CampaignBody, responses((status = 201, description = "{id}：集中排查编号", body = Created), (status = 400, description = "字段错误（中文说明字段）", body = ErrorBody), (status = 403, description = "只有乡镇、县级用户可以组织", body = ErrorBody), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn create_campaign(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<CampaignBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let form = CampaignForm {
        name: b.name,
        kind: b.kind,
        area: b.area.unwrap_or_else(|| c.access.area.as_string()),
        from: b.from,
        until: b.until,
        targets: b.targets,
    };
    let id = s
        .store
        .create_campaign(&c.access, &form, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AreaQuery {
    /// 区划代码；缺省为排查范围与本人辖区中较小者。
    area: Option<String>,
    /// 最多返回户数（待走访名单）。
    limit: Option<u64>,
}

/// Progress under an area, one row per child area (per village under a township).
#[utoipa::path(get, path = "/api/campaigns/{id}/progress", tag = "走访", params(("id" = i64, Path, description = "集中排查编号"), AreaQuery), responses((status = 200, description = "{campaign, area_code, rows}：每个下级区划的应访、已访、未访、逾期户数和完成率", body = CampaignProgress), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn progress(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<CampaignProgress> {
    let area = area_param(q.area, "area")?;
    Ok(Json(
        s.store
            .campaign_progress(&c.access, id, area, s.clock.now())
            .await?,
    ))
}

/// Target households not yet visited within the period.
#[utoipa::path(get, path = "/api/campaigns/{id}/pending", tag = "走访", params(("id" = i64, Path, description = "集中排查编号"), AreaQuery), responses((status = 200, description = "{items}：待走访的对象户及列入原因", body = Items<PendingTarget>), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn pending(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<Items<PendingTarget>> {
    let area = area_param(q.area, "area")?;
    let items: Vec<PendingTarget> = s
        .store
        .campaign_pending(&c.access, id, area, q.limit.unwrap_or(200))
        .await?;
    Ok(Items::json(items))
}

/// 重新生成目标: households that newly match are added, visited ones stay,
/// unvisited ones that no longer match are removed (until the last day).
#[utoipa::path(post, path = "/api/campaigns/{id}/redraw", tag = "走访", params(("id" = i64, Path, description = "集中排查编号")), responses((status = 200, description = "{added, removed, target_count, drawn_on}：新增、移出的户数，现有对象户数和生成日期", body = Redraw), (status = 400, description = "排查已结束", body = ErrorBody), (status = 403, description = "只有排查范围的乡镇、县级用户可以重新生成", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn redraw(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Redraw> {
    Ok(Json(
        s.store
            .redraw_campaign(&c.access, id, s.clock.now())
            .await?,
    ))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "too_large",
            message: format!(
                "上传内容超过{}，请分几次上传照片",
                fangpin_domain::visits::readable_size(MAX_PHOTO_REQUEST as i64)
            ),
        }
    } else {
        bad(format!(
            "照片上传不完整，请重新选择照片后再试（{}）",
            e.body_text()
        ))
    }
}

/// Adds photos to a visit (村级、帮扶责任人, the visit in their area): a
/// multipart form with one file field per photo (any field name). JPEG, PNG
/// or WebP by their bytes, within the area's limits; all land or none.
#[utoipa::path(post, path = "/api/visits/{id}/photos", tag = "走访", params(("id" = i64, Path, description = "走访记录编号")), request_body(content = String, content_type = "multipart/form-data", description = "照片文件（可多个）"), responses((status = 201, description = "{items}：新增的照片（编号、类型、大小、SHA-256、文件名）", body = Items<PhotoMeta>), (status = 400, description = "不是 JPEG/PNG/WebP 图片、超过大小或张数上限（中文说明文件名）", body = ErrorBody), (status = 403, description = "当前角色不能登记走访", body = ErrorBody), (status = 404, description = "走访记录不存在或不在辖区内", body = ErrorBody), (status = 413, description = "请求超过服务器上限", body = ErrorBody)))]
async fn add_photos(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Items<PhotoMeta>>), ApiError> {
    let mut form = form.map_err(|e| {
        bad(format!(
            "照片上传格式错误：请以 multipart/form-data 表单上传照片文件（{}）",
            e.body_text()
        ))
    })?;
    let now = s.clock.now();
    // Role, scope and limits before reading the files.
    let room = s.store.visit_photo_room(&c.access, id, now).await?;
    let limits = room.limits;
    let max_bytes = usize::try_from(limits.max_bytes).unwrap_or(usize::MAX);
    let mut photos: Vec<PhotoUpload> = Vec::new();
    let mut files: i64 = 0;
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        let Some(name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        files += 1;
        // Past the count the files are still counted (for the message) but not kept.
        let keep = room.existing + files <= limits.max_count;
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if keep {
                if bytes.len() + chunk.len() > max_bytes {
                    return Err(bad(limits.over_limit(&name)));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        if keep {
            photos.push(PhotoUpload {
                file_name: name,
                bytes,
            });
        }
    }
    limits.check_count(room.existing, files).map_err(bad)?;
    let items: Vec<PhotoMeta> = s.store.add_visit_photos(&c.access, id, photos, now).await?;
    Ok((StatusCode::CREATED, Items::json(items)))
}

/// One photo of a visit in the caller's area, as the image itself; each
/// read is recorded in the audit log.
#[utoipa::path(get, path = "/api/visits/{id}/photos/{photo}", tag = "走访", params(("id" = i64, Path, description = "走访记录编号"), ("photo" = i64, Path, description = "照片编号")), responses((status = 200, description = "照片（image/jpeg、image/png 或 image/webp）", content_type = "image/*", body = Vec<u8>), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn photo(
    State(s): State<AppState>,
    c: Caller,
    ApiPath((id, photo)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let f = s.store.visit_photo(&c.access, id, photo).await?;
    Ok((
        [
            (header::CONTENT_TYPE, f.meta.content_type.clone()),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
            (header::ETAG, format!("\"{}\"", f.meta.sha256)),
        ],
        f.bytes,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RemovePhotoBody {
    /// 删除原因（如：误传了其他农户的照片）。
    reason: String,
}

/// Removes a photo its uploader attached by mistake, with a reason; the
/// audit log keeps what it was.
#[utoipa::path(post, path = "/api/visits/{id}/photos/{photo}/remove", tag = "走访", params(("id" = i64, Path, description = "走访记录编号"), ("photo" = i64, Path, description = "照片编号")), request_body = RemovePhotoBody, responses((status = 204, description = "已删除"), (status = 400, description = "缺少删除原因", body = ErrorBody), (status = 403, description = "不是本人上传的照片", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn remove_photo(
    State(s): State<AppState>,
    c: Caller,
    ApiPath((id, photo)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<RemovePhotoBody>,
) -> Result<StatusCode, ApiError> {
    s.store
        .remove_visit_photo(&c.access, id, photo, &b.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
