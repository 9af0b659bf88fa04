//! Visit photos and 重新生成目标 through the HTTP API on both engines: a
//! multipart upload from the visiting cadre, refusals in Chinese naming the
//! file (and nothing stored), the image served only inside the area with an
//! audit entry per read, and a campaign's list drawn again.

mod common;

use axum::http::StatusCode;
use common::{Answer, Client, add_user, json_body, login, request};
use fangpin_server::AppState;
use fangpin_store::{AuditFilter, HouseholdBundle, Store};
use serde_json::{Value, json};

fangpin_store::dual_backend_tests!(
    photos_are_uploaded_checked_and_served_in_scope,
    campaign_targets_are_redrawn_through_the_api,
);

const BOUNDARY: &str = "----fangpin-photo-boundary";

async fn call(
    store: &Store,
    c: &Client,
    method: &str,
    uri: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Answer {
    let state = AppState::demo(store.clone(), "unused");
    request(state, c, method, uri, body, true).await
}

async fn call_json(
    store: &Store,
    c: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> Answer {
    call(store, c, method, uri, json_body(body)).await
}

/// The demo county, with a village cadre of another village (`other`).
async fn demo(store: &Store, n: u32) -> Vec<HouseholdBundle> {
    let bundles = common::demo(store, n).await;
    let village = bundles[0].household.area;
    let other = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| *a != village)
        .unwrap();
    add_user(store, "other", "village_operator", other).await;
    bundles
}

/// A multipart body with one file field per (name, bytes).
fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

async fn upload(store: &Store, c: &Client, vid: i64, files: &[(&str, &[u8])]) -> Answer {
    let (ctype, body) = multipart(files);
    call(
        store,
        c,
        "POST",
        &format!("/api/visits/{vid}/photos"),
        Some((&ctype, body)),
    )
    .await
}

fn png(fill: u8, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.resize(len, fill);
    b
}

async fn audits(store: &Store, action: &str) -> u64 {
    store
        .audit_search(
            &AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap()
        .0
}

async fn household_of_village(store: &Store, c: &Client, bundles: &[HouseholdBundle]) -> i64 {
    let no = &bundles[0].household.household_no;
    let a = call_json(store, c, "GET", &format!("/api/households?q={no}"), None).await;
    a.json["items"][0]["id"].as_i64().unwrap()
}

async fn photos_are_uploaded_checked_and_served_in_scope(store: Store) {
    let bundles = demo(&store, 60).await;
    let cunji = login(&store, "cunji").await;
    let hid = household_of_village(&store, &cunji, &bundles).await;
    let a = call_json(
        &store,
        &cunji,
        "POST",
        "/api/visits",
        Some(json!({"household_id": hid, "kind": "home", "findings": "房屋后墙开裂", "flags": ["housing"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let vid = a.json["id"].as_i64().unwrap();

    // Without the CSRF token the upload is refused.
    let (ctype, body) = multipart(&[("门口.png", &png(1, 200))]);
    let bare = Client {
        csrf: None,
        ..cunji.clone()
    };
    let a = call(
        &store,
        &bare,
        "POST",
        &format!("/api/visits/{vid}/photos"),
        Some((&ctype, body)),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // A PNG named .jpg is a PNG; a GIF named .jpg is refused by name, and
    // the upload it came with stores nothing.
    let a = upload(
        &store,
        &cunji,
        vid,
        &[("好的.png", &png(2, 100)), ("后墙.jpg", b"GIF89a\x01\x00")],
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json["message"],
        "照片“后墙.jpg”不是 JPEG、PNG 或 WebP 图片，请上传手机拍摄的照片"
    );
    let a = upload(&store, &cunji, vid, &[]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
    let seven: Vec<(String, Vec<u8>)> = (0..7).map(|i| (format!("{i}.png"), png(i, 50))).collect();
    let refs: Vec<(&str, &[u8])> = seven
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let a = upload(&store, &cunji, vid, &refs).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json["message"],
        "每次走访最多6张照片，已有0张，本次选了7张"
    );
    let big = png(3, 5 * 1024 * 1024 + 1);
    let a = upload(&store, &cunji, vid, &[("大图.png", &big)]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json["message"], "照片“大图.png”超过每张5 MB的上限");
    assert_eq!(audits(&store, "visit_photo_add").await, 0);

    let photo = png(4, 321);
    let a = upload(&store, &cunji, vid, &[("后墙.jpg", &photo)]).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let item = &a.json["items"][0];
    assert_eq!(item["content_type"], "image/png");
    assert_eq!(item["size"], 321);
    assert_eq!(item["file_name"], "后墙.jpg");
    let pid = item["id"].as_i64().unwrap();

    // The visit lists its photo; the image is served with its type.
    let a = call_json(&store, &cunji, "GET", &format!("/api/visits/{vid}"), None).await;
    assert_eq!(a.json["photos"][0]["id"], pid);
    let a = call_json(&store, &cunji, "GET", "/api/visits?mine=true", None).await;
    assert_eq!(a.json["items"][0]["photos"][0]["sha256"], item["sha256"]);
    let url = format!("/api/visits/{vid}/photos/{pid}");
    let a = call(&store, &cunji, "GET", &url, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "image/png");
    assert_eq!(a.headers["x-content-type-options"], "nosniff");
    assert_eq!(a.bytes, photo);

    // Another village's cadre sees neither the photo nor the upload; the
    // county reads it; each read is audited.
    let other = login(&store, "other").await;
    assert_eq!(
        call(&store, &other, "GET", &url, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        upload(&store, &other, vid, &[("x.png", &png(1, 9))])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let ducha = login(&store, "ducha").await;
    assert_eq!(
        upload(&store, &ducha, vid, &[("x.png", &png(1, 9))])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&store, &ducha, "GET", &url, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &store,
            &cunji,
            "GET",
            &format!("/api/visits/{vid}/photos/{}", pid + 1),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audits(&store, "visit_photo_read").await, 2);
    assert_eq!(audits(&store, "visit_photo_add").await, 1);

    // Removal: only the uploader, with a reason; then the photo is gone.
    let remove = format!("{url}/remove");
    let reason = |r: &str| Some(json!({ "reason": r }));
    let a = call_json(&store, &other, "POST", &remove, reason("误传")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call_json(&store, &ducha, "POST", &remove, reason("误传")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = call_json(&store, &cunji, "POST", &remove, reason(" ")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.json["message"].as_str().unwrap().contains("删除原因"),
        "{}",
        a.json
    );
    let a = call_json(&store, &cunji, "POST", &remove, reason("误传了邻户的照片")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    assert_eq!(
        call(&store, &cunji, "GET", &url, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audits(&store, "visit_photo_remove").await, 1);
}

async fn campaign_targets_are_redrawn_through_the_api(store: Store) {
    demo(&store, 60).await;
    let xiangzhen = login(&store, "xiangzhen").await;
    // Running around the server's today (the demo state reads the real clock).
    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Days::new(30)).to_string();
    let until = (today + chrono::Days::new(300)).to_string();
    let a = call_json(
        &store,
        &xiangzhen,
        "POST",
        "/api/campaigns",
        Some(json!({"name": "全部农户遍访", "kind": "sweep", "from": from, "until": until, "targets": ["all"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let cid = a.json["id"].as_i64().unwrap();
    let cunji = login(&store, "cunji").await;
    let uri = format!("/api/campaigns/{cid}/redraw");
    let a = call_json(&store, &cunji, "POST", &uri, None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    let a = call_json(&store, &xiangzhen, "POST", &uri, None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(
        (a.json["added"].as_i64(), a.json["removed"].as_i64()),
        (Some(0), Some(0))
    );
    let p = call_json(
        &store,
        &xiangzhen,
        "GET",
        &format!("/api/campaigns/{cid}/progress"),
        None,
    )
    .await;
    assert_eq!(
        a.json["target_count"],
        p.json["campaign"]["progress"]["target"]
    );
    assert!(a.json["target_count"].as_i64().unwrap() > 0);
    let a = call_json(
        &store,
        &xiangzhen,
        "POST",
        "/api/campaigns/999999/redraw",
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}
