//! The review queue of likely duplicate persons.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("duplicate_candidate")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("person_a"))
                .col(big_integer("person_b"))
                .col(char_len("area_a", 12))
                .col(char_len("area_b", 12))
                .col(string_len("rule", 32))
                // pending / same / different
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("found_at"))
                .col(string_len_null("decided_by", 64))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text_null("note"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_dup_a")
                        .from("duplicate_candidate", "person_a")
                        .to("person", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_dup_b")
                        .from("duplicate_candidate", "person_b")
                        .to("person", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_duplicate_pair")
                .table("duplicate_candidate")
                .col("person_a")
                .col("person_b")
                .col("rule")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_duplicate_status")
                .table("duplicate_candidate")
                .col("status")
                .col("area_a")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table("duplicate_candidate")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
