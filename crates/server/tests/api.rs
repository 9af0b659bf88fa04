//! HTTP API behaviour on both engines (`sqlite::*` and `postgres::*`).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Client, PW, demo, json_body, login, request};
use fangpin_domain::AreaCode;
use fangpin_server::{AppState, app};
use fangpin_store::{Access, Actor, HouseholdBundle, NewUser, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

fangpin_store::dual_backend_tests!(
    health_and_meta,
    area_tree_and_summary,
    household_list_is_paginated_and_masked,
    household_detail_explains_income_against_the_line,
    errors_are_chinese_json,
    ui_is_served_with_spa_fallback,
    data_routes_need_a_session,
    login_sets_a_strict_cookie_and_wrong_passwords_fail,
    state_changes_need_the_csrf_token,
    forced_password_change_blocks_data_until_done,
    route_role_scope_matrix,
    logins_from_one_address_are_throttled,
    api_tokens_work_without_cookies,
    uploads_run_as_import_jobs_with_progress_and_error_reports,
    exports_download_masked_unless_allowed,
    audit_search_is_for_inspectors,
    duplicate_queue_routes,
    openapi_describes_the_api,
    history_as_of_and_diff_routes,
    households_are_written_through_the_api_with_reasons,
    member_changes_through_the_api,
    self_reports_are_filed_publicly_and_accepted_by_the_township,
    public_self_report_routes_are_limited,
    calendar_is_edited_by_administrators,
    printable_documents_through_the_api,
    assistance_through_the_api,
    funds_through_the_api,
    funds_are_edited_through_the_api,
    visits_through_the_api,
    measure_rules_through_the_api,
);

async fn send(
    store: &Store,
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
    csrf: bool,
) -> (StatusCode, Value, String, axum::http::HeaderMap) {
    let state = AppState::demo(store.clone(), "unused");
    send_to(state, client, method, uri, body, csrf).await
}

/// The demo server with its clock fixed at 10:00 China time on 2026-06-01,
/// for answers that depend on the day.
fn on_fixed_day(store: &Store) -> AppState {
    let mut state = AppState::demo(store.clone(), "unused");
    state.clock = fangpin_server::Clock::fixed(fixed_now());
    state
}

fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-06-01T10:00:00+08:00")
        .unwrap()
        .to_utc()
}

async fn send_to(
    state: AppState,
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
    csrf: bool,
) -> (StatusCode, Value, String, axum::http::HeaderMap) {
    let a = request(state, client, method, uri, json_body(body), csrf).await;
    (a.status, a.json, a.content_type, a.headers)
}

/// GET without logging in.
async fn get_public(store: &Store, uri: &str) -> (StatusCode, Value, String) {
    let (s, b, c, _) = send(store, &Client::default(), "GET", uri, None, false).await;
    (s, b, c)
}

/// GET as the county administrator.
async fn get(store: &Store, uri: &str) -> (StatusCode, Value, String) {
    let admin = login(store, "admin").await;
    let (s, b, c, _) = send(store, &admin, "GET", uri, None, false).await;
    (s, b, c)
}

async fn health_and_meta(store: Store) {
    let (status, body, _) = get_public(&store, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], store.engine().label());

    let (_, meta, _) = get_public(&store, "/api/meta").await;
    assert_eq!(meta["system"], "防返贫动态监测和帮扶系统");
    assert!(
        meta["county"].is_null(),
        "an empty database has no county yet"
    );
    demo(&store, 10).await;
    let (_, meta, _) = get_public(&store, "/api/meta").await;
    assert_eq!(meta["county"]["name"], "丰都县");
    assert_eq!(meta["demo"], true);
    assert_eq!(meta["data_year"], 2024);
    let logins = meta["demo_logins"].as_array().unwrap();
    assert!(logins.is_empty(), "users made by tests are not demo users");
}

async fn area_tree_and_summary(store: Store) {
    demo(&store, 300).await;
    let (status, body, _) = get(&store, "/api/areas/tree").await;
    assert_eq!(status, StatusCode::OK);
    let root = &body["root"];
    assert_eq!(root["name"], "丰都县");
    assert_eq!(root["households"], 300);
    let township = &root["children"][0];
    assert_eq!(township["level"], "township");
    let code = township["code"].as_str().unwrap();

    let (status, s, _) = get(&store, &format!("/api/areas/{code}/summary")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["households"], township["households"]);
    let children_total: i64 = s["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["households"].as_i64().unwrap())
        .sum();
    assert_eq!(Some(children_total), township["households"].as_i64());
    assert!(s["by_category"].as_array().unwrap().len() >= 3);

    // 务工规模 of the same area: the data year by default, one row per area
    // below, the rows adding up to the area's own figures.
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment")).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["year"], 2024);
    assert_eq!(e["code"], code);
    let rows = e["children"].as_array().unwrap();
    assert_eq!(rows.len(), s["children"].as_array().unwrap().len());
    for key in ["labour_households", "zero_employment_households", "workers"] {
        let sum: i64 = rows.iter().map(|r| r[key].as_i64().unwrap()).sum();
        assert_eq!(Some(sum), e[key].as_i64(), "{key}");
    }
    assert!(e["labour_households"].as_i64().unwrap() > 0);
    // No 务工 records yet: every household with labour is 零就业.
    assert_eq!(e["workers"], 0);
    assert_eq!(e["zero_employment_households"], e["labour_households"]);
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment?year=2023")).await;
    assert_eq!((status, &e["year"]), (StatusCode::OK, &json!(2023)));
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment?year=99")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "年度无效：99");
    let (status, _, _) = get(&store, "/api/areas/500230999000/employment").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn household_list_is_paginated_and_masked(store: Store) {
    let bundles = demo(&store, 60).await;
    let (status, page, _) = get(&store, "/api/households?page=2&page_size=25").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 60);
    assert_eq!(page["page"], 2);
    assert_eq!(page["page_size"], 25);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 25);
    for item in items {
        let id = item["head_id"].as_str().unwrap();
        assert_eq!(id.len(), 18);
        assert_eq!(
            &id[6..14],
            "********",
            "ID numbers are masked in lists: {id}"
        );
    }
    let full = bundles[25].household.head_id.as_str();
    assert!(!serde_json::to_string(&page).unwrap().contains(full));

    let village = bundles[0].household.area.as_string();
    let (_, filtered, _) = get(
        &store,
        &format!("/api/households?area={village}&page_size=200"),
    )
    .await;
    assert!(
        filtered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["area_code"] == village.as_str())
    );
}

async fn household_detail_explains_income_against_the_line(store: Store) {
    let bundles = demo(&store, 80).await;
    let (_, page, _) = get(&store, "/api/households?page_size=1").await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let (status, d, _) = get(&store, &format!("/api/households/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let income = &d["incomes"][0];
    assert_eq!(income["year"], 2024);
    assert_eq!(
        income["monitoring_line"], 830_000,
        "丰都县 2024 监测范围 8,300 元 in 分"
    );
    assert_eq!(income["line_source"]["scope"], "500230000000");
    let per_capita = income["breakdown"]["per_capita"].as_i64().unwrap();
    assert_eq!(income["below_line"], per_capita < 830_000);
    let text = serde_json::to_string(&d).unwrap();
    for m in &bundles[0].members {
        assert!(
            !text.contains(m.id_number.as_str()),
            "member ID numbers are masked"
        );
        if let Some(p) = &m.phone {
            assert!(!text.contains(p.as_str()), "phones are masked");
        }
    }
}

async fn errors_are_chinese_json(store: Store) {
    demo(&store, 5).await;
    for (uri, status, needle) in [
        (
            "/api/households/999999",
            StatusCode::NOT_FOUND,
            "农户不存在",
        ),
        ("/api/households/abc", StatusCode::NOT_FOUND, "资源不存在"),
        ("/api/households?page=0", StatusCode::BAD_REQUEST, "page"),
        (
            "/api/households?page_size=1000",
            StatusCode::BAD_REQUEST,
            "page_size",
        ),
        (
            "/api/households?page=x",
            StatusCode::BAD_REQUEST,
            "查询参数无效",
        ),
        (
            "/api/households?area=12ab",
            StatusCode::BAD_REQUEST,
            "参数 area",
        ),
        (
            "/api/areas/500230999999/summary",
            StatusCode::NOT_FOUND,
            "区划不存在",
        ),
        ("/api/no/such/route", StatusCode::NOT_FOUND, "接口不存在"),
    ] {
        let (got, body, ctype) = get(&store, uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(ctype.starts_with("application/json"), "{uri}: {ctype}");
        assert!(body["code"].is_string(), "{uri}");
        let msg = body["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg}");
    }
}

async fn ui_is_served_with_spa_fallback(store: Store) {
    let (status, body, ctype) = get_public(&store, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(body.as_str().unwrap().contains("防返贫动态监测和帮扶系统"));
    let (status, _, ctype) = get_public(&store, "/households/123").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "unknown non-API paths fall back to the app"
    );
    assert!(ctype.starts_with("text/html"));
}

async fn data_routes_need_a_session(store: Store) {
    demo(&store, 5).await;
    for uri in [
        "/api/areas/tree",
        "/api/areas/500230000000/summary",
        "/api/households",
        "/api/households/1",
        "/api/params/monitoring_line",
        "/api/codes/relation",
        "/api/auth/me",
    ] {
        let (status, body, _) = get_public(&store, uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(body["code"], "unauthenticated", "{uri}");
        assert_eq!(body["message"], "请先登录");
    }
    let forged = Client {
        cookie: Some("fp_session=forged".into()),
        csrf: None,
    };
    let (status, _, _, _) = send(&store, &forged, "GET", "/api/households", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn login_sets_a_strict_cookie_and_wrong_passwords_fail(store: Store) {
    demo(&store, 5).await;
    let (status, body, _, headers) = send(
        &store,
        &Client::default(),
        "POST",
        "/api/auth/login",
        Some(json!({"username": "cunji", "password": "nope"})),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("用户名或密码错误")
    );
    assert!(headers.get("set-cookie").is_none());

    let c = login(&store, "cunji").await;
    let (status, me, _, _) = send(&store, &c, "GET", "/api/auth/me", None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["username"], "cunji");
    assert_eq!(me["user"]["role_name"], "村级/驻村工作队");
    assert_eq!(me["user"]["area"]["level"], "village");
    assert!(me["user"].get("password_hash").is_none());
    assert_eq!(me["csrf_token"].as_str(), c.csrf.as_deref());

    let (status, _, _, headers) = send(&store, &c, "POST", "/api/auth/logout", None, true).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (status, _, _, _) = send(&store, &c, "GET", "/api/auth/me", None, false).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the session is gone after logout"
    );
}

async fn state_changes_need_the_csrf_token(store: Store) {
    demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let (_, page, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/households?page_size=1",
        None,
        false,
    )
    .await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let uri = format!("/api/households/{id}/reveal");
    let (status, body, _, _) = send(&store, &admin, "POST", &uri, None, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf");
    let wrong = Client {
        csrf: Some("wrong".into()),
        ..admin.clone()
    };
    let (status, _, _, _) = send(&store, &wrong, "POST", &uri, None, true).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _, _) = send(&store, &admin, "POST", &uri, None, true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["head_id"].as_str().unwrap().len(), 18);
    assert!(!body["head_id"].as_str().unwrap().contains('*'));
}

async fn forced_password_change_blocks_data_until_done(store: Store) {
    demo(&store, 5).await;
    let village = store
        .user_by_username("cunji")
        .await
        .unwrap()
        .unwrap()
        .area
        .code;
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "newbie".into(),
                display_name: "新用户".into(),
                password: PW.into(),
                role: "village_operator".into(),
                area: AreaCode::parse(&village).unwrap(),
                department: None,
                must_change_password: true,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let c = login(&store, "newbie").await;
    let (status, body, _, _) = send(&store, &c, "GET", "/api/households", None, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "password_change_required");
    let (status, me, _, _) = send(&store, &c, "GET", "/api/auth/me", None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["must_change_password"], true);
    let (status, body, _, _) = send(
        &store,
        &c,
        "POST",
        "/api/auth/password",
        Some(json!({"old_password": PW, "new_password": "short"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("至少8位"));
    let (status, _, _, _) = send(
        &store,
        &c,
        "POST",
        "/api/auth/password",
        Some(json!({"old_password": PW, "new_password": "Brandnew99"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _, _) = send(&store, &c, "GET", "/api/households", None, false).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the same session works after the change"
    );
}

/// Every data route × every role × a household inside and one outside the
/// role's area: outside is 404 (existence does not leak), a missing
/// permission is 403, everything else 200.
async fn route_role_scope_matrix(store: Store) {
    let bundles = demo(&store, 300).await;
    let village = bundles[0].household.area;
    let township = village.parent().unwrap();
    let admin = login(&store, "admin").await;
    let (_, all, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/households?page_size=200",
        None,
        false,
    )
    .await;
    let items = all["items"].as_array().unwrap();
    let in_id = items
        .iter()
        .find(|i| i["area_code"] == village.as_string().as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let out = items
        .iter()
        .find(|i| {
            !i["area_code"]
                .as_str()
                .unwrap()
                .starts_with(&township.prefix())
        })
        .expect("a household in another township");
    let out_id = out["id"].as_i64().unwrap();
    let out_area = out["area_code"].as_str().unwrap().to_owned();
    // For the printouts: a monitored household and a case (a lead, not yet
    // reviewed) inside the village and in the other township.
    let print_in = print_targets(&store, &bundles, |a| a == village).await;
    let print_out = print_targets(&store, &bundles, |a| a.parent() != Some(township)).await;

    // 农户自主申报 from a stranger: one in the township, one outside it.
    let report_in = public_report(&store, &village.as_string()).await;
    let report_out = public_report(&store, &out_area).await;

    // 走访: a visit in the village (turned into a lead where possible) and
    // one in the other township, and a campaign on each township.
    let out_township = AreaCode::parse(&out_area).unwrap().parent().unwrap();
    let visit_in = visit_targets(&store, in_id, township).await;
    let visit_out = visit_targets(&store, out_id, out_township).await;

    // (role user, can read households, can reveal IDs, covers the other township)
    let roles = [
        ("admin", true, true, true),
        ("shending", true, true, true),
        ("xiangzhen", true, false, false),
        ("cunji", true, false, false),
        ("bangfu", true, false, false),
        ("ducha", true, false, true),
        ("yibao", false, false, true),
        ("xitong", false, false, true),
    ];
    for (user, read, reveal, county_wide) in roles {
        let c = login(&store, user).await;
        // bangfu is paired with no household: none is in their scope.
        let village_inside = user != "bangfu";
        for ((id, area, inside), (monitored, case)) in [
            (in_id, village.as_string(), village_inside),
            (out_id, out_area.clone(), county_wide),
        ]
        .into_iter()
        .zip([print_in, print_out])
        {
            let write = matches!(user, "admin" | "xiangzhen" | "cunji");
            let case_role = matches!(user, "shending" | "xiangzhen" | "cunji");
            let (ok, bad) = (StatusCode::OK, StatusCode::BAD_REQUEST);
            // A plan or measure may also be written by the household's
            // 帮扶责任人; bangfu is paired with none, so 403 inside.
            let (own, own_ok) = if write {
                (true, bad)
            } else {
                (user == "bangfu", StatusCode::FORBIDDEN)
            };
            let get = |uri: String, allowed: bool, ok: StatusCode| ("GET", uri, None, allowed, ok);
            let post = |uri: String, body: Value, allowed: bool, ok: StatusCode| {
                ("POST", uri, Some(body), allowed, ok)
            };
            let h = |op: &str| format!("/api/households/{id}/{op}");
            // (method, uri, body, allowed for the role, answer inside the scope)
            let calls = [
                get(format!("/api/households/{id}"), read, ok),
                ("POST", h("reveal"), None, reveal, ok),
                get(h("assessment"), read, ok),
                get(h("cases"), read, ok),
                // Member changes: the store checks permission, then scope,
                // then the input, so an empty reason answers 400 inside.
                post(
                    h("members"),
                    json!({"person": bundles[0].members[0], "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("head"),
                    json!({"person_no": "x", "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("split"),
                    json!({"members": [], "head": "x", "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("merge"),
                    json!({"other_id": id, "reason": ""}),
                    write,
                    bad,
                ),
                // Monitoring: opening a case needs a workflow role.
                post(
                    "/api/cases".into(),
                    json!({"household_id": id, "channel": "cadre_visit", "summary": " "}),
                    case_role,
                    bad,
                ),
                // 资金与就业: writes need 维护农户档案; a blank field or an
                // unknown member answers 400 inside.
                post(
                    h("awards"),
                    json!({"year": 2024, "project": " ", "amount_fen": 10000}),
                    write,
                    bad,
                ),
                post(
                    h("posts"),
                    json!({"person_no": "x", "post": "护林员", "start_on": "2024-01-01", "end_on": "2024-12-31", "monthly_pay_fen": 60000}),
                    write,
                    bad,
                ),
                post(
                    h("jobs"),
                    json!({"person_no": "x", "year": 2024, "region": "县内", "employer": "厂", "months": 3, "income_fen": 1}),
                    write,
                    bad,
                ),
                post(
                    h("loans"),
                    json!({"borrower_no": "x", "bank": "银行", "amount_fen": 100, "term_months": 12, "issued_on": "2024-01-01", "annual_rate": "3.45", "method": "interest_quarterly", "subsidy_rate": "3.45"}),
                    write,
                    bad,
                ),
                get(h("funds"), read, ok),
                get(h("award-room?year=2024"), read, ok),
                get(format!("/api/funds/loan-rates?area={area}"), read, ok),
                get(
                    format!("/api/funds/zero-employment?area={area}&year=2024"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/funds/employment-scale?area={area}&year=2024"),
                    read,
                    ok,
                ),
                // 帮扶: pairing needs 维护农户档案; plans and measures also
                // the 帮扶责任人.
                get(h("assistance"), read, ok),
                get(h("measures"), read, ok),
                post(h("responsible/end"), json!({"reason": " "}), write, bad),
                ("PUT", h("plan"), Some(json!({"goals": " "})), own, own_ok),
                // Plan review: 乡镇审核 or 县级审定 only; no plan yet is 400.
                post(
                    h("plan/review"),
                    json!({"revision": 0}),
                    matches!(user, "shending" | "xiangzhen"),
                    bad,
                ),
                post(
                    h("measures"),
                    json!({"code": "CY01", "target_risk": "01", "started_on": "2026-01-05", "amount_fen": -1}),
                    own,
                    own_ok,
                ),
                // Printouts are reads: a lead has no minutes yet (400 where
                // it may be seen); a monitored household has its 明白卡.
                get(format!("/api/print/cards/{monitored}"), read, ok),
                get(format!("/api/print/minutes/{case}"), read, bad),
                get(
                    format!("/api/print/notice?area={area}&kind=identification"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/print/notice?area={area}&kind=elimination"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/print/announcement?area={area}&from=2026-01-01&until=2026-12-31"),
                    read,
                    ok,
                ),
                get(format!("/api/print/cards?area={area}"), read, ok),
                // Area summaries count households: for roles that read them.
                get(format!("/api/areas/{area}/summary"), read, ok),
                // 务工规模 counts persons: for roles that read households.
                get(format!("/api/areas/{area}/employment?year=2024"), read, ok),
            ];
            for (method, uri, body, allowed, answer) in calls {
                let state = on_fixed_day(&store);
                let (status, r, _, _) = send_to(state, &c, method, &uri, body, true).await;
                // Area documents and aggregates: bangfu's area is the village
                // (they answer with the paired households only).
                let area_call = uri.contains("area=") || uri.starts_with("/api/areas/");
                let inside = inside || (area_call && area == village.as_string());
                let expected = judge(allowed, inside, answer);
                assert_eq!(status, expected, "{user} {method} {uri}: {r}");
            }
        }
        // The cadre registry and the 帮扶对象 list are reads in scope; adding
        // a cadre needs household.write (a blank form is 400).
        for uri in [
            "/api/cadres",
            "/api/assist/households",
            "/api/assist/catalogue",
        ] {
            let (status, r, _, _) = send(&store, &c, "GET", uri, None, false).await;
            let expected = if read || uri == "/api/assist/catalogue" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{user} GET {uri}: {r}");
        }
        let write = matches!(user, "admin" | "xiangzhen" | "cunji");
        let (status, r, _, _) = send(
            &store,
            &c,
            "POST",
            "/api/cadres",
            Some(json!({"name": ""})),
            true,
        )
        .await;
        let expected = if write {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{user} POST /api/cadres: {r}");
        // 农户自主申报: only the township's reviewer keeps the inbox and decides,
        // within the township; an empty decline reason answers 400 inside.
        let accepts = user == "xiangzhen";
        let (status, r, _, _) = send(&store, &c, "GET", "/api/self-reports", None, false).await;
        let expected = if accepts {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{user} GET /api/self-reports: {r}");
        for (rid, inside) in [(report_in, true), (report_out, county_wide)] {
            let calls = [
                (
                    "GET",
                    format!("/api/self-reports/{rid}"),
                    None,
                    StatusCode::OK,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/decline"),
                    Some(json!({"reason": " "})),
                    StatusCode::BAD_REQUEST,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/accept"),
                    Some(json!({})),
                    StatusCode::BAD_REQUEST,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/phone"),
                    None,
                    StatusCode::OK,
                ),
            ];
            for (method, uri, body, ok) in calls {
                let (status, r, _, _) = send(&store, &c, method, &uri, body, true).await;
                let expected = match (accepts, inside) {
                    (false, _) => StatusCode::FORBIDDEN,
                    (true, true) => ok,
                    (true, false) => StatusCode::NOT_FOUND,
                };
                assert_eq!(status, expected, "{user} {method} {uri}: {r}");
            }
        }
        visit_matrix(
            &store,
            &c,
            user,
            read,
            [(visit_in, user != "bangfu"), (visit_out, county_wide)],
        )
        .await;
        // Lists only ever contain households in scope.
        let (status, list, _, _) = send(
            &store,
            &c,
            "GET",
            "/api/households?page_size=200",
            None,
            false,
        )
        .await;
        if read {
            assert_eq!(status, StatusCode::OK);
            let me = store.user_by_username(user).await.unwrap().unwrap();
            let root = AreaCode::parse(&me.area.code).unwrap();
            for i in list["items"].as_array().unwrap() {
                let a = AreaCode::parse(i["area_code"].as_str().unwrap()).unwrap();
                assert!(root.contains(&a), "{user} sees {a:?}");
            }
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

/// A monitored household and a freshly opened case on another household,
/// both in an area that `pick` accepts: (household id, case id).
async fn print_targets(
    store: &Store,
    bundles: &[HouseholdBundle],
    pick: impl Fn(AreaCode) -> bool,
) -> (i64, i64) {
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let mut plain = bundles
        .iter()
        .filter(|b| pick(b.household.area) && b.household.monitor_category.is_none());
    let id_of = async |b: Option<&HouseholdBundle>| {
        let no = &b.expect("households in the area").household.household_no;
        store.household_by_no(&county, no).await.unwrap().id
    };
    let plain_id = id_of(plain.next()).await;
    let monitored = match bundles
        .iter()
        .find(|b| pick(b.household.area) && b.household.monitor_category.is_some())
    {
        Some(b) => id_of(Some(b)).await,
        None => {
            // None in the area yet: the next household becomes one.
            let id = id_of(plain.next()).await;
            let mut d = store.household(&county, id).await.unwrap();
            d.household.monitor_category = Some("1".into());
            d.household.risks = vec!["01".into()];
            d.household.risk_eliminated = Some(false);
            d.household.identified_month = Some("202601".parse().unwrap());
            store
                .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
                .await
                .unwrap();
            id
        }
    };
    let plain = plain_id;
    let lead = fangpin_store::cases::NewLead {
        household_id: plain,
        channel: fangpin_domain::workflow::Channel::CadreVisit,
        green_channel: false,
        summary: "入户排查发现".into(),
        reporter: None,
        evidence: None,
    };
    let case = store.open_lead(&county, lead, fixed_now()).await.unwrap();
    (monitored, case)
}

/// A visit on the household (turned into a lead unless the household
/// already has a case, so that any later lead answers 400) and a campaign of
/// every household on the township: (household, visit, campaign).
async fn visit_targets(store: &Store, household: i64, township: AreaCode) -> (i64, i64, i64) {
    use fangpin_domain::visits::{CampaignForm, VisitForm};
    use fangpin_store::visits::VisitInput;
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let now = chrono::Utc::now();
    let vid = store
        .record_visit(
            &system,
            VisitInput {
                household_id: household,
                form: VisitForm {
                    date: None,
                    kind: "home".into(),
                    findings: "户主患病住院".into(),
                    flags: vec!["illness".into()],
                    risk_found: true,
                },
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    store
        .raise_lead_from_visit(&system, vid, false, now)
        .await
        .ok();
    let form = CampaignForm {
        name: "集中排查".into(),
        kind: "sweep".into(),
        area: township.as_string(),
        from: "2026-05-01".into(),
        until: "2026-07-31".into(),
        targets: vec!["all".into()],
    };
    let cid = store.create_campaign(&system, &form, now).await.unwrap();
    (household, vid, cid)
}

/// The 走访 routes for one user: village and 帮扶 cadres record (a blank
/// finding answers 400 inside the scope, 404 outside); reads need
/// household.read; 转为风险线索 needs a workflow role (the prepared visit
/// can no longer become a lead: 400 inside); township and county users
/// organise campaigns (a blank name answers 400).
/// The answer to a call: 403 for a role without the permission, 404 outside
/// the caller's area, else `ok`.
fn judge(allowed: bool, inside: bool, ok: StatusCode) -> StatusCode {
    match (allowed, inside) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, true) => ok,
        (true, false) => StatusCode::NOT_FOUND,
    }
}

async fn visit_matrix(
    store: &Store,
    c: &Client,
    user: &str,
    read: bool,
    targets: [((i64, i64, i64), bool); 2],
) {
    let visitor = matches!(user, "cunji" | "bangfu");
    let case_role = matches!(user, "shending" | "xiangzhen" | "cunji");
    let organiser = matches!(user, "admin" | "shending" | "xiangzhen");
    for (n, ((hid, vid, cid), inside)) in targets.into_iter().enumerate() {
        // A campaign is area-keyed: bangfu sees the village's campaign
        // (its progress counts their paired households only).
        let campaign_inside = inside || (user == "bangfu" && n == 0);
        let calls = [
            (
                "POST",
                "/api/visits".to_string(),
                Some(json!({"household_id": hid, "kind": "home", "findings": " "})),
                judge(visitor, inside, StatusCode::BAD_REQUEST),
            ),
            (
                "GET",
                format!("/api/visits/{vid}"),
                None,
                judge(read, inside, StatusCode::OK),
            ),
            (
                "POST",
                format!("/api/visits/{vid}/lead"),
                Some(json!({})),
                judge(case_role, inside, StatusCode::BAD_REQUEST),
            ),
            (
                "GET",
                format!("/api/campaigns/{cid}/progress"),
                None,
                judge(read, campaign_inside, StatusCode::OK),
            ),
            (
                "GET",
                format!("/api/campaigns/{cid}/pending"),
                None,
                judge(read, campaign_inside, StatusCode::OK),
            ),
        ];
        for (method, uri, body, expected) in calls {
            let (status, r, _, _) = send(store, c, method, &uri, body, true).await;
            assert_eq!(status, expected, "{user} {method} {uri}: {r}");
        }
    }
    let role_calls = [
        ("GET", "/api/visits", None, read, StatusCode::OK),
        ("GET", "/api/visits/options", None, true, StatusCode::OK),
        ("GET", "/api/campaigns", None, read, StatusCode::OK),
        (
            "POST",
            "/api/campaigns",
            Some(
                json!({"name": " ", "kind": "sweep", "from": "2026-06-01", "until": "2026-06-30", "targets": ["all"]}),
            ),
            organiser,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (method, uri, body, allowed, ok) in role_calls {
        let (status, r, _, _) = send(store, c, method, uri, body, true).await;
        let expected = if allowed { ok } else { StatusCode::FORBIDDEN };
        assert_eq!(status, expected, "{user} {method} {uri}: {r}");
    }
}

async fn logins_from_one_address_are_throttled(store: Store) {
    demo(&store, 5).await;
    let app = fangpin_server::app(AppState::demo(store.clone(), "unused"));
    let addr: std::net::SocketAddr = "10.9.8.7:5555".parse().unwrap();
    let attempt = |username: String| {
        let app = app.clone();
        async move {
            let mut req = Request::post("/api/auth/login")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"username": username, "password": "x"}).to_string(),
                ))
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
            app.oneshot(req).await.unwrap().status()
        }
    };
    for i in 0..20 {
        assert_eq!(attempt(format!("guess{i}")).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("admin".into()).await, StatusCode::TOO_MANY_REQUESTS);
}

async fn api_tokens_work_without_cookies(store: Store) {
    demo(&store, 5).await;
    let token = store
        .create_api_token(&Actor::system("测试"), "ducha", "督查脚本")
        .await
        .unwrap();
    let req = Request::get("/api/households?page_size=1")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = app(AppState::new(store.clone()))
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let req = Request::get("/api/households?page_size=1")
        .header("authorization", "Bearer fpt_forged")
        .body(Body::empty())
        .unwrap();
    let resp = app(AppState::new(store.clone()))
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

async fn send_bytes(
    store: &Store,
    app_state: &AppState,
    client: &Client,
    uri: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let req = Request::post(uri)
        .header("cookie", client.cookie.clone().unwrap())
        .header("x-csrf-token", client.csrf.clone().unwrap())
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    let _ = store;
    let resp = app(app_state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get_with(
    app_state: &AppState,
    client: &Client,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(uri);
    if let Some(c) = &client.cookie {
        req = req.header("cookie", c.as_str());
    }
    let resp = app(app_state.clone())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 100 << 20)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

async fn uploads_run_as_import_jobs_with_progress_and_error_reports(store: Store) {
    demo(&store, 40).await;
    let state = AppState::demo(store.clone(), "unused");
    let admin = login(&store, "admin").await;
    let (status, headers, xlsx) =
        get_with(&state, &admin, "/api/exports?format=xlsx&unmasked=true").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );

    let (status, body) = send_bytes(
        &store,
        &state,
        &admin,
        "/api/imports?name=%E5%85%A8%E5%8E%BF.xlsx",
        xlsx,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let job_id = body["job_id"].as_str().unwrap().to_owned();
    let mut job = Value::Null;
    for _ in 0..200 {
        let (_, _, b) = get_with(&state, &admin, &format!("/api/imports/{job_id}")).await;
        job = serde_json::from_slice(&b).unwrap();
        if job["finished_at"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["file_name"], "全县.xlsx");
    assert_eq!(
        job["summary"]["unchanged"], 40,
        "re-uploading the export changes nothing"
    );
    assert!(job["summary"]["created"].as_array().unwrap().is_empty());

    // Someone else's job does not exist for a village operator.
    let cun = login(&store, "cunji").await;
    let (status, _, _) = get_with(&state, &cun, &format!("/api/imports/{job_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A CSV with a bad ID number fails with the problem and a report to download.
    let (_, _, csv) = get_with(&state, &admin, "/api/exports?format=csv&unmasked=true").await;
    let text = String::from_utf8(csv).unwrap();
    let first_id = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|t| t.len() == 18 && t.starts_with("500230"))
        .unwrap()
        .to_owned();
    let mut broken = first_id.clone();
    let last = if broken.ends_with('0') { "1" } else { "0" };
    broken.replace_range(17..18, last);
    let bad = text.replacen(&first_id, &broken, 1);
    let (status, body) = send_bytes(
        &store,
        &state,
        &admin,
        "/api/imports?name=bad.csv",
        bad.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let job_id = body["job_id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        let (_, _, b) = get_with(&state, &admin, &format!("/api/imports/{job_id}")).await;
        job = serde_json::from_slice(&b).unwrap();
        if job["finished_at"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["failed_stage"], "parsing");
    assert!(job["issue_count"].as_u64().unwrap() >= 1);
    assert!(
        job["issues"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("校验位"),
        "{job}"
    );
    assert_eq!(job["has_report"], true);
    let (status, headers, report) =
        get_with(&state, &admin, &format!("/api/imports/{job_id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert_eq!(&report[..2], b"PK", "an xlsx (zip) file");
    assert_eq!(store.household_count().await.unwrap(), 40);
}

async fn exports_download_masked_unless_allowed(store: Store) {
    let bundles = demo(&store, 10).await;
    let state = AppState::demo(store.clone(), "unused");
    let xiangzhen = login(&store, "xiangzhen").await;
    let (status, headers, csv) = get_with(&state, &xiangzhen, "/api/exports?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a BOM so that Excel shows Chinese"
    );
    assert!(text.contains("户编号"));
    assert!(text.contains("********"));
    for b in &bundles {
        assert!(!text.contains(b.household.head_id.as_str()));
    }
    let (status, _, _) =
        get_with(&state, &xiangzhen, "/api/exports?format=csv&unmasked=true").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "township reviewers may not unmask"
    );
    let cun = login(&store, "cunji").await;
    let (status, _, _) = get_with(&state, &cun, "/api/exports?format=csv").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "village operators have no export permission"
    );
    let (status, _, _) = get_with(&state, &xiangzhen, "/api/exports?format=pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn audit_search_is_for_inspectors(store: Store) {
    demo(&store, 5).await;
    let ducha = login(&store, "ducha").await;
    let (status, page, _, _) = send(
        &store,
        &ducha,
        "GET",
        "/api/audit?action=login&page_size=50",
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["total"].as_u64().unwrap() >= 1);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["action"] == "login")
    );
    let cun = login(&store, "cunji").await;
    let (status, _, _, _) = send(&store, &cun, "GET", "/api/audit", None, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _, _) = send(
        &store,
        &ducha,
        "GET",
        "/api/audit?from=2026-13-01",
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn duplicate_queue_routes(store: Store) {
    demo(&store, 20).await;
    let admin = login(&store, "admin").await;
    let (status, body, _, _) =
        send(&store, &admin, "POST", "/api/duplicates/scan", None, true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["added"].is_u64());
    let (status, page, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/duplicates?status=pending",
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["total"].is_u64());
    let (status, _, _, _) = send(
        &store,
        &admin,
        "POST",
        "/api/duplicates/999999/decision",
        Some(json!({"decision": "same"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let ducha = login(&store, "ducha").await;
    let (status, _, _, _) = send(&store, &ducha, "POST", "/api/duplicates/scan", None, true).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "inspectors are read-only");
}

async fn openapi_describes_the_api(store: Store) {
    let (status, spec, ctype) = get_public(&store, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    // That every route is documented with a typed answer: tests/openapi.rs.
    let paths = spec["paths"].as_object().unwrap();
    let list = &paths["/api/households"]["get"];
    let params: Vec<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        params.contains(&"area") && params.contains(&"page_size"),
        "{params:?}"
    );
    assert!(spec["components"]["securitySchemes"]["session"].is_object());
    let (status, html, _) = get_public(&store, "/api/docs/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.as_str().unwrap().contains("swagger"),
        "the interactive docs are served"
    );
}

async fn history_as_of_and_diff_routes(store: Store) {
    let mut bundles = demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let (_, page, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/households?page_size=1",
        None,
        false,
    )
    .await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let no = page["items"][0]["household_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = bundles
        .iter_mut()
        .find(|b| b.household.household_no == no)
        .unwrap();
    b.household.phone = Some("13911112222".into());
    store
        .import_households(
            &Access::system(AreaCode::parse("500230").unwrap()),
            "更正电话",
            &[],
            std::slice::from_ref(b),
            false,
        )
        .await
        .unwrap();
    let (status, h, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/history"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["reason"], "更正电话");
    assert!(
        items[1]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "户.phone")
    );
    let (status, d, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/diff?from=1&to=2"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["items"], items[1]["changes"]);
    // Dates are China Standard Time days.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let (status, now, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}?as_of={today}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(now["version"], 2);
    assert_eq!(now["household"]["phone"], "139****2222");
    let (status, _, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}?as_of=2001-01-01"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not yet registered then");
}

async fn households_are_written_through_the_api_with_reasons(store: Store) {
    let bundles = demo(&store, 30).await;
    let admin = login(&store, "admin").await;
    let b = bundles.iter().find(|b| b.members.len() >= 2).unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    let mut h = serde_json::to_value(&b.household).unwrap();
    h["phone"] = json!("13700001234");
    let body = json!({
        "household": h,
        "members": b.members,
        "incomes": b.incomes,
        "reason": "电话变更",
    });
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        &format!("/api/households/{id}"),
        Some(body.clone()),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["changes"], json!(["phone"]));

    // Out of scope for the village operator: not found.
    let cun = login(&store, "cunji").await;
    if b.household.area.as_string()
        != store
            .user_by_username("cunji")
            .await
            .unwrap()
            .unwrap()
            .area
            .code
    {
        let (status, _, _, _) = send(
            &store,
            &cun,
            "PUT",
            &format!("/api/households/{id}"),
            Some(body.clone()),
            true,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    let leaver = b.members.last().unwrap();
    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        &format!("/api/households/{id}/members/{}/remove", leaver.person_no),
        Some(json!({"reason": "迁出", "note": "外嫁"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{r}");
    let reasons = history_reasons(&store, &admin, id).await;
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons[1], "电话变更");
    assert!(reasons[2].contains("（迁出）"));

    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        "/api/households",
        Some(json!({"household": {"household_no": "1"}, "members": [], "reason": "x"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"].as_str().unwrap().starts_with("请求内容无效"),
        "{r}"
    );

    // A lead without its household names the missing field in Chinese.
    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        "/api/cases",
        Some(json!({"channel": "hotline", "summary": "来电"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("缺少字段 household_id"), "{r}");
}

/// The id of the household with 户编号 `no`, found through the list.
async fn household_id(store: &Store, client: &Client, no: &str) -> i64 {
    let (_, page, _, _) = send(
        store,
        client,
        "GET",
        &format!("/api/households?q={no}"),
        None,
        false,
    )
    .await;
    page["items"][0]["id"].as_i64().unwrap()
}

/// The reasons of a household's versions, oldest first.
async fn history_reasons(store: &Store, client: &Client, id: i64) -> Vec<String> {
    let (status, h, _, _) = send(
        store,
        client,
        "GET",
        &format!("/api/households/{id}/history"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["reason"].as_str().unwrap().to_owned())
        .collect()
}

/// 新增成员, 户主变更, 分户 and 合户 through the API, each with its reason.
async fn member_changes_through_the_api(store: Store) {
    let bundles = demo(&store, 40).await;
    let admin = login(&store, "admin").await;
    let b = bundles.iter().find(|b| b.members.len() >= 3).unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    let post = |uri: String, body: Value| {
        let store = store.clone();
        let admin = admin.clone();
        async move {
            let (status, r, _, _) = send(&store, &admin, "POST", &uri, Some(body), true).await;
            (status, r)
        }
    };

    // 新增成员: a newborn; the reason must be one of the list.
    let first17 = format!("{}20240601{:03}", &b.household.area.as_string()[..6], 338);
    let check = fangpin_domain::id_number::check_digit(first17.as_bytes()) as char;
    let id_number = fangpin_domain::IdNumber::parse(&format!("{first17}{check}")).unwrap();
    let mut baby =
        fangpin_domain::household::Person::from_id("", "新生儿乙", id_number, "40", "01");
    baby.health = "1".into();
    baby.labor_skill = "5".into();
    let (status, r) = post(
        format!("/api/households/{id}/members"),
        json!({"person": baby, "reason": "出生"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert!(r["message"].as_str().unwrap().contains("新增原因"), "{r}");
    let (status, r) = post(
        format!("/api/households/{id}/members"),
        json!({"person": baby, "reason": "新生儿"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert!(
        r["person_no"]
            .as_str()
            .unwrap()
            .starts_with(&b.household.household_no)
    );

    // 户主变更 to a non-member is refused; to a member it works.
    let (status, r) = post(
        format!("/api/households/{id}/head"),
        json!({"person_no": "nobody", "reason": "户主去世"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert!(r["message"].as_str().unwrap().contains("新户主"), "{r}");
    let heir = b.members.iter().find(|m| m.relation != "01").unwrap();
    let (status, r) = post(
        format!("/api/households/{id}/head"),
        json!({"person_no": heir.person_no, "reason": "户主去世"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(
        r["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["person_no"] == heir.person_no.as_str() && x["relation"] == "01")
    );
    let (_, d, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}"),
        None,
        false,
    )
    .await;
    assert_eq!(d["household"]["head_name"], heir.name.as_str());

    // 分户: the new member leaves with one other (not the head).
    let leaving: Vec<String> = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["relation"] != "01")
        .take(2)
        .map(|m| m["person_no"].as_str().unwrap().to_owned())
        .collect();
    let (status, r) = post(
        format!("/api/households/{id}/split"),
        json!({"members": leaving, "head": leaving[0], "reason": "成家分户"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let new_id = r["id"].as_i64().unwrap();
    let new_no = r["household_no"].as_str().unwrap().to_owned();

    // 合户: the new household joins back; it leaves the list, keeps history.
    let (status, r) = post(
        format!("/api/households/{id}/merge"),
        json!({"other_id": new_id, "head_relation": "20", "reason": "重新合户"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["relations"].as_array().unwrap().len(), 2);
    let (_, list, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households?q={new_no}"),
        None,
        false,
    )
    .await;
    assert_eq!(list["total"], 0, "{list}");
    let reasons = history_reasons(&store, &admin, new_id).await;
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("分户：") && reasons[1].starts_with("合户："));
    let reasons = history_reasons(&store, &admin, id).await;
    assert_eq!(
        reasons.len(),
        5,
        "建档, 新增, 户主, 分户, 合户: {reasons:?}"
    );
}

async fn calendar_is_edited_by_administrators(store: Store) {
    demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let cunji = login(&store, "cunji").await;
    let csv = "date,kind,name\n2027-01-01,休,元旦\n2027-02-14,班,春节调休上班\n";
    let body = json!({"source": "国务院办公厅关于2027年部分节假日安排的通知", "csv": csv});
    let (status, r, _, _) = send(
        &store,
        &cunji,
        "PUT",
        "/api/calendar/2027",
        Some(body.clone()),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
    // A CSV error names its line; nothing is saved.
    let bad =
        json!({"source": "通知", "csv": "date,kind,name\n2027-01-01,休,元旦\n2027-13-01,休,x\n"});
    let (status, r, _, _) =
        send(&store, &admin, "PUT", "/api/calendar/2027", Some(bad), true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(r["message"].as_str().unwrap().contains("第3行"), "{r}");
    // A make-up working day on a weekday (2027-02-01 is a Monday) names its line too.
    let weekday = json!({"source": "通知", "csv": "date,kind,name\n2027-01-01,休,元旦\n2027-02-01,班,调休\n"});
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(weekday),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("第3行") && m.contains("本来就是工作日"), "{r}");
    let (_, r, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/calendar?year=2027",
        None,
        false,
    )
    .await;
    assert_eq!(r["covered"], false, "{r}");

    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(body),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["covered"], true);
    assert_eq!(r["source"], "国务院办公厅关于2027年部分节假日安排的通知");
    assert_eq!(r["entries"].as_array().unwrap().len(), 2);
    // 365 days, 104 weekend days, 元旦 off, one make-up Sunday.
    assert_eq!(r["working_days"], 365 - 104 - 1 + 1);
    // Entries as a list: a wrong kind names the entry.
    let list = json!({"source": "通知", "entries": [{"date": "2027-01-01", "kind": "假", "name": "元旦"}]});
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(list),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(r["message"].as_str().unwrap().contains("第1条"), "{r}");
}

/// A valid ID number nobody in the demo registry has.
const STRANGER_ID: &str = "11010519491231002X";

fn report_form(village: &str, id_number: &str) -> Value {
    json!({
        "name": "赵桂芳",
        "id_number": id_number,
        "phone": "13512345678",
        "village": village,
        "relation": "member",
        "hardship": "disaster",
        "description": "暴雨引发山体滑坡，房屋后墙倒塌，全家暂住亲戚家。",
        "consent": true,
        "website": "",
    })
}

/// Files a report without a session (from no address) and returns its id.
async fn public_report(store: &Store, village: &str) -> i64 {
    let (status, r, _, _) = send(
        store,
        &Client::default(),
        "POST",
        "/api/public/self-reports",
        Some(report_form(village, STRANGER_ID)),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let f = fangpin_store::self_report::SelfReportFilter::default();
    let (_, rows) = store
        .self_reports(&system, &f, chrono::Utc::now())
        .await
        .unwrap();
    rows.iter()
        .find(|row| row.receipt_no == r["receipt_no"].as_str().unwrap())
        .unwrap()
        .id
}

async fn self_reports_are_filed_publicly_and_accepted_by_the_township(store: Store) {
    let bundles = demo(&store, 40).await;
    let b = &bundles[0];
    let village = b.household.area.as_string();
    let nobody = Client::default();

    // The public area list: townships and villages, names and codes only.
    let (status, areas, _) = get_public(&store, "/api/public/areas").await;
    assert_eq!(status, StatusCode::OK);
    let townships = areas["townships"].as_array().unwrap();
    let t = townships
        .iter()
        .find(|t| t["code"] == b.household.area.parent().unwrap().as_string().as_str())
        .unwrap();
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["code", "name", "villages"]);
    let v = t["villages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == village.as_str())
        .unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
    let (status, options, _) = get_public(&store, "/api/public/self-report-form").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(options["hardships"].as_array().unwrap().len(), 6);
    assert!(options["consent_text"].as_str().unwrap().contains("授权"));

    // Refused forms name the field in Chinese.
    let mut bad_id = report_form(&village, "110105194912310021");
    bad_id["id_number"] = json!("110105194912310021");
    let mut no_consent = report_form(&village, STRANGER_ID);
    no_consent["consent"] = json!(false);
    let mut honeypot = report_form(&village, STRANGER_ID);
    honeypot["website"] = json!("http://spam.example");
    for (body, code, needle) in [
        (bad_id, "bad_request", "身份证号码：证件号码校验位错误"),
        (no_consent, "bad_request", "承诺授权"),
        (json!({}), "bad_request", "申请人姓名"),
        (honeypot, "rejected", "提交未被接受"),
    ] {
        let (status, r, _, _) = send(
            &store,
            &nobody,
            "POST",
            "/api/public/self-reports",
            Some(body),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
        assert_eq!(r["code"], code, "{r}");
        assert!(r["message"].as_str().unwrap().contains(needle), "{r}");
    }
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let f = fangpin_store::self_report::SelfReportFilter::default();
    let now = chrono::Utc::now();
    assert_eq!(store.self_reports(&system, &f, now).await.unwrap().0, 0);

    // A member of the household files without a session.
    let member = b.members.last().unwrap();
    let (status, receipt, _, _) = send(
        &store,
        &nobody,
        "POST",
        "/api/public/self-reports",
        Some(report_form(&village, member.id_number.as_str())),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let receipt_no = receipt["receipt_no"].as_str().unwrap().to_owned();
    assert!(receipt["accept_due"].is_string(), "{receipt}");
    let last4 = &member.id_number.as_str()[14..];
    let status_of = |last4: String| {
        let store = store.clone();
        let receipt_no = receipt_no.clone();
        async move {
            send(
                &store,
                &Client::default(),
                "POST",
                "/api/public/self-reports/status",
                Some(json!({"receipt_no": receipt_no, "id_last4": last4})),
                false,
            )
            .await
        }
    };
    let (status, st, _, _) = status_of(last4.to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["status"], "pending");
    let wrong = if last4 == "0000" { "1111" } else { "0000" };
    let (status, _, _, _) = status_of(wrong.to_owned()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The township's inbox: masked, matched to the household.
    let xz = login(&store, "xiangzhen").await;
    let (status, inbox, _, _) = send(
        &store,
        &xz,
        "GET",
        "/api/self-reports?status=pending",
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["total"], 1);
    let item = &inbox["items"][0];
    let text = inbox.to_string();
    assert!(
        !text.contains(member.id_number.as_str()) && !text.contains("13512345678"),
        "{text}"
    );
    assert_eq!(item["phone_masked"], "135****5678");
    assert_eq!(item["emergency"], true);
    let hid = item["matches"][0]["household_id"].as_i64().unwrap();
    let rid = item["id"].as_i64().unwrap();

    // 受理 opens a lead of channel 农户自主申报.
    let (status, done, _, _) = send(
        &store,
        &xz,
        "POST",
        &format!("/api/self-reports/{rid}/accept"),
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["household_id"], hid);
    let case_id = done["case_id"].as_i64().unwrap();
    let (status, case, _, _) = send(
        &store,
        &xz,
        "GET",
        &format!("/api/cases/{case_id}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["channel"], "self_report");
    assert_eq!(case["state"], "lead");
    assert!(
        case["summary"].as_str().unwrap().contains(&receipt_no),
        "{case}"
    );
    let (_, st, _, _) = status_of(last4.to_owned()).await;
    assert_eq!(st["status"], "accepted");

    // The 工作台 has a section for reports (none due: this one is decided).
    let (status, bench, _, _) = send(&store, &xz, "GET", "/api/workbench", None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bench["self_reports"], json!([]));
}

async fn public_self_report_routes_are_limited(store: Store) {
    let bundles = demo(&store, 5).await;
    let village = bundles[0].household.area.as_string();
    let app = fangpin_server::app(AppState::demo(store.clone(), "unused"));
    let post = |uri: &'static str, ip: &'static str, body: String| {
        let app = app.clone();
        async move {
            let mut req = Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let addr: std::net::SocketAddr = ip.parse().unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
            app.oneshot(req).await.unwrap().status()
        }
    };
    // A body larger than the limit is refused before it is read.
    let huge = report_form(&village, STRANGER_ID)
        .to_string()
        .replace("暴雨", &"很".repeat(10_000));
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.9:1", huge).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // One address: the hourly number of submissions, then 429.
    let limit = fangpin_server::self_report::SUBMITS_PER_HOUR;
    for i in 1..limit {
        let status = post("/api/public/self-reports", "10.0.0.9:1", "{}".into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "attempt {i}");
    }
    let body = report_form(&village, STRANGER_ID).to_string();
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.9:2", body.clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not affected.
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.10:1", body).await,
        StatusCode::CREATED
    );
    // Status look-ups are limited too.
    let lookup = json!({"receipt_no": "20260101-000000", "id_last4": "0000"}).to_string();
    for _ in 0..fangpin_server::self_report::LOOKUPS_PER_WINDOW {
        let status = post(
            "/api/public/self-reports/status",
            "10.0.0.11:1",
            lookup.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        post("/api/public/self-reports/status", "10.0.0.11:1", lookup).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// GET on the demo server with the fixed clock: status and JSON.
async fn print_get(store: &Store, client: &Client, uri: &str) -> (StatusCode, Value) {
    let (status, body, _, _) = send_to(on_fixed_day(store), client, "GET", uri, None, false).await;
    (status, body)
}

async fn printable_documents_through_the_api(store: Store) {
    let bundles = demo(&store, 300).await;
    let village = bundles[0].household.area;
    let (monitored, case) = print_targets(&store, &bundles, |a| a == village).await;
    // The lead is walked to 村内公示 on the fixed day.
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let day = fixed_now().date_naive();
    let steps = [
        json!({"action": "accept"}),
        json!({"action": "verify", "visited_on": day, "consent_signed": true, "findings": "属实"}),
        json!({"action": "compare", "conclusion": "无异常"}),
        json!({"action": "review", "held_on": day, "place": "村委会", "attendees": ["村支书", "村民代表"],
               "votes_for": 9, "votes_against": 0, "passed": true, "minutes": "同意纳入"}),
    ];
    for step in steps {
        let action = serde_json::from_value(step).unwrap();
        store
            .case_act(&system, case, action, None, fixed_now())
            .await
            .unwrap();
    }
    let cunji = login(&store, "cunji").await;

    // 公示名单 of the operator's own village.
    let (status, notice) = print_get(&store, &cunji, "/api/print/notice").await;
    assert_eq!(status, StatusCode::OK, "{notice}");
    assert_eq!(notice["title"], "拟纳入监测对象公示");
    assert_eq!(notice["area"]["code"], village.as_string().as_str());
    assert_eq!(notice["supervision_phone"], "12317");
    assert_eq!(notice["printed_on"], "2026-06-01");
    let rows = notice["households"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["case_id"], case);
    assert_eq!(rows[0]["notice_from"], "2026-06-01");
    assert_eq!(rows[0]["notice_until"], "2026-06-06");
    assert!(rows[0]["head_id"].as_str().unwrap().contains("********"));
    let text = notice.to_string();
    for b in &bundles {
        assert!(!text.contains(b.household.head_id.as_str()), "no full ID");
    }
    // A 村民小组 key of the tree prints its village.
    let group = format!(
        "/api/print/notice?area={}-01&kind=elimination",
        village.as_string()
    );
    let (status, elim) = print_get(&store, &cunji, &group).await;
    assert_eq!(status, StatusCode::OK, "{elim}");
    assert_eq!(elim["title"], "拟风险消除公示");
    assert_eq!(elim["households"], json!([]));

    // The minutes as recorded.
    let (status, m) = print_get(&store, &cunji, &format!("/api/print/minutes/{case}")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["record"]["place"], "村委会");
    assert_eq!(m["record"]["votes_for"], 9);
    assert_eq!(m["record"]["attendees"], json!(["村支书", "村民代表"]));
    assert_eq!(m["result"], "同意纳入监测对象，进入村内公示");
    assert_eq!(m["kind"], "identification");
    let (status, _) = print_get(&store, &cunji, "/api/print/minutes/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 明白卡, one and all of the village.
    let (status, card) = print_get(&store, &cunji, &format!("/api/print/cards/{monitored}")).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["hotline"], "12317");
    assert_eq!(card["assistance_cadre"], Value::Null);
    assert!(card["category_label"].is_string());
    assert!(!card["criteria"].as_array().unwrap().is_empty());
    let (status, all) = print_get(&store, &cunji, "/api/print/cards").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["area"]["code"], village.as_string().as_str());
    assert!(
        all["cards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["category"].is_string())
    );

    // 公告: the current month by default.
    let (status, ann) = print_get(&store, &cunji, "/api/print/announcement?kind=elimination").await;
    assert_eq!(status, StatusCode::OK, "{ann}");
    assert_eq!(
        (&ann["from"], &ann["until"]),
        (&json!("2026-06-01"), &json!("2026-06-01"))
    );
    assert_eq!(ann["title"], "防止返贫监测对象风险消除公告");

    // Wrong input answers in Chinese.
    let admin = login(&store, "admin").await;
    for (uri, says) in [
        ("/api/print/notice?kind=other", "文书类别无效"),
        ("/api/print/notice?area=abc", "参数 area"),
        ("/api/print/notice?area=500230", "请选择乡镇或村"),
        (
            "/api/print/announcement?from=2026-06-02&until=2026-06-01",
            "起始日期不能晚于截止日期",
        ),
    ] {
        let (status, r) = print_get(&store, &admin, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {r}");
        assert!(r["message"].as_str().unwrap().contains(says), "{uri}: {r}");
    }

    // Each printout is in the audit log.
    let (_, log, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/audit?action=print",
        None,
        false,
    )
    .await;
    assert_eq!(log["total"], 6, "{log}");
}

/// A cadre named, paired, a plan and a measure added and completed through
/// the API; the 工作台 lists the monitored households still waiting for one.
async fn assistance_through_the_api(store: Store) {
    let bundles = demo(&store, 300).await;
    let village = bundles[0].household.area;
    let county = Access::system(AreaCode::parse("500230").unwrap());
    // A household of the village becomes a monitored one identified in 2026-05.
    let b = bundles
        .iter()
        .find(|b| b.household.area == village && b.household.monitor_category.is_none())
        .unwrap();
    let id = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    let mut d = store.household(&county, id).await.unwrap();
    d.household.monitor_category = Some("1".into());
    d.household.risks = vec!["01".into()];
    d.household.risk_eliminated = Some(false);
    d.household.identified_month = Some("202605".parse().unwrap());
    store
        .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
        .await
        .unwrap();
    let cunji = login(&store, "cunji").await;
    let call = async |method: &str, uri: &str, body: Option<Value>| {
        let (status, v, _, _) =
            send_to(on_fixed_day(&store), &cunji, method, uri, body, true).await;
        (status, v)
    };
    // Identified 2026-05 (clock from 05-01): 劳动节 is off until 05-05 and
    // Saturday 05-09 is worked, so the 10th working day is 05-18; on 06-01
    // it is overdue (escalated) and on the 工作台.
    let (status, wb) = call("GET", "/api/workbench", None).await;
    assert_eq!(status, StatusCode::OK);
    let waiting = wb["responsible"].as_array().unwrap();
    let mine = waiting.iter().find(|r| r["household_id"] == id).unwrap();
    assert_eq!(mine["responsible_due"]["due"], "2026-05-18");
    assert_eq!(mine["responsible_due"]["urgency"], "escalated");

    let (status, e) = call(
        "POST",
        "/api/cadres",
        Some(json!({"name": "李明", "unit": "县农业农村委", "phone": "12", "area": village.as_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"].as_str().unwrap().starts_with("联系电话"),
        "{e}"
    );
    let (status, c) = call(
        "POST",
        "/api/cadres",
        Some(json!({"name": "李明", "unit": "县农业农村委", "position": "科员", "phone": "13912345678", "area": village.as_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let cadre = c["id"].as_i64().unwrap();
    let (_, list) = call("GET", "/api/cadres", None).await;
    assert_eq!(list["items"][0]["phone_masked"], "139****5678");
    assert!(!list.to_string().contains("13912345678"));
    // The full number: refused to the village, read (and audited) by the
    // county administrator.
    let phone_uri = format!("/api/cadres/{cadre}/phone");
    let (status, e) = call("POST", &phone_uri, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("查看完整证件号"),
        "{e}"
    );
    let admin = login(&store, "admin").await;
    let (status, e, _, _) = send(&store, &admin, "POST", &phone_uri, None, false).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the CSRF token is needed: {e}"
    );
    let (status, r, _, _) = send(&store, &admin, "POST", &phone_uri, None, true).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["phone"], "13912345678");
    let (_, audit) = store
        .audit_search(
            &fangpin_store::AuditFilter {
                action: Some("read_sensitive".into()),
                entity: Some("assist_cadre".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "admin");
    assert_eq!(audit[0].entity_key, Some(cadre.to_string()));

    let (status, p) = call(
        "POST",
        &format!("/api/households/{id}/responsible"),
        Some(json!({"cadre_id": cadre})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["from_on"], "2026-06-01");
    let (status, plan) = call(
        "PUT",
        &format!("/api/households/{id}/plan"),
        Some(json!({"goals": "发展养殖，落实医保资助"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    // The review: not by whoever wrote the plan, nor by the village; the
    // township's reviewer passes.
    let (status, e) = call(
        "PUT",
        &format!("/api/households/{id}/plan"),
        Some(json!({"goals": "发展养殖，落实医保资助", "reviewed": true, "revision": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(e["message"].as_str().unwrap().contains("本人"), "{e}");
    let review_uri = format!("/api/households/{id}/plan/review");
    let (status, e) = call("POST", &review_uri, Some(json!({"revision": 0}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("乡镇审核或县级审定"),
        "{e}"
    );
    let xiangzhen = login(&store, "xiangzhen").await;
    let (_, v, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "GET",
        &format!("/api/households/{id}/assistance"),
        None,
        false,
    )
    .await;
    assert_eq!(v["can_review"], true, "{v}");
    let (status, e, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["message"].as_str().unwrap().contains("revision"), "{e}");
    let (status, reviewed, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({"revision": 0})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    assert_eq!(reviewed["reviewed_on"], "2026-06-01");
    assert_eq!(reviewed["revision"], 1);
    let (status, e, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({"revision": 1})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("已于2026-06-01审核"),
        "{e}"
    );
    let (status, m) = call(
        "POST",
        &format!("/api/households/{id}/measures"),
        Some(json!({"code": "JY01", "target_risk": "01", "started_on": "2026-06-01", "amount_fen": 60000})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    let (status, e) = call(
        "POST",
        &format!("/api/measures/{mid}/status"),
        Some(json!({"status": "planned"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "措施状态不能从“实施中”改为“计划”");
    let (status, done) = call(
        "POST",
        &format!("/api/measures/{mid}/status"),
        Some(json!({"status": "done", "evidence": "务工交通费补助发放花名册"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status_label"], "已完成");
    let (_, view) = call("GET", &format!("/api/households/{id}/assistance"), None).await;
    assert_eq!(view["responsible"]["name"], "李明");
    assert_eq!(view["responsible_due"], Value::Null);
    assert_eq!(view["plan"]["goals"], "发展养殖，落实医保资助");
    assert_eq!(view["plan"]["reviewed_on"], "2026-06-01");
    assert_eq!(view["can_review"], false);
    assert_eq!(view["measures"][0]["code"], "JY01");
    assert_eq!(view["measures"][0]["kind"], "开发式");
    let (_, wb) = call("GET", "/api/workbench", None).await;
    assert!(
        !wb["responsible"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_id"] == id)
    );
    let (_, rows) = call(
        "GET",
        &format!("/api/assist/households?area={}", village.as_string()),
        None,
    )
    .await;
    let row = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["responsible"], "李明");
    assert_eq!(row["measures"], 1);
    let (_, cat) = call("GET", "/api/assist/catalogue", None).await;
    assert!(cat["items"].as_array().unwrap().len() >= 30);
}

/// 资金与就业 through the API: a loan with its schedule, a late repayment,
/// the 逾期率 per area next to its target, the award cap refusing with the
/// numbers and writing nothing, a post, a 务工 record and the 零就业 list.
async fn funds_through_the_api(store: Store) {
    let bundles = demo(&store, 60).await;
    let admin = login(&store, "admin").await;
    let b = bundles
        .iter()
        .find(|b| {
            b.members
                .iter()
                .any(|m| m.has_labor_capacity() && m.age_on(chrono_day(2024, 3, 15)) >= 18)
        })
        .unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    let worker = b
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && m.age_on(chrono_day(2024, 3, 15)) >= 18)
        .unwrap();
    let at_2024 = |y: &str| {
        let mut st = AppState::demo(store.clone(), "unused");
        st.clock =
            fangpin_server::Clock::fixed(chrono::DateTime::parse_from_rfc3339(y).unwrap().to_utc());
        st
    };
    let spring = "2024-03-20T10:00:00+08:00";
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "邮储银行丰都支行", "purpose": "养牛",
            "amount_fen": 4_000_000, "term_months": 36, "issued_on": "2024-03-15",
            "annual_rate": "3.45", "method": "interest_quarterly", "subsidy_rate": "3.45"
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let loan = r["id"].as_i64().unwrap();
    // Over the cap: the household would owe more than 50,000 元.
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "农商行", "amount_fen": 2_000_000,
            "term_months": 12, "issued_on": "2024-03-16", "annual_rate": "3.45",
            "method": "equal_principal_quarterly", "subsidy_fen": 0
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("本次最多还可贷10000.00元"),
        "{r}"
    );
    // Bad input is named.
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "农商行", "amount_fen": 100,
            "term_months": 12, "issued_on": "2024-03-16", "annual_rate": "三厘",
            "method": "interest_quarterly", "subsidy_fen": 0
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"].as_str().unwrap().contains("利率格式无效"),
        "{r}"
    );

    // After the first due day the loan is overdue; the county's rate shows it.
    let summer = "2024-06-20T10:00:00+08:00";
    let (status, d, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        &format!("/api/funds/loans/{loan}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["schedule"].as_array().unwrap().len(), 12);
    assert_eq!(d["schedule"][0]["status"], "overdue");
    assert_eq!(d["loan"]["status_label"], "逾期");
    let (_, rates, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        "/api/funds/loan-rates",
        None,
        false,
    )
    .await;
    assert_eq!(rates["area"]["rate_bp"], 10_000, "{rates}");
    assert_eq!(rates["area"]["target_bp"], 100);
    assert_eq!(rates["area"]["meets"], false);
    let first = d["schedule"][0]["total_fen"].as_i64().unwrap();
    let (status, r, _, _) = send_to(
        at_2024(summer),
        &admin,
        "POST",
        &format!("/api/funds/loans/{loan}/repayments"),
        Some(json!({"paid_on": "2024-06-20", "amount_fen": first})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, rates, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        "/api/funds/loan-rates",
        None,
        false,
    )
    .await;
    assert_eq!(rates["area"]["rate_bp"], 0, "{rates}");
    assert_eq!(rates["area"]["meets"], true);

    // The award cap: 1,800 then 300 is refused with the numbers, nothing written.
    let award = |fen: i64| json!({"year": 2024, "project": "柑橘种植", "amount_fen": fen});
    let (status, _, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/awards"),
        Some(award(180_000)),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/awards"),
        Some(award(30_000)),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r["message"],
        "2024年到户产业奖补每户不超过2000.00元：本户已获1800.00元，还可申请200.00元，本次300.00元超出上限"
    );
    let (_, room, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/award-room?year=2024"),
        None,
        false,
    )
    .await;
    assert_eq!(room["granted_fen"], 180_000);
    assert_eq!(room["remaining_fen"], 20_000);

    // 零就业: listed until a member has a 务工 record in the year.
    let zero = async || {
        let (_, z, _, _) = send(
            &store,
            &admin,
            "GET",
            "/api/funds/zero-employment?year=2024&page_size=200",
            None,
            false,
        )
        .await;
        z["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["household_id"] == id)
    };
    assert!(zero().await);
    let (status, r, _, _) = send_to(
        at_2024(summer),
        &admin,
        "POST",
        &format!("/api/households/{id}/jobs"),
        Some(json!({
            "person_no": worker.person_no, "year": 2024, "region": "省外", "place": "广东东莞",
            "employer": "电子厂", "months": 8, "income_fen": 3_600_000
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert!(!zero().await);
    let (_, scale, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/funds/employment-scale?year=2024",
        None,
        false,
    )
    .await;
    assert_eq!(scale["workers"], 1, "{scale}");
    assert_eq!(scale["out_of_province"], 1);
    assert_eq!(scale["six_months_plus"], 1);
    let (_, view, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/funds"),
        None,
        false,
    )
    .await;
    assert_eq!(view["loans"].as_array().unwrap().len(), 1);
    assert_eq!(view["awards"].as_array().unwrap().len(), 1);
    assert_eq!(view["jobs"][0]["region_label"], "省外");
    let (_, doc, _) = get_public(&store, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/funds/loan-rates"].is_object());
}

fn chrono_day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn visits_through_the_api(store: Store) {
    let bundles = demo(&store, 200).await;
    let village = bundles[0].household.area;
    let cunji = login(&store, "cunji").await;
    let no = &bundles
        .iter()
        .find(|b| b.household.area == village && b.household.monitor_category.is_none())
        .unwrap()
        .household
        .household_no;
    let (_, found, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/households?q={no}"),
        None,
        false,
    )
    .await;
    let hid = found["items"][0]["id"].as_i64().unwrap();

    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        "/api/visits",
        Some(json!({"household_id": hid, "date": "6月1日", "kind": "home", "findings": "x"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["message"], "走访日期无效：6月1日（应为 YYYY-MM-DD）");
    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        "/api/visits",
        Some(json!({"household_id": hid, "kind": "home", "findings": "户主务工返乡，收入骤减", "flags": ["job_loss", "income_drop"]})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let vid = r["id"].as_i64().unwrap();
    let (_, mine, _, _) = send(&store, &cunji, "GET", "/api/visits?mine=true", None, false).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["flags"][1]["label"], "收入骤减");
    assert_eq!(mine["items"][0]["risk_found"], true);

    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        &format!("/api/visits/{vid}/lead"),
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let case_id = r["case_id"].as_i64().unwrap();
    let (_, case, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/cases/{case_id}"),
        None,
        false,
    )
    .await;
    assert_eq!(case["channel"], "cadre_visit");
    assert_eq!(case["summary"], "户主务工返乡，收入骤减");
    let (_, v, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/visits/{vid}"),
        None,
        false,
    )
    .await;
    assert_eq!(v["case_id"], case_id);

    let xiangzhen = login(&store, "xiangzhen").await;
    let (status, r, _, _) = send(
        &store,
        &xiangzhen,
        "POST",
        "/api/campaigns",
        Some(json!({"name": "2026年八必访排查", "kind": "sweep", "from": "2026-01-01", "until": "2026-12-31", "targets": ["eight_must"]})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let cid = r["id"].as_i64().unwrap();
    let (_, list, _, _) = send(&store, &cunji, "GET", "/api/campaigns", None, false).await;
    let item = &list["items"][0];
    assert_eq!(item["targets_label"], "八必访");
    assert_eq!(item["area_code"], village.parent().unwrap().as_string());
    let (status, p, _, _) = send(
        &store,
        &xiangzhen,
        "GET",
        &format!("/api/campaigns/{cid}/progress"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let rows = p["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        r["area_code"].as_str().unwrap().len() == 12
            && village
                .parent()
                .unwrap()
                .contains(&AreaCode::parse(r["area_code"].as_str().unwrap()).unwrap())
    }));
    let (_, opts, _, _) = send(&store, &cunji, "GET", "/api/visits/options", None, false).await;
    assert_eq!(opts["presets"][1]["label"], "八必访");
    assert!(opts["flags"].as_array().unwrap().len() >= 10);
}

/// The §9 checks about measures, through the API as the village operator
/// sees them: each rule fails on a household and passes once it is mended.
async fn measure_rules_through_the_api(store: Store) {
    let bundles = demo(&store, 300).await;
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let on = chrono_day(2026, 6, 1);
    let able = |b: &&HouseholdBundle| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && m.age_on(on) >= 18)
            && b.members.iter().all(|m| m.health != "3")
    };
    // The village with the most such households, and an operator of it.
    let mut per_village = std::collections::BTreeMap::<AreaCode, usize>::new();
    for b in bundles.iter().filter(able) {
        *per_village.entry(b.household.area).or_default() += 1;
    }
    let village = per_village
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(a, _)| *a)
        .unwrap();
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "cunji2".into(),
                display_name: "村级经办".into(),
                password: PW.into(),
                role: "village_operator".into(),
                area: village,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let chosen: Vec<&HouseholdBundle> = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .filter(able)
        .take(3)
        .collect();
    assert_eq!(
        chosen.len(),
        3,
        "three households able to work in {village:?}"
    );
    let mut ids = Vec::new();
    for b in &chosen {
        let id = store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id;
        // Identified in 2026-04: more than a month before the fixed day.
        let mut d = store.household(&county, id).await.unwrap();
        d.household.monitor_category = Some("1".into());
        d.household.risks = vec!["01".into()];
        d.household.risk_eliminated = Some(false);
        d.household.identified_month = Some("202604".parse().unwrap());
        store
            .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
            .await
            .unwrap();
        ids.push(id);
    }
    let cunji = login(&store, "cunji2").await;
    let call = async |method: &str, uri: &str, body: Option<Value>| {
        let (status, v, _, _) =
            send_to(on_fixed_day(&store), &cunji, method, uri, body, true).await;
        (status, v)
    };
    let measure = async |id: i64, code: &str, fen: i64| {
        let (status, m) = call(
            "POST",
            &format!("/api/households/{id}/measures"),
            Some(json!({"code": code, "target_risk": "01", "started_on": "2026-04-20", "amount_fen": fen})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{code}: {m}");
    };
    let open_rules = async |id: i64| {
        let (status, v) = call("GET", &format!("/api/quality?household_id={id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let mut rules: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["rule"].as_str().unwrap().to_owned())
            .filter(|r| ["1_11_010", "1111_10", "L_disability_subsidy"].contains(&r.as_str()))
            .collect();
        rules.sort();
        rules
    };
    let [dev, travel, disab] = [ids[0], ids[1], ids[2]];

    // 1_11_010: able to work, identified two months ago, only a 保障 measure.
    measure(dev, "JK01", 32_000).await;
    assert_eq!(open_rules(dev).await, vec!["1_11_010"]);
    measure(dev, "CY01", 200_000).await;
    assert_eq!(open_rules(dev).await, Vec::<String>::new());

    // 1111_10: 外出务工交通补助 without an amount, then corrected with it.
    measure(travel, "JY01", 0).await;
    assert_eq!(open_rules(travel).await, vec!["1111_10"]);
    let (_, view) = call("GET", &format!("/api/households/{travel}/assistance"), None).await;
    let m = &view["measures"][0];
    let fix = |reason: &str, revision: &Value| {
        json!({"code": "JY01", "target_risk": "01", "started_on": m["started_on"],
               "amount_fen": 60_000, "reason": reason, "revision": revision})
    };
    let uri = format!("/api/measures/{}", m["id"]);
    let (status, e) = call("PATCH", &uri, Some(fix("", &m["revision"]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["message"].as_str().unwrap().contains("修改原因"), "{e}");
    assert_eq!(open_rules(travel).await, vec!["1111_10"]);
    let (status, fixed) = call("PATCH", &uri, Some(fix("金额漏填", &m["revision"]))).await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["amount"], 60_000);
    assert_eq!(open_rules(travel).await, Vec::<String>::new());

    // 残疾人两项补贴 in a household without a disabled member.
    measure(disab, "CY01", 100_000).await;
    measure(disab, "DD04", 120_000).await;
    assert_eq!(open_rules(disab).await, vec!["L_disability_subsidy"]);
    // Once the 残疾 assessment is recorded on a member, it passes.
    let mut d = store.household(&county, disab).await.unwrap();
    d.members[0].health = "3".into();
    store
        .update_household(
            &county,
            disab,
            d.household,
            d.members,
            d.incomes,
            "残疾鉴定",
        )
        .await
        .unwrap();
    assert_eq!(open_rules(disab).await, Vec::<String>::new());

    // Nobody under 16 holds a 公益性岗位: refused, and nothing is written.
    let child = bundles
        .iter()
        .flat_map(|b| b.members.iter().map(move |m| (b, m)))
        .find(|(b, m)| b.household.area == village && m.age_on(on) < 16 && m.age_on(on) >= 6)
        .map(|(b, m)| (b.household.household_no.clone(), m.person_no.clone()))
        .unwrap();
    let kid_household = store.household_by_no(&county, &child.0).await.unwrap().id;
    let post = |person: &str| {
        json!({"person_no": person, "post": "保洁员", "start_on": "2026-06-01",
               "end_on": "2026-12-31", "monthly_pay_fen": 50_000})
    };
    let (status, e) = call(
        "POST",
        &format!("/api/households/{kid_household}/posts"),
        Some(post(&child.1)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("公益性岗位人员应在16至65周岁之间"),
        "{e}"
    );
    let (_, funds) = call(
        "GET",
        &format!("/api/households/{kid_household}/funds"),
        None,
    )
    .await;
    assert_eq!(funds["posts"].as_array().map(Vec::len), Some(0), "{funds}");
    let adult = chosen[0]
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..60).contains(&m.age_on(on)))
        .unwrap();
    let (status, v) = call(
        "POST",
        &format!("/api/households/{dev}/posts"),
        Some(post(&adult.person_no)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
}

/// Corrections of money measures: a village operator edits only in their
/// village, an inspector not at all; an award corrected above the yearly
/// cap is refused with what remains and changes nothing; a stale page is
/// refused; a loan being repaid keeps its schedule until the repayment is
/// undone.
async fn funds_are_edited_through_the_api(store: Store) {
    let bundles = demo(&store, 60).await;
    let village = bundles[0].household.area;
    let admin = login(&store, "admin").await;
    let operator = login(&store, "cunji").await;
    let inspector = login(&store, "ducha").await;
    let on = chrono_day(2024, 3, 15);
    let able = |b: &&HouseholdBundle| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(on)))
    };
    let inside = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .find(able)
        .expect("a household of the operator's village with a worker");
    let outside = bundles
        .iter()
        .find(|b| b.household.area != village)
        .unwrap();
    let in_id = household_id(&store, &admin, &inside.household.household_no).await;
    let out_id = household_id(&store, &admin, &outside.household.household_no).await;
    let at = |t: &str| {
        let mut st = AppState::demo(store.clone(), "unused");
        st.clock =
            fangpin_server::Clock::fixed(chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc());
        st
    };
    let spring = "2024-04-01T10:00:00+08:00";
    let call = async |who: &Client, method: &str, uri: String, body: Value| {
        let (status, r, _, _) = send_to(at(spring), who, method, &uri, Some(body), true).await;
        (status, r)
    };
    let awards_of = async |hid: i64| {
        let (_, view, _, _) = send(
            &store,
            &admin,
            "GET",
            &format!("/api/households/{hid}/funds"),
            None,
            false,
        )
        .await;
        view["awards"].clone()
    };
    let award = |fen: i64| json!({"year": 2024, "project": "柑橘种植", "amount_fen": fen});
    let (status, r) = call(
        &admin,
        "POST",
        format!("/api/households/{in_id}/awards"),
        award(150_000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let in_award = r["id"].as_i64().unwrap();
    let (status, r) = call(
        &admin,
        "POST",
        format!("/api/households/{out_id}/awards"),
        award(100_000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let out_award = r["id"].as_i64().unwrap();
    let fix = |fen: i64, revision: i64| json!({"revision": revision, "year": 2024, "project": "柑橘种植", "amount_fen": fen});

    // An inspector may not write; another village's award does not exist
    // for the operator. Nothing changes.
    let before = (awards_of(in_id).await, awards_of(out_id).await);
    let uri = format!("/api/funds/awards/{in_award}");
    let (status, _) = call(&inspector, "PATCH", uri.clone(), fix(160_000, 0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &inspector,
        "POST",
        format!("{uri}/withdraw"),
        json!({"revision": 0, "reason": "误录"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &operator,
        "PATCH",
        format!("/api/funds/awards/{out_award}"),
        fix(90_000, 0),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Above the yearly cap: refused with what was granted and what remains.
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(210_000, 0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r["message"],
        "2024年到户产业奖补每户不超过2000.00元：本户已获0.00元，还可申请2000.00元，本次2100.00元超出上限"
    );
    assert_eq!(
        (awards_of(in_id).await, awards_of(out_id).await),
        before,
        "refused edits change nothing"
    );
    assert_eq!(before.0[0]["amount_fen"], 150_000);

    // Within the cap: accepted by the village's operator; the same old page
    // again is stale.
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(190_000, 0)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["revision"], 1);
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(200_000, 0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["message"], "产业奖补已被他人修改，请刷新后再试");
    let now = awards_of(in_id).await;
    assert_eq!(
        (now[0]["amount_fen"].clone(), now[0]["revision"].clone()),
        (json!(190_000), json!(1))
    );
    let (status, r) = call(
        &operator,
        "POST",
        format!("{uri}/withdraw"),
        json!({"revision": 1, "reason": "项目未实施"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(awards_of(in_id).await[0]["status_label"], "已撤销");

    // A loan with a repayment keeps its schedule until the repayment is undone.
    let worker = inside
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(on)))
        .unwrap();
    let terms = json!({
        "bank": "邮储银行丰都支行", "amount_fen": 2_000_000, "term_months": 12,
        "issued_on": "2024-01-10", "annual_rate": "3.45", "method": "interest_quarterly",
        "subsidy_rate": "3.45"
    });
    let mut body = terms.clone();
    body["borrower_no"] = json!(worker.person_no);
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/households/{in_id}/loans"),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let loan = r["id"].as_i64().unwrap();
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/funds/loans/{loan}/repayments"),
        json!({"paid_on": "2024-03-30", "amount_fen": 10_000}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let repayment = r["id"].as_i64().unwrap();
    let mut bigger = terms.clone();
    bigger["amount_fen"] = json!(2_500_000);
    bigger["revision"] = json!(1);
    let (status, r) = call(
        &operator,
        "PATCH",
        format!("/api/funds/loans/{loan}"),
        bigger.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("该笔贷款已登记1笔还款共100.00元"),
        "{r}"
    );
    let (status, _) = call(
        &inspector,
        "POST",
        format!("/api/funds/loans/{loan}/repayments/{repayment}/undo"),
        json!({"revision": 1, "reason": "录错"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/funds/loans/{loan}/repayments/{repayment}/undo"),
        json!({"revision": 1, "reason": "录错"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    bigger["revision"] = r["revision"].clone();
    let (status, r) = call(
        &operator,
        "PATCH",
        format!("/api/funds/loans/{loan}"),
        bigger,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (_, d, _, _) = send_to(
        at(spring),
        &admin,
        "GET",
        &format!("/api/funds/loans/{loan}"),
        None,
        false,
    )
    .await;
    assert_eq!(d["loan"]["amount_fen"], 2_500_000);
    assert!(d["repayments"].as_array().unwrap().is_empty());

    let (_, doc, _) = get_public(&store, "/api/openapi.json").await;
    for p in [
        "/api/funds/awards/{id}/withdraw",
        "/api/funds/loans/{id}/repayments/{repayment}/undo",
        "/api/funds/posts/{id}/end",
        "/api/funds/jobs/{id}/end",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is documented");
    }
    assert!(doc["paths"]["/api/funds/awards/{id}"]["patch"].is_object());
}
