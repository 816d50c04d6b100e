//! Folding what the backend says into what the console holds: the shared
//! [`Board`](crate::tui::board::Board) rules, plus what only the console
//! has (a scrolled-back timeline held in place).

use super::App;
use crate::model::IncidentId;
use crate::model::wire::WriteAnswer;

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
}
