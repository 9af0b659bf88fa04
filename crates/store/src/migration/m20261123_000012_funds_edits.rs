//! Corrections of the money measures: every record of 小额信贷, 公益性岗位,
//! 到户产业奖补 and 务工 gets a `revision` (an edit made on a stale page is
//! refused) and who changed it last; an award can be withdrawn (撤销, with a
//! reason) and a 务工 record ended.
//!
//! SQLite adds one column per `ALTER TABLE`, so each column is its own step.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["micro_loan", "public_post", "industry_award", "employment"];

/// Columns every record gets.
fn edit_columns() -> Vec<ColumnDef> {
    vec![
        integer("revision").default(0).to_owned(),
        big_integer_null("updated_by"),
        timestamp_with_time_zone_null("updated_at"),
    ]
}

/// Columns one kind of record gets.
fn own_columns(table: &str) -> Vec<ColumnDef> {
    match table {
        "industry_award" => vec![
            date_null("withdrawn_on"),
            big_integer_null("withdrawn_by"),
            text_null("withdraw_reason"),
        ],
        "employment" => vec![date_null("ended_on")],
        _ => Vec::new(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            for mut c in edit_columns().into_iter().chain(own_columns(t)) {
                m.alter_table(
                    Table::alter()
                        .table(t.to_owned())
                        .add_column(&mut c)
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            for c in edit_columns().into_iter().chain(own_columns(t)) {
                m.alter_table(
                    Table::alter()
                        .table(t.to_owned())
                        .drop_column(c.get_column_name())
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }
}
