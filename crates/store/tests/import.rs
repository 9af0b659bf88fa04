//! Importing households: whole or nothing, dry runs, idempotent re-imports,
//! changes detected by 户编号, ID conflicts refused — on both engines.

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::{AreaCode, Money};
use fangpin_store::{Access, AreaRecord, HouseholdBundle, HouseholdFilter, Store, StoreError};

fangpin_store::dual_backend_tests!(
    dry_run_reports_and_writes_nothing,
    reimporting_the_same_file_changes_nothing,
    changes_are_detected_and_other_income_years_kept,
    an_id_registered_elsewhere_refuses_the_whole_file,
    imports_outside_scope_are_refused,
);

fn county_access() -> Access {
    Access::system(AreaCode::parse("500230").unwrap())
}

fn file(n: u32) -> (Vec<AreaRecord>, Vec<HouseholdBundle>) {
    let cfg = DemoConfig::fengdu(21, n);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let bundles = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    (areas, bundles)
}

async fn dry_run_reports_and_writes_nothing(store: Store) {
    store.seed_reference().await.unwrap();
    let (areas, bundles) = file(40);
    let s = store
        .import_households(&county_access(), "测试导入", &areas, &bundles, true)
        .await
        .unwrap();
    assert!(s.dry_run);
    assert_eq!(s.created.len(), 40);
    assert!(s.areas_added > 0);
    assert_eq!(store.household_count().await.unwrap(), 0);
    assert_eq!(store.area_count().await.unwrap(), 0, "areas roll back too");
}

async fn reimporting_the_same_file_changes_nothing(store: Store) {
    store.seed_reference().await.unwrap();
    let (areas, bundles) = file(60);
    let first = store
        .import_households(&county_access(), "第一次", &areas, &bundles, false)
        .await
        .unwrap();
    assert_eq!(first.created.len(), 60);
    let persons = store.person_count().await.unwrap();
    let again = store
        .import_households(&county_access(), "第二次", &areas, &bundles, false)
        .await
        .unwrap();
    assert!(
        again.created.is_empty() && again.changed.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.unchanged, 60);
    assert_eq!(again.areas_added, 0);
    assert_eq!(store.household_count().await.unwrap(), 60);
    assert_eq!(store.person_count().await.unwrap(), persons);
}

async fn changes_are_detected_and_other_income_years_kept(store: Store) {
    store.seed_reference().await.unwrap();
    let (areas, mut bundles) = file(30);
    // The first import carries 2023 and 2024 incomes for household 0.
    let mut older = bundles[0].incomes[0].clone();
    older.year = 2023;
    bundles[0].incomes.insert(0, older);
    store
        .import_households(&county_access(), "第一次", &areas, &bundles, false)
        .await
        .unwrap();
    // The second file only has 2024, with a new phone and a corrected name.
    bundles[0].incomes.remove(0);
    bundles[0].household.phone = Some("13900001111".into());
    bundles[0].members[0].name = format!("{}（更正）", bundles[0].members[0].name);
    bundles[1].incomes[0].wage += Money::from_yuan(1);
    bundles[1].incomes[0].wage_other += Money::from_yuan(1);
    let s = store
        .import_households(&county_access(), "第二次", &areas, &bundles, false)
        .await
        .unwrap();
    assert_eq!(s.unchanged, 28);
    assert_eq!(s.changed.len(), 2);
    let c0 = &s
        .changed
        .iter()
        .find(|c| c.household_no == bundles[0].household.household_no)
        .unwrap();
    assert!(c0.changes.contains(&"phone".to_owned()), "{c0:?}");
    assert!(c0.changes.contains(&"家庭成员".to_owned()), "{c0:?}");
    let c1 = &s
        .changed
        .iter()
        .find(|c| c.household_no == bundles[1].household.household_no)
        .unwrap();
    assert_eq!(c1.changes, vec!["收入2024".to_owned()]);

    let d = store
        .household_by_no(&county_access(), &bundles[0].household.household_no)
        .await
        .unwrap();
    assert_eq!(d.household.phone.as_deref(), Some("13900001111"));
    assert!(d.members.iter().any(|m| m.name.ends_with("（更正）")));
    let years: Vec<i32> = d.incomes.iter().map(|i| i.year).collect();
    assert_eq!(years, vec![2023, 2024], "the 2023 record is kept");
    // The household keeps its id, so links to it stay valid.
    let (_, page) = store
        .household_page(&county_access(), &HouseholdFilter::default(), 0, 1)
        .await
        .unwrap();
    assert_eq!(page[0].id, d.id);
}

async fn an_id_registered_elsewhere_refuses_the_whole_file(store: Store) {
    store.seed_reference().await.unwrap();
    let (areas, bundles) = file(20);
    store
        .import_households(&county_access(), "第一次", &areas, &bundles[..10], false)
        .await
        .unwrap();
    let mut second: Vec<HouseholdBundle> = bundles[10..].to_vec();
    // A new household claims a member already registered in household 3.
    second[4].members[1].id_number = bundles[3].members[0].id_number.clone();
    let err = store
        .import_households(&county_access(), "第二次", &areas, &second, false)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Invalid(_)));
    assert!(msg.contains(&bundles[3].household.household_no), "{msg}");
    assert!(
        msg.contains("********"),
        "IDs are masked in messages: {msg}"
    );
    assert_eq!(
        store.household_count().await.unwrap(),
        10,
        "nothing of the file was saved"
    );
}

async fn imports_outside_scope_are_refused(store: Store) {
    store.seed_reference().await.unwrap();
    let (areas, bundles) = file(30);
    store
        .import_households(&county_access(), "县级", &areas, &[], false)
        .await
        .unwrap();
    let village = bundles[0].household.area;
    let mut village_access = Access::system(village);
    village_access.username = "cunji".into();
    let own: Vec<HouseholdBundle> = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .cloned()
        .collect();
    let s = store
        .import_households(&village_access, "村级", &[], &own, false)
        .await
        .unwrap();
    assert_eq!(s.created.len(), own.len());
    let err = store
        .import_households(&village_access, "村级", &[], &bundles, false)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert_eq!(store.household_count().await.unwrap() as usize, own.len());
}
