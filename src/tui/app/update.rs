//! `update`: the only place the console's state changes.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::{line_input, text_of};
use super::overlay::FilterChoice;
use super::{
    App, Chooser, ChooserKind, Command, Confirm, Flash, IncidentForm, Msg, Overlay, Palette,
    Pending, TimeMode,
};
use crate::model::{Severity, Status};
use crate::tui::keymap::{self, Act, Pane};

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
        Msg::PostmortemWritten(id, r) => {
            if let Ok(path) = &r {
                app.postmortems.insert(id, path.clone());
            }
            app.flash = Some(match r {
                Ok(path) => Flash::info(
                    format!("Postmortem of {id} written"),
                    format!(
                        "{}\n\nThe team fills in root causes, trigger and lessons; \
                         `warroom postmortem {id}` prints it again.",
                        path.display()
                    ),
                ),
                Err(e) => Flash::error(format!("No postmortem for {id}"), e),
            });
            Vec::new()
        }
        Msg::FollowUps(id, r) => {
            if let Ok(list) = &r {
                if app.followups.len() >= super::FOLLOWUPS_KEPT {
                    app.followups.clear();
                }
                app.followups.insert(id, list.clone());
            }
            if let Some(Overlay::FollowUps(v)) = &mut app.overlay
                && v.id == id
            {
                v.list = Some(r.map_err(|e| e.to_string()));
            }
            Vec::new()
        }
        Msg::Stats(window, r) => {
            if let Some(Overlay::Stats {
                window: w, data, ..
            }) = &mut app.overlay
                && *w == window
            {
                *data = Some(r.map_err(|e| e.to_string()));
            }
            Vec::new()
        }
        Msg::Similar(id, r) => {
            if let Some(Overlay::Similar { id: want, list, .. }) = &mut app.overlay
                && *want == id
            {
                *list = Some(r.map_err(|e| e.to_string()));
            }
            Vec::new()
        }
        Msg::Closed(r) => {
            if let Some(Overlay::Closed { list, .. }) = &mut app.overlay {
                *list = Some(r.map_err(|e| e.to_string()));
            }
            Vec::new()
        }
        Msg::Wheel(pane, by) => {
            // Only on the console itself: a dialog keeps the pointer out.
            if app.overlay.is_some() || app.flash.is_some() {
                return Vec::new();
            }
            focus(app, pane);
            move_by(app, by)
        }
        Msg::Policy(Ok(p)) => {
            app.policy = p;
            Vec::new()
        }
        // The defaults stay; the header's due times are then the defaults'.
        Msg::Policy(Err(e)) => {
            tracing::warn!(error = %e, "cannot read the server's policy");
            Vec::new()
        }
        Msg::Whoami(Ok(me)) => {
            app.me = Some(me);
            Vec::new()
        }
        Msg::Whoami(Err(e)) => {
            app.board.conn.auth_refused = matches!(
                e,
                crate::client::ClientError::Api {
                    status: 401 | 403,
                    ..
                }
            );
            app.board.conn.error = Some(e.to_string());
            Vec::new()
        }
        Msg::Restored(writes) => {
            let mut cmds = Vec::new();
            let mut held = 0;
            for w in writes {
                let foreign = w.queued_by.as_deref() != Some(app.identity.as_str());
                if foreign {
                    held += 1;
                } else {
                    cmds.push(Command::Resend(w.clone()));
                }
                app.pending.push(Pending {
                    what: w.op.describe(),
                    write: w,
                    attempt: 0,
                    last_error: None,
                    foreign,
                    seen: None,
                });
            }
            if held > 0 {
                app.flash = Some(Flash::error(
                    "Actions queued by someone else",
                    format!(
                        "{held} queued action(s) in the outbox were written with other credentials \
                         than the ones in use now. They are held, not sent.\n\n\
                         :outbox lists them: s sends one as you, d discards it."
                    ),
                ));
            }
            cmds
        }
        Msg::Users(query, r) => {
            if let Some(Overlay::Responder(f)) = &mut app.overlay {
                // Only the answer to what is typed now: answers arrive late.
                if text_of(&f.handle).trim() == query {
                    match r {
                        Ok(m) => {
                            f.matches = m;
                            f.pick = 0;
                        }
                        Err(e) => app.board.conn.error = Some(format!("user search: {e}")),
                    }
                }
            }
            Vec::new()
        }
        Msg::Silences(r) => {
            if let Some(Overlay::Silences { list, cursor }) = &mut app.overlay {
                *list = Some(r.map_err(|e| e.to_string()));
                *cursor = 0;
            }
            Vec::new()
        }
        Msg::Older(id, Ok(page)) if page.incident == id => {
            app.merge_older(page);
            app.maybe_load_older()
        }
        Msg::Older(_, r) => {
            app.loading_older = None;
            if let Err(e) = r {
                app.board.conn.error = Some(format!("older events: {e}"));
            }
            Vec::new()
        }
        Msg::Paste(text) => paste(app, &text),
        Msg::Key(k) => key(app, k),
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
        Act::FocusNext | Act::FocusPrev => {
            let order = Pane::ORDER;
            let i = order.iter().position(|p| *p == app.focus).unwrap_or(0);
            let n = order.len();
            let j = if act == Act::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            app.focus = order[j];
            if app.focus != Pane::List {
                app.detail_pane = app.focus;
            }
            Vec::new()
        }
        Act::Read => {
            if let Some((id, seq)) = app.cursor_event().map(|e| (app.selected, e.seq))
                && let Some(id) = id
            {
                app.overlay = Some(Overlay::Reader { id, seq, scroll: 0 });
            }
            Vec::new()
        }
        Act::Copy => match app.selected {
            // Only on this explicit key: nothing is copied behind the IC's back.
            Some(id) => vec![Command::Copy(id.to_string())],
            None => Vec::new(),
        },
        Act::ToggleTime => {
            app.time_mode = match app.time_mode {
                TimeMode::Relative => TimeMode::Absolute,
                TimeMode::Absolute => TimeMode::Relative,
            };
            Vec::new()
        }
        Act::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Act::Quit => {
            // Unsent drafts or undelivered actions: say so before leaving.
            if app.has_unsent_drafts() || !app.pending.is_empty() {
                app.overlay = Some(Overlay::Confirm(Confirm::QuitWithDrafts));
                Vec::new()
            } else {
                app.quit = true;
                vec![Command::Quit]
            }
        }
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
            let mut options = vec![("all incidents (clear)".to_string(), FilterChoice::Clear)];
            options.extend(Severity::ALL.map(|s| {
                (
                    format!("severity {s} ({})", s.label()),
                    FilterChoice::Severity(s),
                )
            }));
            // Every status the list holds (closed ones are not in it:
            // they have their own view).
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
            app.overlay = Some(Overlay::Chooser(Chooser {
                kind: ChooserKind::Filter,
                options,
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
