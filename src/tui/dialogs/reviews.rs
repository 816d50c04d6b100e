//! `:reviews`: the open reviews after the outage, the overdue first (the
//! owner, the status, what is due next and when). Enter opens the
//! incident; `:review-owner NAME` and `:review-move STATUS` act on the
//! selected incident's review.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::{DOWN, ENTER, ESC, Table, UP, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::model::review::ReviewEntry;
use crate::text::{fit, one_line, pad};
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Down,
    Up,
    Open,
    Reload,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "reviews after the outage (:reviews)",
    binds: &[
        bind(&[ch('j'), DOWN], "j", "down", Key::Down),
        bind(&[ch('k'), UP], "k", "up", Key::Up),
        bind(&[ENTER], "Enter", "open the incident", Key::Open),
        bind(&[ch('r')], "r", "read again", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

#[derive(Default)]
pub struct ReviewsView {
    /// `None` while read.
    pub list: Option<Result<Vec<ReviewEntry>, String>>,
    pub cursor: usize,
}

impl ReviewsView {
    pub fn open() -> Outcome {
        Outcome::open(ReviewsView::default()).with(Effect::Read(Read::Reviews))
    }

    pub fn fill(&mut self, r: Result<Vec<ReviewEntry>, String>) {
        self.list = Some(r);
        self.cursor = 0;
    }

    fn rows(&self) -> &[ReviewEntry] {
        match &self.list {
            Some(Ok(v)) => v,
            _ => &[],
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        let n = self.rows().len();
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Down) => self.cursor = (self.cursor + 1).min(n.saturating_sub(1)),
            Some(Key::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Key::Reload) => {
                self.list = None;
                return Outcome::stay().with(Effect::Read(Read::Reviews));
            }
            Some(Key::Open) => {
                if let Some(id) = self
                    .rows()
                    .get(self.cursor)
                    .and_then(|r| r.incident.parse::<IncidentId>().ok())
                {
                    return Outcome::close().with(Effect::Jump(id));
                }
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let r = centered(area, 110, area.height.saturating_sub(4).max(8));
        let (inner, block) = popup(theme, f, r, "Reviews after the outage");
        f.render_widget(block, r);
        let w = inner.width as usize;
        let mut lines = Vec::new();
        match &self.list {
            None => lines.push(Line::from(Span::styled(
                " reading…",
                theme.style(Role::Muted),
            ))),
            Some(Err(e)) => lines.push(Line::from(Span::styled(
                format!(" {}", one_line(e, 200)),
                theme.style(Role::Error),
            ))),
            Some(Ok(v)) if v.is_empty() => lines.push(Line::from(Span::styled(
                " No open reviews. A SEV1/SEV2 gets one at resolution (:review-owner NAME).",
                theme.style(Role::Muted),
            ))),
            Some(Ok(v)) => {
                let height = inner.height.saturating_sub(2) as usize;
                let start = self.cursor.saturating_sub(height.saturating_sub(1));
                for (i, e) in v.iter().enumerate().skip(start).take(height) {
                    let next = match (&e.next, e.next_due) {
                        (Some(what), Some(at)) => format!(
                            "{}{what} {}",
                            if e.overdue { "OVERDUE " } else { "" },
                            crate::text::when(at, ctx.now, crate::text::TimeMode::Absolute)
                        ),
                        _ => "-".into(),
                    };
                    let text = format!(
                        " {} {} {} {} {} {}",
                        pad(&e.incident, 10),
                        pad(&e.severity, 5),
                        pad(e.review.status.label(), 10),
                        pad(&one_line(&e.review.owner, 12), 12),
                        pad(&next, 30),
                        one_line(&e.title, 80)
                    );
                    let mut style = if e.overdue {
                        theme.style(Role::Warn)
                    } else {
                        theme.style(Role::Text)
                    };
                    if i == self.cursor {
                        style = theme.style(Role::Selected);
                    }
                    lines.push(Line::from(Span::styled(fit(&text, w).into_owned(), style)));
                }
            }
        }
        let body = Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        };
        f.render_widget(Paragraph::new(lines), body);
        let keys = Rect {
            y: inner.y + body.height,
            height: inner.height.min(1),
            ..inner
        };
        f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), keys);
    }
}
