//! HTTP API behaviour on both engines (`sqlite::*` and `postgres::*`).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fangpin_demo::{DemoConfig, layout};
use fangpin_server::{AppState, app};
use fangpin_store::{Actor, AreaRecord, HouseholdBundle, Store, settings};
use serde_json::Value;
use tower::ServiceExt;

fangpin_store::dual_backend_tests!(
    health_and_meta,
    area_tree_and_summary,
    household_list_is_paginated_and_masked,
    household_detail_explains_income_against_the_line,
    errors_are_chinese_json,
    ui_is_served_with_spa_fallback,
);

async fn get(store: &Store, uri: &str) -> (StatusCode, Value, String) {
    let resp = app(AppState {
        store: store.clone(),
    })
    .oneshot(Request::get(uri).body(Body::empty()).unwrap())
    .await
    .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    let json = if ctype.starts_with("application/json") {
        serde_json::from_slice(&bytes).unwrap()
    } else {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    };
    (status, json, ctype)
}

async fn demo(store: &Store, n: u32) -> Vec<HouseholdBundle> {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(5, n);
    let lay = layout(&cfg);
    let areas: Vec<AreaRecord> = lay
        .areas
        .iter()
        .map(|a| AreaRecord {
            code: a.code,
            name: a.name.clone(),
            level: a.level,
            parent: a.parent,
        })
        .collect();
    let actor = Actor::system("测试");
    store.insert_areas(&actor, &areas).await.unwrap();
    store
        .insert_village_groups(&actor, &lay.groups)
        .await
        .unwrap();
    let bundles: Vec<_> = fangpin_demo::households(&cfg, &lay)
        .map(|g| HouseholdBundle {
            household: g.household,
            members: g.members,
            incomes: vec![g.income],
        })
        .collect();
    store
        .insert_households(&actor, "测试", &bundles)
        .await
        .unwrap();
    store
        .set_setting(&actor, settings::COUNTY_CODE, "500230000000")
        .await
        .unwrap();
    store
        .set_setting(&actor, settings::COUNTY_NAME, "丰都县")
        .await
        .unwrap();
    store
        .set_setting(&actor, settings::DEMO, "true")
        .await
        .unwrap();
    store
        .set_setting(&actor, settings::DATA_YEAR, "2024")
        .await
        .unwrap();
    bundles
}

async fn health_and_meta(store: Store) {
    let (status, body, _) = get(&store, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], store.engine().label());

    let (_, meta, _) = get(&store, "/api/meta").await;
    assert_eq!(meta["system"], "防返贫动态监测和帮扶系统");
    assert!(
        meta["county"].is_null(),
        "an empty database has no county yet"
    );
    demo(&store, 10).await;
    let (_, meta, _) = get(&store, "/api/meta").await;
    assert_eq!(meta["county"]["name"], "丰都县");
    assert_eq!(meta["demo"], true);
    assert_eq!(meta["data_year"], 2024);
}

async fn area_tree_and_summary(store: Store) {
    let (status, body, _) = get(&store, "/api/areas/tree").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["message"].as_str().unwrap().contains("尚无区划数据"));

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
}

async fn household_list_is_paginated_and_masked(store: Store) {
    let bundles = demo(&store, 60).await;
    let (status, page, _) = get(&store, "/api/households?page=2&page_size=25").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 60);
    assert_eq!(page["page"], 2);
    assert_eq!(page["page_size"], 25);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 25);
    for item in items {
        let id = item["head_id"].as_str().unwrap();
        assert_eq!(id.len(), 18);
        assert_eq!(
            &id[6..14],
            "********",
            "ID numbers are masked in lists: {id}"
        );
    }
    let full = bundles[25].household.head_id.as_str();
    assert!(!serde_json::to_string(&page).unwrap().contains(full));

    let village = bundles[0].household.area.as_string();
    let (_, filtered, _) = get(
        &store,
        &format!("/api/households?area={village}&page_size=200"),
    )
    .await;
    assert!(
        filtered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["area_code"] == village.as_str())
    );
}

async fn household_detail_explains_income_against_the_line(store: Store) {
    let bundles = demo(&store, 80).await;
    let (_, page, _) = get(&store, "/api/households?page_size=1").await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let (status, d, _) = get(&store, &format!("/api/households/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let income = &d["incomes"][0];
    assert_eq!(income["year"], 2024);
    assert_eq!(
        income["monitoring_line"], 830_000,
        "丰都县 2024 监测范围 8,300 元 in 分"
    );
    assert_eq!(income["line_source"]["scope"], "500230000000");
    let per_capita = income["breakdown"]["per_capita"].as_i64().unwrap();
    assert_eq!(income["below_line"], per_capita < 830_000);
    let text = serde_json::to_string(&d).unwrap();
    for m in &bundles[0].members {
        assert!(
            !text.contains(m.id_number.as_str()),
            "member ID numbers are masked"
        );
        if let Some(p) = &m.phone {
            assert!(!text.contains(p.as_str()), "phones are masked");
        }
    }
}

async fn errors_are_chinese_json(store: Store) {
    demo(&store, 5).await;
    for (uri, status, needle) in [
        (
            "/api/households/999999",
            StatusCode::NOT_FOUND,
            "农户不存在",
        ),
        ("/api/households/abc", StatusCode::NOT_FOUND, "资源不存在"),
        ("/api/households?page=0", StatusCode::BAD_REQUEST, "page"),
        (
            "/api/households?page_size=1000",
            StatusCode::BAD_REQUEST,
            "page_size",
        ),
        (
            "/api/households?page=x",
            StatusCode::BAD_REQUEST,
            "查询参数无效",
        ),
        (
            "/api/households?area=12ab",
            StatusCode::BAD_REQUEST,
            "参数 area",
        ),
        (
            "/api/areas/500230999999/summary",
            StatusCode::NOT_FOUND,
            "区划不存在",
        ),
        ("/api/no/such/route", StatusCode::NOT_FOUND, "接口不存在"),
    ] {
        let (got, body, ctype) = get(&store, uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(ctype.starts_with("application/json"), "{uri}: {ctype}");
        assert!(body["code"].is_string(), "{uri}");
        let msg = body["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg}");
    }
}

async fn ui_is_served_with_spa_fallback(store: Store) {
    let (status, body, ctype) = get(&store, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(body.as_str().unwrap().contains("防返贫动态监测和帮扶系统"));
    let (status, _, ctype) = get(&store, "/households/123").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "unknown non-API paths fall back to the app"
    );
    assert!(ctype.starts_with("text/html"));
}
