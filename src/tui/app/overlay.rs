//! Overlays: whatever sits on top of the panes and takes the keys first.

use tui_textarea::TextArea;

use super::DraftKey;
use crate::model::{Incident, IncidentId, Role, Severity, Status};

// One overlay exists at a time and it lives in the App, not in a collection:
// boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Overlay {
    /// The key list, scrolled down by `scroll` lines on small screens.
    Help {
        scroll: usize,
    },
    Palette(Palette),
    /// The `/` filter line; the list narrows as you type.
    FilterInput(TextArea<'static>),
    Chooser(Chooser),
    Confirm(Confirm),
    Editor {
        kind: EditorKind,
        text: TextArea<'static>,
    },
    /// Declaring (`D`) or editing (`e`) an incident.
    Form(super::incident_form::IncidentForm),
    Responder(ResponderForm),
    /// One timeline entry, whole, scrollable.
    Reader {
        id: IncidentId,
        seq: u64,
        scroll: u16,
    },
    /// An incident's follow-up actions, and the add form when open.
    FollowUps(super::followups::FollowUpsView),
    /// `:stats`: response metrics over `window`; `None` while loading.
    Stats {
        window: String,
        data: Option<Result<Box<crate::model::stats::Stats>, String>>,
        scroll: u16,
    },
    /// Seen before: past incidents like `id`; `None` while loading.
    Similar {
        id: IncidentId,
        list: Option<Result<Vec<crate::model::wire::Similar>, String>>,
        cursor: usize,
    },
    /// `:deliveries`: who was told what about `id`; `None` while loading.
    Deliveries {
        id: IncidentId,
        list: Option<Result<Vec<crate::model::wire::DeliveryInfo>, String>>,
        cursor: usize,
    },
    /// `:closed`: the most recently closed incidents; `None` while loading.
    Closed {
        list: Option<Result<Vec<Incident>, String>>,
        cursor: usize,
    },
    /// Pending writes (`:outbox`): select and `d` to discard.
    Outbox {
        cursor: usize,
    },
    Silence(SilenceForm),
    /// `x`: a checklist item's runbook action, confirmed then followed.
    Action(super::runbook_run::ActionView),
    /// `:silences`: `None` while loading.
    Silences {
        list: Option<Result<Vec<crate::client::SilenceInfo>, String>>,
        cursor: usize,
    },
}

impl Overlay {
    /// The editor for the reason of a forced transition or a reopen.
    pub fn reason(id: IncidentId, to: Status, force: bool) -> Overlay {
        let mut text = TextArea::default();
        text.set_placeholder_text(if force {
            "why it is safe to leave these items open"
        } else {
            "why the incident is reopened"
        });
        Overlay::Editor {
            kind: EditorKind::Reason { id, to, force },
            text,
        }
    }
}

/// Durations a silence can be given, in minutes.
pub const SILENCE_MINUTES: [u32; 6] = [15, 30, 60, 120, 240, 1440];

pub struct SilenceForm {
    pub id: IncidentId,
    pub comment: TextArea<'static>,
    /// Index into [`SILENCE_MINUTES`].
    pub duration: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorKind {
    Note(DraftKey),
    Update(DraftKey),
    /// The reason for a forced transition or a reopen.
    Reason {
        id: IncidentId,
        to: Status,
        force: bool,
    },
}

impl EditorKind {
    /// The draft this editor keeps (notes and updates; a reason is short
    /// and not kept).
    pub fn draft(&self) -> Option<DraftKey> {
        match self {
            Self::Note(key) | Self::Update(key) => Some(*key),
            Self::Reason { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Advance {
        id: IncidentId,
        from: Status,
        to: Status,
        open: Vec<String>,
    },
    RaiseToSev1 {
        id: IncidentId,
        version: u64,
    },
    QuitWithDrafts,
    /// A write that cannot be taken back easily: it is sent only on `y`
    /// or Enter, after the dialog named the incident and what happens.
    Write {
        title: String,
        text: String,
        op: crate::client::WriteOp,
    },
    /// Dropping a queued action from the outbox: it will never be sent.
    Discard {
        key: String,
        what: String,
    },
}

pub struct Palette {
    pub input: TextArea<'static>,
    pub cursor: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooserKind {
    Filter,
}

pub struct Chooser {
    pub kind: ChooserKind,
    pub options: Vec<(String, FilterChoice)>,
    pub cursor: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterChoice {
    Clear,
    /// Not a filter of the list: opens `:closed`.
    Closed,
    Severity(Severity),
    Status(Status),
}

pub struct ResponderForm {
    pub id: IncidentId,
    pub handle: TextArea<'static>,
    pub role: Role,
    /// 0 handle, 1 role.
    pub field: usize,
    /// On a backend with a user directory: the users matching the text,
    /// and the one picked (Enter sends its id).
    pub matches: Vec<crate::client::UserMatch>,
    pub pick: usize,
}
