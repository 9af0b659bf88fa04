//! Assistance on both engines: the 帮扶干部 registry, pairing with its
//! history and the deadline on the working-day calendar (across 国庆 2024),
//! the 一户一策 plan and measures, who may do what, each measure rule with a
//! failing and a passing household, and refused writes that change nothing.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::demo_county;
use fangpin_domain::AreaLevel;
use fangpin_domain::assist::{CadreForm, MeasureCorrection, MeasureForm, PlanForm, StatusChange};
use fangpin_domain::codes::well_known;
use fangpin_domain::monitor::sla::Urgency;
use fangpin_domain::{AreaCode, HouseholdBundle, YearMonth};
use fangpin_store::assist::{AssistFilter, NewMeasure};
use fangpin_store::quality::QualityFilter;
use fangpin_store::users::ROLE_SEEDS;
use fangpin_store::{Access, Actor, AuditFilter, NewUser, Store, StoreError};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Query;

fangpin_store::dual_backend_tests!(
    pairing_keeps_history_and_the_deadline_counts_working_days,
    plans_and_measures_by_the_responsible_person,
    each_measure_rule_fails_and_passes,
    plan_review_by_the_township_or_county_never_the_writer,
    cadre_phones_are_masked_and_revealed_with_an_audit_entry,
    a_mistyped_measure_is_corrected_with_a_reason,
);

/// 09:00 in China on a day.
fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn staff(id: i64, role: &str, area: AreaCode) -> Access {
    let seed = ROLE_SEEDS.iter().find(|r| r.code == role).unwrap();
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

struct Setup {
    county: Access,
    /// Households with someone able to work, all in one village.
    ids: Vec<i64>,
    village: AreaCode,
    other_village: AreaCode,
    operator: Access,
}

async fn setup(store: &Store) -> Setup {
    let (bundles, county) = demo_county(store, 11, 800).await;
    let able = |b: &&HouseholdBundle| {
        b.household.monitor_category.is_none()
            && b.members
                .iter()
                .any(fangpin_domain::Person::has_labor_capacity)
    };
    let mut per_village = std::collections::BTreeMap::<AreaCode, Vec<&HouseholdBundle>>::new();
    for b in bundles.iter().filter(able) {
        per_village.entry(b.household.area).or_default().push(b);
    }
    let (village, list) = per_village
        .iter()
        .max_by_key(|(_, l)| l.len())
        .map(|(a, l)| (*a, l.clone()))
        .unwrap();
    assert!(list.len() >= 5, "enough households in {village:?}");
    let mut ids = Vec::new();
    for b in list.iter().take(5) {
        ids.push(
            store
                .household_by_no(&county, &b.household.household_no)
                .await
                .unwrap()
                .id,
        );
    }
    let other_village = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| *a != village)
        .unwrap();
    Setup {
        county,
        ids,
        village,
        other_village,
        operator: staff(1, "village_operator", village),
    }
}

/// Makes household `id` an active 脱贫不稳定户 identified in `month`.
async fn monitor(store: &Store, county: &Access, id: i64, month: &str) {
    let mut d = store.household(county, id).await.unwrap();
    let h = &mut d.household;
    h.monitor_category = Some(well_known::CATEGORY_UNSTABLE.into());
    h.risks = vec!["01".into()];
    h.risk_eliminated = Some(false);
    h.identified_month = Some(month.parse::<YearMonth>().unwrap());
    h.dev_measure_status = Some("已实施".into());
    store
        .update_household(county, id, d.household, d.members, d.incomes, "纳入监测")
        .await
        .unwrap();
}

fn cadre(name: &str, area: AreaCode, username: &str) -> CadreForm {
    CadreForm {
        name: name.into(),
        unit: "县农业农村委".into(),
        position: "干部".into(),
        phone: "13912345678".into(),
        area: area.as_string(),
        active: None,
        username: username.into(),
    }
}

fn measure(code: &str, amount_yuan: i64, started: NaiveDate) -> NewMeasure {
    NewMeasure::Catalogue(MeasureForm {
        code: code.into(),
        name: String::new(),
        target_risk: "01".into(),
        started_on: started,
        ended_on: None,
        amount_fen: amount_yuan * 100,
        status: String::new(),
        evidence: String::new(),
    })
}

async fn audit_count(store: &Store) -> usize {
    store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap()
        .0 as usize
}

/// The rules about measures and 帮扶责任人 (other checks of the demo
/// households are not this test's business).
const RULES: [&str; 6] = [
    "1_11_010",
    "1111_10",
    "5_11_033",
    "L_disability_subsidy",
    "L_responsible_missing",
    "L_safety_net_missing",
];

/// The open findings of a household, by rule id.
async fn findings(store: &Store, who: &Access, id: i64) -> Vec<String> {
    let f = QualityFilter {
        household_id: Some(id),
        ..Default::default()
    };
    let (_, items) = store
        .quality_issues(who, &f, 0, 100, store.now())
        .await
        .unwrap();
    let mut rules: Vec<String> = items
        .into_iter()
        .map(|i| i.rule)
        .filter(|r| RULES.contains(&r.as_str()))
        .collect();
    rules.sort();
    rules
}

/// Records a 县级审定 of an identification on `on` (a case approved, waiting
/// for its 公告), as the workflow leaves it.
async fn approved_on(store: &Store, household: i64, area: AreaCode, on: NaiveDate) {
    let stamp = on.and_hms_opt(9, 0, 0).unwrap().and_utc().fixed_offset();
    let mut case = Query::insert();
    case.into_table("case_file")
        .columns([
            "household_id",
            "area_code",
            "channel",
            "green_channel",
            "state",
            "risks",
            "summary",
            "opened_by",
            "opened_at",
            "opened_on",
            "step_since",
            "is_open",
            "revision",
            "updated_at",
        ])
        .values_panic([
            household.into(),
            area.as_string().into(),
            "cadre_visit".into(),
            false.into(),
            "approved".into(),
            "01".into(),
            "入户排查发现".into(),
            1i64.into(),
            stamp.into(),
            on.into(),
            on.into(),
            true.into(),
            7i32.into(),
            stamp.into(),
        ])
        .returning_col("id");
    let conn = store.connection();
    let case_id: i64 = conn
        .query_one(&case)
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let mut ev = Query::insert();
    ev.into_table("case_event")
        .columns([
            "case_id",
            "seq",
            "at",
            "on_day",
            "actor",
            "role",
            "action",
            "from_state",
            "to_state",
            "payload",
        ])
        .values_panic([
            case_id.into(),
            8i32.into(),
            stamp.into(),
            on.into(),
            "county".into(),
            "county_approver".into(),
            "approve".into(),
            "county_approval".into(),
            "approved".into(),
            "{}".into(),
        ]);
    conn.execute(&ev).await.unwrap();
}

async fn pairing_keeps_history_and_the_deadline_counts_working_days(store: Store) {
    let s = setup(&store).await;
    let (a, b) = (s.ids[0], s.ids[1]);
    monitor(&store, &s.county, a, "202410").await;
    monitor(&store, &s.county, b, "202410").await;
    // Identified in 2024-10: the clock starts on 10-01, inside 国庆 (10-01
    // to 10-07 off, 10-12 a make-up Saturday): 10 working days end on 10-18.
    let view = store
        .household_assistance(&s.operator, a, at(2024, 10, 16))
        .await
        .unwrap();
    let due = view.responsible_due.unwrap();
    assert_eq!((due.since, due.due), (day(2024, 10, 1), day(2024, 10, 18)));
    assert_eq!(due.urgency, Urgency::OnTrack);
    // With a 县级审定 on Friday 09-27 the clock starts there: 09-29 (a
    // make-up Sunday) and 09-30 count, then 10-08 … 10-16.
    approved_on(&store, b, s.village, day(2024, 9, 27)).await;
    let due_b = store
        .household_assistance(&s.operator, b, at(2024, 10, 16))
        .await
        .unwrap()
        .responsible_due
        .unwrap();
    assert_eq!(
        (due_b.since, due_b.due),
        (day(2024, 9, 27), day(2024, 10, 16))
    );
    assert_eq!(due_b.urgency, Urgency::DueSoon);
    for (when, expected) in [
        (at(2024, 10, 17), Urgency::DueSoon),
        (at(2024, 10, 21), Urgency::Overdue),
        (at(2024, 10, 24), Urgency::Escalated),
    ] {
        let d = store
            .household_assistance(&s.operator, a, when)
            .await
            .unwrap()
            .responsible_due
            .unwrap();
        assert_eq!(d.urgency, expected, "{when}");
    }
    // The 工作台 lists both, the earliest deadline first.
    let due_list = store
        .due_responsible(&s.operator, at(2024, 10, 21))
        .await
        .unwrap();
    // (The demo's own monitored households of the village are there too.)
    let ids: Vec<i64> = due_list
        .iter()
        .map(|r| r.household_id)
        .filter(|id| [a, b].contains(id))
        .collect();
    assert_eq!(ids, vec![b, a]);
    assert!(
        due_list
            .windows(2)
            .all(|w| w[0].responsible_due.as_ref().unwrap().due
                <= w[1].responsible_due.as_ref().unwrap().due)
    );
    // …and the data-quality list flags them once the deadline has passed.
    let late = store.with_clock_at(at(2024, 10, 21));
    late.refresh_quality_for(
        &s.operator,
        &[household_no(&store, &s, a).await],
        at(2024, 10, 21),
    )
    .await
    .unwrap();
    assert_eq!(
        findings(&late, &s.operator, a).await,
        vec!["L_responsible_missing"]
    );

    // The registry: a cadre of the village, phone masked.
    let li = store
        .create_cadre(&s.operator, &cadre("李明", s.village, ""), at(2024, 10, 21))
        .await
        .unwrap();
    let wang = store
        .create_cadre(&s.operator, &cadre("王芳", s.village, ""), at(2024, 10, 21))
        .await
        .unwrap();
    let list = store
        .cadres(&s.operator, &Default::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].phone_masked, "139****5678");
    assert_eq!(list[0].households, 0);

    // Refused writes change nothing.
    let before = audit_count(&store).await;
    let far = store
        .create_cadre(
            &s.county,
            &cadre("赵强", s.other_village, ""),
            at(2024, 10, 21),
        )
        .await
        .unwrap();
    let before_far = audit_count(&store).await;
    assert_eq!(before_far, before + 1);
    let e = late
        .pair(&s.county, a, far, day(2024, 10, 21), at(2024, 10, 21))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("帮扶区域不包含"), "{e}");
    let e = late
        .pair(&s.operator, a, far, day(2024, 10, 21), at(2024, 10, 21))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound(_)),
        "a cadre outside the village: {e}"
    );
    let cadre_user = staff(9, "assistance_cadre", s.village);
    let e = late
        .pair(&cadre_user, a, li, day(2024, 10, 21), at(2024, 10, 21))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let plain = s.ids[4];
    let e = late
        .pair(&s.operator, plain, li, day(2024, 10, 21), at(2024, 10, 21))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不是监测对象"), "{e}");
    assert_eq!(audit_count(&store).await, before_far);

    // Pair, then change: the first stays in the history.
    let p = late
        .pair(&s.operator, a, li, day(2024, 10, 21), at(2024, 10, 21))
        .await
        .unwrap();
    assert_eq!(p.name, "李明");
    let e = late
        .pair(&s.operator, a, li, day(2024, 10, 22), at(2024, 10, 22))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已是该户的帮扶责任人"), "{e}");
    assert_eq!(findings(&late, &s.operator, a).await, Vec::<String>::new());
    late.pair(&s.operator, a, wang, day(2024, 11, 4), at(2024, 11, 4))
        .await
        .unwrap();
    let view = store
        .household_assistance(&s.operator, a, at(2024, 11, 4))
        .await
        .unwrap();
    assert_eq!(view.responsible.as_ref().unwrap().name, "王芳");
    assert_eq!(view.responsible_due, None);
    assert_eq!(view.history.len(), 1);
    assert_eq!(view.history[0].until_on, Some(day(2024, 11, 4)));
    assert_eq!(
        view.history[0].end_reason.as_deref(),
        Some("更换帮扶责任人")
    );

    // A cadre with households cannot be marked 不在岗.
    let mut off = cadre("王芳", s.village, "");
    off.active = Some(false);
    let before = audit_count(&store).await;
    let e = store
        .update_cadre(&s.operator, wang, &off, at(2024, 11, 5))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("仍结对帮扶1户"), "{e}");
    let e = late
        .unpair(&s.operator, a, day(2024, 11, 5), " ", at(2024, 11, 5))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("解除原因"), "{e}");
    assert_eq!(audit_count(&store).await, before);
    late.unpair(
        &s.operator,
        a,
        day(2024, 11, 5),
        "调离本县",
        at(2024, 11, 5),
    )
    .await
    .unwrap();
    store
        .update_cadre(&s.operator, wang, &off, at(2024, 11, 5))
        .await
        .unwrap();
    let view = store
        .household_assistance(&s.operator, a, at(2024, 11, 5))
        .await
        .unwrap();
    assert!(view.responsible.is_none());
    assert_eq!(view.history.len(), 2);
    let e = late
        .pair(&s.operator, a, wang, day(2024, 11, 6), at(2024, 11, 6))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不在岗"), "{e}");
}

async fn household_no(store: &Store, s: &Setup, id: i64) -> String {
    store
        .household(&s.county, id)
        .await
        .unwrap()
        .household
        .household_no
}

async fn plans_and_measures_by_the_responsible_person(store: Store) {
    let s = setup(&store).await;
    let (a, b) = (s.ids[0], s.ids[1]);
    monitor(&store, &s.county, a, "202409").await;
    monitor(&store, &s.county, b, "202409").await;
    let uid = store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "bangfu".into(),
                display_name: "帮扶责任人".into(),
                password: "Abcdefg123".into(),
                role: "assistance_cadre".into(),
                area: s.village,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap();
    let me = store.user_by_username("bangfu").await.unwrap().unwrap();
    assert_eq!(me.id, uid);
    let helper = me.access(None).unwrap();
    let now = at(2024, 10, 8);
    let st = store.with_clock_at(now);
    let li = st
        .create_cadre(&s.operator, &cadre("李明", s.village, "bangfu"), now)
        .await
        .unwrap();
    let goals = PlanForm {
        goals: "发展生猪养殖，户主外出务工；落实医保资助参保".into(),
        reviewed: false,
    };
    // Before the pairing the household does not exist for the cadre (their
    // scope is their pairings); an inspector may never write the plan.
    let e = st
        .save_plan(&helper, a, &goals, None, now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let inspector = staff(5, "inspector", s.village);
    let e = st
        .save_plan(&inspector, a, &goals, None, now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    st.pair(&s.operator, a, li, day(2024, 10, 8), now)
        .await
        .unwrap();

    let plan = st.save_plan(&helper, a, &goals, None, now).await.unwrap();
    assert_eq!(plan.revision, 0);
    assert_eq!(plan.reviewed_on, None);
    // The plan is reviewed by the township, not by whoever writes it.
    let township = staff(21, "township_reviewer", s.village.parent().unwrap());
    let plan = st.review_plan(&township, a, 0, now).await.unwrap();
    assert_eq!(
        (plan.revision, plan.reviewed_on),
        (1, Some(day(2024, 10, 8)))
    );
    let e = st
        .save_plan(&helper, a, &goals, Some(0), now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已被他人修改"), "{e}");
    // Not paired with household b: it does not exist for the cadre.
    let e = st
        .add_measure(&helper, b, &measure("CY01", 2_000, day(2024, 10, 8)), now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");

    let mid = st
        .add_measure(&helper, a, &measure("JY03", 0, day(2024, 10, 8)), now)
        .await
        .unwrap();
    let before = audit_count(&store).await;
    let e = st
        .change_measure_status(
            &helper,
            mid,
            &StatusChange {
                status: "done".into(),
                ..Default::default()
            },
            at(2024, 11, 1),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("佐证材料"), "{e}");
    assert_eq!(audit_count(&store).await, before);
    let row = st
        .change_measure_status(
            &helper,
            mid,
            &StatusChange {
                status: "done".into(),
                ended_on: Some(day(2024, 10, 30)),
                evidence: "电工培训结业证书".into(),
            },
            at(2024, 11, 1),
        )
        .await
        .unwrap();
    assert_eq!(row.status_label, "已完成");
    let view = st.household_assistance(&helper, a, now).await.unwrap();
    assert!(view.can_edit && !view.can_pair);
    assert_eq!(view.measures.len(), 1);
    let m = &view.measures[0];
    assert_eq!(m.measure.ended_on, Some(day(2024, 10, 30)));
    assert_eq!(m.measure.evidence, "电工培训结业证书");
    assert_eq!(m.after_elimination, Some("保持"));
    assert_eq!(view.plan.as_ref().unwrap().revision, 1);

    // The list: the cadre sees their own household, the village everything.
    let (n, rows) = st
        .assisted_households(
            &helper,
            &AssistFilter {
                limit: 50,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!((n, rows.len()), (1, 1));
    assert_eq!(rows[0].household_id, a);
    assert_eq!(rows[0].responsible.as_deref(), Some("李明"));
    assert_eq!((rows[0].plan, rows[0].measures), ("reviewed", 1));
    let (n, rows) = st
        .assisted_households(
            &s.operator,
            &AssistFilter {
                limit: 50,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(n >= 2);
    let unpaired = rows.iter().find(|r| r.household_id == b).unwrap();
    assert_eq!(unpaired.responsible, None);
    assert_eq!(unpaired.plan, "none");
    assert!(unpaired.responsible_due.is_some());
    assert_eq!(
        rows[0].responsible, None,
        "households without one come first"
    );
    // Outside the caller's area: not found.
    let far = staff(3, "village_operator", s.other_village);
    let e = st.household_assistance(&far, a, now).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let e = st
        .change_measure_status(&far, mid, &StatusChange::default(), now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
}

async fn each_measure_rule_fails_and_passes(store: Store) {
    let s = setup(&store).await;
    let now = at(2024, 11, 20);
    let st = store.with_clock_at(now);
    let [dev, travel, disab, none_able, ok] = [s.ids[0], s.ids[1], s.ids[2], s.ids[3], s.ids[4]];
    for id in &s.ids {
        monitor(&store, &s.county, *id, "202409").await;
    }
    let op = &s.operator;
    let started = day(2024, 9, 20);
    let li = st
        .create_cadre(op, &cadre("李明", s.village, ""), now)
        .await
        .unwrap();
    for id in &s.ids {
        st.pair(op, *id, li, day(2024, 9, 25), now).await.unwrap();
    }
    // 1_11_010: able to work, identified two months ago, only a 保障 measure.
    st.add_measure(op, dev, &measure("JK01", 320, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, dev).await, vec!["1_11_010"]);
    st.add_measure(op, dev, &measure("CY01", 2_000, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, dev).await, Vec::<String>::new());

    // 1111_10: 外出务工补贴 without the travel subsidy amount.
    st.add_measure(op, travel, &measure("JY01", 0, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, travel).await, vec!["1111_10"]);
    st.add_measure(op, ok, &measure("JY01", 600, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, ok).await, Vec::<String>::new());

    // 残疾人两项补贴 without a disabled member; passing once one is recorded.
    st.add_measure(op, disab, &measure("CY01", 1_000, started), now)
        .await
        .unwrap();
    st.add_measure(op, disab, &measure("DD04", 1_200, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, disab).await, vec!["L_disability_subsidy"]);
    let mut d = store.household(&s.county, disab).await.unwrap();
    d.members[0].health = "3".into();
    st.update_household(op, disab, d.household, d.members, d.incomes, "残疾鉴定")
        .await
        .unwrap();
    assert_eq!(findings(&st, op, disab).await, Vec::<String>::new());

    // Nobody able to work: 兜底 and the 整户无劳动能力 flag (5_11_033), and
    // never eliminated.
    let mut d = store.household(&s.county, none_able).await.unwrap();
    for m in &mut d.members {
        m.labor_skill = well_known::LABOR_NONE.into();
        m.insurance.dibao = false;
        m.insurance.tekun = false;
    }
    st.update_household(
        op,
        none_able,
        d.household,
        d.members,
        d.incomes,
        "劳动能力核实",
    )
    .await
    .unwrap();
    assert_eq!(
        findings(&st, op, none_able).await,
        vec!["5_11_033", "L_safety_net_missing"]
    );
    st.add_measure(op, none_able, &measure("DD01", 3_600, started), now)
        .await
        .unwrap();
    let mut d = store.household(&s.county, none_able).await.unwrap();
    d.household.no_labor_safety_net = true;
    st.update_household(
        op,
        none_able,
        d.household,
        d.members,
        d.incomes,
        "标注兜底保障户",
    )
    .await
    .unwrap();
    // 1_11_010 has no labour test (policy.md §9): a 兜底 measure alone
    // leaves it without a 开发式 one.
    assert_eq!(findings(&st, op, none_able).await, vec!["1_11_010"]);
    let check = st
        .elimination_check(op, none_able, None, day(2024, 12, 1))
        .await
        .unwrap();
    assert!(!check.has_labour);
    assert_eq!(check.targeted_measures, 1);
}

/// Audit entries of one action.
async fn audited(store: &Store, action: &str) -> Vec<fangpin_store::audit::AuditRecord> {
    store
        .audit_search(
            &AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
            0,
            100,
        )
        .await
        .unwrap()
        .1
}

async fn plan_review_by_the_township_or_county_never_the_writer(store: Store) {
    let s = setup(&store).await;
    let a = s.ids[0];
    monitor(&store, &s.county, a, "202409").await;
    let now = at(2024, 10, 8);
    let st = store.with_clock_at(now);
    let township = s.village.parent().unwrap();
    let other_township = store
        .area_tree(&s.county)
        .await
        .unwrap()
        .unwrap()
        .children
        .iter()
        .map(|t| AreaCode::parse(&t.code).unwrap())
        .find(|t| *t != township)
        .unwrap();
    let reviewer = staff(21, "township_reviewer", township);
    let second = staff(22, "township_reviewer", township);
    let county = staff(
        31,
        "county_approver",
        s.village.parent().unwrap().parent().unwrap(),
    );
    let far = staff(23, "township_reviewer", other_township);
    let inspector = staff(5, "inspector", township);
    // A village account holding the township's permission still may not.
    let mut village_level = staff(24, "township_reviewer", s.village);
    village_level.role = "乡镇审核（村级账号）".into();
    assert_eq!(village_level.area.level(), AreaLevel::Village);

    let goals = PlanForm {
        goals: "发展生猪养殖，户主外出务工".into(),
        reviewed: false,
    };
    // Ticking 审核 while writing is reviewing one's own plan.
    let before = audit_count(&store).await;
    let e = st
        .save_plan(
            &s.operator,
            a,
            &PlanForm {
                reviewed: true,
                ..goals.clone()
            },
            None,
            now,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert!(
        e.to_string().contains("不能审核本人制定或修改的帮扶计划"),
        "{e}"
    );
    assert_eq!(audit_count(&store).await, before);
    assert!(
        st.household_assistance(&s.operator, a, now)
            .await
            .unwrap()
            .plan
            .is_none()
    );
    // No plan yet.
    let e = st.review_plan(&reviewer, a, 0, now).await.unwrap_err();
    assert!(e.to_string().contains("尚未制定"), "{e}");

    // The village writes the plan; the township reviewer then changes it.
    st.save_plan(&s.operator, a, &goals, None, now)
        .await
        .unwrap();
    let changed = PlanForm {
        goals: "发展生猪养殖，户主外出务工；落实医保资助参保".into(),
        reviewed: false,
    };
    let plan = st
        .save_plan(&reviewer, a, &changed, Some(0), now)
        .await
        .unwrap();
    assert_eq!(plan.revision, 1);
    let view = |who: &Access| {
        let st = st.clone();
        let who = who.clone();
        async move { st.household_assistance(&who, a, now).await.unwrap() }
    };
    assert!(!view(&s.operator).await.can_review);
    assert!(!view(&reviewer).await.can_review);
    assert!(view(&second).await.can_review);
    assert!(view(&county).await.can_review);

    // Each refusal changes nothing and says why.
    let before = audit_count(&store).await;
    let refusals: [(&Access, &str, bool); 5] = [
        (
            &s.operator,
            "须由具有乡镇审核或县级审定权限的人员进行",
            true,
        ),
        (&inspector, "须由具有乡镇审核或县级审定权限的人员进行", true),
        (&village_level, "村级账号不能审核", true),
        (&reviewer, "不能审核本人制定或修改的帮扶计划", true),
        (&far, "不存在", false),
    ];
    for (who, needle, forbidden) in refusals {
        let e = st.review_plan(who, a, 1, now).await.unwrap_err();
        assert!(e.to_string().contains(needle), "{}: {e}", who.username);
        if forbidden {
            assert!(
                matches!(e, StoreError::Forbidden(_)),
                "{}: {e}",
                who.username
            );
        } else {
            assert!(
                matches!(e, StoreError::NotFound(_)),
                "{}: {e}",
                who.username
            );
        }
    }
    // A stale page.
    let e = st.review_plan(&second, a, 0, now).await.unwrap_err();
    assert!(e.to_string().contains("已被他人修改"), "{e}");
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(view(&s.county).await.plan.unwrap().reviewed_on, None);

    // Another township reviewer of the same township passes.
    let plan = st.review_plan(&second, a, 1, now).await.unwrap();
    assert_eq!(
        (plan.revision, plan.reviewed_on),
        (2, Some(day(2024, 10, 8)))
    );
    assert_eq!(audit_count(&store).await, before + 1);
    let entries = audited(&store, "assist_plan_review").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].user_id, Some(22));
    assert_eq!(
        entries[0].entity_key.as_deref(),
        Some(a.to_string().as_str())
    );
    let (_, rows) = st
        .assisted_households(
            &s.operator,
            &AssistFilter {
                limit: 500,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        rows.iter().find(|r| r.household_id == a).unwrap().plan,
        "reviewed"
    );
    // Reviewed once is enough until the plan changes.
    let e = st.review_plan(&county, a, 2, now).await.unwrap_err();
    assert!(e.to_string().contains("已于2024-10-08审核"), "{e}");
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(!view(&county).await.can_review);

    // Saving the same goals keeps the review; changed goals need a new one,
    // which the county gives.
    let later = at(2024, 11, 4);
    let plan = st
        .save_plan(&s.operator, a, &changed, Some(2), later)
        .await
        .unwrap();
    assert_eq!(plan.reviewed_on, Some(day(2024, 10, 8)));
    let plan = st
        .save_plan(&s.operator, a, &goals, Some(3), later)
        .await
        .unwrap();
    assert_eq!((plan.revision, plan.reviewed_on), (4, None));
    assert!(view(&county).await.can_review);
    let plan = st.review_plan(&county, a, 4, later).await.unwrap();
    assert_eq!(plan.reviewed_on, Some(day(2024, 11, 4)));
    assert_eq!(audited(&store, "assist_plan_review").await.len(), 2);
}

async fn cadre_phones_are_masked_and_revealed_with_an_audit_entry(store: Store) {
    let s = setup(&store).await;
    let a = s.ids[0];
    monitor(&store, &s.county, a, "202409").await;
    let now = at(2024, 10, 8);
    let st = store.with_clock_at(now);
    let township = s.village.parent().unwrap();
    let county_code = township.parent().unwrap();
    let li = st
        .create_cadre(&s.operator, &cadre("李明", s.village, ""), now)
        .await
        .unwrap();
    // A county cadre helping in the village.
    let mut form = cadre("周静", county_code, "");
    form.phone = "13800135678".into();
    let zhou = st.create_cadre(&s.county, &form, now).await.unwrap();
    st.pair(&s.county, a, zhou, day(2024, 10, 8), now)
        .await
        .unwrap();

    // Lists mask the phone for everyone, also for a role that may reveal it.
    let admin = staff(41, "county_admin", county_code);
    for who in [&s.operator, &admin] {
        let list = st.cadres(who, &Default::default()).await.unwrap();
        let row = list.iter().find(|c| c.id == li).unwrap();
        assert_eq!(row.phone_masked, "139****5678");
    }
    let panel = st.household_assistance(&s.operator, a, now).await.unwrap();
    assert_eq!(
        panel.responsible.as_ref().unwrap().phone_masked,
        "138****5678"
    );
    let json = serde_json::to_string(&panel).unwrap();
    assert!(!json.contains("13800135678"), "{json}");

    // Roles without 查看完整证件号 are refused and nothing is recorded.
    let before = audited(&store, "read_sensitive").await.len();
    for who in [
        &s.operator,
        &staff(21, "township_reviewer", township),
        &staff(5, "inspector", county_code),
    ] {
        let e = st.cadre_phone(who, li).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        assert!(e.to_string().contains("查看完整证件号"), "{e}");
    }
    assert_eq!(audited(&store, "read_sensitive").await.len(), before);

    // The county administrator reads it; the reveal is audited.
    assert_eq!(st.cadre_phone(&admin, li).await.unwrap(), "13912345678");
    let entries = audited(&store, "read_sensitive").await;
    assert_eq!(entries.len(), before + 1);
    let e = &entries[0];
    assert_eq!(
        (e.entity.as_str(), e.entity_key.as_deref(), e.user_id),
        ("assist_cadre", Some(li.to_string().as_str()), Some(41))
    );
    assert!(e.note.as_deref().unwrap().contains("李明"), "{:?}", e.note);

    // Scope: an administrator of another township does not see the village
    // cadre; one of the township sees the county cadre helping there.
    let other_township = store
        .area_tree(&s.county)
        .await
        .unwrap()
        .unwrap()
        .children
        .iter()
        .map(|t| AreaCode::parse(&t.code).unwrap())
        .find(|t| *t != township)
        .unwrap();
    let far = staff(42, "county_admin", other_township);
    let e = st.cadre_phone(&far, li).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let e = st.cadre_phone(&far, zhou).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let near = staff(43, "county_admin", township);
    assert_eq!(st.cadre_phone(&near, zhou).await.unwrap(), "13800135678");
    assert_eq!(audited(&store, "read_sensitive").await.len(), before + 2);
}

/// A 外出务工补贴 entered without its amount is corrected: the 1111_10
/// finding goes, the audit keeps before, after and the reason; a stale page,
/// a missing reason, an unknown item, a start after the end of a closed
/// measure, another village and a read-only role are refused and change
/// nothing.
async fn a_mistyped_measure_is_corrected_with_a_reason(store: Store) {
    let s = setup(&store).await;
    let now = at(2024, 11, 20);
    let st = store.with_clock_at(now);
    let id = s.ids[0];
    monitor(&store, &s.county, id, "202409").await;
    let op = &s.operator;
    let li = st
        .create_cadre(op, &cadre("李明", s.village, ""), now)
        .await
        .unwrap();
    st.pair(op, id, li, day(2024, 9, 25), now).await.unwrap();
    let started = day(2024, 9, 20);
    st.add_measure(op, id, &measure("CY01", 2_000, started), now)
        .await
        .unwrap();
    let mid = st
        .add_measure(op, id, &measure("JY01", 0, started), now)
        .await
        .unwrap();
    assert_eq!(findings(&st, op, id).await, vec!["1111_10"]);
    let fix = |amount_yuan: i64, reason: &str, revision: i32| MeasureCorrection {
        code: "JY01".into(),
        name: String::new(),
        target_risk: "01".into(),
        started_on: started,
        amount_fen: amount_yuan * 100,
        evidence: "交通费补助发放花名册".into(),
        reason: reason.into(),
        revision,
    };
    let measures = async || {
        st.household_assistance(op, id, now)
            .await
            .unwrap()
            .measures
            .into_iter()
            .find(|m| m.id == mid)
            .unwrap()
    };
    let before = measures().await;
    assert_eq!(before.revision, 0);
    let audits = audit_count(&store).await;

    // Refusals first: each names its problem and changes nothing.
    let refusals: Vec<(Access, MeasureCorrection, &str)> = vec![
        (op.clone(), fix(600, " ", 0), "修改原因"),
        (op.clone(), fix(600, "金额漏填", 3), "已被他人修改"),
        (
            op.clone(),
            MeasureCorrection {
                code: "XX99".into(),
                ..fix(600, "金额漏填", 0)
            },
            "XX99",
        ),
        (
            op.clone(),
            MeasureCorrection {
                amount_fen: -1,
                ..fix(600, "金额漏填", 0)
            },
            "金额",
        ),
    ];
    for (who, c, says) in &refusals {
        let e = st.correct_measure(who, mid, c, now).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    let far = staff(9, "village_operator", s.other_village);
    let e = st
        .correct_measure(&far, mid, &fix(600, "金额漏填", 0), now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let inspector = staff(10, "inspector", s.county.area);
    let e = st
        .correct_measure(&inspector, mid, &fix(600, "金额漏填", 0), now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert_eq!(measures().await, before);
    assert_eq!(audit_count(&store).await, audits);

    // The correction: the amount is filled in and the finding goes.
    let row = st
        .correct_measure(op, mid, &fix(600, "金额漏填，按花名册补录", 0), now)
        .await
        .unwrap();
    assert_eq!(row.measure.amount.fen(), 60_000);
    assert_eq!(row.revision, 1);
    assert_eq!(row.measure.status, before.measure.status);
    assert_eq!(findings(&st, op, id).await, Vec::<String>::new());
    let a = audited(&store, "measure_correct").await;
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].note.as_deref(), Some("金额漏填，按花名册补录"));
    assert_eq!(a[0].before.as_ref().unwrap()["amount_fen"], 0);
    assert_eq!(a[0].after.as_ref().unwrap()["amount_fen"], 60_000);
    // The page that showed revision 0 is now stale.
    let e = st
        .correct_measure(op, mid, &fix(800, "再改", 0), now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已被他人修改"), "{e}");

    // A closed measure keeps its end date: the start may not pass it.
    let done = st
        .change_measure_status(
            op,
            mid,
            &StatusChange {
                status: "done".into(),
                ended_on: Some(day(2024, 10, 31)),
                evidence: String::new(),
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(done.revision, 2);
    let late = MeasureCorrection {
        started_on: day(2024, 11, 5),
        ..fix(600, "开始日期录错", 2)
    };
    let e = st.correct_measure(op, mid, &late, now).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert_eq!(measures().await.measure.started_on, started);
}
