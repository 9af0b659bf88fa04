//! Monitoring (防返贫动态监测): the rules that decide whether a household is in
//! the at-risk set ([`assess`]), the case lifecycle from a lead to 监测中 and on
//! to 风险已消除 ([`workflow`]), and the time limits of its steps ([`sla`]).

pub mod assess;
pub mod sla;
pub mod workflow;
