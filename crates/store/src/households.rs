//! Households, their members and annual income records.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use fangpin_domain::household::{Household, Person, YearMonth};
use fangpin_domain::income::IncomeRecord;
use fangpin_domain::{AreaCode, IdNumber, Money, Sex};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr, Value};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};
use serde::Serialize;

use crate::audit::{AuditEntry, record};
use crate::crypto::FieldCipher;
use crate::entity::{household, income_record, person};
use crate::migration::INCOME_MONEY_COLUMNS;
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{Engine, Result, Store, StoreError};

pub use fangpin_domain::HouseholdBundle;

/// A stored household as read back.
#[derive(Clone, Debug, Serialize)]
pub struct HouseholdDetail {
    pub id: i64,
    pub household: Household,
    pub members: Vec<Person>,
    pub incomes: Vec<IncomeRecord>,
}

impl HouseholdDetail {
    /// The household, members and incomes without the row id.
    pub fn into_bundle(self) -> HouseholdBundle {
        HouseholdBundle {
            household: self.household,
            members: self.members,
            incomes: self.incomes,
        }
    }
}

pub(crate) const HOUSEHOLD_COLUMNS: [&str; 27] = [
    "id",
    "area_code",
    "group_no",
    "household_no",
    "head_name",
    "head_id_enc",
    "head_id_hash",
    "phone",
    "household_type",
    "poverty_policy",
    "monitor_category",
    "is_military_family",
    "current_size",
    "identified_month",
    "eliminated_month",
    "risk_eliminated",
    "elimination_method",
    "risks",
    "dev_measure_status",
    "no_labor_safety_net",
    "collector_name",
    "collector_phone",
    "bank_name",
    "bank_account_enc",
    "conditions",
    "created_at",
    "updated_at",
];

pub(crate) const PERSON_COLUMNS: [&str; 31] = [
    "id",
    "household_id",
    "area_code",
    "person_no",
    "name",
    "sex",
    "id_type",
    "id_enc",
    "id_hash",
    "birth_date",
    "ethnicity",
    "relation",
    "phone",
    "political_status",
    "education",
    "student_status",
    "dropout_reason",
    "graduate_unemployed_reason",
    "health",
    "labor_skill",
    "work_months",
    "work_place",
    "work_employer",
    "works_abroad",
    "public_welfare_post",
    "public_welfare_months",
    "speaks_mandarin",
    "insurance",
    "disability_cert_year",
    "unsupported_child",
    "dropout_after_elimination",
];

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("无法序列化：{e}")))
}

pub(crate) fn household_values(
    c: &FieldCipher,
    id: i64,
    h: &Household,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Value>> {
    let v: Vec<Value> = vec![
        id.into(),
        h.area.as_string().into(),
        h.group_no.map(|g| g as i16).into(),
        h.household_no.clone().into(),
        h.head_name.clone().into(),
        c.seal(h.head_id.as_str()).into(),
        c.lookup_hash(h.head_id.as_str()).into(),
        h.phone.clone().into(),
        h.household_type.clone().into(),
        h.poverty_policy.clone().into(),
        h.monitor_category.clone().into(),
        h.is_military_family.into(),
        (h.current_size as i16).into(),
        h.identified_month.map(|m| m.to_string()).into(),
        h.eliminated_month.map(|m| m.to_string()).into(),
        h.risk_eliminated.into(),
        h.elimination_method.clone().into(),
        json(&h.risks)?.into(),
        h.dev_measure_status.clone().into(),
        h.no_labor_safety_net.into(),
        h.collector_name.clone().into(),
        h.collector_phone.clone().into(),
        h.bank_name.clone().into(),
        h.bank_account.as_deref().map(|a| c.seal(a)).into(),
        json(&h.conditions)?.into(),
        now.into(),
        now.into(),
    ];
    Ok(v)
}

pub(crate) fn person_values(
    c: &FieldCipher,
    id: i64,
    household_id: i64,
    area: &AreaCode,
    p: &Person,
) -> Result<Vec<Value>> {
    let v: Vec<Value> = vec![
        id.into(),
        household_id.into(),
        area.as_string().into(),
        p.person_no.clone().into(),
        p.name.clone().into(),
        i16::from(p.sex.code()).into(),
        p.id_type.clone().into(),
        c.seal(p.id_number.as_str()).into(),
        c.lookup_hash(p.id_number.as_str()).into(),
        p.birth_date.into(),
        p.ethnicity.clone().into(),
        p.relation.clone().into(),
        p.phone.clone().into(),
        p.political_status.clone().into(),
        p.education.clone().into(),
        p.student_status.clone().into(),
        p.dropout_reason.clone().into(),
        p.graduate_unemployed_reason.clone().into(),
        p.health.clone().into(),
        p.labor_skill.clone().into(),
        i16::from(p.work_months).into(),
        p.work_place.clone().into(),
        p.work_employer.clone().into(),
        p.works_abroad.into(),
        p.public_welfare_post.clone().into(),
        i16::from(p.public_welfare_months).into(),
        p.speaks_mandarin.into(),
        json(&p.insurance)?.into(),
        p.disability_cert_year.into(),
        p.unsupported_child.into(),
        p.dropout_after_elimination.into(),
    ];
    Ok(v)
}

fn income_money(r: &IncomeRecord) -> [Money; 19] {
    [
        r.wage,
        r.wage_public_welfare,
        r.wage_other,
        r.business,
        r.property,
        r.property_dividend,
        r.property_other,
        r.transfer,
        r.transfer_pension,
        r.transfer_family_planning,
        r.transfer_eco,
        r.transfer_dibao,
        r.transfer_tekun,
        r.transfer_other,
        r.industry_award,
        r.employment_award,
        r.production_cost,
        r.cost_subsidy,
        r.rigid_expense,
    ]
}

pub(crate) fn income_values(
    id: i64,
    household_id: i64,
    area: &AreaCode,
    r: &IncomeRecord,
) -> Vec<Value> {
    let mut v: Vec<Value> = vec![
        id.into(),
        household_id.into(),
        area.as_string().into(),
        r.year.into(),
        (r.annual_persons as i16).into(),
    ];
    v.extend(income_money(r).iter().map(|m| Value::from(m.fen())));
    v
}

/// Accumulates rows of one table into multi-row INSERT statements that stay
/// under both engines' bind-parameter limits.
struct RowBatch {
    table: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
    max_rows: usize,
}

impl RowBatch {
    fn new(table: &'static str, columns: &[&'static str]) -> Self {
        // SQLite allows 32,766 bound values per statement, PostgreSQL 65,535.
        let max_rows = (30_000 / columns.len()).max(1);
        RowBatch {
            table,
            columns: columns.to_vec(),
            rows: Vec::with_capacity(max_rows),
            max_rows,
        }
    }

    async fn push(&mut self, tx: &DatabaseTransaction, row: Vec<Value>) -> Result<()> {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
        if self.rows.len() >= self.max_rows {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &DatabaseTransaction) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut stmt = Query::insert();
        stmt.into_table(self.table)
            .columns(self.columns.iter().copied());
        for row in self.rows.drain(..) {
            stmt.values_panic(row.into_iter().map(SimpleExpr::from));
        }
        tx.execute(&stmt).await?;
        Ok(())
    }
}

impl Store {
    /// Writes, inside `tx`, new households (fresh ids) and replacements of
    /// existing ones (same id; members and income records rewritten).
    /// Parents are written before children so foreign keys hold at every
    /// statement (SQLite checks them immediately).
    pub(crate) async fn write_tx(
        &self,
        tx: &DatabaseTransaction,
        new: &[&HouseholdBundle],
        replaced: &[(i64, &HouseholdBundle)],
    ) -> Result<()> {
        let now = Utc::now().fixed_offset();
        for (id, b) in replaced {
            let values = household_values(&self.cipher, *id, &b.household, now)?;
            let mut upd = Query::update();
            upd.table("household");
            for (col, v) in HOUSEHOLD_COLUMNS.iter().zip(values) {
                if *col != "id" && *col != "created_at" {
                    upd.value(*col, v);
                }
            }
            upd.and_where(Expr::col("id").eq(*id));
            tx.execute(&upd).await?;
            for table in ["person", "income_record"] {
                let mut del = Query::delete();
                del.from_table(table)
                    .and_where(Expr::col("household_id").eq(*id));
                tx.execute(&del).await?;
            }
        }
        let mut hh_id = self.next_id(tx, "household").await?;
        let mut person_id = self.next_id(tx, "person").await?;
        let mut income_id = self.next_id(tx, "income_record").await?;
        let mut hh_batch = RowBatch::new("household", &HOUSEHOLD_COLUMNS);
        let mut p_batch = RowBatch::new("person", &PERSON_COLUMNS);
        let mut cols = vec!["id", "household_id", "area_code", "year", "annual_persons"];
        cols.extend(INCOME_MONEY_COLUMNS);
        let mut i_batch = RowBatch::new("income_record", &cols);

        let mut all: Vec<(i64, &HouseholdBundle)> = replaced.to_vec();
        for b in new {
            hh_batch
                .push(
                    tx,
                    household_values(&self.cipher, hh_id, &b.household, now)?,
                )
                .await?;
            all.push((hh_id, b));
            hh_id += 1;
        }
        hh_batch.flush(tx).await?;
        for (id, b) in all {
            let area = &b.household.area;
            for p in &b.members {
                p_batch
                    .push(tx, person_values(&self.cipher, person_id, id, area, p)?)
                    .await?;
                person_id += 1;
            }
            for r in &b.incomes {
                i_batch
                    .push(tx, income_values(income_id, id, area, r))
                    .await?;
                income_id += 1;
            }
        }
        p_batch.flush(tx).await?;
        i_batch.flush(tx).await?;
        Ok(())
    }

    async fn next_id(&self, tx: &DatabaseTransaction, table: &str) -> Result<i64> {
        let row = tx
            .query_one_raw(Statement::from_string(
                self.backend(),
                format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
            ))
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("无法读取 {table} 的最大编号")))?;
        let max: i64 = row.try_get("", "m")?;
        Ok(max + 1)
    }

    /// Inserts households with their members and income records in one
    /// transaction: all of them or none. Used by demo generation and imports.
    /// Returns the number of households inserted.
    pub async fn insert_households(
        &self,
        access: &Access,
        note: &str,
        bundles: &[HouseholdBundle],
    ) -> Result<usize> {
        if bundles.is_empty() {
            return Ok(0);
        }
        access.require(perm::HOUSEHOLD_WRITE)?;
        let scope = access.scope_unchecked();
        if let Some(b) = bundles
            .iter()
            .find(|b| !scope.covers_area(&b.household.area))
        {
            return Err(StoreError::Forbidden(format!(
                "户编号 {} 所在区划 {} 不在您的管辖范围内",
                b.household.household_no,
                b.household.area.as_string()
            )));
        }
        let actor = &access.actor();
        let entry = bulk_entry(note, bundles);
        if self.engine == Engine::Postgres {
            return crate::pg_copy::insert_households(self, actor, entry, bundles).await;
        }
        let tx = self.begin_write().await?;
        let new: Vec<&HouseholdBundle> = bundles.iter().collect();
        self.write_tx(&tx, &new, &[]).await?;
        record(&tx, actor, entry).await?;
        tx.commit().await?;
        Ok(bundles.len())
    }

    pub async fn household_count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(household::Entity::find().count(&self.db).await?)
    }

    pub async fn person_count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(person::Entity::find().count(&self.db).await?)
    }

    /// Reads one household with members and income records. A household
    /// outside the caller's area does not exist for them.
    pub async fn household(&self, access: &Access, id: i64) -> Result<HouseholdDetail> {
        let h = household::Entity::find_by_id(id)
            .filter(in_scope(access)?)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("农户不存在：{id}")))?;
        self.detail_of(h).await
    }

    pub async fn household_by_no(
        &self,
        access: &Access,
        household_no: &str,
    ) -> Result<HouseholdDetail> {
        let h = household::Entity::find()
            .filter(household::Column::HouseholdNo.eq(household_no))
            .filter(in_scope(access)?)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("户编号不存在：{household_no}")))?;
        self.detail_of(h).await
    }

    /// Reads one household for display (the household page) and records the
    /// read in the audit log: a household's members, health and income are
    /// personal data, and who looked at them is on record.
    pub async fn read_household(&self, access: &Access, id: i64) -> Result<HouseholdDetail> {
        let d = self.household(access, id).await?;
        self.audit_household_read(access, &d.household, "查看农户档案")
            .await?;
        Ok(d)
    }

    /// Records that the caller read a household's personal data (`what`).
    pub(crate) async fn audit_household_read(
        &self,
        access: &Access,
        h: &Household,
        what: &str,
    ) -> Result<()> {
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "read_household",
                entity: "household",
                entity_key: Some(h.household_no.clone()),
                area: Some(h.area),
                note: Some(what.to_owned()),
                ..Default::default()
            },
        )
        .await
    }

    /// The full ID numbers of a household, for a caller allowed to see them;
    /// every reveal is recorded in the audit log.
    pub async fn reveal_ids(&self, access: &Access, id: i64) -> Result<RevealedIds> {
        access.require(perm::ID_UNMASK)?;
        let d = self.household(access, id).await?;
        let revealed = RevealedIds {
            head_id: d.household.head_id.as_str().to_owned(),
            members: d
                .members
                .iter()
                .map(|m| RevealedId {
                    person_no: m.person_no.clone(),
                    name: m.name.clone(),
                    id_number: m.id_number.as_str().to_owned(),
                })
                .collect(),
        };
        self.audit(
            &access.actor(),
            AuditEntry {
                action: "read_sensitive",
                entity: "household",
                entity_key: Some(d.household.household_no.clone()),
                area: Some(d.household.area),
                note: Some(format!("查看完整证件号（{}人）", revealed.members.len())),
                ..Default::default()
            },
        )
        .await?;
        Ok(revealed)
    }

    async fn detail_of(&self, h: household::Model) -> Result<HouseholdDetail> {
        let members = person::Entity::find()
            .filter(person::Column::HouseholdId.eq(h.id))
            .order_by_asc(person::Column::Id)
            .all(&self.db)
            .await?;
        let incomes = income_record::Entity::find()
            .filter(income_record::Column::HouseholdId.eq(h.id))
            .order_by_asc(income_record::Column::Year)
            .all(&self.db)
            .await?;
        Ok(HouseholdDetail {
            id: h.id,
            members: members
                .into_iter()
                .map(|m| person_of(&self.cipher, m))
                .collect::<Result<_>>()?,
            incomes: incomes.into_iter().map(income_of).collect(),
            household: household_of(&self.cipher, h)?,
        })
    }

    /// One page of the households the caller may see, filtered.
    pub async fn household_page(
        &self,
        access: &Access,
        filter: &HouseholdFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<HouseholdListItem>)> {
        use sea_orm::{PaginatorTrait, QuerySelect};
        let scope = access.scope()?.within(filter.area.as_ref())?;
        let mut q = household::Entity::find()
            .filter(scope.on(Keyed::household(None)))
            .filter(in_registry());
        if let Some(g) = filter.group_no {
            q = q.filter(household::Column::GroupNo.eq(g as i16));
        }
        if let Some(t) = &filter.household_type {
            q = q.filter(household::Column::HouseholdType.eq(t.as_str()));
        }
        if let Some(c) = &filter.monitor_category {
            q = q.filter(household::Column::MonitorCategory.eq(c.as_str()));
        }
        if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            if let Ok(id) = IdNumber::parse(text) {
                // Exact ID lookup through the keyed hash: the head or any
                // member. Searching by a full ID number is a sensitive read.
                self.audit(
                    &access.actor(),
                    AuditEntry {
                        action: "search_id",
                        entity: "person",
                        entity_key: Some(id.masked()),
                        area: Some(*scope.area()),
                        note: Some("按完整证件号码查询农户".into()),
                        ..Default::default()
                    },
                )
                .await?;
                let hash = self.cipher.lookup_hash(id.as_str());
                let mut members = Query::select();
                members
                    .column("household_id")
                    .from("person")
                    .and_where(Expr::col("id_hash").eq(hash.as_str()));
                q = q.filter(
                    Expr::col(household::Column::HeadIdHash)
                        .eq(hash.as_str())
                        .or(Expr::col(household::Column::Id).in_subquery(members)),
                );
            } else {
                let like = format!("{}%", text.replace(['%', '_'], ""));
                q = q.filter(
                    Expr::col(household::Column::HeadName)
                        .like(like.clone())
                        .or(Expr::col(household::Column::HouseholdNo).like(like)),
                );
            }
        }
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_asc(household::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut names = std::collections::HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for m in rows {
            let id = m.id;
            let h = household_of(&self.cipher, m)?;
            let area_name = match names.get(&h.area) {
                Some(n) => n,
                None => {
                    let n = self
                        .area(&h.area)
                        .await?
                        .map(|a| a.name)
                        .unwrap_or_default();
                    names.entry(h.area).or_insert(n)
                }
            }
            .clone();
            items.push(HouseholdListItem {
                id,
                area_name,
                household: h,
            });
        }
        Ok((total, items))
    }
}

/// Filters of the household list; all optional.
#[derive(Clone, Debug, Default)]
pub struct HouseholdFilter {
    pub area: Option<AreaCode>,
    pub group_no: Option<u16>,
    pub household_type: Option<String>,
    pub monitor_category: Option<String>,
    /// 户主姓名 or 户编号 prefix, or a full ID number of any member.
    pub q: Option<String>,
}

/// One row of the household list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug)]
pub struct HouseholdListItem {
    pub id: i64,
    pub area_name: String,
    pub household: Household,
}

/// Full ID numbers of one household (see [`Store::reveal_ids`]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct RevealedIds {
    pub head_id: String,
    pub members: Vec<RevealedId>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct RevealedId {
    pub person_no: String,
    pub name: String,
    pub id_number: String,
}

/// Households the caller may see (see [`crate::scope`]).
fn in_scope(access: &Access) -> Result<SimpleExpr> {
    Ok(access.scope()?.on(Keyed::household(None)))
}

/// Households of the current registry: a household merged into another
/// (合户) stays as an empty shell for its history, with 当前家庭人口数 0.
pub(crate) fn in_registry() -> sea_orm::sea_query::SimpleExpr {
    Expr::col((household::Entity, household::Column::CurrentSize)).gt(0)
}

/// The audit entry of a bulk insert: counts and the first and last 户编号.
fn bulk_entry(note: &str, bundles: &[HouseholdBundle]) -> AuditEntry {
    let first = &bundles[0].household;
    let last = &bundles[bundles.len() - 1].household;
    let persons: usize = bundles.iter().map(|b| b.members.len()).sum();
    let same_area = bundles.iter().all(|b| b.household.area == first.area);
    AuditEntry {
        action: "bulk_insert",
        entity: "household",
        entity_key: Some(first.household_no.clone()),
        area: same_area.then_some(first.area),
        after: Some(serde_json::json!({
            "households": bundles.len(),
            "persons": persons,
            "first_household_no": first.household_no,
            "last_household_no": last.household_no,
        })),
        note: Some(note.to_owned()),
        ..Default::default()
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn unseal_id(c: &FieldCipher, sealed: &str) -> Result<IdNumber> {
    let plain = c.open(sealed).map_err(corrupt)?;
    IdNumber::parse(&plain).map_err(corrupt)
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| corrupt(format!("{what} 无法解析：{e}")))
}

fn month(s: Option<String>) -> Result<Option<YearMonth>> {
    s.map(|m| {
        m.parse::<YearMonth>()
            .map_err(|e| corrupt(format!("月份 {m}：{e}")))
    })
    .transpose()
}

pub(crate) fn household_of(c: &FieldCipher, m: household::Model) -> Result<Household> {
    Ok(Household {
        household_no: m.household_no,
        area: AreaCode::parse(m.area_code.trim()).map_err(corrupt)?,
        group_no: m.group_no.map(|g| g as u16),
        head_name: m.head_name,
        head_id: unseal_id(c, &m.head_id_enc)?,
        phone: m.phone,
        household_type: m.household_type,
        poverty_policy: m.poverty_policy,
        monitor_category: m.monitor_category,
        is_military_family: m.is_military_family,
        current_size: m.current_size as u16,
        identified_month: month(m.identified_month)?,
        eliminated_month: month(m.eliminated_month)?,
        risk_eliminated: m.risk_eliminated,
        elimination_method: m.elimination_method,
        risks: parse_json(&m.risks, "致贫返贫风险")?,
        dev_measure_status: m.dev_measure_status,
        no_labor_safety_net: m.no_labor_safety_net,
        collector_name: m.collector_name,
        collector_phone: m.collector_phone,
        bank_name: m.bank_name,
        bank_account: m
            .bank_account_enc
            .map(|a| c.open(&a).map_err(corrupt))
            .transpose()?,
        conditions: parse_json(&m.conditions, "生产生活条件")?,
    })
}

pub(crate) fn person_of(c: &FieldCipher, m: person::Model) -> Result<Person> {
    Ok(Person {
        person_no: m.person_no,
        name: m.name,
        sex: if m.sex == 1 { Sex::Male } else { Sex::Female },
        id_type: m.id_type,
        id_number: unseal_id(c, &m.id_enc)?,
        birth_date: m.birth_date,
        ethnicity: m.ethnicity,
        relation: m.relation,
        phone: m.phone,
        political_status: m.political_status,
        education: m.education,
        student_status: m.student_status,
        dropout_reason: m.dropout_reason,
        graduate_unemployed_reason: m.graduate_unemployed_reason,
        health: m.health,
        labor_skill: m.labor_skill,
        work_months: m.work_months as u8,
        work_place: m.work_place,
        work_employer: m.work_employer,
        works_abroad: m.works_abroad,
        public_welfare_post: m.public_welfare_post,
        public_welfare_months: m.public_welfare_months as u8,
        speaks_mandarin: m.speaks_mandarin,
        insurance: parse_json(&m.insurance, "参保情况")?,
        disability_cert_year: m.disability_cert_year,
        unsupported_child: m.unsupported_child,
        dropout_after_elimination: m.dropout_after_elimination,
    })
}

pub(crate) fn income_of(m: income_record::Model) -> IncomeRecord {
    let f = Money::from_fen;
    IncomeRecord {
        year: m.year,
        annual_persons: m.annual_persons as u16,
        wage: f(m.wage),
        wage_public_welfare: f(m.wage_public_welfare),
        wage_other: f(m.wage_other),
        business: f(m.business),
        property: f(m.property),
        property_dividend: f(m.property_dividend),
        property_other: f(m.property_other),
        transfer: f(m.transfer),
        transfer_pension: f(m.transfer_pension),
        transfer_family_planning: f(m.transfer_family_planning),
        transfer_eco: f(m.transfer_eco),
        transfer_dibao: f(m.transfer_dibao),
        transfer_tekun: f(m.transfer_tekun),
        transfer_other: f(m.transfer_other),
        industry_award: f(m.industry_award),
        employment_award: f(m.employment_award),
        production_cost: f(m.production_cost),
        cost_subsidy: f(m.cost_subsidy),
        rigid_expense: f(m.rigid_expense),
    }
}

impl Store {
    /// The households with these 户编号 in the caller's scope, with members
    /// and incomes, read in bulk and keyed by 户编号; a number outside the
    /// scope or unknown is absent. Refuses callers without `household.read`.
    pub async fn households_by_no<'a>(
        &self,
        access: &Access,
        nos: impl Iterator<Item = &'a str>,
    ) -> Result<HashMap<String, HouseholdDetail>> {
        let scope = access.scope()?;
        let nos: Vec<String> = nos.map(str::to_owned).collect();
        let mut q = Query::select();
        q.column("id")
            .from("household")
            .and_where(Expr::col("household_no").is_in(nos))
            .and_where(scope.on(Keyed::household(None)));
        let mut ids = Vec::new();
        for r in self.db.query_all(&q).await? {
            ids.push(r.try_get::<i64>("", "id")?);
        }
        Ok(self
            .load_bundles(&self.db, ids)
            .await?
            .into_iter()
            .map(|(id, b)| {
                (
                    b.household.household_no.clone(),
                    HouseholdDetail {
                        id,
                        household: b.household,
                        members: b.members,
                        incomes: b.incomes,
                    },
                )
            })
            .collect())
    }
}
