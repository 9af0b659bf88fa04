//! Data-quality findings over time on both engines: found with a fix-by
//! date on the working-day calendar, kept while they persist, resolved when
//! fixed; village scores.

use chrono::{NaiveDate, TimeZone, Utc};
use fangpin_domain::YearMonth;
use fangpin_domain::codes::well_known;
use fangpin_store::Store;
use fangpin_store::quality::QualityFilter;

mod common;

fangpin_store::dual_backend_tests!(findings_are_found_kept_and_resolved);

async fn findings_are_found_kept_and_resolved(store: Store) {
    // Friday before 国庆 2024: 10 working days end on 10-16.
    let friday = Utc.with_ymd_and_hms(2024, 9, 27, 2, 0, 0).unwrap();
    let later = Utc.with_ymd_and_hms(2024, 10, 28, 2, 0, 0).unwrap();
    let store = store.with_clock_at(friday);
    let (_, county) = common::demo_county(&store, 8, 120).await;
    let first = store.run_quality(&county, None, friday).await.unwrap();
    assert_eq!(first.checked, 120);

    // A monitored household where nobody can work, not flagged 兜底.
    let (id, b) = store
        .household_bundles_after(&county, &Default::default(), 0, 1)
        .await
        .unwrap()
        .remove(0);
    let mut h = b.household.clone();
    h.monitor_category = Some(well_known::CATEGORY_MARGINAL.into());
    h.identified_month = Some(YearMonth::parse("202406").unwrap());
    h.risk_eliminated = Some(false);
    h.risks = vec!["04".into()];
    h.no_labor_safety_net = false;
    h.dev_measure_status = Some("已实施".into());
    h.conditions.safe_drinking_water = Some(true);
    h.conditions.drinking_water_secured = Some(true);
    h.conditions.housing_secured = Some(true);
    h.conditions.compulsory_education_secured = Some(true);
    let mut members = b.members.clone();
    for m in &mut members {
        m.labor_skill = well_known::LABOR_NONE.into();
        m.work_months = 0;
    }
    let no = h.household_no.clone();
    store
        .update_household(
            &county,
            id,
            h.clone(),
            members.clone(),
            b.incomes.clone(),
            "核实劳动能力",
        )
        .await
        .unwrap();
    // Checked on save.
    let mine = QualityFilter {
        household_id: Some(id),
        ..Default::default()
    };
    let (_, issues) = store
        .quality_issues(&county, &mine, 0, 50, friday)
        .await
        .unwrap();
    let issue = issues.iter().find(|i| i.rule == "5_11_033").unwrap();
    assert_eq!(
        issue.fix_by,
        Some(NaiveDate::from_ymd_opt(2024, 10, 16).unwrap())
    );
    assert_eq!(issue.title, "整户无劳动能力未标注兜底保障");
    assert!(!issue.overdue);
    // Not overdue yet: the village's score counts it as open, not overdue.
    let scores = store.quality_scores(&county, None, friday).await.unwrap();
    let village = scores
        .iter()
        .find(|s| s.area_code == b.household.area.as_string())
        .unwrap();
    let open_here = store
        .quality_issues(
            &county,
            &QualityFilter {
                area: Some(b.household.area),
                ..Default::default()
            },
            0,
            500,
            friday,
        )
        .await
        .unwrap()
        .1;
    assert_eq!(
        village.overdue,
        open_here.iter().filter(|i| i.overdue).count() as u64,
        "{open_here:?}"
    );

    // Still there a month later: kept (same first day), now overdue.
    let store = store.with_clock_at(later);
    store.run_quality(&county, None, later).await.unwrap();
    let (_, issues) = store
        .quality_issues(&county, &mine, 0, 50, later)
        .await
        .unwrap();
    let again = issues.iter().find(|i| i.rule == "5_11_033").unwrap();
    assert_eq!(again.id, issue.id);
    assert_eq!(again.first_seen, issue.first_seen);
    assert!(again.overdue);
    let scores = store.quality_scores(&county, None, later).await.unwrap();
    let village = scores
        .iter()
        .find(|s| s.area_code == b.household.area.as_string())
        .unwrap();
    assert!(village.with_issues >= 1 && village.overdue >= 1);
    assert!(village.score < 100.0);

    // Fixed: flagged as 整户无劳动能力兜底保障户 → resolved.
    h.no_labor_safety_net = true;
    store
        .update_household(&county, id, h, members, b.incomes, "标注兜底保障")
        .await
        .unwrap();
    // Resolved on save; a second check finds nothing new.
    let run = store
        .refresh_quality_for(&county, &[no], later)
        .await
        .unwrap();
    assert_eq!((run.new, run.resolved), (0, 0), "{run:?}");
    let (_, open) = store
        .quality_issues(&county, &mine, 0, 50, later)
        .await
        .unwrap();
    assert!(open.iter().all(|i| i.rule != "5_11_033"));
    let all = QualityFilter {
        household_id: Some(id),
        include_resolved: true,
        ..Default::default()
    };
    let (_, history) = store
        .quality_issues(&county, &all, 0, 50, later)
        .await
        .unwrap();
    let closed = history.iter().find(|i| i.rule == "5_11_033").unwrap();
    assert_eq!(
        closed.resolved_on,
        Some(NaiveDate::from_ymd_opt(2024, 10, 28).unwrap())
    );
}
