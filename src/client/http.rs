//! warroom's own HTTP API, split in two: a [`Reader`] with no way to change
//! anything (all the wallboard gets), and a [`Writer`].

use std::path::Path;
use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use super::{ClientError, Token, Write, WriteOp, clean_detail, clean_incident};
use crate::model::wire::{ChangesResponse, ErrorBody, ListResponse};
use crate::model::{ActorRole, IncidentDetail, IncidentId};
use crate::text::one_line;

/// The most we read of any answer. A backend that sends more is broken or
/// hostile; we stop reading rather than fill memory.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

pub enum Fetched<T> {
    Fresh { value: T, etag: Option<String> },
    NotModified,
}

#[derive(Clone)]
struct Http {
    client: reqwest::Client,
    base: String,
    token: Option<Token>,
}

/// Builds the reader and writer for a warroom server at `base`.
pub fn connect(
    base: &str,
    token: Option<Token>,
    ca_cert: Option<&Path>,
) -> Result<(Reader, Writer), String> {
    let base = base.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&base)
        .map_err(|e| format!("`{}` is not a URL: {e}", one_line(&base, 80)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{}` must start with http:// or https://",
            one_line(&base, 80)
        ));
    }
    let mut b = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")));
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
    let client = b.build().map_err(|e| format!("cannot set up HTTPS: {e}"))?;
    let http = Http {
        client,
        base,
        token,
    };
    Ok((Reader { http: http.clone() }, Writer { http }))
}

async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ClientError> {
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

fn transport(e: reqwest::Error) -> ClientError {
    if e.is_timeout() {
        return ClientError::Timeout;
    }
    // reqwest's messages name the URL (never the token, which is a header);
    // the chain's innermost cause is the useful part.
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    if e.is_decode() || e.is_body() {
        return ClientError::BadResponse(one_line(&msg, 200));
    }
    ClientError::Unreachable(one_line(&msg, 200))
}

fn retry_after(resp: &reqwest::Response) -> Duration {
    resp.headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(5), |s| {
            Duration::from_secs(s.clamp(1, 300))
        })
}

async fn error_from(resp: reqwest::Response) -> ClientError {
    let status = resp.status();
    if status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::SERVICE_UNAVAILABLE
            && resp.headers().contains_key(header::RETRY_AFTER)
    {
        return ClientError::RateLimited {
            retry_after: retry_after(&resp),
        };
    }
    let body = read_capped(resp).await.unwrap_or_default();
    match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(e) => ClientError::Api {
            status: status.as_u16(),
            code: one_line(&e.error.code, 40),
            message: one_line(&e.error.message, 500),
        },
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: "http".into(),
            message: format!("the backend answered {status} without a warroom error body"),
        },
    }
}

fn decode<T: DeserializeOwned>(resp_ct: Option<String>, body: &[u8]) -> Result<T, ClientError> {
    if let Some(ct) = resp_ct
        && !ct.to_ascii_lowercase().starts_with("application/json")
    {
        return Err(ClientError::BadResponse(format!(
            "expected JSON, got {}",
            one_line(&ct, 60)
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        ClientError::BadResponse(format!(
            "the JSON does not match the API: {}",
            one_line(&e.to_string(), 160)
        ))
    })
}

impl Http {
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

    async fn get<T: DeserializeOwned>(
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
            return Err(error_from(resp).await);
        }
        let etag = resp
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = read_capped(resp).await?;
        Ok(Fetched::Fresh {
            value: decode(ct, &body)?,
            etag,
        })
    }
}

#[derive(Clone)]
pub struct Reader {
    http: Http,
}

impl Reader {
    pub fn base_url(&self) -> &str {
        &self.http.base
    }

    pub async fn list(
        &self,
        all: bool,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        let path = if all {
            "/incidents?all=true"
        } else {
            "/incidents"
        };
        let mut f = self
            .http
            .get::<ListResponse>(path, etag, REQUEST_TIMEOUT)
            .await?;
        if let Fetched::Fresh { value, .. } = &mut f {
            value.incidents.iter_mut().for_each(clean_incident);
        }
        Ok(f)
    }

    pub async fn detail(
        &self,
        id: IncidentId,
        etag: Option<&str>,
    ) -> Result<Fetched<IncidentDetail>, ClientError> {
        let mut f = self
            .http
            .get::<IncidentDetail>(&format!("/incidents/{id}"), etag, REQUEST_TIMEOUT)
            .await?;
        if let Fetched::Fresh { value, .. } = &mut f {
            clean_detail(value);
        }
        Ok(f)
    }

    /// Long-polls the change feed for up to `wait`.
    pub async fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> Result<ChangesResponse, ClientError> {
        let path = format!("/changes?since={since}&wait={}", wait.as_secs());
        match self
            .http
            .get::<ChangesResponse>(&path, None, wait + REQUEST_TIMEOUT)
            .await?
        {
            Fetched::Fresh { value, .. } => Ok(value),
            Fetched::NotModified => Err(ClientError::BadResponse("304 on the change feed".into())),
        }
    }

    /// Who the token belongs to, and its role.
    pub async fn whoami(&self) -> Result<(String, ActorRole), ClientError> {
        #[derive(serde::Deserialize)]
        struct Who {
            handle: String,
            role: ActorRole,
        }
        match self
            .http
            .get::<Who>("/whoami", None, REQUEST_TIMEOUT)
            .await?
        {
            Fetched::Fresh { value, .. } => Ok((one_line(&value.handle, 60), value.role)),
            Fetched::NotModified => Err(ClientError::BadResponse("304 on whoami".into())),
        }
    }
}

#[derive(Clone)]
pub struct Writer {
    http: Http,
}

impl Writer {
    /// Sends one write with its idempotency key; a retry of the same
    /// [`Write`] is applied at most once by the server.
    pub async fn send(&self, w: &Write) -> Result<IncidentDetail, ClientError> {
        let (method, path, body, if_match) = match &w.op {
            WriteOp::Declare { body } => (
                Method::POST,
                "/incidents".to_string(),
                serde_json::to_value(body),
                None,
            ),
            WriteOp::Patch { id, if_match, body } => (
                Method::PATCH,
                format!("/incidents/{id}"),
                serde_json::to_value(body),
                Some(*if_match),
            ),
            WriteOp::Transition { id, body } => (
                Method::POST,
                format!("/incidents/{id}/transition"),
                serde_json::to_value(body),
                None,
            ),
            WriteOp::Note { id, body } => (
                Method::POST,
                format!("/incidents/{id}/notes"),
                serde_json::to_value(body),
                None,
            ),
            WriteOp::StakeholderUpdate { id, body } => (
                Method::POST,
                format!("/incidents/{id}/updates"),
                serde_json::to_value(body),
                None,
            ),
            WriteOp::Responder { id, body } => (
                Method::POST,
                format!("/incidents/{id}/responders"),
                serde_json::to_value(body),
                None,
            ),
            WriteOp::Checklist { id, body } => (
                Method::POST,
                format!("/incidents/{id}/checklist"),
                serde_json::to_value(body),
                None,
            ),
        };
        let body =
            body.map_err(|e| ClientError::BadResponse(format!("cannot encode the request: {e}")))?;
        let mut r = self
            .http
            .request(method, &path, REQUEST_TIMEOUT)
            .header("idempotency-key", &w.key)
            .json(&body);
        if let Some(v) = if_match {
            r = r.header(header::IF_MATCH, format!("\"{v}\""));
        }
        let resp = r.send().await.map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = read_capped(resp).await?;
        let mut d: IncidentDetail = decode(ct, &body)?;
        clean_detail(&mut d);
        Ok(d)
    }
}
