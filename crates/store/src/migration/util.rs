//! Helpers the migrations share. A migration's SQL must never change once
//! released, so a helper here is only ever added to, never altered.

use sea_orm_migration::prelude::*;

/// Creates the index `name` on `table`'s `cols` unless it exists.
pub(super) async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table.to_owned()).if_not_exists();
    for c in cols {
        idx.col(ToString::to_string(c));
    }
    m.create_index(idx.clone()).await
}
