//! Public self-reports (农户自主申报) and their handling by the township.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fangpin_domain::AreaCode;
use fangpin_server::AppState;
use fangpin_store::{Access, Store};
use serde_json::json;
use tower::ServiceExt;

use crate::common::{Client, STRANGER_ID, demo, get_public, login, report_form, send};

fangpin_store::dual_backend_tests!(
    self_reports_are_filed_publicly_and_accepted_by_the_township,
    public_self_report_routes_are_limited,
);

async fn self_reports_are_filed_publicly_and_accepted_by_the_township(store: Store) {
    let bundles = demo(&store, 40).await;
    let b = &bundles[0];
    let village = b.household.area.as_string();
    let nobody = Client::default();

    // The public area list: townships and villages, names and codes only.
    let (status, areas, _) = get_public(&store, "/api/public/areas").await;
    assert_eq!(status, StatusCode::OK);
    let townships = areas["townships"].as_array().unwrap();
    let t = townships
        .iter()
        .find(|t| t["code"] == b.household.area.parent().unwrap().as_string().as_str())
        .unwrap();
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["code", "name", "villages"]);
    let v = t["villages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == village.as_str())
        .unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
    let (status, options, _) = get_public(&store, "/api/public/self-report-form").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(options["hardships"].as_array().unwrap().len(), 6);
    assert!(options["consent_text"].as_str().unwrap().contains("授权"));

    // Refused forms name the field in Chinese.
    let mut bad_id = report_form(&village, "110105194912310021");
    bad_id["id_number"] = json!("110105194912310021");
    let mut no_consent = report_form(&village, STRANGER_ID);
    no_consent["consent"] = json!(false);
    let mut honeypot = report_form(&village, STRANGER_ID);
    honeypot["website"] = json!("http://spam.example");
    for (body, code, needle) in [
        (bad_id, "bad_request", "身份证号码：证件号码校验位错误"),
        (no_consent, "bad_request", "承诺授权"),
        (json!({}), "bad_request", "申请人姓名"),
        (honeypot, "rejected", "提交未被接受"),
    ] {
        let (status, r, _, _) = send(
            &store,
            &nobody,
            "POST",
            "/api/public/self-reports",
            Some(body),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
        assert_eq!(r["code"], code, "{r}");
        assert!(r["message"].as_str().unwrap().contains(needle), "{r}");
    }
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let f = fangpin_store::self_report::SelfReportFilter::default();
    let now = chrono::Utc::now();
    assert_eq!(store.self_reports(&system, &f, now).await.unwrap().0, 0);

    // A member of the household files without a session.
    let member = b.members.last().unwrap();
    let (status, receipt, _, _) = send(
        &store,
        &nobody,
        "POST",
        "/api/public/self-reports",
        Some(report_form(&village, member.id_number.as_str())),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let receipt_no = receipt["receipt_no"].as_str().unwrap().to_owned();
    assert!(receipt["accept_due"].is_string(), "{receipt}");
    let last4 = &member.id_number.as_str()[14..];
    let status_of = |last4: String| {
        let store = store.clone();
        let receipt_no = receipt_no.clone();
        async move {
            send(
                &store,
                &Client::default(),
                "POST",
                "/api/public/self-reports/status",
                Some(json!({"receipt_no": receipt_no, "id_last4": last4})),
                false,
            )
            .await
        }
    };
    let (status, st, _, _) = status_of(last4.to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["status"], "pending");
    let wrong = if last4 == "0000" { "1111" } else { "0000" };
    let (status, _, _, _) = status_of(wrong.to_owned()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The township's inbox: masked, matched to the household.
    let xz = login(&store, "xiangzhen").await;
    let (status, inbox, _, _) = send(
        &store,
        &xz,
        "GET",
        "/api/self-reports?status=pending",
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["total"], 1);
    let item = &inbox["items"][0];
    let text = inbox.to_string();
    assert!(
        !text.contains(member.id_number.as_str()) && !text.contains("13512345678"),
        "{text}"
    );
    assert_eq!(item["phone_masked"], "135****5678");
    assert_eq!(item["emergency"], true);
    let hid = item["matches"][0]["household_id"].as_i64().unwrap();
    let rid = item["id"].as_i64().unwrap();

    // 受理 opens a lead of channel 农户自主申报.
    let (status, done, _, _) = send(
        &store,
        &xz,
        "POST",
        &format!("/api/self-reports/{rid}/accept"),
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["household_id"], hid);
    let case_id = done["case_id"].as_i64().unwrap();
    let (status, case, _, _) = send(
        &store,
        &xz,
        "GET",
        &format!("/api/cases/{case_id}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["channel"], "self_report");
    assert_eq!(case["state"], "lead");
    assert!(
        case["summary"].as_str().unwrap().contains(&receipt_no),
        "{case}"
    );
    let (_, st, _, _) = status_of(last4.to_owned()).await;
    assert_eq!(st["status"], "accepted");

    // The 工作台 has a section for reports (none due: this one is decided).
    let (status, bench, _, _) = send(&store, &xz, "GET", "/api/workbench", None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bench["self_reports"], json!([]));
}

async fn public_self_report_routes_are_limited(store: Store) {
    let bundles = demo(&store, 5).await;
    let village = bundles[0].household.area.as_string();
    let app = fangpin_server::app(AppState::demo(store.clone(), "unused"));
    let post = |uri: &'static str, ip: &'static str, body: String| {
        let app = app.clone();
        async move {
            let mut req = Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let addr: std::net::SocketAddr = ip.parse().unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
            app.oneshot(req).await.unwrap().status()
        }
    };
    // A body larger than the limit is refused before it is read.
    let huge = report_form(&village, STRANGER_ID)
        .to_string()
        .replace("暴雨", &"很".repeat(10_000));
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.9:1", huge).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // One address: the hourly number of submissions, then 429.
    let limit = fangpin_server::self_report::SUBMITS_PER_HOUR;
    for i in 1..limit {
        let status = post("/api/public/self-reports", "10.0.0.9:1", "{}".into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "attempt {i}");
    }
    let body = report_form(&village, STRANGER_ID).to_string();
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.9:2", body.clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not affected.
    assert_eq!(
        post("/api/public/self-reports", "10.0.0.10:1", body).await,
        StatusCode::CREATED
    );
    // Status look-ups are limited too.
    let lookup = json!({"receipt_no": "20260101-000000", "id_last4": "0000"}).to_string();
    for _ in 0..fangpin_server::self_report::LOOKUPS_PER_WINDOW {
        let status = post(
            "/api/public/self-reports/status",
            "10.0.0.11:1",
            lookup.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        post("/api/public/self-reports/status", "10.0.0.11:1", lookup).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
