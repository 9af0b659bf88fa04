//! The county's money measures and work records.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use fangpin_domain::funds::{self, HouseholdFunds, LoanCaps, PostCheck, PostSpan};
use fangpin_domain::{Money, Person};
use fangpin_store::audit::{AuditEntry, commit_audited};
use fangpin_store::calendar::china_day;
use fangpin_store::funds::FundsLoaded;
use fangpin_store::users::perm;
use fangpin_store::{Access, HouseholdDetail, Result, Store, StoreError};

/// Writes the money measures and work records of many households in one
/// transaction with one audit entry, checking every record with the same
/// domain rules as the forms (caps counted within the load: it is meant for
/// households that have none yet, as a fresh demo county): who may borrow
/// in the year of issue, caps, ages, overlaps, and the groups an award is
/// open to. An award's income and 产业 tests are the one exception: they
/// need the 全市平均水平, which no source gives and the demo does not
/// invent, and the household's plan, which the demo writes after its money
/// records. Any refusal refuses the whole load.
pub async fn load_funds(
    store: &Store,
    access: &Access,
    note: &str,
    items: &[HouseholdFunds],
    now: DateTime<Utc>,
) -> Result<FundsLoaded> {
    access.require(perm::HOUSEHOLD_WRITE)?;
    let items: Vec<&HouseholdFunds> = items.iter().filter(|i| !i.is_empty()).collect();
    if items.is_empty() {
        return Ok(FundsLoaded::default());
    }
    let policy = store.policy_set().await?;
    let mut records = store.new_funds_records(access.user_id, now);
    for chunk in items.chunks(200) {
        let details = store
            .households_by_no(access, chunk.iter().map(|i| i.household_no.as_str()))
            .await?;
        for item in chunk {
            let d = details.get(&item.household_no).ok_or_else(|| {
                StoreError::NotFound(format!("户编号不存在：{}", item.household_no))
            })?;
            let area = d.household.area;
            let fail = |m: String| StoreError::Invalid(format!("户编号{}：{m}", item.household_no));
            let person = |no: &str| member(d, no).map_err(fail);
            let mut owed = Money::ZERO;
            for (e, paid) in &item.loans {
                let m = person(&e.borrower_no)?;
                funds::check_loan_eligible(&policy, &d.household, e.terms.issued_on.year())
                    .map_err(|x| fail(x.to_string()))?;
                let caps = LoanCaps::resolve(&policy, &area, e.terms.issued_on.year())
                    .map_err(|x| fail(x.to_string()))?;
                funds::check_loan(&e.terms, &caps, owed).map_err(|x| fail(x.to_string()))?;
                let plan = funds::schedule(&e.terms);
                for (k, r) in paid.iter().enumerate() {
                    funds::check_repayment(e.terms.issued_on, &plan, &paid[..k], r)
                        .map_err(|x| fail(x.to_string()))?;
                }
                owed += funds::standing(e.terms.amount, &plan, paid, china_day(now), 0).outstanding;
                records.loan(d, m, e, paid);
            }
            let mut held: HashMap<&str, Vec<PostSpan>> = HashMap::new();
            for e in &item.posts {
                let m = person(&e.person_no)?;
                let (min_age, max_age) =
                    funds::age_window(&policy, funds::POST_AGE, &area, e.start.year())
                        .map_err(|x| fail(x.to_string()))?;
                let existing = held.entry(m.person_no.as_str()).or_default();
                let months = funds::check_post(&PostCheck {
                    post: &e.post,
                    holder: &m.name,
                    id: &m.id_number,
                    labor_skill: &m.labor_skill,
                    start: e.start,
                    end: e.end,
                    monthly_pay: e.monthly_pay,
                    min_age,
                    max_age,
                    existing,
                })
                .map_err(|x| fail(x.to_string()))?;
                existing.push(PostSpan {
                    post: e.post.clone(),
                    start: e.start,
                    end: e.end,
                });
                records.post(d, m, e, months);
            }
            let mut granted: HashMap<i32, Money> = HashMap::new();
            for e in &item.awards {
                let cap =
                    funds::award_cap(&policy, &area, e.year).map_err(|x| fail(x.to_string()))?;
                funds::check_award_groups(&policy, &d.household, e.year)
                    .map_err(|x| fail(x.to_string()))?;
                let g = granted.entry(e.year).or_default();
                funds::check_award(e.year, cap, *g, e.amount, &e.project)
                    .map_err(|x| fail(x.to_string()))?;
                *g += e.amount;
                records.award(d, e);
            }
            for e in &item.jobs {
                let m = person(&e.person_no)?;
                funds::check_employment(&e.employer, e.months, e.income)
                    .map_err(|x| fail(x.to_string()))?;
                records.job(d, m, e);
            }
        }
    }
    let tx = store.begin_write().await?;
    let done = records.write(&tx).await?;
    commit_audited(
        tx,
        &access.actor(),
        AuditEntry {
            action: "bulk_insert",
            entity: "funds",
            after: Some(serde_json::to_value(&done).unwrap_or_default()),
            note: Some(note.to_owned()),
            ..Default::default()
        },
    )
    .await?;
    Ok(done)
}

/// The member with 人口编号 `no`.
fn member<'a>(d: &'a HouseholdDetail, no: &str) -> std::result::Result<&'a Person, String> {
    d.members
        .iter()
        .find(|m| m.person_no == no.trim())
        .ok_or_else(|| format!("本户没有人口编号为{}的成员", no.trim()))
}
