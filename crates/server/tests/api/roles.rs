//! Every data route for every role, inside and outside the role's area.

use axum::http::StatusCode;
use fangpin_domain::AreaCode;
use fangpin_store::{Access, Store};
use serde_json::{Value, json};

use crate::common::{
    Client, demo, login, on_fixed_day, print_targets, public_report, send, send_to,
};

fangpin_store::dual_backend_tests!(route_role_scope_matrix);

/// Every data route × every role × a household inside and one outside the
/// role's area: outside is 404 (existence does not leak), a missing
/// permission is 403, everything else 200.
async fn route_role_scope_matrix(store: Store) {
    let bundles = demo(&store, 1000).await;
    let village = bundles[0].household.area;
    let township = village.parent().unwrap();
    let admin = login(&store, "admin").await;
    let (_, all, _, _) = send(
        &store,
        &admin,
        "GET",
        "/api/households?page_size=200",
        None,
        false,
    )
    .await;
    let items = all["items"].as_array().unwrap();
    let in_id = items
        .iter()
        .find(|i| i["area_code"] == village.as_string().as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let out = items
        .iter()
        .find(|i| {
            !i["area_code"]
                .as_str()
                .unwrap()
                .starts_with(&township.prefix())
        })
        .expect("a household in another township");
    let out_id = out["id"].as_i64().unwrap();
    let out_area = out["area_code"].as_str().unwrap().to_owned();
    // For the printouts: a monitored household and a case (a lead, not yet
    // reviewed) inside the village and in the other township.
    let print_in = print_targets(&store, &bundles, |a| a == village).await;
    let print_out = print_targets(&store, &bundles, |a| a.parent() != Some(township)).await;

    // 农户自主申报 from a stranger: one in the township, one outside it.
    let report_in = public_report(&store, &village.as_string()).await;
    let report_out = public_report(&store, &out_area).await;

    // 走访: a visit in the village (turned into a lead where possible) and
    // one in the other township, and a campaign on each township.
    let out_township = AreaCode::parse(&out_area).unwrap().parent().unwrap();
    let visit_in = visit_targets(&store, in_id, township).await;
    let visit_out = visit_targets(&store, out_id, out_township).await;

    // (role user, can read households, can reveal IDs, covers the other township)
    let roles = [
        ("admin", true, true, true),
        ("shending", true, true, true),
        ("xiangzhen", true, false, false),
        ("cunji", true, false, false),
        ("bangfu", true, false, false),
        ("ducha", true, false, true),
        ("yibao", false, false, true),
        ("xitong", false, false, true),
    ];
    for (user, read, reveal, county_wide) in roles {
        let c = login(&store, user).await;
        // bangfu is paired with no household: none is in their scope.
        let village_inside = user != "bangfu";
        for ((id, area, inside), (monitored, case)) in [
            (in_id, village.as_string(), village_inside),
            (out_id, out_area.clone(), county_wide),
        ]
        .into_iter()
        .zip([print_in, print_out])
        {
            let write = matches!(user, "admin" | "xiangzhen" | "cunji");
            let case_role = matches!(user, "shending" | "xiangzhen" | "cunji");
            let (ok, bad) = (StatusCode::OK, StatusCode::BAD_REQUEST);
            // A plan or measure may also be written by the household's
            // 帮扶责任人; bangfu is paired with none, so 403 inside.
            let (own, own_ok) = if write {
                (true, bad)
            } else {
                (user == "bangfu", StatusCode::FORBIDDEN)
            };
            let get = |uri: String, allowed: bool, ok: StatusCode| ("GET", uri, None, allowed, ok);
            let post = |uri: String, body: Value, allowed: bool, ok: StatusCode| {
                ("POST", uri, Some(body), allowed, ok)
            };
            let h = |op: &str| format!("/api/households/{id}/{op}");
            // (method, uri, body, allowed for the role, answer inside the scope)
            let calls = [
                get(format!("/api/households/{id}"), read, ok),
                ("POST", h("reveal"), None, reveal, ok),
                get(h("assessment"), read, ok),
                get(h("cases"), read, ok),
                // Member changes: the store checks permission, then scope,
                // then the input, so an empty reason answers 400 inside.
                post(
                    h("members"),
                    json!({"person": bundles[0].members[0], "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("head"),
                    json!({"person_no": "x", "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("split"),
                    json!({"members": [], "head": "x", "reason": ""}),
                    write,
                    bad,
                ),
                post(
                    h("merge"),
                    json!({"other_id": id, "reason": ""}),
                    write,
                    bad,
                ),
                // Monitoring: opening a case needs a workflow role.
                post(
                    "/api/cases".into(),
                    json!({"household_id": id, "channel": "cadre_visit", "summary": " "}),
                    case_role,
                    bad,
                ),
                // 资金与就业: writes need 维护农户档案; a blank field or an
                // unknown member answers 400 inside.
                post(
                    h("awards"),
                    json!({"year": 2024, "project": " ", "amount_fen": 10000}),
                    write,
                    bad,
                ),
                post(
                    h("posts"),
                    json!({"person_no": "x", "post": "护林员", "start_on": "2024-01-01", "end_on": "2024-12-31", "monthly_pay_fen": 60000}),
                    write,
                    bad,
                ),
                post(
                    h("jobs"),
                    json!({"person_no": "x", "year": 2024, "region": "县内", "employer": "厂", "months": 3, "income_fen": 1}),
                    write,
                    bad,
                ),
                post(
                    h("loans"),
                    json!({"borrower_no": "x", "bank": "银行", "amount_fen": 100, "term_months": 12, "issued_on": "2024-01-01", "annual_rate": "3.45", "method": "interest_quarterly", "subsidy_rate": "3.45"}),
                    write,
                    bad,
                ),
                get(h("funds"), read, ok),
                get(h("award-room?year=2024"), read, ok),
                get(format!("/api/funds/loan-rates?area={area}"), read, ok),
                get(
                    format!("/api/funds/zero-employment?area={area}&year=2024"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/funds/employment-scale?area={area}&year=2024"),
                    read,
                    ok,
                ),
                // 帮扶: pairing needs 维护农户档案; plans and measures also
                // the 帮扶责任人.
                get(h("assistance"), read, ok),
                get(h("measures"), read, ok),
                post(h("responsible/end"), json!({"reason": " "}), write, bad),
                ("PUT", h("plan"), Some(json!({"goals": " "})), own, own_ok),
                // Plan review: 乡镇审核 or 县级审定 only; no plan yet is 400.
                post(
                    h("plan/review"),
                    json!({"revision": 0}),
                    matches!(user, "shending" | "xiangzhen"),
                    bad,
                ),
                post(
                    h("measures"),
                    json!({"code": "CY01", "target_risk": "01", "started_on": "2026-01-05", "amount_fen": -1}),
                    own,
                    own_ok,
                ),
                // Printouts are reads: a lead has no minutes yet (400 where
                // it may be seen); a monitored household has its 明白卡.
                get(format!("/api/print/cards/{monitored}"), read, ok),
                get(format!("/api/print/minutes/{case}"), read, bad),
                get(
                    format!("/api/print/notice?area={area}&kind=identification"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/print/notice?area={area}&kind=elimination"),
                    read,
                    ok,
                ),
                get(
                    format!("/api/print/announcement?area={area}&from=2026-01-01&until=2026-12-31"),
                    read,
                    ok,
                ),
                get(format!("/api/print/cards?area={area}"), read, ok),
                // Area summaries count households: for roles that read them.
                get(format!("/api/areas/{area}/summary"), read, ok),
                // 务工规模 counts persons: for roles that read households.
                get(format!("/api/areas/{area}/employment?year=2024"), read, ok),
            ];
            for (method, uri, body, allowed, answer) in calls {
                let state = on_fixed_day(&store);
                let (status, r, _, _) = send_to(state, &c, method, &uri, body, true).await;
                // Area documents and aggregates: bangfu's area is the village
                // (they answer with the paired households only).
                let area_call = uri.contains("area=") || uri.starts_with("/api/areas/");
                let inside = inside || (area_call && area == village.as_string());
                let expected = judge(allowed, inside, answer);
                assert_eq!(status, expected, "{user} {method} {uri}: {r}");
            }
        }
        // The cadre registry and the 帮扶对象 list are reads in scope; adding
        // a cadre needs household.write (a blank form is 400).
        for uri in [
            "/api/cadres",
            "/api/assist/households",
            "/api/assist/catalogue",
        ] {
            let (status, r, _, _) = send(&store, &c, "GET", uri, None, false).await;
            let expected = if read || uri == "/api/assist/catalogue" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{user} GET {uri}: {r}");
        }
        let write = matches!(user, "admin" | "xiangzhen" | "cunji");
        let (status, r, _, _) = send(
            &store,
            &c,
            "POST",
            "/api/cadres",
            Some(json!({"name": ""})),
            true,
        )
        .await;
        let expected = if write {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{user} POST /api/cadres: {r}");
        // 农户自主申报: only the township's reviewer keeps the inbox and decides,
        // within the township; an empty decline reason answers 400 inside.
        let accepts = user == "xiangzhen";
        let (status, r, _, _) = send(&store, &c, "GET", "/api/self-reports", None, false).await;
        let expected = if accepts {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{user} GET /api/self-reports: {r}");
        for (rid, inside) in [(report_in, true), (report_out, county_wide)] {
            let calls = [
                (
                    "GET",
                    format!("/api/self-reports/{rid}"),
                    None,
                    StatusCode::OK,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/decline"),
                    Some(json!({"reason": " "})),
                    StatusCode::BAD_REQUEST,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/accept"),
                    Some(json!({})),
                    StatusCode::BAD_REQUEST,
                ),
                (
                    "POST",
                    format!("/api/self-reports/{rid}/phone"),
                    None,
                    StatusCode::OK,
                ),
            ];
            for (method, uri, body, ok) in calls {
                let (status, r, _, _) = send(&store, &c, method, &uri, body, true).await;
                let expected = match (accepts, inside) {
                    (false, _) => StatusCode::FORBIDDEN,
                    (true, true) => ok,
                    (true, false) => StatusCode::NOT_FOUND,
                };
                assert_eq!(status, expected, "{user} {method} {uri}: {r}");
            }
        }
        visit_matrix(
            &store,
            &c,
            user,
            read,
            [(visit_in, user != "bangfu"), (visit_out, county_wide)],
        )
        .await;
        // Lists only ever contain households in scope.
        let (status, list, _, _) = send(
            &store,
            &c,
            "GET",
            "/api/households?page_size=200",
            None,
            false,
        )
        .await;
        if read {
            assert_eq!(status, StatusCode::OK);
            let me = store.user_by_username(user).await.unwrap().unwrap();
            let root = AreaCode::parse(&me.area.code).unwrap();
            for i in list["items"].as_array().unwrap() {
                let a = AreaCode::parse(i["area_code"].as_str().unwrap()).unwrap();
                assert!(root.contains(&a), "{user} sees {a:?}");
            }
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

/// A visit on the household (turned into a lead unless the household
/// already has a case, so that any later lead answers 400) and a campaign of
/// every household on the township: (household, visit, campaign).
async fn visit_targets(store: &Store, household: i64, township: AreaCode) -> (i64, i64, i64) {
    use fangpin_domain::visits::{CampaignForm, VisitForm};
    use fangpin_store::visits::VisitInput;
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let now = chrono::Utc::now();
    let vid = store
        .record_visit(
            &system,
            VisitInput {
                household_id: household,
                form: VisitForm {
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
        .unwrap();
    store
        .raise_lead_from_visit(&system, vid, false, now)
        .await
        .ok();
    let form = CampaignForm {
        name: "集中排查".into(),
        kind: "sweep".into(),
        area: township.as_string(),
        from: "2026-05-01".into(),
        until: "2026-07-31".into(),
        targets: vec!["all".into()],
    };
    let cid = store.create_campaign(&system, &form, now).await.unwrap();
    (household, vid, cid)
}

/// The 走访 routes for one user: village and 帮扶 cadres record (a blank
/// finding answers 400 inside the scope, 404 outside); reads need
/// household.read; 转为风险线索 needs a workflow role (the prepared visit
/// can no longer become a lead: 400 inside); township and county users
/// organise campaigns (a blank name answers 400).
/// The answer to a call: 403 for a role without the permission, 404 outside
/// the caller's area, else `ok`.
fn judge(allowed: bool, inside: bool, ok: StatusCode) -> StatusCode {
    match (allowed, inside) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, true) => ok,
        (true, false) => StatusCode::NOT_FOUND,
    }
}

async fn visit_matrix(
    store: &Store,
    c: &Client,
    user: &str,
    read: bool,
    targets: [((i64, i64, i64), bool); 2],
) {
    let visitor = matches!(user, "cunji" | "bangfu");
    let case_role = matches!(user, "shending" | "xiangzhen" | "cunji");
    let organiser = matches!(user, "admin" | "shending" | "xiangzhen");
    for (n, ((hid, vid, cid), inside)) in targets.into_iter().enumerate() {
        // A campaign is area-keyed: bangfu sees the village's campaign
        // (its progress counts their paired households only).
        let campaign_inside = inside || (user == "bangfu" && n == 0);
        let calls = [
            (
                "POST",
                "/api/visits".to_string(),
                Some(json!({"household_id": hid, "kind": "home", "findings": " "})),
                judge(visitor, inside, StatusCode::BAD_REQUEST),
            ),
            (
                "GET",
                format!("/api/visits/{vid}"),
                None,
                judge(read, inside, StatusCode::OK),
            ),
            (
                "POST",
                format!("/api/visits/{vid}/lead"),
                Some(json!({})),
                judge(case_role, inside, StatusCode::BAD_REQUEST),
            ),
            (
                "GET",
                format!("/api/campaigns/{cid}/progress"),
                None,
                judge(read, campaign_inside, StatusCode::OK),
            ),
            (
                "GET",
                format!("/api/campaigns/{cid}/pending"),
                None,
                judge(read, campaign_inside, StatusCode::OK),
            ),
        ];
        for (method, uri, body, expected) in calls {
            let (status, r, _, _) = send(store, c, method, &uri, body, true).await;
            assert_eq!(status, expected, "{user} {method} {uri}: {r}");
        }
    }
    let role_calls = [
        ("GET", "/api/visits", None, read, StatusCode::OK),
        ("GET", "/api/visits/options", None, true, StatusCode::OK),
        ("GET", "/api/campaigns", None, read, StatusCode::OK),
        (
            "POST",
            "/api/campaigns",
            Some(
                json!({"name": " ", "kind": "sweep", "from": "2026-06-01", "until": "2026-06-30", "targets": ["all"]}),
            ),
            organiser,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (method, uri, body, allowed, ok) in role_calls {
        let (status, r, _, _) = send(store, c, method, uri, body, true).await;
        let expected = if allowed { ok } else { StatusCode::FORBIDDEN };
        assert_eq!(status, expected, "{user} {method} {uri}: {r}");
    }
}
