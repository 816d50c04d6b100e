//! `Enter` on the state pane: one task, hypothesis or decision whole. A
//! hypothesis shows the timeline entries linked as its evidence, each as
//! the timeline says it (an entry older than the loaded page is named by
//! number, with `:event N` to go to it).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::{DOWN, ENTER, ESC, PGDN, PGUP, Table, UP, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::tui::app::state_pane::StateRow;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Scroll,
    Copy,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "reading a task, hypothesis or decision (Enter)",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('y')], "y", "copy", Key::Copy),
        bind(&[ESC, ENTER, ch('q')], "Esc", "close", Key::Close),
    ],
};

pub struct StateItemView {
    pub id: IncidentId,
    pub row: StateRow,
    scroll: u16,
}

impl StateItemView {
    pub fn new(id: IncidentId, row: StateRow) -> Self {
        Self { id, row, scroll: 0 }
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => self.scroll = super::keys::scrolled(self.scroll, &k),
            Some(Key::Copy) => {
                let text = lines(ctx, self.id, self.row)
                    .into_iter()
                    .map(|(_, s)| s.trim().to_string())
                    .collect::<Vec<_>>()
                    .join("\n");
                return Outcome::stay().with(Effect::Copy(text));
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let body = lines(ctx, self.id, self.row);
        // As tall as the wrapped text, up to the screen.
        let inner_w = 90.min(area.width).saturating_sub(2).max(1) as usize;
        let rows: usize = body
            .iter()
            .map(|(_, s)| crate::text::width(s).div_ceil(inner_w).max(1))
            .sum();
        let h = (rows as u16 + 3).clamp(6, area.height.saturating_sub(2).max(6));
        let r = centered(area, 90, h);
        let title = match self.row {
            StateRow::Task(n) => format!("{} task #{n}", self.id),
            StateRow::Hypothesis(n) => format!("{} hypothesis H{n}", self.id),
            StateRow::Decision(n) => format!("{} decision D{n}", self.id),
        };
        let (inner, block) = popup(theme, f, r, &title);
        f.render_widget(block, r);
        let [b, k] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        let text: Vec<Line> = body
            .into_iter()
            .map(|(role, s)| Line::from(Span::styled(s, theme.style(role))))
            .collect();
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            b,
        );
        f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), k);
    }
}

fn lines(ctx: &Ctx, id: IncidentId, row: StateRow) -> Vec<(Role, String)> {
    let Some(d) = ctx.board.details.get(&id) else {
        return vec![(Role::Muted, format!(" {id} is being read…"))];
    };
    let s = &d.state;
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%H:%M:%S UTC").to_string();
    let mut out = Vec::new();
    match row {
        StateRow::Task(n) => {
            let Some(t) = s.tasks.iter().find(|t| t.id == n) else {
                return vec![(Role::Muted, " gone".into())];
            };
            out.push((Role::Text, format!(" {}", t.title)));
            out.push((
                Role::Muted,
                format!(
                    " {} · owner {} · given by {} at {}",
                    t.status,
                    t.owner.as_deref().unwrap_or("nobody yet"),
                    t.assigned_by,
                    at(t.assigned_at)
                ),
            ));
            if let Some(due) = t.due_at {
                let left = (due - ctx.now).num_seconds();
                out.push((
                    if left < 0 { Role::Error } else { Role::Text },
                    format!(
                        " time box ends {} ({})",
                        at(due),
                        crate::tui::view::countdown_for(left, ctx.low_bandwidth)
                    ),
                ));
            }
            if let Some(r) = &t.result {
                out.push((Role::Text, format!(" result: {r}")));
            }
        }
        StateRow::Hypothesis(n) => {
            let Some(h) = s.hypotheses.iter().find(|h| h.id == n) else {
                return vec![(Role::Muted, " gone".into())];
            };
            out.push((Role::Text, format!(" {}", h.text)));
            out.push((
                Role::Muted,
                format!(" {} · raised by {} at {}", h.status, h.by, at(h.at)),
            ));
            if let (Some(by), Some(when)) = (&h.decided_by, h.decided_at) {
                let why = h.why.as_deref().unwrap_or("no reason given");
                out.push((
                    Role::Text,
                    format!(" {} by {by} at {}: {why}", h.status, at(when)),
                ));
            }
            if h.evidence.is_empty() {
                out.push((Role::Muted, " no evidence linked".into()));
            } else {
                out.push((Role::Title, " Evidence".into()));
            }
            for seq in &h.evidence {
                match d.timeline.iter().find(|e| e.seq == *seq) {
                    Some(e) => out.push((
                        Role::Text,
                        format!(
                            "   #{seq} {} {} {}",
                            e.at.format("%H:%M:%S"),
                            e.kind.tag(),
                            e.kind.describe()
                        ),
                    )),
                    None => out.push((
                        Role::Muted,
                        format!("   #{seq} (older than the page read: :event {seq} goes there)"),
                    )),
                }
            }
        }
        StateRow::Decision(n) => {
            let Some(dc) = s.decisions.iter().find(|x| x.id == n) else {
                return vec![(Role::Muted, " gone".into())];
            };
            out.push((Role::Text, format!(" {}", dc.text)));
            out.push((
                Role::Muted,
                format!(
                    " by {} at {} · objections {}",
                    dc.by,
                    at(dc.at),
                    if dc.objections_asked {
                        "asked"
                    } else {
                        "NOT asked"
                    }
                ),
            ));
            if !dc.why.is_empty() {
                out.push((Role::Text, format!(" why: {}", dc.why)));
            }
            if let Some(o) = dc.supersedes {
                out.push((Role::Muted, format!(" supersedes D{o}")));
            }
        }
    }
    out
}
