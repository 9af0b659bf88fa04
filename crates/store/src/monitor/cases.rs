//! Opening a case from a lead, and the case's ledger.

use super::*;
use crate::sql::insert_returning_id;

impl Store {
    pub(super) async fn stored_case(&self, access: &Access, id: i64) -> Result<Stored> {
        let mut q = select_cases();
        q.and_where(Expr::col(("c", "id")).eq(id));
        scoped(&mut q, &access.scope_unchecked());
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("案件不存在：{id}")))?;
        stored_of(&r)
    }

    pub(crate) async fn open_case_of(&self, household_id: i64) -> Result<Option<(i64, CaseState)>> {
        let mut q = Query::select();
        q.columns(["id", "state"])
            .from("case_file")
            .and_where(Expr::col("household_id").eq(household_id))
            .and_where(Expr::col("is_open").eq(true));
        match self.db.query_one(&q).await? {
            None => Ok(None),
            Some(r) => {
                let s: String = r.try_get("", "state")?;
                Ok(Some((
                    r.try_get("", "id")?,
                    CaseState::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )))
            }
        }
    }

    /// Opens a case from a lead. The rules assessment of the household's
    /// latest income year is kept with the opening entry (what was known
    /// then), and its category and risks are the suggestion the county
    /// confirms or replaces at 审定.
    pub async fn open_lead(
        &self,
        access: &Access,
        lead: NewLead,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let tx = self.begin_write().await?;
        let id = self.open_lead_in(&tx, access, lead, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Store::open_lead`] within the caller's transaction, so that what
    /// brought the lead in (an accepted self-report) is closed with it.
    pub(crate) async fn open_lead_in(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        lead: NewLead,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_case_role(access)?;
        // Scope first: a household outside it does not exist, whatever the input.
        let detail = self
            .household(access, lead.household_id)
            .await?
            .into_bundle();
        let summary = lead.summary.trim();
        if summary.is_empty() {
            return Err(StoreError::Invalid("请填写线索内容".into()));
        }
        if let Some((id, state)) = self.open_case_of(lead.household_id).await? {
            return Err(StoreError::Invalid(format!(
                "该户已有办理中的案件（编号{id}，{}）",
                state.label()
            )));
        }
        let h = &detail.household;
        if h.current_size == 0 {
            return Err(StoreError::Invalid(
                "该户已合并到其他户（当前家庭人口为0），请对合并后的农户登记线索".into(),
            ));
        }
        if h.monitor_category.is_some() && h.risk_eliminated == Some(false) {
            return Err(StoreError::Invalid(
                "该户已是监测对象（风险未消除），请在其监测案件中办理".into(),
            ));
        }
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let assessment = assess_bundle(&detail, &policy, today)?;
        let area = h.area;
        let year = today.year();
        let step_due = span(&policy, keys::SLA_LEAD, &area, year)?
            .due_from(today, &cal)
            .map_err(cal_err)?;
        let overall_due = span(&policy, keys::SLA_IDENTIFICATION, &area, year)?
            .due_from(today, &cal)
            .map_err(cal_err)?;
        let (category, risks) = match &assessment {
            Some(a) => (
                a.category.map(str::to_owned),
                a.risks
                    .iter()
                    .map(std::string::ToString::to_string)
                    .collect::<Vec<_>>(),
            ),
            None => (None, vec![]),
        };
        let user = access.user_id.unwrap_or(0);
        let now_fixed = now.fixed_offset();
        let row = vec![
            ("household_id", lead.household_id.into()),
            ("area_code", area.as_string().into()),
            ("channel", lead.channel.code().into()),
            ("green_channel", lead.green_channel.into()),
            ("state", CaseState::Lead.code().into()),
            ("category", category.clone().into()),
            ("risks", risks.join(",").into()),
            ("summary", summary.to_owned().into()),
            ("reporter", lead.reporter.clone().into()),
            ("opened_by", user.into()),
            ("opened_at", now_fixed.into()),
            ("opened_on", today.into()),
            ("step_since", today.into()),
            ("step_due", step_due.into()),
            ("overall_due", overall_due.into()),
            ("is_open", true.into()),
            ("revision", 0i32.into()),
            ("updated_at", now_fixed.into()),
        ];
        let id: i64 = insert_returning_id(tx, "case_file", row, "新建案件").await?;
        let payload = json!({
            "channel": lead.channel.code(),
            "green_channel": lead.green_channel,
            "summary": summary,
            "reporter": lead.reporter,
            "evidence": lead.evidence,
            "assessment": assessment,
        });
        insert_event(
            tx,
            access,
            id,
            1,
            "open",
            None,
            CaseState::Lead,
            now,
            &payload,
        )
        .await?;
        record(
            tx,
            &access.actor(),
            AuditEntry {
                action: "case_open",
                entity: "case",
                entity_key: Some(id.to_string()),
                area: Some(area),
                after: Some(json!({"household_id": lead.household_id, "channel": lead.channel.code(), "green_channel": lead.green_channel})),
                note: Some(summary.to_owned()),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }
}

/// Whole months from `from` to `to` (a month is complete on the same day of
/// the month: 2024-09-30 → 2025-03-30 is six months).
pub fn full_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

pub(crate) fn check_codes(category: Option<&str>, risks: Option<&[String]>) -> Result<()> {
    if let Some(c) = category {
        let list = find_list(code_keys::MONITOR_CATEGORY).expect("seed list");
        if !list.contains(c) {
            return Err(StoreError::Invalid(format!("监测对象类别无效：{c}")));
        }
    }
    if let Some(rs) = risks {
        let list = find_list(code_keys::RISK_TYPE).expect("seed list");
        if let Some(bad) = rs.iter().find(|r| !list.contains(r)) {
            return Err(StoreError::Invalid(format!("致贫返贫风险无效：{bad}")));
        }
    }
    Ok(())
}

// One ledger row's columns, each from a different step of the transition.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_event(
    tx: &DatabaseTransaction,
    access: &Access,
    case_id: i64,
    seq: i32,
    action: &str,
    from: Option<CaseState>,
    to: CaseState,
    now: DateTime<Utc>,
    payload: &Value,
) -> Result<()> {
    let mut ins = Query::insert();
    ins.into_table("case_event")
        .columns([
            "case_id",
            "seq",
            "at",
            "on_day",
            "user_id",
            "actor",
            "role",
            "action",
            "from_state",
            "to_state",
            "payload",
        ])
        .values_panic([
            case_id.into(),
            seq.into(),
            now.fixed_offset().into(),
            china_day(now).into(),
            access.user_id.into(),
            access.username.clone().into(),
            access.role.clone().into(),
            action.into(),
            from.map(fangpin_domain::monitor::workflow::CaseState::code)
                .into(),
            to.code().into(),
            payload.to_string().into(),
        ]);
    tx.execute(&ins).await?;
    Ok(())
}
