//! `update` is pure: each key is checked by what it does to the state and
//! which commands it asks for.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::client::WriteOp;
use crate::client::sender::Delivery;
use crate::model::wire::PatchRequest;
use crate::model::{ResponderAction, Role};
use crate::tui::fixtures::sample_app;

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Command> {
    key(app, KeyCode::Char(c))
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn sent(cmds: &[Command]) -> Vec<&WriteOp> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Send(w) => Some(&w.op),
            _ => None,
        })
        .collect()
}

fn sel(app: &App) -> IncidentId {
    app.selected.unwrap()
}

#[test]
fn list_is_sev1_first_and_j_k_move_the_selection_and_ask_for_its_detail() {
    let mut app = sample_app(80, 24);
    let ids: Vec<_> = app
        .visible
        .iter()
        .map(|&i| app.board.incidents[i].severity)
        .collect();
    assert_eq!(ids, vec![Severity::Sev1, Severity::Sev2, Severity::Sev3]);
    assert_eq!(sel(&app), IncidentId(4));
    let cmds = ch(&mut app, 'j');
    assert_eq!(sel(&app), IncidentId(5));
    assert_eq!(cmds, vec![Command::Watch(vec![IncidentId(5)])]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(sel(&app), IncidentId(6), "stops at the end");
    ch(&mut app, 'k');
    assert_eq!(sel(&app), IncidentId(5));
    ch(&mut app, 'g');
    assert_eq!(sel(&app), IncidentId(4));
}

#[test]
fn tab_cycles_focus_and_the_compact_detail_pane_follows() {
    let mut app = sample_app(80, 24);
    assert_eq!(app.focus, Pane::List);
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        (app.focus, app.detail_pane),
        (Pane::Timeline, Pane::Timeline)
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        (app.focus, app.detail_pane),
        (Pane::Responders, Pane::Responders)
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Checklist);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::List);
    assert_eq!(
        app.detail_pane,
        Pane::Checklist,
        "the list keeps the last detail pane on screen"
    );
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::Checklist);
}

#[test]
fn the_timeline_follows_until_scrolled_back_and_keeps_its_place_on_new_events() {
    let mut app = sample_app(80, 24);
    key(&mut app, KeyCode::Tab);
    ch(&mut app, 'k');
    ch(&mut app, 'k');
    assert_eq!(app.timeline_back, 2);
    let mut d = app.board.details[&IncidentId(4)].clone();
    let actor = crate::model::Actor {
        handle: "x".into(),
        role: ActorRole::Commander,
    };
    crate::model::apply(
        &mut d,
        crate::model::Action::Note {
            text: "new".into(),
            written_at: None,
        },
        &actor,
        app.now,
    )
    .unwrap();
    update(
        &mut app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(d),
            at: crate::tui::fixtures::clock(),
        }),
    );
    assert_eq!(app.timeline_back, 3, "still looking at the same events");
    ch(&mut app, 'G');
    assert_eq!(app.timeline_back, 0, "G follows again");
}

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
    let Some(Overlay::Confirm(Confirm::Advance { to, open, .. })) = &app.overlay else {
        panic!("no confirm")
    };
    assert_eq!(*to, Status::Contained);
    assert_eq!(open.len(), 2, "{open:?}");
    // Enter alone cannot advance past open items.
    assert!(sent(&key(&mut app, KeyCode::Enter)).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    ch(&mut app, 'f');
    assert!(matches!(
        &app.overlay,
        Some(Overlay::Editor {
            kind: EditorKind::Reason { force: true, .. },
            ..
        })
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
    assert!(app.overlay.is_none());
}

#[test]
fn n_with_a_complete_phase_advances_on_enter_and_esc_cancels() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'j'); // INC-5, investigating, next is identified (leaves investigation)
    ch(&mut app, 'j'); // INC-6, acknowledged -> investigating stays in the phase
    ch(&mut app, 'n');
    assert!(
        matches!(&app.overlay, Some(Overlay::Confirm(Confirm::Advance { open, .. })) if open.is_empty())
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    ch(&mut app, 'n');
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Transition { body, .. }] if body.to == Status::Investigating)
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
        app.overlay,
        Some(Overlay::Confirm(Confirm::RaiseToSev1 { .. }))
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
    assert!(
        sent(&ch(&mut app, ' ')).is_empty(),
        "space does nothing in the list"
    );
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
    assert!(app.overlay.is_none());
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
fn u_posts_a_stakeholder_update() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'u');
    typ(&mut app, "Next update 15:00");
    let cmds = ctrl(&mut app, 's');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::StakeholderUpdate { body, .. }] if body.text == "Next update 15:00")
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
        &app.overlay,
        Some(Overlay::Confirm(Confirm::Write { title, .. })) if title.contains("dana") && title.contains("INC-4")
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
    let Some(Overlay::Form(f)) = &app.overlay else {
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
    let Command::Send(w) = &cmds[0] else {
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
fn the_palette_completes_runs_actions_and_jumps_to_ids() {
    let mut app = sample_app(80, 24);
    ch(&mut app, ':');
    typ(&mut app, "he");
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Palette(p)) = &app.overlay else {
        panic!()
    };
    assert_eq!(overlay::text_of(&p.input), "help");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, ':');
    typ(&mut app, "inc-6");
    key(&mut app, KeyCode::Enter);
    assert_eq!(sel(&app), IncidentId(6));
    ch(&mut app, ':');
    typ(&mut app, "outbox");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Outbox { .. })));
}

#[test]
fn slash_filters_as_you_type_f_filters_by_severity_and_esc_clears() {
    let mut app = sample_app(80, 24);
    ch(&mut app, '/');
    typ(&mut app, "search");
    assert_eq!(app.visible.len(), 1);
    assert_eq!(
        sel(&app),
        IncidentId(5),
        "the selection moves to what is visible"
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.visible.len(), 3);
    ch(&mut app, 'f');
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter); // severity SEV1
    assert_eq!(app.filter.severity, Some(Severity::Sev1));
    assert_eq!(app.visible.len(), 1);
}

#[test]
fn t_toggles_time_and_question_mark_opens_help() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 't');
    assert_eq!(app.time_mode, TimeMode::Absolute);
    ch(&mut app, 't');
    assert_eq!(app.time_mode, TimeMode::Relative);
    ch(&mut app, '?');
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
}

#[test]
fn q_quits_at_once_or_asks_when_a_draft_is_unsent() {
    let mut app = sample_app(80, 24);
    assert_eq!(ch(&mut app, 'q'), vec![Command::Quit]);
    let mut app = sample_app(80, 24);
    ch(&mut app, 'i');
    typ(&mut app, "half a thought");
    key(&mut app, KeyCode::Esc);
    assert!(ch(&mut app, 'q').is_empty());
    assert!(matches!(
        app.overlay,
        Some(Overlay::Confirm(Confirm::QuitWithDrafts))
    ));
    assert_eq!(ch(&mut app, 'y'), vec![Command::Quit]);
}

#[test]
fn a_viewer_is_told_why_writes_are_unavailable() {
    let mut app = sample_app(80, 24);
    app.me = Some(("noc".into(), ActorRole::Viewer));
    assert!(sent(&ch(&mut app, 'i')).is_empty());
    assert!(app.overlay.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("viewer"));
}

/// Two commanders change severity at once (issue: the loser's dialog
/// showed the old state and its retry took a SEV1 to SEV3 unasked).
#[test]
fn a_conflict_shows_the_state_after_the_refusal_and_the_retry_restates_the_change() {
    let mut app = sample_app(80, 24);
    // INC-5 is SEV2; the IC lowers it to SEV3 (no confirmation needed).
    let id = IncidentId(5);
    let _ = ch(&mut app, 'j');
    assert_eq!(sel(&app), id);
    let cmds = ch(&mut app, 'S');
    let Command::Send(w) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    // Meanwhile marco raised it to SEV1: the write loses with a 412.
    let err = crate::client::ClientError::Api {
        status: 412,
        code: "stale_version".into(),
        message: "the incident is at version 99".into(),
    };
    let cmds = update(
        &mut app,
        Msg::Delivery(Delivery::Refused {
            key: w.key.clone(),
            error: err,
        }),
    );
    assert!(app.pending.is_empty());
    assert_eq!(
        cmds,
        vec![Command::FetchDetail(id)],
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
    // The fresh detail arrives: marco's change, by marco.
    let mut fresh = app.board.details[&id].clone();
    crate::model::apply(
        &mut fresh,
        crate::model::Action::Patch(PatchRequest {
            severity: Some(Severity::Sev1),
            ..Default::default()
        }),
        &crate::model::Actor {
            handle: "marco".into(),
            role: ActorRole::Commander,
        },
        crate::tui::fixtures::clock(),
    )
    .unwrap();
    let now_version = fresh.incident.version;
    update(
        &mut app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(fresh),
            at: crate::tui::fixtures::clock(),
        }),
    );
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
        &app.overlay,
        Some(Overlay::Confirm(Confirm::Write { title, text, .. }))
            if title.contains("set SEV3") && text.contains("it is SEV1 now")
    ));
    let cmds = ch(&mut app, 'y');
    let ops = sent(&cmds);
    assert!(
        matches!(ops[..], [WriteOp::Patch { if_match, .. }] if *if_match == now_version),
        "based on the version now: {ops:?}"
    );
    let Command::Send(again) = &cmds[0] else {
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
    let Command::Send(w) = &cmds[0] else {
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
    let Command::Send(w) = &cmds[0] else {
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
    assert!(matches!(app.overlay, Some(Overlay::Silence(_))));
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
    assert_eq!(cmds, vec![Command::FetchSilences]);
    let s = crate::client::SilenceInfo {
        id: "abc".into(),
        matchers: "alertname=X".into(),
        comment: "c".into(),
        created_by: "me".into(),
        ends_at: app.now,
        state: "active".into(),
    };
    update(&mut app, Msg::Silences(Ok(vec![s])));
    // Expiring re-enables paging: it asks first, naming the matchers.
    assert!(ch(&mut app, 'd').is_empty());
    assert!(matches!(
        &app.overlay,
        Some(Overlay::Confirm(Confirm::Write { text, .. })) if text.contains("alertname=X")
    ));
    let cmds = ch(&mut app, 'y');
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::ExpireSilence { silence_id }] if silence_id == "abc")
    );
    assert!(cmds.contains(&Command::FetchSilences));
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
        &app.overlay,
        Some(Overlay::Confirm(Confirm::Write { title, .. })) if title.contains("INC-9")
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
    assert_eq!(cmds, vec![Command::Resend(mine)]);
    assert_eq!(app.pending.len(), 3);
    assert!(app.pending[1].foreign && app.pending[2].foreign);
    assert!(app.flash.as_ref().unwrap().text.contains("held"));
    key(&mut app, KeyCode::Esc);
    // New writes carry our identity.
    ch(&mut app, 'i');
    typ(&mut app, "fresh");
    let cmds = ctrl(&mut app, 's');
    let Some(Command::Send(w)) = cmds.iter().find(|c| matches!(c, Command::Send(_))) else {
        panic!("{cmds:?}")
    };
    assert_eq!(w.queued_by.as_deref(), Some("token:me"));
    // In :outbox, `s` sends a held one as us; it is not sent otherwise.
    ch(&mut app, ':');
    typ(&mut app, "outbox");
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'j');
    let cmds = ch(&mut app, 's');
    let [Command::Adopt(w)] = &cmds[..] else {
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
    assert!(matches!(app.overlay, Some(Overlay::Responder(_))));
    assert!(ch(&mut app, 'd').is_empty(), "one letter does not search");
    let cmds = ch(&mut app, 'a');
    assert_eq!(cmds, vec![Command::SearchUsers("da".into())]);
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
    let Some(Overlay::Responder(f)) = &app.overlay else {
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

fn changed(app: &mut App, inc: crate::model::Incident) -> Vec<Command> {
    update(
        app,
        Msg::Feed(Feed::Changed {
            changed: vec![inc.id],
            summaries: vec![inc],
            details: vec![],
            at: crate::tui::fixtures::clock(),
        }),
    )
}

#[test]
fn the_selection_stays_on_its_incident_when_it_leaves_the_list() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'j');
    assert_eq!(sel(&app), IncidentId(5));
    // Someone closes INC-5 elsewhere: it leaves the list...
    let mut inc = app.selected_incident().unwrap().clone();
    inc.status = Status::Closed;
    changed(&mut app, inc);
    assert!(!app.board.incidents.iter().any(|i| i.id == IncidentId(5)));
    // ...but the console stays on it, says so, and no key acts on another.
    assert_eq!(sel(&app), IncidentId(5));
    assert!(app.selection_off_list());
    assert!(ch(&mut app, 'a').is_empty());
    assert!(
        app.flash.as_ref().unwrap().text.contains("INC-5"),
        "{:?}",
        app.flash
    );
    key(&mut app, KeyCode::Esc);
    // Resolved (not closed) incidents stay in the list, after the active.
    let mut inc = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == IncidentId(6))
        .unwrap()
        .clone();
    inc.status = Status::Resolved;
    changed(&mut app, inc);
    let last = *app.visible.last().unwrap();
    assert_eq!(app.board.incidents[last].id, IncidentId(6));
    // Moving is the IC's choice: j/k pick rows again.
    ch(&mut app, 'j');
    assert!(!app.selection_off_list());
}

#[test]
fn the_palette_opens_any_incident_by_id() {
    let mut app = sample_app(80, 24);
    ch(&mut app, ':');
    typ(&mut app, "INC-99");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(sel(&app), IncidentId(99));
    assert!(cmds.contains(&Command::Watch(vec![IncidentId(99)])));
}

#[test]
fn a_refused_token_is_never_shown_as_an_empty_war_room() {
    let mut app = App::new(
        "x",
        crate::client::Capabilities::WARROOM,
        crate::tui::fixtures::clock(),
    );
    update(
        &mut app,
        Msg::Feed(Feed::Failed {
            error: crate::client::ClientError::Api {
                status: 401,
                code: "unauthorized".into(),
                message: "the token is unknown or revoked".into(),
            },
            at: crate::tui::fixtures::clock(),
        }),
    );
    assert!(app.board.conn.auth_refused);
    update(
        &mut app,
        Msg::Feed(Feed::Alive(crate::tui::fixtures::clock())),
    );
    assert!(!app.board.conn.auth_refused, "a good answer clears it");
}

#[test]
fn quitting_with_undelivered_actions_asks_first() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'i');
    typ(&mut app, "on its way");
    ctrl(&mut app, 's');
    assert!(!app.pending.is_empty());
    let cmds = ch(&mut app, 'q');
    assert!(cmds.is_empty());
    assert!(matches!(
        app.overlay,
        Some(Overlay::Confirm(Confirm::QuitWithDrafts))
    ));
    assert!(!app.quit);
}

#[test]
fn a_refused_note_goes_back_into_the_draft() {
    let mut app = sample_app(80, 24);
    ch(&mut app, 'i');
    typ(&mut app, "db failover done");
    let cmds = ctrl(&mut app, 's');
    let Some(Command::Send(w)) = cmds.iter().find(|c| matches!(c, Command::Send(_))) else {
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
fn a_new_sev1_rings_once_flashes_and_counts_in_the_title() {
    let mut app = sample_app(120, 40);
    // The first list is not news.
    assert!(app.attention.flashing.is_empty());
    let mut inc = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == IncidentId(6))
        .unwrap()
        .clone();
    inc.severity = Severity::Sev1;
    let cmds = changed(&mut app, inc.clone());
    assert_eq!(cmds.iter().filter(|c| **c == Command::Bell).count(), 1);
    assert!(cmds.contains(&Command::Title("warroom · 2 SEV1 open".into())));
    assert!(app.row_flashing(IncidentId(6)));
    // The same news again rings nothing.
    let cmds = changed(&mut app, inc);
    assert!(!cmds.contains(&Command::Bell));
    // It can be turned off.
    app.attention.bell = false;
    let mut other = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == IncidentId(5))
        .unwrap()
        .clone();
    other.severity = Severity::Sev1;
    assert!(!changed(&mut app, other).contains(&Command::Bell));
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
    assert!(matches!(app.overlay, Some(Overlay::Reader { seq, .. }) if seq == newest));
    let cmds = ch(&mut app, 'y');
    assert!(matches!(&cmds[..], [Command::Copy(_)]));
    key(&mut app, KeyCode::Esc);
    // k moves the cursor back one entry.
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Reader { seq, .. }) if seq == newest - 1));
    key(&mut app, KeyCode::Esc);
    // Outside the reader, y copies the incident id.
    assert_eq!(ch(&mut app, 'y'), vec![Command::Copy("INC-4".into())]);
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
    let Some(Overlay::Confirm(Confirm::Write { title, text, .. })) = &app.overlay else {
        panic!("{:?}", app.flash)
    };
    assert!(title.contains("INC-4") && text.contains("Checkout API"));
    // Esc keeps SEV1.
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.overlay.is_none());
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
    assert!(matches!(&cmds[..], [Command::Discard(_)]));
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
    assert!(
        matches!(sent(&cmds)[..], [WriteOp::Patch { body, .. }] if body.commander == Some(Some("dana".into()))),
        "{cmds:?}"
    );
}
