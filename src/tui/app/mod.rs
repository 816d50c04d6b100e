//! The console's state and its one way to change: [`update`], pure and
//! unit-tested. Views only read an `App`; tasks only send it `Msg`s.

mod answers;
mod attention;
mod conflict;
mod curation;
mod dialog_outcome;
mod filter;
mod flash;
mod incident_actions;
mod incoming;
mod input;
mod marks;
mod merge;
mod messages;
mod navigation;
pub mod offers;
pub mod replay;
mod state_actions;
pub mod state_pane;
pub mod timeline;
pub mod update;
mod writes;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub use crate::tui::board::Conn;
pub use filter::Filter;
pub use flash::{Conflict, Flash};
pub use input::{line_input, text_of};
pub use messages::{Command, Msg, Outgoing, Read, Terminal};
pub use update::update;
pub use writes::severity_change;

use super::keymap::Pane;
use crate::client::{Capabilities, Write};
use crate::model::{ActorRole, Incident, IncidentDetail, IncidentId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftKind {
    Note,
    Update,
}

/// Drafts are kept per incident and kind, and on disk as they are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DraftKey {
    pub id: IncidentId,
    pub kind: DraftKind,
}

pub use crate::text::TimeMode;

/// A write sent but not yet confirmed by the server.
#[derive(Debug, Clone)]
pub struct Pending {
    pub write: Write,
    pub what: String,
    pub attempt: u32,
    pub last_error: Option<String>,
    /// Queued under other credentials than the ones in use now: held, not
    /// sent, until the user sends it as themselves or discards it.
    pub foreign: bool,
    /// The incident as the IC saw it when they acted: a conflict is
    /// explained against it.
    pub seen: Option<Box<Incident>>,
}

pub struct App {
    pub backend: String,
    /// Who we are to the outbox ([`crate::client::identity`]); every write
    /// queued here carries it.
    pub identity: String,
    pub attention: attention::Attention,
    /// What can be done to the incident looked at: the backend's, or in a
    /// merged view that incident's own backend's ([`App::follow_caps`]).
    pub caps: Capabilities,
    /// A merged view: what the view as a whole can do (nothing selected)…
    pub view_caps: Capabilities,
    /// …and what each backend can do, by name (empty: one backend).
    pub part_caps: Vec<(String, Capabilities)>,
    pub me: Option<(String, ActorRole)>,
    /// Follow-ups of finished incidents looked at (for their review);
    /// bounded: cleared when it passes [`FOLLOWUPS_KEPT`] incidents.
    pub followups: HashMap<IncidentId, Vec<crate::model::FollowUp>>,
    /// Postmortem drafts written from this console, by incident.
    pub postmortems: HashMap<IncidentId, std::path::PathBuf>,
    /// The update cadence in force (the server's, or the defaults).
    pub policy: crate::model::Policy,
    /// The list, the details read and the connection: the data core the
    /// wallboard shares.
    pub board: crate::tui::board::Board,
    /// Indexes into `board.incidents` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Incidents whose detail the backend could not give, and why.
    pub detail_errors: HashMap<IncidentId, String>,
    pub selected: Option<IncidentId>,
    /// Marked for a bulk action (at most [`marks::MAX_MARKED`]).
    pub marked: std::collections::BTreeSet<IncidentId>,
    pub filter: Filter,
    pub focus: Pane,
    /// The detail pane shown in the compact layout.
    pub detail_pane: Pane,
    /// Events scrolled back from the newest; 0 follows new events.
    pub timeline_back: usize,
    /// A window on the selected incident's older history (`timeline`).
    pub browse: Option<timeline::Browse>,
    /// Replay of one incident: the panes show it as it stood then.
    pub replay: Option<replay::Replay>,
    pub checklist_cursor: usize,
    /// The phase whose checklist the cursor is on: when the incident moves
    /// to another phase, the cursor starts again on the new list's first
    /// open item.
    pub checklist_phase: Option<crate::model::Phase>,
    pub responder_cursor: usize,
    /// The row of the state pane under the cursor.
    pub state_cursor: usize,
    pub time_mode: TimeMode,
    /// The dialog on top of the panes, if one is open.
    pub dialog: Option<crate::tui::dialogs::Dialog>,
    pub flash: Option<Flash>,
    /// A one-line notice in the footer and when it was given (a copy
    /// made): it goes by itself after [`NOTICE_SECS`].
    pub notice: Option<(String, DateTime<Utc>)>,
    pub pending: Vec<Pending>,
    pub drafts: HashMap<DraftKey, String>,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub quit: bool,
    /// A slow link (`--low-bandwidth`): times by the minute, no blinking,
    /// at most four frames a second.
    pub low_bandwidth: bool,
    /// URLs on screen made OSC 8 links (`hyperlinks` in the config).
    pub hyperlinks: bool,
}

/// A footer notice that warns starts with this (drawn in the warning
/// colour, without the ✓ of a thing done).
pub const WARNING: &str = "⚠ ";

/// How long a footer notice stays.
pub const NOTICE_SECS: i64 = 4;

/// Incidents whose follow-ups the console keeps for their review.
pub const FOLLOWUPS_KEPT: usize = 100;

/// From this width on, every pane is on screen at once.
pub const WIDE: u16 = 120;

/// Below this many rows the console is short: the incident's header takes
/// its compact lines, and on a wide screen the responders and the
/// checklist share one pane, so the timeline keeps rows to read.
pub const TALL: u16 = 24;

impl App {
    pub fn new(backend: impl Into<String>, caps: Capabilities, now: DateTime<Utc>) -> App {
        App {
            backend: backend.into(),
            identity: "anonymous".into(),
            attention: Default::default(),
            caps,
            view_caps: caps,
            part_caps: Vec::new(),
            me: None,
            policy: Default::default(),
            postmortems: HashMap::new(),
            followups: HashMap::new(),
            board: Default::default(),
            visible: Vec::new(),
            detail_errors: HashMap::new(),
            selected: None,
            marked: Default::default(),
            filter: Filter::default(),
            focus: Pane::List,
            detail_pane: Pane::Timeline,
            timeline_back: 0,
            browse: None,
            replay: None,
            checklist_cursor: 0,
            checklist_phase: None,
            responder_cursor: 0,
            state_cursor: 0,
            time_mode: TimeMode::Relative,
            dialog: None,
            flash: None,
            notice: None,
            pending: Vec::new(),
            drafts: HashMap::new(),
            now,
            size: (80, 24),
            quit: false,
            low_bandwidth: false,
            hyperlinks: true,
        }
    }

    pub fn is_wide(&self) -> bool {
        self.size.0 >= WIDE
    }

    pub fn is_short(&self) -> bool {
        self.size.1 < TALL
    }

    /// The incident's header in its few-lines form, without a box.
    pub fn compact_header(&self) -> bool {
        !self.is_wide() || self.is_short()
    }

    /// In a merged view, makes `caps` the selected incident's backend's:
    /// the keys offered, the help and every check follow the incident
    /// under the cursor. Called after every message.
    pub fn follow_caps(&mut self) {
        if self.part_caps.is_empty() {
            return;
        }
        let own = self
            .selected
            .and_then(|id| id.source())
            .and_then(|name| self.part_caps.iter().find(|(n, _)| *n == name))
            .map(|(_, c)| *c);
        self.caps = own.unwrap_or(self.view_caps);
    }

    /// The incident being looked at: from the list, or from its detail
    /// when it has left the list (resolved elsewhere, opened by id).
    pub fn selected_incident(&self) -> Option<&Incident> {
        let id = self.selected?;
        self.board
            .incidents
            .iter()
            .find(|i| i.id == id)
            .or_else(|| self.board.details.get(&id).map(|d| &d.incident))
    }

    /// The freshest copy of an incident this console holds: the detail's
    /// (newer when it was just fetched) or the list's, by version.
    pub fn incident(&self, id: IncidentId) -> Option<&Incident> {
        self.board.incident(id)
    }

    /// The selected incident is not among the rows shown (it left the list
    /// or was opened by id): the list says so, and keys still act on it,
    /// never on whatever row took its place.
    pub fn selection_off_list(&self) -> bool {
        self.selected.is_some() && self.selected_index().is_none()
    }

    /// The selected incident's detail: live, or as it stood at the moment
    /// being replayed.
    pub fn selected_detail(&self) -> Option<&IncidentDetail> {
        if let Some(d) = self.replayed_detail() {
            return Some(d);
        }
        self.board.details.get(&self.selected?)
    }

    /// Whether the checklist item under the cursor runs something (`x`).
    pub fn cursor_item_has_action(&self) -> bool {
        self.selected_detail()
            .and_then(|d| d.current_checklist())
            .and_then(|l| l.items.get(self.checklist_cursor))
            .is_some_and(|i| i.action.is_some())
    }

    /// Position of the selection among the visible incidents.
    pub fn selected_index(&self) -> Option<usize> {
        let id = self.selected?;
        self.visible
            .iter()
            .position(|&i| self.board.incidents[i].id == id)
    }

    pub fn pending_for(&self, id: IncidentId) -> impl Iterator<Item = &Pending> {
        self.pending
            .iter()
            .filter(move |p| p.write.op.incident() == Some(id))
    }

    /// Stale: the backend is failing, or has not answered for three of
    /// its long-poll periods.
    pub fn stale_for(&self) -> Option<chrono::Duration> {
        self.board.stale_for(self.now)
    }

    /// The footer notice, while it lasts.
    pub fn notice(&self) -> Option<&str> {
        self.notice
            .as_ref()
            .filter(|(_, at)| (self.now - *at).num_seconds() < NOTICE_SECS)
            .map(|(t, _)| t.as_str())
    }

    pub fn has_unsent_drafts(&self) -> bool {
        self.drafts.values().any(|d| !d.trim().is_empty())
    }

    /// The URLs the screen may show whole, to be made links: the backend's
    /// address, the selected incident's summary, and its newest 100
    /// entries' notes and alert links (at most
    /// [`crate::tui::links::MAX_KNOWN`]).
    pub fn known_urls(&self) -> Vec<String> {
        use crate::model::EventKind;
        use crate::tui::links::{MAX_KNOWN, urls_in};
        if !self.hyperlinks {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let mut add = |text: &str| {
            for u in urls_in(text) {
                if out.len() < MAX_KNOWN && !out.iter().any(|k| k == u) {
                    out.push(u.to_string());
                }
            }
        };
        add(&self.backend);
        if let Some(d) = self.selected.and_then(|id| self.board.details.get(&id)) {
            add(&d.incident.summary);
            // The newest entries (the ones a pane can show: the work per
            // frame follows the screen, not the history), and the one
            // being read, however old.
            let ctx = self.ctx();
            let read = match &self.dialog {
                Some(crate::tui::dialogs::Dialog::Reader(r)) => r.event(&ctx),
                _ => None,
            };
            for e in d.timeline.iter().rev().take(100).chain(read) {
                match &e.kind {
                    EventKind::Note { text } => add(text),
                    EventKind::AlertReceived { facts, .. } => facts
                        .annotations
                        .values()
                        .chain(facts.links.values())
                        .for_each(|v| add(v)),
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether the clock's tick at `now` can change the screen: on a slow
    /// link the clock moves by the minute, so a second that changes
    /// nothing draws nothing.
    pub fn wants_tick(&self, now: DateTime<Utc>) -> bool {
        !self.low_bandwidth || now.timestamp().div_euclid(60) != self.now.timestamp().div_euclid(60)
    }

    /// What a dialog may read of the console.
    pub fn ctx(&self) -> crate::tui::dialogs::Ctx<'_> {
        crate::tui::dialogs::Ctx {
            board: &self.board,
            caps: self.caps,
            me: self.me.as_ref().map(|(h, r)| (h.as_str(), *r)),
            identity: &self.identity,
            pending: &self.pending,
            drafts: &self.drafts,
            selected: self.selected,
            policy: &self.policy,
            now: self.now,
            time_mode: self.time_mode,
            low_bandwidth: self.low_bandwidth,
        }
    }

    /// Opens `d` on top of the panes (in place of any other dialog).
    pub fn open(&mut self, d: impl Into<crate::tui::dialogs::Dialog>) {
        self.dialog = Some(d.into());
    }

    /// Sorts and filters after the data or the filter changed, keeping the
    /// selection on the same incident when it is still there.
    fn refilter(&mut self) -> Vec<Command> {
        // The board keeps the rows in order and the severities counted
        // (`Board::apply`); this is the filter over them.
        self.visible = (0..self.board.incidents.len())
            .filter(|&i| self.filter.admits(&self.board.incidents[i]))
            .collect();
        // Selection is by incident, never by row: data changing under the
        // IC never moves it (see `refilter_for_filter` for the IC's own
        // filtering).
        let next = self
            .selected
            .or_else(|| self.visible.first().map(|&i| self.board.incidents[i].id));
        let mut cmds = self.select(next);
        self.follow_checklist_phase();
        cmds.extend(self.attend());
        cmds.extend(self.attend_state());
        cmds
    }

    /// Puts the checklist cursor on the current phase's list: on its first
    /// open item when the phase changed (or the incident did), and never
    /// past its end.
    fn follow_checklist_phase(&mut self) {
        let Some(list) = self.selected_detail().and_then(|d| d.current_checklist()) else {
            self.checklist_phase = None;
            return;
        };
        let (phase, len) = (list.phase, list.items.len());
        let first_open = list.items.iter().position(|i| !i.is_done()).unwrap_or(0);
        if self.checklist_phase != Some(phase) {
            self.checklist_phase = Some(phase);
            self.checklist_cursor = first_open;
        } else if self.checklist_cursor >= len {
            self.checklist_cursor = len.saturating_sub(1);
        }
    }

    /// After the IC changed the filter: the selection moves to the first
    /// match when the selected incident no longer matches.
    fn refilter_for_filter(&mut self) -> Vec<Command> {
        if self.selected.is_some_and(|id| {
            !self
                .visible_after_filter()
                .any(|i| self.board.incidents[i].id == id)
        }) {
            self.selected = None;
        }
        self.refilter()
    }

    fn visible_after_filter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.board.incidents.len()).filter(|&i| self.filter.admits(&self.board.incidents[i]))
    }

    /// Opens any incident by id (in the list or not: resolved, closed): the
    /// filter is cleared, the list focused, and its detail read by id.
    fn open_incident(&mut self, id: IncidentId) -> Vec<Command> {
        self.filter = Default::default();
        self.focus = Pane::List;
        let mut cmds = self.refilter_for_filter();
        cmds.extend(self.select(Some(id)));
        cmds
    }

    fn select(&mut self, id: Option<IncidentId>) -> Vec<Command> {
        if id == self.selected {
            return Vec::new();
        }
        self.selected = id;
        self.timeline_back = 0;
        self.browse = None;
        self.checklist_cursor = 0;
        self.checklist_phase = None;
        self.responder_cursor = 0;
        self.state_cursor = 0;
        vec![Command::Watch(id.into_iter().collect())]
    }
}

#[cfg(test)]
mod tests;
