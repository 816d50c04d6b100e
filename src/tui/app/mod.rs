//! The console's state and its one way to change: [`update`], pure and
//! unit-tested. Views only read an `App`; tasks only send it `Msg`s.

mod answers;
mod attention;
mod conflict;
mod dialog_outcome;
mod filter;
mod flash;
mod incident_actions;
mod incoming;
mod input;
mod merge;
mod navigation;
pub mod offers;
pub mod update;
mod writes;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub use crate::tui::board::Conn;
pub use filter::Filter;
pub use flash::{Conflict, Flash};
pub use input::{line_input, text_of};
pub use update::update;
pub use writes::severity_change;

use super::keymap::Pane;
use crate::client::poller::Feed;
use crate::client::sender::Delivery;
use crate::client::{Capabilities, ClientError, Write};
use crate::model::{ActorRole, Incident, IncidentDetail, IncidentId};

/// Everything that can happen to the console.
#[derive(Debug)]
pub enum Msg {
    Key(ratatui::crossterm::event::KeyEvent),
    Paste(String),
    /// The clock's second changed.
    Tick(DateTime<Utc>),
    Resize(u16, u16),
    /// A click on a pane, and the row of it under the pointer (see
    /// `view::mouse_target`).
    Click(Pane, Option<usize>),
    /// The wheel over a pane: lines down (positive) or up.
    Wheel(Pane, isize),
    Feed(Feed),
    Delivery(Delivery),
    Whoami(Result<(String, ActorRole), ClientError>),
    /// Where the postmortem draft was written (or why it was not).
    PostmortemWritten(IncidentId, Result<std::path::PathBuf, String>),
    /// An incident's follow-ups (for the follow-ups dialog).
    FollowUps(IncidentId, Result<Vec<crate::model::FollowUp>, ClientError>),
    /// Response metrics for a window (for `:stats`).
    Stats(String, Result<Box<crate::model::stats::Stats>, ClientError>),
    /// Past incidents like one (for "seen before").
    Similar(
        IncidentId,
        Result<Vec<crate::model::wire::Similar>, ClientError>,
    ),
    /// The most recently closed incidents, for `:closed`.
    Closed(Result<Vec<Incident>, ClientError>),
    /// What the rules suggest for the incident being declared.
    Suggested(Result<crate::model::wire::Suggestion, ClientError>),
    /// An incident's notification deliveries (for `:deliveries`).
    Deliveries(
        IncidentId,
        Result<Vec<crate::model::wire::DeliveryInfo>, ClientError>,
    ),
    /// What a checklist item's runbook action would run.
    ActionPreview {
        id: IncidentId,
        phase: crate::model::Phase,
        item: usize,
        r: Result<crate::model::runbook_action::ActionPreview, ClientError>,
    },
    /// The answer to starting a runbook action.
    ActionStarted(
        IncidentId,
        Result<crate::model::runbook_action::RunStarted, ClientError>,
    ),
    /// More of a run's output (incident, run).
    RunOutput(
        IncidentId,
        u64,
        Result<crate::model::runbook_action::RunOutput, ClientError>,
    ),
    /// The server's working agreements (update cadence).
    Policy(Result<crate::model::Policy, ClientError>),
    /// Writes found in the outbox at start, not yet delivered.
    Restored(Vec<Write>),
    Silences(Result<Vec<crate::client::SilenceInfo>, ClientError>),
    /// Users matching what was typed in the responder dialog (the query,
    /// then the answer).
    Users(String, Result<Vec<crate::client::UserMatch>, ClientError>),
    /// An older page of a timeline (or why it could not be read).
    Older(
        IncidentId,
        Result<crate::model::wire::TimelinePage, ClientError>,
    ),
}

/// Side effects `update` asks for; the runtime carries them out. Each
/// kind has its own type, and the runtime matches every variant of each
/// (no catch-all), so a new request that is not wired does not compile.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Writes: through the durable outbox, or (runbook actions) at once.
    Write(Outgoing),
    /// Reads: run in the background; the answer comes back as a `Msg`.
    Read(Read),
    /// The terminal itself: bell, clipboard, title.
    Terminal(Terminal),
    /// The incidents whose details the poller should keep fresh.
    Watch(Vec<IncidentId>),
    /// Keep a note or update being written on disk.
    SaveDraft {
        key: DraftKey,
        text: String,
    },
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// Queue a new write durably, then send it.
    Send(Write),
    /// Send a write that is already in the outbox (restored at start).
    Resend(Write),
    /// Re-queue a write under the current identity (it replaces the entry
    /// with the same key), then send it.
    Adopt(Write),
    /// Discard a queued write that has not been delivered.
    Discard(String),
    /// Start a runbook action, now (never through the outbox).
    StartAction {
        id: IncidentId,
        req: crate::model::runbook_action::RunActionRequest,
        key: String,
    },
}

/// What the console reads besides the poller's feed; each has one answer
/// message.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// Search the backend's user directory (PagerDuty).
    Users(String),
    /// The timeline page before `before` (the IC scrolled back).
    Older { id: IncidentId, before: u64 },
    /// An incident's detail now (after a conflict, to show what changed);
    /// the answer comes back as a `Feed::Detail`.
    Detail(IncidentId),
    /// The postmortem draft, written to a private file.
    Postmortem(IncidentId),
    /// Response metrics over a window (`90d`, `all`…).
    Stats(String),
    /// The past incidents like this one.
    Similar(IncidentId),
    /// What the classification rules say of a new incident.
    Suggest { title: String, service: String },
    /// An incident's notification deliveries.
    Deliveries(IncidentId),
    /// An incident's follow-up actions.
    FollowUps(IncidentId),
    /// The most recently closed incidents.
    Closed,
    /// The backend's silences.
    Silences,
    /// What a checklist item's runbook action would run.
    ActionPreview {
        id: IncidentId,
        phase: crate::model::Phase,
        item: usize,
    },
    /// A run's output after line `after` (the server waits for more).
    RunOutput {
        id: IncidentId,
        run: u64,
        after: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Terminal {
    /// Ring the bell (a new SEV1/SEV2).
    Bell,
    /// Put text on the terminal's clipboard (OSC 52), on the IC's request.
    Copy(String),
    /// Set the terminal's title (our own words and counts only).
    Title(String),
}

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
    pub caps: Capabilities,
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
    /// Active incidents per severity (SEV1 first), counted when the data
    /// changes so the header does not scan every incident each frame.
    pub active_by_severity: [usize; 5],
    /// Incidents whose detail the backend could not give, and why.
    pub detail_errors: HashMap<IncidentId, String>,
    pub selected: Option<IncidentId>,
    pub filter: Filter,
    pub focus: Pane,
    /// The detail pane shown in the compact layout.
    pub detail_pane: Pane,
    /// Events scrolled back from the newest; 0 follows new events.
    pub timeline_back: usize,
    /// An older timeline page being read: the incident and the seq before
    /// which it reads.
    pub loading_older: Option<(IncidentId, u64)>,
    pub checklist_cursor: usize,
    /// The phase whose checklist the cursor is on: when the incident moves
    /// to another phase, the cursor starts again on the new list's first
    /// open item.
    pub checklist_phase: Option<crate::model::Phase>,
    pub responder_cursor: usize,
    pub time_mode: TimeMode,
    /// The dialog on top of the panes, if one is open.
    pub dialog: Option<crate::tui::dialogs::Dialog>,
    pub flash: Option<Flash>,
    pub pending: Vec<Pending>,
    pub drafts: HashMap<DraftKey, String>,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub quit: bool,
}

/// Incidents whose follow-ups the console keeps for their review.
pub const FOLLOWUPS_KEPT: usize = 100;

/// From this width on, every pane is on screen at once.
pub const WIDE: u16 = 120;

impl App {
    pub fn new(backend: impl Into<String>, caps: Capabilities, now: DateTime<Utc>) -> App {
        App {
            backend: backend.into(),
            identity: "anonymous".into(),
            attention: Default::default(),
            caps,
            me: None,
            policy: Default::default(),
            postmortems: HashMap::new(),
            followups: HashMap::new(),
            board: Default::default(),
            visible: Vec::new(),
            active_by_severity: [0; 5],
            detail_errors: HashMap::new(),
            selected: None,
            filter: Filter::default(),
            focus: Pane::List,
            detail_pane: Pane::Timeline,
            timeline_back: 0,
            loading_older: None,
            checklist_cursor: 0,
            checklist_phase: None,
            responder_cursor: 0,
            time_mode: TimeMode::Relative,
            dialog: None,
            flash: None,
            pending: Vec::new(),
            drafts: HashMap::new(),
            now,
            size: (80, 24),
            quit: false,
        }
    }

    pub fn is_wide(&self) -> bool {
        self.size.0 >= WIDE
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

    /// The timeline entry under the cursor: the newest one shown (the
    /// bottom row of the timeline pane).
    pub fn cursor_event(&self) -> Option<&crate::model::TimelineEvent> {
        let d = self.selected_detail()?;
        let i = d
            .timeline
            .len()
            .checked_sub(1 + self.timeline_back.min(d.timeline.len().saturating_sub(1)))?;
        d.timeline.get(i)
    }

    /// The selected incident is not among the rows shown (it left the list
    /// or was opened by id): the list says so, and keys still act on it,
    /// never on whatever row took its place.
    pub fn selection_off_list(&self) -> bool {
        self.selected.is_some() && self.selected_index().is_none()
    }

    pub fn selected_detail(&self) -> Option<&IncidentDetail> {
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

    pub fn has_unsent_drafts(&self) -> bool {
        self.drafts.values().any(|d| !d.trim().is_empty())
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
        }
    }

    /// Opens `d` on top of the panes (in place of any other dialog).
    pub fn open(&mut self, d: impl Into<crate::tui::dialogs::Dialog>) {
        self.dialog = Some(d.into());
    }

    /// Sorts and filters after the data or the filter changed, keeping the
    /// selection on the same incident when it is still there.
    fn refilter(&mut self) -> Vec<Command> {
        // Active incidents first (SEV1 first, then the oldest), then the
        // resolved and verified ones still to be finished.
        self.board.incidents.sort_by(|a, b| {
            (!a.status.is_active())
                .cmp(&!b.status.is_active())
                .then(a.severity.cmp(&b.severity))
                .then(a.declared_at.cmp(&b.declared_at))
                .then(a.id.cmp(&b.id))
        });
        self.active_by_severity = [0; 5];
        for i in self.board.incidents.iter().filter(|i| i.status.is_active()) {
            self.active_by_severity[i.severity.index()] += 1;
        }
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
        self.checklist_cursor = 0;
        self.checklist_phase = None;
        self.responder_cursor = 0;
        vec![Command::Watch(id.into_iter().collect())]
    }
}

#[cfg(test)]
mod tests;
