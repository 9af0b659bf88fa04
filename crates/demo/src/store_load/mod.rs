//! Writing a generated county into a store, through the store's public API
//! only (`Store::begin_write`, `audit::commit_audited`, the store's reads and
//! its insert helpers): a demo county loads tens of thousands of records at
//! once, so each kind goes in as one transaction with one audit entry.
//! Nothing here is part of the production store library.

mod assist;
mod funds;
mod reset;
mod visits;

pub use assist::insert_assistance;
pub use funds::load_funds;
pub use reset::{clear_households, clear_visits};
pub use visits::{BulkVisit, insert_visits_bulk, link_sweep_visits};
