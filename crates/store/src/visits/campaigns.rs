//! 集中排查 campaigns: drawing the targets, progress by village, what is pending.

use super::*;
use crate::sql::insert_returning_id;

/// A campaign as stored.
pub(super) struct StoredCampaign {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) kind: CampaignKind,
    pub(super) area: AreaCode,
    pub(super) period: Period,
    pub(super) targets: TargetSpec,
    pub(super) drawn_on: NaiveDate,
    pub(super) created_by_name: String,
}

pub(super) fn campaign_of(r: &QueryResult) -> Result<StoredCampaign> {
    Ok(StoredCampaign {
        id: r.try_get("", "id")?,
        name: r.try_get("", "name")?,
        kind: CampaignKind::parse(&r.try_get::<String>("", "kind")?).map_err(corrupt)?,
        area: area_of(&r.try_get::<String>("", "area_code")?)?,
        period: Period::new(
            r.try_get("", "period_from")?,
            r.try_get("", "period_until")?,
        )
        .map_err(corrupt)?,
        targets: TargetSpec::parse_stored(&r.try_get::<String>("", "targets")?).map_err(corrupt)?,
        drawn_on: r.try_get("", "drawn_on")?,
        created_by_name: r.try_get("", "created_by_name")?,
    })
}

impl Store {
    /// Creates a campaign and draws its target list from the households of
    /// its area on `now`'s day; one transaction with its audit entry.
    pub async fn create_campaign(
        &self,
        access: &Access,
        form: &CampaignForm,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        require_organiser(access)?;
        let c = form
            .parse()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        if !access.covers(&c.area) {
            return Err(StoreError::NotFound(
                "区划不存在或不在您的管辖范围内".into(),
            ));
        }
        let today = china_day(now);
        let targets = if c.targets.is_all() {
            None
        } else {
            Some(
                self.draw_targets(access, &c.area, &c.targets, today)
                    .await?,
            )
        };
        let tx = self.begin_write().await?;
        let row = vec![
            ("name", c.name.clone().into()),
            ("kind", c.kind.code().into()),
            ("area_code", c.area.as_string().into()),
            ("period_from", c.period.from.into()),
            ("period_until", c.period.until.into()),
            ("targets", c.targets.code().into()),
            ("drawn_on", today.into()),
            ("target_count", 0i64.into()),
            ("created_by", access.user_id.into()),
            ("created_by_name", access.username.clone().into()),
            ("created_at", now.fixed_offset().into()),
        ];
        let id = insert_returning_id(&tx, "campaign", row, "新集中排查").await?;
        let count = match targets {
            None => {
                let mut sel = Query::select();
                sel.expr(Expr::val(id))
                    .columns(["id", "area_code"])
                    .expr(Expr::val("all"))
                    .from("household")
                    .and_where(under("area_code", &c.area))
                    .and_where(Expr::col("current_size").gt(0));
                let mut q = Query::insert();
                q.into_table("campaign_target")
                    .columns(["campaign_id", "household_id", "area_code", "reasons"])
                    .select_from(sel)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                tx.execute(&q).await?.rows_affected()
            }
            Some(list) => insert_targets(&tx, id, &list).await?,
        };
        let mut upd = Query::update();
        upd.table("campaign")
            .value("target_count", count as i64)
            .and_where(Expr::col("id").eq(id));
        tx.execute(&upd).await?;
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "campaign_create",
                entity: "campaign",
                entity_key: Some(id.to_string()),
                area: Some(c.area),
                after: Some(json!({
                    "name": c.name,
                    "kind": c.kind.code(),
                    "from": c.period.from,
                    "until": c.period.until,
                    "targets": c.targets.code(),
                    "target_count": count,
                })),
                ..Default::default()
            },
        )
        .await?;
        Ok(id)
    }

    /// 重新生成目标: draws the campaign's rules again on `now`'s day.
    /// Households that newly match are added, targets already visited within
    /// the period stay whatever they match now, unvisited ones that no longer
    /// match are removed, and the rules each kept household matches are
    /// brought up to date; one transaction with its audit entry. Only the
    /// organisers of the campaign's area, and only until its last day.
    pub async fn redraw_campaign(
        &self,
        access: &Access,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Redraw> {
        require_organiser(access)?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        if !access.covers(&c.area) {
            return Err(StoreError::Forbidden(format!(
                "“{}”由上级组织，不能在本辖区重新生成目标",
                c.name
            )));
        }
        let today = china_day(now);
        if today > c.period.until {
            return Err(StoreError::Invalid(format!(
                "“{}”已于{}结束，不能重新生成目标",
                c.name, c.period.until
            )));
        }
        let fresh = self
            .draw_targets(access, &c.area, &c.targets, today)
            .await?;
        let tx = self.begin_write().await?;
        let mut q = Query::select();
        q.columns(["household_id", "reasons"])
            .from("campaign_target")
            .and_where(Expr::col("campaign_id").eq(c.id));
        let mut current: HashMap<i64, String> = HashMap::new();
        for r in tx.query_all(&q).await? {
            current.insert(r.try_get("", "household_id")?, r.try_get("", "reasons")?);
        }
        let visited_sub = || {
            let mut v = Query::select();
            v.column("household_id")
                .from("visit")
                .and_where(Expr::col("visit_date").gte(c.period.from))
                .and_where(Expr::col("visit_date").lte(c.period.until))
                .and_where(under("area_code", &c.area));
            v
        };
        let mut visited: HashSet<i64> = HashSet::new();
        for r in tx.query_all(&visited_sub().distinct().to_owned()).await? {
            visited.insert(r.try_get("", "household_id")?);
        }
        let fresh_ids: HashSet<i64> = fresh.iter().map(|(h, _, _)| *h).collect();
        let added: Vec<(i64, AreaCode, String)> = fresh
            .iter()
            .filter(|(h, _, _)| !current.contains_key(h))
            .cloned()
            .collect();
        let gone: Vec<i64> = current
            .keys()
            .filter(|h| !fresh_ids.contains(h) && !visited.contains(h))
            .copied()
            .collect();
        let mut reworded: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for (h, _, reasons) in &fresh {
            if current.get(h).is_some_and(|old| old != reasons) {
                reworded.entry(reasons.as_str()).or_default().push(*h);
            }
        }
        let mut removed = 0;
        for chunk in gone.chunks(TARGET_CHUNK) {
            let mut del = Query::delete();
            del.from_table("campaign_target")
                .and_where(Expr::col("campaign_id").eq(c.id))
                .and_where(Expr::col("household_id").is_in(chunk.iter().copied()))
                // A visit recorded meanwhile keeps its household on the list.
                .and_where(Expr::col("household_id").not_in_subquery(visited_sub()));
            removed += tx.execute(&del).await?.rows_affected();
        }
        let added_n = insert_targets(&tx, c.id, &added).await?;
        for (reasons, ids) in &reworded {
            for chunk in ids.chunks(TARGET_CHUNK) {
                let mut upd = Query::update();
                upd.table("campaign_target")
                    .value("reasons", *reasons)
                    .and_where(Expr::col("campaign_id").eq(c.id))
                    .and_where(Expr::col("household_id").is_in(chunk.iter().copied()));
                tx.execute(&upd).await?;
            }
        }
        let mut count = Query::select();
        count
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from("campaign_target")
            .and_where(Expr::col("campaign_id").eq(c.id));
        let total: i64 = match tx.query_one(&count).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        let mut before = Query::select();
        before
            .column("target_count")
            .from("campaign")
            .and_where(Expr::col("id").eq(c.id));
        let before_count: i64 = match tx.query_one(&before).await? {
            Some(r) => r.try_get("", "target_count")?,
            None => return Err(not_found("集中排查", id)),
        };
        let mut upd = Query::update();
        upd.table("campaign")
            .value("target_count", total)
            .value("drawn_on", today)
            .and_where(Expr::col("id").eq(c.id));
        tx.execute(&upd).await?;
        let result = Redraw {
            added: added_n,
            removed,
            target_count: total as u64,
            drawn_on: today,
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "campaign_redraw",
                entity: "campaign",
                entity_key: Some(c.id.to_string()),
                area: Some(c.area),
                before: Some(json!({
                    "target_count": before_count,
                    "drawn_on": c.drawn_on,
                })),
                after: Some(json!({
                    "target_count": total,
                    "drawn_on": today,
                    "added": added_n,
                    "removed": removed,
                    "targets": c.targets.code(),
                })),
                note: Some(format!("重新生成目标：新增{added_n}户，移出{removed}户")),
            },
        )
        .await?;
        Ok(result)
    }

    /// Households under the campaign's area that match its rules:
    /// (household, village, matched rule ids joined by commas).
    pub(super) async fn draw_targets(
        &self,
        access: &Access,
        area: &AreaCode,
        targets: &TargetSpec,
        today: NaiveDate,
    ) -> Result<Vec<(i64, AreaCode, String)>> {
        if targets.is_all() {
            return self.all_households(area).await;
        }
        let policy = self.policy_set().await?;
        let warned = self.dept_warned(area).await?;
        let filter = HouseholdFilter {
            area: Some(*area),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .household_bundles_after(access, &filter, after, 2_000)
                .await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (id, b) in &page {
                let s = Subject::new(b, &policy, today, warned.contains(id))
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let m = targets.matched(&s);
                if !m.is_empty() {
                    out.push((*id, b.household.area, m.join(",")));
                }
            }
        }
        Ok(out)
    }

    /// Every household of the current registry under `area`, as targets of
    /// "全部农户".
    pub(super) async fn all_households(
        &self,
        area: &AreaCode,
    ) -> Result<Vec<(i64, AreaCode, String)>> {
        let mut q = Query::select();
        q.columns(["id", "area_code"])
            .from("household")
            .and_where(under("area_code", area))
            .and_where(Expr::col("current_size").gt(0));
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("", "id")?,
                    area_of(&r.try_get::<String>("", "area_code")?)?,
                    "all".to_owned(),
                ))
            })
            .collect()
    }

    /// Households under `area` with a lead from department screening.
    pub(super) async fn dept_warned(&self, area: &AreaCode) -> Result<HashSet<i64>> {
        let mut q = Query::select();
        q.distinct()
            .column("household_id")
            .from("case_file")
            .and_where(Expr::col("channel").eq(Channel::DeptWarning.code()))
            .and_where(under("area_code", area));
        self.db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| r.try_get("", "household_id").map_err(StoreError::from))
            .collect()
    }

    /// Campaigns whose area overlaps the caller's, newest period first, each
    /// with its progress within the caller's area.
    pub async fn campaigns(&self, access: &Access, now: DateTime<Utc>) -> Result<Vec<CampaignRow>> {
        let base = access.scope()?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from("campaign")
            .order_by("period_until", Order::Desc)
            .order_by("id", Order::Desc)
            .limit(200);
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let c = campaign_of(&r)?;
            if !access.overlaps(&c.area) {
                continue;
            }
            let scope = if access.covers(&c.area) {
                base.within(Some(&c.area))?
            } else {
                base.clone()
            };
            let by_village = self.village_progress(&c, &scope).await?;
            let total = by_village.values().fold(Progress::default(), |a, p| a + *p);
            let row = self.campaign_row(c, *scope.area(), total, now).await?;
            out.push(row);
        }
        Ok(out)
    }

    pub(super) async fn campaign_row(
        &self,
        c: StoredCampaign,
        scope: AreaCode,
        total: Progress,
        now: DateTime<Utc>,
    ) -> Result<CampaignRow> {
        let policy = self.policy_set().await?;
        let today = china_day(now);
        let phase = phase_at(&policy, &c.period, &c.area, today);
        let names = self.area_names(&[scope]).await?;
        Ok(CampaignRow {
            id: c.id,
            kind: c.kind.code(),
            kind_label: c.kind.label(),
            area_code: c.area.as_string(),
            period: c.period,
            targets: c.targets.code(),
            targets_label: c.targets.label(),
            drawn_on: c.drawn_on,
            created_by_name: c.created_by_name,
            phase,
            phase_label: phase.label(),
            progress: progress_row(&scope, &names, total, phase),
            name: c.name,
        })
    }

    /// Target / visited per village under `scope` (one grouped query).
    pub(super) async fn village_progress(
        &self,
        c: &StoredCampaign,
        scope: &Scope,
    ) -> Result<BTreeMap<AreaCode, Progress>> {
        let mut visited = Query::select();
        visited
            .distinct()
            .column("household_id")
            .from("visit")
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(scope.on(Keyed::bare()));
        let mut q = Query::select();
        q.column(("t", "area_code"))
            .expr_as(Expr::cust("COUNT(*)"), "target")
            .expr_as(Expr::cust("COUNT(vv.household_id)"), "visited")
            .from_as("campaign_target", "t")
            .join_subquery(
                JoinType::LeftJoin,
                visited,
                "vv",
                Expr::col(("vv", "household_id")).equals(("t", "household_id")),
            )
            .and_where(Expr::col(("t", "campaign_id")).eq(c.id))
            .and_where(scope.on(Keyed::rows("t")))
            .group_by_col(("t", "area_code"));
        let mut out = BTreeMap::new();
        for r in self.db.query_all(&q).await? {
            let area = area_of(&r.try_get::<String>("", "area_code")?)?;
            out.insert(
                area,
                Progress {
                    target: r.try_get::<i64>("", "target")? as u64,
                    visited: r.try_get::<i64>("", "visited")? as u64,
                },
            );
        }
        Ok(out)
    }

    pub(super) async fn area_names(&self, codes: &[AreaCode]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let mut q = Query::select();
            q.columns(["code", "name"])
                .from("area")
                .and_where(Expr::col("code").is_in(chunk.iter().map(|c| c.as_string())));
            for r in self.db.query_all(&q).await? {
                out.insert(
                    r.try_get::<String>("", "code")?.trim().to_owned(),
                    r.try_get("", "name")?,
                );
            }
        }
        Ok(out)
    }

    /// A campaign's progress under `area` (the caller's area when `None`):
    /// one row per child area (per village under a township), with the
    /// overdue count judged by each row's own parameters.
    pub async fn campaign_progress(
        &self,
        access: &Access,
        id: i64,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<CampaignProgress> {
        let base = access.scope()?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        let scoped = base.within(Some(&area.unwrap_or(if access.covers(&c.area) {
            c.area
        } else {
            access.area
        })))?;
        let scope = *scoped.area();
        let by_village = self.village_progress(&c, &scoped).await?;
        let child_level = match scope.level() {
            AreaLevel::Village => AreaLevel::Village,
            l => AreaLevel::ALL[AreaLevel::ALL.iter().position(|x| *x == l).unwrap_or(3) + 1],
        };
        let mut by_child: BTreeMap<AreaCode, Progress> = BTreeMap::new();
        for (v, p) in &by_village {
            let key = v.at_level(child_level).unwrap_or(*v);
            let e = by_child.entry(key).or_default();
            *e = *e + *p;
        }
        let policy = self.policy_set().await?;
        let today = china_day(now);
        let codes: Vec<AreaCode> = by_child.keys().copied().collect();
        let names = self.area_names(&codes).await?;
        let rows = by_child
            .iter()
            .map(|(a, p)| {
                let phase = phase_at(&policy, &c.period, a, today);
                progress_row(a, &names, *p, phase)
            })
            .collect();
        let total = by_village.values().fold(Progress::default(), |a, p| a + *p);
        let campaign = self.campaign_row(c, scope, total, now).await?;
        Ok(CampaignProgress {
            campaign,
            area_code: scope.as_string(),
            rows,
        })
    }

    /// Target households under `area` not yet visited within the period, by 户编号.
    pub async fn campaign_pending(
        &self,
        access: &Access,
        id: i64,
        area: Option<AreaCode>,
        limit: u64,
    ) -> Result<Vec<PendingTarget>> {
        let scope = access.scope()?.within(area.as_ref())?;
        let c = self.stored_campaign(&self.db, access, id).await?;
        let mut visited = Query::select();
        visited
            .column("household_id")
            .from("visit")
            .and_where(Expr::col("visit_date").gte(c.period.from))
            .and_where(Expr::col("visit_date").lte(c.period.until))
            .and_where(scope.on(Keyed::bare()));
        let mut q = Query::select();
        q.column(("t", "household_id"))
            .column(("t", "area_code"))
            .column(("t", "reasons"))
            .column(("h", "household_no"))
            .column(("h", "head_name"))
            .from_as("campaign_target", "t")
            .join_as(
                JoinType::InnerJoin,
                "household",
                "h",
                Expr::col(("h", "id")).equals(("t", "household_id")),
            )
            .and_where(Expr::col(("t", "campaign_id")).eq(c.id))
            .and_where(scope.on(Keyed::rows("t")))
            .and_where(Expr::col(("t", "household_id")).not_in_subquery(visited))
            .order_by(("h", "household_no"), Order::Asc)
            .limit(limit.clamp(1, 1000));
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let reasons: String = r.try_get("", "reasons")?;
            out.push(PendingTarget {
                household_id: r.try_get("", "household_id")?,
                household_no: r.try_get("", "household_no")?,
                head_name: r.try_get("", "head_name")?,
                area_code: r.try_get::<String>("", "area_code")?.trim().to_owned(),
                reasons: reasons
                    .split(',')
                    .filter_map(fangpin_domain::visits::target_rule)
                    .map(|r| r.label)
                    .collect(),
            });
        }
        Ok(out)
    }
}

/// Where a campaign stands in `area` on `today`, with the area's warning days.
fn phase_at(
    policy: &fangpin_domain::PolicySet,
    period: &Period,
    area: &AreaCode,
    today: NaiveDate,
) -> Phase {
    let warn = policy
        .int_param(keys::CAMPAIGN_WARN_DAYS, area, today.year())
        .unwrap_or(7);
    Phase::of(period, today, warn)
}

fn progress_row(
    area: &AreaCode,
    names: &HashMap<String, String>,
    p: Progress,
    phase: Phase,
) -> ProgressRow {
    let code = area.as_string();
    ProgressRow {
        area_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
        area_code: code,
        target: p.target,
        visited: p.visited,
        unvisited: p.unvisited(),
        overdue: p.overdue(phase),
        percent: p.per_mille() as f64 / 10.0,
    }
}

async fn insert_targets(
    tx: &DatabaseTransaction,
    campaign: i64,
    list: &[(i64, AreaCode, String)],
) -> Result<u64> {
    let mut n = 0;
    for chunk in list.chunks(TARGET_CHUNK) {
        let mut q = Query::insert();
        q.into_table("campaign_target").columns([
            "campaign_id",
            "household_id",
            "area_code",
            "reasons",
        ]);
        for (hid, area, reasons) in chunk {
            q.values_panic([
                campaign.into(),
                (*hid).into(),
                area.as_string().into(),
                reasons.clone().into(),
            ]);
        }
        n += tx.execute(&q).await?.rows_affected();
    }
    Ok(n)
}
