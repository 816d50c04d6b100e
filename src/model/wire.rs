//! Request and response bodies of the HTTP API that are not domain types.
//! Requests reject unknown fields, so a typo in a script fails loudly instead
//! of being ignored during an outage.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{
    Checklist, Incident, IncidentDetail, IncidentId, Phase, Responder, Severity, Status,
    TimelineEvent,
};

/// The most summaries or events one answer of the API carries (server
/// and clients agree on it: a client asks in chunks of this size).
pub const MAX_PAGE: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclareRequest {
    pub title: String,
    pub service: String,
    pub severity: Severity,
    #[serde(default)]
    pub summary: String,
    /// Handle of the incident commander; defaults to whoever declares.
    #[serde(default)]
    pub commander: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A partial update: absent fields are left as they are. `commander: null`
/// removes the commander.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub commander: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// When the impact began (for postmortems and metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_started_at: Option<chrono::DateTime<chrono::Utc>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().expect("skipped when None").serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    #[serde(default)]
    pub force: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Who a stakeholder update is for: the people inside (leadership,
/// support, other teams) or customers (the status page, public channels).
/// Nothing is public unless it was asked to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Internal,
    Public,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::Public => "public",
        }
    }

    pub fn is_internal(&self) -> bool {
        *self == Self::Internal
    }
}

impl std::fmt::Display for Audience {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRequest {
    pub text: String,
    /// When the words were written, if that was earlier than they are
    /// sent (a console that was offline): the timeline keeps both times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A stakeholder update's audience (internal when absent); a note
    /// has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// Which update this is (initial, scoping, update, resolution); the
    /// server works it out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<super::cadence::UpdateStage>,
    /// A resolution update's statement on data loss and lingering impact
    /// (required there: "none" is a statement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<String>,
}

impl TextRequest {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            written_at: None,
            audience: None,
            stage: None,
            data_loss: None,
        }
    }

    pub fn written(text: impl Into<String>, at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            written_at: Some(at),
            ..Self::new(text)
        }
    }

    /// For this audience.
    pub fn to(mut self, audience: Audience) -> Self {
        self.audience = Some(audience);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistRequest {
    pub phase: Phase,
    /// Index of the item in the phase's checklist, from 0.
    pub item: usize,
    pub done: bool,
}

/// A page of the incident list: summaries (long text cut), SEV1 first then
/// oldest. `next_cursor` fetches the next page; `counts` and `total` cover
/// every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    pub revision: u64,
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub counts: BTreeMap<Severity, u64>,
    #[serde(default)]
    pub total: u64,
    /// Incidents the backend listed that could not be read (a shape the
    /// adapter does not know): left out, and counted so the view says so.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub unreadable: u64,
    /// In a merged view only: how each backend stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceState>,
}

/// One backend of a merged view: its name (the profile), its kind, and
/// whether its part of the list is fresh. A backend that stops answering
/// keeps its last incidents on the list, marked stale from when it
/// stopped; the others stay live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    pub name: String,
    pub kind: String,
    /// When it stopped answering; `None` while it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Why, in the client's words (never a credential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its incidents on the list now (linked ones not counted).
    pub incidents: u64,
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

impl ListResponse {
    /// The whole list in one answer (backends that do not page).
    pub fn complete(revision: u64, incidents: Vec<Incident>) -> Self {
        let mut counts = BTreeMap::new();
        for i in &incidents {
            *counts.entry(i.severity).or_default() += 1;
        }
        Self {
            revision,
            total: incidents.len() as u64,
            incidents,
            next_cursor: None,
            counts,
            unreadable: 0,
            sources: Vec::new(),
        }
    }
}

/// A page of one incident's timeline (`GET /incidents/{id}/timeline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub incident: IncidentId,
    /// The newest seq the incident has now.
    pub last_seq: u64,
    pub events: Vec<TimelineEvent>,
}

/// What a write answers: small whatever the incident's size. The incident
/// as it is now (its new `version` and `last_seq`), the events this write
/// added, and the responders or checklists when the write changed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteAnswer {
    pub incident: Incident,
    #[serde(default)]
    pub events: Vec<TimelineEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responders: Option<Vec<Responder>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklists: Option<Vec<Checklist>>,
}

impl From<IncidentDetail> for WriteAnswer {
    /// A whole detail as an answer (backends that answer with everything).
    fn from(d: IncidentDetail) -> Self {
        Self {
            incident: d.incident,
            events: d.timeline,
            responders: Some(d.responders),
            checklists: Some(d.checklists),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesResponse {
    /// The revision to pass as `since` next time.
    pub revision: u64,
    /// Incidents changed after `since`, oldest change first.
    pub changed: Vec<IncidentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// A past incident like the one asked about (`GET /incidents/{id}/similar`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similar {
    pub incident: super::Incident,
    /// bm25: lower is closer.
    pub score: f64,
    /// From declaration to the first resolution.
    pub resolved_in_seconds: Option<i64>,
    /// The last notes written before it was resolved: what fixed it.
    pub last_notes: Vec<super::TimelineEvent>,
}

/// `POST /notify/test`: a clearly marked test delivery to these targets
/// (all when empty), or with `dry_run` what each would be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyTestRequest {
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub dry_run: bool,
}

/// How one target's test delivery went: by name, never its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyTestResult {
    pub target: String,
    /// `slack`, `mattermost`, `teams`, `webhook` or `email`.
    pub kind: String,
    /// The people of a personal target (empty for a channel).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    /// Delivered (the target answered 2xx, or the mail server took it).
    pub delivered: bool,
    /// How long the attempt took (0 for a dry run).
    pub latency_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `dry_run`: the message as the target would receive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyTestResponse {
    pub results: Vec<NotifyTestResult>,
}

/// One notification an incident caused and how it went
/// (`GET /incidents/{id}/deliveries`): the target by name, never its URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    pub id: i64,
    pub target: String,
    pub subject: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub next_at: Option<String>,
}

/// What the classification rules suggest for an incident about to be
/// declared (`GET /classify?title=…&service=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The rule that matched; `None`: no rule matches.
    pub rule: Option<String>,
    pub severity: Severity,
    pub service: String,
    pub runbook: Option<String>,
    pub tags: Vec<String>,
    pub page: Vec<String>,
}
