//! The OpenAPI description of the API, generated from the handlers'
//! annotations, served as JSON at `/api/openapi.json` and browsable at
//! `/api/docs`.

use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;

/// Every error: a machine-readable code and a Chinese message for people.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// e.g. `not_found`, `bad_request`, `unauthenticated`, `forbidden`, `csrf`.
    pub code: String,
    /// 中文说明，指出具体字段或原因。
    pub message: String,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "登录后设置的会话 Cookie；修改数据的请求还须带 X-CSRF-Token 请求头",
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("机器客户端的 API 令牌（fangpin token-create 生成）"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "fangpin 防返贫动态监测和帮扶系统 API",
        description = "JSON 接口。金额以分为单位的整数；日期为 YYYY-MM-DD；证件号码和电话在列表和详情中脱敏。\
                       错误统一为 {code, message}；列表统一为 {items, total, page, page_size}。\
                       辖区以外的记录一律按“不存在”（404）处理。"
    ),
    paths(
        crate::api::healthz,
        crate::api::meta,
        crate::auth::login,
        crate::auth::logout,
        crate::auth::me,
        crate::auth::change_password,
        crate::api::area_tree,
        crate::api::area_summary,
        crate::api::area_employment,
        crate::api::household_list,
        crate::api::household_detail,
        crate::api::household_create,
        crate::api::household_update,
        crate::api::member_remove,
        crate::api::member_add,
        crate::api::head_change,
        crate::api::household_split,
        crate::api::household_merge,
        crate::api::reveal_ids,
        crate::api::household_history,
        crate::api::household_diff,
        crate::api::code_list,
        crate::api::param_defs,
        crate::api::audit_search,
        crate::api::duplicate_queue,
        crate::api::duplicate_scan,
        crate::api::duplicate_decide,
        crate::api::user_list,
        crate::api::role_list,
        crate::exchange::start_import,
        crate::exchange::import_status,
        crate::exchange::import_report,
        crate::exchange::export,
        crate::monitor::assessment,
        crate::monitor::household_cases,
        crate::monitor::open_case,
        crate::monitor::case_list,
        crate::monitor::case_detail,
        crate::monitor::case_action,
        crate::monitor::workbench,
        crate::monitor::what_if,
        crate::monitor::calendar,
        crate::monitor::calendar_save,
        crate::monitor::quality_list,
        crate::monitor::quality_rules,
        crate::monitor::quality_scores,
        crate::monitor::quality_run,
        crate::funds::household_funds,
        crate::funds::add_loan,
        crate::funds::loan_list,
        crate::funds::loan_detail,
        crate::funds::add_repayment,
        crate::funds::correct_loan,
        crate::funds::undo_repayment,
        crate::funds::correct_post,
        crate::funds::end_post,
        crate::funds::correct_award,
        crate::funds::withdraw_award,
        crate::funds::correct_job,
        crate::funds::end_job,
        crate::funds::loan_rates,
        crate::funds::add_post,
        crate::funds::post_list,
        crate::funds::add_award,
        crate::funds::award_room,
        crate::funds::award_list,
        crate::funds::add_job,
        crate::funds::job_list,
        crate::funds::zero_employment,
        crate::funds::employment_scale,
        crate::self_report::public_areas,
        crate::self_report::form_options,
        crate::self_report::submit,
        crate::self_report::status,
        crate::self_report::inbox,
        crate::self_report::detail,
        crate::self_report::accept,
        crate::self_report::decline,
        crate::self_report::reveal_phone,
        crate::assist::catalogue,
        crate::assist::assisted,
        crate::assist::cadre_list,
        crate::assist::cadre_create,
        crate::assist::cadre_update,
        crate::assist::cadre_phone,
        crate::assist::household_assistance,
        crate::assist::pair,
        crate::assist::unpair,
        crate::assist::plan_save,
        crate::assist::plan_review,
        crate::assist::measure_list,
        crate::assist::measure_add,
        crate::assist::measure_status,
        crate::assist::measure_correct,
        crate::visits::options,
        crate::visits::list,
        crate::visits::record,
        crate::visits::detail,
        crate::visits::raise_lead,
        crate::visits::campaigns,
        crate::visits::create_campaign,
        crate::visits::progress,
        crate::visits::pending,
        crate::visits::redraw,
        crate::visits::add_photos,
        crate::visits::photo,
        crate::visits::remove_photo,
        crate::print::notice,
        crate::print::announcement,
        crate::print::minutes,
        crate::print::card,
        crate::print::cards,
        crate::tokens::token_list,
        crate::tokens::token_revoke,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    security(("session" = []), ("api_token" = []))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
}
