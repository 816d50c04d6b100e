//! `:debrief`: a drill incident's debrief, as the server scores it (each
//! figure with its verdict, rule and recommended response, the facts the
//! team made true, the recommended response), read whole and scrollable.
//! `r` reads it again: a drill still running changes its score.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ESC, PGDN, PGUP, Table, UP, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::text::one_line;
use crate::tui::app::{Flash, Read};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Scroll,
    Reload,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "a drill's debrief (:debrief)",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k PgUp/PgDn",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('r')], "r", "read again", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

/// The debrief of drill `id`: `None` while it is read.
pub struct DebriefView {
    pub id: IncidentId,
    pub text: Option<Result<String, String>>,
    pub scroll: u16,
}

impl DebriefView {
    /// For the selected incident, when it is a drill; otherwise a message
    /// saying how to start one.
    pub fn open(ctx: &Ctx) -> Option<Outcome> {
        let inc = ctx.selected_incident()?;
        if inc.drill.is_none() {
            return Some(Outcome::stay().with(Effect::Flash(Flash::info(
                "debrief",
                format!(
                    "{} is not a drill: only a drill has a debrief (`warroom drill` starts one)",
                    inc.id
                ),
            ))));
        }
        let id = inc.id;
        Some(
            Outcome::open(DebriefView {
                id,
                text: None,
                scroll: 0,
            })
            .with(Effect::Read(Read::Debrief(id))),
        )
    }

    /// The answer, if it is for this incident.
    pub fn fill(&mut self, id: IncidentId, r: Result<String, String>) {
        if self.id == id {
            self.text = Some(r);
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => self.scroll = super::keys::scrolled(self.scroll, &k),
            Some(Key::Reload) => {
                self.text = None;
                return Outcome::stay().with(Effect::Read(Read::Debrief(self.id)));
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let r = centered(area, 120, area.height.saturating_sub(2));
        let (inner, block) = popup(theme, f, r, &format!("Drill debrief · {}", self.id));
        f.render_widget(block, r);
        let body = Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        };
        let keys = Rect {
            y: inner.y + body.height,
            height: inner.height.min(1),
            ..inner
        };
        f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), keys);
        let lines: Vec<Line> = match &self.text {
            None => vec![Line::from(Span::styled(
                " reading…",
                theme.style(Role::Muted),
            ))],
            Some(Err(e)) => vec![Line::from(Span::styled(
                format!(" {}", one_line(e, 200)),
                theme.style(Role::Error),
            ))],
            Some(Ok(t)) => t.lines().map(|l| styled(theme, l)).collect(),
        };
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            body,
        );
    }
}

/// A debrief line, its verdict in colour. The text was cleaned of
/// terminal controls when it was read (`client::…::document`).
fn styled<'a>(theme: &Theme, l: &str) -> Line<'a> {
    let style = if l.starts_with('#') {
        theme.style(Role::Title)
    } else if l.contains("✗ ") {
        theme.style(Role::Error)
    } else if l.contains("✓ met") {
        theme.style(Role::Ok)
    } else {
        theme.style(Role::Text)
    };
    Line::from(Span::styled(l.to_string(), style))
}
