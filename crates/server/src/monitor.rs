//! 监测 routes: the rules assessment of a household, what-if, cases and
//! their workflow actions, the 工作台 of due steps, and the working-day
//! calendar. Handlers are thin: every rule lives in the domain crate and
//! every write in `fangpin_store::monitor`.

use axum::Json;
use axum::extract::State;
use chrono::Datelike;
use fangpin_domain::monitor::workflow::{Action, CaseState, Channel};
use fangpin_domain::{AreaCode, Money};
use fangpin_store::monitor::{CaseDetail, CaseFilter, CaseRow, NewLead};
use fangpin_store::monitor::{WhatIf, WhatIfResult};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::{Created, Items, Page, PageQuery, Paging};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/households/{id}/assessment",
            routes!(assessment),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/cases",
            routes!(household_cases),
            Guard::Household,
        )
        .route("/api/cases", routes!(case_list, open_case), Guard::Scoped)
        .route("/api/cases/{id}", routes!(case_detail), Guard::Record)
        .route(
            "/api/cases/{id}/actions",
            routes!(case_action),
            Guard::Record,
        )
        .route("/api/workbench", routes!(workbench), Guard::Scoped)
        .route("/api/whatif", routes!(what_if), Guard::Scoped)
        .route("/api/calendar", routes!(calendar), Guard::Session)
        .route("/api/calendar/{year}", routes!(calendar_save), Guard::Admin)
        .route("/api/quality", routes!(quality_list), Guard::Scoped)
        .route("/api/quality/rules", routes!(quality_rules), Guard::Session)
        .route(
            "/api/quality/scores",
            routes!(quality_scores),
            Guard::Scoped,
        )
        .route("/api/quality/run", routes!(quality_run), Guard::Scoped)
}

pub(crate) fn area_param(v: Option<String>, name: &str) -> Result<Option<AreaCode>, ApiError> {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => AreaCode::parse(&s)
            .map(Some)
            .map_err(|e| ApiError::bad_request(format!("参数 {name}：{e}"))),
    }
}

/// An income year as a request names it: within 2000–2100 (as the overview's
/// 务工 figures take it), so that no date arithmetic leaves the calendar.
fn income_year(year: i32) -> Result<i32, ApiError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::bad_request(format!(
            "参数 year 无效：{year}（应在2000至2100之间）"
        )))
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct YearQuery {
    /// 年度；缺省为最近有收入数据的年度。
    year: Option<i32>,
}

/// The rules assessment with its explanation trace: each rule, the value,
/// the threshold and the parameter definition it came from.
#[utoipa::path(get, path = "/api/households/{id}/assessment", tag = "监测", params(("id" = i64, Path, description = "农户编号"), YearQuery), responses((status = 200, description = "{assessment}：类别、风险、逐条规则的取值、阈值和参数来源；无收入数据时 assessment 为 null", body = AssessmentView), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn assessment(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<AssessmentView> {
    let year = q.year.map(income_year).transpose()?;
    let a = s
        .store
        .household_assessment(&c.access, id, year, s.clock.now())
        .await?;
    Ok(Json(AssessmentView { assessment: a }))
}

/// A household's assessment; null without income data.
#[derive(Serialize, utoipa::ToSchema)]
struct AssessmentView {
    assessment: Option<fangpin_domain::monitor::assess::Assessment>,
}

#[utoipa::path(get, path = "/api/households/{id}/cases", tag = "监测", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "该户的全部案件（含已消除、不予纳入）", body = Items<CaseRow>), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_cases(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Items<CaseRow>> {
    s.store.household(&c.access, id).await?;
    let f = CaseFilter {
        household_id: Some(id),
        limit: 100,
        ..Default::default()
    };
    let (_, items) = s.store.cases(&c.access, &f, s.clock.now()).await?;
    Ok(Items::json(items))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LeadBody {
    household_id: i64,
    /// self_report（农户自主申报）/ cadre_visit（干部排查）/ dept_warning（部门筛查预警）/ hotline（热线）
    channel: String,
    #[serde(default)]
    green_channel: bool,
    summary: String,
    reporter: Option<String>,
    evidence: Option<String>,
}

/// Opens a case from a lead; the rules assessment at that moment is kept
/// with the opening entry.
#[utoipa::path(post, path = "/api/cases", tag = "监测", request_body = LeadBody, responses((status = 201, description = "{id}：新案件编号", body = Created), (status = 400, description = "已有办理中的案件、已是监测对象或字段错误", body = ErrorBody), (status = 404, description = "农户不存在或不在辖区内", body = ErrorBody)))]
async fn open_case(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<LeadBody>,
) -> Result<(axum::http::StatusCode, Json<Created>), ApiError> {
    let channel = Channel::parse(&b.channel).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let id = s
        .store
        .open_lead(
            &c.access,
            NewLead {
                household_id: b.household_id,
                channel,
                green_channel: b.green_channel,
                summary: b.summary,
                reporter: b.reporter.filter(|r| !r.trim().is_empty()),
                evidence: b.evidence.filter(|r| !r.trim().is_empty()),
            },
            s.clock.now(),
        )
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CaseQuery {
    /// 区划代码（本级及下级）。
    area: Option<String>,
    /// 状态代码，如 lead、notice、monitoring、eliminated；多个状态以逗号分隔。
    state: Option<String>,
    /// 只看办理中的案件。
    open: Option<bool>,
}

#[utoipa::path(get, path = "/api/cases", tag = "监测", params(CaseQuery, PageQuery), responses((status = 200, description = "案件分页列表，含当前步骤时限和临期/逾期状态", body = Page<CaseRow>), (status = 400, description = "参数错误", body = ErrorBody)))]
async fn case_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<CaseQuery>,
    p: Paging,
) -> ApiResult<Page<CaseRow>> {
    let states = q
        .state
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| CaseState::parse(v).map_err(|e| ApiError::bad_request(format!("参数 state：{e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let f = CaseFilter {
        area: area_param(q.area, "area")?,
        household_id: None,
        states,
        open_only: q.open.unwrap_or(false),
        offset: p.offset,
        limit: p.page_size,
    };
    let (total, items) = s.store.cases(&c.access, &f, s.clock.now()).await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[utoipa::path(get, path = "/api/cases/{id}", tag = "监测", params(("id" = i64, Path, description = "案件编号")), responses((status = 200, description = "案件及全部办理记录（只增不改）", body = CaseDetail), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn case_detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<CaseDetail> {
    Ok(Json(
        s.store.case_detail(&c.access, id, s.clock.now()).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ActionBody {
    /// 页面打开时案件的 revision；已被他人办理时拒绝。
    revision: Option<i32>,
    /// 办理动作：{"action": "accept" | "verify" | "compare" | "review" | "close_notice" | "approve" | "announce" | "reject" | "propose_elimination" | "reopen", …各动作字段}
    #[schema(value_type = Object)]
    step: Action,
}

/// One workflow step by the level that owns it.
#[utoipa::path(post, path = "/api/cases/{id}/actions", tag = "监测", params(("id" = i64, Path, description = "案件编号")), request_body = ActionBody, responses((status = 200, description = "办理后的案件", body = CaseDetail), (status = 400, description = "当前状态不能办理、非本级办理、公示期未满、不符合消除条件等（中文说明）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn case_action(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<CaseDetail> {
    Ok(Json(
        s.store
            .case_act(&c.access, id, b.step, b.revision, s.clock.now())
            .await?,
    ))
}

/// My due-soon and overdue steps, and those escalated to me.
#[utoipa::path(get, path = "/api/workbench", tag = "监测", responses((status = 200, description = "{items}：本人所在层级待办步骤（按到期日），以及下级逾期上报的步骤（escalated_to_me）；{self_reports}：临期或逾期待受理的农户自主申报（乡镇）；{responsible}：临期或逾期仍未明确帮扶责任人的监测户；{setup}：维护参数的管理员须补充的监测范围、产业奖补参数和工作日历", body = Workbench)))]
async fn workbench(State(s): State<AppState>, c: Caller) -> ApiResult<Workbench> {
    // A system administrator (维护参数, no household reads) has no steps,
    // only the setup list; a role with neither permission is refused.
    let items = if c.access.has(fangpin_store::users::perm::HOUSEHOLD_READ) {
        s.store.due_steps(&c.access, s.clock.now()).await?
    } else {
        c.access.require(fangpin_store::users::perm::PARAM_MANAGE)?;
        Vec::new()
    };
    // 农户自主申报 awaiting the township's acceptance, due soon or overdue.
    let self_reports = s.store.due_self_reports(&c.access, s.clock.now()).await?;
    // Monitored households still without a 帮扶责任人, near or past the deadline.
    let responsible = s.store.due_responsible(&c.access, s.clock.now()).await?;
    // For whoever maintains parameters: lines, caps and calendar years
    // still missing before a workflow meets the refusal.
    let setup = s.store.setup_gaps(&c.access, s.clock.now()).await?;
    let count = |u: fangpin_domain::monitor::sla::Urgency| {
        items.iter().filter(|i| i.case.urgency == Some(u)).count()
    };
    use fangpin_domain::monitor::sla::Urgency::*;
    Ok(Json(Workbench {
        counts: UrgencyCounts {
            due_soon: count(DueSoon),
            escalated: count(Escalated),
            on_track: count(OnTrack),
            overdue: count(Overdue),
        },
        items,
        responsible,
        self_reports,
        setup,
        today: fangpin_store::calendar::china_day(s.clock.now()),
    }))
}

/// The caller's workbench.
#[derive(Serialize, utoipa::ToSchema)]
struct Workbench {
    counts: UrgencyCounts,
    items: Vec<fangpin_store::monitor::DueItem>,
    responsible: Vec<fangpin_store::assist::AssistRow>,
    self_reports: Vec<fangpin_store::self_report::SelfReportRow>,
    /// 维护参数的管理员：本辖区有农户的县当年和上年缺少的监测范围、产业奖补参数，以及未载入的工作日历年度（其他用户为空）。
    setup: Vec<fangpin_domain::setup::SetupGap>,
    today: chrono::NaiveDate,
}

/// How many of the caller's steps are on track, due soon, overdue or
/// escalated.
#[derive(Serialize, utoipa::ToSchema)]
struct UrgencyCounts {
    due_soon: usize,
    escalated: usize,
    on_track: usize,
    overdue: usize,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct WhatIfBody {
    area: String,
    year: i32,
    /// 拟调整的监测范围（分）。
    line_fen: Option<i64>,
    rigid_pct: Option<i64>,
    drop_pct: Option<i64>,
}

/// Who would enter or leave the at-risk set; nothing is changed.
#[utoipa::path(post, path = "/api/whatif", tag = "监测", request_body = WhatIfBody, responses((status = 200, description = "进入/退出人数（按乡镇、村）及名单样例、耗时", body = WhatIfResult), (status = 400, description = "参数错误或该年度缺少参数", body = ErrorBody), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn what_if(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<WhatIfBody>,
) -> ApiResult<WhatIfResult> {
    let area =
        area_param(Some(b.area), "area")?.ok_or_else(|| ApiError::bad_request("请选择区划"))?;
    let w = WhatIf {
        area,
        year: income_year(b.year)?,
        line: b.line_fen.map(Money::from_fen),
        rigid_pct: b.rigid_pct,
        drop_pct: b.drop_pct,
    };
    Ok(Json(s.store.what_if(&c.access, &w, s.clock.now()).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CalendarQuery {
    /// 年度；缺省为今年。
    year: Option<i32>,
}

/// The official days off and make-up working days of a year.
#[utoipa::path(get, path = "/api/calendar", tag = "监测", params(CalendarQuery), responses((status = 200, description = "{year, covered, working_days, entries}：法定节假日和调休上班日", body = CalendarYear)))]
async fn calendar(
    State(s): State<AppState>,
    _c: Caller,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ApiResult<CalendarYear> {
    let cal = s.store.work_calendar().await?;
    let year = q
        .year
        .unwrap_or_else(|| fangpin_store::calendar::china_day(s.clock.now()).year());
    let years: Vec<i32> = cal.years().collect();
    if !cal.covers(year) {
        return Ok(Json(CalendarYear {
            covered: false,
            entries: Vec::new(),
            message: Some(format!("工作日历未载入{year}年的数据")),
            source: None,
            working_days: None,
            year,
            years,
        }));
    }
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
    let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("valid");
    let working = cal
        .working_days_between(first, last)
        .map_err(|e| ApiError::bad_request(e.to_string()))?
        + i64::from(cal.is_working_day(first).unwrap_or(false));
    let entries = cal
        .entries_in_year(year)
        .iter()
        .map(|e| CalendarDay {
            date: e.date,
            kind: e.kind.symbol(),
            name: e.name.clone(),
        })
        .collect();
    let source = s.store.calendar_source(year).await?;
    Ok(Json(CalendarYear {
        covered: true,
        entries,
        message: None,
        source: Some(source),
        working_days: Some(working),
        year,
        years,
    }))
}

/// The calendar of a year: `message` when the year is not loaded, `source`
/// when it is.
#[derive(Serialize, utoipa::ToSchema)]
struct CalendarYear {
    covered: bool,
    entries: Vec<CalendarDay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// 数据来源（载入年度时才有此项）。
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    source: Option<Option<String>>,
    working_days: Option<i64>,
    year: i32,
    years: Vec<i32>,
}

/// A day off (休) or make-up working day (班).
#[derive(Serialize, utoipa::ToSchema)]
struct CalendarDay {
    date: chrono::NaiveDate,
    kind: &'static str,
    name: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CalendarEntryBody {
    /// 日期 YYYY-MM-DD。
    #[schema(value_type = String)]
    date: chrono::NaiveDate,
    /// 休（法定节假日或调休放假）或 班（调休上班的周末）。
    kind: String,
    /// 名称，如 春节、春节调休上班。
    name: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CalendarSaveBody {
    /// 来源：国务院办公厅通知的名称或文号。
    source: String,
    /// 该年度全部放假日和调休上班日；与 csv 二选一。
    #[serde(default)]
    entries: Option<Vec<CalendarEntryBody>>,
    /// 或以 CSV 文本提交（表头 date,kind,name），错误提示行号。
    #[serde(default)]
    csv: Option<String>,
}

/// Replaces (or adds) one year of the working-day calendar: every deadline
/// is computed from it. Needs 维护参数.
#[utoipa::path(put, path = "/api/calendar/{year}", tag = "监测", params(("year" = i32, Path, description = "年度")), request_body = CalendarSaveBody, responses((status = 200, description = "保存后的该年度日历，格式同 GET /api/calendar", body = CalendarYear), (status = 400, description = "数据有误（中文说明，指明日期或行号），未作任何修改", body = ErrorBody), (status = 403, description = "无维护参数权限", body = ErrorBody)))]
async fn calendar_save(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(year): ApiPath<i32>,
    ApiJson(b): ApiJson<CalendarSaveBody>,
) -> ApiResult<CalendarYear> {
    use fangpin_domain::calendar::{CalendarEntry, Official, WorkCalendar, parse_csv};
    let entries = match (b.entries, b.csv) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ApiError::bad_request("entries 和 csv 须且只能提交其中一项"));
        }
        (None, Some(csv)) => {
            // Checked on its own first, so that an error names its CSV line.
            let bad = |e: fangpin_domain::calendar::CalendarError| {
                ApiError::bad_request(format!("CSV {e}"))
            };
            WorkCalendar::from_csv(&csv).map_err(bad)?;
            parse_csv(&csv).map_err(bad)?
        }
        (Some(list), None) => list
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let kind = Official::from_symbol(e.kind.trim()).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "第{}条（{}）：类型“{}”无法识别，应为“休”或“班”",
                        i + 1,
                        e.date,
                        e.kind
                    ))
                })?;
                Ok(CalendarEntry {
                    date: e.date,
                    kind,
                    name: e.name.trim().to_owned(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?,
    };
    let edit = fangpin_store::calendar::CalendarYearEdit {
        year,
        source: b.source,
        entries,
    };
    s.store.replace_calendar_year(&c.access, edit).await?;
    calendar(State(s), c, ApiQuery(CalendarQuery { year: Some(year) })).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct QualityQuery {
    area: Option<String>,
    /// 规则编号，如 1_11_010。
    rule: Option<String>,
    household_id: Option<i64>,
    /// 含已整改的记录。
    all: Option<bool>,
}

/// Data-quality findings (疑点), open ones first by fix-by date.
#[utoipa::path(get, path = "/api/quality", tag = "数据质量", params(QualityQuery, PageQuery), responses((status = 200, description = "疑点分页列表：规则、说明、发现日期、整改期限、是否逾期", body = Page<fangpin_store::quality::QualityIssue>), (status = 400, description = "参数错误", body = ErrorBody)))]
async fn quality_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<QualityQuery>,
    p: Paging,
) -> ApiResult<Page<fangpin_store::quality::QualityIssue>> {
    let f = fangpin_store::quality::QualityFilter {
        area: area_param(q.area, "area")?,
        rule: q.rule.filter(|r| !r.trim().is_empty()),
        household_id: q.household_id,
        include_resolved: q.all.unwrap_or(false),
    };
    let (total, items) = s
        .store
        .quality_issues(&c.access, &f, p.offset, p.page_size, s.clock.now())
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

/// The rule table.
#[utoipa::path(get, path = "/api/quality/rules", tag = "数据质量", responses((status = 200, description = "{items}：规则编号、名称、严重程度、检查对象", body = Items<QualityRuleView>)))]
async fn quality_rules(_c: Caller) -> ApiResult<Items<QualityRuleView>> {
    let items = fangpin_domain::quality::rules()
        .iter()
        .map(|r| QualityRuleView {
            id: r.id,
            scope: r.scope,
            severity: r.severity.code(),
            severity_label: r.severity.label(),
            title: r.title,
        })
        .collect();
    Ok(Items::json(items))
}

/// A data-quality rule as the rule list shows it.
#[derive(Serialize, utoipa::ToSchema)]
struct QualityRuleView {
    id: &'static str,
    scope: fangpin_domain::quality::Scope,
    severity: &'static str,
    severity_label: &'static str,
    title: &'static str,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AreaQuery {
    area: Option<String>,
}

/// Per-village scores.
#[utoipa::path(get, path = "/api/quality/scores", tag = "数据质量", params(AreaQuery), responses((status = 200, description = "{items}：各村户数、有疑点户数、疑点数、逾期数和得分（无疑点户占比×100）", body = Items<fangpin_store::quality::VillageScore>), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn quality_scores(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<Items<fangpin_store::quality::VillageScore>> {
    let area = area_param(q.area, "area")?;
    let items = s
        .store
        .quality_scores(&c.access, area, s.clock.now())
        .await?;
    Ok(Items::json(items))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RunBody {
    area: Option<String>,
}

/// Runs the checks now over an area.
#[utoipa::path(post, path = "/api/quality/run", tag = "数据质量", request_body = RunBody, responses((status = 200, description = "{checked, open, new, resolved}", body = fangpin_store::quality::QualityRun), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn quality_run(
    State(s): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<RunBody>,
) -> ApiResult<fangpin_store::quality::QualityRun> {
    let area = area_param(b.area, "area")?;
    Ok(Json(
        s.store.run_quality(&c.access, area, s.clock.now()).await?,
    ))
}
