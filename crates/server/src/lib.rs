//! HTTP API and embedded web UI of fangpin. Handlers stay thin: they parse the
//! request, call the store (which owns every rule about data), and shape JSON.
//!
//! Conventions: JSON bodies; errors are `{code, message}` with a Chinese
//! message; lists are paginated as `{items, total, page, page_size}`; money is
//! integer 分; ID numbers are masked in every list and detail view.

mod areas;
mod assist;
mod audit;
pub mod auth;
mod dedup;
mod error;
pub mod exchange;
mod extract;
mod funds;
mod households;
mod monitor;
pub mod openapi;
mod page;
mod print;
pub mod routes;
pub mod self_report;
mod system;
mod tokens;
mod users;
mod visits;
mod web;

use std::net::SocketAddr;

use axum::Router;
use fangpin_store::Store;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use routes::{Guard, RouteSpec, route_table};

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Started by `fangpin demo`: seeded demo users may log in without the
    /// forced password change, and the login page lists them.
    pub demo_mode: bool,
    /// The demo users' password, shown on the login page in demo mode.
    pub demo_password: Option<String>,
    pub throttle: auth::LoginThrottle,
    pub jobs: exchange::Jobs,
    /// The clock of every dated decision; tests may set it to travel in time.
    pub clock: Clock,
    /// Per-address limits of the public self-report routes.
    pub public_limits: self_report::PublicLimits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the
    /// per-address limits and the audit log); empty: the peer is the client.
    pub trusted_proxies: std::sync::Arc<[std::net::IpAddr]>,
    /// Mark the session cookie `Secure` (served over HTTPS).
    pub secure_cookie: bool,
}

/// A source of the current time.
#[derive(Clone)]
pub struct Clock(std::sync::Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(std::sync::Arc::new(chrono::Utc::now))
    }

    /// A clock that always answers `at`.
    pub fn fixed(at: chrono::DateTime<chrono::Utc>) -> Clock {
        Clock(std::sync::Arc::new(move || at))
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.0)()
    }
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            demo_mode: false,
            demo_password: None,
            throttle: auth::LoginThrottle::default(),
            jobs: exchange::Jobs::default(),
            clock: Clock::system(),
            public_limits: self_report::PublicLimits::default(),
            trusted_proxies: std::sync::Arc::from([]),
            secure_cookie: false,
        }
    }

    /// Demo mode with the demo users' password.
    pub fn demo(store: Store, password: &str) -> AppState {
        AppState {
            demo_mode: true,
            demo_password: Some(password.to_owned()),
            ..AppState::new(store)
        }
    }
}

/// The whole application: API routes, health check and the embedded UI.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_routes().into_parts();
    api
        // The API description and its viewer: static documents, no data.
        .merge(openapi::routes())
        .fallback(web::static_or_index)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every data route with its scope decision ([`routes::route_table`]).
pub(crate) fn api_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(system::routes())
        .merge(areas::routes())
        .merge(households::routes())
        .merge(audit::routes())
        .merge(users::routes())
        .merge(dedup::routes())
        .merge(auth::routes())
        .merge(exchange::routes())
        .merge(monitor::routes())
        .merge(print::routes())
        .merge(funds::routes())
        .merge(assist::routes())
        .merge(self_report::routes())
        .merge(visits::routes())
        .merge(tokens::routes())
}

/// Serves until Ctrl-C (or SIGTERM); `on_ready` gets the bound address.
pub async fn serve(
    state: AppState,
    bind: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tokio::spawn(nightly_quality(state.store.clone()));
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "fangpin 服务已启动");
    on_ready(addr);
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Reads the county's rule facts for its data year into memory, so the first
/// what-if of the day answers as fast as the next ones.
async fn warm_what_if(store: &fangpin_store::Store) {
    use fangpin_store::settings;
    let Ok(Some(county)) = store.setting(settings::COUNTY_CODE).await else {
        return;
    };
    let Ok(area) = fangpin_domain::AreaCode::parse(&county) else {
        return;
    };
    let year = match store.setting(settings::DATA_YEAR).await {
        Ok(Some(y)) => y.parse().ok(),
        _ => None,
    };
    let year = year.unwrap_or_else(|| {
        use chrono::Datelike;
        fangpin_store::calendar::china_day(chrono::Utc::now()).year() - 1
    });
    let mut access = fangpin_store::Access::system(area);
    access.username = "测算预加载".into();
    match store.warm_what_if(&access, &area, year).await {
        Ok(n) => tracing::info!(households = n, year, "测算数据已预加载"),
        Err(e) => tracing::warn!(error = %e, "测算数据预加载失败"),
    }
}

/// Runs the data-quality rules over the whole county every night at 02:00
/// (China time), so findings and fix-by dates stay current without anyone
/// pressing a button.
async fn nightly_quality(store: fangpin_store::Store) {
    warm_what_if(&store).await;
    loop {
        let now = chrono::Utc::now();
        let cst = now + chrono::Duration::hours(8);
        let next = (cst.date_naive() + chrono::Days::new(1))
            .and_hms_opt(2, 0, 0)
            .expect("valid time");
        let wait = (next - cst.naive_utc()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let Ok(Some(county)) = store.setting(fangpin_store::settings::COUNTY_CODE).await else {
            continue;
        };
        let Ok(area) = fangpin_domain::AreaCode::parse(&county) else {
            continue;
        };
        let mut access = fangpin_store::Access::system(area);
        access.username = "夜间数据质量检查".into();
        match store.run_quality(&access, None, chrono::Utc::now()).await {
            Ok(r) => tracing::info!(
                checked = r.checked,
                new = r.new,
                resolved = r.resolved,
                "夜间数据质量检查完成"
            ),
            Err(e) => tracing::warn!(error = %e, "夜间数据质量检查失败"),
        }
    }
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
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("收到停止信号，服务正在退出");
}
