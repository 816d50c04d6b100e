//! `f`: filter by a severity or a status (or open `:closed`, which is not
//! a filter of the list but where closed incidents are).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::closed::ClosedView;
use super::keys::{DOWN, ENTER, ESC, Table, UP, bind, ch, step};
use super::{Ctx, Effect, Outcome};
use crate::model::{Severity, Status};
use crate::text::pad;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Pick,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "filter by (f)",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "choose", Key::Move),
        bind(&[ENTER], "Enter", "filter", Key::Pick),
        bind(&[ESC, ch('q')], "Esc/q", "close", Key::Close),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Filter(Pick),
    /// Not a filter of the list: opens `:closed`.
    Closed,
}

/// A change to the list's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Severity and status both cleared.
    Clear,
    Severity(Severity),
    Status(Status),
}

pub struct FilterPick {
    pub options: Vec<(String, Choice)>,
    pub cursor: usize,
}

impl Default for FilterPick {
    /// Every severity, every status the list holds (closed ones have their
    /// own view, offered last).
    fn default() -> Self {
        let mut options = vec![(
            "all incidents (clear)".to_string(),
            Choice::Filter(Pick::Clear),
        )];
        options.extend(Severity::ALL.map(|s| {
            (
                format!("severity {s} ({})", s.label()),
                Choice::Filter(Pick::Severity(s)),
            )
        }));
        options.extend(
            Status::ALL
                .into_iter()
                .filter(|s| *s != Status::Closed)
                .map(|s| (format!("status {s}"), Choice::Filter(Pick::Status(s)))),
        );
        options.push(("closed incidents… (:closed)".to_string(), Choice::Closed));
        Self { options, cursor: 0 }
    }
}

impl FilterPick {
    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => Outcome::close(),
            Some(Key::Move) => {
                self.cursor = step(self.cursor, self.options.len(), &k);
                Outcome::stay()
            }
            Some(Key::Pick) => match self.options[self.cursor].1 {
                Choice::Closed => ClosedView::open(),
                Choice::Filter(p) => Outcome::close().with(Effect::FilterPick(p)),
            },
            None => Outcome::stay(),
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let r = centered(area, 44, self.options.len() as u16 + 2);
        let (inner, block) = popup(theme, f, r, "Filter by");
        f.render_widget(block, r);
        let lines: Vec<Line> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, (label, _))| {
                let st = if i == self.cursor {
                    theme.style(Role::Selected)
                } else {
                    theme.style(Role::Text)
                };
                Line::from(Span::styled(
                    pad(&format!(" {label}"), inner.width as usize),
                    st,
                ))
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}
