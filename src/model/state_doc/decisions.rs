//! Decisions: what was decided, by whom, whether objections were asked for
//! (PagerDuty's IC asks "any strong objections?"), and why. A decision can
//! supersede an earlier one; both stay on the record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::validate::{check_optional_text, check_text};
use super::super::{Actor, DomainError, EventKind, IncidentDetail};
use super::{MAX_DECISIONS, MAX_ITEM, MAX_WHY, next_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: u32,
    pub text: String,
    #[serde(default)]
    pub why: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Whether the commander asked for strong objections first.
    pub objections_asked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<u32>,
}

/// `POST /incidents/{id}/decisions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    pub text: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub objections_asked: bool,
    #[serde(default)]
    pub supersedes: Option<u32>,
}

pub(in crate::model) fn decide(
    d: &mut IncidentDetail,
    req: DecideRequest,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    check_text("text", &req.text, MAX_ITEM)?;
    check_optional_text("why", &req.why, MAX_WHY)?;
    if d.state.decisions.len() >= MAX_DECISIONS {
        return Err(DomainError::Invalid(format!(
            "an incident has at most {MAX_DECISIONS} decisions"
        )));
    }
    let id = next_id(&d.state.decisions, |x| x.id);
    if let Some(old) = req.supersedes {
        let o = d
            .state
            .decisions
            .iter_mut()
            .find(|x| x.id == old)
            .ok_or_else(|| DomainError::Invalid(format!("this incident has no decision #{old}")))?;
        if let Some(by) = o.superseded_by {
            return Err(DomainError::Conflict(format!(
                "decision #{old} was already superseded by #{by}"
            )));
        }
        o.superseded_by = Some(id);
    }
    let dec = Decision {
        id,
        text: req.text,
        why: req.why,
        by: actor.handle.clone(),
        at: now,
        objections_asked: req.objections_asked,
        supersedes: req.supersedes,
        superseded_by: None,
    };
    let ev = EventKind::Decision {
        decision: id,
        text: dec.text.clone(),
        why: dec.why.clone(),
        objections_asked: dec.objections_asked,
        supersedes: dec.supersedes,
    };
    d.state.decisions.push(dec);
    Ok(vec![ev])
}
