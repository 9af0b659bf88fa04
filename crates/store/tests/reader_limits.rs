//! Roles reading what they should not: area counts need `household.read`;
//! the audit log shows a system administrator who did what, never the
//! content of household records; the read-only inspector runs no
//! data-quality check; a what-if refuses years without a line or incomes
//! and keeps only a few areas and years in memory.

use chrono::{TimeZone, Utc};
use fangpin_domain::AreaCode;
use fangpin_store::monitor::{WHAT_IF_CACHE_ENTRIES, WhatIf};
use fangpin_store::testing::role_user;
use fangpin_store::{Actor, AuditFilter, NewUser, Store, StoreError};

mod common;

fangpin_store::dual_backend_tests!(
    area_counts_need_household_read,
    audit_search_hides_household_content_from_readers_without_household_read,
    the_inspector_runs_no_quality_check,
    what_if_refuses_years_without_a_line_or_incomes,
    what_if_keeps_few_areas_in_memory,
);

fn county() -> AreaCode {
    AreaCode::parse("500230").unwrap()
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Forbidden(_)))
}

async fn area_counts_need_household_read(store: Store) {
    let (bundles, _) = common::demo_county(&store, 3, 20).await;
    let village = bundles[0].household.area.as_string();
    for role in ["dept_officer", "sys_admin"] {
        let a = role_user(7, role, county());
        assert!(forbidden(store.area_tree(&a).await), "{role} tree");
        assert!(
            forbidden(store.area_summary(&a, &village).await),
            "{role} summary"
        );
        assert!(
            forbidden(store.area_employment(&a, &village, 2024).await),
            "{role} employment"
        );
    }
    // Roles that read households still get the counts of their area.
    let inspector = role_user(8, "inspector", county());
    let tree = store.area_tree(&inspector).await.unwrap().unwrap();
    assert_eq!(tree.households, 20);
    let s = store.area_summary(&inspector, &village).await.unwrap();
    assert!(s.households > 0);
}

async fn audit_search_hides_household_content_from_readers_without_household_read(store: Store) {
    let (bundles, system) = common::demo_county(&store, 3, 10).await;
    let b = &bundles[0];
    let (id, _) = store
        .household_bundles_after(&system, &Default::default(), 0, 1)
        .await
        .unwrap()
        .remove(0);
    let mut h = b.household.clone();
    h.phone = Some("13900001111".into());
    let reason = "户主住院，电话更换";
    store
        .update_household(&system, id, h, b.members.clone(), b.incomes.clone(), reason)
        .await
        .unwrap();
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "new_cadre".into(),
                display_name: "新干部".into(),
                password: "Abcdefg123".into(),
                role: "village_operator".into(),
                area: b.household.area,
                department: None,
                must_change_password: true,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let household_entries = AuditFilter {
        entity: Some("household".into()),
        entity_key: Some(b.household.household_no.clone()),
        ..Default::default()
    };
    let mentions_change = |e: &fangpin_store::AuditRecord| {
        let text = serde_json::to_string(e).unwrap();
        text.contains("13900001111") || text.contains("住院")
    };

    // The inspector reads households, and the change with its reason.
    let inspector = role_user(8, "inspector", county());
    let (n, seen) = store
        .audit_search_for(&inspector, &household_entries, 0, 10)
        .await
        .unwrap();
    assert!(n >= 1);
    assert!(seen.iter().any(mentions_change), "{seen:?}");

    // The system administrator sees who, when, what action on which record.
    let admin = role_user(9, "sys_admin", county());
    let (n2, seen) = store
        .audit_search_for(&admin, &household_entries, 0, 10)
        .await
        .unwrap();
    assert_eq!(n2, n, "the same entries are found");
    for e in &seen {
        assert_eq!(e.entity, "household");
        assert!(!e.action.is_empty() && e.actor == "system");
        assert!(e.before.is_none() && e.after.is_none(), "{e:?}");
        assert!(!mentions_change(e), "{e:?}");
    }
    // Nothing household-keyed leaks through any entry of the log.
    let (_, all) = store
        .audit_search_for(&admin, &AuditFilter::default(), 0, 500)
        .await
        .unwrap();
    for e in all.iter().filter(|e| e.area_code.is_some()) {
        assert!(e.before.is_none() && e.after.is_none(), "{e:?}");
    }
    // Entries about users are the administrator's own business.
    let user_entry = all
        .iter()
        .find(|e| e.entity == "user" && e.action == "create")
        .unwrap();
    assert!(user_entry.after.is_some());

    // Roles without audit.read are refused.
    let cun = role_user(10, "village_operator", b.household.area);
    assert!(forbidden(
        store
            .audit_search_for(&cun, &AuditFilter::default(), 0, 10)
            .await
    ));
}

async fn the_inspector_runs_no_quality_check(store: Store) {
    common::demo_county(&store, 3, 10).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let inspector = role_user(8, "inspector", county());
    assert!(forbidden(store.run_quality(&inspector, None, now).await));
    // Reading the findings stays open to the inspector.
    store.quality_scores(&inspector, None, now).await.unwrap();
    let admin = role_user(1, "county_admin", county());
    let r = store.run_quality(&admin, None, now).await.unwrap();
    assert_eq!(r.checked, 10);
}

fn what_if(area: AreaCode, year: i32) -> WhatIf {
    WhatIf {
        area,
        year,
        line: None,
        rigid_pct: None,
        drop_pct: None,
    }
}

async fn what_if_refuses_years_without_a_line_or_incomes(store: Store) {
    common::demo_county(&store, 3, 10).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let inspector = role_user(8, "inspector", county());
    // A year with a line (the national 2023 value) but no incomes.
    let e = store
        .what_if(&inspector, &what_if(county(), 2023), now)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(m) if m.contains("2023年的收入数据")),
        "{e}"
    );
    // Years nobody set a line for.
    for year in [1999, 2030] {
        let e = store
            .what_if(&inspector, &what_if(county(), year), now)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("监测范围")),
            "{year}: {e}"
        );
    }
    // The data year answers, for the inspector too (a read of aggregates).
    let r = store
        .what_if(&inspector, &what_if(county(), 2024), now)
        .await
        .unwrap();
    assert_eq!(r.households, 10);
}

async fn what_if_keeps_few_areas_in_memory(store: Store) {
    let (bundles, system) = common::demo_county(&store, 3, 200).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    // Distinct areas with households: the county, townships and villages.
    let mut areas = vec![county()];
    for b in &bundles {
        for a in [b.household.area.parent().unwrap(), b.household.area] {
            if !areas.contains(&a) {
                areas.push(a);
            }
        }
    }
    assert!(areas.len() > WHAT_IF_CACHE_ENTRIES + 1, "{}", areas.len());
    let first = store
        .what_if(&system, &what_if(areas[0], 2024), now)
        .await
        .unwrap();
    assert!(!first.cached);
    let again = store
        .what_if(&system, &what_if(areas[0], 2024), now)
        .await
        .unwrap();
    assert!(again.cached, "a repeat is answered from memory");
    // As many other areas as the cache holds push the first one out.
    for a in &areas[1..=WHAT_IF_CACHE_ENTRIES] {
        let r = store
            .what_if(&system, &what_if(*a, 2024), now)
            .await
            .unwrap();
        assert!(!r.cached, "{a:?}");
    }
    let evicted = store
        .what_if(&system, &what_if(areas[0], 2024), now)
        .await
        .unwrap();
    assert!(!evicted.cached, "the least recently used area was dropped");
    assert_eq!(evicted.households, first.households);
    // The most recently used ones are still there.
    let last = areas[WHAT_IF_CACHE_ENTRIES];
    let r = store
        .what_if(&system, &what_if(last, 2024), now)
        .await
        .unwrap();
    assert!(r.cached);
}
