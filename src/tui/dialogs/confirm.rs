//! Confirmations: what happens is said before it happens (advance past
//! open items, raise to SEV1, irreversible writes, discarding a queued
//! action, quitting with drafts or undelivered actions).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::editor::Editor;
use super::keys::{ENTER, ESC, Table, bind, ch};
use super::silences::SilencesView;
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::wire::TransitionRequest;
use crate::model::{IncidentId, Severity, Status};
use crate::text::{fit, one_line};
use crate::tui::app::severity_change;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Yes,
    No,
    Force,
}

// `n` opened the advance dialog: a second `n` (a double press) must
// neither advance nor cancel it, so it is in neither advance table.
pub static ADVANCE_KEYS: Table<Key> = Table {
    name: "advance (n), checklist complete",
    binds: &[
        bind(&[ENTER, ch('y')], "Enter/y", "advance", Key::Yes),
        bind(&[ESC], "Esc", "cancel", Key::No),
    ],
};

pub static ADVANCE_OPEN_KEYS: Table<Key> = Table {
    name: "advance (n), items open",
    binds: &[
        bind(
            &[ch('f')],
            "f",
            "force with a reason (recorded)",
            Key::Force,
        ),
        bind(&[ESC], "Esc", "cancel", Key::No),
    ],
};

pub static RAISE_KEYS: Table<Key> = Table {
    name: "raise to SEV1",
    binds: &[
        bind(&[ENTER, ch('y')], "Enter/y", "raise", Key::Yes),
        bind(&[ESC, ch('n')], "Esc/n", "cancel", Key::No),
    ],
};

pub static WRITE_KEYS: Table<Key> = Table {
    name: "confirm a write",
    binds: &[
        bind(&[ch('y'), ENTER], "y/Enter", "yes, do it", Key::Yes),
        bind(&[ESC, ch('n')], "Esc/n", "cancel", Key::No),
    ],
};

pub static DISCARD_KEYS: Table<Key> = Table {
    name: "discard a queued action",
    binds: &[
        bind(&[ch('y'), ENTER], "y/Enter", "discard", Key::Yes),
        bind(&[ESC, ch('n')], "Esc/n", "keep it", Key::No),
    ],
};

pub static QUIT_KEYS: Table<Key> = Table {
    name: "quit with drafts or pending actions",
    binds: &[
        bind(&[ch('y'), ENTER], "y", "quit", Key::Yes),
        bind(&[ESC, ch('n')], "Esc/n", "stay", Key::No),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Advance {
        id: IncidentId,
        from: Status,
        to: Status,
        open: Vec<String>,
    },
    RaiseToSev1 {
        id: IncidentId,
        version: u64,
    },
    QuitWithDrafts,
    /// A write that cannot be taken back easily: it is sent only on `y`
    /// or Enter, after the dialog named the incident and what happens.
    Write {
        title: String,
        text: String,
        op: WriteOp,
    },
    /// Dropping a queued action from the outbox: it will never be sent.
    Discard {
        key: String,
        what: String,
    },
}

impl Confirm {
    pub fn keys(&self) -> &'static Table<Key> {
        match self {
            Confirm::Advance { open, .. } if open.is_empty() => &ADVANCE_KEYS,
            Confirm::Advance { .. } => &ADVANCE_OPEN_KEYS,
            Confirm::RaiseToSev1 { .. } => &RAISE_KEYS,
            Confirm::QuitWithDrafts => &QUIT_KEYS,
            Confirm::Write { .. } => &WRITE_KEYS,
            Confirm::Discard { .. } => &DISCARD_KEYS,
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        let act = match self.keys().lookup(&k) {
            None => return Outcome::stay(),
            Some(Key::No) => return Outcome::close(),
            Some(a) => a,
        };
        let done = Outcome::close();
        match (&*self, act) {
            (Confirm::Advance { id, to, .. }, Key::Force) => {
                Outcome::open(Editor::reason(*id, *to, true))
            }
            (Confirm::Advance { id, to, .. }, _) => done.with(Effect::Write(WriteOp::Transition {
                id: *id,
                body: TransitionRequest {
                    to: *to,
                    force: false,
                    reason: None,
                },
            })),
            (Confirm::RaiseToSev1 { id, version }, _) => done.with(Effect::Write(severity_change(
                *id,
                *version,
                Severity::Sev1,
            ))),
            // After expiring, the list again, read fresh.
            (Confirm::Write { op, .. }, _) if matches!(op, WriteOp::ExpireSilence { .. }) => {
                Outcome::open(SilencesView::default())
                    .with(Effect::Write(op.clone()))
                    .with(Effect::Read(crate::tui::app::Read::Silences))
            }
            (Confirm::Write { op, .. }, _) => done.with(Effect::Write(op.clone())),
            (Confirm::Discard { key, .. }, _) => done.with(Effect::Discard(key.clone())),
            (Confirm::QuitWithDrafts, _) => done.with(Effect::Quit),
        }
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let keys = hint(theme, &self.keys().hints());
        match self {
            Confirm::Advance { id, from, to, open } => {
                advance(theme, f, area, *id, (*from, *to), open, keys)
            }
            Confirm::RaiseToSev1 { id, .. } => raise(ctx, theme, f, area, *id, keys),
            Confirm::Write { title, text, .. } => write(f, theme, area, title, text, keys),
            Confirm::Discard { what, .. } => discard(theme, f, area, what, keys),
            Confirm::QuitWithDrafts => quit(ctx, theme, f, area, keys),
        }
    }
}

fn advance(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    id: IncidentId,
    (from, to): (Status, Status),
    open: &[String],
    keys: Line<'static>,
) {
    let r = centered(area, 72, open.len() as u16 + 7);
    let (inner, block) = popup(theme, f, r, &format!("Advance {id}"));
    f.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::raw(" Move "),
        Span::styled(from.as_str(), theme.style(Role::Status)),
        Span::raw(" → "),
        Span::styled(to.as_str(), theme.style(Role::Status)),
        Span::raw("?"),
    ])];
    if open.is_empty() {
        // Within one phase its checklist simply carries on; only
        // leaving the phase needs it done.
        let text = match (from.phase(), to.phase()) {
            (Some(a), Some(b)) if a == b => {
                format!(" Still the {a} phase: its checklist carries on.")
            }
            _ => " The checklist of this phase is complete.".to_string(),
        };
        lines.push(Line::from(Span::styled(text, theme.style(Role::Ok))));
    } else {
        lines.push(Line::from(Span::styled(
            format!(" {} open item(s) in this phase:", open.len()),
            theme.style(Role::Warn),
        )));
        for item in open {
            lines.push(Line::from(format!(
                "   [ ] {}",
                one_line(item, (inner.width as usize).saturating_sub(8))
            )));
        }
    }
    lines.push(Line::default());
    lines.push(keys);
    f.render_widget(Paragraph::new(lines), inner);
}

fn raise(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, id: IncidentId, keys: Line<'static>) {
    let r = centered(area, 60, 6);
    let (inner, block) = popup(theme, f, r, "Raise to SEV1");
    f.render_widget(block.border_style(theme.style(Role::Error)), r);
    let title = ctx
        .board
        .incidents
        .iter()
        .find(|i| i.id == id)
        .map(|i| one_line(&i.title, 40))
        .unwrap_or_default();
    let lines = vec![
        Line::from(vec![
            Span::raw(format!(" Raise {id} to ")),
            Span::styled(" SEV1 ", theme.sev(Severity::Sev1)),
            Span::raw(" (critical)?"),
        ]),
        Line::from(Span::styled(format!(" {title}"), theme.style(Role::Muted))),
        Line::default(),
        keys,
    ];
    f.render_widget(Paragraph::new(lines), inner);
}

fn write(f: &mut Frame, theme: &Theme, area: Rect, title: &str, text: &str, keys: Line<'static>) {
    let mut lines: Vec<Line> = text
        .lines()
        .map(|l| Line::from(Span::raw(format!(" {l}"))))
        .collect();
    lines.push(Line::default());
    lines.push(keys);
    let r = centered(area, 76, lines.len() as u16 + 4);
    let (inner, block) = popup(theme, f, r, title);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn discard(theme: &Theme, f: &mut Frame, area: Rect, what: &str, keys: Line<'static>) {
    let lines = vec![
        Line::from(Span::styled(
            format!(" {}", fit(what, 70)),
            theme.style(Role::Pending),
        )),
        Line::from(" It leaves the outbox and will never be sent."),
        Line::default(),
        keys,
    ];
    let r = centered(area, 76, 6);
    let (inner, block) = popup(theme, f, r, "Discard this queued action?");
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}

fn quit(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, keys: Line<'static>) {
    let mut lines = Vec::new();
    let pending = ctx.pending.iter().filter(|p| !p.foreign).count();
    if pending > 0 {
        lines.push(Line::from(Span::styled(
            format!(" {pending} action(s) are not delivered yet. They stay in the outbox"),
            theme.style(Role::Warn),
        )));
        lines.push(Line::from(
            " and are sent when you next open warroom on this backend.",
        ));
    }
    if ctx.has_unsent_drafts() {
        lines.push(Line::from(
            " You have unsent drafts. They are saved and will be there",
        ));
        lines.push(Line::from(" when you reopen the note editor."));
    }
    lines.push(Line::default());
    lines.push(keys);
    let r = centered(area, 72, lines.len() as u16 + 2);
    let (inner, block) = popup(theme, f, r, "Quit?");
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}
