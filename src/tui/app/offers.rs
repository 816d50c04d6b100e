//! What the console offers, asked of the model: who may do what
//! ([`Action::permitted`], the declare rule) and which step the lifecycle
//! allows ([`check_transition`]), the same functions the server enforces,
//! so the console never offers what the server refuses nor hides what it
//! accepts. A table-driven test (`tests/console_offers.rs`) holds the two
//! against each other for every status and role.

use super::App;
use crate::client::Capabilities;
use crate::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, TaskAction};
use crate::model::{
    Action, Actor, ActorRole, Incident, Phase, ResponderAction, Role, Status, check_transition,
    may_declare,
};
use crate::tui::keymap::{self, Act};

/// The model action a key leads to, as far as the rules care (the text of
/// a note or the item ticked do not change who may do it). None for keys
/// that are not incident writes.
pub fn model_action(act: Act, inc: &Incident, me: &str) -> Option<Action> {
    let transition = |to| Action::Transition {
        to,
        force: true,
        reason: Some("asked by the console".into()),
    };
    let responder = |r| Some(Action::Responder(r));
    match act {
        Act::Acknowledge => Some(Action::Transition {
            to: Status::Acknowledged,
            force: false,
            reason: None,
        }),
        // The advance dialog deals with open items (force and a reason):
        // what matters here is whether the step exists at all.
        Act::Advance => inc.status.next().map(transition),
        Act::SevUp | Act::SevDown | Act::Edit => Some(Action::Patch(Default::default())),
        Act::TakeCommand => Some(Action::Command(CommandAction::Take {
            brief_version: 0,
            reason: None,
        })),
        // A responder proposes a task and raises a hypothesis; `d` / `x`
        // ask the item under the cursor too (their own task, a
        // commander's hypothesis): see `state_actions`.
        Act::AddTask | Act::ItemDone | Act::ItemDrop => Some(Action::Task(TaskAction::Add {
            title: String::new(),
            owner: None,
            due: None,
        })),
        Act::AddHypothesis => Some(Action::Hypothesis(HypothesisAction::Add {
            text: String::new(),
            evidence: Vec::new(),
        })),
        Act::LinkEvidence => Some(Action::Hypothesis(HypothesisAction::Link {
            hypothesis: 0,
            seq: 0,
        })),
        Act::Decide => Some(Action::Decide(DecideRequest {
            text: String::new(),
            why: String::new(),
            objections_asked: false,
            supersedes: None,
        })),
        Act::Can => Some(Action::Can(crate::model::CanReport {
            condition: String::new(),
            actions: String::new(),
            needs: String::new(),
        })),
        Act::Note => Some(Action::Note {
            text: String::new(),
            written_at: None,
        }),
        Act::Update => Some(Action::StakeholderUpdate {
            text: String::new(),
            written_at: None,
            audience: Default::default(),
            stage: None,
            data_loss: None,
        }),
        Act::Toggle => Some(Action::Checklist {
            phase: inc.status.phase().unwrap_or(Phase::Investigation),
            item: 0,
            done: true,
        }),
        Act::RunAction => Some(Action::StartRunbookAction(
            crate::model::runbook_action::ActionStart {
                phase: inc.status.phase().unwrap_or(Phase::Investigation),
                item: 0,
                action: String::new(),
                command: String::new(),
                run: 0,
            },
        )),
        // What the server records when it makes a silence (commanders).
        Act::Silence if inc.alert_group.is_some() => Some(Action::AlertSilence(
            crate::model::SilenceChange::Unsilenced,
        )),
        Act::Join => responder(ResponderAction::Join {
            handle: me.to_string(),
        }),
        Act::Responder => responder(ResponderAction::Page {
            handle: "someone-else".into(),
            name: None,
            role: Role::SubjectMatterExpert,
        }),
        _ => None,
    }
}

/// Why `act` is not offered here, if it is not: the backend cannot do it,
/// the incident is closed, or the token's role does not allow it. With
/// `state`, also when the incident's lifecycle state does not allow it
/// (help and palette grey keys without it: they do not depend on one
/// incident's state).
pub fn refusal(
    caps: Capabilities,
    inc: Option<&Incident>,
    me: Option<(&str, ActorRole)>,
    act: Act,
    state: bool,
) -> Option<String> {
    if let Some(why) = capability(caps, act) {
        return Some(format!("{} cannot {why}.", caps.name));
    }
    if !keymap::binding(act).writes {
        return None;
    }
    if caps.read_only {
        return Some(format!(
            "{} is read-only here (read_only / --read-only): it makes no changes.",
            caps.name
        ));
    }
    if act == Act::Declare {
        let (_, role) = me?;
        return may_declare(role).err().map(|e| e.to_string());
    }
    let inc = inc?;
    // The server refuses every write to a closed incident; so do we.
    if inc.status == Status::Closed {
        return Some(format!(
            "{} is closed: a closed incident is a record and is read-only.",
            inc.id
        ));
    }
    // A warroom incident silences the Alertmanager group it came from
    // (the server makes the silence); one not born of alerts has none.
    if act == Act::Silence && caps.lifecycle && inc.alert_group.is_none() {
        return Some(format!("{} was not opened by an alert group.", inc.id));
    }
    let (handle, role) = me?;
    let action = model_action(act, inc, handle)?;
    let actor = Actor {
        handle: handle.to_string(),
        role,
    };
    if let Err(e) = action.permitted(&actor) {
        return Some(e.to_string());
    }
    match action {
        Action::Transition { to, force, reason } if state && caps.lifecycle => {
            check_transition(inc.status, to, &[], force, reason.as_deref())
                .err()
                .map(|e| e.to_string())
        }
        _ => None,
    }
}

/// Why a reopen (back to investigating, with a reason) is not offered.
pub fn reopen_refusal(
    caps: Capabilities,
    inc: &Incident,
    me: Option<(&str, ActorRole)>,
) -> Option<String> {
    if let Some(why) = refusal(caps, Some(inc), me, Act::Advance, false) {
        return Some(why);
    }
    // The lifecycle's one way back: from identified or later.
    if inc.status < Status::Identified {
        return Some(format!(
            "{} is {}: only an identified, contained, resolved or verified incident can be reopened.",
            inc.id, inc.status
        ));
    }
    check_transition(
        inc.status,
        Status::Investigating,
        &[],
        false,
        Some("asked by the console"),
    )
    .err()
    .map(|e| e.to_string())
}

/// What the backend cannot do, for "X cannot …" explanations.
fn capability(caps: Capabilities, act: Act) -> Option<&'static str> {
    let (allowed, what) = match act {
        Act::Acknowledge => (caps.acknowledge, "acknowledge incidents"),
        Act::Join => (
            caps.responders && caps.lifecycle,
            "record who is on the incident",
        ),
        Act::TakeCommand => (caps.state_doc, "hand off command with a brief"),
        Act::AddTask
        | Act::AddHypothesis
        | Act::Decide
        | Act::Can
        | Act::Brief
        | Act::ItemDone
        | Act::ItemDrop
        | Act::LinkEvidence => (
            caps.state_doc,
            "keep a state document (tasks, hypotheses, decisions)",
        ),
        Act::Advance => (
            caps.lifecycle,
            "step through the incident lifecycle (it has no phases)",
        ),
        Act::Resolve => (
            caps.resolve,
            "resolve in one step; advance through the phases with n",
        ),
        Act::Silence => (caps.silence, "silence alerts"),
        Act::Pin | Act::TagEvent | Act::CorrectEvent => (
            caps.state_doc,
            "curate the timeline (tags, pins, corrections)",
        ),
        Act::ReplayBack
        | Act::ReplayOn
        | Act::ReplayPhaseBack
        | Act::ReplayPhaseOn
        | Act::ReplayMinutes => (caps.replay, "replay an incident as it stood"),
        Act::Silences => (caps.alert_groups(), "list Alertmanager's silences"),
        Act::SevUp | Act::SevDown => (caps.severity, "change severity"),
        Act::Toggle => (caps.checklists, "keep checklists"),
        Act::RunAction => (caps.checklists && caps.lifecycle, "run runbook actions"),
        Act::Note => (caps.notes, "take notes"),
        Act::Update => (caps.stakeholder_updates, "post stakeholder updates"),
        Act::Responder => (caps.responders, "page responders or assign roles"),
        Act::Declare => (caps.declare, "declare incidents"),
        Act::Deliveries => (caps.lifecycle, "send notifications"),
        Act::Debrief => (caps.lifecycle, "run drills"),
        Act::Postmortem | Act::FollowUps | Act::Similar | Act::Stats => {
            (caps.lifecycle, "keep postmortems or follow-up actions")
        }
        Act::Edit => (
            caps.edit,
            "edit an incident's title, service, summary or tags",
        ),
        _ => (true, ""),
    };
    (!allowed).then_some(what)
}

/// Why an action cannot run here, if it cannot: help and palette show the
/// same. The selected incident's lifecycle state is not asked (a key's
/// own handler says "already acknowledged" and the like).
pub fn unavailable(app: &App, act: Act) -> Option<String> {
    let me = app.me.as_ref().map(|(h, r)| (h.as_str(), *r));
    refusal(app.caps, app.selected_incident(), me, act, false)
}
