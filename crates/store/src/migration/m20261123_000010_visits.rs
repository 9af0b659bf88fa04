//! Visits (走访 / 敲门行动) and campaigns (集中排查, 大走访大排查, 回头看):
//! the visit log, campaigns with their period and target rule, and each
//! campaign's target list drawn when it is created.

use sea_orm_migration::{prelude::*, schema::*};

use super::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("campaign")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len("name", 120))
                .col(string_len("kind", 16))
                .col(char_len("area_code", 12))
                .col(date("period_from"))
                .col(date("period_until"))
                .col(string_len("targets", 400))
                .col(date("drawn_on"))
                .col(big_integer("target_count"))
                .col(big_integer_null("created_by"))
                .col(string_len("created_by_name", 100))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_campaign_area",
            "campaign",
            &["area_code", "period_until"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("campaign_target")
                .if_not_exists()
                .col(big_integer("campaign_id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(string_len("reasons", 400))
                .primary_key(Index::create().col("campaign_id").col("household_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_campaign_target_campaign")
                        .from("campaign_target", "campaign_id")
                        .to("campaign", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_campaign_target_household")
                        .from("campaign_target", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_campaign_target_area",
            "campaign_target",
            &["campaign_id", "area_code"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("visit")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(date("visit_date"))
                .col(string_len("kind", 16))
                .col(big_integer_null("visitor_id"))
                .col(string_len("visitor_name", 100))
                .col(string_len("visitor_role", 40))
                .col(big_integer_null("campaign_id"))
                .col(text("findings"))
                .col(string_len("flags", 200))
                .col(boolean("risk_found"))
                .col(big_integer_null("case_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_visit_household")
                        .from("visit", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_visit_campaign")
                        .from("visit", "campaign_id")
                        .to("campaign", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_visit_household",
            "visit",
            &["household_id", "visit_date"],
        )
        .await?;
        index(m, "ix_visit_area", "visit", &["area_code", "visit_date"]).await?;
        index(
            m,
            "ix_visit_visitor",
            "visit",
            &["visitor_id", "visit_date"],
        )
        .await?;
        index(m, "ix_visit_date", "visit", &["visit_date", "household_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["visit", "campaign_target", "campaign"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
