//! What the administrator still has to configure, read for the 工作台: the
//! villages with households in the caller's area, the parameters and the
//! loaded calendar years; the domain (`fangpin_domain::setup`) decides what
//! is missing.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use fangpin_domain::AreaCode;
use fangpin_domain::setup::{SetupFacts, SetupGap, setup_gaps};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};

use crate::calendar::china_day;
use crate::households::in_registry;
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

impl Store {
    /// The 监测范围, 产业奖补 parameters and calendar years missing for the
    /// counties with households in the caller's area, this year and the
    /// year before, and next year's calendar from the warning month; only
    /// for callers who maintain parameters (others get an empty list).
    pub async fn setup_gaps(&self, access: &Access, now: DateTime<Utc>) -> Result<Vec<SetupGap>> {
        if !access.has(perm::PARAM_MANAGE) {
            return Ok(Vec::new());
        }
        let scope = access.scope_unchecked();
        let mut q = Query::select();
        q.distinct()
            .column("area_code")
            .from("household")
            .and_where(scope.on(Keyed::household(None)))
            .and_where(in_registry());
        let mut villages = Vec::new();
        for r in self.db.query_all(&q).await? {
            let code: String = r.try_get("", "area_code")?;
            villages.push(
                AreaCode::parse(code.trim())
                    .map_err(|_| StoreError::Corrupt(format!("农户区划代码无效：{code}")))?,
            );
        }
        let counties: BTreeSet<String> = villages
            .iter()
            .filter_map(|v| v.county())
            .map(AreaCode::as_string)
            .collect();
        let mut names = HashMap::new();
        if !counties.is_empty() {
            let mut q = Query::select();
            q.columns(["code", "name"])
                .from("area")
                .and_where(Expr::col("code").is_in(counties));
            for r in self.db.query_all(&q).await? {
                let code: String = r.try_get("", "code")?;
                names.insert(code.trim().to_owned(), r.try_get::<String>("", "name")?);
            }
        }
        let policy = self.policy_set().await?;
        let calendar_years: BTreeSet<i32> = self.work_calendar().await?.years().collect();
        let facts = SetupFacts {
            home: access.area,
            villages: &villages,
            calendar_years: &calendar_years,
            today: china_day(now),
        };
        Ok(setup_gaps(&policy, &facts, |a| {
            names.get(&a.as_string()).cloned()
        }))
    }
}
