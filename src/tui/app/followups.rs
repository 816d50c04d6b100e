//! After the outage, in the console: `P` writes the postmortem draft to a
//! file, `F` lists the incident's follow-up actions, adds one (`a`), and
//! marks one done (`x`), won't do (`w`) or open again (`o`). Follow-ups are
//! the one thing a closed incident still accepts.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::TextArea;

use super::overlay::{line_input, text_of};
use super::writes::send;
use super::{App, Command, Flash, Overlay};
use crate::client::WriteOp;
use crate::model::{
    ActorRole, FollowUp, FollowUpPatch, FollowUpStatus, IncidentId, NewFollowUp, Priority,
};

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

/// `F`: the follow-ups of the incident being looked at.
pub(super) fn open(app: &mut App) -> Vec<Command> {
    let Some(id) = app.selected else {
        return Vec::new();
    };
    app.overlay = Some(Overlay::FollowUps(FollowUpsView {
        id,
        list: None,
        cursor: 0,
        form: None,
    }));
    vec![Command::FetchFollowUps(id)]
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

pub(super) fn key(app: &mut App, mut v: FollowUpsView, k: KeyEvent) -> Vec<Command> {
    if let Some(form) = v.form.take() {
        return form_key(app, v, form, k);
    }
    let rows = v.list.as_ref().and_then(|l| l.as_ref().ok());
    let n = rows.map_or(0, Vec::len);
    let picked = rows.and_then(|l| l.get(v.cursor)).map(|f| f.id);
    let status = match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
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
            app.overlay = Some(Overlay::FollowUps(v));
            return vec![Command::FetchFollowUps(id)];
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
    let id = v.id;
    app.overlay = Some(Overlay::FollowUps(v));
    match (status, picked) {
        (Some(status), Some(followup)) => {
            if let Some(why) = refused(app) {
                app.flash = Some(Flash::info("Cannot change follow-ups", why));
                return Vec::new();
            }
            let body = FollowUpPatch {
                status: Some(status),
                ..Default::default()
            };
            send(app, WriteOp::UpdateFollowUp { id, followup, body })
        }
        _ => Vec::new(),
    }
}

fn form_key(app: &mut App, mut v: FollowUpsView, mut f: FollowUpForm, k: KeyEvent) -> Vec<Command> {
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
                app.overlay = Some(Overlay::FollowUps(v));
                return send(app, WriteOp::AddFollowUp { id, body });
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
    app.overlay = Some(Overlay::FollowUps(v));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::model::{Severity, Status};
    use crate::tui::app::{Msg, update};
    use crate::tui::fixtures::{app_with, incident, sample_app};

    fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
        let mods = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        update(app, Msg::Key(KeyEvent::new(code, mods)))
    }

    fn typ(app: &mut App, s: &str) {
        for c in s.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    fn closed_app() -> App {
        let mut d = incident(
            9,
            "Old outage",
            "edge",
            Severity::Sev2,
            600,
            Status::Acknowledged,
            0,
        );
        d.incident.status = Status::Closed;
        let mut app = app_with(vec![d], 80, 24);
        app.selected = Some(IncidentId(9));
        app
    }

    #[test]
    fn a_closed_incident_takes_follow_ups_from_the_keyboard() {
        let mut app = closed_app();
        assert_eq!(
            key(&mut app, KeyCode::Char('F')),
            vec![Command::FetchFollowUps(IncidentId(9))]
        );
        update(&mut app, Msg::FollowUps(IncidentId(9), Ok(vec![])));
        key(&mut app, KeyCode::Char('a'));
        // No title: refused in the form, with the reason.
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        let Some(Overlay::FollowUps(v)) = &app.overlay else {
            panic!("open")
        };
        assert_eq!(
            v.form.as_ref().unwrap().error.as_deref(),
            Some("Title is required.")
        );
        typ(&mut app, "Alert on pool saturation");
        key(&mut app, KeyCode::Tab);
        typ(&mut app, "marco");
        key(&mut app, KeyCode::Tab);
        typ(&mut app, "next friday");
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        let Some(Overlay::FollowUps(v)) = &app.overlay else {
            panic!("open")
        };
        assert!(
            v.form
                .as_ref()
                .unwrap()
                .error
                .as_deref()
                .unwrap()
                .contains("not a date")
        );
        for _ in 0.."next friday".len() {
            key(&mut app, KeyCode::Backspace);
        }
        typ(&mut app, "2026-12-04");
        let cmds = key(&mut app, KeyCode::Enter);
        let [Command::Send(w)] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        let WriteOp::AddFollowUp { id, body } = &w.op else {
            panic!("{:?}", w.op)
        };
        assert_eq!(*id, IncidentId(9));
        assert_eq!(body.owner.as_deref(), Some("marco"));
        assert_eq!(body.due, NaiveDate::from_ymd_opt(2026, 12, 4));
        // Delivered: the list is read again.
        let cmds = update(
            &mut app,
            Msg::Delivery(crate::client::sender::Delivery::Delivered {
                key: w.key.clone(),
                answer: None,
            }),
        );
        assert_eq!(cmds, vec![Command::FetchFollowUps(IncidentId(9))]);
    }

    #[test]
    fn x_marks_done_and_a_viewer_is_told_why_not() {
        let mut app = closed_app();
        key(&mut app, KeyCode::Char('F'));
        let now = app.now;
        let fu = FollowUp {
            id: 3,
            incident: IncidentId(9),
            title: "t".into(),
            owner: None,
            due: None,
            priority: Priority::P1,
            status: FollowUpStatus::Open,
            link: None,
            created_by: "alice".into(),
            created_at: now,
            updated_at: now,
        };
        update(&mut app, Msg::FollowUps(IncidentId(9), Ok(vec![fu])));
        let cmds = key(&mut app, KeyCode::Char('x'));
        assert!(
            matches!(&cmds[..], [Command::Send(w)]
                if matches!(&w.op, WriteOp::UpdateFollowUp { followup: 3, body, .. }
                    if body.status == Some(FollowUpStatus::Done))),
            "{cmds:?}"
        );
        app.me = Some(("victor".into(), ActorRole::Viewer));
        assert!(key(&mut app, KeyCode::Char('w')).is_empty());
        assert!(app.flash.as_ref().unwrap().text.contains("viewer"));
    }

    #[test]
    fn p_writes_a_postmortem_only_once_resolved() {
        let mut app = sample_app(80, 24);
        assert!(key(&mut app, KeyCode::Char('P')).is_empty());
        assert!(
            app.flash
                .as_ref()
                .unwrap()
                .text
                .contains("once it is resolved")
        );
        let mut app = closed_app();
        assert_eq!(
            key(&mut app, KeyCode::Char('P')),
            vec![Command::WritePostmortem(IncidentId(9))]
        );
    }

    #[test]
    fn a_finished_incident_under_review_reads_its_follow_ups_once() {
        let mut d = incident(
            9,
            "Old outage",
            "edge",
            Severity::Sev2,
            600,
            Status::Acknowledged,
            0,
        );
        d.incident.status = Status::Closed;
        let mut app = sample_app(80, 24);
        app.selected = Some(IncidentId(9));
        let feed = |d: &crate::model::IncidentDetail| {
            Msg::Feed(crate::client::poller::Feed::Detail {
                detail: Box::new(d.clone()),
                at: crate::tui::fixtures::clock(),
            })
        };
        let cmds = update(&mut app, feed(&d));
        assert!(
            cmds.contains(&Command::FetchFollowUps(IncidentId(9))),
            "{cmds:?}"
        );
        update(&mut app, Msg::FollowUps(IncidentId(9), Ok(vec![])));
        let cmds = update(&mut app, feed(&d));
        assert!(
            !cmds.contains(&Command::FetchFollowUps(IncidentId(9))),
            "kept: {cmds:?}"
        );
    }
}
