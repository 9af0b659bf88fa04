//! The case lists: one case's detail, filtered lists with their urgency, the steps due.

use super::*;

impl Store {
    /// One case with its ledger.
    pub async fn case_detail(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail> {
        access.require(perm::HOUSEHOLD_READ)?;
        let s = self.stored_case(access, id).await?;
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let clock = Clock {
            today: china_day(now),
            cal: &cal,
            policy: &policy,
        };
        let mut row = s.row;
        row.urgency = clock.urgency_of(&row);
        row.urgency_label = row.urgency.map(Urgency::label);
        let mut q = Query::select();
        q.columns([
            "seq",
            "at",
            "on_day",
            "actor",
            "role",
            "action",
            "from_state",
            "to_state",
            "payload",
        ])
        .from("case_event")
        .and_where(Expr::col("case_id").eq(id))
        .order_by("seq", Order::Asc);
        let mut events = Vec::new();
        for r in self.db.query_all(&q).await? {
            let payload: String = r.try_get("", "payload")?;
            events.push(CaseEvent {
                seq: r.try_get("", "seq")?,
                at: r.try_get("", "at")?,
                on_day: r.try_get("", "on_day")?,
                actor: r.try_get("", "actor")?,
                role: r.try_get("", "role")?,
                action: r.try_get("", "action")?,
                from_state: r.try_get("", "from_state")?,
                to_state: r.try_get("", "to_state")?,
                payload: serde_json::from_str(&payload)
                    .map_err(|e| StoreError::Corrupt(format!("办理记录无法解析：{e}")))?,
            });
        }
        Ok(CaseDetail {
            row,
            summary: s.summary,
            reporter: s.reporter,
            notice_from: s.view.notice_from,
            notice_until: s.view.notice_until,
            method: s.view.method,
            events,
        })
    }

    /// Cases in the caller's scope, newest first: (total, page).
    pub async fn cases(
        &self,
        access: &Access,
        f: &CaseFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<CaseRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            scoped(q, &scope);
            if !f.states.is_empty() {
                q.and_where(Expr::col(("c", "state")).is_in(f.states.iter().map(|s| s.code())));
            }
            if let Some(h) = f.household_id {
                q.and_where(Expr::col(("c", "household_id")).eq(h));
            }
            if f.open_only {
                q.and_where(Expr::col(("c", "is_open")).eq(true));
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("case_file", "c");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = select_cases();
        narrow(&mut q);
        q.order_by(("c", "id"), Order::Desc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let rows = self.rows_with_urgency(&q, now).await?;
        Ok((total as u64, rows))
    }

    pub(super) async fn rows_with_urgency(
        &self,
        q: &SelectStatement,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let clock = Clock {
            today: china_day(now),
            cal: &cal,
            policy: &policy,
        };
        let mut out = Vec::new();
        for r in self.db.query_all(q).await? {
            let mut row = stored_of(&r)?.row;
            row.urgency = clock.urgency_of(&row);
            row.urgency_label = row.urgency.map(Urgency::label);
            out.push(row);
        }
        Ok(out)
    }

    /// The 工作台: open steps the caller's levels own, due soonest first,
    /// plus steps of the level below that are overdue long enough to be
    /// raised to the caller.
    pub async fn due_steps(&self, access: &Access, now: DateTime<Utc>) -> Result<Vec<DueItem>> {
        let scope = access.scope()?;
        let levels = levels_of(access);
        let mut q = select_cases();
        scoped(&mut q, &scope);
        q.and_where(Expr::col(("c", "is_open")).eq(true))
            .and_where(Expr::col(("c", "step_due")).is_not_null())
            .order_by(("c", "step_due"), Order::Asc);
        let mut out = Vec::new();
        for row in self.rows_with_urgency(&q, now).await? {
            let mine = row.state.owners().iter().any(|l| levels.contains(l));
            let escalated_to_me = !mine
                && row.urgency == Some(Urgency::Escalated)
                && row
                    .owner
                    .and_then(Level::above)
                    .is_some_and(|l| levels.contains(&l));
            if mine || escalated_to_me {
                out.push(DueItem {
                    case: row,
                    escalated_to_me,
                });
            }
        }
        Ok(out)
    }
}
