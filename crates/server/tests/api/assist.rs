//! Assistance: cadres, pairing, plans, measures and the measure checks.

use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_store::{Access, Actor, HouseholdBundle, NewUser, Store};
use serde_json::{Value, json};

use crate::common::{PW, chrono_day, demo, login, on_fixed_day, send, send_to};

fangpin_store::dual_backend_tests!(assistance_through_the_api, measure_rules_through_the_api);

/// A cadre named, paired, a plan and a measure added and completed through
/// the API; the 工作台 lists the monitored households still waiting for one.
async fn assistance_through_the_api(store: Store) {
    let bundles = demo(&store, 300).await;
    let village = bundles[0].household.area;
    let county = Access::system(AreaCode::parse("500230").unwrap());
    // A household of the village becomes a monitored one identified in 2026-05.
    let b = bundles
        .iter()
        .find(|b| b.household.area == village && b.household.monitor_category.is_none())
        .unwrap();
    let id = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    let mut d = store.household(&county, id).await.unwrap();
    d.household.monitor_category = Some("1".into());
    d.household.risks = vec!["01".into()];
    d.household.risk_eliminated = Some(false);
    d.household.identified_month = Some("202605".parse().unwrap());
    store
        .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
        .await
        .unwrap();
    let cunji = login(&store, "cunji").await;
    let call = async |method: &str, uri: &str, body: Option<Value>| {
        let (status, v, _, _) =
            send_to(on_fixed_day(&store), &cunji, method, uri, body, true).await;
        (status, v)
    };
    // Identified 2026-05 (clock from 05-01): 劳动节 is off until 05-05 and
    // Saturday 05-09 is worked, so the 10th working day is 05-18; on 06-01
    // it is overdue (escalated) and on the 工作台.
    let (status, wb) = call("GET", "/api/workbench", None).await;
    assert_eq!(status, StatusCode::OK);
    let waiting = wb["responsible"].as_array().unwrap();
    let mine = waiting.iter().find(|r| r["household_id"] == id).unwrap();
    assert_eq!(mine["responsible_due"]["due"], "2026-05-18");
    assert_eq!(mine["responsible_due"]["urgency"], "escalated");

    let (status, e) = call(
        "POST",
        "/api/cadres",
        Some(json!({"name": "李明", "unit": "县农业农村委", "phone": "12", "area": village.as_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"].as_str().unwrap().starts_with("联系电话"),
        "{e}"
    );
    let (status, c) = call(
        "POST",
        "/api/cadres",
        Some(json!({"name": "李明", "unit": "县农业农村委", "position": "科员", "phone": "13912345678", "area": village.as_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let cadre = c["id"].as_i64().unwrap();
    let (_, list) = call("GET", "/api/cadres", None).await;
    assert_eq!(list["items"][0]["phone_masked"], "139****5678");
    assert!(!list.to_string().contains("13912345678"));
    // The full number: refused to the village, read (and audited) by the
    // county administrator.
    let phone_uri = format!("/api/cadres/{cadre}/phone");
    let (status, e) = call("POST", &phone_uri, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("查看完整证件号"),
        "{e}"
    );
    let admin = login(&store, "admin").await;
    let (status, e, _, _) = send(&store, &admin, "POST", &phone_uri, None, false).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the CSRF token is needed: {e}"
    );
    let (status, r, _, _) = send(&store, &admin, "POST", &phone_uri, None, true).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["phone"], "13912345678");
    let (_, audit) = store
        .audit_search(
            &fangpin_store::AuditFilter {
                action: Some("read_sensitive".into()),
                entity: Some("assist_cadre".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "admin");
    assert_eq!(audit[0].entity_key, Some(cadre.to_string()));

    let (status, p) = call(
        "POST",
        &format!("/api/households/{id}/responsible"),
        Some(json!({"cadre_id": cadre})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["from_on"], "2026-06-01");
    let (status, plan) = call(
        "PUT",
        &format!("/api/households/{id}/plan"),
        Some(json!({"goals": "发展养殖，落实医保资助"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    // The review: not by whoever wrote the plan, nor by the village; the
    // township's reviewer passes.
    let (status, e) = call(
        "PUT",
        &format!("/api/households/{id}/plan"),
        Some(json!({"goals": "发展养殖，落实医保资助", "reviewed": true, "revision": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(e["message"].as_str().unwrap().contains("本人"), "{e}");
    let review_uri = format!("/api/households/{id}/plan/review");
    let (status, e) = call("POST", &review_uri, Some(json!({"revision": 0}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("乡镇审核或县级审定"),
        "{e}"
    );
    let xiangzhen = login(&store, "xiangzhen").await;
    let (_, v, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "GET",
        &format!("/api/households/{id}/assistance"),
        None,
        false,
    )
    .await;
    assert_eq!(v["can_review"], true, "{v}");
    let (status, e, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["message"].as_str().unwrap().contains("revision"), "{e}");
    let (status, reviewed, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({"revision": 0})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    assert_eq!(reviewed["reviewed_on"], "2026-06-01");
    assert_eq!(reviewed["revision"], 1);
    let (status, e, _, _) = send_to(
        on_fixed_day(&store),
        &xiangzhen,
        "POST",
        &review_uri,
        Some(json!({"revision": 1})),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("已于2026-06-01审核"),
        "{e}"
    );
    let (status, m) = call(
        "POST",
        &format!("/api/households/{id}/measures"),
        Some(json!({"code": "JY01", "target_risk": "01", "started_on": "2026-06-01", "amount_fen": 60000})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    let (status, e) = call(
        "POST",
        &format!("/api/measures/{mid}/status"),
        Some(json!({"status": "planned"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "措施状态不能从“实施中”改为“计划”");
    let (status, done) = call(
        "POST",
        &format!("/api/measures/{mid}/status"),
        Some(json!({"status": "done", "evidence": "务工交通费补助发放花名册"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status_label"], "已完成");
    let (_, view) = call("GET", &format!("/api/households/{id}/assistance"), None).await;
    assert_eq!(view["responsible"]["name"], "李明");
    assert_eq!(view["responsible_due"], Value::Null);
    assert_eq!(view["plan"]["goals"], "发展养殖，落实医保资助");
    assert_eq!(view["plan"]["reviewed_on"], "2026-06-01");
    assert_eq!(view["can_review"], false);
    assert_eq!(view["measures"][0]["code"], "JY01");
    assert_eq!(view["measures"][0]["kind"], "开发式");
    let (_, wb) = call("GET", "/api/workbench", None).await;
    assert!(
        !wb["responsible"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_id"] == id)
    );
    let (_, rows) = call(
        "GET",
        &format!("/api/assist/households?area={}", village.as_string()),
        None,
    )
    .await;
    let row = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["responsible"], "李明");
    assert_eq!(row["measures"], 1);
    let (_, cat) = call("GET", "/api/assist/catalogue", None).await;
    assert!(cat["items"].as_array().unwrap().len() >= 30);
}

/// The §9 checks about measures, through the API as the village operator
/// sees them: each rule fails on a household and passes once it is mended.
async fn measure_rules_through_the_api(store: Store) {
    let bundles = demo(&store, 1000).await;
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let on = chrono_day(2026, 6, 1);
    let able = |b: &&HouseholdBundle| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && m.age_on(on) >= 18)
            && b.members.iter().all(|m| m.health != "3" && m.health != "4")
    };
    // The village with the most such households (none of them with a
    // disabled member), and an operator of it.
    let mut per_village = std::collections::BTreeMap::<AreaCode, usize>::new();
    for b in bundles.iter().filter(able) {
        *per_village.entry(b.household.area).or_default() += 1;
    }
    let village = per_village
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(a, _)| *a)
        .unwrap();
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "cunji2".into(),
                display_name: "村级经办".into(),
                password: PW.into(),
                role: "village_operator".into(),
                area: village,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let chosen: Vec<&HouseholdBundle> = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .filter(able)
        .take(3)
        .collect();
    assert_eq!(
        chosen.len(),
        3,
        "three households able to work in {village:?}"
    );
    let mut ids = Vec::new();
    for b in &chosen {
        let id = store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id;
        // Identified in 2026-04: more than a month before the fixed day.
        let mut d = store.household(&county, id).await.unwrap();
        d.household.monitor_category = Some("1".into());
        d.household.risks = vec!["01".into()];
        d.household.risk_eliminated = Some(false);
        d.household.identified_month = Some("202604".parse().unwrap());
        store
            .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
            .await
            .unwrap();
        ids.push(id);
    }
    let cunji = login(&store, "cunji2").await;
    let call = async |method: &str, uri: &str, body: Option<Value>| {
        let (status, v, _, _) =
            send_to(on_fixed_day(&store), &cunji, method, uri, body, true).await;
        (status, v)
    };
    let measure = async |id: i64, code: &str, fen: i64| {
        let (status, m) = call(
            "POST",
            &format!("/api/households/{id}/measures"),
            Some(json!({"code": code, "target_risk": "01", "started_on": "2026-04-20", "amount_fen": fen})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{code}: {m}");
    };
    let open_rules = async |id: i64| {
        let (status, v) = call("GET", &format!("/api/quality?household_id={id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let mut rules: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["rule"].as_str().unwrap().to_owned())
            .filter(|r| ["1_11_010", "1111_10", "L_disability_subsidy"].contains(&r.as_str()))
            .collect();
        rules.sort();
        rules
    };
    let [dev, travel, disab] = [ids[0], ids[1], ids[2]];

    // 1_11_010: able to work, identified two months ago, only a 保障 measure.
    measure(dev, "JK01", 32_000).await;
    assert_eq!(open_rules(dev).await, vec!["1_11_010"]);
    measure(dev, "CY01", 200_000).await;
    assert_eq!(open_rules(dev).await, Vec::<String>::new());

    // 1111_10: 外出务工交通补助 without an amount, then corrected with it.
    measure(travel, "JY01", 0).await;
    assert_eq!(open_rules(travel).await, vec!["1111_10"]);
    let (_, view) = call("GET", &format!("/api/households/{travel}/assistance"), None).await;
    let m = &view["measures"][0];
    let fix = |reason: &str, revision: &Value| {
        json!({"code": "JY01", "target_risk": "01", "started_on": m["started_on"],
               "amount_fen": 60_000, "reason": reason, "revision": revision})
    };
    let uri = format!("/api/measures/{}", m["id"]);
    let (status, e) = call("PATCH", &uri, Some(fix("", &m["revision"]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["message"].as_str().unwrap().contains("修改原因"), "{e}");
    assert_eq!(open_rules(travel).await, vec!["1111_10"]);
    let (status, fixed) = call("PATCH", &uri, Some(fix("金额漏填", &m["revision"]))).await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["amount"], 60_000);
    assert_eq!(open_rules(travel).await, Vec::<String>::new());

    // 残疾人两项补贴 in a household without a disabled member.
    measure(disab, "CY01", 100_000).await;
    measure(disab, "DD04", 120_000).await;
    assert_eq!(open_rules(disab).await, vec!["L_disability_subsidy"]);
    // Once the 残疾 assessment is recorded on a member, it passes.
    let mut d = store.household(&county, disab).await.unwrap();
    d.members[0].health = "3".into();
    store
        .update_household(
            &county,
            disab,
            d.household,
            d.members,
            d.incomes,
            "残疾鉴定",
        )
        .await
        .unwrap();
    assert_eq!(open_rules(disab).await, Vec::<String>::new());

    // Nobody under 16 holds a 公益性岗位: refused, and nothing is written.
    let child = bundles
        .iter()
        .flat_map(|b| b.members.iter().map(move |m| (b, m)))
        .find(|(b, m)| b.household.area == village && m.age_on(on) < 16 && m.age_on(on) >= 6)
        .map(|(b, m)| (b.household.household_no.clone(), m.person_no.clone()))
        .unwrap();
    let kid_household = store.household_by_no(&county, &child.0).await.unwrap().id;
    let post = |person: &str| {
        json!({"person_no": person, "post": "保洁员", "start_on": "2026-06-01",
               "end_on": "2026-12-31", "monthly_pay_fen": 50_000})
    };
    let (status, e) = call(
        "POST",
        &format!("/api/households/{kid_household}/posts"),
        Some(post(&child.1)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("公益性岗位人员应在16至65周岁之间"),
        "{e}"
    );
    let (_, funds) = call(
        "GET",
        &format!("/api/households/{kid_household}/funds"),
        None,
    )
    .await;
    assert_eq!(funds["posts"].as_array().map(Vec::len), Some(0), "{funds}");
    let adult = chosen[0]
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..60).contains(&m.age_on(on)))
        .unwrap();
    let (status, v) = call(
        "POST",
        &format!("/api/households/{dev}/posts"),
        Some(post(&adult.person_no)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
}
