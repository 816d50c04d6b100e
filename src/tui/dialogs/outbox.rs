//! `:outbox`: the actions not yet delivered, and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::crossterm::event::KeyEvent;

use super::confirm::Confirm;
use super::keys::{DOWN, ESC, Table, UP, bind, ch, step};
use super::{Ctx, Effect, Outcome};
use crate::text::{one_line, pad};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Discard,
    Adopt,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: ":outbox",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ch('d')], "d", "discard", Key::Discard),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

/// With writes held (queued under other credentials), `s` sends one as
/// whoever is signed in now.
pub static HELD_KEYS: Table<Key> = Table {
    name: ":outbox with held actions",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ch('d')], "d", "discard", Key::Discard),
        bind(&[ch('s')], "s", "send held as you", Key::Adopt),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

/// Pending writes (`:outbox`): select and `d` to discard.
#[derive(Debug, Default)]
pub struct OutboxView {
    pub cursor: usize,
}

impl OutboxView {
    fn keys(ctx: &Ctx) -> &'static Table<Key> {
        if ctx.pending.iter().any(|p| p.foreign) {
            &HELD_KEYS
        } else {
            &KEYS
        }
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        let picked = ctx.pending.get(self.cursor);
        match Self::keys(ctx).lookup(&k) {
            Some(Key::Close) => Outcome::close(),
            Some(Key::Move) => {
                self.cursor = step(self.cursor, ctx.pending.len(), &k);
                Outcome::stay()
            }
            Some(Key::Discard) => match picked {
                Some(p) => {
                    let inc = p
                        .write
                        .op
                        .incident()
                        .map_or("new".into(), |id| id.to_string());
                    Outcome::open(Confirm::Discard {
                        key: p.write.key.clone(),
                        what: format!("{inc}: {}", p.what),
                    })
                }
                None => Outcome::stay(),
            },
            Some(Key::Adopt) => match picked.filter(|p| p.foreign) {
                Some(p) => Outcome::stay().with(Effect::Adopt(p.write.key.clone())),
                None => Outcome::stay(),
            },
            None => Outcome::stay(),
        }
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(ctx, theme, f, area, self.cursor)
    }
}

fn draw(app: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, cursor: usize) {
    let r = centered(area, 90, (app.pending.len() as u16 + 4).max(6));
    let (inner, block) = popup(
        theme,
        f,
        r,
        &format!("Outbox · {} pending", app.pending.len()),
    );
    f.render_widget(block, r);
    let mut lines: Vec<Line> = app
        .pending
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let st = if i == cursor {
                theme.style(Role::Selected)
            } else if p.foreign {
                theme.style(Role::Error)
            } else {
                theme.style(Role::Pending)
            };
            let inc = p
                .write
                .op
                .incident()
                .map_or("new".to_string(), |id| id.to_string());
            let err = if p.foreign {
                " · HELD: queued with other credentials (s: send as you)".to_string()
            } else {
                p.last_error
                    .as_deref()
                    .map(|e| format!(" · try {}: {}", p.attempt, one_line(e, 50)))
                    .unwrap_or_default()
            };
            Line::from(Span::styled(
                pad(&format!(" {inc:<8} {}{err}", p.what), inner.width as usize),
                st,
            ))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            " Nothing pending: every action was delivered.",
            theme.style(Role::Ok),
        )));
    }
    lines.push(hint(theme, &OutboxView::keys(app).hints()));
    f.render_widget(Paragraph::new(lines), inner);
}
