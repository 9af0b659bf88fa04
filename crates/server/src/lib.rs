//! HTTP API and embedded web UI of fangpin. Handlers stay thin: they parse the
//! request, call the store (which owns every rule about data), and shape JSON.
//!
//! Conventions: JSON bodies; errors are `{code, message}` with a Chinese
//! message; lists are paginated as `{items, total, page, page_size}`; money is
//! integer 分; ID numbers are masked in every list and detail view.

mod api;
mod error;
mod extract;
mod web;

use std::net::SocketAddr;

use axum::Router;
use fangpin_store::Store;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// The whole application: API routes, health check and the embedded UI.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .fallback(web::static_or_index)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until Ctrl-C (or SIGTERM); `on_ready` gets the bound address.
pub async fn serve(
    state: AppState,
    bind: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "fangpin 服务已启动");
    on_ready(addr);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("收到停止信号，服务正在退出");
}
