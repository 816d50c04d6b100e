//! The console after the outage, drawn on ratatui's TestBackend at 80x24
//! and 160x48: closed incidents, follow-ups, seen before, metrics, review.

mod common;

use common::console::{SIZES, keys, render, snap, text};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::tui::app::Msg;
use warroom::tui::app::update;
use warroom::tui::fixtures::clock;

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
            firings: vec!["CheckoutHighErrorRate".into()],
        })
        .collect();
    let stats = compute(
        &samples,
        Some(clock() - chrono::Duration::days(30)),
        clock(),
        chrono::Duration::zero(),
        &warroom::model::stats::Practice::of(&Default::default()),
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
                Ok(warroom::tui::console::postmortem::Written {
                    path: "/home/alice/.local/share/warroom/postmortems/INC-5.md".into(),
                    kept: None,
                }),
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

#[test]
fn deliveries_overlay() {
    use warroom::model::IncidentId;
    use warroom::model::wire::DeliveryInfo;
    let d = |id: i64, target: &str, subject: &str, status: &str, attempts, err: Option<&str>| {
        DeliveryInfo {
            id,
            target: target.into(),
            subject: subject.into(),
            status: status.into(),
            attempts,
            last_error: err.map(str::to_string),
            created_at: "2026-11-25T13:27:04+00:00".into(),
            delivered_at: None,
            next_at: None,
        }
    };
    snap("deliveries", |app| {
        text(app, ":deliveries");
        keys(app, &[KeyCode::Enter]);
        update(
            app,
            Msg::Deliveries(
                IncidentId(4),
                Ok(vec![
                    d(
                        3,
                        "incident-channel",
                        "stakeholder_update",
                        "delivered",
                        1,
                        None,
                    ),
                    d(
                        2,
                        "pager-bridge",
                        "severity_changed",
                        "pending",
                        2,
                        Some("the target answered 503"),
                    ),
                    d(
                        1,
                        "old-bridge",
                        "declared",
                        "failed",
                        8,
                        Some("cannot connect to the target"),
                    ),
                ]),
            ),
        );
        // An answer for another incident is not shown here.
        update(app, Msg::Deliveries(IncidentId(5), Ok(vec![])));
    });
}
