//! New funds records written in bulk, in the caller's transaction.

use std::sync::Arc;

use super::*;
use crate::crypto::FieldCipher;

/// New loans (with their repayments), posts, awards and 务工 records of
/// households, collected and then written together as multi-row inserts.
/// It checks nothing and records no audit entry: the caller checks every
/// entry with the domain's rules (`funds::check_loan`, `check_repayment`,
/// `check_post`, `check_award`, `check_employment`), calls
/// [`NewRecords::write`] in its own transaction (`Store::begin_write`) and
/// ends it with `audit::commit_audited`. Meant for bulk loads such as the
/// demo county; the forms go through `Store::add_loan` and its kin.
pub struct NewRecords {
    cipher: Arc<FieldCipher>,
    user: Option<i64>,
    now: DateTime<Utc>,
    /// A loan's row, its schedule and its repayments.
    loans: Vec<(Vec<sea_orm::Value>, Vec<Instalment>, Vec<Repayment>)>,
    posts: Vec<Vec<sea_orm::Value>>,
    awards: Vec<Vec<sea_orm::Value>>,
    jobs: Vec<Vec<sea_orm::Value>>,
}

impl Store {
    /// An empty set of [`NewRecords`], created by `user` at `now`.
    pub fn new_funds_records(&self, user: Option<i64>, now: DateTime<Utc>) -> NewRecords {
        NewRecords {
            cipher: Arc::clone(&self.cipher),
            user,
            now,
            loans: Vec::new(),
            posts: Vec::new(),
            awards: Vec::new(),
            jobs: Vec::new(),
        }
    }
}

impl NewRecords {
    /// A loan of member `borrower` of household `d`, with its schedule and
    /// the repayments received.
    pub fn loan(
        &mut self,
        d: &HouseholdDetail,
        borrower: &Person,
        e: &LoanEntry,
        paid: &[Repayment],
    ) {
        let hash = self.cipher.lookup_hash(borrower.id_number.as_str());
        let own = loan_own(&e.bank, &e.purpose, &e.terms);
        let row = LOANS.values(
            d,
            Some((borrower, &hash)),
            own,
            &e.note,
            self.user,
            self.now,
        );
        self.loans
            .push((row, funds::schedule(&e.terms), paid.to_vec()));
    }

    /// A 公益性岗位 of member `holder` of `months` months (as
    /// `funds::check_post` counted them).
    pub fn post(&mut self, d: &HouseholdDetail, holder: &Person, e: &PostEntry, months: u32) {
        let hash = self.cipher.lookup_hash(holder.id_number.as_str());
        let own = post_own(&e.post, e.start, e.end, months, e.monthly_pay);
        let row = POSTS.values(d, Some((holder, &hash)), own, &e.note, self.user, self.now);
        self.posts.push(row);
    }

    /// An 到户产业奖补 of household `d`.
    pub fn award(&mut self, d: &HouseholdDetail, e: &AwardEntry) {
        let row = AWARDS.values(d, None, award_own(e), &e.note, self.user, self.now);
        self.awards.push(row);
    }

    /// A 务工 record of member `worker`.
    pub fn job(&mut self, d: &HouseholdDetail, worker: &Person, e: &EmploymentEntry) {
        let hash = self.cipher.lookup_hash(worker.id_number.as_str());
        let own = job_own(e.year, e.region, &e.place, &e.employer, e.months, e.income);
        let row = JOBS.values(d, Some((worker, &hash)), own, &e.note, self.user, self.now);
        self.jobs.push(row);
    }

    /// Writes everything collected in `tx` (loans one by one for their ids,
    /// then their instalments and repayments, posts, awards and 务工 records
    /// in multi-row inserts) and returns how many records of each kind.
    pub async fn write(self, tx: &DatabaseTransaction) -> Result<FundsLoaded> {
        let mut instalments = Vec::new();
        let mut repayments = Vec::new();
        let at = self.now.fixed_offset();
        for (row, plan, paid) in self.loans {
            let id = insert_record(tx, &LOANS, row).await?;
            instalments.push((id, plan));
            for r in paid {
                repayments.push(vec![
                    id.into(),
                    r.paid_on.into(),
                    r.amount.fen().into(),
                    String::new().into(),
                    self.user.into(),
                    at.into(),
                ]);
            }
        }
        let done = FundsLoaded {
            loans: instalments.len() as u64,
            repayments: repayments.len() as u64,
            posts: self.posts.len() as u64,
            awards: self.awards.len() as u64,
            jobs: self.jobs.len() as u64,
        };
        insert_instalments(tx, &instalments).await?;
        for chunk in repayments.chunks(400) {
            insert_rows(
                tx,
                "loan_repayment",
                &REPAYMENT_COLUMNS,
                chunk.to_vec(),
                false,
            )
            .await?;
        }
        for (kind, rows) in [
            (&POSTS, self.posts),
            (&AWARDS, self.awards),
            (&JOBS, self.jobs),
        ] {
            let cols = kind.insert_columns();
            for chunk in rows.chunks(400) {
                insert_rows(tx, kind.table, &cols, chunk.to_vec(), false).await?;
            }
        }
        Ok(done)
    }
}
