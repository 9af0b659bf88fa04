//! 务工 records, 零就业家庭 and 务工规模.

use super::*;

impl Store {
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
    pub(super) async fn employed_in(&self, area: &AreaCode, year: i32) -> Result<HashSet<String>> {
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
pub(super) fn job_own(
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
