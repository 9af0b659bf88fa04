//! SeaORM entities: one per table, mirroring the migrations.

pub mod area;
pub mod household;
pub mod income_record;
pub mod person;
pub mod policy_param;
pub mod setting;
pub mod village_group;
