//! Monitoring cases on both engines: households walked from each lead
//! channel to 监测中, on to 风险已消除 and back (回退), by the users whose
//! steps they are, with the clock travelling across the 2024 国庆 holiday.

use chrono::{DateTime, NaiveDate, Utc};
use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::monitor::sla::Urgency;
use fangpin_domain::monitor::workflow::{Action, CaseState, Channel, ReviewRecord};
use fangpin_domain::policy::{Confidence, ParamDef, ParamValue};
use fangpin_domain::{AreaCode, HouseholdBundle, Money};
use fangpin_store::assist::{FreeMeasure, NewMeasure};
use fangpin_store::monitor::{CaseFilter, NewLead};
use fangpin_store::testing::{china_morning as at, day, role_user as user};
use fangpin_store::{Access, Actor, AuditFilter, Store, StoreError};
use sea_orm::ConnectionTrait;

fangpin_store::dual_backend_tests!(
    every_channel_to_monitoring_and_back,
    deadlines_cross_national_day
);

struct People {
    township: Access,
    /// A second township reviewer: nobody approves a lead they opened.
    township2: Access,
    county: Access,
    outsider: Access,
}

async fn setup(store: &Store) -> (Vec<(i64, HouseholdBundle)>, People) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(11, 200);
    let lay = layout(&cfg);
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let system = Access::system(AreaCode::parse("500230").unwrap());
    store
        .import_households(&system, "建档", &lay.areas, &bundles, false)
        .await
        .unwrap();
    // Not yet monitored households with someone able to work, in the
    // village that has most of them.
    let eligible = |b: &&HouseholdBundle| {
        b.household.monitor_category.is_none()
            && b.members
                .iter()
                .any(fangpin_domain::Person::has_labor_capacity)
    };
    let mut per_township = std::collections::BTreeMap::new();
    for b in bundles.iter().filter(eligible) {
        *per_township
            .entry(b.household.area.parent().unwrap())
            .or_insert(0) += 1;
    }
    let (township, _) = per_township.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let mut picked = Vec::new();
    for b in bundles
        .iter()
        .filter(eligible)
        .filter(|b| b.household.area.parent() == Some(township))
    {
        let id = store
            .household_by_no(&system, &b.household.household_no)
            .await
            .unwrap()
            .id;
        picked.push((id, b.clone()));
    }
    assert!(picked.len() >= 4, "enough households in {township}");
    let first_village = picked[0].1.household.area;
    let other_village = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| *a != first_village)
        .unwrap();
    let people = People {
        township: user(2, "township_reviewer", township),
        township2: user(7, "township_reviewer", township),
        county: user(3, "county_approver", AreaCode::parse("500230").unwrap()),
        outsider: user(6, "village_operator", other_village),
    };
    (picked, people)
}

/// The village operator (user 1, or another with `id`) of a household's village.
fn village_of(b: &HouseholdBundle, id: i64) -> Access {
    user(id, "village_operator", b.household.area)
}

fn review(on: NaiveDate) -> Action {
    Action::Review(ReviewRecord {
        held_on: on,
        place: "村委会会议室".into(),
        attendees: vec![
            "村党支部书记".into(),
            "村委会主任".into(),
            "村民代表（7人）".into(),
            "驻村第一书记".into(),
        ],
        votes_for: 10,
        votes_against: 0,
        passed: true,
        minutes: "经民主评议，同意纳入".into(),
    })
}

fn approve() -> Action {
    Action::Approve {
        opinion: "同意".into(),
        category: None,
        risks: None,
    }
}

async fn act(store: &Store, who: &Access, id: i64, a: Action, now: DateTime<Utc>) -> CaseState {
    store
        .case_act(who, id, a, None, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .row
        .state
}

/// Walks a lead opened on 2024-09-20 to 监测中 (公告 on 2024-09-30).
async fn identify(store: &Store, p: &People, village: &Access, id: i64, opener: &Access) {
    let verify = Action::Verify {
        visited_on: day(2024, 9, 21),
        consent_signed: true,
        findings: "户主住院，家庭收入下降，签署承诺授权书".into(),
    };
    let accept = Action::Accept {
        note: "转村入户核实".into(),
    };
    act(store, opener, id, accept, at(2024, 9, 20)).await;
    act(store, village, id, verify, at(2024, 9, 21)).await;
    let compare = Action::Compare {
        flags: vec![],
        conclusion: "无财政供养人员，无商品房和非营运车辆".into(),
    };
    act(store, &p.county, id, compare, at(2024, 9, 23)).await;
    let s = act(
        store,
        village,
        id,
        review(day(2024, 9, 24)),
        at(2024, 9, 24),
    )
    .await;
    assert_eq!(s, CaseState::Notice);
    // The notice lasts at least 5 days: not before 09-29.
    let close = Action::CloseNotice { objection: None };
    let e = store
        .case_act(village, id, close.clone(), None, at(2024, 9, 28))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("公示期未满"), "{e}");
    act(store, village, id, close, at(2024, 9, 29)).await;
    let reviewer = if opener.user_id == p.township.user_id {
        let own = store
            .case_act(&p.township, id, approve(), None, at(2024, 9, 29))
            .await
            .unwrap_err();
        assert!(own.to_string().contains("不能审核自己提出"), "{own}");
        &p.township2
    } else {
        &p.township
    };
    act(store, reviewer, id, approve(), at(2024, 9, 29)).await;
    let decided = Action::Approve {
        opinion: "同意纳入监测".into(),
        category: Some("1".into()),
        risks: Some(vec!["01".into()]),
    };
    act(store, &p.county, id, decided, at(2024, 9, 30)).await;
    let posted = Action::Announce {
        posted_on: day(2024, 9, 30),
    };
    let s = act(store, &p.township, id, posted, at(2024, 9, 30)).await;
    assert_eq!(s, CaseState::Monitoring);
}

async fn every_channel_to_monitoring_and_back(store: Store) {
    let (hh, p) = setup(&store).await;
    let channels = [
        (Channel::SelfReport, false),
        (Channel::CadreVisit, false),
        (Channel::DeptWarning, true),
        (Channel::Hotline, true),
    ];
    let mut case_ids = Vec::new();
    for ((channel, by_township), (hid, b)) in channels.iter().zip(&hh) {
        let village = village_of(b, 1);
        let opener = if *by_township { &p.township } else { &village };
        let id = store
            .open_lead(
                opener,
                NewLead {
                    household_id: *hid,
                    channel: *channel,
                    green_channel: false,
                    summary: format!("{}：户主住院自付费用高", channel.label()),
                    reporter: Some("户主本人".into()),
                    evidence: Some("住院结算单".into()),
                },
                at(2024, 9, 20),
            )
            .await
            .unwrap();
        identify(&store, &p, &village, id, opener).await;
        let d = store
            .case_detail(&p.county, id, at(2024, 10, 8))
            .await
            .unwrap();
        assert_eq!(d.row.identified_on, Some(day(2024, 9, 30)));
        assert_eq!(d.events.len(), 9, "open + 8 decisions");
        assert_eq!(d.events[0].action, "open");
        assert!(d.events[0].payload["assessment"].is_object());
        let h = store.household(&p.county, *hid).await.unwrap().household;
        assert_eq!(h.monitor_category.as_deref(), Some("1"));
        assert_eq!(h.risks, vec!["01".to_string()]);
        assert_eq!(h.risk_eliminated, Some(false));
        assert_eq!(h.identified_month.unwrap().to_string(), "202409");
        case_ids.push(id);
    }

    // The list filters by any of several states.
    let listed = |states: Vec<CaseState>| {
        let f = CaseFilter {
            states,
            limit: 50,
            ..CaseFilter::default()
        };
        let store = &store;
        let county = &p.county;
        async move {
            let (total, rows) = store.cases(county, &f, at(2024, 10, 8)).await.unwrap();
            assert_eq!(total as usize, rows.len());
            rows.iter()
                .map(|r| r.id)
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    let all: std::collections::BTreeSet<_> = case_ids.iter().copied().collect();
    assert_eq!(listed(vec![CaseState::Monitoring]).await, all);
    assert_eq!(
        listed(vec![CaseState::Lead, CaseState::Monitoring]).await,
        all
    );
    assert!(
        listed(vec![CaseState::Lead, CaseState::Notice])
            .await
            .is_empty()
    );
    assert_eq!(listed(vec![]).await, all);

    // A second lead for a household with an open case is refused.
    let village = village_of(&hh[0].1, 1);
    let village2 = village_of(&hh[0].1, 5);
    let dup = store
        .open_lead(
            &village,
            NewLead {
                household_id: hh[0].0,
                channel: Channel::CadreVisit,
                green_channel: false,
                summary: "重复".into(),
                reporter: None,
                evidence: None,
            },
            at(2024, 10, 8),
        )
        .await
        .unwrap_err();
    assert!(dup.to_string().contains("已有办理中的案件"), "{dup}");
    // Outside the village the case does not exist.
    let hidden = store
        .case_detail(&p.outsider, case_ids[0], at(2024, 10, 8))
        .await
        .unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound(_)), "{hidden}");

    // Elimination of the first household in April 2025.
    let (hid, _) = &hh[0];
    let id = case_ids[0];
    let propose = Action::ProposeElimination {
        method: "1".into(),
        reason: "户主康复后务工，收入稳定".into(),
    };
    // policy.md §7.1 (2): income is compared with the line in force in the
    // year of the elimination; 丰都 has no 2025 line yet, so the check refuses
    // rather than use 2024's.
    let no_line = store
        .case_act(&village2, id, propose.clone(), None, at(2025, 3, 10))
        .await
        .unwrap_err();
    let msg = no_line.to_string();
    assert!(
        msg.contains("没有适用于该户所在区划的2025年监测范围"),
        "{msg}"
    );

    // The county records its 2025 line; the household's 2025 income is
    // recorded; a health measure targets the 因病 risk.
    store
        .insert_param(
            &Actor::system("测试"),
            &ParamDef {
                key: "monitoring_line".into(),
                scope: Some(AreaCode::parse("500230").unwrap()),
                year: 2025,
                value: ParamValue::Money(Money::from_yuan(8_600)),
                confidence: Confidence::Local,
                note: "县级录入2025年监测范围".into(),
            },
            false,
        )
        .await
        .unwrap();
    let early = store
        .case_act(&village2, id, propose.clone(), None, at(2025, 3, 10))
        .await
        .unwrap_err();
    let msg = early.to_string();
    assert!(msg.contains("识别监测未满6个月（已5个月）"), "{msg}");
    assert!(msg.contains("尚无针对风险的帮扶措施"), "{msg}");
    let system = Access::system(AreaCode::parse("500230").unwrap());
    let cur = store.household(&system, *hid).await.unwrap();
    let mut incomes = cur.incomes.clone();
    let persons = cur.members.len() as u16;
    let mut y2025 = incomes[0].clone();
    y2025.year = 2025;
    y2025.annual_persons = persons;
    y2025.wage = Money::from_yuan(15_000 * i64::from(persons));
    y2025.wage_public_welfare = Money::ZERO;
    y2025.wage_other = Money::ZERO;
    y2025.rigid_expense = Money::ZERO;
    // 收入持续稳定 (§7.1 (1)): the years before were above their lines too.
    for i in &mut incomes {
        i.wage = Money::from_yuan(12_000 * i64::from(i.annual_persons));
        i.wage_public_welfare = Money::ZERO;
        i.wage_other = Money::ZERO;
        i.rigid_expense = Money::ZERO;
    }
    incomes.push(y2025);
    let mut household = cur.household.clone();
    household.conditions.housing_secured = Some(true);
    household.conditions.drinking_water_secured = Some(true);
    household.conditions.safe_drinking_water = Some(true);
    household.conditions.is_unsafe_house = false;
    household.conditions.housing_grade = Some("A".into());
    let mut members = cur.members.clone();
    for m in &mut members {
        m.insurance.resident_medical = true;
        m.dropout_reason = None;
        if m.student_status.as_deref() == Some("9") && m.age_on(day(2025, 4, 15)) <= 15 {
            m.student_status = Some("3".into());
        }
    }
    store
        .update_household(&system, *hid, household, members, incomes, "2025年收入核算")
        .await
        .unwrap();
    store
        .add_measure(
            &village,
            *hid,
            &NewMeasure::Free(FreeMeasure {
                category: "健康".into(),
                kind: "保障".into(),
                name: "医疗救助及慢病签约服务".into(),
                target_risk: "01".into(),
                started_on: day(2024, 10, 15),
                amount: Money::from_yuan(3_000),
                note: "县医保局落实".into(),
            }),
            at(2024, 10, 15),
        )
        .await
        .unwrap();

    let s = act(&store, &village2, id, propose, at(2025, 4, 15)).await;
    assert_eq!(s, CaseState::ElimVerifying);
    let visit = Action::Verify {
        visited_on: day(2025, 4, 16),
        consent_signed: false,
        findings: "户主在县城务工，月收入稳定".into(),
    };
    act(&store, &village, id, visit, at(2025, 4, 16)).await;
    act(
        &store,
        &village,
        id,
        review(day(2025, 4, 17)),
        at(2025, 4, 17),
    )
    .await;
    let close = Action::CloseNotice { objection: None };
    act(&store, &village, id, close, at(2025, 4, 22)).await;
    act(&store, &p.township, id, approve(), at(2025, 4, 23)).await;
    let s = act(&store, &p.county, id, approve(), at(2025, 4, 24)).await;
    assert_eq!(s, CaseState::Eliminated);
    let h = store.household(&p.county, *hid).await.unwrap().household;
    assert_eq!(h.risk_eliminated, Some(true));
    assert_eq!(h.eliminated_month.unwrap().to_string(), "202504");
    assert_eq!(h.elimination_method.as_deref(), Some("1"));

    // 回退 by the county re-opens it.
    let reopen = Action::Reopen {
        reason: "户主再次住院，自付超过3万元".into(),
    };
    let e = store
        .case_act(&p.township, id, reopen.clone(), None, at(2025, 8, 1))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("由县级办理"), "{e}");
    let s = act(&store, &p.county, id, reopen, at(2025, 8, 1)).await;
    assert_eq!(s, CaseState::Monitoring);
    let h = store.household(&p.county, *hid).await.unwrap().household;
    assert_eq!(h.risk_eliminated, Some(false));
    assert_eq!(h.eliminated_month, None);

    // The household's history names each decision; the audit log has them.
    let versions = store.household_history(&p.county, *hid).await.unwrap();
    let reasons: Vec<&str> = versions.iter().map(|v| v.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("识别纳入监测对象")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("风险消除（")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("风险消除回退")),
        "{reasons:?}"
    );
    let (n, _) = store
        .audit_search(
            &AuditFilter {
                entity: Some("case".into()),
                ..Default::default()
            },
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(n, 4 * 9 + 7, "every decision audited");

    // The ledger cannot be rewritten.
    let upd = store
        .connection()
        .execute_unprepared("UPDATE case_event SET actor = 'x' WHERE case_id = 1")
        .await;
    assert!(upd.is_err(), "case_event is append-only");
    let del = store
        .connection()
        .execute_unprepared("DELETE FROM case_event")
        .await;
    assert!(del.is_err(), "case_event is append-only");
}

async fn deadlines_cross_national_day(store: Store) {
    let (hh, p) = setup(&store).await;
    let village = village_of(&hh[1].1, 1);
    // A hotline lead on Friday 2024-09-27, just before 国庆.
    let id = store
        .open_lead(
            &p.township,
            NewLead {
                household_id: hh[1].0,
                channel: Channel::Hotline,
                green_channel: true,
                summary: "12317来电：房屋因暴雨受损".into(),
                reporter: Some("来电人 户主之子".into()),
                evidence: None,
            },
            at(2024, 9, 27),
        )
        .await
        .unwrap();
    let d = store
        .case_detail(&p.township, id, at(2024, 9, 27))
        .await
        .unwrap();
    assert_eq!(d.row.step_due, Some(day(2024, 9, 29)), "受理 within 2 days");
    assert_eq!(d.row.overall_due, Some(day(2024, 10, 12)), "15 days in all");
    assert!(d.row.green_channel);

    let due = |who: Access, now| {
        let store = store.clone();
        async move { store.due_steps(&who, now).await.unwrap() }
    };
    let mine = due(village.clone(), at(2024, 9, 28)).await;
    let item = mine.iter().find(|i| i.case.id == id).unwrap();
    assert_eq!(item.case.urgency, Some(Urgency::DueSoon));
    // Over the holiday it is overdue, but 10-01..07 are not working days, so
    // it is not yet raised to the township on 10-08 (2 working days late).
    let mine = due(village.clone(), at(2024, 10, 8)).await;
    let item = mine.iter().find(|i| i.case.id == id).unwrap();
    assert_eq!(item.case.urgency, Some(Urgency::Overdue));
    // The township may take in a lead too, so it is theirs as well: not "escalated".
    let t = due(p.township.clone(), at(2024, 10, 8)).await;
    assert!(t.iter().any(|i| i.case.id == id && !i.escalated_to_me));
    let mine = due(village.clone(), at(2024, 10, 9)).await;
    let item = mine.iter().find(|i| i.case.id == id).unwrap();
    assert_eq!(item.case.urgency, Some(Urgency::Escalated));

    // Accepted on 10-09; 入户核实 has 3 days, 信息比对 5 — the village step
    // escalates to the township once it is more than 2 working days late.
    let accept = Action::Accept {
        note: String::new(),
    };
    act(&store, &p.township, id, accept, at(2024, 10, 9)).await;
    let d = store
        .case_detail(&village, id, at(2024, 10, 9))
        .await
        .unwrap();
    assert_eq!(d.row.step_due, Some(day(2024, 10, 12)));
    let t = due(p.township.clone(), at(2024, 10, 17)).await;
    let item = t.iter().find(|i| i.case.id == id).unwrap();
    assert!(
        item.escalated_to_me,
        "village overdue 3 working days → township"
    );
    // The county does not see a village step unless it escalates twice.
    let c = due(p.county.clone(), at(2024, 10, 17)).await;
    assert!(c.iter().all(|i| i.case.id != id));
    // A stale page cannot decide.
    let verify = Action::Verify {
        visited_on: day(2024, 10, 17),
        consent_signed: true,
        findings: "房屋受损".into(),
    };
    let stale = store
        .case_act(&village, id, verify.clone(), Some(0), at(2024, 10, 17))
        .await
        .unwrap_err();
    assert!(stale.to_string().contains("刷新"), "{stale}");
    store
        .case_act(&village, id, verify, Some(1), at(2024, 10, 17))
        .await
        .unwrap();
}
