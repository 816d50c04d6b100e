//! Prometheus Alertmanager (API v2) as a console backend: each active alert
//! group is shown as an incident, its alerts (with labels and annotations)
//! as the timeline. The one action is containment by silence: a silence on
//! the group's labels, with the IC's comment and a duration. A group whose
//! alerts are all silenced or inhibited shows as `contained`.
//!
//! Alertmanager groups have no numeric id; this backend numbers them in the
//! order it first sees them (stable for the session) so they can be typed
//! as `INC-n` like any incident.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;

use super::http::{
    REQUEST_TIMEOUT, build_client, check_url, content_type, decode, error_from, read_capped,
    transport,
};
use super::{
    Capabilities, ClientError, Fetched, PlannedRequest, ReadBackend, Reader, Sanitize, SilenceInfo,
    Token, Write, WriteBackend, WriteOp, Writer,
};
use crate::model::wire::{ChangesResponse, ListResponse};
mod shapes;
use crate::model::{ActorRole, Incident, IncidentDetail, IncidentId};
pub use shapes::*;

/// Alert groups and silences: nothing else can be changed.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "Alertmanager",
    silence: true,
    ..Capabilities::NONE
};

/// The key a group is known by: its receiver and labels.
fn group_key(g: &AlertGroup) -> String {
    let labels: Vec<String> = g.labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{}/{{{}}}", g.receiver.name, labels.join(","))
}

pub struct AlertmanagerBackend {
    client: reqwest::Client,
    base: String,
    token: Option<Token>,
    /// Who silences are created by.
    user: String,
    state: Mutex<GroupIds>,
}

/// Ids of Alertmanager groups: from a hash of the group's labels, so the
/// same group has the same id in the console, `warroom list`, `show` and
/// `silence`, in every process (six digits: collisions between a few
/// hundred groups are rare, and resolved in key order).
const STABLE_MIN: u64 = 100_000;
const STABLE_MAX: u64 = 999_999;
/// Group ids one process keeps before starting over.
const MAX_REMEMBERED: usize = 10_000;

fn stable_id(key: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(key.as_bytes());
    let mut n = [0u8; 8];
    n.copy_from_slice(&h[..8]);
    STABLE_MIN + u64::from_be_bytes(n) % (STABLE_MAX - STABLE_MIN + 1)
}

#[derive(Default)]
struct GroupIds {
    ids: HashMap<String, u64>,
    /// The last seen group behind each id, for details and silences.
    groups: HashMap<u64, AlertGroup>,
}

pub fn connect(
    base: &str,
    token: Option<Token>,
    ca_cert: Option<&std::path::Path>,
    user: &str,
) -> Result<(Reader, Writer), String> {
    let b = Arc::new(AlertmanagerBackend {
        client: build_client(ca_cert, base)?,
        base: check_url(base)?,
        token,
        user: user.to_string(),
        state: Mutex::default(),
    });
    Ok((Reader::new(b.clone()), Writer::new(b)))
}

fn am_error(body: &[u8]) -> Option<(String, String)> {
    // Alertmanager's errors are a JSON string or plain text.
    let text = serde_json::from_slice::<String>(body)
        .ok()
        .or_else(|| std::str::from_utf8(body).ok().map(str::to_string))?;
    let text = text.trim().to_string();
    (!text.is_empty()).then(|| ("alertmanager".to_string(), text))
}

impl AlertmanagerBackend {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}/api/v2{path}", self.base))
            .timeout(REQUEST_TIMEOUT);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t.expose());
        }
        r
    }

    async fn call<T: serde::de::DeserializeOwned + super::Sanitize>(
        &self,
        r: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let resp = r.send().await.map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, am_error).await);
        }
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        decode(ct, &body)
    }

    async fn groups(&self) -> Result<Vec<AlertGroup>, ClientError> {
        let groups: Vec<AlertGroup> = self
            .call(self.request(
                Method::GET,
                "/alerts/groups?active=true&silenced=true&inhibited=true",
            ))
            .await?;
        Ok(groups
            .into_iter()
            .filter(|g| !g.alerts.is_empty())
            .collect())
    }

    /// The groups Alertmanager has now, each under its stable id; a group
    /// it dropped is forgotten (its detail is not found, and the console
    /// says it left the list), never put back from memory.
    fn remember(&self, groups: &[AlertGroup]) -> Vec<(u64, AlertGroup)> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.ids.len() > MAX_REMEMBERED {
            st.ids.clear();
        }
        // In key order, so a rare collision resolves the same way in every
        // process that sees the same groups.
        let mut sorted: Vec<(String, &AlertGroup)> =
            groups.iter().map(|g| (group_key(g), g)).collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut used: std::collections::HashSet<u64> = st.ids.values().copied().collect();
        let mut out = Vec::new();
        for (key, g) in sorted {
            let id = match st.ids.get(&key) {
                Some(id) => *id,
                None => {
                    let mut id = stable_id(&key);
                    while !used.insert(id) {
                        id = if id >= STABLE_MAX { STABLE_MIN } else { id + 1 };
                    }
                    st.ids.insert(key, id);
                    id
                }
            };
            out.push((id, g.clone()));
        }
        st.groups = out.iter().cloned().collect();
        out
    }

    fn group(&self, id: IncidentId) -> Option<AlertGroup> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .groups
            .get(&id.0)
            .cloned()
    }

    /// The silence a `z` on this incident creates: the group's own labels
    /// as equality matchers, from now for `minutes`.
    pub fn silence_for(
        &self,
        id: IncidentId,
        comment: &str,
        minutes: u32,
    ) -> Result<PostableSilence, ClientError> {
        let g = self.group(id).ok_or_else(|| ClientError::Api {
            status: 404,
            code: "not_found".into(),
            message: format!("{id} is no longer an active alert group"),
        })?;
        // The group's own labels identify it; a group on no labels (grouped
        // by `...`) is matched by each alert's name instead.
        let labels = if g.labels.is_empty() {
            g.alerts[0].labels.clone()
        } else {
            g.labels.clone()
        };
        let now = Utc::now();
        Ok(PostableSilence {
            matchers: labels
                .into_iter()
                .map(|(name, value)| Matcher {
                    name,
                    value,
                    is_regex: false,
                    is_equal: true,
                })
                .collect(),
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(minutes as i64),
            created_by: self.user.clone(),
            comment: comment.to_string(),
        })
    }

    fn plan_write(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        let (method, path, body) = match &w.op {
            WriteOp::Silence {
                id,
                comment,
                minutes,
            } => (
                Method::POST,
                "/silences".to_string(),
                Some(
                    serde_json::to_value(self.silence_for(*id, comment, *minutes)?)
                        .map_err(|e| ClientError::BadResponse(e.to_string()))?,
                ),
            ),
            WriteOp::ExpireSilence { silence_id } => {
                (Method::DELETE, format!("/silence/{silence_id}"), None)
            }
            other => {
                return Err(ClientError::Unsupported(format!(
                    "{} (Alertmanager can only silence)",
                    other.describe()
                )));
            }
        };
        let headers = if body.is_some() {
            vec![("Content-Type".to_string(), "application/json".to_string())]
        } else {
            Vec::new()
        };
        Ok(PlannedRequest {
            method: method.to_string(),
            url: crate::client::redact_url(&format!("{}/api/v2{path}", self.base)),
            authorization: self
                .token
                .as_ref()
                .map(|_| format!("Bearer {}", crate::client::write::HIDDEN_TOKEN)),
            headers,
            body,
        })
    }

    async fn silence(
        &self,
        id: IncidentId,
        comment: &str,
        minutes: u32,
    ) -> Result<serde_json::Value, ClientError> {
        let body = self.silence_for(id, comment, minutes)?;
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        crate::sanitize_fields!(Created { silence_id: line });
        let c: Created = self
            .call(self.request(Method::POST, "/silences").json(&body))
            .await?;
        // Alertmanager's own answer, for `--json` (the silence's id).
        Ok(serde_json::json!({ "silenceID": c.silence_id }))
    }
}

impl ReadBackend for AlertmanagerBackend {
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn list<'a>(
        &'a self,
        _all: bool,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        async move {
            let groups = self.groups().await?;
            let mut incidents: Vec<Incident> = self
                .remember(&groups)
                .iter()
                .map(|(id, g)| to_incident(*id, g))
                .collect();
            incidents.sanitize();
            Ok(Fetched::Fresh {
                value: ListResponse::complete(0, incidents),
                etag: None,
            })
        }
        .boxed()
    }

    fn locate(&self, id: IncidentId) -> BoxFuture<'_, Result<(), ClientError>> {
        async move {
            if self.group(id).is_none() {
                let groups = self.groups().await?;
                self.remember(&groups);
            }
            Ok(())
        }
        .boxed()
    }

    fn detail<'a>(
        &'a self,
        id: IncidentId,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            // A command run on its own (`warroom show INC-2`) has not read
            // the groups yet: read them, which numbers them as `list` does.
            let g = match self.group(id) {
                Some(g) => g,
                None => {
                    let groups = self.groups().await?;
                    self.remember(&groups);
                    self.group(id).ok_or(ClientError::Api {
                        status: 404,
                        code: "not_found".into(),
                        message: format!("{id} is not an active alert group"),
                    })?
                }
            };
            let list: Vec<GettableSilence> = self
                .call(self.request(Method::GET, "/silences"))
                .await
                .unwrap_or_default();
            let silences = list
                .into_iter()
                .map(|s| (s.id, (s.created_by, s.comment)))
                .collect();
            let mut d = to_detail(id.0, &g, &silences);
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

    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        let user = self.user.clone();
        async move { Ok((user, ActorRole::Commander)) }.boxed()
    }

    fn silences(&self) -> BoxFuture<'_, Result<Vec<SilenceInfo>, ClientError>> {
        async move {
            let list: Vec<GettableSilence> =
                self.call(self.request(Method::GET, "/silences")).await?;
            let mut out: Vec<SilenceInfo> = list
                .into_iter()
                .map(|s| SilenceInfo {
                    id: crate::text::one_line(&s.id, 64),
                    matchers: crate::text::one_line(
                        &s.matchers
                            .iter()
                            .map(|m| {
                                format!(
                                    "{}{}{}",
                                    m.name,
                                    if m.is_equal {
                                        if m.is_regex { "=~" } else { "=" }
                                    } else if m.is_regex {
                                        "!~"
                                    } else {
                                        "!="
                                    },
                                    m.value
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                        200,
                    ),
                    comment: crate::text::one_line(&s.comment, 200),
                    created_by: crate::text::one_line(&s.created_by, 40),
                    ends_at: s.ends_at,
                    state: crate::client::SilenceState::parse_lenient(&s.status.state),
                })
                .collect();
            // Active first (the enum's order), each by when it ends.
            out.sort_by_key(|s| (s.state, s.ends_at));
            Ok(out)
        }
        .boxed()
    }
}

impl WriteBackend for AlertmanagerBackend {
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        self.plan_write(w)
    }

    fn send<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<Option<crate::model::wire::WriteAnswer>, ClientError>> {
        // Alertmanager answers with its own shapes, never an incident: the
        // poller brings the group as it is now.
        async move { self.send_verbatim(w).await.map(|s| s.answer) }.boxed()
    }

    fn send_verbatim<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<super::Sent, ClientError>> {
        async move {
            let body = match &w.op {
                WriteOp::Silence {
                    id,
                    comment,
                    minutes,
                } => self.silence(*id, comment, *minutes).await?,
                WriteOp::ExpireSilence { silence_id } => {
                    let resp = self
                        .request(Method::DELETE, &format!("/silence/{silence_id}"))
                        .send()
                        .await
                        .map_err(transport)?;
                    if !resp.status().is_success() {
                        return Err(error_from(resp, am_error).await);
                    }
                    // Alertmanager answers an expiry with an empty 200.
                    serde_json::json!({ "expired": crate::text::one_line(silence_id, 60) })
                }
                other => {
                    return Err(ClientError::Unsupported(format!(
                        "{} (Alertmanager can only silence)",
                        other.describe()
                    )));
                }
            };
            Ok(super::Sent {
                answer: None,
                body: Some(body),
            })
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests;
