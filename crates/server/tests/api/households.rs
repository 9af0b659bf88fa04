//! Household list, detail with its income assessment, history, and writes with reasons.

use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_store::{Access, Store};
use serde_json::{Value, json};

use crate::common::{Client, demo, get, household_id, login, send};

fangpin_store::dual_backend_tests!(
    household_list_is_paginated_and_masked,
    household_detail_explains_income_against_the_line,
    history_as_of_and_diff_routes,
    households_are_written_through_the_api_with_reasons,
    member_changes_through_the_api,
);

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

async fn history_as_of_and_diff_routes(store: Store) {
    let mut bundles = demo(&store, 5).await;
    let admin = login(&store, "admin").await;
    let (_, page, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/households?page_size=1",
        None,
        false,
    )
    .await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let no = page["items"][0]["household_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = bundles
        .iter_mut()
        .find(|b| b.household.household_no == no)
        .unwrap();
    b.household.phone = Some("13911112222".into());
    store
        .import_households(
            &Access::system(AreaCode::parse("500230").unwrap()),
            "更正电话",
            &[],
            std::slice::from_ref(b),
            false,
        )
        .await
        .unwrap();
    let (status, h, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/history"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["reason"], "更正电话");
    assert!(
        items[1]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "户.phone")
    );
    let (status, d, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}/diff?from=1&to=2"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["items"], items[1]["changes"]);
    // Dates are China Standard Time days.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let (status, now, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}?as_of={today}"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(now["version"], 2);
    assert_eq!(now["household"]["phone"], "139****2222");
    let (status, _, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}?as_of=2001-01-01"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not yet registered then");
}

async fn households_are_written_through_the_api_with_reasons(store: Store) {
    let bundles = demo(&store, 30).await;
    let admin = login(&store, "admin").await;
    let b = bundles.iter().find(|b| b.members.len() >= 2).unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    let mut h = serde_json::to_value(&b.household).unwrap();
    h["phone"] = json!("13700001234");
    let body = json!({
        "household": h,
        "members": b.members,
        "incomes": b.incomes,
        "reason": "电话变更",
    });
    let (status, r, _, _) = send(
        &store,
        &admin,
        "PUT",
        &format!("/api/households/{id}"),
        Some(body.clone()),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["changes"], json!(["phone"]));

    // Out of scope for the village operator: not found.
    let cun = login(&store, "cunji").await;
    if b.household.area.as_string()
        != store
            .user_by_username("cunji")
            .await
            .unwrap()
            .unwrap()
            .area
            .code
    {
        let (status, _, _, _) = send(
            &store,
            &cun,
            "PUT",
            &format!("/api/households/{id}"),
            Some(body.clone()),
            true,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    let leaver = b.members.last().unwrap();
    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        &format!("/api/households/{id}/members/{}/remove", leaver.person_no),
        Some(json!({"reason": "迁出", "note": "外嫁"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{r}");
    let reasons = history_reasons(&store, &admin, id).await;
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons[1], "电话变更");
    assert!(reasons[2].contains("（迁出）"));

    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        "/api/households",
        Some(json!({"household": {"household_no": "1"}, "members": [], "reason": "x"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        r["message"].as_str().unwrap().starts_with("请求内容无效"),
        "{r}"
    );

    // A lead without its household names the missing field in Chinese.
    let (status, r, _, _) = send(
        &store,
        &admin,
        "POST",
        "/api/cases",
        Some(json!({"channel": "hotline", "summary": "来电"})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("缺少字段 household_id"), "{r}");
}

/// The reasons of a household's versions, oldest first.
async fn history_reasons(store: &Store, client: &Client, id: i64) -> Vec<String> {
    let (status, h, _, _) = send(
        store,
        client,
        "GET",
        &format!("/api/households/{id}/history"),
        None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["reason"].as_str().unwrap().to_owned())
        .collect()
}

/// 新增成员, 户主变更, 分户 and 合户 through the API, each with its reason.
async fn member_changes_through_the_api(store: Store) {
    let bundles = demo(&store, 40).await;
    let admin = login(&store, "admin").await;
    let b = bundles.iter().find(|b| b.members.len() >= 3).unwrap();
    let id = household_id(&store, &admin, &b.household.household_no).await;
    let post = |uri: String, body: Value| {
        let store = store.clone();
        let admin = admin.clone();
        async move {
            let (status, r, _, _) = send(&store, &admin, "POST", &uri, Some(body), true).await;
            (status, r)
        }
    };

    // 新增成员: a newborn; the reason must be one of the list.
    let first17 = format!("{}20240601{:03}", &b.household.area.as_string()[..6], 338);
    let check = fangpin_domain::id_number::check_digit(first17.as_bytes()) as char;
    let id_number = fangpin_domain::IdNumber::parse(&format!("{first17}{check}")).unwrap();
    let mut baby =
        fangpin_domain::household::Person::from_id("", "新生儿乙", id_number, "40", "01");
    baby.health = "1".into();
    baby.labor_skill = "5".into();
    let (status, r) = post(
        format!("/api/households/{id}/members"),
        json!({"person": baby, "reason": "出生"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert!(r["message"].as_str().unwrap().contains("新增原因"), "{r}");
    let (status, r) = post(
        format!("/api/households/{id}/members"),
        json!({"person": baby, "reason": "新生儿"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert!(
        r["person_no"]
            .as_str()
            .unwrap()
            .starts_with(&b.household.household_no)
    );

    // 户主变更 to a non-member is refused; to a member it works.
    let (status, r) = post(
        format!("/api/households/{id}/head"),
        json!({"person_no": "nobody", "reason": "户主去世"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert!(r["message"].as_str().unwrap().contains("新户主"), "{r}");
    let heir = b.members.iter().find(|m| m.relation != "01").unwrap();
    let (status, r) = post(
        format!("/api/households/{id}/head"),
        json!({"person_no": heir.person_no, "reason": "户主去世"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(
        r["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["person_no"] == heir.person_no.as_str() && x["relation"] == "01")
    );
    let (_, d, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households/{id}"),
        None,
        false,
    )
    .await;
    assert_eq!(d["household"]["head_name"], heir.name.as_str());

    // 分户: the new member leaves with one other (not the head).
    let leaving: Vec<String> = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["relation"] != "01")
        .take(2)
        .map(|m| m["person_no"].as_str().unwrap().to_owned())
        .collect();
    let (status, r) = post(
        format!("/api/households/{id}/split"),
        json!({"members": leaving, "head": leaving[0], "reason": "成家分户"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let new_id = r["id"].as_i64().unwrap();
    let new_no = r["household_no"].as_str().unwrap().to_owned();

    // 合户: the new household joins back; it leaves the list, keeps history.
    let (status, r) = post(
        format!("/api/households/{id}/merge"),
        json!({"other_id": new_id, "head_relation": "20", "reason": "重新合户"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["relations"].as_array().unwrap().len(), 2);
    let (_, list, _, _) = send(
        &store,
        &admin,
        "GET",
        &format!("/api/households?q={new_no}"),
        None,
        false,
    )
    .await;
    assert_eq!(list["total"], 0, "{list}");
    let reasons = history_reasons(&store, &admin, new_id).await;
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("分户：") && reasons[1].starts_with("合户："));
    let reasons = history_reasons(&store, &admin, id).await;
    assert_eq!(
        reasons.len(),
        5,
        "建档, 新增, 户主, 分户, 合户: {reasons:?}"
    );
}
