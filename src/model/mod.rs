//! The incident domain: pure data and rules, no IO.
//!
//! These serde types are also the wire types of the HTTP API, so the server and
//! every client share one definition and cannot drift apart.

mod action;
mod alert_silence;
pub mod brief;
pub mod cadence;
mod checklist;
pub mod curation;
mod declare;
pub mod drill;
mod error;
mod followup;
mod incident;
mod incident_id;
mod lifecycle;
mod milestones;
pub mod notification;
mod patch;
mod permissions;
mod policy;
pub mod public;
pub mod replay;
mod responder;
pub mod review;
mod roster;
mod runbook;
pub mod runbook_action;
mod severity;
pub mod state_doc;
pub mod stats;
pub mod stats_definitions;
mod timeline;
mod validate;
pub mod wire;

pub use action::{
    Action, Actor, ActorRole, DomainError, MAX_RESPONDERS, MAX_SHORT, MAX_TAG, MAX_TAGS, MAX_TEXT,
    MAX_TITLE, REVIEW_OVERDUE_RULE, ResponderAction, apply,
};
pub use alert_silence::{SilenceChange, SilenceMark, apply_silence};
pub use checklist::{Checklist, ChecklistItem, Phase};
pub use declare::{check_declare, declare};
pub use followup::{
    FollowUp, FollowUpPatch, FollowUpStatus, MAX_FOLLOWUPS, MAX_LINK, NewFollowUp, Priority,
};
pub use incident::{
    AlertGroupRef, Incident, IncidentDetail, IncidentId, MAX_SOURCES, ParseIdError, register_source,
};
pub use lifecycle::{Status, Transition, TransitionError, check_transition};
pub use milestones::{Durations, Milestones};
pub use patch::check_patch;
pub use permissions::{WITHHELD, may_declare, redact_for_role};
pub use policy::{MAX_CADENCE_MINUTES, PhaseSpan, Policy, parse_utc_offset, phase_spans};
pub use responder::{Responder, ResponderState, Role};
pub use review::{Review, ReviewAction, ReviewFacts, ReviewStatus};
pub use runbook::{ActionItem, Runbook, RunbookError, RunbookItem, RunbookSet};
pub use runbook_action::ActionOutcome;
pub use severity::Severity;
pub use state_doc::{CanReport, IncidentState, StateCounts};
pub use timeline::{
    AlertFacts, ESCALATION_RULE, EventKind, MAX_ALERT_FACTS_BYTES, REMINDER_RULE, TimelineEvent,
};
pub use validate::{cut_to_fit, is_visible, max_bytes, stored_bytes};
