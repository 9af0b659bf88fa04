//! 帮扶措施: adding, correcting and closing a household's measures.

use super::*;
use crate::sql::insert_returning_id;

fn measure_of(r: &QueryResult) -> Result<MeasureRow> {
    let category: String = r.try_get("", "category")?;
    let kind: String = r.try_get("", "kind")?;
    let status: String = r.try_get("", "status")?;
    let code: Option<String> = r.try_get("", "catalogue_code")?;
    let measure = Measure {
        code: code.clone(),
        category: Category::parse(&category).map_err(corrupt)?,
        kind: MeasureKind::parse(&kind).map_err(corrupt)?,
        name: r.try_get("", "name")?,
        target_risk: r.try_get::<String>("", "target_risk")?.trim().to_owned(),
        status: MeasureStatus::parse(&status).map_err(corrupt)?,
        started_on: r.try_get("", "started_on")?,
        ended_on: r.try_get("", "ended_on")?,
        amount: Money::from_fen(r.try_get("", "amount_fen")?),
        evidence: r
            .try_get::<Option<String>>("", "evidence")?
            .unwrap_or_default(),
    };
    let after = code
        .as_deref()
        .and_then(|c| Catalogue::official().item(c))
        .map(|i| i.after_elimination.label());
    Ok(MeasureRow {
        id: r.try_get("", "id")?,
        category_label: measure.category.label(),
        status_label: measure.status.label(),
        after_elimination: after,
        note: r.try_get("", "note")?,
        revision: r.try_get("", "revision")?,
        measure,
    })
}

const MEASURE_COLUMNS: [&str; 15] = [
    "id",
    "revision",
    "household_id",
    "catalogue_code",
    "category",
    "kind",
    "name",
    "target_risk",
    "status",
    "started_on",
    "ended_on",
    "amount_fen",
    "evidence",
    "note",
    "created_at",
];

/// A 帮扶措施 to add to a household.
#[derive(Clone, Debug)]
pub enum NewMeasure {
    /// An item of the measure catalogue, as entered on the plan.
    Catalogue(MeasureForm),
    /// A measure without a catalogue item (older clients): category, kind
    /// and name as entered; household maintainers only.
    Free(FreeMeasure),
}

/// A measure entered without a catalogue item.
#[derive(Clone, Debug)]
pub struct FreeMeasure {
    /// 措施类别 (code or Chinese name).
    pub category: String,
    /// 措施性质: one of the domain's measure kind codes.
    pub kind: String,
    pub name: String,
    /// The 致贫返贫风险 code the measure targets.
    pub target_risk: String,
    pub started_on: NaiveDate,
    pub amount: Money,
    pub note: String,
}

impl FreeMeasure {
    /// The measure as the plan holds it: no catalogue code, 实施中.
    fn parse(&self) -> Result<Measure> {
        if self.name.trim().is_empty() {
            return Err(StoreError::Invalid("请填写帮扶措施名称".into()));
        }
        let category = Category::parse(&self.category).map_err(invalid)?;
        let kind = MeasureKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == self.kind)
            .ok_or_else(|| {
                let codes: Vec<&str> = MeasureKind::ALL.iter().map(|k| k.code()).collect();
                StoreError::Invalid(format!(
                    "措施性质无效：{}（可选：{}）",
                    self.kind,
                    codes.join("、")
                ))
            })?;
        crate::monitor::check_codes(None, Some(std::slice::from_ref(&self.target_risk)))?;
        if self.amount.is_negative() {
            return Err(StoreError::Invalid("金额不能为负数".into()));
        }
        Ok(Measure {
            code: None,
            category,
            kind,
            name: self.name.trim().to_owned(),
            target_risk: self.target_risk.clone(),
            status: MeasureStatus::Active,
            started_on: self.started_on,
            ended_on: None,
            amount: self.amount,
            evidence: String::new(),
        })
    }
}

impl Store {
    /// Records a 帮扶措施 on the household's plan: the one write path of a
    /// new measure (the elimination criteria count measures that target the
    /// household's risks). A catalogue item may be added by the household's
    /// 帮扶责任人 too; a free entry only by a household maintainer.
    pub async fn add_measure(
        &self,
        access: &Access,
        household_id: i64,
        new: &NewMeasure,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if let NewMeasure::Free(_) = new {
            access.require(perm::HOUSEHOLD_WRITE)?;
        }
        let d = self.assist_writer(access, household_id).await?;
        let (m, note) = match new {
            NewMeasure::Catalogue(form) => (
                Measure::parse(form, Catalogue::official()).map_err(invalid)?,
                "",
            ),
            NewMeasure::Free(free) => (free.parse()?, free.note.as_str()),
        };
        let tx = self.begin_write().await?;
        let id = insert_measure(
            &tx,
            household_id,
            &d.household.area,
            &m,
            note,
            access.user_id,
            now,
        )
        .await?;
        // The catalogue code and status are recorded for a catalogue item.
        let after = match new {
            NewMeasure::Catalogue(_) => json!({
                "household_id": household_id,
                "code": m.code,
                "name": m.name,
                "kind": m.kind.code(),
                "status": m.status.code(),
                "target_risk": m.target_risk,
                "amount_fen": m.amount.fen(),
            }),
            NewMeasure::Free(_) => json!({
                "household_id": household_id,
                "name": m.name,
                "kind": m.kind.code(),
                "target_risk": m.target_risk,
                "amount_fen": m.amount.fen(),
            }),
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_add",
                entity: "assist_measure",
                entity_key: Some(id.to_string()),
                area: Some(d.household.area),
                after: Some(after),
                ..Default::default()
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        Ok(id)
    }

    /// Moves a measure along its lifecycle (计划 → 实施中 → 已完成 / 已终止).
    pub async fn change_measure_status(
        &self,
        access: &Access,
        measure_id: i64,
        change: &StatusChange,
        now: DateTime<Utc>,
    ) -> Result<MeasureRow> {
        let (household_id, mut row) = self.scoped_measure(access, measure_id).await?;
        let d = self.assist_writer(access, household_id).await?;
        let before = row.measure.status;
        row.measure
            .change_status(change, china_day(now))
            .map_err(invalid)?;
        let m = &row.measure;
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_measure")
            .values([
                ("status", m.status.code().into()),
                ("ended_on", m.ended_on.into()),
                ("evidence", m.evidence.clone().into()),
                ("updated_at", now.fixed_offset().into()),
                ("updated_by", access.user_id.into()),
            ])
            .value("revision", Expr::col("revision").add(1))
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(Expr::col("revision").eq(row.revision));
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_status",
                entity: "assist_measure",
                entity_key: Some(measure_id.to_string()),
                area: Some(d.household.area),
                before: Some(json!({"status": before.code()})),
                after: Some(json!({"status": m.status.code(), "ended_on": m.ended_on})),
                note: Some(change.evidence.trim().to_owned()).filter(|s| !s.is_empty()),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        row.status_label = row.measure.status.label();
        row.revision += 1;
        Ok(row)
    }

    /// Corrects what was mistyped on a measure (item, name, risk, start,
    /// amount, evidence) with a reason; its status stays. Checked as a new
    /// measure is, refused on a stale revision, audited with before and
    /// after, and the household's data-quality findings are checked again.
    pub async fn correct_measure(
        &self,
        access: &Access,
        measure_id: i64,
        c: &MeasureCorrection,
        now: DateTime<Utc>,
    ) -> Result<MeasureRow> {
        let (household_id, old) = self.scoped_measure(access, measure_id).await?;
        let d = self.assist_writer(access, household_id).await?;
        let (m, reason) = old
            .measure
            .corrected(c, Catalogue::official())
            .map_err(invalid)?;
        if old.revision != c.revision {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        let tx = self.begin_write().await?;
        let mut upd = Query::update();
        upd.table("assist_measure")
            .values([
                ("catalogue_code", m.code.clone().into()),
                ("category", m.category.code().into()),
                ("kind", m.kind.code().into()),
                ("name", m.name.clone().into()),
                ("target_risk", m.target_risk.clone().into()),
                ("started_on", m.started_on.into()),
                ("amount_fen", m.amount.fen().into()),
                ("evidence", m.evidence.clone().into()),
                ("updated_at", now.fixed_offset().into()),
                ("updated_by", access.user_id.into()),
            ])
            .value("revision", Expr::col("revision").add(1))
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(Expr::col("revision").eq(c.revision));
        if tx.execute(&upd).await?.rows_affected() != 1 {
            return Err(StoreError::Invalid("措施已被他人修改，请刷新后再试".into()));
        }
        let snapshot = |m: &Measure| {
            json!({
                "code": m.code, "name": m.name, "target_risk": m.target_risk,
                "started_on": m.started_on, "amount_fen": m.amount.fen(), "evidence": m.evidence,
            })
        };
        commit_audited(
            tx,
            &access.actor(),
            AuditEntry {
                action: "measure_correct",
                entity: "assist_measure",
                entity_key: Some(measure_id.to_string()),
                area: Some(d.household.area),
                before: Some(snapshot(&old.measure)),
                after: Some(snapshot(&m)),
                note: Some(reason),
            },
        )
        .await?;
        self.quality_after_save(access, std::slice::from_ref(&d.household.household_no))
            .await;
        let (_, row) = self.scoped_measure(access, measure_id).await?;
        Ok(row)
    }

    /// A measure in the caller's area: (household id, row).
    pub(super) async fn scoped_measure(
        &self,
        access: &Access,
        measure_id: i64,
    ) -> Result<(i64, MeasureRow)> {
        let mut q = Query::select();
        q.columns(MEASURE_COLUMNS)
            .from("assist_measure")
            .and_where(Expr::col("id").eq(measure_id))
            .and_where(access.scope()?.on(Keyed::bare()));
        let r = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("帮扶措施不存在：{measure_id}")))?;
        Ok((r.try_get("", "household_id")?, measure_of(&r)?))
    }

    pub(crate) async fn measures_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<MeasureRow>>> {
        let mut out: HashMap<i64, Vec<MeasureRow>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns(MEASURE_COLUMNS)
                .from("assist_measure")
                .and_where(Expr::col("household_id").is_in(chunk.to_vec()))
                .order_by("started_on", Order::Asc)
                .order_by("id", Order::Asc);
            for r in self.db.query_all(&q).await? {
                out.entry(r.try_get("", "household_id")?)
                    .or_default()
                    .push(measure_of(&r)?);
            }
        }
        Ok(out)
    }
}

/// Writes a measure of a household (in `area`) in the caller's transaction
/// and returns its id. It checks no permission, scope or measure rule and
/// records no audit entry: the caller does (as `Store::add_measure`) and
/// ends the transaction with `audit::commit_audited`.
pub async fn insert_measure(
    tx: &DatabaseTransaction,
    household_id: i64,
    area: &AreaCode,
    m: &Measure,
    note: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = now.fixed_offset();
    let row = vec![
        ("household_id", household_id.into()),
        ("area_code", area.as_string().into()),
        ("catalogue_code", m.code.clone().into()),
        ("category", m.category.code().into()),
        ("kind", m.kind.code().into()),
        ("name", m.name.clone().into()),
        ("target_risk", m.target_risk.clone().into()),
        ("status", m.status.code().into()),
        ("started_on", m.started_on.into()),
        ("ended_on", m.ended_on.into()),
        ("amount_fen", m.amount.fen().into()),
        ("evidence", m.evidence.clone().into()),
        ("note", note.into()),
        ("created_by", user.into()),
        ("created_at", at.into()),
        ("updated_at", at.into()),
    ];
    insert_returning_id(tx, "assist_measure", row, "新建措施").await
}
