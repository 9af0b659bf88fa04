//! 农户自主申报 filed on the public form: who filed it (the ID number sealed
//! with a keyed hash for matching, as in the registry), for which village,
//! what happened, the consent given, and the township's decision — 受理 with
//! the household and the case it opened, or 不予受理 with the reason.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("self_report")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // 回执号: given to the applicant, with the ID's last 4 it finds the report.
                .col(string_len_uniq("receipt_no", 24))
                // The village the applicant chose; the township's scope decides who sees it.
                .col(char_len("area_code", 12))
                .col(string_len("applicant_name", 64))
                .col(text("id_enc"))
                .col(char_len("id_hash", 32))
                .col(string_len("phone", 32))
                .col(string_len("relation", 16))
                .col(string_len_null("head_name", 64))
                .col(string_len("hardship", 16))
                .col(text("description"))
                // The consent text's version the applicant ticked, and when.
                .col(string_len("consent_version", 16))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(date("submitted_on"))
                // Last day of the township's acceptance (none when the calendar
                // or the parameter does not cover the day of submission).
                .col(date_null("accept_due"))
                // pending / accepted / declined
                .col(string_len("status", 16))
                .col(big_integer_null("household_id"))
                .col(big_integer_null("case_id"))
                .col(big_integer_null("decided_by"))
                .col(string_len_null("decided_by_name", 64))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(date_null("decided_on"))
                .col(text_null("decline_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_self_report_area")
                        .from("self_report", "area_code")
                        .to("area", "code"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_self_report_household")
                        .from("self_report", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_self_report_case")
                        .from("self_report", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_self_report_area_status")
                .table("self_report")
                .col("area_code")
                .col("status")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_self_report_id_hash")
                .table("self_report")
                .col("id_hash")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("self_report").if_exists().to_owned())
            .await
    }
}
