use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub area_code: String,
    pub person_no: String,
    pub name: String,
    pub sex: i16,
    pub id_type: String,
    /// Sealed ID number (see `crate::crypto`).
    pub id_enc: String,
    /// Keyed hash of the ID number: unique, used for lookups and joins.
    pub id_hash: String,
    pub birth_date: Date,
    pub ethnicity: String,
    pub relation: String,
    pub phone: Option<String>,
    pub political_status: Option<String>,
    pub education: Option<String>,
    pub student_status: Option<String>,
    pub dropout_reason: Option<String>,
    pub graduate_unemployed_reason: Option<String>,
    pub health: String,
    pub labor_skill: String,
    pub work_months: i16,
    pub work_place: Option<String>,
    pub work_employer: Option<String>,
    pub works_abroad: bool,
    pub public_welfare_post: Option<String>,
    pub public_welfare_months: i16,
    pub speaks_mandarin: bool,
    /// JSON of `fangpin_domain::household::PersonInsurance`.
    pub insurance: String,
    pub disability_cert_year: Option<i32>,
    pub unsupported_child: bool,
    pub dropout_after_elimination: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
