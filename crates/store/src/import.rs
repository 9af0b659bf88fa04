//! Importing households: every household of a file is classified as new,
//! changed or unchanged (matched by 户编号), checked against the caller's
//! scope and against ID numbers registered elsewhere, and written in one
//! transaction — the file lands whole or not at all. A dry run does all of it
//! and rolls back, so its report is exactly what a real run would do.

use std::collections::{HashMap, HashSet};

use fangpin_domain::household::Person;
use fangpin_domain::income::IncomeRecord;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use crate::areas::{AreaRecord, insert_areas_tx};
use crate::audit::{AuditEntry, record};
use crate::entity::{household, income_record, person};
use crate::households::{HouseholdBundle, household_of, income_of, person_of};
use crate::scope::Keyed;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// What an import did (or, in a dry run, would do).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub dry_run: bool,
    /// 户编号 of new households.
    pub created: Vec<String>,
    pub changed: Vec<ChangedHousehold>,
    pub unchanged: usize,
    pub areas_added: u64,
}

impl ImportSummary {
    /// Adds what one batch of the same import did.
    fn absorb(&mut self, batch: ImportSummary) {
        self.created.extend(batch.created);
        self.changed.extend(batch.changed);
        self.unchanged += batch.unchanged;
        self.areas_added += batch.areas_added;
    }
}

/// A household an import changes, with the parts that change.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ChangedHousehold {
    pub household_no: String,
    /// Names of the changed parts (household fields, 家庭成员, 收入2024 …).
    pub changes: Vec<String>,
}

const CHUNK: usize = 500;

/// The SQLite page cache of an import's connection, in KiB.
const IMPORT_CACHE_KB: u32 = 64 * 1024;
/// SQLite's default page cache (`PRAGMA cache_size = -2000`), in KiB.
const DEFAULT_CACHE_KB: u32 = 2000;

fn in_list<T: Into<sea_orm::Value> + Clone>(values: &[T]) -> Vec<sea_orm::Value> {
    values.iter().cloned().map(Into::into).collect()
}

/// What changed between a stored household and an incoming one.
fn diff(old: &HouseholdBundle, new: &HouseholdBundle) -> Vec<String> {
    let mut out = Vec::new();
    let a = serde_json::to_value(&old.household).unwrap_or_default();
    let b = serde_json::to_value(&new.household).unwrap_or_default();
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for (k, v) in b {
            if a.get(k) != Some(v) {
                out.push(k.clone());
            }
        }
    }
    let key = |m: &[Person]| {
        let mut v: Vec<Person> = m.to_vec();
        v.sort_by(|x, y| x.person_no.cmp(&y.person_no));
        v
    };
    if key(&old.members) != key(&new.members) {
        out.push("家庭成员".into());
    }
    for inc in &new.incomes {
        if old.incomes.iter().find(|o| o.year == inc.year) != Some(inc) {
            out.push(format!("收入{}", inc.year));
        }
    }
    out
}

/// Saves of at most this many households are checked for data quality at once.
const QUALITY_ON_SAVE_MAX: usize = 200;

impl Store {
    /// Imports `bundles` (and the area nodes they need) for `access`.
    pub async fn import_households(
        &self,
        access: &Access,
        note: &str,
        areas: &[AreaRecord],
        bundles: &[HouseholdBundle],
        dry_run: bool,
    ) -> Result<ImportSummary> {
        access.require(perm::IMPORT)?;
        self.upsert_households(access, note, areas, bundles, dry_run)
            .await
    }

    /// Creates or updates households (matched by 户编号) in one transaction,
    /// recording a version and an audit entry for each change.
    pub(crate) async fn upsert_households(
        &self,
        access: &Access,
        note: &str,
        areas: &[AreaRecord],
        bundles: &[HouseholdBundle],
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let session = self.begin_upsert(access, note).await?;
        let session = self.import_add(session, areas, bundles).await?;
        self.import_finish(session, dry_run).await
    }

    /// Starts an import written in batches ([`Store::import_add`]) inside
    /// one transaction, so that a file of any size lands whole or not at all
    /// without being held in memory whole.
    pub async fn import_begin(&self, access: &Access, note: &str) -> Result<ImportSession> {
        access.require(perm::IMPORT)?;
        self.begin_upsert(access, note).await
    }

    async fn begin_upsert(&self, access: &Access, note: &str) -> Result<ImportSession> {
        let tx = self.begin_write().await?;
        if self.engine == crate::Engine::Sqlite {
            // A county's file touches every page of the person indexes (ID
            // hashes are random); with SQLite's default 2 MB page cache each
            // batch reads them back from the file. The import's connection
            // gets a larger cache, given back before the commit (see
            // `import_finish`).
            tx.execute_unprepared(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KB}"))
                .await?;
        }
        Ok(ImportSession {
            tx,
            access: access.clone(),
            note: note.to_owned(),
            summary: ImportSummary::default(),
            first_created: None,
            persons_created: 0,
            deferred: Vec::new(),
            written: 0,
            analysed_at: 1,
        })
    }

    /// Writes one batch of an import. A refusal rolls the whole import back
    /// (and audits what must stay in the log); the session is gone then.
    pub async fn import_add(
        &self,
        mut session: ImportSession,
        areas: &[AreaRecord],
        bundles: &[HouseholdBundle],
    ) -> Result<ImportSession> {
        let done = self
            .upsert_tx(
                &session.tx,
                &session.access,
                &session.note,
                areas,
                bundles,
                Some(&mut session.deferred),
            )
            .await;
        let batch = match done {
            Ok(b) => b,
            Err(e) => return self.refused(session.tx, &session.access, e).await,
        };
        if let Err(e) = self.audit_batch(&mut session, bundles, &batch).await {
            return self.refused(session.tx, &session.access, e).await;
        }
        session.summary.absorb(batch);
        session.written += bundles.len();
        if let Err(e) = self.restat(&mut session).await {
            return self.refused(session.tx, &session.access, e).await;
        }
        Ok(session)
    }

    /// PostgreSQL plans the next batch's lookups from table statistics that
    /// do not know the rows this transaction wrote; once those have doubled,
    /// the tables are analysed again inside the transaction (ANALYZE sees
    /// its own transaction's rows). Without it a county's file took minutes
    /// per batch on sequential scans.
    async fn restat(&self, session: &mut ImportSession) -> Result<()> {
        if self.engine != crate::Engine::Postgres || session.written < session.analysed_at * 2 {
            return Ok(());
        }
        session
            .tx
            .execute_unprepared("ANALYZE household, person, income_record")
            .await?;
        session.analysed_at = session.written;
        Ok(())
    }

    /// The audit entries of one batch: one per changed household now, the
    /// count of new ones at the end ([`Store::import_finish`]).
    async fn audit_batch(
        &self,
        session: &mut ImportSession,
        bundles: &[HouseholdBundle],
        batch: &ImportSummary,
    ) -> Result<()> {
        // Sets and maps, not `contains` on the lists: a county's file has
        // 100,000 households, and a scan per household is 10⁹ comparisons.
        let created: HashSet<&str> = batch.created.iter().map(String::as_str).collect();
        let area_of: HashMap<&str, fangpin_domain::AreaCode> = bundles
            .iter()
            .map(|b| (b.household.household_no.as_str(), b.household.area))
            .collect();
        for b in bundles {
            if created.contains(b.household.household_no.as_str()) {
                session.persons_created += b.members.len();
                if session.first_created.is_none() {
                    session.first_created = Some(b.household.household_no.clone());
                }
            }
        }
        let actor = session.access.actor();
        for c in &batch.changed {
            record(
                &session.tx,
                &actor,
                AuditEntry {
                    action: "import_update",
                    entity: "household",
                    entity_key: Some(c.household_no.clone()),
                    area: area_of.get(c.household_no.as_str()).copied(),
                    after: Some(json!({"changes": c.changes})),
                    note: Some(session.note.clone()),
                    ..Default::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Ends an import: ID numbers that an earlier batch found registered in
    /// another household are refused unless a later batch moved them out,
    /// the new households are audited, and the transaction is committed
    /// (rolled back for a dry run).
    pub async fn import_finish(
        &self,
        session: ImportSession,
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let mut session = session;
        if let Err(e) = self.write_held(&mut session).await {
            return self.refused(session.tx, &session.access, e).await;
        }
        let ImportSession {
            tx,
            access,
            note,
            mut summary,
            first_created,
            persons_created,
            ..
        } = session;
        summary.dry_run = dry_run;
        if let Err(e) = self.default_cache(&tx).await {
            return self.refused(tx, &access, e).await;
        }
        if let Some(first) = first_created {
            let entry = AuditEntry {
                action: "import_create",
                entity: "household",
                entity_key: Some(first),
                after: Some(
                    json!({"households": summary.created.len(), "persons": persons_created}),
                ),
                note: Some(note),
                ..Default::default()
            };
            if let Err(e) = record(&tx, &access.actor(), entry).await {
                return self.refused(tx, &access, e).await;
            }
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
            // Form saves are checked at once; large imports are checked by
            // the caller's area run afterwards (see `Store::run_quality`).
            let saved = summary.created.len() + summary.changed.len();
            if saved <= QUALITY_ON_SAVE_MAX {
                let nos: Vec<String> = summary
                    .created
                    .iter()
                    .cloned()
                    .chain(summary.changed.iter().map(|c| c.household_no.clone()))
                    .collect();
                self.quality_after_save(&access, &nos).await;
            }
        }
        Ok(summary)
    }

    /// Drops an import: nothing of it is kept.
    pub async fn import_abandon(&self, session: ImportSession) -> Result<()> {
        self.default_cache(&session.tx).await?;
        session.tx.rollback().await?;
        Ok(())
    }

    /// Gives an import's page cache back (SQLite frees the pages above the
    /// limit at once), so the pooled connection does not keep it.
    async fn default_cache(&self, tx: &DatabaseTransaction) -> Result<()> {
        if self.engine == crate::Engine::Sqlite {
            tx.execute_unprepared(&format!("PRAGMA cache_size = -{DEFAULT_CACHE_KB}"))
                .await?;
        }
        Ok(())
    }

    /// Writes the households an import held back for a member registered
    /// in another household (see [`Store::upsert_tx`]), now that every
    /// batch is written: refused if the member is still there.
    async fn write_held(&self, session: &mut ImportSession) -> Result<()> {
        let held = std::mem::take(&mut session.deferred);
        if held.is_empty() {
            return Ok(());
        }
        let batch = self
            .upsert_tx(
                &session.tx,
                &session.access,
                &session.note,
                &[],
                &held,
                None,
            )
            .await?;
        self.audit_batch(session, &held, &batch).await?;
        session.summary.absorb(batch);
        Ok(())
    }

    /// The work of [`Store::upsert_households`] inside the caller's
    /// transaction, without audit entries (the caller records what the
    /// change was): scope and 户编号 checks, area and 村民小组 nodes,
    /// comparison with the stored households, a version for each changed
    /// one, ID number conflicts, and the writes.
    pub(crate) async fn upsert_tx(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        note: &str,
        areas: &[AreaRecord],
        bundles: &[HouseholdBundle],
        deferred: Option<&mut Vec<HouseholdBundle>>,
    ) -> Result<ImportSummary> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        if let Some(b) = bundles.iter().find(|b| !access.covers(&b.household.area)) {
            return Err(StoreError::Forbidden(format!(
                "户编号 {} 所在区划 {} 不在您的管辖范围内",
                b.household.household_no,
                b.household.area.as_string()
            )));
        }
        if let Some(a) = areas
            .iter()
            .find(|a| !access.covers(&a.code) && !a.code.contains(&access.area))
        {
            return Err(StoreError::Forbidden(format!(
                "区划 {} 不在您的管辖范围内",
                a.code.as_string()
            )));
        }
        let mut seen = HashSet::new();
        for b in bundles {
            if !seen.insert(b.household.household_no.as_str()) {
                return Err(StoreError::Invalid(format!(
                    "文件中户编号重复：{}",
                    b.household.household_no
                )));
            }
        }

        let areas_added = insert_areas_tx(tx, areas).await?;
        // 村民小组 the file refers to get a node with the default name.
        let groups: std::collections::BTreeSet<(fangpin_domain::AreaCode, u16)> = bundles
            .iter()
            .filter_map(|b| b.household.group_no.map(|g| (b.household.area, g)))
            .collect();
        let groups: Vec<fangpin_domain::VillageGroup> = groups
            .into_iter()
            .map(|(village, no)| fangpin_domain::VillageGroup {
                village,
                no,
                name: fangpin_domain::VillageGroup::default_name(no),
            })
            .collect();
        crate::areas::insert_groups_tx(tx, &groups).await?;
        let existing = self.existing_ids(tx, bundles).await?;
        let stored = self
            .load_bundles(tx, existing.values().copied().collect())
            .await?;

        let mut summary = ImportSummary {
            areas_added,
            ..Default::default()
        };
        let mut new: Vec<&HouseholdBundle> = Vec::new();
        let mut replaced_owned: Vec<(i64, HouseholdBundle)> = Vec::new();
        for b in bundles {
            let no = &b.household.household_no;
            match existing.get(no) {
                None => {
                    summary.created.push(no.clone());
                    new.push(b);
                }
                Some(id) => {
                    let old = stored
                        .get(id)
                        .ok_or_else(|| StoreError::Corrupt(format!("户编号 {no} 读取失败")))?;
                    if !access.scope_unchecked().covers_area(&old.household.area) {
                        return Err(StoreError::Forbidden(format!(
                            "户编号 {no} 已登记在您管辖范围以外的区划，不能由您修改"
                        )));
                    }
                    let changes = diff(old, b);
                    if changes.is_empty() {
                        summary.unchanged += 1;
                        continue;
                    }
                    // Income years the file does not bring are kept.
                    let mut merged = b.clone();
                    let years: HashSet<i32> = b.incomes.iter().map(|i| i.year).collect();
                    merged.incomes.extend(
                        old.incomes
                            .iter()
                            .filter(|i| !years.contains(&i.year))
                            .cloned(),
                    );
                    merged.incomes.sort_by_key(|i: &IncomeRecord| i.year);
                    summary.changed.push(ChangedHousehold {
                        household_no: no.clone(),
                        changes,
                    });
                    replaced_owned.push((*id, merged));
                }
            }
        }
        let mut replaced: Vec<(i64, &HouseholdBundle)> =
            replaced_owned.iter().map(|(id, b)| (*id, b)).collect();
        let (in_batch, stored_conflicts) =
            self.check_id_conflicts(tx, access, &new, &replaced).await?;
        match deferred {
            // A batch of a larger import: a later batch may still move the
            // person out of the stored household, so the households that
            // claim a stored member wait for the end of the import.
            Some(later) if in_batch.is_empty() && !stored_conflicts.is_empty() => {
                let held: HashSet<&str> = stored_conflicts
                    .iter()
                    .map(|c| c.household_no.as_str())
                    .collect();
                let waits = |no: &str| held.contains(no);
                new.retain(|b| !waits(&b.household.household_no));
                replaced.retain(|(_, b)| !waits(&b.household.household_no));
                summary.created.retain(|no| !waits(no));
                summary.changed.retain(|c| !waits(&c.household_no));
                later.extend(
                    bundles
                        .iter()
                        .filter(|b| waits(&b.household.household_no))
                        .cloned(),
                );
            }
            _ => conflicts_refusal(in_batch, stored_conflicts)?,
        }
        for (id, b) in &replaced {
            if let Some(old) = stored.get(id) {
                self.record_change(tx, *id, old, b, access, note).await?;
            }
        }
        self.write_tx(tx, &new, &replaced).await?;
        for (id, b) in &replaced {
            if stored
                .get(id)
                .is_some_and(|old| old.household.area != b.household.area)
            {
                move_household_rows(tx, *id, &b.household.area).await?;
            }
        }
        Ok(summary)
    }

    /// [`Store::upsert_tx`] in `tx`, handing the transaction back; a refused
    /// write rolls it back and audits the refusals (see [`Store::refused`]).
    pub(crate) async fn upsert_or_refuse(
        &self,
        tx: DatabaseTransaction,
        access: &Access,
        note: &str,
        areas: &[AreaRecord],
        bundles: &[HouseholdBundle],
    ) -> Result<(DatabaseTransaction, ImportSummary)> {
        match self
            .upsert_tx(&tx, access, note, areas, bundles, None)
            .await
        {
            Ok(summary) => Ok((tx, summary)),
            Err(e) => self.refused(tx, access, e).await,
        }
    }

    /// Rolls back a write that was refused and records the refusals that
    /// must stay in the audit log (an ID number registered outside the
    /// caller's scope); returns the refusal.
    pub(crate) async fn refused<T>(
        &self,
        tx: DatabaseTransaction,
        access: &Access,
        e: StoreError,
    ) -> Result<T> {
        // An import's connection may hold a larger page cache.
        self.default_cache(&tx).await?;
        tx.rollback().await?;
        if let StoreError::RegisteredElsewhere { refusals, .. } = &e {
            for entry in refusals {
                self.audit(&access.actor(), entry.clone()).await?;
            }
        }
        Err(e)
    }

    /// Stored ids of the bundles' 户编号.
    async fn existing_ids(
        &self,
        tx: &DatabaseTransaction,
        bundles: &[HouseholdBundle],
    ) -> Result<HashMap<String, i64>> {
        let nos: Vec<String> = bundles
            .iter()
            .map(|b| b.household.household_no.clone())
            .collect();
        let mut out = HashMap::new();
        for chunk in nos.chunks(CHUNK) {
            let mut q = Query::select();
            q.columns(["id", "household_no"])
                .from("household")
                .and_where(Expr::col("household_no").is_in(in_list(chunk)));
            for r in tx.query_all(&q).await? {
                out.insert(r.try_get("", "household_no")?, r.try_get("", "id")?);
            }
        }
        Ok(out)
    }

    /// Stored households with members and incomes, by id.
    pub(crate) async fn load_bundles<C: ConnectionTrait>(
        &self,
        tx: &C,
        ids: Vec<i64>,
    ) -> Result<HashMap<i64, HouseholdBundle>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let hs = household::Entity::find()
                .filter(household::Column::Id.is_in(chunk.to_vec()))
                .all(tx)
                .await?;
            let mut members: HashMap<i64, Vec<Person>> = HashMap::new();
            for p in person::Entity::find()
                .filter(person::Column::HouseholdId.is_in(chunk.to_vec()))
                .all(tx)
                .await?
            {
                let hid = p.household_id;
                members
                    .entry(hid)
                    .or_default()
                    .push(person_of(&self.cipher, p)?);
            }
            let mut incomes: HashMap<i64, Vec<IncomeRecord>> = HashMap::new();
            for r in income_record::Entity::find()
                .filter(income_record::Column::HouseholdId.is_in(chunk.to_vec()))
                .all(tx)
                .await?
            {
                incomes
                    .entry(r.household_id)
                    .or_default()
                    .push(income_of(r));
            }
            for h in hs {
                let id = h.id;
                out.insert(
                    id,
                    HouseholdBundle {
                        household: household_of(&self.cipher, h)?,
                        members: members.remove(&id).unwrap_or_default(),
                        incomes: incomes.remove(&id).unwrap_or_default(),
                    },
                );
            }
        }
        Ok(out)
    }

    /// Refuses ID numbers that are registered in another household, or that
    /// two households of the batch both claim. A person may move between
    /// two households that the batch rewrites together (分户, 合户): the
    /// stored members of a rewritten household are replaced, so only the
    /// batch itself decides where they end up.
    ///
    /// Answers the problems within the batch and those with stored
    /// households; [`conflicts_refusal`] turns them into the refusal.
    async fn check_id_conflicts(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        new: &[&HouseholdBundle],
        replaced: &[(i64, &HouseholdBundle)],
    ) -> Result<(Vec<String>, Vec<StoredConflict>)> {
        let mut wanted: HashMap<String, (String, Option<i64>, String)> = HashMap::new();
        let mut problems = Vec::new();
        let all = new
            .iter()
            .map(|b| (None, *b))
            .chain(replaced.iter().map(|(id, b)| (Some(*id), *b)));
        for (id, b) in all {
            let no = &b.household.household_no;
            for m in &b.members {
                let masked = m.id_number.masked();
                let hash = self.cipher.lookup_hash(m.id_number.as_str());
                if let Some((_, _, other)) = wanted.get(&hash)
                    && other != no
                {
                    problems.push(format!(
                        "户编号 {other} 和户编号 {no} 都有成员证件号码 {masked}"
                    ));
                }
                wanted.insert(hash, (masked, id, no.clone()));
            }
        }
        let rewritten: HashSet<i64> = replaced.iter().map(|(id, _)| *id).collect();
        let scope = access.scope_unchecked();
        let mut stored = Vec::new();
        let hashes: Vec<String> = wanted.keys().cloned().collect();
        for chunk in hashes.chunks(CHUNK) {
            let mut q2 = Query::select();
            q2.expr_as(Expr::col(("p", "id_hash")), "id_hash")
                .expr_as(Expr::col(("p", "household_id")), "household_id")
                .expr_as(Expr::col(("h", "household_no")), "household_no")
                .expr_as(Expr::col(("h", "area_code")), "area_code")
                .from_as("person", "p")
                .join_as(
                    sea_orm::sea_query::JoinType::InnerJoin,
                    "household",
                    "h",
                    Expr::col(("h", "id")).equals(("p", "household_id")),
                )
                .and_where(Expr::col(("p", "id_hash")).is_in(in_list(chunk)));
            for r in tx.query_all(&q2).await? {
                let hash: String = r.try_get("", "id_hash")?;
                let hid: i64 = r.try_get("", "household_id")?;
                let stored_no: String = r.try_get("", "household_no")?;
                let stored_area: String = r.try_get("", "area_code")?;
                let stored_area = fangpin_domain::AreaCode::parse(stored_area.trim())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                if let Some((masked, target, no)) = wanted.get(&hash)
                    && *target != Some(hid)
                    && !rewritten.contains(&hid)
                {
                    if scope.covers_area(&stored_area) {
                        stored.push(StoredConflict {
                            household_no: no.clone(),
                            message: format!(
                                "户编号 {no} 的成员证件号码 {masked} 已登记在户编号 {stored_no}"
                            ),
                            elsewhere: None,
                        });
                    } else {
                        // Outside the caller's scope the other household is
                        // not named; the county sees the refusal in the log.
                        let entry = AuditEntry {
                            action: "duplicate_refused",
                            entity: "person",
                            entity_key: Some(masked.clone()),
                            area: Some(stored_area),
                            note: Some(format!(
                                "户编号 {no} 的成员证件号码已在管辖范围外的户编号 {stored_no} 登记，保存被拒绝"
                            )),
                            ..Default::default()
                        };
                        stored.push(StoredConflict {
                            household_no: no.clone(),
                            message: format!(
                                "户编号 {no} 的成员证件号码 {masked} 已在您管辖范围以外登记"
                            ),
                            elsewhere: Some(entry),
                        });
                    }
                }
            }
        }
        Ok((problems, stored))
    }
}

/// An ID number of an import found registered in a stored household.
pub(crate) struct StoredConflict {
    /// The 户编号 of the household of the batch that claims it.
    household_no: String,
    message: String,
    /// The audit entry of a refusal outside the caller's scope.
    elsewhere: Option<AuditEntry>,
}

/// An import being written in batches: see [`Store::import_begin`].
pub struct ImportSession {
    tx: DatabaseTransaction,
    access: Access,
    note: String,
    summary: ImportSummary,
    first_created: Option<String>,
    persons_created: usize,
    /// Households waiting for the end of the import (see [`Store::write_held`]).
    deferred: Vec<HouseholdBundle>,
    /// Households written so far, and when the tables were last analysed.
    written: usize,
    analysed_at: usize,
}

impl ImportSession {
    /// Whom the import is written for.
    pub fn access(&self) -> &Access {
        &self.access
    }
}

/// The refusal for ID number conflicts, if there are any.
fn conflicts_refusal(mut problems: Vec<String>, stored: Vec<StoredConflict>) -> Result<()> {
    let mut elsewhere = Vec::new();
    for c in stored {
        problems.push(c.message);
        elsewhere.extend(c.elsewhere);
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort();
    let more = problems.len().saturating_sub(20);
    let mut msg = problems.into_iter().take(20).collect::<Vec<_>>().join("；");
    if more > 0 {
        msg.push_str(&format!("；另有 {more} 处"));
    }
    let message = format!("证件号码重复，未保存（如为分户、迁移，请先在原户办理减员）：{msg}");
    if elsewhere.is_empty() {
        Err(StoreError::Invalid(message))
    } else {
        Err(StoreError::RegisteredElsewhere {
            message: format!("{message}。管辖范围以外的登记请联系县级管理员（县农业农村部门）核实"),
            refusals: elsewhere,
        })
    }
}

impl Store {
    /// The next `limit` households (with members and incomes) the caller may
    /// see, in id order after `after_id`: keyset pages for streaming exports.
    pub async fn household_bundles_after(
        &self,
        access: &Access,
        filter: &crate::HouseholdFilter,
        after_id: i64,
        limit: u64,
    ) -> Result<Vec<(i64, HouseholdBundle)>> {
        use sea_orm::{QueryOrder, QuerySelect};
        let scope = access.scope()?.within(filter.area.as_ref())?;
        let mut q = household::Entity::find()
            .select_only()
            .column(household::Column::Id)
            .filter(scope.on(Keyed::household(None)))
            .filter(household::Column::Id.gt(after_id))
            .filter(crate::households::in_registry());
        if let Some(t) = &filter.household_type {
            q = q.filter(household::Column::HouseholdType.eq(t.as_str()));
        }
        if let Some(c) = &filter.monitor_category {
            q = q.filter(household::Column::MonitorCategory.eq(c.as_str()));
        }
        let ids: Vec<i64> = q
            .order_by_asc(household::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut map = self.load_bundles(&self.db, ids.clone()).await?;
        Ok(ids
            .into_iter()
            .filter_map(|id| map.remove(&id).map(|b| (id, b)))
            .collect())
    }

    /// Every stored area node as (code, name, level, parent).
    pub async fn all_areas(&self) -> Result<Vec<AreaRecord>> {
        let rows = crate::entity::area::Entity::find().all(&self.db).await?;
        rows.into_iter()
            .map(|a| {
                let code = fangpin_domain::AreaCode::parse(a.code.trim())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let parent = a
                    .parent_code
                    .as_deref()
                    .map(|p| fangpin_domain::AreaCode::parse(p.trim()))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(AreaRecord {
                    level: code.level(),
                    code,
                    name: a.name,
                    parent,
                })
            })
            .collect()
    }
}

/// Tables whose rows belong to a household and carry its village
/// (`area_code`), which is what scopes them.
/// (`household_version` keeps the village of each version: history.)
const HOUSEHOLD_ROWS: [&str; 13] = [
    "case_file",
    "visit",
    "campaign_target",
    "assist_pairing",
    "assist_plan",
    "assist_measure",
    "quality_issue",
    "self_report",
    "micro_loan",
    "public_post",
    "industry_award",
    "employment",
    "person",
];

/// A household moved to another village takes every row that belongs to it
/// along (cases, visits and their photos, money records, pairings, plans,
/// measures, findings …), in the move's transaction: otherwise those rows
/// would stay visible to the old village and hidden from the new one.
pub(crate) async fn move_household_rows(
    tx: &DatabaseTransaction,
    household_id: i64,
    area: &fangpin_domain::AreaCode,
) -> Result<()> {
    let code = area.as_string();
    for table in HOUSEHOLD_ROWS {
        let mut upd = Query::update();
        upd.table(table)
            .value("area_code", code.clone())
            .and_where(Expr::col("household_id").eq(household_id));
        tx.execute(&upd).await?;
    }
    let mut visits = Query::select();
    visits
        .column("id")
        .from("visit")
        .and_where(Expr::col("household_id").eq(household_id));
    let mut photos = Query::update();
    photos
        .table("visit_photo")
        .value("area_code", code)
        .and_where(Expr::col("visit_id").in_subquery(visits));
    tx.execute(&photos).await?;
    Ok(())
}
