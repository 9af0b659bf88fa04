//! The 工作台's list of what administrators still have to configure.

use axum::http::StatusCode;
use fangpin_server::AppState;
use fangpin_store::Store;

use crate::common::{demo, login, send_to};

fangpin_store::dual_backend_tests!(workbench_lists_missing_setup_for_administrators);

/// In December 2026 丰都 has no 监测范围 for 2025 or 2026 and 2027's calendar
/// is not loaded (policy.md §2.1): the county and system administrators
/// (维护参数) are told, the system administrator without household steps; a
/// village operator gets no list.
async fn workbench_lists_missing_setup_for_administrators(store: Store) {
    demo(&store, 20).await;
    let at = || {
        let mut st = AppState::demo(store.clone(), "unused");
        st.clock = fangpin_server::Clock::fixed(
            chrono::DateTime::parse_from_rfc3339("2026-12-07T10:00:00+08:00")
                .unwrap()
                .to_utc(),
        );
        st
    };
    let keys = |w: &serde_json::Value| -> Vec<(String, i64)> {
        w["setup"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["key"].as_str().unwrap().to_owned(),
                    g["year"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let mut seen = Vec::new();
    for user in ["admin", "xitong"] {
        let who = login(&store, user).await;
        let (status, w, _, _) = send_to(at(), &who, "GET", "/api/workbench", None, false).await;
        assert_eq!(status, StatusCode::OK, "{user}: {w}");
        let k = keys(&w);
        assert!(k.contains(&("monitoring_line".into(), 2025)), "{user}: {w}");
        assert!(k.contains(&("work_calendar".into(), 2027)), "{user}: {w}");
        assert_eq!(w["setup"][0]["area_name"], "丰都县", "{w}");
        seen.push(k);
    }
    assert_eq!(seen[0], seen[1]);
    let cunji = login(&store, "cunji").await;
    let (status, w, _, _) = send_to(at(), &cunji, "GET", "/api/workbench", None, false).await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["setup"], serde_json::json!([]));
}
