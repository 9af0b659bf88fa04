//! 资金与就业帮扶 routes: 小额信贷 (loans, schedule, repayments, 逾期率 per
//! area), 公益性岗位, 到户产业奖补, 务工 records, 零就业家庭 and 务工规模.
//! Handlers parse the body into domain values and call `fangpin_store::funds`,
//! which owns the caps and checks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use fangpin_domain::funds::{
    AwardEntry, BasisPoints, EmploymentCorrection, EmploymentEntry, LoanCorrection, LoanEntry,
    LoanTerms, PostCorrection, PostEntry, Repayment, RepaymentMethod, Subsidy, WorkRegion,
};
use fangpin_domain::{Money, YearMonth};
use fangpin_store::funds::{
    AwardRoom, Edited, FundsFilter, HouseholdFundsView, JobRow, LoanDetail, LoanFilter, LoanRates,
    LoanRow, PostRow, ZeroEmployment,
};
use fangpin_store::overview::AreaEmployment;
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Revised};
use crate::monitor::area_param;
use crate::openapi::ErrorBody;
use crate::page::{Created, Page, PageQuery, Paging};
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;
type CreatedResult = Result<(StatusCode, Json<Created>), ApiError>;

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/households/{id}/funds",
            routes!(household_funds),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/loans",
            routes!(add_loan),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/posts",
            routes!(add_post),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/awards",
            routes!(add_award),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/award-room",
            routes!(award_room),
            Guard::Household,
        )
        .route(
            "/api/households/{id}/jobs",
            routes!(add_job),
            Guard::Household,
        )
        .route("/api/funds/loans", routes!(loan_list), Guard::Scoped)
        .route(
            "/api/funds/loans/{id}",
            routes!(loan_detail, correct_loan),
            Guard::Record,
        )
        .route(
            "/api/funds/loans/{id}/repayments",
            routes!(add_repayment),
            Guard::Record,
        )
        .route(
            "/api/funds/loans/{id}/repayments/{repayment}/undo",
            routes!(undo_repayment),
            Guard::Record,
        )
        .route(
            "/api/funds/posts/{id}",
            routes!(correct_post),
            Guard::Record,
        )
        .route(
            "/api/funds/posts/{id}/end",
            routes!(end_post),
            Guard::Record,
        )
        .route(
            "/api/funds/awards/{id}",
            routes!(correct_award),
            Guard::Record,
        )
        .route(
            "/api/funds/awards/{id}/withdraw",
            routes!(withdraw_award),
            Guard::Record,
        )
        .route("/api/funds/jobs/{id}", routes!(correct_job), Guard::Record)
        .route("/api/funds/jobs/{id}/end", routes!(end_job), Guard::Record)
        .route("/api/funds/loan-rates", routes!(loan_rates), Guard::Scoped)
        .route("/api/funds/posts", routes!(post_list), Guard::Scoped)
        .route("/api/funds/awards", routes!(award_list), Guard::Scoped)
        .route("/api/funds/jobs", routes!(job_list), Guard::Scoped)
        .route(
            "/api/funds/zero-employment",
            routes!(zero_employment),
            Guard::Scoped,
        )
        .route(
            "/api/funds/employment-scale",
            routes!(employment_scale),
            Guard::Scoped,
        )
}

/// Permission and scope come before the body's content: a caller who may
/// not write learns nothing about the household from a parse error.
async fn writable(s: &AppState, c: &Caller, id: i64) -> Result<(), ApiError> {
    c.access
        .require(fangpin_store::users::perm::HOUSEHOLD_WRITE)?;
    s.store.household(&c.access, id).await?;
    Ok(())
}

fn created(id: i64) -> CreatedResult {
    Ok((StatusCode::CREATED, Json(Created { id })))
}

fn bad(e: impl ToString) -> ApiError {
    ApiError::bad_request(e.to_string())
}

fn money_field(fen: i64, field: &str) -> Result<Money, ApiError> {
    if fen < 0 {
        return Err(ApiError::bad_request(format!("{field}不能为负数")));
    }
    Ok(Money::from_fen(fen))
}

/// The year to show: the one asked for, else the current year.
fn year_or_now(year: Option<i32>, s: &AppState) -> i32 {
    year.unwrap_or_else(|| fangpin_store::calendar::china_day(s.clock.now()).year())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// 区划代码（本级及下级）。
    area: Option<String>,
    /// 农户编号。
    household_id: Option<i64>,
    /// 年度。
    year: Option<i32>,
    /// 只看逾期贷款（小额信贷列表）。
    overdue: Option<bool>,
}

impl ListQuery {
    fn filter(&self) -> Result<FundsFilter, ApiError> {
        Ok(FundsFilter {
            area: area_param(self.area.clone(), "area")?,
            household_id: self.household_id,
            year: self.year,
        })
    }
}

/// Everything recorded for one household: loans with where they stand,
/// 公益性岗位, 到户产业奖补 and 务工 records.
#[utoipa::path(get, path = "/api/households/{id}/funds", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号")), responses((status = 200, description = "{loans, posts, awards, jobs}", body = HouseholdFundsView), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_funds(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<HouseholdFundsView> {
    Ok(Json(
        s.store
            .household_funds(&c.access, id, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoanBody {
    /// 借款人的人口编号（本户成员）。
    borrower_no: String,
    #[serde(flatten)]
    fields: LoanFields,
}

/// A loan's fields but the borrower, as recorded and as corrected.
#[derive(Deserialize, utoipa::ToSchema)]
struct LoanFields {
    bank: String,
    #[serde(default)]
    purpose: String,
    #[serde(flatten)]
    terms: LoanTermsBody,
    #[serde(default)]
    note: String,
}

/// A loan's amount, term, issue day, rate, method and 贴息.
#[derive(Deserialize, utoipa::ToSchema)]
struct LoanTermsBody {
    amount_fen: i64,
    term_months: u32,
    issued_on: NaiveDate,
    /// 年利率（百分数，如 "3.45"）。
    annual_rate: String,
    /// interest_quarterly（按季付息到期还本）/ equal_principal_quarterly（按季等额本金）
    method: String,
    /// 贴息利率（百分数）；与 subsidy_fen 二选一。
    subsidy_rate: Option<String>,
    /// 贴息金额（分）。
    subsidy_fen: Option<i64>,
    /// 是否有抵押或担保（小额信贷应为 false）。
    #[serde(default)]
    collateral: bool,
}

impl LoanTermsBody {
    fn parse(self) -> Result<LoanTerms, ApiError> {
        let subsidy = match (
            self.subsidy_rate.as_deref().map(str::trim),
            self.subsidy_fen,
        ) {
            (Some(r), None) if !r.is_empty() => {
                Subsidy::Rate(BasisPoints::parse_percent(r).map_err(bad)?)
            }
            (None | Some(""), Some(fen)) => Subsidy::Amount(money_field(fen, "贴息金额")?),
            (None | Some(""), None) => {
                return Err(ApiError::bad_request("请填写贴息利率或贴息金额"));
            }
            _ => {
                return Err(ApiError::bad_request("贴息利率和贴息金额只能填写一项"));
            }
        };
        Ok(LoanTerms {
            amount: money_field(self.amount_fen, "贷款金额")?,
            term_months: self.term_months,
            issued_on: self.issued_on,
            annual_rate: BasisPoints::parse_percent(&self.annual_rate).map_err(bad)?,
            method: RepaymentMethod::parse(&self.method).map_err(bad)?,
            subsidy,
            collateral: self.collateral,
        })
    }
}

impl LoanBody {
    fn parse(self) -> Result<LoanEntry, ApiError> {
        let f = self.fields.correction()?;
        Ok(LoanEntry {
            borrower_no: self.borrower_no,
            bank: f.bank,
            purpose: f.purpose,
            terms: f.terms,
            note: f.note,
        })
    }
}

impl LoanFields {
    fn correction(self) -> Result<LoanCorrection, ApiError> {
        Ok(LoanCorrection {
            bank: self.bank,
            purpose: self.purpose,
            terms: self.terms.parse()?,
            note: self.note,
        })
    }
}

/// Corrects a loan (everything but the borrower), checked as a new loan;
/// the schedule is recomputed only while nothing is repaid, otherwise a
/// change of amount, term, issue day, rate or method is refused with why.
#[utoipa::path(patch, path = "/api/funds/loans/{id}", tag = "资金与就业", params(("id" = i64, Path, description = "贷款编号")), request_body = Revised<LoanFields>, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "超过上限、已有还款不能改还款计划、版本已过期等（中文说明，未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn correct_loan(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Revised<LoanFields>>,
) -> ApiResult<Edited> {
    let fix = b.fields.correction()?;
    let edited = s
        .store
        .correct_loan(&c.access, id, b.revision, fix, s.clock.now());
    Ok(Json(edited.await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ReasonBody {
    /// 页面所示的版本号。
    revision: i32,
    /// 原因（必填）。
    reason: String,
}

/// Undoes a repayment recorded by mistake (a reason is required).
#[utoipa::path(post, path = "/api/funds/loans/{id}/repayments/{repayment}/undo", tag = "资金与就业", params(("id" = i64, Path, description = "贷款编号"), ("repayment" = i64, Path, description = "还款记录编号")), request_body = ReasonBody, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "未填原因或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn undo_repayment(
    State(s): State<AppState>,
    c: Caller,
    ApiPath((id, repayment)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Edited> {
    Ok(Json(
        s.store
            .undo_repayment(
                &c.access,
                id,
                repayment,
                b.revision,
                &b.reason,
                s.clock.now(),
            )
            .await?,
    ))
}

/// Records a 小额信贷 with its repayment schedule; refused with a Chinese
/// message above the per-household amount or the term cap of the area and
/// year, with collateral, or for a borrower outside the age window.
#[utoipa::path(post, path = "/api/households/{id}/loans", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号")), request_body = LoanBody, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "超过额度或期限上限、有抵押担保、借款人年龄不符等（中文说明，未保存）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn add_loan(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LoanBody>,
) -> CreatedResult {
    writable(&s, &c, id).await?;
    let entry = b.parse()?;
    created(
        s.store
            .add_loan(&c.access, id, entry, s.clock.now())
            .await?,
    )
}

#[utoipa::path(get, path = "/api/funds/loans", tag = "资金与就业", params(ListQuery, PageQuery), responses((status = 200, description = "小额信贷分页列表（逾期在前），含贷款余额、逾期天数", body = Page<LoanRow>)))]
async fn loan_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
    p: Paging,
) -> ApiResult<Page<LoanRow>> {
    let f = LoanFilter {
        area: area_param(q.area.clone(), "area")?,
        household_id: q.household_id,
        overdue_only: q.overdue.unwrap_or(false),
    };
    let (total, items) = s
        .store
        .loans(&c.access, &f, p.offset, p.page_size, s.clock.now())
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[utoipa::path(get, path = "/api/funds/loans/{id}", tag = "资金与就业", params(("id" = i64, Path, description = "贷款编号")), responses((status = 200, description = "贷款、还款计划（每期已还金额和状态）、还款记录", body = LoanDetail), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn loan_detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<LoanDetail> {
    Ok(Json(s.store.loan(&c.access, id, s.clock.now()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RepaymentBody {
    paid_on: NaiveDate,
    amount_fen: i64,
    #[serde(default)]
    note: String,
}

/// Records a repayment; refused when dated before the loan or above what
/// is still owed.
#[utoipa::path(post, path = "/api/funds/loans/{id}/repayments", tag = "资金与就业", params(("id" = i64, Path, description = "贷款编号")), request_body = RepaymentBody, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "金额或日期不符（中文说明，未保存）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn add_repayment(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RepaymentBody>,
) -> CreatedResult {
    let r = Repayment {
        paid_on: b.paid_on,
        amount: Money::from_fen(b.amount_fen),
    };
    created(
        s.store
            .add_repayment(&c.access, id, r, &b.note, s.clock.now())
            .await?,
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AreaQuery {
    /// 区划代码；缺省为本人辖区。
    area: Option<String>,
    /// 年度；缺省为今年。
    year: Option<i32>,
}

/// 逾期率 = 逾期贷款余额 ÷ 贷款余额 of an area and each area below it,
/// next to the area's target (丰都 2024: 1%).
#[utoipa::path(get, path = "/api/funds/loan-rates", tag = "资金与就业", params(AreaQuery), responses((status = 200, description = "{as_of, area, children}：贷款笔数、贷款余额、逾期贷款余额、逾期率（万分之）、目标及其来源、是否达标", body = LoanRates), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn loan_rates(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<LoanRates> {
    let area = area_param(q.area, "area")?;
    Ok(Json(
        s.store.loan_rates(&c.access, area, s.clock.now()).await?,
    ))
}

/// A post's fields, as recorded and as corrected.
#[derive(Deserialize, utoipa::ToSchema)]
struct PostFields {
    post: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
    monthly_pay_fen: i64,
    #[serde(default)]
    note: String,
}

impl PostFields {
    fn correction(self) -> Result<PostCorrection, ApiError> {
        Ok(PostCorrection {
            monthly_pay: money_field(self.monthly_pay_fen, "月工资")?,
            post: self.post,
            start: self.start_on,
            end: self.end_on,
            note: self.note,
        })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PostBody {
    /// 岗位人员的人口编号（本户成员）。
    person_no: String,
    #[serde(flatten)]
    fields: PostFields,
}

/// Records a 公益性岗位; refused when the person is outside the age window
/// on the first day, has no labour capacity, or holds an overlapping post.
#[utoipa::path(post, path = "/api/households/{id}/posts", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号")), request_body = PostBody, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "年龄、劳动能力或岗位期间重叠（中文说明，未保存）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn add_post(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PostBody>,
) -> CreatedResult {
    let f = b.fields.correction()?;
    let e = PostEntry {
        person_no: b.person_no,
        post: f.post,
        start: f.start,
        end: f.end,
        monthly_pay: f.monthly_pay,
        note: f.note,
    };
    created(s.store.add_post(&c.access, id, e, s.clock.now()).await?)
}

/// Corrects a 公益性岗位 (name, period, monthly pay) with the checks of a new
/// one: age on the first day, labour capacity, no overlap.
#[utoipa::path(patch, path = "/api/funds/posts/{id}", tag = "资金与就业", params(("id" = i64, Path, description = "岗位编号")), request_body = Revised<PostFields>, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "年龄、劳动能力、期间重叠或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn correct_post(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Revised<PostFields>>,
) -> ApiResult<Edited> {
    let fix = b.fields.correction()?;
    let edited = s
        .store
        .correct_post(&c.access, id, b.revision, fix, s.clock.now());
    Ok(Json(edited.await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PostEndBody {
    revision: i32,
    /// 提前结束的月份（如 2024-08），岗位至该月最后一天。
    end_month: String,
    reason: String,
}

/// Ends a 公益性岗位 early, on the last day of a month within it.
#[utoipa::path(post, path = "/api/funds/posts/{id}/end", tag = "资金与就业", params(("id" = i64, Path, description = "岗位编号")), request_body = PostEndBody, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "月份不在岗位期间内、不早于原结束日期、未填原因或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn end_post(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PostEndBody>,
) -> ApiResult<Edited> {
    let month = YearMonth::parse(&b.end_month).map_err(bad)?;
    Ok(Json(
        s.store
            .end_post(&c.access, id, b.revision, month, &b.reason, s.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/funds/posts", tag = "资金与就业", params(ListQuery, PageQuery), responses((status = 200, description = "公益性岗位分页列表（year：与该年度有交集的岗位）", body = Page<PostRow>)))]
async fn post_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
    p: Paging,
) -> ApiResult<Page<PostRow>> {
    let (total, items) = s
        .store
        .posts(
            &c.access,
            &q.filter()?,
            p.offset,
            p.page_size,
            s.clock.now(),
        )
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct AwardBody {
    year: i32,
    project: String,
    amount_fen: i64,
    #[serde(default)]
    note: String,
}

/// Records a 到户产业奖补; refused above the household's yearly cap with how
/// much was granted and how much remains.
#[utoipa::path(post, path = "/api/households/{id}/awards", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号")), request_body = AwardBody, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "超过每户每年上限（说明已获和尚可金额，未保存）或未配置上限参数", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn add_award(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AwardBody>,
) -> CreatedResult {
    created(
        s.store
            .add_award(&c.access, id, b.entry()?, s.clock.now())
            .await?,
    )
}

impl AwardBody {
    fn entry(self) -> Result<AwardEntry, ApiError> {
        Ok(AwardEntry {
            amount: money_field(self.amount_fen, "奖补金额")?,
            year: self.year,
            project: self.project,
            note: self.note,
        })
    }
}

/// Corrects a 到户产业奖补 within the yearly cap (the household's other
/// awards of the year count); above it the refusal says what was granted
/// and what remains, and nothing changes.
#[utoipa::path(patch, path = "/api/funds/awards/{id}", tag = "资金与就业", params(("id" = i64, Path, description = "奖补编号")), request_body = Revised<AwardBody>, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "超过每户每年上限（说明已获和尚可金额）、已撤销或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn correct_award(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Revised<AwardBody>>,
) -> ApiResult<Edited> {
    let fix = b.fields.entry()?;
    let edited = s
        .store
        .correct_award(&c.access, id, b.revision, fix, s.clock.now());
    Ok(Json(edited.await?))
}

/// Withdraws (撤销) a 到户产业奖补 with a reason; it stays listed as 已撤销
/// and no longer counts against the cap.
#[utoipa::path(post, path = "/api/funds/awards/{id}/withdraw", tag = "资金与就业", params(("id" = i64, Path, description = "奖补编号")), request_body = ReasonBody, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "未填原因、已撤销或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn withdraw_award(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Edited> {
    Ok(Json(
        s.store
            .withdraw_award(&c.access, id, b.revision, &b.reason, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct YearQuery {
    /// 年度；缺省为今年。
    year: Option<i32>,
}

#[utoipa::path(get, path = "/api/households/{id}/award-room", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号"), YearQuery), responses((status = 200, description = "{year, cap_fen, granted_fen, remaining_fen, cap_source}", body = AwardRoom), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn award_room(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<AwardRoom> {
    let year = year_or_now(q.year, &s);
    Ok(Json(s.store.award_room(&c.access, id, year).await?))
}

#[utoipa::path(get, path = "/api/funds/awards", tag = "资金与就业", params(ListQuery, PageQuery), responses((status = 200, description = "到户产业奖补分页列表及合计金额 sum_fen", body = AwardPage)))]
async fn award_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
    p: Paging,
) -> ApiResult<AwardPage> {
    let (total, sum, items) = s
        .store
        .awards(&c.access, &q.filter()?, p.offset, p.page_size)
        .await?;
    Ok(Json(AwardPage {
        items,
        page: p.page,
        page_size: p.page_size,
        sum_fen: sum,
        total,
    }))
}

/// A page of awards with the sum of all that match.
#[derive(Serialize, utoipa::ToSchema)]
struct AwardPage {
    items: Vec<fangpin_store::funds::AwardRow>,
    page: u64,
    page_size: u64,
    /// 合计金额（分），全部符合条件的记录。
    sum_fen: Money,
    total: u64,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct JobBody {
    /// 务工人员的人口编号（本户成员）。
    person_no: String,
    #[serde(flatten)]
    fields: JobFields,
}

/// A 务工 record's fields, as recorded and as corrected.
#[derive(Deserialize, utoipa::ToSchema)]
struct JobFields {
    year: i32,
    /// in_county（县内）/ in_province（县外省内）/ out_of_province（省外）/ abroad（国外），或中文
    region: String,
    #[serde(default)]
    place: String,
    employer: String,
    months: u8,
    income_fen: i64,
    #[serde(default)]
    note: String,
}

impl JobFields {
    fn correction(self) -> Result<EmploymentCorrection, ApiError> {
        Ok(EmploymentCorrection {
            income: money_field(self.income_fen, "务工收入")?,
            year: self.year,
            region: WorkRegion::parse(&self.region).map_err(bad)?,
            place: self.place,
            employer: self.employer,
            months: self.months,
            note: self.note,
        })
    }
}

/// Records a 务工 record of a member.
#[utoipa::path(post, path = "/api/households/{id}/jobs", tag = "资金与就业", params(("id" = i64, Path, description = "农户编号")), request_body = JobBody, responses((status = 201, description = "{id}", body = Created), (status = 400, description = "字段错误（中文说明）", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn add_job(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JobBody>,
) -> CreatedResult {
    writable(&s, &c, id).await?;
    let f = b.fields.correction()?;
    let e = EmploymentEntry {
        person_no: b.person_no,
        year: f.year,
        region: f.region,
        place: f.place,
        employer: f.employer,
        months: f.months,
        income: f.income,
        note: f.note,
    };
    created(
        s.store
            .add_employment(&c.access, id, e, s.clock.now())
            .await?,
    )
}

/// Corrects a 务工 record with the checks of a new one.
#[utoipa::path(patch, path = "/api/funds/jobs/{id}", tag = "资金与就业", params(("id" = i64, Path, description = "务工记录编号")), request_body = Revised<JobFields>, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "字段错误或版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn correct_job(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Revised<JobFields>>,
) -> ApiResult<Edited> {
    let fix = b.fields.correction()?;
    let edited = s
        .store
        .correct_employment(&c.access, id, b.revision, fix, s.clock.now());
    Ok(Json(edited.await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct JobEndBody {
    revision: i32,
    /// 务工结束日期（当年内、不晚于今天）。
    ended_on: NaiveDate,
}

/// Ends a 务工 record; its months stop at the end day.
#[utoipa::path(post, path = "/api/funds/jobs/{id}/end", tag = "资金与就业", params(("id" = i64, Path, description = "务工记录编号")), request_body = JobEndBody, responses((status = 200, description = "{id, revision}", body = Edited), (status = 400, description = "日期不在当年或晚于今天、版本已过期（未修改）", body = ErrorBody), (status = 403, description = "无维护农户档案权限", body = ErrorBody), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn end_job(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JobEndBody>,
) -> ApiResult<Edited> {
    Ok(Json(
        s.store
            .end_employment(&c.access, id, b.revision, b.ended_on, s.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/funds/jobs", tag = "资金与就业", params(ListQuery, PageQuery), responses((status = 200, description = "务工记录分页列表", body = Page<JobRow>)))]
async fn job_list(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
    p: Paging,
) -> ApiResult<Page<JobRow>> {
    let (total, items) = s
        .store
        .jobs(&c.access, &q.filter()?, p.offset, p.page_size)
        .await?;
    Ok(Page::json(items, total, p.page, p.page_size))
}

/// 零就业家庭: households with a member able to work (普通/技能劳动力) and
/// nobody with a 务工 record or a 公益性岗位 in the year.
#[utoipa::path(get, path = "/api/funds/zero-employment", tag = "资金与就业", params(AreaQuery, PageQuery), responses((status = 200, description = "{year, total, items, by_area}：零就业家庭分页及本级和下级区划的户数", body = ZeroEmployment), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn zero_employment(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AreaQuery>,
    p: Paging,
) -> ApiResult<ZeroEmployment> {
    let year = year_or_now(q.year, &s);
    let area = area_param(q.area, "area")?;
    Ok(Json(
        s.store
            .zero_employment(&c.access, area, year, p.offset, p.page_size)
            .await?,
    ))
}

/// 务工规模 for the 务工 tab: the 首页概览's figures of the area (by
/// default the caller's) and each area below it.
#[utoipa::path(get, path = "/api/funds/employment-scale", tag = "资金与就业", params(AreaQuery), responses((status = 200, description = "同 /api/areas/{code}/employment：务工人数（其中脱贫人口、监测对象）、县内/县外省内/省外/国外、6个月及以上、务工收入、零就业家庭", body = AreaEmployment), (status = 404, description = "区划不在辖区内", body = ErrorBody)))]
async fn employment_scale(
    State(s): State<AppState>,
    c: Caller,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<AreaEmployment> {
    let year = year_or_now(q.year, &s);
    let area = area_param(q.area, "area")?.unwrap_or(c.access.area);
    Ok(Json(
        s.store
            .area_employment(&c.access, &area.as_string(), year)
            .await?,
    ))
}
