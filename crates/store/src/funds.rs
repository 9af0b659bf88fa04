//! 资金与就业帮扶: 脱贫人口小额信贷 (schedule, repayments, overdue rate per
//! area), 公益性岗位, 到户产业奖补, 务工 records, 零就业家庭 and 务工规模.
//!
//! The rules live in `fangpin_domain::funds`; this module resolves the caps
//! and rates of the household's area and year from the stored parameters,
//! reads what the rules need (the household's other loans, the award total of
//! the year, the person's other posts) inside the write's transaction, and
//! records the write with its audit entry. A refused write returns before the
//! transaction commits, so it changes nothing. On PostgreSQL the household
//! row is locked first, so two writes for one household cannot both pass a
//! cap that only one of them fits under.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fangpin_domain::funds::{
    self, AgeRole, AwardEntry, BasisPoints, EmploymentCorrection, EmploymentEntry, FundsError,
    HouseholdFunds, Instalment, LoanCaps, LoanCorrection, LoanEntry, LoanTerms, MemberWork,
    Portfolio, PostCheck, PostCorrection, PostEntry, PostSpan, Repayment, RepaymentMethod,
    Standing, Subsidy, WorkRegion,
};
use fangpin_domain::policy::keys;
use fangpin_domain::{AreaCode, HouseholdBundle, Money, Person, PolicySet, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited};
use crate::cases::china_day;
use crate::households::HouseholdDetail;
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Engine, Result, Store, StoreError};

fn refused(e: FundsError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn param_missing(e: fangpin_domain::PolicyError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn corrupt(what: &str, id: i64) -> StoreError {
    StoreError::Corrupt(format!("{what}（编号{id}）"))
}

fn trimmed(r: &QueryResult, col: &str) -> Result<String> {
    Ok(r.try_get::<String>("", col)?.trim().to_owned())
}

fn money(r: &QueryResult, col: &str) -> Result<Money> {
    Ok(Money::from_fen(r.try_get::<i64>("", col)?))
}

fn nonneg(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn out_of_scope() -> StoreError {
    StoreError::NotFound("区划不存在或不在您的管辖范围内".into())
}

/// The member with 人口编号 `no`; a wrong number is an input error.
fn member<'a>(d: &'a HouseholdDetail, no: &str) -> Result<&'a Person> {
    d.members
        .iter()
        .find(|m| m.person_no == no.trim())
        .ok_or_else(|| StoreError::Invalid(format!("本户没有人口编号为{}的成员", no.trim())))
}

fn non_blank(field: &'static str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        Err(refused(FundsError::Blank { field }))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

/// A loan as lists show it, with where it stands today.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub borrower_no: String,
    pub borrower_name: String,
    pub bank: String,
    pub purpose: String,
    pub amount_fen: Money,
    pub term_months: u32,
    pub issued_on: NaiveDate,
    pub maturity_on: NaiveDate,
    pub rate_bp: BasisPoints,
    pub method: RepaymentMethod,
    pub method_label: &'static str,
    pub subsidy: Subsidy,
    pub interest_total_fen: Money,
    pub subsidy_total_fen: Money,
    pub note: String,
    pub standing: Standing,
    /// 逾期 / 正常 / 已结清.
    pub status_label: &'static str,
    /// Moves on with every change (corrections, repayments).
    pub revision: i32,
}

/// One instalment with what it has received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct InstalmentRow {
    pub seq: u32,
    pub due_on: NaiveDate,
    pub principal_fen: Money,
    pub interest_fen: Money,
    pub total_fen: Money,
    pub paid_fen: Money,
    /// paid / partial / overdue / due.
    pub status: &'static str,
    pub status_label: &'static str,
}

/// A repayment received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RepaymentRow {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub amount_fen: Money,
    pub note: String,
}

/// A loan with its schedule and repayments.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanDetail {
    pub loan: LoanRow,
    pub schedule: Vec<InstalmentRow>,
    pub repayments: Vec<RepaymentRow>,
    pub grace_days: u32,
}

/// Filters of the loan list.
#[derive(Clone, Debug, Default)]
pub struct LoanFilter {
    pub area: Option<AreaCode>,
    pub household_id: Option<i64>,
    pub overdue_only: bool,
}

/// The 逾期率 of one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaLoanRate {
    pub area_code: String,
    pub name: String,
    #[serde(flatten)]
    pub portfolio: Portfolio,
    /// 逾期率 in basis points; `None` when nothing is owed.
    pub rate_bp: Option<BasisPoints>,
    /// The area's 逾期率 target; `None` when the parameter is missing.
    pub target_bp: Option<BasisPoints>,
    /// Where the target comes from, or why it is missing.
    pub target_source: String,
    /// Within the target (`None` when nothing is owed or no target).
    pub meets: Option<bool>,
}

/// The 逾期率 of an area and of each area directly below it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LoanRates {
    pub as_of: NaiveDate,
    pub area: AreaLoanRate,
    pub children: Vec<AreaLoanRate>,
}

/// A 公益性岗位 as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PostRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub person_no: String,
    pub person_name: String,
    pub post: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub months: u32,
    pub monthly_pay_fen: Money,
    pub total_pay_fen: Money,
    /// On post today.
    pub current: bool,
    pub note: String,
    pub revision: i32,
}

/// Filters of the post, award and employment lists.
#[derive(Clone, Debug, Default)]
pub struct FundsFilter {
    pub area: Option<AreaCode>,
    pub household_id: Option<i64>,
    pub year: Option<i32>,
}

/// A 到户产业奖补.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AwardRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub year: i32,
    pub project: String,
    pub amount_fen: Money,
    pub note: String,
    /// Day it was withdrawn (撤销); a withdrawn award counts for nothing.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    /// 有效 / 已撤销.
    pub status_label: &'static str,
    pub revision: i32,
}

/// What a household may still receive in a year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AwardRoom {
    pub year: i32,
    pub cap_fen: Option<Money>,
    pub granted_fen: Money,
    pub remaining_fen: Option<Money>,
    /// Where the cap comes from, or why there is none.
    pub cap_source: String,
}

/// A 务工 record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub person_no: String,
    pub person_name: String,
    pub year: i32,
    pub region: WorkRegion,
    pub region_label: &'static str,
    pub place: String,
    pub employer: String,
    pub months: u8,
    pub income_fen: Money,
    /// Day the work ended, when it did.
    pub ended_on: Option<NaiveDate>,
    pub note: String,
    pub revision: i32,
}

/// A 零就业家庭.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmploymentRow {
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub members: u32,
    /// Members able to work (普通/技能劳动力).
    pub able: u32,
}

/// 零就业家庭 counts of an area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmploymentCount {
    pub area_code: String,
    pub name: String,
    /// Households with at least one member able to work.
    pub with_labour: u64,
    pub zero: u64,
}

/// The 零就业家庭 of an area and year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ZeroEmployment {
    pub year: i32,
    pub total: u64,
    pub items: Vec<ZeroEmploymentRow>,
    pub by_area: Vec<ZeroEmploymentCount>,
}

/// A household's money measures and work records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HouseholdFundsView {
    pub loans: Vec<LoanRow>,
    pub posts: Vec<PostRow>,
    pub awards: Vec<AwardRow>,
    pub jobs: Vec<JobRow>,
}

/// What a bulk load wrote.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct FundsLoaded {
    pub loans: u64,
    pub repayments: u64,
    pub posts: u64,
    pub awards: u64,
    pub jobs: u64,
}

// ---------------------------------------------------------------------------
// Stored loans
// ---------------------------------------------------------------------------

struct StoredLoan {
    id: i64,
    household_id: i64,
    household_no: String,
    head_name: String,
    area: AreaCode,
    borrower_no: String,
    borrower_name: String,
    bank: String,
    purpose: String,
    terms: LoanTerms,
    maturity_on: NaiveDate,
    note: String,
    revision: i32,
    plan: Vec<Instalment>,
    repayments: Vec<RepaymentRow>,
}

impl StoredLoan {
    fn received(&self) -> Vec<Repayment> {
        self.repayments
            .iter()
            .map(|r| Repayment {
                paid_on: r.paid_on,
                amount: r.amount_fen,
            })
            .collect()
    }

    fn standing(&self, as_of: NaiveDate, grace: u32) -> Standing {
        funds::standing(
            self.terms.amount,
            &self.plan,
            &self.received(),
            as_of,
            grace,
        )
    }

    fn row(&self, s: Standing) -> LoanRow {
        LoanRow {
            id: self.id,
            household_id: self.household_id,
            household_no: self.household_no.clone(),
            head_name: self.head_name.clone(),
            area_code: self.area.as_string(),
            borrower_no: self.borrower_no.clone(),
            borrower_name: self.borrower_name.clone(),
            bank: self.bank.clone(),
            purpose: self.purpose.clone(),
            amount_fen: self.terms.amount,
            term_months: self.terms.term_months,
            issued_on: self.terms.issued_on,
            maturity_on: self.maturity_on,
            rate_bp: self.terms.annual_rate,
            method: self.terms.method,
            method_label: self.terms.method.label(),
            subsidy: self.terms.subsidy,
            interest_total_fen: self.plan.iter().map(|i| i.interest).sum(),
            subsidy_total_fen: funds::subsidy_total(&self.terms, &self.plan),
            note: self.note.clone(),
            standing: s,
            status_label: if s.is_overdue() {
                "逾期"
            } else if s.settled {
                "已结清"
            } else {
                "正常"
            },
            revision: self.revision,
        }
    }
}

/// Grace days per area for one year, resolved once per area.
struct Grace<'a> {
    policy: &'a PolicySet,
    year: i32,
    cache: HashMap<AreaCode, u32>,
}

impl Grace<'_> {
    fn of(&mut self, area: &AreaCode) -> Result<u32> {
        if let Some(g) = self.cache.get(area) {
            return Ok(*g);
        }
        let g = funds::grace_days(self.policy, area, self.year).map_err(param_missing)?;
        self.cache.insert(*area, g);
        Ok(g)
    }
}

/// `SELECT … FROM table t JOIN household h` with the household's number and
/// 户主, narrowed to the caller's area.
fn select_with_household(table: &str, cols: &[&'static str], access: &Access) -> SelectStatement {
    let mut q = Query::select();
    for c in cols {
        q.column(("t", *c));
    }
    q.column(("h", "household_no"))
        .column(("h", "head_name"))
        .from_as(table.to_owned(), "t")
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            "household",
            "h",
            Expr::col(("h", "id")).equals(("t", "household_id")),
        )
        .and_where(access.scope_unchecked().on(Keyed::rows("t")));
    q
}

fn narrow(q: &mut SelectStatement, area: Option<&AreaCode>, household_id: Option<i64>) {
    if let Some(a) = area {
        q.and_where(under(("t", "area_code"), a));
    }
    if let Some(h) = household_id {
        q.and_where(Expr::col(("t", "household_id")).eq(h));
    }
}

async fn load_loans<C: ConnectionTrait>(conn: &C, q: &SelectStatement) -> Result<Vec<StoredLoan>> {
    let mut loans = Vec::new();
    for r in conn.query_all(q).await? {
        let id: i64 = r.try_get("", "id")?;
        let method = RepaymentMethod::parse(&r.try_get::<String>("", "method")?)
            .map_err(|_| corrupt("贷款还款方式无效", id))?;
        let subsidy = match (
            r.try_get::<Option<i32>>("", "subsidy_rate_bp")?,
            r.try_get::<Option<i64>>("", "subsidy_fen")?,
        ) {
            (Some(bp), _) => Subsidy::Rate(BasisPoints(nonneg(bp))),
            (None, Some(fen)) => Subsidy::Amount(Money::from_fen(fen)),
            (None, None) => return Err(corrupt("贷款缺少贴息", id)),
        };
        let area = AreaCode::parse(&trimmed(&r, "area_code")?)
            .map_err(|_| corrupt("贷款区划代码无效", id))?;
        loans.push(StoredLoan {
            id,
            household_id: r.try_get("", "household_id")?,
            household_no: r.try_get("", "household_no")?,
            head_name: r.try_get("", "head_name")?,
            area,
            borrower_no: r.try_get("", "borrower_no")?,
            borrower_name: r.try_get("", "borrower_name")?,
            bank: r.try_get("", "bank")?,
            purpose: r.try_get("", "purpose")?,
            terms: LoanTerms {
                amount: money(&r, "amount_fen")?,
                term_months: nonneg(r.try_get::<i32>("", "term_months")?),
                issued_on: r.try_get("", "issued_on")?,
                annual_rate: BasisPoints(nonneg(r.try_get::<i32>("", "rate_bp")?)),
                method,
                subsidy,
                collateral: false,
            },
            maturity_on: r.try_get("", "maturity_on")?,
            note: r.try_get("", "note")?,
            revision: r.try_get("", "revision")?,
            plan: Vec::new(),
            repayments: Vec::new(),
        });
    }
    let index: HashMap<i64, usize> = loans.iter().enumerate().map(|(i, l)| (l.id, i)).collect();
    let ids: Vec<i64> = loans.iter().map(|l| l.id).collect();
    for chunk in ids.chunks(500) {
        let mut q = Query::select();
        q.columns(["loan_id", "seq", "due_on", "principal_fen", "interest_fen"])
            .from("loan_instalment")
            .and_where(Expr::col("loan_id").is_in(chunk.to_vec()))
            .order_by("loan_id", Order::Asc)
            .order_by("seq", Order::Asc);
        for r in conn.query_all(&q).await? {
            let loan: i64 = r.try_get("", "loan_id")?;
            if let Some(i) = index.get(&loan) {
                loans[*i].plan.push(Instalment {
                    seq: nonneg(r.try_get::<i32>("", "seq")?),
                    due_on: r.try_get("", "due_on")?,
                    principal: money(&r, "principal_fen")?,
                    interest: money(&r, "interest_fen")?,
                });
            }
        }
        let mut q = Query::select();
        q.columns(["id", "loan_id", "paid_on", "amount_fen", "note"])
            .from("loan_repayment")
            .and_where(Expr::col("loan_id").is_in(chunk.to_vec()))
            .order_by("paid_on", Order::Asc)
            .order_by("id", Order::Asc);
        for r in conn.query_all(&q).await? {
            let loan: i64 = r.try_get("", "loan_id")?;
            if let Some(i) = index.get(&loan) {
                loans[*i].repayments.push(RepaymentRow {
                    id: r.try_get("", "id")?,
                    paid_on: r.try_get("", "paid_on")?,
                    amount_fen: money(&r, "amount_fen")?,
                    note: r.try_get("", "note")?,
                });
            }
        }
    }
    Ok(loans)
}

/// Locks the household row for the rest of the transaction (PostgreSQL;
/// SQLite serialises writers by itself).
async fn lock_household(store: &Store, tx: &DatabaseTransaction, id: i64) -> Result<()> {
    if store.engine == Engine::Postgres {
        let mut q = Query::select();
        q.column("id")
            .from("household")
            .and_where(Expr::col("id").eq(id))
            .lock(LockType::Update);
        tx.query_one(&q).await?;
    }
    Ok(())
}

/// Area nodes under `area` (inclusive): code → (name, parent).
async fn area_names<C: ConnectionTrait>(
    conn: &C,
    area: &AreaCode,
) -> Result<BTreeMap<String, (String, Option<String>)>> {
    let mut q = Query::select();
    q.columns(["code", "name", "parent_code"])
        .from("area")
        .and_where(under("code", area));
    let mut out = BTreeMap::new();
    for r in conn.query_all(&q).await? {
        out.insert(
            trimmed(&r, "code")?,
            (
                r.try_get::<String>("", "name")?,
                r.try_get::<Option<String>>("", "parent_code")?
                    .map(|s| s.trim().to_owned()),
            ),
        );
    }
    Ok(out)
}

/// The area and its direct children, as (code, name) with the area first.
fn area_and_children(
    names: &BTreeMap<String, (String, Option<String>)>,
    area: &AreaCode,
) -> Vec<(AreaCode, String)> {
    let code = area.as_string();
    let mut out = vec![(
        *area,
        names
            .get(&code)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| code.clone()),
    )];
    for (c, (name, parent)) in names {
        if parent.as_deref() == Some(code.as_str())
            && let Ok(a) = AreaCode::parse(c)
        {
            out.push((a, name.clone()));
        }
    }
    out
}

/// Index of the child (in `areas[1..]`) that contains `village`.
fn child_of(areas: &[(AreaCode, String)], village: &AreaCode) -> Option<usize> {
    areas
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, (a, _))| a.contains(village))
        .map(|(i, _)| i)
}

// ---------------------------------------------------------------------------
// Records of a household: what each kind states, and the write flow they share
// ---------------------------------------------------------------------------

/// How a list narrows records to a year.
#[derive(Clone, Copy)]
enum YearRule {
    /// The record's `year` column.
    Column,
    /// The period `start_on`–`end_on` overlaps the year.
    Period,
}

/// What differs between the kinds of record a household has here (loans,
/// posts, awards, 务工): the table, how a person names one, the columns that
/// name the member (none for awards), the kind's own columns, the columns
/// only edits fill, and how its list filters by year and sorts. The rest of
/// every row — household, village, note, who and when, revision — and the
/// flow of every write are shared.
struct Kind {
    table: &'static str,
    noun: &'static str,
    person: Option<[&'static str; 3]>,
    own: &'static [&'static str],
    edited: &'static [&'static str],
    by_year: YearRule,
    newest_first: &'static str,
}

const PERSON: [&str; 3] = ["person_no", "person_name", "person_hash"];

const LOANS: Kind = Kind {
    table: "micro_loan",
    noun: "贷款",
    person: Some(["borrower_no", "borrower_name", "borrower_hash"]),
    own: &[
        "bank",
        "purpose",
        "amount_fen",
        "term_months",
        "issued_on",
        "maturity_on",
        "rate_bp",
        "method",
        "subsidy_rate_bp",
        "subsidy_fen",
    ],
    edited: &[],
    by_year: YearRule::Column,
    newest_first: "issued_on",
};

const POSTS: Kind = Kind {
    table: "public_post",
    noun: "公益性岗位",
    person: Some(PERSON),
    own: &["post", "start_on", "end_on", "months", "monthly_pay_fen"],
    edited: &[],
    by_year: YearRule::Period,
    newest_first: "start_on",
};

const AWARDS: Kind = Kind {
    table: "industry_award",
    noun: "产业奖补",
    person: None,
    own: &["year", "project", "amount_fen"],
    edited: &["withdrawn_on", "withdraw_reason"],
    by_year: YearRule::Column,
    newest_first: "year",
};

const JOBS: Kind = Kind {
    table: "employment",
    noun: "务工记录",
    person: Some(PERSON),
    own: &[
        "year",
        "region",
        "place",
        "employer",
        "months",
        "income_fen",
    ],
    edited: &["ended_on"],
    by_year: YearRule::Column,
    newest_first: "year",
};

impl Kind {
    /// Columns of a new row, in the order of [`Kind::values`].
    fn insert_columns(&self) -> Vec<&'static str> {
        let mut c = vec!["household_id", "area_code"];
        c.extend(self.person.iter().flatten());
        c.extend(self.own);
        c.extend(["note", "created_by", "created_at"]);
        c
    }

    /// Columns lists and edits read.
    fn read_columns(&self) -> Vec<&'static str> {
        let mut c = vec!["id", "household_id", "area_code"];
        c.extend(self.person.iter().flat_map(|p| &p[..2]));
        c.extend(self.own);
        c.extend(self.edited);
        c.extend(["note", "revision"]);
        c
    }

    /// The values of a new row: the household, the member (with the keyed
    /// hash of their ID) for kinds about a person, the kind's own values,
    /// the note, who and when.
    fn values(
        &self,
        d: &HouseholdDetail,
        member: Option<(&Person, &str)>,
        own: Vec<sea_orm::Value>,
        note: &str,
        user: Option<i64>,
        now: DateTime<Utc>,
    ) -> Vec<sea_orm::Value> {
        let mut v: Vec<sea_orm::Value> = vec![d.id.into(), d.household.area.as_string().into()];
        if let Some((m, hash)) = member {
            v.extend([
                m.person_no.clone().into(),
                m.name.clone().into(),
                hash.into(),
            ]);
        }
        v.extend(own);
        v.extend([note.trim().into(), user.into(), now.fixed_offset().into()]);
        v
    }

    /// Records of this kind in the caller's area.
    fn select(&self, access: &Access) -> SelectStatement {
        select_with_household(self.table, &self.read_columns(), access)
    }

    /// Records of this kind in the caller's area, narrowed by the filter.
    fn filtered(&self, access: &Access, f: &FundsFilter) -> SelectStatement {
        let mut q = self.select(access);
        narrow(&mut q, f.area.as_ref(), f.household_id);
        match (f.year, self.by_year) {
            (Some(y), YearRule::Column) => {
                q.and_where(Expr::col(("t", "year")).eq(y));
            }
            (Some(y), YearRule::Period) => {
                q.and_where(Expr::col(("t", "start_on")).lte(year_end(y)))
                    .and_where(Expr::col(("t", "end_on")).gte(year_start(y)));
            }
            (None, _) => {}
        }
        q
    }

    fn not_found(&self, id: i64) -> StoreError {
        StoreError::NotFound(format!("{}不存在：{id}", self.noun))
    }

    fn stale(&self) -> StoreError {
        StoreError::Invalid(format!("{}已被他人修改，请刷新后再试", self.noun))
    }
}

/// The common part of a row as lists show it.
struct Head {
    id: i64,
    household_id: i64,
    household_no: String,
    head_name: String,
    area_code: String,
    note: String,
    revision: i32,
}

fn head(r: &QueryResult) -> Result<Head> {
    Ok(Head {
        id: r.try_get("", "id")?,
        household_id: r.try_get("", "household_id")?,
        household_no: r.try_get("", "household_no")?,
        head_name: r.try_get("", "head_name")?,
        area_code: trimmed(r, "area_code")?,
        note: r.try_get("", "note")?,
        revision: r.try_get("", "revision")?,
    })
}

/// A change of one stored record.
struct Change {
    id: i64,
    revision: i32,
    set: Vec<(&'static str, Expr)>,
    action: &'static str,
    area: AreaCode,
    before: serde_json::Value,
    after: serde_json::Value,
    note: Option<String>,
}

/// Inserts a new record of `kind`; returns its id.
async fn insert_record(
    tx: &DatabaseTransaction,
    kind: &Kind,
    values: Vec<sea_orm::Value>,
) -> Result<i64> {
    Ok(
        insert_rows(tx, kind.table, &kind.insert_columns(), vec![values], true)
            .await?
            .unwrap_or_default(),
    )
}

/// Records the audit entry of a new record and commits: the end of every
/// single add.
async fn commit_added(
    tx: DatabaseTransaction,
    access: &Access,
    kind: &Kind,
    id: i64,
    action: &'static str,
    area: AreaCode,
    after: serde_json::Value,
) -> Result<()> {
    commit_audited(
        tx,
        &access.actor(),
        AuditEntry {
            action,
            entity: kind.table,
            entity_key: Some(id.to_string()),
            area: Some(area),
            after: Some(after),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Writes a change of a record still at the revision the page showed (a
/// stale page is refused), moves its revision on and names who changed it,
/// records the audit entry with before and after and commits: the end of
/// every edit. Returns the new revision.
async fn update_record(
    tx: DatabaseTransaction,
    access: &Access,
    kind: &Kind,
    c: Change,
    now: DateTime<Utc>,
) -> Result<i32> {
    let next = c.revision + 1;
    let mut upd = Query::update();
    upd.table(kind.table)
        .values(c.set)
        .values([
            ("revision", next.into()),
            ("updated_by", access.user_id.into()),
            ("updated_at", now.fixed_offset().into()),
        ])
        .and_where(Expr::col("id").eq(c.id))
        .and_where(Expr::col("revision").eq(c.revision));
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(kind.stale());
    }
    commit_audited(
        tx,
        &access.actor(),
        AuditEntry {
            action: c.action,
            entity: kind.table,
            entity_key: Some(c.id.to_string()),
            area: Some(c.area),
            before: Some(c.before),
            after: Some(c.after),
            note: c.note,
        },
    )
    .await?;
    Ok(next)
}

/// What an edit answers: the record and its new revision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Edited {
    pub id: i64,
    pub revision: i32,
}

impl Store {
    async fn writable_household(&self, access: &Access, id: i64) -> Result<HouseholdDetail> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        self.household(access, id).await
    }

    fn scoped_area(access: &Access, area: Option<AreaCode>) -> Result<AreaCode> {
        let area = area.unwrap_or(access.area);
        if access.covers(&area) {
            Ok(area)
        } else {
            Err(out_of_scope())
        }
    }

    /// The transaction of a write to one household's records, with the
    /// household row locked.
    async fn begin_for(&self, household_id: i64) -> Result<DatabaseTransaction> {
        let tx = self.begin_write().await?;
        lock_household(self, &tx, household_id).await?;
        Ok(tx)
    }

    /// A record of `kind` to edit: the caller may write (refused before
    /// anything is read), the record is in the caller's area (outside it
    /// does not exist), and `revision` is the one stored (a change made on a
    /// stale page is refused). Returns the record's household and its row.
    async fn editable(
        &self,
        access: &Access,
        kind: &Kind,
        id: i64,
        revision: i32,
    ) -> Result<(HouseholdDetail, QueryResult)> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let mut q = kind.select(access);
        q.and_where(Expr::col(("t", "id")).eq(id));
        let row = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| kind.not_found(id))?;
        if row.try_get::<i32>("", "revision")? != revision {
            return Err(kind.stale());
        }
        let d = self
            .writable_household(access, row.try_get("", "household_id")?)
            .await?;
        Ok((d, row))
    }

    /// A page of records of `kind` (a filtered query), newest first.
    async fn record_page<T>(
        &self,
        kind: &Kind,
        mut q: SelectStatement,
        offset: u64,
        limit: u64,
        row: impl Fn(&QueryResult) -> Result<T>,
    ) -> Result<(u64, Vec<T>)> {
        let total = self.count_of(&q).await?;
        q.order_by(("t", kind.newest_first), Order::Desc)
            .order_by(("t", "id"), Order::Desc)
            .offset(offset)
            .limit(limit.clamp(1, 500));
        let mut items = Vec::new();
        for r in self.db.query_all(&q).await? {
            items.push(row(&r)?);
        }
        Ok((total, items))
    }

    // -----------------------------------------------------------------------
    // 小额信贷
    // -----------------------------------------------------------------------

    /// Records a loan and its repayment schedule. Refused (nothing written)
    /// above the per-household amount or the term cap of the area and year,
    /// with collateral, or for a borrower outside the age window on the day
    /// of issue.
    pub async fn add_loan(
        &self,
        access: &Access,
        household_id: i64,
        e: LoanEntry,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = self.writable_household(access, household_id).await?;
        let m = member(&d, &e.borrower_no)?;
        let policy = self.policy_set().await?;
        let caps = loan_caps(&policy, &d.household.area, m, &e.bank, &e.terms)?;
        let today = china_day(now);
        let tx = self.begin_for(household_id).await?;
        let on = std::cmp::max(today, e.terms.issued_on);
        let owed = owed_elsewhere(&tx, access, household_id, None, on).await?;
        funds::check_loan(&e.terms, &caps, owed).map_err(refused)?;
        let hash = self.cipher.lookup_hash(m.id_number.as_str());
        let own = loan_own(&e.bank, &e.purpose, &e.terms);
        let values = LOANS.values(&d, Some((m, &hash)), own, &e.note, access.user_id, now);
        let id = insert_record(&tx, &LOANS, values).await?;
        insert_instalments(&tx, &[(id, funds::schedule(&e.terms))]).await?;
        let mut after = loan_json(&e.bank, &e.purpose, &e.terms);
        after["household_id"] = household_id.into();
        after["borrower_no"] = m.person_no.clone().into();
        commit_added(tx, access, &LOANS, id, "loan_add", d.household.area, after).await?;
        Ok(id)
    }

    /// Corrects a loan: bank, purpose, amount, term, issue day, rate, method,
    /// subsidy and note, checked as a new loan is (the caps count the
    /// household's other loans; the borrower's age on the issue day). The
    /// schedule is recomputed when the terms change it, which is refused
    /// once a repayment is recorded (it was applied to the old instalments);
    /// the message says so. A stale `revision` is refused.
    pub async fn correct_loan(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        c: LoanCorrection,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &LOANS, id, revision).await?;
        let no: String = row.try_get("", "borrower_no")?;
        let m = member(&d, &no).map_err(|_| {
            StoreError::Invalid(format!(
                "借款人（人口编号{no}）已不在本户，无法按放款日期核对借款人年龄，不能修改"
            ))
        })?;
        let policy = self.policy_set().await?;
        let caps = loan_caps(&policy, &d.household.area, m, &c.bank, &c.terms)?;
        let today = china_day(now);
        let tx = self.begin_for(d.id).await?;
        let old = load_loan(&tx, access, id).await?;
        let on = std::cmp::max(today, c.terms.issued_on);
        let owed = owed_elsewhere(&tx, access, d.id, Some(id), on).await?;
        let reschedule =
            funds::check_loan_correction(&old.terms, &c.terms, &caps, owed, &old.received())
                .map_err(refused)?;
        if reschedule {
            let mut del = Query::delete();
            del.from_table("loan_instalment")
                .and_where(Expr::col("loan_id").eq(id));
            tx.execute(&del).await?;
            insert_instalments(&tx, &[(id, funds::schedule(&c.terms))]).await?;
        }
        let mut before = loan_json(&old.bank, &old.purpose, &old.terms);
        before["note"] = old.note.clone().into();
        let mut after = loan_json(&c.bank, &c.purpose, &c.terms);
        after["note"] = c.note.trim().into();
        after["rescheduled"] = reschedule.into();
        let change = Change {
            id,
            revision,
            set: own_set(&LOANS, loan_own(&c.bank, &c.purpose, &c.terms), &c.note),
            action: "loan_correct",
            area: old.area,
            before,
            after,
            note: None,
        };
        let revision = update_record(tx, access, &LOANS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// Records a repayment; refused when it is not positive, dated before
    /// the loan, or more than what is still owed. The loan's revision moves
    /// on, so a correction made on a page that did not show it is refused.
    pub async fn add_repayment(
        &self,
        access: &Access,
        loan_id: i64,
        r: Repayment,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let tx = self.begin_write().await?;
        let loan = load_loan(&tx, access, loan_id).await?;
        lock_household(self, &tx, loan.household_id).await?;
        let earlier = loan.received();
        funds::check_repayment(loan.terms.issued_on, &loan.plan, &earlier, &r).map_err(refused)?;
        let row = vec![
            loan_id.into(),
            r.paid_on.into(),
            r.amount.fen().into(),
            note.trim().into(),
            access.user_id.into(),
            now.fixed_offset().into(),
        ];
        let id = insert_rows(&tx, "loan_repayment", &REPAYMENT_COLUMNS, vec![row], true)
            .await?
            .unwrap_or_default();
        let mut touch = Query::update();
        touch
            .table(LOANS.table)
            .value("revision", Expr::col("revision").add(1))
            .and_where(Expr::col("id").eq(loan_id));
        tx.execute(&touch).await?;
        let after = json!({"loan_id": loan_id, "paid_on": r.paid_on, "amount_fen": r.amount.fen()});
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "loan_repay",
                entity: "loan_repayment",
                entity_key: Some(id.to_string()),
                area: Some(loan.area),
                after: Some(after),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Undoes a repayment recorded by mistake (a reason is required); the
    /// instalments are paid again from the repayments left. A stale
    /// `revision` of the loan is refused.
    pub async fn undo_repayment(
        &self,
        access: &Access,
        loan_id: i64,
        repayment_id: i64,
        revision: i32,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &LOANS, loan_id, revision).await?;
        funds::require_reason("撤销原因", reason).map_err(refused)?;
        let tx = self.begin_for(d.id).await?;
        let mut q = Query::select();
        q.columns(["id", "paid_on", "amount_fen", "note"])
            .from("loan_repayment")
            .and_where(Expr::col("id").eq(repayment_id))
            .and_where(Expr::col("loan_id").eq(loan_id));
        let r = tx.query_one(&q).await?.ok_or_else(|| {
            StoreError::NotFound(format!("该笔贷款没有编号为{repayment_id}的还款记录"))
        })?;
        let before = json!({
            "repayment_id": repayment_id,
            "paid_on": r.try_get::<NaiveDate>("", "paid_on")?,
            "amount_fen": r.try_get::<i64>("", "amount_fen")?,
            "note": r.try_get::<String>("", "note")?,
        });
        let mut del = Query::delete();
        del.from_table("loan_repayment")
            .and_where(Expr::col("id").eq(repayment_id));
        tx.execute(&del).await?;
        let change = Change {
            id: loan_id,
            revision,
            set: Vec::new(),
            action: "loan_repay_undo",
            area: AreaCode::parse(&trimmed(&row, "area_code")?)
                .map_err(|_| corrupt("贷款区划代码无效", loan_id))?,
            before,
            after: json!({"repayment_id": repayment_id, "undone": true}),
            note: Some(reason.trim().to_owned()),
        };
        let revision = update_record(tx, access, &LOANS, change, now).await?;
        Ok(Edited {
            id: loan_id,
            revision,
        })
    }

    /// One loan with its schedule (what each instalment received) and the
    /// repayments, as of `now`.
    pub async fn loan(&self, access: &Access, id: i64, now: DateTime<Utc>) -> Result<LoanDetail> {
        access.require(perm::HOUSEHOLD_READ)?;
        let mut q = LOANS.select(access);
        q.and_where(Expr::col(("t", "id")).eq(id));
        let loan = load_loans(&self.db, &q)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("贷款不存在：{id}")))?;
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let grace = funds::grace_days(&policy, &loan.area, today.year()).map_err(param_missing)?;
        let received = loan.received();
        let paid = funds::paid_per_instalment(&loan.plan, &received, today);
        let schedule = loan
            .plan
            .iter()
            .zip(paid)
            .map(|(i, (a, b))| {
                let got = a + b;
                let (status, status_label) = if got == i.total() {
                    ("paid", "已还清")
                } else if funds::is_late(i.due_on, today, grace) {
                    ("overdue", "逾期")
                } else if got.is_zero() {
                    ("due", "未到期")
                } else {
                    ("partial", "部分还款")
                };
                InstalmentRow {
                    seq: i.seq,
                    due_on: i.due_on,
                    principal_fen: i.principal,
                    interest_fen: i.interest,
                    total_fen: i.total(),
                    paid_fen: got,
                    status,
                    status_label,
                }
            })
            .collect();
        let row = loan.row(loan.standing(today, grace));
        Ok(LoanDetail {
            loan: row,
            schedule,
            repayments: loan.repayments,
            grace_days: grace,
        })
    }

    /// Loans in the caller's area (narrowed by the filter), overdue first,
    /// then by issue day.
    pub async fn loans(
        &self,
        access: &Access,
        f: &LoanFilter,
        offset: u64,
        limit: u64,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<LoanRow>)> {
        access.require(perm::HOUSEHOLD_READ)?;
        let rows = self.loan_rows(access, f, now).await?;
        let total = rows.len() as u64;
        let items = rows
            .into_iter()
            .skip(offset as usize)
            .take(limit.clamp(1, 500) as usize)
            .collect();
        Ok((total, items))
    }

    async fn loan_rows(
        &self,
        access: &Access,
        f: &LoanFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<LoanRow>> {
        let mut q = LOANS.select(access);
        narrow(&mut q, f.area.as_ref(), f.household_id);
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let mut grace = Grace {
            policy: &policy,
            year: today.year(),
            cache: HashMap::new(),
        };
        let mut rows = Vec::new();
        for l in load_loans(&self.db, &q).await? {
            let s = l.standing(today, grace.of(&l.area)?);
            if f.overdue_only && !s.is_overdue() {
                continue;
            }
            rows.push(l.row(s));
        }
        rows.sort_by(|a, b| {
            b.standing
                .is_overdue()
                .cmp(&a.standing.is_overdue())
                .then(b.issued_on.cmp(&a.issued_on))
                .then(b.id.cmp(&a.id))
        });
        Ok(rows)
    }

    /// The 逾期率 (逾期贷款余额 ÷ 贷款余额) of `area` (the caller's when
    /// `None`) and of each area directly below it, next to each area's target.
    pub async fn loan_rates(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<LoanRates> {
        access.require(perm::HOUSEHOLD_READ)?;
        let area = Self::scoped_area(access, area)?;
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let names = area_names(&self.db, &area).await?;
        let areas = area_and_children(&names, &area);
        let mut sums = vec![Portfolio::default(); areas.len()];
        let mut q = LOANS.select(access);
        narrow(&mut q, Some(&area), None);
        let mut grace = Grace {
            policy: &policy,
            year: today.year(),
            cache: HashMap::new(),
        };
        for l in load_loans(&self.db, &q).await? {
            let s = l.standing(today, grace.of(&l.area)?);
            sums[0].add(&s);
            if let Some(i) = child_of(&areas, &l.area) {
                sums[i].add(&s);
            }
        }
        let mut rows: Vec<AreaLoanRate> = areas
            .iter()
            .zip(sums)
            .map(|((code, name), p)| {
                let (target, source) =
                    match policy.resolve(keys::LOAN_OVERDUE_TARGET_BP, code, today.year()) {
                        Ok(r) => (
                            funds::overdue_target(&policy, code, today.year()).ok(),
                            format!("{}；{}", r.describe(), r.def.note),
                        ),
                        Err(e) => (None, e.to_string()),
                    };
                AreaLoanRate {
                    area_code: code.as_string(),
                    name: name.clone(),
                    rate_bp: p.rate(),
                    meets: match (target, p.outstanding.is_zero()) {
                        (Some(t), false) => Some(p.meets(t)),
                        _ => None,
                    },
                    portfolio: p,
                    target_bp: target,
                    target_source: source,
                }
            })
            .collect();
        let first = rows.remove(0);
        Ok(LoanRates {
            as_of: today,
            area: first,
            children: rows,
        })
    }

    // -----------------------------------------------------------------------
    // 公益性岗位
    // -----------------------------------------------------------------------

    /// Records a 公益性岗位. Refused (nothing written) when the holder is
    /// outside the age window on the first day, has no labour capacity, or
    /// already holds a post in an overlapping period.
    pub async fn add_post(
        &self,
        access: &Access,
        household_id: i64,
        e: PostEntry,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = self.writable_household(access, household_id).await?;
        let m = member(&d, &e.person_no)?;
        let area = d.household.area;
        let policy = self.policy_set().await?;
        let (min_age, max_age) = funds::age_window(&policy, funds::POST_AGE, &area, e.start.year())
            .map_err(param_missing)?;
        let hash = self.cipher.lookup_hash(m.id_number.as_str());
        let tx = self.begin_for(household_id).await?;
        let existing = posts_of_person(&tx, &hash, None).await?;
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
            existing: &existing,
        })
        .map_err(refused)?;
        let after = json!({
            "household_id": household_id,
            "person_no": m.person_no,
            "post": e.post.trim(),
            "start_on": e.start,
            "end_on": e.end,
            "monthly_pay_fen": e.monthly_pay.fen(),
        });
        let own = post_own(&e.post, e.start, e.end, months, e.monthly_pay);
        let values = POSTS.values(&d, Some((m, &hash)), own, &e.note, access.user_id, now);
        let id = insert_record(&tx, &POSTS, values).await?;
        commit_added(tx, access, &POSTS, id, "post_add", area, after).await?;
        Ok(id)
    }

    /// Corrects a 公益性岗位 (name, period, monthly pay, note; the months
    /// follow the period) with the checks of a new one: the holder's age on
    /// the first day and labour capacity, no overlap with their other posts.
    pub async fn correct_post(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        c: PostCorrection,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &POSTS, id, revision).await?;
        let no: String = row.try_get("", "person_no")?;
        let m = member(&d, &no).map_err(|_| {
            StoreError::Invalid(format!(
                "岗位人员（人口编号{no}）已不在本户，无法核对年龄和劳动能力，不能修改"
            ))
        })?;
        let area = d.household.area;
        let policy = self.policy_set().await?;
        let (min_age, max_age) = funds::age_window(&policy, funds::POST_AGE, &area, c.start.year())
            .map_err(param_missing)?;
        let hash = self.cipher.lookup_hash(m.id_number.as_str());
        let tx = self.begin_for(d.id).await?;
        let existing = posts_of_person(&tx, &hash, Some(id)).await?;
        let months = funds::check_post(&PostCheck {
            post: &c.post,
            holder: &m.name,
            id: &m.id_number,
            labor_skill: &m.labor_skill,
            start: c.start,
            end: c.end,
            monthly_pay: c.monthly_pay,
            min_age,
            max_age,
            existing: &existing,
        })
        .map_err(refused)?;
        let change = Change {
            id,
            revision,
            set: own_set(
                &POSTS,
                post_own(&c.post, c.start, c.end, months, c.monthly_pay),
                &c.note,
            ),
            action: "post_correct",
            area,
            before: post_json(&row)?,
            after: json!({
                "post": c.post.trim(),
                "start_on": c.start,
                "end_on": c.end,
                "months": months,
                "monthly_pay_fen": c.monthly_pay.fen(),
                "note": c.note.trim(),
            }),
            note: None,
        };
        let revision = update_record(tx, access, &POSTS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// Ends a 公益性岗位 early: its last day becomes the last day of `month`,
    /// which must fall within the post and before the agreed end; the months
    /// follow. A reason is required.
    pub async fn end_post(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        month: YearMonth,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &POSTS, id, revision).await?;
        funds::require_reason("结束原因", reason).map_err(refused)?;
        let start: NaiveDate = row.try_get("", "start_on")?;
        let end: NaiveDate = row.try_get("", "end_on")?;
        let last = funds::end_post_early(start, end, month).map_err(refused)?;
        let months = funds::months_touched(start, last);
        let tx = self.begin_for(d.id).await?;
        let change = Change {
            id,
            revision,
            set: vec![("end_on", last.into()), ("months", (months as i32).into())],
            action: "post_end",
            area: d.household.area,
            before: post_json(&row)?,
            after: json!({"end_on": last, "months": months}),
            note: Some(reason.trim().to_owned()),
        };
        let revision = update_record(tx, access, &POSTS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// 公益性岗位 in the caller's area.
    pub async fn posts(
        &self,
        access: &Access,
        f: &FundsFilter,
        offset: u64,
        limit: u64,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<PostRow>)> {
        access.require(perm::HOUSEHOLD_READ)?;
        let today = china_day(now);
        let q = POSTS.filtered(access, f);
        self.record_page(&POSTS, q, offset, limit, |r| post_row(r, today))
            .await
    }

    async fn count_of(&self, q: &SelectStatement) -> Result<u64> {
        let mut c = q.clone();
        c.clear_selects()
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .clear_order_by();
        let n: i64 = match self.db.query_one(&c).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        Ok(n as u64)
    }

    /// Lays the 公益性岗位 held on `today` onto the members' national
    /// 公益性岗位 field (in memory), so the data-quality rules see them.
    pub(crate) async fn with_current_posts<'a>(
        &self,
        households: &'a [(i64, HouseholdBundle)],
        today: NaiveDate,
    ) -> Result<Vec<Cow<'a, HouseholdBundle>>> {
        let mut by_hash: HashMap<String, (usize, usize)> = HashMap::new();
        for (h, (_, b)) in households.iter().enumerate() {
            for (m, p) in b.members.iter().enumerate() {
                by_hash.insert(self.cipher.lookup_hash(p.id_number.as_str()), (h, m));
            }
        }
        let hashes: Vec<String> = by_hash.keys().cloned().collect();
        let mut held: HashMap<(usize, usize), String> = HashMap::new();
        for chunk in hashes.chunks(500) {
            let mut q = Query::select();
            q.columns(["person_hash", "post"])
                .from("public_post")
                .and_where(Expr::col("person_hash").is_in(chunk.to_vec()))
                .and_where(Expr::col("start_on").lte(today))
                .and_where(Expr::col("end_on").gte(today));
            for r in self.db.query_all(&q).await? {
                if let Some(at) = by_hash.get(&trimmed(&r, "person_hash")?) {
                    held.insert(*at, r.try_get("", "post")?);
                }
            }
        }
        Ok(households
            .iter()
            .enumerate()
            .map(|(h, (_, b))| {
                let mine: Vec<(usize, &String)> = held
                    .iter()
                    .filter(|((hh, _), _)| *hh == h)
                    .map(|((_, m), p)| (*m, p))
                    .collect();
                if mine.is_empty() {
                    return Cow::Borrowed(b);
                }
                let mut owned = b.clone();
                for (m, post) in mine {
                    let p = &mut owned.members[m];
                    if p.public_welfare_post.is_none() {
                        p.public_welfare_post = Some(post.clone());
                    }
                }
                Cow::Owned(owned)
            })
            .collect())
    }

    // -----------------------------------------------------------------------
    // 到户产业奖补
    // -----------------------------------------------------------------------

    /// Records a 到户产业奖补. Refused (nothing written) when the household's
    /// awards of the year would exceed the area's cap for that year; the
    /// message says how much was granted and how much remains.
    pub async fn add_award(
        &self,
        access: &Access,
        household_id: i64,
        e: AwardEntry,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = self.writable_household(access, household_id).await?;
        let area = d.household.area;
        let policy = self.policy_set().await?;
        let cap = funds::award_cap(&policy, &area, e.year).map_err(param_missing)?;
        let tx = self.begin_for(household_id).await?;
        let granted = awards_total(&tx, household_id, e.year, None).await?;
        funds::check_award(e.year, cap, granted, e.amount, &e.project).map_err(refused)?;
        let after = json!({
            "household_id": household_id,
            "year": e.year,
            "project": e.project.trim(),
            "amount_fen": e.amount.fen(),
            "granted_before_fen": granted.fen(),
            "cap_fen": cap.fen(),
        });
        let values = AWARDS.values(&d, None, award_own(&e), &e.note, access.user_id, now);
        let id = insert_record(&tx, &AWARDS, values).await?;
        commit_added(tx, access, &AWARDS, id, "award_add", area, after).await?;
        Ok(id)
    }

    /// Corrects a 到户产业奖补 (year, project, amount, note) within the cap
    /// of its year, counting the household's other awards of that year: an
    /// amount above what remains is refused with what was granted and what
    /// remains, and nothing changes. A withdrawn award cannot be corrected.
    pub async fn correct_award(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        e: AwardEntry,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &AWARDS, id, revision).await?;
        funds::check_not_withdrawn(row.try_get("", "withdrawn_on")?).map_err(refused)?;
        let area = d.household.area;
        let policy = self.policy_set().await?;
        let cap = funds::award_cap(&policy, &area, e.year).map_err(param_missing)?;
        let tx = self.begin_for(d.id).await?;
        let granted = awards_total(&tx, d.id, e.year, Some(id)).await?;
        funds::check_award(e.year, cap, granted, e.amount, &e.project).map_err(refused)?;
        let change = Change {
            id,
            revision,
            set: own_set(&AWARDS, award_own(&e), &e.note),
            action: "award_correct",
            area,
            before: award_json(&row)?,
            after: json!({
                "year": e.year,
                "project": e.project.trim(),
                "amount_fen": e.amount.fen(),
                "note": e.note.trim(),
                "granted_other_fen": granted.fen(),
                "cap_fen": cap.fen(),
            }),
            note: None,
        };
        let revision = update_record(tx, access, &AWARDS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// Withdraws (撤销) a 到户产业奖补 with a reason: it stays on record,
    /// marked withdrawn, and no longer counts against the year's cap.
    pub async fn withdraw_award(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &AWARDS, id, revision).await?;
        funds::check_not_withdrawn(row.try_get("", "withdrawn_on")?).map_err(refused)?;
        funds::require_reason("撤销原因", reason).map_err(refused)?;
        let today = china_day(now);
        let tx = self.begin_for(d.id).await?;
        let change = Change {
            id,
            revision,
            set: vec![
                ("withdrawn_on", today.into()),
                ("withdrawn_by", access.user_id.into()),
                ("withdraw_reason", reason.trim().into()),
            ],
            action: "award_withdraw",
            area: d.household.area,
            before: award_json(&row)?,
            after: json!({"withdrawn_on": today, "withdraw_reason": reason.trim()}),
            note: Some(reason.trim().to_owned()),
        };
        let revision = update_record(tx, access, &AWARDS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// The cap, what was granted and what remains for a household and year.
    pub async fn award_room(
        &self,
        access: &Access,
        household_id: i64,
        year: i32,
    ) -> Result<AwardRoom> {
        let d = self.household(access, household_id).await?;
        let policy = self.policy_set().await?;
        let granted = awards_total(&self.db, household_id, year, None).await?;
        let (cap, source) = match policy.resolve(keys::AWARD_CAP, &d.household.area, year) {
            Ok(r) => (
                funds::award_cap(&policy, &d.household.area, year).ok(),
                format!("{}；{}", r.describe(), r.def.note),
            ),
            Err(e) => (None, e.to_string()),
        };
        Ok(AwardRoom {
            year,
            cap_fen: cap,
            granted_fen: granted,
            remaining_fen: cap.map(|c| (c - granted).max(Money::ZERO)),
            cap_source: source,
        })
    }

    /// 到户产业奖补 in the caller's area, with the sum of those not withdrawn.
    pub async fn awards(
        &self,
        access: &Access,
        f: &FundsFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Money, Vec<AwardRow>)> {
        access.require(perm::HOUSEHOLD_READ)?;
        let q = AWARDS.filtered(access, f);
        let mut sum_q = q.clone();
        sum_q
            .clear_selects()
            .column(("t", "amount_fen"))
            .and_where(Expr::col(("t", "withdrawn_on")).is_null());
        let mut sum = Money::ZERO;
        for r in self.db.query_all(&sum_q).await? {
            sum += money(&r, "amount_fen")?;
        }
        let (total, items) = self
            .record_page(&AWARDS, q, offset, limit, award_row)
            .await?;
        Ok((total, sum, items))
    }

    // -----------------------------------------------------------------------
    // 务工
    // -----------------------------------------------------------------------

    /// Records a 务工 record of a member.
    pub async fn add_employment(
        &self,
        access: &Access,
        household_id: i64,
        e: EmploymentEntry,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = self.writable_household(access, household_id).await?;
        let m = member(&d, &e.person_no)?;
        funds::check_employment(&e.employer, e.months, e.income).map_err(refused)?;
        not_after_this_year(e.year, now)?;
        let hash = self.cipher.lookup_hash(m.id_number.as_str());
        let tx = self.begin_for(household_id).await?;
        let after = json!({
            "household_id": household_id,
            "person_no": m.person_no,
            "year": e.year,
            "region": e.region.code(),
            "employer": e.employer.trim(),
            "months": e.months,
            "income_fen": e.income.fen(),
        });
        let own = job_own(e.year, e.region, &e.place, &e.employer, e.months, e.income);
        let values = JOBS.values(&d, Some((m, &hash)), own, &e.note, access.user_id, now);
        let id = insert_record(&tx, &JOBS, values).await?;
        commit_added(
            tx,
            access,
            &JOBS,
            id,
            "employment_add",
            d.household.area,
            after,
        )
        .await?;
        Ok(id)
    }

    /// Corrects a 务工 record (year, region, place, employer, months, income,
    /// note) with the checks of a new one; a record whose work ended keeps
    /// its year and at most the months up to that day.
    pub async fn correct_employment(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        c: EmploymentCorrection,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &JOBS, id, revision).await?;
        funds::check_employment(&c.employer, c.months, c.income).map_err(refused)?;
        not_after_this_year(c.year, now)?;
        funds::check_months_until_end(c.year, c.months, row.try_get("", "ended_on")?)
            .map_err(refused)?;
        let tx = self.begin_for(d.id).await?;
        let change = Change {
            id,
            revision,
            set: own_set(
                &JOBS,
                job_own(c.year, c.region, &c.place, &c.employer, c.months, c.income),
                &c.note,
            ),
            action: "employment_correct",
            area: d.household.area,
            before: job_json(&row)?,
            after: json!({
                "year": c.year,
                "region": c.region.code(),
                "place": c.place.trim(),
                "employer": c.employer.trim(),
                "months": c.months,
                "income_fen": c.income.fen(),
                "note": c.note.trim(),
            }),
            note: None,
        };
        let revision = update_record(tx, access, &JOBS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// Ends a 务工 record on `ended_on` (in the record's year, not after
    /// today); its months are cut to those up to that day.
    pub async fn end_employment(
        &self,
        access: &Access,
        id: i64,
        revision: i32,
        ended_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Edited> {
        let (d, row) = self.editable(access, &JOBS, id, revision).await?;
        let year: i32 = row.try_get("", "year")?;
        let months = row.try_get::<i32>("", "months")?.clamp(0, 12) as u8;
        let kept =
            funds::end_employment(year, months, ended_on, china_day(now)).map_err(refused)?;
        let tx = self.begin_for(d.id).await?;
        let change = Change {
            id,
            revision,
            set: vec![
                ("ended_on", ended_on.into()),
                ("months", i32::from(kept).into()),
            ],
            action: "employment_end",
            area: d.household.area,
            before: job_json(&row)?,
            after: json!({"ended_on": ended_on, "months": kept}),
            note: None,
        };
        let revision = update_record(tx, access, &JOBS, change, now).await?;
        Ok(Edited { id, revision })
    }

    /// 务工 records in the caller's area.
    pub async fn jobs(
        &self,
        access: &Access,
        f: &FundsFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<JobRow>)> {
        access.require(perm::HOUSEHOLD_READ)?;
        let q = JOBS.filtered(access, f);
        self.record_page(&JOBS, q, offset, limit, job_row).await
    }

    /// Persons of the area who worked in `year`: a 务工 record with months,
    /// or a 公益性岗位 in the year. Keyed by ID hash.
    async fn employed_in(&self, area: &AreaCode, year: i32) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        let mut jobs = Query::select();
        jobs.column(("e", "person_hash"))
            .from_as("employment", "e")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "person",
                "p",
                Expr::col(("p", "id_hash")).equals(("e", "person_hash")),
            )
            .and_where(under(("p", "area_code"), area))
            .and_where(Expr::col(("e", "year")).eq(year))
            .and_where(Expr::col(("e", "months")).gt(0));
        let mut posts = Query::select();
        posts
            .column(("e", "person_hash"))
            .from_as("public_post", "e")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "person",
                "p",
                Expr::col(("p", "id_hash")).equals(("e", "person_hash")),
            )
            .and_where(under(("p", "area_code"), area))
            .and_where(Expr::col(("e", "start_on")).lte(year_end(year)))
            .and_where(Expr::col(("e", "end_on")).gte(year_start(year)));
        for q in [jobs, posts] {
            for r in self.db.query_all(&q).await? {
                out.insert(trimmed(&r, "person_hash")?);
            }
        }
        Ok(out)
    }

    /// 零就业家庭 of `area` in `year`: households with a member able to work
    /// and nobody employed (`fangpin_domain::funds::zero_employment`), with
    /// counts per area directly below.
    pub async fn zero_employment(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        year: i32,
        offset: u64,
        limit: u64,
    ) -> Result<ZeroEmployment> {
        access.require(perm::HOUSEHOLD_READ)?;
        let area = Self::scoped_area(access, area)?;
        let employed = self.employed_in(&area, year).await?;
        let mut q = Query::select();
        q.column(("p", "household_id"))
            .column(("p", "id_hash"))
            .column(("p", "labor_skill"))
            .column(("h", "household_no"))
            .column(("h", "head_name"))
            .column(("h", "area_code"))
            .from_as("person", "p")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("p", "household_id")),
            )
            .and_where(access.scope()?.within(Some(&area))?.on(Keyed::rows("p")))
            .order_by(("p", "household_id"), Order::Asc);
        let mut households: BTreeMap<i64, (ZeroEmploymentRow, Vec<MemberWork>)> = BTreeMap::new();
        for r in self.db.query_all(&q).await? {
            let hid: i64 = r.try_get("", "household_id")?;
            let able = funds::able_to_work(&r.try_get::<String>("", "labor_skill")?);
            let work = MemberWork {
                able,
                employed: employed.contains(&trimmed(&r, "id_hash")?),
            };
            let entry = match households.get_mut(&hid) {
                Some(e) => e,
                None => households.entry(hid).or_insert((
                    ZeroEmploymentRow {
                        household_id: hid,
                        household_no: r.try_get("", "household_no")?,
                        head_name: r.try_get("", "head_name")?,
                        area_code: trimmed(&r, "area_code")?,
                        members: 0,
                        able: 0,
                    },
                    Vec::new(),
                )),
            };
            entry.0.members += 1;
            entry.0.able += u32::from(able);
            entry.1.push(work);
        }
        let names = area_names(&self.db, &area).await?;
        let areas = area_and_children(&names, &area);
        let mut counts: Vec<ZeroEmploymentCount> = areas
            .iter()
            .map(|(c, n)| ZeroEmploymentCount {
                area_code: c.as_string(),
                name: n.clone(),
                with_labour: 0,
                zero: 0,
            })
            .collect();
        let mut zero = Vec::new();
        for (row, members) in households.into_values() {
            if row.able == 0 {
                continue;
            }
            let is_zero = funds::zero_employment(&members);
            let village = AreaCode::parse(&row.area_code).ok();
            let child = village.as_ref().and_then(|v| child_of(&areas, v));
            for i in std::iter::once(0).chain(child) {
                counts[i].with_labour += 1;
                counts[i].zero += u64::from(is_zero);
            }
            if is_zero {
                zero.push(row);
            }
        }
        let total = zero.len() as u64;
        let items = zero
            .into_iter()
            .skip(offset as usize)
            .take(limit.clamp(1, 500) as usize)
            .collect();
        Ok(ZeroEmployment {
            year,
            total,
            items,
            by_area: counts,
        })
    }

    /// Everything recorded for one household (for its page).
    pub async fn household_funds(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdFundsView> {
        self.household(access, household_id).await?;
        let f = FundsFilter {
            household_id: Some(household_id),
            ..Default::default()
        };
        let loans = self
            .loan_rows(
                access,
                &LoanFilter {
                    household_id: Some(household_id),
                    ..Default::default()
                },
                now,
            )
            .await?;
        let (_, posts) = self.posts(access, &f, 0, 500, now).await?;
        let (_, _, awards) = self.awards(access, &f, 0, 500).await?;
        let (_, jobs) = self.jobs(access, &f, 0, 500).await?;
        Ok(HouseholdFundsView {
            loans,
            posts,
            awards,
            jobs,
        })
    }

    // -----------------------------------------------------------------------
    // Bulk load (demo)
    // -----------------------------------------------------------------------

    /// Writes the money measures and work records of many households in one
    /// transaction with one audit entry, checking every record with the same
    /// domain rules as the forms (caps counted within the load: it is meant
    /// for households that have none yet, as a fresh demo county). Any
    /// refusal refuses the whole load.
    pub async fn load_funds(
        &self,
        access: &Access,
        note: &str,
        items: &[HouseholdFunds],
        now: DateTime<Utc>,
    ) -> Result<FundsLoaded> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let mut done = FundsLoaded::default();
        let items: Vec<&HouseholdFunds> = items.iter().filter(|i| !i.is_empty()).collect();
        if items.is_empty() {
            return Ok(done);
        }
        let policy = self.policy_set().await?;
        let tx = self.begin_write().await?;
        let mut loan_ids = Vec::new();
        let mut posts = Vec::new();
        let mut awards = Vec::new();
        let mut jobs = Vec::new();
        let mut instalments = Vec::new();
        let mut repayments = Vec::new();
        for chunk in items.chunks(200) {
            let details = self
                .details_by_no(access, chunk.iter().map(|i| i.household_no.as_str()))
                .await?;
            for item in chunk {
                let d = details.get(&item.household_no).ok_or_else(|| {
                    StoreError::NotFound(format!("户编号不存在：{}", item.household_no))
                })?;
                let area = d.household.area;
                let fail = |e: StoreError| match e {
                    StoreError::Invalid(m) => {
                        StoreError::Invalid(format!("户编号{}：{m}", item.household_no))
                    }
                    other => other,
                };
                let mut owed = Money::ZERO;
                for (e, paid) in &item.loans {
                    let m = member(d, &e.borrower_no).map_err(fail)?;
                    let year = e.terms.issued_on.year();
                    let caps = LoanCaps::resolve(&policy, &area, year)
                        .map_err(|x| fail(param_missing(x)))?;
                    funds::check_loan(&e.terms, &caps, owed).map_err(|x| fail(refused(x)))?;
                    let plan = funds::schedule(&e.terms);
                    for (k, r) in paid.iter().enumerate() {
                        funds::check_repayment(e.terms.issued_on, &plan, &paid[..k], r)
                            .map_err(|x| fail(refused(x)))?;
                    }
                    owed +=
                        funds::standing(e.terms.amount, &plan, paid, china_day(now), 0).outstanding;
                    let hash = self.cipher.lookup_hash(m.id_number.as_str());
                    let own = loan_own(&e.bank, &e.purpose, &e.terms);
                    let values =
                        LOANS.values(d, Some((m, &hash)), own, &e.note, access.user_id, now);
                    let id = insert_record(&tx, &LOANS, values).await?;
                    loan_ids.push(id);
                    instalments.push((id, plan));
                    for r in paid {
                        repayments.push(vec![
                            id.into(),
                            r.paid_on.into(),
                            r.amount.fen().into(),
                            String::new().into(),
                            access.user_id.into(),
                            now.fixed_offset().into(),
                        ]);
                    }
                }
                let mut held: HashMap<&str, Vec<PostSpan>> = HashMap::new();
                for e in &item.posts {
                    let m = member(d, &e.person_no).map_err(fail)?;
                    let (min_age, max_age) =
                        funds::age_window(&policy, funds::POST_AGE, &area, e.start.year())
                            .map_err(|x| fail(param_missing(x)))?;
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
                    .map_err(|x| fail(refused(x)))?;
                    existing.push(PostSpan {
                        post: e.post.clone(),
                        start: e.start,
                        end: e.end,
                    });
                    let hash = self.cipher.lookup_hash(m.id_number.as_str());
                    let own = post_own(&e.post, e.start, e.end, months, e.monthly_pay);
                    posts.push(POSTS.values(
                        d,
                        Some((m, &hash)),
                        own,
                        &e.note,
                        access.user_id,
                        now,
                    ));
                }
                let mut granted: HashMap<i32, Money> = HashMap::new();
                for e in &item.awards {
                    let cap = funds::award_cap(&policy, &area, e.year)
                        .map_err(|x| fail(param_missing(x)))?;
                    let g = granted.entry(e.year).or_default();
                    funds::check_award(e.year, cap, *g, e.amount, &e.project)
                        .map_err(|x| fail(refused(x)))?;
                    *g += e.amount;
                    awards.push(AWARDS.values(d, None, award_own(e), &e.note, access.user_id, now));
                }
                for e in &item.jobs {
                    let m = member(d, &e.person_no).map_err(fail)?;
                    funds::check_employment(&e.employer, e.months, e.income)
                        .map_err(|x| fail(refused(x)))?;
                    let hash = self.cipher.lookup_hash(m.id_number.as_str());
                    let own = job_own(e.year, e.region, &e.place, &e.employer, e.months, e.income);
                    jobs.push(JOBS.values(d, Some((m, &hash)), own, &e.note, access.user_id, now));
                }
            }
        }
        done.loans = loan_ids.len() as u64;
        done.repayments = repayments.len() as u64;
        done.posts = posts.len() as u64;
        done.awards = awards.len() as u64;
        done.jobs = jobs.len() as u64;
        insert_instalments(&tx, &instalments).await?;
        for chunk in repayments.chunks(400) {
            insert_rows(
                &tx,
                "loan_repayment",
                &REPAYMENT_COLUMNS,
                chunk.to_vec(),
                false,
            )
            .await?;
        }
        for (kind, rows) in [(&POSTS, posts), (&AWARDS, awards), (&JOBS, jobs)] {
            let cols = kind.insert_columns();
            for chunk in rows.chunks(400) {
                insert_rows(&tx, kind.table, &cols, chunk.to_vec(), false).await?;
            }
        }
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

    /// The households with these 户编号 in the caller's area, read in bulk.
    async fn details_by_no<'a>(
        &self,
        access: &Access,
        nos: impl Iterator<Item = &'a str>,
    ) -> Result<HashMap<String, HouseholdDetail>> {
        let nos: Vec<String> = nos.map(str::to_owned).collect();
        let mut q = Query::select();
        q.column("id")
            .from("household")
            .and_where(Expr::col("household_no").is_in(nos))
            .and_where(access.scope_unchecked().on(Keyed::household(None)));
        let mut ids = Vec::new();
        for r in self.db.query_all(&q).await? {
            ids.push(r.try_get::<i64>("", "id")?);
        }
        Ok(self
            .load_bundles(&self.db, ids)
            .await?
            .into_iter()
            .map(|(id, b)| {
                (
                    b.household.household_no.clone(),
                    HouseholdDetail {
                        id,
                        household: b.household,
                        members: b.members,
                        incomes: b.incomes,
                    },
                )
            })
            .collect())
    }
}

// ---------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------

fn year_start(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn year_end(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The kind's own columns set to `own`, and the note: what an edit writes.
fn own_set(kind: &Kind, own: Vec<sea_orm::Value>, note: &str) -> Vec<(&'static str, Expr)> {
    kind.own
        .iter()
        .copied()
        .zip(own.into_iter().map(Expr::from))
        .chain([("note", Expr::from(note.trim()))])
        .collect()
}

/// The checks of a loan that need no transaction: the bank, the caps of the
/// area and year of issue, the borrower's age on the issue day. Returns
/// the caps.
fn loan_caps(
    policy: &PolicySet,
    area: &AreaCode,
    m: &Person,
    bank: &str,
    terms: &LoanTerms,
) -> Result<LoanCaps> {
    non_blank("贷款银行", bank)?;
    let year = terms.issued_on.year();
    let caps = LoanCaps::resolve(policy, area, year).map_err(param_missing)?;
    let (min, max) =
        funds::age_window(policy, funds::BORROWER_AGE, area, year).map_err(param_missing)?;
    funds::check_age(
        AgeRole::Borrower,
        &m.name,
        &m.id_number,
        terms.issued_on,
        min,
        max,
    )
    .map_err(refused)?;
    Ok(caps)
}

/// Principal the household still owes on `on` on its loans other than
/// `except`.
async fn owed_elsewhere(
    tx: &DatabaseTransaction,
    access: &Access,
    household_id: i64,
    except: Option<i64>,
    on: NaiveDate,
) -> Result<Money> {
    let mut q = LOANS.select(access);
    narrow(&mut q, None, Some(household_id));
    if let Some(id) = except {
        q.and_where(Expr::col(("t", "id")).ne(id));
    }
    Ok(load_loans(tx, &q)
        .await?
        .iter()
        .map(|l| l.standing(on, 0).outstanding)
        .sum())
}

/// One loan in the caller's area with its schedule and repayments.
async fn load_loan<C: ConnectionTrait>(conn: &C, access: &Access, id: i64) -> Result<StoredLoan> {
    let mut q = LOANS.select(access);
    q.and_where(Expr::col(("t", "id")).eq(id));
    load_loans(conn, &q)
        .await?
        .pop()
        .ok_or_else(|| LOANS.not_found(id))
}

/// The values of [`LOANS`]' own columns.
fn loan_own(bank: &str, purpose: &str, t: &LoanTerms) -> Vec<sea_orm::Value> {
    let (rate, fen) = match t.subsidy {
        Subsidy::Rate(r) => (Some(r.0 as i32), None),
        Subsidy::Amount(a) => (None, Some(a.fen())),
    };
    vec![
        bank.trim().into(),
        purpose.trim().into(),
        t.amount.fen().into(),
        (t.term_months as i32).into(),
        t.issued_on.into(),
        funds::maturity(t.issued_on, t.term_months).into(),
        (t.annual_rate.0 as i32).into(),
        t.method.code().into(),
        rate.into(),
        fen.into(),
    ]
}

fn loan_json(bank: &str, purpose: &str, t: &LoanTerms) -> serde_json::Value {
    json!({
        "bank": bank.trim(),
        "purpose": purpose.trim(),
        "amount_fen": t.amount.fen(),
        "term_months": t.term_months,
        "issued_on": t.issued_on,
        "rate_bp": t.annual_rate.0,
        "method": t.method.code(),
        "subsidy": t.subsidy,
    })
}

async fn insert_instalments(
    tx: &DatabaseTransaction,
    plans: &[(i64, Vec<Instalment>)],
) -> Result<()> {
    let rows: Vec<Vec<sea_orm::Value>> = plans
        .iter()
        .flat_map(|(id, plan)| {
            plan.iter().map(move |i| {
                vec![
                    (*id).into(),
                    (i.seq as i32).into(),
                    i.due_on.into(),
                    i.principal.fen().into(),
                    i.interest.fen().into(),
                ]
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        insert_rows(
            tx,
            "loan_instalment",
            &["loan_id", "seq", "due_on", "principal_fen", "interest_fen"],
            chunk.to_vec(),
            false,
        )
        .await?;
    }
    Ok(())
}

/// Inserts rows; with `returning`, the id of the (single) row.
async fn insert_rows(
    tx: &DatabaseTransaction,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<sea_orm::Value>>,
    returning: bool,
) -> Result<Option<i64>> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut ins = Query::insert();
    ins.into_table(table.to_owned())
        .columns(cols.iter().map(|c| c.to_string()));
    for r in rows {
        ins.values_panic(r.into_iter().map(Into::into));
    }
    if returning {
        ins.returning_col("id");
        let id = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("新建{table}记录未返回编号")))?
            .try_get("", "id")?;
        Ok(Some(id))
    } else {
        tx.execute(&ins).await?;
        Ok(None)
    }
}

const REPAYMENT_COLUMNS: [&str; 6] = [
    "loan_id",
    "paid_on",
    "amount_fen",
    "note",
    "created_by",
    "created_at",
];

/// The values of [`POSTS`]' own columns.
fn post_own(
    post: &str,
    start: NaiveDate,
    end: NaiveDate,
    months: u32,
    pay: Money,
) -> Vec<sea_orm::Value> {
    vec![
        post.trim().into(),
        start.into(),
        end.into(),
        (months as i32).into(),
        pay.fen().into(),
    ]
}

fn post_json(r: &QueryResult) -> Result<serde_json::Value> {
    Ok(json!({
        "post": r.try_get::<String>("", "post")?,
        "start_on": r.try_get::<NaiveDate>("", "start_on")?,
        "end_on": r.try_get::<NaiveDate>("", "end_on")?,
        "months": r.try_get::<i32>("", "months")?,
        "monthly_pay_fen": r.try_get::<i64>("", "monthly_pay_fen")?,
        "note": r.try_get::<String>("", "note")?,
    }))
}

fn post_row(r: &QueryResult, today: NaiveDate) -> Result<PostRow> {
    let h = head(r)?;
    let start: NaiveDate = r.try_get("", "start_on")?;
    let end: NaiveDate = r.try_get("", "end_on")?;
    let months = nonneg(r.try_get::<i32>("", "months")?);
    let pay = money(r, "monthly_pay_fen")?;
    Ok(PostRow {
        id: h.id,
        household_id: h.household_id,
        household_no: h.household_no,
        head_name: h.head_name,
        area_code: h.area_code,
        person_no: r.try_get("", "person_no")?,
        person_name: r.try_get("", "person_name")?,
        post: r.try_get("", "post")?,
        start_on: start,
        end_on: end,
        months,
        monthly_pay_fen: pay,
        total_pay_fen: Money::from_fen(pay.fen() * i64::from(months)),
        current: start <= today && today <= end,
        note: h.note,
        revision: h.revision,
    })
}

/// The posts of a person (by ID hash), but `except`.
async fn posts_of_person<C: ConnectionTrait>(
    conn: &C,
    hash: &str,
    except: Option<i64>,
) -> Result<Vec<PostSpan>> {
    let mut q = Query::select();
    q.columns(["post", "start_on", "end_on"])
        .from("public_post")
        .and_where(Expr::col("person_hash").eq(hash));
    if let Some(id) = except {
        q.and_where(Expr::col("id").ne(id));
    }
    let mut out = Vec::new();
    for r in conn.query_all(&q).await? {
        out.push(PostSpan {
            post: r.try_get("", "post")?,
            start: r.try_get("", "start_on")?,
            end: r.try_get("", "end_on")?,
        });
    }
    Ok(out)
}

/// The values of [`AWARDS`]' own columns.
fn award_own(e: &AwardEntry) -> Vec<sea_orm::Value> {
    vec![
        e.year.into(),
        e.project.trim().into(),
        e.amount.fen().into(),
    ]
}

fn award_json(r: &QueryResult) -> Result<serde_json::Value> {
    Ok(json!({
        "year": r.try_get::<i32>("", "year")?,
        "project": r.try_get::<String>("", "project")?,
        "amount_fen": r.try_get::<i64>("", "amount_fen")?,
        "note": r.try_get::<String>("", "note")?,
    }))
}

fn award_row(r: &QueryResult) -> Result<AwardRow> {
    let h = head(r)?;
    let withdrawn_on: Option<NaiveDate> = r.try_get("", "withdrawn_on")?;
    Ok(AwardRow {
        id: h.id,
        household_id: h.household_id,
        household_no: h.household_no,
        head_name: h.head_name,
        area_code: h.area_code,
        year: r.try_get("", "year")?,
        project: r.try_get("", "project")?,
        amount_fen: money(r, "amount_fen")?,
        note: h.note,
        withdrawn_on,
        withdraw_reason: r.try_get("", "withdraw_reason")?,
        status_label: if withdrawn_on.is_some() {
            "已撤销"
        } else {
            "有效"
        },
        revision: h.revision,
    })
}

/// What a household was granted in `year` (withdrawn awards and `except`
/// left out).
async fn awards_total<C: ConnectionTrait>(
    conn: &C,
    household_id: i64,
    year: i32,
    except: Option<i64>,
) -> Result<Money> {
    let mut q = Query::select();
    q.column("amount_fen")
        .from("industry_award")
        .and_where(Expr::col("household_id").eq(household_id))
        .and_where(Expr::col("year").eq(year))
        .and_where(Expr::col("withdrawn_on").is_null());
    if let Some(id) = except {
        q.and_where(Expr::col("id").ne(id));
    }
    let mut sum = Money::ZERO;
    for r in conn.query_all(&q).await? {
        sum += money(&r, "amount_fen")?;
    }
    Ok(sum)
}

/// Refuses a 务工 year after the current one.
fn not_after_this_year(year: i32, now: DateTime<Utc>) -> Result<()> {
    let this_year = china_day(now).year();
    if year > this_year {
        return Err(StoreError::Invalid(format!(
            "务工年度{year}晚于今年（{this_year}年）"
        )));
    }
    Ok(())
}

/// The values of [`JOBS`]' own columns.
fn job_own(
    year: i32,
    region: WorkRegion,
    place: &str,
    employer: &str,
    months: u8,
    income: Money,
) -> Vec<sea_orm::Value> {
    vec![
        year.into(),
        region.code().into(),
        place.trim().into(),
        employer.trim().into(),
        i32::from(months).into(),
        income.fen().into(),
    ]
}

fn job_json(r: &QueryResult) -> Result<serde_json::Value> {
    Ok(json!({
        "year": r.try_get::<i32>("", "year")?,
        "region": r.try_get::<String>("", "region")?,
        "place": r.try_get::<String>("", "place")?,
        "employer": r.try_get::<String>("", "employer")?,
        "months": r.try_get::<i32>("", "months")?,
        "income_fen": r.try_get::<i64>("", "income_fen")?,
        "ended_on": r.try_get::<Option<NaiveDate>>("", "ended_on")?,
        "note": r.try_get::<String>("", "note")?,
    }))
}

fn job_row(r: &QueryResult) -> Result<JobRow> {
    let h = head(r)?;
    let region = WorkRegion::parse(&r.try_get::<String>("", "region")?)
        .map_err(|_| corrupt("务工地域无效", h.id))?;
    Ok(JobRow {
        id: h.id,
        household_id: h.household_id,
        household_no: h.household_no,
        head_name: h.head_name,
        area_code: h.area_code,
        person_no: r.try_get("", "person_no")?,
        person_name: r.try_get("", "person_name")?,
        year: r.try_get("", "year")?,
        region,
        region_label: region.label(),
        place: r.try_get("", "place")?,
        employer: r.try_get("", "employer")?,
        months: r.try_get::<i32>("", "months")?.clamp(0, 12) as u8,
        income_fen: money(r, "income_fen")?,
        ended_on: r.try_get("", "ended_on")?,
        note: h.note,
        revision: h.revision,
    })
}
