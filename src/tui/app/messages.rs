//! What comes into the console ([`Msg`]) and what it asks of the world
//! ([`Command`], by kind: writes, reads, terminal effects, watches, quit).
//! The runtime matches each of these whole, so a new one that is not
//! wired does not compile.

use chrono::{DateTime, Utc};

use super::DraftKey;
use crate::client::poller::Feed;
use crate::client::sender::Delivery;
use crate::client::{ClientError, Write};
use crate::model::{ActorRole, Incident, IncidentId};
use crate::tui::keymap::Pane;

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
    PostmortemWritten(
        IncidentId,
        Result<crate::tui::console::postmortem::Written, String>,
    ),
    /// An incident's follow-ups (for the follow-ups dialog).
    FollowUps(IncidentId, Result<Vec<crate::model::FollowUp>, ClientError>),
    /// Response metrics for a window (for `:stats`).
    Stats(String, Result<Box<crate::model::stats::Stats>, ClientError>),
    /// A drill's debrief as Markdown (for `:debrief`).
    Debrief(IncidentId, Result<String, ClientError>),
    Reviews(Result<Vec<crate::model::review::ReviewEntry>, ClientError>),
    /// The incident as it stood at a moment (replay).
    Replayed(
        IncidentId,
        Result<Box<crate::model::replay::ReplayState>, ClientError>,
    ),
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
    /// A timeline page read by position (or why it could not be read).
    Page(
        IncidentId,
        super::timeline::PageAt,
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
    /// A timeline page by position (the IC browses the history).
    Page {
        id: IncidentId,
        at: super::timeline::PageAt,
    },
    /// An incident's detail now (after a conflict, to show what changed);
    /// the answer comes back as a `Feed::Detail`.
    Detail(IncidentId),
    /// The postmortem draft, written to a private file.
    Postmortem(IncidentId),
    /// Response metrics over a window (`90d`, `all`…).
    Stats(String),
    /// A drill incident's debrief.
    Debrief(IncidentId),
    /// The open reviews.
    Reviews,
    /// The incident as it stood at a moment.
    Replay(IncidentId, crate::model::replay::ReplayAt),
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
