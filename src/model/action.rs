//! Every change to an incident is an [`Action`] applied by the pure [`apply`]:
//! it checks who may do it and whether the incident's state allows it, then
//! changes the incident and appends what happened to the timeline.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::error::DomainError;
use super::lifecycle::check_transition;
pub use super::roster::ResponderAction;
use super::roster::responder;
use super::validate::check_text;
pub use super::validate::{MAX_TAG, MAX_TAGS};
use super::wire::PatchRequest;
use super::{EventKind, IncidentDetail, Phase, Status, TimelineEvent};

pub use super::validate::{MAX_RESPONDERS, MAX_SHORT, MAX_TEXT, MAX_TITLE};

/// What a token allows. The order matters: each role can do all the lower ones can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// A machine that only delivers alerts (the Alertmanager webhook). It
    /// can read nothing and change nothing else.
    Integration,
    Viewer,
    Responder,
    Commander,
}

impl ActorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integration => "integration",
            Self::Viewer => "viewer",
            Self::Responder => "responder",
            Self::Commander => "commander",
        }
    }
}

impl fmt::Display for ActorRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ActorRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "integration" => Ok(Self::Integration),
            "viewer" => Ok(Self::Viewer),
            "responder" => Ok(Self::Responder),
            "commander" => Ok(Self::Commander),
            _ => Err(format!(
                "unknown role `{s}` (viewer, responder, commander, integration)"
            )),
        }
    }
}

/// Who is acting: the name and role of the token used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub handle: String,
    pub role: ActorRole,
}

/// One change to an incident. Serialized (adjacently tagged) into the
/// server's replay journal, so the state at any point of the timeline is
/// this same `apply` run again (see [`super::replay`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "with", rename_all = "snake_case")]
pub enum Action {
    Transition {
        to: Status,
        force: bool,
        reason: Option<String>,
    },
    Patch(PatchRequest),
    Note {
        text: String,
        /// Written earlier than sent (offline); see [`TimelineEvent::written_at`].
        written_at: Option<DateTime<Utc>>,
    },
    Responder(ResponderAction),
    Checklist {
        phase: Phase,
        item: usize,
        done: bool,
    },
    StakeholderUpdate {
        text: String,
        written_at: Option<DateTime<Utc>>,
        audience: super::wire::Audience,
        /// Which update it is; worked out from the incident when absent.
        stage: Option<super::cadence::UpdateStage>,
        /// Required of a resolution update ([`super::cadence::DATA_LOSS_REQUIRED`]).
        data_loss: Option<String>,
    },
    /// Recorded by integrations (the Alertmanager receiver).
    Alert {
        alert: String,
        firing: bool,
        detail: Option<String>,
        /// Every label, annotation and link (bounded by
        /// [`super::MAX_ALERT_FACTS_BYTES`]).
        facts: super::AlertFacts,
    },
    /// What the server's automation did or noticed (a reminder, an
    /// escalation), naming the rule that fired.
    Automation {
        rule: String,
        text: String,
    },
    /// The server starts the runbook action of a checklist item (a
    /// commander's request): recorded before anything runs.
    StartRunbookAction(super::runbook_action::ActionStart),
    /// How a runbook action ended, recorded as the commander who started it.
    FinishRunbookAction(Box<super::runbook_action::ActionEnd>),
    /// The state document: tasks, hypotheses, decisions, command, CAN.
    Task(super::state_doc::TaskAction),
    /// The server notes a task's time box as past (its automation).
    TaskOverdue {
        task: u32,
    },
    Hypothesis(super::state_doc::HypothesisAction),
    Decide(super::state_doc::DecideRequest),
    Command(super::state_doc::CommandAction),
    Can(super::state_doc::CanReport),
    /// The impact: customers, scope, components (the comms lead's).
    Impact(super::state_doc::Impact),
    /// On or off the public status page (a commander's switch).
    Publish(super::public::PublishRequest),
    /// The incident's alerts silenced, unsilenced or resolved while
    /// silenced in Alertmanager (the server's sync, or a commander's `z`).
    AlertSilence(super::SilenceChange),
    /// The review after the outage: its owner, its next status; with what
    /// the server knows (the deadline, the untriaged follow-ups).
    Review(super::ReviewAction, super::ReviewFacts),
    /// The curated timeline: an event tagged, pinned or corrected.
    Curate(super::curation::CurateAction),
}

/// How far a client clock may run ahead of the server's before its
/// `written_at` is refused as being in the future.
pub(super) const CLOCK_SKEW: i64 = 120;
/// Words older than this are not "written offline": a week.
const MAX_OFFLINE_DAYS: i64 = 7;

/// The time words were written, when the client says it was earlier than
/// now; `None` when it is (about) now.
fn written_time(action: &Action, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, DomainError> {
    let (Action::Note { written_at, .. } | Action::StakeholderUpdate { written_at, .. }) = action
    else {
        return Ok(None);
    };
    let Some(w) = *written_at else {
        return Ok(None);
    };
    if w > now + chrono::Duration::seconds(CLOCK_SKEW) {
        return Err(DomainError::Invalid(format!(
            "`written_at` ({}) is in the future; check the client's clock",
            w.to_rfc3339()
        )));
    }
    if w < now - chrono::Duration::days(MAX_OFFLINE_DAYS) {
        return Err(DomainError::Invalid(format!(
            "`written_at` is more than {MAX_OFFLINE_DAYS} days ago"
        )));
    }
    Ok((w < now).then_some(w))
}

impl Action {
    /// The review, its reminders and the curated timeline: the only
    /// changes a closed incident takes.
    pub fn goes_on_after_close(&self) -> bool {
        match self {
            Action::Review(..) | Action::Curate(_) => true,
            Action::Automation { rule, .. } => rule.starts_with(REVIEW_OVERDUE_RULE),
            _ => false,
        }
    }
}

/// The automation's rule for a review past what is due (the draft, the
/// meeting): its owner's target and the IC's hear it.
pub const REVIEW_OVERDUE_RULE: &str = "review overdue";

/// Applies `action` to the incident, as `actor`, at `now`. On success the
/// incident's version is bumped and the timeline has the new events; on error
/// nothing was changed.
pub fn apply(
    detail: &mut IncidentDetail,
    action: Action,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    action.permitted(actor)?;
    // A closed incident is a record; its review goes on after it closes
    // (closing does not wait for the review).
    if detail.incident.status == Status::Closed && !action.goes_on_after_close() {
        return Err(DomainError::Conflict(format!(
            "{} is closed: a closed incident is a record and cannot be changed",
            detail.incident.id
        )));
    }
    let written_at = written_time(&action, now)?;
    let journaled = action.clone();
    let events = plan(detail, action, actor, now)?;
    if events.is_empty() {
        return Ok(());
    }
    detail.incident.state_counts = super::StateCounts::of(&detail.state);
    // The timeline may hold only the newest events (or none, when a
    // server appends without reading it): the incident knows the last seq.
    let last = detail
        .incident
        .last_seq
        .max(detail.timeline.last().map_or(0, |e| e.seq));
    for (seq, kind) in (last + 1..).zip(events) {
        detail.timeline.push(TimelineEvent {
            seq,
            at: now,
            author: actor.handle.clone(),
            kind,
            written_at,
        });
        detail.incident.last_seq = seq;
    }
    detail.journal.record(super::replay::JournalEntry {
        first_seq: last + 1,
        last_seq: detail.incident.last_seq,
        at: now,
        handle: actor.handle.clone(),
        role: actor.role,
        action: journaled,
    });
    detail.incident.version += 1;
    detail.incident.updated_at = now;
    Ok(())
}

/// Makes the change and returns the timeline events it records. Validation
/// happens before any mutation so an error leaves `detail` untouched.
fn plan(
    detail: &mut IncidentDetail,
    action: Action,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let inc = &mut detail.incident;
    match action {
        Action::Transition { to, force, reason } => {
            let open = inc
                .status
                .phase()
                .and_then(|p| detail.checklists.iter().find(|c| c.phase == p))
                .map(|c| c.open_items())
                .unwrap_or_default();
            let reason = reason.filter(|r| !r.trim().is_empty());
            if let Some(r) = &reason {
                check_text("reason", r, MAX_TEXT)?;
            }
            let t = check_transition(inc.status, to, &open, force, reason.as_deref())?;
            inc.status = to;
            inc.status_times.insert(to, now);
            if t.forced_past.is_empty() {
                Ok(vec![EventKind::StatusChanged {
                    from: t.from,
                    to: t.to,
                    reason,
                }])
            } else {
                Ok(vec![EventKind::ForcedTransition {
                    from: t.from,
                    to: t.to,
                    reason: reason.unwrap_or_default(),
                    open_items: t.forced_past,
                }])
            }
        }
        Action::Patch(p) => super::patch::patch(detail, p, now),
        Action::Note { text, .. } => {
            check_text("text", &text, MAX_TEXT)?;
            Ok(vec![EventKind::Note { text }])
        }
        Action::StakeholderUpdate {
            text,
            audience,
            stage,
            data_loss,
            ..
        } => {
            use super::cadence::{DATA_LOSS_REQUIRED, MAX_DATA_LOSS, UpdateStage};
            check_text("text", &text, MAX_TEXT)?;
            let stage = stage.unwrap_or_else(|| UpdateStage::of(inc));
            let data_loss = data_loss
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty());
            if let Some(d) = &data_loss {
                check_text("data_loss", d, MAX_DATA_LOSS)?;
            } else if stage == UpdateStage::Resolution {
                return Err(DomainError::Invalid(DATA_LOSS_REQUIRED.into()));
            }
            inc.last_stakeholder_update_at = Some(now);
            inc.updates_sent = inc.updates_sent.saturating_add(1);
            detail.state.record_update(&text, now, &actor.handle);
            Ok(vec![EventKind::StakeholderUpdate {
                text,
                audience,
                stage: Some(stage),
                data_loss,
            }])
        }
        Action::Checklist { phase, item, done } => {
            let list = detail
                .checklists
                .iter_mut()
                .find(|c| c.phase == phase)
                .ok_or_else(|| {
                    DomainError::Invalid(format!("this incident has no {phase} checklist"))
                })?;
            let len = list.items.len();
            let it = list.items.get_mut(item).ok_or_else(|| {
                DomainError::Invalid(format!(
                    "the {phase} checklist has {len} items; there is no item {item}"
                ))
            })?;
            if it.is_done() == done {
                let state = if done { "done" } else { "open" };
                return Err(DomainError::Conflict(format!(
                    "`{}` is already {state}",
                    it.text
                )));
            }
            if done {
                it.done_by = Some(actor.handle.clone());
                it.done_at = Some(now);
            } else {
                it.done_by = None;
                it.done_at = None;
            }
            Ok(vec![EventKind::ChecklistItem {
                phase,
                item: it.text.clone(),
                done,
            }])
        }
        Action::Responder(ra) => responder(detail, ra, now),
        Action::Alert {
            alert,
            firing,
            detail: d,
            facts,
        } => {
            check_text("alert", &alert, MAX_TEXT)?;
            if facts.bytes() > super::MAX_ALERT_FACTS_BYTES {
                return Err(DomainError::Invalid(format!(
                    "an alert's labels, annotations and links hold {} bytes; the limit is {}",
                    facts.bytes(),
                    super::MAX_ALERT_FACTS_BYTES
                )));
            }
            Ok(vec![EventKind::AlertReceived {
                alert,
                firing,
                detail: d,
                suppressed: None,
                facts,
            }])
        }
        Action::Automation { rule, text } => {
            check_text("rule", &rule, MAX_SHORT)?;
            check_text("text", &text, MAX_TEXT)?;
            Ok(vec![EventKind::Automation { rule, text }])
        }
        Action::StartRunbookAction(start) => {
            let (run, name) = (start.run, start.action.clone());
            let ev = super::runbook_action::start(detail, start)?;
            detail
                .state
                .record_run_start(run, &name, &actor.handle, now);
            Ok(ev)
        }
        Action::FinishRunbookAction(end) => {
            let (run, outcome) = (end.run, end.outcome);
            let ev = super::runbook_action::finish(detail, *end, actor, now)?;
            detail.state.record_run_end(run, outcome);
            Ok(ev)
        }
        Action::Task(t) => super::state_doc::task(detail, t, actor, now),
        Action::TaskOverdue { task } => super::state_doc::task_overdue(detail, task, now),
        Action::Hypothesis(h) => super::state_doc::hypothesis(detail, h, actor, now),
        Action::Decide(req) => super::state_doc::decide(detail, req, actor, now),
        Action::Command(c) => super::state_doc::command(detail, c, actor, now),
        Action::Impact(i) => super::state_doc::impact(detail, i, actor, now),
        Action::Publish(req) => super::public::publish(detail, req, now),
        Action::AlertSilence(change) => super::apply_silence(detail, change),
        Action::Review(a, facts) => super::review::apply_review(detail, a, facts, actor, now),
        Action::Curate(c) => super::curation::curate(detail, c, actor, now),
        Action::Can(r) => {
            r.check()?;
            Ok(vec![EventKind::CanReport {
                condition: r.condition,
                actions: r.actions,
                needs: r.needs,
            }])
        }
    }
}
