//! After the outage, in the console: `P` writes the postmortem draft to a
//! file, `F` lists the incident's follow-up actions, adds one (`a`), and
//! marks one done (`x`), won't do (`w`) or open again (`o`). Follow-ups are
//! the one thing a closed incident still accepts.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::TextArea;

use super::input::{line_input, text_of};
use super::writes::send;
use super::{App, Command, Flash};
use crate::client::WriteOp;
use crate::model::{
    ActorRole, FollowUp, FollowUpPatch, FollowUpStatus, IncidentId, NewFollowUp, Priority,
};

/// A key's result: the view's next state (`None` closes it) and what to do.
type Next = (Option<FollowUpsView>, Vec<Command>);

pub struct FollowUpsView {
    pub id: IncidentId,
    /// `None` while loading.
    pub list: Option<Result<Vec<FollowUp>, String>>,
    pub cursor: usize,
    pub form: Option<FollowUpForm>,
}

pub struct FollowUpForm {
    pub title: TextArea<'static>,
    pub owner: TextArea<'static>,
    pub due: TextArea<'static>,
    pub priority: Priority,
    /// 0 title, 1 owner, 2 due, 3 priority.
    pub field: usize,
    pub error: Option<String>,
}

impl FollowUpForm {
    fn new() -> Self {
        Self {
            title: line_input("", "what will stop this from happening again"),
            owner: line_input("", "who owns it (handle)"),
            due: line_input("", "YYYY-MM-DD (optional)"),
            priority: Priority::P2,
            field: 0,
            error: None,
        }
    }

    /// The request, or why it cannot be sent.
    fn request(&self) -> Result<NewFollowUp, String> {
        let title = text_of(&self.title).trim().to_string();
        if title.is_empty() {
            return Err("Title is required.".into());
        }
        let owner = Some(text_of(&self.owner).trim().to_string()).filter(|o| !o.is_empty());
        let due = match text_of(&self.due).trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("Due `{d}` is not a date like 2026-12-01."))?,
            ),
        };
        let req = NewFollowUp {
            title,
            owner,
            due,
            priority: self.priority,
            link: None,
        };
        req.check().map_err(|e| e.to_string())?;
        Ok(req)
    }
}

/// `P`: the postmortem of the incident being looked at, once resolved.
pub(super) fn postmortem(app: &mut App) -> Vec<Command> {
    let Some(inc) = app.selected_incident() else {
        return Vec::new();
    };
    if inc.status.is_active() {
        app.flash = Some(Flash::info(
            "No postmortem yet",
            format!(
                "{} is {}: the postmortem is written once it is resolved.",
                inc.id, inc.status
            ),
        ));
        return Vec::new();
    }
    vec![Command::WritePostmortem(inc.id)]
}

/// `F`: the follow-ups of the incident being looked at: the view to open
/// and the read that fills it.
pub(super) fn open(app: &App) -> Option<(FollowUpsView, Command)> {
    let id = app.selected?;
    let view = FollowUpsView {
        id,
        list: None,
        cursor: 0,
        form: None,
    };
    Some((view, Command::FetchFollowUps(id)))
}

/// Why this console may not change follow-ups, if it may not.
fn refused(app: &App) -> Option<String> {
    if !app.caps.lifecycle {
        return Some(format!("{} has no follow-up actions.", app.caps.name));
    }
    match &app.me {
        Some((_, role)) if *role < ActorRole::Responder => Some(format!(
            "Your token has the {role} role; follow-ups need responder."
        )),
        _ => None,
    }
}

/// The view's keys: its next state (`None` closes it) and what to do.
pub(super) fn key(app: &mut App, mut v: FollowUpsView, k: KeyEvent) -> Next {
    if let Some(form) = v.form.take() {
        return form_key(app, v, form, k);
    }
    let rows = v.list.as_ref().and_then(|l| l.as_ref().ok());
    let n = rows.map_or(0, Vec::len);
    let picked = rows.and_then(|l| l.get(v.cursor)).map(|f| f.id);
    let status = match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return (None, Vec::new()),
        KeyCode::Down | KeyCode::Char('j') => {
            v.cursor = (v.cursor + 1).min(n.saturating_sub(1));
            None
        }
        KeyCode::Up | KeyCode::Char('k') => {
            v.cursor = v.cursor.saturating_sub(1);
            None
        }
        KeyCode::Char('r') => {
            let id = v.id;
            v.list = None;
            return (Some(v), vec![Command::FetchFollowUps(id)]);
        }
        KeyCode::Char('a') => {
            if let Some(why) = refused(app) {
                app.flash = Some(Flash::info("Cannot add follow-ups", why));
            } else {
                v.form = Some(FollowUpForm::new());
            }
            None
        }
        KeyCode::Char('x') => Some(FollowUpStatus::Done),
        KeyCode::Char('w') => Some(FollowUpStatus::WontDo),
        KeyCode::Char('o') => Some(FollowUpStatus::Open),
        _ => None,
    };
    let (Some(status), Some(followup)) = (status, picked) else {
        return (Some(v), Vec::new());
    };
    if let Some(why) = refused(app) {
        app.flash = Some(Flash::info("Cannot change follow-ups", why));
        return (Some(v), Vec::new());
    }
    let body = FollowUpPatch {
        status: Some(status),
        ..Default::default()
    };
    let id = v.id;
    (
        Some(v),
        send(app, WriteOp::UpdateFollowUp { id, followup, body }),
    )
}

fn form_key(app: &mut App, mut v: FollowUpsView, mut f: FollowUpForm, k: KeyEvent) -> Next {
    match k.code {
        KeyCode::Esc => {}
        KeyCode::Tab | KeyCode::Down => {
            f.field = (f.field + 1) % 4;
            v.form = Some(f);
        }
        KeyCode::BackTab | KeyCode::Up => {
            f.field = (f.field + 3) % 4;
            v.form = Some(f);
        }
        KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if f.field == 3 => {
            f.priority = match (f.priority, k.code) {
                (Priority::P1, KeyCode::Left) => Priority::P3,
                (Priority::P2, KeyCode::Left) => Priority::P1,
                (Priority::P3, KeyCode::Left) => Priority::P2,
                (Priority::P1, _) => Priority::P2,
                (Priority::P2, _) => Priority::P3,
                (Priority::P3, _) => Priority::P1,
            };
            v.form = Some(f);
        }
        KeyCode::Enter => match f.request() {
            Ok(body) => {
                let id = v.id;
                return (Some(v), send(app, WriteOp::AddFollowUp { id, body }));
            }
            Err(why) => {
                f.error = Some(why);
                v.form = Some(f);
            }
        },
        _ => {
            let t = match f.field {
                0 => Some(&mut f.title),
                1 => Some(&mut f.owner),
                2 => Some(&mut f.due),
                _ => None,
            };
            if let Some(t) = t {
                t.input(k);
                f.error = None;
            }
            v.form = Some(f);
        }
    }
    (Some(v), Vec::new())
}
