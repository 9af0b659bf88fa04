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
    Instalment, LoanCaps, LoanCorrection, LoanEntry, LoanTerms, MemberWork, Portfolio, PostCheck,
    PostCorrection, PostEntry, PostSpan, Repayment, RepaymentMethod, Standing, Subsidy, WorkRegion,
};
use fangpin_domain::policy::keys;
use fangpin_domain::{AreaCode, HouseholdBundle, Money, Person, PolicySet, YearMonth};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult};
use serde::Serialize;
use serde_json::json;

use crate::audit::{AuditEntry, commit_audited};
use crate::calendar::china_day;
use crate::households::HouseholdDetail;
use crate::scope::{Keyed, under};
use crate::users::{Access, perm};
use crate::{Engine, Result, Store, StoreError};

mod awards;
mod batch;
mod household;
mod jobs;
mod loans;
mod posts;
mod rows;
use awards::award_own;
pub use batch::NewRecords;
use jobs::job_own;
use loans::{REPAYMENT_COLUMNS, insert_instalments, insert_rows, loan_own};
use posts::post_own;
pub use rows::{
    AreaLoanRate, AwardRoom, AwardRow, FundsFilter, FundsLoaded, HouseholdFundsView, InstalmentRow,
    JobRow, LoanDetail, LoanFilter, LoanRates, LoanRow, PostRow, RepaymentRow, ZeroEmployment,
    ZeroEmploymentCount, ZeroEmploymentRow,
};

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
            .map_or_else(|| code.clone(), |(n, _)| n.clone()),
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

    /// [`Store::editable`] for a record about one person (`column` holds
    /// their 人口编号), who must still be a member of the household; `gone`
    /// is the refusal when they are not.
    async fn editable_with_member(
        &self,
        access: &Access,
        kind: &Kind,
        id: i64,
        revision: i32,
        column: &str,
        gone: impl FnOnce(&str) -> String,
    ) -> Result<(HouseholdDetail, QueryResult, Person)> {
        let (d, row) = self.editable(access, kind, id, revision).await?;
        let no: String = row.try_get("", column)?;
        let m = match member(&d, &no) {
            Ok(m) => m.clone(),
            Err(_) => return Err(StoreError::Invalid(gone(&no))),
        };
        Ok((d, row, m))
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
