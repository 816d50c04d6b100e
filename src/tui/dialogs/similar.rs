//! Seen before: the closest past incidents on top, the last notes of the
//! one under the cursor below (what fixed it).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ENTER, ESC, Table, UP, bind, ch};
use super::list::{ListDialog, Words};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::model::wire::Similar;
use crate::text::{duration, fit, one_line};
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Open,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "seen before (b)",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ENTER], "Enter", "open it", Key::Open),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

const WORDS: Words = Words {
    loading: "looking…",
    empty: "Nothing like it among resolved incidents.",
    error_chars: 100,
};

/// Seen before (`b`): resolved incidents like `id`, closest first, with
/// how long each took and its last notes before the resolution.
pub struct SimilarView {
    pub id: IncidentId,
    pub list: ListDialog<Similar>,
}

impl SimilarView {
    /// The view for the incident being looked at, and the read that fills it.
    pub fn open(ctx: &Ctx) -> Option<Outcome> {
        let id = ctx.selected?;
        Some(
            Outcome::open(SimilarView {
                id,
                list: ListDialog::default(),
            })
            .with(Effect::Read(Read::Similar(id))),
        )
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => Outcome::close(),
            Some(Key::Move) => {
                self.list.step(&k);
                Outcome::stay()
            }
            // Any incident, read by id (a closed one is read-only).
            Some(Key::Open) => match self.list.selected() {
                Some(s) => Outcome::close().with(Effect::Jump(s.incident.id)),
                None => Outcome::stay(),
            },
            None => Outcome::stay(),
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(theme, f, area, self)
    }
}

fn draw(theme: &Theme, f: &mut Frame, area: Rect, v: &SimilarView) {
    // As tall as the matches and four lines of notes need.
    let n = v.list.loaded().map_or(1, |l| l.len().clamp(1, 12)) as u16;
    let id = v.id;
    let r = centered(area, 120, (n + 9).min(area.height.saturating_sub(2)));
    let (inner, block) = popup(theme, f, r, &format!("Seen before · like {id}"));
    f.render_widget(block, r);
    let [top, bottom, keys] = Layout::vertical([
        Constraint::Length(n + 1),
        Constraint::Min(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), keys);
    let (h, w) = (top.height as usize, top.width as usize);
    let rows = v
        .list
        .lines(theme, &WORDS, h, |s, sel| row(theme, s, sel, w));
    f.render_widget(Paragraph::new(rows), top);
    if v.list.loaded().is_some_and(|l| !l.is_empty()) {
        let notes = last_notes(theme, v.list.selected());
        f.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), bottom);
    }
}

/// One past incident: severity, id, status, how long it took, title.
fn row<'a>(theme: &Theme, s: &Similar, selected: bool, w: usize) -> Line<'a> {
    let took = s
        .resolved_in_seconds
        .map_or("-".into(), |x| duration(chrono::Duration::seconds(x)));
    let text = format!(
        "{:<9} {:<10} resolved in {:<6}  {}",
        s.incident.id.to_string(),
        s.incident.status.as_str(),
        took,
        one_line(&s.incident.title, 200)
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else {
        theme.style(Role::Text)
    };
    Line::from(vec![
        Span::styled(
            format!(" {} ", s.incident.severity),
            theme.sev(s.incident.severity),
        ),
        Span::raw(" "),
        Span::styled(fit(&text, w.saturating_sub(7)).into_owned(), style),
    ])
}

/// The picked incident's last notes before it was resolved: what fixed it.
fn last_notes<'a>(theme: &Theme, picked: Option<&Similar>) -> Vec<Line<'a>> {
    let muted = theme.style(Role::Muted);
    let mut notes = vec![Line::from(Span::styled(
        " Last notes before it was resolved:",
        theme.style(Role::Title),
    ))];
    match picked {
        Some(s) if !s.last_notes.is_empty() => {
            for e in &s.last_notes {
                notes.push(Line::from(vec![
                    Span::styled(
                        format!(
                            " {} {}: ",
                            e.at.format("%m-%d %H:%M"),
                            one_line(&e.author, 16)
                        ),
                        muted,
                    ),
                    Span::raw(one_line(&e.kind.describe(), 400)),
                ]));
            }
        }
        _ => notes.push(Line::from(Span::styled(" none recorded", muted))),
    }
    notes
}
