//! The audit log search.

use axum::http::StatusCode;
use fangpin_store::Store;

use crate::common::{demo, login, send};

fangpin_store::dual_backend_tests!(audit_search_is_for_inspectors);

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
