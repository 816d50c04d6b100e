//! The state document's keys: what each sends, what each refuses before a
//! form opens, and the bell that rings once.

use super::*;
use crate::model::ActorRole;
use crate::model::state_doc::{CommandAction, HypothesisAction, TaskAction};
use crate::tui::fixtures::with_state_document;
use crate::tui::keymap::Pane;

fn state_app() -> App {
    let mut app = sample_app(160, 48);
    with_state_document(&mut app);
    app
}

#[test]
fn t_gives_a_task_with_its_time_box_and_a_bad_one_is_said_in_the_form() {
    let mut app = state_app();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT)),
    );
    typ(&mut app, "Page the DBA");
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "marco");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    typ(&mut app, "9x");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty(), "nothing sent with a bad time box");
    assert!(
        matches!(app.dialog, Some(Dialog::StateForm(_))),
        "the form stays open"
    );
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    typ(&mut app, "15m");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Task { body: TaskAction::Add { title, owner, due }, .. }]
            if title == "Page the DBA" && owner.as_deref() == Some("marco") && due.as_deref() == Some("15m")),
        "{cmds:?}"
    );
}

#[test]
fn a_responder_is_told_at_once_that_only_the_owner_closes_a_task() {
    let mut app = state_app();
    app.me = Some(("priya".into(), ActorRole::Responder));
    app.focus = Pane::State;
    app.state_cursor = 0; // task #1, marco's
    ch(&mut app, 'd');
    assert!(app.dialog.is_none());
    let f = app.flash.as_ref().expect("a refusal");
    assert!(format!("{f:?}").contains("marco"), "{f:?}");
    app.flash = None;
    app.state_cursor = 1; // task #2, priya's own
    ch(&mut app, 'd');
    assert!(matches!(app.dialog, Some(Dialog::StateForm(_))));
    typ(&mut app, "sent at 14:31");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        sent(&cmds)[..],
        [WriteOp::Task {
            body: TaskAction::Done { task: 2, .. },
            ..
        }]
    ));
}

#[test]
fn l_links_the_timeline_entry_under_the_cursor_to_a_hypothesis() {
    let mut app = state_app();
    app.focus = Pane::Timeline;
    ch(&mut app, 'k');
    let seq = app.cursor_event().unwrap().seq;
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT)),
    );
    typ(&mut app, "H3");
    let cmds = key(&mut app, KeyCode::Enter);
    let linked = |op: &WriteOp| match op {
        WriteOp::Hypothesis {
            body: HypothesisAction::Link { hypothesis, seq: s },
            ..
        } => Some((*hypothesis, *s)),
        _ => None,
    };
    let ops = sent(&cmds);
    assert_eq!(ops.len(), 1, "{cmds:?}");
    assert_eq!(linked(ops[0]), Some((3, seq)));
}

#[test]
fn command_offered_to_me_rings_once_and_is_accepted_with_the_brief_on_screen() {
    let mut app = state_app();
    app.me = Some(("dana".into(), ActorRole::Commander));
    // The offer is in the list entry: the next look announces it once.
    let first = update(&mut app, Msg::Tick(crate::tui::fixtures::clock()));
    let bells = |c: &[Command]| {
        c.iter()
            .filter(|c| matches!(c, Command::Terminal(Terminal::Bell)))
            .count()
    };
    assert_eq!(bells(&first), 1);
    assert!(
        app.notice()
            .unwrap()
            .contains("offers you command of INC-4")
    );
    let again = update(&mut app, Msg::Tick(crate::tui::fixtures::clock()));
    assert_eq!(bells(&again), 0, "once, not every second");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('B'), KeyModifiers::SHIFT)),
    );
    let version = app.selected_detail().unwrap().incident.version;
    let cmds = ch(&mut app, 'a');
    let accepted = |op: &WriteOp| match op {
        WriteOp::Command {
            body: CommandAction::Accept { brief_version },
            ..
        } => Some(*brief_version),
        _ => None,
    };
    let ops = sent(&cmds);
    assert_eq!(ops.len(), 1, "{cmds:?}");
    assert_eq!(
        accepted(ops[0]),
        Some(version),
        "the brief on screen is the one recorded"
    );
}

#[test]
fn u_starts_from_the_stage_template_and_promises_the_next_update() {
    let mut app = sample_app(160, 48);
    // INC-4 (SEV1) has sent nothing: the initial update, then the scoping
    // one is due 5 minutes after it (the fixture's clock is 14:30).
    ch(&mut app, 'u');
    let Some(Dialog::Editor(e)) = &app.dialog else {
        panic!("the update editor opens");
    };
    let text = crate::tui::app::text_of(&e.text);
    assert!(
        text.starts_with("We are investigating an issue with checkout"),
        "{text}"
    );
    assert!(text.ends_with("Next update by 14:35 UTC."), "{text}");
}

#[test]
fn ctrl_p_makes_an_update_public_and_the_editor_says_so() {
    let mut app = sample_app(160, 48);
    ch(&mut app, 'u');
    if let Some(Dialog::Editor(e)) = &mut app.dialog {
        e.text =
            tui_textarea::TextArea::new(vec!["Checkout is failing for some customers.".into()]);
    }
    ctrl(&mut app, 'p');
    let Some(Dialog::Editor(e)) = &app.dialog else {
        panic!("the editor stays open");
    };
    assert_eq!(e.audience, crate::model::wire::Audience::Public);
    let cmds = ctrl(&mut app, 's');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::StakeholderUpdate { body, .. }]
            if body.audience == Some(crate::model::wire::Audience::Public)),
        "{cmds:?}"
    );
}
