//! 到户产业奖补: awards and the room left under the household's cap.

use super::*;

impl Store {
    /// Records a 到户产业奖补. Refused (nothing written) when the household
    /// is outside the groups its area grants to (the message names its
    /// category), when its 人均纯收入 is not below the area's 全市平均水平
    /// (or that parameter is missing), or when its awards of the year would
    /// exceed the area's cap for that year; the message says how much was
    /// granted and how much remains.
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
        self.check_award_eligible(&policy, &d, e.year).await?;
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
    /// of its year, counting the household's other awards of that year; moved
    /// to another year it is checked as a new award of that year (groups,
    /// income, 产业 measures): an
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
        // Moved to another year, it is checked as a new award of that year;
        // within its year the household's standing was checked when it was
        // granted, and a later change of category does not undo the grant.
        let old_year: i32 = row.try_get("", "year")?;
        if old_year != e.year {
            self.check_award_eligible(&policy, &d, e.year).await?;
        }
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

    /// The household's standing for an award of `year`: its groups, its
    /// income against the area's average and its 产业 measures under way.
    async fn check_award_eligible(
        &self,
        policy: &PolicySet,
        d: &HouseholdDetail,
        year: i32,
    ) -> Result<()> {
        let measures: Vec<_> = self
            .measures_of(&[d.id])
            .await?
            .remove(&d.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.measure)
            .collect();
        funds::check_award_eligible(policy, &d.household, &d.incomes, &measures, year)
            .map_err(refused)
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
}

/// The values of [`AWARDS`]' own columns.
pub(super) fn award_own(e: &AwardEntry) -> Vec<sea_orm::Value> {
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
