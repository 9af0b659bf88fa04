use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "village_group")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub village_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub no: i16,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
