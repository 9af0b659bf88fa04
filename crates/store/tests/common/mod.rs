//! The demo county as test data.
#![allow(dead_code)]

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::{AreaCode, HouseholdBundle};
use fangpin_store::{Access, Store};

/// Seeds reference data and imports `n` demo households of 丰都 (seed
/// `seed`) with county-wide system access; returns the bundles and that access.
pub async fn demo_county(store: &Store, seed: u64, n: u32) -> (Vec<HouseholdBundle>, Access) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(seed, n);
    let lay = layout(&cfg);
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let county = Access::system(AreaCode::parse("500230").unwrap());
    store
        .import_households(&county, "建档", &lay.areas, &bundles, false)
        .await
        .unwrap();
    (bundles, county)
}

/// A user (`id`) with a seeded role's permissions over `area`.
pub fn user(id: i64, role: &str, area: AreaCode) -> Access {
    let seed = fangpin_store::users::ROLE_SEEDS
        .iter()
        .find(|r| r.code == role)
        .unwrap();
    Access {
        user_id: Some(id),
        username: format!("{role}{id}"),
        role: role.into(),
        area,
        permissions: seed
            .permissions
            .iter()
            .map(std::string::ToString::to_string)
            .collect(),
        address: None,
    }
}
