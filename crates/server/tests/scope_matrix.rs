//! Every route of the router × every role × a household (and each kind of
//! record of a household) inside and outside the role's scope, on both
//! engines. The routes come from `fangpin_server::route_table()`, the table
//! the router itself is built from, so a new route is probed as soon as it
//! exists; a path parameter this test cannot fill fails it.
//!
//! What must hold for every route, method and role:
//! - a household or record outside the caller's scope answers exactly like
//!   one that does not exist (same status and error code), never 2xx;
//! - no answer ever contains the 户编号 of a household the caller may not
//!   see (lists, aggregates, documents, exports, errors);
//! - roles without `household.read` get 403 from household data routes;
//! - a household in scope is found (GET never answers 404).
//!
//! The 帮扶责任人 (`bang`) is paired with one household of the village:
//! that household is in scope, its neighbour in the same village is not.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{
    Answer, Client, add_user, demo, json_body, login, register_as_lifted, request,
    set_city_average, start_industry,
};
use fangpin_domain::assist::CadreForm;
use fangpin_domain::{AreaCode, HouseholdBundle};
use fangpin_server::{AppState, Clock, Guard, route_table};
use fangpin_store::{Access, Store};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{ExprTrait, Query};
use serde_json::{Value, json};

fangpin_store::dual_backend_tests!(every_route_keeps_to_the_callers_scope);

/// A number no record has.
const MISSING: i64 = 987_654_321;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-06-01T10:00:00+08:00")
        .unwrap()
        .to_utc()
}

fn state(store: &Store) -> AppState {
    let mut s = AppState::demo(store.clone(), "unused");
    s.clock = Clock::fixed(now());
    s
}

/// One household with one record of each kind.
#[derive(Clone, Debug)]
struct Target {
    household: i64,
    household_no: String,
    person_no: String,
    case: i64,
    visit: i64,
    photo: i64,
    measure: i64,
    loan: i64,
    repayment: i64,
    post: i64,
    award: i64,
    job: i64,
    report: i64,
    duplicate: i64,
}

impl Target {
    fn missing() -> Target {
        Target {
            household: MISSING,
            household_no: "不存在".into(),
            person_no: "01".into(),
            case: MISSING,
            visit: MISSING,
            photo: MISSING,
            measure: MISSING,
            loan: MISSING,
            repayment: MISSING,
            post: MISSING,
            award: MISSING,
            job: MISSING,
            report: MISSING,
            duplicate: MISSING,
        }
    }
}

/// Which of the three targets (in the village and paired, in the village,
/// in another township) each role may see, and whether it reads households.
fn visibility(user: &str) -> ([bool; 3], bool) {
    match user {
        "admin" | "shending" | "ducha" => ([true, true, true], true),
        "xiang" | "cun" => ([true, true, false], true),
        "bang" => ([true, false, false], true),
        _ => ([false, false, false], false),
    }
}

const USERS: [&str; 8] = [
    "admin", "shending", "xiang", "cun", "bang", "ducha", "yibao", "xitong",
];

async fn call(store: &Store, c: &Client, method: &str, uri: &str, body: Option<Value>) -> Answer {
    request(state(store), c, method, uri, json_body(body), true).await
}

/// Creates a record of each kind on household `id` through the API (as the
/// county administrator) or the store.
async fn target(
    store: &Store,
    admin: &Client,
    b: &HouseholdBundle,
    duplicate_of: Option<(i64, i64)>,
) -> Target {
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let id = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    // Loans and awards go to 脱贫户 (and, in 丰都 2024, 监测对象).
    register_as_lifted(store, id, b).await;
    // Awards go to households developing an industry (丰都 2024).
    start_industry(store, admin, id).await;
    let on = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let adult = b
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..60).contains(&m.age_on(on)))
        .expect("an adult able to work");
    let created = |a: Answer, what: &str| -> i64 {
        assert!(a.status.is_success(), "{what}: {} {}", a.status, a.json);
        a.json["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{what}: {}", a.json))
    };
    let h = |op: &str| format!("/api/households/{id}/{op}");
    let loan = created(
        call(
            store,
            admin,
            "POST",
            &h("loans"),
            Some(json!({
                "borrower_no": adult.person_no, "bank": "邮储银行丰都支行", "purpose": "养牛",
                "amount_fen": 2_000_000, "term_months": 36, "issued_on": "2026-03-15",
                "annual_rate": "3.45", "method": "interest_quarterly", "subsidy_rate": "3.45"
            })),
        )
        .await,
        "loan",
    );
    let repayment = created(
        call(
            store,
            admin,
            "POST",
            &format!("/api/funds/loans/{loan}/repayments"),
            Some(json!({"paid_on": "2026-05-20", "amount_fen": 1_000})),
        )
        .await,
        "repayment",
    );
    let post = created(
        call(
            store,
            admin,
            "POST",
            &h("posts"),
            Some(
                json!({"person_no": adult.person_no, "post": "保洁员", "start_on": "2026-06-01",
                        "end_on": "2026-12-31", "monthly_pay_fen": 50_000}),
            ),
        )
        .await,
        "post",
    );
    let award = created(
        call(
            store,
            admin,
            "POST",
            &h("awards"),
            Some(json!({"year": 2024, "project": "柑橘种植", "amount_fen": 50_000})),
        )
        .await,
        "award",
    );
    let job = created(
        call(
            store,
            admin,
            "POST",
            &h("jobs"),
            Some(
                json!({"person_no": adult.person_no, "year": 2024, "region": "省外",
                        "place": "广东东莞", "employer": "电子厂", "months": 8,
                        "income_fen": 3_600_000}),
            ),
        )
        .await,
        "job",
    );
    let measure = created(
        call(
            store,
            admin,
            "POST",
            &h("measures"),
            Some(json!({"code": "JY03", "target_risk": "01", "started_on": "2026-05-01"})),
        )
        .await,
        "measure",
    );
    let visit = common::visit_on(store, id, now()).await;
    // 1×1 PNG.
    let png: Vec<u8> = vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let photo = store
        .add_visit_photos(
            &county,
            visit,
            vec![fangpin_store::visits::PhotoUpload {
                file_name: "门前.png".into(),
                bytes: png,
            }],
            now(),
        )
        .await
        .unwrap()[0]
        .id;
    let case = common::lead_on(store, id, now()).await;
    let report = {
        let a = request(
            state(store),
            &Client::default(),
            "POST",
            "/api/public/self-reports",
            json_body(Some(json!({
                "name": "赵桂芳", "id_number": b.household.head_id.as_str(),
                "phone": "13512345678", "village": b.household.area.as_string(),
                "relation": "head", "hardship": "disaster",
                "description": "暴雨引发山体滑坡，房屋后墙倒塌。", "consent": true, "website": "",
            }))),
            false,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "report: {}", a.json);
        let f = fangpin_store::self_report::SelfReportFilter::default();
        let (_, rows) = store.self_reports(&county, &f, now()).await.unwrap();
        rows.iter()
            .find(|r| r.receipt_no == a.json["receipt_no"].as_str().unwrap())
            .unwrap()
            .id
    };
    // A pair in the duplicate queue between this household's head and the
    // given person (or itself): written directly, as a scan would.
    let person = |hid: i64| async move {
        let mut q = Query::select();
        q.columns(["id", "area_code"])
            .from("person")
            .and_where(sea_orm::sea_query::Expr::col("household_id").eq(hid))
            .limit(1);
        let r = store.connection().query_one(&q).await.unwrap().unwrap();
        (
            r.try_get::<i64>("", "id").unwrap(),
            r.try_get::<String>("", "area_code").unwrap(),
        )
    };
    let (pa, area_a) = person(id).await;
    let (pb, area_b) = match duplicate_of {
        Some((p, _)) => {
            let mut q = Query::select();
            q.column("area_code")
                .from("person")
                .and_where(sea_orm::sea_query::Expr::col("id").eq(p));
            let r = store.connection().query_one(&q).await.unwrap().unwrap();
            (p, r.try_get::<String>("", "area_code").unwrap())
        }
        None => (pa, area_a.clone()),
    };
    let mut ins = Query::insert();
    ins.into_table("duplicate_candidate")
        .columns([
            "person_a", "person_b", "area_a", "area_b", "rule", "status", "found_at",
        ])
        .values_panic([
            pa.into(),
            pb.into(),
            area_a.into(),
            area_b.into(),
            "same_name_birth".into(),
            "pending".into(),
            now().fixed_offset().into(),
        ])
        .returning_col("id");
    let duplicate = store
        .connection()
        .query_one(&ins)
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "id")
        .unwrap();
    Target {
        household: id,
        household_no: b.household.household_no.clone(),
        person_no: b.members[0].person_no.clone(),
        case,
        visit,
        photo,
        measure,
        loan,
        repayment,
        post,
        award,
        job,
        report,
        duplicate,
    }
}

/// The URI of `path` for target `t`, or `None` when the path names no
/// household record (then `t` does not matter). Panics on a parameter this
/// test does not know: a new kind of route needs a probe here.
fn fill(path: &str, t: &Target, fixed: &Fixed) -> (String, bool) {
    let record = |p: &str| -> Option<i64> {
        let rules: [(&str, i64); 13] = [
            ("/api/households/{id}", t.household),
            ("/api/print/cards/{id}", t.household),
            ("/api/cases/{id}", t.case),
            ("/api/print/minutes/{id}", t.case),
            ("/api/visits/{id}", t.visit),
            ("/api/measures/{id}", t.measure),
            ("/api/funds/loans/{id}", t.loan),
            ("/api/funds/posts/{id}", t.post),
            ("/api/funds/awards/{id}", t.award),
            ("/api/funds/jobs/{id}", t.job),
            ("/api/self-reports/{id}", t.report),
            ("/api/duplicates/{id}", t.duplicate),
            ("/api/campaigns/{id}", fixed.campaign),
        ];
        rules
            .iter()
            .find(|(prefix, _)| p.starts_with(prefix))
            .map(|(_, id)| *id)
    };
    let mut uri = path.to_owned();
    let mut keyed = false;
    if uri.contains("{id}") {
        let id = if let Some(id) = record(path) {
            keyed = !path.starts_with("/api/campaigns/");
            id
        } else if path.starts_with("/api/cadres/") {
            fixed.cadre
        } else if path.starts_with("/api/imports/") || path.starts_with("/api/tokens/") {
            0
        } else {
            panic!("no probe for the {{id}} of {path}: add it to this test");
        };
        uri = uri.replace("{id}", &id.to_string());
    }
    for (param, value) in [
        ("{photo}", t.photo.to_string()),
        ("{repayment}", t.repayment.to_string()),
        ("{rid}", t.repayment.to_string()),
        ("{person_no}", t.person_no.clone()),
        ("{code}", fixed.village.clone()),
        ("{area}", fixed.village.clone()),
        ("{year}", "2024".to_owned()),
        ("{key}", "monitoring_line".to_owned()),
        ("{list}", "relation".to_owned()),
    ] {
        uri = uri.replace(param, &value);
    }
    assert!(!uri.contains('{'), "no probe for a parameter of {path}");
    (uri, keyed)
}

/// Query strings that lists and documents need to answer with data.
fn query_of(path: &str) -> &'static str {
    match path {
        "/api/areas/{code}/employment"
        | "/api/funds/zero-employment"
        | "/api/funds/employment-scale" => "?year=2024",
        "/api/print/notice" => "?kind=identification",
        "/api/households/{id}/diff" => "?from=1&to=1",
        "/api/households/{id}/award-room" => "?year=2024",
        "/api/print/announcement" => "?from=2026-01-01&until=2026-12-31",
        "/api/exports" => "?format=csv",
        "/api/households" | "/api/visits" | "/api/cases" | "/api/audit" => "?page_size=200",
        _ => "",
    }
}

struct Fixed {
    village: String,
    campaign: i64,
    cadre: i64,
}

async fn every_route_keeps_to_the_callers_scope(store: Store) {
    let bundles = demo(&store, 300).await;
    let on = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let able = |b: &&HouseholdBundle| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && (18..60).contains(&m.age_on(on)))
    };
    // The village with the most households able to work, with a township
    // reviewer, a village operator and a 帮扶责任人 of its own.
    let mut per_village: BTreeMap<AreaCode, Vec<&HouseholdBundle>> = BTreeMap::new();
    for b in bundles.iter().filter(able) {
        per_village.entry(b.household.area).or_default().push(b);
    }
    let (village, list) = per_village
        .into_iter()
        .max_by_key(|(_, l)| l.len())
        .unwrap();
    let township = village.parent().unwrap();
    add_user(&store, "xiang", "township_reviewer", township).await;
    add_user(&store, "cun", "village_operator", village).await;
    add_user(&store, "bang", "assistance_cadre", village).await;
    let (paired_b, neighbour_b) = (list[0], list[1]);
    let other_b = bundles
        .iter()
        .filter(|b| b.household.area.parent() != Some(township))
        .find(able)
        .unwrap();
    let admin = login(&store, "admin").await;
    set_city_average(&store, &admin).await;
    let paired = target(&store, &admin, paired_b, None).await;
    let neighbour = target(&store, &admin, neighbour_b, None).await;
    // The outside household's duplicate pairs it with the paired one's head,
    // so that the queue entry crosses scopes.
    let other = target(&store, &admin, other_b, None).await;
    let targets = [paired, neighbour, other];

    // bangfu's cadre entry, paired with the first household only.
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let cadre = store
        .create_cadre(
            &county,
            &CadreForm {
                name: "李明".into(),
                unit: "县农业农村委".into(),
                position: "科员".into(),
                phone: "13812345678".into(),
                area: village.as_string(),
                active: Some(true),
                username: "bang".into(),
            },
            now(),
        )
        .await
        .unwrap();
    // Only monitored households get a 帮扶责任人.
    let mut d = store
        .household(&county, targets[0].household)
        .await
        .unwrap();
    d.household.monitor_category = Some("1".into());
    d.household.risks = vec!["01".into()];
    d.household.risk_eliminated = Some(false);
    d.household.identified_month = Some("202601".parse().unwrap());
    store
        .update_household(
            &county,
            targets[0].household,
            d.household,
            d.members,
            d.incomes,
            "纳入监测",
        )
        .await
        .unwrap();
    store
        .pair(&county, targets[0].household, cadre, on, now())
        .await
        .unwrap();
    let form = fangpin_domain::visits::CampaignForm {
        name: "集中排查".into(),
        kind: "sweep".into(),
        area: township.as_string(),
        from: "2026-05-01".into(),
        until: "2026-07-31".into(),
        targets: vec!["all".into()],
    };
    let campaign = store.create_campaign(&county, &form, now()).await.unwrap();
    let fixed = Fixed {
        village: village.as_string(),
        campaign,
        cadre,
    };
    let missing = Target::missing();

    let table = route_table();
    assert!(table.len() > 90, "the table holds every route");
    let mut probed: BTreeMap<&str, usize> = BTreeMap::new();
    for user in USERS {
        let c = login(&store, user).await;
        let (sees, reads) = visibility(user);
        let hidden: Vec<&str> = targets
            .iter()
            .zip(sees)
            .filter(|(_, s)| !s)
            .map(|(t, _)| t.household_no.as_str())
            .collect();
        let no_leak = |a: &Answer, what: &str| {
            let text = String::from_utf8_lossy(&a.bytes);
            for no in &hidden {
                assert!(
                    !text.contains(no),
                    "{user} {what}: the answer names household {no} outside the scope: {text:.300}"
                );
            }
        };
        for spec in &table {
            let guard = spec.guard;
            if matches!(guard, Guard::Public | Guard::Session) {
                // No household data: a GET must name none the caller
                // cannot see; state-changing session routes (log out,
                // password) are not probed here.
                let (uri, _) = fill(spec.path, &missing, &fixed);
                let a = call(&store, &c, "GET", &uri, None).await;
                no_leak(&a, &format!("GET {uri}"));
                *probed.entry(spec.path).or_default() += 1;
                continue;
            }
            for method in ["GET", "POST", "PUT", "PATCH"] {
                let body = (method != "GET").then(|| json!({}));
                let (missing_uri, keyed) = fill(spec.path, &missing, &fixed);
                let query = if method == "GET" {
                    query_of(spec.path)
                } else {
                    ""
                };
                let nothing = call(
                    &store,
                    &c,
                    method,
                    &format!("{missing_uri}{query}"),
                    body.clone(),
                )
                .await;
                if nothing.status == StatusCode::METHOD_NOT_ALLOWED {
                    continue;
                }
                *probed.entry(spec.path).or_default() += 1;
                no_leak(&nothing, &format!("{method} {missing_uri}"));
                for (t, visible) in targets.iter().zip(sees) {
                    let (uri, _) = fill(spec.path, t, &fixed);
                    let uri = format!("{uri}{query}");
                    let a = call(&store, &c, method, &uri, body.clone()).await;
                    no_leak(&a, &format!("{method} {uri}"));
                    if keyed && !visible {
                        assert_eq!(
                            (a.status, &a.json["code"]),
                            (nothing.status, &nothing.json["code"]),
                            "{user} {method} {uri}: outside the scope must answer like a missing record: {}",
                            a.json
                        );
                        assert!(!a.status.is_success(), "{user} {method} {uri}");
                    }
                    if keyed && visible && method == "GET" {
                        assert_ne!(
                            a.status,
                            StatusCode::NOT_FOUND,
                            "{user} GET {uri}: in scope: {}",
                            a.json
                        );
                    }
                    // The system administrator (维护参数, no household
                    // reads) opens the 工作台 for its setup list only.
                    let setup_only = user == "xitong" && uri == "/api/workbench";
                    if method == "GET"
                        && !reads
                        && !setup_only
                        && matches!(guard, Guard::Household | Guard::Record | Guard::Scoped)
                    {
                        assert_eq!(
                            a.status,
                            StatusCode::FORBIDDEN,
                            "{user} GET {uri}: {}",
                            a.json
                        );
                    }
                    if !keyed {
                        // Not keyed by these targets: one call is enough.
                        break;
                    }
                }
            }
        }
    }
    let unprobed: Vec<&str> = table
        .iter()
        .map(|s| s.path)
        .filter(|p| !probed.contains_key(p))
        .collect();
    assert!(unprobed.is_empty(), "routes never probed: {unprobed:?}");
}
