//! Use cases of fangpin: what the HTTP handlers and the command line both
//! do, written once. A handler or a command parses its input, calls one
//! function here and presents the answer.
//!
//! May depend on: `fangpin-domain`, `fangpin-store`, `fangpin-exchange` and
//! plain libraries (serde, chrono, utoipa for response schemas).
//! May not depend on: `fangpin-server`, `fangpin-cli`, `fangpin`, axum or any
//! other HTTP or terminal library. Errors are [`AppError`], which the server
//! maps to HTTP answers and the command line prints.

pub mod exchange;
pub mod households;

use fangpin_store::StoreError;

/// Why a use case failed. Messages are Chinese because they reach users.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store refused or failed (not found, invalid, forbidden, internal).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing an export file failed.
    #[error("导出失败：{0}")]
    Export(#[from] fangpin_exchange::ExportError),
    /// The thread writing an export file stopped without an answer.
    #[error("导出中断：{0}")]
    Interrupted(String),
}

/// The result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
