//! Alertmanager and PagerDuty: what works there and what says why not.

use super::*;

#[test]
fn on_alertmanager_only_silence_works_and_the_rest_says_why() {
    let mut app = sample_app(80, 24);
    app.caps = crate::client::alertmanager::CAPABILITIES;
    for k in ['a', 'n', 'i', 's'] {
        assert!(ch(&mut app, k).is_empty(), "{k} sent something");
        let f = app.flash.take().expect("told why");
        assert!(f.text.starts_with("Alertmanager cannot"), "{k}: {}", f.text);
    }
    ch(&mut app, 'z');
    assert!(matches!(app.dialog, Some(Dialog::Silence(_))));
    assert!(
        sent(&key(&mut app, KeyCode::Enter)).is_empty(),
        "a silence needs a comment"
    );
    typ(&mut app, "rollback in progress");
    key(&mut app, KeyCode::Up);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Silence { comment, minutes: 120, .. }] if comment == "rollback in progress")
    );
    // :silences loads the list, and d expires the selected one.
    ch(&mut app, ':');
    typ(&mut app, "silences");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(cmds, vec![Command::Read(Read::Silences)]);
    let s = crate::client::SilenceInfo {
        id: "abc".into(),
        matchers: "alertname=X".into(),
        comment: "c".into(),
        created_by: "me".into(),
        ends_at: app.now,
        state: crate::client::SilenceState::Active,
    };
    update(&mut app, Msg::Silences(Ok(vec![s])));
    // Expiring re-enables paging: it asks first, naming the matchers.
    assert!(ch(&mut app, 'd').is_empty());
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Confirm(Confirm::Write { text, .. })) if text.contains("alertname=X")
    ));
    let cmds = ch(&mut app, 'y');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::ExpireSilence { silence_id }] if silence_id == "abc")
    );
    assert!(cmds.contains(&Command::Read(Read::Silences)));
}

#[test]
fn on_pagerduty_a_resolves_in_one_step_and_the_lifecycle_keys_explain() {
    let triggered = crate::tui::fixtures::incident(
        9,
        "Disk full",
        "db",
        Severity::Sev2,
        5,
        Status::Triggered,
        0,
    );
    let mut app = crate::tui::fixtures::app_with(vec![triggered], 80, 24);
    app.caps = crate::client::pagerduty::CAPABILITIES;
    assert!(
        matches!(sent(&ch(&mut app, 'a'))[..], [WriteOp::Transition { body, .. }] if body.to == Status::Acknowledged)
    );
    let cmds = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    // Resolving for everyone asks first, naming the incident.
    assert!(cmds.is_empty());
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Confirm(Confirm::Write { title, .. })) if title.contains("INC-9")
    ));
    let cmds = ch(&mut app, 'y');
    assert!(matches!(sent(&cmds)[..], [WriteOp::Resolve { id }] if *id == IncidentId(9)));
    assert!(ch(&mut app, 'n').is_empty());
    assert!(
        app.flash
            .take()
            .unwrap()
            .text
            .contains("PagerDuty cannot step through the incident lifecycle")
    );
    // And on warroom, R points to the lifecycle instead.
    let mut app = sample_app(80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    assert!(
        app.flash
            .take()
            .unwrap()
            .text
            .contains("advance through the phases with n")
    );
}

#[test]
fn writes_queued_under_other_credentials_are_held_until_the_user_decides() {
    let mut app = sample_app(80, 24);
    app.identity = "token:me".into();
    let note = |text: &str, by: Option<&str>| {
        let mut w = crate::client::Write::new(WriteOp::Note {
            id: IncidentId(4),
            body: crate::model::wire::TextRequest::new(text),
        });
        w.queued_by = by.map(str::to_string);
        w
    };
    let mine = note("mine", Some("token:me"));
    let theirs = note("planted", Some("token:someone-else"));
    let old = note("from an older version", None);
    let cmds = update(
        &mut app,
        Msg::Restored(vec![mine.clone(), theirs.clone(), old.clone()]),
    );
    // Only our own write is sent; the others are held and flagged.
    assert_eq!(cmds, vec![Command::Write(Outgoing::Resend(mine))]);
    assert_eq!(app.pending.len(), 3);
    assert!(app.pending[1].foreign && app.pending[2].foreign);
    assert!(app.flash.as_ref().unwrap().text.contains("held"));
    key(&mut app, KeyCode::Esc);
    // New writes carry our identity.
    ch(&mut app, 'i');
    typ(&mut app, "fresh");
    let cmds = ctrl(&mut app, 's');
    let Some(Command::Write(Outgoing::Send(w))) = cmds
        .iter()
        .find(|c| matches!(c, Command::Write(Outgoing::Send(_))))
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(w.queued_by.as_deref(), Some("token:me"));
    // In :outbox, `s` sends a held one as us; it is not sent otherwise.
    ch(&mut app, ':');
    typ(&mut app, "outbox");
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'j');
    let cmds = ch(&mut app, 's');
    let [Command::Write(Outgoing::Adopt(w))] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(w.key, theirs.key);
    assert_eq!(w.queued_by.as_deref(), Some("token:me"));
    // `s` on our own (not held) entry does nothing.
    ch(&mut app, 'k');
    assert!(ch(&mut app, 's').is_empty());
}

#[test]
fn on_pagerduty_the_responder_dialog_finds_users_and_sends_their_id() {
    let mut app = sample_app(80, 24);
    app.caps = crate::client::pagerduty::CAPABILITIES;
    ch(&mut app, 'r');
    assert!(matches!(app.dialog, Some(Dialog::Responder(_))));
    assert!(ch(&mut app, 'd').is_empty(), "one letter does not search");
    let cmds = ch(&mut app, 'a');
    assert_eq!(cmds, vec![Command::Read(Read::Users("da".into()))]);
    let user = |id: &str, name: &str| crate::client::UserMatch {
        id: id.into(),
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase()),
    };
    // A late answer to an older query is ignored.
    update(
        &mut app,
        Msg::Users("d".into(), Ok(vec![user("PSTALE", "Old")])),
    );
    update(
        &mut app,
        Msg::Users(
            "da".into(),
            Ok(vec![user("PDANA01", "Dana"), user("PDAVE02", "Dave")]),
        ),
    );
    let Some(Dialog::Responder(f)) = &app.dialog else {
        panic!()
    };
    assert_eq!(f.matches.len(), 2);
    key(&mut app, KeyCode::Down);
    let cmds = key(&mut app, KeyCode::Enter);
    let ops = sent(&cmds);
    let [WriteOp::Responder { body, .. }] = &ops[..] else {
        panic!("{cmds:?}")
    };
    assert!(
        matches!(body, ResponderAction::Page { handle, .. } if handle == "PDAVE02"),
        "{body:?}"
    );
}

/// A backend that listed incidents we could not read says so in the list's
/// title (never a silent gap), and stops saying it when the next list is
/// whole.
#[test]
fn incidents_the_backend_listed_but_we_could_not_read_are_counted_in_the_title() {
    let mut app = sample_app(120, 40);
    let at = crate::tui::fixtures::clock();
    update(&mut app, Msg::Feed(Feed::Unreadable { count: 1, at }));
    assert!(screen(&app, 120, 40).contains("1 incident(s) could not be read"));
    update(&mut app, Msg::Feed(Feed::Unreadable { count: 0, at }));
    assert!(!screen(&app, 120, 40).contains("could not be read"));
}
