//! Import jobs over HTTP and exports.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fangpin_server::{AppState, app};
use fangpin_store::Store;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{Client, demo, login};

fangpin_store::dual_backend_tests!(
    uploads_run_as_import_jobs_with_progress_and_error_reports,
    exports_download_masked_unless_allowed,
);

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
