//! 脱贫人口小额信贷: loans, their schedules and repayments, overdue rates.

use super::*;

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

impl Store {
    /// Records a loan and its repayment schedule. Refused (nothing written)
    /// for a household outside the groups its area lends to in the year of
    /// issue (the message names the household's category), above the
    /// per-household amount or the term cap of the area and year, with
    /// collateral, or for a borrower outside the age window on the day of
    /// issue.
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
        funds::check_loan_eligible(&policy, &d.household, e.terms.issued_on.year())
            .map_err(refused)?;
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
    /// household's other loans; the borrower's age on the issue day; moved to
    /// another year of issue, the groups its area lends to that year). The
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
        let (d, _, m) = self
            .editable_with_member(access, &LOANS, id, revision, "borrower_no", |no| {
                format!("借款人（人口编号{no}）已不在本户，无法按放款日期核对借款人年龄，不能修改")
            })
            .await?;
        let m = &m;
        let policy = self.policy_set().await?;
        let caps = loan_caps(&policy, &d.household.area, m, &c.bank, &c.terms)?;
        let today = china_day(now);
        let tx = self.begin_for(d.id).await?;
        let old = load_loan(&tx, access, id).await?;
        // Moved to another year of issue, the household must be one its area
        // lends to in that year, as for a new loan.
        if old.terms.issued_on.year() != c.terms.issued_on.year() {
            funds::check_loan_eligible(&policy, &d.household, c.terms.issued_on.year())
                .map_err(refused)?;
        }
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

    pub(super) async fn loan_rows(
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
pub(super) fn loan_own(bank: &str, purpose: &str, t: &LoanTerms) -> Vec<sea_orm::Value> {
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

pub(super) async fn insert_instalments(
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
pub(super) async fn insert_rows(
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
        .columns(cols.iter().map(std::string::ToString::to_string));
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

pub(super) const REPAYMENT_COLUMNS: [&str; 6] = [
    "loan_id",
    "paid_on",
    "amount_fen",
    "note",
    "created_by",
    "created_at",
];
