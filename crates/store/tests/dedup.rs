//! The duplicate review queue on both engines.

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::{AreaCode, IdNumber};
use fangpin_store::{Access, AuditFilter, HouseholdBundle, Store, StoreError};

fangpin_store::dual_backend_tests!(near_duplicates_go_to_the_review_queue);

fn county() -> Access {
    Access::system(AreaCode::parse("500230").unwrap())
}

async fn near_duplicates_go_to_the_review_queue(store: Store) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(5, 60);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let mut bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .import_households(&county(), "基础", &areas, &bundles, false)
        .await
        .unwrap();
    let baseline = store.scan_duplicates(&county()).await.unwrap();
    let (before, _) = store
        .duplicate_queue(&county(), Some("pending"), 0, 100)
        .await
        .unwrap();
    assert_eq!(before, baseline);

    // A new household registers someone already on file with one mistyped
    // digit in the ID number: the exact-duplicate check cannot see it.
    let original = bundles[0].members[0].clone();
    let body: Vec<u8> = {
        let mut b = original.id_number.as_str().as_bytes()[..17].to_vec();
        b[16] = if b[16] == b'9' { b'7' } else { b[16] + 2 }; // keeps the sex digit's parity
        b
    };
    let typo = IdNumber::parse(&format!(
        "{}{}",
        String::from_utf8(body.clone()).unwrap(),
        fangpin_domain::check_digit(&body) as char
    ))
    .unwrap();
    let mut copy = bundles.swap_remove(0);
    copy.household.household_no = format!("D{}", copy.household.household_no);
    copy.members.truncate(1);
    copy.household.current_size = 1;
    copy.members[0].person_no = format!("D{}", copy.members[0].person_no);
    copy.members[0].id_number = typo.clone();
    copy.household.head_id = typo.clone();
    store
        .import_households(&county(), "新登记", &[], &[copy.clone()], false)
        .await
        .unwrap();

    let added = store.scan_duplicates(&county()).await.unwrap();
    assert!(added >= 1);
    assert_eq!(
        store.scan_duplicates(&county()).await.unwrap(),
        0,
        "a rescan adds nothing"
    );
    let (_, queue) = store
        .duplicate_queue(&county(), Some("pending"), 0, 100)
        .await
        .unwrap();
    let item = queue
        .iter()
        .find(|i| {
            i.rule == "near_id_number"
                && [&i.a.household_no, &i.b.household_no].contains(&&copy.household.household_no)
        })
        .expect("the mistyped ID is queued");
    assert_eq!(
        item.rule_label,
        "姓名同音且证件号码仅一位不同或相邻两位颠倒"
    );
    assert!(
        item.a.id_number.contains("********"),
        "IDs are masked in the queue"
    );
    assert_eq!(
        store.household_count().await.unwrap(),
        61,
        "both records stay: nothing is merged"
    );

    // A village operator elsewhere does not see the pair.
    let elsewhere = lay
        .areas
        .iter()
        .map(|a| a.code)
        .find(|c| {
            c.level() == fangpin_domain::AreaLevel::Village
                && *c != item.a.area_code.parse::<AreaCode>().unwrap()
                && *c != item.b.area_code.parse::<AreaCode>().unwrap()
        })
        .unwrap();
    let other = Access::system(elsewhere);
    assert!(matches!(
        store
            .decide_duplicate(&other, item.id, "different", None)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .decide_duplicate(&county(), item.id, "maybe", None)
            .await,
        Err(StoreError::Invalid(_))
    ));
    store
        .decide_duplicate(&county(), item.id, "same", Some("同一人，证件号录入错误"))
        .await
        .unwrap();
    let (_, done) = store
        .duplicate_queue(&county(), Some("same"), 0, 10)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].note.as_deref(), Some("同一人，证件号录入错误"));
    assert_eq!(
        store.scan_duplicates(&county()).await.unwrap(),
        0,
        "decisions survive rescans"
    );
    let (n, _) = store
        .audit_search(
            &AuditFilter {
                action: Some("decide_duplicate".into()),
                ..Default::default()
            },
            0,
            5,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
}
