//! 资金与就业帮扶 on both engines: each cap and check with a refused and an
//! accepted record (a refusal leaves every table and the audit log as they
//! were), overdue loans across a time travel, the 逾期率 per area next to its
//! target, 零就业家庭 and 务工规模.

use chrono::{Datelike, NaiveDate};
use fangpin_domain::assist::MeasureForm;
use fangpin_domain::funds::{
    AwardEntry, BasisPoints, EmploymentCorrection, EmploymentEntry, LoanCorrection, LoanEntry,
    LoanTerms, PostCorrection, PostEntry, Repayment, RepaymentMethod, Subsidy, WorkRegion,
};
use fangpin_domain::{AreaCode, HouseholdBundle, Money, Person, YearMonth};
use fangpin_store::AuditFilter;
use fangpin_store::assist::NewMeasure;
use fangpin_store::funds::{FundsFilter, LoanFilter};
use fangpin_store::quality::QualityFilter;
use fangpin_store::testing::{china_morning, day, role_user};
use fangpin_store::{Access, Store, StoreError};
use sea_orm::{ConnectionTrait, Statement};

mod common;

fangpin_store::dual_backend_tests!(
    loans_caps_schedule_and_overdue_rate,
    public_posts_check_age_labour_and_overlap,
    industry_awards_respect_the_yearly_cap,
    employment_scale_and_zero_employment_households,
    writes_need_permission_and_scope,
    loans_are_corrected_and_repayments_undone,
    posts_are_corrected_and_ended_early,
    awards_are_corrected_within_the_cap_and_withdrawn,
    jobs_are_corrected_and_ended,
    edits_need_permission_scope_and_a_fresh_page,
    loans_and_awards_go_only_to_the_households_the_area_names,
);

const TABLES: [&str; 7] = [
    "micro_loan",
    "loan_instalment",
    "loan_repayment",
    "public_post",
    "industry_award",
    "employment",
    "audit_log",
];

/// Row counts of every table a funds write touches, and the audit log.
async fn counts(store: &Store) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        let r = store
            .connection()
            .query_one_raw(Statement::from_string(
                store.connection().get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {t}"),
            ))
            .await
            .unwrap()
            .unwrap();
        out.push(r.try_get::<i64>("", "n").unwrap());
    }
    out
}

/// Asserts that `result` is refused with a message containing `needle`
/// and that nothing was written.
async fn refused<T: std::fmt::Debug>(
    store: &Store,
    before: &[i64],
    result: Result<T, StoreError>,
    needle: &str,
) {
    match result {
        Err(StoreError::Invalid(m)) => assert!(m.contains(needle), "{m} should contain {needle}"),
        other => panic!("expected a refusal containing {needle}, got {other:?}"),
    }
    assert_eq!(counts(store).await, before, "a refusal changes nothing");
}

/// The demo county for money measures: its households that may borrow and
/// receive awards in 丰都 2024 (脱贫户 and 监测对象, sources/003 八 and 十),
/// with a 全市平均水平 for the awards' income test. The sources give no
/// number for it: 100,000 元 is a test value above every demo income. The
/// tests of caps and corrections that use it do not ask for a 产业 measure
/// under way (`industry_award_needs_industry` 否); that rule has its own test.
async fn funds_county(store: &Store, seed: u64, n: u32) -> (Vec<HouseholdBundle>, Access) {
    let (bundles, county) = common::demo_county(store, seed, n).await;
    set_city_average(store, Money::from_yuan(100_000)).await;
    let key = fangpin_domain::policy::keys::AWARD_NEEDS_INDUSTRY;
    set_fengdu_2024(store, key, fangpin_domain::ParamValue::Bool(false)).await;
    let eligible = bundles
        .into_iter()
        .filter(|b| b.household.is_lifted_out() || b.household.is_monitored())
        .collect();
    (eligible, county)
}

/// A household (its id and bundle) with at least two members aged 18–60
/// who can work and one child under 16.
async fn family_with_child(
    store: &Store,
    county: &Access,
    bundles: &[HouseholdBundle],
) -> (i64, HouseholdBundle) {
    let on = day(2024, 3, 15);
    let b = bundles
        .iter()
        .find(|b| {
            b.members
                .iter()
                .filter(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(on)))
                .count()
                >= 2
                && b.members.iter().any(|m| m.age_on(on) < 15)
        })
        .expect("a family with working adults and a child")
        .clone();
    let id = store
        .household_by_no(county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    (id, b)
}

fn adults(b: &HouseholdBundle) -> Vec<&Person> {
    b.members
        .iter()
        .filter(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(day(2024, 3, 15))))
        .collect()
}

fn child(b: &HouseholdBundle) -> &Person {
    b.members
        .iter()
        .find(|m| m.age_on(day(2024, 3, 15)) < 15)
        .unwrap()
}

fn loan(borrower: &str, yuan: i64, months: u32, issued_on: NaiveDate) -> LoanEntry {
    LoanEntry {
        borrower_no: borrower.into(),
        bank: "丰都县农村商业银行".into(),
        purpose: "生猪养殖".into(),
        terms: LoanTerms {
            amount: Money::from_yuan(yuan),
            term_months: months,
            issued_on,
            annual_rate: BasisPoints(345),
            method: RepaymentMethod::InterestQuarterly,
            subsidy: Subsidy::Rate(BasisPoints(345)),
            collateral: false,
        },
        note: String::new(),
    }
}

async fn loans_caps_schedule_and_overdue_rate(store: Store) {
    let (bundles, county) = funds_county(&store, 31, 80).await;
    let (hid, b) = family_with_child(&store, &county, &bundles).await;
    let a = adults(&b);
    let (one, two) = (a[0].person_no.clone(), a[1].person_no.clone());
    let issued = day(2024, 3, 15);
    let at = china_morning(2024, 3, 15);

    // Each cap refuses with its numbers and writes nothing.
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store
            .add_loan(&county, hid, loan(&one, 50_001, 36, issued), at)
            .await,
        "贷款金额50001.00元超过上限50000.00元",
    )
    .await;
    refused(
        &store,
        &before,
        store
            .add_loan(&county, hid, loan(&one, 10_000, 37, issued), at)
            .await,
        "贷款期限37个月超过上限36个月",
    )
    .await;
    let mut secured = loan(&one, 10_000, 12, issued);
    secured.terms.collateral = true;
    refused(
        &store,
        &before,
        store.add_loan(&county, hid, secured, at).await,
        "免抵押、免担保",
    )
    .await;
    refused(
        &store,
        &before,
        store
            .add_loan(
                &county,
                hid,
                loan(&child(&b).person_no, 10_000, 12, issued),
                at,
            )
            .await,
        "小额信贷借款人应在18至65周岁之间",
    )
    .await;
    refused(
        &store,
        &before,
        store
            .add_loan(&county, hid, loan("nobody", 10_000, 12, issued), at)
            .await,
        "本户没有人口编号为nobody的成员",
    )
    .await;

    // Accepted: schedule of four quarters, principal at maturity; audited.
    let first = store
        .add_loan(&county, hid, loan(&one, 30_000, 12, issued), at)
        .await
        .unwrap();
    let after = counts(&store).await;
    assert_eq!(after[0], before[0] + 1);
    assert_eq!(after[1], before[1] + 4);
    assert_eq!(after[6], before[6] + 1, "one audit entry");
    let d = store.loan(&county, first, at).await.unwrap();
    assert_eq!(d.schedule.len(), 4);
    assert_eq!(d.schedule[0].due_on, day(2024, 6, 15));
    assert_eq!(d.schedule[3].principal_fen, Money::from_yuan(30_000));
    assert_eq!(d.loan.maturity_on, day(2025, 3, 15));
    assert_eq!(d.loan.subsidy_total_fen, d.loan.interest_total_fen);

    // The household cap counts what it still owes.
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store
            .add_loan(&county, hid, loan(&two, 30_000, 12, issued), at)
            .await,
        "本户小额信贷未还本金已有30000.00元，每户上限50000.00元，本次最多还可贷20000.00元",
    )
    .await;
    let second = store
        .add_loan(&county, hid, loan(&two, 20_000, 24, issued), at)
        .await
        .unwrap();

    // Time travel: on the first due day nothing is overdue, the next day
    // both loans are; the county's rate is then 100 %.
    let due = store.with_clock_at(china_morning(2024, 6, 15));
    let (_, rows) = due
        .loans(&county, &LoanFilter::default(), 0, 50, due.now())
        .await
        .unwrap();
    assert!(rows.iter().all(|r| !r.standing.is_overdue()), "{rows:?}");
    let late = store.with_clock_at(china_morning(2024, 6, 16));
    let overdue = LoanFilter {
        overdue_only: true,
        ..Default::default()
    };
    let (n, rows) = late
        .loans(&county, &overdue, 0, 50, late.now())
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(rows[0].status_label, "逾期");
    assert_eq!(rows[0].standing.days_overdue, 1);
    let rates = late.loan_rates(&county, None, late.now()).await.unwrap();
    assert_eq!(rates.area.portfolio.outstanding, Money::from_yuan(50_000));
    assert_eq!(rates.area.rate_bp, Some(BasisPoints(10_000)));
    assert_eq!(rates.area.target_bp, Some(BasisPoints(100)));
    assert!(
        rates.area.target_source.contains("丰都"),
        "{}",
        rates.area.target_source
    );
    assert_eq!(rates.area.meets, Some(false));
    let township = b.household.area.parent().unwrap().as_string();
    let row = rates
        .children
        .iter()
        .find(|c| c.area_code == township)
        .unwrap();
    assert_eq!(row.portfolio.loans, 2);
    assert!(
        rates
            .children
            .iter()
            .filter(|c| c.area_code != township)
            .all(|c| c.portfolio.loans == 0 && c.meets.is_none())
    );

    // Repaying the first loan's instalment late cures it from that day.
    let inst = d.schedule[0].total_fen;
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store
            .add_repayment(
                &county,
                first,
                Repayment {
                    paid_on: day(2024, 1, 1),
                    amount: inst,
                },
                "",
                late.now(),
            )
            .await,
        "早于放款日期",
    )
    .await;
    refused(
        &store,
        &before,
        store
            .add_repayment(
                &county,
                first,
                Repayment {
                    paid_on: day(2024, 6, 20),
                    amount: Money::from_yuan(40_000),
                },
                "",
                late.now(),
            )
            .await,
        "超过尚欠本息",
    )
    .await;
    store
        .add_repayment(
            &county,
            first,
            Repayment {
                paid_on: day(2024, 6, 20),
                amount: inst,
            },
            "柜台还款",
            late.now(),
        )
        .await
        .unwrap();
    let cured = store.with_clock_at(china_morning(2024, 6, 21));
    let d = cured.loan(&county, first, cured.now()).await.unwrap();
    assert!(!d.loan.standing.is_overdue());
    assert_eq!(d.schedule[0].status, "paid");
    assert_eq!(d.schedule[1].status, "due");
    let rates = cured.loan_rates(&county, None, cured.now()).await.unwrap();
    // Only the 20,000 loan is overdue: 20,000 / 50,000 = 40 %.
    assert_eq!(rates.area.portfolio.overdue_loans, 1);
    assert_eq!(rates.area.rate_bp, Some(BasisPoints(4_000)));
    // Its village alone.
    let village = late
        .loan_rates(&county, Some(b.household.area), cured.now())
        .await
        .unwrap();
    assert!(village.children.is_empty());
    assert_eq!(village.area.portfolio.loans, 2);

    // Paying the second loan's instalment brings the rate to zero, within target.
    let d2 = store.loan(&county, second, cured.now()).await.unwrap();
    store
        .add_repayment(
            &county,
            second,
            Repayment {
                paid_on: day(2024, 6, 21),
                amount: d2.schedule[0].total_fen,
            },
            "",
            cured.now(),
        )
        .await
        .unwrap();
    let rates = cured.loan_rates(&county, None, cured.now()).await.unwrap();
    assert_eq!(rates.area.rate_bp, Some(BasisPoints(0)));
    assert_eq!(rates.area.meets, Some(true));
    // A grace period parameter would be read per area; the seeded one is 0 days.
    assert_eq!(d2.grace_days, 0);
}

async fn public_posts_check_age_labour_and_overlap(store: Store) {
    let (bundles, county) = funds_county(&store, 32, 80).await;
    let (hid, b) = family_with_child(&store, &county, &bundles).await;
    let adult = adults(&b)[0].clone();
    let kid = child(&b).clone();
    let at = china_morning(2024, 3, 1);
    let post = |no: &str, start: NaiveDate, end: NaiveDate| PostEntry {
        person_no: no.into(),
        post: "护林员".into(),
        start,
        end,
        monthly_pay: Money::from_yuan(600),
        note: String::new(),
    };
    let add = async |no: &str, start: NaiveDate, end: NaiveDate| {
        store.add_post(&county, hid, post(no, start, end), at).await
    };
    let before = counts(&store).await;
    let age = kid.age_on(day(2024, 3, 1));
    refused(
        &store,
        &before,
        add(&kid.person_no, day(2024, 3, 1), day(2024, 12, 31)).await,
        &format!(
            "{}在2024-03-01为{age}周岁，公益性岗位人员应在16至65周岁之间",
            kid.name
        ),
    )
    .await;
    // No labour capacity: refused with the label of the code.
    let d = store.household(&county, hid).await.unwrap();
    let mut members = d.members.clone();
    let weak = members
        .iter_mut()
        .find(|m| m.person_no == adults(&b)[1].person_no)
        .unwrap();
    weak.labor_skill = "4".into();
    let lost_no = weak.person_no.clone();
    store
        .update_household(
            &county,
            hid,
            d.household.clone(),
            members,
            d.incomes.clone(),
            "核实劳动能力",
        )
        .await
        .unwrap();
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        add(&lost_no, day(2024, 3, 1), day(2024, 12, 31)).await,
        "劳动技能为“丧失劳动力”，没有劳动能力",
    )
    .await;
    refused(
        &store,
        &before,
        add(&adult.person_no, day(2024, 12, 31), day(2024, 3, 1)).await,
        "结束日期2024-03-01早于开始日期2024-12-31",
    )
    .await;

    // Accepted, then an overlapping one for the same person is refused.
    add(&adult.person_no, day(2024, 3, 1), day(2024, 8, 31))
        .await
        .unwrap();
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        add(&adult.person_no, day(2024, 8, 1), day(2024, 12, 31)).await,
        "在2024-03-01至2024-08-31已有公益性岗位“护林员”",
    )
    .await;
    add(&adult.person_no, day(2024, 9, 1), day(2024, 12, 31))
        .await
        .unwrap();
    let f = FundsFilter {
        household_id: Some(hid),
        ..Default::default()
    };
    let (n, rows) = store
        .posts(&county, &f, 0, 10, china_morning(2024, 10, 1))
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(rows[0].months, 4);
    assert!(rows[0].current && !rows[1].current);
    assert_eq!(rows[1].total_pay_fen, Money::from_yuan(3_600));

    // The data-quality rule: a child recorded with a 公益性岗位 in the
    // household file is found; the adult's post is not.
    let checked = store.with_clock_at(china_morning(2024, 10, 1));
    let d = checked.household(&county, hid).await.unwrap();
    let mut members = d.members.clone();
    let k = members
        .iter_mut()
        .find(|m| m.person_no == kid.person_no)
        .unwrap();
    k.public_welfare_post = Some("保洁员".into());
    k.public_welfare_months = 6;
    checked
        .update_household(
            &county,
            hid,
            d.household.clone(),
            members,
            d.incomes.clone(),
            "录入公益性岗位",
        )
        .await
        .unwrap();
    let mine = QualityFilter {
        household_id: Some(hid),
        rule: Some("L_public_post_age".into()),
        ..Default::default()
    };
    let (_, issues) = checked
        .quality_issues(&county, &mine, 0, 10, checked.now())
        .await
        .unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].message.contains(&kid.name),
        "{}",
        issues[0].message
    );
    assert!(!issues[0].message.contains(&adult.name));
    // Removed from the child: resolved on save.
    let d = checked.household(&county, hid).await.unwrap();
    let mut members = d.members.clone();
    let k = members
        .iter_mut()
        .find(|m| m.person_no == kid.person_no)
        .unwrap();
    k.public_welfare_post = None;
    k.public_welfare_months = 0;
    checked
        .update_household(
            &county,
            hid,
            d.household,
            members,
            d.incomes,
            "更正公益性岗位",
        )
        .await
        .unwrap();
    let (_, issues) = checked
        .quality_issues(&county, &mine, 0, 10, checked.now())
        .await
        .unwrap();
    assert!(issues.is_empty(), "{issues:?}");
}

async fn industry_awards_respect_the_yearly_cap(store: Store) {
    let (bundles, county) = funds_county(&store, 33, 40).await;
    let hid = store
        .household_by_no(&county, &bundles[0].household.household_no)
        .await
        .unwrap()
        .id;
    let at = china_morning(2024, 5, 1);
    let award = |year: i32, yuan: i64| AwardEntry {
        year,
        project: "中药材种植".into(),
        amount: Money::from_yuan(yuan),
        note: String::new(),
    };
    store
        .add_award(&county, hid, award(2024, 1_500), at)
        .await
        .unwrap();
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store.add_award(&county, hid, award(2024, 600), at).await,
        "2024年到户产业奖补每户不超过2000.00元：本户已获1500.00元，还可申请500.00元，本次600.00元超出上限",
    )
    .await;
    // The cap is a 丰都 parameter for 2024 only: another year says so.
    refused(
        &store,
        &before,
        store.add_award(&county, hid, award(2025, 100), at).await,
        "未配置参数“到户产业奖补每户每年上限”",
    )
    .await;
    refused(
        &store,
        &before,
        store.add_award(&county, hid, award(2024, 0), at).await,
        "奖补金额应大于0元",
    )
    .await;
    store
        .add_award(&county, hid, award(2024, 500), at)
        .await
        .unwrap();
    let room = store.award_room(&county, hid, 2024).await.unwrap();
    assert_eq!(room.cap_fen, Some(Money::from_yuan(2_000)));
    assert_eq!(room.granted_fen, Money::from_yuan(2_000));
    assert_eq!(room.remaining_fen, Some(Money::ZERO));
    assert!(room.cap_source.contains("丰都"));
    let room = store.award_room(&county, hid, 2025).await.unwrap();
    assert_eq!(room.cap_fen, None);
    let f = FundsFilter {
        year: Some(2024),
        ..Default::default()
    };
    let (n, sum, rows) = store.awards(&county, &f, 0, 10).await.unwrap();
    assert_eq!((n, sum), (2, Money::from_yuan(2_000)));
    assert_eq!(rows.len(), 2);
}

async fn employment_scale_and_zero_employment_households(store: Store) {
    let (bundles, county) = common::demo_county(&store, 34, 120).await;
    let at = china_morning(2024, 12, 1);
    let zero = store
        .zero_employment(&county, None, 2024, 0, 500)
        .await
        .unwrap();
    // No records yet: every household with a member able to work is listed.
    let with_labour = bundles
        .iter()
        .filter(|b| b.members.iter().any(Person::has_labor_capacity))
        .count() as u64;
    assert_eq!(zero.total, with_labour);
    assert_eq!(zero.by_area[0].with_labour, with_labour);
    assert_eq!(zero.by_area[0].zero, with_labour);
    let sum: u64 = zero.by_area[1..].iter().map(|a| a.zero).sum();
    assert_eq!(sum, with_labour, "townships add up to the county");
    let nobody_able = bundles
        .iter()
        .find(|b| !b.members.iter().any(Person::has_labor_capacity));
    if let Some(b) = nobody_able {
        assert!(
            zero.items
                .iter()
                .all(|r| r.household_no != b.household.household_no)
        );
    }

    // One household's worker (outside the province, 10 months) and another's
    // 公益性岗位 take both off the list.
    let mut able = bundles.iter().filter(|b| {
        b.members
            .iter()
            .any(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(day(2024, 1, 1))))
    });
    let (w, p) = (able.next().unwrap(), able.next().unwrap());
    let id_of = async |b: &HouseholdBundle| {
        store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id
    };
    let worker = w
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(day(2024, 1, 1))))
        .unwrap();
    let job = |months: u8, employer: &str| EmploymentEntry {
        person_no: worker.person_no.clone(),
        year: 2024,
        region: WorkRegion::OutOfProvince,
        place: "浙江宁波".into(),
        employer: employer.into(),
        months,
        income: Money::from_yuan(48_000),
        note: String::new(),
    };
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store
            .add_employment(&county, id_of(w).await, job(13, "电子厂"), at)
            .await,
        "务工月数应在1至12之间，实际为13",
    )
    .await;
    refused(
        &store,
        &before,
        store
            .add_employment(&county, id_of(w).await, job(10, " "), at)
            .await,
        "务工单位不能为空",
    )
    .await;
    let mut future = job(10, "电子厂");
    future.year = 2025;
    refused(
        &store,
        &before,
        store
            .add_employment(&county, id_of(w).await, future, at)
            .await,
        "晚于今年",
    )
    .await;
    store
        .add_employment(&county, id_of(w).await, job(10, "电子厂"), at)
        .await
        .unwrap();
    let holder = p
        .members
        .iter()
        .find(|m| m.has_labor_capacity() && (18..=60).contains(&m.age_on(day(2024, 1, 1))))
        .unwrap();
    store
        .add_post(
            &county,
            id_of(p).await,
            PostEntry {
                person_no: holder.person_no.clone(),
                post: "保洁员".into(),
                start: day(2024, 4, 1),
                end: day(2024, 12, 31),
                monthly_pay: Money::from_yuan(500),
                note: String::new(),
            },
            at,
        )
        .await
        .unwrap();
    let now = store
        .zero_employment(&county, None, 2024, 0, 500)
        .await
        .unwrap();
    assert_eq!(now.total, with_labour - 2);
    for b in [w, p] {
        assert!(
            now.items
                .iter()
                .all(|r| r.household_no != b.household.household_no)
        );
    }
    // Another year: both are zero-employment again.
    let other = store
        .zero_employment(&county, None, 2023, 0, 500)
        .await
        .unwrap();
    assert_eq!(other.total, with_labour);

    // 务工规模: one person outside the province, six months or more.
    let whole = county.area.as_string();
    let scale = store.area_employment(&county, &whole, 2024).await.unwrap();
    assert_eq!(scale.total.workers, 1);
    assert_eq!(scale.total.out_of_province, 1);
    assert_eq!(scale.total.six_months_plus, 1);
    assert_eq!(scale.total.income_fen, Money::from_yuan(48_000));
    let township = w.household.area.parent().unwrap().as_string();
    let t = scale.children.iter().find(|c| c.code == township).unwrap();
    assert_eq!(t.counts.workers, 1);
    // A second record of the same person in the county counts them once,
    // where they worked longest.
    let mut local = job(2, "县城超市");
    local.region = WorkRegion::InCounty;
    store
        .add_employment(&county, id_of(w).await, local, at)
        .await
        .unwrap();
    let scale = store.area_employment(&county, &whole, 2024).await.unwrap();
    assert_eq!(
        (
            scale.total.workers,
            scale.total.out_of_province,
            scale.total.in_county
        ),
        (1, 1, 0)
    );
    let view = store
        .household_funds(&county, id_of(w).await, at)
        .await
        .unwrap();
    assert_eq!(view.jobs.len(), 2);
    assert_eq!(view.jobs[0].region_label, "县内");
    assert_eq!(at.year(), 2024);
}

async fn writes_need_permission_and_scope(store: Store) {
    let (bundles, county) = funds_county(&store, 35, 60).await;
    let b = &bundles[0];
    let hid = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    let at = china_morning(2024, 5, 1);
    let award = AwardEntry {
        year: 2024,
        project: "养殖".into(),
        amount: Money::from_yuan(100),
        note: String::new(),
    };
    let village = b.household.area;
    let other = bundles
        .iter()
        .find(|x| x.household.area.parent() != village.parent())
        .map_or_else(
            || AreaCode::parse("500230999999").unwrap(),
            |x| x.household.area,
        );
    let cadre = role_user(7, "assistance_cadre", village);
    let outsider = role_user(8, "village_operator", other);
    let operator = role_user(9, "village_operator", village);
    let before = counts(&store).await;
    assert!(matches!(
        store.add_award(&cadre, hid, award.clone(), at).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.add_award(&outsider, hid, award.clone(), at).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.loan_rates(&outsider, Some(village), at).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(counts(&store).await, before);
    store.add_award(&operator, hid, award, at).await.unwrap();
    let (n, _, _) = store
        .awards(&outsider, &FundsFilter::default(), 0, 10)
        .await
        .unwrap();
    assert_eq!(n, 0, "another village's operator sees none");
}

// ---------------------------------------------------------------------------
// Corrections
// ---------------------------------------------------------------------------

/// Everything recorded for a household as its page shows it, and the row
/// counts with the audit log: what a refused edit must leave alone.
async fn state(store: &Store, access: &Access, hid: i64) -> (Vec<i64>, serde_json::Value) {
    let view = store
        .household_funds(access, hid, china_morning(2024, 10, 1))
        .await
        .unwrap();
    (counts(store).await, serde_json::to_value(view).unwrap())
}

/// Asserts that an edit is refused with a message containing `needle` and
/// that the household's records and the audit log are as they were.
async fn edit_refused<T: std::fmt::Debug>(
    store: &Store,
    access: &Access,
    hid: i64,
    before: &(Vec<i64>, serde_json::Value),
    result: Result<T, StoreError>,
    needle: &str,
) {
    match result {
        Err(StoreError::Invalid(m)) => assert!(m.contains(needle), "{m} should contain {needle}"),
        other => panic!("expected a refusal containing {needle}, got {other:?}"),
    }
    assert_eq!(
        &state(store, access, hid).await,
        before,
        "a refused edit changes nothing"
    );
}

/// The newest audit entry of `action` about record `id`.
async fn last_audit(store: &Store, action: &str, id: i64) -> fangpin_store::AuditRecord {
    let f = AuditFilter {
        action: Some(action.into()),
        entity_key: Some(id.to_string()),
        ..Default::default()
    };
    let (n, rows) = store.audit_search(&f, 0, 1).await.unwrap();
    assert!(n >= 1, "an audit entry {action} for {id}");
    rows.into_iter().next().unwrap()
}

fn correction(e: &LoanEntry) -> LoanCorrection {
    LoanCorrection {
        bank: e.bank.clone(),
        purpose: e.purpose.clone(),
        terms: e.terms.clone(),
        note: e.note.clone(),
    }
}

async fn loans_are_corrected_and_repayments_undone(store: Store) {
    let (bundles, county) = funds_county(&store, 36, 80).await;
    let (hid, b) = family_with_child(&store, &county, &bundles).await;
    let a = adults(&b);
    let issued = day(2024, 3, 15);
    let at = china_morning(2024, 3, 20);
    let entry = loan(&a[0].person_no, 30_000, 12, issued);
    let id = store
        .add_loan(&county, hid, entry.clone(), at)
        .await
        .unwrap();
    store
        .add_loan(&county, hid, loan(&a[1].person_no, 15_000, 12, issued), at)
        .await
        .unwrap();
    let d = store.loan(&county, id, at).await.unwrap();
    assert_eq!(d.loan.revision, 0);

    // Over the household cap (the other loan still owes 15,000) or the term
    // cap: refused with the numbers, nothing changes.
    let before = state(&store, &county, hid).await;
    let mut big = correction(&entry);
    big.terms.amount = Money::from_yuan(40_000);
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store.correct_loan(&county, id, 0, big, at).await,
        "本户小额信贷未还本金已有15000.00元，每户上限50000.00元，本次最多还可贷35000.00元，申请40000.00元超出上限",
    )
    .await;
    let mut long = correction(&entry);
    long.terms.term_months = 48;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store.correct_loan(&county, id, 0, long, at).await,
        "贷款期限48个月超过上限36个月",
    )
    .await;

    // Accepted before any repayment: the schedule follows the new terms.
    let mut fixed = correction(&entry);
    fixed.terms.amount = Money::from_yuan(35_000);
    fixed.terms.term_months = 24;
    fixed.bank = "重庆农商行丰都支行".into();
    let done = store.correct_loan(&county, id, 0, fixed, at).await.unwrap();
    assert_eq!(done.revision, 1);
    let d = store.loan(&county, id, at).await.unwrap();
    assert_eq!(d.schedule.len(), 8);
    assert_eq!(d.schedule[7].principal_fen, Money::from_yuan(35_000));
    assert_eq!(d.loan.maturity_on, day(2026, 3, 15));
    assert_eq!(d.loan.bank, "重庆农商行丰都支行");
    let audit = last_audit(&store, "loan_correct", id).await;
    assert_eq!(audit.before.unwrap()["amount_fen"], 3_000_000);
    let after = audit.after.unwrap();
    assert_eq!(after["amount_fen"], 3_500_000);
    assert_eq!(after["rescheduled"], true);

    // A repayment moves the revision on; a page that did not see it is stale.
    let first = d.schedule[0].total_fen;
    let paid_at = china_morning(2024, 6, 15);
    let rid = store
        .add_repayment(
            &county,
            id,
            Repayment {
                paid_on: day(2024, 6, 15),
                amount: first,
            },
            "柜台还款",
            paid_at,
        )
        .await
        .unwrap();
    let d = store.loan(&county, id, paid_at).await.unwrap();
    assert_eq!(d.loan.revision, 2);
    let before = state(&store, &county, hid).await;
    let mut note = correction(&entry);
    note.terms = d_terms(&d);
    note.note = "补录合同号".into();
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_loan(&county, id, 1, note.clone(), paid_at)
            .await,
        "贷款已被他人修改，请刷新后再试",
    )
    .await;

    // With a repayment recorded the schedule stands: a new amount is refused
    // and says why; a new note or subsidy is accepted.
    let mut more = note.clone();
    more.terms.amount = Money::from_yuan(36_000);
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store.correct_loan(&county, id, 2, more, paid_at).await,
        &format!("该笔贷款已登记1笔还款共{first}元，还款计划已按原条件执行"),
    )
    .await;
    note.terms.subsidy = Subsidy::Rate(BasisPoints(200));
    let done = store
        .correct_loan(&county, id, 2, note, paid_at)
        .await
        .unwrap();
    let d = store.loan(&county, id, paid_at).await.unwrap();
    assert_eq!(d.loan.note, "补录合同号");
    assert_eq!(d.loan.subsidy, Subsidy::Rate(BasisPoints(200)));
    assert_eq!(
        d.schedule[0].status, "paid",
        "the schedule kept its payment"
    );

    // Undoing the repayment needs a reason and the current revision.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .undo_repayment(&county, id, rid, done.revision, " ", paid_at)
            .await,
        "撤销原因不能为空",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .undo_repayment(&county, id, rid, done.revision - 1, "录错", paid_at)
            .await,
        "已被他人修改",
    )
    .await;
    let undone = store
        .undo_repayment(&county, id, rid, done.revision, "金额录错", paid_at)
        .await
        .unwrap();
    assert_eq!(undone.revision, done.revision + 1);
    let d = store.loan(&county, id, paid_at).await.unwrap();
    assert!(d.repayments.is_empty());
    assert_eq!(d.schedule[0].paid_fen, Money::ZERO);
    let audit = last_audit(&store, "loan_repay_undo", id).await;
    assert_eq!(audit.before.unwrap()["amount_fen"], first.fen());
    assert_eq!(audit.note.as_deref(), Some("金额录错"));
    // Nothing repaid any more: the amount may change again.
    let mut again = correction(&entry);
    again.terms = d_terms(&d);
    again.terms.amount = Money::from_yuan(32_000);
    store
        .correct_loan(&county, id, undone.revision, again, paid_at)
        .await
        .unwrap();
    let d = store.loan(&county, id, paid_at).await.unwrap();
    assert_eq!(d.loan.amount_fen, Money::from_yuan(32_000));
}

/// The terms of a stored loan.
fn d_terms(d: &fangpin_store::funds::LoanDetail) -> LoanTerms {
    LoanTerms {
        amount: d.loan.amount_fen,
        term_months: d.loan.term_months,
        issued_on: d.loan.issued_on,
        annual_rate: d.loan.rate_bp,
        method: d.loan.method,
        subsidy: d.loan.subsidy,
        collateral: false,
    }
}

async fn posts_are_corrected_and_ended_early(store: Store) {
    let (bundles, county) = funds_county(&store, 37, 80).await;
    let (hid, b) = family_with_child(&store, &county, &bundles).await;
    let holder = adults(&b)[0].person_no.clone();
    let at = china_morning(2024, 3, 1);
    let entry = |start: NaiveDate, end: NaiveDate| PostEntry {
        person_no: holder.clone(),
        post: "护林员".into(),
        start,
        end,
        monthly_pay: Money::from_yuan(600),
        note: String::new(),
    };
    let id = store
        .add_post(&county, hid, entry(day(2024, 3, 1), day(2024, 12, 31)), at)
        .await
        .unwrap();
    store
        .add_post(&county, hid, entry(day(2025, 1, 1), day(2025, 6, 30)), at)
        .await
        .unwrap();
    let fix = |end: NaiveDate, yuan: i64| PostCorrection {
        post: "护林员".into(),
        start: day(2024, 3, 1),
        end,
        monthly_pay: Money::from_yuan(yuan),
        note: "按协议更正".into(),
    };

    // A longer period running into the next post is refused.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_post(&county, id, 0, fix(day(2025, 2, 28), 600), at)
            .await,
        "在2025-01-01至2025-06-30已有公益性岗位“护林员”",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_post(&county, id, 0, fix(day(2024, 12, 31), 0), at)
            .await,
        "月工资应大于0元",
    )
    .await;
    // The pay corrected: accepted, audited with before and after.
    let done = store
        .correct_post(&county, id, 0, fix(day(2024, 12, 31), 650), at)
        .await
        .unwrap();
    let row = post_of(&store, &county, hid, id).await;
    assert_eq!(row.monthly_pay_fen, Money::from_yuan(650));
    assert_eq!((row.months, row.revision), (10, 1));
    let audit = last_audit(&store, "post_correct", id).await;
    assert_eq!(audit.before.unwrap()["monthly_pay_fen"], 60_000);
    assert_eq!(audit.after.unwrap()["monthly_pay_fen"], 65_000);

    // Ending early: the month must be within the post and before its end.
    let ym = |y, m| YearMonth::new(y, m).unwrap();
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .end_post(&county, id, done.revision, ym(2024, 2), "外出务工", at)
            .await,
        "提前结束月份2024年2月早于岗位开始日期2024-03-01",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .end_post(&county, id, done.revision, ym(2024, 12), "外出务工", at)
            .await,
        "不是提前结束",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .end_post(&county, id, done.revision, ym(2024, 8), "", at)
            .await,
        "结束原因不能为空",
    )
    .await;
    let ended = store
        .end_post(&county, id, done.revision, ym(2024, 8), "外出务工", at)
        .await
        .unwrap();
    let row = post_of(&store, &county, hid, id).await;
    assert_eq!((row.end_on, row.months), (day(2024, 8, 31), 6));
    assert_eq!(row.total_pay_fen, Money::from_yuan(3_900));
    assert_eq!(
        last_audit(&store, "post_end", id).await.note.as_deref(),
        Some("外出务工")
    );

    // A holder who has lost the capacity to work: a correction re-runs the
    // labour check and is refused.
    let d = store.household(&county, hid).await.unwrap();
    let mut members = d.members.clone();
    members
        .iter_mut()
        .find(|m| m.person_no == holder)
        .unwrap()
        .labor_skill = "4".into();
    store
        .update_household(
            &county,
            hid,
            d.household.clone(),
            members,
            d.incomes.clone(),
            "核实劳动能力",
        )
        .await
        .unwrap();
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_post(&county, id, ended.revision, fix(day(2024, 8, 31), 700), at)
            .await,
        "没有劳动能力",
    )
    .await;
}

async fn post_of(
    store: &Store,
    access: &Access,
    hid: i64,
    id: i64,
) -> fangpin_store::funds::PostRow {
    let f = FundsFilter {
        household_id: Some(hid),
        ..Default::default()
    };
    let (_, rows) = store
        .posts(access, &f, 0, 50, china_morning(2024, 3, 1))
        .await
        .unwrap();
    rows.into_iter().find(|r| r.id == id).unwrap()
}

async fn awards_are_corrected_within_the_cap_and_withdrawn(store: Store) {
    let (bundles, county) = funds_county(&store, 38, 40).await;
    let hid = store
        .household_by_no(&county, &bundles[0].household.household_no)
        .await
        .unwrap()
        .id;
    let at = china_morning(2024, 5, 1);
    let award = |year: i32, yuan: i64| AwardEntry {
        year,
        project: "中药材种植".into(),
        amount: Money::from_yuan(yuan),
        note: String::new(),
    };
    let first = store
        .add_award(&county, hid, award(2024, 1_500), at)
        .await
        .unwrap();
    let second = store
        .add_award(&county, hid, award(2024, 300), at)
        .await
        .unwrap();
    let amounts = async || {
        let view = store.household_funds(&county, hid, at).await.unwrap();
        view.awards
            .iter()
            .map(|a| (a.id, a.amount_fen, a.status_label))
            .collect::<Vec<_>>()
    };

    // Above what remains: refused with what was granted and what remains.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_award(&county, second, 0, award(2024, 600), at)
            .await,
        "2024年到户产业奖补每户不超过2000.00元：本户已获1500.00元，还可申请500.00元，本次600.00元超出上限",
    )
    .await;
    assert!(
        amounts()
            .await
            .contains(&(second, Money::from_yuan(300), "有效"))
    );
    // Moved to a year without a cap: refused as unconfigured.
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_award(&county, second, 0, award(2025, 300), at)
            .await,
        "未配置参数“到户产业奖补每户每年上限”",
    )
    .await;
    // Up to what remains: accepted, audited.
    let done = store
        .correct_award(&county, second, 0, award(2024, 500), at)
        .await
        .unwrap();
    assert_eq!(done.revision, 1);
    let room = store.award_room(&county, hid, 2024).await.unwrap();
    assert_eq!(room.remaining_fen, Some(Money::ZERO));
    let audit = last_audit(&store, "award_correct", second).await;
    assert_eq!(audit.before.unwrap()["amount_fen"], 30_000);
    assert_eq!(audit.after.unwrap()["amount_fen"], 50_000);

    // 撤销 needs a reason; once withdrawn the award counts for nothing and
    // cannot be changed again.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store.withdraw_award(&county, first, 0, "  ", at).await,
        "撤销原因不能为空",
    )
    .await;
    store
        .withdraw_award(&county, first, 0, "项目未验收", at)
        .await
        .unwrap();
    let room = store.award_room(&county, hid, 2024).await.unwrap();
    assert_eq!(room.granted_fen, Money::from_yuan(500));
    assert_eq!(room.remaining_fen, Some(Money::from_yuan(1_500)));
    assert!(
        amounts()
            .await
            .contains(&(first, Money::from_yuan(1_500), "已撤销"))
    );
    let (n, sum, _) = store
        .awards(
            &county,
            &FundsFilter {
                year: Some(2024),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!((n, sum), (2, Money::from_yuan(500)));
    let audit = last_audit(&store, "award_withdraw", first).await;
    assert_eq!(audit.note.as_deref(), Some("项目未验收"));
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_award(&county, first, 1, award(2024, 100), at)
            .await,
        "该笔奖补已于2024-05-01撤销",
    )
    .await;
    // The room it left can be granted again.
    store
        .correct_award(&county, second, 1, award(2024, 2_000), at)
        .await
        .unwrap();
}

async fn jobs_are_corrected_and_ended(store: Store) {
    let (bundles, county) = funds_county(&store, 39, 80).await;
    let (hid, b) = family_with_child(&store, &county, &bundles).await;
    let at = china_morning(2024, 10, 1);
    let id = store
        .add_employment(
            &county,
            hid,
            EmploymentEntry {
                person_no: adults(&b)[0].person_no.clone(),
                year: 2024,
                region: WorkRegion::OutOfProvince,
                place: "浙江宁波".into(),
                employer: "电子厂".into(),
                months: 9,
                income: Money::from_yuan(40_000),
                note: String::new(),
            },
            at,
        )
        .await
        .unwrap();
    let fix = |months: u8, employer: &str| EmploymentCorrection {
        year: 2024,
        region: WorkRegion::InProvince,
        place: "重庆".into(),
        employer: employer.into(),
        months,
        income: Money::from_yuan(38_000),
        note: String::new(),
    };
    let job = async || {
        let view = store.household_funds(&county, hid, at).await.unwrap();
        view.jobs.into_iter().find(|j| j.id == id).unwrap()
    };
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_employment(&county, id, 0, fix(13, "电子厂"), at)
            .await,
        "务工月数应在1至12之间，实际为13",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_employment(&county, id, 0, fix(9, " "), at)
            .await,
        "务工单位不能为空",
    )
    .await;
    let done = store
        .correct_employment(&county, id, 0, fix(9, "汽配厂"), at)
        .await
        .unwrap();
    let j = job().await;
    assert_eq!(
        (j.region_label, j.employer.as_str()),
        ("县外省内", "汽配厂")
    );
    let audit = last_audit(&store, "employment_correct", id).await;
    assert_eq!(audit.before.unwrap()["employer"], "电子厂");

    // Ended: in its year, not in the future; the months stop at the end.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .end_employment(&county, id, done.revision, day(2024, 11, 30), at)
            .await,
        "务工结束日期2024-11-30晚于今天（2024-10-01）",
    )
    .await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .end_employment(&county, id, done.revision, day(2023, 12, 31), at)
            .await,
        "不在2024年内",
    )
    .await;
    let ended = store
        .end_employment(&county, id, done.revision, day(2024, 6, 30), at)
        .await
        .unwrap();
    let j = job().await;
    assert_eq!((j.ended_on, j.months), (Some(day(2024, 6, 30)), 6));
    // A correction of an ended record keeps to the months before its end.
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store
            .correct_employment(&county, id, ended.revision, fix(8, "汽配厂"), at)
            .await,
        "务工已于2024-06-30结束，当年务工月数不能超过6个月，实际为8",
    )
    .await;
    store
        .correct_employment(&county, id, ended.revision, fix(5, "汽配厂"), at)
        .await
        .unwrap();
    assert_eq!(job().await.months, 5);
}

async fn edits_need_permission_scope_and_a_fresh_page(store: Store) {
    let (bundles, county) = funds_county(&store, 40, 60).await;
    let b = &bundles[0];
    let hid = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap()
        .id;
    let at = china_morning(2024, 5, 1);
    let award = |yuan: i64| AwardEntry {
        year: 2024,
        project: "养殖".into(),
        amount: Money::from_yuan(yuan),
        note: String::new(),
    };
    let id = store.add_award(&county, hid, award(100), at).await.unwrap();
    let village = b.household.area;
    let other = bundles
        .iter()
        .find(|x| x.household.area.parent() != village.parent())
        .map_or_else(
            || AreaCode::parse("500230999999").unwrap(),
            |x| x.household.area,
        );
    let inspector = role_user(7, "inspector", AreaCode::parse("500230").unwrap());
    let outsider = role_user(8, "village_operator", other);
    let operator = role_user(9, "village_operator", village);
    let before = state(&store, &county, hid).await;
    assert!(matches!(
        store.correct_award(&inspector, id, 0, award(200), at).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.withdraw_award(&inspector, id, 0, "误录", at).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.correct_award(&outsider, id, 0, award(200), at).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.withdraw_award(&outsider, id, 0, "误录", at).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(state(&store, &county, hid).await, before);
    // The village's operator corrects it; a second edit from the same old
    // page is stale and changes nothing.
    store
        .correct_award(&operator, id, 0, award(200), at)
        .await
        .unwrap();
    let before = state(&store, &county, hid).await;
    edit_refused(
        &store,
        &county,
        hid,
        &before,
        store.correct_award(&operator, id, 0, award(300), at).await,
        "产业奖补已被他人修改，请刷新后再试",
    )
    .await;
    let audit = last_audit(&store, "award_correct", id).await;
    assert_eq!(audit.actor, "village_operator9");
}

/// Sets 丰都's 2024 全市平均水平 for the awards' income test.
async fn set_city_average(store: &Store, average: Money) {
    let key = fangpin_domain::policy::keys::AWARD_INCOME_BELOW;
    set_fengdu_2024(store, key, fangpin_domain::ParamValue::Money(average)).await;
}

/// Sets a parameter of 丰都 for 2024.
async fn set_fengdu_2024(store: &Store, key: &str, value: fangpin_domain::ParamValue) {
    store
        .insert_param(
            &fangpin_store::Actor::system("测试"),
            &fangpin_domain::ParamDef {
                key: key.into(),
                scope: Some(AreaCode::parse("500230").unwrap()),
                year: 2024,
                value,
                confidence: fangpin_domain::Confidence::Unconfirmed,
                note: "测试用".into(),
            },
            true,
        )
        .await
        .unwrap();
}

/// 丰都 2024 (sources/003): 小额信贷 for 脱贫人口 and 监测对象 (八), 到户产业奖补
/// for 脱贫户 and 监测对象 whose 年人均纯收入 is below the 全市平均水平 (十),
/// a number the sources do not give: refused until it is set, then decided
/// strictly below it. Each refusal names the household's category and
/// writes nothing.
async fn loans_and_awards_go_only_to_the_households_the_area_names(store: Store) {
    let (bundles, county) = common::demo_county(&store, 42, 200).await;
    let id_of = async |b: &HouseholdBundle| {
        store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id
    };
    let with_adult = |b: &&HouseholdBundle| !adults(b).is_empty();
    let ordinary = bundles
        .iter()
        .filter(with_adult)
        .find(|b| !b.household.is_lifted_out() && !b.household.is_monitored())
        .expect("an ordinary household");
    let monitored = bundles
        .iter()
        .filter(with_adult)
        .find(|b| !b.household.is_lifted_out() && b.household.is_monitored())
        .expect("a monitored ordinary household");
    let lifted = bundles
        .iter()
        .find(|b| b.household.is_lifted_out())
        .expect("a 脱贫户");
    let issued = day(2024, 3, 15);
    let at = china_morning(2024, 3, 15);

    let before = counts(&store).await;
    let borrower = adults(ordinary)[0].person_no.clone();
    refused(
        &store,
        &before,
        store
            .add_loan(&county, id_of(ordinary).await, loan(&borrower, 10_000, 12, issued), at)
            .await,
        "本户为一般农户，非监测对象，不属于2024年脱贫人口小额信贷的对象（本地区可享受的对象：脱贫户、监测对象）",
    )
    .await;
    let borrower = adults(monitored)[0].person_no.clone();
    let loan_id = store
        .add_loan(
            &county,
            id_of(monitored).await,
            loan(&borrower, 10_000, 12, issued),
            at,
        )
        .await
        .unwrap();

    let award = |yuan: i64| AwardEntry {
        year: 2024,
        project: "中药材种植".into(),
        amount: Money::from_yuan(yuan),
        note: String::new(),
    };
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store
            .add_award(&county, id_of(ordinary).await, award(500), at)
            .await,
        "本户为一般农户，非监测对象，不属于2024年到户产业奖补的对象",
    )
    .await;
    let lifted_id = id_of(lifted).await;
    refused(
        &store,
        &before,
        store.add_award(&county, lifted_id, award(500), at).await,
        "未配置参数“到户产业奖补收入标准（全市平均水平）”",
    )
    .await;

    // The household's 2024 人均纯收入, as the income rules of 丰都 compute it.
    let policy = store.policy_set().await.unwrap();
    let rules = policy.income_rules(&lifted.household.area, 2024).unwrap();
    let record = lifted.incomes.iter().find(|r| r.year == 2024).unwrap();
    let per_capita = fangpin_domain::income::compute(record, &rules)
        .unwrap()
        .per_capita;
    set_city_average(&store, per_capita).await;
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store.add_award(&county, lifted_id, award(500), at).await,
        &format!("本户2024年人均纯收入{per_capita}元，不低于2024年到户产业奖补收入标准（全市平均水平）{per_capita}元"),
    )
    .await;
    set_city_average(&store, per_capita + Money::from_fen(1)).await;

    // 正在发展产业项目 (十): below the average but with no 产业 measure under
    // way in 2024, refused; with one on its plan, granted.
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store.add_award(&county, lifted_id, award(500), at).await,
        "本户2024年没有正在实施的产业帮扶措施",
    )
    .await;
    let farming = NewMeasure::Catalogue(MeasureForm {
        code: "CY01".into(),
        name: "中药材种植".into(),
        target_risk: "01".into(),
        started_on: day(2024, 2, 1),
        ended_on: None,
        amount_fen: 0,
        status: String::new(),
        evidence: String::new(),
    });
    store
        .add_measure(&county, lifted_id, &farming, at)
        .await
        .unwrap();
    store
        .add_award(&county, lifted_id, award(500), at)
        .await
        .unwrap();

    // A loan moved to another year of issue is checked as a new loan of that
    // year: in 2025 丰都 has no local groups and the national default lends to
    // 脱贫户 only, so the monitored ordinary household's loan cannot move.
    let mut moved = correction(&loan(&borrower, 10_000, 12, issued));
    moved.terms.issued_on = day(2025, 1, 10);
    let before = counts(&store).await;
    refused(
        &store,
        &before,
        store.correct_loan(&county, loan_id, 0, moved, at).await,
        "不属于2025年脱贫人口小额信贷的对象（本地区可享受的对象：脱贫户）",
    )
    .await;
}
