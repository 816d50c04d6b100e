//! The live incident state document (Google SRE book, ch. 14): what the
//! commander coordinates beside the timeline — tasks given to a named
//! person with a time box, hypotheses open, confirmed or ruled out,
//! decisions and why, the offer of command in flight, and what the brief
//! needs to say without reading the whole timeline (the last stakeholder
//! update, the runbook runs).
//!
//! It is part of the incident (stored with it, versioned with it, in the
//! change feed like any write); every change also goes on the timeline as
//! an event, so the postmortem and replay read it from there.

mod command;
mod decisions;
mod hypotheses;
mod impact;
mod tasks;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use command::{CommandAction, CommandChange, HandoffOffer};
pub use decisions::{DecideRequest, Decision};
pub use hypotheses::{Hypothesis, HypothesisAction, HypothesisStatus};
pub use impact::{Component, Condition, Impact, MAX_COMPONENTS};
pub use tasks::{
    MAX_TIME_BOX_HOURS, Task, TaskAction, TaskChange, TaskStatus, TimeBox, resolve_due,
    span_seconds,
};

pub(super) use command::command;
pub(super) use decisions::decide;
pub(super) use hypotheses::hypothesis;
pub(super) use impact::impact;
pub(super) use tasks::{task, task_overdue};

/// Tasks on one incident, at most (done and dropped ones count: they are
/// the record). PagerDuty's IC keeps a handful open; 200 is a long night.
pub const MAX_TASKS: usize = 200;
/// Hypotheses on one incident, at most.
pub const MAX_HYPOTHESES: usize = 100;
/// Decisions on one incident, at most.
pub const MAX_DECISIONS: usize = 100;
/// Timeline entries linked to one hypothesis as evidence, at most.
pub const MAX_EVIDENCE: usize = 20;
/// Runbook runs the state keeps for the brief (the newest).
pub const MAX_RUNS: usize = 20;
/// Characters of a task's title, a hypothesis, a decision.
pub const MAX_ITEM: usize = 500;
/// Characters of a result, a reason, a decision's why, a CAN field.
pub const MAX_WHY: usize = 2_000;

/// The state document of one incident. Stored bytes are bounded by the
/// counts and text limits above: at most about 2.5 MB in the worst case
/// of every field full of four-byte characters, typically a few KiB.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentState {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hypotheses: Vec<Hypothesis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// Command offered and not yet accepted, declined or withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<HandoffOffer>,
    /// The last stakeholder update as sent: the brief quotes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<UpdateRecord>,
    /// The newest runbook runs (at most [`MAX_RUNS`]), for the brief.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<RunRecord>,
    /// Every change of command (at most [`MAX_HANDOFFS`], the newest), for
    /// the postmortem whatever the timeline's length.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handoffs: Vec<HandoffRecord>,
    /// The impact as the communications lead keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// The curated timeline: tags, pins and corrections by event seq (at
    /// most [`super::curation::MAX_CURATED`] events).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub curation: super::curation::Curation,
}

/// Changes of command the state keeps, at most.
pub const MAX_HANDOFFS: usize = 50;

/// A change of command: accepted after an offer, or taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub at: DateTime<Utc>,
    pub brief_version: u64,
    /// Taken without an offer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub taken: bool,
}

/// A stakeholder update as the state keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRecord {
    pub text: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A runbook run as the brief shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub run: u64,
    pub action: String,
    pub by: String,
    pub started_at: DateTime<Utc>,
    /// How it ended; none while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<super::ActionOutcome>,
}

/// A CAN report (PagerDuty's IC training): an SME's status in three parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanReport {
    /// What the SME sees now.
    pub condition: String,
    /// What they are doing or did.
    #[serde(default)]
    pub actions: String,
    /// What they need (people, access, a decision).
    #[serde(default)]
    pub needs: String,
}

impl CanReport {
    pub(super) fn check(&self) -> Result<(), super::DomainError> {
        super::validate::check_text("condition", &self.condition, MAX_WHY)?;
        super::validate::check_optional_text("actions", &self.actions, MAX_WHY)?;
        super::validate::check_optional_text("needs", &self.needs, MAX_WHY)
    }

    /// The report on one line, for the timeline and notifications.
    pub fn describe(&self) -> String {
        let mut s = format!("CAN: condition: {}", self.condition);
        if !self.actions.is_empty() {
            s.push_str(&format!("; actions: {}", self.actions));
        }
        if !self.needs.is_empty() {
            s.push_str(&format!("; needs: {}", self.needs));
        }
        s
    }
}

impl IncidentState {
    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.status == TaskStatus::Open)
    }

    pub fn open_hypotheses(&self) -> impl Iterator<Item = &Hypothesis> {
        self.hypotheses
            .iter()
            .filter(|h| h.status == HypothesisStatus::Open)
    }

    /// Open tasks past their time box at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Task> {
        self.open_tasks().filter(move |t| t.is_overdue(now))
    }

    /// Decisions still standing (not superseded), newest first.
    pub fn standing_decisions(&self) -> impl Iterator<Item = &Decision> {
        self.decisions
            .iter()
            .rev()
            .filter(|d| d.superseded_by.is_none())
    }

    /// The soonest time box of an open task.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.open_tasks().filter_map(|t| t.due_at).min()
    }

    pub(super) fn record_handoff(&mut self, h: HandoffRecord) {
        self.handoffs.push(h);
        if self.handoffs.len() > MAX_HANDOFFS {
            self.handoffs.remove(0);
        }
    }

    pub(super) fn record_update(&mut self, text: &str, at: DateTime<Utc>, by: &str) {
        self.last_update = Some(UpdateRecord {
            text: text.to_string(),
            at,
            by: by.to_string(),
        });
    }

    pub(super) fn record_run_start(&mut self, run: u64, action: &str, by: &str, at: DateTime<Utc>) {
        self.runs.push(RunRecord {
            run,
            action: action.to_string(),
            by: by.to_string(),
            started_at: at,
            outcome: None,
        });
        if self.runs.len() > MAX_RUNS {
            let extra = self.runs.len() - MAX_RUNS;
            self.runs.drain(..extra);
        }
    }

    pub(super) fn record_run_end(&mut self, run: u64, outcome: super::ActionOutcome) {
        if let Some(r) = self.runs.iter_mut().find(|r| r.run == run) {
            r.outcome = Some(outcome);
        }
    }
}

/// What the list entry carries of the state, so the wallboard and the
/// server's automation see it without reading the whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCounts {
    pub open_tasks: u32,
    pub open_hypotheses: u32,
    /// Open tasks whose time box the server has already noted as past.
    pub overdue_tasks: u32,
    /// The soonest time box among open tasks not yet noted overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<DateTime<Utc>>,
    /// Command offered to this person and not answered yet: their console
    /// learns it from the list, whichever incident they are looking at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_to: Option<String>,
}

impl StateCounts {
    pub fn of(s: &IncidentState) -> StateCounts {
        let open = || s.open_tasks();
        StateCounts {
            open_tasks: open().count() as u32,
            open_hypotheses: s.open_hypotheses().count() as u32,
            overdue_tasks: open().filter(|t| t.overdue_noted).count() as u32,
            next_due: open()
                .filter(|t| !t.overdue_noted)
                .filter_map(|t| t.due_at)
                .min(),
            offered_to: s.handoff.as_ref().map(|o| o.to.clone()),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == StateCounts::default()
    }

    /// Overdue tasks at `now`: those the server noted, and at least one
    /// more when the soonest time box has passed since.
    pub fn overdue_at(&self, now: DateTime<Utc>) -> u32 {
        self.overdue_tasks + u32::from(self.next_due.is_some_and(|d| d < now))
    }
}

/// The people reporting to the commander: everyone with an active role
/// (paged, acknowledged or joined, not the IC) or an open task. PagerDuty's
/// IC training keeps this at 7–8 at most (see `Policy::span_of_control`).
pub fn span_of_control(d: &super::IncidentDetail) -> Vec<String> {
    use super::{ResponderState, Role};
    let ic = d.incident.commander.as_deref();
    let mut people: Vec<String> = d
        .responders
        .iter()
        .filter(|r| {
            r.role != Role::IncidentCommander
                && !matches!(r.state, ResponderState::Left | ResponderState::Released)
        })
        .map(|r| r.handle.clone())
        .chain(d.state.open_tasks().filter_map(|t| t.owner.clone()))
        .filter(|h| Some(h.as_str()) != ic)
        .collect();
    people.sort();
    people.dedup();
    people
}

/// A number an item is found by (`#3`, or `3`).
pub fn parse_item(s: &str) -> Result<u32, String> {
    let t = s.trim().trim_start_matches('#');
    t.parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{}` is not an item number (like 3 or #3)", s.trim()))
}

fn next_id<T>(items: &[T], id: impl Fn(&T) -> u32) -> u32 {
    items.iter().map(id).max().unwrap_or(0) + 1
}

#[cfg(test)]
mod tests;
