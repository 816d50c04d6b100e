//! Fixed, deterministic console state for tests and benchmarks: the same
//! incidents at the same clock every time, built through the model's own
//! `declare` and `apply` so they obey every rule real data does.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::app::App;
use crate::client::Capabilities;
use crate::model::wire::DeclareRequest;
use crate::model::{
    Action, Actor, ActorRole, IncidentDetail, IncidentId, Phase, ResponderAction, Role, RunbookSet,
    Severity, Status, apply, declare,
};

pub fn clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 14, 30, 0)
        .single()
        .expect("valid date")
}

fn actor(h: &str) -> Actor {
    Actor {
        handle: h.into(),
        role: ActorRole::Commander,
    }
}

/// One incident declared `ago` minutes before [`clock`], with `notes` notes.
pub fn incident(
    id: u64,
    title: &str,
    service: &str,
    sev: Severity,
    ago: i64,
    status: Status,
    notes: usize,
) -> IncidentDetail {
    let start = clock() - Duration::minutes(ago);
    let req = DeclareRequest {
        title: title.into(),
        service: service.into(),
        severity: sev,
        summary: String::new(),
        commander: None,
        tags: vec![],
    };
    let mut d = declare(
        IncidentId(id),
        req,
        &actor("alice"),
        RunbookSet::default().for_service(service).checklists(),
        start,
    )
    .expect("valid");
    let mut script = Script { t: start };
    opening(&mut script, &mut d, service);
    walk_to(&mut script, &mut d, status);
    let mut step = |d: &mut IncidentDetail, by: &str, a: Action| script.step(d, by, a);
    for n in 0..notes {
        step(
            &mut d,
            if n % 2 == 0 { "marco" } else { "priya" },
            Action::Note {
                text: format!("Observation {n}: pool usage {}%", 40 + n % 60),
                written_at: None,
            },
        );
    }
    if d.incident.status == Status::Identified {
        step(
            &mut d,
            "marco",
            Action::Checklist {
                phase: Phase::Containment,
                item: 1,
                done: true,
            },
        );
    }
    d
}

/// A fixture's clock: each step half a minute after the last.
struct Script {
    t: DateTime<Utc>,
}

impl Script {
    fn step(&mut self, d: &mut IncidentDetail, by: &str, a: Action) {
        self.t += Duration::seconds(30);
        apply(d, a, &actor(by), self.t).expect("fixture step is valid");
    }
}

/// The first minutes: the comms lead paged and acknowledging, ops paged,
/// the alert firing.
fn opening(s: &mut Script, d: &mut IncidentDetail, service: &str) {
    s.step(
        d,
        "alice",
        Action::Responder(ResponderAction::Page {
            handle: "priya".into(),
            name: Some("Priya Raman".into()),
            role: Role::CommunicationsLead,
        }),
    );
    s.step(
        d,
        "priya",
        Action::Responder(ResponderAction::Acknowledge {
            handle: "priya".into(),
        }),
    );
    s.step(
        d,
        "alice",
        Action::Responder(ResponderAction::Page {
            handle: "marco".into(),
            name: None,
            role: Role::OperationsLead,
        }),
    );
    s.step(
        d,
        "alertmanager",
        Action::Alert {
            alert: format!("{service}HighErrorRate"),
            firing: true,
            detail: Some("5xx ratio 0.38".into()),
            facts: Default::default(),
        },
    );
}

/// Steps through the lifecycle to `status`, ticking up to two items of
/// each phase and forcing past the rest.
fn walk_to(s: &mut Script, d: &mut IncidentDetail, status: Status) {
    while d.incident.status < status {
        let phase = d.incident.status.phase();
        let next = d.incident.status.next().expect("not closed");
        if phase != next.phase() {
            let open: Vec<usize> = phase
                .and_then(|p| d.checklist(p))
                .map(|c| {
                    c.items
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| !i.is_done())
                        .map(|(i, _)| i)
                        .collect()
                })
                .unwrap_or_default();
            let p = phase.expect("not closed");
            for i in open.into_iter().take(2) {
                s.step(
                    d,
                    "marco",
                    Action::Checklist {
                        phase: p,
                        item: i,
                        done: true,
                    },
                );
            }
            s.step(
                d,
                "alice",
                Action::Transition {
                    to: next,
                    force: true,
                    reason: Some("fixture".into()),
                },
            );
        } else {
            s.step(
                d,
                "alice",
                Action::Transition {
                    to: next,
                    force: false,
                    reason: None,
                },
            );
        }
    }
}

/// The console as the snapshot tests see it: three active incidents, the
/// SEV1 selected with its detail loaded, connected a few seconds ago.
/// The three active incidents every console and wallboard test starts
/// from: a SEV1 being contained, a SEV2 under investigation, a SEV3.
pub fn sample_details() -> Vec<IncidentDetail> {
    let mut all = vec![
        incident(
            4,
            "Checkout API returning 502s for 38% of requests",
            "checkout",
            Severity::Sev1,
            64,
            Status::Identified,
            6,
        ),
        incident(
            5,
            "Search p99 latency above 2s in eu-west",
            "search",
            Severity::Sev2,
            25,
            Status::Investigating,
            2,
        ),
        incident(
            6,
            "TLS certificate for api.example.com expires in 5 days",
            "edge",
            Severity::Sev3,
            180,
            Status::Acknowledged,
            1,
        ),
    ];
    all[0].incident.summary =
        "Since 13:24 UTC the checkout API answers 502 for 38% of requests in \
        eu-west and us-east. Payments that fail are not retried by the apps. Suspected: the \
        connection pool of payments-db is exhausted after the 13:20 deploy."
            .into();
    all[1].incident.last_stakeholder_update_at = Some(clock() - Duration::minutes(12));
    all
}

pub fn sample_app(width: u16, height: u16) -> App {
    let details = sample_details();
    app_with(details, width, height)
}

pub fn app_with(details: Vec<IncidentDetail>, width: u16, height: u16) -> App {
    let incidents = details.iter().map(|d| d.incident.clone()).collect();
    app_with_list(incidents, details, width, height)
}

/// The console as it is after reading `incidents` (the list) and the
/// `details` it opened: the real console holds every summary but only the
/// details it looked at, which is what a size benchmark must reproduce.
pub fn app_with_list(
    incidents: Vec<crate::model::Incident>,
    details: Vec<IncidentDetail>,
    width: u16,
    height: u16,
) -> App {
    let mut app = App::new(
        "prod https://warroom.example.com",
        Capabilities::WARROOM,
        clock(),
    );
    app.me = Some(("alice".into(), ActorRole::Commander));
    app.size = (width, height);
    super::app::update(
        &mut app,
        super::app::Msg::Feed(crate::client::poller::Feed::List {
            incidents,
            at: clock() - Duration::seconds(3),
        }),
    );
    for d in details {
        super::app::update(
            &mut app,
            super::app::Msg::Feed(crate::client::poller::Feed::Detail {
                detail: Box::new(d),
                at: clock() - Duration::seconds(3),
            }),
        );
    }
    app
}
