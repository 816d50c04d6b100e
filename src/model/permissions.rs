//! Who may do what: the role ladder for people, and what an integration
//! token may do. The server enforces it through [`crate::model::apply`];
//! the console asks the same functions what to offer.

use super::action::{Action, Actor, ActorRole, DomainError, ResponderAction};

impl Action {
    /// The least role that may take this action as `actor`. Alerts are the
    /// exception to the ladder: see [`Action::permitted`].
    pub fn required_role(&self, actor_handle: &str) -> ActorRole {
        match self {
            Self::Alert { .. } => ActorRole::Integration,
            // Tagging, pinning and correcting: the scribe's work, audited.
            Self::Note { .. }
            | Self::Checklist { .. }
            | Self::Can(_)
            | Self::Impact(_)
            | Self::Curate(_) => ActorRole::Responder,
            Self::Task(t) => t.least_role(),
            // The owner moves their review (checked with the review).
            Self::Review(super::ReviewAction::Move { .. }, _) => ActorRole::Responder,
            Self::Hypothesis(h) => h.least_role(),
            Self::Command(c) => c.least_role(),
            Self::Responder(
                ResponderAction::Acknowledge { handle }
                | ResponderAction::Join { handle }
                | ResponderAction::Leave { handle },
            ) if handle == actor_handle => ActorRole::Responder,
            _ => ActorRole::Commander,
        }
    }
}

impl Action {
    /// Whether `actor` may take this action. People climb the role ladder
    /// ([`Action::required_role`]). An integration token delivers alerts,
    /// annotates what it delivered (the note that every alert of a group
    /// resolved) and does what the server's classification rules say (name
    /// the rule, page the people it names); nothing else: it is at the
    /// bottom of the ladder. Alerts
    /// come only from an integration, or from a commander who delivers one
    /// by hand through the same route; never from a responder or viewer.
    pub fn permitted(&self, actor: &Actor) -> Result<(), DomainError> {
        let role = actor.role;
        let refuse = |why: String| Err(DomainError::Forbidden(why));
        match (self, role) {
            (Self::Alert { .. }, ActorRole::Integration | ActorRole::Commander) => Ok(()),
            (Self::Alert { .. }, _) => refuse(format!(
                "a {role} token cannot deliver alerts; alerts come from an integration token"
            )),
            // What the server's classification rules say on its behalf:
            // the rule that fired, and the people it pages.
            (
                Self::Note { .. }
                | Self::Automation { .. }
                | Self::AlertSilence(_)
                | Self::Responder(ResponderAction::Page { .. }),
                ActorRole::Integration,
            ) => Ok(()),
            (_, ActorRole::Integration) => {
                refuse("an integration token delivers alerts only".to_string())
            }
            _ => {
                let needed = self.required_role(&actor.handle);
                if role < needed {
                    return refuse(format!(
                        "a {role} token cannot do this; it needs the {needed} role"
                    ));
                }
                Ok(())
            }
        }
    }
}

/// Whether a token of `role` may declare an incident: a commander, or an
/// integration opening one for its alerts.
pub fn may_declare(role: ActorRole) -> Result<(), DomainError> {
    if role < ActorRole::Commander && role != ActorRole::Integration {
        return Err(DomainError::Forbidden(format!(
            "a {role} token cannot declare incidents; it needs the commander role"
        )));
    }
    Ok(())
}

/// What a runbook action ran and printed may name hosts, paths and
/// internal detail: like its preview (commanders only), it is for those
/// who act on the incident. A viewer (a wallboard, a stakeholder) reads
/// that an action started and how it ended, not its command or output.
pub fn redact_for_role(e: &mut super::TimelineEvent, role: ActorRole) {
    if role >= ActorRole::Responder {
        return;
    }
    match &mut e.kind {
        super::EventKind::ActionStarted { command, .. } => {
            *command = WITHHELD.to_string();
        }
        super::EventKind::ActionFinished { output, .. } => {
            output.clear();
        }
        _ => {}
    }
}

/// What a viewer sees in place of an action's command.
pub const WITHHELD: &str = "(shown to responders and commanders)";

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: ActorRole) -> Actor {
        Actor {
            handle: "alice".into(),
            role,
        }
    }

    fn alert() -> Action {
        Action::Alert {
            alert: "HighErrorRate".into(),
            firing: true,
            detail: None,
            facts: Default::default(),
        }
    }

    fn note() -> Action {
        Action::Note {
            text: "x".into(),
            written_at: None,
        }
    }

    fn transition() -> Action {
        Action::Transition {
            to: crate::model::Status::Acknowledged,
            force: false,
            reason: None,
        }
    }

    #[test]
    fn alerts_come_from_an_integration_or_a_commander_only() {
        assert!(alert().permitted(&actor(ActorRole::Integration)).is_ok());
        assert!(alert().permitted(&actor(ActorRole::Commander)).is_ok());
        for role in [ActorRole::Viewer, ActorRole::Responder] {
            let err = alert().permitted(&actor(role)).unwrap_err();
            assert!(err.to_string().contains("cannot deliver alerts"), "{err}");
        }
    }

    #[test]
    fn an_integration_delivers_and_annotates_but_steers_nothing() {
        let i = actor(ActorRole::Integration);
        assert!(note().permitted(&i).is_ok());
        let err = transition().permitted(&i).unwrap_err();
        assert!(err.to_string().contains("alerts only"), "{err}");
        let join = Action::Responder(ResponderAction::Join {
            handle: "alice".into(),
        });
        assert!(join.permitted(&i).is_err());
    }

    #[test]
    fn people_climb_the_ladder() {
        assert!(note().permitted(&actor(ActorRole::Viewer)).is_err());
        assert!(note().permitted(&actor(ActorRole::Responder)).is_ok());
        assert!(
            transition()
                .permitted(&actor(ActorRole::Responder))
                .is_err()
        );
        assert!(transition().permitted(&actor(ActorRole::Commander)).is_ok());
    }
}
