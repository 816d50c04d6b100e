//! Drawing the console. Views read the `App` and draw; they never change
//! it. Every list draws only the rows that fit, so the cost of a frame
//! follows the screen's size, not the amount of data.

mod flash;
mod header;
mod incident_header;
mod list;
mod overlays;
mod panes;
pub mod popup;
mod state_pane;

pub use list::window_start;
pub use state_pane::{countdown, countdown_for, countdown_minutes};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::app::App;
use super::keymap::{Act, BINDINGS, Pane};
use super::theme::{Role, Theme};

/// Where each part of the console is on a screen of `area`: drawing and
/// mouse hit-testing use the same answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub header: Rect,
    pub list: Rect,
    pub incident: Rect,
    pub timeline: Option<Rect>,
    pub responders: Option<Rect>,
    pub checklist: Option<Rect>,
    pub state: Option<Rect>,
    pub footer: Rect,
}

/// From this width on (and tall), the state pane has a column of its own
/// beside the timeline.
pub const XWIDE: u16 = 150;

pub fn layout(app: &App, area: Rect) -> Areas {
    let header_h = header::height(app, area.width);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut a = Areas {
        header,
        footer,
        ..Areas::default()
    };
    let head_h = incident_header::height(app, body.width);
    if app.is_wide() {
        // The list is as tall as it needs to be, up to 38% of the screen
        // (30% on a short one, where the timeline needs the rows more).
        // `min` then `max`, not `clamp`: on a short terminal the share is
        // below the floor, and the list gets the floor.
        let share = if app.is_short() { 30 } else { 38 };
        let list_h = (app.visible.len() as u16 + 2)
            .min(body.height * share / 100)
            .max(4);
        let [top, head, bottom] = Layout::vertical([
            Constraint::Length(list_h),
            Constraint::Length(head_h),
            Constraint::Min(3),
        ])
        .areas(body);
        a.list = top;
        a.incident = head;
        if app.is_short() {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                    .areas(bottom);
            a.timeline = Some(left);
            // Too few rows to stack panes usefully: the right column
            // shows the one last focused (Tab reaches the others).
            match app.detail_pane {
                Pane::Responders => a.responders = Some(right),
                Pane::State => a.state = Some(right),
                _ => a.checklist = Some(right),
            }
        } else if area.width >= XWIDE {
            // Timeline, the state document beside it, people and checklist.
            let [left, mid, right] = Layout::horizontal([
                Constraint::Percentage(44),
                Constraint::Percentage(28),
                Constraint::Percentage(28),
            ])
            .areas(bottom);
            let [r1, r2] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(right);
            a.timeline = Some(left);
            a.state = Some(mid);
            a.responders = Some(r1);
            a.checklist = Some(r2);
        } else {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                    .areas(bottom);
            let [r1, r2, r3] = Layout::vertical([
                Constraint::Percentage(34),
                Constraint::Percentage(30),
                Constraint::Percentage(36),
            ])
            .areas(right);
            a.timeline = Some(left);
            a.state = Some(r1);
            a.responders = Some(r2);
            a.checklist = Some(r3);
        }
    } else {
        let list_h = (app.visible.len() as u16 + 2)
            .min(body.height / 3)
            .clamp(4, 10);
        // On a very short terminal the detail pane needs the rows more.
        let head_h = if body.height >= 16 { head_h } else { 0 };
        let [top, head, bottom] = Layout::vertical([
            Constraint::Length(list_h),
            Constraint::Length(head_h),
            Constraint::Min(3),
        ])
        .areas(body);
        a.list = top;
        a.incident = head;
        match app.detail_pane {
            Pane::Responders => a.responders = Some(bottom),
            Pane::Checklist => a.checklist = Some(bottom),
            Pane::State => a.state = Some(bottom),
            _ => a.timeline = Some(bottom),
        }
    }
    a
}

/// The pane under a screen cell, and the row inside its border.
pub fn pane_at(app: &App, area: Rect, x: u16, y: u16) -> Option<(Pane, u16)> {
    let a = layout(app, area);
    let pos = ratatui::layout::Position { x, y };
    [
        (Pane::List, Some(a.list)),
        (Pane::Timeline, a.timeline),
        (Pane::Responders, a.responders),
        (Pane::Checklist, a.checklist),
        (Pane::State, a.state),
    ]
    .into_iter()
    .find_map(|(p, r)| {
        let r = r?;
        r.contains(pos).then(|| (p, y.saturating_sub(r.y + 1)))
    })
}

/// What a click at (x, y) points at: the pane, and the row of the list,
/// responders or checklist under it (by the same windowing the panes draw
/// with), if any.
pub fn mouse_target(app: &App, area: Rect, x: u16, y: u16) -> Option<(Pane, Option<usize>)> {
    let (pane, row) = pane_at(app, area, x, y)?;
    let a = layout(app, area);
    let detail = app.selected_detail();
    let (cursor, len, rect) = match pane {
        Pane::List => (app.selected_index().unwrap_or(0), app.visible.len(), a.list),
        Pane::Responders => (
            app.responder_cursor,
            detail.map_or(0, |d| d.responders.len()),
            a.responders?,
        ),
        Pane::Checklist => (
            app.checklist_cursor,
            detail
                .and_then(|d| d.current_checklist())
                .map_or(0, |c| c.items.len()),
            a.checklist?,
        ),
        Pane::State => (app.state_cursor, app.state_rows().len(), a.state?),
        Pane::Timeline => return Some((pane, None)),
    };
    let h = rect.height.saturating_sub(2) as usize;
    let i = list::window_start(cursor, len, h) + row as usize;
    Some((pane, ((row as usize) < h && i < len).then_some(i)))
}

pub fn draw(app: &App, theme: &Theme, f: &mut Frame) {
    let area = f.area();
    let a = layout(app, area);
    header::draw(app, theme, f, a.header);
    list::draw(app, theme, f, a.list);
    incident_header::draw(app, theme, f, a.incident);
    if let Some(r) = a.timeline {
        panes::timeline(app, theme, f, r);
    }
    if let Some(r) = a.responders {
        panes::responders(app, theme, f, r);
    }
    if let Some(r) = a.checklist {
        panes::checklist(app, theme, f, r);
    }
    if let Some(r) = a.state {
        state_pane::draw(app, theme, f, r);
    }
    footer(app, theme, f, a.footer);
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
    // A notice (a copy made) takes the line for a few seconds; nothing to
    // dismiss.
    if let Some(text) = app.notice() {
        // A warning (a time box passed, command offered) says so; anything
        // else is a thing done (a copy made).
        let (mark, role) = match text.strip_prefix(crate::tui::app::WARNING) {
            Some(_) => ("", Role::Warn),
            None => (" ✓", Role::Ok),
        };
        let line = Line::from(Span::styled(
            format!(
                "{mark} {}",
                crate::text::fit(text, area.width.saturating_sub(3) as usize)
            ),
            theme.style(role),
        ));
        f.render_widget(Paragraph::new(line), area);
        return;
    }
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
    // `?` first: whatever does not fit is in the help. While replaying,
    // the keys that move through time (nothing that writes works then).
    let replaying = app.replaying().is_some();
    let mut keys: Vec<_> = BINDINGS
        .iter()
        .filter(|b| match replaying {
            true => {
                crate::tui::app::replay::offered_while_replaying(b.act)
                    && (b.panes.is_empty() || b.panes.contains(&app.focus))
            }
            false => b.footer && (b.panes.is_empty() || b.panes.contains(&app.focus)),
        })
        // `x` only where it would do something, so it does not push out `/`.
        .filter(|b| b.act != Act::RunAction || app.cursor_item_has_action())
        // Only keys this backend and this token's role may use (the help
        // lists the others, greyed, with why).
        .filter(|b| crate::tui::app::offers::unavailable(app, b.act).is_none())
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

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;

    use super::mouse_target;
    use crate::model::IncidentId;
    use crate::tui::app::{Msg, update};
    use crate::tui::dialogs::Dialog;
    use crate::tui::fixtures::sample_app;
    use crate::tui::keymap::Pane;

    #[test]
    fn a_click_selects_the_row_under_it_and_focuses_the_pane_at_every_size() {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = sample_app(w, h);
            let area = Rect::new(0, 0, w, h);
            // Header line, list border, then the rows: the second is INC-5.
            let target = mouse_target(&app, area, 10, 3);
            assert_eq!(target, Some((Pane::List, Some(1))), "{w}x{h}");
            let (pane, row) = target.unwrap();
            update(&mut app, Msg::Click(pane, row));
            assert_eq!(app.selected, Some(IncidentId(5)));
            // On the list's bottom border: the pane, but no row.
            assert_eq!(mouse_target(&app, area, 10, 5), Some((Pane::List, None)));
            // The timeline, low on the screen.
            let (pane, row) = mouse_target(&app, area, 5, h - 4).unwrap();
            assert_eq!(pane, Pane::Timeline);
            update(&mut app, Msg::Click(pane, row));
            assert_eq!(app.focus, Pane::Timeline);
            assert_eq!(app.selected, Some(IncidentId(5)));
            // The wheel scrolls the timeline back.
            update(&mut app, Msg::Wheel(Pane::Timeline, -3));
            assert_eq!(app.timeline_back, 3, "{w}x{h}");
        }
    }

    fn footer_line(app: &crate::tui::app::App) -> String {
        let theme = crate::tui::theme::Theme::load("default", None, false).unwrap();
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
        t.draw(|f| super::draw(app, &theme, f)).unwrap();
        let buf = t.backend().buffer();
        (0..120).map(|x| buf[(x, 29)].symbol()).collect()
    }

    #[test]
    fn the_footer_offers_x_only_on_an_item_that_runs_something() {
        let mut app = sample_app(120, 30);
        app.focus = Pane::Checklist;
        app.checklist_cursor = 0;
        assert!(!footer_line(&app).contains("run-action"));
        let id = app.selected.unwrap();
        let d = app.board.details.get_mut(&id).unwrap();
        let phase = d.incident.status.phase().unwrap();
        let list = d.checklists.iter_mut().find(|c| c.phase == phase).unwrap();
        list.items[0].action = Some("restart-api".into());
        assert!(
            footer_line(&app).contains("x run-action"),
            "{}",
            footer_line(&app)
        );
        app.checklist_cursor = 1;
        assert!(!footer_line(&app).contains("run-action"));
    }

    #[test]
    fn a_click_behind_a_dialog_does_nothing() {
        let mut app = sample_app(80, 24);
        app.open(crate::tui::dialogs::help::Help::default());
        let before = app.selected;
        update(&mut app, Msg::Click(Pane::List, Some(2)));
        update(&mut app, Msg::Wheel(Pane::List, 1));
        assert_eq!(app.selected, before);
        assert!(matches!(app.dialog, Some(Dialog::Help(_))));
    }

    #[test]
    fn a_copy_is_a_notice_in_the_footer_that_goes_by_itself() {
        let mut app = sample_app(120, 30);
        app.notice = Some(("copied to your terminal's clipboard".into(), app.now));
        assert!(
            footer_line(&app).contains("✓ copied"),
            "{}",
            footer_line(&app)
        );
        assert!(
            app.flash.is_none() && app.dialog.is_none(),
            "nothing to dismiss"
        );
        app.now += chrono::Duration::seconds(crate::tui::app::NOTICE_SECS);
        assert!(!footer_line(&app).contains("copied"));
    }

    #[test]
    fn the_footer_offers_only_keys_this_role_may_use() {
        let mut app = sample_app(120, 30);
        app.me = Some(("noc".into(), crate::model::ActorRole::Viewer));
        let line = footer_line(&app);
        for write in [" ack", " advance", " note"] {
            assert!(!line.contains(write), "a viewer is offered{write}: {line}");
        }
        assert!(line.contains("palette") && line.contains("help"), "{line}");
    }
}
