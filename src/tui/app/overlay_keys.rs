//! Keys while an overlay (dialog, editor, form, palette) is open.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::TextArea;

use super::input::{line_input, text_of};
use super::offers::reopen_refusal;
use super::overlay::FilterChoice;
use super::writes::{save_draft, send, severity_change};
use super::{App, Command, Confirm, EditorKind, Flash, Overlay, Palette};
use crate::client::WriteOp;
use crate::model::wire::{TextRequest, TransitionRequest};
use crate::model::{IncidentId, Severity, Status};
use crate::tui::keymap::{Act, BINDINGS};

use super::form_keys::{responder_key, silence_key};

fn is_ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
}

/// What an overlay's key handler hands back to `update`: overlays keep
/// their own state in `app.overlay` and return what only `update` does
/// (running a key's action), so they never call back into it.
pub(super) enum Outcome {
    Commands(Vec<Command>),
    Run(Act),
}

impl From<Vec<Command>> for Outcome {
    fn from(c: Vec<Command>) -> Self {
        Outcome::Commands(c)
    }
}

pub(super) fn overlay_key(app: &mut App, k: KeyEvent) -> Outcome {
    let overlay = app.overlay.take().expect("checked by caller");
    let cmds = match overlay {
        Overlay::Palette(p) => return palette_key(app, p, k),
        Overlay::Help { scroll } => help_key(app, scroll, k),
        Overlay::Reader { id, seq, scroll } => reader_key(app, id, seq, scroll, k),
        Overlay::Outbox { cursor } => outbox_key(app, cursor, k),
        Overlay::Confirm(c) => confirm_key(app, c, k),
        Overlay::FilterInput(t) => filter_key(app, t, k),
        Overlay::Chooser(ch) => chooser_key(app, ch, k),
        Overlay::Editor { kind, text } => editor_key(app, kind, text, k),
        Overlay::Silence(f) => silence_key(app, f, k),
        Overlay::Silences { list, cursor } => super::form_keys::silences_key(app, list, cursor, k),
        Overlay::Closed { list, cursor } => super::closed::key(app, list, cursor, k),
        Overlay::FollowUps(v) => {
            let (next, cmds) = super::followups::key(app, v, k);
            reopen(app, next.map(Overlay::FollowUps));
            cmds
        }
        Overlay::Stats {
            window,
            data,
            scroll,
        } => super::stats::key(app, window, data, scroll, k),
        Overlay::Similar { id, list, cursor } => super::similar::key(app, id, list, cursor, k),
        Overlay::Form(f) => {
            let (next, cmds) = super::incident_form::form_key(app, f, k);
            reopen(app, next.map(Overlay::Form));
            cmds
        }
        Overlay::Responder(f) => responder_key(app, f, k),
    };
    cmds.into()
}

/// Puts a component's next state back on top, unless its key already
/// opened something else there.
fn reopen(app: &mut App, next: Option<Overlay>) {
    if app.overlay.is_none() {
        app.overlay = next;
    }
}

fn help_key(app: &mut App, scroll: usize, k: KeyEvent) -> Vec<Command> {
    let scroll = match k.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => {
            return Vec::new();
        }
        KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => scroll + 1,
        KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => scroll.saturating_sub(1),
        _ => scroll,
    };
    app.overlay = Some(Overlay::Help {
        scroll: scroll.min(BINDINGS.len()),
    });
    Vec::new()
}

fn reader_key(
    app: &mut App,
    id: IncidentId,
    seq: u64,
    mut scroll: u16,
    k: KeyEvent,
) -> Vec<Command> {
    match k.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => scroll = scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll = scroll.saturating_add(10),
        KeyCode::PageUp => scroll = scroll.saturating_sub(10),
        KeyCode::Char('g') => scroll = 0,
        KeyCode::Char('y') => {
            let text = app
                .board
                .details
                .get(&id)
                .and_then(|d| d.timeline.iter().find(|e| e.seq == seq))
                .map(|e| e.kind.describe());
            app.overlay = Some(Overlay::Reader { id, seq, scroll });
            return text.map(Command::Copy).into_iter().collect();
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Reader { id, seq, scroll });
    Vec::new()
}

fn outbox_key(app: &mut App, mut cursor: usize, k: KeyEvent) -> Vec<Command> {
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => {
            cursor = (cursor + 1).min(app.pending.len().saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Char('d') if cursor < app.pending.len() => {
            let p = &app.pending[cursor];
            let inc = p
                .write
                .op
                .incident()
                .map_or("new".into(), |id| id.to_string());
            app.overlay = Some(Overlay::Confirm(Confirm::Discard {
                key: p.write.key.clone(),
                what: format!("{inc}: {}", p.what),
            }));
            return Vec::new();
        }
        KeyCode::Char('s') if app.pending.get(cursor).is_some_and(|p| p.foreign) => {
            let identity = app.identity.clone();
            let p = &mut app.pending[cursor];
            p.foreign = false;
            p.write.queued_by = Some(identity);
            let w = p.write.clone();
            app.overlay = Some(Overlay::Outbox { cursor });
            return vec![Command::Adopt(w)];
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Outbox { cursor });
    Vec::new()
}

fn filter_key(app: &mut App, mut t: TextArea<'static>, k: KeyEvent) -> Vec<Command> {
    match k.code {
        KeyCode::Esc => {
            app.filter.text.clear();
            app.refilter_for_filter()
        }
        KeyCode::Enter => Vec::new(),
        _ => {
            t.input(k);
            app.filter.text = text_of(&t).replace('\n', " ");
            app.overlay = Some(Overlay::FilterInput(t));
            app.refilter_for_filter()
        }
    }
}

fn chooser_key(app: &mut App, mut ch: super::Chooser, k: KeyEvent) -> Vec<Command> {
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => {
            ch.cursor = (ch.cursor + 1).min(ch.options.len() - 1);
            app.overlay = Some(Overlay::Chooser(ch));
            Vec::new()
        }
        KeyCode::Up | KeyCode::Char('k') => {
            ch.cursor = ch.cursor.saturating_sub(1);
            app.overlay = Some(Overlay::Chooser(ch));
            Vec::new()
        }
        KeyCode::Enter => {
            match ch.options[ch.cursor].1 {
                FilterChoice::Clear => {
                    app.filter.severity = None;
                    app.filter.status = None;
                }
                FilterChoice::Severity(s) => app.filter.severity = Some(s),
                FilterChoice::Status(s) => app.filter.status = Some(s),
                FilterChoice::Closed => return super::closed::open(app),
            }
            app.refilter_for_filter()
        }
        _ => {
            app.overlay = Some(Overlay::Chooser(ch));
            Vec::new()
        }
    }
}

fn editor_key(
    app: &mut App,
    kind: EditorKind,
    mut text: TextArea<'static>,
    k: KeyEvent,
) -> Vec<Command> {
    if k.code == KeyCode::Esc {
        // The draft stays, in memory and on disk, for next time.
        return Vec::new();
    }
    if is_ctrl(&k, 's') {
        let body = text_of(&text).trim().to_string();
        if body.is_empty() {
            app.overlay = Some(Overlay::Editor { kind, text });
            return Vec::new();
        }
        return submit_editor(app, kind, body);
    }
    text.input(k);
    let typed = text_of(&text);
    app.overlay = Some(Overlay::Editor {
        kind: kind.clone(),
        text,
    });
    save_draft(app, kind.draft(), typed)
}

fn submit_editor(app: &mut App, kind: EditorKind, body: String) -> Vec<Command> {
    match kind {
        EditorKind::Note(key) | EditorKind::Update(key) => {
            app.drafts.remove(&key);
            let mut cmds = vec![Command::SaveDraft {
                key,
                text: String::new(),
            }];
            let op = if matches!(kind, EditorKind::Note(_)) {
                // Stamped now: if it waits in the outbox (offline), the
                // timeline still says when it was written.
                WriteOp::Note {
                    id: key.id,
                    body: TextRequest::written(body, app.now),
                }
            } else {
                WriteOp::StakeholderUpdate {
                    id: key.id,
                    body: TextRequest::written(body, app.now),
                }
            };
            cmds.extend(send(app, op));
            cmds
        }
        EditorKind::Reason { id, to, force } => send(
            app,
            WriteOp::Transition {
                id,
                body: TransitionRequest {
                    to,
                    force,
                    reason: Some(body),
                },
            },
        ),
    }
}

fn reason_editor(app: &mut App, id: IncidentId, to: Status, force: bool) {
    let mut text = TextArea::default();
    text.set_placeholder_text(if force {
        "why it is safe to leave these items open"
    } else {
        "why the incident is reopened"
    });
    app.overlay = Some(Overlay::Editor {
        kind: EditorKind::Reason { id, to, force },
        text,
    });
}

fn confirm_key(app: &mut App, c: Confirm, k: KeyEvent) -> Vec<Command> {
    let yes = matches!(k.code, KeyCode::Enter | KeyCode::Char('y'));
    if matches!(k.code, KeyCode::Esc | KeyCode::Char('n')) {
        return Vec::new();
    }
    match c {
        Confirm::Advance {
            id, to, ref open, ..
        } => {
            if open.is_empty() && yes {
                return send(
                    app,
                    WriteOp::Transition {
                        id,
                        body: TransitionRequest {
                            to,
                            force: false,
                            reason: None,
                        },
                    },
                );
            }
            if !open.is_empty() && k.code == KeyCode::Char('f') {
                reason_editor(app, id, to, true);
                return Vec::new();
            }
            app.overlay = Some(Overlay::Confirm(c));
            Vec::new()
        }
        Confirm::RaiseToSev1 { id, version } => {
            if yes {
                return send(app, severity_change(id, version, Severity::Sev1));
            }
            app.overlay = Some(Overlay::Confirm(c));
            Vec::new()
        }
        Confirm::Write { title, text, op } => {
            if yes {
                let expire = matches!(op, WriteOp::ExpireSilence { .. });
                let mut cmds = send(app, op);
                if expire {
                    cmds.push(Command::FetchSilences);
                }
                return cmds;
            }
            app.overlay = Some(Overlay::Confirm(Confirm::Write { title, text, op }));
            Vec::new()
        }
        Confirm::Discard { key, what } => {
            if yes {
                app.pending.retain(|p| p.write.key != key);
                return vec![Command::Discard(key)];
            }
            app.overlay = Some(Overlay::Confirm(Confirm::Discard { key, what }));
            Vec::new()
        }
        Confirm::QuitWithDrafts => {
            if yes {
                app.quit = true;
                return vec![Command::Quit];
            }
            app.overlay = Some(Overlay::Confirm(c));
            Vec::new()
        }
    }
}

/// Palette entries matching what was typed: every bound action by its
/// command name, plus `outbox`, `reopen` and incident ids.
pub fn palette_matches(input: &str) -> Vec<(&'static str, &'static str)> {
    let q = input.trim().to_lowercase();
    let extra: [(&'static str, &'static str); 2] = [
        ("outbox", "pending actions: list, discard"),
        ("reopen", "reopen a resolved incident to investigating"),
    ];
    // Names that start with what was typed first, then names containing
    // it, then descriptions mentioning it: Tab completes the likeliest.
    let rank = |name: &str, help: &str| -> Option<u8> {
        if name.starts_with(&q) {
            Some(0)
        } else if name.contains(&q) {
            Some(1)
        } else if help.to_lowercase().contains(&q) {
            Some(2)
        } else {
            None
        }
    };
    let mut found: Vec<(u8, (&'static str, &'static str))> = BINDINGS
        .iter()
        .map(|b| (b.command, b.help))
        .chain(extra)
        .filter_map(|(name, help)| rank(name, help).map(|r| (r, (name, help))))
        .collect();
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, m)| m).collect()
}

fn palette_key(app: &mut App, mut p: Palette, k: KeyEvent) -> Outcome {
    let typed = text_of(&p.input);
    let matches = palette_matches(&typed);
    match k.code {
        KeyCode::Esc => Vec::new().into(),
        KeyCode::Down => {
            p.cursor = (p.cursor + 1).min(matches.len().saturating_sub(1));
            app.overlay = Some(Overlay::Palette(p));
            Vec::new().into()
        }
        KeyCode::Up => {
            p.cursor = p.cursor.saturating_sub(1);
            app.overlay = Some(Overlay::Palette(p));
            Vec::new().into()
        }
        KeyCode::Tab => {
            if let Some((name, _)) = matches.get(p.cursor) {
                p.input = line_input(name, "");
                p.cursor = 0;
            }
            app.overlay = Some(Overlay::Palette(p));
            Vec::new().into()
        }
        KeyCode::Enter => {
            // An incident id jumps to it.
            if let Ok(id) = typed.trim().parse::<IncidentId>() {
                // Any incident, in the list or not (resolved, closed): its
                // detail is read by id; a closed one is read-only.
                return app.open_incident(id).into();
            }
            let exact = matches
                .iter()
                .find(|(n, _)| *n == typed.trim())
                .or(matches.get(p.cursor));
            match exact.map(|(n, _)| *n) {
                Some("outbox") => {
                    app.overlay = Some(Overlay::Outbox { cursor: 0 });
                    Vec::new().into()
                }
                Some("reopen") => {
                    let me = app.me.as_ref().map(|(h, r)| (h.as_str(), *r));
                    match app.selected_incident().cloned() {
                        Some(inc) => match reopen_refusal(app.caps, &inc, me) {
                            Some(why) => app.flash = Some(Flash::info("Cannot reopen", why)),
                            None => reason_editor(app, inc.id, Status::Investigating, false),
                        },
                        None => {
                            app.flash =
                                Some(Flash::info("Cannot reopen", "No incident is selected."))
                        }
                    }
                    Vec::new().into()
                }
                Some(name) => match BINDINGS.iter().find(|b| b.command == name) {
                    Some(b) => Outcome::Run(b.act),
                    None => Vec::new().into(),
                },
                None => {
                    app.flash = Some(Flash::info(
                        "Unknown command",
                        format!(
                            "`{}` matches nothing; Tab completes, ? lists keys.",
                            crate::text::one_line(&typed, 40)
                        ),
                    ));
                    Vec::new().into()
                }
            }
        }
        _ => {
            p.input.input(k);
            p.cursor = 0;
            app.overlay = Some(Overlay::Palette(p));
            Vec::new().into()
        }
    }
}
