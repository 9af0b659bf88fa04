//! Sessions, the CSRF token, forced password changes, login throttling and API tokens.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fangpin_domain::AreaCode;
use fangpin_server::{AppState, app};
use fangpin_store::{Actor, NewUser, Store};
use serde_json::json;
use tower::ServiceExt;

use crate::common::{Client, PW, demo, get_public, login, send};

fangpin_store::dual_backend_tests!(
    data_routes_need_a_session,
    login_sets_a_strict_cookie_and_wrong_passwords_fail,
    state_changes_need_the_csrf_token,
    forced_password_change_blocks_data_until_done,
    logins_from_one_address_are_throttled,
    api_tokens_work_without_cookies,
);

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
