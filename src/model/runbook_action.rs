//! Runbook actions as the domain and the wire see them: how a run ended,
//! and the shapes of the preview, the start and the live output. What runs
//! (programs, HTTP requests) is the server's business (`server/actions/`);
//! the model only records that it ran, and refuses what the item does not
//! allow.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validate::{MAX_TEXT, check_text};
use super::{Actor, ChecklistItem, DomainError, EventKind, IncidentDetail, IncidentId, Phase};

/// Output lines a run keeps in memory while it runs (the oldest go first).
pub const MAX_RUN_LINES: usize = 500;
/// Characters kept of one output line; the rest is cut and marked.
pub const MAX_LINE_CHARS: usize = 500;
/// Characters of output's end written to the timeline when a run ends.
pub const MAX_TAIL_CHARS: usize = 4_000;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionOutcome {
    /// Exit status 0, or an HTTP 2xx.
    Succeeded,
    /// Another exit status, a signal, or an HTTP status that is not 2xx.
    Failed,
    /// Killed (its whole process group) when the timeout ran out.
    TimedOut,
    /// Could not be started or reached at all.
    Error,
    /// Its server shut down or died while it ran: the program was killed
    /// (when its server's host could reach it) and the end written by the
    /// server that found it.
    Interrupted,
}

impl ActionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::TimedOut => "timed out",
            Self::Error => "could not run",
            Self::Interrupted => "interrupted",
        }
    }
}

impl std::fmt::Display for ActionOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /incidents/{id}/actions`: run the action of this checklist item.
/// `confirm` is the `digest` of the preview the IC confirmed: when what
/// would run has changed since (the service was edited, the config
/// reloaded), the server refuses rather than run something else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunActionRequest {
    pub phase: Phase,
    pub item: usize,
    pub confirm: String,
}

/// `GET /incidents/{id}/actions/preview?phase=&item=`: exactly what would
/// run, before anything does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPreview {
    pub action: String,
    /// `program` or `http`.
    pub kind: String,
    /// The item's text.
    pub item: String,
    /// What runs, one line: the program and its arguments quoted as a
    /// shell would need them (it is never run through a shell), or the
    /// HTTP method and URL.
    pub command: String,
    /// More to know: the environment passed on (names only), headers
    /// (names only, their values are secrets), the body.
    #[serde(default)]
    pub details: Vec<String>,
    pub timeout_seconds: u64,
    /// A success ticks the checklist item.
    pub ticks_item: bool,
    pub digest: String,
    /// A run of this action on this incident that has not ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<u64>,
}

/// The answer to a started run (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStarted {
    pub run: u64,
    pub incident: IncidentId,
    pub action: String,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    Ended(ActionOutcome),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputLine {
    /// Position in the run's output, from 1.
    pub n: u64,
    pub stream: Stream,
    pub text: String,
}

/// `GET /incidents/{id}/actions/runs/{run}?after=N&wait=S`: the run and
/// its output lines after `after`, waiting up to `wait` seconds for more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOutput {
    pub run: u64,
    pub incident: IncidentId,
    pub action: String,
    pub command: String,
    pub by: String,
    pub started_at: DateTime<Utc>,
    pub state: RunState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// So far while it runs; in all once it ended.
    pub duration_ms: u64,
    pub lines: Vec<OutputLine>,
    /// Lines that were dropped from memory before anyone read them.
    pub dropped: u64,
    /// The `after` to ask with next.
    pub next: u64,
}

impl RunOutput {
    pub fn ended(&self) -> bool {
        matches!(self.state, RunState::Ended(_))
    }
}

/// What the server is about to run (see [`crate::model::Action::StartRunbookAction`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionStart {
    pub phase: Phase,
    pub item: usize,
    pub action: String,
    pub command: String,
    pub run: u64,
}

/// How a run ended (see [`crate::model::Action::FinishRunbookAction`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionEnd {
    pub phase: Phase,
    pub item: usize,
    pub action: String,
    pub outcome: ActionOutcome,
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    pub output: String,
    pub run: u64,
    /// A success ticks the item (when it is not ticked already).
    pub tick: bool,
}

/// The item `phase`/`item` of the incident, which must carry `action`.
fn item_with_action<'a>(
    detail: &'a mut IncidentDetail,
    phase: Phase,
    item: usize,
    action: &str,
) -> Result<&'a mut ChecklistItem, DomainError> {
    let list = detail
        .checklists
        .iter_mut()
        .find(|c| c.phase == phase)
        .ok_or_else(|| DomainError::Invalid(format!("this incident has no {phase} checklist")))?;
    let len = list.items.len();
    let it = list.items.get_mut(item).ok_or_else(|| {
        DomainError::Invalid(format!(
            "the {phase} checklist has {len} items; there is no item {item}"
        ))
    })?;
    match it.action.as_deref() {
        Some(a) if a == action => Ok(it),
        Some(a) => Err(DomainError::Conflict(format!(
            "`{}` runs the action `{a}`, not `{action}`",
            it.text
        ))),
        None => Err(DomainError::Invalid(format!(
            "`{}` has no action to run",
            it.text
        ))),
    }
}

pub(super) fn start(
    detail: &mut IncidentDetail,
    s: ActionStart,
) -> Result<Vec<EventKind>, DomainError> {
    check_text("command", &s.command, MAX_TEXT)?;
    let it = item_with_action(detail, s.phase, s.item, &s.action)?;
    Ok(vec![EventKind::ActionStarted {
        action: s.action,
        phase: s.phase,
        item: it.text.clone(),
        command: s.command,
        run: s.run,
    }])
}

pub(super) fn finish(
    detail: &mut IncidentDetail,
    e: ActionEnd,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let output: String = {
        let n = e.output.chars().count();
        e.output
            .chars()
            .skip(n.saturating_sub(MAX_TAIL_CHARS))
            .collect()
    };
    let it = item_with_action(detail, e.phase, e.item, &e.action)?;
    let mut events = vec![EventKind::ActionFinished {
        action: e.action,
        phase: e.phase,
        item: it.text.clone(),
        outcome: e.outcome,
        exit_code: e.exit_code,
        duration_ms: e.duration_ms,
        output,
        run: e.run,
    }];
    if e.tick && e.outcome == ActionOutcome::Succeeded && !it.is_done() {
        it.done_by = Some(actor.handle.clone());
        it.done_at = Some(now);
        events.push(EventKind::ChecklistItem {
            phase: e.phase,
            item: it.text.clone(),
            done: true,
        });
    }
    Ok(events)
}
