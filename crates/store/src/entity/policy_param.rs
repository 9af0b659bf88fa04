use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_param")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    /// '' for the national level, otherwise a 12-digit area code.
    pub scope_code: String,
    pub year: i32,
    /// The value as JSON (`fangpin_domain::policy::ParamValue`).
    pub value: String,
    pub confidence: String,
    pub note: String,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
