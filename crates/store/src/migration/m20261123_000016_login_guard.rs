//! Login failures counted per account *and* client address, so that wrong
//! passwords from one place lock the account only for that place; and API
//! tokens that were created without an end get one.

use sea_orm_migration::sea_query::{Expr, ExprTrait, Query};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Days a token created before expiry existed stays valid after the upgrade.
const LEGACY_TOKEN_DAYS: i64 = 90;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("login_failure")
                .if_not_exists()
                .col(big_integer("user_id"))
                // The client address as the server saw it; empty when unknown.
                .col(string_len("address", 64))
                .col(integer("failures").default(0))
                .col(timestamp_with_time_zone("last_failed_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .primary_key(Index::create().col("user_id").col("address"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_login_failure_user")
                        .from("login_failure", "user_id")
                        .to("app_user", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let until = (chrono::Utc::now() + chrono::Duration::days(LEGACY_TOKEN_DAYS)).fixed_offset();
        let mut upd = Query::update();
        upd.table("api_token")
            .value("expires_at", until)
            .and_where(Expr::col("expires_at").is_null());
        m.get_connection().execute(&upd).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("login_failure").if_exists().to_owned())
            .await?;
        Ok(())
    }
}
