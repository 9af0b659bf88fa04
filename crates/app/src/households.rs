//! The household view: the record as a user of its area sees it (personal
//! numbers masked), with each year's income assessed against the 监测范围.

use chrono::NaiveDate;
use fangpin_domain::income::{self, IncomeBreakdown, IncomeRecord, IncomeStanding};
use fangpin_domain::policy::{Confidence, PolicySet};
use fangpin_domain::{AreaCode, Household, Person, mask_phone, masked_birth_date};
use fangpin_store::calendar::day_start;
use fangpin_store::{Access, HouseholdDetail, Store};
use serde::Serialize;
use serde_json::Value;

use crate::Result;

/// One household as `GET /api/households/{id}` answers it. Fields are in
/// alphabetical order, the order the answer has always had.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HouseholdView {
    /// Name of the household's village.
    pub area_name: Option<String>,
    /// The day asked for, when an earlier version was asked for.
    pub as_of: Option<NaiveDate>,
    /// The household's fields; ID number and phones masked, no bank account.
    #[schema(value_type = fangpin_domain::Household)]
    pub household: Value,
    /// The household's row id.
    pub id: i64,
    /// Each year's income with its assessment.
    pub incomes: Vec<IncomeView>,
    /// The members; ID number, birth date and phone masked.
    #[schema(value_type = Vec<fangpin_domain::Person>)]
    pub members: Vec<Value>,
    /// Name of the village's township.
    pub township_name: Option<String>,
    /// The version shown, when an earlier version was asked for.
    pub version: Option<i32>,
}

/// One year's income and how it stands against the 监测范围.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IncomeView {
    pub below_line: Option<bool>,
    pub breakdown: Option<IncomeBreakdown>,
    /// Where the line comes from (scope, year, confidence, note).
    pub line_source: Option<LineSource>,
    /// 监测范围 for the household's area and year, in 分.
    pub monitoring_line: Option<i64>,
    /// Why a figure is missing (e.g. no parameter for that year).
    pub problem: Option<String>,
    pub record: IncomeRecord,
    pub year: i32,
}

/// The parameter definition a 监测范围 comes from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LineSource {
    #[schema(value_type = String)]
    pub confidence: Confidence,
    pub note: String,
    /// Area code the value applies to; none for 全国.
    pub scope: Option<String>,
    pub year: i32,
}

/// The household `id` as `access` may see it: today's record, or the record
/// as it stood at the end of `as_of` (China Standard Time). Reading it is
/// audited like every household read.
pub async fn view(
    store: &Store,
    access: &Access,
    id: i64,
    as_of: Option<NaiveDate>,
) -> Result<HouseholdView> {
    let (version, detail) = match as_of {
        None => (None, store.read_household(access, id).await?),
        Some(day) => {
            let end = day_start(day + chrono::Days::new(1)) - chrono::Duration::milliseconds(1);
            let (v, b) = store.household_as_of(access, id, end).await?;
            let detail = HouseholdDetail {
                id,
                household: b.household,
                members: b.members,
                incomes: b.incomes,
            };
            (Some(v), detail)
        }
    };
    let area = detail.household.area;
    // The parameters and both area names are independent reads.
    let (policy, village, township) =
        tokio::try_join!(store.policy_set(), store.area(&area), async {
            match area.parent() {
                Some(t) => store.area(&t).await,
                None => Ok(None),
            }
        },)?;
    Ok(HouseholdView {
        area_name: village.map(|a| a.name),
        as_of,
        household: masked_household(&detail.household),
        id: detail.id,
        incomes: detail
            .incomes
            .iter()
            .map(|rec| assess(&policy, &area, rec))
            .collect(),
        members: detail.members.iter().map(masked_member).collect(),
        township_name: township.map(|a| a.name),
        version,
    })
}

/// One year's income computed under the rules of `area` and compared with
/// its 监测范围.
fn assess(policy: &PolicySet, area: &AreaCode, rec: &IncomeRecord) -> IncomeView {
    let mut view = IncomeView {
        below_line: None,
        breakdown: None,
        line_source: None,
        monitoring_line: None,
        problem: None,
        record: rec.clone(),
        year: rec.year,
    };
    let rules = policy.income_rules(area, rec.year);
    let line = policy.monitoring_line(area, rec.year);
    match (rules, line) {
        (Ok(rules), Ok((line, def))) => match income::compute(rec, &rules) {
            Ok(b) => {
                view.below_line =
                    Some(income::compare(b.per_capita, line) == IncomeStanding::Below);
                view.monitoring_line = Some(line.fen());
                view.line_source = Some(LineSource {
                    confidence: def.confidence,
                    note: def.note.clone(),
                    scope: def.scope.map(fangpin_domain::AreaCode::as_string),
                    year: def.year,
                });
                view.breakdown = Some(b);
            }
            Err(e) => view.problem = Some(e.to_string()),
        },
        (Err(e), _) | (_, Err(e)) => view.problem = Some(e.to_string()),
    }
    view
}

fn masked_member(p: &Person) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    v["id_number"] = Value::String(p.id_number.masked());
    v["birth_date"] = Value::String(masked_birth_date(p.birth_date));
    v["phone"] = p.phone.as_deref().map(mask_phone).into();
    v
}

fn masked_household(h: &Household) -> Value {
    let mut v = serde_json::to_value(h).unwrap_or(Value::Null);
    v["head_id"] = Value::String(h.head_id.masked());
    v["phone"] = h.phone.as_deref().map(mask_phone).into();
    v["collector_phone"] = h.collector_phone.as_deref().map(mask_phone).into();
    v["bank_account"] = Value::Null;
    v
}
