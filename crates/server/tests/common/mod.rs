//! What the HTTP tests share: a logged-in client, one request through the
//! whole application, and the demo county with a user of each role.
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
            fangpin_store::cases::NewLead {
                household_id: id,
                channel: fangpin_domain::workflow::Channel::CadreVisit,
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
