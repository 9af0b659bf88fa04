//! Screening a department feed against a registry extract, without a
//! database: the provincial data office's job (`fangpin screen --registry
//! REGISTRY.csv FEED.csv --type 医保 --out warnings.csv`).
//!
//! * [`Registry::read`] loads the extract (one row a person: ID number,
//!   户编号, 行政区划代码, 户类型, 监测对象类别, 家庭纯收入) into an index
//!   keyed by the ID number as a number.
//! * [`screen`] streams the feed once, matches each row's normalised ID
//!   number, and evaluates the feed's warning rules (the domain's
//!   [`WarningRule`]s) per person and per household, writing one warnings
//!   CSV. The rules' semantics are the domain's; the sums here are the same
//!   sums, kept per rule and person instead of per row (a property test
//!   holds the two equal).

mod extract;
mod ids;
mod registry;
mod text;

use thiserror::Error;

pub use extract::{Options, Summary, screen};
pub use fangpin_domain::screening::WarningRule;
pub use ids::{IdKey, full, id_key, masked};
pub use registry::Registry;

/// Why a screening cannot run.
#[derive(Debug, Error)]
pub enum ScreenError {
    /// Reading or writing a file.
    #[error("读写文件失败：{0}")]
    Io(#[from] std::io::Error),
    /// The registry extract's header lacks a column.
    #[error("户籍底册缺少“{0}”列")]
    RegistryColumn(&'static str),
    /// A registry row is unusable.
    #[error("户籍底册第{row}行：{reason}")]
    RegistryRow {
        /// 1-based row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// The feed's header lacks required columns.
    #[error("部门数据缺少列：{}", .0.join("；"))]
    FeedColumns(Vec<String>),
    /// No rule of the feed type can run in this job.
    #[error("{0}")]
    Rules(String),
}
