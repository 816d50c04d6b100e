//! The brief: the incident as the next commander (or a stakeholder joining
//! late) needs it, generated from the record and never typed. It follows a
//! published IC handoff practice: technical status, open and eliminated
//! hypotheses, the last customer update and when the next is due, who
//! holds which role, what is being done and what was decided.
//!
//! Pure: the server, the CLI and the console (for any backend) build it
//! with the same function from an incident's detail, so it is the same
//! everywhere. Bounded by the state document's limits, never by the
//! timeline's length: it reads no event but the newest alert states the
//! detail carries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::state_doc::{
    Decision, HandoffOffer, Hypothesis, HypothesisStatus, RunRecord, Task, TaskStatus,
    UpdateRecord, span_of_control,
};
use super::{
    EventKind, IncidentDetail, IncidentId, Policy, ResponderState, Role, Severity, Status,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub incident: IncidentId,
    /// The incident's version the brief was built from: what a handoff
    /// records as read.
    pub version: u64,
    pub generated_at: DateTime<Utc>,
    pub title: String,
    pub service: String,
    pub severity: Severity,
    pub status: Status,
    /// When the incident entered its status, and seconds since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_since: Option<DateTime<Utc>>,
    pub in_status_seconds: i64,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commander: Option<String>,
    /// People on the incident (not gone), commander first.
    pub roles: Vec<BriefPerson>,
    /// People reporting to the IC, and the policy's limit.
    pub span_of_control: usize,
    pub span_limit: u32,
    pub hypotheses_confirmed: Vec<Hypothesis>,
    pub hypotheses_open: Vec<Hypothesis>,
    pub hypotheses_ruled_out: Vec<Hypothesis>,
    /// Open tasks, soonest time box first, with seconds left (negative
    /// when overdue).
    pub tasks_open: Vec<BriefTask>,
    pub tasks_proposed: Vec<Task>,
    pub tasks_done: usize,
    pub tasks_dropped: usize,
    /// Decisions still standing, newest first; superseded ones counted.
    pub decisions: Vec<Decision>,
    pub decisions_superseded: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<UpdateRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_due: Option<DateTime<Utc>>,
    /// Which update that is: initial, scoping, regular, long-incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_stage: Option<super::cadence::Stage>,
    /// Alerts firing but silenced (by whom and why), as the record says.
    pub silences: Vec<String>,
    pub runbook_runs: Vec<RunRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff_offered: Option<HandoffOffer>,
    /// The impact as the communications lead keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<super::state_doc::Impact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefPerson {
    pub handle: String,
    pub role: Role,
    pub state: ResponderState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefTask {
    #[serde(flatten)]
    pub task: Task,
    pub seconds_left: Option<i64>,
}

impl Brief {
    pub fn build(d: &IncidentDetail, policy: &Policy, now: DateTime<Utc>) -> Brief {
        let i = &d.incident;
        let s = &d.state;
        let status_since = i.status_times.get(&i.status).copied();
        let mut roles: Vec<BriefPerson> = d
            .responders
            .iter()
            .filter(|r| !r.state.is_gone())
            .map(|r| BriefPerson {
                handle: r.handle.clone(),
                role: r.role,
                state: r.state,
            })
            .collect();
        roles.sort_by_key(|p| p.role);
        let by_status = |st| {
            s.hypotheses
                .iter()
                .filter(|h| h.status == st)
                .cloned()
                .collect::<Vec<_>>()
        };
        let mut tasks_open: Vec<BriefTask> = s
            .open_tasks()
            .map(|t| BriefTask {
                task: t.clone(),
                seconds_left: t.due_at.map(|d| (d - now).num_seconds()),
            })
            .collect();
        tasks_open.sort_by_key(|t| (t.task.due_at.is_none(), t.task.due_at, t.task.id));
        let count = |st| s.tasks.iter().filter(|t| t.status == st).count();
        Brief {
            incident: i.id,
            version: i.version,
            generated_at: now,
            title: i.title.clone(),
            service: i.service.clone(),
            severity: i.severity,
            status: i.status,
            status_since,
            in_status_seconds: status_since.map_or(0, |t| (now - t).num_seconds().max(0)),
            summary: i.summary.clone(),
            impact_started_at: i.impact_started_at,
            commander: i.commander.clone(),
            roles,
            span_of_control: span_of_control(d).len(),
            span_limit: policy.span_of_control,
            hypotheses_confirmed: by_status(HypothesisStatus::Confirmed),
            hypotheses_open: by_status(HypothesisStatus::Open),
            hypotheses_ruled_out: by_status(HypothesisStatus::RuledOut),
            tasks_open,
            tasks_proposed: s
                .tasks
                .iter()
                .filter(|t| t.status == TaskStatus::Proposed)
                .cloned()
                .collect(),
            tasks_done: count(TaskStatus::Done),
            tasks_dropped: count(TaskStatus::Dropped),
            decisions: s.standing_decisions().cloned().collect(),
            decisions_superseded: s
                .decisions
                .iter()
                .filter(|x| x.superseded_by.is_some())
                .count(),
            last_update: s.last_update.clone(),
            next_update_due: policy.update_due(i, now),
            next_update_stage: policy.next_update(i, now).map(|(s, _)| s),
            silences: silences(d),
            runbook_runs: s.runs.iter().rev().cloned().collect(),
            handoff_offered: s.handoff.clone(),
            impact: s.impact.clone(),
        }
    }

    pub fn over_span(&self) -> bool {
        self.span_of_control > self.span_limit as usize
    }
}

/// Alerts whose newest state in the detail's timeline is firing and
/// suppressed, with why.
fn silences(d: &IncidentDetail) -> Vec<String> {
    let mut newest: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for e in &d.timeline {
        if let EventKind::AlertReceived {
            alert,
            firing,
            suppressed,
            ..
        } = &e.kind
        {
            let why = if *firing { suppressed.as_deref() } else { None };
            newest.insert(alert, why);
        }
    }
    newest
        .into_iter()
        .filter_map(|(a, why)| why.map(|w| format!("{a}: {w}")))
        .collect()
}
