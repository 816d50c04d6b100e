//! Every pane and overlay of the console, drawn on ratatui's TestBackend at
//! 80x24 and 160x48 from fixed data and a fixed clock.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::client::ClientError;
use warroom::client::poller::Feed;
use warroom::tui::app::{App, Msg, update};
use warroom::tui::fixtures::{clock, sample_app};
use warroom::tui::theme::Theme;
use warroom::tui::view;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn render(app: &App) -> Terminal<TestBackend> {
    let theme = Theme::load("default", None, false).unwrap();
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| view::draw(app, &theme, f)).unwrap();
    t
}

fn keys(app: &mut App, ks: &[KeyCode]) {
    for k in ks {
        let mods = match k {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        update(app, Msg::Key(KeyEvent::new(*k, mods)));
    }
}

fn text(app: &mut App, s: &str) {
    keys(app, &s.chars().map(KeyCode::Char).collect::<Vec<_>>());
}

fn snap(name: &str, setup: impl Fn(&mut App)) {
    for (w, h) in SIZES {
        let mut app = sample_app(w, h);
        setup(&mut app);
        let t = render(&app);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

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
        keys(app, &[KeyCode::BackTab, KeyCode::Char('j')])
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
            state: state.into(),
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

fn screen_text(app: &App) -> String {
    let t = render(app);
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
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
        let Some(Command::Send(w)) = cmds.first() else {
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
        let mut fresh = app.details[&IncidentId(5)].clone();
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
        if let Some(warroom::tui::app::Overlay::Responder(f)) = &mut app.overlay {
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
                state: "active".into(),
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
    assert!(
        matches!(app.overlay, Some(warroom::tui::app::Overlay::Reader { seq, .. }) if seq == want)
    );
}

#[test]
fn closed_incidents_view() {
    snap("closed", |app| {
        keys(app, &[KeyCode::Char(':')]);
        text(app, "closed");
        keys(app, &[KeyCode::Enter]);
        let old = |id: u64, title: &str, sev, ago: i64| {
            let mut i = warroom::tui::fixtures::incident(
                id,
                title,
                "edge",
                sev,
                ago,
                warroom::model::Status::Acknowledged,
                0,
            )
            .incident;
            i.status = warroom::model::Status::Closed;
            i.status_times.insert(
                warroom::model::Status::Resolved,
                clock() - chrono::Duration::minutes(ago - 60),
            );
            i.status_times.insert(
                warroom::model::Status::Closed,
                clock() - chrono::Duration::minutes(ago - 90),
            );
            i
        };
        use warroom::model::Severity::*;
        update(
            app,
            Msg::Closed(Ok(vec![
                old(3, "Login latency above 3s after the auth deploy", Sev2, 300),
                old(2, "Orders DB failover drill", Sev4, 2_000),
                old(1, "CDN 5xx in ap-south", Sev1, 9_000),
            ])),
        );
        keys(app, &[KeyCode::Char('j')]);
    });
}

#[test]
fn follow_ups_overlay_and_its_form() {
    use warroom::model::{FollowUp, FollowUpStatus, IncidentId, Priority};
    let fu = |id: u64, title: &str, owner: &str, due: Option<(i32, u32, u32)>, status| FollowUp {
        id,
        incident: IncidentId(4),
        title: title.into(),
        owner: Some(owner.into()),
        due: due.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        priority: Priority::P1,
        status,
        link: None,
        created_by: "alice".into(),
        created_at: clock(),
        updated_at: clock(),
    };
    let list = vec![
        fu(
            1,
            "Alert on payments-db pool saturation",
            "marco",
            Some((2026, 11, 20)),
            FollowUpStatus::Open,
        ),
        fu(
            2,
            "Restore the pool timeout in the deploy template",
            "priya",
            Some((2026, 12, 4)),
            FollowUpStatus::Open,
        ),
        fu(
            3,
            "Canary deploys for checkout",
            "alice",
            None,
            FollowUpStatus::Done,
        ),
    ];
    snap("followups", |app| {
        keys(app, &[KeyCode::Char('F')]);
        update(app, Msg::FollowUps(IncidentId(4), Ok(list.clone())));
    });
    snap("followup_form", |app| {
        keys(app, &[KeyCode::Char('F')]);
        update(app, Msg::FollowUps(IncidentId(4), Ok(list.clone())));
        keys(app, &[KeyCode::Char('a')]);
        text(app, "Load test the pool after the fix");
    });
}

#[test]
fn seen_before_overlay() {
    use warroom::model::wire::Similar;
    use warroom::model::{EventKind, IncidentId, Severity, Status, TimelineEvent};
    let past = |n: u64, title: &str, sev, took: i64, notes: &[&str]| Similar {
        incident: {
            let mut i = warroom::tui::fixtures::incident(
                n,
                title,
                "payments-db",
                sev,
                20_000,
                Status::Acknowledged,
                0,
            )
            .incident;
            i.status = Status::Closed;
            i
        },
        score: -4.0,
        resolved_in_seconds: Some(took),
        last_notes: notes
            .iter()
            .enumerate()
            .map(|(k, t)| TimelineEvent {
                seq: k as u64 + 1,
                at: clock() - chrono::Duration::days(12),
                author: "marco".into(),
                kind: EventKind::Note { text: (*t).into() },
                written_at: None,
            })
            .collect(),
    };
    snap("seen_before", |app| {
        keys(app, &[KeyCode::Char('b')]);
        update(
            app,
            Msg::Similar(
                IncidentId(4),
                Ok(vec![
                    past(
                        2,
                        "Payments DB connection pool exhausted",
                        Severity::Sev1,
                        2520,
                        &[
                            "pgbouncer at 500/500",
                            "Fix: raised max_connections to 800, restarted pgbouncer",
                        ],
                    ),
                    past(
                        1,
                        "Checkout 502s after config push",
                        Severity::Sev2,
                        900,
                        &[],
                    ),
                ]),
            ),
        );
    });
}

#[test]
fn stats_view() {
    use warroom::model::Status;
    use warroom::model::stats::{Sample, compute};
    let mut details = warroom::tui::fixtures::sample_details();
    for (k, d) in details.iter_mut().enumerate() {
        d.incident.status = Status::Closed;
        let at = d.incident.declared_at;
        let t = &mut d.incident.status_times;
        t.insert(
            Status::Acknowledged,
            at + chrono::Duration::minutes(3 + k as i64),
        );
        t.insert(
            Status::Contained,
            at + chrono::Duration::minutes(20 + 10 * k as i64),
        );
        t.insert(
            Status::Resolved,
            at + chrono::Duration::minutes(40 + 25 * k as i64),
        );
        t.insert(
            Status::Verified,
            at + chrono::Duration::minutes(60 + 25 * k as i64),
        );
    }
    let samples: Vec<Sample> = details
        .iter()
        .map(|d| Sample {
            incident: &d.incident,
            responders: &d.responders,
            checklists: &d.checklists,
            forced_from: vec![warroom::model::Phase::Investigation],
            pages: vec![("marco".into(), clock() - chrono::Duration::hours(12))],
            alerts: vec!["CheckoutHighErrorRate".into()],
        })
        .collect();
    let stats = compute(
        &samples,
        Some(clock() - chrono::Duration::days(30)),
        clock(),
        chrono::Duration::zero(),
    );
    snap("stats", |app| {
        keys(app, &[KeyCode::Char(':')]);
        text(app, "stats");
        keys(app, &[KeyCode::Enter]);
        update(app, Msg::Stats("90d".into(), Ok(Box::new(stats.clone()))));
    });
}

/// A closed incident opens in review: phases, key durations, and where
/// the postmortem went.
#[test]
fn review_of_a_closed_incident() {
    use warroom::model::{Action, Actor, ActorRole, IncidentId, Status, apply};
    for (w, h) in SIZES {
        let mut details = warroom::tui::fixtures::sample_details();
        let d = &mut details[1];
        let ic = Actor {
            handle: "alice".into(),
            role: ActorRole::Commander,
        };
        let start = d.incident.declared_at;
        for (k, to) in [
            Status::Identified,
            Status::Contained,
            Status::Resolved,
            Status::Verified,
            Status::Closed,
        ]
        .into_iter()
        .enumerate()
        {
            let action = Action::Transition {
                to,
                force: true,
                reason: Some("review".into()),
            };
            apply(
                d,
                action,
                &ic,
                start + chrono::Duration::minutes(5 + 4 * k as i64),
            )
            .unwrap();
        }
        let mut app = warroom::tui::fixtures::app_with(details, w, h);
        update(
            &mut app,
            Msg::PostmortemWritten(
                IncidentId(5),
                Ok("/home/alice/.local/share/warroom/postmortems/INC-5.md".into()),
            ),
        );
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        app.selected = Some(IncidentId(5));
        let fu = |id: u64, due: (i32, u32, u32), status| warroom::model::FollowUp {
            id,
            incident: IncidentId(5),
            title: "x".into(),
            owner: None,
            due: chrono::NaiveDate::from_ymd_opt(due.0, due.1, due.2),
            priority: warroom::model::Priority::P2,
            status,
            link: None,
            created_by: "alice".into(),
            created_at: clock(),
            updated_at: clock(),
        };
        use warroom::model::FollowUpStatus::{Done, Open};
        update(
            &mut app,
            Msg::FollowUps(
                IncidentId(5),
                Ok(vec![
                    fu(1, (2026, 11, 1), Open),
                    fu(2, (2026, 12, 9), Open),
                    fu(3, (2026, 11, 1), Done),
                ]),
            ),
        );
        insta::assert_snapshot!(format!("review_{w}x{h}"), render(&app).backend());
    }
}
