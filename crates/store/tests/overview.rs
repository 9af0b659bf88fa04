//! 首页概览 务工规模 on both engines: the figures of the county, a township,
//! a village and a 村民小组 against the households the test builds (records
//! of chosen members: one worker mostly outside the province, one with a tie
//! between 县内 and 县外省内, one abroad, one only in another year, one
//! 公益性岗位), every area below counted in one answer, and the caller's scope.

use std::collections::{BTreeMap, HashSet};

use fangpin_domain::codes::well_known;
use fangpin_domain::funds::{EmploymentEntry, PostEntry, WorkRegion};
use fangpin_domain::{AreaCode, HouseholdBundle, Money, Person, YearMonth};
use fangpin_store::areas::NodeLevel;
use fangpin_store::overview::EmploymentCounts;
use fangpin_store::testing::{china_morning, day, role_user};
use fangpin_store::{Access, Store, StoreError};

mod common;

fangpin_store::dual_backend_tests!(employment_scale_on_the_overview_per_area_below,);

fn able_adult(b: &HouseholdBundle) -> Option<&Person> {
    b.members
        .iter()
        .find(|m| m.has_labor_capacity() && (20..=55).contains(&m.age_on(day(2024, 1, 1))))
}

/// Makes household `id` a 边缘易致贫户 (an ordinary household monitored).
async fn monitor(store: &Store, county: &Access, id: i64) {
    let mut d = store.household(county, id).await.unwrap();
    let h = &mut d.household;
    h.household_type = well_known::HOUSEHOLD_ORDINARY.into();
    h.monitor_category = Some(well_known::CATEGORY_MARGINAL.into());
    h.risks = vec!["01".into()];
    h.risk_eliminated = Some(false);
    h.identified_month = Some("202403".parse::<YearMonth>().unwrap());
    h.dev_measure_status = Some("已实施".into());
    store
        .update_household(county, id, d.household, d.members, d.incomes, "纳入监测")
        .await
        .unwrap();
}

/// One worker as the test records them.
struct Worker {
    household: usize,
    /// 务工 months in the year, all regions.
    months: u8,
    lifted: bool,
    monitored: bool,
    region: WorkRegion,
    income: Money,
}

async fn employment_scale_on_the_overview_per_area_below(store: Store) {
    let (mut bundles, county) = common::demo_county(&store, 41, 160).await;
    let at = china_morning(2024, 11, 1);
    let id_of = async |b: &HouseholdBundle| {
        store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id
    };

    // The households the records go to: A a 脱贫户 (not monitored), B made a
    // 边缘易致贫户, C an ordinary household in another township, D and E.
    let lifted = |b: &HouseholdBundle| {
        b.household.household_type == well_known::HOUSEHOLD_LIFTED
            && b.household.monitor_category.is_none()
    };
    let ordinary = |b: &HouseholdBundle| {
        b.household.household_type == well_known::HOUSEHOLD_ORDINARY
            && b.household.monitor_category.is_none()
    };
    let (a, b) = (0..bundles.len())
        .flat_map(|i| (0..bundles.len()).map(move |j| (i, j)))
        .find(|&(i, j)| {
            let (x, y) = (&bundles[i], &bundles[j]);
            lifted(x)
                && ordinary(y)
                && x.household.area == y.household.area
                && able_adult(x).is_some()
                && able_adult(y).is_some()
        })
        .expect("a 脱贫户 and an ordinary household, both with an able adult, in one village");
    let village = bundles[a].household.area;
    let township = village.parent().unwrap();
    let c = bundles
        .iter()
        .position(|b| {
            b.household.area.parent() != Some(township) && ordinary(b) && able_adult(b).is_some()
        })
        .expect("an able household in another township");
    let taken = [a, b, c];
    let mut others =
        (0..bundles.len()).filter(|i| !taken.contains(i) && able_adult(&bundles[*i]).is_some());
    let (d, e) = (others.next().unwrap(), others.next().unwrap());

    let b_id = id_of(&bundles[b]).await;
    monitor(&store, &county, b_id).await;
    bundles[b].household.household_type = well_known::HOUSEHOLD_ORDINARY.into();
    bundles[b].household.monitor_category = Some(well_known::CATEGORY_MARGINAL.into());

    let job = |p: &Person, year: i32, region: WorkRegion, months: u8, yuan: i64| EmploymentEntry {
        person_no: p.person_no.clone(),
        year,
        region,
        place: "某地".into(),
        employer: "某厂".into(),
        months,
        income: Money::from_yuan(yuan),
        note: String::new(),
    };
    let record = async |i: usize, entry: EmploymentEntry| {
        store
            .add_employment(&county, id_of(&bundles[i]).await, entry, at)
            .await
            .unwrap();
    };
    let pa = able_adult(&bundles[a]).unwrap().clone();
    let pb = able_adult(&bundles[b]).unwrap().clone();
    let pc = able_adult(&bundles[c]).unwrap().clone();
    let pd = able_adult(&bundles[d]).unwrap().clone();
    let pe = able_adult(&bundles[e]).unwrap().clone();
    // A: 10 months 省外 and 2 县内 — once, under 省外.
    record(a, job(&pa, 2024, WorkRegion::OutOfProvince, 10, 40_000)).await;
    record(a, job(&pa, 2024, WorkRegion::InCounty, 2, 3_000)).await;
    // B: 2 months 县内, 2 months 县外省内 — a tie goes to the nearer, 县内;
    // four months in all, not six.
    record(b, job(&pb, 2024, WorkRegion::InCounty, 2, 9_000)).await;
    record(b, job(&pb, 2024, WorkRegion::InProvince, 2, 12_000)).await;
    // C: a year abroad.
    record(c, job(&pc, 2024, WorkRegion::Abroad, 12, 90_000)).await;
    // D: worked in 2023 only.
    record(d, job(&pd, 2023, WorkRegion::InProvince, 8, 30_000)).await;
    // E: a 公益性岗位 in 2024 (not 务工, but the household is not 零就业).
    store
        .add_post(
            &county,
            id_of(&bundles[e]).await,
            PostEntry {
                person_no: pe.person_no.clone(),
                post: "护林员".into(),
                start: day(2024, 3, 1),
                end: day(2024, 12, 31),
                monthly_pay: Money::from_yuan(600),
                note: String::new(),
            },
            at,
        )
        .await
        .unwrap();

    // What the figures must be, from the households themselves.
    let workers_2024 = [
        Worker {
            household: a,
            months: 12,
            lifted: true,
            monitored: false,
            region: WorkRegion::OutOfProvince,
            income: Money::from_yuan(43_000),
        },
        Worker {
            household: b,
            months: 4,
            lifted: false,
            monitored: true,
            region: WorkRegion::InCounty,
            income: Money::from_yuan(21_000),
        },
        Worker {
            household: c,
            months: 12,
            lifted: false,
            monitored: false,
            region: WorkRegion::Abroad,
            income: Money::from_yuan(90_000),
        },
    ];
    let employed_2024: HashSet<usize> = [a, b, c, e].into();
    let expected = |inside: &dyn Fn(&HouseholdBundle) -> bool| {
        let mut x = EmploymentCounts::default();
        for w in workers_2024
            .iter()
            .filter(|w| inside(&bundles[w.household]))
        {
            x.workers += 1;
            x.lifted_workers += i64::from(w.lifted);
            x.monitored_workers += i64::from(w.monitored);
            match w.region {
                WorkRegion::InCounty => x.in_county += 1,
                WorkRegion::InProvince => x.in_province += 1,
                WorkRegion::OutOfProvince => x.out_of_province += 1,
                WorkRegion::Abroad => x.abroad += 1,
            }
            x.out_of_county += i64::from(w.region != WorkRegion::InCounty);
            x.six_months_plus += i64::from(w.months >= 6);
            x.income_fen += w.income;
        }
        for (i, h) in bundles.iter().enumerate() {
            if inside(h) && h.members.iter().any(Person::has_labor_capacity) {
                x.labour_households += 1;
                x.zero_employment_households += i64::from(!employed_2024.contains(&i));
            }
        }
        x
    };

    // The county: every township, each with its own figures.
    let all = store
        .area_employment(&county, "500230000000", 2024)
        .await
        .unwrap();
    assert_eq!((all.year, all.level), (2024, NodeLevel::County));
    assert_eq!(all.total, expected(&|_| true));
    assert_eq!(all.total.workers, 3);
    assert_eq!(
        (all.total.lifted_workers, all.total.monitored_workers),
        (1, 1)
    );
    assert_eq!(
        (
            all.total.in_county,
            all.total.in_province,
            all.total.out_of_province,
            all.total.abroad,
            all.total.out_of_county
        ),
        (1, 0, 1, 1, 2)
    );
    assert_eq!(all.total.income_fen, Money::from_yuan(154_000));
    let townships: BTreeMap<String, AreaCode> = bundles
        .iter()
        .map(|b| {
            let t = b.household.area.parent().unwrap();
            (t.as_string(), t)
        })
        .collect();
    for (code, t) in &townships {
        let row = all
            .children
            .iter()
            .find(|r| &r.code == code)
            .unwrap_or_else(|| panic!("township {code} listed"));
        assert_eq!(row.level, NodeLevel::Township);
        assert_eq!(
            row.counts,
            expected(&|b| t.contains(&b.household.area)),
            "{code}"
        );
    }
    let sum: i64 = all.children.iter().map(|r| r.counts.workers).sum();
    assert_eq!(sum, 3);

    // The same as the 零就业家庭 list of the 务工 tab.
    let zero = store
        .zero_employment(&county, None, 2024, 0, 1)
        .await
        .unwrap();
    assert_eq!(
        zero.total as i64, all.total.zero_employment_households,
        "as the 零就业家庭 list counts"
    );

    // The township of A and B: its villages.
    let t = store
        .area_employment(&county, &township.as_string(), 2024)
        .await
        .unwrap();
    assert_eq!(t.total, expected(&|b| township.contains(&b.household.area)));
    assert_eq!((t.total.workers, t.total.out_of_county), (2, 1));
    let v = t
        .children
        .iter()
        .find(|r| r.code == village.as_string())
        .unwrap();
    assert_eq!(v.level, NodeLevel::Village);
    assert_eq!(v.counts, expected(&|b| b.household.area == village));

    // The village: its 村民小组.
    let vil = store
        .area_employment(&county, &village.as_string(), 2024)
        .await
        .unwrap();
    assert_eq!(vil.total, v.counts);
    assert!(!vil.children.is_empty());
    for g in &vil.children {
        let no: u16 = g.code.rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(g.level, NodeLevel::Group);
        assert_eq!(
            g.counts,
            expected(&|b| b.household.area == village && b.household.group_no == Some(no)),
            "{}",
            g.code
        );
    }
    // A's 村民小组 alone.
    let a_group = bundles[a].household.group_no.expect("A has a 村民小组");
    let key = format!("{}-{a_group:02}", village.as_string());
    let grp = store.area_employment(&county, &key, 2024).await.unwrap();
    assert_eq!(grp.level, NodeLevel::Group);
    assert!(grp.children.is_empty());
    assert_eq!(
        grp.total,
        expected(&|b| b.household.area == village && b.household.group_no == Some(a_group))
    );
    assert_eq!(grp.total.lifted_workers, 1);

    // Another year: only D worked (in 2023), and 零就业 is counted for 2023.
    let y23 = store
        .area_employment(&county, "500230000000", 2023)
        .await
        .unwrap();
    assert_eq!(
        (
            y23.total.workers,
            y23.total.in_province,
            y23.total.income_fen
        ),
        (1, 1, Money::from_yuan(30_000))
    );
    assert_eq!(
        y23.total.zero_employment_households,
        y23.total.labour_households - 1
    );

    // Scope: a village operator sees their village, not the county; a
    // department officer does not browse households.
    let op = role_user(7, "village_operator", village);
    let mine = store
        .area_employment(&op, &village.as_string(), 2024)
        .await
        .unwrap();
    assert_eq!(mine.total, vil.total);
    let e = store
        .area_employment(&op, "500230000000", 2024)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let e = store
        .area_employment(&op, &township.as_string(), 2024)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let dept = role_user(8, "dept_officer", township);
    let e = store
        .area_employment(&dept, &township.as_string(), 2024)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
}
