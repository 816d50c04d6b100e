//! The detail panes of the selected incident: timeline, responders and
//! the checklist of the current phase.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::list::window_start;
use super::pane_block;
use crate::model::{EventKind, IncidentDetail, ResponderState};
use crate::text::{age, when};
use crate::text::{fit, one_line, pad};
use crate::tui::app::App;
use crate::tui::keymap::Pane;
use crate::tui::theme::{Role, Theme};

fn title<'a>(theme: &Theme, name: &str, extra: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!(" {name} "), theme.style(Role::Title)),
        Span::styled(extra, theme.style(Role::Muted)),
    ])
}

/// Draws the block; returns the inner area and the detail, if loaded.
pub(super) fn frame_pane<'a>(
    app: &'a App,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    pane: Pane,
    extra: String,
) -> (Rect, Option<&'a IncidentDetail>) {
    let block = pane_block(app, theme, pane, title(theme, pane.title(), extra));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let d = app.selected_detail();
    if d.is_none() {
        let (msg, role) = match app.selected {
            Some(id) => match app.detail_errors.get(&id) {
                Some(e) => (
                    format!(" cannot read {id}: {}", one_line(e, 200)),
                    Role::Error,
                ),
                None => (format!(" loading {id}…"), Role::Muted),
            },
            None => (" no incident selected".to_string(), Role::Muted),
        };
        f.render_widget(
            Paragraph::new(Span::styled(msg, theme.style(role))).wrap(Wrap { trim: false }),
            inner,
        );
    }
    (inner, d)
}

fn event_style(theme: &Theme, k: &EventKind) -> Style {
    match k {
        EventKind::ForcedTransition { .. } => theme.style(Role::Forced),
        EventKind::AlertReceived {
            suppressed: Some(_),
            ..
        } => theme.style(Role::Muted),
        EventKind::AlertReceived { firing: true, .. } => theme.style(Role::Alert),
        EventKind::AlertReceived { firing: false, .. } => theme.style(Role::Ok),
        EventKind::StatusChanged { .. }
        | EventKind::SeverityChanged { .. }
        | EventKind::Declared { .. } => theme.style(Role::Status),
        EventKind::StakeholderUpdate { .. } => theme.style(Role::Title),
        EventKind::ChecklistItem { .. } => theme.style(Role::Done),
        _ => theme.style(Role::Text),
    }
}

pub fn timeline(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    // One cursor: the row drawn highlighted is the one Enter and `y` act
    // on (`App::cursor_event`), live or browsing older history; a short
    // timeline still shows whole wherever the cursor is.
    let view = app.timeline_view();
    let extra = match (
        view.as_ref(),
        app.replaying().and_then(|r| r.state.as_ref()),
    ) {
        (Some(v), Some(st)) => format!("{} · as it stood at #{} of {} ", v.id, st.seq, st.last_seq),
        (v, _) => v.map(timeline_title).unwrap_or_default(),
    };
    let (inner, Some(_)) = frame_pane(app, theme, f, area, Pane::Timeline, extra) else {
        return;
    };
    let Some(v) = view else {
        return;
    };
    let h = inner.height as usize;
    let w = inner.width as usize;
    let pending: Vec<_> = app.pending_for(v.id).collect();
    let pending_rows = if v.following() {
        pending.len().min(h / 2)
    } else {
        0
    };
    let len = v.events.len();
    let cursor = v.cursor.unwrap_or(0);
    let avail = h.saturating_sub(pending_rows);
    // At either end of what is held, with more on the server: say so.
    let older = v.older_above() && window_start(cursor, len, avail) == 0;
    let newer = v.newer_after();
    let rows = avail.saturating_sub(usize::from(older) + usize::from(newer));
    let start = window_start(cursor, len, rows);
    let end = (start + rows).min(len);
    let time_w = 10;
    let who_w = if w >= 70 { 10 } else { 7 };
    let tag_w = 8;
    let text_w = w.saturating_sub(time_w + who_w + tag_w + 2);
    let mut lines: Vec<Line> = Vec::with_capacity(h);
    let marker = |text: &str| Line::from(Span::styled(text.to_string(), theme.style(Role::Muted)));
    if older && h > 0 {
        lines.push(marker(if v.loading == Some(true) {
            "⧗ loading older events…"
        } else {
            "… older events: k / PgUp loads them, g the first"
        }));
    }
    if len == 0 && v.loading.is_some() {
        lines.push(marker("⧗ reading the events there…"));
    }
    let focused = app.focus == Pane::Timeline;
    lines.extend(v.events[start..end].iter().enumerate().map(|(i, e)| {
        let selected = focused && v.cursor == Some(start + i);
        event_row(app, theme, e, selected, (time_w, who_w, tag_w, text_w))
    }));
    if newer && lines.len() < h {
        lines.push(marker(if v.loading == Some(false) {
            "⧗ loading newer events…"
        } else {
            "… newer events: j / PgDn loads them, G the newest"
        }));
    }
    for p in pending.iter().take(pending_rows) {
        let state = match (&p.last_error, p.attempt) {
            (Some(e), n) => format!(" (try {n}: {})", one_line(e, 60)),
            (None, _) => " (sending)".to_string(),
        };
        lines.push(Line::from(Span::styled(
            fit(&format!("⧗ pending  {}{state}", p.what), w).into_owned(),
            theme.style(Role::Pending),
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The timeline pane's title: the incident, and whether it follows the
/// newest events, how many are below, or where in the history it is.
fn timeline_title(v: &crate::tui::app::timeline::TimelineView) -> String {
    let at = v.cursor.and_then(|c| v.events.get(c)).map(|e| e.seq);
    match at {
        Some(seq) if v.browsing => {
            format!("{} · #{seq} of {} · history (G newest) ", v.id, v.last_seq)
        }
        _ if v.following() => format!("{} · {} events · following ", v.id, v.last_seq),
        _ => format!("{} · {} newer below (G follows) ", v.id, v.newer_below()),
    }
}

/// One event, in columns `(time, author, tag, text)` wide. A multi-line
/// entry says how much more there is (Enter reads it); words written
/// offline say when they were written.
fn event_row<'a>(
    app: &App,
    theme: &Theme,
    e: &crate::model::TimelineEvent,
    selected: bool,
    (time_w, who_w, tag_w, text_w): (usize, usize, usize, usize),
) -> Line<'a> {
    let mut style = event_style(theme, &e.kind);
    if selected {
        style = theme.style(Role::Selected);
    }
    // A multi-line entry says how much more there is (Enter reads it);
    // words written offline say when they were written.
    let mut text = e.kind.describe();
    // The curated timeline: pinned ⚑, corrected ✱ (Enter reads the
    // correction), the tags.
    if let Some(c) = app
        .selected_detail()
        .and_then(|d| d.state.curation.get(&e.seq))
    {
        // Before the words, so a narrow pane still shows them.
        let tags: String = c.tags.iter().map(|t| format!("#{t} ")).collect();
        let pin = if c.pinned { "⚑ " } else { "" };
        let fixed = if c.corrections.is_empty() { "" } else { "✱ " };
        text = format!("{pin}{fixed}{tags}{text}");
    }
    if let Some(w) = e.written_earlier() {
        text = format!(
            "✎ written {} · {text}",
            when(w, app.view_now(), app.time_mode)
        );
    }
    let more = text.lines().count().saturating_sub(1);
    let shown = if more > 0 {
        let marker = format!(" (+{more} lines)");
        let first = text.lines().next().unwrap_or("");
        format!(
            "{}{marker}",
            fit(&one_line(first, 4000), text_w.saturating_sub(marker.len()))
        )
    } else {
        fit(&one_line(&text, 4000), text_w).into_owned()
    };
    Line::from(vec![
        Span::styled(
            pad(&column_when(e.at, app, time_w), time_w),
            theme.style(Role::Muted),
        ),
        Span::styled(pad(&e.author, who_w), theme.style(Role::Text)),
        Span::raw(" "),
        Span::styled(pad(e.kind.tag(), tag_w), style),
        Span::raw(" "),
        Span::styled(shown, style),
    ])
}

pub fn responders(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let extra = app.selected_detail().map_or(String::new(), |d| {
        let on = d.responders.iter().filter(|r| !r.state.is_gone()).count();
        format!("{on} on the incident ")
    });
    let (inner, Some(d)) = frame_pane(app, theme, f, area, Pane::Responders, extra) else {
        return;
    };
    let h = inner.height as usize;
    let w = inner.width as usize;
    let focused = app.focus == Pane::Responders;
    let start = window_start(app.responder_cursor, d.responders.len(), h);
    let name_w = w.saturating_sub(7 + 13 + 8).max(6);
    let lines: Vec<Line> = d.responders[start..(start + h).min(d.responders.len())]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let sel = focused && start + i == app.responder_cursor;
            let base = if sel {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            let state_style = match r.state {
                ResponderState::Paged => theme.style(Role::Warn),
                ResponderState::Left | ResponderState::Released => theme.style(Role::Muted),
                _ => theme.style(Role::Ok),
            };
            let who = if r.name != r.handle {
                format!("{} ({})", r.name, r.handle)
            } else {
                r.handle.clone()
            };
            Line::from(vec![
                Span::styled(pad(r.role.short(), 7), base),
                Span::styled(pad(&who, name_w), base),
                Span::styled(
                    pad(r.state.as_str(), 13),
                    if sel { base } else { state_style },
                ),
                Span::styled(
                    pad(&age(app.view_now() - r.since), 7),
                    if sel { base } else { theme.style(Role::Muted) },
                ),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn checklist(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let extra = match app.selected_detail().and_then(|d| d.current_checklist()) {
        Some(c) => {
            let (done, total) = c.progress();
            format!("{} {done}/{total} ", c.phase)
        }
        None => String::new(),
    };
    let (inner, Some(d)) = frame_pane(app, theme, f, area, Pane::Checklist, extra) else {
        return;
    };
    let Some(list) = d.current_checklist() else {
        // Say what is true: a backend without checklists has none, and an
        // incident past its last phase has no open one.
        let why = if !app.caps.checklists {
            format!(" {} has no checklists", app.caps.name)
        } else if d.incident.status.phase().is_none() {
            format!(" {}: no open phase", d.incident.status)
        } else {
            " no checklist for this phase".to_string()
        };
        f.render_widget(
            Paragraph::new(Span::styled(why, theme.style(Role::Muted))),
            inner,
        );
        return;
    };
    let h = inner.height as usize;
    let w = inner.width as usize;
    let focused = app.focus == Pane::Checklist;
    let start = window_start(app.checklist_cursor, list.items.len(), h);
    let lines: Vec<Line> = list.items[start..(start + h).min(list.items.len())]
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let sel = focused && start + i == app.checklist_cursor;
            let who = match (&it.done_by, it.done_at) {
                (Some(b), Some(t)) => format!(" {} {}", b, when(t, app.view_now(), app.time_mode)),
                _ => String::new(),
            };
            // ▶: the item runs a runbook action (`x`).
            let mark = match (it.is_done(), it.action.is_some()) {
                (true, false) => "[x] ",
                (false, false) => "[ ] ",
                (true, true) => "[x]▶",
                (false, true) => "[ ]▶",
            };
            let style = if sel {
                theme.style(Role::Selected)
            } else if it.is_done() {
                theme.style(Role::Done)
            } else {
                theme.style(Role::Text)
            };
            let text_w = w.saturating_sub(4 + crate::text::width(&who));
            Line::from(vec![
                Span::styled(mark, style),
                Span::styled(pad(&it.text, text_w), style),
                Span::styled(who, if sel { style } else { theme.style(Role::Muted) }),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// A moment for a column of `w`, always leaving a space before the next:
/// past ten days `13d22h ago` is said `13d22h` (it ran into the author).
fn column_when(t: chrono::DateTime<chrono::Utc>, app: &App, w: usize) -> String {
    let s = when(t, app.view_now(), app.time_mode);
    match s.strip_suffix(" ago") {
        Some(bare) if s.chars().count() >= w => bare.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_age_past_ten_days_keeps_a_space_before_the_author() {
        let app = crate::tui::fixtures::sample_app(80, 24);
        let t = app.now - chrono::Duration::hours(13 * 24 + 22);
        let s = super::column_when(t, &app, 10);
        assert_eq!(s, "13d22h");
        let recent = super::column_when(app.now - chrono::Duration::minutes(12), &app, 10);
        assert_eq!(recent, "12m ago");
    }

    #[test]
    fn the_highlighted_timeline_row_is_the_entry_enter_opens_even_when_all_fit() {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        use crate::tui::app::{Msg, update};
        use crate::tui::dialogs::Dialog;
        use crate::tui::keymap::Pane;

        let theme = crate::tui::theme::Theme::load("default", None, false).unwrap();
        let mut app = crate::tui::fixtures::sample_app(160, 48);
        app.focus = Pane::Timeline;
        let len = app.selected_detail().unwrap().timeline.len();
        assert!(len < 30, "the sample timeline fits a 48-row screen ({len})");
        for _ in 0..2 {
            update(
                &mut app,
                Msg::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE)),
            );
        }
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).unwrap();
        t.draw(|f| super::super::draw(&app, &theme, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let screen: Vec<String> = (0..48)
            .map(|y| (0..160).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        let selected_bg = theme.style(crate::tui::theme::Role::Selected).bg;
        // The timeline's highlighted row: a row whose author cell has the
        // selection's background.
        let rows: Vec<usize> = (0..48u16)
            .filter(|&y| {
                screen[y as usize].contains(" ago ")
                    && (0..160u16).any(|x| buf[(x, y)].style().bg == selected_bg)
            })
            .map(usize::from)
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "one highlighted event row: {rows:?}\n{}",
            screen.join("\n")
        );
        let row = rows[0];
        assert!(
            !screen.iter().any(|l| l.contains("following")),
            "the title does not claim to follow while the cursor is up"
        );
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        let Some(Dialog::Reader(r)) = &app.dialog else {
            panic!("Enter reads the entry under the cursor")
        };
        let opened = app
            .selected_detail()
            .unwrap()
            .timeline
            .iter()
            .find(|e| e.seq == r.seq)
            .unwrap();
        assert_eq!(r.seq, app.selected_detail().unwrap().timeline[len - 3].seq);
        assert!(
            screen[row].contains(&opened.author[..opened.author.len().min(7)]),
            "row {row} `{}` is not entry #{}",
            screen[row],
            r.seq
        );
    }
}
