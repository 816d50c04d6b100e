//! Prometheus Alertmanager (API v2) as a console backend: each active alert
//! group is shown as an incident, its alerts (with labels and annotations)
//! as the timeline. The one action is containment by silence: a silence on
//! the group's labels, with the IC's comment and a duration. A group whose
//! alerts are all silenced or inhibited shows as `contained`.
//!
//! Alertmanager groups have no numeric id; this backend numbers them in the
//! order it first sees them (stable for the session) so they can be typed
//! as `INC-n` like any incident.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::http::{
    REQUEST_TIMEOUT, build_client, check_url, content_type, decode, error_from, read_capped,
    transport,
};
use super::{
    Capabilities, ClientError, Fetched, PlannedRequest, ReadBackend, Reader, SilenceInfo, Token,
    Write, WriteBackend, WriteOp, Writer, clean_detail, clean_incident,
};
use crate::model::wire::{ChangesResponse, ListResponse};
use crate::model::{
    ActorRole, EventKind, Incident, IncidentDetail, IncidentId, Severity, Status, TimelineEvent,
};

pub const CAPABILITIES: Capabilities = Capabilities {
    name: "Alertmanager",
    declare: false,
    acknowledge: false,
    lifecycle: false,
    resolve: false,
    severity: false,
    notes: false,
    checklists: false,
    responders: false,
    stakeholder_updates: false,
    silence: true,
    change_feed: false,
    user_directory: false,
};

#[derive(Debug, Clone, Deserialize)]
pub struct AlertGroup {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub receiver: Receiver,
    #[serde(default)]
    pub alerts: Vec<GettableAlert>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Receiver {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub fingerprint: String,
    pub starts_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub status: AlertStatus,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    pub status: SilenceState,
    pub matchers: Vec<Matcher>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SilenceState {
    pub state: String,
}

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
        client: build_client(ca_cert)?,
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

    async fn call<T: serde::de::DeserializeOwned>(
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

    fn remember(&self, groups: &[AlertGroup]) -> Vec<(u64, AlertGroup)> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for g in groups {
            let key = group_key(g);
            let next = st.ids.len() as u64 + 1;
            let id = *st.ids.entry(key).or_insert(next);
            st.groups.insert(id, g.clone());
            out.push((id, g.clone()));
        }
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
        Ok(PlannedRequest {
            method: method.to_string(),
            url: format!("{}/api/v2{path}", self.base),
            headers: Vec::new(),
            body,
        })
    }

    async fn silence(
        &self,
        id: IncidentId,
        comment: &str,
        minutes: u32,
    ) -> Result<Option<IncidentDetail>, ClientError> {
        let body = self.silence_for(id, comment, minutes)?;
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            #[serde(rename = "silenceID")]
            _silence_id: String,
        }
        let _: Created = self
            .call(self.request(Method::POST, "/silences").json(&body))
            .await?;
        Ok(None)
    }
}

/// An alert group as an incident.
pub fn to_incident(id: u64, g: &AlertGroup) -> Incident {
    let first = &g.alerts[0];
    let labels = if g.labels.is_empty() {
        &first.labels
    } else {
        &g.labels
    };
    let all = |k: &str| {
        g.alerts
            .iter()
            .find_map(|a| a.labels.get(k))
            .or_else(|| labels.get(k))
    };
    let service = ["service", "job", "alertname"]
        .iter()
        .find_map(|k| all(k))
        .cloned()
        .unwrap_or_else(|| g.receiver.name.clone());
    let severity = g
        .alerts
        .iter()
        .map(|a| Severity::from_alert_label(a.labels.get("severity").map(String::as_str)))
        .min()
        .unwrap_or(Severity::Sev3);
    let title = first
        .annotations
        .get("summary")
        .cloned()
        .unwrap_or_else(|| {
            let name = all("alertname").cloned().unwrap_or_else(|| "alerts".into());
            let n = g.alerts.len();
            if n > 1 {
                format!("{name} ×{n} on {service}")
            } else {
                format!("{name} on {service}")
            }
        });
    let suppressed = g.alerts.iter().all(|a| a.status.state == "suppressed");
    let declared_at = g
        .alerts
        .iter()
        .map(|a| a.starts_at)
        .min()
        .unwrap_or_else(Utc::now);
    let updated_at = g
        .alerts
        .iter()
        .filter_map(|a| a.updated_at)
        .max()
        .unwrap_or(declared_at);
    let status = if suppressed {
        Status::Contained
    } else {
        Status::Triggered
    };
    Incident {
        id: IncidentId(id),
        title,
        summary: first
            .annotations
            .get("description")
            .cloned()
            .unwrap_or_default(),
        service,
        severity,
        status,
        commander: None,
        tags: labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        declared_at,
        updated_at,
        status_times: [(Status::Triggered, declared_at)].into_iter().collect(),
        last_stakeholder_update_at: None,
        version: 1,
        last_seq: 0,
        summary_cut: false,
    }
}

/// The group's alerts as a timeline: each alert with all its labels and
/// annotations, and a line for each silence or inhibition on it.
/// Why Alertmanager holds an alert back, in words: each silence by whom and
/// why (from `silences`, by id), or the inhibition.
fn suppression(a: &GettableAlert, silences: &HashMap<String, (String, String)>) -> Option<String> {
    let mut why: Vec<String> = a
        .status
        .silenced_by
        .iter()
        .map(|id| match silences.get(id) {
            Some((by, comment)) => format!("silenced by {by}: {comment}"),
            None => format!("silenced (silence {id})"),
        })
        .collect();
    if !a.status.inhibited_by.is_empty() {
        why.push(format!(
            "inhibited by {} other alert(s)",
            a.status.inhibited_by.len()
        ));
    }
    (a.status.state == "suppressed" || !why.is_empty()).then(|| {
        if why.is_empty() {
            "suppressed".to_string()
        } else {
            why.join("; ")
        }
    })
}

/// An alert group's timeline in Alertmanager's own states, oldest first:
/// each alert became active at its start; one that is suppressed (by a
/// silence or an inhibition) says so, with who silenced it and why.
pub fn to_detail(
    id: u64,
    g: &AlertGroup,
    silences: &HashMap<String, (String, String)>,
) -> IncidentDetail {
    let mut events: Vec<(DateTime<Utc>, EventKind)> = Vec::new();
    for a in &g.alerts {
        let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let annotations: Vec<String> = a
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let alert = format!(
            "{} {{{}}}",
            a.labels.get("alertname").map_or("alert", String::as_str),
            labels.join(", ")
        );
        let detail = (!annotations.is_empty()).then(|| annotations.join(" · "));
        events.push((
            a.starts_at,
            EventKind::AlertReceived {
                alert: alert.clone(),
                firing: true,
                detail: detail.clone(),
                suppressed: None,
            },
        ));
        if let Some(why) = suppression(a, silences) {
            events.push((
                a.updated_at.unwrap_or(a.starts_at).max(a.starts_at),
                EventKind::AlertReceived {
                    alert,
                    firing: true,
                    detail: None,
                    suppressed: Some(why),
                },
            ));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    let timeline: Vec<TimelineEvent> = events
        .into_iter()
        .enumerate()
        .map(|(i, (at, kind))| TimelineEvent {
            seq: i as u64 + 1,
            at,
            author: "alertmanager".into(),
            kind,
        })
        .collect();
    let mut incident = to_incident(id, g);
    incident.last_seq = timeline.len() as u64;
    IncidentDetail {
        incident,
        timeline,
        responders: Vec::new(),
        checklists: Vec::new(),
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
            incidents.iter_mut().for_each(clean_incident);
            Ok(Fetched::Fresh {
                value: ListResponse::complete(0, incidents),
                etag: None,
            })
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
            clean_detail(&mut d);
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
                    state: crate::text::one_line(&s.status.state, 20),
                })
                .collect();
            out.sort_by(|a, b| {
                (a.state != "active", a.ends_at).cmp(&(b.state != "active", b.ends_at))
            });
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
        let sent = async move {
            match &w.op {
                WriteOp::Silence {
                    id,
                    comment,
                    minutes,
                } => self.silence(*id, comment, *minutes).await,
                WriteOp::ExpireSilence { silence_id } => {
                    let resp = self
                        .request(Method::DELETE, &format!("/silence/{silence_id}"))
                        .send()
                        .await
                        .map_err(transport)?;
                    if !resp.status().is_success() {
                        return Err(error_from(resp, am_error).await);
                    }
                    Ok(None)
                }
                other => Err(ClientError::Unsupported(format!(
                    "{} (Alertmanager can only silence)",
                    other.describe()
                ))),
            }
        };
        async move {
            sent.await
                .map(|d| d.map(crate::model::wire::WriteAnswer::from))
        }
        .boxed()
    }
}
