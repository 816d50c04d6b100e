//! Notifications out: who is told what, where they already are. Targets
//! come from the server config (`[[notify.targets]]`): a Slack-compatible
//! incoming webhook (also Mattermost) or a generic JSON webhook signed with
//! HMAC-SHA256. Each subscribes to event kinds, optionally only for some
//! severities or services.
//!
//! A write that records a matching event queues one delivery per target in
//! the same transaction ([`enqueue`]), so no acknowledged change is lost
//! to a crash; [`worker`] sends them in the background with retries and
//! backoff, so a slow or broken target never holds up the API.

pub mod email;
pub mod readiness;
mod sign;
pub mod worker;

use std::fmt;

use serde::Deserialize;

use crate::model::state_doc::{CommandChange, TaskChange};
use crate::model::{
    EventKind, Incident, IncidentDetail, Responder, ResponderState, Role, Severity, TimelineEvent,
};

pub use crate::model::notification::{Payload, Subject};
pub use sign::{SIGNATURE_HEADER, sign};

/// At most this many targets: every event is checked against each.
pub const MAX_TARGETS: usize = 20;
/// At most this many people on one personal target.
pub const MAX_PEOPLE: usize = 200;

impl Subject {
    /// The subject of a timeline event, if it is one anybody subscribes to.
    pub fn of(kind: &EventKind) -> Option<Subject> {
        match kind {
            EventKind::Declared { .. } => Some(Subject::Declared),
            EventKind::SeverityChanged { .. } => Some(Subject::SeverityChanged),
            EventKind::StatusChanged { .. } | EventKind::ForcedTransition { .. } => {
                Some(Subject::StatusChanged)
            }
            EventKind::StakeholderUpdate { .. } => Some(Subject::StakeholderUpdate),
            EventKind::Responder {
                state: ResponderState::Paged,
                ..
            } => Some(Subject::ResponderPaged),
            EventKind::Task {
                change: TaskChange::Assigned,
                ..
            } => Some(Subject::TaskAssigned),
            EventKind::Task {
                change: TaskChange::Overdue,
                ..
            } => Some(Subject::TaskOverdue),
            EventKind::Command {
                change: CommandChange::Offered,
                ..
            } => Some(Subject::CommandOffered),
            EventKind::Automation { rule, .. } if rule == crate::model::REMINDER_RULE => {
                Some(Subject::Reminder)
            }
            EventKind::Automation { rule, .. }
                if rule.starts_with(crate::model::ESCALATION_RULE) =>
            {
                Some(Subject::Escalated)
            }
            EventKind::Automation { rule, .. }
                if rule.starts_with(crate::model::REVIEW_OVERDUE_RULE) =>
            {
                Some(Subject::ReviewOverdue)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// `{"text": "..."}` to a Slack incoming webhook: one line, every
    /// field escaped for Slack's markup (no mention, no link from a field).
    Slack,
    /// The same to a Mattermost incoming webhook, with Markdown escaped too.
    Mattermost,
    /// The event as JSON, signed (see [`sign`]).
    Webhook,
    /// A Microsoft Teams incoming webhook (Workflows): an Adaptive Card,
    /// every field escaped for its Markdown.
    Teams,
    /// E-mail over SMTP (see [`email`]): `url` is `smtp://` (STARTTLS),
    /// `smtps://` or `smtp+plain://` to a relay on this machine.
    Email,
}

/// One place notifications go. Its URL and secret are secrets: never shown,
/// logged or put in an error message ([`fmt::Debug`] hides them).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    pub url: String,
    /// The HMAC key of a `webhook` target (required there).
    #[serde(default)]
    pub secret: Option<String>,
    pub events: Vec<Subject>,
    /// Only incidents of these severities (all when empty).
    #[serde(default)]
    pub severities: Vec<Severity>,
    /// Only incidents of these services (all when empty).
    #[serde(default)]
    pub services: Vec<String>,
    /// A personal target (a person's own chat webhook, a bridge to their
    /// pager) hears only about its people: `responder_paged` when one of
    /// them is paged, any other subject when one of them leads the
    /// incident (its commander or communications lead), so the overdue
    /// update reminder reaches the one who owes it. Empty: everything
    /// subscribed, as a channel.
    #[serde(default)]
    pub people: Vec<String>,
    /// Stakeholder updates for these audiences only (`internal`,
    /// `public`; all when empty): a customer channel hears the public
    /// ones, never the internal ones.
    #[serde(default)]
    pub audiences: Vec<crate::model::wire::Audience>,
    /// An e-mail target's sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// An e-mail target's recipients (at most [`email::MAX_RECIPIENTS`]).
    #[serde(default)]
    pub to: Vec<String>,
    /// An e-mail target's user name and password: two lines in a file
    /// only its owner may read.
    #[serde(default)]
    pub credentials_file: Option<std::path::PathBuf>,
    /// An extra root certificate (PEM) for a private mail server.
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Hears about drill incidents too (a practice channel). Default: no
    /// target hears of a drill, so a rehearsal never pages anyone real.
    #[serde(default)]
    pub drills: bool,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &"<secret>")
            .field("events", &self.events)
            .field("people", &self.people)
            .field("audiences", &self.audiences)
            .field("drills", &self.drills)
            .finish()
    }
}

impl Target {
    fn wants(&self, subject: Subject, on: &Subscriber<'_>, e: &TimelineEvent) -> bool {
        let inc = on.incident;
        (inc.drill.is_none() || self.drills)
            && self.events.contains(&subject)
            && (self.severities.is_empty() || self.severities.contains(&inc.severity))
            && (self.services.is_empty() || self.services.contains(&inc.service))
            && (self.people.is_empty() || self.people.iter().any(|p| on.concerns(subject, e, p)))
            && match &e.kind {
                EventKind::StakeholderUpdate { audience, .. } => {
                    self.audiences.is_empty() || self.audiences.contains(audience)
                }
                _ => true,
            }
    }
}

/// The incident as notifications see it: its summary and who leads it.
pub struct Subscriber<'a> {
    pub incident: &'a Incident,
    pub responders: &'a [Responder],
}

impl<'a> Subscriber<'a> {
    pub fn of(d: &'a IncidentDetail) -> Self {
        Subscriber {
            incident: &d.incident,
            responders: &d.responders,
        }
    }

    /// Whether `handle` is who this event is for: the one paged, the
    /// owner of the task, the one offered command, or one who leads the
    /// incident.
    fn concerns(&self, subject: Subject, e: &TimelineEvent, handle: &str) -> bool {
        match (subject, &e.kind) {
            (Subject::ResponderPaged, _) => return paged(e) == Some(handle),
            (Subject::TaskAssigned, EventKind::Task { owner, .. }) => {
                return owner.as_deref() == Some(handle);
            }
            (Subject::TaskOverdue, EventKind::Task { owner, .. })
                if owner.as_deref() == Some(handle) =>
            {
                return true;
            }
            (Subject::CommandOffered, EventKind::Command { to, .. }) => return to == handle,
            (Subject::ReviewOverdue, _)
                if self
                    .incident
                    .review
                    .as_ref()
                    .is_some_and(|r| r.owner == handle) =>
            {
                return true;
            }
            _ => {}
        }
        self.incident.commander.as_deref() == Some(handle)
            || self.responders.iter().any(|r| {
                r.handle == handle
                    && matches!(r.role, Role::IncidentCommander | Role::CommunicationsLead)
            })
    }
}

/// Who a `responder_paged` event pages.
fn paged(e: &TimelineEvent) -> Option<&str> {
    match &e.kind {
        EventKind::Responder {
            handle,
            state: ResponderState::Paged,
            ..
        } => Some(handle),
        _ => None,
    }
}

/// `[notify]` in the server config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    #[serde(default)]
    pub targets: Vec<Target>,
    /// The first retry waits this long, each next one twice as long (up to
    /// five minutes); tests set it short.
    #[serde(default = "default_retry_ms")]
    pub retry_base_ms: u64,
    /// Attempts before a delivery is given up as failed.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            targets: Vec::new(),
            retry_base_ms: default_retry_ms(),
            max_attempts: default_attempts(),
        }
    }
}

fn default_retry_ms() -> u64 {
    2_000
}

fn default_attempts() -> u32 {
    8
}

impl NotifyConfig {
    /// Refuses a config that would half work, naming the target and what
    /// is wrong (never its URL or secret).
    pub fn check(&self) -> Result<(), String> {
        if self.targets.len() > MAX_TARGETS {
            return Err(format!("at most {MAX_TARGETS} targets"));
        }
        if !(1..=20).contains(&self.max_attempts) {
            return Err("max_attempts must be 1..=20".into());
        }
        if !(10..=600_000).contains(&self.retry_base_ms) {
            return Err("retry_base_ms must be 10..=600000".into());
        }
        let mut names = std::collections::HashSet::new();
        for t in &self.targets {
            let n = &t.name;
            if n.trim().is_empty() || n.chars().count() > 60 {
                return Err("every target needs a name of 1 to 60 characters".into());
            }
            if !names.insert(n.as_str()) {
                return Err(format!("two targets are named `{n}`"));
            }
            if t.kind == TargetKind::Email {
                email::endpoint(t)?;
                email::addresses(t)?;
            } else {
                match reqwest::Url::parse(&t.url) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                    _ => return Err(format!("target `{n}`: url is not an http(s) URL")),
                }
                if t.from.is_some() || !t.to.is_empty() || t.credentials_file.is_some() {
                    return Err(format!(
                        "target `{n}`: from, to and credentials_file are for e-mail targets"
                    ));
                }
            }
            if t.events.is_empty() {
                return Err(format!(
                    "target `{n}`: events is empty, it would never be told anything"
                ));
            }
            if !t.people.is_empty() {
                if t.people.len() > MAX_PEOPLE {
                    return Err(format!("target `{n}`: at most {MAX_PEOPLE} people"));
                }
                if let Some(bad) = t.people.iter().find(|p| {
                    p.trim().is_empty()
                        || p.chars().count() > 100
                        || p.chars().any(char::is_control)
                }) {
                    return Err(format!(
                        "target `{n}`: people: {:?} is not a handle (1 to 100 characters, no control characters)",
                        crate::text::one_line(bad, 40)
                    ));
                }
            }
            let secret = t.secret.as_deref().unwrap_or("");
            if t.kind == TargetKind::Webhook && secret.len() < 16 {
                return Err(format!(
                    "target `{n}`: a webhook needs a secret of at least 16 characters to sign with"
                ));
            }
        }
        Ok(())
    }

    /// What [`NotifyConfig::check`] cannot see in the text: the files an
    /// e-mail target names (its credentials, readable by their owner
    /// only, and its CA) and its URL; the server checks them at start.
    pub fn check_files(&self) -> Result<(), String> {
        for t in self.targets.iter().filter(|t| t.kind == TargetKind::Email) {
            email::mailer(t, worker::SEND_TIMEOUT)?;
        }
        Ok(())
    }

    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }
}

/// Queues a delivery per target for each of `events` a target subscribes
/// to, in the caller's transaction. Returns how many were queued.
pub fn enqueue(
    tx: &dyn super::store::Sql,
    cfg: &NotifyConfig,
    on: Subscriber<'_>,
    events: &[TimelineEvent],
) -> super::store::Result<usize> {
    let inc = on.incident;
    let mut n = 0;
    if cfg.targets.is_empty() {
        return Ok(0);
    }
    for e in events {
        let Some(subject) = Subject::of(&e.kind) else {
            continue;
        };
        for t in cfg.targets.iter().filter(|t| t.wants(subject, &on, e)) {
            let payload = crate::report::channels::payload(subject, inc, e);
            super::store::queue_delivery(tx, inc.id, &t.name, &payload)?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(toml_text: &str) -> Result<NotifyConfig, String> {
        let c: NotifyConfig = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        c.check()?;
        Ok(c)
    }

    #[test]
    fn a_bad_target_is_refused_by_name_and_never_shows_its_url() {
        let e = cfg(r#"[[targets]]
name = "chat"
kind = "slack"
url = "ftp://hooks.example.com/T0/SECRET"
events = ["declared"]
"#)
        .unwrap_err();
        assert!(e.contains("`chat`") && !e.contains("SECRET"), "{e}");
        let e = cfg(r#"[[targets]]
name = "pager"
kind = "webhook"
url = "https://example.com/hook"
events = ["declared"]
"#)
        .unwrap_err();
        assert!(e.contains("secret"), "{e}");
        let e = cfg(r#"[[targets]]
name = "x"
kind = "slack"
url = "https://example.com/hook"
events = ["everything"]
"#)
        .unwrap_err();
        assert!(e.contains("everything"), "{e}");
        let t = cfg(r#"[[targets]]
name = "x"
kind = "webhook"
url = "https://example.com/SECRET-PATH"
secret = "0123456789abcdef0123"
events = ["declared"]
"#)
        .unwrap();
        let shown = format!("{:?}", t.targets[0]);
        assert!(
            !shown.contains("SECRET") && !shown.contains("0123456789"),
            "{shown}"
        );
    }
}
