//! The audit log's hash chain: every entry is linked to the one before it, so
//! that an entry edited, removed or slipped in behind the application's back
//! (by whoever owns the database) is found by [`Store::verify_audit`].
//!
//! Each entry gets a row in `audit_chain`: its position `seq` (1, 2, 3 … with
//! no gaps), the entry's id and `hash = SHA-256(previous hash ‖ canonical
//! content)` in hex. `audit_chain_head` holds the last position and hash; it is
//! the one row every appending transaction locks, which keeps the chain linear.
//!
//! - SQLite: [`append_sqlite`] links the entry as it is written. Write
//!   transactions already hold the database's single write lock, so no two
//!   can interleave.
//! - PostgreSQL: a deferred constraint trigger (`audit_log_chain`, migration
//!   `m20261123_000015_audit_chain`) links each new entry when its transaction
//!   commits. The head row is therefore locked last, after every other lock
//!   the transaction holds, and only for the commit itself: no lock order can
//!   be inverted, whatever the transaction did before. The trigger computes
//!   the same canonical content in SQL as [`canonical`] does here; the tests
//!   verify entries written on PostgreSQL with the Rust code.
//!
//! Canonical content (version 1), as UTF-8:
//!
//! ```text
//! <previous hash, 64 hex digits; 64 zeros before the first entry>\n
//! <seq>\n<id>\n<at as microseconds since 1970-01-01 UTC>\n
//! then for user_id, actor, role, actor_area, address, action, entity,
//! entity_key, area_code, before, after, note in this order:
//!   "-\n" for NULL, else "<length in bytes>:<text>\n"
//! ```
//!
//! `actor_area` and `area_code` are fixed-width columns: trailing spaces are
//! not part of their content.

use chrono::{DateTime, FixedOffset};
use sea_orm::{ConnectionTrait, DatabaseTransaction, QueryResult, Statement};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Engine, Result, Store, StoreError};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many chain links verification reads per query.
const PAGE: i64 = 5_000;

/// The content of an entry that its hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChainContent {
    pub id: i64,
    pub at_micros: i64,
    pub user_id: Option<i64>,
    pub actor: String,
    pub role: String,
    pub actor_area: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_key: Option<String>,
    pub area_code: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub note: Option<String>,
}

fn field(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        None => out.extend_from_slice(b"-\n"),
        Some(s) => {
            out.extend_from_slice(s.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(s.as_bytes());
            out.push(b'\n');
        }
    }
}

/// The bytes the hash of entry `c` at position `seq` is taken over.
pub(crate) fn canonical(prev: &str, seq: i64, c: &ChainContent) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(format!("{prev}\n{seq}\n{}\n{}\n", c.id, c.at_micros).as_bytes());
    let user_id = c.user_id.map(|u| u.to_string());
    field(&mut out, user_id.as_deref());
    field(&mut out, Some(&c.actor));
    field(&mut out, Some(&c.role));
    field(
        &mut out,
        c.actor_area.as_deref().map(|a| a.trim_end_matches(' ')),
    );
    field(&mut out, c.address.as_deref());
    field(&mut out, Some(&c.action));
    field(&mut out, Some(&c.entity));
    field(&mut out, c.entity_key.as_deref());
    field(
        &mut out,
        c.area_code.as_deref().map(|a| a.trim_end_matches(' ')),
    );
    field(&mut out, c.before.as_deref());
    field(&mut out, c.after.as_deref());
    field(&mut out, c.note.as_deref());
    out
}

/// The chain hash (lower-case hex) of entry `c` at `seq` after `prev`.
pub(crate) fn link_hash(prev: &str, seq: i64, c: &ChainContent) -> String {
    let digest = Sha256::digest(canonical(prev, seq, c));
    let mut hex = String::with_capacity(64);
    for b in &digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// Columns of `audit_log` that [`content_of`] reads.
pub(crate) const CONTENT_COLUMNS: &str = "l.id, l.at, l.user_id, l.actor, l.role, l.actor_area, \
     l.address, l.action, l.entity, l.entity_key, l.area_code, l.before, l.after, l.note";

/// An entry's content from a row selecting [`CONTENT_COLUMNS`].
pub(crate) fn content_of(r: &QueryResult) -> Result<ChainContent> {
    let at: DateTime<FixedOffset> = r.try_get("", "at")?;
    Ok(ChainContent {
        id: r.try_get("", "id")?,
        at_micros: at.timestamp_micros(),
        user_id: r.try_get("", "user_id")?,
        actor: r.try_get("", "actor")?,
        role: r.try_get("", "role")?,
        actor_area: r.try_get("", "actor_area")?,
        address: r.try_get("", "address")?,
        action: r.try_get("", "action")?,
        entity: r.try_get("", "entity")?,
        entity_key: r.try_get("", "entity_key")?,
        area_code: r.try_get("", "area_code")?,
        before: r.try_get("", "before")?,
        after: r.try_get("", "after")?,
        note: r.try_get("", "note")?,
    })
}

/// Links the entry just inserted (`content`, with its id) on SQLite, inside
/// the write transaction that inserted it.
pub(crate) async fn append_sqlite(tx: &DatabaseTransaction, content: &ChainContent) -> Result<()> {
    let backend = tx.get_database_backend();
    let head = tx
        .query_one_raw(Statement::from_string(
            backend,
            "UPDATE audit_chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("审计链头缺失（audit_chain_head）".into()))?;
    let seq: i64 = head.try_get("", "seq")?;
    let prev: String = head.try_get("", "hash")?;
    let hash = link_hash(&prev, seq, content);
    tx.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO audit_chain (seq, entry_id, hash) VALUES (?, ?, ?)",
        [seq.into(), content.id.into(), hash.clone().into()],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        backend,
        "UPDATE audit_chain_head SET hash = ? WHERE id = 1",
        [hash.into()],
    ))
    .await?;
    Ok(())
}

/// An audit entry as named in a verification report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EntryRef {
    pub id: i64,
    pub at: DateTime<FixedOffset>,
    pub action: String,
    pub entity: String,
}

impl std::fmt::Display for EntryRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Shown in China time, whatever offset the engine returns.
        let at = FixedOffset::east_opt(8 * 3600).map_or(self.at, |cst| self.at.with_timezone(&cst));
        write!(
            f,
            "编号 {}，时间 {}，操作 {}（{}）",
            self.id,
            at.format("%Y-%m-%d %H:%M:%S"),
            self.action,
            self.entity
        )
    }
}

/// The first break found in the chain.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainBreak {
    /// The entry's content (or its stored hash) no longer gives its hash.
    Altered { seq: i64, entry: EntryRef },
    /// The chain names an entry that is no longer in the log.
    Deleted { seq: i64, entry_id: i64 },
    /// A position of the chain is missing; `after` is the entry before it.
    Missing { seq: i64, after: Option<EntryRef> },
    /// The head says the chain is longer than it is: the last entries are gone.
    Truncated {
        head_seq: i64,
        last_seq: i64,
        last: Option<EntryRef>,
    },
    /// The head's hash is not the last entry's hash.
    Head { seq: i64 },
    /// An entry that is not in the chain (written around the application).
    Unchained { entry: EntryRef },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq, entry } => {
                write!(f, "第 {seq} 条审计记录被改动（{entry}）：内容与其哈希不符")
            }
            ChainBreak::Deleted { seq, entry_id } => {
                write!(f, "第 {seq} 条审计记录（编号 {entry_id}）已被删除")
            }
            ChainBreak::Missing { seq, after } => match after {
                Some(e) => write!(f, "审计链缺少第 {seq} 条（在 {e} 之后）"),
                None => write!(f, "审计链缺少第 {seq} 条（链的开头）"),
            },
            ChainBreak::Truncated {
                head_seq,
                last_seq,
                last,
            } => {
                write!(
                    f,
                    "审计链应有 {head_seq} 条，只找到 {last_seq} 条：末尾的记录已被删除"
                )?;
                if let Some(e) = last {
                    write!(f, "（最后一条完好的是 {e}）")?;
                }
                Ok(())
            }
            ChainBreak::Head { seq } => {
                write!(f, "审计链头的哈希与第 {seq} 条记录不符：链头被改动")
            }
            ChainBreak::Unchained { entry } => {
                write!(f, "审计记录未链入审计链（{entry}）：绕过系统写入")
            }
        }
    }
}

/// The outcome of [`Store::verify_audit`].
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries checked (chain positions walked).
    pub entries: u64,
    /// The last position and hash: write them down elsewhere to be able to
    /// tell later that nothing up to there was rewritten.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
}

impl AuditVerification {
    pub fn is_ok(&self) -> bool {
        self.broken.is_none()
    }
}

fn entry_ref(r: &QueryResult) -> Result<EntryRef> {
    Ok(EntryRef {
        id: r.try_get("", "id")?,
        at: r.try_get("", "at")?,
        action: r.try_get("", "action")?,
        entity: r.try_get("", "entity")?,
    })
}

impl Store {
    /// Walks the audit log in chain order on one consistent snapshot and
    /// reports the first entry that was changed, removed or added around the
    /// application, or `broken: None` with the number of entries checked.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
        let tx = match self.engine {
            Engine::Postgres => {
                self.db
                    .begin_with_config(
                        Some(IsolationLevel::RepeatableRead),
                        Some(AccessMode::ReadOnly),
                    )
                    .await?
            }
            Engine::Sqlite => self.db.begin().await?,
        };
        let outcome = verify_in(&tx).await;
        tx.rollback().await?;
        outcome
    }

    /// The chain hash at position `seq`, if the chain is that long: compared
    /// with a hash written down earlier, it shows whether everything up to
    /// there is what it was (once [`Store::verify_audit`] passes).
    pub async fn audit_chain_hash_at(&self, seq: i64) -> Result<Option<String>> {
        let sql = match self.engine {
            Engine::Postgres => "SELECT hash FROM audit_chain WHERE seq = $1",
            Engine::Sqlite => "SELECT hash FROM audit_chain WHERE seq = ?",
        };
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                sql,
                [seq.into()],
            ))
            .await?;
        Ok(row.map(|r| r.try_get("", "hash")).transpose()?)
    }
}

async fn verify_in(tx: &DatabaseTransaction) -> Result<AuditVerification> {
    let backend = tx.get_database_backend();
    let head = tx
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT seq, hash FROM audit_chain_head WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("审计链头缺失（audit_chain_head）".into()))?;
    let head_seq: i64 = head.try_get("", "seq")?;
    let head_hash: String = head.try_get("", "hash")?;
    let mut report = AuditVerification {
        entries: 0,
        head_seq,
        head_hash: head_hash.clone(),
        broken: None,
    };
    let mut prev = GENESIS.to_owned();
    let mut last_seq = 0i64;
    let mut last: Option<EntryRef> = None;
    let sql = match backend {
        sea_orm::DbBackend::Postgres => format!(
            "SELECT c.seq, c.entry_id, c.hash AS chain_hash, {CONTENT_COLUMNS} \
             FROM audit_chain c LEFT JOIN audit_log l ON l.id = c.entry_id \
             WHERE c.seq > $1 ORDER BY c.seq LIMIT $2"
        ),
        _ => format!(
            "SELECT c.seq, c.entry_id, c.hash AS chain_hash, {CONTENT_COLUMNS} \
             FROM audit_chain c LEFT JOIN audit_log l ON l.id = c.entry_id \
             WHERE c.seq > ? ORDER BY c.seq LIMIT ?"
        ),
    };
    loop {
        let rows = tx
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                &sql,
                [last_seq.into(), PAGE.into()],
            ))
            .await?;
        let done = (rows.len() as i64) < PAGE;
        for r in rows {
            let seq: i64 = r.try_get("", "seq")?;
            if seq != last_seq + 1 {
                report.broken = Some(ChainBreak::Missing {
                    seq: last_seq + 1,
                    after: last,
                });
                return Ok(report);
            }
            let stored: String = r.try_get("", "chain_hash")?;
            let present: Option<i64> = r.try_get("", "id")?;
            if present.is_none() {
                report.broken = Some(ChainBreak::Deleted {
                    seq,
                    entry_id: r.try_get("", "entry_id")?,
                });
                return Ok(report);
            }
            let content = content_of(&r)?;
            let entry_id: i64 = r.try_get("", "entry_id")?;
            if entry_id != content.id || link_hash(&prev, seq, &content) != stored {
                report.broken = Some(ChainBreak::Altered {
                    seq,
                    entry: entry_ref(&r)?,
                });
                return Ok(report);
            }
            prev = stored;
            last_seq = seq;
            last = Some(entry_ref(&r)?);
            report.entries += 1;
        }
        if done {
            break;
        }
    }
    if head_seq > last_seq {
        report.broken = Some(ChainBreak::Truncated {
            head_seq,
            last_seq,
            last,
        });
        return Ok(report);
    }
    if head_seq < last_seq || head_hash != prev {
        report.broken = Some(ChainBreak::Head { seq: last_seq });
        return Ok(report);
    }
    let stray = tx
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT l.id, l.at, l.action, l.entity FROM audit_log l \
             LEFT JOIN audit_chain c ON c.entry_id = l.id \
             WHERE c.entry_id IS NULL ORDER BY l.id LIMIT 1",
        ))
        .await?;
    if let Some(r) = stray {
        report.broken = Some(ChainBreak::Unchained {
            entry: entry_ref(&r)?,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChainContent {
        ChainContent {
            id: 7,
            at_micros: 1_732_000_000_123_456,
            user_id: Some(3),
            actor: "张三".into(),
            role: "village_operator".into(),
            actor_area: Some("500230101201".into()),
            address: None,
            action: "update".into(),
            entity: "household".into(),
            entity_key: Some("42".into()),
            area_code: Some("500230101201".into()),
            before: Some("{\"a\":1}".into()),
            after: Some("{\"a\":2}".into()),
            note: None,
        }
    }

    #[test]
    fn canonical_content_is_length_prefixed_and_marks_nulls() {
        let text = String::from_utf8(canonical(GENESIS, 1, &sample())).unwrap();
        assert_eq!(
            text,
            format!(
                "{GENESIS}\n1\n7\n1732000000123456\n1:3\n6:张三\n16:village_operator\n\
                 12:500230101201\n-\n6:update\n9:household\n2:42\n12:500230101201\n\
                 7:{{\"a\":1}}\n7:{{\"a\":2}}\n-\n"
            )
        );
    }

    #[test]
    fn every_field_and_the_position_change_the_hash() {
        let base = link_hash(GENESIS, 1, &sample());
        assert_eq!(base.len(), 64);
        assert_ne!(link_hash(GENESIS, 2, &sample()), base);
        let mut moved = GENESIS.to_owned();
        moved.replace_range(0..1, "1");
        assert_ne!(link_hash(&moved, 1, &sample()), base);
        let mut c = sample();
        c.note = Some(String::new());
        assert_ne!(link_hash(GENESIS, 1, &c), base, "an empty note is not NULL");
        let mut c = sample();
        c.at_micros += 1;
        assert_ne!(link_hash(GENESIS, 1, &c), base);
        // Moving text from one field to the next changes the hash too.
        let mut c = sample();
        c.actor = "张".into();
        c.role = "三village_operator".into();
        assert_ne!(link_hash(GENESIS, 1, &c), base);
    }
}
