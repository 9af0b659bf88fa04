//! Authentication: login, sessions in HttpOnly SameSite=Strict cookies, CSRF
//! tokens for state-changing requests, bearer API tokens for machines, login
//! throttling per address, and the [`Caller`] extractor every data route uses.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fangpin_store::users::SESSION_HOURS;
use fangpin_store::{Access, LoginOutcome, UserInfo};
use serde::{Deserialize, Serialize};
use utoipa_axum::routes;

use crate::extract::ApiJson;
use crate::openapi::ErrorBody;
use crate::routes::{Guard, Routes};
use crate::{ApiError, AppState};

pub const SESSION_COOKIE: &str = "fp_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The answer to every failed login (unknown user, wrong password, or an
/// account locked for the client's address after repeated failures).
pub fn bad_credentials_message() -> String {
    use fangpin_store::users::{LOCK_MINUTES, MAX_FAILED_LOGINS};
    format!(
        "用户名或密码错误（同一地址连续输错{MAX_FAILED_LOGINS}次，该账号在此地址暂停登录{LOCK_MINUTES}分钟）"
    )
}

/// Failed logins from one address within the window before it is refused.
const ADDRESS_MAX_FAILURES: usize = 20;
const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed login attempts per client address (in memory, per server process).
#[derive(Clone, Default)]
pub struct LoginThrottle {
    failures: Arc<Mutex<HashMap<IpAddr, Vec<Instant>>>>,
}

impl LoginThrottle {
    fn blocked(&self, ip: IpAddr) -> bool {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let list = map.entry(ip).or_default();
        list.retain(|t| now.duration_since(*t) < ADDRESS_WINDOW);
        list.len() >= ADDRESS_MAX_FAILURES
    }

    fn fail(&self, ip: IpAddr) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(ip).or_default().push(Instant::now());
    }
}

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/auth/login", routes!(login), Guard::Public)
        .route("/api/auth/logout", routes!(logout), Guard::Session)
        .route("/api/auth/me", routes!(me), Guard::Session)
        .route(
            "/api/auth/password",
            routes!(change_password),
            Guard::Session,
        )
}

/// The address of the client: the connection's peer, or — when the peer is
/// one of the configured reverse proxies — the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy. Headers from
/// anyone else are ignored, so a client cannot pick its own address.
fn client_ip(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .or(forwarded.first())
        .copied()
        .or(Some(peer))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// The session cookie; `secure` adds `Secure`, so that browsers send it
/// over HTTPS only (set it when the server is reached through HTTPS).
fn session_cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("fp_session=; Path=/; Max-Age=0"))
}

fn unauthenticated() -> ApiError {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthenticated",
        message: "请先登录".into(),
    }
}

/// The authenticated caller of a request.
pub struct Caller {
    pub user: UserInfo,
    pub access: Access,
    /// Set for cookie sessions (not for API tokens).
    pub session: Option<(String, String)>,
}

/// Resolves the caller from the session cookie or a bearer token, enforcing
/// CSRF on state-changing requests made with a cookie.
async fn resolve(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    let address = client_ip(parts, &state.trusted_proxies).map(|ip| ip.to_string());
    let now = Utc::now();
    if let Some(token) = bearer(&parts.headers) {
        let user = state
            .store
            .token_user(&token, now)
            .await?
            .ok_or_else(unauthenticated)?;
        let access = user.access(address)?;
        return Ok(Caller {
            user,
            access,
            session: None,
        });
    }
    let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(unauthenticated)?;
    let (user, csrf) = state
        .store
        .session_user(&token, now, state.demo_mode)
        .await?
        .ok_or_else(unauthenticated)?;
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent != Some(csrf.as_str()) {
            return Err(ApiError {
                status: StatusCode::FORBIDDEN,
                code: "csrf",
                message: "请求缺少有效的安全令牌（X-CSRF-Token），请刷新页面后重试".into(),
            });
        }
    }
    let access = user.access(address)?;
    Ok(Caller {
        user,
        access,
        session: Some((token, csrf)),
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = resolve(parts, state).await?;
        if caller.user.must_change_password {
            return Err(ApiError {
                status: StatusCode::FORBIDDEN,
                code: "password_change_required",
                message: "首次登录请先修改密码".into(),
            });
        }
        Ok(caller)
    }
}

/// Like [`Caller`] but allowed while a password change is pending.
pub struct PendingCaller(pub Caller);

impl FromRequestParts<AppState> for PendingCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        resolve(parts, state).await.map(PendingCaller)
    }
}

/// The client address for handlers that run before login.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ClientIp(client_ip(parts, &state.trusted_proxies)))
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

#[utoipa::path(post, path = "/api/auth/login", tag = "登录", request_body = LoginBody, responses((status = 200, description = "登录成功：{user, csrf_token}，并设置 HttpOnly SameSite=Strict 会话 Cookie", body = SessionView), (status = 401, description = "用户名或密码错误；不存在的用户、错误的密码和在本地址被临时锁定的账号回答相同", body = ErrorBody), (status = 429, description = "本地址登录失败次数过多，暂时不再受理", body = ErrorBody)))]
async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let throttled = || ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: "throttled",
        message: format!(
            "登录失败次数过多，请{}分钟后再试",
            fangpin_store::users::LOCK_MINUTES
        ),
    };
    if let Some(ip) = ip
        && s.throttle.blocked(ip)
    {
        return Err(throttled());
    }
    let outcome = s
        .store
        .login(
            body.username.trim(),
            &body.password,
            ip.map(|i| i.to_string()),
            Utc::now(),
            s.demo_mode,
        )
        .await?;
    match outcome {
        LoginOutcome::Ok {
            user,
            session_token,
            csrf_token,
        } => {
            let mut resp = Json(SessionView {
                csrf_token: Some(csrf_token),
                user: *user,
            })
            .into_response();
            resp.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&session_token, SESSION_HOURS * 3600, s.secure_cookie),
            );
            Ok(resp)
        }
        // An unknown user, a wrong password and an account locked for this
        // address get one answer, so that it tells nobody which names exist
        // or which accounts someone is guessing at.
        LoginOutcome::BadCredentials | LoginOutcome::Locked { .. } => {
            if let Some(ip) = ip {
                s.throttle.fail(ip);
            }
            Err(ApiError {
                status: StatusCode::UNAUTHORIZED,
                code: "bad_credentials",
                message: bad_credentials_message(),
            })
        }
    }
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "登录", responses((status = 204, description = "已退出，会话失效")))]
async fn logout(
    State(s): State<AppState>,
    PendingCaller(c): PendingCaller,
) -> Result<Response, ApiError> {
    if let Some((token, _)) = &c.session {
        s.store.logout(token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, s.secure_cookie));
    Ok(resp)
}

#[utoipa::path(get, path = "/api/auth/me", tag = "登录", responses((status = 200, description = "当前用户与 CSRF 令牌", body = SessionView), (status = 401, description = "未登录", body = ErrorBody)))]
async fn me(PendingCaller(c): PendingCaller) -> Json<SessionView> {
    Json(SessionView {
        csrf_token: c.session.map(|(_, csrf)| csrf),
        user: c.user,
    })
}

/// The logged-in user and the CSRF token their writes must send (none for
/// an API token).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SessionView {
    csrf_token: Option<String>,
    user: UserInfo,
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PasswordBody {
    old_password: String,
    new_password: String,
}

#[utoipa::path(post, path = "/api/auth/password", tag = "登录", request_body = PasswordBody, responses((status = 204, description = "已修改；本人其他会话失效"), (status = 400, description = "原密码不正确或新密码不符合规则", body = ErrorBody)))]
async fn change_password(
    State(s): State<AppState>,
    PendingCaller(c): PendingCaller,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    let keep = c.session.as_ref().map(|(t, _)| t.as_str());
    s.store
        .change_password(&c.access, &body.old_password, &body.new_password, keep)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(peer: &str, forwarded: &[&str]) -> Parts {
        let mut req = axum::http::Request::builder().uri("/");
        for f in forwarded {
            req = req.header("x-forwarded-for", *f);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
        parts.extensions.insert(ConnectInfo(addr));
        parts
    }

    fn ip(a: &str) -> IpAddr {
        a.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let p = parts("203.0.113.9", &["198.51.100.1"]);
        assert_eq!(client_ip(&p, &[]), Some(ip("203.0.113.9")));
        // A header from an untrusted peer is ignored.
        let trusted = [ip("10.0.0.2")];
        assert_eq!(client_ip(&p, &trusted), Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        let trusted = [ip("10.0.0.2"), ip("10.0.0.3")];
        let p = parts("10.0.0.2", &["198.51.100.1"]);
        assert_eq!(client_ip(&p, &trusted), Some(ip("198.51.100.1")));
        // A client that sends its own header cannot choose its address: the
        // nearest untrusted hop is the one the proxy saw.
        let p = parts("10.0.0.2", &["6.6.6.6, 198.51.100.1"]);
        assert_eq!(client_ip(&p, &trusted), Some(ip("198.51.100.1")));
        // Two proxies in a row, and the header split over two lines.
        let p = parts("10.0.0.2", &["198.51.100.7", "10.0.0.3"]);
        assert_eq!(client_ip(&p, &trusted), Some(ip("198.51.100.7")));
        // No usable header: the proxy itself.
        let p = parts("10.0.0.2", &["unknown"]);
        assert_eq!(client_ip(&p, &trusted), Some(ip("10.0.0.2")));
    }
}
