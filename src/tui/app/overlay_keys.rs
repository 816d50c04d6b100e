//! Keys while an overlay (dialog, editor, form, palette) is open.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::TextArea;

use super::input::text_of;
use super::outcome::Outcome;
use super::overlay::FilterChoice;
use super::writes::{save_draft, send, severity_change};
use super::{App, Command, Confirm, EditorKind, Overlay};
use crate::client::WriteOp;
use crate::model::wire::{TextRequest, TransitionRequest};
use crate::model::{IncidentId, Severity};

use super::form_keys::{responder_key, silence_key};

fn is_ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
}

pub(super) fn overlay_key(app: &mut App, k: KeyEvent) -> Outcome {
    let overlay = app.overlay.take().expect("checked by caller");
    let cmds = match overlay {
        Overlay::Palette(p) => return super::palette::key(app, p, k),
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
        Overlay::Deliveries { id, list, cursor } => {
            super::deliveries::key(app, id, list, cursor, k)
        }
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
        Overlay::Action(v) => super::runbook_run::key(app, v, k),
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
        scroll: scroll.min(crate::tui::keymap::HELP_LINES),
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

fn confirm_key(app: &mut App, c: Confirm, k: KeyEvent) -> Vec<Command> {
    let yes = matches!(k.code, KeyCode::Enter | KeyCode::Char('y'));
    // `n` opened the advance dialog: a second `n` (a double press) must
    // neither advance nor cancel it. Elsewhere `n` answers no.
    let no = k.code == KeyCode::Esc
        || (k.code == KeyCode::Char('n') && !matches!(c, Confirm::Advance { .. }));
    if no {
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
                app.overlay = Some(Overlay::reason(id, to, true));
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
