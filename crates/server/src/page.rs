//! What list routes share: paging parameters, the `{items, total, page,
//! page_size}` page, and small parsing helpers.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::extract::ApiQuery;

/// A handler's answer: JSON or the `{code, message}` error.
pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// A list that is not paged: `{items}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> Items<T> {
    pub fn json(items: Vec<T>) -> Json<Items<T>> {
        Json(Items { items })
    }
}

/// The number of a record just created: `{id}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A write that answers nothing else: `{ok: true}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// A full phone number shown on request (audited): `{phone}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FullPhone {
    pub phone: String,
}

/// An entry of a code list or of a fixed choice: `{code, label}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}

impl From<(String, String)> for CodeLabel {
    fn from((code, label): (String, String)) -> CodeLabel {
        CodeLabel { code, label }
    }
}

impl CodeLabel {
    pub fn of(code: &str, label: &str) -> CodeLabel {
        CodeLabel {
            code: code.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// Pagination parameters shared by list endpoints.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 页码，从 1 开始；缺省为 1。
    pub page: Option<u64>,
    /// 每页条数，1 到 200；缺省为 20。
    pub page_size: Option<u64>,
}

/// The page a list route answers: the query string's `page` and
/// `page_size`, checked, with the offset to read from. An extractor of its
/// own, so that a list's filter struct holds only its filters.
#[derive(Clone, Copy, Debug)]
pub struct Paging {
    pub page: u64,
    pub page_size: u64,
    pub offset: u64,
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiQuery(q) = ApiQuery::<PageQuery>::from_request_parts(parts, state).await?;
        let (page, page_size, offset) = q.resolve()?;
        Ok(Paging {
            page,
            page_size,
            offset,
        })
    }
}

pub const MAX_PAGE_SIZE: u64 = 200;

impl PageQuery {
    /// (page, page_size, offset) after validation.
    pub fn resolve(&self) -> Result<(u64, u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page == 0 {
            return Err(ApiError::bad_request("参数 page 应从 1 开始"));
        }
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(ApiError::bad_request(format!(
                "参数 page_size 应在 1 到 {MAX_PAGE_SIZE} 之间"
            )));
        }
        // The offset goes to SQL as a signed 64-bit number.
        let offset = (page - 1)
            .checked_mul(size)
            .filter(|o| i64::try_from(*o).is_ok())
            .ok_or_else(|| ApiError::bad_request(format!("参数 page 过大：{page}")))?;
        Ok((page, size, offset))
    }
}

/// One page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl<T> Page<T> {
    /// The answer of a list route.
    pub fn json(items: Vec<T>, total: u64, page: u64, page_size: u64) -> Json<Page<T>> {
        Json(Page {
            items,
            total,
            page,
            page_size,
        })
    }
}

pub fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}
