//! Marked incidents, for a bulk action: Space marks the selected row, `*`
//! marks every row the filter shows (again: clears them). With marks,
//! `a`, `R`, `i` and `z` act on all of them through one confirmation
//! (`dialogs/bulk.rs`); other keys still act on the selected incident.

use super::{App, Command, Flash};
use crate::tui::dialogs::bulk::{BulkConfirm, BulkKind};
use crate::tui::keymap::Act;

/// The most incidents marked at once (the CLI takes as many ids).
pub const MAX_MARKED: usize = 500;

pub(super) fn toggle(app: &mut App) -> Vec<Command> {
    // Only a row the list shows is marked (never an incident opened by id
    // and off the list, which the IC cannot see among the marks).
    let Some(id) = app.selected.filter(|_| !app.selection_off_list()) else {
        return Vec::new();
    };
    if !app.marked.remove(&id) {
        if app.marked.len() >= MAX_MARKED {
            app.flash = Some(Flash::info(
                "Too many marked",
                format!("At most {MAX_MARKED} incidents are marked at once."),
            ));
            return Vec::new();
        }
        app.marked.insert(id);
    }
    // On to the next row, as a file manager does, so Space Space Space
    // marks a run of rows.
    super::update::run(app, Act::Down)
}

pub(super) fn mark_all(app: &mut App) -> Vec<Command> {
    let shown: Vec<_> = app
        .visible
        .iter()
        .map(|&i| app.board.incidents[i].id)
        .collect();
    if !shown.is_empty() && shown.iter().all(|id| app.marked.contains(id)) {
        app.marked.clear();
        return Vec::new();
    }
    for id in shown.into_iter().take(MAX_MARKED) {
        if app.marked.len() >= MAX_MARKED {
            break;
        }
        app.marked.insert(id);
    }
    Vec::new()
}

/// The bulk form of `act` on the marked incidents, if it has one.
pub(super) fn bulk(app: &mut App, act: Act) -> Option<Vec<Command>> {
    if app.marked.is_empty() {
        return None;
    }
    let kind = match act {
        Act::Acknowledge => BulkKind::Acknowledge,
        Act::Resolve => BulkKind::Resolve,
        Act::Note => BulkKind::Note,
        Act::Silence => BulkKind::Silence,
        _ => return None,
    };
    // In list order, so the confirmation reads as the screen does.
    let marked: Vec<_> = app
        .board
        .incidents
        .iter()
        .map(|i| i.id)
        .filter(|id| app.marked.contains(id))
        .chain(
            app.marked
                .iter()
                .copied()
                .filter(|id| !app.board.incidents.iter().any(|i| i.id == *id)),
        )
        .collect();
    let out = BulkConfirm::open(&app.ctx(), kind, &marked);
    Some(super::dialog_outcome::apply(app, out))
}
