//! What schemathesis found against the served OpenAPI document, kept as
//! regressions on both engines: every refusal is a 4xx with a Chinese
//! `message` in the API's JSON shape, never a worker panic or a 500.

mod common;

use axum::http::StatusCode;
use common::{Answer, Client, login, request};
use fangpin_server::AppState;
use fangpin_store::Store;

fangpin_store::dual_backend_tests!(
    a_page_number_past_any_offset_is_a_400,
    a_method_a_route_does_not_take_is_a_chinese_405,
    a_photo_upload_that_is_not_a_multipart_form_is_a_chinese_400,
    a_year_outside_the_calendar_is_refused_not_a_panic,
);

async fn call(
    store: &Store,
    c: &Client,
    method: &str,
    uri: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Answer {
    request(
        AppState::demo(store.clone(), "unused"),
        c,
        method,
        uri,
        body,
        true,
    )
    .await
}

fn chinese(a: &Answer) -> bool {
    a.content_type.starts_with("application/json")
        && a.json["message"]
            .as_str()
            .is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

async fn a_page_number_past_any_offset_is_a_400(store: Store) {
    common::demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    for uri in [
        "/api/households?page=18446744073709551615",
        "/api/households?page=18446744073709551615&page_size=200",
        "/api/households?page=9223372036854775807&page_size=2",
        "/api/audit?page=18446744073709551615",
        "/api/funds/loans?page=18446744073709551615",
    ] {
        let a = call(&store, &admin, "GET", uri, None).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.json);
        assert!(chinese(&a), "{uri}: {}", a.json);
    }
    // The last page that can exist still answers.
    let a = call(
        &store,
        &admin,
        "GET",
        "/api/households?page=1000000&page_size=200",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["items"].as_array().unwrap().len(), 0);
}

async fn a_method_a_route_does_not_take_is_a_chinese_405(store: Store) {
    common::demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    for (method, uri) in [
        ("TRACE", "/api/areas/tree"),
        ("DELETE", "/api/households"),
        ("PUT", "/api/meta"),
    ] {
        let a = call(&store, &admin, method, uri, None).await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(chinese(&a), "{method} {uri}: {:?}", a.json);
    }
}

async fn a_photo_upload_that_is_not_a_multipart_form_is_a_chinese_400(store: Store) {
    common::demo(&store, 5).await;
    let cunji = login(&store, "cunji").await;
    for ctype in ["multipart/form-data", "application/json", "text/plain"] {
        let a = call(
            &store,
            &cunji,
            "POST",
            "/api/visits/1/photos",
            Some((ctype, b"{}".to_vec())),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{ctype}: {:?}", a.json);
        assert!(chinese(&a), "{ctype}: {:?}", a.json);
    }
}

async fn a_year_outside_the_calendar_is_refused_not_a_panic(store: Store) {
    common::demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let list = call(&store, &admin, "GET", "/api/households?page_size=1", None).await;
    let id = list.json["items"][0]["id"].as_i64().unwrap();
    for year in [-1_187_844, i32::MIN, i32::MAX, 262_143] {
        let uri = format!("/api/households/{id}/assessment?year={year}");
        let a = call(&store, &admin, "GET", &uri, None).await;
        assert!(a.status.is_client_error(), "{uri}: {} {}", a.status, a.json);
        assert!(chinese(&a), "{uri}: {}", a.json);
        let body = serde_json::json!({"area": "500230", "year": year});
        let a = call(
            &store,
            &admin,
            "POST",
            "/api/whatif",
            common::json_body(Some(body)),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::BAD_REQUEST,
            "what-if {year}: {}",
            a.json
        );
        assert!(chinese(&a), "what-if {year}: {}", a.json);
    }
}
