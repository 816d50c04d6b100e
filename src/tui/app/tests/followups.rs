//! The followups component from the keyboard.
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::client::WriteOp;
use crate::model::{ActorRole, FollowUp, FollowUpStatus, IncidentId, Priority};
use crate::model::{Severity, Status};
use crate::tui::app::{App, Command, Outgoing, Read};
use crate::tui::app::{Msg, update};
use crate::tui::dialogs::Dialog;
use crate::tui::fixtures::{app_with, incident, sample_app};
use chrono::NaiveDate;

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
        vec![Command::Read(Read::FollowUps(IncidentId(9)))]
    );
    update(&mut app, Msg::FollowUps(IncidentId(9), Ok(vec![])));
    key(&mut app, KeyCode::Char('a'));
    // No title: refused in the form, with the reason.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Dialog::FollowUps(v)) = &app.dialog else {
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
    let Some(Dialog::FollowUps(v)) = &app.dialog else {
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
    let [Command::Write(Outgoing::Send(w))] = &cmds[..] else {
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
    assert_eq!(cmds, vec![Command::Read(Read::FollowUps(IncidentId(9)))]);
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
        matches!(&cmds[..], [Command::Write(Outgoing::Send(w))]
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
        vec![Command::Read(Read::Postmortem(IncidentId(9)))]
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
        cmds.contains(&Command::Read(Read::FollowUps(IncidentId(9)))),
        "{cmds:?}"
    );
    update(&mut app, Msg::FollowUps(IncidentId(9), Ok(vec![])));
    let cmds = update(&mut app, feed(&d));
    assert!(
        !cmds.contains(&Command::Read(Read::FollowUps(IncidentId(9)))),
        "kept: {cmds:?}"
    );
}
