//! 帮扶计划: saving a household's plan and its review.

use super::*;

impl Store {
    /// Saves the household's 一户一策 plan; `revision` (when given) refuses a
    /// save made on a stale page.
    pub async fn save_plan(
        &self,
        access: &Access,
        household_id: i64,
        form: &PlanForm,
        revision: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<PlanView> {
        let d = self.assist_writer(access, household_id).await?;
        let plan = &Plan::parse(form).map_err(invalid)?;
        // Whoever writes a plan is never its reviewer: the review is a step
        // of its own (`review_plan`).
        if plan.reviewed {
            return Err(StoreError::Forbidden(ReviewRefusal::OwnPlan.to_string()));
        }
        if d.household.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，不制定一户一策帮扶计划".into(),
            ));
        }
        let existing = self.plan_of(household_id).await?;
        if let (Some(r), Some(p)) = (revision, &existing)
            && r != p.revision
        {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        let at = now.fixed_offset();
        let case = self.open_case_of(household_id).await?.map(|(id, _)| id);
        let tx = self.begin_write().await?;
        match &existing {
            None => {
                let mut ins = Query::insert();
                ins.into_table("assist_plan")
                    .columns([
                        "household_id",
                        "case_id",
                        "area_code",
                        "goals",
                        "reviewed_on",
                        "reviewed_by",
                        "created_by",
                        "created_at",
                        "updated_by",
                        "updated_at",
                        "revision",
                    ])
                    .values_panic([
                        household_id.into(),
                        case.into(),
                        d.household.area.as_string().into(),
                        plan.goals.clone().into(),
                        None::<NaiveDate>.into(),
                        None::<i64>.into(),
                        access.user_id.into(),
                        at.into(),
                        access.user_id.into(),
                        at.into(),
                        0i32.into(),
                    ]);
                tx.execute(&ins).await?;
            }
            Some(p) => {
                let mut upd = Query::update();
                upd.table("assist_plan")
                    .values([
                        ("goals", plan.goals.clone().into()),
                        ("updated_by", access.user_id.into()),
                        ("updated_at", at.into()),
                        ("revision", (p.revision + 1).into()),
                    ])
                    .and_where(Expr::col("household_id").eq(household_id))
                    .and_where(Expr::col("revision").eq(p.revision));
                // Changed goals need a new review.
                if plan.goals != p.goals {
                    upd.value("reviewed_on", None::<NaiveDate>)
                        .value("reviewed_by", None::<i64>);
                }
                if tx.execute(&upd).await?.rows_affected() != 1 {
                    return Err(StoreError::Invalid(
                        "帮扶计划已被他人修改，请刷新后再试".into(),
                    ));
                }
            }
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_plan_save",
                entity: "assist_plan",
                entity_key: Some(household_id.to_string()),
                area: Some(d.household.area),
                before: existing.as_ref().map(|p| json!({"goals": p.goals})),
                after: Some(json!({"goals": plan.goals})),
                ..Default::default()
            },
        )
        .await?;
        self.plan_of(household_id)
            .await?
            .ok_or_else(|| corrupt("保存后未找到帮扶计划"))
    }

    pub(super) async fn plan_of(&self, household_id: i64) -> Result<Option<PlanView>> {
        Ok(self.stored_plan(household_id).await?.map(|p| p.view))
    }

    /// The plan with who made and last changed it.
    pub(super) async fn stored_plan(&self, household_id: i64) -> Result<Option<StoredPlan>> {
        let mut q = Query::select();
        for c in [
            "goals",
            "case_id",
            "created_at",
            "updated_at",
            "reviewed_on",
            "revision",
            "created_by",
            "updated_by",
        ] {
            q.column(("pl", c));
        }
        q.expr_as(Expr::col(("u", "display_name")), "reviewer")
            .from_as("assist_plan", "pl")
            .join_as(
                JoinType::LeftJoin,
                "app_user",
                "u",
                Expr::col(("u", "id")).equals(("pl", "reviewed_by")),
            )
            .and_where(Expr::col(("pl", "household_id")).eq(household_id));
        Ok(match self.db.query_one(&q).await? {
            None => None,
            Some(r) => Some(StoredPlan {
                view: PlanView {
                    goals: r.try_get("", "goals")?,
                    case_id: r.try_get("", "case_id")?,
                    created_at: r.try_get("", "created_at")?,
                    updated_at: r.try_get("", "updated_at")?,
                    reviewed_on: r.try_get("", "reviewed_on")?,
                    reviewer: r.try_get("", "reviewer")?,
                    revision: r.try_get("", "revision")?,
                },
                created_by: r.try_get("", "created_by")?,
                updated_by: r.try_get("", "updated_by")?,
            }),
        })
    }

    /// 审核 of a household's 一户一策 plan by a 乡镇审核 or 县级审定 account
    /// in whose area the household lies, never by whoever made or last
    /// changed the plan (`fangpin_domain::assist::check_plan_review`);
    /// `revision` is the plan the reviewer read.
    pub async fn review_plan(
        &self,
        access: &Access,
        household_id: i64,
        revision: i32,
        now: DateTime<Utc>,
    ) -> Result<PlanView> {
        let refused = |e: ReviewRefusal| {
            if e.is_about_the_reviewer() {
                StoreError::Forbidden(e.to_string())
            } else {
                StoreError::Invalid(e.to_string())
            }
        };
        // The role first, then the scope (outside it the household does not exist).
        check_plan_review(&reviewer_of(access, false), None).map_err(refused)?;
        let d = self.household(access, household_id).await?;
        let stored = self
            .stored_plan(household_id)
            .await?
            .ok_or_else(|| StoreError::Invalid("该户尚未制定一户一策帮扶计划".into()))?;
        if stored.view.revision != revision {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        check_plan_review(
            &reviewer_of(access, stored.written_by(access)),
            stored.view.reviewed_on,
        )
        .map_err(refused)?;
        let today = china_day(now);
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_plan")
            .values([
                ("reviewed_on", today.into()),
                ("reviewed_by", access.user_id.into()),
                ("revision", (revision + 1).into()),
            ])
            .and_where(Expr::col("household_id").eq(household_id))
            .and_where(Expr::col("revision").eq(revision))
            .and_where(Expr::col("reviewed_on").is_null());
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid(
                "帮扶计划已被他人修改，请刷新后再试".into(),
            ));
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "assist_plan_review",
                entity: "assist_plan",
                entity_key: Some(household_id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"revision": revision})),
                after: Some(json!({"reviewed_on": today, "revision": revision + 1})),
                note: Some("审核一户一策帮扶计划".into()),
            },
        )
        .await?;
        self.plan_of(household_id)
            .await?
            .ok_or_else(|| corrupt("审核后未找到帮扶计划"))
    }
}
