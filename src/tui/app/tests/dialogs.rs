//! The list dialogs opened from keys and the palette: what they read,
//! what their answers fill, and where Enter goes.

use super::*;
use crate::model::Incident;
use crate::model::wire::Similar;
use crate::tui::fixtures::incident;

fn closed_incident(id: u64) -> Incident {
    let mut i = incident(
        id,
        "Old outage",
        "edge",
        Severity::Sev2,
        900,
        Status::Acknowledged,
        0,
    )
    .incident;
    i.status = Status::Closed;
    i
}

#[test]
fn closed_opens_from_the_palette_and_the_filter_and_enter_opens_one_by_id() {
    let mut app = sample_app(80, 24);
    key(&mut app, KeyCode::Char(':'));
    for c in "closed".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Command::Read(Read::Closed)]
    );
    assert!(matches!(&app.dialog, Some(Dialog::Closed(v)) if v.list.rows.is_none()));
    update(
        &mut app,
        Msg::Closed(Ok(vec![closed_incident(41), closed_incident(17)])),
    );
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected, Some(IncidentId(17)));
    assert!(
        cmds.contains(&Command::Watch(vec![IncidentId(17)])),
        "{cmds:?}"
    );
    assert!(app.dialog.is_none());
    // `f` offers every status the list holds, and the closed ones.
    key(&mut app, KeyCode::Char('f'));
    let Some(Dialog::FilterPick(ch)) = &app.dialog else {
        panic!("f opens the chooser")
    };
    let names: Vec<&str> = ch.options.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "status resolved",
        "status verified",
        "closed incidents… (:closed)",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let at = names.iter().position(|n| n.starts_with("closed")).unwrap();
    for _ in 0..at {
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Command::Read(Read::Closed)]
    );
    update(
        &mut app,
        Msg::Closed(Err(crate::client::ClientError::Unsupported(
            "closed incidents".into(),
        ))),
    );
    assert!(matches!(&app.dialog, Some(Dialog::Closed(v))
            if matches!(&v.list.rows, Some(Err(e)) if e.contains("closed incidents"))));
}

#[test]
fn b_finds_what_was_seen_before_and_enter_opens_it() {
    let mut app = sample_app(80, 24);
    let key = |app: &mut App, c| update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    assert_eq!(
        key(&mut app, KeyCode::Char('b')),
        vec![Command::Read(Read::Similar(IncidentId(4)))]
    );
    let past = |n: u64| Similar {
        incident: incident(
            n,
            "Pool exhausted",
            "payments-db",
            crate::model::Severity::Sev2,
            9000,
            crate::model::Status::Acknowledged,
            0,
        )
        .incident,
        score: -3.0,
        resolved_in_seconds: Some(2520),
        last_notes: vec![],
    };
    update(
        &mut app,
        Msg::Similar(IncidentId(4), Ok(vec![past(2), past(1)])),
    );
    // An answer for another incident is not shown here.
    update(&mut app, Msg::Similar(IncidentId(5), Ok(vec![])));
    assert!(matches!(&app.dialog, Some(Dialog::Similar(v)) if v.list.len() == 2));
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected, Some(IncidentId(1)));
    assert!(cmds.contains(&Command::Watch(vec![IncidentId(1)])));
}

#[test]
fn stats_opens_on_ninety_days_and_w_steps_the_window() {
    let mut app = sample_app(80, 24);
    let key = |app: &mut App, c| update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    key(&mut app, KeyCode::Char(':'));
    for c in "stats".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Command::Read(Read::Stats("90d".into()))]
    );
    update(&mut app, Msg::Stats("90d".into(), Ok(Box::default())));
    assert!(matches!(&app.dialog, Some(Dialog::Stats(v)) if matches!(v.data, Some(Ok(_)))));
    assert_eq!(
        key(&mut app, KeyCode::Char('w')),
        vec![Command::Read(Read::Stats("all".into()))]
    );
    // A late answer for the old window is not shown as this one.
    update(&mut app, Msg::Stats("90d".into(), Ok(Box::default())));
    assert!(matches!(&app.dialog, Some(Dialog::Stats(v)) if v.data.is_none() && v.window == "all"));
    assert_eq!(
        key(&mut app, KeyCode::Char('w')),
        vec![Command::Read(Read::Stats("7d".into()))]
    );
}

#[test]
fn retry_from_the_palette_wakes_the_poller_now() {
    let mut app = sample_app(80, 24);
    let id = app.selected;
    key(&mut app, KeyCode::Char(':'));
    typ(&mut app, "retry");
    let cmds = key(&mut app, KeyCode::Enter);
    // The watched set sent again, unchanged: the poller's backoff sleep
    // ends at once.
    assert_eq!(cmds, vec![Command::Watch(id.into_iter().collect())]);
    assert!(app.dialog.is_none());
}
