//! Instance settings: a small key/value table (county of this instance, demo
//! flag, data year).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;

use crate::audit::{Actor, AuditEntry, record};

use crate::entity::setting;
use crate::{Result, Store};

pub const COUNTY_CODE: &str = "county_code";
pub const COUNTY_NAME: &str = "county_name";
pub const DEMO: &str = "demo";
pub const DATA_YEAR: &str = "data_year";
/// Check value of the encryption key this database was created with.
pub const KEY_CHECK: &str = "key_check";

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(setting::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let before = self.setting(key).await?;
        if before.as_deref() == Some(value) {
            return Ok(());
        }
        let tx = self.begin_write().await?;
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_owned()),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(&tx)
        .await?;
        record(
            &tx,
            actor,
            AuditEntry {
                action: if before.is_some() { "update" } else { "create" },
                entity: "setting",
                entity_key: Some(key.to_owned()),
                before: before.map(Value::String),
                after: Some(Value::String(value.to_owned())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
