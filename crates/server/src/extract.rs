//! Extractors whose rejections use the API's `{code, message}` error shape.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// Query string parameters; a malformed value is a 400 with a Chinese message.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request(format!("查询参数无效：{}", e.body_text()))
            })
    }
}

/// Path parameters; a malformed value is a 404 (the resource cannot exist).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|_: PathRejection| ApiError::not_found("资源不存在：路径参数无效"))
    }
}

/// A JSON request body; a malformed body is a 400 whose Chinese message says
/// what was wrong (not JSON, a missing or mistyped field and where).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| ApiJson(v))
            .map_err(|e| ApiError::bad_request(json_rejection_message(&e)))
    }
}

/// The Chinese message of a rejected JSON body. serde's own detail (the
/// field name and position) is kept after the explanation.
fn json_rejection_message(e: &JsonRejection) -> String {
    let detail = e.body_text();
    let detail = detail
        .rsplit_once(": ")
        .map(|(_, d)| d.to_owned())
        .unwrap_or(detail);
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            "请求格式错误：需要 Content-Type: application/json".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => format!("请求内容不是有效的 JSON：{detail}"),
        JsonRejection::JsonDataError(_) => {
            format!("请求内容无效：{}", translate_serde(&detail))
        }
        _ => format!("请求内容无法读取：{detail}"),
    }
}

/// serde's most common data errors in Chinese; anything else is kept as is.
fn translate_serde(detail: &str) -> String {
    let field = |rest: &str| rest.split('`').nth(1).unwrap_or("").to_owned();
    if let Some(rest) = detail.strip_prefix("missing field ") {
        let (name, tail) = rest.split_once(" at ").unwrap_or((rest, ""));
        return format!("缺少字段 {}{}", field(name), position(tail));
    }
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        let (name, tail) = rest.split_once(',').unwrap_or((rest, ""));
        let at = tail.rsplit_once(" at ").map_or("", |(_, p)| p);
        return format!("未知字段 {}{}", field(name), position(at));
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let (what, tail) = rest.split_once(" at ").unwrap_or((rest, ""));
        return format!("类型错误（{what}）{}", position(tail));
    }
    detail.to_owned()
}

fn position(tail: &str) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        format!("，位置 {tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::translate_serde;

    #[test]
    fn serde_errors_read_in_chinese() {
        assert_eq!(
            translate_serde("missing field `household_id` at line 1 column 2"),
            "缺少字段 household_id，位置 line 1 column 2"
        );
        assert_eq!(
            translate_serde("unknown field `foo`, expected `a` or `b` at line 1 column 6"),
            "未知字段 foo，位置 line 1 column 6"
        );
        assert_eq!(
            translate_serde("invalid type: string \"x\", expected i64 at line 1 column 9"),
            "类型错误（string \"x\", expected i64），位置 line 1 column 9"
        );
        assert_eq!(translate_serde("something else"), "something else");
    }
}

/// The body of an edit: the record's new fields with the revision the page
/// read them at; the store refuses a stale revision, so that a save never
/// silently overwrites someone else's.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct Revised<T> {
    /// 页面所示的版本号（他人已修改时拒绝）。
    pub revision: i32,
    #[serde(flatten)]
    pub fields: T,
}
