//! Versioned schema migrations. Each file is one version; they run in order on
//! SQLite and PostgreSQL alike (the schema builder emits each dialect), and the
//! applied versions are recorded in `seaql_migrations`.

use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_audit_log;
mod m20261123_000003_users;
mod m20261123_000004_duplicates;
mod m20261123_000005_history;
mod m20261123_000006_monitoring;
mod m20261123_000007_quality;
mod m20261123_000008_self_report;
mod m20261123_000009_assistance;
mod m20261123_000010_visits;
mod m20261123_000011_funds;
mod m20261123_000012_funds_edits;
mod m20261123_000013_visit_photos;
mod m20261123_000014_measure_edits;
mod m20261123_000015_audit_chain;
mod m20261123_000016_login_guard;
mod m20261207_000017_area_official;
mod m20261207_000018_code_synonyms;
mod util;

pub use m20261123_000001_foundation::INCOME_MONEY_COLUMNS;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_audit_log::Migration),
            Box::new(m20261123_000003_users::Migration),
            Box::new(m20261123_000004_duplicates::Migration),
            Box::new(m20261123_000005_history::Migration),
            Box::new(m20261123_000006_monitoring::Migration),
            Box::new(m20261123_000007_quality::Migration),
            Box::new(m20261123_000008_self_report::Migration),
            Box::new(m20261123_000009_assistance::Migration),
            Box::new(m20261123_000010_visits::Migration),
            Box::new(m20261123_000011_funds::Migration),
            Box::new(m20261123_000012_funds_edits::Migration),
            Box::new(m20261123_000013_visit_photos::Migration),
            Box::new(m20261123_000014_measure_edits::Migration),
            Box::new(m20261123_000015_audit_chain::Migration),
            Box::new(m20261123_000016_login_guard::Migration),
            Box::new(m20261207_000017_area_official::Migration),
            Box::new(m20261207_000018_code_synonyms::Migration),
        ]
    }
}
