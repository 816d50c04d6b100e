//! Hypotheses: what the team thinks may be wrong, open until confirmed or
//! ruled out, with the timeline entries that bear on it. The handoff brief
//! names the open and the eliminated ones, so the next IC does not chase
//! a cause already ruled out.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::validate::{check_optional_text, check_text};
use super::super::{Actor, ActorRole, DomainError, EventKind, IncidentDetail};
use super::{MAX_EVIDENCE, MAX_HYPOTHESES, MAX_ITEM, MAX_WHY, next_id};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HypothesisStatus {
    Open,
    Confirmed,
    RuledOut,
}

impl HypothesisStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Confirmed => "confirmed",
            Self::RuledOut => "ruled out",
        }
    }
}

impl fmt::Display for HypothesisStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hypothesis {
    pub id: u32,
    pub text: String,
    pub status: HypothesisStatus,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Timeline entries (by seq) that bear on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<u64>,
    /// Who confirmed it or ruled it out, when, and what showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A change to the hypotheses, as sent to `POST /incidents/{id}/hypotheses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum HypothesisAction {
    Add {
        text: String,
        #[serde(default)]
        evidence: Vec<u64>,
    },
    /// Links a timeline entry as evidence.
    Link { hypothesis: u32, seq: u64 },
    Confirm {
        hypothesis: u32,
        #[serde(default)]
        why: Option<String>,
    },
    /// Ruling out needs what showed it wrong: the brief and the review
    /// quote it.
    RuleOut { hypothesis: u32, why: String },
}

impl HypothesisAction {
    /// Anyone responding raises a hypothesis and links evidence; the
    /// commander confirms or rules one out.
    pub fn least_role(&self) -> ActorRole {
        match self {
            Self::Add { .. } | Self::Link { .. } => ActorRole::Responder,
            Self::Confirm { .. } | Self::RuleOut { .. } => ActorRole::Commander,
        }
    }
}

fn check_evidence(d: &IncidentDetail, seqs: &[u64]) -> Result<(), DomainError> {
    if seqs.len() > MAX_EVIDENCE {
        return Err(DomainError::Invalid(format!(
            "a hypothesis links at most {MAX_EVIDENCE} timeline entries"
        )));
    }
    let last = d
        .incident
        .last_seq
        .max(d.timeline.last().map_or(0, |e| e.seq));
    match seqs.iter().find(|s| **s == 0 || **s > last) {
        Some(s) => Err(DomainError::Invalid(format!(
            "the timeline has entries 1 to {last}; there is no entry {s}"
        ))),
        None => Ok(()),
    }
}

fn event(h: &Hypothesis) -> EventKind {
    EventKind::Hypothesis {
        hypothesis: h.id,
        text: h.text.clone(),
        status: h.status,
        evidence: h.evidence.clone(),
        why: h.why.clone(),
    }
}

pub(in crate::model) fn hypothesis(
    d: &mut IncidentDetail,
    action: HypothesisAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    match action {
        HypothesisAction::Add { text, mut evidence } => {
            check_text("text", &text, MAX_ITEM)?;
            check_evidence(d, &evidence)?;
            if d.state.hypotheses.len() >= MAX_HYPOTHESES {
                return Err(DomainError::Invalid(format!(
                    "an incident has at most {MAX_HYPOTHESES} hypotheses"
                )));
            }
            evidence.sort_unstable();
            evidence.dedup();
            let h = Hypothesis {
                id: next_id(&d.state.hypotheses, |h| h.id),
                text,
                status: HypothesisStatus::Open,
                by: actor.handle.clone(),
                at: now,
                evidence,
                decided_by: None,
                decided_at: None,
                why: None,
            };
            let ev = event(&h);
            d.state.hypotheses.push(h);
            Ok(vec![ev])
        }
        HypothesisAction::Link { hypothesis, seq } => {
            check_evidence(d, &[seq])?;
            let h = find(d, hypothesis)?;
            if h.evidence.contains(&seq) {
                return Err(DomainError::Conflict(format!(
                    "entry {seq} is already evidence for hypothesis #{hypothesis}"
                )));
            }
            if h.evidence.len() >= MAX_EVIDENCE {
                return Err(DomainError::Invalid(format!(
                    "a hypothesis links at most {MAX_EVIDENCE} timeline entries"
                )));
            }
            h.evidence.push(seq);
            h.evidence.sort_unstable();
            Ok(vec![event(h)])
        }
        HypothesisAction::Confirm { hypothesis, why } => {
            let why = why.filter(|w| !w.trim().is_empty());
            if let Some(w) = &why {
                check_optional_text("why", w, MAX_WHY)?;
            }
            decide(d, hypothesis, HypothesisStatus::Confirmed, why, actor, now)
        }
        HypothesisAction::RuleOut { hypothesis, why } => {
            check_text("why", &why, MAX_WHY)?;
            decide(
                d,
                hypothesis,
                HypothesisStatus::RuledOut,
                Some(why),
                actor,
                now,
            )
        }
    }
}

fn find(d: &mut IncidentDetail, id: u32) -> Result<&mut Hypothesis, DomainError> {
    d.state
        .hypotheses
        .iter_mut()
        .find(|h| h.id == id)
        .ok_or_else(|| DomainError::Invalid(format!("this incident has no hypothesis #{id}")))
}

fn decide(
    d: &mut IncidentDetail,
    id: u32,
    to: HypothesisStatus,
    why: Option<String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let h = find(d, id)?;
    if h.status != HypothesisStatus::Open {
        return Err(DomainError::Conflict(format!(
            "hypothesis #{id} is already {}",
            h.status
        )));
    }
    h.status = to;
    h.why = why;
    h.decided_by = Some(actor.handle.clone());
    h.decided_at = Some(now);
    Ok(vec![event(h)])
}
