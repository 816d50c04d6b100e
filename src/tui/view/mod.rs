//! Drawing the console. Views read the `App` and draw; they never change
//! it. Every list draws only the rows that fit, so the cost of a frame
//! follows the screen's size, not the amount of data.

mod dialogs;
mod flash;
pub mod fmt;
mod header;
mod incident_form;
mod incident_header;
mod list;
mod overlays;
mod panes;
mod reader;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::app::App;
use super::keymap::{BINDINGS, Pane};
use super::theme::{Role, Theme};

pub fn draw(app: &App, theme: &Theme, f: &mut Frame) {
    let area = f.area();
    let stale = app.stale_for().is_some() || app.conn.auth_refused;
    let header_h = if stale { 2 } else { 1 };
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(app, theme, f, header_area);
    if app.is_wide() {
        // The list is as tall as it needs to be, up to 38% of the screen.
        // `min` then `max`, not `clamp`: on a short terminal 38% of the body
        // is below the floor, and the list gets the floor.
        let list_h = (app.visible.len() as u16 + 2)
            .min(body.height * 38 / 100)
            .max(5);
        let head_h = incident_header::height(app, body.width);
        let [top, head, bottom] = Layout::vertical([
            Constraint::Length(list_h),
            Constraint::Length(head_h),
            Constraint::Min(3),
        ])
        .areas(body);
        list::draw(app, theme, f, top);
        incident_header::draw(app, theme, f, head);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .areas(bottom);
        panes::timeline(app, theme, f, left);
        let [r1, r2] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
        panes::responders(app, theme, f, r1);
        panes::checklist(app, theme, f, r2);
    } else {
        let list_h = (app.visible.len() as u16 + 2)
            .min(body.height / 3)
            .clamp(4, 10);
        // On a very short terminal the detail pane needs the rows more.
        let head_h = if body.height >= 16 {
            incident_header::height(app, body.width)
        } else {
            0
        };
        let [top, head, bottom] = Layout::vertical([
            Constraint::Length(list_h),
            Constraint::Length(head_h),
            Constraint::Min(3),
        ])
        .areas(body);
        list::draw(app, theme, f, top);
        incident_header::draw(app, theme, f, head);
        match app.detail_pane {
            Pane::Responders => panes::responders(app, theme, f, bottom),
            Pane::Checklist => panes::checklist(app, theme, f, bottom),
            _ => panes::timeline(app, theme, f, bottom),
        }
    }
    footer(app, theme, f, footer_area);
    overlays::draw(app, theme, f, area);
}

/// A bordered block whose border shows whether the pane has focus.
pub(crate) fn pane_block<'a>(app: &App, theme: &Theme, pane: Pane, title: Line<'a>) -> Block<'a> {
    let focused = app.focus == pane;
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.style(if focused {
            Role::BorderFocus
        } else {
            Role::Border
        }))
        .title(title)
}

fn footer(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let key = theme.style(Role::Key);
    let muted = theme.style(Role::Muted);
    let mut spans: Vec<Span> = Vec::new();
    if !app.filter.is_empty() {
        let mut parts = Vec::new();
        if let Some(s) = app.filter.severity {
            parts.push(s.to_string());
        }
        if let Some(s) = app.filter.status {
            parts.push(s.to_string());
        }
        if !app.filter.text.is_empty() {
            parts.push(format!(
                "\"{}\"",
                crate::text::one_line(&app.filter.text, 20)
            ));
        }
        spans.push(Span::styled(
            format!(" filter {} ", parts.join(" ")),
            theme.style(Role::Warn),
        ));
        spans.push(Span::styled("Esc clears ", muted));
    }
    if !app.pending.is_empty() {
        spans.push(Span::styled(
            format!(" {} pending ", app.pending.len()),
            theme.style(Role::Pending),
        ));
    }
    // `?` first: whatever does not fit is in the help.
    let mut keys: Vec<_> = BINDINGS
        .iter()
        .filter(|b| b.footer && (b.panes.is_empty() || b.panes.contains(&app.focus)))
        .collect();
    keys.sort_by_key(|b| b.label != "?");
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for b in keys {
        let (k, what) = (format!(" {}", b.label), format!(" {}", b.command));
        used += k.len() + what.len();
        if used > area.width as usize {
            break;
        }
        spans.push(Span::styled(k, key));
        spans.push(Span::styled(what, muted));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default()),
        area,
    );
}
