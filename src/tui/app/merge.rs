//! Folding what the backend says into what the console holds: the shared
//! [`Board`](crate::tui::board::Board) rules, plus what only the console
//! has (a scrolled-back timeline held in place, older pages asked for).

use super::{App, Command};
use crate::model::IncidentId;
use crate::model::wire::{TimelinePage, WriteAnswer};

/// Scrolling to within this many events of the oldest one held asks for
/// the page before it.
pub const PREFETCH_OLDER: usize = 60;

impl App {
    /// Keeps the scrolled-back view on the same events when newer ones
    /// arrive below it.
    fn hold_view(&mut self, id: IncidentId, before: usize, after: usize) {
        if self.selected == Some(id) && self.timeline_back > 0 && after > before {
            self.timeline_back += after - before;
        }
    }

    /// A detail the board merged: its error is gone, and the view holds
    /// its place if the IC had scrolled back.
    pub(super) fn detail_merged(&mut self, id: IncidentId, before: usize, after: usize) {
        self.detail_errors.remove(&id);
        self.hold_view(id, before, after);
    }

    pub(super) fn merge_answer(&mut self, a: WriteAnswer) {
        let id = a.incident.id;
        if let Some((before, after)) = self.board.merge_answer(a) {
            self.hold_view(id, before, after);
        }
    }

    pub(super) fn merge_older(&mut self, page: TimelinePage) {
        self.loading_older = None;
        self.board.merge_older(page);
    }

    /// Asks for the page before the oldest event held, when the IC has
    /// scrolled near it and the incident has older events.
    pub(super) fn maybe_load_older(&mut self) -> Vec<Command> {
        let Some(d) = self.selected_detail() else {
            return Vec::new();
        };
        let Some(first) = d.timeline.first().map(|e| e.seq) else {
            return Vec::new();
        };
        let top = d.timeline.len().saturating_sub(self.timeline_back);
        let id = d.incident.id;
        if first <= 1 || top > PREFETCH_OLDER || self.loading_older.is_some() {
            return Vec::new();
        }
        self.loading_older = Some((id, first));
        vec![Command::Read(super::Read::Older { id, before: first })]
    }
}
