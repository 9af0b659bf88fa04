//! Household history: versions, "as of a date" reads and diffs, both engines.

use chrono::{Duration, Utc};
use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::{Access, HouseholdBundle, Store, StoreError};

fangpin_store::dual_backend_tests!(changes_become_versions_readable_as_of_a_date);

fn county() -> Access {
    let mut a = Access::system(AreaCode::parse("500230").unwrap());
    a.username = "xiangzhen".into();
    a
}

async fn changes_become_versions_readable_as_of_a_date(store: Store) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(8, 10);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let mut bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .import_households(&county(), "建档", &areas, &bundles, false)
        .await
        .unwrap();
    let id = store
        .household_by_no(&county(), &bundles[0].household.household_no)
        .await
        .unwrap()
        .id;

    // Unchanged households have a single version: their current state.
    let h = store.household_history(&county(), id).await.unwrap();
    assert_eq!(h.len(), 1);
    assert!(h[0].changes.is_empty());

    let before_change = Utc::now().fixed_offset();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let old_phone = bundles[0].household.phone.clone();
    bundles[0].household.phone = Some("13800138000".into());
    bundles[0].members[0].health = "4".into();
    store
        .import_households(&county(), "入户核实后更正", &[], &bundles, false)
        .await
        .unwrap();

    let h = store.household_history(&county(), id).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].actor, "xiangzhen");
    assert_eq!(h[1].reason, "入户核实后更正");
    let paths: Vec<&str> = h[1].changes.iter().map(|c| c.path.as_str()).collect();
    assert!(paths.contains(&"户.phone"), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with(".health")), "{paths:?}");
    let phone = h[1].changes.iter().find(|c| c.path == "户.phone").unwrap();
    assert_eq!(phone.after, "138****8000", "phones are masked in diffs");

    // As of a moment before the change: the old phone.
    let (v, then) = store
        .household_as_of(&county(), id, before_change)
        .await
        .unwrap();
    assert_eq!(v, 1);
    assert_eq!(then.household.phone, old_phone);
    let (v, now) = store
        .household_as_of(&county(), id, Utc::now().fixed_offset())
        .await
        .unwrap();
    assert_eq!(v, 2);
    assert_eq!(now.household.phone.as_deref(), Some("13800138000"));
    let long_ago = (Utc::now() - Duration::days(3650)).fixed_offset();
    assert!(matches!(
        store.household_as_of(&county(), id, long_ago).await,
        Err(StoreError::NotFound(_))
    ));

    let diff = store.household_diff(&county(), id, 1, 2).await.unwrap();
    assert_eq!(diff, h[1].changes);
    assert!(matches!(
        store.household_diff(&county(), id, 1, 9).await,
        Err(StoreError::NotFound(_))
    ));
    // Outside the caller's scope the history does not exist either.
    let elsewhere = lay
        .areas
        .iter()
        .map(|a| a.code)
        .find(|c| {
            c.level() == fangpin_domain::AreaLevel::Village && *c != bundles[0].household.area
        })
        .unwrap();
    assert!(matches!(
        store
            .household_history(&Access::system(elsewhere), id)
            .await,
        Err(StoreError::NotFound(_))
    ));
}
