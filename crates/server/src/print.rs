//! 打印 routes: the documents of the monitoring workflow as data for the
//! print pages of the web UI — 公示名单, 公告, 民主评议记录 and 明白卡.
//! Each read is scoped to the caller's area and audited by the store; ID
//! numbers are masked there already.

use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use fangpin_domain::AreaCode;
use fangpin_store::calendar::china_day;
use fangpin_store::print::{DocumentKind, HouseholdCard, HouseholdList, ReviewMinutes};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/print/notice", routes!(notice), Guard::Scoped)
        .route(
            "/api/print/announcement",
            routes!(announcement),
            Guard::Scoped,
        )
        .route("/api/print/minutes/{id}", routes!(minutes), Guard::Record)
        .route("/api/print/cards", routes!(cards), Guard::Scoped)
        .route("/api/print/cards/{id}", routes!(card), Guard::Household)
}

/// The `area` query parameter: empty means the caller's own area.
fn area_of(v: Option<&str>) -> Result<Option<AreaCode>, ApiError> {
    let Some(text) = v.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    // A 村民小组 key of the area tree (`村代码-NN`) prints its village.
    let code = text.split_once('-').map_or(text, |(village, _)| village);
    AreaCode::parse(code)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("参数 area：{e}")))
}

fn kind_of(v: Option<&str>) -> Result<DocumentKind, ApiError> {
    DocumentKind::parse(v.unwrap_or("identification")).map_err(ApiError::from)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct NoticeQuery {
    /// 村或乡镇区划代码；缺省为本人辖区。
    area: Option<String>,
    /// identification（拟纳入监测对象公示，缺省）或 elimination（拟风险消除公示）。
    kind: Option<String>,
}

/// 公示名单: households of a village or township whose case is in 村内公示.
#[utoipa::path(get, path = "/api/print/notice", tag = "打印", params(NoticeQuery), responses((status = 200, description = "公示名单：标题、区划、监督电话、各户户主姓名、户编号、证件号（脱敏）、家庭人口、拟识别类别、主要风险、公示起止日期", body = HouseholdList), (status = 400, description = "参数错误或区划不是乡镇、村", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "区划不存在或不在辖区内", body = ErrorBody)))]
async fn notice(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> ApiResult<HouseholdList> {
    let area = area_of(q.area.as_deref())?;
    let kind = kind_of(q.kind.as_deref())?;
    Ok(Json(
        s.store
            .print_notice(&c.access, area, kind, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AnnouncementQuery {
    /// 县、乡镇或村区划代码；缺省为本人辖区。
    area: Option<String>,
    /// identification（识别纳入，缺省）或 elimination（风险消除）。
    kind: Option<String>,
    /// 县级审定起始日期（含），缺省为本月1日。
    from: Option<NaiveDate>,
    /// 县级审定截止日期（含），缺省为今天。
    until: Option<NaiveDate>,
}

/// 公告: households approved at 县级审定 in a period.
#[utoipa::path(get, path = "/api/print/announcement", tag = "打印", params(AnnouncementQuery), responses((status = 200, description = "公告：期间内经县级审定纳入监测或风险消除的农户，含类别、风险、消除方式和审定日期", body = HouseholdList), (status = 400, description = "参数错误", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "区划不存在或不在辖区内", body = ErrorBody)))]
async fn announcement(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AnnouncementQuery>,
) -> ApiResult<HouseholdList> {
    let area = area_of(q.area.as_deref())?;
    let kind = kind_of(q.kind.as_deref())?;
    let now = s.clock.now();
    let today = china_day(now);
    let until = q.until.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| until.with_day(1).unwrap_or(until));
    Ok(Json(
        s.store
            .print_announcement(&c.access, area, kind, from, until, now)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MinutesQuery {
    /// 办理记录序号；缺省为最近一次评议。
    seq: Option<i32>,
}

/// 民主评议记录 of a case, as entered at the 评议 step.
#[utoipa::path(get, path = "/api/print/minutes/{id}", tag = "打印", params(("id" = i64, Path, description = "案件编号"), MinutesQuery), responses((status = 200, description = "评议日期、地点、参会人员、票数、结果和会议记录，及该案件的全部评议", body = ReviewMinutes), (status = 400, description = "该案件尚未评议", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "案件不存在或不在辖区内", body = ErrorBody)))]
async fn minutes(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<MinutesQuery>,
) -> ApiResult<ReviewMinutes> {
    Ok(Json(
        s.store
            .print_minutes(&c.access, id, q.seq, s.clock.now())
            .await?,
    ))
}

/// 监测户明白卡 of one household.
#[utoipa::path(get, path = "/api/print/cards/{id}", tag = "打印", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "户主、所在村、人口、监测类别和风险、识别日期、帮扶措施、帮扶责任人、咨询电话和风险消除条件", body = HouseholdCard), (status = 400, description = "该户不是监测对象", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "农户不存在或不在辖区内", body = ErrorBody)))]
async fn card(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<HouseholdCard> {
    Ok(Json(
        s.store.print_card(&c.access, id, s.clock.now()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CardsQuery {
    /// 区划代码；缺省为本人辖区。
    area: Option<String>,
}

/// 明白卡 of every monitored household (risk not eliminated) of an area.
#[utoipa::path(get, path = "/api/print/cards", tag = "打印", params(CardsQuery), responses((status = 200, description = "{area, cards}：区划内风险未消除的监测户明白卡（一次最多500户）", body = Cards), (status = 400, description = "参数错误或户数超过上限", body = ErrorBody), (status = 403, description = "无查看农户档案权限", body = ErrorBody), (status = 404, description = "区划不存在或不在辖区内", body = ErrorBody)))]
async fn cards(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<CardsQuery>,
) -> ApiResult<Cards> {
    let area = area_of(q.area.as_deref())?;
    let (area, cards) = s.store.print_cards(&c.access, area, s.clock.now()).await?;
    Ok(Json(Cards { area, cards }))
}

/// The 明白卡 of an area.
#[derive(Serialize, utoipa::ToSchema)]
struct Cards {
    area: fangpin_store::print::DocumentArea,
    cards: Vec<HouseholdCard>,
}
