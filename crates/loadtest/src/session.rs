//! A logged-in browser as the server sees it: the session cookie it was
//! given and the CSRF token it must send back on every write.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// One HTTP client for all sessions (its connection pool keeps one
/// keep-alive connection per busy session).
pub fn client(sessions: usize, timeout: Duration) -> Result<Client> {
    Client::builder()
        .pool_max_idle_per_host(sessions)
        .timeout(timeout)
        .build()
        .context("无法创建 HTTP 客户端")
}

/// What a request answered, or why it got no answer.
pub struct Answer {
    pub status: Option<StatusCode>,
    pub body: Value,
    /// Transport failure (connection refused, reset, timed out).
    pub transport: Option<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.is_success())
    }

    /// A short description of a failure, for the error samples.
    pub fn describe(&self) -> String {
        match (&self.status, &self.transport) {
            (_, Some(t)) => format!("连接失败：{t}"),
            (Some(s), None) => {
                let msg = self
                    .body
                    .get("message")
                    .and_then(Value::as_str)
                    .map_or_else(|| self.body.to_string(), str::to_owned);
                format!(
                    "{} {}",
                    s.as_u16(),
                    msg.chars().take(160).collect::<String>()
                )
            }
            (None, None) => "无应答".into(),
        }
    }
}

/// A logged-in user.
#[derive(Clone)]
pub struct Session {
    client: Client,
    base: String,
    cookie: String,
    csrf: String,
    /// The user's area code (12 digits).
    pub area: String,
}

/// Logs in; the answer of the login request itself is returned too, so
/// that callers can time and count it.
pub async fn login(
    client: &Client,
    base: &str,
    username: &str,
    password: &str,
) -> (Answer, Option<Session>) {
    let sent = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            return (
                Answer {
                    status: None,
                    body: Value::Null,
                    transport: Some(e.to_string()),
                },
                None,
            );
        }
    };
    let status = resp.status();
    let cookie = resp
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|kv| kv.starts_with("fp_session="))
        .map(str::to_owned);
    let answer = read(status, resp).await;
    let session = match (&cookie, answer.ok()) {
        (Some(cookie), true) => {
            let csrf = answer.body["csrf_token"].as_str().map(str::to_owned);
            let area = answer.body["user"]["area"]["code"]
                .as_str()
                .map(str::to_owned);
            csrf.zip(area).map(|(csrf, area)| Session {
                client: client.clone(),
                base: base.to_owned(),
                cookie: cookie.clone(),
                csrf,
                area,
            })
        }
        _ => None,
    };
    (answer, session)
}

async fn read(status: StatusCode, resp: reqwest::Response) -> Answer {
    match resp.bytes().await {
        Ok(bytes) => Answer {
            status: Some(status),
            body: serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())),
            transport: None,
        },
        Err(e) => Answer {
            status: Some(status),
            body: Value::Null,
            transport: Some(e.to_string()),
        },
    }
}

impl Session {
    /// Logs in or explains why not.
    pub async fn open(client: &Client, base: &str, username: &str, password: &str) -> Result<Self> {
        let (answer, session) = login(client, base, username, password).await;
        match session {
            Some(s) => Ok(s),
            None => bail!("{username} 登录失败：{}", answer.describe()),
        }
    }

    /// One request; writes carry the CSRF token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Body>) -> Answer {
        let write = method != Method::GET;
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie);
        if write {
            req = req.header("x-csrf-token", &self.csrf);
        }
        req = match body {
            Some(Body::Json(v)) => req.json(&v),
            Some(Body::Bytes(b)) => req
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(b),
            None => req,
        };
        match req.send().await {
            Ok(resp) => read(resp.status(), resp).await,
            Err(e) => Answer {
                status: None,
                body: Value::Null,
                transport: Some(e.to_string()),
            },
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(Body::Json(body))).await
    }
}

pub enum Body {
    Json(Value),
    Bytes(Vec<u8>),
}

/// Waits until the server answers `/healthz`, up to `limit`.
pub async fn wait_ready(client: &Client, base: &str, limit: Duration) -> Result<()> {
    let start = std::time::Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if start.elapsed() > limit {
            bail!("服务在 {} 秒内未就绪：{base}", limit.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
