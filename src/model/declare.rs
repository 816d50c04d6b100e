//! Declaring an incident: the one change that creates one rather than
//! applying an [`Action`](super::Action) to it.

use chrono::{DateTime, Utc};

use super::validate::{check_optional_text, check_tags, check_text};
use super::wire::DeclareRequest;
use super::{
    Actor, ActorRole, DomainError, EventKind, IncidentDetail, MAX_SHORT, MAX_TEXT, MAX_TITLE,
    Responder, ResponderState, Role, Status, TimelineEvent,
};

/// The bounds a declaration must keep (see [`check_patch`](super::check_patch)).
pub fn check_declare(req: &DeclareRequest) -> Result<(), DomainError> {
    check_text("title", &req.title, MAX_TITLE)?;
    check_text("service", &req.service, MAX_SHORT)?;
    check_optional_text("summary", &req.summary, MAX_TEXT)?;
    check_tags(&req.tags)
}

/// A new incident from a declare request, with checklists from `runbook`.
pub fn declare(
    id: super::IncidentId,
    req: DeclareRequest,
    actor: &Actor,
    checklists: Vec<super::Checklist>,
    now: DateTime<Utc>,
) -> Result<IncidentDetail, DomainError> {
    let integration = actor.role == ActorRole::Integration;
    super::permissions::may_declare(actor.role)?;
    check_declare(&req)?;
    // A person who declares is the IC until they hand over; an integration
    // opens the incident with nobody in charge, for a person to take.
    let commander = match req.commander.filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(c),
        None if integration => None,
        None => Some(actor.handle.clone()),
    };
    if let Some(c) = &commander {
        check_text("commander", c, MAX_SHORT)?;
    }
    let incident = super::Incident {
        id,
        title: req.title.clone(),
        summary: req.summary,
        service: req.service,
        severity: req.severity,
        status: Status::Triggered,
        commander: commander.clone(),
        tags: req.tags,
        declared_at: now,
        updated_at: now,
        status_times: [(Status::Triggered, now)].into_iter().collect(),
        last_stakeholder_update_at: None,
        version: 1,
        last_seq: 1,
        summary_cut: false,
        impact_started_at: None,
        state_counts: Default::default(),
        public: None,
        drill: None,
        alert_group: None,
        linked: Vec::new(),
        silenced: None,
        review: None,
        updates_sent: 0,
    };
    let responders = commander
        .map(|c| Responder {
            handle: c.clone(),
            name: c,
            role: Role::IncidentCommander,
            state: ResponderState::Joined,
            since: now,
        })
        .into_iter()
        .collect();
    let timeline = vec![TimelineEvent {
        seq: 1,
        at: now,
        author: actor.handle.clone(),
        kind: EventKind::Declared {
            title: req.title,
            severity: req.severity,
        },
        written_at: None,
    }];
    Ok(IncidentDetail {
        incident,
        timeline,
        responders,
        checklists,
        state: Default::default(),
        linked: Vec::new(),
        journal: Default::default(),
    })
}
