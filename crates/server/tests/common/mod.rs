//! What the HTTP tests share: a logged-in client, one request through the
//! whole application, the demo county with a user of each role, and the
//! shorthands of the API tests (tests/api).
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_server::{AppState, app};
use fangpin_store::{Access, Actor, HouseholdBundle, NewUser, Store, settings};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The password of every test user.
pub const PW: &str = "Abcdefg123";

/// A logged-in browser: session cookie and CSRF token.
#[derive(Clone, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

/// An answer: status, headers, the body as bytes, and as JSON (a string of
/// the body when it is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub json: Value,
}

/// One request through the application: the client's cookie, its CSRF
/// token when `csrf`, and a body of the given content type.
pub async fn request(
    state: AppState,
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<(&str, Vec<u8>)>,
    csrf: bool,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = &client.cookie {
        req = req.header("cookie", c.as_str());
    }
    if csrf && let Some(t) = &client.csrf {
        req = req.header("x-csrf-token", t.as_str());
    }
    let req = match body {
        Some((ctype, bytes)) => req.header("content-type", ctype).body(Body::from(bytes)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let resp = app(state).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    let json = if content_type.starts_with("application/json") {
        serde_json::from_slice(&bytes).unwrap()
    } else {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    };
    Answer {
        status,
        headers,
        content_type,
        bytes,
        json,
    }
}

/// A JSON body for [`request`].
pub fn json_body(v: Option<Value>) -> Option<(&'static str, Vec<u8>)> {
    v.map(|b| ("application/json", b.to_string().into_bytes()))
}

/// Logs `username` in; the session cookie must be HttpOnly and strict.
pub async fn login(store: &Store, username: &str) -> Client {
    let a = request(
        AppState::demo(store.clone(), "unused"),
        &Client::default(),
        "POST",
        "/api/auth/login",
        json_body(Some(json!({"username": username, "password": PW}))),
        false,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "login {username}: {}", a.json);
    let set = a
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    Client {
        cookie: Some(set.split(';').next().unwrap().to_owned()),
        csrf: a.json["csrf_token"].as_str().map(str::to_owned),
    }
}

/// Adds a user of a seeded role over `area`, with [`PW`].
pub async fn add_user(store: &Store, username: &str, role: &str, area: AreaCode) {
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: username.into(),
                display_name: username.into(),
                password: PW.into(),
                role: role.into(),
                area,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
}

/// The demo county of `n` households (丰都, seed 5) with a user of each
/// role: `admin`, `shending`, `ducha`, `yibao`, `xitong` over the county,
/// `xiangzhen` over the first household's township, `cunji` and `bangfu`
/// over its village.
pub async fn demo(store: &Store, n: u32) -> Vec<HouseholdBundle> {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(5, n);
    let lay = layout(&cfg);
    let actor = Actor::system("测试");
    store.insert_areas(&actor, &lay.areas).await.unwrap();
    store
        .insert_village_groups(&actor, &lay.groups)
        .await
        .unwrap();
    let bundles: Vec<_> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .insert_households(&Access::system(cfg.county), "测试", &bundles)
        .await
        .unwrap();
    for (key, value) in [
        (settings::COUNTY_CODE, "500230000000"),
        (settings::COUNTY_NAME, "丰都县"),
        (settings::DEMO, "true"),
        (settings::DATA_YEAR, "2024"),
    ] {
        store.set_setting(&actor, key, value).await.unwrap();
    }
    let county = AreaCode::parse("500230").unwrap();
    let village = bundles[0].household.area;
    let township = village.parent().unwrap();
    for (name, role, area) in [
        ("admin", "county_admin", county),
        ("shending", "county_approver", county),
        ("xiangzhen", "township_reviewer", township),
        ("cunji", "village_operator", village),
        ("bangfu", "assistance_cadre", village),
        ("yibao", "dept_officer", county),
        ("ducha", "inspector", county),
        ("xitong", "sys_admin", county),
    ] {
        add_user(store, name, role, area).await;
    }
    bundles
}

/// A visit that found illness on household `id`, recorded by the system
/// (so that any role's view of it can be probed); returns its id.
pub async fn visit_on(store: &Store, id: i64, now: chrono::DateTime<chrono::Utc>) -> i64 {
    store
        .record_visit(
            &Access::system(AreaCode::parse("500230").unwrap()),
            fangpin_store::visits::VisitInput {
                household_id: id,
                form: fangpin_domain::visits::VisitForm {
                    date: None,
                    kind: "home".into(),
                    findings: "户主患病住院".into(),
                    flags: vec!["illness".into()],
                    risk_found: true,
                },
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap()
}

/// A lead (干部排查) opened on household `id` by the system; returns the case.
pub async fn lead_on(store: &Store, id: i64, now: chrono::DateTime<chrono::Utc>) -> i64 {
    store
        .open_lead(
            &Access::system(AreaCode::parse("500230").unwrap()),
            fangpin_store::monitor::NewLead {
                household_id: id,
                channel: fangpin_domain::monitor::workflow::Channel::CadreVisit,
                green_channel: false,
                summary: "入户排查发现".into(),
                reporter: None,
                evidence: None,
            },
            now,
        )
        .await
        .unwrap()
}

/// A member to add: the person with `id_number` (name and birth from it),
/// healthy and able to work, under a new 人口编号.
pub fn newcomer(
    name: &str,
    id_number: fangpin_domain::IdNumber,
) -> fangpin_domain::household::Person {
    let mut p = fangpin_domain::household::Person::from_id("", name, id_number, "99", "01");
    p.health = "1".into();
    p.labor_skill = "1".into();
    p
}

// Shorthands of the API tests (tests/api): a request as a demo server
// answers it, GETs as the public and as the county administrator, the
// server on a fixed day, and fixtures several features use.

pub async fn send(
    store: &Store,
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
    csrf: bool,
) -> (StatusCode, Value, String, axum::http::HeaderMap) {
    let state = AppState::demo(store.clone(), "unused");
    send_to(state, client, method, uri, body, csrf).await
}

/// The demo server with its clock fixed at 10:00 China time on 2026-06-01,
/// for answers that depend on the day.
pub fn on_fixed_day(store: &Store) -> AppState {
    let mut state = AppState::demo(store.clone(), "unused");
    state.clock = fangpin_server::Clock::fixed(fixed_now());
    state
}

pub fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-06-01T10:00:00+08:00")
        .unwrap()
        .to_utc()
}

pub async fn send_to(
    state: AppState,
    client: &Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
    csrf: bool,
) -> (StatusCode, Value, String, axum::http::HeaderMap) {
    let a = request(state, client, method, uri, json_body(body), csrf).await;
    (a.status, a.json, a.content_type, a.headers)
}

/// GET without logging in.
pub async fn get_public(store: &Store, uri: &str) -> (StatusCode, Value, String) {
    let (s, b, c, _) = send(store, &Client::default(), "GET", uri, None, false).await;
    (s, b, c)
}

/// GET as the county administrator.
pub async fn get(store: &Store, uri: &str) -> (StatusCode, Value, String) {
    let admin = login(store, "admin").await;
    let (s, b, c, _) = send(store, &admin, "GET", uri, None, false).await;
    (s, b, c)
}

/// A monitored household and a freshly opened case on another household,
/// both in an area that `pick` accepts: (household id, case id).
pub async fn print_targets(
    store: &Store,
    bundles: &[HouseholdBundle],
    pick: impl Fn(AreaCode) -> bool,
) -> (i64, i64) {
    let county = Access::system(AreaCode::parse("500230").unwrap());
    let mut plain = bundles
        .iter()
        .filter(|b| pick(b.household.area) && b.household.monitor_category.is_none());
    let id_of = async |b: Option<&HouseholdBundle>| {
        let no = &b.expect("households in the area").household.household_no;
        store.household_by_no(&county, no).await.unwrap().id
    };
    let plain_id = id_of(plain.next()).await;
    let monitored = match bundles
        .iter()
        .find(|b| pick(b.household.area) && b.household.monitor_category.is_some())
    {
        Some(b) => id_of(Some(b)).await,
        None => {
            // None in the area yet: the next household becomes one.
            let id = id_of(plain.next()).await;
            let mut d = store.household(&county, id).await.unwrap();
            d.household.monitor_category = Some("1".into());
            d.household.risks = vec!["01".into()];
            d.household.risk_eliminated = Some(false);
            d.household.identified_month = Some("202601".parse().unwrap());
            store
                .update_household(&county, id, d.household, d.members, d.incomes, "纳入监测")
                .await
                .unwrap();
            id
        }
    };
    let plain = plain_id;
    let lead = fangpin_store::monitor::NewLead {
        household_id: plain,
        channel: fangpin_domain::monitor::workflow::Channel::CadreVisit,
        green_channel: false,
        summary: "入户排查发现".into(),
        reporter: None,
        evidence: None,
    };
    let case = store.open_lead(&county, lead, fixed_now()).await.unwrap();
    (monitored, case)
}

/// The id of the household with 户编号 `no`, found through the list.
pub async fn household_id(store: &Store, client: &Client, no: &str) -> i64 {
    let (_, page, _, _) = send(
        store,
        client,
        "GET",
        &format!("/api/households?q={no}"),
        None,
        false,
    )
    .await;
    page["items"][0]["id"].as_i64().unwrap()
}

/// A valid ID number nobody in the demo registry has.
pub const STRANGER_ID: &str = "11010519491231002X";

pub fn report_form(village: &str, id_number: &str) -> Value {
    json!({
        "name": "赵桂芳",
        "id_number": id_number,
        "phone": "13512345678",
        "village": village,
        "relation": "member",
        "hardship": "disaster",
        "description": "暴雨引发山体滑坡，房屋后墙倒塌，全家暂住亲戚家。",
        "consent": true,
        "website": "",
    })
}

/// Files a report without a session (from no address) and returns its id.
pub async fn public_report(store: &Store, village: &str) -> i64 {
    let (status, r, _, _) = send(
        store,
        &Client::default(),
        "POST",
        "/api/public/self-reports",
        Some(report_form(village, STRANGER_ID)),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let f = fangpin_store::self_report::SelfReportFilter::default();
    let (_, rows) = store
        .self_reports(&system, &f, chrono::Utc::now())
        .await
        .unwrap();
    rows.iter()
        .find(|row| row.receipt_no == r["receipt_no"].as_str().unwrap())
        .unwrap()
        .id
}

pub fn chrono_day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The households 丰都 2024 lends to and rewards: 脱贫户 and 监测对象
/// (sources/003, 八 and 十).
pub fn eligible(bundles: Vec<HouseholdBundle>) -> Vec<HouseholdBundle> {
    bundles
        .into_iter()
        .filter(|b| b.household.is_lifted_out() || b.household.is_monitored())
        .collect()
}

/// The county administrator sets 丰都's 2024 全市平均水平 for the awards'
/// income test through the API (the sources give no number: 100,000 元 is a
/// test value above every demo income).
pub async fn set_city_average(store: &Store, admin: &Client) {
    let (status, r, _, _) = send(
        store,
        admin,
        "PUT",
        "/api/params/industry_award_income_below/500230000000/2024",
        Some(json!({
            "value": {"type": "money", "value": 10_000_000},
            "confidence": "unconfirmed",
            "note": "测试用",
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["items"][0]["scope"], "500230000000", "{r}");
}

/// Records a 产业帮扶 measure (庭院经济, under way since February 2024) on
/// household `id`'s plan through the API: 丰都 rewards households that are
/// 正在发展产业项目 (sources/003, 十).
pub async fn start_industry(store: &Store, admin: &Client, id: i64) {
    let (status, r, _, _) = send(
        store,
        admin,
        "POST",
        &format!("/api/households/{id}/measures"),
        Some(json!({
            "code": "CY04",
            "name": "庭院经济（柑橘）",
            "target_risk": "01",
            "started_on": "2024-02-01",
        })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
}

/// Registers household `id` (its generated `bundle`) as a 脱贫户, the
/// households 丰都 2024 lends to and rewards.
pub async fn register_as_lifted(store: &Store, id: i64, bundle: &HouseholdBundle) {
    let mut lifted = bundle.household.clone();
    lifted.household_type = fangpin_domain::codes::well_known::HOUSEHOLD_LIFTED.into();
    store
        .update_household(
            &Access::system(bundle.household.area),
            id,
            lifted,
            bundle.members.clone(),
            bundle.incomes.clone(),
            "登记为脱贫户",
        )
        .await
        .unwrap();
}
