//! Moving around: keys, clicks and the wheel move the cursor of the
//! focused pane; in the list that selects an incident, never acts on it.

use super::{App, Command};
use crate::tui::keymap::Pane;

pub(super) fn focus(app: &mut App, pane: Pane) {
    app.focus = pane;
    if pane != Pane::List {
        app.detail_pane = pane;
    }
}

/// A click focuses the pane and moves its cursor to the row clicked; in
/// the list that selects the incident (it never acts on it).
pub(super) fn click(app: &mut App, pane: Pane, row: Option<usize>) -> Vec<Command> {
    if app.dialog.is_some() || app.flash.is_some() {
        return Vec::new();
    }
    focus(app, pane);
    let Some(i) = row else {
        return Vec::new();
    };
    match pane {
        Pane::List => {
            let id = app.visible.get(i).map(|&n| app.board.incidents[n].id);
            app.select(id)
        }
        Pane::Checklist => {
            app.checklist_cursor = i;
            Vec::new()
        }
        Pane::Responders => {
            app.responder_cursor = i;
            Vec::new()
        }
        Pane::State => {
            app.state_cursor = i;
            Vec::new()
        }
        Pane::Timeline => Vec::new(),
    }
}

pub(super) fn page(app: &App) -> usize {
    (app.size.1 as usize / 3).max(3)
}

pub(super) fn move_by(app: &mut App, delta: isize) -> Vec<Command> {
    let clamp = |cur: usize, len: usize| -> usize {
        if len == 0 {
            return 0;
        }
        (cur as isize)
            .saturating_add(delta)
            .clamp(0, len as isize - 1) as usize
    };
    match app.focus {
        Pane::List => {
            let Some(cur) = app.selected_index().or(if app.visible.is_empty() {
                None
            } else {
                Some(0)
            }) else {
                return Vec::new();
            };
            let next = clamp(cur, app.visible.len());
            let id = app.board.incidents[app.visible[next]].id;
            app.select(Some(id))
        }
        Pane::Timeline => app.move_timeline(delta),
        Pane::Checklist => {
            let len = app
                .selected_detail()
                .and_then(|d| d.current_checklist())
                .map_or(0, |c| c.items.len());
            app.checklist_cursor = clamp(app.checklist_cursor, len);
            Vec::new()
        }
        Pane::Responders => {
            let len = app.selected_detail().map_or(0, |d| d.responders.len());
            app.responder_cursor = clamp(app.responder_cursor, len);
            Vec::new()
        }
        Pane::State => {
            let len = app.state_rows().len();
            app.state_cursor = clamp(app.state_cursor, len);
            Vec::new()
        }
    }
}

/// Tab / Shift-Tab: the next or previous pane; the compact layout's
/// detail pane follows.
pub(super) fn cycle_focus(app: &mut App, by: isize) -> Vec<Command> {
    let order = Pane::ORDER;
    let n = order.len() as isize;
    let i = order.iter().position(|p| *p == app.focus).unwrap_or(0) as isize;
    app.focus = order[(i + by).rem_euclid(n) as usize];
    if app.focus != Pane::List {
        app.detail_pane = app.focus;
    }
    Vec::new()
}

/// Enter on the timeline: the entry under the cursor, whole; on the
/// state pane, the item under the cursor with its evidence.
pub(super) fn read(app: &mut App) -> Vec<Command> {
    if app.focus == Pane::State {
        if let (Some(id), Some(row)) = (app.selected, app.state_row()) {
            app.open(crate::tui::dialogs::state_item::StateItemView::new(id, row));
        }
        return Vec::new();
    }
    if let (Some(id), Some(seq)) = (app.selected, app.cursor_event().map(|e| e.seq)) {
        app.open(crate::tui::dialogs::reader::Reader::new(id, seq));
    }
    Vec::new()
}
