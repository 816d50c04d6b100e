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

mod actions;
mod reads;
mod writes;

pub struct WarroomBackend {
    client: reqwest::Client,
    base: String,
    token: Option<Token>,
}

fn warroom_error(body: &[u8]) -> Option<(String, String)> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|e| (e.error.code, e.error.message))
}

impl WarroomBackend {
    pub fn new(client: reqwest::Client, base: String, token: Option<Token>) -> Self {
        Self {
            client,
            base,
            token,
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

    fn run_action<'a>(
        &'a self,
        id: IncidentId,
        req: &'a crate::model::runbook_action::RunActionRequest,
        key: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::runbook_action::RunStarted, ClientError>> {
        self.start_action(id, req, key).boxed()
    }
}

/// Percent-encodes a query value (cursors are ours, but a server may send
/// anything).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
