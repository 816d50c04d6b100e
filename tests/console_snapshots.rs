//! Every pane and overlay of the console, drawn on ratatui's TestBackend at
//! 80x24 and 160x48 from fixed data and a fixed clock.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::tui::view;

use common::console::{SIZES, keys, render, screen_text, snap, text};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::client::ClientError;
use warroom::client::poller::Feed;
use warroom::tui::app::{App, Msg, update};
use warroom::tui::fixtures::{clock, sample_app};

use warroom::tui::theme::Theme;

#[test]
fn main_screen_with_the_timeline() {
    snap("main_timeline", |_| {});
}

#[test]
fn responders_pane() {
    snap("responders", |app| {
        keys(app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Char('j')])
    });
}

#[test]
fn checklist_pane() {
    snap("checklist", |app| {
        keys(
            app,
            &[KeyCode::BackTab, KeyCode::BackTab, KeyCode::Char('j')],
        )
    });
}

#[test]
fn timeline_scrolled_back_with_absolute_times() {
    snap("timeline_scrolled", |app| {
        keys(
            app,
            &[
                KeyCode::Tab,
                KeyCode::Char('k'),
                KeyCode::Char('k'),
                KeyCode::Char('t'),
            ],
        )
    });
}

#[test]
fn help_overlay() {
    snap("help", |app| keys(app, &[KeyCode::Char('?')]));
}

#[test]
fn palette_overlay() {
    snap("palette", |app| {
        keys(app, &[KeyCode::Char(':')]);
        text(app, "se");
    });
}

#[test]
fn advance_confirmation_with_open_items() {
    snap("confirm_advance", |app| keys(app, &[KeyCode::Char('n')]));
}

#[test]
fn force_reason_editor() {
    snap("force_reason", |app| {
        keys(app, &[KeyCode::Char('n'), KeyCode::Char('f')]);
        text(app, "traffic drained");
    });
}

#[test]
fn note_editor_with_a_draft() {
    snap("note_editor", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(app, "Rollback 70% done");
        keys(app, &[KeyCode::Enter]);
        text(app, "pool usage 60%");
    });
}

/// A long note wraps inside the editor: all of it is on screen.
#[test]
fn note_editor_wraps_a_long_line() {
    snap("note_editor_long", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(
            app,
            "Rolled back checkout to v2024.11.2 on all 48 pods; error ratio 0.02 and falling, \
             payments confirm no double charges, watching for 15 minutes before we call it",
        );
    });
}

/// The summary wraps in the edit form; the form fits a short screen.
#[test]
fn edit_form_wraps_the_summary() {
    snap("edit_form_long_summary", |app| {
        keys(app, &[KeyCode::Char('e'), KeyCode::Tab, KeyCode::Tab]);
        text(
            app,
            " Rollback complete on all 48 pods, error ratio back under 0.02; watching the payments \
             queue drain before calling it resolved",
        );
    });
}

/// A refused token: the alarm says how to fix it, whole, at every width.
#[test]
fn auth_refused_alarm_is_read_whole() {
    snap("auth_refused", |app| {
        update(
            app,
            Msg::Feed(Feed::Failed {
                error: ClientError::Api {
                    status: 401,
                    code: "unauthorized".into(),
                    message: "invalid token".into(),
                },
                at: clock(),
            }),
        );
    });
}

#[test]
fn declare_form() {
    snap("declare", |app| {
        keys(app, &[KeyCode::Char('D')]);
        text(app, "Login errors for SSO users");
        keys(app, &[KeyCode::Tab]);
        text(app, "auth");
    });
}

#[test]
fn responder_form() {
    snap("responder_form", |app| {
        keys(app, &[KeyCode::Char('r')]);
        text(app, "dana");
        keys(app, &[KeyCode::Tab]);
    });
}

#[test]
fn raise_to_sev1_confirmation() {
    snap("confirm_sev1", |app| {
        keys(app, &[KeyCode::Char('j'), KeyCode::Char('s')])
    });
}

#[test]
fn filter_line_and_severity_chooser() {
    snap("filter_text", |app| {
        keys(app, &[KeyCode::Char('/')]);
        text(app, "search");
    });
    snap("filter_chooser", |app| keys(app, &[KeyCode::Char('f')]));
}

#[test]
fn pending_actions_and_the_outbox() {
    snap("pending", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(app, "queued while the server is down");
        update(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
    });
    snap("outbox", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(app, "queued note");
        update(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        keys(app, &[KeyCode::Char(':')]);
        text(app, "outbox");
        keys(app, &[KeyCode::Enter]);
    });
}

#[test]
fn error_message_from_the_server() {
    snap("flash_error", |app| {
        app.flash = Some(warroom::tui::app::Flash::error(
            "The server refused the action",
            "the incident is closed; declare a new incident instead of reopening it (409 invalid_transition)\n\nYour action: note: late note",
        ));
    });
}

#[test]
fn stale_banner_when_the_backend_fails() {
    snap("stale", |app| {
        update(
            app,
            Msg::Feed(Feed::Failed {
                error: ClientError::Unreachable("Connection refused (os error 111)".into()),
                at: clock(),
            }),
        );
        update(app, Msg::Tick(clock() + chrono::Duration::seconds(95)));
    });
}

#[test]
fn empty_war_room() {
    for (w, h) in SIZES {
        let mut app = warroom::tui::fixtures::app_with(vec![], w, h);
        app.now = clock();
        insta::assert_snapshot!(format!("empty_{w}x{h}"), render(&app).backend());
    }
}

#[test]
fn help_on_alertmanager_greys_out_what_it_cannot_do() {
    snap("help_alertmanager", |app| {
        app.caps = warroom::client::alertmanager::CAPABILITIES;
        keys(app, &[KeyCode::Char('?')]);
    });
}

#[test]
fn silence_form() {
    snap("silence_form", |app| {
        app.caps = warroom::client::alertmanager::CAPABILITIES;
        keys(app, &[KeyCode::Char('z')]);
        text(app, "rolling back checkout-api");
    });
}

#[test]
fn quit_with_an_unsent_draft_asks_first() {
    snap("confirm_quit", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(app, "half a thought");
        keys(app, &[KeyCode::Esc, KeyCode::Char('q')]);
    });
}

#[test]
fn silences_list() {
    snap("silences", |app| {
        app.caps = warroom::client::alertmanager::CAPABILITIES;
        keys(app, &[KeyCode::Char(':')]);
        text(app, "silences");
        keys(app, &[KeyCode::Enter]);
        let s = |id: &str, state: &str, comment: &str| warroom::client::SilenceInfo {
            id: id.into(),
            matchers: "alertname=CheckoutHighErrorRate".into(),
            comment: comment.into(),
            created_by: "alice".into(),
            ends_at: clock() + chrono::Duration::minutes(45),
            state: state.parse().unwrap(),
        };
        update(
            app,
            Msg::Silences(Ok(vec![
                s("a1", "active", "rolling back checkout-api"),
                s("b2", "expired", "deploy window"),
            ])),
        );
    });
}

/// Regression: a wide, short terminal (120+ columns, 15 rows or fewer)
/// panicked in the layout. Every size from 1x1 up must draw, with and
/// without the STALE line, with every overlay that can be open.
#[test]
fn every_terminal_size_draws_without_a_panic() {
    let theme = Theme::load("default", None, false).unwrap();
    for stale in [false, true] {
        for w in (1..=220).step_by(7).chain([119, 120, 121, 160]) {
            for h in 1..=30 {
                let mut app = sample_app(w, h);
                if stale {
                    update(
                        &mut app,
                        Msg::Feed(Feed::Failed {
                            error: ClientError::Unreachable("refused".into()),
                            at: clock(),
                        }),
                    );
                    update(&mut app, Msg::Tick(clock() + chrono::Duration::seconds(95)));
                    assert!(app.stale_for().is_some());
                }
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| view::draw(&app, &theme, f))
                    .unwrap_or_else(|e| panic!("{w}x{h} stale={stale}: {e}"));
                keys(&mut app, &[KeyCode::Char('?')]);
                t.draw(|f| view::draw(&app, &theme, f)).unwrap();
            }
        }
    }
}

#[test]
fn before_the_first_answer_the_list_says_loading_not_empty() {
    let mut app = App::new("prod", warroom::client::Capabilities::WARROOM, clock());
    update(&mut app, Msg::Resize(80, 24));
    let s = screen_text(&app);
    assert!(s.contains("Loading incidents"), "{s}");
    assert!(!s.contains("No active incidents"));
}

#[test]
fn a_refused_token_shows_the_auth_banner_with_the_fix() {
    let mut app = App::new("prod", warroom::client::Capabilities::WARROOM, clock());
    update(&mut app, Msg::Resize(160, 48));
    update(
        &mut app,
        Msg::Feed(Feed::Failed {
            error: ClientError::Api {
                status: 401,
                code: "unauthorized".into(),
                message: "the token is unknown or revoked".into(),
            },
            at: clock(),
        }),
    );
    let s = screen_text(&app);
    assert!(
        s.contains("AUTH REFUSED") && s.contains("WARROOM_TOKEN"),
        "{s}"
    );
    assert!(s.contains("--token-file"));
    assert!(!s.contains("No active incidents"));
}

#[test]
fn long_ids_do_not_run_into_the_status_column() {
    let mut details = warroom::tui::fixtures::sample_details();
    details[0].incident.id = warroom::model::IncidentId(1201);
    let app = warroom::tui::fixtures::app_with(details, 80, 24);
    let s = screen_text(&app);
    assert!(s.contains("INC-1201 "), "{s}");
    assert!(!s.contains("INC-1201identified"));
}

#[test]
fn the_reader_shows_every_line_and_every_label() {
    use warroom::model::{EventKind, TimelineEvent};
    let mut details = warroom::tui::fixtures::sample_details();
    let t = &mut details[0].timeline;
    let seq = t.last().unwrap().seq;
    t.push(TimelineEvent {
        written_at: None,
        seq: seq + 1,
        at: clock(),
        author: "marco".into(),
        kind: EventKind::Note {
            text: "first line\nsecond line\nhttps://runbooks.example.com/payments/pool-exhaustion#step-4".into(),
        },
    });
    t.push(TimelineEvent {
        written_at: None,
        seq: seq + 2,
        at: clock(),
        author: "alertmanager".into(),
        kind: EventKind::AlertReceived {
            alert: "PoolSaturated {instance=db-1:5432, job=postgres, service=payments}".into(),
            firing: true,
            detail: Some(
                "summary: pool at 100% · runbook_url: https://runbooks.example.com/x".into(),
            ),
            suppressed: None,
            facts: Default::default(),
        },
    });
    let mut app = warroom::tui::fixtures::app_with(details, 80, 24);
    let s = screen_text(&app);
    assert!(s.contains("(+2 lines)"), "the row says more exists: {s}");
    keys(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
    let s = screen_text(&app);
    assert!(
        s.contains("instance = db-1:5432") && s.contains("service = payments"),
        "{s}"
    );
    assert!(
        s.contains("runbook_url: https://runbooks.example.com/x"),
        "{s}"
    );
    keys(
        &mut app,
        &[KeyCode::Esc, KeyCode::Char('k'), KeyCode::Enter],
    );
    let s = screen_text(&app);
    assert!(s.contains("second line"), "{s}");
    assert!(s.contains("pool-exhaustion#step-4"), "links in full: {s}");
}

/// The reader at both sizes: a multi-line note, and an alert's labels.
#[test]
fn reader_snapshots_for_a_note_and_an_alert() {
    use warroom::model::{EventKind, TimelineEvent};
    for (w, h) in SIZES {
        let mut details = warroom::tui::fixtures::sample_details();
        let t = &mut details[0].timeline;
        let seq = t.last().unwrap().seq;
        t.push(TimelineEvent {
            written_at: None,
            seq: seq + 1,
            at: clock(),
            author: "marco".into(),
            kind: EventKind::Note {
                text: "Pool exhausted on db-1 and db-2.\nRolled back checkout-api to v2024.11.2.\n\
                       Runbook: https://runbooks.example.com/payments/pool-exhaustion#step-4"
                    .into(),
            },
        });
        t.push(TimelineEvent {
            written_at: None,
            seq: seq + 2,
            at: clock(),
            author: "alertmanager".into(),
            kind: EventKind::AlertReceived {
                alert: "PoolSaturated {instance=db-1:5432, job=postgres, service=payments}".into(),
                firing: true,
                detail: Some(
                    "summary: pool at 100% · runbook_url: https://runbooks.example.com/x".into(),
                ),
                suppressed: None,
                facts: Default::default(),
            },
        });
        let mut app = warroom::tui::fixtures::app_with(details, w, h);
        keys(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
        insta::assert_snapshot!(format!("reader_alert_{w}x{h}"), render(&app).backend());
        keys(
            &mut app,
            &[KeyCode::Esc, KeyCode::Char('k'), KeyCode::Enter],
        );
        insta::assert_snapshot!(format!("reader_note_{w}x{h}"), render(&app).backend());
    }
}

#[test]
fn incident_header_with_phase_times_and_the_next_update_due() {
    // INC-5: a stakeholder update 12 minutes ago, SEV2 every 60: due in 48m.
    snap("header_due", |app| keys(app, &[KeyCode::Char('j')]));
}

#[test]
fn edit_form_refusing_an_empty_title() {
    snap("edit_form", |app| {
        keys(app, &[KeyCode::Char('e')]);
        for _ in 0..80 {
            keys(app, &[KeyCode::Backspace]);
        }
        keys(app, &[KeyCode::Enter]);
    });
}

/// The conflict dialog, drawn from the state read after the refusal.
#[test]
fn conflict_dialog_shows_what_changed_and_who_changed_it() {
    use warroom::client::sender::Delivery;
    use warroom::model::{Action, Actor, ActorRole, IncidentId, Severity, apply};
    use warroom::tui::app::Command;
    snap("conflict", |app| {
        keys(app, &[KeyCode::Char('j')]);
        let cmds = update(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
        );
        let Some(Command::Write(warroom::tui::app::Outgoing::Send(w))) = cmds.first() else {
            panic!("{cmds:?}")
        };
        update(
            app,
            Msg::Delivery(Delivery::Refused {
                key: w.key.clone(),
                error: ClientError::Api {
                    status: 412,
                    code: "stale_version".into(),
                    message: "the incident changed (version 31); read it again".into(),
                },
            }),
        );
        let mut fresh = app.board.details[&IncidentId(5)].clone();
        let marco = Actor {
            handle: "marco".into(),
            role: ActorRole::Commander,
        };
        let body = warroom::model::wire::PatchRequest {
            severity: Some(Severity::Sev1),
            commander: Some(Some("marco".into())),
            ..Default::default()
        };
        apply(&mut fresh, Action::Patch(body), &marco, clock()).unwrap();
        update(
            app,
            Msg::Feed(Feed::Detail {
                detail: Box::new(fresh),
                at: clock(),
            }),
        );
    });
}

#[test]
fn confirmation_before_lowering_a_sev1() {
    snap("confirm_lower_sev1", |app| keys(app, &[KeyCode::Char('S')]));
}

#[test]
fn confirmation_before_handing_command_to_someone_not_joined() {
    snap("confirm_handoff", |app| {
        keys(app, &[KeyCode::Char('r')]);
        text(app, "dana");
        if let Some(warroom::tui::dialogs::Dialog::Responder(f)) = &mut app.dialog {
            f.role = warroom::model::Role::IncidentCommander;
        }
        keys(app, &[KeyCode::Enter]);
    });
}

#[test]
fn confirmation_before_resolving_on_pagerduty() {
    snap("confirm_pd_resolve", |app| {
        app.caps = warroom::client::pagerduty::CAPABILITIES;
        keys(app, &[KeyCode::Char('R')]);
    });
}

#[test]
fn confirmation_before_expiring_a_silence() {
    snap("confirm_expire_silence", |app| {
        app.caps = warroom::client::alertmanager::CAPABILITIES;
        keys(app, &[KeyCode::Char(':')]);
        text(app, "silences");
        keys(app, &[KeyCode::Enter]);
        update(
            app,
            Msg::Silences(Ok(vec![warroom::client::SilenceInfo {
                id: "a1".into(),
                matchers: "alertname=CheckoutHighErrorRate".into(),
                comment: "rolling back checkout-api".into(),
                created_by: "alice".into(),
                ends_at: clock() + chrono::Duration::minutes(45),
                state: warroom::client::SilenceState::Active,
            }])),
        );
        keys(app, &[KeyCode::Char('d')]);
    });
}

#[test]
fn confirmation_before_discarding_from_the_outbox() {
    snap("confirm_discard", |app| {
        keys(app, &[KeyCode::Char('i')]);
        text(app, "rollback of checkout-api started");
        update(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        assert_eq!(app.pending.len(), 1, "the note waits in the outbox");
        keys(app, &[KeyCode::Char(':')]);
        text(app, "outbox");
        keys(app, &[KeyCode::Enter, KeyCode::Char('d')]);
    });
}

#[test]
fn a_note_written_offline_shows_when_it_was_written() {
    use warroom::model::{EventKind, TimelineEvent};
    let mut details = warroom::tui::fixtures::sample_details();
    let t = &mut details[0].timeline;
    let seq = t.last().unwrap().seq;
    t.push(TimelineEvent {
        written_at: Some(clock() - chrono::Duration::minutes(25)),
        seq: seq + 1,
        at: clock(),
        author: "marco".into(),
        kind: EventKind::Note {
            text: "pool drained on db-2".into(),
        },
    });
    let mut app = warroom::tui::fixtures::app_with(details, 160, 48);
    let s = screen_text(&app);
    assert!(
        s.contains("✎ written 25m ago · pool drained on db-2"),
        "{s}"
    );
    keys(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
    let s = screen_text(&app);
    assert!(
        s.contains("written 2026-11-25 14:05:00 UTC (offline)"),
        "{s}"
    );
}

/// Regression: `k` in a timeline that fits its pane hid the newest events.
#[test]
fn moving_up_a_short_timeline_hides_nothing() {
    let mut app = sample_app(160, 48);
    keys(&mut app, &[KeyCode::Char('j'), KeyCode::Char('j')]);
    let d = app.selected_detail().unwrap().clone();
    let newest = d.timeline.last().unwrap().kind.describe();
    let newest = &newest[..newest.len().min(30)];
    keys(&mut app, &[KeyCode::Tab]);
    assert!(screen_text(&app).contains(newest));
    keys(&mut app, &[KeyCode::Char('k'), KeyCode::Char('k')]);
    assert_eq!(app.timeline_back, 2);
    let s = screen_text(&app);
    assert!(s.contains(newest), "the newest event is still shown:\n{s}");
    // And Enter reads the entry under the cursor: two up from the newest.
    keys(&mut app, &[KeyCode::Enter]);
    let want = d.timeline[d.timeline.len() - 3].seq;
    assert!(matches!(&app.dialog, Some(warroom::tui::dialogs::Dialog::Reader(r)) if r.seq == want));
}
