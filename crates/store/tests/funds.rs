//! 资金与就业帮扶 on both engines: each cap and check with a refused and an
//! accepted record (a refusal leaves every table and the audit log as they
//! were), overdue loans across a time travel, the 逾期率 per area next to its
//! target, 零就业家庭 and 务工规模.

use chrono::{Datelike, NaiveDate};
use fangpin_domain::funds::{
    AwardEntry, BasisPoints, EmploymentEntry, LoanEntry, LoanTerms, PostEntry, Repayment,
    RepaymentMethod, Subsidy, WorkRegion,
};
use fangpin_domain::{AreaCode, HouseholdBundle, Money, Person};
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
    let (bundles, county) = common::demo_county(&store, 31, 80).await;
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
    let (bundles, county) = common::demo_county(&store, 32, 80).await;
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
    let (bundles, county) = common::demo_county(&store, 33, 40).await;
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
    let scale = store.employment_scale(&county, None, 2024).await.unwrap();
    assert_eq!(scale.area.persons, 1);
    assert_eq!(scale.area.out_of_province, 1);
    assert_eq!(scale.area.six_months_plus, 1);
    assert_eq!(scale.area.income_fen, Money::from_yuan(48_000));
    let township = w.household.area.parent().unwrap().as_string();
    let t = scale
        .children
        .iter()
        .find(|c| c.area_code == township)
        .unwrap();
    assert_eq!(t.persons, 1);
    // A second record of the same person in the county counts them once,
    // where they worked longest.
    let mut local = job(2, "县城超市");
    local.region = WorkRegion::InCounty;
    store
        .add_employment(&county, id_of(w).await, local, at)
        .await
        .unwrap();
    let scale = store.employment_scale(&county, None, 2024).await.unwrap();
    assert_eq!(
        (
            scale.area.persons,
            scale.area.out_of_province,
            scale.area.in_county
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
    let (bundles, county) = common::demo_county(&store, 35, 60).await;
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
        .map(|x| x.household.area)
        .unwrap_or_else(|| AreaCode::parse("500230999999").unwrap());
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
