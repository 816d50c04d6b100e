//! Talking to backends. The console and wallboard never do HTTP themselves:
//! they get a [`Reader`] (and the console a [`Writer`]) whose results come
//! back to them as messages from the tasks in [`poller`] and [`sender`].
//! Each backend kind (warroom's own API, Alertmanager, PagerDuty) is one
//! implementation of [`ReadBackend`] and [`WriteBackend`].

pub mod alertmanager;
mod error;
mod http;
pub mod outbox;
pub mod pagerduty;
pub mod poller;
mod sanitize;
pub mod sender;
mod token;
mod warroom;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

pub use error::ClientError;
pub use http::{MAX_BODY, redact_url};
pub use sanitize::{clean_answer, clean_detail, clean_event, clean_followup, clean_incident};
pub use token::{Token, TokenSource, load_token};
pub use warroom::WarroomBackend;
pub use warroom::urlencode;

use crate::model::wire::{
    ChangesResponse, ChecklistRequest, DeclareRequest, ListResponse, PatchRequest, TextRequest,
    TimelinePage, TransitionRequest, WriteAnswer,
};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId, ResponderAction};

pub enum Fetched<T> {
    Fresh { value: T, etag: Option<String> },
    NotModified,
}

/// Reading from a backend. Every string in what it returns has been
/// through the sanitizing step.
pub trait ReadBackend: Send + Sync {
    fn capabilities(&self) -> Capabilities;
    fn list<'a>(
        &'a self,
        all: bool,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>>;
    fn detail<'a>(
        &'a self,
        id: IncidentId,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>>;
    /// Waits up to `wait` for something to change after `since`. Backends
    /// without a change feed just wait, so the caller polls at that pace.
    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>>;
    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>>;
    /// Every incident not closed (active, resolved, verified): the IC's
    /// list. Backends without the later phases give their active list.
    fn list_open<'a>(
        &'a self,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        self.list(false, etag)
    }
    /// The current summaries of these incidents, whatever their status
    /// (what the change feed named). Backends without a way to ask for
    /// some read the whole list and pick.
    fn summaries<'a>(
        &'a self,
        ids: &'a [IncidentId],
    ) -> BoxFuture<'a, Result<Vec<Incident>, ClientError>> {
        Box::pin(async move {
            match self.list(true, None).await? {
                Fetched::Fresh { value, .. } => Ok(value
                    .incidents
                    .into_iter()
                    .filter(|i| ids.contains(&i.id))
                    .collect()),
                Fetched::NotModified => Ok(Vec::new()),
            }
        })
    }
    /// Events of an incident's timeline before `before` (older pages).
    fn timeline_before(
        &self,
        _id: IncidentId,
        _before: u64,
    ) -> BoxFuture<'_, Result<TimelinePage, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("older timeline pages".into())) })
    }
    /// Users whose name or email matches (PagerDuty's directory).
    fn users<'a>(&'a self, _query: &'a str) -> BoxFuture<'a, Result<Vec<UserMatch>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("a user directory".into())) })
    }
    /// Silences (Alertmanager only).
    fn silences(&self) -> BoxFuture<'_, Result<Vec<SilenceInfo>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("silences".into())) })
    }
    /// An incident's follow-up actions.
    fn followups(&self, _id: IncidentId) -> BoxFuture<'_, Result<Vec<FollowUp>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("follow-up actions".into())) })
    }
    /// Follow-ups across incidents: `query` is the API's query string
    /// (`owner=…&overdue=true&status=…`).
    fn followups_across<'a>(
        &'a self,
        _query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<FollowUp>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("follow-up actions".into())) })
    }
    /// The postmortem draft of an incident, as Markdown (`md`) or JSON.
    fn postmortem<'a>(
        &'a self,
        _id: IncidentId,
        _format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("postmortems".into())) })
    }
    /// Response metrics; `query` is the API's query string
    /// (`since=90d&service=…&utc_offset=…`).
    fn stats<'a>(
        &'a self,
        _query: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::stats::Stats, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("response metrics".into())) })
    }
    /// Resolved and closed incidents most like this one.
    fn similar(
        &self,
        _id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::Similar>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("similar incidents".into())) })
    }
    /// The most recently closed incidents, newest first, at most `limit`.
    fn recent_closed(&self, _limit: usize) -> BoxFuture<'_, Result<Vec<Incident>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("closed incidents".into())) })
    }
    /// The team's working agreements; backends without them get the
    /// defaults (SEV1 updates every 30 minutes, SEV2 every 60).
    fn policy(&self) -> BoxFuture<'_, Result<crate::model::Policy, ClientError>> {
        Box::pin(async { Ok(crate::model::Policy::default()) })
    }
}

/// Changing things on a backend. The answer is the incident as it is now
/// and what the write added, when the backend can say.
pub trait WriteBackend: Send + Sync {
    /// The request a write becomes, for `--dry-run` (the token is never in it).
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError>;
    fn send<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Option<WriteAnswer>, ClientError>>;
}

/// The read side of a backend: all a wallboard gets. It has no way to write.
#[derive(Clone)]
pub struct Reader(Arc<dyn ReadBackend>);

impl Reader {
    pub fn new(b: Arc<dyn ReadBackend>) -> Self {
        Self(b)
    }

    pub fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }

    pub async fn list(
        &self,
        all: bool,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        self.0.list(all, etag).await
    }

    pub async fn detail(
        &self,
        id: IncidentId,
        etag: Option<&str>,
    ) -> Result<Fetched<IncidentDetail>, ClientError> {
        self.0.detail(id, etag).await
    }

    pub async fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> Result<ChangesResponse, ClientError> {
        self.0.changes(since, wait).await
    }

    pub async fn whoami(&self) -> Result<(String, ActorRole), ClientError> {
        self.0.whoami().await
    }

    pub async fn list_open(
        &self,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        self.0.list_open(etag).await
    }

    pub async fn summaries(&self, ids: &[IncidentId]) -> Result<Vec<Incident>, ClientError> {
        self.0.summaries(ids).await
    }

    pub async fn timeline_before(
        &self,
        id: IncidentId,
        before: u64,
    ) -> Result<TimelinePage, ClientError> {
        self.0.timeline_before(id, before).await
    }

    pub async fn users(&self, query: &str) -> Result<Vec<UserMatch>, ClientError> {
        self.0.users(query).await
    }

    pub async fn silences(&self) -> Result<Vec<SilenceInfo>, ClientError> {
        self.0.silences().await
    }

    pub async fn followups(&self, id: IncidentId) -> Result<Vec<FollowUp>, ClientError> {
        self.0.followups(id).await
    }

    pub async fn followups_across(&self, query: &str) -> Result<Vec<FollowUp>, ClientError> {
        self.0.followups_across(query).await
    }

    pub async fn postmortem(&self, id: IncidentId, format: &str) -> Result<String, ClientError> {
        self.0.postmortem(id, format).await
    }

    pub async fn stats(&self, query: &str) -> Result<crate::model::stats::Stats, ClientError> {
        self.0.stats(query).await
    }

    pub async fn similar(
        &self,
        id: IncidentId,
    ) -> Result<Vec<crate::model::wire::Similar>, ClientError> {
        self.0.similar(id).await
    }

    pub async fn recent_closed(&self, limit: usize) -> Result<Vec<Incident>, ClientError> {
        self.0.recent_closed(limit).await
    }

    pub async fn policy(&self) -> Result<crate::model::Policy, ClientError> {
        self.0.policy().await
    }
}

#[derive(Clone)]
pub struct Writer(Arc<dyn WriteBackend>);

impl Writer {
    pub fn new(b: Arc<dyn WriteBackend>) -> Self {
        Self(b)
    }

    pub fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        self.0.plan(w)
    }

    /// Sends one write with its idempotency key.
    pub async fn send(&self, w: &Write) -> Result<Option<WriteAnswer>, ClientError> {
        self.0.send(w).await
    }
}

/// Builds the reader and writer for a warroom server at `base`.
pub fn connect(
    base: &str,
    token: Option<Token>,
    ca_cert: Option<&std::path::Path>,
) -> Result<(Reader, Writer), String> {
    // People paste the API's own URL: `…/api/v1` and `…/api/v1/` mean the server.
    let trimmed = base.trim().trim_end_matches('/');
    let base = http::check_url(trimmed.strip_suffix("/api/v1").unwrap_or(trimmed))?;
    let b = Arc::new(WarroomBackend::new(
        http::build_client(ca_cert)?,
        base,
        token,
    ));
    Ok((Reader::new(b.clone()), Writer::new(b)))
}

/// A write as the HTTP request it becomes: what `--dry-run` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRequest {
    pub method: String,
    pub url: String,
    /// Every header we would send, except `Authorization`.
    pub headers: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

impl PlannedRequest {
    /// As a person reads an HTTP request.
    pub fn display(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.url);
        s.push_str("Authorization: Bearer <token, not shown>\n");
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\n"));
        }
        if let Some(b) = &self.body {
            s.push_str("Content-Type: application/json\n\n");
            s.push_str(&serde_json::to_string_pretty(b).unwrap_or_default());
            s.push('\n');
        }
        s
    }
}

/// An Alertmanager silence, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceInfo {
    pub id: String,
    pub matchers: String,
    pub comment: String,
    pub created_by: String,
    pub ends_at: DateTime<Utc>,
    pub state: String,
}

/// What a backend can do; the console hides or greys out the rest and says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The backend's name, for "not on X" explanations.
    pub name: &'static str,
    pub declare: bool,
    /// Acknowledging (the first step of any lifecycle).
    pub acknowledge: bool,
    /// The full lifecycle with phases and forced transitions.
    pub lifecycle: bool,
    /// A one-step resolve (PagerDuty); warroom resolves through the lifecycle.
    pub resolve: bool,
    pub severity: bool,
    pub notes: bool,
    pub checklists: bool,
    pub responders: bool,
    pub stakeholder_updates: bool,
    /// Alertmanager silences as containment.
    pub silence: bool,
    /// Pushes changes (long-poll) instead of being polled.
    pub change_feed: bool,
    /// People are the backend's users, found by name (PagerDuty): the
    /// responder dialog searches them and sends their ids.
    pub user_directory: bool,
    /// Title, summary, service and tags can be edited.
    pub edit: bool,
}

/// A person in a backend's user directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMatch {
    pub id: String,
    pub name: String,
    pub email: String,
}

impl Capabilities {
    pub const WARROOM: Capabilities = Capabilities {
        name: "warroom",
        declare: true,
        acknowledge: true,
        lifecycle: true,
        resolve: false,
        severity: true,
        notes: true,
        checklists: true,
        responders: true,
        stakeholder_updates: true,
        silence: false,
        change_feed: true,
        user_directory: false,
        edit: true,
    };
}

/// One write, as queued and sent. Serializable so it can sit in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriteOp {
    Declare {
        body: DeclareRequest,
    },
    Patch {
        id: IncidentId,
        if_match: u64,
        body: PatchRequest,
    },
    Transition {
        id: IncidentId,
        body: TransitionRequest,
    },
    Note {
        id: IncidentId,
        body: TextRequest,
    },
    StakeholderUpdate {
        id: IncidentId,
        body: TextRequest,
    },
    Responder {
        id: IncidentId,
        body: ResponderAction,
    },
    Checklist {
        id: IncidentId,
        body: ChecklistRequest,
    },
    /// One-step resolve (PagerDuty).
    Resolve {
        id: IncidentId,
    },
    /// Silence the alert group behind an incident (Alertmanager).
    Silence {
        id: IncidentId,
        comment: String,
        minutes: u32,
    },
    ExpireSilence {
        silence_id: String,
    },
    /// A follow-up action on an incident (closed ones included).
    AddFollowUp {
        id: IncidentId,
        body: crate::model::NewFollowUp,
    },
    UpdateFollowUp {
        id: IncidentId,
        followup: u64,
        body: crate::model::FollowUpPatch,
    },
}

impl WriteOp {
    pub fn incident(&self) -> Option<IncidentId> {
        match self {
            Self::Declare { .. } | Self::ExpireSilence { .. } => None,
            Self::Patch { id, .. }
            | Self::Transition { id, .. }
            | Self::Note { id, .. }
            | Self::StakeholderUpdate { id, .. }
            | Self::Responder { id, .. }
            | Self::Checklist { id, .. }
            | Self::Resolve { id }
            | Self::Silence { id, .. }
            | Self::AddFollowUp { id, .. }
            | Self::UpdateFollowUp { id, .. } => Some(*id),
        }
    }

    /// A short description for the pending marks on the timeline.
    pub fn describe(&self) -> String {
        let short = |s: &str| crate::text::one_line(s, 40);
        match self {
            Self::Declare { body } => format!("declare {}: {}", body.severity, short(&body.title)),
            Self::Patch { body, .. } => match body.severity {
                Some(s) => format!("severity -> {s}"),
                None => "edit fields".into(),
            },
            Self::Transition { body, .. } => {
                format!(
                    "{}status -> {}",
                    if body.force { "FORCE " } else { "" },
                    body.to
                )
            }
            Self::Note { body, .. } => format!("note: {}", short(&body.text)),
            Self::StakeholderUpdate { body, .. } => {
                format!("stakeholder update: {}", short(&body.text))
            }
            Self::Responder { body, .. } => match body {
                ResponderAction::Page { handle, role, .. } => {
                    format!("page {handle} as {}", role.short())
                }
                ResponderAction::AssignRole { handle, role } => {
                    format!("{handle} -> {}", role.short())
                }
                ResponderAction::Acknowledge { handle } => format!("{handle} acknowledges"),
                ResponderAction::Join { handle } => format!("{handle} joins"),
                ResponderAction::Leave { handle } => format!("{handle} leaves"),
            },
            Self::Resolve { .. } => "resolve".into(),
            Self::Silence {
                comment, minutes, ..
            } => format!("silence {minutes}m: {}", short(comment)),
            Self::ExpireSilence { silence_id } => format!("expire silence {}", short(silence_id)),
            Self::AddFollowUp { body, .. } => format!("follow-up: {}", short(&body.title)),
            Self::UpdateFollowUp { followup, body, .. } => match body.status {
                Some(s) => format!("follow-up #{followup} -> {}", s.as_str()),
                None => format!("edit follow-up #{followup}"),
            },
            Self::Checklist { body, .. } => {
                format!(
                    "{} {} item {}",
                    if body.done { "tick" } else { "untick" },
                    body.phase,
                    body.item + 1
                )
            }
        }
    }
}

/// A write with the key that makes its delivery idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    pub key: String,
    pub op: WriteOp,
    /// Who queued it: the [`identity`] of the credentials in use then. A
    /// write is replayed only under the same identity, so a note queued
    /// with one person's token is never sent (and credited) with another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_by: Option<String>,
}

impl Write {
    pub fn new(op: WriteOp) -> Self {
        Self {
            key: new_key(),
            op,
            queued_by: None,
        }
    }
}

/// A stable fingerprint of a token, for the outbox: never the token, and
/// not enough of its hash to test guesses against.
pub fn identity(token: Option<&Token>) -> String {
    match token {
        Some(t) => {
            use sha2::{Digest, Sha256};
            let h = Sha256::digest(format!("warroom-outbox-identity\0{}", t.expose()));
            format!("token:{}", hex::encode(&h[..8]))
        }
        None => "anonymous".into(),
    }
}

pub fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}
