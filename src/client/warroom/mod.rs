//! warroom's own HTTP API (see docs/api.md).

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use super::http::{content_type, decode, error_from, read_capped, transport};
use super::{ClientError, Fetched, PlannedRequest, Token, Write, WriteBackend};
use crate::model::wire::{ErrorBody, WriteAnswer};
use crate::model::{FollowUp, IncidentId};

#[derive(serde::Deserialize)]
struct FollowUps {
    followups: Vec<FollowUp>,
}
crate::sanitize_fields!(FollowUps { followups: text });

mod actions;
mod drills;
mod reads;
mod replay;
mod writes;

pub struct WarroomBackend {
    client: reqwest::Client,
    base: String,
    token: Option<Token>,
}

/// The URL without its user and password, and the password as a token.
fn split_credentials(base: &str) -> (String, Option<Token>) {
    match reqwest::Url::parse(base) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let password = u.password().map(percent_decode);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            let clean = u.as_str().trim_end_matches('/').to_string();
            (clean, password.filter(|p| !p.is_empty()).map(Token::new))
        }
        _ => (crate::client::redact_url(base), None),
    }
}

/// `%41` to `A`, for a password written in a URL.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn warroom_error(body: &[u8]) -> Option<(String, String)> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|e| (e.error.code, e.error.message))
}

impl WarroomBackend {
    /// Credentials in the URL (`https://:TOKEN@host`) never travel as
    /// Basic auth beside the bearer token, nor show in `--dry-run` or an
    /// error: they are taken out of the URL, and a password there is the
    /// token when no other was given.
    pub fn new(client: reqwest::Client, base: String, token: Option<Token>) -> Self {
        let (base, from_url) = split_credentials(&base);
        Self {
            client,
            base,
            token: token.or(from_url),
        }
    }

    fn request(&self, method: Method, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .timeout(timeout);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t.expose());
        }
        r
    }

    /// A public page beside the API (`/status…`): no token is sent.
    fn public_page(&self, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        self.client
            .request(Method::GET, format!("{}/{path}", self.base))
            .timeout(timeout)
    }

    async fn get<T: DeserializeOwned + crate::client::Sanitize>(
        &self,
        path: &str,
        etag: Option<&str>,
        timeout: Duration,
    ) -> Result<Fetched<T>, ClientError> {
        let mut r = self.request(Method::GET, path, timeout);
        if let Some(e) = etag {
            r = r.header(header::IF_NONE_MATCH, e);
        }
        let resp = r.send().await.map_err(transport)?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let etag = resp
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        Ok(Fetched::Fresh {
            value: decode(ct, &body)?,
            etag,
        })
    }
}

impl WriteBackend for WarroomBackend {
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        self.plan_write(w)
    }

    fn send<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Option<WriteAnswer>, ClientError>> {
        self.send_write(w).boxed()
    }

    fn send_verbatim<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<crate::client::Sent, ClientError>> {
        self.send_write_verbatim(w).boxed()
    }

    fn run_action<'a>(
        &'a self,
        id: IncidentId,
        req: &'a crate::model::runbook_action::RunActionRequest,
        key: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::runbook_action::RunStarted, ClientError>> {
        self.start_action(id, req, key).boxed()
    }

    fn notify_test<'a>(
        &'a self,
        req: &'a crate::model::wire::NotifyTestRequest,
    ) -> BoxFuture<'a, Result<crate::model::wire::NotifyTestResponse, ClientError>> {
        self.readiness(req).boxed()
    }

    fn start_drill<'a>(
        &'a self,
        req: &'a crate::model::drill::StartDrill,
    ) -> BoxFuture<'a, Result<crate::model::drill::DrillStarted, ClientError>> {
        self.drill(req).boxed()
    }
}

#[cfg(test)]
mod credential_tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_and_a_password_becomes_the_token() {
        let (base, tok) = split_credentials("https://ops:s3cr%40t@warroom.example:8443/wr");
        assert_eq!(base, "https://warroom.example:8443/wr");
        assert_eq!(tok.unwrap().expose(), "s3cr@t");
        let (base, tok) = split_credentials("http://127.0.0.1:7878");
        assert_eq!(base, "http://127.0.0.1:7878");
        assert!(tok.is_none());
        let b = WarroomBackend::new(
            crate::tls::client(),
            "https://:pw@h.example".into(),
            Some(Token::new("given")),
        );
        assert_eq!(b.base, "https://h.example");
        assert_eq!(b.token.unwrap().expose(), "given", "an explicit token wins");
    }
}
