//! HTTP API behaviour on both engines, one module per feature; each module's
//! tests run as `FEATURE::sqlite::*` and `FEATURE::postgres::*`.

#[path = "../common/mod.rs"]
mod common;

mod areas;
mod assist;
mod audit;
mod auth;
mod calendar;
mod dedup;
mod exchange;
mod funds;
mod households;
mod print;
mod roles;
mod self_report;
mod setup;
mod system;
mod visits;
