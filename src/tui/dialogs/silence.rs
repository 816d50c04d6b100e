//! `z`: silencing an incident's alerts in Alertmanager. The dialog shows
//! the exact matchers and when the silence ends before it is made.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use super::keys::{DOWN, ENTER, ESC, Table, UP, backward, bind};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::IncidentId;
use crate::text::fit;
use crate::tui::app::{line_input, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, field, hint, popup};

/// Durations a silence can be given, in minutes.
pub const SILENCE_MINUTES: [u32; 6] = [15, 30, 60, 120, 240, 1440];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Duration,
    Silence,
    Cancel,
}

pub static KEYS: Table<Key> = Table {
    name: "silence (z)",
    binds: &[
        bind(&[UP, DOWN], "↑/↓", "duration", Key::Duration),
        bind(&[ENTER], "Enter", "silence", Key::Silence),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
    ],
};

pub struct SilenceForm {
    pub id: IncidentId,
    pub comment: TextArea<'static>,
    /// Index into [`SILENCE_MINUTES`].
    pub duration: usize,
}

impl SilenceForm {
    pub fn new(id: IncidentId) -> Self {
        Self {
            id,
            comment: line_input("", "why: e.g. rollback in progress, known cause"),
            duration: 2,
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        let n = SILENCE_MINUTES.len();
        match KEYS.lookup(&k) {
            Some(Key::Cancel) => return Outcome::close(),
            // ↑ is longer, ↓ shorter (the ▴ ▾ beside the duration).
            Some(Key::Duration) if backward(&k) => self.duration = (self.duration + 1).min(n - 1),
            Some(Key::Duration) => self.duration = self.duration.saturating_sub(1),
            Some(Key::Silence) => {
                let comment = text_of(&self.comment).trim().to_string();
                if comment.is_empty() {
                    return Outcome::stay();
                }
                return Outcome::close().with(Effect::Write(WriteOp::Silence {
                    id: self.id,
                    comment,
                    minutes: SILENCE_MINUTES[self.duration],
                }));
            }
            None => {
                self.comment.input(k);
            }
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(ctx, theme, f, area, self)
    }
}

fn draw(app: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, form: &SilenceForm) {
    // The exact matchers the silence gets: the alert group's labels (a
    // warroom incident's recorded group; an Alertmanager group's tags).
    let matchers: Vec<String> = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == form.id)
        .map(|i| match &i.alert_group {
            Some(g) => g
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect(),
            None => i
                .tags
                .iter()
                .filter_map(|t| t.split_once('='))
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect(),
        })
        .unwrap_or_default();
    let m_rows = (matchers.len() as u16).clamp(1, 4);
    let r = centered(area, 76, 9 + m_rows);
    let (inner, block) = popup(theme, f, r, &format!("Silence the alerts of {}", form.id));
    f.render_widget(block, r);
    let [c, d, m, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(m_rows + 1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    let mut mlines = vec![Line::from(Span::styled(
        " Matchers (every alert with all of these labels is silenced):",
        theme.style(Role::Muted),
    ))];
    if matchers.is_empty() {
        mlines.push(Line::from(Span::styled(
            "   the group's labels (not known yet)",
            theme.style(Role::Muted),
        )));
    }
    for chunk in matchers.chunks(3).take(m_rows as usize) {
        mlines.push(Line::from(Span::styled(
            fit(&format!("   {}", chunk.join(", ")), m.width as usize).into_owned(),
            theme.style(Role::Text),
        )));
    }
    f.render_widget(Paragraph::new(mlines), m);
    field(theme, f, c, &form.comment, "Comment (required)", true);
    let minutes = SILENCE_MINUTES[form.duration];
    let dur = if minutes >= 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" For  ", theme.style(Role::Muted)),
            Span::styled(format!(" ▴ {dur} ▾ "), theme.style(Role::Selected)),
            Span::styled(
                format!(
                    "  until {}",
                    (app.now + chrono::Duration::minutes(minutes as i64))
                        .format("%a %d %b %H:%M UTC")
                ),
                theme.style(Role::Muted),
            ),
        ])),
        d,
    );
    f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), h);
}
