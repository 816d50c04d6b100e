//! The state document's keys on the selected incident: each opens the
//! form that makes its write (`T`, `H`, `M`, `C`, and `d` / `x` on the
//! item under the state pane's cursor), or the brief (`B`). Who may do it
//! is asked of the model before a form opens, so a responder is told at
//! once that only the owner closes a task.

use super::state_pane::StateRow;
use super::{App, Command, Flash};
use crate::model::state_doc::{HypothesisStatus, TaskStatus};
use crate::model::{Actor, ActorRole};
use crate::tui::dialogs::brief::BriefView;
use crate::tui::dialogs::state_form::{Purpose, StateForm};
use crate::tui::keymap::{Act, Pane};

pub(super) fn state_act(app: &mut App, act: Act) -> Vec<Command> {
    let Some(id) = app.selected_incident().map(|i| i.id) else {
        app.flash = Some(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k).",
        ));
        return Vec::new();
    };
    if !app.caps.state_doc {
        app.flash = Some(Flash::info(
            "Not on this backend",
            format!(
                "{} keeps no state document (tasks, hypotheses, decisions); a warroom server does.",
                app.caps.name
            ),
        ));
        return Vec::new();
    }
    match act {
        Act::AddTask => app.open(StateForm::new(id, Purpose::Task)),
        Act::AddHypothesis => {
            // The entry the IC is looking at is the evidence it rests on.
            let evidence = if app.focus == Pane::Timeline {
                app.cursor_event().map(|e| e.seq.to_string())
            } else {
                None
            };
            app.open(StateForm::with(
                id,
                Purpose::Hypothesis,
                evidence.as_deref().unwrap_or(""),
            ));
        }
        Act::Decide => app.open(StateForm::new(id, Purpose::Decision)),
        Act::Can => app.open(StateForm::new(id, Purpose::Can)),
        Act::Brief => app.open(BriefView::new(id, false)),
        Act::ItemDone | Act::ItemDrop => item(app, id, act == Act::ItemDone),
        Act::LinkEvidence => match app.cursor_event().map(|e| e.seq) {
            Some(seq) => app.open(StateForm::new(id, Purpose::Link { seq })),
            None => {
                app.flash = Some(Flash::info(
                    "No entry under the cursor",
                    "Move to a timeline entry first (k, g, :event N).",
                ));
            }
        },
        _ => {}
    }
    Vec::new()
}

/// `d` / `x` on the state pane's item.
fn item(app: &mut App, id: crate::model::IncidentId, done: bool) {
    let Some((handle, role)) = app.me.clone() else {
        app.flash = Some(Flash::info(
            "Who are you?",
            "The backend has not said who this token belongs to yet; try again in a moment.",
        ));
        return;
    };
    let me = Actor { handle, role };
    let Some(d) = app.selected_detail() else {
        return;
    };
    let refuse = |title: &str, why: String| Some(Flash::info(title, why));
    let (open, flash) = match app.state_row() {
        Some(StateRow::Task(n)) => match d.state.tasks.iter().find(|t| t.id == n) {
            Some(t) if !t.may_close(&me) => (
                None,
                refuse(
                    "Not your task",
                    format!(
                        "Task #{n} is {}'s: a responder closes only their own tasks.",
                        t.owner.as_deref().unwrap_or("nobody")
                    ),
                ),
            ),
            Some(t) if done && t.status == TaskStatus::Proposed => (
                None,
                refuse(
                    "Only proposed",
                    format!(
                        "Task #{n} is proposed: a commander gives it an owner first \
                         (`task assign` or T), or x drops it."
                    ),
                ),
            ),
            Some(_) => (
                Some(if done {
                    Purpose::Done { task: n }
                } else {
                    Purpose::Drop { task: n }
                }),
                None,
            ),
            None => (None, None),
        },
        Some(StateRow::Hypothesis(n)) => match d.state.hypotheses.iter().find(|h| h.id == n) {
            Some(h) if h.status != HypothesisStatus::Open => (
                None,
                refuse("Already decided", format!("H{n} is {}.", h.status)),
            ),
            Some(_) if me.role < ActorRole::Commander => (
                None,
                refuse(
                    "A commander's call",
                    "Anyone raises a hypothesis; the commander confirms or rules it out.".into(),
                ),
            ),
            Some(_) => (
                Some(if done {
                    Purpose::Confirm { hypothesis: n }
                } else {
                    Purpose::RuleOut { hypothesis: n }
                }),
                None,
            ),
            None => (None, None),
        },
        Some(StateRow::Decision(n)) => (
            None,
            refuse(
                "Decisions stay on the record",
                format!("To change D{n}, record a new decision (M) that supersedes it."),
            ),
        ),
        None => (
            None,
            refuse(
                "Nothing under the cursor",
                "Move to a task or a hypothesis on the state pane (Tab, j/k).".into(),
            ),
        ),
    };
    if let Some(p) = open {
        app.open(StateForm::new(id, p));
    }
    if flash.is_some() {
        app.flash = flash;
    }
}
