//! How the live state document and the brief are cleaned: titles, handles
//! and names to one line, results and reasons keep their lines.

use crate::model::brief::{Brief, BriefPerson, BriefTask};
use crate::model::state_doc::{
    Component, Decision, HandoffOffer, HandoffRecord, Hypothesis, Impact, RunRecord, Task,
    UpdateRecord,
};
use crate::model::{IncidentState, StateCounts};
use crate::sanitize_fields;

sanitize_fields!(IncidentState {
    tasks: text,
    hypotheses: text,
    decisions: text,
    handoff: text,
    last_update: text,
    runs: text,
    handoffs: text,
    impact: text,
    curation: text,
});

/// The curated timeline: tags to one line, corrected words keep their lines.
impl crate::client::sanitize::Sanitize for crate::model::curation::Curation {
    fn sanitize(&mut self) {
        for c in self.values_mut() {
            c.sanitize();
        }
    }
}

sanitize_fields!(crate::model::curation::EventCuration {
    tags: text,
    pinned: none,
    corrections: text,
});

sanitize_fields!(crate::model::curation::Correction {
    at: none,
    text: text,
    why: text,
    by: line,
    when: none,
});

sanitize_fields!(Impact {
    customers_affected: none,
    scope: text,
    components: text,
});

sanitize_fields!(Component {
    name: line,
    condition: none,
});

sanitize_fields!(StateCounts {
    open_tasks: none,
    open_hypotheses: none,
    overdue_tasks: none,
    next_due: none,
    offered_to: line,
});

sanitize_fields!(Task {
    id: none,
    title: line,
    owner: line,
    due_at: none,
    assigned_by: line,
    assigned_at: none,
    status: none,
    result: text,
    closed_by: line,
    closed_at: none,
    overdue_noted: none,
});

sanitize_fields!(Hypothesis {
    id: none,
    text: text,
    status: none,
    by: line,
    at: none,
    evidence: none,
    decided_by: line,
    decided_at: none,
    why: text,
});

sanitize_fields!(Decision {
    id: none,
    text: text,
    why: text,
    by: line,
    at: none,
    objections_asked: none,
    supersedes: none,
    superseded_by: none,
});

sanitize_fields!(HandoffOffer {
    to: line,
    by: line,
    at: none,
    brief_version: none,
});

sanitize_fields!(HandoffRecord {
    from: line,
    to: line,
    at: none,
    brief_version: none,
    taken: none,
});

sanitize_fields!(UpdateRecord {
    text: text,
    at: none,
    by: line,
});

sanitize_fields!(RunRecord {
    run: none,
    action: line,
    by: line,
    started_at: none,
    outcome: none,
});

sanitize_fields!(Brief {
    incident: none,
    version: none,
    generated_at: none,
    title: line,
    service: line,
    severity: none,
    status: none,
    status_since: none,
    in_status_seconds: none,
    summary: text,
    impact_started_at: none,
    commander: line,
    roles: text,
    span_of_control: none,
    span_limit: none,
    hypotheses_confirmed: text,
    hypotheses_open: text,
    hypotheses_ruled_out: text,
    tasks_open: text,
    tasks_proposed: text,
    tasks_done: none,
    tasks_dropped: none,
    decisions: text,
    decisions_superseded: none,
    last_update: text,
    next_update_due: none,
    next_update_stage: none,
    silences: line,
    runbook_runs: text,
    handoff_offered: text,
    impact: text,
});

sanitize_fields!(BriefPerson {
    handle: line,
    role: none,
    state: none,
});

sanitize_fields!(BriefTask {
    task: text,
    seconds_left: none,
});
