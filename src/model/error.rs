//! Why the model refused an action: the one error every rule returns, which
//! the server maps to 403, 422, 409 and the console shows as it is.

use super::lifecycle::TransitionError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The actor's role does not allow the action.
    #[error("{0}")]
    Forbidden(String),
    /// The request itself is wrong whatever the incident's state.
    #[error("{0}")]
    Invalid(String),
    /// The incident's current state does not allow the action.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Conflict(String),
}
