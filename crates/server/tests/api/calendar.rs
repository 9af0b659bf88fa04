//! The working-day calendar.

use axum::http::StatusCode;
use fangpin_store::Store;
use serde_json::json;

use crate::common::{demo, login, send};

fangpin_store::dual_backend_tests!(calendar_is_edited_by_administrators);

async fn calendar_is_edited_by_administrators(store: Store) {
    demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let cunji = login(&store, "cunji").await;
    let csv = "date,kind,name\n2027-01-01,休,元旦\n2027-02-14,班,春节调休上班\n";
    let body = json!({"source": "国务院办公厅关于2027年部分节假日安排的通知", "csv": csv});
    let (status, r, _, _) = send(
        &store,
        &cunji,
        "PUT",
        "/api/calendar/2027",
        Some(body.clone()),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
    // A CSV error names its line; nothing is saved.
    let bad =
        json!({"source": "通知", "csv": "date,kind,name\n2027-01-01,休,元旦\n2027-13-01,休,x\n"});
    let (status, r, _, _) =
        send(&store, &admin, "PUT", "/api/calendar/2027", Some(bad), true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(r["message"].as_str().unwrap().contains("第3行"), "{r}");
    // A make-up working day on a weekday (2027-02-01 is a Monday) names its line too.
    let weekday = json!({"source": "通知", "csv": "date,kind,name\n2027-01-01,休,元旦\n2027-02-01,班,调休\n"});
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(weekday),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("第3行") && m.contains("本来就是工作日"), "{r}");
    let (_, r, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/calendar?year=2027",
        None,
        false,
    )
    .await;
    assert_eq!(r["covered"], false, "{r}");

    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(body),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["covered"], true);
    assert_eq!(r["source"], "国务院办公厅关于2027年部分节假日安排的通知");
    assert_eq!(r["entries"].as_array().unwrap().len(), 2);
    // 365 days, 104 weekend days, 元旦 off, one make-up Sunday.
    assert_eq!(r["working_days"], 365 - 104 - 1 + 1);
    // Entries as a list: a wrong kind names the entry.
    let list = json!({"source": "通知", "entries": [{"date": "2027-01-01", "kind": "假", "name": "元旦"}]});
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        "/api/calendar/2027",
        Some(list),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(r["message"].as_str().unwrap().contains("第1条"), "{r}");
}
