//! Printable documents on both engines: a village's 公示名单 while one
//! household is in 公示, the 公告 of what the county approved in a month,
//! the 民主评议 minutes from the ledger, and the 明白卡 — then the same
//! household through 风险消除, whose 公示 and 公告 carry the 消除方式.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fangpin_domain::assist::CadreForm;
use fangpin_domain::monitor::workflow::{Action, CaseState, Channel, ReviewRecord};
use fangpin_domain::policy::{Confidence, ParamDef, ParamValue, keys};
use fangpin_domain::{AreaCode, HouseholdBundle, Money};
use fangpin_store::areas::NodeLevel;
use fangpin_store::assist::{FreeMeasure, NewMeasure};
use fangpin_store::monitor::NewLead;
use fangpin_store::print::DocumentKind;
use fangpin_store::testing::role_user as staff;
use fangpin_store::{Access, Actor, AuditFilter, Store, StoreError};

mod common;

fangpin_store::dual_backend_tests!(documents_follow_the_cases);

/// 10:00 in China.
fn on(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, m, d, 2, 0, 0).unwrap()
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, m, d).unwrap()
}

struct Desk {
    village: Access,
    township: Access,
    county: Access,
    outsider: Access,
}

impl Desk {
    async fn act(&self, store: &Store, who: &Access, case: i64, a: Action, m: u32, d: u32) {
        store
            .case_act(who, case, a, None, on(m, d))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    async fn open(&self, store: &Store, household: i64, m: u32, d: u32) -> i64 {
        let lead = NewLead {
            household_id: household,
            channel: Channel::CadreVisit,
            green_channel: false,
            summary: "户主患病，医疗支出大".into(),
            reporter: None,
            evidence: None,
        };
        store
            .open_lead(&self.village, lead, on(m, d))
            .await
            .unwrap()
    }

    /// 受理 → 核实 → 比对 → 评议 on one day: the case is then in 公示.
    async fn to_notice(&self, store: &Store, case: i64, m: u32, d: u32) {
        let steps = [
            (
                &self.village,
                Action::Accept {
                    note: String::new(),
                },
            ),
            (
                &self.village,
                Action::Verify {
                    visited_on: date(m, d),
                    consent_signed: true,
                    findings: "入户核实，情况属实".into(),
                },
            ),
            (
                &self.county,
                Action::Compare {
                    flags: vec![],
                    conclusion: "比对无异常".into(),
                },
            ),
            (&self.village, minutes_of(date(m, d), "同意纳入")),
        ];
        for (who, a) in steps {
            self.act(store, who, case, a, m, d).await;
        }
    }
}

fn minutes_of(held_on: NaiveDate, text: &str) -> Action {
    Action::Review(ReviewRecord {
        held_on,
        place: "村便民服务中心会议室".into(),
        attendees: vec!["村党组织书记 张立".into(), "村民代表 王芳".into()],
        votes_for: 11,
        votes_against: 1,
        passed: true,
        minutes: text.into(),
    })
}

fn approve() -> Action {
    Action::Approve {
        opinion: "同意".into(),
        category: None,
        risks: None,
    }
}

/// Three households of one village that are not monitored and can work.
/// Also a village of another township.
async fn village_households(store: &Store) -> (Vec<(i64, HouseholdBundle)>, Access, AreaCode) {
    let (bundles, system) = common::demo_county(store, 23, 400).await;
    let mut by_village: BTreeMap<AreaCode, Vec<&HouseholdBundle>> = BTreeMap::new();
    for b in &bundles {
        if b.household.monitor_category.is_none()
            && b.members
                .iter()
                .any(fangpin_domain::Person::has_labor_capacity)
        {
            by_village.entry(b.household.area).or_default().push(b);
        }
    }
    let (_, picked) = by_village.into_iter().max_by_key(|(_, v)| v.len()).unwrap();
    let mut out = Vec::new();
    for b in picked.into_iter().take(3) {
        let id = store
            .household_by_no(&system, &b.household.household_no)
            .await
            .unwrap()
            .id;
        out.push((id, b.clone()));
    }
    assert_eq!(out.len(), 3);
    let township = out[0].1.household.area.parent();
    let other = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| a.parent() != township)
        .unwrap();
    (out, system, other)
}

/// Income well above the line, basics secured and insured: the household
/// meets the elimination criteria once monitored long enough with a measure.
async fn recovered(store: &Store, system: &Access, id: i64) {
    let cur = store.household(system, id).await.unwrap();
    let mut household = cur.household.clone();
    let c = &mut household.conditions;
    c.housing_secured = Some(true);
    c.drinking_water_secured = Some(true);
    c.safe_drinking_water = Some(true);
    c.compulsory_education_secured = Some(true);
    c.is_unsafe_house = false;
    // A C- or D-grade house (危房) was repaired to grade B.
    if matches!(c.housing_grade.as_deref(), Some("C" | "D")) {
        c.housing_grade = Some("B".into());
    }
    let mut members = cur.members.clone();
    for m in &mut members {
        m.insurance.resident_medical = true;
        m.dropout_reason = None;
        // A child out of school is back in class (义务教育有保障).
        if m.student_status.as_deref() == Some("9") && m.age_on(date(12, 31)) < 16 {
            m.student_status = Some("3".into());
        }
    }
    let mut incomes = cur.incomes.clone();
    for i in &mut incomes {
        i.wage = Money::from_yuan(30_000 * i64::from(i.annual_persons));
        i.rigid_expense = Money::ZERO;
    }
    // 收入持续稳定 (policy.md §7.1 (1)): the year before is on record and
    // above its line as well.
    if !incomes.iter().any(|i| i.year == 2023) {
        let mut earlier = incomes[0].clone();
        earlier.year = 2023;
        incomes.push(earlier);
    }
    store
        .update_household(system, id, household, members, incomes, "务工收入核实")
        .await
        .unwrap();
}

async fn documents_follow_the_cases(store: Store) {
    let (hh, system, other) = village_households(&store).await;
    let village = hh[0].1.household.area;
    let township = village.parent().unwrap();
    let county = AreaCode::parse("500230").unwrap();
    let desk = Desk {
        village: staff(1, "village_operator", village),
        township: staff(2, "township_reviewer", township),
        county: staff(3, "county_approver", county),
        outsider: staff(4, "village_operator", other),
    };
    let [(a, _), (b, _), (c, _)] = [hh[0].clone(), hh[1].clone(), hh[2].clone()];

    // A and B reach 公示 on 2024-01-08; C stays a lead.
    let case_a = desk.open(&store, a, 1, 8).await;
    let case_b = desk.open(&store, b, 1, 8).await;
    let case_c = desk.open(&store, c, 1, 8).await;
    desk.to_notice(&store, case_a, 1, 8).await;
    desk.to_notice(&store, case_b, 1, 8).await;

    let list = store
        .print_notice(&desk.village, None, DocumentKind::Identification, on(1, 9))
        .await
        .unwrap();
    assert_eq!(list.title, "拟纳入监测对象公示");
    assert_eq!(list.area.level, NodeLevel::Village);
    assert!(list.area.names.township.is_some() && list.area.names.county.is_some());
    assert_eq!(list.printed_on, date(1, 9));
    assert_eq!(list.supervision_phone, "12317");
    let ids: Vec<i64> = list.households.iter().map(|h| h.case_id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&case_a) && ids.contains(&case_b), "{ids:?}");
    let full = store.household(&system, a).await.unwrap().household.head_id;
    for h in &list.households {
        assert_eq!(h.notice_from, Some(date(1, 8)));
        assert_eq!(h.notice_until, Some(date(1, 13)), "5 natural days");
        assert!(
            h.household.head_id.contains("********"),
            "{}",
            h.household.head_id
        );
        assert_ne!(h.household.head_id, full.as_str());
        assert!(h.household.members > 0);
        assert_eq!(h.household.risk_labels.len(), h.household.risks.len());
        assert!(h.approved_on.is_none());
    }
    let json = serde_json::to_string(&list).unwrap();
    assert!(!json.contains(full.as_str()), "no full ID in the document");
    // Nothing is in 拟风险消除公示 yet.
    let elim = store
        .print_notice(&desk.village, None, DocumentKind::Elimination, on(1, 9))
        .await
        .unwrap();
    assert_eq!(elim.title, "拟风险消除公示");
    assert!(elim.households.is_empty());

    // The township prints it for all its villages, with its own 监督电话.
    store
        .insert_param(
            &Actor::system("测试"),
            &ParamDef {
                key: keys::SUPERVISION_PHONE.into(),
                scope: Some(township),
                year: 2024,
                value: ParamValue::Text("023-70701234".into()),
                confidence: Confidence::Local,
                note: "乡镇监督电话".into(),
            },
            false,
        )
        .await
        .unwrap();
    let t = store
        .print_notice(
            &desk.township,
            Some(township),
            DocumentKind::Identification,
            on(1, 9),
        )
        .await
        .unwrap();
    assert_eq!(t.households.len(), 2);
    assert_eq!(t.supervision_phone, "023-70701234");
    // A county is too large for a notice board; another village is not there.
    let e = store
        .print_notice(
            &desk.county,
            Some(county),
            DocumentKind::Identification,
            on(1, 9),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let e = store
        .print_notice(
            &desk.outsider,
            Some(village),
            DocumentKind::Identification,
            on(1, 9),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let own = store
        .print_notice(&desk.outsider, None, DocumentKind::Identification, on(1, 9))
        .await
        .unwrap();
    assert!(own.households.is_empty());

    // The minutes are the 评议 entry of the ledger.
    let m = store
        .print_minutes(&desk.village, case_a, None, on(1, 9))
        .await
        .unwrap();
    assert_eq!(m.kind, DocumentKind::Identification);
    assert_eq!(m.record.held_on, date(1, 8));
    assert_eq!(m.record.place, "村便民服务中心会议室");
    assert_eq!(m.record.attendees.len(), 2);
    assert_eq!((m.record.votes_for, m.record.votes_against), (11, 1));
    assert_eq!(m.record.minutes, "同意纳入");
    assert_eq!(m.result, "同意纳入监测对象，进入村内公示");
    assert_eq!(m.recorded_by, "village_operator1");
    assert!(
        m.title
            .starts_with(m.household.names.village.as_deref().unwrap()),
        "{}",
        m.title
    );
    assert_eq!(m.reviews.len(), 1);
    let e = store
        .print_minutes(&desk.village, case_c, None, on(1, 9))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(_)),
        "a lead has no minutes: {e}"
    );
    let e = store
        .print_minutes(&desk.outsider, case_a, None, on(1, 9))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");

    // A is approved on 01-16 and announced on 01-17.
    desk.act(
        &store,
        &desk.village,
        case_a,
        Action::CloseNotice { objection: None },
        1,
        13,
    )
    .await;
    desk.act(&store, &desk.township, case_a, approve(), 1, 15)
        .await;
    let decided = Action::Approve {
        opinion: "同意纳入".into(),
        category: Some("1".into()),
        risks: Some(vec!["01".into()]),
    };
    desk.act(&store, &desk.county, case_a, decided, 1, 16).await;
    let ann = store
        .print_announcement(
            &desk.county,
            None,
            DocumentKind::Identification,
            date(1, 1),
            date(1, 31),
            on(1, 16),
        )
        .await
        .unwrap();
    assert_eq!(ann.title, "防止返贫监测对象识别纳入公告");
    assert_eq!(ann.area.level, NodeLevel::County);
    assert_eq!((ann.from, ann.until), (Some(date(1, 1)), Some(date(1, 31))));
    assert_eq!(ann.households.len(), 1);
    let row = &ann.households[0];
    assert_eq!(row.case_id, case_a);
    assert_eq!(row.approved_on, Some(date(1, 16)));
    assert_eq!(row.household.category.as_deref(), Some("1"));
    assert_eq!(
        row.household.category_label.as_deref(),
        Some("边缘易致贫户")
    );
    assert_eq!(row.household.risk_labels, vec!["因病".to_string()]);
    assert!(row.method_label.is_none());
    let feb = store
        .print_announcement(
            &desk.township,
            None,
            DocumentKind::Identification,
            date(2, 1),
            date(2, 29),
            on(2, 1),
        )
        .await
        .unwrap();
    assert!(feb.households.is_empty());
    let e = store
        .print_announcement(
            &desk.county,
            None,
            DocumentKind::Identification,
            date(2, 1),
            date(1, 1),
            on(2, 1),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let posted = Action::Announce {
        posted_on: date(1, 17),
    };
    desk.act(&store, &desk.township, case_a, posted, 1, 17)
        .await;

    // The 明白卡: identified on the day of the 公告, measures on record.
    store
        .add_measure(
            &desk.village,
            a,
            &NewMeasure::Free(FreeMeasure {
                category: "健康".into(),
                kind: "保障".into(),
                name: "慢病签约服务和医疗救助".into(),
                target_risk: "01".into(),
                started_on: date(2, 1),
                amount: Money::from_yuan(1_200),
                note: String::new(),
            }),
            on(2, 1),
        )
        .await
        .unwrap();
    // Nobody is named yet; then the village names a 帮扶责任人.
    let card = store.print_card(&desk.village, a, on(2, 2)).await.unwrap();
    assert_eq!(card.assistance_cadre, None);
    let cadre = CadreForm {
        name: "李明".into(),
        unit: "县农业农村委".into(),
        position: "驻村工作队员".into(),
        phone: "13912345678".into(),
        area: village.as_string(),
        active: None,
        username: String::new(),
    };
    let cadre = store
        .create_cadre(&desk.village, &cadre, on(2, 2))
        .await
        .unwrap();
    store
        .pair(&desk.village, a, cadre, date(2, 2), on(2, 2))
        .await
        .unwrap();
    let card = store.print_card(&desk.village, a, on(2, 2)).await.unwrap();
    let named = card.assistance_cadre.as_ref().unwrap();
    assert_eq!(
        (named.name.as_str(), named.unit.as_str()),
        ("李明", "县农业农村委")
    );
    assert!(
        !serde_json::to_string(&card)
            .unwrap()
            .contains("13912345678")
    );
    assert_eq!(card.identified_on, Some(date(1, 17)));
    assert_eq!(card.identified_month.unwrap().to_string(), "202401");
    assert_eq!(
        card.household.category_label.as_deref(),
        Some("边缘易致贫户")
    );
    assert_eq!(card.household.risk_labels, vec!["因病".to_string()]);
    assert_eq!(card.risk_eliminated, Some(false));
    assert_eq!(card.measures.len(), 1);
    assert_eq!(card.measures[0].amount_fen, 120_000);
    assert_eq!(card.measures[0].target_risk_label, "因病");
    assert_eq!(card.measures[0].kind, "保障");
    assert!(!card.measures[0].status.is_empty());
    assert_eq!(card.hotline, "12317");
    assert_eq!(card.supervision_phone, "023-70701234");
    assert!(
        card.criteria.iter().any(|c| c.contains("满6个月")),
        "{:?}",
        card.criteria
    );
    assert!(card.household.names.village.is_some());
    let e = store
        .print_card(&desk.village, c, on(2, 2))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "not monitored: {e}");
    let e = store
        .print_card(&desk.outsider, a, on(2, 2))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let (area, cards) = store
        .print_cards(&desk.village, None, on(2, 2))
        .await
        .unwrap();
    assert_eq!(area.code, village.as_string());
    assert!(cards.iter().any(|k| k.household.household_id == a));
    assert!(
        cards
            .iter()
            .all(|k| k.risk_eliminated != Some(true) && k.household.category.is_some())
    );
    assert!(
        cards
            .iter()
            .all(|k| k.household.area_code == village.as_string())
    );

    // 风险消除 in August: proposed, reviewed, in 公示.
    recovered(&store, &system, a).await;
    let propose = Action::ProposeElimination {
        method: "1".into(),
        reason: "务工收入稳定，医疗支出已有保障".into(),
    };
    desk.act(&store, &desk.village, case_a, propose, 8, 1).await;
    let visit = Action::Verify {
        visited_on: date(8, 1),
        consent_signed: false,
        findings: "收入稳定".into(),
    };
    desk.act(&store, &desk.village, case_a, visit, 8, 1).await;
    desk.act(
        &store,
        &desk.village,
        case_a,
        minutes_of(date(8, 1), "同意消除"),
        8,
        1,
    )
    .await;
    let elim = store
        .print_notice(&desk.village, None, DocumentKind::Elimination, on(8, 2))
        .await
        .unwrap();
    assert_eq!(elim.households.len(), 1);
    assert_eq!(elim.households[0].method_label.as_deref(), Some("帮扶消除"));
    assert_eq!(elim.households[0].notice_from, Some(date(8, 1)));
    let still = store
        .print_notice(&desk.village, None, DocumentKind::Identification, on(8, 2))
        .await
        .unwrap();
    assert_eq!(still.households.len(), 1, "B is still in its 公示");
    let m = store
        .print_minutes(&desk.village, case_a, None, on(8, 2))
        .await
        .unwrap();
    assert_eq!(m.kind, DocumentKind::Elimination);
    assert_eq!(m.result, "同意标注风险消除，进入村内公示");
    assert_eq!(m.method_label.as_deref(), Some("帮扶消除"));
    assert_eq!(m.reviews.len(), 2);
    let first = m.reviews[0].seq;
    let m = store
        .print_minutes(&desk.village, case_a, Some(first), on(8, 2))
        .await
        .unwrap();
    assert_eq!(m.kind, DocumentKind::Identification);
    assert_eq!(m.record.held_on, date(1, 8));

    desk.act(
        &store,
        &desk.village,
        case_a,
        Action::CloseNotice { objection: None },
        8,
        6,
    )
    .await;
    desk.act(&store, &desk.township, case_a, approve(), 8, 7)
        .await;
    desk.act(&store, &desk.county, case_a, approve(), 8, 8)
        .await;
    let ann = store
        .print_announcement(
            &desk.township,
            Some(township),
            DocumentKind::Elimination,
            date(8, 1),
            date(8, 31),
            on(8, 9),
        )
        .await
        .unwrap();
    assert_eq!(ann.title, "防止返贫监测对象风险消除公告");
    assert_eq!(ann.households.len(), 1);
    assert_eq!(ann.households[0].approved_on, Some(date(8, 8)));
    assert_eq!(ann.households[0].method_label.as_deref(), Some("帮扶消除"));
    // An eliminated household leaves the batch of cards but keeps its own.
    let (_, cards) = store
        .print_cards(&desk.village, None, on(8, 9))
        .await
        .unwrap();
    assert!(cards.iter().all(|k| k.household.household_id != a));
    let card = store.print_card(&desk.village, a, on(8, 9)).await.unwrap();
    assert_eq!(card.risk_eliminated, Some(true));
    assert_eq!(card.eliminated_month.unwrap().to_string(), "202408");

    // Every printout is in the audit log.
    let (n, entries) = store
        .audit_search(
            &AuditFilter {
                action: Some("print".into()),
                ..Default::default()
            },
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(n, 17, "every document printed is audited");
    assert!(
        entries
            .iter()
            .any(|e| e.note.as_deref() == Some("打印民主评议记录"))
    );
    assert_eq!(
        store
            .case_detail(&desk.county, case_a, on(8, 9))
            .await
            .unwrap()
            .row
            .state,
        CaseState::Eliminated
    );
}
