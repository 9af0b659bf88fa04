//! Visits (走访) and campaigns.

use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_store::Store;
use serde_json::json;

use crate::common::{demo, login, send};

fangpin_store::dual_backend_tests!(visits_through_the_api);

async fn visits_through_the_api(store: Store) {
    let bundles = demo(&store, 200).await;
    let village = bundles[0].household.area;
    let cunji = login(&store, "cunji").await;
    let no = &bundles
        .iter()
        .find(|b| b.household.area == village && b.household.monitor_category.is_none())
        .unwrap()
        .household
        .household_no;
    let (_, found, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/households?q={no}"),
        None,
        false,
    )
    .await;
    let hid = found["items"][0]["id"].as_i64().unwrap();

    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        "/api/visits",
        Some(json!({"household_id": hid, "date": "6月1日", "kind": "home", "findings": "x"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["message"], "走访日期无效：6月1日（应为 YYYY-MM-DD）");
    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        "/api/visits",
        Some(json!({"household_id": hid, "kind": "home", "findings": "户主务工返乡，收入骤减", "flags": ["job_loss", "income_drop"]})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let vid = r["id"].as_i64().unwrap();
    let (_, mine, _, _) = send(&store, &cunji, "GET", "/api/visits?mine=true", None, false).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["flags"][1]["label"], "收入骤减");
    assert_eq!(mine["items"][0]["risk_found"], true);

    let (status, r, _, _) = send(
        &store,
        &cunji,
        "POST",
        &format!("/api/visits/{vid}/lead"),
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let case_id = r["case_id"].as_i64().unwrap();
    let (_, case, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/cases/{case_id}"),
        None,
        false,
    )
    .await;
    assert_eq!(case["channel"], "cadre_visit");
    assert_eq!(case["summary"], "户主务工返乡，收入骤减");
    let (_, v, _, _) = send(
        &store,
        &cunji,
        "GET",
        &format!("/api/visits/{vid}"),
        None,
        false,
    )
    .await;
    assert_eq!(v["case_id"], case_id);

    let xiangzhen = login(&store, "xiangzhen").await;
    let (status, r, _, _) = send(
        &store,
        &xiangzhen,
        "POST",
        "/api/campaigns",
        Some(json!({"name": "2026年八必访排查", "kind": "sweep", "from": "2026-01-01", "until": "2026-12-31", "targets": ["eight_must"]})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let cid = r["id"].as_i64().unwrap();
    let (_, list, _, _) = send(&store, &cunji, "GET", "/api/campaigns", None, false).await;
    let item = &list["items"][0];
    assert_eq!(item["targets_label"], "八必访");
    assert_eq!(item["area_code"], village.parent().unwrap().as_string());
    let (status, p, _, _) = send(
        &store,
        &xiangzhen,
        "GET",
        &format!("/api/campaigns/{cid}/progress"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let rows = p["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        r["area_code"].as_str().unwrap().len() == 12
            && village
                .parent()
                .unwrap()
                .contains(&AreaCode::parse(r["area_code"].as_str().unwrap()).unwrap())
    }));
    let (_, opts, _, _) = send(&store, &cunji, "GET", "/api/visits/options", None, false).await;
    assert_eq!(opts["presets"][1]["label"], "八必访");
    assert!(opts["flags"].as_array().unwrap().len() >= 10);
}
