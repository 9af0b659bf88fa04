//! 首页概览 figures beyond the household counts: the 务工规模 of an area in a
//! year, for the area and each area directly below it.
//!
//! Persons are the members of registered households (by the area of their
//! household today); a person counts as working when their 务工 records of
//! the year add up to at least one month, under the region where they worked
//! longest (the nearest on a tie, as the 务工 tab counts them). 零就业家庭
//! follows `fangpin_domain::funds::zero_employment`: a member able to work
//! and nobody with a 务工 month or a 公益性岗位 in the year. One grouped query
//! answers a request, whatever the number of areas below.

use std::collections::HashMap;

use chrono::NaiveDate;
use fangpin_domain::codes::well_known;
use fangpin_domain::funds::WorkRegion;
use fangpin_domain::{AreaCode, AreaLevel, Money};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use serde::Serialize;

use crate::areas::{NodeLevel, group_key};
use crate::scope::{Keyed, Scope};
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// 务工规模 figures of one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct EmploymentCounts {
    /// Persons who worked (务工) at least one month in the year.
    pub workers: i64,
    /// …of them members of a 脱贫户 (脱贫人口).
    pub lifted_workers: i64,
    /// …of them members of a monitored household (监测对象).
    pub monitored_workers: i64,
    /// By where they worked longest: 县内, 县外省内, 省外, 国外.
    pub in_county: i64,
    pub in_province: i64,
    pub out_of_province: i64,
    pub abroad: i64,
    /// 县外 (县外省内, 省外 and 国外 together).
    pub out_of_county: i64,
    /// …of them worked six months or more in the year (丰都 tracks this).
    pub six_months_plus: i64,
    /// 务工收入 of those persons in the year.
    pub income_fen: Money,
    /// Households with a member able to work (普通/技能劳动力).
    pub labour_households: i64,
    /// 零就业家庭: of those, nobody worked or held a 公益性岗位 in the year.
    pub zero_employment_households: i64,
}

impl EmploymentCounts {
    fn add(&mut self, o: &EmploymentCounts) {
        self.workers += o.workers;
        self.lifted_workers += o.lifted_workers;
        self.monitored_workers += o.monitored_workers;
        self.in_county += o.in_county;
        self.in_province += o.in_province;
        self.out_of_province += o.out_of_province;
        self.abroad += o.abroad;
        self.out_of_county += o.out_of_county;
        self.six_months_plus += o.six_months_plus;
        self.income_fen += o.income_fen;
        self.labour_households += o.labour_households;
        self.zero_employment_households += o.zero_employment_households;
    }
}

/// 务工规模 of one area directly below.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EmploymentChild {
    /// 12-digit area code, or `村代码-NN` for a 村民小组.
    pub code: String,
    pub name: String,
    pub level: NodeLevel,
    #[serde(flatten)]
    pub counts: EmploymentCounts,
}

/// 务工规模 of an area (its own figures flattened) and of each area below.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AreaEmployment {
    pub year: i32,
    pub code: String,
    pub name: String,
    pub level: NodeLevel,
    #[serde(flatten)]
    pub total: EmploymentCounts,
    pub children: Vec<EmploymentChild>,
}

/// `CAST(COALESCE(SUM(expr), 0) AS BIGINT)`: PostgreSQL sums BIGINT into
/// NUMERIC, SQLite into INTEGER; both read back as i64.
fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`.
fn count_if(cond: &str) -> String {
    format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(StoreError::Invalid(format!("年度无效：{year}"))),
    }
}

/// Which node of the tree a request names.
enum Node {
    Area(AreaCode),
    Group(AreaCode, i16),
}

impl Store {
    /// 务工规模 of the area or 村民小组 `key` (as the 首页概览 names it) in
    /// `year`, and of each area directly below it, within the caller's area
    /// (outside it the area does not exist).
    pub async fn area_employment(
        &self,
        access: &Access,
        key: &str,
        year: i32,
    ) -> Result<AreaEmployment> {
        access.require(perm::HOUSEHOLD_READ)?;
        let not_found = || StoreError::NotFound(format!("区划不存在：{key}"));
        let node = match key.split_once('-') {
            Some((a, g)) => Node::Group(
                AreaCode::parse(a).map_err(|_| not_found())?,
                g.parse::<i16>().map_err(|_| not_found())?,
            ),
            None => Node::Area(AreaCode::parse(key).map_err(|_| not_found())?),
        };
        let code = match node {
            Node::Area(c) | Node::Group(c, _) => c,
        };
        let scope = access
            .scope()?
            .within(Some(&code))
            .map_err(|_| not_found())?;
        let (first_day, last_day) = year_bounds(year)?;

        // The node's own name and the areas below it.
        let mut q = Query::select();
        q.columns(["code", "name", "level"])
            .from("area")
            .and_where(Expr::col("code").eq(code.as_string()));
        let own = self.db.query_one(&q).await?.ok_or_else(not_found)?;
        let area_name: String = own.try_get("", "name")?;
        let mut children: Vec<(String, String, NodeLevel, Option<AreaCode>)> = Vec::new();
        let (name, level) = match node {
            Node::Group(village, no) => {
                let mut q = Query::select();
                q.column("name")
                    .from("village_group")
                    .and_where(Expr::col("village_code").eq(village.as_string()))
                    .and_where(Expr::col("no").eq(no));
                let g = self.db.query_one(&q).await?.ok_or_else(not_found)?;
                (g.try_get::<String>("", "name")?, NodeLevel::Group)
            }
            Node::Area(area) if area.level() == AreaLevel::Village => {
                let mut q = Query::select();
                q.columns(["no", "name"])
                    .from("village_group")
                    .and_where(Expr::col("village_code").eq(area.as_string()))
                    .order_by("no", Order::Asc);
                for r in self.db.query_all(&q).await? {
                    let no: i16 = r.try_get("", "no")?;
                    children.push((
                        group_key(&area.as_string(), no),
                        r.try_get("", "name")?,
                        NodeLevel::Group,
                        None,
                    ));
                }
                (area_name, area.level().into())
            }
            Node::Area(area) => {
                let mut q = Query::select();
                q.columns(["code", "name"])
                    .from("area")
                    .and_where(Expr::col("parent_code").eq(area.as_string()))
                    .order_by("code", Order::Asc);
                for r in self.db.query_all(&q).await? {
                    let c: String = r.try_get("", "code")?;
                    let c = AreaCode::parse(c.trim())
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    children.push((
                        c.as_string(),
                        r.try_get("", "name")?,
                        c.level().into(),
                        Some(c),
                    ));
                }
                (area_name, area.level().into())
            }
        };

        let by_group = matches!(node, Node::Area(a) if a.level() == AreaLevel::Village);
        let q = grouped_query(&node, &scope, year, first_day, last_day, by_group);
        let mut total = EmploymentCounts::default();
        let mut per_child: HashMap<String, EmploymentCounts> = HashMap::new();
        for r in self.db.query_all(&q).await? {
            let counts = EmploymentCounts {
                workers: r.try_get("", "workers")?,
                lifted_workers: r.try_get("", "lifted_workers")?,
                monitored_workers: r.try_get("", "monitored_workers")?,
                in_county: r.try_get("", "in_county")?,
                in_province: r.try_get("", "in_province")?,
                out_of_province: r.try_get("", "out_of_province")?,
                abroad: r.try_get("", "abroad")?,
                out_of_county: 0,
                six_months_plus: r.try_get("", "six_months_plus")?,
                income_fen: Money::from_fen(r.try_get("", "income_fen")?),
                labour_households: r.try_get("", "labour_households")?,
                zero_employment_households: r.try_get("", "zero_households")?,
            };
            let counts = EmploymentCounts {
                out_of_county: counts.in_province + counts.out_of_province + counts.abroad,
                ..counts
            };
            total.add(&counts);
            let child = if by_group {
                r.try_get::<Option<i16>>("", "group_no")?
                    .map(|no| group_key(&code.as_string(), no))
            } else {
                let village: String = r.try_get("", "area_code")?;
                AreaCode::parse(village.trim()).ok().and_then(|v| {
                    children
                        .iter()
                        .find(|(_, _, _, a)| a.is_some_and(|a| a.contains(&v)))
                        .map(|(k, ..)| k.clone())
                })
            };
            if let Some(k) = child {
                per_child.entry(k).or_default().add(&counts);
            }
        }
        Ok(AreaEmployment {
            year,
            code: key.to_owned(),
            name,
            level,
            total,
            children: children
                .into_iter()
                .map(|(code, name, level, _)| EmploymentChild {
                    counts: per_child.remove(&code).unwrap_or_default(),
                    code,
                    name,
                    level,
                })
                .collect(),
        })
    }
}

/// The one query of a request: each member of the node's registered
/// households with their 务工 records of the year summed by region and
/// whether they held a 公益性岗位 in it; then per household; then per
/// village (or per 村民小组 when `by_group`).
fn grouped_query(
    node: &Node,
    scope: &Scope,
    year: i32,
    first_day: NaiveDate,
    last_day: NaiveDate,
    by_group: bool,
) -> SelectStatement {
    let group = match node {
        Node::Area(_) => None,
        Node::Group(_, g) => Some(*g),
    };

    // Per person.
    let months_in = |r: WorkRegion| {
        sum(&format!(
            "CASE WHEN e.region = '{}' THEN e.months ELSE 0 END",
            r.code()
        ))
    };
    let mut post = Query::select();
    post.expr(Expr::val(1))
        .from_as("public_post", "po")
        .and_where(Expr::col(("po", "person_hash")).equals(("p", "id_hash")))
        .and_where(Expr::col(("po", "start_on")).lte(last_day))
        .and_where(Expr::col(("po", "end_on")).gte(first_day));
    let mut persons = Query::select();
    persons
        .column(("p", "household_id"))
        .column(("h", "area_code"))
        .column(("h", "group_no"))
        .column(("h", "household_type"))
        .column(("h", "monitor_category"))
        .expr_as(
            Expr::cust(format!(
                "MAX(CASE WHEN p.labor_skill IN ('{}', '{}') THEN 1 ELSE 0 END)",
                well_known::LABOR_ORDINARY,
                well_known::LABOR_SKILLED
            )),
            "able",
        )
        .expr_as(Expr::cust(sum("e.months")), "months")
        .expr_as(Expr::cust(months_in(WorkRegion::InCounty)), "m_county")
        .expr_as(Expr::cust(months_in(WorkRegion::InProvince)), "m_province")
        .expr_as(Expr::cust(months_in(WorkRegion::OutOfProvince)), "m_out")
        .expr_as(Expr::cust(months_in(WorkRegion::Abroad)), "m_abroad")
        .expr_as(Expr::cust(sum("e.income_fen")), "income_fen")
        .expr_as(
            Func::max(Expr::case(Expr::exists(post), 1).finally(0)),
            "post",
        )
        .from_as("person", "p")
        .join_as(
            JoinType::InnerJoin,
            "household",
            "h",
            Expr::col(("h", "id")).equals(("p", "household_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "employment",
            "e",
            Expr::col(("e", "person_hash"))
                .equals(("p", "id_hash"))
                .and(Expr::col(("e", "year")).eq(year)),
        )
        .and_where(Expr::col(("h", "current_size")).gt(0))
        // In household order, so that no grouping needs a sort.
        .group_by_col(("p", "household_id"))
        .group_by_col(("p", "id"))
        .group_by_col(("h", "area_code"))
        .group_by_col(("h", "group_no"))
        .group_by_col(("h", "household_type"))
        .group_by_col(("h", "monitor_category"));
    // The node's households the caller may see (a 帮扶责任人: their own).
    persons.and_where(scope.on(Keyed::household(Some("h"))));
    if let Some(g) = group {
        persons.and_where(Expr::col(("h", "group_no")).eq(g));
    }

    // Per household.
    let worked = "y.months > 0";
    let mut households = Query::select();
    households
        .column(("y", "household_id"))
        .column(("y", "area_code"))
        .column(("y", "group_no"))
        .expr_as(Expr::cust(count_if(worked)), "workers")
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.household_type = '{}'",
                well_known::HOUSEHOLD_LIFTED
            ))),
            "lifted_workers",
        )
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.monitor_category IS NOT NULL"
            ))),
            "monitored_workers",
        )
        // Where they worked longest; on a tie the nearer region.
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.m_county >= y.m_province AND y.m_county >= y.m_out AND y.m_county >= y.m_abroad"
            ))),
            "in_county",
        )
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.m_province > y.m_county AND y.m_province >= y.m_out AND y.m_province >= y.m_abroad"
            ))),
            "in_province",
        )
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.m_out > y.m_county AND y.m_out > y.m_province AND y.m_out >= y.m_abroad"
            ))),
            "out_of_province",
        )
        .expr_as(
            Expr::cust(count_if(&format!(
                "{worked} AND y.m_abroad > y.m_county AND y.m_abroad > y.m_province AND y.m_abroad > y.m_out"
            ))),
            "abroad",
        )
        .expr_as(Expr::cust(count_if("y.months >= 6")), "six_months_plus")
        .expr_as(
            Expr::cust(sum(&format!(
                "CASE WHEN {worked} THEN y.income_fen ELSE 0 END"
            ))),
            "income_fen",
        )
        .expr_as(Expr::cust("MAX(y.able)"), "able")
        .expr_as(
            Expr::cust(format!(
                "MAX(CASE WHEN {worked} OR y.post = 1 THEN 1 ELSE 0 END)"
            )),
            "employed",
        )
        .from_subquery(persons, "y")
        .group_by_col(("y", "household_id"))
        .group_by_col(("y", "area_code"))
        .group_by_col(("y", "group_no"));

    // Per village, or per 村民小组.
    let key = if by_group { "group_no" } else { "area_code" };
    let mut q = Query::select();
    q.column(("x", key))
        .expr_as(Expr::cust(sum("x.workers")), "workers")
        .expr_as(Expr::cust(sum("x.lifted_workers")), "lifted_workers")
        .expr_as(Expr::cust(sum("x.monitored_workers")), "monitored_workers")
        .expr_as(Expr::cust(sum("x.in_county")), "in_county")
        .expr_as(Expr::cust(sum("x.in_province")), "in_province")
        .expr_as(Expr::cust(sum("x.out_of_province")), "out_of_province")
        .expr_as(Expr::cust(sum("x.abroad")), "abroad")
        .expr_as(Expr::cust(sum("x.six_months_plus")), "six_months_plus")
        .expr_as(Expr::cust(sum("x.income_fen")), "income_fen")
        .expr_as(
            Expr::cust(sum("CASE WHEN x.able = 1 THEN 1 ELSE 0 END")),
            "labour_households",
        )
        .expr_as(
            Expr::cust(sum(
                "CASE WHEN x.able = 1 AND x.employed = 0 THEN 1 ELSE 0 END",
            )),
            "zero_households",
        )
        .from_subquery(households, "x")
        .group_by_col(("x", key));
    q
}
