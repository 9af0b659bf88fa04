//! Assistance (帮扶): the 帮扶干部 registry, the pairing of a 帮扶责任人 with a
//! household (history kept, at most one current), the 一户一策 plan of each
//! monitored household, and the catalogue code, status and evidence of each
//! measure (existing measures stay valid: no code, status 实施中).

use sea_orm_migration::{prelude::*, schema::*};

use super::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("assist_cadre")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len("name", 32))
                .col(string_len("unit", 64))
                .col(string_len("position", 32))
                // Masked in every response, like members' phones.
                .col(string_len("phone", 32))
                // The area whose households the cadre may be paired with.
                .col(char_len("area_code", 12))
                // The login of the cadre, for `assist.own` (their own households).
                .col(big_integer_null("user_id"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_cadre_area", "assist_cadre", &["area_code"]).await?;
        index(m, "ix_cadre_user", "assist_cadre", &["user_id"]).await?;

        m.create_table(
            Table::create()
                .table("assist_pairing")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(big_integer("cadre_id"))
                .col(char_len("area_code", 12))
                .col(date("from_on"))
                // Open while current.
                .col(date_null("until_on"))
                .col(text_null("end_reason"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_pairing_household")
                        .from("assist_pairing", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_pairing_cadre")
                        .from("assist_pairing", "cadre_id")
                        .to("assist_cadre", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_pairing_household",
            "assist_pairing",
            &["household_id"],
        )
        .await?;
        index(m, "ix_pairing_cadre", "assist_pairing", &["cadre_id"]).await?;
        // One current 帮扶责任人 per household; both dialects take a partial index.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_pairing_current \
                 ON assist_pairing (household_id) WHERE until_on IS NULL",
            )
            .await?;

        m.create_table(
            Table::create()
                .table("assist_plan")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id").unique_key())
                // The monitoring case the plan was made for, when there is one.
                .col(big_integer_null("case_id"))
                .col(char_len("area_code", 12))
                .col(text("goals"))
                .col(date_null("reviewed_on"))
                .col(big_integer_null("reviewed_by"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("revision"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_plan_household")
                        .from("assist_plan", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        index(m, "ix_plan_area", "assist_plan", &["area_code"]).await?;

        // SQLite adds one column per ALTER; the defaults keep old rows valid.
        let columns = [
            ColumnDef::new("catalogue_code")
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new("status")
                .string_len(12)
                .not_null()
                .default("active")
                .to_owned(),
            ColumnDef::new("evidence").text().null().to_owned(),
            ColumnDef::new("updated_at")
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ];
        for mut c in columns {
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
        for c in ["catalogue_code", "status", "evidence", "updated_at"] {
            m.alter_table(
                Table::alter()
                    .table("assist_measure")
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        for t in ["assist_plan", "assist_pairing", "assist_cadre"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
