//! `update`: the only place the console's state changes.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Flash, Msg, Read};
use crate::tui::dialogs::closed::ClosedView;
use crate::tui::dialogs::confirm::Confirm;
use crate::tui::dialogs::debrief::DebriefView;
use crate::tui::dialogs::deliveries::DeliveriesView;
use crate::tui::dialogs::filter_line::FilterLine;
use crate::tui::dialogs::filter_pick::FilterPick;
use crate::tui::dialogs::followups::FollowUps;
use crate::tui::dialogs::help::Help;
use crate::tui::dialogs::incident_form::IncidentForm;
use crate::tui::dialogs::palette::Palette;
use crate::tui::dialogs::silences::SilencesView;
use crate::tui::dialogs::similar::SimilarView;
use crate::tui::dialogs::stats::StatsView;
use crate::tui::dialogs::{Ctx, Outcome};
use crate::tui::keymap::{self, Act, Pane};

use super::conflict::flash_key;
use super::dialog_outcome::{apply, dialog_key, dialog_paste};
use super::incident_actions::incident_act;
use super::incoming::{delivery, feed};
use super::navigation::{click, focus, move_by, page};
use super::offers::unavailable;

/// Every message, each to its handler: no catch-all, so a new message
/// that is not handled does not compile.
pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    let commands = handle(app, msg);
    app.follow_caps();
    commands
}

fn handle(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick(now) => {
            app.now = now;
            app.attend_state()
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            Vec::new()
        }
        Msg::Feed(f) => feed(app, f),
        Msg::Delivery(d) => delivery(app, d),
        Msg::Click(pane, row) => click(app, pane, row),
        Msg::Wheel(pane, by) => {
            // Only on the console itself: a dialog keeps the pointer out.
            if app.dialog.is_some() || app.flash.is_some() {
                return Vec::new();
            }
            focus(app, pane);
            move_by(app, by)
        }
        Msg::Restored(writes) => super::incoming::restored(app, writes),
        Msg::Paste(text) => dialog_paste(app, &text),
        Msg::Key(k) => key(app, k),
        Msg::Whoami(r) => super::answers::whoami(app, r),
        Msg::Policy(r) => super::answers::policy(app, r),
        Msg::PostmortemWritten(id, r) => super::answers::postmortem_written(app, id, r),
        Msg::Page(id, at, r) => app.page_arrived(id, at, r),
        Msg::FollowUps(id, r) => super::answers::followups(app, id, r),
        Msg::Stats(window, r) => super::answers::stats(app, &window, r),
        Msg::Debrief(id, r) => super::answers::debrief(app, id, r),
        Msg::Reviews(r) => super::answers::reviews(app, r),
        Msg::Replayed(id, r) => app.replay_arrived(id, r),
        Msg::Similar(id, r) => super::answers::similar(app, id, r),
        Msg::Closed(r) => super::answers::closed(app, r),
        Msg::Suggested(r) => super::answers::suggested(app, r),
        Msg::Deliveries(id, r) => super::answers::deliveries(app, id, r),
        Msg::Users(query, r) => super::answers::users(app, &query, r),
        Msg::Silences(r) => super::answers::silences(app, r),
        Msg::ActionPreview { id, phase, item, r } => {
            super::answers::action_preview(app, id, phase, item, r)
        }
        Msg::ActionStarted(id, r) => super::answers::action_started(app, id, r),
        Msg::RunOutput(id, run, r) => super::answers::run_output(app, id, run, r),
    }
}

fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if k.kind == ratatui::crossterm::event::KeyEventKind::Release {
        return Vec::new();
    }
    if app.flash.is_some() {
        return flash_key(app, k);
    }
    if app.dialog.is_some() {
        return dialog_key(app, k);
    }
    if k.code == KeyCode::Esc && app.replaying().is_some() {
        app.leave_replay();
        return Vec::new();
    }
    if k.code == KeyCode::Esc && !app.filter.is_empty() {
        app.filter = Default::default();
        return app.refilter_for_filter();
    }
    let act = keymap::lookup(&k, app.focus);
    if let Some(done) = app.replay_key(act) {
        return done;
    }
    match act {
        Some(act) => run(app, act),
        None => Vec::new(),
    }
}

/// A dialog that opens for the selected incident (and reads what fills it).
fn open_for_selected(app: &mut App, open: fn(&Ctx) -> Option<Outcome>) -> Vec<Command> {
    match open(&app.ctx()) {
        Some(out) => apply(app, out),
        None => Vec::new(),
    }
}

/// Runs an action named by a key or the palette.
pub(crate) fn run(app: &mut App, act: Act) -> Vec<Command> {
    // With marks, a, R, i and z act on every marked incident: what the
    // backend and the token allow is checked here, and each incident in
    // the confirmation (not the row under the cursor).
    let bulk = !app.marked.is_empty()
        && matches!(
            act,
            Act::Acknowledge | Act::Resolve | Act::Note | Act::Silence
        );
    let why = if bulk {
        let me = app.me.as_ref().map(|(h, r)| (h.as_str(), *r));
        super::offers::refusal(app.caps, None, me, act, false)
    } else {
        unavailable(app, act)
    };
    if let Some(why) = why {
        let b = keymap::binding(act);
        app.flash = Some(Flash::info(format!("{} is not available", b.command), why));
        return Vec::new();
    }
    if bulk && let Some(cmds) = super::marks::bulk(app, act) {
        return cmds;
    }
    match act {
        Act::Up => move_by(app, -1),
        Act::Down => move_by(app, 1),
        Act::PageUp => move_by(app, -(page(app) as isize)),
        Act::PageDown => move_by(app, page(app) as isize),
        Act::Top if app.focus == Pane::Timeline => app.timeline_first(),
        Act::Bottom if app.focus == Pane::Timeline => app.timeline_newest(),
        Act::Top => move_by(app, isize::MIN / 2),
        Act::Bottom => move_by(app, isize::MAX / 2),
        Act::FocusNext => super::navigation::cycle_focus(app, 1),
        Act::FocusPrev => super::navigation::cycle_focus(app, -1),
        Act::Read => super::navigation::read(app),
        Act::Copy => match app.selected {
            // Only on this explicit key: nothing is copied behind the IC's back.
            Some(id) => vec![Command::Terminal(super::Terminal::Copy(id.to_string()))],
            None => Vec::new(),
        },
        Act::ToggleTime => {
            app.time_mode = app.time_mode.toggled();
            Vec::new()
        }
        Act::Help => opened(app, Help::default()),
        Act::Quit => quit(app),
        Act::Palette => opened(app, Palette::default()),
        Act::Filter => {
            let line = FilterLine::new(&app.filter.text);
            opened(app, line)
        }
        Act::FilterPick => opened(app, FilterPick::default()),
        Act::Declare => opened(app, IncidentForm::declare()),
        Act::Closed => apply(app, ClosedView::open()),
        Act::Postmortem => postmortem(app),
        Act::FollowUps => open_for_selected(app, FollowUps::open),
        Act::Similar => open_for_selected(app, SimilarView::open),
        Act::Deliveries => open_for_selected(app, DeliveriesView::open),
        Act::Stats => apply(app, StatsView::open("90d")),
        Act::Debrief => open_for_selected(app, DebriefView::open),
        Act::Silences => apply(app, SilencesView::open()),
        Act::Mark => super::marks::toggle(app),
        Act::MarkAll => super::marks::mark_all(app),
        Act::Acknowledge
        | Act::Advance
        | Act::SevUp
        | Act::SevDown
        | Act::Toggle
        | Act::RunAction
        | Act::Note
        | Act::Update
        | Act::Responder
        | Act::Join
        | Act::TakeCommand
        | Act::Resolve
        | Act::Silence
        | Act::Edit => incident_act(app, act),
        Act::AddTask
        | Act::AddHypothesis
        | Act::Decide
        | Act::Can
        | Act::Brief
        | Act::ItemDone
        | Act::ItemDrop
        | Act::LinkEvidence => super::state_actions::state_act(app, act),
        Act::Pin | Act::TagEvent | Act::CorrectEvent => super::curation::curate_act(app, act),
        Act::ReplayBack
        | Act::ReplayOn
        | Act::ReplayPhaseBack
        | Act::ReplayPhaseOn
        | Act::ReplayMinutes => app.replay_act(act),
    }
}

fn opened(app: &mut App, d: impl Into<crate::tui::dialogs::Dialog>) -> Vec<Command> {
    app.open(d);
    Vec::new()
}

/// Leaves at once, or asks first when a draft is unsent or an action is
/// undelivered.
fn quit(app: &mut App) -> Vec<Command> {
    if app.has_unsent_drafts() || !app.pending.is_empty() {
        opened(app, Confirm::QuitWithDrafts)
    } else {
        app.quit = true;
        vec![Command::Quit]
    }
}

/// `P`: the postmortem of the incident being looked at, once resolved.
fn postmortem(app: &mut App) -> Vec<Command> {
    let Some(inc) = app.selected_incident() else {
        return Vec::new();
    };
    if inc.status.is_active() {
        app.flash = Some(Flash::info(
            "No postmortem yet",
            format!(
                "{} is {}: the postmortem is written once it is resolved.",
                inc.id, inc.status
            ),
        ));
        return Vec::new();
    }
    vec![Command::Read(Read::Postmortem(inc.id))]
}
