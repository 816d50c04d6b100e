//! Refused writes: the conflict dialog, retries, staleness.

use super::*;

/// INC-5 is SEV2; the IC lowers it to SEV3 (no confirmation needed), but
/// meanwhile marco raised it to SEV1: the write loses with a 412.
fn lower_and_lose(app: &mut App) -> (crate::client::Write, Vec<Command>) {
    let _ = ch(app, 'j');
    assert_eq!(sel(app), IncidentId(5));
    let cmds = ch(app, 'S');
    let Command::Write(Outgoing::Send(w)) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    let err = crate::client::ClientError::Api {
        status: 412,
        code: "stale_version".into(),
        message: "the incident is at version 99".into(),
    };
    let refused = Delivery::Refused {
        key: w.key.clone(),
        error: err,
    };
    let cmds = update(app, Msg::Delivery(refused));
    (w.clone(), cmds)
}

/// The fresh detail arrives: marco's change, by marco. Returns its version.
fn marco_raised_it(app: &mut App, id: IncidentId) -> u64 {
    let mut fresh = app.board.details[&id].clone();
    let raise = crate::model::Action::Patch(PatchRequest {
        severity: Some(Severity::Sev1),
        ..Default::default()
    });
    let marco = crate::model::Actor {
        handle: "marco".into(),
        role: ActorRole::Commander,
    };
    crate::model::apply(&mut fresh, raise, &marco, crate::tui::fixtures::clock()).unwrap();
    let version = fresh.incident.version;
    let at = crate::tui::fixtures::clock();
    update(
        app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(fresh),
            at,
        }),
    );
    version
}

#[test]
fn a_conflict_asks_for_the_state_after_the_refusal_and_waits_for_it() {
    let mut app = sample_app(80, 24);
    let (_, cmds) = lower_and_lose(&mut app);
    assert!(app.pending.is_empty());
    assert_eq!(
        cmds,
        vec![Command::Read(Read::Detail(IncidentId(5)))],
        "asks for the state now"
    );
    let c = app.flash.as_ref().unwrap().conflict.clone().unwrap();
    assert!(
        c.now.is_none(),
        "no stale state passed off as the current one"
    );
    assert!(
        ch(&mut app, 'r').is_empty(),
        "no blind retry before the state is known"
    );
    assert!(app.flash.is_some());
}

#[test]
fn a_conflict_shows_what_changed_and_the_retry_restates_the_change() {
    let mut app = sample_app(80, 24);
    let (w, _) = lower_and_lose(&mut app);
    let now_version = marco_raised_it(&mut app, IncidentId(5));
    let c = app.flash.as_ref().unwrap().conflict.clone().unwrap();
    assert_eq!(
        c.differences(),
        vec![("severity", "SEV2".to_string(), "SEV1".to_string())],
        "field by field, against what the IC saw"
    );
    assert!(
        c.changes
            .iter()
            .any(|l| l.contains("marco") && l.contains("SEV1")),
        "who changed it: {:?}",
        c.changes
    );
    // A stray key does not drop the user's action: only `d` (or a retry).
    for k in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Char('q'),
        KeyCode::Char('x'),
    ] {
        assert!(key(&mut app, k).is_empty());
        assert!(app.flash.is_some(), "{k:?} must not drop the action");
    }
    // The retry restates the change absolutely and, since it lowers a
    // SEV1 now, asks first.
    assert!(ch(&mut app, 'r').is_empty());
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Confirm(Confirm::Write { title, text, .. }))
            if title.contains("set SEV3") && text.contains("it is SEV1 now")
    ));
    let cmds = ch(&mut app, 'y');
    let ops = sent(&cmds);
    assert!(
        matches!(ops[..], [WriteOp::Patch { if_match, .. }] if *if_match == now_version),
        "based on the version now: {ops:?}"
    );
    let Command::Write(Outgoing::Send(again)) = &cmds[0] else {
        unreachable!()
    };
    assert_ne!(again.key, w.key, "a retry on fresh state is a new request");
}

#[test]
fn a_conflict_can_be_discarded_and_a_retry_that_is_moot_says_so() {
    let mut app = sample_app(80, 24);
    let id = IncidentId(5);
    let _ = ch(&mut app, 'j');
    let cmds = ch(&mut app, 's');
    // Raising to SEV1 asks first.
    let cmds = if cmds.is_empty() {
        ch(&mut app, 'y')
    } else {
        cmds
    };
    let Command::Write(Outgoing::Send(w)) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    let refuse = |app: &mut App, key: String| {
        update(
            app,
            Msg::Delivery(Delivery::Refused {
                key,
                error: crate::client::ClientError::Api {
                    status: 412,
                    code: "stale_version".into(),
                    message: "stale".into(),
                },
            }),
        )
    };
    refuse(&mut app, w.key.clone());
    assert!(ch(&mut app, 'd').is_empty());
    assert!(app.flash.is_none());
    // Again, and this time someone set the same severity first.
    let cmds = ch(&mut app, 's');
    let cmds = if cmds.is_empty() {
        ch(&mut app, 'y')
    } else {
        cmds
    };
    let Command::Write(Outgoing::Send(w)) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    refuse(&mut app, w.key.clone());
    let mut fresh = app.board.details[&id].clone();
    fresh.incident.severity = Severity::Sev1;
    fresh.incident.version += 1;
    update(
        &mut app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(fresh),
            at: crate::tui::fixtures::clock(),
        }),
    );
    assert!(ch(&mut app, 'r').is_empty(), "nothing is sent");
    let f = app.flash.as_ref().unwrap();
    assert!(f.text.contains("SEV1 already"), "{}", f.text);
}

#[test]
fn failures_make_the_data_stale_and_an_answer_clears_it() {
    let mut app = sample_app(80, 24);
    assert!(app.stale_for().is_none());
    update(
        &mut app,
        Msg::Feed(Feed::Failed {
            error: crate::client::ClientError::Timeout,
            at: crate::tui::fixtures::clock(),
        }),
    );
    assert!(app.stale_for().is_some());
    assert_eq!(app.board.incidents.len(), 3, "last good data stays");
    update(
        &mut app,
        Msg::Feed(Feed::Alive(crate::tui::fixtures::clock())),
    );
    assert!(app.stale_for().is_none());
    // Silence for three poll periods is stale too.
    update(
        &mut app,
        Msg::Tick(crate::tui::fixtures::clock() + chrono::Duration::seconds(40)),
    );
    assert!(app.stale_for().is_some());
}

/// A write refused with a conflict, for `op` on INC-5.
fn lose(app: &mut App, op: WriteOp) {
    let cmds = super::super::writes::send(app, op);
    let Command::Write(Outgoing::Send(w)) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    let refused = Delivery::Refused {
        key: w.key.clone(),
        error: crate::client::ClientError::Api {
            status: 409,
            code: "conflict".into(),
            message: "someone changed it first".into(),
        },
    };
    update(app, Msg::Delivery(refused));
}

/// The state after the refusal arrives, changed by `change` (by marco).
fn read_after(app: &mut App, id: IncidentId, change: Option<crate::model::Action>) {
    let mut fresh = app.board.details[&id].clone();
    if let Some(change) = change {
        let marco = crate::model::Actor {
            handle: "marco".into(),
            role: ActorRole::Commander,
        };
        crate::model::apply(&mut fresh, change, &marco, crate::tui::fixtures::clock()).unwrap();
    }
    let at = crate::tui::fixtures::clock();
    update(
        app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(fresh),
            at,
        }),
    );
}

#[test]
fn a_field_edit_conflict_shows_both_values_whole_and_the_retry_asks() {
    let mut app = sample_app(160, 48);
    let id = IncidentId(5);
    let version = app.incident(id).unwrap().version;
    let ours = "Checkout failing with 502s for EU customers after the pool change".to_string();
    lose(
        &mut app,
        WriteOp::Patch {
            id,
            if_match: version,
            body: PatchRequest {
                title: Some(ours.clone()),
                ..Default::default()
            },
        },
    );
    let theirs = "Checkout failing with 500s everywhere (payments-db pool exhausted)".to_string();
    read_after(
        &mut app,
        id,
        Some(crate::model::Action::Patch(PatchRequest {
            title: Some(theirs.clone()),
            ..Default::default()
        })),
    );
    let c = app.flash.as_ref().unwrap().conflict.clone().unwrap();
    assert!(c.now.is_some());
    // Drawn whole, not cut to a few characters either side.
    let screen = screen(&app, 160, 48);
    assert!(screen.contains(&theirs), "{screen}");
    // `r` never overwrites their words silently: it asks, with both.
    assert!(sent(&ch(&mut app, 'r')).is_empty());
    let Some(Dialog::Confirm(Confirm::Write { text, .. })) = &app.dialog else {
        panic!("a retried edit asks first")
    };
    assert!(text.contains(&theirs) && text.contains(&ours), "{text}");
    let cmds = ch(&mut app, 'y');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Patch { body, .. }] if body.title.as_deref() == Some(ours.as_str())),
        "{cmds:?}"
    );
}

#[test]
fn a_retried_step_someone_already_took_sends_nothing_and_never_hangs() {
    let mut app = sample_app(80, 24);
    let id = IncidentId(5);
    let status = app.incident(id).unwrap().status;
    let to = status.next().unwrap();
    // Marco took the step first; our copy of the incident already shows it
    // by the time the refusal arrives.
    read_after(
        &mut app,
        id,
        Some(crate::model::Action::Transition {
            to,
            force: true,
            reason: Some("moving on".into()),
        }),
    );
    let seen = app.incident(id).unwrap().clone();
    lose(
        &mut app,
        WriteOp::Transition {
            id,
            body: crate::model::wire::TransitionRequest {
                to,
                force: false,
                reason: None,
            },
        },
    );
    // The read after the refusal finds nothing newer than what we saw: the
    // dialog still fills (it hung on "Reading the incident as it is now…").
    read_after(&mut app, id, None);
    let c = app.flash.as_ref().unwrap().conflict.clone().unwrap();
    assert_eq!(c.now.as_ref().map(|n| n.version), Some(seen.version));
    // Retrying says it is done already and sends nothing.
    let cmds = ch(&mut app, 'r');
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    let f = app.flash.as_ref().unwrap();
    assert!(f.title.contains("Nothing to retry"), "{}", f.title);
}
