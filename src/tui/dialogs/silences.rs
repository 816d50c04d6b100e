//! `:silences`: the backend's silences; `d` expires one (after saying
//! what pages again), `r` reloads.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::confirm::Confirm;
use super::keys::{DOWN, ESC, Table, UP, bind, ch};
use super::list::{ListDialog, Words};
use super::{Ctx, Effect, Outcome};
use crate::client::{SilenceInfo, SilenceState, WriteOp};
use crate::text::pad;
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Expire,
    Reload,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: ":silences",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ch('d')], "d", "expire", Key::Expire),
        bind(&[ch('r')], "r", "reload", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

const WORDS: Words = Words {
    loading: "loading…",
    empty: "No silences.",
    error_chars: 90,
};

#[derive(Default)]
pub struct SilencesView {
    pub list: ListDialog<SilenceInfo>,
}

impl SilencesView {
    pub fn open() -> Outcome {
        Outcome::open(SilencesView::default()).with(Effect::Read(Read::Silences))
    }

    /// A fresh answer: the cursor starts again on the first.
    pub fn fill(&mut self, r: Result<Vec<SilenceInfo>, String>) {
        self.list.cursor = 0;
        self.list.fill(r);
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Move) => self.list.step(&k),
            Some(Key::Reload) => return Self::open(),
            Some(Key::Expire) => {
                if let Some(s) = self
                    .list
                    .selected()
                    .filter(|s| s.state != SilenceState::Expired)
                {
                    // Expiring re-enables paging for everything it matched.
                    return Outcome::open(Confirm::Write {
                        title: "Expire this silence?".into(),
                        text: format!(
                            "Alerts matching {} will notify and page again at once.",
                            s.matchers
                        ),
                        op: WriteOp::ExpireSilence {
                            silence_id: s.id.clone(),
                        },
                    });
                }
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let rows = self.list.loaded().map_or(1, <[SilenceInfo]>::len) as u16;
        let r = centered(area, 100, (rows + 4).max(6).min(area.height));
        let (inner, block) = popup(theme, f, r, "Silences");
        f.render_widget(block, r);
        let h = inner.height.saturating_sub(1) as usize;
        let w = inner.width as usize;
        let mut lines = self.list.lines(theme, &WORDS, h, |s, selected| {
            let st = if selected {
                theme.style(Role::Selected)
            } else if s.state == SilenceState::Active {
                theme.style(Role::Text)
            } else {
                theme.style(Role::Muted)
            };
            let text = format!(
                " {:<8} until {}  {}  by {}: {}",
                s.state.to_string(),
                s.ends_at.format("%m-%d %H:%M"),
                s.matchers,
                s.created_by,
                s.comment
            );
            Line::from(Span::styled(pad(&text, w), st))
        });
        lines.push(hint(theme, &KEYS.hints()));
        f.render_widget(Paragraph::new(lines), inner);
    }
}
