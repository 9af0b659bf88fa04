//! Data-quality findings (疑点) per household and rule, with when they were
//! first and last seen, the fix-by date, and when they were resolved.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("quality_issue")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(string_len("rule_id", 32))
                .col(string_len("severity", 8))
                .col(text("message"))
                .col(date("first_seen"))
                .col(date("last_seen"))
                .col(date_null("fix_by"))
                .col(date_null("resolved_on"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_quality_household")
                        .from("quality_issue", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_quality_area")
                .table("quality_issue")
                .col("area_code")
                .col("rule_id")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        // One open finding per household and rule.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_quality_open \
                 ON quality_issue (household_id, rule_id) WHERE resolved_on IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("quality_issue").if_exists().to_owned())
            .await
    }
}
