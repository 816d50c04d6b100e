//! The curated timeline's keys on the entry under the timeline's cursor:
//! `p` pins or unpins it at once; `#` opens its tags and `E` a correction
//! of its time or words (the original stays on the record).

use super::{App, Command, Flash};
use crate::client::WriteOp;
use crate::model::curation::CurateAction;
use crate::tui::dialogs::state_form::{Purpose, StateForm};
use crate::tui::keymap::Act;

pub(super) fn curate_act(app: &mut App, act: Act) -> Vec<Command> {
    let (Some(d), Some(e)) = (app.selected_detail(), app.cursor_event()) else {
        app.flash = Some(Flash::info(
            "No entry under the cursor",
            "Move to a timeline entry first (Tab to the timeline, then k, g, :event N).",
        ));
        return Vec::new();
    };
    let (id, seq) = (d.incident.id, e.seq);
    let now = d.state.curation.get(&seq).cloned().unwrap_or_default();
    // The time in force: a correction's, else the record's.
    let at = now.corrected_at().unwrap_or(e.at);
    match act {
        Act::Pin => super::writes::send(
            app,
            WriteOp::Curate {
                id,
                body: CurateAction::Pin {
                    seq,
                    pinned: !now.pinned,
                },
            },
        ),
        Act::TagEvent => {
            app.open(StateForm::with(
                id,
                Purpose::Tags { seq },
                &now.tags.join(", "),
            ));
            Vec::new()
        }
        Act::CorrectEvent => {
            let words = now.corrected_text().unwrap_or_default().to_string();
            app.open(StateForm::with(id, Purpose::Correct { seq, at }, &words));
            Vec::new()
        }
        _ => Vec::new(),
    }
}
