//! The public side of 自主申报: the areas a resident picks from, filing a report, reading its status by receipt number.

use super::*;

/// A new receipt number: the day and six random digits (`20260601-123456`).
fn receipt_number(day: NaiveDate) -> Result<String> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| StoreError::Invalid(format!("无法生成回执号：{e}")))?;
    Ok(format!(
        "{}-{:06}",
        day.format("%Y%m%d"),
        u32::from_le_bytes(b) % 1_000_000
    ))
}

/// The receipt number as typed: spaces dropped, full-width digits and
/// hyphens made ASCII.
fn normalise_receipt(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            '－' | '—' => '-',
            other => other,
        })
        .collect()
}

/// The last four characters of an ID number as typed.
fn normalise_last4(input: &str) -> String {
    normalise_receipt(input)
        .chars()
        .map(|c| if c == 'ｘ' || c == 'Ｘ' { 'X' } else { c })
        .collect::<String>()
        .to_uppercase()
}

impl Store {
    /// The townships and villages the public form offers (names and codes
    /// only), under the county this installation serves.
    pub async fn public_areas(&self) -> Result<Vec<PublicTownship>> {
        let county = self
            .setting(settings::COUNTY_CODE)
            .await?
            .and_then(|c| AreaCode::parse(&c).ok());
        let mut q = Query::select();
        q.columns(["code", "name", "level", "parent_code"])
            .from("area")
            .and_where(Expr::col("level").is_in(["township", "village"]))
            .order_by("code", Order::Asc);
        if let Some(c) = county {
            q.and_where(under("code", &c));
        }
        let mut out: Vec<PublicTownship> = Vec::new();
        let mut villages = Vec::new();
        for r in self.db.query_all(&q).await? {
            let code = r.try_get::<String>("", "code")?.trim().to_owned();
            let name: String = r.try_get("", "name")?;
            let parent: Option<String> = r.try_get("", "parent_code")?;
            if r.try_get::<String>("", "level")? == "township" {
                out.push(PublicTownship {
                    code,
                    name,
                    villages: vec![],
                });
            } else {
                villages.push((parent.unwrap_or_default().trim().to_owned(), code, name));
            }
        }
        for (parent, code, name) in villages {
            if let Some(t) = out.iter_mut().find(|t| t.code == parent) {
                t.villages.push(PublicVillage { code, name });
            }
        }
        out.retain(|t| !t.villages.is_empty());
        Ok(out)
    }

    /// Parses and stores a report filed on the public form; a form with a
    /// problem is refused whole (the message names the field) and nothing is
    /// stored. `address` is the client's address for the audit entry; the ID
    /// number is sealed and never logged.
    pub async fn submit_self_report(
        &self,
        form: &SelfReportForm,
        address: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Receipt> {
        let report = SelfReport::parse(form).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let village_err = || StoreError::Invalid("所在村：所选村不存在，请重新选择乡镇和村".into());
        let village = self
            .area(&report.village)
            .await?
            .filter(|a| a.level == "village")
            .ok_or_else(village_err)?;
        let county = self.setting(settings::COUNTY_CODE).await?;
        if let Some(c) = county.and_then(|c| AreaCode::parse(&c).ok())
            && !c.contains(&report.village)
        {
            return Err(village_err());
        }
        let township_name = match report.village.parent() {
            Some(t) => self.area(&t).await?.map(|a| a.name).unwrap_or_default(),
            None => String::new(),
        };
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        let due = accept_due(&policy, &cal, &report.village, today);
        let tx = self.begin_write().await?;
        let mut receipt_no = receipt_number(today)?;
        for _ in 0..8 {
            let mut taken = Query::select();
            taken
                .column("id")
                .from("self_report")
                .and_where(Expr::col("receipt_no").eq(receipt_no.as_str()));
            if tx.query_one(&taken).await?.is_none() {
                break;
            }
            receipt_no = receipt_number(today)?;
        }
        let mut ins = Query::insert();
        ins.into_table("self_report")
            .columns(FILED_COLUMNS)
            .values_panic([
                receipt_no.clone().into(),
                report.village.as_string().into(),
                report.name.clone().into(),
                self.cipher.seal(report.id_number.as_str()).into(),
                self.cipher.lookup_hash(report.id_number.as_str()).into(),
                report.phone.as_str().into(),
                report.relation.code().into(),
                report.head_name.clone().into(),
                report.hardship.code().into(),
                report.description.clone().into(),
                CONSENT_VERSION.into(),
                now.fixed_offset().into(),
                today.into(),
                due.into(),
                ReportStatus::Pending.code().into(),
            ])
            .returning_col("id");
        let id: i64 = tx
            .query_one(&ins)
            .await?
            .ok_or_else(|| StoreError::Corrupt("新申报未返回编号".into()))?
            .try_get("", "id")?;
        let actor = Actor {
            user_id: None,
            name: "公众自主申报".into(),
            role: "未登录".into(),
            area: None,
            address,
        };
        commit_audited(
            tx,
            &actor,
            AuditEntry {
                action: "self_report_submit",
                entity: "self_report",
                entity_key: Some(id.to_string()),
                area: Some(report.village),
                after: Some(json!({
                    "receipt_no": receipt_no,
                    "applicant": report.name,
                    "id_number": report.id_number.masked(),
                    "phone": report.phone.masked(),
                    "relation": report.relation.code(),
                    "hardship": report.hardship.code(),
                    "consent_version": CONSENT_VERSION,
                    "accept_due": due,
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(Receipt {
            receipt_no,
            submitted_on: today,
            accept_due: due,
            village_name: village.name,
            township_name,
        })
    }

    /// A report's standing for its applicant: the receipt number and the
    /// last four characters of the ID number must both agree (either one
    /// wrong reads as "not found").
    pub async fn self_report_status(
        &self,
        receipt_no: &str,
        id_last4: &str,
    ) -> Result<PublicStatus> {
        let not_found =
            || StoreError::NotFound("未找到该申报：请核对回执号和身份证号码后4位".into());
        let receipt_no = normalise_receipt(receipt_no);
        let last4 = normalise_last4(id_last4);
        if receipt_no.is_empty() || last4.chars().count() != 4 {
            return Err(StoreError::Invalid("请填写回执号和身份证号码后4位".into()));
        }
        let mut q = select_reports();
        q.and_where(Expr::col(("r", "receipt_no")).eq(receipt_no.as_str()));
        let r = self.db.query_one(&q).await?.ok_or_else(not_found)?;
        let s = stored_of(self, &r)?;
        if !s.id_number.as_str().ends_with(&last4) {
            return Err(not_found());
        }
        let row = &s.row;
        Ok(PublicStatus {
            receipt_no: row.receipt_no.clone(),
            status: row.status,
            status_label: row.status.label(),
            submitted_on: row.submitted_on,
            accept_due: row.accept_due,
            decided_on: row.decided_on,
            decline_reason: row.decline_reason.clone(),
            next_step: next_step(&s),
        })
    }
}
