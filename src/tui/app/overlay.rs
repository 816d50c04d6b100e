//! Overlays: whatever sits on top of the panes and takes the keys first.

use tui_textarea::TextArea;

use super::DraftKey;
use crate::client::Write;
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
    /// `:silences`: `None` while loading.
    Silences {
        list: Option<Result<Vec<crate::client::SilenceInfo>, String>>,
        cursor: usize,
    },
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

/// A message on top of everything until dismissed. A refused write keeps
/// the write so the IC can retry it on fresh state or drop it.
#[derive(Debug, Clone)]
pub struct Flash {
    pub title: String,
    pub text: String,
    pub error: bool,
    /// A write the server refused because someone changed the incident
    /// first: held so the IC can restate it on the fresh state or drop it.
    pub conflict: Option<Box<Conflict>>,
}

/// A refused write and what changed under it. The dialog is drawn from
/// the incident as the server has it *after* the refusal (`now`, fetched
/// for the purpose), never from the view the IC acted on.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub write: Write,
    pub what: String,
    /// The incident as the IC saw it when they acted.
    pub seen: Option<Incident>,
    /// The incident as the server has it now; `None` while it is fetched.
    pub now: Option<Incident>,
    /// What others did since `seen`: "12:03:10 alice: severity SEV2 → SEV1".
    pub changes: Vec<String>,
    /// The fresh state could not be read.
    pub fetch_error: Option<String>,
}

impl Conflict {
    /// Field by field, what differs between what the IC saw and what is
    /// true now: (field, then, now).
    pub fn differences(&self) -> Vec<(&'static str, String, String)> {
        let (Some(a), Some(b)) = (&self.seen, &self.now) else {
            return Vec::new();
        };
        let who = |c: &Option<String>| c.clone().unwrap_or_else(|| "nobody".into());
        let fields: [(&'static str, String, String); 7] = [
            ("severity", a.severity.to_string(), b.severity.to_string()),
            ("status", a.status.to_string(), b.status.to_string()),
            ("title", a.title.clone(), b.title.clone()),
            ("service", a.service.clone(), b.service.clone()),
            ("commander", who(&a.commander), who(&b.commander)),
            ("summary", a.summary.clone(), b.summary.clone()),
            ("tags", a.tags.join(", "), b.tags.join(", ")),
        ];
        fields.into_iter().filter(|(_, x, y)| x != y).collect()
    }
}

impl Flash {
    pub fn info(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            error: false,
            conflict: None,
        }
    }

    pub fn error(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            error: true,
            conflict: None,
        }
    }
}

pub fn line_input(initial: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![initial.to_string()]);
    t.move_cursor(tui_textarea::CursorMove::End);
    t.set_placeholder_text(placeholder.to_string());
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

pub fn text_of(t: &TextArea<'_>) -> String {
    t.lines().join("\n")
}
