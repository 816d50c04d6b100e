//! `:deliveries`: each notification the incident caused, newest first:
//! its target, what it was about, and delivered / retrying / failed with
//! why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ESC, Table, UP, bind, ch};
use super::list::{ListDialog, Words};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::model::wire::DeliveryInfo;
use crate::text::{fit, one_line};
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Reload,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: ":deliveries",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ch('r')], "r", "reload", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

const WORDS: Words = Words {
    loading: "reading…",
    empty: "Nothing sent: no target subscribes to what happened here.",
    error_chars: 100,
};

/// `:deliveries`: who was told what about `id`, and how each went.
pub struct DeliveriesView {
    pub id: IncidentId,
    pub list: ListDialog<DeliveryInfo>,
}

impl DeliveriesView {
    pub fn open(ctx: &Ctx) -> Option<Outcome> {
        let id = ctx.selected?;
        Some(
            Outcome::open(DeliveriesView {
                id,
                list: ListDialog::default(),
            })
            .with(Effect::Read(Read::Deliveries(id))),
        )
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Move) => self.list.step(&k),
            Some(Key::Reload) => {
                self.list.reload();
                return Outcome::stay().with(Effect::Read(Read::Deliveries(self.id)));
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(theme, f, area, self)
    }
}

fn draw(theme: &Theme, f: &mut Frame, area: Rect, v: &DeliveriesView) {
    let id = v.id;
    let n = v.list.loaded().map_or(1, |l| l.len().clamp(1, 20)) as u16;
    let r = centered(area, 110, (n + 3).min(area.height));
    let (inner, block) = popup(theme, f, r, &format!("Notifications · {id}"));
    f.render_widget(block, r);
    let rows = inner.height.saturating_sub(1) as usize;
    let w = inner.width as usize;
    let mut lines = v
        .list
        .lines(theme, &WORDS, rows, |d, sel| row(theme, d, sel, w));
    lines.truncate(rows);
    lines.push(hint(theme, &KEYS.hints()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn row<'a>(theme: &Theme, d: &DeliveryInfo, selected: bool, w: usize) -> Line<'a> {
    let (state, style) = match d.status.as_str() {
        "delivered" => ("✓ delivered", theme.style(Role::Ok)),
        "failed" => ("✗ failed", theme.style(Role::Error)),
        _ => ("⧗ retrying", theme.style(Role::Pending)),
    };
    let state = if d.status == "pending" && d.attempts == 0 {
        "⧗ sending"
    } else {
        state
    };
    let when = d.created_at.get(11..19).unwrap_or("");
    let why = d
        .last_error
        .as_deref()
        .map(|e| format!(" · {e}"))
        .unwrap_or_default();
    let text = format!(
        " {when}  {:<18} {:<20} {state} (tries {}){why}",
        one_line(&d.target, 18),
        d.subject,
        d.attempts
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else {
        style
    };
    Line::from(Span::styled(fit(&text, w).into_owned(), style))
}
