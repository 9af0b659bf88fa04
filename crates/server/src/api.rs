//! The household page: a household with its members, and each income year
//! against the 监测范围.

use axum::Json;
use axum::extract::State;
use fangpin_domain::income::{self, IncomeBreakdown, IncomeStanding};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ErrorBody;
use crate::page::{ApiResult, day_start};
use crate::routes::{Guard, Routes};

pub fn routes() -> Routes {
    Routes::new().route(
        "/api/households/{id}",
        routes!(household_detail, crate::households::household_update),
        Guard::Household,
    )
}

#[derive(Serialize)]
struct IncomeView {
    year: i32,
    record: income::IncomeRecord,
    breakdown: Option<IncomeBreakdown>,
    /// 监测范围 for the household's area and year, in 分.
    monitoring_line: Option<i64>,
    /// Where the line comes from (scope, year, confidence, note).
    line_source: Option<Value>,
    below_line: Option<bool>,
    /// Why a figure is missing (e.g. no parameter for that year).
    problem: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AsOfQuery {
    /// 查看某日（含当日）结束时的档案版本，YYYY-MM-DD。
    as_of: Option<chrono::NaiveDate>,
}

#[utoipa::path(get, path = "/api/households/{id}", tag = "农户档案", params(("id" = i64, Path, description = "农户编号"), AsOfQuery), responses((status = 200, description = "农户全字段、家庭成员（脱敏）、各年度收入及人均纯收入与监测范围比对（含参数来源）", body = serde_json::Value), (status = 404, description = "不存在或不在辖区内", body = ErrorBody)))]
async fn household_detail(
    State(s): State<AppState>,
    c: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Value> {
    let (version, detail) = match q.as_of {
        None => (None, s.store.read_household(&c.access, id).await?),
        Some(day) => {
            let end = day_start(day + chrono::Days::new(1)) - chrono::Duration::milliseconds(1);
            let (v, b) = s.store.household_as_of(&c.access, id, end).await?;
            (
                Some(v),
                fangpin_store::HouseholdDetail {
                    id,
                    household: b.household,
                    members: b.members,
                    incomes: b.incomes,
                },
            )
        }
    };
    let policy = s.store.policy_set().await?;
    let area = detail.household.area;
    let mut incomes = Vec::new();
    for rec in &detail.incomes {
        let mut view = IncomeView {
            year: rec.year,
            record: rec.clone(),
            breakdown: None,
            monitoring_line: None,
            line_source: None,
            below_line: None,
            problem: None,
        };
        let rules = policy.income_rules(&area, rec.year);
        let line = policy.monitoring_line(&area, rec.year);
        match (rules, line) {
            (Ok(rules), Ok((line, def))) => match income::compute(rec, &rules) {
                Ok(b) => {
                    view.below_line =
                        Some(income::compare(b.per_capita, line) == IncomeStanding::Below);
                    view.monitoring_line = Some(line.fen());
                    view.line_source = Some(json!({
                        "scope": def.scope.map(|c| c.as_string()),
                        "year": def.year,
                        "confidence": def.confidence,
                        "note": def.note,
                    }));
                    view.breakdown = Some(b);
                }
                Err(e) => view.problem = Some(e.to_string()),
            },
            (Err(e), _) | (_, Err(e)) => view.problem = Some(e.to_string()),
        }
        incomes.push(view);
    }
    let members: Vec<Value> = detail
        .members
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["id_number"] = Value::String(p.id_number.masked());
            v["birth_date"] = Value::String(fangpin_domain::masked_birth_date(p.birth_date));
            v["phone"] = p.phone.as_deref().map(mask_phone).into();
            v
        })
        .collect();
    let mut household = serde_json::to_value(&detail.household).unwrap_or(Value::Null);
    household["head_id"] = Value::String(detail.household.head_id.masked());
    household["phone"] = detail.household.phone.as_deref().map(mask_phone).into();
    household["collector_phone"] = detail
        .household
        .collector_phone
        .as_deref()
        .map(mask_phone)
        .into();
    household["bank_account"] = Value::Null;
    let area_name = s.store.area(&area).await?.map(|a| a.name);
    let township_name = match area.parent() {
        Some(t) => s.store.area(&t).await?.map(|a| a.name),
        None => None,
    };
    Ok(Json(json!({
        "id": detail.id,
        "version": version,
        "as_of": q.as_of,
        "area_name": area_name,
        "township_name": township_name,
        "household": household,
        "members": members,
        "incomes": incomes,
    })))
}

/// Masks the middle of a phone number: `138****5678` (one rule for responses and exports).
pub use fangpin_domain::mask_phone;
