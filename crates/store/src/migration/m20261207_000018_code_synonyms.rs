//! Other words for codes (the national system's 之子, 高中, 残疾 …), kept as
//! data beside the code lists and seeded from the domain's synonyms.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("code_synonym")
                .if_not_exists()
                .col(string_len("list_key", 64))
                .col(string_len("word", 64))
                .col(string_len("code", 16))
                // never / always / male / female: when the export writes the word.
                .col(string_len("written", 8))
                .primary_key(Index::create().col("list_key").col("word"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_code_synonym_item")
                        .from("code_synonym", ("list_key", "code"))
                        .to("code_item", ("list_key", "code")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("code_synonym").to_owned())
            .await
    }
}
