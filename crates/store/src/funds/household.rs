//! One household's funds records, and the records of a loaded county.

use super::*;

impl Store {
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
    pub(super) async fn details_by_no<'a>(
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
