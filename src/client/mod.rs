//! Talking to backends. The console and wallboard never do HTTP themselves:
//! they get a [`Reader`] (and the console a [`Writer`]) whose results come
//! back to them as messages from the tasks in [`poller`] and [`sender`].
//! Each backend kind (warroom's own API, Alertmanager, PagerDuty) is one
//! implementation of [`ReadBackend`] and [`WriteBackend`].

pub mod alertmanager;
mod capabilities;
mod error;
mod handles;
mod http;
pub mod merged;
pub mod outbox;
pub mod pagerduty;
pub mod pages;
pub mod poller;
mod sanitize;
pub mod sender;
mod token;
mod warroom;
mod write;
pub use capabilities::Capabilities;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use crate::text::{redact_url, urlencode};
pub use error::ClientError;
pub use handles::{Reader, Writer};
pub use http::MAX_BODY;
pub use sanitize::{Sanitize, SanitizeLine};
pub use token::{Token, TokenError, TokenSource, load_token};
pub use warroom::WarroomBackend;
pub use write::{PlannedRequest, Write, WriteOp, identity, new_key};

use crate::model::wire::{ChangesResponse, ListResponse, TimelinePage, WriteAnswer};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId};

pub enum Fetched<T> {
    Fresh { value: T, etag: Option<String> },
    NotModified,
}

/// Reading from a backend. Every string in what it returns has been
/// through the sanitizing step.
pub trait ReadBackend: Send + Sync {
    fn capabilities(&self) -> Capabilities;
    /// What can be done to this incident: a merged view's incidents each
    /// follow their own backend.
    fn capabilities_of(&self, _id: IncidentId) -> Capabilities {
        self.capabilities()
    }
    /// Makes sure a write to `id` can be addressed (PagerDuty: its
    /// number's id, by one read when not known; Alertmanager: the group
    /// behind the id). Backends that take our ids as they are: nothing.
    fn locate(&self, _id: IncidentId) -> BoxFuture<'_, Result<(), ClientError>> {
        Box::pin(async { Ok(()) })
    }
    /// A merged view's backends, by name, with what each can do; empty
    /// for one backend.
    fn parts(&self) -> Vec<(String, Capabilities)> {
        Vec::new()
    }
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
    /// What a console shows first while the whole list is read: one page
    /// of active incidents, most severe first (cheap however long the
    /// history). `None`: this backend has no such page, wait for the list.
    fn first_screen(&self) -> BoxFuture<'_, Result<Option<ListResponse>, ClientError>> {
        Box::pin(async { Ok(None) })
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
    /// Up to `limit` events of an incident's timeline after `after`,
    /// oldest first (a page read by position).
    fn timeline_after(
        &self,
        _id: IncidentId,
        _after: u64,
        _limit: usize,
    ) -> BoxFuture<'_, Result<TimelinePage, ClientError>> {
        Box::pin(async {
            Err(ClientError::Unsupported(
                "timeline pages by position".into(),
            ))
        })
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
    /// A drill incident's debrief, as Markdown (`md`) or JSON.
    fn debrief<'a>(
        &'a self,
        _id: IncidentId,
        _format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("drills".into())) })
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
    /// What the classification rules suggest for a new incident.
    fn suggest(
        &self,
        _title: &str,
        _service: &str,
    ) -> BoxFuture<'_, Result<crate::model::wire::Suggestion, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("classification rules".into())) })
    }
    /// What a checklist item's runbook action would run (commanders).
    fn action_preview(
        &self,
        _id: IncidentId,
        _phase: crate::model::Phase,
        _item: usize,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::ActionPreview, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("runbook actions".into())) })
    }
    /// A run's output after line `after`, waiting on the server for more.
    fn action_run(
        &self,
        _id: IncidentId,
        _run: u64,
        _after: u64,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::RunOutput, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("runbook actions".into())) })
    }
    /// The notifications an incident caused and how each went.
    fn deliveries(
        &self,
        _id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::DeliveryInfo>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("notification deliveries".into())) })
    }
    /// The incident as it stood at one event, time or step (replay).
    fn state_at(
        &self,
        _id: IncidentId,
        _at: crate::model::replay::ReplayAt,
    ) -> BoxFuture<'_, Result<crate::model::replay::ReplayState, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("replay".into())) })
    }
    /// Open reviews (all, or the overdue ones), the overdue first.
    fn reviews(
        &self,
        _overdue: bool,
    ) -> BoxFuture<'_, Result<Vec<crate::model::review::ReviewEntry>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("reviews".into())) })
    }
    /// The most recently closed incidents, newest first, at most `limit`.
    fn recent_closed(&self, _limit: usize) -> BoxFuture<'_, Result<Vec<Incident>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("closed incidents".into())) })
    }
    /// One file of the public status page (`status`, `status.json`,
    /// `status.atom`), as served: bytes, for `warroom status export`.
    fn status_file<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<Vec<u8>, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("a public status page".into())) })
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
    /// [`WriteBackend::send`], keeping the backend's own answer for
    /// `--json` (a silence's id, PagerDuty's incident as it answered).
    fn send_verbatim<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Sent, ClientError>> {
        Box::pin(async move {
            Ok(Sent {
                answer: self.send(w).await?,
                body: None,
            })
        })
    }
    /// The readiness check of the notification targets (sent at once,
    /// never queued: it is about now).
    fn notify_test<'a>(
        &'a self,
        _req: &'a crate::model::wire::NotifyTestRequest,
    ) -> BoxFuture<'a, Result<crate::model::wire::NotifyTestResponse, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("notification targets".into())) })
    }
    /// Starts a drill (sent at once, never queued).
    fn start_drill<'a>(
        &'a self,
        _req: &'a crate::model::drill::StartDrill,
    ) -> BoxFuture<'a, Result<crate::model::drill::DrillStarted, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("drills".into())) })
    }
    /// Starts a checklist item's runbook action. Sent once, at once: it
    /// never goes through the outbox.
    fn run_action<'a>(
        &'a self,
        _id: IncidentId,
        _req: &'a crate::model::runbook_action::RunActionRequest,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::runbook_action::RunStarted, ClientError>> {
        Box::pin(async { Err(ClientError::Unsupported("runbook actions".into())) })
    }
}

/// A write's answer: the incident as it is now (warroom's server), and
/// the backend's own answer when it speaks another shape (Alertmanager,
/// PagerDuty).
#[derive(Debug, Clone)]
pub struct Sent {
    pub answer: Option<WriteAnswer>,
    pub body: Option<serde_json::Value>,
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
        http::build_client(ca_cert, &base)?,
        base,
        token,
    ));
    Ok((Reader::new(b.clone()), Writer::new(b)))
}

/// An Alertmanager silence, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceInfo {
    pub id: String,
    pub matchers: String,
    pub comment: String,
    pub created_by: String,
    pub ends_at: DateTime<Utc>,
    pub state: SilenceState,
}

/// Where a silence stands, in Alertmanager's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::EnumString, strum::Display)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum SilenceState {
    Active,
    /// Starts later.
    Pending,
    Expired,
}

impl SilenceState {
    /// Alertmanager's state string; one we do not know is shown and
    /// treated as expired (never offered for expiring).
    pub fn parse_lenient(s: &str) -> SilenceState {
        s.parse().unwrap_or(SilenceState::Expired)
    }
}

/// A person in a backend's user directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMatch {
    pub id: String,
    pub name: String,
    pub email: String,
}
