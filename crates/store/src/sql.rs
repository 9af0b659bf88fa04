//! Small SQL helpers shared by the feature modules.

use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::{Result, StoreError};

/// Inserts one row given as (column, value) pairs, so that a column and its
/// value are written side by side and cannot drift apart, and returns the
/// new row's `id` (both engines answer `RETURNING id`). `what` names the row
/// in the message of the (should-not-happen) error when no id comes back.
pub(crate) async fn insert_returning_id(
    tx: &DatabaseTransaction,
    table: &'static str,
    row: Vec<(&'static str, SimpleExpr)>,
    what: &str,
) -> Result<i64> {
    let (columns, values): (Vec<_>, Vec<_>) = row.into_iter().unzip();
    let mut ins = Query::insert();
    ins.into_table(table)
        .columns(columns)
        .values_panic(values)
        .returning_col("id");
    Ok(tx
        .query_one(&ins)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("{what}未返回编号")))?
        .try_get("", "id")?)
}
