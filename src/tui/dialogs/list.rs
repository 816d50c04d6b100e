//! What every list dialog shares (closed, seen before, deliveries,
//! silences, follow-ups): rows that arrive later or fail, a cursor kept on
//! the rows, and the body drawn windowed around the cursor, so a long
//! answer costs what fits on screen.

use ratatui::text::{Line, Span};

use crate::text::one_line;
use crate::tui::theme::{Role, Theme};

pub struct ListDialog<T> {
    /// `None` while loading; `Err` says why there are none.
    pub rows: Option<Result<Vec<T>, String>>,
    pub cursor: usize,
}

impl<T> Default for ListDialog<T> {
    fn default() -> Self {
        Self {
            rows: None,
            cursor: 0,
        }
    }
}

/// How a list says its states.
pub struct Words {
    pub loading: &'static str,
    pub empty: &'static str,
    /// How much of an error is shown.
    pub error_chars: usize,
}

impl<T> ListDialog<T> {
    pub fn loaded(&self) -> Option<&[T]> {
        self.rows
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|v| &v[..])
    }

    pub fn len(&self) -> usize {
        self.loaded().map_or(0, <[T]>::len)
    }

    /// No rows to move over (still loading, failed, or none).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected(&self) -> Option<&T> {
        self.loaded().and_then(|l| l.get(self.cursor))
    }

    /// One row back or on, as the two-way key says.
    pub fn step(&mut self, k: &ratatui::crossterm::event::KeyEvent) {
        self.cursor = super::keys::step(self.cursor, self.len(), k);
    }

    /// Back to loading (a reload asked for).
    pub fn reload(&mut self) {
        *self = Self::default();
    }

    /// The answer arrived (the cursor stays, within the rows).
    pub fn fill(&mut self, r: Result<Vec<T>, String>) {
        self.rows = Some(r);
        self.cursor = self.cursor.min(self.len().saturating_sub(1));
    }

    /// The body: loading, the error, the empty text, or the rows that fit
    /// in `height`, windowed so the cursor is on screen.
    pub fn lines<'a>(
        &self,
        theme: &Theme,
        words: &Words,
        height: usize,
        mut row: impl FnMut(&T, bool) -> Line<'a>,
    ) -> Vec<Line<'a>> {
        match &self.rows {
            None => vec![Line::from(Span::styled(
                format!(" {}", words.loading),
                theme.style(Role::Muted),
            ))],
            Some(Err(e)) => vec![Line::from(Span::styled(
                format!(" {}", one_line(e, words.error_chars)),
                theme.style(Role::Error),
            ))],
            Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
                format!(" {}", words.empty),
                theme.style(Role::Muted),
            ))],
            Some(Ok(l)) => {
                let start = crate::tui::view::window_start(self.cursor, l.len(), height);
                l[start..(start + height).min(l.len())]
                    .iter()
                    .enumerate()
                    .map(|(i, t)| row(t, start + i == self.cursor))
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stays_on_the_rows_through_moves_and_answers() {
        let down =
            ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Down);
        let mut l: ListDialog<u32> = ListDialog::default();
        l.step(&down);
        assert_eq!(l.cursor, 0, "nothing to move over while loading");
        l.fill(Ok(vec![1, 2, 3]));
        l.step(&down);
        l.step(&down);
        l.step(&down);
        assert_eq!(l.selected(), Some(&3));
        l.fill(Ok(vec![9]));
        assert_eq!(
            l.selected(),
            Some(&9),
            "a shorter answer pulls the cursor in"
        );
        l.fill(Err("gone".into()));
        assert_eq!(l.selected(), None);
        l.reload();
        assert!(l.rows.is_none());
    }
}
