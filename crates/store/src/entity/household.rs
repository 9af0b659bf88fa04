use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub area_code: String,
    pub group_no: Option<i16>,
    pub household_no: String,
    pub head_name: String,
    /// Sealed ID number (see `crate::crypto`).
    pub head_id_enc: String,
    /// Keyed hash of the ID number for exact lookup.
    pub head_id_hash: String,
    pub phone: Option<String>,
    pub household_type: String,
    pub poverty_policy: Option<String>,
    pub monitor_category: Option<String>,
    pub is_military_family: bool,
    pub current_size: i16,
    pub identified_month: Option<String>,
    pub eliminated_month: Option<String>,
    pub risk_eliminated: Option<bool>,
    pub elimination_method: Option<String>,
    /// JSON array of risk-type codes (at most five).
    pub risks: String,
    pub dev_measure_status: Option<String>,
    pub no_labor_safety_net: bool,
    pub collector_name: Option<String>,
    pub collector_phone: Option<String>,
    pub bank_name: Option<String>,
    /// Sealed bank card number.
    pub bank_account_enc: Option<String>,
    /// JSON of `fangpin_domain::household::LivingConditions`.
    pub conditions: String,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
