//! `:deliveries`: each notification the incident caused, newest first:
//! its target, what it was about, and delivered / retrying / failed with
//! why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list::window_start;
use super::popup::{centered, hint, popup};
use crate::model::IncidentId;
use crate::model::wire::DeliveryInfo;
use crate::text::{fit, one_line};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    id: IncidentId,
    list: Option<&Result<Vec<DeliveryInfo>, String>>,
    cursor: usize,
) {
    let n = list
        .and_then(|l| l.as_ref().ok())
        .map_or(1, |l| l.len().clamp(1, 20)) as u16;
    let r = centered(area, 110, (n + 3).min(area.height));
    let (inner, block) = popup(theme, f, r, &format!("Notifications · {id}"));
    f.render_widget(block, r);
    let muted = theme.style(Role::Muted);
    let rows = inner.height.saturating_sub(1) as usize;
    let mut lines: Vec<Line> = match list {
        None => vec![Line::from(Span::styled(" reading…", muted))],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!(" {}", one_line(e, 100)),
            theme.style(Role::Error),
        ))],
        Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
            " Nothing sent: no target subscribes to what happened here.",
            muted,
        ))],
        Some(Ok(l)) => {
            let start = window_start(cursor, l.len(), rows);
            l[start..(start + rows).min(l.len())]
                .iter()
                .enumerate()
                .map(|(i, d)| row(theme, d, start + i == cursor, inner.width as usize))
                .collect()
        }
    };
    lines.truncate(rows);
    lines.push(hint(theme, dialog_keys(Dialog::Deliveries)));
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
