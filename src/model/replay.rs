//! Replay: the incident as it stood at any event of its timeline, computed
//! by running the changes that made it through the same [`apply`] again
//! (no second implementation of what a change does).
//!
//! Every successful `apply` records a [`JournalEntry`]: the action as
//! applied (with what the server filled in), who, when, and the seqs it
//! wrote. The server keeps these beside the timeline, and a snapshot of
//! the whole state when an incident is created and every
//! [`SNAPSHOT_EVERY`] events. The state at seq N is the newest snapshot at
//! or before N, with the entries after it applied again: at most about
//! `SNAPSHOT_EVERY` applies, however long the incident.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Action, Actor, ActorRole, IncidentDetail, apply};

/// Events between two stored snapshots of an incident's state. A step of
/// replay re-applies at most this many changes (see `benches/replay.rs`).
pub const SNAPSHOT_EVERY: u64 = 500;

/// One change as it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The first and last timeline seq this change wrote.
    pub first_seq: u64,
    pub last_seq: u64,
    pub at: DateTime<Utc>,
    pub handle: String,
    pub role: ActorRole,
    pub action: Action,
}

impl JournalEntry {
    /// What the store indexes to step by phase: a status change or not.
    pub fn kind(&self) -> &'static str {
        match self.action {
            Action::Transition { .. } => "transition",
            _ => "change",
        }
    }
}

/// The changes applied to an in-memory incident since it was loaded.
/// Equality ignores it: two copies of an incident are the same incident
/// whatever path brought them there.
#[derive(Debug, Clone, Default)]
pub struct Journal(Vec<JournalEntry>);

impl PartialEq for Journal {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Journal {}

impl Journal {
    pub fn record(&mut self, e: JournalEntry) {
        self.0.push(e);
    }

    pub fn entries(&self) -> &[JournalEntry] {
        &self.0
    }
}

/// A coarse step of replay: to the next or previous phase change, or a
/// minute on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    NextPhase,
    PrevPhase,
    NextMinute,
    PrevMinute,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NextPhase => "next-phase",
            Self::PrevPhase => "prev-phase",
            Self::NextMinute => "next-minute",
            Self::PrevMinute => "prev-minute",
        }
    }
}

impl std::str::FromStr for Step {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            Self::NextPhase,
            Self::PrevPhase,
            Self::NextMinute,
            Self::PrevMinute,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| {
            format!("unknown step `{s}` (next-phase, prev-phase, next-minute, prev-minute)")
        })
    }
}

/// Where replay should stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayAt {
    /// Just after the event with this seq (and the rest of the change
    /// that wrote it: one change's events happened at one instant).
    Seq(u64),
    /// After the last change at or before this time.
    Time(DateTime<Utc>),
    /// A coarse step from the state at `from`.
    Step { from: u64, step: Step },
}

/// The incident as it stood at one moment: `GET /incidents/{id}/at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayState {
    /// The last event whose change is in the state.
    pub seq: u64,
    /// The first event of that change (one change may write several
    /// events at one instant): a step back goes before it.
    pub first_of_change: u64,
    /// When that event happened.
    pub at: DateTime<Utc>,
    /// The earliest seq replay can show: the end of the write that created
    /// the incident, or, for an incident older than replay, the first state
    /// the server recorded of it.
    pub first_seq: u64,
    /// The incident's newest seq now.
    pub last_seq: u64,
    /// The whole state; its timeline holds the newest page of events up to
    /// `seq`.
    pub detail: IncidentDetail,
}

/// Replay could not rebuild the state: the journal does not lead to the
/// timeline the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError(pub String);

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Applies `entries` in order to `base`, the state at a snapshot. Each
/// change must land exactly where it landed the first time (its
/// `first_seq`..`last_seq`); anything else is reported, never papered
/// over. The returned detail's timeline is empty (the caller reads the
/// stored events, which are the record).
pub fn replay(
    mut state: IncidentDetail,
    entries: impl IntoIterator<Item = JournalEntry>,
) -> Result<IncidentDetail, ReplayError> {
    state.timeline.clear();
    for e in entries {
        if e.first_seq <= state.incident.last_seq {
            // Already in the snapshot.
            continue;
        }
        if e.first_seq != state.incident.last_seq + 1 {
            return Err(ReplayError(format!(
                "the replay journal has no change for seq {} (next recorded: {})",
                state.incident.last_seq + 1,
                e.first_seq
            )));
        }
        let actor = Actor {
            handle: e.handle,
            role: e.role,
        };
        apply(&mut state, e.action, &actor, e.at).map_err(|err| {
            ReplayError(format!(
                "the change that wrote seq {} is refused when applied again: {err}",
                e.first_seq
            ))
        })?;
        if state.incident.last_seq != e.last_seq {
            return Err(ReplayError(format!(
                "the change that wrote seq {}..{} wrote up to {} when applied again",
                e.first_seq, e.last_seq, state.incident.last_seq
            )));
        }
        // Only the state is wanted: nothing grows with the steps.
        state.timeline.clear();
        state.journal = Journal::default();
    }
    Ok(state)
}

#[cfg(test)]
mod tests;
