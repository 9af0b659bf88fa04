//! The official name of an area (统计用区划 `荷花村村民委员会`) beside the
//! everyday name every page shows (`荷花村`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("area")
                .add_column(string_len_null("official_name", 128))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("area")
                .drop_column("official_name")
                .to_owned(),
        )
        .await
    }
}
