//! What-if on the demo county: raising or lowering the line moves the right
//! households, changes nothing, and reuses the loaded facts until a household
//! changes.

use chrono::{TimeZone, Utc};
use fangpin_domain::{AreaCode, Money};
use fangpin_store::monitor::WhatIf;
use fangpin_store::{Access, Store, StoreError};

mod common;

fangpin_store::dual_backend_tests!(what_if_moves_households_without_writing);

async fn what_if_moves_households_without_writing(store: Store) {
    let (bundles, county) = common::demo_county(&store, 5, 300).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let base = WhatIf {
        area: AreaCode::parse("500230").unwrap(),
        year: 2024,
        line: None,
        rigid_pct: None,
        drop_pct: None,
    };
    let same = store.what_if(&county, &base, now).await.unwrap();
    assert_eq!(same.households, 300);
    assert_eq!(same.line_now, Money::from_yuan(8_300));
    assert_eq!((same.entering, same.leaving), (0, 0));
    assert_eq!(same.at_risk_now, same.at_risk_then);
    assert!(!same.cached);

    // Raise the line by 1,000 元: only entries, each now below the new line.
    let up = WhatIf {
        line: Some(Money::from_yuan(9_300)),
        ..base.clone()
    };
    let r = store.what_if(&county, &up, now).await.unwrap();
    assert!(r.cached, "facts reused");
    assert!(r.entering > 0, "{r:?}");
    assert_eq!(r.leaving, 0);
    assert_eq!(r.at_risk_then, r.at_risk_now + r.entering);
    for h in &r.entering_households {
        let pc = h.per_capita.unwrap();
        assert!(
            pc >= Money::from_yuan(8_300) && pc < Money::from_yuan(9_300),
            "{h:?}"
        );
    }
    let by_village: u64 = r.by_village.iter().map(|v| v.entering).sum();
    let by_town: u64 = r.by_township.iter().map(|v| v.entering).sum();
    assert_eq!((by_village, by_town), (r.entering, r.entering));

    // Lowering the line: only households leaving the set.
    let down = WhatIf {
        line: Some(Money::from_yuan(5_000)),
        ..base.clone()
    };
    let r = store.what_if(&county, &down, now).await.unwrap();
    assert!(r.leaving > 0 && r.entering == 0, "{r:?}");

    // Nothing was written: the stored line and the households are unchanged.
    let again = store.what_if(&county, &base, now).await.unwrap();
    assert_eq!(again.at_risk_now, same.at_risk_now);
    let policy = store.policy_set().await.unwrap();
    let (line, _) = policy
        .monitoring_line(&AreaCode::parse("500230").unwrap(), 2024)
        .unwrap();
    assert_eq!(line, Money::from_yuan(8_300));

    // Edits are picked up from memory, re-reading only the changed
    // household: a household whose 2024 income is corrected to nothing, with
    // a concrete risk (an unsafe dwelling, policy.md §1.2), enters the set.
    let mut page = store
        .household_bundles_after(&county, &Default::default(), 0, 300)
        .await
        .unwrap();
    let pos = page
        .iter()
        .position(|(_, b)| {
            b.incomes.iter().any(|i| i.year == 2024)
                && b.household.monitor_category.is_none()
                && b.incomes[0].rigid_expense == Money::ZERO
                && b.incomes[0].wage > Money::from_yuan(60_000)
        })
        .unwrap();
    let (id, mut b) = page.swap_remove(pos);
    let incomes = nothing(&b);
    b.household.conditions.is_unsafe_house = true;
    store
        .update_household(&county, id, b.household, b.members, incomes, "收入核减")
        .await
        .unwrap();
    let fresh = store.what_if(&county, &base, now).await.unwrap();
    assert!(fresh.cached);
    assert_eq!(fresh.households, 300);
    assert_eq!(fresh.at_risk_now, same.at_risk_now + 1);
    assert_eq!(
        fresh.below_line_without_risk_now,
        same.below_line_without_risk_now
    );

    // policy.md §1.2: below the line without any concrete risk is not a
    // candidate. Such a household is listed apart for a visit.
    let pos = page
        .iter()
        .position(|(_, b)| {
            b.incomes.iter().any(|i| i.year == 2024)
                && b.household.monitor_category.is_none()
                && b.incomes[0].wage > Money::from_yuan(60_000)
        })
        .unwrap();
    let (plain, mut b) = page.swap_remove(pos);
    let before = store
        .household_assessment(&county, plain, Some(2024), now)
        .await
        .unwrap()
        .unwrap();
    assert!(!before.below_line_without_risk);
    let incomes = nothing(&b);
    without_risks(&mut b);
    store
        .update_household(&county, plain, b.household, b.members, incomes, "收入核减")
        .await
        .unwrap();
    let a = store
        .household_assessment(&county, plain, Some(2024), now)
        .await
        .unwrap()
        .unwrap();
    assert!(a.below_line_without_risk && a.category.is_none(), "{a:?}");
    let listed = store.what_if(&county, &base, now).await.unwrap();
    assert_eq!(
        listed.below_line_without_risk_now,
        fresh.below_line_without_risk_now + 1
    );
    assert_eq!(
        listed.at_risk_now,
        fresh.at_risk_now - u64::from(before.at_risk())
    );
    assert!(
        listed.below_line_without_risk_now > 200
            || listed
                .below_line_without_risk_households
                .iter()
                .any(|h| h.id == plain && h.category_then.is_none())
    );
    assert!(listed.entering_households.iter().all(|h| h.id != plain));

    // Another village's operator cannot measure this village.
    let village = bundles[0].household.area;
    let other = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| *a != village)
        .unwrap();
    let outsider = Access::system(other);
    let e = store
        .what_if(
            &outsider,
            &WhatIf {
                area: village,
                ..base
            },
            now,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
}

/// Every income year of `b` corrected to nothing.
fn nothing(b: &fangpin_domain::HouseholdBundle) -> Vec<fangpin_domain::income::IncomeRecord> {
    b.incomes
        .iter()
        .map(|i| fangpin_domain::income::IncomeRecord {
            year: i.year,
            annual_persons: i.annual_persons,
            ..Default::default()
        })
        .collect()
}

/// `b` with none of the conditions the rules read as a risk.
fn without_risks(b: &mut fangpin_domain::HouseholdBundle) {
    let c = &mut b.household.conditions;
    c.housing_grade = Some("A".into());
    c.is_unsafe_house = false;
    c.housing_secured = Some(true);
    c.drinking_water_secured = Some(true);
    c.safe_drinking_water = Some(true);
    for m in &mut b.members {
        m.health = "1".into();
        m.labor_skill = fangpin_domain::codes::well_known::LABOR_ORDINARY.into();
        m.insurance.resident_medical = true;
        m.student_status = None;
        m.dropout_reason = None;
    }
}
