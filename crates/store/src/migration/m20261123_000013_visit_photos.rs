//! Visit photos: the pictures a cadre takes at the door, kept in the
//! database with their type (told by their bytes), size and SHA-256, next to
//! the visit and its village so that reads can be scoped like the visit.

use sea_orm_migration::{prelude::*, schema::*};

use super::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("visit_photo")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("visit_id"))
                .col(char_len("area_code", 12))
                .col(string_len("content_type", 32))
                .col(big_integer("size"))
                .col(char_len("sha256", 64))
                .col(string_len("file_name", 200))
                .col(blob("data"))
                .col(big_integer_null("uploaded_by"))
                .col(string_len("uploaded_by_name", 100))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_visit_photo_visit")
                        .from("visit_photo", "visit_id")
                        .to("visit", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_visit_photo_visit",
            "visit_photo",
            &["visit_id", "id"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("visit_photo").if_exists().to_owned())
            .await
    }
}
