//! The incident form component from the keyboard.
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::client::WriteOp;
use crate::model::{IncidentId, Severity};
use crate::tui::app::{App, Command, Outgoing, Read};
use crate::tui::app::{Msg, update};
use crate::tui::dialogs::Dialog;
use crate::tui::dialogs::incident_form::*;
use crate::tui::fixtures::sample_app;

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn clear_field(app: &mut App) {
    for _ in 0..400 {
        key(app, KeyCode::Backspace);
    }
}

#[test]
fn e_edits_and_sends_only_the_changed_fields_against_the_version_seen() {
    let mut app = sample_app(80, 24);
    let inc = app.board.details[&IncidentId(4)].incident.clone();
    key(&mut app, KeyCode::Char('e'));
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("e opens the form")
    };
    assert_eq!(crate::tui::app::input::text_of(&f.title), inc.title);
    // Title emptied: refused in the form, with the reason, nothing sent.
    clear_field(&mut app);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("still open")
    };
    assert_eq!(f.error.as_deref(), Some("Title is required."));
    typ(&mut app, "Checkout 502s");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    clear_field(&mut app);
    typ(&mut app, "LB health checks flapping");
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "lb, eu-west");
    let cmds = key(&mut app, KeyCode::Enter);
    let [Command::Write(Outgoing::Send(w))] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let WriteOp::Patch { id, if_match, body } = &w.op else {
        panic!("{:?}", w.op)
    };
    assert_eq!((*id, *if_match), (inc.id, inc.version));
    assert_eq!(body.title.as_deref(), Some("Checkout 502s"));
    assert_eq!(body.service, None, "unchanged fields are not sent");
    assert_eq!(body.summary.as_deref(), Some("LB health checks flapping"));
    assert_eq!(
        body.tags,
        Some(vec!["lb".to_string(), "eu-west".to_string()])
    );
}

#[test]
fn an_edit_that_changes_nothing_or_breaks_a_bound_is_refused_in_the_form() {
    let mut app = sample_app(80, 24);
    key(&mut app, KeyCode::Char('e'));
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .title
            .contains("Nothing to save")
    );
    app.flash = None;
    key(&mut app, KeyCode::Char('e'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    let many: Vec<String> = (0..25).map(|i| format!("t{i}")).collect();
    typ(&mut app, &many.join(","));
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("still open")
    };
    assert_eq!(f.field, FormField::Tags);
    assert!(
        f.error.as_deref().unwrap().contains("limit is 20"),
        "{:?}",
        f.error
    );
}

#[test]
fn a_closed_incident_cannot_be_edited() {
    let mut d = crate::tui::fixtures::incident(
        9,
        "Old",
        "edge",
        Severity::Sev3,
        600,
        crate::model::Status::Closed,
        0,
    );
    d.incident.status = crate::model::Status::Closed;
    let mut app = crate::tui::fixtures::app_with(vec![d], 80, 24);
    app.selected = Some(IncidentId(9));
    key(&mut app, KeyCode::Char('e'));
    assert!(app.dialog.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn the_ic_sets_when_the_impact_started_and_a_bad_time_names_the_field() {
    let mut app = sample_app(80, 24);
    key(&mut app, KeyCode::Char('e'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    typ(&mut app, "2026-11-25 13:05 or so");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("still open")
    };
    assert_eq!(f.field, FormField::Impact);
    assert!(f.error.as_deref().unwrap().contains("not a time"));
    for _ in 0.." or so".len() {
        key(&mut app, KeyCode::Backspace);
    }
    let cmds = key(&mut app, KeyCode::Enter);
    let [Command::Write(Outgoing::Send(w))] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let WriteOp::Patch { body, .. } = &w.op else {
        panic!("{:?}", w.op)
    };
    assert_eq!(
        body.impact_started_at.map(|t| t.to_rfc3339()),
        Some("2026-11-25T13:05:00+00:00".to_string())
    );
    assert_eq!(body.title, None);
}

#[test]
fn the_declare_form_asks_the_rules_and_takes_their_suggestion() {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let mut app = sample_app(80, 24);
    let ctrl = |app: &mut App, c| {
        crate::tui::app::update(
            app,
            crate::tui::app::Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        )
    };
    crate::tui::app::update(
        &mut app,
        crate::tui::app::Msg::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT)),
    );
    typ(&mut app, "Checkout 502s");
    assert_eq!(
        ctrl(&mut app, 'r'),
        vec![Command::Read(Read::Suggest {
            title: "Checkout 502s".into(),
            service: String::new()
        })]
    );
    let s = crate::model::wire::Suggestion {
        rule: Some("checkout".into()),
        severity: Severity::Sev1,
        service: "payments".into(),
        runbook: None,
        tags: vec!["revenue".into()],
        page: vec![],
    };
    crate::tui::app::update(&mut app, crate::tui::app::Msg::Suggested(Ok(s)));
    assert!(ctrl(&mut app, 'y').is_empty());
    let cmds = key(&mut app, KeyCode::Enter);
    let Some(Command::Write(Outgoing::Send(w))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    let WriteOp::Declare { body } = &w.op else {
        panic!("{:?}", w.op)
    };
    assert_eq!(body.severity, Severity::Sev1);
    assert_eq!(body.service, "payments");
    assert_eq!(body.tags, vec!["revenue".to_string()]);
}
