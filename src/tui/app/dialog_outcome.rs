//! The one place a dialog's wishes touch the console: a key goes to the
//! open dialog with a read-only [`Ctx`](crate::tui::dialogs::Ctx), and
//! what it hands back (keep, close or replace it, then its effects, in
//! order) is carried out here.

use ratatui::crossterm::event::KeyEvent;

use super::writes::{save_draft, send};
use super::{App, Command, Outgoing, Terminal};
use crate::tui::dialogs::filter_pick::Pick;
use crate::tui::dialogs::{Effect, Next, Outcome};

/// A key for the open dialog (the caller checked there is one).
pub(super) fn dialog_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    let Some(mut d) = app.dialog.take() else {
        return Vec::new();
    };
    let out = d.key(&app.ctx(), k);
    app.dialog = Some(d);
    apply(app, out)
}

/// Text pasted while a dialog is open.
pub(super) fn dialog_paste(app: &mut App, text: &str) -> Vec<Command> {
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    let effects = d.paste(text);
    effects_of(app, effects)
}

pub(super) fn apply(app: &mut App, out: Outcome) -> Vec<Command> {
    match out.next {
        Next::Stay => {}
        Next::Close => app.dialog = None,
        Next::Open(d) => app.dialog = Some(*d),
    }
    effects_of(app, out.effects)
}

pub(super) fn effects_of(app: &mut App, effects: Vec<Effect>) -> Vec<Command> {
    let mut cmds = Vec::new();
    for e in effects {
        cmds.extend(effect(app, e));
    }
    cmds
}

fn effect(app: &mut App, e: Effect) -> Vec<Command> {
    match e {
        Effect::Write(op) => send(app, op),
        Effect::Read(r) => vec![Command::Read(r)],
        Effect::StartAction { id, req, key } => {
            vec![Command::Write(Outgoing::StartAction { id, req, key })]
        }
        Effect::Jump(id) => app.open_incident(id),
        Effect::Run(act) => super::update::run(app, act),
        Effect::Flash(f) => {
            app.flash = Some(f);
            Vec::new()
        }
        Effect::Copy(text) => vec![Command::Terminal(Terminal::Copy(text))],
        Effect::Draft(key, text) if text.is_empty() => {
            app.drafts.remove(&key);
            vec![Command::SaveDraft { key, text }]
        }
        Effect::Draft(key, text) => save_draft(app, Some(key), text),
        Effect::FilterText(text) => {
            app.filter.text = text;
            app.refilter_for_filter()
        }
        Effect::FilterPick(choice) => {
            match choice {
                Pick::Clear => {
                    app.filter.severity = None;
                    app.filter.status = None;
                }
                Pick::Severity(s) => app.filter.severity = Some(s),
                Pick::Status(s) => app.filter.status = Some(s),
            }
            app.refilter_for_filter()
        }
        Effect::Unmark => {
            app.marked.clear();
            Vec::new()
        }
        Effect::Discard(key) => {
            app.pending.retain(|p| p.write.key != key);
            vec![Command::Write(Outgoing::Discard(key))]
        }
        Effect::Adopt(key) => {
            let identity = app.identity.clone();
            let Some(p) = app
                .pending
                .iter_mut()
                .find(|p| p.write.key == key && p.foreign)
            else {
                return Vec::new();
            };
            p.foreign = false;
            p.write.queued_by = Some(identity);
            vec![Command::Write(Outgoing::Adopt(p.write.clone()))]
        }
        // The poller wakes when the watched set is sent, even unchanged.
        Effect::Retry => vec![Command::Watch(app.selected.into_iter().collect())],
        Effect::TimelineJump(to) => {
            super::navigation::focus(app, crate::tui::keymap::Pane::Timeline);
            app.timeline_jump(to)
        }
        Effect::Quit => {
            app.quit = true;
            vec![Command::Quit]
        }
    }
}
