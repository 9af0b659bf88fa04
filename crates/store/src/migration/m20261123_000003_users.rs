//! Users, roles (with their permissions as data), server-side sessions and
//! API tokens for machine clients.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("role")
                .if_not_exists()
                .col(string_len("code", 32).primary_key())
                .col(string_len("name", 64))
                .col(text("description"))
                // JSON array of permission codes.
                .col(text("permissions"))
                .col(boolean("builtin"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("app_user")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("username", 64))
                .col(string_len("display_name", 64))
                .col(text("password_hash"))
                .col(string_len("role_code", 32))
                // The root of the user's data scope.
                .col(char_len("area_code", 12))
                .col(string_len_null("department", 32))
                .col(string_len_null("phone", 32))
                .col(boolean("active"))
                .col(boolean("must_change_password"))
                // Seeded by `demo`: must change the password outside demo mode.
                .col(boolean("demo_seeded"))
                .col(integer("failed_logins").default(0))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_role")
                        .from("app_user", "role_code")
                        .to("role", "code"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("session")
                .if_not_exists()
                // SHA-256 of the cookie token: a leaked table opens no session.
                .col(char_len("token_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(string_len("csrf_token", 64))
                .col(string_len_null("address", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_user")
                        .from("session", "user_id")
                        .to("app_user", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_user")
                .table("session")
                .col("user_id")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("api_token")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("name", 64))
                .col(char_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_token_user")
                        .from("api_token", "user_id")
                        .to("app_user", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["api_token", "session", "app_user", "role"] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
