//! PagerDuty (REST API v2) as a console backend: triggered and acknowledged
//! incidents, log entries and notes as the timeline, assignments and
//! acknowledgements as responders; acknowledge, resolve, reassign and add a
//! note through the documented endpoints.
//!
//! Decoding is lenient on purpose: PagerDuty's own published examples hold
//! nulls where the schema promises values, and new enum values appear; a
//! field we cannot read is left empty rather than failing the whole answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::{Method, header};
use serde::Deserialize;
use serde_json::json;

use super::http::{
    REQUEST_TIMEOUT, build_client, check_url, content_type, decode, error_from, read_capped,
    transport,
};
use super::{
    Capabilities, ClientError, Fetched, PlannedRequest, ReadBackend, Reader, Sanitize, Token,
    Write, WriteBackend, WriteOp, Writer,
};
use crate::model::wire::{ChangesResponse, ListResponse};

mod shapes;
use crate::model::{ActorRole, Incident, IncidentDetail, IncidentId, ResponderAction, Status};
pub use shapes::*;

pub const CAPABILITIES: Capabilities = Capabilities {
    name: "PagerDuty",
    acknowledge: true,
    resolve: true,
    notes: true,
    responders: true,
    user_directory: true,
    ..Capabilities::NONE
};

pub const DEFAULT_ACCEPT: &str = "application/vnd.pagerduty+json;version=2";
/// PagerDuty's classic pagination stops at this offset.
const MAX_OFFSET: u64 = 10_000;
const PAGE: u64 = 100;
/// Incident number → id pairs one process keeps.
const MAX_IDS: usize = 20_000;

pub struct PagerDutyBackend {
    client: reqwest::Client,
    base: String,
    token: Token,
    from: String,
    accept: String,
    /// incident_number -> PagerDuty id.
    ids: Mutex<HashMap<u64, String>>,
    /// When PagerDuty said the rate-limit window resets, if it is used up.
    not_before: Mutex<Option<Instant>>,
}

pub fn connect(
    base: &str,
    token: Token,
    ca_cert: Option<&std::path::Path>,
    from: &str,
    accept: Option<&str>,
) -> Result<(Reader, Writer), String> {
    let b = Arc::new(PagerDutyBackend {
        client: build_client(ca_cert, base)?,
        base: check_url(base)?,
        token,
        from: from.to_string(),
        accept: accept.unwrap_or(DEFAULT_ACCEPT).to_string(),
        ids: Mutex::default(),
        not_before: Mutex::default(),
    });
    Ok((Reader::new(b.clone()), Writer::new(b)))
}

fn pd_error(body: &[u8]) -> Option<(String, String)> {
    #[derive(Deserialize)]
    struct E {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(default)]
        message: String,
        #[serde(default)]
        code: Option<serde_json::Value>,
        #[serde(default)]
        errors: Vec<String>,
    }
    let e: E = serde_json::from_slice(body).ok()?;
    let mut msg = e.error.message;
    if !e.error.errors.is_empty() {
        msg = format!("{msg}: {}", e.error.errors.join("; "));
    }
    Some((
        e.error
            .code
            .map(|c| c.to_string())
            .unwrap_or_else(|| "pagerduty".into()),
        msg,
    ))
}

impl PagerDutyBackend {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .timeout(REQUEST_TIMEOUT)
            .header(
                header::AUTHORIZATION,
                format!("Token token={}", self.token.expose()),
            )
            .header(header::ACCEPT, &self.accept)
            .header(header::CONTENT_TYPE, "application/json")
    }

    /// Sends, first waiting out a used-up rate-limit window, and notes
    /// the window PagerDuty reports for the next call.
    async fn call<T: serde::de::DeserializeOwned + super::Sanitize>(
        &self,
        r: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let wait = self
            .not_before
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .map(|t| t.saturating_duration_since(Instant::now()));
        if let Some(w) = wait.filter(|w| !w.is_zero()) {
            tokio::time::sleep(w.min(Duration::from_secs(60))).await;
        }
        let resp = r.send().await.map_err(transport)?;
        let remaining = resp
            .headers()
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if remaining == Some(0) {
            let reset = super::http::retry_after(resp.headers());
            *self.not_before.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(Instant::now() + reset);
        }
        if resp.status() == reqwest::StatusCode::NOT_ACCEPTABLE {
            // The usual cause: a mock or proxy that serves only plain JSON.
            return Err(ClientError::Api {
                status: 406,
                code: "not_acceptable".into(),
                message: format!(
                    "PagerDuty refused the Accept header `{}`; if this server wants plain JSON, \
                     set accept = \"application/json\" in the profile",
                    crate::text::one_line(&self.accept, 80)
                ),
            });
        }
        if !resp.status().is_success() {
            return Err(error_from(resp, pd_error).await);
        }
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        decode(ct, &body)
    }

    fn pd_id(&self, id: IncidentId) -> Result<String, ClientError> {
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id.0)
            .cloned()
            .ok_or_else(|| ClientError::Api {
                status: 404,
                code: "not_found".into(),
                message: format!("{id} is not a PagerDuty incident warroom has found"),
            })
    }

    /// The PagerDuty id of incident number `id`: from the cache (filled by
    /// every list and detail), else by one read of that incident (PagerDuty
    /// takes the number in `/incidents/{id}`): never a list read, and any
    /// incident, resolved ones too.
    async fn locate_id(&self, id: IncidentId) -> Result<String, ClientError> {
        if let Ok(pd) = self.pd_id(id) {
            return Ok(pd);
        }
        let one: One = self
            .call(self.request(Method::GET, &format!("/incidents/{}", id.0)))
            .await?;
        if one.incident.incident_number != id.0 {
            return Err(ClientError::BadResponse(format!(
                "asked for incident {} and PagerDuty answered with {}",
                id.0, one.incident.incident_number
            )));
        }
        let pd = one.incident.id.clone();
        self.remember(id.0, &pd);
        Ok(pd)
    }

    /// Keeps a number → id pair, bounded (an id is a short string; the
    /// cache is dropped whole past [`MAX_IDS`]).
    fn remember(&self, number: u64, pd: &str) {
        let mut ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        if ids.len() >= MAX_IDS && !ids.contains_key(&number) {
            ids.clear();
        }
        ids.insert(number, pd.to_string());
    }
}

impl ReadBackend for PagerDutyBackend {
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn locate(&self, id: IncidentId) -> BoxFuture<'_, Result<(), ClientError>> {
        async move { self.locate_id(id).await.map(|_| ()) }.boxed()
    }

    fn list<'a>(
        &'a self,
        include_resolved: bool,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        async move {
            let statuses = if include_resolved {
                "statuses[]=triggered&statuses[]=acknowledged&statuses[]=resolved"
            } else {
                "statuses[]=triggered&statuses[]=acknowledged"
            };
            let mut all: Vec<PdIncident> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            // Unreadable ones by their id (or their text, without one), so
            // a page served twice counts each once.
            let mut unreadable = std::collections::HashSet::new();
            let mut offset = 0;
            loop {
                let path = format!("/incidents?{statuses}&limit={PAGE}&offset={offset}");
                let page: Page = self.call(self.request(Method::GET, &path)).await?;
                let n = page.incidents.len() as u64;
                // `more` is the backend's word; a page with nothing we have
                // not seen ends the walk whatever it says (mocks and proxies
                // answer `more: true` for ever).
                let before = seen.len() + unreadable.len();
                for v in page.incidents {
                    match serde_json::from_value::<PdIncident>(v.clone()) {
                        Ok(i) => {
                            if seen.insert(i.id.clone()) {
                                all.push(i);
                            }
                        }
                        Err(e) => {
                            let key = v["id"]
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| crate::text::one_line(&v.to_string(), 200));
                            if unreadable.insert(key) {
                                tracing::warn!(error = %e, "a PagerDuty incident could not be read; left out");
                            }
                        }
                    }
                }
                offset += n;
                if page.more != Some(true)
                    || n == 0
                    || seen.len() + unreadable.len() == before
                    || offset + PAGE > MAX_OFFSET
                {
                    break;
                }
            }
            // A backend that ignores `statuses[]` must not show a resolved
            // incident as open.
            if !include_resolved {
                all.retain(|i| i.status.as_deref() != Some("resolved"));
            }
            for i in &all {
                self.remember(i.incident_number, &i.id);
            }
            let mut incidents: Vec<Incident> = all.iter().map(to_incident).collect();
            incidents.sanitize();
            let mut value = ListResponse::complete(0, incidents);
            value.unreadable = unreadable.len() as u64;
            Ok(Fetched::Fresh { value, etag: None })
        }
        .boxed()
    }

    fn detail<'a>(
        &'a self,
        id: IncidentId,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            // PagerDuty takes the incident number too, so any incident can
            // be shown, not only the open ones the list mapped.
            let key = self.pd_id(id).unwrap_or_else(|_| id.0.to_string());
            let one: One = self
                .call(self.request(Method::GET, &format!("/incidents/{key}")))
                .await?;
            let pd = one.incident.id.clone();
            self.remember(one.incident.incident_number, &pd);
            let logs: LogEntries = self
                .call(self.request(
                    Method::GET,
                    &format!("/incidents/{pd}/log_entries?limit=100"),
                ))
                .await?;
            let notes: Notes = self
                .call(self.request(Method::GET, &format!("/incidents/{pd}/notes")))
                .await?;
            let mut d = to_detail(&one.incident, &logs.log_entries, &notes.notes);
            d.sanitize();
            Ok(Fetched::Fresh {
                value: d,
                etag: None,
            })
        }
        .boxed()
    }

    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>> {
        // No change feed: the poller reads everything again each period.
        super::http::poll_wait(since, wait)
    }

    fn users<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<super::UserMatch>, ClientError>> {
        async move {
            #[derive(Deserialize)]
            struct User {
                id: String,
                #[serde(default)]
                name: String,
                #[serde(default)]
                email: String,
            }
            #[derive(Deserialize)]
            struct Users {
                users: Vec<User>,
            }
            crate::sanitize_fields!(User {
                id: line,
                name: line,
                email: line,
            });
            crate::sanitize_fields!(Users { users: text });
            let q: String = query.chars().take(100).collect();
            let list: Users = self
                .call(
                    self.request(Method::GET, "/users")
                        .query(&[("query", q.as_str()), ("limit", "10")]),
                )
                .await?;
            Ok(list
                .users
                .into_iter()
                .take(10)
                .map(|u| super::UserMatch {
                    id: crate::text::one_line(&u.id, 40),
                    name: crate::text::one_line(&u.name, 60),
                    email: crate::text::one_line(&u.email, 80),
                })
                .collect())
        }
        .boxed()
    }

    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        let from = self.from.clone();
        async move { Ok((from, ActorRole::Commander)) }.boxed()
    }
}

impl PagerDutyBackend {
    /// The request a write becomes: PagerDuty acknowledges, resolves and
    /// reassigns with a PUT on the incident, and takes notes.
    fn plan_write(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        let put = |id: IncidentId, incident: serde_json::Value| -> Result<_, ClientError> {
            Ok((
                Method::PUT,
                format!("/incidents/{}", self.pd_id(id)?),
                json!({ "incident": incident }),
            ))
        };
        let reference = |extra: serde_json::Value| {
            let mut v = json!({"type": "incident_reference"});
            if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
                o.extend(e.clone());
            }
            v
        };
        let (method, path, body) = match &w.op {
            WriteOp::Transition { id, body } if body.to == Status::Acknowledged => {
                put(*id, reference(json!({"status": "acknowledged"})))?
            }
            WriteOp::Resolve { id } => put(*id, reference(json!({"status": "resolved"})))?,
            WriteOp::Responder {
                id,
                body:
                    ResponderAction::Page { handle, .. } | ResponderAction::AssignRole { handle, .. },
            } => put(
                *id,
                reference(
                    json!({"assignments": [{"assignee": {"id": handle, "type": "user_reference"}}]}),
                ),
            )?,
            WriteOp::Note { id, body } => (
                Method::POST,
                format!("/incidents/{}/notes", self.pd_id(*id)?),
                json!({"note": {"content": body.text}}),
            ),
            other => {
                return Err(ClientError::Unsupported(format!(
                    "{} (PagerDuty: acknowledge, resolve, reassign and notes only)",
                    other.describe()
                )));
            }
        };
        // In the order `request` and `send` set them.
        Ok(PlannedRequest {
            method: method.to_string(),
            url: crate::client::redact_url(&format!("{}{path}", self.base)),
            authorization: Some(format!("Token token={}", super::write::HIDDEN_TOKEN)),
            headers: vec![
                ("Accept".into(), self.accept.clone()),
                ("Content-Type".into(), "application/json".into()),
                ("From".into(), self.from.clone()),
            ],
            body: Some(body),
        })
    }
}

impl WriteBackend for PagerDutyBackend {
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        self.plan_write(w)
    }

    fn send<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<Option<crate::model::wire::WriteAnswer>, ClientError>> {
        // PagerDuty answers with its own shapes; the poller brings the
        // incident as it is now.
        async move { self.send_verbatim(w).await.map(|s| s.answer) }.boxed()
    }

    fn send_verbatim<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<super::Sent, ClientError>> {
        async move {
            if let Some(id) = w.op.incident() {
                self.locate_id(id).await?;
            }
            let plan = self.plan_write(w)?;
            let method = Method::from_bytes(plan.method.as_bytes())
                .map_err(|e| ClientError::BadResponse(e.to_string()))?;
            let path = plan
                .url
                .strip_prefix(&self.base)
                .unwrap_or(&plan.url)
                .to_string();
            let body: serde_json::Value = self
                .call(
                    self.request(method, &path)
                        .header("From", &self.from)
                        .json(&plan.body),
                )
                .await?;
            Ok(super::Sent {
                answer: None,
                body: Some(body),
            })
        }
        .boxed()
    }
}
