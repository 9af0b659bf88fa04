//! Append-only audit log. The database itself refuses UPDATE, DELETE and
//! (PostgreSQL) TRUNCATE on it, so no application bug can rewrite history.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_log")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("user_id"))
                .col(string_len("actor", 64))
                .col(string_len("role", 32))
                .col(char_len_null("actor_area", 12))
                .col(string_len_null("address", 64))
                .col(string_len("action", 32))
                .col(string_len("entity", 32))
                .col(string_len_null("entity_key", 64))
                // The household's area when the entry concerns household data.
                .col(char_len_null("area_code", 12))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_audit_at", vec!["at"]),
            ("ix_audit_entity", vec!["entity", "entity_key"]),
            ("ix_audit_actor", vec!["actor", "at"]),
            ("ix_audit_area", vec!["area_code", "at"]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("audit_log").if_not_exists();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.clone()).await?;
        }
        let conn = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                conn.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, '审计日志只允许追加，不能修改'); END;",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, '审计日志只允许追加，不能删除'); END;",
                )
                .await?;
            }
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION '审计日志只允许追加，不能修改或删除（%）', TG_OP; \
                     END $$;",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!("不支持的数据库：{other:?}")));
            }
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The audit log is never dropped by a migration.
        Err(DbErr::Migration("审计日志不可回滚删除".into()))
    }
}
