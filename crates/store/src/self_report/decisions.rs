//! The township's decision on a report: accepting it as a lead, or declining it.

use super::*;

/// The township's decision on a pending report.
struct Decision {
    status: ReportStatus,
    /// The audit action.
    action: &'static str,
    /// The area of the audit entry (the household's, or the report's village).
    area: AreaCode,
    /// Columns set besides the status and who decided when.
    values: Vec<(&'static str, sea_orm::Value)>,
    /// What the audit entry records besides the new status.
    after: serde_json::Value,
}

/// Records `d` on a report still pending (a report decided meanwhile by
/// someone else is refused) with its audit entry, in `tx`.
async fn record_decision(
    tx: &DatabaseTransaction,
    access: &Access,
    row: &SelfReportRow,
    d: Decision,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut upd = Query::update();
    upd.table("self_report")
        .values(d.values.into_iter().map(|(c, v)| (c, v.into())))
        .values([
            ("status", d.status.code().into()),
            ("decided_by", access.user_id.into()),
            ("decided_by_name", access.username.clone().into()),
            ("decided_at", now.fixed_offset().into()),
            ("decided_on", china_day(now).into()),
        ])
        .and_where(Expr::col("id").eq(row.id))
        .and_where(Expr::col("status").eq(ReportStatus::Pending.code()));
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "该申报已被他人办理，请刷新后再试".into(),
        ));
    }
    let mut after = d.after;
    after["status"] = d.status.code().into();
    record(
        tx,
        &access.actor(),
        AuditEntry {
            action: d.action,
            entity: "self_report",
            entity_key: Some(row.id.to_string()),
            area: Some(d.area),
            before: Some(json!({"status": ReportStatus::Pending.code()})),
            after: Some(after),
            note: Some(format!("回执号{}", row.receipt_no)),
        },
    )
    .await
}

impl Store {
    /// 受理: links the report to `household_id`, or to the one household in
    /// the caller's scope the applicant is registered in, and opens a lead
    /// (channel 农户自主申报, the report's text as evidence) in the same
    /// transaction. A household with a case in progress keeps it: the report
    /// joins that case.
    pub async fn accept_self_report(
        &self,
        access: &Access,
        id: i64,
        household_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Accepted> {
        let s = self.pending_report(access, id).await?;
        let row = &s.row;
        let household_id = match household_id {
            Some(h) => h,
            None => {
                let found = self
                    .matches_of(access, std::slice::from_ref(&s.id_hash))
                    .await?;
                match found.as_slice() {
                    [(_, m)] => m.household_id,
                    [] => {
                        return Err(StoreError::Invalid(
                            "申报人未登记为本辖区农户的家庭成员，请选择要关联的农户".into(),
                        ));
                    }
                    _ => {
                        return Err(StoreError::Invalid(
                            "申报人登记在多户中，请选择要关联的农户".into(),
                        ));
                    }
                }
            }
        };
        // Scope and existence of the household (outside it: not found).
        let household = self.household(access, household_id).await?;
        let existing = self.open_case_of(household_id).await?;
        let tx = self.begin_write().await?;
        let (case_id, joined_existing) = match existing {
            Some((case_id, _)) => (case_id, true),
            None => {
                let lead = NewLead {
                    household_id,
                    channel: Channel::SelfReport,
                    green_channel: false,
                    summary: format!(
                        "农户自主申报（回执号{}）{}：{}",
                        row.receipt_no, row.hardship_label, row.description
                    ),
                    reporter: Some(format!("{}（{}）", row.applicant_name, row.relation_label)),
                    evidence: Some(format!(
                        "{}在线提交，已勾选承诺授权（{}版）。申报内容：{}",
                        row.submitted_on, CONSENT_VERSION, row.description
                    )),
                };
                (self.open_lead_in(&tx, access, lead, now).await?, false)
            }
        };
        let decision = Decision {
            status: ReportStatus::Accepted,
            action: "self_report_accept",
            area: household.household.area,
            values: vec![
                ("household_id", household_id.into()),
                ("case_id", case_id.into()),
            ],
            after: json!({
                "household_id": household_id,
                "case_id": case_id,
                "joined_existing": joined_existing,
            }),
        };
        record_decision(&tx, access, row, decision, now).await?;
        tx.commit().await?;
        Ok(Accepted {
            case_id,
            household_id,
            joined_existing,
        })
    }

    /// 不予受理 with the reason the applicant will read.
    pub async fn decline_self_report(
        &self,
        access: &Access,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<SelfReportRow> {
        let s = self.pending_report(access, id).await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::Invalid(
                "不予受理理由：请填写理由（不超过500字），申报人查询进度时可以看到".into(),
            ));
        }
        let decision = Decision {
            status: ReportStatus::Declined,
            action: "self_report_decline",
            area: AreaCode::parse(&s.row.area_code).map_err(|e| corrupt("区划", e))?,
            values: vec![("decline_reason", reason.into())],
            after: json!({ "reason": reason }),
        };
        let tx = self.begin_write().await?;
        record_decision(&tx, access, &s.row, decision, now).await?;
        tx.commit().await?;
        self.self_report(access, id, now).await
    }
}
