//! Instance settings: a small key/value table (county of this instance, demo
//! flag, data year).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::setting;
use crate::{Result, Store};

pub const COUNTY_CODE: &str = "county_code";
pub const COUNTY_NAME: &str = "county_name";
pub const DEMO: &str = "demo";
pub const DATA_YEAR: &str = "data_year";

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(setting::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_owned()),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }
}
