//! What the assistance pages read: a household's assistance, the lists of assisted households, the responsible cadres due.

use super::*;

impl Store {
    /// The household's 帮扶 panel: 帮扶责任人 and history, the deadline while
    /// nobody is named, the plan and the measures.
    pub async fn household_assistance(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdAssistance> {
        let d = self.household(access, household_id).await?;
        let h = &d.household;
        let mut q = select_pairings();
        q.and_where(Expr::col(("p", "household_id")).eq(household_id))
            .order_by(("p", "from_on"), Order::Desc)
            .order_by(("p", "id"), Order::Desc);
        let mut all = Vec::new();
        for r in self.db.query_all(&q).await? {
            all.push(pairing_of(&r)?);
        }
        let pos = all.iter().position(|p| p.until_on.is_none());
        let responsible = pos.map(|i| all.remove(i));
        let monitored = h.monitor_category.is_some() && h.risk_eliminated != Some(true);
        let responsible_due = if monitored && responsible.is_none() {
            let clock = self.due_clock(now).await?;
            let since = self
                .approval_days(&[household_id])
                .await?
                .remove(&household_id)
                .or(h.identified_month.map(YearMonth::first_day));
            since.and_then(|s| clock.judge(&h.area, s))
        } else {
            None
        };
        let mine = self.my_cadres(access).await?;
        let can_pair = access.has(perm::HOUSEHOLD_WRITE);
        let can_edit = can_pair
            || (access.has(perm::ASSIST_OWN)
                && responsible
                    .as_ref()
                    .is_some_and(|p| mine.contains(&p.cadre_id)));
        let stored = self.stored_plan(household_id).await?;
        let can_review = stored.as_ref().is_some_and(|p| {
            check_plan_review(
                &reviewer_of(access, p.written_by(access)),
                p.view.reviewed_on,
            )
            .is_ok()
        });
        Ok(HouseholdAssistance {
            household_id,
            monitored,
            responsible,
            history: all,
            responsible_due,
            plan: stored.map(|p| p.view),
            measures: self
                .measures_of(&[household_id])
                .await?
                .remove(&household_id)
                .unwrap_or_default(),
            can_pair,
            can_edit,
            can_review,
        })
    }

    /// Monitored households (risk not eliminated) in scope with their
    /// 帮扶责任人, plan and measure count; a 帮扶责任人 sees their own.
    pub async fn assisted_households(
        &self,
        access: &Access,
        f: &AssistFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<AssistRow>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let narrow = |q: &mut SelectStatement| {
            q.from_as("household", "h")
                .join_as(
                    JoinType::LeftJoin,
                    "assist_pairing",
                    "p",
                    Expr::col(("p", "household_id"))
                        .equals(("h", "id"))
                        .and(Expr::col(("p", "until_on")).is_null()),
                )
                .and_where(scope.on(Keyed::household(Some("h"))));
            active_monitored(q);
            if f.unpaired_only {
                q.and_where(Expr::col(("p", "id")).is_null());
            }
        };
        let mut count = Query::select();
        count.expr_as(Expr::cust("COUNT(*)"), "n");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = Query::select();
        for c in [
            "id",
            "household_no",
            "head_name",
            "area_code",
            "monitor_category",
            "identified_month",
        ] {
            q.column(("h", c));
        }
        narrow(&mut q);
        q.column(("p", "cadre_id"))
            .column(("c", "name"))
            .column(("pl", "reviewed_on"))
            .expr_as(Expr::col(("pl", "id")), "plan_id")
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM assist_measure m WHERE m.household_id = h.id)"),
                "measures",
            )
            .join_as(
                JoinType::LeftJoin,
                "assist_cadre",
                "c",
                Expr::col(("c", "id")).equals(("p", "cadre_id")),
            )
            .join_as(
                JoinType::LeftJoin,
                "assist_plan",
                "pl",
                Expr::col(("pl", "household_id")).equals(("h", "id")),
            )
            .order_by_expr(
                Expr::cust("CASE WHEN p.id IS NULL THEN 0 ELSE 1 END"),
                Order::Asc,
            )
            .order_by(("h", "household_no"), Order::Asc)
            .offset(f.offset)
            .limit(f.limit.clamp(1, 500));
        let rows = self.db.query_all(&q).await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("", "id"))
            .collect::<std::result::Result<_, _>>()?;
        let risks = self.risks_of(&ids).await?;
        let unpaired: Vec<i64> = rows
            .iter()
            .filter(|r| {
                r.try_get::<Option<i64>>("", "cadre_id")
                    .ok()
                    .flatten()
                    .is_none()
            })
            .filter_map(|r| r.try_get("", "id").ok())
            .collect();
        let approvals = self.approval_days(&unpaired).await?;
        let clock = self.due_clock(now).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("", "id")?;
            let area_code = r.try_get::<String>("", "area_code")?.trim().to_owned();
            let identified: Option<String> = r.try_get("", "identified_month")?;
            let cadre_id: Option<i64> = r.try_get("", "cadre_id")?;
            let plan_id: Option<i64> = r.try_get("", "plan_id")?;
            let reviewed: Option<NaiveDate> = r.try_get("", "reviewed_on")?;
            let (plan, plan_label) = match (plan_id, reviewed) {
                (None, _) => ("none", "未制定"),
                (Some(_), None) => ("made", "已制定待审核"),
                (Some(_), Some(_)) => ("reviewed", "已审核"),
            };
            let due = if cadre_id.is_none() {
                let since = approvals.get(&id).copied().or_else(|| {
                    identified
                        .as_deref()
                        .and_then(|m| m.trim().parse::<YearMonth>().ok())
                        .map(YearMonth::first_day)
                });
                match (since, AreaCode::parse(&area_code)) {
                    (Some(s), Ok(a)) => clock.judge(&a, s),
                    _ => None,
                }
            } else {
                None
            };
            out.push(AssistRow {
                household_id: id,
                household_no: r.try_get("", "household_no")?,
                head_name: r.try_get("", "head_name")?,
                area_code,
                category: r.try_get("", "monitor_category")?,
                risks: risks.get(&id).cloned().unwrap_or_default(),
                identified_month: identified.map(|s| s.trim().to_owned()),
                responsible: r.try_get("", "name")?,
                cadre_id,
                plan,
                plan_label,
                measures: r.try_get("", "measures")?,
                responsible_due: due,
            });
        }
        Ok((total as u64, out))
    }

    pub(super) async fn risks_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns(["id", "risks"])
                .from("household")
                .and_where(Expr::col("id").is_in(chunk.to_vec()));
            for r in self.db.query_all(&q).await? {
                let text: Option<String> = r.try_get("", "risks")?;
                let list: Vec<String> = text
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
                    .unwrap_or_default();
                out.insert(r.try_get("", "id")?, list);
            }
        }
        Ok(out)
    }

    /// For the 工作台: monitored households in scope still without a
    /// 帮扶责任人 whose deadline is near or past, soonest first. Only for
    /// callers who can name one.
    pub async fn due_responsible(
        &self,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Vec<AssistRow>> {
        if !access.has(perm::HOUSEHOLD_WRITE) {
            return Ok(vec![]);
        }
        let f = AssistFilter {
            unpaired_only: true,
            limit: 500,
            ..Default::default()
        };
        let mut out = Vec::new();
        loop {
            let (total, page) = self
                .assisted_households(
                    access,
                    &AssistFilter {
                        offset: out.len() as u64,
                        ..f.clone()
                    },
                    now,
                )
                .await?;
            let n = page.len();
            out.extend(page);
            if n == 0 || out.len() as u64 >= total {
                break;
            }
        }
        out.retain(|r| {
            r.responsible_due
                .as_ref()
                .is_some_and(|d| d.urgency != Urgency::OnTrack)
        });
        out.sort_by_key(|r| r.responsible_due.as_ref().map(|d| d.due));
        Ok(out)
    }

    /// What the quality rules need about these households' assistance.
    pub(crate) async fn assist_facts(
        &self,
        households: &[(i64, HouseholdBundle)],
        now: DateTime<Utc>,
    ) -> Result<HashMap<i64, AssistFacts>> {
        let ids: Vec<i64> = households.iter().map(|(id, _)| *id).collect();
        let mut measures = self.measures_of(&ids).await?;
        let mut responsible: HashMap<i64, String> = self
            .current_pairings(&ids)
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.name))
            .collect();
        let waiting: Vec<i64> = households
            .iter()
            .filter(|(id, b)| {
                b.household.monitor_category.is_some()
                    && b.household.risk_eliminated != Some(true)
                    && !responsible.contains_key(id)
            })
            .map(|(id, _)| *id)
            .collect();
        let approvals = if waiting.is_empty() {
            HashMap::new()
        } else {
            self.approval_days(&waiting).await?
        };
        let clock = if waiting.is_empty() {
            None
        } else {
            Some(self.due_clock(now).await?)
        };
        let mut out = HashMap::with_capacity(households.len());
        for (id, b) in households {
            let due = match &clock {
                Some(c) if waiting.contains(id) => approvals
                    .get(id)
                    .copied()
                    .or(b.household.identified_month.map(YearMonth::first_day))
                    .and_then(|s| c.judge(&b.household.area, s))
                    .map(|d| d.due),
                _ => None,
            };
            out.insert(
                *id,
                AssistFacts {
                    measures: measures
                        .remove(id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|m| m.measure)
                        .collect(),
                    responsible: responsible.remove(id),
                    responsible_due: due,
                },
            );
        }
        Ok(out)
    }
}
