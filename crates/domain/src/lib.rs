//! Pure domain model of fangpin (防返贫动态监测和帮扶系统).
//!
//! No I/O, no clock, no database: identifiers ([`IdNumber`], [`AreaCode`]),
//! money ([`Money`]), code lists as data ([`codes`]), the household and member
//! field set ([`household`]), the per-capita income algorithm ([`income`]) and
//! versioned policy parameters with area inheritance ([`policy`]).
//!
//! User-facing error messages are in Chinese and name the problem precisely.

pub mod area;
pub mod area_edition;
pub mod assist;
pub mod calendar;
pub mod codes;
pub mod dedup;
pub mod funds;
pub mod household;
pub mod id_number;
pub mod income;
pub mod money;
pub mod monitor;
pub mod phone;
pub mod policy;
pub mod quality;
#[cfg(feature = "openapi")]
mod schema;
pub mod screening;
pub mod seed;
pub mod self_report;
pub mod setup;
pub mod visits;

pub use area::{AreaCode, AreaCodeError, AreaLevel, AreaNode, VillageGroup, short_name};
pub use codes::{
    CodeItem, CodeList, Synonym, SynonymList, Written, find_list, seed_code_lists, synonym_lists,
};
pub use household::{
    Household, HouseholdBundle, HouseholdError, Hundredths, LivingConditions, Person, PersonError,
    PersonInsurance, YearMonth, YearMonthError,
};
pub use id_number::{
    IdNumber, IdNumberError, Sex, check_digit, masked_birth_date, masked_birth_text,
};
pub use income::{
    IncomeBreakdown, IncomeError, IncomeLine, IncomeRecord, IncomeRules, IncomeStanding, compare,
    compute,
};
pub use money::{Money, MoneyError};
pub use phone::mask_phone;
pub use policy::{Confidence, ParamDef, ParamValue, PolicyError, PolicySet, Resolved, key_label};
pub use seed::seed_params;
