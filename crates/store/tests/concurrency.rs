//! Many people saving at once, on both engines: every save answers success
//! and lands exactly once. On SQLite a write transaction that reads first and
//! only then writes (look the household up, then insert the visit) used to
//! fail with `database is locked` as soon as another save committed in
//! between; these tests run such saves side by side on one pool.

mod common;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use common::{demo_county, user};
use fangpin_domain::visits::VisitForm;
use fangpin_domain::{AreaCode, HouseholdBundle};
use fangpin_store::users::{LoginOutcome, NewUser};
use fangpin_store::visits::{VisitFilter, VisitInput};
use fangpin_store::{Actor, AuditFilter, Store};

fangpin_store::dual_backend_tests!(
    concurrent_visit_saves_each_land_once,
    concurrent_logins_and_saves_all_succeed,
);

/// Saves started at the same moment; several times the pool's size, so that
/// they queue for connections and for the write lock.
const SAVERS: usize = 120;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 10, 1, 0, 0).unwrap()
}

/// The village with the most demo households, and those households' ids.
async fn busiest_village(
    store: &Store,
    county: &fangpin_store::Access,
    bundles: &[HouseholdBundle],
) -> (AreaCode, Vec<i64>) {
    let mut by_village: BTreeMap<AreaCode, Vec<&HouseholdBundle>> = BTreeMap::new();
    for b in bundles {
        by_village.entry(b.household.area).or_default().push(b);
    }
    let (village, members) = by_village.into_iter().max_by_key(|(_, v)| v.len()).unwrap();
    let mut ids = Vec::new();
    for b in members {
        ids.push(
            store
                .household_by_no(county, &b.household.household_no)
                .await
                .unwrap()
                .id,
        );
    }
    (village, ids)
}

fn form(findings: String) -> VisitForm {
    VisitForm {
        date: Some("2026-05-09".into()),
        kind: "home".into(),
        findings,
        flags: vec![],
        risk_found: false,
    }
}

/// Every visit of the village: (findings → how many times), and the total.
async fn visits_by_findings(
    store: &Store,
    cadre: &fangpin_store::Access,
) -> (u64, BTreeMap<String, usize>) {
    let mut seen = BTreeMap::new();
    let mut offset = 0;
    loop {
        let (total, rows) = store
            .visits(
                cadre,
                &VisitFilter {
                    offset,
                    limit: 200,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for r in &rows {
            *seen.entry(r.findings.clone()).or_insert(0) += 1;
        }
        offset += rows.len() as u64;
        if rows.is_empty() || offset >= total {
            return (total, seen);
        }
    }
}

async fn concurrent_visit_saves_each_land_once(store: Store) {
    let (bundles, county) = demo_county(&store, 41, 400).await;
    let (village, households) = busiest_village(&store, &county, &bundles).await;
    assert!(households.len() >= 3, "the test needs a few households");
    let cadre = user(7, "village_operator", village);
    let (before, _) = visits_by_findings(&store, &cadre).await;

    let mut tasks = Vec::new();
    for i in 0..SAVERS {
        let (store, cadre) = (store.clone(), cadre.clone());
        let household_id = households[i % households.len()];
        tasks.push(tokio::spawn(async move {
            let findings = format!("并发走访 {i}");
            let saved = store
                .record_visit(
                    &cadre,
                    VisitInput {
                        household_id,
                        form: form(findings.clone()),
                        campaign_id: None,
                    },
                    at(),
                )
                .await;
            (findings, saved)
        }));
    }
    let mut ids = HashSet::new();
    let mut failures = Vec::new();
    for t in tasks {
        let (findings, saved) = t.await.unwrap();
        match saved {
            Ok(id) => assert!(ids.insert(id), "visit id {id} answered twice"),
            Err(e) => failures.push(format!("{findings}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {SAVERS} concurrent saves failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );

    let (after, seen) = visits_by_findings(&store, &cadre).await;
    assert_eq!(after, before + SAVERS as u64, "one new visit per save");
    for i in 0..SAVERS {
        assert_eq!(
            seen.get(&format!("并发走访 {i}")),
            Some(&1),
            "save {i} is stored exactly once"
        );
    }
    // Each save wrote its audit entry in the same transaction.
    let (audited, _) = store
        .audit_search(
            &AuditFilter {
                action: Some("visit_record".into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(audited, after, "one audit entry per stored visit");
}

async fn concurrent_logins_and_saves_all_succeed(store: Store) {
    let (bundles, county) = demo_county(&store, 43, 400).await;
    let (village, households) = busiest_village(&store, &county, &bundles).await;
    let password = "Bingfa-2026-denglu";
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "bingfa".into(),
                display_name: "并发测试员".into(),
                password: password.into(),
                role: "village_operator".into(),
                area: village,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let cadre = user(9, "village_operator", village);

    // Logins (session, counters and audit entry in one write) interleaved
    // with visit saves on the same pool.
    const LOGINS: usize = 16;
    const SAVES: usize = 48;
    let mut logins = Vec::new();
    for i in 0..LOGINS {
        let store = store.clone();
        logins.push(tokio::spawn(async move {
            store
                .login("bingfa", password, Some(format!("10.0.0.{i}")), at(), false)
                .await
        }));
    }
    let mut saves = Vec::new();
    for i in 0..SAVES {
        let (store, cadre) = (store.clone(), cadre.clone());
        let household_id = households[i % households.len()];
        saves.push(tokio::spawn(async move {
            store
                .record_visit(
                    &cadre,
                    VisitInput {
                        household_id,
                        form: form(format!("登录时走访 {i}")),
                        campaign_id: None,
                    },
                    at(),
                )
                .await
        }));
    }
    let mut tokens = HashSet::new();
    for t in logins {
        match t.await.unwrap() {
            Ok(LoginOutcome::Ok { session_token, .. }) => {
                assert!(tokens.insert(session_token));
            }
            other => panic!("a correct login was refused: {other:?}"),
        }
    }
    for t in saves {
        t.await.unwrap().expect("a save next to logins succeeds");
    }
    // Every session opened is live.
    for token in &tokens {
        let live = store.session_user(token, at(), false).await.unwrap();
        assert_eq!(live.map(|(u, _)| u.username), Some("bingfa".to_owned()));
    }
    let (_, seen) = visits_by_findings(&store, &cadre).await;
    for i in 0..SAVES {
        assert_eq!(seen.get(&format!("登录时走访 {i}")), Some(&1));
    }
    let (sessions_audited, _) = store
        .audit_search(
            &AuditFilter {
                action: Some("login".into()),
                entity_key: Some("bingfa".into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(sessions_audited, LOGINS as u64, "one audit entry per login");
}
