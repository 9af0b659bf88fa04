//! The audit log's hash chain (see `crate::audit_chain`): `audit_chain` links
//! every entry to the one before it, `audit_chain_head` holds the last link.
//! Entries written before this version are chained here, in id order; later
//! ones are chained as they are written (SQLite: by the store; PostgreSQL: by
//! a trigger deferred to commit). Both tables are protected like the log.

use sea_orm::{DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::audit_chain::{CONTENT_COLUMNS, GENESIS, content_of, link_hash};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PAGE: i64 = 2_000;

/// The chain link of a new entry on PostgreSQL: the same canonical content as
/// `audit_chain::canonical`, in SQL.
const PG_LINK_FUNCTIONS: &str = r"
CREATE OR REPLACE FUNCTION audit_chain_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN v IS NULL THEN '-'
         ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v END || E'\n'
$f$;
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql AS $f$
DECLARE
  s bigint;
  h text;
BEGIN
  UPDATE audit_chain_head SET
    seq = seq + 1,
    hash = encode(sha256(convert_to(
      hash || E'\n' || (seq + 1)::text || E'\n' || NEW.id::text || E'\n'
      || ((extract(epoch FROM NEW.at) * 1000000)::bigint)::text || E'\n'
      || audit_chain_field(NEW.user_id::text) || audit_chain_field(NEW.actor)
      || audit_chain_field(NEW.role) || audit_chain_field(NEW.actor_area::text)
      || audit_chain_field(NEW.address) || audit_chain_field(NEW.action)
      || audit_chain_field(NEW.entity) || audit_chain_field(NEW.entity_key)
      || audit_chain_field(NEW.area_code::text) || audit_chain_field(NEW.before)
      || audit_chain_field(NEW.after) || audit_chain_field(NEW.note),
      'UTF8')), 'hex')
  WHERE id = 1
  RETURNING seq, hash INTO s, h;
  IF NOT FOUND THEN
    RAISE EXCEPTION '审计链头缺失（audit_chain_head）';
  END IF;
  INSERT INTO audit_chain (seq, entry_id, hash) VALUES (s, NEW.id, h);
  RETURN NULL;
END
$f$;
CREATE OR REPLACE FUNCTION audit_chain_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.seq < OLD.seq THEN
    RAISE EXCEPTION '审计链头只能向前推进（%）', TG_OP;
  END IF;
  RETURN NEW;
END
$f$;
";

/// Entries written by another server while this runs wait for it.
const PG_LOCK: &str = "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE";

const PG_TRIGGERS: [&str; 5] = [
    // Deferred: the head row is locked at commit, after every other lock.
    "CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log \
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_chain_link()",
    "CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain \
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_chain_head_no_change BEFORE UPDATE OR DELETE ON audit_chain_head \
     FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward()",
];

const SQLITE_TRIGGERS: [&str; 4] = [
    "CREATE TRIGGER IF NOT EXISTS audit_chain_no_update BEFORE UPDATE ON audit_chain \
     BEGIN SELECT RAISE(ABORT, '审计链只允许追加，不能修改'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_no_delete BEFORE DELETE ON audit_chain \
     BEGIN SELECT RAISE(ABORT, '审计链只允许追加，不能删除'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head \
     BEGIN SELECT RAISE(ABORT, '审计链头不能删除'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_forward BEFORE UPDATE ON audit_chain_head \
     WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id \
     BEGIN SELECT RAISE(ABORT, '审计链头只能向前推进'); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: the chain is built whole or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_chain")
                .col(big_integer("seq").primary_key())
                .col(big_integer("entry_id").unique_key())
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_chain_head")
                .col(small_integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        let backend = m.get_database_backend();
        let conn = m.get_connection();
        if backend == DbBackend::Postgres {
            conn.execute_unprepared(PG_LOCK).await?;
        }
        let (seq, hash) = chain_existing(m).await?;
        let mut head = Query::insert();
        head.into_table("audit_chain_head")
            .columns(["id", "seq", "hash"])
            .values_panic([1i16.into(), seq.into(), hash.into()]);
        m.exec_stmt(head).await?;
        match backend {
            DbBackend::Sqlite => {
                for t in SQLITE_TRIGGERS {
                    conn.execute_unprepared(t).await?;
                }
            }
            DbBackend::Postgres => {
                conn.execute_unprepared(PG_LINK_FUNCTIONS).await?;
                for t in PG_TRIGGERS {
                    conn.execute_unprepared(t).await?;
                }
            }
            other => return Err(DbErr::Migration(format!("不支持的数据库：{other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("审计链不可回滚删除".into()))
    }
}

/// Links the entries already in the log, oldest first; the last (seq, hash).
async fn chain_existing(m: &SchemaManager<'_>) -> Result<(i64, String), DbErr> {
    let backend = m.get_database_backend();
    let conn = m.get_connection();
    let sql = match backend {
        DbBackend::Postgres => {
            format!(
                "SELECT {CONTENT_COLUMNS} FROM audit_log l WHERE l.id > $1 ORDER BY l.id LIMIT $2"
            )
        }
        _ => format!(
            "SELECT {CONTENT_COLUMNS} FROM audit_log l WHERE l.id > ? ORDER BY l.id LIMIT ?"
        ),
    };
    let (mut seq, mut prev, mut last_id) = (0i64, GENESIS.to_owned(), 0i64);
    loop {
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                &sql,
                [last_id.into(), PAGE.into()],
            ))
            .await?;
        if rows.is_empty() {
            break;
        }
        let mut links = Query::insert();
        links
            .into_table("audit_chain")
            .columns(["seq", "entry_id", "hash"]);
        for r in &rows {
            let c = content_of(r).map_err(|e| DbErr::Migration(e.to_string()))?;
            seq += 1;
            prev = link_hash(&prev, seq, &c);
            last_id = c.id;
            links.values_panic([seq.into(), c.id.into(), prev.clone().into()]);
        }
        m.exec_stmt(links).await?;
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    Ok((seq, prev))
}
