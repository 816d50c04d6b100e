//! The incident lifecycle: which status may follow which. This is the one
//! place the rule lives; the server enforces it and the console uses it to
//! explain, before sending, what a keystroke will do.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::checklist::Phase;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Triggered,
    Acknowledged,
    Investigating,
    Identified,
    Contained,
    Resolved,
    Verified,
    Closed,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Self::Triggered,
        Self::Acknowledged,
        Self::Investigating,
        Self::Identified,
        Self::Contained,
        Self::Resolved,
        Self::Verified,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Triggered => "triggered",
            Self::Acknowledged => "acknowledged",
            Self::Investigating => "investigating",
            Self::Identified => "identified",
            Self::Contained => "contained",
            Self::Resolved => "resolved",
            Self::Verified => "verified",
            Self::Closed => "closed",
        }
    }

    /// The status the normal flow moves to next; `None` once closed.
    pub fn next(self) -> Option<Status> {
        Self::ALL.get(self as usize + 1).copied()
    }

    /// Active incidents are the ones a war room is still working on.
    pub fn is_active(self) -> bool {
        self < Self::Resolved
    }

    /// The checklist phase whose work is done while the incident has this
    /// status; `None` for a closed incident.
    pub fn phase(self) -> Option<Phase> {
        match self {
            Self::Triggered | Self::Acknowledged | Self::Investigating => {
                Some(Phase::Investigation)
            }
            Self::Identified => Some(Phase::Containment),
            Self::Contained => Some(Phase::Resolution),
            Self::Resolved => Some(Phase::Verification),
            Self::Verified => Some(Phase::PostIncident),
            Self::Closed => None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown status `{s}` (expected one of: {})",
                    Self::ALL.map(|s| s.as_str()).join(", ")
                )
            })
    }
}

/// A transition the rules allow, with what the timeline must record about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// Open checklist items the transition leaves behind. Non-empty only
    /// when the caller forced it.
    pub forced_past: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the incident is already {0}")]
    Unchanged(Status),
    #[error("the incident is closed; declare a new incident instead of reopening it")]
    Closed,
    #[error("cannot skip from {from} to {to}: the next step is {next}")]
    Skip {
        from: Status,
        to: Status,
        next: Status,
    },
    #[error("cannot move back from {from} to {to}: only a reopen to investigating is allowed")]
    Backwards { from: Status, to: Status },
    #[error("a reopen needs a reason")]
    ReopenWithoutReason,
    #[error(
        "the {phase} checklist has {} open item(s): {}; \
         force the transition with a reason to leave them",
        open.len(),
        open.join("; ")
    )]
    OpenItems { phase: Phase, open: Vec<String> },
    #[error("a forced transition needs a reason")]
    ForceWithoutReason,
}

/// Decides whether an incident in `from` may move to `to`.
///
/// The rules: the lifecycle moves one step forward at a time, so every phase
/// is passed through and timestamped; an incident that was thought contained
/// or fixed can be reopened to `investigating` with a reason; a closed
/// incident stays closed. Leaving a phase whose checklist still has open items
/// (`open_items`, the current phase's) needs `force` and a reason, and the
/// items left open are returned so the timeline can record them.
pub fn check_transition(
    from: Status,
    to: Status,
    open_items: &[String],
    force: bool,
    reason: Option<&str>,
) -> Result<Transition, TransitionError> {
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    if from == to {
        return Err(TransitionError::Unchanged(from));
    }
    if from == Status::Closed {
        return Err(TransitionError::Closed);
    }
    if to < from {
        if to != Status::Investigating || from < Status::Identified {
            return Err(TransitionError::Backwards { from, to });
        }
        if !has_reason {
            return Err(TransitionError::ReopenWithoutReason);
        }
        return Ok(Transition {
            from,
            to,
            forced_past: Vec::new(),
        });
    }
    let next = from.next().expect("only closed has no next, handled above");
    if to != next {
        return Err(TransitionError::Skip { from, to, next });
    }
    let leaves_phase = from.phase() != to.phase();
    if leaves_phase && !open_items.is_empty() {
        if !force {
            return Err(TransitionError::OpenItems {
                phase: from.phase().expect("not closed"),
                open: open_items.to_vec(),
            });
        }
        if !has_reason {
            return Err(TransitionError::ForceWithoutReason);
        }
        return Ok(Transition {
            from,
            to,
            forced_past: open_items.to_vec(),
        });
    }
    Ok(Transition {
        from,
        to,
        forced_past: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_forward_step_is_valid_with_an_empty_checklist() {
        for w in Status::ALL.windows(2) {
            let t = check_transition(w[0], w[1], &[], false, None).unwrap();
            assert!(t.forced_past.is_empty());
        }
    }

    #[test]
    fn skipping_is_refused_naming_the_next_step() {
        let e = check_transition(Status::Investigating, Status::Resolved, &[], false, None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot skip from investigating to resolved: the next step is identified"
        );
    }

    #[test]
    fn open_items_block_leaving_the_phase_unless_forced_with_a_reason() {
        let open = vec!["Roll back".to_string()];
        let e = check_transition(Status::Identified, Status::Contained, &open, false, None)
            .unwrap_err();
        assert!(matches!(e, TransitionError::OpenItems { .. }));
        assert!(e.to_string().contains("Roll back"));
        let e = check_transition(
            Status::Identified,
            Status::Contained,
            &open,
            true,
            Some("  "),
        )
        .unwrap_err();
        assert_eq!(e, TransitionError::ForceWithoutReason);
        let t = check_transition(
            Status::Identified,
            Status::Contained,
            &open,
            true,
            Some("traffic drained"),
        )
        .unwrap();
        assert_eq!(t.forced_past, open);
    }

    #[test]
    fn steps_within_one_phase_ignore_the_checklist() {
        let open = vec!["Page owner".to_string()];
        assert!(
            check_transition(Status::Triggered, Status::Acknowledged, &open, false, None).is_ok()
        );
    }

    #[test]
    fn reopen_only_to_investigating_with_a_reason_and_never_from_closed() {
        assert!(
            check_transition(
                Status::Resolved,
                Status::Investigating,
                &[],
                false,
                Some("errors are back")
            )
            .is_ok()
        );
        assert_eq!(
            check_transition(Status::Resolved, Status::Investigating, &[], false, None),
            Err(TransitionError::ReopenWithoutReason)
        );
        assert!(matches!(
            check_transition(Status::Contained, Status::Identified, &[], false, Some("x")),
            Err(TransitionError::Backwards { .. })
        ));
        assert_eq!(
            check_transition(Status::Closed, Status::Investigating, &[], false, Some("x")),
            Err(TransitionError::Closed)
        );
        assert_eq!(
            check_transition(Status::Contained, Status::Contained, &[], false, None),
            Err(TransitionError::Unchanged(Status::Contained))
        );
    }
}
