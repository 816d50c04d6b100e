//! The curated timeline: after (or during) an incident the team tags the
//! events that tell the story (detection, hypotheses, mitigations,
//! communication, narrative, red herrings), pins the ones the narrative is
//! built from, and corrects an event's time or text. The timeline itself
//! is never changed: the original stays where it was, and each correction
//! is kept with who made it, when and why (the Howie guide's "more than
//! one timeline"; incident.io's timeline editor; Dispatch's requests).
//!
//! Curation is an [`Action`](super::Action) like any other change, so it is
//! on the timeline (audited), replayed, and allowed after the incident is
//! closed (the review happens then).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validate::{MAX_SHORT, check_text};
use super::{Actor, DomainError, EventKind, IncidentDetail};

/// The tags a team may use when its policy names none: the Howie guide's
/// kinds of event, plus the false start it asks to keep.
pub const DEFAULT_TAGS: [&str; 7] = [
    "detection",
    "hypothesis",
    "mitigation",
    "communication",
    "narrative",
    "red-herring",
    "false-start",
];
/// Events one incident may have curated (tagged, pinned or corrected).
/// With the limits below the curation stays under about 3 MB in the
/// worst case (every text full of four-byte characters), beside the state
/// document it lives in; a review curates tens of events, not thousands.
pub const MAX_CURATED: usize = 1_000;
/// Tags on one event.
pub const MAX_EVENT_TAGS: usize = 8;
/// Corrections kept for one event (the newest is in force).
pub const MAX_CORRECTIONS: usize = 10;
/// Corrections in one incident, all events together.
pub const MAX_CORRECTIONS_TOTAL: usize = 200;
/// Characters of corrected words, and of a correction's reason.
pub const MAX_CORRECTED_TEXT: usize = 2_000;
pub const MAX_WHY: usize = 500;

/// One correction: what the event should say, by whom, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The time it really happened, when the recorded one is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// What it should say, when the recorded words are wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub why: String,
    pub by: String,
    pub when: DateTime<Utc>,
}

/// What the team added to one event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCuration {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Oldest first; the last of each kind (time, text) is in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

impl EventCuration {
    /// The time in force: the newest correction's, or none.
    pub fn corrected_at(&self) -> Option<DateTime<Utc>> {
        self.corrections.iter().rev().find_map(|c| c.at)
    }

    /// The words in force: the newest correction's, or none.
    pub fn corrected_text(&self) -> Option<&str> {
        self.corrections
            .iter()
            .rev()
            .find_map(|c| c.text.as_deref())
    }

    fn is_empty(&self) -> bool {
        self.tags.is_empty() && !self.pinned && self.corrections.is_empty()
    }
}

/// The curation of an incident's timeline, by event seq.
pub type Curation = BTreeMap<u64, EventCuration>;

/// A change to the curation: `POST /incidents/{id}/curate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum CurateAction {
    /// Sets the event's tags (an empty list removes them).
    Tag { seq: u64, tags: Vec<String> },
    Pin {
        seq: u64,
        #[serde(default = "yes")]
        pinned: bool,
    },
    /// A time or words (or both) the event should have had, and why.
    Correct {
        seq: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        why: String,
    },
}

fn yes() -> bool {
    true
}

impl CurateAction {
    pub fn seq(&self) -> u64 {
        match self {
            Self::Tag { seq, .. } | Self::Pin { seq, .. } | Self::Correct { seq, .. } => *seq,
        }
    }

    /// Refuses a tag outside `allowed` (the policy's set), naming them.
    pub fn check_tags(&self, allowed: &[String]) -> Result<(), DomainError> {
        let Self::Tag { tags, .. } = self else {
            return Ok(());
        };
        match tags.iter().find(|t| !allowed.iter().any(|a| a == *t)) {
            Some(t) => Err(DomainError::Invalid(format!(
                "`{}` is not a timeline tag here (tags: {}; [policy] timeline_tags sets them)",
                t.chars().take(40).collect::<String>(),
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }
}

/// Applies a curation change: the event's entry in the curation, and a
/// timeline event saying what changed (the audit).
pub fn curate(
    detail: &mut IncidentDetail,
    change: CurateAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let seq = change.seq();
    if seq == 0 || seq > detail.incident.last_seq {
        return Err(DomainError::Invalid(format!(
            "{} has events 1 to {}; there is no event {seq}",
            detail.incident.id, detail.incident.last_seq
        )));
    }
    let curation = &mut detail.state.curation;
    if !curation.contains_key(&seq) && curation.len() >= MAX_CURATED {
        return Err(DomainError::Invalid(format!(
            "{MAX_CURATED} events of this incident are curated already, the most one may have"
        )));
    }
    // Worked on a copy: a refused change leaves the curation as it was.
    let mut entry = curation.get(&seq).cloned().unwrap_or_default();
    let said = match change {
        CurateAction::Tag { mut tags, .. } => {
            tags.sort();
            tags.dedup();
            if tags.len() > MAX_EVENT_TAGS {
                return Err(DomainError::Invalid(format!(
                    "{} tags given; an event takes at most {MAX_EVENT_TAGS}",
                    tags.len()
                )));
            }
            for t in &tags {
                check_text("tag", t, MAX_SHORT)?;
            }
            if tags == entry.tags {
                return Err(DomainError::Conflict(format!(
                    "event {seq} already has exactly these tags"
                )));
            }
            entry.tags = tags;
            match entry.tags.is_empty() {
                true => "untagged".to_string(),
                false => format!("tagged {}", entry.tags.join(", ")),
            }
        }
        CurateAction::Pin { pinned, .. } => {
            if entry.pinned == pinned {
                let state = if pinned { "pinned" } else { "not pinned" };
                return Err(DomainError::Conflict(format!(
                    "event {seq} is already {state}"
                )));
            }
            entry.pinned = pinned;
            if pinned { "pinned" } else { "unpinned" }.to_string()
        }
        CurateAction::Correct { at, text, why, .. } => {
            check_text("why", &why, MAX_WHY)?;
            let text = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
            if let Some(t) = &text {
                check_text("text", t, MAX_CORRECTED_TEXT)?;
            }
            if at.is_none() && text.is_none() {
                return Err(DomainError::Invalid(
                    "a correction gives the right `at` (time), `text`, or both".into(),
                ));
            }
            if at.is_some_and(|t| t > now) {
                return Err(DomainError::Invalid(
                    "a corrected time cannot be in the future".into(),
                ));
            }
            if entry.corrections.len() >= MAX_CORRECTIONS {
                return Err(DomainError::Invalid(format!(
                    "event {seq} has {MAX_CORRECTIONS} corrections, the most one may have"
                )));
            }
            let total: usize = curation.values().map(|c| c.corrections.len()).sum();
            if total >= MAX_CORRECTIONS_TOTAL {
                return Err(DomainError::Invalid(format!(
                    "this incident has {MAX_CORRECTIONS_TOTAL} corrections, the most one may have"
                )));
            }
            let mut what = Vec::new();
            if let Some(t) = at {
                what.push(format!("time to {}", t.format("%Y-%m-%d %H:%M:%S UTC")));
            }
            if text.is_some() {
                what.push("text".to_string());
            }
            let said = format!("corrected {} ({why})", what.join(" and "));
            entry.corrections.push(Correction {
                at,
                text,
                why,
                by: actor.handle.clone(),
                when: now,
            });
            said
        }
    };
    if entry.is_empty() {
        curation.remove(&seq);
    } else {
        curation.insert(seq, entry);
    }
    Ok(vec![EventKind::Curated {
        event: seq,
        change: said,
    }])
}

#[cfg(test)]
mod tests;
