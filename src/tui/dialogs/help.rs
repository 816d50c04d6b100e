//! `?`: every key of the main screen (greyed, with why, where this backend
//! or token cannot use it), then each dialog's keys from the tables that
//! dispatch them.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::{DOWN, ENTER, ESC, PGDN, PGUP, Table, UP, bind, ch};
use super::{Ctx, Outcome, TABLES};
use crate::text::pad;
use crate::tui::app::offers::refusal;
use crate::tui::keymap::BINDINGS;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, popup};

/// Lines of the help screen at most: every key (and a line for why it is
/// greyed, when that does not fit beside it), two lines of commands, then
/// a blank line, a title and a line per dialog table.
pub fn help_lines() -> usize {
    BINDINGS.len() * 2 + 2 + 2 + TABLES.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Close,
    Down,
    Up,
}

pub static KEYS: Table<Key> = Table {
    name: "help (?)",
    binds: &[
        bind(
            &[ESC, ch('?'), ch('q'), ENTER],
            "Esc/?/q/Enter",
            "close",
            Key::Close,
        ),
        bind(&[ch('j'), DOWN, PGDN], "j/↓/PgDn", "down", Key::Down),
        bind(&[ch('k'), UP, PGUP], "k/↑/PgUp", "up", Key::Up),
    ],
};

/// The key list, scrolled down by `scroll` lines on small screens.
#[derive(Debug, Default)]
pub struct Help {
    pub scroll: usize,
}

impl Help {
    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Down) => self.scroll += 1,
            Some(Key::Up) => self.scroll = self.scroll.saturating_sub(1),
            None => {}
        }
        self.scroll = self.scroll.min(help_lines());
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        // As wide as the screen allows; a reason that still does not fit
        // goes on a line of its own under its key, never cut.
        let width = area.width.saturating_sub(4).min(150);
        let room = width.saturating_sub(2) as usize;
        let mut lines: Vec<Line> = Vec::new();
        for b in BINDINGS.iter() {
            // Keys this backend or token cannot use are greyed, with why.
            let why = refusal(ctx.caps, ctx.selected_incident(), ctx.me, b.act, false);
            let (key_style, help_style) = if why.is_some() {
                (theme.style(Role::Muted), theme.style(Role::Muted))
            } else {
                (theme.style(Role::Key), theme.style(Role::Text))
            };
            let panes = if b.panes.is_empty() {
                String::new()
            } else {
                let names: Vec<_> = b.panes.iter().map(|p| p.title()).collect();
                format!("  ({})", names.join(", "))
            };
            let mut spans = vec![
                Span::styled(pad(&format!(" {}", b.label), 15), key_style),
                Span::styled(b.help, help_style),
            ];
            let reason = why.map(|w| format!("  ✗ {w}"));
            let used = 15 + crate::text::width(b.help) + crate::text::width(&panes);
            let beside = reason
                .as_ref()
                .is_some_and(|r| used + crate::text::width(r) <= room);
            if beside && let Some(r) = &reason {
                spans.push(Span::styled(r.clone(), theme.style(Role::Muted)));
            }
            if !panes.is_empty() {
                spans.push(Span::styled(panes, theme.style(Role::Muted)));
            }
            lines.push(Line::from(spans));
            if !beside && let Some(r) = reason {
                lines.push(Line::from(Span::styled(
                    format!("{}{}", " ".repeat(15), r.trim_start()),
                    theme.style(Role::Muted),
                )));
            }
        }
        lines.push(Line::from(Span::styled(
            " Esc      close dialogs and overlays; clears the filter",
            theme.style(Role::Muted),
        )));
        lines.push(Line::from(Span::styled(
            " :outbox  pending actions   :reopen  back to investigating   :retry  reach the backend now   :INC-7  jump",
            theme.style(Role::Muted),
        )));
        lines.extend(dialog_help(theme));
        let total = lines.len();
        let h = (total as u16 + 2).min(area.height);
        let r = centered(area, width, h);
        let more = total > h.saturating_sub(2) as usize;
        let (inner, block) = popup(theme, f, r, if more { "Keys (j/k scroll)" } else { "Keys" });
        f.render_widget(block, r);
        let scroll = self
            .scroll
            .min(lines.len().saturating_sub(inner.height as usize));
        f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
    }
}

/// "In dialogs": each dialog's keys, from the table that dispatches them.
fn dialog_help<'a>(theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(" In dialogs", theme.style(Role::Title))),
    ];
    for t in TABLES {
        let mut spans = vec![Span::styled(
            pad(&format!(" {}", t.name()), 38),
            theme.style(Role::Muted),
        )];
        for (k, what) in t.hints() {
            spans.push(Span::styled(format!("{k} "), theme.style(Role::Key)));
            spans.push(Span::styled(format!("{what}  "), theme.style(Role::Text)));
        }
        lines.push(Line::from(spans));
    }
    lines
}
