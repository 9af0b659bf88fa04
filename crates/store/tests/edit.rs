//! Editing households one at a time, on both engines.

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::{Access, HouseholdBundle, Store, StoreError};

fangpin_store::dual_backend_tests!(create_update_and_remove_members_with_reasons);

async fn create_update_and_remove_members_with_reasons(store: Store) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(4, 30);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let county = Access::system(AreaCode::parse("500230").unwrap());
    store
        .import_households(&county, "建档", &areas, &bundles[..20], false)
        .await
        .unwrap();

    // Create: a new household from the form.
    let b = bundles
        .iter()
        .skip(20)
        .find(|b| b.members.len() >= 3)
        .unwrap()
        .clone();
    let err = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            " ",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("变更原因"));
    let mut two_heads = b.members.clone();
    two_heads[1].relation = "01".into();
    let err = store
        .create_household(
            &county,
            b.household.clone(),
            two_heads,
            b.incomes.clone(),
            "新增",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let id = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "新识别农户建档",
        )
        .await
        .unwrap();
    let again = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "重复",
        )
        .await
        .unwrap_err();
    assert!(again.to_string().contains("户编号已存在"), "{again}");

    // A village operator elsewhere cannot touch it.
    let other_village = bundles[0].household.area;
    assert_ne!(other_village, b.household.area);
    let other = Access::system(other_village);
    assert!(matches!(
        store
            .update_household(
                &other,
                id,
                b.household.clone(),
                b.members.clone(),
                b.incomes.clone(),
                "x"
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Update with a reason.
    let mut h = b.household.clone();
    h.is_military_family = !h.is_military_family;
    let changes = store
        .update_household(
            &county,
            id,
            h.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "核实为军烈属",
        )
        .await
        .unwrap();
    assert_eq!(changes, vec!["is_military_family".to_owned()]);
    let mut renamed = h.clone();
    renamed.household_no = "X".into();
    assert!(
        store
            .update_household(
                &county,
                id,
                renamed,
                b.members.clone(),
                b.incomes.clone(),
                "改编号"
            )
            .await
            .is_err()
    );

    // 自然减少: not the head; a member leaves with a listed reason.
    let head_no = b.members[0].person_no.clone();
    let err = store
        .remove_member(&county, id, &head_no, "死亡", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("户主"), "{err}");
    let leaver = b.members.last().unwrap();
    assert!(
        store
            .remove_member(&county, id, &leaver.person_no, "去世", "")
            .await
            .is_err()
    );
    store
        .remove_member(&county, id, &leaver.person_no, "死亡", "2024年10月病故")
        .await
        .unwrap();
    let d = store.household(&county, id).await.unwrap();
    assert_eq!(d.members.len(), b.members.len() - 1);
    assert_eq!(d.household.current_size as usize, b.members.len() - 1);

    let history = store.household_history(&county, id).await.unwrap();
    assert_eq!(history.len(), 3, "created, corrected, member left");
    assert_eq!(history[1].reason, "核实为军烈属");
    assert!(
        history[2]
            .reason
            .starts_with(&format!("自然减少：{}（死亡）", leaver.name))
    );
    assert!(
        history[2]
            .changes
            .iter()
            .any(|c| c.path.ends_with("（减少）"))
    );
}
