//! Corrections of 帮扶措施: a measure gets a `revision`, so a correction or a
//! status change made on a stale page is refused, and who changed it last.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn columns() -> Vec<ColumnDef> {
    vec![
        integer("revision").default(0).to_owned(),
        big_integer_null("updated_by"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for mut c in columns() {
            m.alter_table(
                Table::alter()
                    .table("assist_measure")
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in columns() {
            m.alter_table(
                Table::alter()
                    .table("assist_measure")
                    .drop_column(c.get_column_name())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
