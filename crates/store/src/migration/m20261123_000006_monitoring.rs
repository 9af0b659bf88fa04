//! Monitoring cases (识别纳入 and 风险消除), their insert-only decision
//! ledger, assistance measures (the minimum the elimination criteria need),
//! and the official working-day calendar as editable data.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use super::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("case_file")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                // The household's village, kept with the case for scope and due lists.
                .col(char_len("area_code", 12))
                .col(string_len("channel", 16))
                .col(boolean("green_channel"))
                .col(string_len("state", 24))
                .col(string_len_null("category", 4))
                // Risk codes joined by commas, in order.
                .col(string_len("risks", 64))
                .col(text("summary"))
                .col(string_len_null("reporter", 64))
                .col(big_integer("opened_by"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(date("opened_on"))
                .col(big_integer_null("proposed_by"))
                .col(string_len_null("method", 4))
                .col(big_integer_null("township_by"))
                .col(date_null("notice_from"))
                .col(date_null("notice_until"))
                .col(date("step_since"))
                .col(date_null("step_due"))
                .col(date_null("overall_due"))
                .col(date_null("identified_on"))
                .col(date_null("eliminated_on"))
                .col(boolean("is_open"))
                .col(integer("revision"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_household")
                        .from("case_file", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_case_area_state",
            "case_file",
            &["area_code", "state"],
        )
        .await?;
        index(m, "ix_case_due", "case_file", &["is_open", "step_due"]).await?;
        index(m, "ix_case_household", "case_file", &["household_id"]).await?;
        // At most one open case per household; both dialects take a partial index.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_case_open ON case_file (household_id) WHERE is_open",
            )
            .await?;

        m.create_table(
            Table::create()
                .table("case_event")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(integer("seq"))
                .col(timestamp_with_time_zone("at"))
                .col(date("on_day"))
                .col(big_integer_null("user_id"))
                .col(string_len("actor", 64))
                .col(string_len("role", 32))
                .col(string_len("action", 32))
                .col(string_len_null("from_state", 24))
                .col(string_len("to_state", 24))
                .col(text("payload"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_event_case")
                        .from("case_event", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_case_event_seq")
                .table("case_event")
                .col("case_id")
                .col("seq")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("assist_measure")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(big_integer_null("case_id"))
                .col(char_len("area_code", 12))
                // 产业, 就业, 金融, 教育, 健康, 住房, 饮水, 综合保障, 搬迁, 社会帮扶 …
                .col(string_len("category", 16))
                // 开发式 / 保障 / 兜底
                .col(string_len("kind", 8))
                .col(string_len("name", 64))
                // The risk code the measure targets.
                .col(string_len("target_risk", 8))
                .col(date("started_on"))
                .col(date_null("ended_on"))
                .col(big_integer("amount_fen"))
                .col(text("note"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_measure_household")
                        .from("assist_measure", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_measure_household",
            "assist_measure",
            &["household_id"],
        )
        .await?;

        m.create_table(
            Table::create()
                .table("work_calendar_year")
                .if_not_exists()
                .col(integer("year").primary_key())
                .col(text("source"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("work_calendar_day")
                .if_not_exists()
                .col(date("day").primary_key())
                // 休 (official day off) / 班 (make-up working day)
                .col(string_len("kind", 4))
                .col(string_len("name", 32))
                .to_owned(),
        )
        .await?;

        let conn = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for op in ["UPDATE", "DELETE"] {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER IF NOT EXISTS case_event_no_{} BEFORE {op} ON case_event \
                         BEGIN SELECT RAISE(ABORT, '办理记录只允许追加，不能修改或删除'); END;",
                        op.to_lowercase()
                    ))
                    .await?;
                }
            }
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION case_event_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION '办理记录只允许追加，不能修改或删除（%）', TG_OP; \
                     END $$;",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER case_event_no_change BEFORE UPDATE OR DELETE ON case_event \
                     FOR EACH ROW EXECUTE FUNCTION case_event_append_only();",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON case_event \
                     FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only();",
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
        Err(DbErr::Migration("办理记录不可回滚删除".into()))
    }
}
