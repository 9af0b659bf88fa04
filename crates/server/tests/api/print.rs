//! Printable documents.

use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_store::{Access, Store};
use serde_json::{Value, json};

use crate::common::{Client, demo, fixed_now, login, on_fixed_day, print_targets, send, send_to};

fangpin_store::dual_backend_tests!(printable_documents_through_the_api);

/// GET on the demo server with the fixed clock: status and JSON.
async fn print_get(store: &Store, client: &Client, uri: &str) -> (StatusCode, Value) {
    let (status, body, _, _) = send_to(on_fixed_day(store), client, "GET", uri, None, false).await;
    (status, body)
}

async fn printable_documents_through_the_api(store: Store) {
    let bundles = demo(&store, 1000).await;
    let village = bundles[0].household.area;
    let (monitored, case) = print_targets(&store, &bundles, |a| a == village).await;
    // The lead is walked to 村内公示 on the fixed day.
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let day = fixed_now().date_naive();
    let steps = [
        json!({"action": "accept"}),
        json!({"action": "verify", "visited_on": day, "consent_signed": true, "findings": "属实"}),
        json!({"action": "compare", "conclusion": "无异常"}),
        json!({"action": "review", "held_on": day, "place": "村委会", "attendees": ["村支书", "村民代表"],
               "votes_for": 9, "votes_against": 0, "passed": true, "minutes": "同意纳入"}),
    ];
    for step in steps {
        let action = serde_json::from_value(step).unwrap();
        store
            .case_act(&system, case, action, None, fixed_now())
            .await
            .unwrap();
    }
    let cunji = login(&store, "cunji").await;

    // 公示名单 of the operator's own village.
    let (status, notice) = print_get(&store, &cunji, "/api/print/notice").await;
    assert_eq!(status, StatusCode::OK, "{notice}");
    assert_eq!(notice["title"], "拟纳入监测对象公示");
    assert_eq!(notice["area"]["code"], village.as_string().as_str());
    assert_eq!(notice["supervision_phone"], "12317");
    assert_eq!(notice["printed_on"], "2026-06-01");
    let rows = notice["households"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["case_id"], case);
    assert_eq!(rows[0]["notice_from"], "2026-06-01");
    assert_eq!(rows[0]["notice_until"], "2026-06-06");
    assert!(rows[0]["head_id"].as_str().unwrap().contains("********"));
    let text = notice.to_string();
    for b in &bundles {
        assert!(!text.contains(b.household.head_id.as_str()), "no full ID");
    }
    // A 村民小组 key of the tree prints its village.
    let group = format!(
        "/api/print/notice?area={}-01&kind=elimination",
        village.as_string()
    );
    let (status, elim) = print_get(&store, &cunji, &group).await;
    assert_eq!(status, StatusCode::OK, "{elim}");
    assert_eq!(elim["title"], "拟风险消除公示");
    assert_eq!(elim["households"], json!([]));

    // The minutes as recorded.
    let (status, m) = print_get(&store, &cunji, &format!("/api/print/minutes/{case}")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["record"]["place"], "村委会");
    assert_eq!(m["record"]["votes_for"], 9);
    assert_eq!(m["record"]["attendees"], json!(["村支书", "村民代表"]));
    assert_eq!(m["result"], "同意纳入监测对象，进入村内公示");
    assert_eq!(m["kind"], "identification");
    let (status, _) = print_get(&store, &cunji, "/api/print/minutes/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 明白卡, one and all of the village.
    let (status, card) = print_get(&store, &cunji, &format!("/api/print/cards/{monitored}")).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["hotline"], "12317");
    assert_eq!(card["assistance_cadre"], Value::Null);
    assert!(card["category_label"].is_string());
    assert!(!card["criteria"].as_array().unwrap().is_empty());
    let (status, all) = print_get(&store, &cunji, "/api/print/cards").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["area"]["code"], village.as_string().as_str());
    assert!(
        all["cards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["category"].is_string())
    );

    // 公告: the current month by default.
    let (status, ann) = print_get(&store, &cunji, "/api/print/announcement?kind=elimination").await;
    assert_eq!(status, StatusCode::OK, "{ann}");
    assert_eq!(
        (&ann["from"], &ann["until"]),
        (&json!("2026-06-01"), &json!("2026-06-01"))
    );
    assert_eq!(ann["title"], "防止返贫监测对象风险消除公告");

    // Wrong input answers in Chinese.
    let admin = login(&store, "admin").await;
    for (uri, says) in [
        ("/api/print/notice?kind=other", "文书类别无效"),
        ("/api/print/notice?area=abc", "参数 area"),
        ("/api/print/notice?area=500230", "请选择乡镇或村"),
        (
            "/api/print/announcement?from=2026-06-02&until=2026-06-01",
            "起始日期不能晚于截止日期",
        ),
    ] {
        let (status, r) = print_get(&store, &admin, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {r}");
        assert!(r["message"].as_str().unwrap().contains(says), "{uri}: {r}");
    }

    // Each printout is in the audit log.
    let (_, log, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/audit?action=print",
        None,
        false,
    )
    .await;
    assert_eq!(log["total"], 6, "{log}");
}
