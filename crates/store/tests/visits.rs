//! Visits and campaigns on both engines: recording in scope and refusals that
//! write nothing, a lead raised from a visit, and campaign progress on the
//! demo county checked against numbers computed here from the generated
//! households and visits.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::{demo_county, user};
use fangpin_demo::DemoConfig;
use fangpin_demo::store_load::{BulkVisit, insert_visits_bulk, link_sweep_visits};
use fangpin_demo::visits::{CampaignPlan, VisitPlanner, finished_campaign, running_campaign};
use fangpin_domain::monitor::workflow::{CaseState, Channel};
use fangpin_domain::visits::{
    CampaignForm, Flag, NewVisit, Subject, TargetSpec, VisitForm, VisitKind,
};
use fangpin_domain::{AreaCode, HouseholdBundle, PolicySet, seed_params};
use fangpin_store::monitor::CaseFilter;
use fangpin_store::visits::{VisitFilter, VisitInput};
use fangpin_store::{Access, Actor, AuditFilter, Store, StoreError};

fangpin_store::dual_backend_tests!(
    recording_and_listing,
    scope_and_role_refusals_write_nothing,
    raising_a_lead_links_the_case,
    campaign_progress_on_the_demo_county,
    redrawing_targets_adds_keeps_visited_and_removes,
    photos_within_limits_by_content_and_in_scope,
);

const SEED: u64 = 23;

/// 09:00 in China on a day.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn visit(date: &str, flags: &[&str], findings: &str) -> VisitForm {
    VisitForm {
        date: Some(date.into()),
        kind: "home".into(),
        findings: findings.into(),
        flags: flags.iter().map(std::string::ToString::to_string).collect(),
        risk_found: false,
    }
}

async fn id_of(store: &Store, county: &Access, b: &HouseholdBundle) -> i64 {
    store
        .household_by_no(county, &b.household.household_no)
        .await
        .unwrap()
        .id
}

/// Two households of different villages that are not monitoring objects.
fn two_villages(bundles: &[HouseholdBundle]) -> (&HouseholdBundle, &HouseholdBundle) {
    let plain = |b: &&HouseholdBundle| b.household.monitor_category.is_none();
    let a = bundles.iter().find(plain).unwrap();
    let b = bundles
        .iter()
        .filter(plain)
        .find(|b| b.household.area != a.household.area)
        .unwrap();
    (a, b)
}

/// A 帮扶责任人 login paired with household `id` (made a monitored
/// household first, as pairing requires).
async fn paired_helper(
    store: &Store,
    county: &Access,
    id: i64,
    village: AreaCode,
    now: DateTime<Utc>,
) -> Access {
    store
        .create_user(
            &Actor::system("测试"),
            &fangpin_store::NewUser {
                username: "bangfu_v".into(),
                display_name: "帮扶责任人".into(),
                password: "Abcdefg123".into(),
                role: "assistance_cadre".into(),
                area: village,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let mut d = store.household(county, id).await.unwrap();
    d.household.monitor_category = Some("1".into());
    d.household.risks = vec!["01".into()];
    d.household.risk_eliminated = Some(false);
    d.household.identified_month = Some("202601".parse().unwrap());
    store
        .update_household(county, id, d.household, d.members, d.incomes, "纳入监测")
        .await
        .unwrap();
    let cadre = store
        .create_cadre(
            county,
            &fangpin_domain::assist::CadreForm {
                name: "李明".into(),
                unit: "县农业农村委".into(),
                position: "科员".into(),
                phone: "13812345678".into(),
                area: village.as_string(),
                active: Some(true),
                username: "bangfu_v".into(),
            },
            now,
        )
        .await
        .unwrap();
    store
        .pair(county, id, cadre, now.date_naive(), now)
        .await
        .unwrap();
    store
        .user_by_username("bangfu_v")
        .await
        .unwrap()
        .unwrap()
        .access(None)
        .unwrap()
}

async fn visit_count(store: &Store, county: &Access) -> u64 {
    store
        .visits(
            county,
            &VisitFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0
}

async fn recording_and_listing(store: Store) {
    let (bundles, county) = demo_county(&store, SEED, 120).await;
    let (a, b) = two_villages(&bundles);
    let (ida, idb) = (
        id_of(&store, &county, a).await,
        id_of(&store, &county, b).await,
    );
    let cadre = user(5, "village_operator", a.household.area);
    let now = at(2026, 5, 10);
    // A 帮扶 cadre sees and visits only the households paired with them.
    let unpaired = user(8, "assistance_cadre", b.household.area);
    let e = store
        .record_visit(
            &unpaired,
            VisitInput {
                household_id: idb,
                form: visit("2026-05-09", &[], "结对走访，宣传政策"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let helper = paired_helper(&store, &county, idb, b.household.area, now).await;

    let v1 = store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit(
                    "2026-05-08",
                    &["illness", "income_drop"],
                    "户主住院，收入减少",
                ),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit("2026-04-02", &[], "情况稳定"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    store
        .record_visit(
            &helper,
            VisitInput {
                household_id: idb,
                form: visit("2026-05-09", &[], "结对走访，宣传政策"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();

    let row = store.visit(&cadre, v1).await.unwrap();
    assert_eq!(row.household_no, a.household.household_no);
    assert_eq!(row.visit_date, day(2026, 5, 8));
    assert_eq!(row.kind_label, "入户走访");
    assert_eq!(row.visitor_id, Some(5));
    assert_eq!(
        row.flags.iter().map(|f| f.label).collect::<Vec<_>>(),
        ["因病", "收入骤减"]
    );
    assert!(row.risk_found);
    assert_eq!(row.case_id, None);

    let list = |f: VisitFilter| {
        let store = store.clone();
        let county = county.clone();
        async move {
            let (n, rows) = store
                .visits(&county, &VisitFilter { limit: 50, ..f })
                .await
                .unwrap();
            assert_eq!(n as usize, rows.len());
            rows.iter().map(|r| r.visit_date).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(VisitFilter {
            household_id: Some(ida),
            ..Default::default()
        })
        .await,
        [day(2026, 5, 8), day(2026, 4, 2)],
        "newest first"
    );
    assert_eq!(
        list(VisitFilter {
            area: Some(b.household.area),
            ..Default::default()
        })
        .await,
        [day(2026, 5, 9)]
    );
    assert_eq!(
        list(VisitFilter {
            visitor_id: Some(5),
            from: Some(day(2026, 5, 1)),
            ..Default::default()
        })
        .await,
        [day(2026, 5, 8)]
    );
    assert_eq!(
        list(VisitFilter {
            risk_pending: true,
            ..Default::default()
        })
        .await,
        [day(2026, 5, 8)]
    );
    // The 帮扶 cadre sees only their village.
    let (n, _) = store
        .visits(
            &helper,
            &VisitFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 1);

    let audit = store
        .audit_search(
            &AuditFilter {
                action: Some("visit_record".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.0, 3);
}

async fn scope_and_role_refusals_write_nothing(store: Store) {
    let (bundles, county) = demo_county(&store, SEED, 120).await;
    let (a, b) = two_villages(&bundles);
    let idb = id_of(&store, &county, b).await;
    let outsider = user(6, "village_operator", a.household.area);
    let now = at(2026, 5, 10);
    let input = |id| VisitInput {
        household_id: id,
        form: visit("2026-05-08", &[], "走访"),
        campaign_id: None,
    };
    match store.record_visit(&outsider, input(idb), now).await {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("outside the area: {other:?}"),
    }
    let inspector = user(9, "inspector", county.area);
    match store.record_visit(&inspector, input(idb), now).await {
        Err(StoreError::Forbidden(m)) => assert!(m.contains("不能登记走访"), "{m}"),
        other => panic!("inspector: {other:?}"),
    }
    // A visit dated after today (the store's check, whatever the form said).
    let own = user(7, "village_operator", b.household.area);
    match store.record_visit(&own, input(idb), at(2026, 5, 7)).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("不能晚于今天"), "{m}"),
        other => panic!("future: {other:?}"),
    }
    assert_eq!(visit_count(&store, &county).await, 0);

    // Campaigns: a village cadre cannot create one, a township cannot reach
    // beyond itself, and a visit outside a campaign's period is refused.
    let township = b.household.area.parent().unwrap();
    let form = |area: AreaCode| CampaignForm {
        name: "2026年集中排查".into(),
        kind: "sweep".into(),
        area: area.as_string(),
        from: "2026-04-01".into(),
        until: "2026-06-30".into(),
        targets: vec!["all".into()],
    };
    match store.create_campaign(&own, &form(township), now).await {
        Err(StoreError::Forbidden(_)) => {}
        other => panic!("village creates campaign: {other:?}"),
    }
    let reviewer = user(2, "township_reviewer", township);
    match store
        .create_campaign(&reviewer, &form(county.area), now)
        .await
    {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("township creates county campaign: {other:?}"),
    }
    assert!(store.campaigns(&county, now).await.unwrap().is_empty());
    let cid = store
        .create_campaign(&reviewer, &form(township), now)
        .await
        .unwrap();
    let late = VisitInput {
        household_id: idb,
        form: visit("2026-03-31", &[], "走访"),
        campaign_id: Some(cid),
    };
    match store.record_visit(&own, late, now).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("不在“2026年集中排查”的排查期限"), "{m}"),
        other => panic!("outside the period: {other:?}"),
    }
    // The other village's cadre does not see the township's campaign unless
    // their village lies in it.
    let seen = store.campaigns(&outsider, now).await.unwrap();
    assert_eq!(
        seen.len(),
        usize::from(township.contains(&a.household.area))
    );
    assert_eq!(visit_count(&store, &county).await, 0);
}

async fn raising_a_lead_links_the_case(store: Store) {
    let (bundles, county) = demo_county(&store, SEED, 120).await;
    let (a, b) = two_villages(&bundles);
    let ida = id_of(&store, &county, a).await;
    let cadre = user(5, "village_operator", a.household.area);
    let now = at(2026, 5, 11);
    let vid = store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit("2026-05-11", &["disaster", "housing"], "房屋受暴雨损毁"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    // A 帮扶 cadre records but does not open cases; nothing changes.
    let helper = user(8, "assistance_cadre", a.household.area);
    assert!(matches!(
        store.raise_lead_from_visit(&helper, vid, false, now).await,
        Err(StoreError::Forbidden(_))
    ));
    // Outside the area the visit does not exist.
    let outsider = user(6, "village_operator", b.household.area);
    assert!(matches!(
        store
            .raise_lead_from_visit(&outsider, vid, false, now)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.visit(&cadre, vid).await.unwrap().case_id, None);

    let case_id = store
        .raise_lead_from_visit(&cadre, vid, true, now)
        .await
        .unwrap();
    assert_eq!(
        store.visit(&cadre, vid).await.unwrap().case_id,
        Some(case_id)
    );
    let detail = store.case_detail(&cadre, case_id, now).await.unwrap();
    assert_eq!(detail.row.channel, Channel::CadreVisit);
    assert_eq!(detail.row.state, CaseState::Lead);
    assert!(detail.row.green_channel);
    assert_eq!(detail.row.household_id, ida);
    let open = &detail.events[0].payload;
    assert_eq!(open["summary"], "房屋受暴雨损毁");
    let evidence = open["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("2026-05-11") && evidence.contains("因灾、住房安全"),
        "{evidence}"
    );

    // Twice is refused; a second visit to the same household cannot open a
    // second case, and stays unlinked.
    assert!(matches!(
        store.raise_lead_from_visit(&cadre, vid, false, now).await,
        Err(StoreError::Invalid(_))
    ));
    let v2 = store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit("2026-05-11", &["illness"], "又发现因病"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    match store.raise_lead_from_visit(&cadre, v2, false, now).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("已有办理中的案件"), "{m}"),
        other => panic!("second lead: {other:?}"),
    }
    assert_eq!(store.visit(&cadre, v2).await.unwrap().case_id, None);
    let (n, _) = store
        .cases(
            &county,
            &CaseFilter {
                household_id: Some(ida),
                limit: 10,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
}

/// Expected (target, visited) per village, computed from the bundles and
/// the generated visits.
fn expected(
    plan: &CampaignPlan,
    bundles: &[HouseholdBundle],
    visited_on: &HashMap<String, Vec<NaiveDate>>,
    today: NaiveDate,
) -> BTreeMap<AreaCode, (u64, u64)> {
    let policy = PolicySet::new(seed_params());
    let spec = TargetSpec::parse(&plan.targets).unwrap();
    let mut out: BTreeMap<AreaCode, (u64, u64)> = BTreeMap::new();
    for b in bundles {
        let s = Subject::new(b, &policy, today, false).unwrap();
        if spec.matched(&s).is_empty() {
            continue;
        }
        let e = out.entry(b.household.area).or_default();
        e.0 += 1;
        let seen = visited_on
            .get(&b.household.household_no)
            .is_some_and(|ds| ds.iter().any(|d| plan.from <= *d && *d <= plan.until));
        if seen {
            e.1 += 1;
        }
    }
    out
}

async fn campaign_progress_on_the_demo_county(store: Store) {
    let n = 600;
    let (bundles, county) = demo_county(&store, SEED, n).await;
    let today = day(2026, 5, 20);
    let now = at(2026, 5, 20);
    let cfg = DemoConfig::fengdu(SEED, n);
    let planner = VisitPlanner::new(&cfg, today);
    let mut visits = Vec::new();
    for (i, b) in bundles.iter().enumerate() {
        visits.extend(planner.visits(i as u32, b));
    }
    assert!(!visits.is_empty());
    let mut visited_on: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for v in &visits {
        visited_on
            .entry(v.household_no.clone())
            .or_default()
            .push(v.date);
    }
    let actor = Actor::system("测试");
    let bulk: Vec<BulkVisit> = visits
        .iter()
        .map(|v| BulkVisit {
            household_no: v.household_no.clone(),
            visitor_name: v.visitor.clone(),
            visit: NewVisit {
                date: v.date,
                kind: v.kind,
                findings: v.findings.clone(),
                flags: v.flags.clone(),
                risk_found: v.risk_found,
            },
        })
        .collect();
    assert_eq!(
        insert_visits_bulk(&store, &actor, &bulk).await.unwrap(),
        visits.len() as u64
    );
    assert!(
        visits
            .iter()
            .any(|v| v.flags.contains(&Flag::IncomeDrop) || v.risk_found)
    );
    assert!(visits.iter().any(|v| v.kind == VisitKind::Sweep));

    let organiser = user(3, "county_admin", county.area);
    for plan in [finished_campaign(today), running_campaign(today)] {
        let form = CampaignForm {
            name: plan.name.clone(),
            kind: plan.kind.into(),
            area: county.area.as_string(),
            from: plan.from.to_string(),
            until: plan.until.to_string(),
            targets: plan.targets.clone(),
        };
        let id = store.create_campaign(&organiser, &form, now).await.unwrap();
        let linked = link_sweep_visits(&store, &actor, id).await.unwrap();
        assert!(linked > 0, "{}", plan.name);
        let want = expected(&plan, &bundles, &visited_on, today);
        let ended = plan.until < today;

        // County: one row per township.
        let p = store
            .campaign_progress(&organiser, id, None, now)
            .await
            .unwrap();
        let mut by_township: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for (v, (t, vis)) in &want {
            let e = by_township
                .entry(v.parent().unwrap().as_string())
                .or_default();
            e.0 += t;
            e.1 += vis;
        }
        let got: BTreeMap<String, (u64, u64)> = p
            .rows
            .iter()
            .map(|r| (r.area_code.clone(), (r.target, r.visited)))
            .collect();
        assert_eq!(got, by_township, "{}", plan.name);
        let total: (u64, u64) = want.values().fold((0, 0), |a, (t, v)| (a.0 + t, a.1 + v));
        assert_eq!(
            (p.campaign.progress.target, p.campaign.progress.visited),
            total
        );
        assert!(
            total.1 > 0 && total.1 < total.0,
            "partial progress: {total:?}"
        );
        for r in &p.rows {
            assert_eq!(r.unvisited, r.target - r.visited);
            assert_eq!(r.overdue, if ended { r.unvisited } else { 0 });
            assert!(!r.area_name.is_empty() && r.area_name != r.area_code);
        }
        assert_eq!(
            p.campaign.phase_label,
            if ended { "已结束" } else { "进行中" }
        );

        // A township: one row per village, exactly as computed.
        let township = want.keys().next().unwrap().parent().unwrap();
        let p = store
            .campaign_progress(&organiser, id, Some(township), now)
            .await
            .unwrap();
        let got: BTreeMap<AreaCode, (u64, u64)> = p
            .rows
            .iter()
            .map(|r| {
                (
                    AreaCode::parse(&r.area_code).unwrap(),
                    (r.target, r.visited),
                )
            })
            .collect();
        let want_t: BTreeMap<AreaCode, (u64, u64)> = want
            .iter()
            .filter(|(v, _)| township.contains(v))
            .map(|(v, x)| (*v, *x))
            .collect();
        assert_eq!(got, want_t);

        // A village cadre sees their village, and who is left to visit.
        let (village, (t, v)) = want.iter().find(|(_, (t, v))| t > v).unwrap();
        let cadre = user(5, "village_operator", *village);
        let p = store
            .campaign_progress(&cadre, id, None, now)
            .await
            .unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!((p.rows[0].target, p.rows[0].visited), (*t, *v));
        let pending = store
            .campaign_pending(&cadre, id, None, 1000)
            .await
            .unwrap();
        assert_eq!(pending.len() as u64, t - v);
        let seen: HashSet<&str> = pending.iter().map(|p| p.household_no.as_str()).collect();
        for no in seen {
            let dates = visited_on.get(no).cloned().unwrap_or_default();
            assert!(!dates.iter().any(|d| plan.from <= *d && *d <= plan.until));
        }
        assert!(pending.iter().all(|p| !p.reasons.is_empty()));
    }
    let list = store.campaigns(&county, now).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].phase_label, "进行中");
    assert_eq!(list[1].targets_label, "八必访");
    assert!(list[1].progress.overdue > 0);
}

/// Sets or clears 低保 on every member of household `b` (an edit with a reason).
async fn set_dibao(store: &Store, county: &Access, b: &HouseholdBundle, on: bool) {
    let id = id_of(store, county, b).await;
    let mut members = b.members.clone();
    for m in &mut members {
        m.insurance.dibao = on && !m.insurance.tekun;
    }
    store
        .update_household(
            county,
            id,
            b.household.clone(),
            members,
            b.incomes.clone(),
            "低保认定变化",
        )
        .await
        .unwrap();
}

async fn target_nos(store: &Store, county: &Access, id: i64) -> HashSet<String> {
    store
        .campaign_pending(county, id, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.household_no)
        .collect()
}

async fn redrawing_targets_adds_keeps_visited_and_removes(store: Store) {
    let (bundles, county) = demo_county(&store, SEED, 300).await;
    let is_dibao = |b: &&HouseholdBundle| b.members.iter().any(|m| m.insurance.dibao);
    let on: Vec<&HouseholdBundle> = bundles.iter().filter(is_dibao).collect();
    let off: Vec<&HouseholdBundle> = bundles
        .iter()
        .filter(|b| !is_dibao(b) && b.members.iter().all(|m| !m.insurance.tekun))
        .collect();
    assert!(on.len() >= 3, "the demo county has 低保 households");
    let organiser = user(3, "county_admin", county.area);
    let form = CampaignForm {
        name: "低保户走访".into(),
        kind: "sweep".into(),
        area: county.area.as_string(),
        from: "2026-05-01".into(),
        until: "2026-06-30".into(),
        targets: vec!["dibao".into()],
    };
    let id = store
        .create_campaign(&organiser, &form, at(2026, 5, 5))
        .await
        .unwrap();
    let before = target_nos(&store, &county, id).await;
    assert_eq!(before.len(), on.len());

    // One household is visited in the period; then it, and one unvisited
    // household, leave 低保, and one household newly gets it.
    let (visited, dropped, kept) = (on[0], on[1], on[2]);
    let joined = off[0];
    let cadre = user(5, "village_operator", visited.household.area);
    store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: id_of(&store, &county, visited).await,
                form: visit("2026-05-06", &[], "低保政策宣传"),
                campaign_id: Some(id),
            },
            at(2026, 5, 6),
        )
        .await
        .unwrap();
    set_dibao(&store, &county, visited, false).await;
    set_dibao(&store, &county, dropped, false).await;
    set_dibao(&store, &county, joined, true).await;

    // Refusals change nothing: a village cadre, a township outside the
    // county's reach, and a campaign that has ended.
    let village = user(5, "village_operator", kept.household.area);
    assert!(matches!(
        store.redraw_campaign(&village, id, at(2026, 5, 10)).await,
        Err(StoreError::Forbidden(_))
    ));
    let township = user(
        2,
        "township_reviewer",
        kept.household.area.parent().unwrap(),
    );
    match store.redraw_campaign(&township, id, at(2026, 5, 10)).await {
        Err(StoreError::Forbidden(m)) => assert!(m.contains("由上级组织"), "{m}"),
        other => panic!("township redraws a county campaign: {other:?}"),
    }
    match store.redraw_campaign(&organiser, id, at(2026, 7, 1)).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("已于2026-06-30结束"), "{m}"),
        other => panic!("ended: {other:?}"),
    }
    let p = store
        .campaign_progress(&organiser, id, None, at(2026, 5, 10))
        .await
        .unwrap();
    assert_eq!(p.campaign.progress.target, on.len() as u64);
    assert_eq!(p.campaign.drawn_on, day(2026, 5, 5));

    // On the last day it is still allowed.
    let r = store
        .redraw_campaign(&organiser, id, at(2026, 6, 30))
        .await
        .unwrap();
    assert_eq!((r.added, r.removed), (1, 1));
    assert_eq!(r.target_count, on.len() as u64);
    assert_eq!(r.drawn_on, day(2026, 6, 30));
    let p = store
        .campaign_progress(&organiser, id, None, at(2026, 6, 30))
        .await
        .unwrap();
    assert_eq!(
        (p.campaign.progress.target, p.campaign.progress.visited),
        (on.len() as u64, 1),
        "the visited household stays a target"
    );
    assert_eq!(p.campaign.drawn_on, day(2026, 6, 30));
    let after = target_nos(&store, &county, id).await;
    let no = |b: &HouseholdBundle| b.household.household_no.clone();
    assert!(after.contains(&no(joined)), "newly matching is added");
    assert!(
        !after.contains(&no(dropped)),
        "unvisited, no longer matching is removed"
    );
    assert!(after.contains(&no(kept)));
    assert!(!after.contains(&no(visited)), "visited: not pending");
    let mut expect = before.clone();
    expect.remove(&no(dropped));
    expect.remove(&no(visited));
    expect.insert(no(joined));
    assert_eq!(after, expect);

    // Drawing again at once changes nothing.
    let again = store
        .redraw_campaign(&organiser, id, at(2026, 6, 30))
        .await
        .unwrap();
    assert_eq!((again.added, again.removed), (0, 0));

    let audit = store
        .audit_search(
            &AuditFilter {
                action: Some("campaign_redraw".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.0, 2);
    let entry = audit
        .1
        .iter()
        .find(|e| e.after.as_ref().is_some_and(|a| a["added"] == 1))
        .unwrap();
    assert_eq!(entry.after.as_ref().unwrap()["removed"], 1);
    assert_eq!(entry.entity_key.as_deref(), Some(id.to_string().as_str()));
}

/// A tiny PNG-looking file: the signature, then filler.
fn png(filler: u8, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.resize(len, filler);
    b
}

fn jpeg(len: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.resize(len, 7);
    b
}

fn upload(name: &str, bytes: Vec<u8>) -> fangpin_store::visits::PhotoUpload {
    fangpin_store::visits::PhotoUpload {
        file_name: name.into(),
        bytes,
    }
}

async fn audit_count(store: &Store, action: &str) -> u64 {
    store
        .audit_search(
            &AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap()
        .0
}

async fn photos_within_limits_by_content_and_in_scope(store: Store) {
    use fangpin_domain::policy::{Confidence, ParamDef, ParamValue, keys};
    let (bundles, county) = demo_county(&store, SEED, 120).await;
    let (a, b) = two_villages(&bundles);
    let ida = id_of(&store, &county, a).await;
    let cadre = user(5, "village_operator", a.household.area);
    let now = at(2026, 5, 10);
    let vid = store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit("2026-05-10", &["housing"], "房屋后墙开裂"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();

    // Two photos land together, typed by their bytes whatever their names.
    let first = png(1, 300);
    let added = store
        .add_visit_photos(
            &cadre,
            vid,
            vec![
                upload("IMG_0001.jpg", first.clone()),
                upload("后墙", jpeg(500)),
            ],
            now,
        )
        .await
        .unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0].content_type, "image/png");
    assert_eq!(added[1].content_type, "image/jpeg");
    assert_eq!((added[0].size, added[1].size), (300, 500));
    assert_eq!(added[0].file_name, "IMG_0001.jpg");
    assert_eq!(added[0].sha256.len(), 64);
    assert_ne!(added[0].sha256, added[1].sha256);
    let row = store.visit(&cadre, vid).await.unwrap();
    assert_eq!(row.photos, added);
    let (_, listed) = store
        .visits(
            &county,
            &VisitFilter {
                household_id: Some(ida),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed[0].photos.len(), 2);

    // Refusals change nothing: a GIF among images (named after the file),
    // too many photos, a file over the village's limit, an empty upload.
    let refused = |r: Result<Vec<fangpin_store::visits::PhotoMeta>, StoreError>| match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("expected a refusal: {other:?}"),
    };
    let m = refused(
        store
            .add_visit_photos(
                &cadre,
                vid,
                vec![
                    upload("好的.png", png(2, 100)),
                    upload("门口.jpg", b"GIF89a\x01\x00\x01\x00".to_vec()),
                ],
                now,
            )
            .await,
    );
    assert_eq!(
        m,
        "照片“门口.jpg”不是 JPEG、PNG 或 WebP 图片，请上传手机拍摄的照片"
    );
    let m = refused(
        store
            .add_visit_photos(
                &cadre,
                vid,
                (0..5)
                    .map(|i| upload(&format!("{i}.png"), png(i, 64)))
                    .collect(),
                now,
            )
            .await,
    );
    assert_eq!(m, "每次走访最多6张照片，已有2张，本次选了5张");
    store
        .insert_param(
            &Actor::system("测试"),
            &ParamDef {
                key: keys::VISIT_PHOTO_MAX_BYTES.into(),
                scope: Some(a.household.area),
                year: 2026,
                value: ParamValue::Int(1024),
                confidence: Confidence::Local,
                note: "测试".into(),
            },
            true,
        )
        .await
        .unwrap();
    let m = refused(
        store
            .add_visit_photos(&cadre, vid, vec![upload("大图.png", png(3, 1025))], now)
            .await,
    );
    assert_eq!(m, "照片“大图.png”大小为1.1 KB，超过每张1 KB的上限");
    let m = refused(store.add_visit_photos(&cadre, vid, vec![], now).await);
    assert!(m.contains("请选择"), "{m}");
    assert_eq!(store.visit(&cadre, vid).await.unwrap().photos, added);
    assert_eq!(audit_count(&store, "visit_photo_add").await, 1);
    // Exactly at the limits is accepted: 1,024 bytes, the 3rd to 6th photos.
    let more = store
        .add_visit_photos(
            &cadre,
            vid,
            (0..4)
                .map(|i| upload(&format!("{i}.png"), png(i, 1024)))
                .collect(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(more.len(), 4);
    let m = refused(
        store
            .add_visit_photos(&cadre, vid, vec![upload("7.png", png(9, 10))], now)
            .await,
    );
    assert_eq!(m, "每次走访最多6张照片，已有6张，本次选了1张");

    // Scope: another village's cadre neither adds nor reads; a role that does
    // not visit cannot add; the county reads; each read is audited.
    let other = user(6, "village_operator", b.household.area);
    assert!(matches!(
        store
            .add_visit_photos(&other, vid, vec![upload("x.png", png(1, 10))], now)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.visit_photo(&other, vid, added[0].id).await,
        Err(StoreError::NotFound(_))
    ));
    let inspector = user(9, "inspector", county.area);
    assert!(matches!(
        store
            .add_visit_photos(&inspector, vid, vec![upload("x.png", png(1, 10))], now)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.visit_photo_room(&other, vid, now).await,
        Err(StoreError::NotFound(_))
    ));
    let room = store.visit_photo_room(&cadre, vid, now).await.unwrap();
    assert_eq!((room.existing, room.limits.max_bytes), (6, 1024));
    assert_eq!(audit_count(&store, "visit_photo_read").await, 0);
    let f = store.visit_photo(&cadre, vid, added[0].id).await.unwrap();
    assert_eq!(f.bytes, first);
    assert_eq!(f.meta, added[0]);
    let f = store
        .visit_photo(&inspector, vid, added[1].id)
        .await
        .unwrap();
    assert_eq!(f.meta.content_type, "image/jpeg");
    // A photo asked for under another visit does not exist.
    let v2 = store
        .record_visit(
            &cadre,
            VisitInput {
                household_id: ida,
                form: visit("2026-05-10", &[], "回访"),
                campaign_id: None,
            },
            now,
        )
        .await
        .unwrap();
    assert!(matches!(
        store.visit_photo(&cadre, v2, added[0].id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(audit_count(&store, "visit_photo_read").await, 2);

    // A photo attached by mistake is removed by its uploader with a reason;
    // nobody else removes it, and a blank reason changes nothing.
    let wrong = added[1].id;
    let colleague = user(7, "village_operator", a.household.area);
    assert!(matches!(
        store
            .remove_visit_photo(&colleague, vid, wrong, "误传")
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.remove_visit_photo(&other, vid, wrong, "误传").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.remove_visit_photo(&cadre, vid, wrong, " ").await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.visit(&cadre, vid).await.unwrap().photos.len(), 6);
    store
        .remove_visit_photo(&cadre, vid, wrong, "误传了邻户的照片")
        .await
        .unwrap();
    let left = store.visit(&cadre, vid).await.unwrap().photos;
    assert_eq!(left.len(), 5);
    assert!(left.iter().all(|p| p.id != wrong));
    assert!(matches!(
        store.visit_photo(&cadre, vid, wrong).await,
        Err(StoreError::NotFound(_))
    ));
    let f = AuditFilter {
        action: Some("visit_photo_remove".into()),
        ..Default::default()
    };
    let (_, entries) = store.audit_search(&f, 0, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].note.as_deref(), Some("误传了邻户的照片"));
    assert_eq!(
        entries[0].before.as_ref().unwrap()["sha256"],
        added[1].sha256.as_str()
    );
    // The room freed is usable again.
    store
        .add_visit_photos(&cadre, vid, vec![upload("补拍.png", png(8, 64))], now)
        .await
        .unwrap();
}
