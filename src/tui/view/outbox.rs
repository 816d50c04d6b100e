//! `:outbox`: the actions not yet delivered, and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{one_line, pad};
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

use super::popup::{centered, hint, popup};
use crate::tui::keymap::{Dialog, dialog_keys};

pub(super) fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect, cursor: usize) {
    let r = centered(area, 90, (app.pending.len() as u16 + 4).max(6));
    let (inner, block) = popup(
        theme,
        f,
        r,
        &format!("Outbox · {} pending", app.pending.len()),
    );
    f.render_widget(block, r);
    let mut lines: Vec<Line> = app
        .pending
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let st = if i == cursor {
                theme.style(Role::Selected)
            } else if p.foreign {
                theme.style(Role::Error)
            } else {
                theme.style(Role::Pending)
            };
            let inc = p
                .write
                .op
                .incident()
                .map_or("new".to_string(), |id| id.to_string());
            let err = if p.foreign {
                " · HELD: queued with other credentials (s: send as you)".to_string()
            } else {
                p.last_error
                    .as_deref()
                    .map(|e| format!(" · try {}: {}", p.attempt, one_line(e, 50)))
                    .unwrap_or_default()
            };
            Line::from(Span::styled(
                pad(&format!(" {inc:<8} {}{err}", p.what), inner.width as usize),
                st,
            ))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            " Nothing pending: every action was delivered.",
            theme.style(Role::Ok),
        )));
    }
    let held = app.pending.iter().any(|p| p.foreign);
    let keys = if held {
        Dialog::OutboxHeld
    } else {
        Dialog::Outbox
    };
    lines.push(hint(theme, dialog_keys(keys)));
    f.render_widget(Paragraph::new(lines), inner);
}
