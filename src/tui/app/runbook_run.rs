//! `x` on a checklist item: its runbook action. First the server says
//! exactly what would run (the confirmation shows it whole); `y` starts it,
//! sent at once and never queued; then its output streams in while it
//! runs. Esc closes the dialog at any point: a run goes on, and how it
//! ended arrives on the timeline.

use std::collections::VecDeque;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Flash, Overlay};
use crate::client::ClientError;
use crate::model::runbook_action::{
    ActionPreview, MAX_RUN_LINES, RunActionRequest, RunOutput, RunStarted, RunState, Stream,
};
use crate::model::{Incident, IncidentId, Phase};

/// Output lines the dialog keeps (the newest).
pub const KEPT_LINES: usize = MAX_RUN_LINES;

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Asking the server what would run.
    Loading,
    Confirm(ActionPreview),
    /// Sent; waiting for the run's number.
    Starting(ActionPreview),
    Running(Box<Live>),
    /// The server refused, or could not be asked.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub run: u64,
    pub command: String,
    pub lines: VecDeque<(Stream, String)>,
    pub state: RunState,
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    pub next: u64,
    /// The last read failed; following stopped (the timeline still tells).
    pub lost: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionView {
    pub id: IncidentId,
    pub phase: Phase,
    pub item: usize,
    pub text: String,
    pub stage: Stage,
    /// Lines scrolled back from the newest.
    pub scroll: usize,
}

/// `x`: the item under the cursor, if it has an action.
pub(super) fn open(app: &mut App, inc: Incident) -> Vec<Command> {
    let id = inc.id;
    let Some(list) = app.board.current_checklist(id) else {
        app.flash = Some(Flash::info(
            "No checklist here",
            "Runbook actions belong to the items of the current phase's checklist.",
        ));
        return Vec::new();
    };
    let (phase, cursor) = (list.phase, app.checklist_cursor);
    let Some(item) = list.items.get(cursor) else {
        return Vec::new();
    };
    if item.action.is_none() {
        app.flash = Some(Flash::info(
            "No action on this item",
            "Only items marked ▶ run something (a runbook names the action).",
        ));
        return Vec::new();
    }
    app.overlay = Some(Overlay::Action(ActionView {
        id,
        phase,
        item: cursor,
        text: item.text.clone(),
        stage: Stage::Loading,
        scroll: 0,
    }));
    vec![Command::FetchActionPreview {
        id,
        phase,
        item: cursor,
    }]
}

pub(super) fn key(app: &mut App, mut v: ActionView, k: KeyEvent) -> Vec<Command> {
    let mut cmds = Vec::new();
    match (&v.stage, k.code) {
        (_, KeyCode::Esc | KeyCode::Char('q')) => return Vec::new(),
        (Stage::Confirm(_), KeyCode::Char('n')) => return Vec::new(),
        (Stage::Confirm(p), KeyCode::Char('y')) => {
            let req = RunActionRequest {
                phase: v.phase,
                item: v.item,
                confirm: p.digest.clone(),
            };
            cmds.push(Command::StartAction {
                id: v.id,
                req,
                key: crate::client::new_key(),
            });
            v.stage = Stage::Starting(p.clone());
        }
        (Stage::Running(_), KeyCode::Up | KeyCode::Char('k')) => v.scroll += 1,
        (Stage::Running(_), KeyCode::Down | KeyCode::Char('j')) => {
            v.scroll = v.scroll.saturating_sub(1)
        }
        (Stage::Running(_), KeyCode::Char('G') | KeyCode::End) => v.scroll = 0,
        _ => {}
    }
    app.overlay = Some(Overlay::Action(v));
    cmds
}

/// The dialog open for this incident's item, if it is.
fn view_for(app: &mut App, id: IncidentId) -> Option<&mut ActionView> {
    match &mut app.overlay {
        Some(Overlay::Action(v)) if v.id == id => Some(v),
        _ => None,
    }
}

pub(super) fn previewed(
    app: &mut App,
    id: IncidentId,
    phase: Phase,
    item: usize,
    r: Result<ActionPreview, ClientError>,
) -> Vec<Command> {
    let Some(v) = view_for(app, id).filter(|v| v.phase == phase && v.item == item) else {
        return Vec::new();
    };
    if v.stage != Stage::Loading {
        return Vec::new();
    }
    v.stage = match r {
        Ok(p) => Stage::Confirm(p),
        Err(e) => Stage::Refused(e.to_string()),
    };
    Vec::new()
}

pub(super) fn started(
    app: &mut App,
    id: IncidentId,
    r: Result<RunStarted, ClientError>,
) -> Vec<Command> {
    let Some(v) = view_for(app, id) else {
        return Vec::new();
    };
    let Stage::Starting(p) = &v.stage else {
        return Vec::new();
    };
    match r {
        Ok(s) => {
            v.stage = Stage::Running(Box::new(Live {
                run: s.run,
                command: p.command.clone(),
                lines: VecDeque::new(),
                state: RunState::Running,
                exit_code: None,
                duration_ms: 0,
                next: 0,
                lost: None,
            }));
            vec![Command::FollowRun {
                id,
                run: s.run,
                after: 0,
            }]
        }
        Err(e) => {
            v.stage = Stage::Refused(e.to_string());
            Vec::new()
        }
    }
}

/// More output; asks for the next while the run goes on and the dialog
/// shows it (one request at a time: the server holds it until there is
/// more).
pub(super) fn output(
    app: &mut App,
    id: IncidentId,
    run: u64,
    r: Result<RunOutput, ClientError>,
) -> Vec<Command> {
    let Some(v) = view_for(app, id) else {
        return Vec::new();
    };
    let Stage::Running(live) = &mut v.stage else {
        return Vec::new();
    };
    if live.run != run {
        return Vec::new();
    }
    match r {
        Ok(o) => {
            for l in o.lines.into_iter().filter(|l| l.n > live.next) {
                if live.lines.len() == KEPT_LINES {
                    live.lines.pop_front();
                }
                live.lines.push_back((l.stream, l.text));
            }
            live.next = o.next.max(live.next);
            live.state = o.state;
            live.exit_code = o.exit_code;
            live.duration_ms = o.duration_ms;
            if o.state == RunState::Running {
                return vec![Command::FollowRun {
                    id,
                    run,
                    after: live.next,
                }];
            }
            Vec::new()
        }
        Err(e) => {
            live.lost = Some(e.to_string());
            Vec::new()
        }
    }
}
