//! The incident list: SEV1 first, then the oldest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane_block;
use crate::model::Incident;
use crate::text::age;
use crate::text::{fit, pad};
use crate::tui::app::App;
use crate::tui::keymap::Pane;
use crate::tui::theme::{Role, Theme};

/// The first row to show so that `selected` is inside a window of `height`.
pub fn window_start(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    selected.saturating_sub(height - 1).min(len - height)
}

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let title = title(app, theme);
    let block = pane_block(app, theme, Pane::List, title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let h = inner.height as usize;
    let w = inner.width as usize;
    if app.visible.is_empty() {
        let msg = empty_message(app);
        f.render_widget(
            Paragraph::new(Span::styled(msg, theme.style(Role::Muted))),
            inner,
        );
        return;
    }
    let sel = app.selected_index().unwrap_or(0);
    let start = window_start(sel, app.visible.len(), h);
    // Fixed columns, then the title takes what is left.
    let wide = w >= 100;
    let ic_w = if wide { 12 } else { 8 };
    // As wide as the longest id on screen plus a space: INC-1201 must not
    // run into its status.
    let rows = &app.visible[start..(start + h).min(app.visible.len())];
    let id_w = rows
        .iter()
        .map(|&i| app.board.incidents[i].id.to_string().len() + 1)
        .max()
        .unwrap_or(8)
        .max(8);
    let fixed = 6 + 1 + id_w + 14 + 7 + ic_w + 1;
    let title_w = w.saturating_sub(fixed);
    let lines: Vec<Line> = rows
        .iter()
        .map(|&i| row(app, theme, &app.board.incidents[i], (id_w, ic_w, title_w)))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// The pane title: counts, and a warning when the incident on screen is
/// not among the rows.
fn title<'a>(app: &App, theme: &Theme) -> Line<'a> {
    let mut title = Line::from(vec![
        Span::styled(" Incidents ", theme.style(Role::Title)),
        Span::styled(
            format!("{}/{} ", app.visible.len(), app.board.incidents.len()),
            theme.style(Role::Muted),
        ),
    ]);
    // A merged view: each backend's own state, so one that stopped
    // answering is named while the others stay live.
    for src in &app.board.sources {
        match src.stale_since {
            None => title.push_span(Span::styled(
                format!("{} live ", src.name),
                theme.style(Role::Muted),
            )),
            Some(since) => title.push_span(Span::styled(
                format!("{} STALE {} ", src.name, age(app.now - since)),
                theme.style(Role::Warn),
            )),
        }
    }
    // The backend listed incidents we could not read: never a silent gap.
    if app.board.unreadable > 0 {
        title.push_span(Span::styled(
            format!(
                "{} incident(s) could not be read (see the log) ",
                app.board.unreadable
            ),
            theme.style(Role::Warn),
        ));
    }
    // Marks say how many, and what a key now does with them.
    if !app.marked.is_empty() {
        title.push_span(Span::styled(
            format!(
                "{} marked: a/R/i/z act on all (* clears) ",
                app.marked.len()
            ),
            theme.style(Role::Key),
        ));
    }
    // A filter always says itself: a hidden incident is never a surprise.
    if !app.filter.is_empty() {
        title.push_span(Span::styled(
            format!("filter: {} (Esc clears) ", app.filter.describe()),
            theme.style(Role::Warn),
        ));
    }
    if app.selection_off_list()
        && let Some(id) = app.selected
    {
        // Said where the eye is: the panes below show an incident that is
        // not among these rows, and keys act on it.
        let status = app
            .selected_incident()
            .map_or(String::new(), |i| format!(" ({})", i.status));
        title.push_span(Span::styled(
            format!(" showing {id}{status}, not in this list: j/k to move "),
            theme.style(Role::Warn),
        ));
    }
    title
}

/// Only a backend that answered may be said to have nothing.
fn empty_message(app: &App) -> &'static str {
    // Only a backend that answered may be said to have nothing.
    if app.board.conn.auth_refused {
        " Not authorized: the backend refused the token (see the red line above)."
    } else if app.board.conn.last_ok.is_none() && app.board.conn.error.is_some() {
        " Cannot reach the backend yet; retrying."
    } else if app.board.conn.last_ok.is_none() {
        " Loading incidents…"
    } else if app.board.incidents.is_empty()
        && crate::tui::app::offers::unavailable(app, crate::tui::keymap::Act::Declare).is_none()
    {
        " No active incidents. D declares one."
    } else if app.board.incidents.is_empty() {
        " No active incidents."
    } else {
        " Nothing matches the filter (Esc clears)."
    }
}

/// One incident's row, its columns `(id, IC, title)` wide.
fn row<'a>(
    app: &App,
    theme: &Theme,
    inc: &Incident,
    (id_w, ic_w, title_w): (usize, usize, usize),
) -> Line<'a> {
    let selected = app.selected == Some(inc.id);
    let base = if app.row_flashing(inc.id) {
        // A new SEV1/SEV2: lit for a few seconds, blinking.
        theme.style(Role::Alert).add_modifier(Modifier::REVERSED)
    } else if selected {
        theme.style(Role::Selected)
    } else if !inc.status.is_active() {
        // Resolved and verified: below the active ones, quieter.
        theme.style(Role::Muted)
    } else {
        theme.style(Role::Text)
    };
    let pending = app.pending_for(inc.id).count();
    let mut title = inc.title.clone();
    if app.marked.contains(&inc.id) {
        title = format!("● {title}");
    }
    if inc.drill.is_some() {
        title = format!("[DRILL] {title}");
    }
    // Its alerts are quiet in Alertmanager: the row says so.
    if inc.silenced.is_some() {
        title = format!("[silenced] {title}");
    }
    if pending > 0 {
        title = format!("⧗{pending} {title}");
    }
    Line::from(vec![
        Span::styled(format!(" {} ", inc.severity), theme.sev(inc.severity)),
        Span::styled(" ", base),
        Span::styled(pad(&inc.id.to_string(), id_w), base),
        Span::styled(
            pad(inc.status.as_str(), 14),
            if selected {
                base
            } else {
                theme.style(Role::Status)
            },
        ),
        Span::styled(pad(&age(inc.age(app.now)), 7), base),
        Span::styled(pad(inc.commander.as_deref().unwrap_or("-"), ic_w), base),
        Span::styled(" ", base),
        Span::styled(pad(&fit(&title, title_w), title_w), base),
    ])
}

#[cfg(test)]
mod tests {
    use super::window_start;

    #[test]
    fn the_window_keeps_the_selection_visible() {
        assert_eq!(window_start(0, 100, 10), 0);
        assert_eq!(window_start(9, 100, 10), 0);
        assert_eq!(window_start(10, 100, 10), 1);
        assert_eq!(window_start(99, 100, 10), 90);
        assert_eq!(window_start(5, 3, 10), 0);
    }
}
