//! Versions of households (with members and income records) for history,
//! "as of a date" reads and diffs. Snapshots are sealed: they hold ID numbers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("household_version")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(integer("version"))
                .col(timestamp_with_time_zone("valid_from"))
                .col(string_len("actor", 64))
                .col(string_len("role", 32))
                .col(text("reason"))
                // JSON of the household, members and incomes, sealed with the data key.
                .col(text("snapshot_enc"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_version_household")
                        .from("household_version", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_household_version")
                .table("household_version")
                .col("household_id")
                .col("version")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table("household_version")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
