//! 公益性岗位: posts and the people holding them.

use super::*;

impl Store {
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
        let (d, row, m) = self
            .editable_with_member(access, &POSTS, id, revision, "person_no", |no| {
                format!("岗位人员（人口编号{no}）已不在本户，无法核对年龄和劳动能力，不能修改")
            })
            .await?;
        let m = &m;
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

    pub(super) async fn count_of(&self, q: &SelectStatement) -> Result<u64> {
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
}

/// The values of [`POSTS`]' own columns.
pub(super) fn post_own(
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
