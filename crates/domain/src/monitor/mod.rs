//! Monitoring (防返贫动态监测): the rules that decide whether a household is in
//! the at-risk set ([`assess`]), the case lifecycle from a lead to 监测中 and on
//! to 风险已消除 ([`workflow`]), the time limits of its steps ([`sla`]), and
//! the warning for a local 监测范围 below the national one ([`baseline`]).

pub mod assess;
pub mod baseline;
pub mod sla;
pub mod workflow;
