//! What the IC's keys do to the selected incident: each action becomes a
//! write (queued with the caller's identity) or a dialog that leads to one.

use super::writes::{send, severity_change};
use super::{App, Command, DraftKey, DraftKind, Flash};
use crate::client::WriteOp;
use crate::model::wire::{ChecklistRequest, TransitionRequest};
use crate::model::{Incident, Severity, Status};
use crate::tui::dialogs::confirm::Confirm;
use crate::tui::dialogs::editor::{Editor, EditorKind};
use crate::tui::dialogs::incident_form::IncidentForm;
use crate::tui::dialogs::responder::ResponderForm;
use crate::tui::dialogs::runbook_run::ActionView;
use crate::tui::dialogs::silence::SilenceForm;
use crate::tui::keymap::{Act, Pane};

pub(super) fn incident_act(app: &mut App, act: Act) -> Vec<Command> {
    let Some(inc) = app.selected_incident().cloned() else {
        app.flash = Some(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k), or declare one with D.",
        ));
        return Vec::new();
    };
    match act {
        Act::Edit => edit(app, inc),
        Act::Acknowledge => acknowledge(app, inc),
        Act::Advance => advance(app, inc),
        Act::SevUp => sev_up(app, inc),
        Act::SevDown => sev_down(app, inc),
        Act::Toggle => toggle(app, inc),
        Act::RunAction => {
            let out = ActionView::open(&app.ctx(), inc.id, app.checklist_cursor);
            super::dialog_outcome::apply(app, out)
        }
        Act::Note | Act::Update => editor(app, inc, act),
        Act::Join | Act::TakeCommand => join_or_command(app, inc, act),
        Act::Resolve => resolve(app, inc),
        Act::Silence => silence(app, inc),
        Act::Responder => responder(app, inc),
        _ => Vec::new(),
    }
}

fn edit(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    // The detail has the summary whole; a list entry may have it cut,
    // and an edit based on a cut summary would lose its end.
    match app.board.details.get(&id).map(|d| &d.incident) {
        Some(full) => {
            let form = IncidentForm::edit(full);
            app.open(form);
        }
        None => {
            app.flash = Some(Flash::info(
                "Still loading",
                format!("{id} is being read; press e again in a moment."),
            ));
        }
    }
    Vec::new()
}

fn acknowledge(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    if inc.status != Status::Triggered {
        app.flash = Some(Flash::info(
            "Already acknowledged",
            format!("{id} is {}.", inc.status),
        ));
        return Vec::new();
    }
    send(
        app,
        WriteOp::Transition {
            id,
            body: TransitionRequest {
                to: Status::Acknowledged,
                force: false,
                reason: None,
            },
        },
    )
}

fn advance(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    let Some(to) = inc.status.next() else {
        app.flash = Some(Flash::info(
            "Nothing to advance",
            format!("{id} is closed."),
        ));
        return Vec::new();
    };
    let leaving_phase = inc.status.phase() != to.phase();
    if leaving_phase && app.caps.checklists && !app.board.details.contains_key(&id) {
        // Never claim a checklist is complete before we have read it.
        app.flash = Some(Flash::info(
            "Still loading",
            format!("{id}'s checklist is being read; press n again in a moment."),
        ));
        return Vec::new();
    }
    let open = if leaving_phase {
        app.board
            .current_checklist(id)
            .map(|c| c.open_items())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    app.open(Confirm::Advance {
        id,
        from: inc.status,
        to,
        open,
    });
    Vec::new()
}

fn sev_up(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    match inc.severity.raised() {
        None => {
            app.flash = Some(Flash::info(
                "Already SEV1",
                format!("{id} is at the highest severity."),
            ));
            Vec::new()
        }
        Some(Severity::Sev1) => {
            app.open(Confirm::RaiseToSev1 {
                id,
                version: inc.version,
            });
            Vec::new()
        }
        Some(s) => send(app, severity_change(id, inc.version, s)),
    }
}

fn sev_down(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    match inc.severity.lowered() {
        None => {
            app.flash = Some(Flash::info(
                "Already SEV5",
                format!("{id} is at the lowest severity."),
            ));
            Vec::new()
        }
        // Lowering from SEV1 stands people down: say so and ask.
        Some(s) if inc.severity == Severity::Sev1 => {
            app.open(Confirm::Write {
                title: format!("Lower {id} from SEV1?"),
                text: format!(
                    "{id} {}\nSEV1 → {s}: the incident stops being critical; pages and \
                     updates slow down accordingly.",
                    inc.title
                ),
                op: severity_change(id, inc.version, s),
            });
            Vec::new()
        }
        Some(s) => send(app, severity_change(id, inc.version, s)),
    }
}

fn toggle(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    let Some(list) = app.board.current_checklist(id) else {
        app.flash = Some(super::Flash::info(
            "No checklist",
            format!("{id} has no checklist in this phase."),
        ));
        return Vec::new();
    };
    let Some(item) = list.items.get(app.checklist_cursor) else {
        app.flash = Some(super::Flash::info(
            "No item here",
            "Move to a checklist item (j/k in the checklist pane) to tick it.",
        ));
        return Vec::new();
    };
    let body = ChecklistRequest {
        phase: list.phase,
        item: app.checklist_cursor,
        done: !item.is_done(),
    };
    send(app, WriteOp::Checklist { id, body })
}

fn editor(app: &mut App, inc: Incident, act: Act) -> Vec<Command> {
    let id = inc.id;
    let kind = if act == Act::Note {
        DraftKind::Note
    } else {
        DraftKind::Update
    };
    let key = DraftKey { id, kind };
    let mut draft = app.drafts.get(&key).cloned().unwrap_or_default();
    let stage = crate::model::cadence::UpdateStage::of(&inc);
    // A new update starts from its stage's template (the team's, from
    // the server's policy, or the built-in one) and promises the next
    // one (kept as a draft only once the IC types in it).
    let configured = app.policy.update_templates.get(&stage).map(String::as_str);
    if kind == DraftKind::Update && draft.trim().is_empty() {
        let next_by = app.policy.after_update(&inc, app.now);
        let impact = app
            .board
            .details
            .get(&id)
            .and_then(|d| d.state.impact.as_ref());
        draft = crate::model::cadence::template(configured, stage, &inc, impact, next_by);
    }
    let editor = if act == Act::Note {
        Editor::draft(EditorKind::Note(key), &draft)
    } else {
        // The template's [parts] are the IC's to replace before it goes.
        let blanks = crate::model::cadence::blanks(
            configured.unwrap_or_else(|| crate::model::cadence::builtin(stage)),
        );
        Editor::draft(EditorKind::Update(key), &draft)
            .at_stage(stage)
            .with_blanks(blanks)
    };
    app.open(editor);
    Vec::new()
}

fn join_or_command(app: &mut App, inc: Incident, act: Act) -> Vec<Command> {
    let id = inc.id;
    let Some((me, _)) = app.me.clone() else {
        app.flash = Some(Flash::info(
            "Who are you?",
            "The backend has not said who this token belongs to yet; try again in a moment.",
        ));
        return Vec::new();
    };
    let mine = app
        .board
        .details
        .get(&id)
        .and_then(|d| d.responders.iter().find(|r| r.handle == me))
        .map(|r| r.state);
    use crate::model::{ResponderAction, ResponderState};
    if act == Act::TakeCommand {
        if inc.commander.as_deref() == Some(me.as_str()) {
            app.flash = Some(Flash::info(
                "Already in command",
                format!("You are the IC of {id}."),
            ));
            return Vec::new();
        }
        // Command is taken having read the brief: it opens first, and
        // Enter there takes command, recording the version read.
        app.open(crate::tui::dialogs::brief::BriefView::new(id, true));
        return Vec::new();
    }
    let body = match mine {
        Some(ResponderState::Paged) => ResponderAction::Acknowledge { handle: me },
        Some(ResponderState::Joined) => {
            app.flash = Some(Flash::info(
                "Already here",
                format!("You have joined {id}."),
            ));
            return Vec::new();
        }
        _ => ResponderAction::Join { handle: me },
    };
    send(app, WriteOp::Responder { id, body })
}

fn resolve(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    if !inc.status.is_active() {
        app.flash = Some(Flash::info(
            "Already resolved",
            format!("{id} is {}.", inc.status),
        ));
        return Vec::new();
    }
    app.open(Confirm::Write {
        title: format!("Resolve {id}?"),
        text: format!(
            "{id} {}\n{} resolves it at once for everyone: it leaves the on-call's list.",
            inc.title, app.caps.name
        ),
        op: WriteOp::Resolve { id },
    });
    Vec::new()
}

fn silence(app: &mut App, inc: Incident) -> Vec<Command> {
    app.open(SilenceForm::new(inc.id));
    Vec::new()
}

fn responder(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    let handle = if app.focus == Pane::Responders {
        app.board
            .details
            .get(&id)
            .and_then(|d| d.responders.get(app.responder_cursor))
            .map(|r| r.handle.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let form = ResponderForm::new(&app.ctx(), id, handle);
    app.open(form);
    Vec::new()
}
