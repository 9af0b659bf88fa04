use sea_orm::entity::prelude::*;

/// Annual income record; every amount is integer 分.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "income_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub area_code: String,
    pub year: i32,
    pub annual_persons: i16,
    pub wage: i64,
    pub wage_public_welfare: i64,
    pub wage_other: i64,
    pub business: i64,
    pub property: i64,
    pub property_dividend: i64,
    pub property_other: i64,
    pub transfer: i64,
    pub transfer_pension: i64,
    pub transfer_family_planning: i64,
    pub transfer_eco: i64,
    pub transfer_dibao: i64,
    pub transfer_tekun: i64,
    pub transfer_other: i64,
    pub industry_award: i64,
    pub employment_award: i64,
    pub production_cost: i64,
    pub cost_subsidy: i64,
    pub rigid_expense: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
