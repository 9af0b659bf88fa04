//! The duplicate review queue.

use axum::http::StatusCode;
use fangpin_store::Store;
use serde_json::json;

use crate::common::{demo, login, send};

fangpin_store::dual_backend_tests!(duplicate_queue_routes);

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
