//! The IC's writes from the keyboard: each key, its dialog, what is sent.

use super::*;

#[test]
fn a_acknowledges_only_a_triggered_incident() {
    let mut app = sample_app(80, 24);
    let cmds = ch(&mut app, 'a');
    assert!(sent(&cmds).is_empty());
    assert!(app.flash.as_ref().unwrap().title.contains("Already"));
    key(&mut app, KeyCode::Esc);
    assert!(app.flash.is_none());
    let triggered =
        crate::tui::fixtures::incident(9, "New", "api", Severity::Sev2, 1, Status::Triggered, 0);
    let mut app = crate::tui::fixtures::app_with(vec![triggered], 80, 24);
    let cmds = ch(&mut app, 'a');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Transition { body, .. }] if body.to == Status::Acknowledged && !body.force)
    );
    assert_eq!(
        app.pending.len(),
        1,
        "marked pending until the server confirms"
    );
}

#[test]
fn n_confirms_lists_open_items_and_forces_only_with_a_reason() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'n');
    let Some(Dialog::Confirm(Confirm::Advance { to, open, .. })) = &app.dialog else {
        panic!("no confirm")
    };
    assert_eq!(*to, Status::Contained);
    assert_eq!(open.len(), 2, "{open:?}");
    // Enter alone cannot advance past open items.
    assert!(sent(&key(&mut app, KeyCode::Enter)).is_empty());
    assert!(matches!(app.dialog, Some(Dialog::Confirm(_))));
    ch(&mut app, 'f');
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Editor(Editor {
            kind: EditorKind::Reason { force: true, .. },
            ..
        }))
    ));
    assert!(
        sent(&ctrl(&mut app, 's')).is_empty(),
        "an empty reason is not sent"
    );
    typ(&mut app, "traffic drained to eu-west");
    let cmds = ctrl(&mut app, 's');
    let ops = sent(&cmds);
    let [WriteOp::Transition { body, .. }] = &ops[..] else {
        panic!("{ops:?}")
    };
    assert!(body.force && body.to == Status::Contained);
    assert_eq!(body.reason.as_deref(), Some("traffic drained to eu-west"));
    assert!(app.dialog.is_none());
}

#[test]
fn n_with_a_complete_phase_advances_on_enter_and_esc_cancels() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'j'); // INC-5, investigating, next is identified (leaves investigation)
    ch(&mut app, 'j'); // INC-6, acknowledged -> investigating stays in the phase
    ch(&mut app, 'n');
    assert!(
        matches!(&app.dialog, Some(Dialog::Confirm(Confirm::Advance { open, .. })) if open.is_empty())
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.dialog.is_none());
    ch(&mut app, 'n');
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Transition { body, .. }] if body.to == Status::Investigating)
    );
}

#[test]
fn a_double_n_neither_advances_nor_cancels() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    assert!(ch(&mut app, 'n').is_empty());
    assert!(ch(&mut app, 'n').is_empty(), "nothing is sent");
    assert!(
        matches!(&app.dialog, Some(Dialog::Confirm(Confirm::Advance { .. }))),
        "the dialog is still open, waiting for Enter or Esc"
    );
}

#[test]
fn s_raises_and_asks_before_sev1_and_capital_s_lowers_with_the_version() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'j');
    let v = app.selected_incident().unwrap().version;
    // SEV2 -> SEV1 asks first.
    assert!(sent(&ch(&mut app, 's')).is_empty());
    assert!(matches!(
        app.dialog,
        Some(Dialog::Confirm(Confirm::RaiseToSev1 { .. }))
    ));
    let cmds = ch(&mut app, 'y');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Patch { if_match, body, .. }]
            if *if_match == v && body.severity == Some(Severity::Sev1))
    );
    let cmds = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
    );
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Patch { body, .. }] if body.severity == Some(Severity::Sev3))
    );
}

#[test]
fn space_ticks_and_unticks_the_item_under_the_cursor_in_the_checklist_pane() {
    let mut app = sample_app(80, 24);
    let first = sel(&app);
    assert!(
        sent(&ch(&mut app, ' ')).is_empty(),
        "space in the list marks, and writes nothing"
    );
    assert!(app.marked.contains(&first));
    app.marked.clear();
    ch(&mut app, 'k');
    assert_eq!(sel(&app), first);
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    let cmds = ch(&mut app, ' ');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Checklist { body, .. }] if body.item == 0 && body.done)
    );
    ch(&mut app, 'j');
    let cmds = ch(&mut app, ' ');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Checklist { body, .. }] if body.item == 1 && !body.done),
        "item 1 is done: untick"
    );
}

#[test]
fn i_writes_a_note_saving_the_draft_as_typed_and_esc_keeps_it() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'i');
    let cmds = ch(&mut app, 'R');
    assert!(matches!(&cmds[..], [Command::SaveDraft { text, .. }] if text == "R"));
    typ(&mut app, "ollback");
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "done");
    key(&mut app, KeyCode::Esc);
    assert!(app.dialog.is_none());
    assert!(app.has_unsent_drafts());
    // Reopening brings the draft back; Ctrl-S posts it and clears it.
    ch(&mut app, 'i');
    let cmds = ctrl(&mut app, 's');
    assert!(matches!(sent(&cmds)[..], [WriteOp::Note { body, .. }]
            if body.text == "Rollback\ndone" && body.written_at == Some(app.now)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::SaveDraft { text, .. } if text.is_empty()))
    );
    assert!(!app.has_unsent_drafts());
}

#[test]
fn u_posts_a_stakeholder_update_once_its_template_is_filled_in() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'u');
    // The template's placeholder is still there: nothing is sent.
    let cmds = ctrl(&mut app, 's');
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    assert!(format!("{:?}", app.flash).contains("who is affected and how"));
    app.flash = None;
    // Replaced by what the IC knows, it goes.
    if let Some(Dialog::Editor(e)) = &mut app.dialog {
        e.text = tui_textarea::TextArea::new(vec![
            "Checkout fails for 38% of EU customers.".into(),
            "Next update by 14:35 UTC.".into(),
        ]);
    }
    let cmds = ctrl(&mut app, 's');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::StakeholderUpdate { body, .. }]
            if body.text == "Checkout fails for 38% of EU customers.\nNext update by 14:35 UTC.")
    );
}

#[test]
fn r_pages_a_new_responder_or_assigns_a_role_to_a_known_one() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'r');
    typ(&mut app, "dana");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    // Handing command to someone not present asks first.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Confirm(Confirm::Write { title, .. })) if title.contains("dana") && title.contains("INC-4")
    ));
    let cmds = ch(&mut app, 'y');
    assert!(matches!(sent(&cmds)[..], [WriteOp::Responder {
            body: ResponderAction::Page { handle, role, .. },
            ..
        }] if handle == "dana" && *role == Role::IncidentCommander));
    // From the responders pane the form starts on the selected responder.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    ch(&mut app, 'j'); // priya
    ch(&mut app, 'r');
    key(&mut app, KeyCode::Right);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(sent(&cmds)[..], [WriteOp::Responder {
            body: ResponderAction::AssignRole { handle, role },
            ..
        }] if handle == "priya" && *role == Role::OperationsLead));
}

#[test]
fn capital_d_declares_and_the_new_incident_is_selected_once_confirmed() {
    let mut app = sample_app(80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT)),
    );
    typ(&mut app, "Login errors");
    assert!(
        sent(&key(&mut app, KeyCode::Enter)).is_empty(),
        "service is required"
    );
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("the form stays open")
    };
    assert_eq!(f.field, FormField::Service, "on the field to fix");
    assert_eq!(f.error.as_deref(), Some("Service is required."));
    typ(&mut app, "auth");
    key(&mut app, KeyCode::Tab);
    ch(&mut app, '2');
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "Users in eu cannot log in");
    let cmds = key(&mut app, KeyCode::Enter);
    let ops = sent(&cmds);
    let [WriteOp::Declare { body }] = &ops[..] else {
        panic!("{ops:?}")
    };
    assert_eq!(
        (body.title.as_str(), body.service.as_str(), body.severity),
        ("Login errors", "auth", Severity::Sev2)
    );
    assert_eq!(body.summary, "Users in eu cannot log in");
    let Command::Write(Outgoing::Send(w)) = &cmds[0] else {
        unreachable!()
    };
    let detail = crate::tui::fixtures::incident(
        7,
        "Login errors",
        "auth",
        Severity::Sev2,
        0,
        Status::Triggered,
        0,
    );
    let cmds = update(
        &mut app,
        Msg::Delivery(Delivery::Delivered {
            key: w.key.clone(),
            answer: Some(Box::new(detail.into())),
        }),
    );
    assert_eq!(app.selected, Some(IncidentId(7)));
    assert!(cmds.contains(&Command::Watch(vec![IncidentId(7)])));
    assert!(app.pending.is_empty());
}

#[test]
fn a_viewer_is_told_why_writes_are_unavailable() {
    let mut app = sample_app(80, 24);
    app.me = Some(("noc".into(), ActorRole::Viewer));
    assert!(sent(&ch(&mut app, 'i')).is_empty());
    assert!(app.dialog.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("viewer"));
}

/// Two commanders change severity at once (issue: the loser's dialog
/// showed the old state and its retry took a SEV1 to SEV3 unasked).

#[test]
fn a_refused_note_goes_back_into_the_draft() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'i');
    typ(&mut app, "db failover done");
    let cmds = ctrl(&mut app, 's');
    let Some(Command::Write(Outgoing::Send(w))) = cmds
        .iter()
        .find(|c| matches!(c, Command::Write(Outgoing::Send(_))))
    else {
        panic!()
    };
    let cmds = update(
        &mut app,
        Msg::Delivery(Delivery::Refused {
            key: w.key.clone(),
            error: crate::client::ClientError::Api {
                status: 422,
                code: "invalid".into(),
                message: "`text` is 10001 characters; the limit is 10000".into(),
            },
        }),
    );
    let key = DraftKey {
        id: IncidentId(4),
        kind: DraftKind::Note,
    };
    assert_eq!(
        app.drafts.get(&key).map(String::as_str),
        Some("db failover done")
    );
    assert!(cmds.iter().any(|c| matches!(c, Command::SaveDraft { .. })));
    let f = app.flash.as_ref().unwrap();
    assert!(f.text.contains("10000") && f.text.contains("back in the draft"));
}

#[test]
fn a_closed_incident_is_read_only_in_the_console() {
    let mut app = sample_app(80, 24);
    let mut d = app.board.details.get(&IncidentId(4)).unwrap().clone();
    d.incident.status = Status::Closed;
    update(
        &mut app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(d),
            at: crate::tui::fixtures::clock(),
        }),
    );
    for c in ['a', 'i', 'n', 's'] {
        assert!(sent(&ch(&mut app, c)).is_empty(), "{c}");
        key(&mut app, KeyCode::Esc);
    }
}

#[test]
fn enter_on_the_timeline_reads_the_entry_and_y_copies_only_when_asked() {
    let mut app = sample_app(80, 24);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Timeline);
    let newest = app.selected_detail().unwrap().timeline.last().unwrap().seq;
    key(&mut app, KeyCode::Enter);
    assert!(matches!(&app.dialog, Some(Dialog::Reader(r)) if r.seq == newest));
    let cmds = ch(&mut app, 'y');
    assert!(matches!(&cmds[..], [Command::Terminal(Terminal::Copy(_))]));
    key(&mut app, KeyCode::Esc);
    // k moves the cursor back one entry.
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    assert!(matches!(&app.dialog, Some(Dialog::Reader(r)) if r.seq == newest - 1));
    key(&mut app, KeyCode::Esc);
    // Outside the reader, y copies the incident id.
    assert_eq!(
        ch(&mut app, 'y'),
        vec![Command::Terminal(Terminal::Copy("INC-4".into()))]
    );
}

#[test]
fn lowering_from_sev1_and_discarding_from_the_outbox_ask_first() {
    let mut app = sample_app(80, 24);
    assert_eq!(app.selected_incident().unwrap().severity, Severity::Sev1);
    let cmds = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
    );
    assert!(cmds.is_empty());
    let Some(Dialog::Confirm(Confirm::Write { title, text, .. })) = &app.dialog else {
        panic!("{:?}", app.flash)
    };
    assert!(title.contains("INC-4") && text.contains("Checkout API"));
    // Esc keeps SEV1.
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.dialog.is_none());
    // The outbox: `d` asks, `y` discards.
    ch(&mut app, 'i');
    typ(&mut app, "queued");
    ctrl(&mut app, 's');
    ch(&mut app, ':');
    typ(&mut app, "outbox");
    key(&mut app, KeyCode::Enter);
    assert!(ch(&mut app, 'd').is_empty());
    assert_eq!(app.pending.len(), 1, "nothing dropped before yes");
    let cmds = ch(&mut app, 'y');
    assert!(matches!(&cmds[..], [Command::Write(Outgoing::Discard(_))]));
    assert!(app.pending.is_empty());
}

#[test]
fn capital_a_acknowledges_my_page_and_take_command_makes_me_ic() {
    let mut app = sample_app(80, 24);
    app.me = Some(("dana".into(), crate::model::ActorRole::Commander));
    // dana is not on INC-4: A joins.
    let cmds = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)),
    );
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Responder {
            body: ResponderAction::Join { handle },
            ..
        }] if handle == "dana"),
        "{cmds:?}"
    );
    ch(&mut app, ':');
    typ(&mut app, "take-command");
    let cmds = key(&mut app, KeyCode::Enter);
    // INC-4 has an IC (alice): taking over is a handover: the brief is
    // shown first, and taking records the version read.
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    assert!(
        matches!(&app.dialog, Some(Dialog::Brief(b)) if b.take),
        "take-command shows the brief first"
    );
    let version = app.selected_detail().unwrap().incident.version;
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Command {
            body: crate::model::state_doc::CommandAction::Take { brief_version, .. },
            ..
        }] if *brief_version == version),
        "{cmds:?}"
    );
}

#[test]
fn the_same_role_again_says_so_instead_of_doing_nothing() {
    let mut app = sample_app(80, 24);
    // INC-4's priya is Comms and has acknowledged.
    app.focus = crate::tui::keymap::Pane::Responders;
    let at = app
        .selected_detail()
        .unwrap()
        .responders
        .iter()
        .position(|r| r.handle == "priya")
        .unwrap();
    app.responder_cursor = at;
    ch(&mut app, 'r');
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    let Some(Dialog::Responder(f)) = &app.dialog else {
        panic!("the form stays open")
    };
    assert!(
        f.error
            .as_deref()
            .is_some_and(|e| e.contains("priya is already")),
        "{:?}",
        f.error
    );
    // Another role goes through.
    key(&mut app, KeyCode::Right);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            sent(&cmds)[..],
            [WriteOp::Responder {
                body: ResponderAction::AssignRole { .. },
                ..
            }]
        ),
        "{cmds:?}"
    );
}
