//! Talking to backends. The console and wallboard never do HTTP themselves:
//! they get a [`Reader`] (and the console a [`Writer`]) whose results come
//! back to them as messages from the tasks in [`poller`] and [`sender`].

mod error;
mod http;
pub mod outbox;
pub mod poller;
mod sanitize;
pub mod sender;
mod token;

pub use error::ClientError;
pub use http::{Fetched, Reader, Writer, connect};
pub use sanitize::{clean_detail, clean_incident};
pub use token::{Token, TokenSource, load_token};

use serde::{Deserialize, Serialize};

use crate::model::wire::{
    ChecklistRequest, DeclareRequest, PatchRequest, TextRequest, TransitionRequest,
};
use crate::model::{IncidentId, ResponderAction};

/// What a backend can do; the console hides or greys out the rest and says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub declare: bool,
    pub lifecycle: bool,
    pub severity: bool,
    pub notes: bool,
    pub checklists: bool,
    pub responders: bool,
    pub stakeholder_updates: bool,
    /// Pushes changes (long-poll) instead of being polled.
    pub change_feed: bool,
}

impl Capabilities {
    pub const WARROOM: Capabilities = Capabilities {
        declare: true,
        lifecycle: true,
        severity: true,
        notes: true,
        checklists: true,
        responders: true,
        stakeholder_updates: true,
        change_feed: true,
    };
}

/// One write, as queued and sent. Serializable so it can sit in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriteOp {
    Declare {
        body: DeclareRequest,
    },
    Patch {
        id: IncidentId,
        if_match: u64,
        body: PatchRequest,
    },
    Transition {
        id: IncidentId,
        body: TransitionRequest,
    },
    Note {
        id: IncidentId,
        body: TextRequest,
    },
    StakeholderUpdate {
        id: IncidentId,
        body: TextRequest,
    },
    Responder {
        id: IncidentId,
        body: ResponderAction,
    },
    Checklist {
        id: IncidentId,
        body: ChecklistRequest,
    },
}

impl WriteOp {
    pub fn incident(&self) -> Option<IncidentId> {
        match self {
            Self::Declare { .. } => None,
            Self::Patch { id, .. }
            | Self::Transition { id, .. }
            | Self::Note { id, .. }
            | Self::StakeholderUpdate { id, .. }
            | Self::Responder { id, .. }
            | Self::Checklist { id, .. } => Some(*id),
        }
    }

    /// A short description for the pending marks on the timeline.
    pub fn describe(&self) -> String {
        let short = |s: &str| crate::text::one_line(s, 40);
        match self {
            Self::Declare { body } => format!("declare {}: {}", body.severity, short(&body.title)),
            Self::Patch { body, .. } => match body.severity {
                Some(s) => format!("severity -> {s}"),
                None => "edit fields".into(),
            },
            Self::Transition { body, .. } => {
                format!(
                    "{}status -> {}",
                    if body.force { "FORCE " } else { "" },
                    body.to
                )
            }
            Self::Note { body, .. } => format!("note: {}", short(&body.text)),
            Self::StakeholderUpdate { body, .. } => {
                format!("stakeholder update: {}", short(&body.text))
            }
            Self::Responder { body, .. } => match body {
                ResponderAction::Page { handle, role, .. } => {
                    format!("page {handle} as {}", role.short())
                }
                ResponderAction::AssignRole { handle, role } => {
                    format!("{handle} -> {}", role.short())
                }
                ResponderAction::Acknowledge { handle } => format!("{handle} acknowledges"),
                ResponderAction::Join { handle } => format!("{handle} joins"),
                ResponderAction::Leave { handle } => format!("{handle} leaves"),
            },
            Self::Checklist { body, .. } => {
                format!(
                    "{} {} item {}",
                    if body.done { "tick" } else { "untick" },
                    body.phase,
                    body.item + 1
                )
            }
        }
    }
}

/// A write with the key that makes its delivery idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    pub key: String,
    pub op: WriteOp,
}

impl Write {
    pub fn new(op: WriteOp) -> Self {
        Self { key: new_key(), op }
    }
}

pub fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}
