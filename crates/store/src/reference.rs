//! Reference data: code lists and policy parameters. Both are seeded from the
//! domain crate's defaults the first time and are data from then on: an
//! administrator's later edits are never overwritten by seeding.

use chrono::Utc;
use fangpin_domain::AreaCode;
use fangpin_domain::codes::{Written, seed_code_lists, synonym_lists};
use fangpin_domain::monitor::baseline;
use fangpin_domain::policy::{Confidence, ParamDef, ParamValue, PolicySet};
use fangpin_domain::seed_params;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::{Actor, AuditEntry, record};
use crate::entity::policy_param;
use crate::users::perm;
use crate::{Access, Result, Store, StoreError};

impl Store {
    /// Seeds code lists and policy parameters; idempotent.
    pub async fn seed_reference(&self) -> Result<()> {
        let tx = self.begin_write().await?;
        let mut items_added = 0;
        let mut params_added = 0;
        for list in seed_code_lists() {
            let mut stmt = Query::insert();
            stmt.into_table("code_list")
                .columns(["key", "name", "source"])
                .values_panic([list.key.into(), list.name.into(), list.source.into()])
                .on_conflict(OnConflict::column("key").do_nothing().to_owned());
            tx.execute(&stmt).await?;
            let mut items = Query::insert();
            items
                .into_table("code_item")
                .columns(["list_key", "code", "label", "sort_order"])
                .on_conflict(
                    OnConflict::columns(["list_key", "code"])
                        .do_nothing()
                        .to_owned(),
                );
            for (i, item) in list.items.iter().enumerate() {
                items.values_panic([
                    list.key.into(),
                    item.code.into(),
                    item.label.into(),
                    (i as i32).into(),
                ]);
            }
            if !list.items.is_empty() {
                items_added += tx.execute(&items).await?.rows_affected();
            }
        }
        for syn in synonym_lists() {
            let mut words = Query::insert();
            words
                .into_table("code_synonym")
                .columns(["list_key", "word", "code", "written"])
                .on_conflict(
                    OnConflict::columns(["list_key", "word"])
                        .do_nothing()
                        .to_owned(),
                );
            for w in syn.words {
                words.values_panic([
                    syn.key.into(),
                    w.word.into(),
                    w.code.into(),
                    written_str(w.written).into(),
                ]);
            }
            if !syn.words.is_empty() {
                items_added += tx.execute(&words).await?.rows_affected();
            }
        }
        for def in seed_params() {
            params_added += tx
                .execute(&param_insert(&def, false)?)
                .await?
                .rows_affected();
        }
        let roles_added = self.seed_roles(&tx).await?;
        let calendar_days_added = self.seed_calendar(&tx).await?;
        if items_added + params_added + roles_added + calendar_days_added > 0 {
            record(
                &tx,
                &Actor::system("初始化"),
                AuditEntry {
                    action: "seed",
                    entity: "reference",
                    after: Some(serde_json::json!({
                        "code_items_added": items_added,
                        "params_added": params_added,
                        "roles_added": roles_added,
                        "calendar_days_added": calendar_days_added,
                    })),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a parameter definition. With `replace`, an existing definition
    /// for the same key, scope and year is overwritten. Answers the warnings
    /// of the saved value: a local 监测范围 below the national one of its year
    /// is accepted, with a warning naming that baseline (policy.md §2.1).
    pub async fn insert_param(
        &self,
        actor: &Actor,
        def: &ParamDef,
        replace: bool,
    ) -> Result<Vec<String>> {
        let policy = self.policy_set().await?;
        let before = policy.get(&def.key, def.scope, def.year).cloned();
        let warning = baseline::below_national(&policy, def);
        let tx = self.begin_write().await?;
        let changed = tx
            .execute(&param_insert(def, replace)?)
            .await?
            .rows_affected()
            > 0;
        if changed {
            record(
                &tx,
                actor,
                AuditEntry {
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "policy_param",
                    entity_key: Some(format!(
                        "{}/{}/{}",
                        def.key,
                        def.scope
                            .map(fangpin_domain::AreaCode::as_string)
                            .unwrap_or_default(),
                        def.year
                    )),
                    before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
                    after: Some(serde_json::to_value(def).unwrap_or_default()),
                    note: warning.clone(),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(warning.into_iter().collect())
    }

    /// The warnings of the stored definitions of `key`: each local 监测范围
    /// below the national one of its year, naming that baseline (policy.md §2.1).
    pub async fn param_warnings(&self, key: &str) -> Result<Vec<String>> {
        let policy = self.policy_set().await?;
        Ok(baseline::warnings(&policy)
            .into_iter()
            .filter(|(d, _)| d.key == key)
            .map(|(_, w)| w)
            .collect())
    }
}

impl Store {
    /// An administrator (维护参数) sets a parameter for an area of theirs
    /// and a year, replacing a value of the same key, area and year, with an
    /// audit entry holding both. Refused in Chinese, nothing written: no
    /// permission, a national value or an area outside the caller's, a year
    /// outside 2000–2100, no note, or a value of another type than the
    /// key's other definitions. Answers the saved value's warnings (see
    /// [`Store::insert_param`]).
    pub async fn set_param(&self, access: &Access, def: &ParamDef) -> Result<Vec<String>> {
        access.require(perm::PARAM_MANAGE)?;
        let Some(scope) = def.scope else {
            return Err(StoreError::Invalid(
                "请指定参数适用的地区（全国参数随系统发布，不在此修改）".into(),
            ));
        };
        if !access.covers(&scope) {
            return Err(StoreError::Forbidden(format!(
                "地区{scope}不在您的管辖范围内，不能设置其参数"
            )));
        }
        if !(2000..=2100).contains(&def.year) {
            return Err(StoreError::Invalid(format!(
                "参数年度应在2000至2100之间，实际为{}",
                def.year
            )));
        }
        if def.note.trim().is_empty() {
            return Err(StoreError::Invalid(
                "请在说明中写明参数的来源（文件名称、文号或条款）".into(),
            ));
        }
        let label = fangpin_domain::key_label(&def.key);
        if let Some(other) = self.params_for_key(&def.key).await?.first()
            && other.value.type_label() != def.value.type_label()
        {
            return Err(StoreError::Invalid(format!(
                "参数“{label}”的值应为{}，实际为{}",
                other.value.type_label(),
                def.value.type_label()
            )));
        }
        self.insert_param(&access.actor(), def, true).await
    }
}

/// The INSERT of one parameter definition; with `replace`, an existing
/// definition for the same key, scope and year is overwritten.
fn param_insert(def: &ParamDef, replace: bool) -> Result<sea_orm::sea_query::InsertStatement> {
    let value = serde_json::to_string(&def.value)
        .map_err(|e| StoreError::Invalid(format!("参数值无法保存：{e}")))?;
    let mut on_conflict = OnConflict::columns([
        policy_param::Column::Key,
        policy_param::Column::ScopeCode,
        policy_param::Column::Year,
    ]);
    if replace {
        on_conflict.update_columns([
            policy_param::Column::Value,
            policy_param::Column::Confidence,
            policy_param::Column::Note,
        ]);
    } else {
        on_conflict.do_nothing();
    }
    let mut stmt = Query::insert();
    stmt.into_table(policy_param::Entity)
        .columns([
            policy_param::Column::Key,
            policy_param::Column::ScopeCode,
            policy_param::Column::Year,
            policy_param::Column::Value,
            policy_param::Column::Confidence,
            policy_param::Column::Note,
            policy_param::Column::CreatedAt,
        ])
        .values_panic([
            def.key.clone().into(),
            def.scope
                .map(fangpin_domain::AreaCode::as_string)
                .unwrap_or_default()
                .into(),
            def.year.into(),
            value.into(),
            confidence_str(def.confidence).into(),
            def.note.clone().into(),
            Utc::now().fixed_offset().into(),
        ])
        .on_conflict(on_conflict.clone());
    Ok(stmt)
}

impl Store {
    /// Every stored parameter definition, as a resolvable policy set.
    pub async fn policy_set(&self) -> Result<PolicySet> {
        let rows = policy_param::Entity::find()
            .order_by_asc(policy_param::Column::Key)
            .order_by_asc(policy_param::Column::Year)
            .all(&self.db)
            .await?;
        let mut defs = Vec::with_capacity(rows.len());
        for r in rows {
            defs.push(param_of(r)?);
        }
        Ok(PolicySet::new(defs))
    }

    /// Parameter definitions for one key, ordered by year then scope.
    pub async fn params_for_key(&self, key: &str) -> Result<Vec<ParamDef>> {
        let rows = policy_param::Entity::find()
            .filter(policy_param::Column::Key.eq(key))
            .order_by_asc(policy_param::Column::Year)
            .order_by_asc(policy_param::Column::ScopeCode)
            .all(&self.db)
            .await?;
        rows.into_iter().map(param_of).collect()
    }

    /// (word, code) pairs of a stored code list's synonyms.
    pub async fn code_synonyms(&self, list_key: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = Query::select();
        stmt.columns(["word", "code"])
            .from("code_synonym")
            .and_where(Expr::col("list_key").eq(list_key))
            .order_by("word", Order::Asc);
        let rows = self.db.query_all(&stmt).await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get("", "word")?, r.try_get("", "code")?)))
            .collect()
    }

    /// (code, label) pairs of a stored code list, in list order.
    pub async fn code_items(&self, list_key: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = Query::select();
        stmt.columns(["code", "label"])
            .from("code_item")
            .and_where(Expr::col("list_key").eq(list_key))
            .and_where(Expr::col("active").eq(true))
            .order_by("sort_order", Order::Asc);
        let rows = self.db.query_all(&stmt).await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get("", "code")?, r.try_get("", "label")?)))
            .collect()
    }
}

fn written_str(w: Written) -> &'static str {
    match w {
        Written::Never => "never",
        Written::Always => "always",
        Written::Male => "male",
        Written::Female => "female",
    }
}

fn confidence_str(c: Confidence) -> &'static str {
    match c {
        Confidence::Confirmed => "confirmed",
        Confidence::Local => "local",
        Confidence::Unconfirmed => "unconfirmed",
    }
}

fn param_of(r: policy_param::Model) -> Result<ParamDef> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("参数 {} #{}：{what}", r.key, r.id));
    let value: ParamValue =
        serde_json::from_str(&r.value).map_err(|e| corrupt(&format!("值无法解析（{e}）")))?;
    let confidence = match r.confidence.as_str() {
        "confirmed" => Confidence::Confirmed,
        "local" => Confidence::Local,
        "unconfirmed" => Confidence::Unconfirmed,
        other => return Err(corrupt(&format!("可信度无效（{other}）"))),
    };
    let scope = if r.scope_code.is_empty() {
        None
    } else {
        Some(AreaCode::parse(&r.scope_code).map_err(|e| corrupt(&e.to_string()))?)
    };
    Ok(ParamDef {
        key: r.key.clone(),
        scope,
        year: r.year,
        value,
        confidence,
        note: r.note.clone(),
    })
}
