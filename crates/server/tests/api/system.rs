//! Health, metadata, the error shape, the embedded UI and the OpenAPI document.

use axum::http::StatusCode;
use fangpin_store::Store;

use crate::common::{demo, get, get_public};

fangpin_store::dual_backend_tests!(
    health_and_meta,
    errors_are_chinese_json,
    ui_is_served_with_spa_fallback,
    openapi_describes_the_api,
);

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
