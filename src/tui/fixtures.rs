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

/// INC-4's state document, for the state pane's and the brief's tests: a
/// red herring ruled out, the cause confirmed on the alert's entry, the
/// rollback decided, three tasks (one past its time box, one due in
/// 4 minutes, one proposed), command offered to dana.
pub fn with_state_document(app: &mut App) {
    use crate::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, TaskAction};
    let id = crate::model::IncidentId(4);
    let Some(mut d) = app.board.details.get(&id).cloned() else {
        return;
    };
    let at = |min: i64| clock() - Duration::minutes(min);
    let alert = d
        .timeline
        .iter()
        .find(|e| e.kind.tag() == "alert")
        .map(|e| e.seq);
    let mut step = |by: &str, min: i64, a: Action| {
        apply(&mut d, a, &actor(by), at(min)).expect("fixture step is valid");
    };
    let hyp = |text: &str, evidence: Vec<u64>| {
        Action::Hypothesis(HypothesisAction::Add {
            text: text.into(),
            evidence,
        })
    };
    step("marco", 40, hyp("CDN edge misconfiguration", Vec::new()));
    step(
        "marco",
        39,
        hyp(
            "payments-db pool exhausted since the 13:20 deploy",
            alert.into_iter().collect(),
        ),
    );
    step(
        "alice",
        38,
        Action::Hypothesis(HypothesisAction::RuleOut {
            hypothesis: 1,
            why: "edge 5xx flat; the errors come from the origin".into(),
        }),
    );
    step(
        "alice",
        37,
        Action::Hypothesis(HypothesisAction::Confirm {
            hypothesis: 2,
            why: Some("the deploy dropped the pool timeout".into()),
        }),
    );
    step(
        "alice",
        36,
        Action::Decide(DecideRequest {
            text: "Roll back checkout-api to the previous release".into(),
            why: "fastest safe fix".into(),
            objections_asked: true,
            supersedes: None,
        }),
    );
    step(
        "alice",
        20,
        hyp("retry storm from mobile clients", Vec::new()),
    );
    let task = |title: &str, owner: &str, due: &str| {
        Action::Task(TaskAction::Add {
            title: title.into(),
            owner: Some(owner.into()),
            due: Some(due.into()),
        })
    };
    step(
        "alice",
        12,
        task("Confirm the pool timeout is back in config", "marco", "10m"),
    );
    step(
        "alice",
        6,
        task("Draft the customer status update", "priya", "10m"),
    );
    step(
        "alice",
        1,
        Action::Command(CommandAction::Offer { to: "dana".into() }),
    );
    // A responder's task is a proposal.
    let marco = Actor {
        handle: "marco".into(),
        role: ActorRole::Responder,
    };
    let propose = Action::Task(TaskAction::Add {
        title: "Check the CDN logs for the same window".into(),
        owner: None,
        due: None,
    });
    apply(&mut d, propose, &marco, at(0)).expect("fixture step is valid");
    super::app::update(
        app,
        super::app::Msg::Feed(crate::client::poller::Feed::Detail {
            detail: Box::new(d),
            at: clock() - Duration::seconds(2),
        }),
    );
}
