//! Keys in the forms: page/assign (and the user directory's
//! search), silence.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::text_of;
use super::writes::send;
use super::{App, Command, Confirm, Overlay, ResponderForm};
use crate::client::WriteOp;
use crate::model::{ResponderAction, Role};

/// The responder dialog on a backend whose people are its users
/// (PagerDuty): type a name, pick a match, Enter assigns by the user's id.
fn directory_key(app: &mut App, mut f: ResponderForm, k: KeyEvent) -> Vec<Command> {
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Down | KeyCode::Tab if !f.matches.is_empty() => {
            f.pick = (f.pick + 1) % f.matches.len()
        }
        KeyCode::Up | KeyCode::BackTab if !f.matches.is_empty() => {
            f.pick = (f.pick + f.matches.len() - 1) % f.matches.len()
        }
        KeyCode::Enter => {
            let Some(u) = f.matches.get(f.pick).cloned() else {
                // Nothing picked: a user id typed as is still works.
                let typed = text_of(&f.handle).trim().to_string();
                if typed.is_empty() || typed.contains(char::is_whitespace) {
                    app.overlay = Some(Overlay::Responder(f));
                    return Vec::new();
                }
                return send(
                    app,
                    WriteOp::Responder {
                        id: f.id,
                        body: ResponderAction::AssignRole {
                            handle: typed,
                            role: f.role,
                        },
                    },
                );
            };
            return send(
                app,
                WriteOp::Responder {
                    id: f.id,
                    body: ResponderAction::Page {
                        handle: u.id,
                        name: Some(u.name),
                        role: f.role,
                    },
                },
            );
        }
        _ => {
            f.handle.input(k);
            let q = text_of(&f.handle).trim().to_string();
            f.matches.clear();
            f.pick = 0;
            app.overlay = Some(Overlay::Responder(f));
            return if q.chars().count() >= 2 {
                vec![Command::SearchUsers(q)]
            } else {
                Vec::new()
            };
        }
    }
    app.overlay = Some(Overlay::Responder(f));
    Vec::new()
}

pub(super) fn responder_key(app: &mut App, mut f: ResponderForm, k: KeyEvent) -> Vec<Command> {
    if app.caps.user_directory {
        return directory_key(app, f, k);
    }
    let roles = Role::ALL;
    let ri = roles.iter().position(|r| *r == f.role).unwrap_or(0);
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => f.field = 1 - f.field,
        KeyCode::Left | KeyCode::Char('h') if f.field == 1 => {
            f.role = roles[(ri + roles.len() - 1) % roles.len()]
        }
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') if f.field == 1 => {
            f.role = roles[(ri + 1) % roles.len()]
        }
        KeyCode::Enter => {
            let handle = text_of(&f.handle).trim().to_string();
            if handle.is_empty() {
                f.field = 0;
                app.overlay = Some(Overlay::Responder(f));
                return Vec::new();
            }
            let known = app
                .board
                .details
                .get(&f.id)
                .and_then(|d| d.responders.iter().find(|r| r.handle == handle))
                .map(|r| r.state);
            use crate::model::ResponderState;
            let present = matches!(
                known,
                Some(ResponderState::Joined | ResponderState::Acknowledged)
            );
            let body = match known {
                Some(s) if s != ResponderState::Left => ResponderAction::AssignRole {
                    handle: handle.clone(),
                    role: f.role,
                },
                _ => ResponderAction::Page {
                    handle: handle.clone(),
                    name: None,
                    role: f.role,
                },
            };
            let op = WriteOp::Responder { id: f.id, body };
            if f.role == Role::IncidentCommander && !present {
                // Command goes to someone who has not answered yet: ask.
                let title = app
                    .selected_incident()
                    .map(|i| i.title.clone())
                    .unwrap_or_default();
                app.overlay = Some(Overlay::Confirm(Confirm::Write {
                    title: format!("Make {handle} the IC of {}?", f.id),
                    text: format!(
                        "{} {title}\n{handle} has not joined or acknowledged: until they do, \
                         nobody who is present is in command.",
                        f.id
                    ),
                    op,
                }));
                return Vec::new();
            }
            return send(app, op);
        }
        _ if f.field == 0 => {
            f.handle.input(k);
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Responder(f));
    Vec::new()
}

pub(super) fn silence_key(app: &mut App, mut f: super::SilenceForm, k: KeyEvent) -> Vec<Command> {
    let n = super::SILENCE_MINUTES.len();
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Up => f.duration = (f.duration + 1).min(n - 1),
        KeyCode::Down => f.duration = f.duration.saturating_sub(1),
        KeyCode::Enter => {
            let comment = text_of(&f.comment).trim().to_string();
            if comment.is_empty() {
                app.overlay = Some(Overlay::Silence(f));
                return Vec::new();
            }
            return send(
                app,
                WriteOp::Silence {
                    id: f.id,
                    comment,
                    minutes: super::SILENCE_MINUTES[f.duration],
                },
            );
        }
        _ => {
            f.comment.input(k);
        }
    }
    app.overlay = Some(Overlay::Silence(f));
    Vec::new()
}

/// `:silences`: move, `r` reload, `d` expire one (after asking).
pub(super) fn silences_key(
    app: &mut App,
    list: Option<Result<Vec<crate::client::SilenceInfo>, String>>,
    mut cursor: usize,
    k: KeyEvent,
) -> Vec<Command> {
    let n = list
        .as_ref()
        .and_then(|l| l.as_ref().ok())
        .map_or(0, Vec::len);
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Char('r') => {
            app.overlay = Some(Overlay::Silences {
                list: None,
                cursor: 0,
            });
            return vec![Command::FetchSilences];
        }
        KeyCode::Char('d') => {
            let target = list
                .as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.get(cursor))
                .filter(|s| s.state != crate::client::SilenceState::Expired)
                .map(|s| s.id.clone());
            let matchers = list
                .as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.get(cursor))
                .map(|s| s.matchers.clone())
                .unwrap_or_default();
            if let Some(silence_id) = target {
                // Expiring re-enables paging for everything it matched.
                app.overlay = Some(Overlay::Confirm(Confirm::Write {
                    title: "Expire this silence?".into(),
                    text: format!("Alerts matching {matchers} will notify and page again at once."),
                    op: WriteOp::ExpireSilence { silence_id },
                }));
                return Vec::new();
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Silences { list, cursor });
    Vec::new()
}
