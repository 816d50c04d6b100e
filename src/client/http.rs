//! HTTP plumbing shared by every backend: one client setup (rustls with
//! the platform's roots, plus a private CA if given), bounded reads, and
//! errors in words fit for the screen.

use crate::text::redact_url;
use std::path::Path;
use std::time::Duration;

use reqwest::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::ClientError;
use crate::text::one_line;

/// The most we read of any answer. A backend that sends more is broken or
/// hostile; we stop reading rather than fill memory.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

pub fn check_url(base: &str) -> Result<String, String> {
    let base = base.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&base)
        .map_err(|e| format!("`{}` is not a URL: {e}", one_line(&redact_url(&base), 80)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{}` must start with http:// or https://",
            one_line(&redact_url(&base), 80)
        ));
    }
    Ok(base)
}

/// Whether `base` names this machine (`localhost`, 127.0.0.0/8, `::1`):
/// such a backend (the embedded server, an SSH tunnel's end) is never
/// reached through a proxy, which could not reach it.
pub fn is_loopback(base: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A client for the backend at `base`, with timeouts, verifying TLS
/// against the platform's roots and, when given, a private CA. There is
/// deliberately no way to skip verification. `HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY` and `NO_PROXY` are honoured (reqwest reads them), except
/// for a backend on this machine.
pub fn build_client(ca_cert: Option<&Path>, base: &str) -> Result<reqwest::Client, String> {
    let mut b = crate::tls::client_builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")));
    if is_loopback(base) {
        b = b.no_proxy();
    }
    if let Some(path) = ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read --ca-cert {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            format!(
                "--ca-cert {} is not a PEM certificate bundle: {e}",
                path.display()
            )
        })?;
        if certs.is_empty() {
            return Err(format!("--ca-cert {} holds no certificate", path.display()));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| format!("cannot set up HTTPS: {e}"))
}

pub async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ClientError> {
    if resp.content_length().is_some_and(|n| n as usize > MAX_BODY) {
        return Err(ClientError::BadResponse(format!(
            "the answer is over {} MiB",
            MAX_BODY >> 20
        )));
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport)? {
        if out.len() + chunk.len() > MAX_BODY {
            return Err(ClientError::BadResponse(format!(
                "the answer is over {} MiB",
                MAX_BODY >> 20
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

pub fn transport(e: reqwest::Error) -> ClientError {
    if e.is_timeout() {
        return ClientError::Timeout;
    }
    // reqwest's messages name the URL, which may carry a password: drop
    // it. The chain's innermost cause is the useful part.
    let e = e.without_url();
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    if e.is_decode() || e.is_body() {
        return ClientError::BadResponse(one_line(&msg, 200));
    }
    // rustls meeting a plain-HTTP server: say what to change.
    if msg.contains("InvalidContentType") || msg.contains("corrupt message") {
        return ClientError::Unreachable(
            "the server does not speak TLS on that port: use http:// instead of https:// \
             (or put TLS in front of it)"
                .into(),
        );
    }
    ClientError::Unreachable(one_line(&msg, 200))
}

/// Seconds to wait from `Retry-After`, or from PagerDuty's
/// `ratelimit-reset`; 5 s when the backend did not say.
pub fn retry_after(headers: &header::HeaderMap) -> Duration {
    ["retry-after", "ratelimit-reset"]
        .iter()
        .find_map(|h| {
            headers
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u64>().ok())
        })
        .map_or(Duration::from_secs(5), |s| {
            Duration::from_secs(s.clamp(1, 300))
        })
}

/// A failed answer as an error. `message_of` pulls the backend's own
/// explanation out of its error body, if it has one.
pub async fn error_from(
    resp: reqwest::Response,
    message_of: fn(&[u8]) -> Option<(String, String)>,
) -> ClientError {
    let status = resp.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        return ClientError::RateLimited {
            retry_after: retry_after(resp.headers()),
        };
    }
    if status == StatusCode::SERVICE_UNAVAILABLE && resp.headers().contains_key(header::RETRY_AFTER)
    {
        let wait = retry_after(resp.headers());
        let body = read_capped(resp).await.unwrap_or_default();
        return ClientError::Unavailable {
            retry_after: wait,
            message: message_of(&body).map_or_else(
                || "the backend is unavailable".to_string(),
                |(_, m)| one_line(&m, 200),
            ),
        };
    }
    let body = read_capped(resp).await.unwrap_or_default();
    match message_of(&body) {
        Some((code, message)) => ClientError::Api {
            status: status.as_u16(),
            code: one_line(&code, 40),
            message: one_line(&message, 500),
        },
        None => ClientError::Api {
            status: status.as_u16(),
            code: "http".into(),
            message: format!("the backend answered {status} without an error body we understand"),
        },
    }
}

pub fn content_type(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A backend's JSON answer, decoded and cleaned: only types that say how
/// their text is cleaned can be decoded at all.
pub fn decode<T: DeserializeOwned + super::Sanitize>(
    resp_ct: Option<String>,
    body: &[u8],
) -> Result<T, ClientError> {
    if let Some(ct) = resp_ct
        && !ct.to_ascii_lowercase().contains("json")
    {
        return Err(ClientError::BadResponse(format!(
            "expected JSON, got {}",
            one_line(&ct, 60)
        )));
    }
    let mut value: T = serde_json::from_slice(body).map_err(|e| {
        ClientError::BadResponse(format!(
            "the JSON does not match the API: {}",
            one_line(&e.to_string(), 160)
        ))
    })?;
    value.sanitize();
    Ok(value)
}

/// For backends with no change feed: wait one poll period, then report
/// "nothing known", so the poller reads everything again at that pace.
pub fn poll_wait(
    since: u64,
    wait: std::time::Duration,
) -> futures::future::BoxFuture<'static, Result<crate::model::wire::ChangesResponse, ClientError>> {
    Box::pin(async move {
        tokio::time::sleep(wait).await;
        Ok(crate::model::wire::ChangesResponse {
            revision: since,
            changed: Vec::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_loopback_and_nothing_else_is() {
        for u in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:9093",
            "https://LOCALHOST",
            "http://[::1]:8080",
        ] {
            assert!(is_loopback(u), "{u}");
        }
        for u in [
            "https://warroom.example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
            "not a url",
        ] {
            assert!(!is_loopback(u), "{u}");
        }
    }

    fn answer(status: u16, retry: Option<&str>, body: &str) -> reqwest::Response {
        let mut b = axum::http::Response::builder().status(status);
        if let Some(r) = retry {
            b = b.header("retry-after", r);
        }
        reqwest::Response::from(b.body(body.to_string()).unwrap())
    }

    fn warroom(body: &[u8]) -> Option<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some((
            v["error"]["code"].as_str()?.to_string(),
            v["error"]["message"].as_str()?.to_string(),
        ))
    }

    #[tokio::test]
    async fn a_503_says_why_in_the_server_s_words_and_when_to_retry() {
        let body = concat!(
            r#"{"error":{"code":"database_unavailable","#,
            r#""message":"the database cannot be reached right now\u001b[2J"}}"#
        );
        let e = error_from(answer(503, Some("2"), body), warroom).await;
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let shown = e.to_string();
        assert!(
            shown.starts_with("the database cannot be reached right now"),
            "{shown}"
        );
        assert!(
            shown.ends_with("retry in 2s") && !shown.contains('\u{1b}'),
            "{shown}"
        );
        let e = error_from(answer(429, Some("7"), ""), warroom).await;
        assert_eq!(e.to_string(), "the backend is rate limiting; retry in 7s");
    }

    #[test]
    fn credentials_never_reach_the_screen() {
        assert_eq!(
            redact_url("http://user:hunter2@host:8080/api"),
            "http://host:8080/api"
        );
        assert_eq!(redact_url("https://host/x"), "https://host/x");
        assert_eq!(redact_url("http://u:p@[bad"), "http://[bad");
        let e = check_url("ftp://u:hunter2@host").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
