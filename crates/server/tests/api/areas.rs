//! The area tree and area summaries.

use axum::http::StatusCode;
use fangpin_store::Store;
use serde_json::json;

use crate::common::{demo, get};

fangpin_store::dual_backend_tests!(area_tree_and_summary);

async fn area_tree_and_summary(store: Store) {
    demo(&store, 300).await;
    let (status, body, _) = get(&store, "/api/areas/tree").await;
    assert_eq!(status, StatusCode::OK);
    let root = &body["root"];
    assert_eq!(root["name"], "丰都县");
    assert_eq!(root["households"], 300);
    let township = &root["children"][0];
    assert_eq!(township["level"], "township");
    let code = township["code"].as_str().unwrap();

    let (status, s, _) = get(&store, &format!("/api/areas/{code}/summary")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["households"], township["households"]);
    let children_total: i64 = s["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["households"].as_i64().unwrap())
        .sum();
    assert_eq!(Some(children_total), township["households"].as_i64());
    assert!(s["by_category"].as_array().unwrap().len() >= 3);

    // 务工规模 of the same area: the data year by default, one row per area
    // below, the rows adding up to the area's own figures.
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment")).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["year"], 2024);
    assert_eq!(e["code"], code);
    let rows = e["children"].as_array().unwrap();
    assert_eq!(rows.len(), s["children"].as_array().unwrap().len());
    for key in ["labour_households", "zero_employment_households", "workers"] {
        let sum: i64 = rows.iter().map(|r| r[key].as_i64().unwrap()).sum();
        assert_eq!(Some(sum), e[key].as_i64(), "{key}");
    }
    assert!(e["labour_households"].as_i64().unwrap() > 0);
    // No 务工 records yet: every household with labour is 零就业.
    assert_eq!(e["workers"], 0);
    assert_eq!(e["zero_employment_households"], e["labour_households"]);
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment?year=2023")).await;
    assert_eq!((status, &e["year"]), (StatusCode::OK, &json!(2023)));
    let (status, e, _) = get(&store, &format!("/api/areas/{code}/employment?year=99")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "年度无效：99");
    let (status, _, _) = get(&store, "/api/areas/500230999000/employment").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
