//! The smaller leaks, through the HTTP API on both engines: failed logins
//! all answer alike and lock an account only for the guessing address; the
//! session cookie can be marked Secure; API tokens are listed without their
//! secret and revoked; area counts, the content of household audit entries
//! and the data-quality check stay with the roles they belong to; a what-if
//! names the missing line or incomes of a year.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use common::{Answer, Client, PW, json_body, login, request};
use fangpin_server::{AppState, app};
use fangpin_store::{Access, Actor, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

fangpin_store::dual_backend_tests!(
    failed_logins_answer_alike_and_lock_only_the_guessing_address,
    the_session_cookie_is_secure_when_configured,
    administrators_list_and_revoke_api_tokens,
    readers_without_household_read_get_no_counts,
    the_audit_log_shows_the_system_administrator_no_household_content,
    the_inspector_runs_no_quality_check_and_what_if_names_missing_data,
);

async fn call(store: &Store, c: &Client, method: &str, uri: &str, body: Option<Value>) -> Answer {
    let state = AppState::demo(store.clone(), "unused");
    request(state, c, method, uri, json_body(body), true).await
}

/// A login attempt from `peer`: (status, message).
async fn login_from(
    store: &Store,
    peer: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    let mut req = Request::post("/api/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let resp = app(AppState::demo(store.clone(), "unused"))
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn failed_logins_answer_alike_and_lock_only_the_guessing_address(store: Store) {
    common::demo(&store, 5).await;
    let guesser = "198.51.100.23";
    let (status, unknown) = login_from(&store, guesser, "no_such_user", "x1234567").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for _ in 0..5 {
        let (status, wrong) = login_from(&store, guesser, "cunji", "x1234567").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            wrong, unknown,
            "a wrong password reads like an unknown user"
        );
    }
    // Locked for this address now: even the right password gets the same answer.
    let (status, locked) = login_from(&store, guesser, "cunji", PW).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{locked}");
    assert_eq!(locked, unknown, "a lock reads like an unknown user");
    assert!(
        locked["message"]
            .as_str()
            .unwrap()
            .contains("用户名或密码错误"),
        "{locked}"
    );
    // The cadre in the office still logs in.
    let (status, ok) = login_from(&store, "10.1.2.3", "cunji", PW).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(ok["user"]["username"], "cunji");
}

fn set_cookie(a: &Answer) -> String {
    a.headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

async fn the_session_cookie_is_secure_when_configured(store: Store) {
    common::demo(&store, 5).await;
    let body = || json_body(Some(json!({"username": "admin", "password": PW})));
    let plain = AppState::demo(store.clone(), "unused");
    let a = request(
        plain,
        &Client::default(),
        "POST",
        "/api/auth/login",
        body(),
        false,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(!set_cookie(&a).contains("Secure"), "{}", set_cookie(&a));

    let mut secure = AppState::demo(store.clone(), "unused");
    secure.secure_cookie = true;
    let a = request(
        secure.clone(),
        &Client::default(),
        "POST",
        "/api/auth/login",
        body(),
        false,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let cookie = set_cookie(&a);
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let client = Client {
        cookie: Some(cookie.split(';').next().unwrap().to_owned()),
        csrf: a.json["csrf_token"].as_str().map(str::to_owned),
    };
    // Logging out clears it with the same attributes.
    let out = request(secure, &client, "POST", "/api/auth/logout", None, true).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let cleared = set_cookie(&out);
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Secure"),
        "{cleared}"
    );
}

async fn bearer(store: &Store, token: &str, uri: &str) -> StatusCode {
    let req = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app(AppState::new(store.clone()))
        .oneshot(req)
        .await
        .unwrap()
        .status()
}

async fn administrators_list_and_revoke_api_tokens(store: Store) {
    common::demo(&store, 5).await;
    let token = store
        .create_api_token_for(&Actor::system("测试"), "ducha", "督查脚本", 30, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        bearer(&store, &token.token, "/api/households?page_size=1").await,
        StatusCode::OK
    );

    let admin = login(&store, "admin").await;
    let list = call(&store, &admin, "GET", "/api/tokens", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "督查脚本");
    assert_eq!(items[0]["username"], "ducha");
    assert_eq!(items[0]["status"], "active");
    assert!(items[0]["expires_at"].is_string());
    assert!(
        !list.json.to_string().contains(&token.token),
        "the secret is never shown again"
    );

    // Without 管理用户 neither list nor revoke.
    let ducha = login(&store, "ducha").await;
    let uri = format!("/api/tokens/{}/revoke", token.id);
    assert_eq!(
        call(&store, &ducha, "GET", "/api/tokens", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&store, &ducha, "POST", &uri, None).await.status,
        StatusCode::FORBIDDEN
    );
    // A token that does not exist (or is outside the area) is not found.
    assert_eq!(
        call(&store, &admin, "POST", "/api/tokens/999999/revoke", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let r = call(&store, &admin, "POST", &uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["status"], "revoked");
    assert_eq!(
        bearer(&store, &token.token, "/api/households?page_size=1").await,
        StatusCode::UNAUTHORIZED,
        "a revoked token opens nothing"
    );
    let again = call(&store, &admin, "POST", &uri, None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.json["message"].as_str().unwrap().contains("已撤销"));
    // The system administrator manages users, so tokens too.
    let xitong = login(&store, "xitong").await;
    let list = call(&store, &xitong, "GET", "/api/tokens", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["items"][0]["status"], "revoked");
}

async fn readers_without_household_read_get_no_counts(store: Store) {
    let bundles = common::demo(&store, 5).await;
    let village = bundles[0].household.area.as_string();
    let uris = [
        "/api/areas/tree".to_owned(),
        "/api/areas/500230000000/summary".to_owned(),
        format!("/api/areas/{village}/summary"),
        format!("/api/areas/{village}/employment?year=2024"),
        "/api/funds/employment-scale?year=2024".to_owned(),
        "/api/quality/scores".to_owned(),
        "/api/funds/loan-rates".to_owned(),
    ];
    for user in ["yibao", "xitong"] {
        let c = login(&store, user).await;
        for uri in &uris {
            let a = call(&store, &c, "GET", uri, None).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{user} {uri}: {}", a.json);
            assert!(
                a.json["message"].as_str().unwrap().contains("查看农户档案"),
                "{}",
                a.json
            );
        }
    }
    let ducha = login(&store, "ducha").await;
    for uri in &uris {
        let a = call(&store, &ducha, "GET", uri, None).await;
        assert_eq!(a.status, StatusCode::OK, "ducha {uri}: {}", a.json);
    }
}

async fn the_audit_log_shows_the_system_administrator_no_household_content(store: Store) {
    let bundles = common::demo(&store, 5).await;
    let b = &bundles[0];
    let county = Access::system(fangpin_domain::AreaCode::parse("500230").unwrap());
    let (id, _) = store
        .household_bundles_after(&county, &Default::default(), 0, 1)
        .await
        .unwrap()
        .remove(0);
    let mut h = b.household.clone();
    h.phone = Some("13900002222".into());
    store
        .update_household(
            &county,
            id,
            h,
            b.members.clone(),
            b.incomes.clone(),
            "走访发现患病住院",
        )
        .await
        .unwrap();
    let uri = format!(
        "/api/audit?entity=household&entity_key={}&page_size=50",
        b.household.household_no
    );
    let ducha = login(&store, "ducha").await;
    let seen = call(&store, &ducha, "GET", &uri, None).await;
    assert_eq!(seen.status, StatusCode::OK);
    let text = seen.json.to_string();
    assert!(
        text.contains("13900002222") || text.contains("患病住院"),
        "{text}"
    );

    let xitong = login(&store, "xitong").await;
    let hidden = call(&store, &xitong, "GET", &uri, None).await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert_eq!(hidden.json["total"], seen.json["total"]);
    let items = hidden.json["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for e in items {
        assert_eq!(e["entity"], "household");
        assert!(e["at"].is_string() && e["actor"].is_string() && e["action"].is_string());
        assert!(e["before"].is_null() && e["after"].is_null(), "{e}");
    }
    let text = hidden.json.to_string();
    assert!(
        !text.contains("13900002222") && !text.contains("住院"),
        "{text}"
    );
}

async fn the_inspector_runs_no_quality_check_and_what_if_names_missing_data(store: Store) {
    common::demo(&store, 5).await;
    let ducha = login(&store, "ducha").await;
    let run = call(&store, &ducha, "POST", "/api/quality/run", Some(json!({}))).await;
    assert_eq!(run.status, StatusCode::FORBIDDEN, "{}", run.json);
    assert!(
        run.json["message"]
            .as_str()
            .unwrap()
            .contains("维护农户档案")
    );
    let admin = login(&store, "admin").await;
    let run = call(&store, &admin, "POST", "/api/quality/run", Some(json!({}))).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.json);

    let what_if =
        |year: i32| Some(json!({"area": "500230000000", "year": year, "line_fen": 900000}));
    for (year, needle) in [(2030, "监测范围"), (2023, "收入数据")] {
        let a = call(&store, &ducha, "POST", "/api/whatif", what_if(year)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{year}: {}", a.json);
        let msg = a.json["message"].as_str().unwrap();
        assert!(
            msg.contains(needle) && msg.contains(&year.to_string()),
            "{msg}"
        );
    }
    // The inspector may measure the data year: it writes nothing.
    let a = call(&store, &ducha, "POST", "/api/whatif", what_if(2024)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["households"], 5);
}
