//! The console's dialogs, one module each. A dialog holds its own state,
//! takes keys through its own key table and draws itself; it never sees
//! the console's state: it reads a [`Ctx`] (the board, who we are, what
//! the backend can do, the clock) and hands back an [`Outcome`] that
//! `update` carries out. A new dialog costs its module, a line in
//! `dialogs!` and, when it reads, one `Read` variant and one backend
//! method.

pub mod brief;
pub mod bulk;
pub mod closed;
pub mod confirm;
pub mod debrief;
pub mod deliveries;
pub mod editor;
pub mod filter_line;
pub mod filter_pick;
pub mod followups;
pub mod help;
pub mod incident_form;
pub mod keys;
pub mod list;
pub mod message;
pub mod outbox;
pub mod palette;
pub mod reader;
pub mod responder;
pub mod reviews;
pub mod runbook_run;
pub mod silence;
pub mod silences;
pub mod similar;
pub mod state_form;
pub mod state_item;
pub mod stats;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::client::{Capabilities, WriteOp};
use crate::model::runbook_action::RunActionRequest;
use crate::model::{ActorRole, Incident, IncidentId, Policy};
use crate::tui::app::{DraftKey, Flash, Pending, Read, TimeMode};
use crate::tui::board::Board;
use crate::tui::keymap::Act;
use crate::tui::theme::Theme;

/// What a dialog may read of the console: never its whole state.
pub struct Ctx<'a> {
    pub board: &'a Board,
    pub caps: Capabilities,
    /// Who the token is and its role, once the backend said.
    pub me: Option<(&'a str, ActorRole)>,
    /// Who we are to the outbox.
    pub identity: &'a str,
    pub pending: &'a [Pending],
    pub drafts: &'a HashMap<DraftKey, String>,
    pub selected: Option<IncidentId>,
    pub policy: &'a Policy,
    pub now: DateTime<Utc>,
    pub time_mode: TimeMode,
    /// Times by the minute (a slow link).
    pub low_bandwidth: bool,
}

impl Ctx<'_> {
    /// The incident being looked at (in the list, or read by id).
    pub fn selected_incident(&self) -> Option<&Incident> {
        self.board.incident(self.selected?)
    }

    pub fn has_unsent_drafts(&self) -> bool {
        self.drafts.values().any(|d| !d.trim().is_empty())
    }
}

/// What becomes of the dialog after a key.
pub enum Next {
    Stay,
    Close,
    /// Another dialog takes its place.
    Open(Box<Dialog>),
}

/// What a dialog asks the console to do; `update` carries each out in
/// order, after the dialog was kept, closed or replaced.
#[derive(Debug)]
pub enum Effect {
    /// Queue a write (durably) and send it.
    Write(WriteOp),
    /// Read something; the answer comes back to the dialog.
    Read(Read),
    /// Start a runbook action now (never through the outbox).
    StartAction {
        id: IncidentId,
        req: RunActionRequest,
        key: String,
    },
    /// Open any incident by id (the filter cleared, the list focused).
    Jump(IncidentId),
    /// Run a main-table action (the palette).
    Run(Act),
    Flash(Flash),
    Copy(String),
    /// Keep (or, when empty, drop) a draft of a note or an update.
    Draft(DraftKey, String),
    /// The filter's text as typed.
    FilterText(String),
    /// A severity or status filter picked (or both cleared).
    FilterPick(filter_pick::Pick),
    /// Clear the marks (a bulk action was sent).
    Unmark,
    /// Drop a queued write for good.
    Discard(String),
    /// Send a held write as whoever is signed in now.
    Adopt(String),
    /// Ask the backend again now, not after the reconnect wait.
    Retry,
    /// Move the timeline cursor to an event by number or time.
    TimelineJump(crate::tui::app::timeline::Jump),
    Quit,
}

/// A dialog's answer to a key.
pub struct Outcome {
    pub next: Next,
    pub effects: Vec<Effect>,
}

impl Outcome {
    pub fn stay() -> Self {
        Self {
            next: Next::Stay,
            effects: Vec::new(),
        }
    }

    pub fn close() -> Self {
        Self {
            next: Next::Close,
            effects: Vec::new(),
        }
    }

    pub fn open(d: impl Into<Dialog>) -> Self {
        Self {
            next: Next::Open(Box::new(d.into())),
            effects: Vec::new(),
        }
    }

    pub fn with(mut self, e: Effect) -> Self {
        self.effects.push(e);
        self
    }
}

/// The dialogs, listed once: the macro makes the `Dialog` enum, a `From`
/// for each dialog's type and the dispatch of keys, drawing and pasted
/// text (to the dialogs marked `paste`), every match whole. A new dialog
/// is its module and one line here.
macro_rules! dialogs {
    ($($variant:ident($t:ty) $(: $paste:ident)?),* $(,)?) => {
        /// The dialog on top of the panes (one at a time). It lives in the
        /// console's state, never in a collection, so boxing the larger
        /// forms would buy nothing.
        #[allow(clippy::large_enum_variant)]
        pub enum Dialog {
            $($variant($t)),*
        }

        $(impl From<$t> for Dialog {
            fn from(d: $t) -> Self {
                Dialog::$variant(d)
            }
        })*

        impl Dialog {
            pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
                match self {
                    $(Dialog::$variant(d) => d.key(ctx, k)),*
                }
            }

            pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
                match self {
                    $(Dialog::$variant(d) => d.draw(ctx, theme, f, area)),*
                }
            }

            /// Pasted text: the dialogs that take text insert it (cleaned
            /// of terminal controls); the others ignore it.
            pub fn paste(&mut self, text: &str) -> Vec<Effect> {
                match self {
                    $(Dialog::$variant(_d) => dialogs!(@paste _d, text $(, $paste)?)),*
                }
            }
        }
    };
    (@paste $d:ident, $text:ident) => {
        Vec::new()
    };
    (@paste $d:ident, $text:ident, paste) => {
        $d.paste($text)
    };
}

dialogs!(
    Help(help::Help),
    Palette(palette::Palette),
    FilterLine(filter_line::FilterLine): paste,
    FilterPick(filter_pick::FilterPick),
    Confirm(confirm::Confirm),
    Editor(editor::Editor): paste,
    Form(incident_form::IncidentForm),
    Responder(responder::ResponderForm),
    Reader(reader::Reader),
    FollowUps(followups::FollowUps),
    Stats(stats::StatsView),
    Similar(similar::SimilarView),
    Deliveries(deliveries::DeliveriesView),
    Closed(closed::ClosedView),
    Outbox(outbox::OutboxView),
    Silence(silence::SilenceForm),
    Silences(silences::SilencesView),
    Action(runbook_run::ActionView),
    StateForm(state_form::StateForm): paste,
    StateItem(state_item::StateItemView),
    Brief(brief::BriefView),
    Debrief(debrief::DebriefView),
    Reviews(reviews::ReviewsView),
    Bulk(bulk::BulkConfirm),
);

/// Every dialog's key tables, in the order `?` lists them.
pub static TABLES: &[&dyn keys::AnyTable] = &[
    &palette::KEYS,
    &confirm::ADVANCE_KEYS,
    &confirm::ADVANCE_OPEN_KEYS,
    &confirm::RAISE_KEYS,
    &confirm::WRITE_KEYS,
    &confirm::DISCARD_KEYS,
    &confirm::QUIT_KEYS,
    &message::CONFLICT_KEYS,
    &message::CONFLICT_LOADING_KEYS,
    &message::MESSAGE_KEYS,
    &reader::KEYS,
    &incident_form::DECLARE_KEYS,
    &incident_form::EDIT_KEYS,
    &responder::KEYS,
    &responder::DIRECTORY_KEYS,
    &silence::KEYS,
    &silences::KEYS,
    &outbox::KEYS,
    &outbox::HELD_KEYS,
    &followups::KEYS,
    &followups::FORM_KEYS,
    &stats::KEYS,
    &reviews::KEYS,
    &similar::KEYS,
    &closed::KEYS,
    &deliveries::KEYS,
    &runbook_run::CONFIRM_KEYS,
    &runbook_run::RUNNING_KEYS,
    &state_form::KEYS,
    &state_form::DECIDE_KEYS,
    &state_item::KEYS,
    &brief::KEYS,
    &brief::OFFER_KEYS,
    &brief::TAKE_KEYS,
    &debrief::KEYS,
    &bulk::KEYS,
];

/// Tables that dispatch but are not listed under "In dialogs" (their keys
/// are the main screen's own, listed above them in `?`).
pub static UNLISTED_TABLES: &[&dyn keys::AnyTable] = &[
    &help::KEYS,
    &editor::KEYS,
    &filter_line::KEYS,
    &filter_pick::KEYS,
    &runbook_run::WAITING_KEYS,
];

#[cfg(test)]
mod tests {
    use super::keys::problems;
    use super::*;

    #[test]
    fn every_dialog_table_is_conflict_free_and_its_hints_name_keys_it_takes() {
        let mut found = Vec::new();
        for t in TABLES.iter().chain(UNLISTED_TABLES) {
            found.extend(problems(*t));
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn the_problem_finder_catches_a_false_hint_and_a_doubled_key() {
        use super::keys::{Bind, ESC, Table, bind, ch};
        static BAD: &[Bind<u8>] = &[
            bind(&[ch('j')], "j/k", "move", 0),
            bind(&[ESC, ch('j')], "Esc", "close", 1),
        ];
        let t = Table {
            name: "bad",
            binds: BAD,
        };
        let p = problems(&t);
        assert!(p.iter().any(|s| s.contains("in two rows")), "{p:?}");
        assert!(p.iter().any(|s| s.contains("does not take")), "{p:?}");
    }

    #[test]
    fn table_names_are_unique() {
        let mut names: Vec<_> = TABLES.iter().map(|t| t.name()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
