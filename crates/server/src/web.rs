//! The Vue front end, built into `web/dist` and embedded in the binary.

use axum::body::Body;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::ApiError;

#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
struct Assets;

pub async fn static_or_index(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return ApiError::not_found(format!("接口不存在：/{path}")).into_response();
    }
    let file = if path.is_empty() { "index.html" } else { path };
    match Assets::get(file) {
        Some(content) => asset_response(file, content.data.into_owned()),
        // Unknown paths belong to the single-page app.
        None => match Assets::get("index.html") {
            Some(index) => asset_response("index.html", index.data.into_owned()),
            None => (StatusCode::NOT_FOUND, "前端页面未构建").into_response(),
        },
    }
}

fn asset_response(name: &str, data: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let cache = if name == "index.html" {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    Response::builder()
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::CACHE_CONTROL, cache)
        .body(Body::from(data))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
