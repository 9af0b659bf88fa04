//! Data-quality findings kept over time: the rule table of
//! `fangpin_domain::quality` runs over households (one on save, all of an
//! area on import and nightly); a new finding gets a fix-by date on the
//! working-day calendar, a finding that disappears is marked resolved, and
//! each village gets a score.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fangpin_domain::monitor::sla::Span;
use fangpin_domain::policy::keys;
use fangpin_domain::quality::{self, Context};
use fangpin_domain::{AreaCode, HouseholdBundle};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::calendar::china_day;
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{HouseholdFilter, Result, Store, StoreError};

/// A finding as lists show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct QualityIssue {
    pub id: i64,
    pub household_id: i64,
    pub household_no: String,
    pub head_name: String,
    pub area_code: String,
    pub rule: String,
    pub title: String,
    pub severity: String,
    pub severity_label: String,
    pub message: String,
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    pub fix_by: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    /// Open and past its fix-by date.
    pub overdue: bool,
}

/// One village's standing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VillageScore {
    pub area_code: String,
    pub households: u64,
    pub with_issues: u64,
    pub open_issues: u64,
    pub overdue: u64,
    /// 100 × share of households without an open finding, one decimal.
    pub score: f64,
}

/// What a run did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct QualityRun {
    pub checked: u64,
    pub open: u64,
    pub new: u64,
    pub resolved: u64,
}

/// Filters of the finding list.
#[derive(Clone, Debug, Default)]
pub struct QualityFilter {
    pub area: Option<AreaCode>,
    pub rule: Option<String>,
    pub household_id: Option<i64>,
    pub include_resolved: bool,
}

impl Store {
    /// Runs the rules over the given households and reconciles their stored
    /// findings in one transaction.
    async fn reconcile_quality(
        &self,
        households: &[(i64, HouseholdBundle)],
        now: DateTime<Utc>,
    ) -> Result<QualityRun> {
        let today = china_day(now);
        let policy = self.policy_set().await?;
        let cal = self.work_calendar().await?;
        // Measures and 帮扶责任人 of these households, for the rules about them.
        let facts = self.assist_facts(households, now).await?;
        // 公益性岗位 held today, laid onto the members for the age rule.
        let with_posts = self.with_current_posts(households, today).await?;
        let ids: Vec<i64> = households.iter().map(|(id, _)| *id).collect();
        let mut run = QualityRun::default();
        let tx = self.begin_write().await?;
        // Open findings of these households: (household, rule) → id.
        let mut open: HashMap<(i64, String), i64> = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns(["id", "household_id", "rule_id"])
                .from("quality_issue")
                .and_where(Expr::col("household_id").is_in(chunk.to_vec()))
                .and_where(Expr::col("resolved_on").is_null());
            for r in tx.query_all(&q).await? {
                open.insert(
                    (r.try_get("", "household_id")?, r.try_get("", "rule_id")?),
                    r.try_get("", "id")?,
                );
            }
        }
        let mut seen: HashSet<i64> = HashSet::new();
        let mut fix_by_cache: HashMap<AreaCode, Option<NaiveDate>> = HashMap::new();
        for ((hid, _), b) in households.iter().zip(&with_posts) {
            run.checked += 1;
            // One row per rule: several problems of a rule are joined.
            let mut by_rule: BTreeMap<&'static str, (&'static str, Vec<String>)> = BTreeMap::new();
            let ctx = Context {
                assist: facts.get(hid),
                ..Context::new(today, &policy)
            };
            for f in quality::check(b, &ctx) {
                by_rule
                    .entry(f.rule)
                    .or_insert((f.severity.code(), vec![]))
                    .1
                    .push(f.message);
            }
            for (rule, (severity, messages)) in by_rule {
                let message = messages.join("；");
                run.open += 1;
                if let Some(id) = open.get(&(*hid, rule.to_owned())) {
                    seen.insert(*id);
                    let mut upd = Query::update();
                    upd.table("quality_issue")
                        .values([("message", message.into()), ("last_seen", today.into())])
                        .and_where(Expr::col("id").eq(*id));
                    tx.execute(&upd).await?;
                    continue;
                }
                let area = b.household.area;
                let fix_by = match fix_by_cache.get(&area) {
                    Some(d) => *d,
                    None => {
                        let d = policy
                            .text_param(keys::QUALITY_FIX_PERIOD, &area, today.year())
                            .ok()
                            .and_then(|t| Span::parse(t).ok())
                            .and_then(|s| s.due_from(today, &cal).ok());
                        fix_by_cache.insert(area, d);
                        d
                    }
                };
                let mut ins = Query::insert();
                ins.into_table("quality_issue")
                    .columns([
                        "household_id",
                        "area_code",
                        "rule_id",
                        "severity",
                        "message",
                        "first_seen",
                        "last_seen",
                        "fix_by",
                    ])
                    .values_panic([
                        (*hid).into(),
                        area.as_string().into(),
                        rule.into(),
                        severity.into(),
                        message.into(),
                        today.into(),
                        today.into(),
                        fix_by.into(),
                    ]);
                tx.execute(&ins).await?;
                run.new += 1;
            }
        }
        let gone: Vec<i64> = open
            .values()
            .filter(|id| !seen.contains(id))
            .copied()
            .collect();
        for chunk in gone.chunks(500) {
            let mut upd = Query::update();
            upd.table("quality_issue")
                .value("resolved_on", today)
                .and_where(Expr::col("id").is_in(chunk.to_vec()));
            run.resolved += tx.execute(&upd).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(run)
    }

    /// Checks the households with these 户编号 (after a save).
    pub async fn refresh_quality_for(
        &self,
        access: &Access,
        household_nos: &[String],
        now: DateTime<Utc>,
    ) -> Result<QualityRun> {
        let mut list = Vec::with_capacity(household_nos.len());
        for no in household_nos {
            let d = match self.household_by_no(access, no).await {
                Ok(d) => d,
                Err(StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            list.push((d.id, d.into_bundle()));
        }
        self.reconcile_quality(&list, now).await
    }

    /// Checks saved households; the save itself has succeeded, so a failure
    /// here is logged and left to the nightly run.
    pub(crate) async fn quality_after_save(&self, access: &Access, household_nos: &[String]) {
        if household_nos.is_empty() {
            return;
        }
        if let Err(e) = self
            .refresh_quality_for(access, household_nos, self.now())
            .await
        {
            tracing::warn!(error = %e, "保存后的数据质量检查失败，留待夜间检查");
        }
    }

    /// Checks every household under `area` (the caller's scope when `None`):
    /// after imports and nightly. It writes findings, so it needs
    /// `household.write` (a read-only inspector reads the findings).
    pub async fn run_quality(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<QualityRun> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let area = *access
            .scope()?
            .within(Some(&area.unwrap_or(access.area)))?
            .whole_area()?;
        let filter = HouseholdFilter {
            area: Some(area),
            ..Default::default()
        };
        let mut total = QualityRun::default();
        let mut after = 0;
        loop {
            let page = self
                .household_bundles_after(access, &filter, after, 2_000)
                .await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            let r = self.reconcile_quality(&page, now).await?;
            total.checked += r.checked;
            total.open += r.open;
            total.new += r.new;
            total.resolved += r.resolved;
        }
        Ok(total)
    }

    /// Findings in the caller's scope, open ones first by fix-by date.
    pub async fn quality_issues(
        &self,
        access: &Access,
        f: &QualityFilter,
        offset: u64,
        limit: u64,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<QualityIssue>)> {
        let scope = access.scope()?.within(f.area.as_ref())?;
        let today = china_day(now);
        let narrow = |q: &mut SelectStatement| {
            q.and_where(scope.on(Keyed::rows("q")));
            if let Some(r) = &f.rule {
                q.and_where(Expr::col(("q", "rule_id")).eq(r.as_str()));
            }
            if let Some(h) = f.household_id {
                q.and_where(Expr::col(("q", "household_id")).eq(h));
            }
            if !f.include_resolved {
                q.and_where(Expr::col(("q", "resolved_on")).is_null());
            }
        };
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from_as("quality_issue", "q");
        narrow(&mut count);
        let total: i64 = match self.db.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut q = Query::select();
        for c in [
            "id",
            "household_id",
            "area_code",
            "rule_id",
            "severity",
            "message",
            "first_seen",
            "last_seen",
            "fix_by",
            "resolved_on",
        ] {
            q.column(("q", c));
        }
        q.column(("h", "household_no"))
            .column(("h", "head_name"))
            .from_as("quality_issue", "q")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("q", "household_id")),
            )
            .order_by(("q", "fix_by"), Order::Asc)
            .order_by(("q", "id"), Order::Asc)
            .offset(offset)
            .limit(limit.clamp(1, 500));
        narrow(&mut q);
        let mut items = Vec::new();
        for r in self.db.query_all(&q).await? {
            let rule: String = r.try_get("", "rule_id")?;
            let severity: String = r.try_get("", "severity")?;
            let fix_by: Option<NaiveDate> = r.try_get("", "fix_by")?;
            let resolved_on: Option<NaiveDate> = r.try_get("", "resolved_on")?;
            items.push(QualityIssue {
                id: r.try_get("", "id")?,
                household_id: r.try_get("", "household_id")?,
                household_no: r.try_get("", "household_no")?,
                head_name: r.try_get("", "head_name")?,
                area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                title: quality::rule(&rule).map_or_else(|| rule.clone(), |x| x.title.to_owned()),
                rule,
                severity_label: if severity == "error" {
                    "错误"
                } else {
                    "疑点"
                }
                .into(),
                severity,
                message: r.try_get("", "message")?,
                first_seen: r.try_get("", "first_seen")?,
                last_seen: r.try_get("", "last_seen")?,
                overdue: resolved_on.is_none() && fix_by.is_some_and(|d| d < today),
                fix_by,
                resolved_on,
            });
        }
        Ok((total as u64, items))
    }

    /// Per-village scores under `area` (the caller's scope when `None`).
    pub async fn quality_scores(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<Vec<VillageScore>> {
        let scope = access.scope()?.within(Some(&area.unwrap_or(access.area)))?;
        let today = china_day(now);
        let mut hh = Query::select();
        hh.column("area_code")
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from("household")
            .and_where(scope.on(Keyed::household(None)))
            .and_where(crate::households::in_registry())
            .group_by_col("area_code");
        let mut out: BTreeMap<String, VillageScore> = BTreeMap::new();
        for r in self.db.query_all(&hh).await? {
            let code: String = r.try_get::<String>("", "area_code")?.trim().to_owned();
            let n: i64 = r.try_get("", "n")?;
            out.insert(
                code.clone(),
                VillageScore {
                    area_code: code,
                    households: n as u64,
                    with_issues: 0,
                    open_issues: 0,
                    overdue: 0,
                    score: 100.0,
                },
            );
        }
        let mut q = Query::select();
        q.column("area_code")
            .expr_as(Expr::cust("COUNT(DISTINCT household_id)"), "with_issues")
            .expr_as(Expr::cust("COUNT(*)"), "open_issues")
            .expr_as(
                sea_orm::sea_query::CaseStatement::new()
                    .case(Expr::col("fix_by").lt(today), 1)
                    .finally(0)
                    .sum(),
                "overdue",
            )
            .from("quality_issue")
            .and_where(scope.on(Keyed::bare()))
            .and_where(Expr::col("resolved_on").is_null())
            .group_by_col("area_code");
        for r in self.db.query_all(&q).await? {
            let code: String = r.try_get::<String>("", "area_code")?.trim().to_owned();
            if let Some(v) = out.get_mut(&code) {
                v.with_issues = r.try_get::<i64>("", "with_issues")? as u64;
                v.open_issues = r.try_get::<i64>("", "open_issues")? as u64;
                v.overdue = r.try_get::<Option<i64>>("", "overdue")?.unwrap_or(0) as u64;
                if v.households > 0 {
                    let clean = v.households.saturating_sub(v.with_issues) as f64;
                    v.score = (clean * 1000.0 / v.households as f64).round() / 10.0;
                }
            }
        }
        Ok(out.into_values().collect())
    }
}
