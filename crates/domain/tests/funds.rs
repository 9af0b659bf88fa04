//! The 公益性岗位 age check of the data-quality table: a household where a
//! child holds a post trips it, one where an adult does not.

mod common;

use common::*;
use fangpin_domain::quality::{Context, check};
use fangpin_domain::{PolicySet, seed_params};

fn hits(b: &fangpin_domain::HouseholdBundle, today: chrono::NaiveDate) -> Vec<String> {
    let p = PolicySet::new(seed_params());
    check(b, &Context::new(today, &p))
        .into_iter()
        .filter(|f| f.rule == "L_public_post_age")
        .map(|f| f.message)
        .collect()
}

#[test]
fn nobody_under_16_holds_a_public_welfare_post() {
    let mut b = family(true, vec![income(2024, 3, 9_000, 0)]);
    // The son, born 2012-09-01, is 12 in 2024.
    b.members[2].public_welfare_post = Some("保洁员".into());
    b.members[2].public_welfare_months = 6;
    assert_eq!(
        hits(&b, date(2024, 10, 1)),
        vec!["张小河12周岁，未满16周岁，不得担任公益性岗位“保洁员”"]
    );
    // The same post held by his mother passes.
    b.members[2].public_welfare_post = None;
    b.members[2].public_welfare_months = 0;
    b.members[1].public_welfare_post = Some("保洁员".into());
    b.members[1].public_welfare_months = 6;
    assert!(hits(&b, date(2024, 10, 1)).is_empty());
    // Months without a post name still count as holding one.
    b.members[2].public_welfare_months = 3;
    assert_eq!(hits(&b, date(2024, 10, 1)).len(), 1);
    // Turning 16 ends the finding.
    assert!(hits(&b, date(2028, 9, 1)).is_empty());
}
