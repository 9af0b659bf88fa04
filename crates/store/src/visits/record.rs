//! Recording and reading visits (走访), and raising a lead from one.

use super::*;
use crate::sql::insert_returning_id;

const VISIT_COLUMNS: [&str; 14] = [
    "id",
    "household_id",
    "area_code",
    "visit_date",
    "kind",
    "visitor_id",
    "visitor_name",
    "campaign_id",
    "findings",
    "flags",
    "risk_found",
    "case_id",
    "created_at",
    "visitor_role",
];

fn select_visits() -> SelectStatement {
    let mut q = Query::select();
    for c in &VISIT_COLUMNS {
        q.column(("v", *c));
    }
    q.column(("h", "household_no"))
        .column(("h", "head_name"))
        .expr_as(Expr::col(("c", "name")), "campaign_name")
        .from_as("visit", "v")
        .join_as(
            JoinType::InnerJoin,
            "household",
            "h",
            Expr::col(("h", "id")).equals(("v", "household_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "campaign",
            "c",
            Expr::col(("c", "id")).equals(("v", "campaign_id")),
        );
    q
}

fn visit_of(r: &QueryResult) -> Result<VisitRow> {
    let kind = VisitKind::parse(&r.try_get::<String>("", "kind")?).map_err(corrupt)?;
    let flags = parse_flags(&r.try_get::<String>("", "flags")?).map_err(corrupt)?;
    Ok(VisitRow {
        id: r.try_get("", "id")?,
        household_id: r.try_get("", "household_id")?,
        household_no: r.try_get("", "household_no")?,
        head_name: r.try_get("", "head_name")?,
        area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
        visit_date: r.try_get("", "visit_date")?,
        kind: kind.code(),
        kind_label: kind.label(),
        visitor_id: r.try_get("", "visitor_id")?,
        visitor_name: r.try_get("", "visitor_name")?,
        campaign_id: r.try_get("", "campaign_id")?,
        campaign_name: r.try_get("", "campaign_name")?,
        findings: r.try_get("", "findings")?,
        flags: flags.into_iter().map(FlagView::from).collect(),
        risk_found: r.try_get("", "risk_found")?,
        case_id: r.try_get("", "case_id")?,
        created_at: r.try_get("", "created_at")?,
        photos: Vec::new(),
    })
}

impl Store {
    /// Records a visit on a household of the caller's area; one transaction
    /// with its audit entry. A campaign named must cover the household and
    /// the visit day must lie in its period.
    pub async fn record_visit(
        &self,
        access: &Access,
        input: VisitInput,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_visitor(access)?;
        access.require(perm::HOUSEHOLD_READ)?;
        let tx = self.begin_write().await?;
        let (area, household_no, _) = self
            .household_brief(&tx, access, input.household_id)
            .await?;
        let v = &input
            .form
            .parse(china_day(now))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        if let Some(cid) = input.campaign_id {
            let c = self.stored_campaign(&tx, access, cid).await?;
            if !c.area.contains(&area) {
                return Err(StoreError::Invalid(format!(
                    "该户不在“{}”的排查范围内",
                    c.name
                )));
            }
            if !c.period.contains(v.date) {
                return Err(StoreError::Invalid(format!(
                    "走访日期（{}）不在“{}”的排查期限（{}至{}）内",
                    v.date, c.name, c.period.from, c.period.until
                )));
            }
        }
        let row = vec![
            ("household_id", input.household_id.into()),
            ("area_code", area.as_string().into()),
            ("visit_date", v.date.into()),
            ("kind", v.kind.code().into()),
            ("visitor_id", access.user_id.into()),
            ("visitor_name", access.username.clone().into()),
            ("visitor_role", access.role.clone().into()),
            ("campaign_id", input.campaign_id.into()),
            ("findings", v.findings.clone().into()),
            ("flags", v.flag_codes().into()),
            ("risk_found", v.risk_found.into()),
            ("created_at", now.fixed_offset().into()),
        ];
        let id = insert_returning_id(&tx, "visit", row, "新走访记录").await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_record",
                entity: "visit",
                entity_key: Some(id.to_string()),
                area: Some(area),
                after: Some(json!({
                    "household_id": input.household_id,
                    "household_no": household_no,
                    "date": v.date,
                    "kind": v.kind.code(),
                    "flags": v.flag_codes(),
                    "risk_found": v.risk_found,
                    "campaign_id": input.campaign_id,
                })),
                note: Some(v.findings.clone()),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// Visits in the caller's area, newest first: (total, page).
    pub async fn visits(&self, access: &Access, f: &VisitFilter) -> Result<(u64, Vec<VisitRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            q.and_where(scope.on(Keyed::rows("v")));
            if let Some(h) = f.household_id {
                q.and_where(Expr::col(("v", "household_id")).eq(h));
            }
            if let Some(u) = f.visitor_id {
                q.and_where(Expr::col(("v", "visitor_id")).eq(u));
            }
            if let Some(d) = f.from {
                q.and_where(Expr::col(("v", "visit_date")).gte(d));
            }
            if let Some(d) = f.until {
                q.and_where(Expr::col(("v", "visit_date")).lte(d));
            }
            if f.risk_pending {
                q.and_where(Expr::col(("v", "risk_found")).eq(true))
                    .and_where(Expr::col(("v", "case_id")).is_null());
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("visit", "v");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = select_visits();
        narrow(&mut q);
        q.order_by(("v", "visit_date"), Order::Desc)
            .order_by(("v", "id"), Order::Desc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let mut rows = self
            .db
            .query_all(&q)
            .await?
            .iter()
            .map(visit_of)
            .collect::<Result<Vec<_>>>()?;
        attach_photos(&self.db, &mut rows).await?;
        Ok((total as u64, rows))
    }

    /// One visit in the caller's area.
    pub async fn visit(&self, access: &Access, id: i64) -> Result<VisitRow> {
        self.visit_in(&self.db, access, id).await
    }

    pub(super) async fn visit_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        access: &Access,
        id: i64,
    ) -> Result<VisitRow> {
        let mut q = select_visits();
        q.and_where(Expr::col(("v", "id")).eq(id))
            .and_where(access.scope()?.on(Keyed::rows("v")));
        let mut row = match conn.query_one(&q).await? {
            Some(r) => visit_of(&r)?,
            None => return Err(not_found("走访记录", id)),
        };
        attach_photos(conn, std::slice::from_mut(&mut row)).await?;
        Ok(row)
    }

    /// 转为风险线索: opens a case (channel 干部排查) from a visit, with its
    /// findings as the summary and its flags as evidence, and links the case
    /// to the visit — one transaction.
    pub async fn raise_lead_from_visit(
        &self,
        access: &Access,
        visit_id: i64,
        green_channel: bool,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_READ)?;
        if crate::monitor::levels_of(access).is_empty() {
            return Err(StoreError::Forbidden(
                "当前角色不能登记风险线索（村级、乡镇或县级）".into(),
            ));
        }
        let tx = self.begin_write().await?;
        let v = self.visit_in(&tx, access, visit_id).await?;
        if let Some(case) = v.case_id {
            return Err(StoreError::Invalid(format!(
                "该走访已转为风险线索（案件编号{case}）"
            )));
        }
        let flags: Vec<&str> = v.flags.iter().map(|f| f.label).collect();
        let evidence = format!(
            "{}（{}，{}）{}",
            v.kind_label,
            v.visit_date,
            v.visitor_name,
            if flags.is_empty() {
                String::new()
            } else {
                format!("发现：{}", flags.join("、"))
            }
        );
        let case_id = self
            .open_lead_in(
                &tx,
                access,
                NewLead {
                    household_id: v.household_id,
                    channel: Channel::CadreVisit,
                    green_channel,
                    summary: v.findings.clone(),
                    reporter: Some(v.visitor_name.clone()),
                    evidence: Some(evidence),
                },
                now,
            )
            .await?;
        link_case(&tx, visit_id, case_id).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "visit_lead",
                entity: "visit",
                entity_key: Some(visit_id.to_string()),
                area: Some(area_of(&v.area_code)?),
                after: Some(json!({"case_id": case_id})),
                ..Default::default()
            },
        )
        .await?;
        Ok(case_id)
    }
}

async fn link_case(tx: &DatabaseTransaction, visit_id: i64, case_id: i64) -> Result<()> {
    let mut upd = Query::update();
    upd.table("visit")
        .value("case_id", case_id)
        .and_where(Expr::col("id").eq(visit_id))
        .and_where(Expr::col("case_id").is_null());
    if tx.execute(&upd).await?.rows_affected() != 1 {
        return Err(StoreError::Invalid(
            "该走访已由他人转为风险线索，请刷新".into(),
        ));
    }
    Ok(())
}
