//! Who is on an incident: paging, acknowledging, joining, leaving, and
//! the roles, with the one rule that there is a single incident commander.

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::validate::{MAX_RESPONDERS, MAX_SHORT, check_text};
use super::{EventKind, IncidentDetail, Responder, ResponderState, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResponderAction {
    Page {
        handle: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_role")]
        role: Role,
    },
    Acknowledge {
        handle: String,
    },
    Join {
        handle: String,
    },
    Leave {
        handle: String,
    },
    /// The commander releases someone (reduce scope): recorded, and
    /// refused while they still own open tasks.
    Release {
        handle: String,
    },
    AssignRole {
        handle: String,
        role: Role,
    },
}

fn default_role() -> Role {
    Role::SubjectMatterExpert
}

impl ResponderAction {
    pub fn handle(&self) -> &str {
        match self {
            Self::Page { handle, .. }
            | Self::Acknowledge { handle }
            | Self::Join { handle }
            | Self::Leave { handle }
            | Self::Release { handle }
            | Self::AssignRole { handle, .. } => handle,
        }
    }
}

pub(super) fn responder(
    detail: &mut IncidentDetail,
    ra: ResponderAction,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    check_text("handle", ra.handle(), MAX_SHORT)?;
    let pos = detail
        .responders
        .iter()
        .position(|r| r.handle == ra.handle());
    if pos.is_none()
        && matches!(
            ra,
            ResponderAction::Page { .. } | ResponderAction::Join { .. }
        )
        && detail.responders.len() >= MAX_RESPONDERS
    {
        return Err(DomainError::Invalid(format!(
            "an incident has at most {MAX_RESPONDERS} responders"
        )));
    }
    let missing = |h: &str| {
        DomainError::Invalid(format!(
            "`{h}` is not a responder on this incident; page them first"
        ))
    };
    let set_state = |detail: &mut IncidentDetail, i: usize, state: ResponderState| {
        let r = &mut detail.responders[i];
        if r.state == state {
            return Err(DomainError::Conflict(format!(
                "{} is already {state}",
                r.handle
            )));
        }
        r.state = state;
        r.since = now;
        Ok(vec![EventKind::Responder {
            handle: r.handle.clone(),
            state,
            role: r.role,
        }])
    };
    match ra {
        ResponderAction::Page { handle, name, role } => {
            if let Some(n) = &name {
                check_text("name", n, MAX_SHORT)?;
            }
            match pos {
                Some(i) if !detail.responders[i].state.is_gone() => Err(DomainError::Conflict(
                    format!("{handle} is already on this incident"),
                )),
                Some(i) => {
                    let r = &mut detail.responders[i];
                    r.state = ResponderState::Paged;
                    r.role = role;
                    r.since = now;
                    Ok(vec![EventKind::Responder {
                        handle,
                        state: ResponderState::Paged,
                        role,
                    }])
                }
                None => {
                    let name = name.unwrap_or_else(|| handle.clone());
                    detail.responders.push(Responder {
                        handle: handle.clone(),
                        name,
                        role,
                        state: ResponderState::Paged,
                        since: now,
                    });
                    let mut ev = vec![EventKind::Responder {
                        handle: handle.clone(),
                        state: ResponderState::Paged,
                        role,
                    }];
                    if role == Role::IncidentCommander {
                        ev.extend(assign_role(detail, &handle, role, now));
                    }
                    Ok(ev)
                }
            }
        }
        ResponderAction::Acknowledge { handle } => set_state(
            detail,
            pos.ok_or_else(|| missing(&handle))?,
            ResponderState::Acknowledged,
        ),
        ResponderAction::Join { handle } => match pos {
            Some(i) => set_state(detail, i, ResponderState::Joined),
            // Joining unpaged is normal: people walk into a war room.
            None => {
                detail.responders.push(Responder {
                    handle: handle.clone(),
                    name: handle.clone(),
                    role: Role::SubjectMatterExpert,
                    state: ResponderState::Joined,
                    since: now,
                });
                Ok(vec![EventKind::Responder {
                    handle,
                    state: ResponderState::Joined,
                    role: Role::SubjectMatterExpert,
                }])
            }
        },
        ResponderAction::Leave { handle } => set_state(
            detail,
            pos.ok_or_else(|| missing(&handle))?,
            ResponderState::Left,
        ),
        ResponderAction::Release { handle } => {
            let i = pos.ok_or_else(|| missing(&handle))?;
            if detail.incident.commander.as_deref() == Some(handle.as_str()) {
                return Err(DomainError::Conflict(format!(
                    "{handle} is the incident commander; hand off command first"
                )));
            }
            let owned: Vec<String> = detail
                .state
                .tasks
                .iter()
                .filter(|t| {
                    t.owner.as_deref() == Some(handle.as_str())
                        && t.status == super::state_doc::TaskStatus::Open
                })
                .map(|t| format!("#{}", t.id))
                .collect();
            if !owned.is_empty() {
                return Err(DomainError::Conflict(format!(
                    "{handle} still owns open tasks ({}); reassign or drop them first",
                    owned.join(", ")
                )));
            }
            if detail.responders[i].state.is_gone() {
                return Err(DomainError::Conflict(format!(
                    "{handle} is already {}",
                    detail.responders[i].state
                )));
            }
            set_state(detail, i, ResponderState::Released)
        }
        ResponderAction::AssignRole { handle, role } => {
            pos.ok_or_else(|| missing(&handle))?;
            Ok(assign_role(detail, &handle, role, now))
        }
    }
}

/// Gives `handle` the role. There is one incident commander at a time, so a
/// new IC hands the previous one the subject-matter-expert role; the incident's
/// `commander` field always names the responder holding the IC role.
pub(super) fn assign_role(
    detail: &mut IncidentDetail,
    handle: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Vec<EventKind> {
    let mut events = Vec::new();
    if role == Role::IncidentCommander {
        for r in detail.responders.iter_mut() {
            if r.role == Role::IncidentCommander && r.handle != handle {
                r.role = Role::SubjectMatterExpert;
                events.push(EventKind::RoleAssigned {
                    handle: r.handle.clone(),
                    role: r.role,
                });
            }
        }
        detail.incident.commander = Some(handle.to_string());
    } else if detail.incident.commander.as_deref() == Some(handle) {
        detail.incident.commander = None;
    }
    match detail.responders.iter_mut().find(|r| r.handle == handle) {
        Some(r) if r.role == role => {}
        Some(r) => {
            r.role = role;
            events.push(EventKind::RoleAssigned {
                handle: handle.to_string(),
                role,
            });
        }
        None => {
            detail.responders.push(Responder {
                handle: handle.to_string(),
                name: handle.to_string(),
                role,
                state: ResponderState::Joined,
                since: now,
            });
            events.push(EventKind::RoleAssigned {
                handle: handle.to_string(),
                role,
            });
        }
    }
    events
}
