//! The workflow steps of a case: acting on it, the elimination check, and what a decision changes on the household.

use super::*;
use fangpin_domain::household::labour::NoLabourRule;
use fangpin_domain::monitor::workflow::income_criteria;

impl Store {
    /// Measures the elimination criteria of a household on `today`;
    /// `identified_on` is the case's identification day when known (else the
    /// household's 识别监测时间, first of the month).
    pub async fn elimination_check(
        &self,
        access: &Access,
        household_id: i64,
        identified_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<EliminationCheck> {
        let detail = self.household(access, household_id).await?.into_bundle();
        let policy = self.policy_set().await?;
        let h = &detail.household;
        let year = today.year();
        let min_months = policy
            .int_param(keys::ELIMINATION_MIN_MONTHS, &h.area, year)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let months_monitored = identified_on
            .or(h.identified_month.map(YearMonth::first_day))
            .map_or(0, |from| full_months(from, today));
        let mut q = Query::select();
        q.expr_as(Expr::cust("COUNT(*)"), "n")
            .from("assist_measure")
            .and_where(Expr::col("household_id").eq(household_id))
            // A measure only planned has not been carried out.
            .and_where(Expr::col("status").ne("planned"));
        if !h.risks.is_empty() {
            q.and_where(Expr::col("target_risk").is_in(h.risks.clone()));
        }
        let measures: i64 = match self.db.query_one(&q).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let a = assess_bundle(&detail, &policy, today)?;
        // §7.1 (1), (2): the line in force in the year of the elimination,
        // strictly above, and the recent income years each above their line;
        // a year without a line is refused, never guessed.
        let income = income_criteria(&detail, &policy, today)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let no_labour = NoLabourRule::of(&policy, &h.area, year)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(EliminationCheck {
            months_monitored,
            min_months,
            targeted_measures: measures as u32,
            income_above_line: income.above_line(),
            income_stable: income.stable(),
            income,
            rigid_resolved: a.as_ref().is_some_and(|a| !a.sudden_hardship),
            basics_secure: a
                .as_ref()
                .is_some_and(fangpin_domain::monitor::assess::Assessment::basics_secure),
            has_labour: !no_labour.whole_household(&detail.members),
        })
    }

    /// Applies `action` to case `id` on behalf of `access` at `now`. Refusals
    /// change nothing; `expected_revision`, when given, refuses a decision
    /// made on a stale page.
    pub async fn case_act(
        &self,
        access: &Access,
        id: i64,
        action: Action,
        expected_revision: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail> {
        let levels = require_case_role(access)?;
        let stored = self.stored_case(access, id).await?;
        if let Some(r) = expected_revision
            && r != stored.row.revision
        {
            return Err(StoreError::Invalid("案件已被他人办理，请刷新后再试".into()));
        }
        if let Action::Approve {
            category, risks, ..
        } = &action
        {
            check_codes(category.as_deref(), risks.as_deref())?;
        }
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let area = AreaCode::parse(&stored.row.area_code)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let year = today.year();
        let notice_min = span(&policy, keys::NOTICE_MIN, &area, year)?;
        let notice_until = |from: NaiveDate| {
            notice_min
                .due_from(from, &cal)
                .map_err(|e| WorkflowError::Invalid(e.to_string()))
        };
        let check = match &action {
            Action::ProposeElimination { .. } => Some(
                self.elimination_check(
                    access,
                    stored.row.household_id,
                    stored.row.identified_on,
                    today,
                )
                .await?,
            ),
            _ => None,
        };
        let actor = WfActor {
            user: access.user_id.unwrap_or(0),
            levels,
        };
        let outcome = decide(
            &stored.view,
            &actor,
            &action,
            today,
            &notice_until,
            check.as_ref(),
        )
        .map_err(wf)?;
        let to = outcome.to;
        let step_due = match to.sla_key() {
            None => None,
            Some(key) => {
                let start = match to {
                    CaseState::Notice | CaseState::ElimNotice => {
                        outcome.view.notice_until.unwrap_or(today)
                    }
                    _ => today,
                };
                Some(
                    span(&policy, key, &area, year)?
                        .due_from(start, &cal)
                        .map_err(cal_err)?,
                )
            }
        };
        let is_open = !matches!(to, CaseState::Rejected | CaseState::Eliminated);
        let v = &outcome.view;
        let now_fixed = now.fixed_offset();
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("case_file")
            .values([
                ("state", to.code().into()),
                ("category", v.category.clone().into()),
                ("risks", v.risks.join(",").into()),
                ("proposed_by", v.proposed_by.into()),
                ("method", v.method.clone().into()),
                ("township_by", v.township_by.into()),
                ("notice_from", v.notice_from.into()),
                ("notice_until", v.notice_until.into()),
                ("step_since", today.into()),
                ("step_due", step_due.into()),
                ("is_open", is_open.into()),
                ("revision", (stored.row.revision + 1).into()),
                ("updated_at", now_fixed.into()),
            ])
            .and_where(Expr::col("id").eq(id))
            .and_where(Expr::col("revision").eq(stored.row.revision));
        if let Some(day) = outcome.identified_on {
            upd.value("identified_on", day);
        }
        if let Some((day, _)) = &outcome.eliminated {
            upd.value("eliminated_on", *day);
        }
        if outcome.reopened {
            upd.value("eliminated_on", Option::<NaiveDate>::None);
        }
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("案件已被他人办理，请刷新后再试".into()));
        }
        let payload =
            serde_json::to_value(&action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let payload = match check {
            Some(c) => json!({"action": payload, "criteria": c}),
            None => json!({ "action": payload }),
        };
        insert_event(
            &tx,
            access,
            id,
            stored.row.revision + 2,
            action.code(),
            Some(stored.view.state),
            to,
            now,
            &payload,
        )
        .await?;
        self.apply_household_effects(&tx, access, &stored, &outcome, id)
            .await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "case_act",
                entity: "case",
                entity_key: Some(id.to_string()),
                area: Some(area),
                before: Some(json!({"state": stored.view.state.code()})),
                after: Some(json!({"state": to.code(), "action": action.code()})),
                ..Default::default()
            },
        )
        .await?;
        self.case_detail(access, id, now).await
    }

    /// The household's monitoring fields follow the case: 监测中 on 公告,
    /// 风险已消除 on 县级审定 of an elimination, back to 风险未消除 on 回退.
    pub(super) async fn apply_household_effects(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        stored: &Stored,
        outcome: &fangpin_domain::monitor::workflow::Outcome,
        case_id: i64,
    ) -> Result<()> {
        if outcome.identified_on.is_none() && outcome.eliminated.is_none() && !outcome.reopened {
            return Ok(());
        }
        let mut bundle = self
            .household(access, stored.row.household_id)
            .await?
            .into_bundle();
        let h = &mut bundle.household;
        let note;
        if let Some(day) = outcome.identified_on {
            h.monitor_category.clone_from(&outcome.view.category);
            h.risks.clone_from(&outcome.view.risks);
            h.identified_month = Some(YearMonth::from_date(day));
            h.risk_eliminated = Some(false);
            h.eliminated_month = None;
            h.elimination_method = None;
            note = format!("识别纳入监测对象（案件{case_id}）");
        } else if let Some((day, method)) = &outcome.eliminated {
            h.risk_eliminated = Some(true);
            h.eliminated_month = Some(YearMonth::from_date(*day));
            h.elimination_method = Some(method.clone());
            note = format!("风险消除（案件{case_id}）");
        } else {
            h.risk_eliminated = Some(false);
            h.eliminated_month = None;
            h.elimination_method = None;
            note = format!("风险消除回退（案件{case_id}）");
        }
        // The workflow, not the user's role, writes these fields: a county
        // approver may not edit households but 审定 sets 风险已消除.
        let mut writer = access.clone();
        writer.permissions.insert(perm::HOUSEHOLD_WRITE.to_owned());
        self.upsert_tx(tx, &writer, &note, &[], std::slice::from_ref(&bundle), None)
            .await?;
        Ok(())
    }
}
