//! How each wire type of warroom's model is cleaned: one-line fields
//! (titles, names, handles) lose their line breaks, text fields (notes,
//! summaries, output) keep them; both show escape sequences instead of
//! sending them.

use std::collections::BTreeMap;

use super::{Sanitize, SanitizeLine};
use crate::model::runbook_action::{ActionPreview, OutputLine, RunOutput, RunStarted};
use crate::model::stats::{Load, Slow, Stats};
use crate::model::wire::{
    ChangesResponse, DeliveryInfo, ListResponse, Similar, Suggestion, TimelinePage, WriteAnswer,
};
use crate::model::{
    AlertFacts, Checklist, ChecklistItem, FollowUp, Incident, IncidentDetail, Policy, Responder,
};
use crate::sanitize_fields;
use crate::text::clean_in_place;

sanitize_fields!(Incident {
    id: none,
    title: line,
    summary: text,
    service: line,
    severity: none,
    status: none,
    commander: line,
    tags: line,
    declared_at: none,
    updated_at: none,
    status_times: none,
    last_stakeholder_update_at: none,
    updates_sent: none,
    version: none,
    last_seq: none,
    summary_cut: none,
    impact_started_at: none,
    state_counts: none,
    public: text,
    drill: text,
    alert_group: text,
    linked: none,
    silenced: text,
    review: text,
});

sanitize_fields!(crate::model::Review {
    owner: line,
    status: none,
    due: none,
    draft_due: none,
    steps: text,
});

sanitize_fields!(crate::model::review::ReviewEntry {
    incident: line,
    title: line,
    severity: line,
    review: text,
    next: line,
    next_due: none,
    overdue: none,
});

sanitize_fields!(crate::model::review::ReviewStep {
    status: none,
    by: line,
    at: none,
});

sanitize_fields!(crate::model::SilenceMark {
    ids: line,
    by: line,
    until: none,
    comment: text,
    alerts: none,
});

sanitize_fields!(crate::model::AlertGroupRef {
    receiver: line,
    labels: text,
});

sanitize_fields!(crate::model::drill::DrillStarted {
    incident: none,
    run: line,
    scenario: line,
    title: line,
});

sanitize_fields!(crate::model::drill::DrillMark {
    scenario: line,
    run: line,
    started_at: none,
    speed: none,
});

sanitize_fields!(crate::model::public::PublicFace {
    title: line,
    since: none,
});

sanitize_fields!(crate::model::replay::ReplayState {
    seq: none,
    first_of_change: none,
    at: none,
    first_seq: none,
    last_seq: none,
    detail: text,
});

sanitize_fields!(IncidentDetail {
    incident: text,
    timeline: text,
    responders: text,
    checklists: text,
    state: text,
    linked: text,
    journal: none,
});

sanitize_fields!(Responder {
    handle: line,
    name: line,
    role: none,
    state: none,
    since: none,
});

sanitize_fields!(Checklist {
    phase: none,
    items: text,
});

sanitize_fields!(ChecklistItem {
    text: line,
    done_by: line,
    done_at: none,
    action: line,
});

sanitize_fields!(FollowUp {
    id: none,
    incident: none,
    title: line,
    owner: line,
    due: none,
    priority: none,
    status: none,
    link: line,
    created_by: line,
    created_at: none,
    updated_at: none,
});

sanitize_fields!(WriteAnswer {
    incident: text,
    events: text,
    responders: text,
    checklists: text,
});

sanitize_fields!(ListResponse {
    unreadable: none,
    sources: none,
    revision: none,
    incidents: text,
    next_cursor: line,
    counts: none,
    total: none,
});

sanitize_fields!(ChangesResponse {
    revision: none,
    changed: none,
});

sanitize_fields!(TimelinePage {
    incident: none,
    last_seq: none,
    events: text,
});

sanitize_fields!(Similar {
    incident: text,
    score: none,
    resolved_in_seconds: none,
    last_notes: text,
});

sanitize_fields!(crate::model::wire::NotifyTestResponse { results: text });

sanitize_fields!(crate::model::wire::NotifyTestResult {
    target: line,
    kind: line,
    people: line,
    delivered: none,
    latency_ms: none,
    error: line,
    preview: text,
});

sanitize_fields!(DeliveryInfo {
    id: none,
    target: line,
    subject: line,
    status: line,
    attempts: none,
    last_error: line,
    created_at: line,
    delivered_at: line,
    next_at: line,
});

sanitize_fields!(Suggestion {
    rule: line,
    severity: none,
    service: line,
    runbook: line,
    tags: line,
    page: line,
});

sanitize_fields!(ActionPreview {
    action: line,
    kind: line,
    item: line,
    command: line,
    details: line,
    timeout_seconds: none,
    ticks_item: none,
    digest: line,
    running: none,
});

sanitize_fields!(RunStarted {
    run: none,
    incident: none,
    action: line,
});

sanitize_fields!(OutputLine {
    n: none,
    stream: none,
    text: text,
});

sanitize_fields!(RunOutput {
    run: none,
    incident: none,
    action: line,
    command: line,
    by: line,
    started_at: none,
    state: none,
    exit_code: none,
    duration_ms: none,
    lines: text,
    dropped: none,
    next: none,
});

sanitize_fields!(Policy {
    update_cadence_minutes: none,
    update_stages: none,
    span_of_control: none,
    update_templates: text,
    acknowledge_minutes: none,
    review_deadlines: none,
    review_draft_hours: none,
    review_utc_offset: line,
    timeline_tags: text,
    change_tags: text,
    pages_per_shift: none,
    shift_hours: none,
});

/// A policy's update templates: text with line breaks.
impl Sanitize for std::collections::BTreeMap<crate::model::cadence::UpdateStage, String> {
    fn sanitize(&mut self) {
        self.values_mut().for_each(|t| clean_in_place(t, true));
    }
}

sanitize_fields!(Slow {
    id: none,
    title: line,
    severity: none,
    resolve_seconds: none,
});

sanitize_fields!(Load {
    handle: line,
    incident_hours: none,
    pages: none,
    pages_off_hours: none,
});

/// An alert's labels and links on one line each; its annotations (a
/// description) keep their lines.
impl Sanitize for AlertFacts {
    fn sanitize(&mut self) {
        let AlertFacts {
            labels,
            annotations,
            links,
        } = self;
        labels.sanitize();
        links.sanitize();
        *annotations = std::mem::take(annotations)
            .into_iter()
            .map(|(mut k, mut v)| {
                k.sanitize_line();
                v.sanitize();
                (k, v)
            })
            .collect();
    }
}

/// Every name in the metrics came from somebody's input.
impl Sanitize for Stats {
    fn sanitize(&mut self) {
        let Stats {
            since: _,
            until: _,
            overall: _,
            by_severity: _,
            by_service,
            slowest,
            forced_by_phase: _,
            skipped_by_phase: _,
            most_skipped,
            load,
            top_services,
            top_alerts,
            per_day: _,
            drills_left_out: _,
            change_recovery: _,
            change_failures: _,
            shifts,
            repeat_alerts,
            definitions,
        } = self;
        shifts.worst.truncate(10);
        for w in &mut shifts.worst {
            w.handle.sanitize_line();
        }
        repeat_alerts.truncate(10);
        for a in repeat_alerts.iter_mut() {
            a.alert.sanitize_line();
        }
        for d in definitions.iter_mut() {
            let crate::model::stats_definitions::Definition {
                figure,
                from,
                to,
                means,
            } = d;
            for s in [figure, from, to, means] {
                s.sanitize_line();
            }
        }
        slowest.sanitize();
        load.sanitize();
        for x in most_skipped {
            x.1.sanitize_line();
        }
        for x in top_services.iter_mut().chain(top_alerts.iter_mut()) {
            x.0.sanitize_line();
        }
        *by_service = std::mem::take(by_service)
            .into_iter()
            .map(|(mut k, v)| {
                k.sanitize_line();
                (k, v)
            })
            .collect::<BTreeMap<_, _>>();
    }
}
