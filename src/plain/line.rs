//! One change as a line, the same for the screen-reader console
//! (`warroom --plain`) and `warroom watch`: words first, no colour needed,
//! severity spelled out; or the same as one JSON object per line.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::{Incident, TimelineEvent};
use crate::text::one_line;

/// Characters of a line's text, at most (a long note is cut, marked `…`;
/// `show ID` and the console read it whole).
pub const MAX_LINE_TEXT: usize = 500;

/// What is said, for people or for scripts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    /// An incident as it stands (at start, and when one appears).
    Incident {
        incident: String,
        severity: String,
        status: String,
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        commander: Option<String>,
        declared_at: DateTime<Utc>,
    },
    /// Something recorded on an incident's timeline.
    Event {
        incident: String,
        severity: String,
        seq: u64,
        at: DateTime<Utc>,
        /// The event's kind as the API names it (`status_changed`, `note`).
        kind: String,
        text: String,
        by: String,
    },
    /// An incident left the active list (resolved or closed).
    Left { incident: String, status: String },
    /// What warroom itself says: the backend unreachable, a write's fate.
    Notice { text: String },
}

impl Line {
    pub fn incident(i: &Incident) -> Line {
        Line::Incident {
            incident: i.id.to_string(),
            severity: i.severity.to_string(),
            status: i.status.to_string(),
            title: one_line(&i.title, MAX_LINE_TEXT),
            commander: i.commander.as_deref().map(|c| one_line(c, 100)),
            declared_at: i.declared_at,
        }
    }

    pub fn event(i: &Incident, e: &TimelineEvent) -> Line {
        Line::Event {
            incident: i.id.to_string(),
            severity: i.severity.to_string(),
            seq: e.seq,
            at: e.at,
            kind: serde_json::to_value(&e.kind)
                .ok()
                .and_then(|v| v["kind"].as_str().map(str::to_string))
                .unwrap_or_default(),
            // A note's words alone would not say what they are.
            text: one_line(
                &match &e.kind {
                    crate::model::EventKind::Note { text } => format!("note: {text}"),
                    k => k.describe(),
                },
                MAX_LINE_TEXT,
            ),
            by: one_line(&e.author, 100),
        }
    }

    pub fn notice(text: impl Into<String>) -> Line {
        Line::Notice {
            text: one_line(&text.into(), MAX_LINE_TEXT),
        }
    }

    /// Said first in a batch: a new SEV1 or SEV2 before anything else.
    pub fn urgency(&self) -> u8 {
        match self {
            Line::Incident { severity, .. } if severity == "SEV1" => 0,
            Line::Incident { severity, .. } if severity == "SEV2" => 1,
            Line::Event { kind, severity, .. }
                if kind == "declared" && matches!(severity.as_str(), "SEV1" | "SEV2") =>
            {
                1
            }
            _ => 2,
        }
    }

    /// The line as a person reads it: `14:02 INC-7 SEV1 status
    /// investigating -> identified by alice`.
    pub fn text(&self) -> String {
        match self {
            Line::Incident {
                incident,
                severity,
                status,
                title,
                commander,
                declared_at,
            } => format!(
                "{} {incident} {severity} {status}: {title}{}",
                declared_at.format("%H:%M"),
                commander
                    .as_deref()
                    .map(|c| format!(" (commander {c})"))
                    .unwrap_or_default()
            ),
            Line::Event {
                incident,
                severity,
                at,
                text,
                by,
                ..
            } => format!(
                "{} {incident} {severity} {text} by {by}",
                at.format("%H:%M")
            ),
            Line::Left { incident, status } => {
                format!("{incident} is {status}: off the active list")
            }
            Line::Notice { text } => format!("! {text}"),
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
