//! 农户自主申报 routes. The public ones need no session: the area list and
//! the form's options, filing a report, and following it by receipt number
//! and the last four characters of the ID number. They are limited per
//! client address (in memory), their bodies are small, and the form carries a
//! honeypot field that people never see. The township's inbox and its
//! decisions need a session like every other data route.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_domain::self_report::{
    CONSENT_TEXT, CONSENT_VERSION, Hardship, Relation, SelfReportForm,
};
use fangpin_store::self_report::{
    Accepted, PublicStatus, Receipt, ReportStatus, SelfReportFilter, SelfReportRow,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::{Caller, ClientIp};
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::{CodeLabel, FullPhone, Page, PageQuery, Paging};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Largest body the public routes read.
pub const PUBLIC_BODY_LIMIT: usize = 16 * 1024;

/// Requests per client address within a sliding window, in memory (per
/// server process). Requests without a known address share one bucket.
#[derive(Clone)]
pub struct RateLimit {
    hits: Arc<Mutex<HashMap<Option<IpAddr>, VecDeque<Instant>>>>,
    max: usize,
    window: Duration,
}

impl RateLimit {
    pub fn new(max: usize, window: Duration) -> RateLimit {
        RateLimit {
            hits: Arc::default(),
            max,
            window,
        }
    }

    /// Counts a request from `ip`; false when the address is over its limit
    /// (a refused request does not count).
    pub fn allow(&self, ip: Option<IpAddr>) -> bool {
        let mut map = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let window = self.window;
        let fresh = |q: &mut VecDeque<Instant>| {
            while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
                q.pop_front();
            }
        };
        if map.len() > 10_000 {
            map.retain(|_, q| {
                fresh(q);
                !q.is_empty()
            });
        }
        let q = map.entry(ip).or_default();
        fresh(q);
        if q.len() >= self.max {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// The limits of the public self-report routes.
#[derive(Clone)]
pub struct PublicLimits {
    /// Submissions (accepted or refused) per address.
    pub submit: RateLimit,
    /// Status look-ups per address (receipt numbers are not to be guessed).
    pub lookup: RateLimit,
}

impl Default for PublicLimits {
    fn default() -> Self {
        PublicLimits {
            submit: RateLimit::new(SUBMITS_PER_HOUR, Duration::from_secs(3600)),
            lookup: RateLimit::new(LOOKUPS_PER_WINDOW, Duration::from_secs(15 * 60)),
        }
    }
}

/// Submissions one address may make per hour.
pub const SUBMITS_PER_HOUR: usize = 20;
/// Status look-ups one address may make per 15 minutes.
pub const LOOKUPS_PER_WINDOW: usize = 30;

pub fn routes() -> Routes {
    let public = Routes::new()
        .route("/api/public/self-reports", routes!(submit), Guard::Public)
        .route(
            "/api/public/self-reports/status",
            routes!(status),
            Guard::Public,
        )
        .map(|r| r.layer(DefaultBodyLimit::max(PUBLIC_BODY_LIMIT)));
    Routes::new()
        .merge(public)
        .route("/api/public/areas", routes!(public_areas), Guard::Public)
        .route(
            "/api/public/self-report-form",
            routes!(form_options),
            Guard::Public,
        )
        .route("/api/self-reports", routes!(inbox), Guard::Scoped)
        .route("/api/self-reports/{id}", routes!(detail), Guard::Record)
        .route(
            "/api/self-reports/{id}/accept",
            routes!(accept),
            Guard::Record,
        )
        .route(
            "/api/self-reports/{id}/decline",
            routes!(decline),
            Guard::Record,
        )
        .route(
            "/api/self-reports/{id}/phone",
            routes!(reveal_phone),
            Guard::Record,
        )
}

fn too_many(what: &str) -> ApiError {
    ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: "throttled",
        message: format!("{what}过于频繁，请稍后再试"),
    }
}

/// A public JSON body: too large is 413, malformed is 400, both in Chinese.
fn public_body<T: DeserializeOwned>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    match body {
        Ok(Json(b)) => Ok(b),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "too_large",
            message: "提交的内容过长，请精简困难情况说明后重试".into(),
        }),
        Err(e) => Err(ApiError::bad_request(format!(
            "提交的内容无法识别，请刷新页面后重新填写（{}）",
            e.body_text()
        ))),
    }
}

/// Townships and their villages (names and codes only), for the public form.
#[utoipa::path(get, path = "/api/public/areas", tag = "自主申报", security(()), responses((status = 200, description = "{townships: [{code, name, villages: [{code, name}]}]}：本县乡镇和村（无需登录）", body = Townships)))]
async fn public_areas(State(s): State<AppState>) -> ApiResult<Townships> {
    Ok(Json(Townships {
        townships: s.store.public_areas().await?,
    }))
}

/// The county's townships and villages for the public form.
#[derive(Serialize, utoipa::ToSchema)]
struct Townships {
    townships: Vec<fangpin_store::self_report::PublicTownship>,
}

/// The choices and consent text of the public form.
#[derive(Serialize, utoipa::ToSchema)]
struct FormOptions {
    consent_text: &'static str,
    consent_version: &'static str,
    hardships: Vec<CodeLabel>,
    relations: Vec<CodeLabel>,
}

/// The choices and the consent text of the public form.
#[utoipa::path(get, path = "/api/public/self-report-form", tag = "自主申报", security(()), responses((status = 200, description = "{hardships, relations, consent_version, consent_text}（无需登录）", body = FormOptions)))]
async fn form_options() -> Json<FormOptions> {
    Json(FormOptions {
        consent_text: CONSENT_TEXT,
        consent_version: CONSENT_VERSION,
        hardships: Hardship::ALL
            .iter()
            .map(|h| CodeLabel::of(h.code(), h.label()))
            .collect(),
        relations: Relation::ALL
            .iter()
            .map(|r| CodeLabel::of(r.code(), r.label()))
            .collect(),
    })
}

/// The public form with its honeypot: a field hidden from people that
/// scripts fill in.
#[derive(Deserialize, utoipa::ToSchema)]
struct SelfReportBody {
    #[serde(flatten)]
    form: SelfReportForm,
    #[serde(default)]
    website: String,
}

/// Files a report without logging in. Refused whole with a Chinese message
/// naming the field; on success the receipt number to follow it with.
#[utoipa::path(post, path = "/api/public/self-reports", tag = "自主申报", security(()), request_body(content = SelfReportBody, description = "consent 须为 true；website 为隐藏字段，须留空"), responses((status = 201, description = "{receipt_no, submitted_on, accept_due, village_name, township_name}", body = Receipt), (status = 400, description = "字段错误（中文说明，指出字段）或未勾选承诺授权", body = ErrorBody), (status = 413, description = "内容过长", body = ErrorBody), (status = 429, description = "同一地址提交过于频繁", body = ErrorBody)))]
async fn submit(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<Json<SelfReportBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    if !s.public_limits.submit.allow(ip) {
        return Err(too_many("提交"));
    }
    let body = public_body(body)?;
    if !body.website.trim().is_empty() {
        tracing::info!("自主申报：隐藏字段被填写，已拒收");
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "rejected",
            message: "提交未被接受，请刷新页面后重新填写".into(),
        });
    }
    let receipt = s
        .store
        .submit_self_report(&body.form, ip.map(|i| i.to_string()), s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct StatusBody {
    receipt_no: String,
    /// 身份证号码后4位。
    id_last4: String,
}

/// Follows a report: the receipt number and the ID's last four must agree.
#[utoipa::path(post, path = "/api/public/self-reports/status", tag = "自主申报", security(()), request_body = StatusBody, responses((status = 200, description = "{status, status_label, submitted_on, accept_due, decided_on, decline_reason, next_step}", body = PublicStatus), (status = 404, description = "回执号或身份证号码后4位不符", body = ErrorBody), (status = 429, description = "查询过于频繁", body = ErrorBody)))]
async fn status(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Result<Json<StatusBody>, JsonRejection>,
) -> ApiResult<PublicStatus> {
    if !s.public_limits.lookup.allow(ip) {
        return Err(too_many("查询"));
    }
    let b = public_body(body)?;
    Ok(Json(
        s.store
            .self_report_status(&b.receipt_no, &b.id_last4)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxQuery {
    /// pending（待受理）/ accepted（已受理）/ declined（不予受理）；缺省为全部。
    status: Option<String>,
    /// 区划代码（本级及下级）。
    area: Option<String>,
}

/// The township's inbox of self-reports in its area.
#[utoipa::path(get, path = "/api/self-reports", tag = "自主申报", params(InboxQuery, PageQuery), responses((status = 200, description = "申报分页列表：受理期限、临期/逾期、证件号码和电话脱敏、按身份证号匹配到的本辖区农户", body = Page<SelfReportRow>), (status = 403, description = "非乡镇受理角色", body = ErrorBody)))]
async fn inbox(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<InboxQuery>,
    p: Paging,
) -> ApiResult<Page<SelfReportRow>> {
    let status = match q.status.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(ReportStatus::parse(v)?),
    };
    let area = match q.area.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(a) => {
            Some(AreaCode::parse(a).map_err(|e| ApiError::bad_request(format!("参数 area：{e}")))?)
        }
    };
    let f = SelfReportFilter {
        status,
        area,
        offset: p.offset,
        limit: p.page_size,
    };
    let (total, items) = s.store.self_reports(&c.access, &f, s.clock.now()).await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[utoipa::path(get, path = "/api/self-reports/{id}", tag = "自主申报", params(("id" = i64, Path, description = "申报编号")), responses((status = 200, description = "一条申报", body = SelfReportRow), (status = 403, description = "非乡镇受理角色", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<SelfReportRow> {
    Ok(Json(
        s.store.self_report(&c.access, id, s.clock.now()).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct AcceptBody {
    /// 关联的农户；缺省时按申报人身份证号自动匹配本辖区农户。
    household_id: Option<i64>,
}

/// 受理: links the report to a household and opens a lead (channel
/// 农户自主申报); a household with a case in progress keeps it.
#[utoipa::path(post, path = "/api/self-reports/{id}/accept", tag = "自主申报", params(("id" = i64, Path, description = "申报编号")), request_body = AcceptBody, responses((status = 200, description = "{case_id, household_id, joined_existing}", body = Accepted), (status = 400, description = "已办理、未匹配到农户或该户不能登记线索（中文说明）", body = ErrorBody), (status = 403, description = "非乡镇受理角色", body = ErrorBody), (status = 404, description = "申报或农户不存在或不在辖区内", body = ErrorBody)))]
async fn accept(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<AcceptBody>, JsonRejection>,
) -> ApiResult<Accepted> {
    let b = staff_body(body)?;
    Ok(Json(
        s.store
            .accept_self_report(&c.access, id, b.household_id, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct DeclineBody {
    /// 不予受理的理由（申报人查询进度时可见）。
    reason: String,
}

/// 不予受理 with the reason the applicant will read.
#[utoipa::path(post, path = "/api/self-reports/{id}/decline", tag = "自主申报", params(("id" = i64, Path, description = "申报编号")), request_body = DeclineBody, responses((status = 200, description = "办理后的申报", body = SelfReportRow), (status = 400, description = "已办理或未填写理由", body = ErrorBody), (status = 403, description = "非乡镇受理角色", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn decline(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<DeclineBody>, JsonRejection>,
) -> ApiResult<SelfReportRow> {
    let b = staff_body(body)?;
    Ok(Json(
        s.store
            .decline_self_report(&c.access, id, &b.reason, s.clock.now())
            .await?,
    ))
}

/// The applicant's full phone number; each reveal is audited.
#[utoipa::path(post, path = "/api/self-reports/{id}/phone", tag = "自主申报", params(("id" = i64, Path, description = "申报编号")), responses((status = 200, description = "{phone}：完整联系电话（记入审计）", body = FullPhone), (status = 403, description = "非乡镇受理角色", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn reveal_phone(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<FullPhone> {
    let phone = s.store.self_report_phone(&c.access, id).await?;
    Ok(Json(FullPhone { phone }))
}

fn staff_body<T: DeserializeOwned>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| ApiError::bad_request(format!("请求内容无效：{}", e.body_text())))
}
