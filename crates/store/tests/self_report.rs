//! 农户自主申报 on both engines: a report filed on the public form, refused
//! forms that leave nothing behind, the township's 受理 (matched by the ID
//! hash, or a household chosen by staff) opening a lead, 不予受理 with its
//! reason, and the acceptance deadline across the 2024 国庆 holiday.

use chrono::{DateTime, Utc};
use fangpin_domain::AreaCode;
use fangpin_domain::HouseholdBundle;
use fangpin_domain::monitor::sla::Urgency;
use fangpin_domain::monitor::workflow::{CaseState, Channel};
use fangpin_domain::self_report::SelfReportForm;
use fangpin_store::self_report::{ReportStatus, SelfReportFilter, SelfReportRow};
use fangpin_store::testing::{china_morning as at, day, role_user as user};
use fangpin_store::{Access, AuditFilter, Store, StoreError};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, Query};

mod common;

fangpin_store::dual_backend_tests!(
    a_report_is_stored_sealed_and_followed_by_receipt,
    refused_forms_store_nothing,
    acceptance_opens_a_case,
    acceptance_of_a_non_member_needs_a_household,
    declining_records_the_reason,
    deadline_counts_working_days_across_national_day,
);

struct Setup {
    /// A household of the township, not monitored, and its stored id.
    household: (i64, HouseholdBundle),
    township: Access,
    other_township: Access,
    village: Access,
}

async fn setup(store: &Store) -> Setup {
    let (bundles, system) = common::demo_county(store, 3, 120).await;
    let b = bundles
        .iter()
        .find(|b| b.household.monitor_category.is_none() && b.members.len() >= 2)
        .unwrap()
        .clone();
    let id = store
        .household_by_no(&system, &b.household.household_no)
        .await
        .unwrap()
        .id;
    let township = b.household.area.parent().unwrap();
    let other = bundles
        .iter()
        .map(|o| o.household.area.parent().unwrap())
        .find(|t| *t != township)
        .unwrap();
    Setup {
        township: user(2, "township_reviewer", township),
        other_township: user(3, "township_reviewer", other),
        village: user(4, "village_operator", b.household.area),
        household: (id, b),
    }
}

/// A complete form for `village`, filed by the person with `id_number`.
fn form(village: AreaCode, id_number: &str) -> SelfReportForm {
    SelfReportForm {
        name: "王秀英".into(),
        id_number: id_number.into(),
        phone: "13912345678".into(),
        village: village.as_string(),
        relation: "member".into(),
        head_name: String::new(),
        hardship: "illness".into(),
        description: "丈夫突发脑梗住院，自付医疗费用约5万元，家中无其他收入。".into(),
        consent: true,
    }
}

/// A valid ID number nobody in the registry has.
const STRANGER_ID: &str = "11010519491231002X";

async fn reports_stored(store: &Store) -> i64 {
    let mut q = Query::select();
    q.expr_as(Expr::cust("COUNT(*)"), "n").from("self_report");
    store
        .connection()
        .query_one(&q)
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap()
}

async fn audit_count(store: &Store, action: &str) -> u64 {
    let f = AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    store.audit_search(&f, 0, 100).await.unwrap().0
}

async fn a_report_is_stored_sealed_and_followed_by_receipt(store: Store) {
    let s = setup(&store).await;
    let village = s.household.1.household.area;
    let areas = store.public_areas().await.unwrap();
    let t = areas
        .iter()
        .find(|t| t.code == village.parent().unwrap().as_string())
        .expect("the township is offered");
    assert!(t.villages.iter().any(|v| v.code == village.as_string()));

    let receipt = store
        .submit_self_report(
            &form(village, STRANGER_ID),
            Some("10.1.2.3".into()),
            at(2024, 6, 3),
        )
        .await
        .unwrap();
    assert!(receipt.receipt_no.starts_with("20240603-"), "{receipt:?}");
    assert_eq!(receipt.submitted_on, day(2024, 6, 3));
    // Monday 06-03: two working days later is Wednesday 06-05.
    assert_eq!(receipt.accept_due, Some(day(2024, 6, 5)));
    assert!(!receipt.village_name.is_empty());

    // The ID number is sealed, with the registry's keyed hash.
    let mut q = Query::select();
    q.columns(["id_enc", "id_hash", "consent_version", "status"])
        .from("self_report");
    let row = store.connection().query_one(&q).await.unwrap().unwrap();
    let sealed: String = row.try_get("", "id_enc").unwrap();
    assert!(!sealed.contains("19491231"), "sealed: {sealed}");
    assert_eq!(store.cipher().open(&sealed).unwrap(), STRANGER_ID);
    let hash: String = row.try_get("", "id_hash").unwrap();
    assert_eq!(hash.trim(), store.cipher().lookup_hash(STRANGER_ID));
    assert_eq!(row.try_get::<String>("", "status").unwrap(), "pending");

    // The audit entry names the public actor and never the full ID number.
    let f = AuditFilter {
        action: Some("self_report_submit".into()),
        ..Default::default()
    };
    let (n, entries) = store.audit_search(&f, 0, 10).await.unwrap();
    assert_eq!(n, 1);
    let e = &entries[0];
    assert_eq!(e.address.as_deref(), Some("10.1.2.3"));
    assert_eq!(e.area_code.as_deref(), Some(village.as_string().as_str()));
    let text = serde_json::to_string(e).unwrap();
    assert!(
        !text.contains(STRANGER_ID) && !text.contains("13912345678"),
        "{text}"
    );
    assert!(text.contains("110105********002X"), "{text}");

    // The applicant follows it with the receipt and the ID's last four.
    let st = store
        .self_report_status(&receipt.receipt_no, "002x")
        .await
        .unwrap();
    assert_eq!(st.status, ReportStatus::Pending);
    assert_eq!(st.accept_due, Some(day(2024, 6, 5)));
    assert!(
        st.next_step.contains("2024年6月5日前受理"),
        "{}",
        st.next_step
    );
    for (receipt_no, last4) in [
        (receipt.receipt_no.as_str(), "0021"),
        ("20240603-000000", "002X"),
    ] {
        let e = store
            .self_report_status(receipt_no, last4)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e}");
        assert!(e.to_string().contains("回执号"), "{e}");
    }

    // The township sees it masked; other townships and villages do not.
    let (total, rows) = store
        .self_reports(&s.township, &SelfReportFilter::default(), at(2024, 6, 3))
        .await
        .unwrap();
    assert_eq!(total, 1);
    let r = &rows[0];
    assert_eq!(r.id_masked, "110105********002X");
    assert_eq!(r.phone_masked, "139****5678");
    assert_eq!(r.urgency, Some(Urgency::OnTrack));
    assert!(r.matches.is_empty(), "not a registered member");
    let (total, _) = store
        .self_reports(
            &s.other_township,
            &SelfReportFilter::default(),
            at(2024, 6, 3),
        )
        .await
        .unwrap();
    assert_eq!(total, 0);
    let e = store
        .self_report(&s.other_township, r.id, at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let e = store
        .self_reports(&s.village, &SelfReportFilter::default(), at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    // The full phone is for the township, and each look is audited.
    let phone = store.self_report_phone(&s.township, r.id).await.unwrap();
    assert_eq!(phone, "13912345678");
    assert_eq!(audit_count(&store, "read_sensitive").await, 1);
}

async fn refused_forms_store_nothing(store: Store) {
    let s = setup(&store).await;
    let village = s.household.1.household.area;
    let before = audit_count(&store, "self_report_submit").await;
    // One wrong check digit: the GB 11643 check refuses it, in Chinese.
    let e = store
        .submit_self_report(&form(village, "110105194912310021"), None, at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert_eq!(
        e.to_string(),
        "身份证号码：证件号码校验位错误：应为X，实际为1"
    );
    // The consent box not ticked.
    let mut f = form(village, STRANGER_ID);
    f.consent = false;
    let e = store
        .submit_self_report(&f, None, at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("承诺授权："), "{e}");
    // A village that does not exist, and a township code instead of a village.
    for code in ["500230199201", &village.parent().unwrap().as_string()] {
        let mut f = form(village, STRANGER_ID);
        f.village = code.to_string();
        let e = store
            .submit_self_report(&f, None, at(2024, 6, 3))
            .await
            .unwrap_err();
        assert!(e.to_string().starts_with("所在村："), "{code}: {e}");
    }
    assert_eq!(reports_stored(&store).await, 0);
    assert_eq!(audit_count(&store, "self_report_submit").await, before);
}

async fn acceptance_opens_a_case(store: Store) {
    let s = setup(&store).await;
    let (hid, b) = &s.household;
    // A member who is not the 户主 files for the household.
    let member = b
        .members
        .iter()
        .find(|m| m.id_number != b.household.head_id)
        .unwrap();
    let receipt = store
        .submit_self_report(
            &form(b.household.area, member.id_number.as_str()),
            None,
            at(2024, 6, 3),
        )
        .await
        .unwrap();
    let rows = inbox(&store, &s.township, at(2024, 6, 4)).await;
    let r = &rows[0];
    assert_eq!(r.matches.len(), 1, "found by the ID hash");
    assert_eq!(r.matches[0].household_id, *hid);
    assert!(!r.matches[0].is_head);

    // The village level does not accept reports.
    let e = store
        .accept_self_report(&s.village, r.id, None, at(2024, 6, 4))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    let done = store
        .accept_self_report(&s.township, r.id, None, at(2024, 6, 4))
        .await
        .unwrap();
    assert_eq!(done.household_id, *hid);
    assert!(!done.joined_existing);
    let case = store
        .case_detail(&s.township, done.case_id, at(2024, 6, 4))
        .await
        .unwrap();
    assert_eq!(case.row.channel, Channel::SelfReport);
    assert_eq!(case.row.state, CaseState::Lead);
    assert_eq!(case.row.household_id, *hid);
    assert!(
        case.summary.contains(&receipt.receipt_no),
        "{}",
        case.summary
    );
    assert!(case.summary.contains("因病"), "{}", case.summary);
    assert_eq!(case.reporter.as_deref(), Some("王秀英（家庭成员）"));
    let evidence = case.events[0].payload["evidence"].as_str().unwrap();
    assert!(evidence.contains("丈夫突发脑梗住院"), "{evidence}");
    // The case workflow takes over: the lead is due on its own clock.
    assert!(case.row.step_due.is_some());

    let r = store
        .self_report(&s.township, r.id, at(2024, 6, 4))
        .await
        .unwrap();
    assert_eq!(r.status, ReportStatus::Accepted);
    assert_eq!(r.case_id, Some(done.case_id));
    assert_eq!(r.decided_on, Some(day(2024, 6, 4)));
    assert_eq!(r.urgency, None);
    assert_eq!(audit_count(&store, "self_report_accept").await, 1);
    assert_eq!(audit_count(&store, "case_open").await, 1);
    let st = store
        .self_report_status(&receipt.receipt_no, &member.id_number.as_str()[14..])
        .await
        .unwrap();
    assert_eq!(st.status, ReportStatus::Accepted);
    assert!(st.next_step.contains("入户核实"), "{}", st.next_step);

    // Decided once: a second 受理 or 不予受理 is refused.
    let e = store
        .accept_self_report(&s.township, r.id, None, at(2024, 6, 4))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已受理"), "{e}");
    let e = store
        .decline_self_report(&s.township, r.id, "重复", at(2024, 6, 4))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已受理"), "{e}");

    // A second report for the same household joins the case in progress.
    store
        .submit_self_report(
            &form(b.household.area, b.household.head_id.as_str()),
            None,
            at(2024, 6, 5),
        )
        .await
        .unwrap();
    let f = SelfReportFilter {
        status: Some(ReportStatus::Pending),
        ..Default::default()
    };
    let (_, rows) = store
        .self_reports(&s.township, &f, at(2024, 6, 5))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].matches[0].is_head);
    let joined = store
        .accept_self_report(&s.township, rows[0].id, None, at(2024, 6, 5))
        .await
        .unwrap();
    assert!(joined.joined_existing);
    assert_eq!(joined.case_id, done.case_id);
    assert_eq!(audit_count(&store, "case_open").await, 1, "no second case");
}

async fn acceptance_of_a_non_member_needs_a_household(store: Store) {
    let s = setup(&store).await;
    let (hid, b) = &s.household;
    let mut f = form(b.household.area, STRANGER_ID);
    f.relation = "relative".into();
    f.head_name = b.household.head_name.clone();
    store
        .submit_self_report(&f, None, at(2024, 6, 3))
        .await
        .unwrap();
    let rows = inbox(&store, &s.township, at(2024, 6, 3)).await;
    let id = rows[0].id;
    assert_eq!(
        rows[0].head_name.as_deref(),
        Some(b.household.head_name.as_str())
    );
    let e = store
        .accept_self_report(&s.township, id, None, at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("请选择要关联的农户"), "{e}");
    // A household outside the township does not exist for its reviewer.
    let e = store
        .accept_self_report(&s.other_township, id, Some(*hid), at(2024, 6, 3))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    assert_eq!(
        reports_pending(&store, &s.township).await,
        1,
        "nothing changed"
    );

    let done = store
        .accept_self_report(&s.township, id, Some(*hid), at(2024, 6, 3))
        .await
        .unwrap();
    assert_eq!(done.household_id, *hid);
    let case = store
        .case_detail(&s.township, done.case_id, at(2024, 6, 3))
        .await
        .unwrap();
    assert_eq!(case.reporter.as_deref(), Some("王秀英（近亲属代为申报）"));
    assert_eq!(reports_pending(&store, &s.township).await, 0);
}

/// Every report of `access`'s inbox on a day.
async fn inbox(store: &Store, access: &Access, now: DateTime<Utc>) -> Vec<SelfReportRow> {
    let f = SelfReportFilter::default();
    store.self_reports(access, &f, now).await.unwrap().1
}

async fn reports_pending(store: &Store, access: &Access) -> u64 {
    let f = SelfReportFilter {
        status: Some(ReportStatus::Pending),
        ..Default::default()
    };
    store
        .self_reports(access, &f, at(2024, 6, 3))
        .await
        .unwrap()
        .0
}

async fn declining_records_the_reason(store: Store) {
    let s = setup(&store).await;
    let village = s.household.1.household.area;
    let receipt = store
        .submit_self_report(&form(village, STRANGER_ID), None, at(2024, 6, 3))
        .await
        .unwrap();
    let rows = inbox(&store, &s.township, at(2024, 6, 3)).await;
    let id = rows[0].id;
    let e = store
        .decline_self_report(&s.township, id, "  ", at(2024, 6, 4))
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("不予受理理由："), "{e}");
    let r = store
        .decline_self_report(
            &s.township,
            id,
            "经电话核实，申请人家庭不在本乡镇居住",
            at(2024, 6, 4),
        )
        .await
        .unwrap();
    assert_eq!(r.status, ReportStatus::Declined);
    assert_eq!(r.decided_on, Some(day(2024, 6, 4)));
    assert_eq!(audit_count(&store, "self_report_decline").await, 1);
    assert_eq!(audit_count(&store, "case_open").await, 0, "no case");
    let st = store
        .self_report_status(&receipt.receipt_no, "002X")
        .await
        .unwrap();
    assert_eq!(st.status, ReportStatus::Declined);
    assert_eq!(
        st.decline_reason.as_deref(),
        Some("经电话核实，申请人家庭不在本乡镇居住")
    );
    let e = store
        .accept_self_report(&s.township, id, None, at(2024, 6, 4))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不予受理"), "{e}");
}

async fn deadline_counts_working_days_across_national_day(store: Store) {
    let s = setup(&store).await;
    let village = s.household.1.household.area;
    // Monday 09-30, the last working day before 国庆 (10-01..07 off): two
    // working days later is Wednesday 10-09.
    let receipt = store
        .submit_self_report(&form(village, STRANGER_ID), None, at(2024, 9, 30))
        .await
        .unwrap();
    assert_eq!(receipt.accept_due, Some(day(2024, 10, 9)));
    // Filed on a holiday: the days count from the next working day too.
    let on_holiday = store
        .submit_self_report(&form(village, STRANGER_ID), None, at(2024, 10, 3))
        .await
        .unwrap();
    assert_eq!(on_holiday.accept_due, Some(day(2024, 10, 9)));

    let urgency_on = |d: DateTime<Utc>| {
        let store = &store;
        let township = &s.township;
        async move {
            let f = SelfReportFilter::default();
            let (_, rows) = store.self_reports(township, &f, d).await.unwrap();
            let due = store.due_self_reports(township, d).await.unwrap();
            (rows[0].urgency, due.len())
        }
    };
    // Over the holiday the report is not yet due soon; the 工作台 lists it
    // from the day before its last day, and once overdue. Two working days
    // after its last day (10-11) it is raised to the county.
    let county = user(
        5,
        "county_approver",
        village.parent().unwrap().parent().unwrap(),
    );
    let other_county = user(6, "county_approver", AreaCode::parse("500231").unwrap());
    for (on, expected, county_sees) in [
        (at(2024, 10, 4), (Some(Urgency::OnTrack), 0), 0),
        (at(2024, 10, 8), (Some(Urgency::DueSoon), 2), 0),
        (at(2024, 10, 9), (Some(Urgency::DueSoon), 2), 0),
        (at(2024, 10, 11), (Some(Urgency::Overdue), 2), 0),
        (at(2024, 10, 12), (Some(Urgency::Escalated), 2), 2),
        (at(2024, 10, 21), (Some(Urgency::Escalated), 2), 2),
    ] {
        assert_eq!(urgency_on(on).await, expected, "{on}");
        let up = store.due_self_reports(&county, on).await.unwrap();
        assert_eq!(up.len(), county_sees, "county on {on}");
        assert!(up.iter().all(|r| r.urgency_label == Some("逾期已上报")));
        assert!(
            store
                .due_self_reports(&other_county, on)
                .await
                .unwrap()
                .is_empty()
        );
    }
    // Roles that neither accept nor approve have nothing due.
    assert!(
        store
            .due_self_reports(&s.village, at(2024, 10, 21))
            .await
            .unwrap()
            .is_empty()
    );

    // The limit is a per-area, per-year parameter: a township may shorten it.
    let def = fangpin_domain::ParamDef {
        key: fangpin_domain::policy::keys::SLA_SELF_REPORT_ACCEPT.into(),
        scope: Some(village.parent().unwrap()),
        year: 2024,
        value: fangpin_domain::ParamValue::Text("1工作日".into()),
        confidence: fangpin_domain::Confidence::Local,
        note: "本乡镇规定".into(),
    };
    store
        .insert_param(&fangpin_store::Actor::system("测试"), &def, true)
        .await
        .unwrap();
    let faster = store
        .submit_self_report(&form(village, STRANGER_ID), None, at(2024, 9, 30))
        .await
        .unwrap();
    assert_eq!(faster.accept_due, Some(day(2024, 10, 8)));
}
