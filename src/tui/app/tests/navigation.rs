//! Moving around: the list, panes, timeline, palette, filter, help, quitting.

use super::*;

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
    assert_eq!(
        (app.focus, app.detail_pane),
        (Pane::State, Pane::State),
        "the state document is reachable with Tab at 80x24"
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::List);
    assert_eq!(
        app.detail_pane,
        Pane::State,
        "the list keeps the last detail pane on screen"
    );
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::State);
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
fn the_palette_completes_runs_actions_and_jumps_to_ids() {
    let mut app = sample_app(80, 24);
    ch(&mut app, ':');
    typ(&mut app, "he");
    key(&mut app, KeyCode::Tab);
    let Some(Dialog::Palette(p)) = &app.dialog else {
        panic!()
    };
    assert_eq!(super::input::text_of(&p.input), "help");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.dialog, Some(Dialog::Help(_))));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, ':');
    typ(&mut app, "inc-6");
    key(&mut app, KeyCode::Enter);
    assert_eq!(sel(&app), IncidentId(6));
    ch(&mut app, ':');
    typ(&mut app, "outbox");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.dialog, Some(Dialog::Outbox(_))));
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
    assert!(matches!(app.dialog, Some(Dialog::Help(_))));
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
        app.dialog,
        Some(Dialog::Confirm(Confirm::QuitWithDrafts))
    ));
    assert_eq!(ch(&mut app, 'y'), vec![Command::Quit]);
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
    let mut inc = listed(&app, 6);
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
        app.dialog,
        Some(Dialog::Confirm(Confirm::QuitWithDrafts))
    ));
    assert!(!app.quit);
}

/// After the incident moves to the next phase, the checklist cursor is on
/// the new list's first open item, never past its end (where `space` used
/// to do nothing, silently).
#[test]
fn the_checklist_cursor_follows_the_phase() {
    let mut app = crate::tui::fixtures::sample_app(120, 40);
    let id = app.selected.expect("a selection");
    let mut d = app.board.details.get(&id).expect("its detail").clone();
    let before = d.current_checklist().map(|c| c.phase);
    app.checklist_cursor = 3;
    // Advanced: the next phase's checklist is current.
    let next = crate::model::Status::ALL
        .iter()
        .copied()
        .find(|s| s.phase().is_some() && s.phase() != before && *s > d.incident.status)
        .expect("a later phase");
    d.incident.status = next;
    d.incident.version += 1;
    update(
        &mut app,
        Msg::Feed(Feed::Detail {
            detail: Box::new(d.clone()),
            at: crate::tui::fixtures::clock(),
        }),
    );
    let list = app.board.details[&id]
        .current_checklist()
        .expect("a checklist");
    assert_ne!(Some(list.phase), before);
    let first_open = list.items.iter().position(|i| !i.is_done()).unwrap_or(0);
    assert_eq!(app.checklist_cursor, first_open);
    assert!(app.checklist_cursor < list.items.len());
}
