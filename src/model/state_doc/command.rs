//! Handing off command as a two-step act (Google SRE book: "a clear, live
//! handoff"): the IC offers command to someone; nothing changes until that
//! person, having read the brief, accepts. Taking command from an active
//! IC is one step but records which brief the new IC read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::roster::assign_role;
use super::super::validate::{MAX_SHORT, check_optional_text, check_text};
use super::super::{Actor, ActorRole, DomainError, EventKind, IncidentDetail, Role};
use super::MAX_WHY;

/// Command offered and waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffOffer {
    pub to: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// The incident's version when offered: the brief to read is at
    /// least this one.
    pub brief_version: u64,
}

/// `POST /incidents/{id}/command`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum CommandAction {
    Offer {
        to: String,
    },
    /// The one offered accepts, naming the version of the brief they read.
    Accept {
        brief_version: u64,
    },
    Decline {
        #[serde(default)]
        reason: Option<String>,
    },
    Withdraw,
    /// Takes command from the IC without an offer (the IC is gone, or
    /// asked for it by voice), after reading the brief.
    Take {
        brief_version: u64,
        #[serde(default)]
        reason: Option<String>,
    },
}

impl CommandAction {
    /// Declining an offer made to you needs no more than being a
    /// responder; everything else is a commander's.
    pub fn least_role(&self) -> ActorRole {
        match self {
            Self::Decline { .. } => ActorRole::Responder,
            _ => ActorRole::Commander,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandChange {
    Offered,
    Accepted,
    Declined,
    Withdrawn,
    Taken,
}

impl CommandChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
            Self::Taken => "taken",
        }
    }
}

fn check_brief(d: &IncidentDetail, v: u64, at_least: u64) -> Result<(), DomainError> {
    if v > d.incident.version {
        return Err(DomainError::Invalid(format!(
            "brief version {v} is newer than the incident (version {})",
            d.incident.version
        )));
    }
    if v < at_least {
        return Err(DomainError::Conflict(format!(
            "the brief you read (version {v}) is older than the one offered (version {at_least}); read it again"
        )));
    }
    Ok(())
}

/// The offer in flight, or why there is none.
fn pending(d: &IncidentDetail) -> Result<HandoffOffer, DomainError> {
    d.state.handoff.clone().ok_or_else(|| {
        DomainError::Conflict("command is not offered to anyone on this incident".into())
    })
}

/// The offer, when it is made to `actor`.
fn offered_to(d: &IncidentDetail, actor: &Actor) -> Result<HandoffOffer, DomainError> {
    let offer = pending(d)?;
    if offer.to != actor.handle {
        return Err(DomainError::Forbidden(format!(
            "command is offered to {}, not to you",
            offer.to
        )));
    }
    Ok(offer)
}

/// `actor` becomes IC, having read the brief at `brief_version`: accepted
/// after an offer, or taken (`taken` holds the reason given, if any).
fn hand_over(
    d: &mut IncidentDetail,
    actor: &Actor,
    brief_version: u64,
    taken: Option<Option<String>>,
    now: DateTime<Utc>,
) -> Vec<EventKind> {
    let from = d.incident.commander.clone();
    d.state.handoff = None;
    d.state.record_handoff(super::HandoffRecord {
        from: from.clone(),
        to: actor.handle.clone(),
        at: now,
        brief_version,
        taken: taken.is_some(),
    });
    let change = if taken.is_some() {
        CommandChange::Taken
    } else {
        CommandChange::Accepted
    };
    let mut events = vec![EventKind::Command {
        change,
        from,
        to: actor.handle.clone(),
        brief_version: Some(brief_version),
    }];
    if let Some(Some(r)) = taken {
        events.push(EventKind::Note {
            text: format!("took command: {r}"),
        });
    }
    events.extend(assign_role(d, &actor.handle, Role::IncidentCommander, now));
    events
}

pub(in crate::model) fn command(
    d: &mut IncidentDetail,
    action: CommandAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let ic = d.incident.commander.clone();
    let ev =
        |change, from: Option<String>, to: String, brief_version: Option<u64>| EventKind::Command {
            change,
            from,
            to,
            brief_version,
        };
    match action {
        CommandAction::Offer { to } => {
            check_text("to", &to, MAX_SHORT)?;
            if let Some(ic) = &ic
                && *ic != actor.handle
            {
                return Err(DomainError::Forbidden(format!(
                    "{ic} is the incident commander; only they offer command (or take it yourself)"
                )));
            }
            if to == actor.handle {
                return Err(DomainError::Invalid(
                    "you cannot offer command to yourself".into(),
                ));
            }
            if let Some(o) = &d.state.handoff
                && o.to == to
            {
                return Err(DomainError::Conflict(format!(
                    "command is already offered to {to}"
                )));
            }
            // The version this offer makes: the first brief that shows it.
            let version = d.incident.version + 1;
            d.state.handoff = Some(HandoffOffer {
                to: to.clone(),
                by: actor.handle.clone(),
                at: now,
                brief_version: version,
            });
            Ok(vec![ev(CommandChange::Offered, ic, to, Some(version))])
        }
        CommandAction::Accept { brief_version } => {
            let offer = offered_to(d, actor)?;
            check_brief(d, brief_version, offer.brief_version)?;
            Ok(hand_over(d, actor, brief_version, None, now))
        }
        CommandAction::Decline { reason } => {
            let reason = reason.filter(|r| !r.trim().is_empty());
            if let Some(r) = &reason {
                check_optional_text("reason", r, MAX_WHY)?;
            }
            let offer = d.state.handoff.clone().ok_or_else(|| {
                DomainError::Conflict("command is not offered to anyone on this incident".into())
            })?;
            if offer.to != actor.handle {
                return Err(DomainError::Forbidden(format!(
                    "command is offered to {}, not to you",
                    offer.to
                )));
            }
            d.state.handoff = None;
            Ok(vec![ev(
                CommandChange::Declined,
                Some(offer.by),
                offer.to,
                None,
            )])
        }
        CommandAction::Withdraw => {
            let offer = pending(d)?;
            if offer.by != actor.handle && ic.as_deref() != Some(&actor.handle) {
                return Err(DomainError::Forbidden(format!(
                    "{} offered command; only they or the IC withdraw it",
                    offer.by
                )));
            }
            d.state.handoff = None;
            Ok(vec![ev(
                CommandChange::Withdrawn,
                Some(offer.by),
                offer.to,
                None,
            )])
        }
        CommandAction::Take {
            brief_version,
            reason,
        } => {
            let reason = reason.filter(|r| !r.trim().is_empty());
            if let Some(r) = &reason {
                check_optional_text("reason", r, MAX_WHY)?;
            }
            if ic.as_deref() == Some(&actor.handle) {
                return Err(DomainError::Conflict(
                    "you are already the incident commander".into(),
                ));
            }
            check_brief(d, brief_version, 0)?;
            Ok(hand_over(d, actor, brief_version, Some(reason), now))
        }
    }
}
