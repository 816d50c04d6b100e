//! `update`: the only place the console's state changes.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::{line_input, text_of};
use super::overlay::FilterChoice;
use super::{
    App, Chooser, ChooserKind, Command, Confirm, Flash, IncidentForm, Msg, Overlay, Palette,
};
use crate::model::{Severity, Status};
use crate::tui::keymap::{self, Act};

use super::conflict::flash_key;
use super::incident_actions::incident_act;
use super::incoming::{delivery, feed};
use super::navigation::{click, focus, move_by, page};
use super::offers::unavailable;
use super::outcome::Outcome;
use super::writes::save_draft;

pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick(now) => {
            app.now = now;
            Vec::new()
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
            if app.overlay.is_some() || app.flash.is_some() {
                return Vec::new();
            }
            focus(app, pane);
            move_by(app, by)
        }
        Msg::Restored(writes) => super::incoming::restored(app, writes),
        Msg::ActionPreview { id, phase, item, r } => {
            super::runbook_run::previewed(app, id, phase, item, r)
        }
        Msg::ActionStarted(id, r) => super::runbook_run::started(app, id, r),
        Msg::RunOutput(id, run, r) => super::runbook_run::output(app, id, run, r),
        Msg::Paste(text) => paste(app, &text),
        Msg::Key(k) => key(app, k),
        answer => super::answers::answer(app, answer),
    }
}

fn paste(app: &mut App, text: &str) -> Vec<Command> {
    let clean = crate::text::clean(text, true).into_owned();
    match &mut app.overlay {
        Some(Overlay::Editor { text: t, kind }) => {
            t.insert_str(&clean);
            let (kind, typed) = (kind.clone(), super::input::text_of(t));
            save_draft(app, kind.draft(), typed)
        }
        Some(Overlay::FilterInput(t)) => {
            t.insert_str(clean.replace('\n', " "));
            app.filter.text = text_of(t);
            app.refilter_for_filter()
        }
        _ => Vec::new(),
    }
}

fn key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if k.kind == ratatui::crossterm::event::KeyEventKind::Release {
        return Vec::new();
    }
    if app.flash.is_some() {
        return flash_key(app, k);
    }
    if app.overlay.is_some() {
        return match super::overlay_keys::overlay_key(app, k) {
            Outcome::Commands(cmds) => cmds,
            Outcome::Run(act) => run(app, act),
        };
    }
    if k.code == KeyCode::Esc && !app.filter.is_empty() {
        app.filter = Default::default();
        return app.refilter_for_filter();
    }
    match keymap::lookup(&k, app.focus) {
        Some(act) => run(app, act),
        None => Vec::new(),
    }
}

/// Runs an action named by a key or the palette.
pub(crate) fn run(app: &mut App, act: Act) -> Vec<Command> {
    if let Some(why) = unavailable(app, act) {
        let b = keymap::binding(act);
        app.flash = Some(Flash::info(format!("{} is not available", b.command), why));
        return Vec::new();
    }
    match act {
        Act::Up => move_by(app, -1),
        Act::Down => move_by(app, 1),
        Act::PageUp => move_by(app, -(page(app) as isize)),
        Act::PageDown => move_by(app, page(app) as isize),
        Act::Top => move_by(app, isize::MIN / 2),
        Act::Bottom => move_by(app, isize::MAX / 2),
        Act::FocusNext => super::navigation::cycle_focus(app, 1),
        Act::FocusPrev => super::navigation::cycle_focus(app, -1),
        Act::Read => super::navigation::read(app),
        Act::Copy => match app.selected {
            // Only on this explicit key: nothing is copied behind the IC's back.
            Some(id) => vec![Command::Copy(id.to_string())],
            None => Vec::new(),
        },
        Act::ToggleTime => {
            app.time_mode = app.time_mode.toggled();
            Vec::new()
        }
        Act::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Act::Quit => quit(app),
        Act::Palette => {
            app.overlay = Some(Overlay::Palette(Palette {
                input: line_input("", "command or incident id"),
                cursor: 0,
            }));
            Vec::new()
        }
        Act::Filter => {
            app.overlay = Some(Overlay::FilterInput(line_input(
                &app.filter.text,
                "title, service, IC or id",
            )));
            Vec::new()
        }
        Act::FilterPick => {
            app.overlay = Some(Overlay::Chooser(Chooser {
                kind: ChooserKind::Filter,
                options: filter_choices(),
                cursor: 0,
            }));
            Vec::new()
        }
        Act::Declare => {
            app.overlay = Some(Overlay::Form(IncidentForm::declare()));
            Vec::new()
        }
        Act::Closed => super::closed::open(app),
        Act::Postmortem => super::followups::postmortem(app),
        Act::FollowUps => match super::followups::open(app) {
            Some((view, fetch)) => {
                app.overlay = Some(Overlay::FollowUps(view));
                vec![fetch]
            }
            None => Vec::new(),
        },
        Act::Similar => super::similar::open(app),
        Act::Deliveries => super::deliveries::open(app),
        Act::Stats => super::stats::open(app, "90d"),
        Act::Silences => {
            app.overlay = Some(Overlay::Silences {
                list: None,
                cursor: 0,
            });
            vec![Command::FetchSilences]
        }
        _ => incident_act(app, act),
    }
}

/// Leaves at once, or asks first when a draft is unsent or an action is
/// undelivered.
fn quit(app: &mut App) -> Vec<Command> {
    if app.has_unsent_drafts() || !app.pending.is_empty() {
        app.overlay = Some(Overlay::Confirm(Confirm::QuitWithDrafts));
        Vec::new()
    } else {
        app.quit = true;
        vec![Command::Quit]
    }
}

/// What `f` offers: every severity, every status the list holds (closed
/// ones have their own view, offered last).
fn filter_choices() -> Vec<(String, FilterChoice)> {
    let mut options = vec![("all incidents (clear)".to_string(), FilterChoice::Clear)];
    options.extend(Severity::ALL.map(|s| {
        (
            format!("severity {s} ({})", s.label()),
            FilterChoice::Severity(s),
        )
    }));
    options.extend(
        Status::ALL
            .into_iter()
            .filter(|s| *s != Status::Closed)
            .map(|s| (format!("status {s}"), FilterChoice::Status(s))),
    );
    options.push((
        "closed incidents… (:closed)".to_string(),
        FilterChoice::Closed,
    ));
    options
}
