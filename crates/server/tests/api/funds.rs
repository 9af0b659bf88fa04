//! Funds and employment: loans, awards, posts, jobs.

use axum::http::StatusCode;
use fangpin_server::AppState;
use fangpin_store::{HouseholdBundle, Store};
use serde_json::{Value, json};

use crate::common::{
    Client, chrono_day, demo, eligible, get_public, household_id, login, register_as_lifted, send,
    send_to, set_city_average, start_industry,
};

fangpin_store::dual_backend_tests!(funds_through_the_api, funds_are_edited_through_the_api);

/// 资金与就业 through the API: a loan with its schedule, a late repayment,
/// the 逾期率 per area next to its target, the award cap refusing with the
/// numbers and writing nothing, a post, a 务工 record and the 零就业 list.
async fn funds_through_the_api(store: Store) {
    let bundles = eligible(demo(&store, 60).await);
    let admin = login(&store, "admin").await;
    set_city_average(&store, &admin).await;
    let b = bundles
        .iter()
        .find(|b| {
            b.members
                .iter()
                .any(|m| m.has_labor_capacity() && m.age_on(chrono_day(2024, 3, 15)) >= 18)
        })
        .unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    start_industry(&store, &admin, id).await;
    let worker = b
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && m.age_on(chrono_day(2024, 3, 15)) >= 18)
        .unwrap();
    let at_2024 = |y: &str| {
        let mut st = AppState::demo(store.clone(), "unused");
        st.clock =
            fangpin_server::Clock::fixed(chrono::DateTime::parse_from_rfc3339(y).unwrap().to_utc());
        st
    };
    let spring = "2024-03-20T10:00:00+08:00";
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "邮储银行丰都支行", "purpose": "养牛",
            "amount_fen": 4_000_000, "term_months": 36, "issued_on": "2024-03-15",
            "annual_rate": "3.45", "method": "interest_quarterly", "subsidy_rate": "3.45"
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let loan = r["id"].as_i64().unwrap();
    // Over the cap: the household would owe more than 50,000 元.
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "农商行", "amount_fen": 2_000_000,
            "term_months": 12, "issued_on": "2024-03-16", "annual_rate": "3.45",
            "method": "equal_principal_quarterly", "subsidy_fen": 0
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("本次最多还可贷10000.00元"),
        "{r}"
    );
    // Bad input is named.
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/loans"),
        Some(json!({
            "borrower_no": worker.person_no, "bank": "农商行", "amount_fen": 100,
            "term_months": 12, "issued_on": "2024-03-16", "annual_rate": "三厘",
            "method": "interest_quarterly", "subsidy_fen": 0
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"].as_str().unwrap().contains("利率格式无效"),
        "{r}"
    );

    // After the first due day the loan is overdue; the county's rate shows it.
    let summer = "2024-06-20T10:00:00+08:00";
    let (status, d, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        &format!("/api/funds/loans/{loan}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["schedule"].as_array().unwrap().len(), 12);
    assert_eq!(d["schedule"][0]["status"], "overdue");
    assert_eq!(d["loan"]["status_label"], "逾期");
    let (_, rates, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        "/api/funds/loan-rates",
        None,
        false,
    )
    .await;
    assert_eq!(rates["area"]["rate_bp"], 10_000, "{rates}");
    assert_eq!(rates["area"]["target_bp"], 100);
    assert_eq!(rates["area"]["meets"], false);
    let first = d["schedule"][0]["total_fen"].as_i64().unwrap();
    let (status, r, _, _) = send_to(
        at_2024(summer),
        &admin,
        "POST",
        &format!("/api/funds/loans/{loan}/repayments"),
        Some(json!({"paid_on": "2024-06-20", "amount_fen": first})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, rates, _, _) = send_to(
        at_2024(summer),
        &admin,
        "GET",
        "/api/funds/loan-rates",
        None,
        false,
    )
    .await;
    assert_eq!(rates["area"]["rate_bp"], 0, "{rates}");
    assert_eq!(rates["area"]["meets"], true);

    // The award cap: 1,800 then 300 is refused with the numbers, nothing written.
    let award = |fen: i64| json!({"year": 2024, "project": "柑橘种植", "amount_fen": fen});
    let (status, _, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/awards"),
        Some(award(180_000)),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, r, _, _) = send_to(
        at_2024(spring),
        &admin,
        "POST",
        &format!("/api/households/{id}/awards"),
        Some(award(30_000)),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r["message"],
        "2024年到户产业奖补每户不超过2000.00元：本户已获1800.00元，还可申请200.00元，本次300.00元超出上限"
    );
    let (_, room, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/award-room?year=2024"),
        None,
        false,
    )
    .await;
    assert_eq!(room["granted_fen"], 180_000);
    assert_eq!(room["remaining_fen"], 20_000);

    // 零就业: listed until a member has a 务工 record in the year.
    let zero = async || {
        let (_, z, _, _) = send(
            &store,
            &admin,
            "GET",
            "/api/funds/zero-employment?year=2024&page_size=200",
            None,
            false,
        )
        .await;
        z["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["household_id"] == id)
    };
    assert!(zero().await);
    let (status, r, _, _) = send_to(
        at_2024(summer),
        &admin,
        "POST",
        &format!("/api/households/{id}/jobs"),
        Some(json!({
            "person_no": worker.person_no, "year": 2024, "region": "省外", "place": "广东东莞",
            "employer": "电子厂", "months": 8, "income_fen": 3_600_000
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert!(!zero().await);
    let (_, scale, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/funds/employment-scale?year=2024",
        None,
        false,
    )
    .await;
    assert_eq!(scale["workers"], 1, "{scale}");
    assert_eq!(scale["out_of_province"], 1);
    assert_eq!(scale["six_months_plus"], 1);
    let (_, view, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/funds"),
        None,
        false,
    )
    .await;
    assert_eq!(view["loans"].as_array().unwrap().len(), 1);
    assert_eq!(view["awards"].as_array().unwrap().len(), 1);
    assert_eq!(view["jobs"][0]["region_label"], "省外");
    let (_, doc, _) = get_public(&store, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/funds/loan-rates"].is_object());
}

/// Corrections of money measures: a village operator edits only in their
/// village, an inspector not at all; an award corrected above the yearly
/// cap is refused with what remains and changes nothing; a stale page is
/// refused; a loan being repaid keeps its schedule until the repayment is
/// undone.
async fn funds_are_edited_through_the_api(store: Store) {
    let bundles = demo(&store, 60).await;
    let village = bundles[0].household.area;
    let admin = login(&store, "admin").await;
    set_city_average(&store, &admin).await;
    let operator = login(&store, "cunji").await;
    let inspector = login(&store, "ducha").await;
    let on = chrono_day(2024, 3, 15);
    let able = |b: &&HouseholdBundle| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(on)))
    };
    let inside = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .find(able)
        .expect("a household of the operator's village with a worker");
    let outside = eligible(bundles.clone())
        .into_iter()
        .find(|b| b.household.area != village)
        .unwrap();
    let in_id = household_id(&store, &admin, &inside.household.household_no).await;
    // 丰都 2024 lends to and rewards 脱贫户 and 监测对象 only: the operator's
    // household is registered as a 脱贫户.
    register_as_lifted(&store, in_id, inside).await;
    let out_id = household_id(&store, &admin, &outside.household.household_no).await;
    start_industry(&store, &admin, in_id).await;
    start_industry(&store, &admin, out_id).await;
    let at = |t: &str| {
        let mut st = AppState::demo(store.clone(), "unused");
        st.clock =
            fangpin_server::Clock::fixed(chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc());
        st
    };
    let spring = "2024-04-01T10:00:00+08:00";
    let call = async |who: &Client, method: &str, uri: String, body: Value| {
        let (status, r, _, _) = send_to(at(spring), who, method, &uri, Some(body), true).await;
        (status, r)
    };
    let awards_of = async |hid: i64| {
        let (_, view, _, _) = send(
            &store,
            &admin,
            "GET",
            &format!("/api/households/{hid}/funds"),
            None,
            false,
        )
        .await;
        view["awards"].clone()
    };
    let award = |fen: i64| json!({"year": 2024, "project": "柑橘种植", "amount_fen": fen});
    let (status, r) = call(
        &admin,
        "POST",
        format!("/api/households/{in_id}/awards"),
        award(150_000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let in_award = r["id"].as_i64().unwrap();
    let (status, r) = call(
        &admin,
        "POST",
        format!("/api/households/{out_id}/awards"),
        award(100_000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let out_award = r["id"].as_i64().unwrap();
    let fix = |fen: i64, revision: i64| json!({"revision": revision, "year": 2024, "project": "柑橘种植", "amount_fen": fen});

    // An inspector may not write; another village's award does not exist
    // for the operator. Nothing changes.
    let before = (awards_of(in_id).await, awards_of(out_id).await);
    let uri = format!("/api/funds/awards/{in_award}");
    let (status, _) = call(&inspector, "PATCH", uri.clone(), fix(160_000, 0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &inspector,
        "POST",
        format!("{uri}/withdraw"),
        json!({"revision": 0, "reason": "误录"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &operator,
        "PATCH",
        format!("/api/funds/awards/{out_award}"),
        fix(90_000, 0),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Above the yearly cap: refused with what was granted and what remains.
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(210_000, 0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r["message"],
        "2024年到户产业奖补每户不超过2000.00元：本户已获0.00元，还可申请2000.00元，本次2100.00元超出上限"
    );
    assert_eq!(
        (awards_of(in_id).await, awards_of(out_id).await),
        before,
        "refused edits change nothing"
    );
    assert_eq!(before.0[0]["amount_fen"], 150_000);

    // Within the cap: accepted by the village's operator; the same old page
    // again is stale.
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(190_000, 0)).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["revision"], 1);
    let (status, r) = call(&operator, "PATCH", uri.clone(), fix(200_000, 0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["message"], "产业奖补已被他人修改，请刷新后再试");
    let now = awards_of(in_id).await;
    assert_eq!(
        (now[0]["amount_fen"].clone(), now[0]["revision"].clone()),
        (json!(190_000), json!(1))
    );
    let (status, r) = call(
        &operator,
        "POST",
        format!("{uri}/withdraw"),
        json!({"revision": 1, "reason": "项目未实施"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(awards_of(in_id).await[0]["status_label"], "已撤销");

    // A loan with a repayment keeps its schedule until the repayment is undone.
    let worker = inside
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(on)))
        .unwrap();
    let terms = json!({
        "bank": "邮储银行丰都支行", "amount_fen": 2_000_000, "term_months": 12,
        "issued_on": "2024-01-10", "annual_rate": "3.45", "method": "interest_quarterly",
        "subsidy_rate": "3.45"
    });
    let mut body = terms.clone();
    body["borrower_no"] = json!(worker.person_no);
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/households/{in_id}/loans"),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let loan = r["id"].as_i64().unwrap();
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/funds/loans/{loan}/repayments"),
        json!({"paid_on": "2024-03-30", "amount_fen": 10_000}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let repayment = r["id"].as_i64().unwrap();
    let mut bigger = terms.clone();
    bigger["amount_fen"] = json!(2_500_000);
    bigger["revision"] = json!(1);
    let (status, r) = call(
        &operator,
        "PATCH",
        format!("/api/funds/loans/{loan}"),
        bigger.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("该笔贷款已登记1笔还款共100.00元"),
        "{r}"
    );
    let (status, _) = call(
        &inspector,
        "POST",
        format!("/api/funds/loans/{loan}/repayments/{repayment}/undo"),
        json!({"revision": 1, "reason": "录错"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, r) = call(
        &operator,
        "POST",
        format!("/api/funds/loans/{loan}/repayments/{repayment}/undo"),
        json!({"revision": 1, "reason": "录错"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    bigger["revision"] = r["revision"].clone();
    let (status, r) = call(
        &operator,
        "PATCH",
        format!("/api/funds/loans/{loan}"),
        bigger,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (_, d, _, _) = send_to(
        at(spring),
        &admin,
        "GET",
        &format!("/api/funds/loans/{loan}"),
        None,
        false,
    )
    .await;
    assert_eq!(d["loan"]["amount_fen"], 2_500_000);
    assert!(d["repayments"].as_array().unwrap().is_empty());

    let (_, doc, _) = get_public(&store, "/api/openapi.json").await;
    for p in [
        "/api/funds/awards/{id}/withdraw",
        "/api/funds/loans/{id}/repayments/{repayment}/undo",
        "/api/funds/posts/{id}/end",
        "/api/funds/jobs/{id}/end",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is documented");
    }
    assert!(doc["paths"]["/api/funds/awards/{id}"]["patch"].is_object());
}
