//! The rules engine applied to stored households: one household's
//! assessment with its explanation trace, and the what-if view — who would
//! enter or leave the at-risk set under a proposed threshold — without
//! changing any data.
//!
//! What-if re-evaluates every household of an area. The households'
//! [`HouseholdFacts`] (a few dozen bytes each) are loaded once per area and
//! year and kept in memory, tagged with the newest household version id; a
//! later request reuses them as long as no household has changed since, so
//! only the first request of a county pays for reading the registry.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use fangpin_domain::monitor::assess::{self, Assessment, HouseholdFacts, Thresholds, facts_of};
use fangpin_domain::{AreaCode, AreaLevel, Money};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

use super::assess_bundle;
use crate::calendar::china_day;
use crate::users::Access;
use crate::{HouseholdFilter, Result, Store, StoreError};

/// Facts of every household of an area for one year.
#[derive(Debug)]
pub struct FactsSnapshot {
    /// Newest household version id when loaded.
    generation: i64,
    rows: Vec<(i64, HouseholdFacts)>,
    /// Households whose facts could not be built (e.g. an inconsistent income record).
    skipped: u64,
}

/// How many (area, year) fact sets what-if keeps in memory; the least
/// recently used is dropped first. The county of the data year (preloaded at
/// start) and a few townships or years fit; anyone asking for more areas
/// or years makes the store read again, never grow.
pub const WHAT_IF_CACHE_ENTRIES: usize = 4;

/// [`FactsSnapshot`]s by (area prefix, year), least recently used evicted.
#[derive(Debug, Default)]
pub(crate) struct FactsLru {
    entries: std::collections::HashMap<(String, i32), (Arc<FactsSnapshot>, u64)>,
    tick: u64,
}

impl FactsLru {
    fn get(&mut self, key: &(String, i32)) -> Option<Arc<FactsSnapshot>> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(snap, used)| {
            *used = tick;
            snap.clone()
        })
    }

    fn put(&mut self, key: (String, i32), snap: Arc<FactsSnapshot>) {
        self.tick += 1;
        self.entries.insert(key, (snap, self.tick));
        while self.entries.len() > WHAT_IF_CACHE_ENTRIES {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.entries.remove(&oldest);
        }
    }
}

/// The what-if cache shared by the clones of a store.
pub(crate) type FactsCache = Arc<std::sync::Mutex<FactsLru>>;

/// A proposed change of thresholds for an area and year.
#[derive(Clone, Debug)]
pub struct WhatIf {
    pub area: AreaCode,
    pub year: i32,
    /// Proposed 监测范围.
    pub line: Option<Money>,
    /// Proposed rigid-expense percentage.
    pub rigid_pct: Option<i64>,
    /// Proposed income-drop percentage.
    pub drop_pct: Option<i64>,
}

/// Counts for one township or village.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct WhatIfArea {
    pub code: String,
    pub households: u64,
    pub at_risk_now: u64,
    pub at_risk_then: u64,
    pub entering: u64,
    pub leaving: u64,
}

/// A household that would change side.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WhatIfHousehold {
    pub id: i64,
    pub village: String,
    pub per_capita: Option<Money>,
    pub category_now: Option<&'static str>,
    pub category_then: Option<&'static str>,
}

/// The answer of a what-if.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WhatIfResult {
    pub area: String,
    pub year: i32,
    pub line_now: Money,
    pub line_then: Money,
    pub households: u64,
    pub skipped: u64,
    pub at_risk_now: u64,
    pub at_risk_then: u64,
    pub entering: u64,
    pub leaving: u64,
    /// 收入低于监测范围、未识别风险 (policy.md §1.2): below the line without a
    /// concrete risk, now and under the proposal. Not candidates (not in the
    /// at-risk counts): listed apart for a visit.
    pub below_line_without_risk_now: u64,
    pub below_line_without_risk_then: u64,
    pub by_township: Vec<WhatIfArea>,
    pub by_village: Vec<WhatIfArea>,
    /// The first households entering / leaving (by id), at most 200 each.
    pub entering_households: Vec<WhatIfHousehold>,
    pub leaving_households: Vec<WhatIfHousehold>,
    /// The first households below the proposed line without a risk (by id),
    /// at most 200: to be visited, not counted as candidates.
    pub below_line_without_risk_households: Vec<WhatIfHousehold>,
    /// Whether the households' facts came from memory.
    pub cached: bool,
    pub load_ms: u64,
    pub eval_ms: u64,
}

const SAMPLE: usize = 200;

fn ancestor_at(code: &AreaCode, level: AreaLevel) -> Option<AreaCode> {
    std::iter::once(*code)
        .chain(code.ancestors())
        .find(|a| a.level() == level)
}

impl Store {
    /// The rules assessment of one household for `year` (its latest income
    /// year when `None`), with the explanation trace.
    pub async fn household_assessment(
        &self,
        access: &Access,
        id: i64,
        year: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<Option<Assessment>> {
        let bundle = self.household(access, id).await?.into_bundle();
        let policy = self.policy_set().await?;
        let today = china_day(now);
        match year {
            None => assess_bundle(&bundle, &policy, today),
            Some(y) => {
                let as_of = assess::as_of_for(y, today);
                let inv = |e: String| StoreError::Invalid(e);
                let (facts, src) =
                    facts_of(&bundle, y, as_of, &policy).map_err(|e| inv(e.to_string()))?;
                let t = Thresholds::resolve(&policy, &bundle.household.area, y)
                    .map_err(|e| inv(e.to_string()))?;
                Ok(Some(assess::assess(&facts, &t, Some(&src))))
            }
        }
    }

    async fn newest_version(&self) -> Result<i64> {
        let mut q = Query::select();
        q.expr_as(Expr::cust("COALESCE(MAX(id), 0)"), "n")
            .from("household_version");
        Ok(match self.db.query_one(&q).await? {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        })
    }

    /// Facts of every household under `area` for `year`, from memory when
    /// nothing changed since they were read: (snapshot, from memory).
    async fn area_facts(
        &self,
        access: &Access,
        area: &AreaCode,
        year: i32,
        now: DateTime<Utc>,
    ) -> Result<(Arc<FactsSnapshot>, bool)> {
        let generation = self.newest_version().await?;
        let key = (area.as_string(), year);
        let held = self.facts_cache.lock().expect("cache lock").get(&key);
        let policy = self.policy_set().await?;
        let as_of = assess::as_of_for(year, china_day(now));
        if let Some(s) = held {
            if s.generation == generation {
                return Ok((s, true));
            }
            // Only the households changed since are read again.
            let snap = Arc::new(
                self.refresh_facts(&s, area, year, as_of, &policy, generation)
                    .await?,
            );
            self.facts_cache
                .lock()
                .expect("cache lock")
                .put(key, snap.clone());
            return Ok((snap, true));
        }
        let filter = HouseholdFilter {
            area: Some(*area),
            ..Default::default()
        };
        let mut rows = Vec::new();
        let mut skipped = 0;
        let mut after = 0;
        loop {
            let page = self
                .household_bundles_after(access, &filter, after, 5_000)
                .await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (id, b) in &page {
                match facts_of(b, year, as_of, &policy) {
                    Ok((f, _)) => rows.push((*id, f)),
                    Err(_) => skipped += 1,
                }
            }
        }
        rows.shrink_to_fit();
        let snap = Arc::new(FactsSnapshot {
            generation,
            rows,
            skipped,
        });
        self.facts_cache
            .lock()
            .expect("cache lock")
            .put(key, snap.clone());
        Ok((snap, false))
    }

    /// Reads the facts of `area` for `year` into memory ahead of the first
    /// what-if (the server does this at startup).
    pub async fn warm_what_if(&self, access: &Access, area: &AreaCode, year: i32) -> Result<usize> {
        let (snap, _) = self.area_facts(access, area, year, self.now()).await?;
        Ok(snap.rows.len())
    }

    /// `old` brought up to date: households with a version newer than
    /// `old.generation` are re-read (or dropped when they left the registry
    /// or the area).
    async fn refresh_facts(
        &self,
        old: &FactsSnapshot,
        area: &AreaCode,
        year: i32,
        as_of: chrono::NaiveDate,
        policy: &fangpin_domain::PolicySet,
        generation: i64,
    ) -> Result<FactsSnapshot> {
        let mut q = Query::select();
        q.distinct()
            .column("household_id")
            .from("household_version")
            .and_where(Expr::col("id").gt(old.generation));
        let mut changed = Vec::new();
        for r in self.db.query_all(&q).await? {
            changed.push(r.try_get::<i64>("", "household_id")?);
        }
        let fresh = self.load_bundles(&self.db, changed.clone()).await?;
        let mut rows: BTreeMap<i64, HouseholdFacts> = old.rows.iter().cloned().collect();
        let mut skipped = old.skipped;
        for id in changed {
            rows.remove(&id);
            let Some(b) = fresh.get(&id) else { continue };
            if b.household.current_size == 0 || !area.contains(&b.household.area) {
                continue;
            }
            match facts_of(b, year, as_of, policy) {
                Ok((f, _)) => {
                    rows.insert(id, f);
                }
                Err(_) => skipped += 1,
            }
        }
        Ok(FactsSnapshot {
            generation,
            rows: rows.into_iter().collect(),
            skipped,
        })
    }

    /// Refuses a what-if for a year the area has no 监测范围 for, or no
    /// income records in: there is nothing to compare, and each such year
    /// would otherwise cost a read of the whole area.
    async fn what_if_has_data(&self, area: &AreaCode, year: i32) -> Result<()> {
        let policy = self.policy_set().await?;
        if policy.monitoring_line(area, year).is_err() {
            return Err(StoreError::Invalid(format!(
                "{year}年没有适用于该区划的监测范围参数，无法测算"
            )));
        }
        let mut q = Query::select();
        q.column("id")
            .from("income_record")
            .and_where(Expr::col("year").eq(year))
            .and_where(crate::scope::under("area_code", area))
            .limit(1);
        if self.db.query_one(&q).await?.is_none() {
            return Err(StoreError::Invalid(format!(
                "该区划没有{year}年的收入数据，无法测算"
            )));
        }
        Ok(())
    }

    /// Who would enter or leave the at-risk set of `w.area` in `w.year` under
    /// the proposed thresholds. Nothing is written; the request is audited.
    ///
    /// Any role that reads households may run one, the read-only inspector
    /// included: it changes nothing (only its own audit entry is written),
    /// it answers with counts and household ids of the caller's own area,
    /// which the same caller can already list one by one, and checking how
    /// a proposed line would move the monitored set is part of inspecting
    /// the work. What keeps it cheap is [`WHAT_IF_CACHE_ENTRIES`] and the
    /// refusal of years without a line or incomes, not the role.
    pub async fn what_if(
        &self,
        access: &Access,
        w: &WhatIf,
        now: DateTime<Utc>,
    ) -> Result<WhatIfResult> {
        // A what-if is area-wide: not for a 帮扶责任人's pairings.
        access.scope()?.whole_area()?;
        access.area_within(&w.area)?;
        if w.line.is_some_and(fangpin_domain::Money::is_negative) {
            return Err(StoreError::Invalid("监测范围不能为负数".into()));
        }
        for (name, v) in [("刚性支出比例", w.rigid_pct), ("收入下降比例", w.drop_pct)] {
            if v.is_some_and(|p| !(0..=1000).contains(&p)) {
                return Err(StoreError::Invalid(format!("{name}应在0到1000之间")));
            }
        }
        self.what_if_has_data(&w.area, w.year).await?;
        let t0 = Instant::now();
        let (snap, cached) = self.area_facts(access, &w.area, w.year, now).await?;
        let load_ms = t0.elapsed().as_millis() as u64;
        let t1 = Instant::now();
        let policy = self.policy_set().await?;
        // Thresholds are resolved once per village.
        let mut per_village: BTreeMap<AreaCode, (Thresholds, Thresholds)> = BTreeMap::new();
        let mut towns: BTreeMap<String, WhatIfArea> = BTreeMap::new();
        let mut villages: BTreeMap<String, WhatIfArea> = BTreeMap::new();
        let mut r = WhatIfResult {
            area: w.area.as_string(),
            year: w.year,
            line_now: Money::ZERO,
            line_then: Money::ZERO,
            households: 0,
            skipped: snap.skipped,
            at_risk_now: 0,
            at_risk_then: 0,
            entering: 0,
            leaving: 0,
            below_line_without_risk_now: 0,
            below_line_without_risk_then: 0,
            by_township: vec![],
            by_village: vec![],
            entering_households: vec![],
            leaving_households: vec![],
            below_line_without_risk_households: vec![],
            cached,
            load_ms,
            eval_ms: 0,
        };
        for (id, facts) in &snap.rows {
            let pair = match per_village.get(&facts.area) {
                Some(p) => p,
                None => {
                    let now_t = Thresholds::resolve(&policy, &facts.area, w.year)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let mut then = now_t.clone();
                    if let Some(l) = w.line {
                        then = then.with_line(l, "拟调整");
                    }
                    if let Some(p) = w.rigid_pct {
                        then.rigid_pct = p;
                    }
                    if let Some(p) = w.drop_pct {
                        then.drop_pct = p;
                    }
                    per_village.entry(facts.area).or_insert((now_t, then))
                }
            };
            r.line_now = pair.0.line;
            r.line_then = pair.1.line;
            let a = assess::category_only(facts, &pair.0);
            let b = assess::category_only(facts, &pair.1);
            r.households += 1;
            let village = facts.area.as_string();
            let town = ancestor_at(&facts.area, AreaLevel::Township)
                .map(fangpin_domain::AreaCode::as_string)
                .unwrap_or_default();
            for bucket in [
                towns.entry(town).or_default(),
                villages.entry(village.clone()).or_default(),
            ] {
                bucket.households += 1;
                bucket.at_risk_now += u64::from(a.is_some());
                bucket.at_risk_then += u64::from(b.is_some());
                bucket.entering += u64::from(a.is_none() && b.is_some());
                bucket.leaving += u64::from(a.is_some() && b.is_none());
            }
            r.at_risk_now += u64::from(a.is_some());
            r.at_risk_then += u64::from(b.is_some());
            let unrisked_then = assess::below_line_without_risk(facts, &pair.1);
            r.below_line_without_risk_now +=
                u64::from(assess::below_line_without_risk(facts, &pair.0));
            r.below_line_without_risk_then += u64::from(unrisked_then);
            let moved = |list: &mut Vec<WhatIfHousehold>| {
                if list.len() < SAMPLE {
                    list.push(WhatIfHousehold {
                        id: *id,
                        village: village.clone(),
                        per_capita: facts.income.map(|i| i.per_capita),
                        category_now: a,
                        category_then: b,
                    });
                }
            };
            if unrisked_then {
                moved(&mut r.below_line_without_risk_households);
            }
            match (a.is_some(), b.is_some()) {
                (false, true) => {
                    r.entering += 1;
                    moved(&mut r.entering_households);
                }
                (true, false) => {
                    r.leaving += 1;
                    moved(&mut r.leaving_households);
                }
                _ => {}
            }
        }
        let with_code = |m: BTreeMap<String, WhatIfArea>| {
            m.into_iter()
                .map(|(code, mut a)| {
                    a.code = code;
                    a
                })
                .collect::<Vec<_>>()
        };
        r.by_township = with_code(towns);
        r.by_village = with_code(villages);
        r.eval_ms = t1.elapsed().as_millis() as u64;
        self.audit(
            &access.actor(),
            crate::AuditEntry {
                action: "what_if",
                entity: "policy_param",
                area: Some(w.area),
                after: Some(serde_json::json!({
                    "year": w.year,
                    "line_fen": w.line.map(fangpin_domain::Money::fen),
                    "rigid_pct": w.rigid_pct,
                    "drop_pct": w.drop_pct,
                    "entering": r.entering,
                    "leaving": r.leaving,
                })),
                note: Some("测算（未修改数据）".into()),
                ..Default::default()
            },
        )
        .await?;
        Ok(r)
    }
}
