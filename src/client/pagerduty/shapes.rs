//! PagerDuty's answers as it publishes them, and their translation into
//! warroom's incidents and timelines (pure: no IO here).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::{
    EventKind, Incident, IncidentDetail, IncidentId, ResponderState, Role, Severity, Status,
    TimelineEvent,
};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reference {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PdIncident {
    pub id: String,
    pub incident_number: u64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub urgency: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_status_change_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub service: Option<Reference>,
    #[serde(default)]
    pub priority: Option<Reference>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub assignments: Vec<Assignment>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub acknowledgements: Vec<Acknowledgement>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assignment {
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub assignee: Option<Reference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Acknowledgement {
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub acknowledger: Option<Reference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogEntry {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub summary: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub agent: Option<Reference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Note {
    #[serde(default)]
    pub content: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub user: Option<Reference>,
}

fn nullable_vec<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
pub(super) struct Page {
    /// Decoded one by one: one incident of a shape we cannot read is
    /// counted and left out, never the whole list.
    #[serde(default)]
    pub(super) incidents: Vec<serde_json::Value>,
    #[serde(default)]
    pub(super) more: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct One {
    pub(super) incident: PdIncident,
}

#[derive(Deserialize)]
pub(super) struct LogEntries {
    #[serde(default)]
    pub(super) log_entries: Vec<LogEntry>,
}

#[derive(Deserialize)]
pub(super) struct Notes {
    #[serde(default)]
    pub(super) notes: Vec<Note>,
}

// What PagerDuty says is cleaned as it is decoded, field by field.
crate::sanitize_fields!(Reference {
    id: line,
    summary: line,
});
crate::sanitize_fields!(PdIncident {
    id: line,
    incident_number: none,
    title: line,
    summary: line,
    description: text,
    status: line,
    urgency: line,
    created_at: none,
    updated_at: none,
    last_status_change_at: none,
    service: text,
    priority: text,
    assignments: text,
    acknowledgements: text,
});
crate::sanitize_fields!(Assignment {
    at: none,
    assignee: text,
});
crate::sanitize_fields!(Acknowledgement {
    at: none,
    acknowledger: text,
});
crate::sanitize_fields!(LogEntry {
    kind: line,
    summary: text,
    created_at: none,
    agent: text,
});
crate::sanitize_fields!(Note {
    content: text,
    created_at: none,
    user: text,
});
crate::sanitize_fields!(Page {
    incidents: text,
    more: none,
});
crate::sanitize_fields!(One { incident: text });
crate::sanitize_fields!(LogEntries { log_entries: text });
crate::sanitize_fields!(Notes { notes: text });

pub fn severity_of(i: &PdIncident) -> Severity {
    let p = i
        .priority
        .as_ref()
        .and_then(|p| p.summary.as_deref())
        .map(|s| s.trim().to_ascii_uppercase());
    match p.as_deref() {
        Some("P1") => Severity::Sev1,
        Some("P2") => Severity::Sev2,
        Some("P3") => Severity::Sev3,
        Some("P4") => Severity::Sev4,
        Some("P5") => Severity::Sev5,
        _ => match i.urgency.as_deref() {
            Some("high") => Severity::Sev2,
            Some("low") => Severity::Sev4,
            _ => Severity::Sev3,
        },
    }
}

pub fn status_of(i: &PdIncident) -> Status {
    match i.status.as_deref() {
        Some("acknowledged") => Status::Acknowledged,
        Some("resolved") => Status::Resolved,
        _ => Status::Triggered,
    }
}

pub fn to_incident(i: &PdIncident) -> Incident {
    let status = status_of(i);
    let mut status_times: std::collections::BTreeMap<Status, DateTime<Utc>> =
        [(Status::Triggered, i.created_at)].into_iter().collect();
    if status != Status::Triggered {
        status_times.insert(status, i.last_status_change_at.unwrap_or(i.created_at));
    }
    Incident {
        id: IncidentId(i.incident_number),
        title: i
            .title
            .clone()
            .or_else(|| i.summary.clone())
            .unwrap_or_else(|| format!("PagerDuty incident {}", i.id)),
        summary: i.description.clone().unwrap_or_default(),
        service: i
            .service
            .as_ref()
            .and_then(|s| s.summary.clone())
            .unwrap_or_else(|| "unknown".into()),
        severity: severity_of(i),
        status,
        commander: i
            .assignments
            .first()
            .and_then(|a| a.assignee.as_ref())
            .and_then(|r| r.summary.clone()),
        tags: vec![format!("pagerduty:{}", i.id)],
        declared_at: i.created_at,
        updated_at: i.updated_at.unwrap_or(i.created_at),
        status_times,
        last_stakeholder_update_at: None,
        version: 1,
        last_seq: 0,
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
    }
}

fn who(r: &Option<Reference>) -> String {
    r.as_ref()
        .and_then(|r| r.summary.clone().or_else(|| r.id.clone()))
        .unwrap_or_else(|| "pagerduty".into())
}

/// Log entries and notes as one timeline, oldest first.
pub fn to_detail(i: &PdIncident, logs: &[LogEntry], notes: &[Note]) -> IncidentDetail {
    let mut events: Vec<(DateTime<Utc>, String, EventKind)> = Vec::new();
    for l in logs {
        let text = l.summary.clone().unwrap_or_else(|| l.kind.clone());
        let kind = match l.kind.as_str() {
            "trigger_log_entry" | "trigger_log_entry_reference" => EventKind::AlertReceived {
                alert: text,
                firing: true,
                detail: None,
                suppressed: None,
                facts: Default::default(),
            },
            "acknowledge_log_entry" => EventKind::StatusChanged {
                from: Status::Triggered,
                to: Status::Acknowledged,
                reason: None,
            },
            "resolve_log_entry" => EventKind::StatusChanged {
                from: Status::Acknowledged,
                to: Status::Resolved,
                reason: None,
            },
            // Notes come with their full text from the notes endpoint.
            "annotate_log_entry" => continue,
            other => EventKind::Note {
                text: format!("[{}] {text}", other.trim_end_matches("_log_entry")),
            },
        };
        events.push((l.created_at, who(&l.agent), kind));
    }
    for n in notes {
        events.push((
            n.created_at,
            who(&n.user),
            EventKind::Note {
                text: n.content.clone(),
            },
        ));
    }
    events.sort_by_key(|(at, _, _)| *at);
    let timeline = events
        .into_iter()
        .enumerate()
        .map(|(n, (at, author, kind))| TimelineEvent {
            written_at: None,
            seq: n as u64 + 1,
            at,
            author,
            kind,
        })
        .collect();
    let mut responders: Vec<crate::model::Responder> = Vec::new();
    for a in &i.assignments {
        let name = who(&a.assignee);
        responders.push(crate::model::Responder {
            handle: a
                .assignee
                .as_ref()
                .and_then(|r| r.id.clone())
                .unwrap_or_else(|| name.clone()),
            name,
            role: if responders.is_empty() {
                Role::IncidentCommander
            } else {
                Role::SubjectMatterExpert
            },
            state: ResponderState::Paged,
            since: a.at.unwrap_or(i.created_at),
        });
    }
    for ack in &i.acknowledgements {
        let name = who(&ack.acknowledger);
        let handle = ack
            .acknowledger
            .as_ref()
            .and_then(|r| r.id.clone())
            .unwrap_or_else(|| name.clone());
        match responders.iter_mut().find(|r| r.handle == handle) {
            Some(r) => {
                r.state = ResponderState::Acknowledged;
                r.since = ack.at.unwrap_or(r.since);
            }
            None => responders.push(crate::model::Responder {
                handle,
                name,
                role: Role::SubjectMatterExpert,
                state: ResponderState::Acknowledged,
                since: ack.at.unwrap_or(i.created_at),
            }),
        }
    }
    IncidentDetail {
        incident: to_incident(i),
        timeline,
        responders,
        checklists: Vec::new(),
        state: Default::default(),
        linked: Vec::new(),
        journal: Default::default(),
    }
}
