//! PostgreSQL bulk path: `COPY … FROM STDIN` inside one transaction.
//!
//! Multi-row INSERTs cost PostgreSQL about 80 µs per row here (parsing and
//! planning statements with tens of thousands of parameters); COPY streams
//! rows in the text format instead. The row values are the same ones the
//! portable INSERT path uses, so both engines store identical data.

use chrono::Utc;
use sea_orm::sea_query::Value;
use sea_orm::sqlx::{self, PgConnection};

use crate::audit::{AUDIT_COLUMNS, Actor, AuditEntry, audit_values};
use crate::households::{
    HOUSEHOLD_COLUMNS, HouseholdBundle, PERSON_COLUMNS, household_values, income_values,
    person_values,
};
use crate::migration::INCOME_MONEY_COLUMNS;
use crate::{Result, Store, StoreError};

fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!(
        "PostgreSQL 批量写入失败：{e}"
    )))
}

/// Appends one value in COPY text format (`\N` for NULL, backslash escapes).
fn push_value(out: &mut String, v: &Value) -> Result<()> {
    use std::fmt::Write;
    let w = |r: std::fmt::Result| r.map_err(|e| StoreError::Invalid(e.to_string()));
    match v {
        Value::Bool(Some(b)) => out.push(if *b { 't' } else { 'f' }),
        Value::SmallInt(Some(n)) => w(write!(out, "{n}"))?,
        Value::Int(Some(n)) => w(write!(out, "{n}"))?,
        Value::BigInt(Some(n)) => w(write!(out, "{n}"))?,
        Value::String(Some(s)) => {
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        Value::ChronoDate(Some(d)) => w(write!(out, "{}", d.format("%Y-%m-%d")))?,
        Value::ChronoDateTimeWithTimeZone(Some(t)) => w(write!(out, "{}", t.to_rfc3339()))?,
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::ChronoDate(None)
        | Value::ChronoDateTimeWithTimeZone(None) => out.push_str("\\N"),
        other => {
            return Err(StoreError::Invalid(format!(
                "批量写入不支持的值类型：{other:?}"
            )));
        }
    }
    Ok(())
}

fn push_row(out: &mut String, row: &[Value]) -> Result<()> {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        push_value(out, v)?;
    }
    out.push('\n');
    Ok(())
}

async fn copy(conn: &mut PgConnection, table: &str, columns: &[&str], data: String) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let stmt = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut sink = conn.copy_in_raw(&stmt).await.map_err(db_err)?;
    sink.send(data.into_bytes()).await.map_err(db_err)?;
    sink.finish().await.map_err(db_err)?;
    Ok(())
}

async fn next_id(conn: &mut PgConnection, table: &str) -> Result<i64> {
    let max: i64 = // `table` is one of this module's constant table names.
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COALESCE(MAX(id), 0) FROM {table}"
    )))
        .fetch_one(conn)
        .await
        .map_err(db_err)?;
    Ok(max + 1)
}

pub(crate) async fn insert_households(
    store: &Store,
    actor: &Actor,
    entry: AuditEntry,
    bundles: &[HouseholdBundle],
) -> Result<usize> {
    let pool = store.connection().get_postgres_connection_pool();
    let mut tx = pool.begin().await.map_err(db_err)?;
    // Ids are assigned here, so concurrent bulk loads must take turns.
    sqlx::query("LOCK TABLE household, person, income_record IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let mut hh_id = next_id(&mut tx, "household").await?;
    let mut person_id = next_id(&mut tx, "person").await?;
    let mut income_id = next_id(&mut tx, "income_record").await?;
    let now = Utc::now().fixed_offset();

    let (mut hh, mut persons, mut incomes) = (String::new(), String::new(), String::new());
    for b in bundles {
        let h = &b.household;
        push_row(&mut hh, &household_values(&store.cipher, hh_id, h, now)?)?;
        for p in &b.members {
            push_row(
                &mut persons,
                &person_values(&store.cipher, person_id, hh_id, &h.area, p)?,
            )?;
            person_id += 1;
        }
        for r in &b.incomes {
            push_row(&mut incomes, &income_values(income_id, hh_id, &h.area, r))?;
            income_id += 1;
        }
        hh_id += 1;
    }
    let mut income_cols = vec!["id", "household_id", "area_code", "year", "annual_persons"];
    income_cols.extend(INCOME_MONEY_COLUMNS);
    // Parents first, so foreign keys hold row by row.
    copy(&mut tx, "household", &HOUSEHOLD_COLUMNS, hh).await?;
    copy(&mut tx, "person", &PERSON_COLUMNS, persons).await?;
    copy(&mut tx, "income_record", &income_cols, incomes).await?;
    let mut audit = String::new();
    push_row(&mut audit, &audit_values(actor, entry))?;
    copy(&mut tx, "audit_log", &AUDIT_COLUMNS, audit).await?;
    for table in ["household", "person", "income_record"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(bundles.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_and_nulls() {
        let mut out = String::new();
        push_row(
            &mut out,
            &[
                Value::String(Some("a\tb\\c\nd".into())),
                Value::String(None),
                Value::Bool(Some(true)),
                Value::SmallInt(Some(-3)),
                Value::ChronoDate(chrono::NaiveDate::from_ymd_opt(2024, 2, 29)),
            ],
        )
        .unwrap();
        assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\tt\t-3\t2024-02-29\n");
    }
}
