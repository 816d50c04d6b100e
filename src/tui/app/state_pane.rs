//! The state pane's rows (tasks, hypotheses, decisions) in the order the
//! IC reads them, and the item under its cursor. The rows are bounded by
//! the state document's limits (a few hundred at most), never by the
//! timeline's length.

use super::App;
use crate::model::IncidentState;
use crate::model::state_doc::{HypothesisStatus, TaskStatus};

/// One row of the state pane: the item it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRow {
    Task(u32),
    Hypothesis(u32),
    Decision(u32),
}

/// Open tasks (soonest time box first), proposed ones, then open,
/// confirmed and ruled-out hypotheses, then decisions standing (newest
/// first). Done and dropped tasks and superseded decisions are in the
/// brief and the timeline, not here.
pub fn rows(s: &IncidentState) -> Vec<StateRow> {
    let mut open: Vec<_> = s.open_tasks().collect();
    open.sort_by_key(|t| (t.due_at.is_none(), t.due_at, t.id));
    let mut out: Vec<StateRow> = open.iter().map(|t| StateRow::Task(t.id)).collect();
    out.extend(
        s.tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Proposed)
            .map(|t| StateRow::Task(t.id)),
    );
    for st in [
        HypothesisStatus::Open,
        HypothesisStatus::Confirmed,
        HypothesisStatus::RuledOut,
    ] {
        out.extend(
            s.hypotheses
                .iter()
                .filter(|h| h.status == st)
                .map(|h| StateRow::Hypothesis(h.id)),
        );
    }
    out.extend(s.standing_decisions().map(|d| StateRow::Decision(d.id)));
    out
}

impl App {
    /// The state pane's rows for the selected incident.
    pub fn state_rows(&self) -> Vec<StateRow> {
        self.selected_detail()
            .map(|d| rows(&d.state))
            .unwrap_or_default()
    }

    /// The item under the state pane's cursor.
    pub fn state_row(&self) -> Option<StateRow> {
        self.state_rows().get(self.state_cursor).copied()
    }
}
