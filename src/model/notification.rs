//! What a notification carries, as stored with its delivery: the event's
//! subject and the incident as it was when it happened. Plain data, so the
//! store keeps it without knowing how it is sent (`server::notify`).

use serde::{Deserialize, Serialize};

use super::{Severity, Status};

/// The event kinds a target can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Declared,
    SeverityChanged,
    StatusChanged,
    StakeholderUpdate,
    ResponderPaged,
    /// A stakeholder update is overdue (`[automation] reminders`).
    Reminder,
    /// An unacknowledged incident was escalated.
    Escalated,
    /// A task was given to someone (a personal target hears its owner's).
    TaskAssigned,
    /// A task's time box passed (the owner's target and the IC's hear it).
    TaskOverdue,
    /// Command was offered to someone (their target hears it).
    CommandOffered,
    /// A review's draft or meeting is overdue (the owner's target and the
    /// IC's hear it).
    ReviewOverdue,
    /// A readiness check (`warroom notify test`): sent to a target when a
    /// commander asks, whatever it subscribes to; no incident.
    Test,
}

/// What a delivery carries, stored with it: the event and the incident as
/// they were when it happened.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    pub subject: Subject,
    pub incident: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub service: String,
    pub commander: Option<String>,
    /// The event in words, as the timeline says it.
    pub text: String,
    pub seq: u64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    /// Who was paged, for a `responder_paged` delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paged: Option<String>,
    /// A stakeholder update's audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<super::wire::Audience>,
}
