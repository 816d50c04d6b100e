//! Answers to what the console asked for, put where they were asked for:
//! the console's own (who we are, the policy, older events, a postmortem
//! written), and the ones that fill a dialog, dropped when that dialog is
//! no longer the one open (a late answer never lands in another).

use super::dialog_outcome::effects_of;
use super::{App, Command, Flash};
use crate::client::{ClientError, SilenceInfo, UserMatch};
use crate::model::runbook_action::{ActionPreview, RunOutput, RunStarted};
use crate::model::wire::{DeliveryInfo, Similar, Suggestion};
use crate::model::{ActorRole, FollowUp, Incident, IncidentId, Phase, Policy};
use crate::tui::dialogs::Dialog;

type Answer<T> = Result<T, ClientError>;

/// A dialog's answer; a failure is also logged (the dialog shows it, and
/// the log keeps it after the dialog is gone).
fn said<T>(r: Answer<T>) -> Result<T, String> {
    r.map_err(|e| {
        tracing::warn!(error = %e, "a read for a dialog failed");
        e.to_string()
    })
}

pub(super) fn whoami(app: &mut App, r: Answer<(String, ActorRole)>) -> Vec<Command> {
    match r {
        Ok(me) => app.me = Some(me),
        Err(e) => app.board.failed(&e),
    }
    Vec::new()
}

pub(super) fn policy(app: &mut App, r: Answer<Policy>) -> Vec<Command> {
    match r {
        Ok(p) => app.policy = p,
        // The defaults stay; the header's due times are then the defaults'.
        Err(e) => tracing::warn!(error = %e, "cannot read the server's policy"),
    }
    Vec::new()
}

pub(super) fn postmortem_written(
    app: &mut App,
    id: IncidentId,
    r: Result<crate::tui::console::postmortem::Written, String>,
) -> Vec<Command> {
    if let Ok(w) = &r {
        app.postmortems.insert(id, w.path.clone());
    }
    app.flash = Some(match r {
        Ok(w) => Flash::info(
            format!("Postmortem of {id} written"),
            format!(
                "{}{}\n\nThe team fills in root causes, trigger and lessons; \
                 `warroom postmortem {id}` prints it again.",
                w.path.display(),
                w.kept
                    .map(|k| format!(
                        "\n{} was changed since warroom wrote it: kept as it is.",
                        k.display()
                    ))
                    .unwrap_or_default()
            ),
        ),
        Err(e) => Flash::error(format!("No postmortem for {id}"), e),
    });
    Vec::new()
}

pub(super) fn followups(app: &mut App, id: IncidentId, r: Answer<Vec<FollowUp>>) -> Vec<Command> {
    if let Ok(list) = &r {
        if app.followups.len() >= super::FOLLOWUPS_KEPT {
            app.followups.clear();
        }
        app.followups.insert(id, list.clone());
    }
    if let Some(Dialog::FollowUps(v)) = &mut app.dialog
        && v.id == id
    {
        v.list.fill(said(r));
    }
    Vec::new()
}

pub(super) fn stats(
    app: &mut App,
    window: &str,
    r: Answer<Box<crate::model::stats::Stats>>,
) -> Vec<Command> {
    if let Some(Dialog::Stats(v)) = &mut app.dialog {
        v.fill(window, said(r));
    }
    Vec::new()
}

pub(super) fn debrief(app: &mut App, id: IncidentId, r: Answer<String>) -> Vec<Command> {
    if let Some(Dialog::Debrief(v)) = &mut app.dialog {
        v.fill(id, said(r));
    }
    Vec::new()
}

pub(super) fn reviews(
    app: &mut App,
    r: Answer<Vec<crate::model::review::ReviewEntry>>,
) -> Vec<Command> {
    if let Some(Dialog::Reviews(v)) = &mut app.dialog {
        v.fill(said(r));
    }
    Vec::new()
}

pub(super) fn similar(app: &mut App, id: IncidentId, r: Answer<Vec<Similar>>) -> Vec<Command> {
    if let Some(Dialog::Similar(v)) = &mut app.dialog
        && v.id == id
    {
        v.list.fill(said(r));
    }
    Vec::new()
}

pub(super) fn closed(app: &mut App, r: Answer<Vec<Incident>>) -> Vec<Command> {
    if let Some(Dialog::Closed(v)) = &mut app.dialog {
        v.list.fill(said(r));
    }
    Vec::new()
}

pub(super) fn suggested(app: &mut App, r: Answer<Suggestion>) -> Vec<Command> {
    if let Some(Dialog::Form(f)) = &mut app.dialog {
        f.suggested(said(r));
    }
    Vec::new()
}

pub(super) fn deliveries(
    app: &mut App,
    id: IncidentId,
    r: Answer<Vec<DeliveryInfo>>,
) -> Vec<Command> {
    if let Some(Dialog::Deliveries(v)) = &mut app.dialog
        && v.id == id
    {
        v.list.fill(said(r));
    }
    Vec::new()
}

pub(super) fn users(app: &mut App, query: &str, r: Answer<Vec<UserMatch>>) -> Vec<Command> {
    if let Some(Dialog::Responder(f)) = &mut app.dialog
        && let Some(error) = f.users(query, said(r))
    {
        app.board.conn.error = Some(error);
    }
    Vec::new()
}

pub(super) fn silences(app: &mut App, r: Answer<Vec<SilenceInfo>>) -> Vec<Command> {
    if let Some(Dialog::Silences(v)) = &mut app.dialog {
        v.fill(said(r));
    }
    Vec::new()
}

pub(super) fn action_preview(
    app: &mut App,
    id: IncidentId,
    phase: Phase,
    item: usize,
    r: Answer<ActionPreview>,
) -> Vec<Command> {
    if let Some(Dialog::Action(v)) = &mut app.dialog {
        v.previewed(id, phase, item, said(r));
    }
    Vec::new()
}

pub(super) fn action_started(app: &mut App, id: IncidentId, r: Answer<RunStarted>) -> Vec<Command> {
    let Some(Dialog::Action(v)) = &mut app.dialog else {
        return Vec::new();
    };
    let effects = v.started(id, said(r));
    effects_of(app, effects)
}

pub(super) fn run_output(
    app: &mut App,
    id: IncidentId,
    run: u64,
    r: Answer<RunOutput>,
) -> Vec<Command> {
    let Some(Dialog::Action(v)) = &mut app.dialog else {
        return Vec::new();
    };
    let effects = v.output(id, run, said(r));
    effects_of(app, effects)
}
