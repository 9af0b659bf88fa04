//! The API's error shape: an HTTP status plus `{code, message}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fangpin_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
        }
    }
}

/// A known path asked with a method it does not take (405, with `Allow` set
/// by the router).
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: format!("不支持的请求方法：{method} {}", uri.path()),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(message) => ApiError::not_found(message),
            StoreError::Invalid(msg) => ApiError::bad_request(msg),
            StoreError::RegisteredElsewhere { message, .. } => ApiError::bad_request(message),
            StoreError::Forbidden(msg) => ApiError {
                status: StatusCode::FORBIDDEN,
                code: "forbidden",
                message: msg,
            },
            other => {
                tracing::error!(error = %other, "存储层错误");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    message: "服务器内部错误，请稍后重试或联系管理员".into(),
                }
            }
        }
    }
}

impl From<fangpin_app::AppError> for ApiError {
    fn from(e: fangpin_app::AppError) -> Self {
        match e {
            fangpin_app::AppError::Store(e) => e.into(),
            fangpin_app::AppError::Export(_) | fangpin_app::AppError::Interrupted(_) => ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "export_failed",
                message: e.to_string(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(Body {
            code: self.code,
            message: &self.message,
        });
        (self.status, body).into_response()
    }
}
