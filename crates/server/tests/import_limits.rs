//! Uploads and exports that cannot be turned against the server or the data,
//! through the HTTP API on both engines:
//!
//! * a caller without `data.import` is refused before a byte of the upload is
//!   read (the body here is a stream that records being read);
//! * an xlsx that unpacks to gigabytes is refused with a Chinese reason;
//! * finished import jobs and their reports are forgotten after an hour, and
//!   only the newest ones are kept;
//! * the masked export (`/api/exports`) shows phone numbers masked as the API
//!   does; only the unmasked export, which needs `id.unmask`, has them in full.

#[path = "../../exchange/tests/common/bomb.rs"]
mod bomb;
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use common::{Answer, Client, login, request};
use fangpin_domain::mask_phone;
use fangpin_server::exchange::{JOB_KEEP, JOBS_KEPT};
use fangpin_server::{AppState, Clock, app};
use fangpin_store::Store;
use serde_json::Value;
use tower::ServiceExt;

fangpin_store::dual_backend_tests!(
    an_upload_without_the_permission_is_refused_before_it_is_read,
    a_zip_bomb_upload_is_refused_with_the_reason,
    finished_import_jobs_expire_by_age_and_count,
    the_masked_export_masks_phones_and_the_unmasked_one_needs_the_permission,
);

/// A request body that records whether anyone read it, and then fails (as a
/// client would that sends 512 MB and gives up).
fn watched_body() -> (Body, Arc<AtomicBool>) {
    let read = Arc::new(AtomicBool::new(false));
    let flag = read.clone();
    let stream = futures_util::stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Err::<Bytes, _>(std::io::Error::other("the client stopped sending"))
    });
    (Body::from_stream(stream), read)
}

async fn upload_stream(state: AppState, c: &Client, body: Body) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/imports?name=%E5%85%A8%E5%8E%BF.xlsx")
        .header("content-type", "application/octet-stream")
        .header("content-length", (400u64 << 20).to_string());
    if let Some(cookie) = &c.cookie {
        req = req.header("cookie", cookie.as_str());
    }
    if let Some(t) = &c.csrf {
        req = req.header("x-csrf-token", t.as_str());
    }
    let resp = app(state).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn is_chinese(message: &Value) -> bool {
    message
        .as_str()
        .is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

async fn an_upload_without_the_permission_is_refused_before_it_is_read(store: Store) {
    common::demo(&store, 10).await;
    let state = AppState::demo(store.clone(), "unused");
    // 乡镇审核 maintains households but may not import; 督查 only reads.
    for user in ["xiangzhen", "ducha"] {
        let c = login(&store, user).await;
        let (body, read) = watched_body();
        let (status, json) = upload_stream(state.clone(), &c, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {json}");
        assert!(is_chinese(&json["message"]), "{json}");
        assert!(
            !read.load(Ordering::SeqCst),
            "{user}: the upload was read before the refusal"
        );
    }
    // Not logged in: refused unread as well.
    let (body, read) = watched_body();
    let (status, _) = upload_stream(state.clone(), &Client::default(), body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!read.load(Ordering::SeqCst));
    // The administrator's upload is read: the broken stream is a 400 in Chinese.
    let admin = login(&store, "admin").await;
    let (body, read) = watched_body();
    let (status, json) = upload_stream(state, &admin, body).await;
    assert!(read.load(Ordering::SeqCst));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(
        json["message"].as_str().unwrap().contains("上传中断"),
        "{json}"
    );
}

async fn call(
    state: &AppState,
    c: &Client,
    method: &str,
    uri: &str,
    body: Option<Vec<u8>>,
) -> Answer {
    let body = body.map(|b| ("application/octet-stream", b));
    request(state.clone(), c, method, uri, body, true).await
}

/// Uploads `bytes` as `name` and waits for the job to finish; its final state.
async fn import(state: &AppState, c: &Client, name: &str, bytes: Vec<u8>) -> Value {
    let a = call(
        state,
        c,
        "POST",
        &format!("/api/imports?name={name}&dry_run=true"),
        Some(bytes),
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.json);
    let id = a.json["job_id"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let job = call(state, c, "GET", &format!("/api/imports/{id}"), None).await;
        assert_eq!(job.status, StatusCode::OK, "{}", job.json);
        if job.json["finished_at"].is_string() {
            return job.json;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import job {id} did not finish");
}

async fn a_zip_bomb_upload_is_refused_with_the_reason(store: Store) {
    common::demo(&store, 10).await;
    let state = AppState::demo(store.clone(), "unused");
    let admin = login(&store, "admin").await;
    let bomb = bomb::honest_bomb(3);
    assert!(bomb.len() < 8 << 20);
    let job = import(&state, &admin, "bomb.xlsx", bomb).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["failed_stage"], "parsing");
    let reason = job["issues"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("压缩炸弹") && reason.contains("超过上限"),
        "{reason}"
    );
    // A file that lies about its size in its headers is refused as well.
    let job = import(&state, &admin, "bomb2.xlsx", bomb::lying_bomb(3)).await;
    assert_eq!(job["status"], "failed", "{job}");
    let reason = job["issues"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("压缩炸弹"), "{reason}");
}

async fn finished_import_jobs_expire_by_age_and_count(store: Store) {
    common::demo(&store, 10).await;
    let state = AppState::demo(store.clone(), "unused");
    let admin = login(&store, "admin").await;
    let bad = "户编号,姓名\n1,张三\n".as_bytes().to_vec();
    let first = import(&state, &admin, "a.csv", bad.clone()).await;
    let id = first["id"].as_str().unwrap();
    assert_eq!(first["has_report"], true, "{first}");
    let report = call(
        &state,
        &admin,
        "GET",
        &format!("/api/imports/{id}/report"),
        None,
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    // Within the hour the job and its report stay; after it they are gone.
    let finished: chrono::DateTime<chrono::Utc> =
        first["finished_at"].as_str().unwrap().parse().unwrap();
    let later = |d: chrono::Duration| AppState {
        clock: Clock::fixed(finished + d),
        ..state.clone()
    };
    let soon = later(JOB_KEEP - chrono::Duration::minutes(1));
    assert_eq!(
        call(&soon, &admin, "GET", &format!("/api/imports/{id}"), None)
            .await
            .status,
        StatusCode::OK
    );
    let past = later(JOB_KEEP + chrono::Duration::minutes(1));
    for uri in [
        format!("/api/imports/{id}"),
        format!("/api/imports/{id}/report"),
    ] {
        let a = call(&past, &admin, "GET", &uri, None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}: {}", a.json);
        assert!(is_chinese(&a.json["message"]), "{}", a.json);
    }
    // Many uploads within the hour: only the newest JOBS_KEPT stay.
    let mut ids = Vec::new();
    for i in 0..=JOBS_KEPT {
        let job = import(&state, &admin, &format!("f{i}.csv"), bad.clone()).await;
        ids.push(job["id"].as_str().unwrap().to_owned());
    }
    let status = |id: &str| {
        let (state, admin, uri) = (state.clone(), admin.clone(), format!("/api/imports/{id}"));
        async move { call(&state, &admin, "GET", &uri, None).await.status }
    };
    assert_eq!(
        status(&ids[0]).await,
        StatusCode::NOT_FOUND,
        "the oldest job is forgotten"
    );
    assert_eq!(status(&ids[1]).await, StatusCode::OK);
    assert_eq!(status(ids.last().unwrap()).await, StatusCode::OK);
}

async fn the_masked_export_masks_phones_and_the_unmasked_one_needs_the_permission(store: Store) {
    let bundles = common::demo(&store, 30).await;
    let state = AppState::demo(store.clone(), "unused");
    let b = bundles
        .iter()
        .find(|b| b.household.phone.is_some() && b.members.iter().any(|m| m.phone.is_some()))
        .expect("a demo household with phones");
    let household_phone = b.household.phone.clone().unwrap();
    let member_phone = b.members.iter().find_map(|m| m.phone.clone()).unwrap();
    let admin = login(&store, "admin").await;
    let xiangzhen = login(&store, "xiangzhen").await;
    let area = b.household.area.as_string();
    for (who, c) in [("admin", &admin), ("xiangzhen", &xiangzhen)] {
        let a = call(
            &state,
            c,
            "GET",
            &format!("/api/exports?format=csv&area={area}"),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{who}: {}", a.json);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(
            !text.contains(&household_phone),
            "{who}: 户联系电话 in full"
        );
        assert!(!text.contains(&member_phone), "{who}: 联系电话 in full");
        assert!(text.contains(&mask_phone(&household_phone)), "{who}");
        assert!(text.contains(&mask_phone(&member_phone)), "{who}");
    }
    let a = call(
        &state,
        &xiangzhen,
        "GET",
        "/api/exports?format=csv&unmasked=true",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = call(
        &state,
        &admin,
        "GET",
        &format!("/api/exports?format=csv&unmasked=true&area={area}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = String::from_utf8(a.bytes).unwrap();
    assert!(text.contains(&household_phone) && text.contains(&member_phone));
}
