//! For every status × role, the console offers exactly what the server
//! accepts. The console side is `tui::app::offers` (what help, palette and
//! keys offer); the server side is a real server on loopback, asked with a
//! token of each role to do each thing to an incident in each status.

mod common;

use common::TestServer;
use reqwest::Method;
use serde_json::{Value, json};
use warroom::client::Capabilities;
use warroom::model::{ActorRole, IncidentDetail, Severity, Status};
use warroom::tui::app::offers::{refusal, reopen_refusal};
use warroom::tui::keymap::Act;

/// The keys that write to an incident, and the reopen palette command.
#[derive(Debug, Clone, Copy)]
enum Ask {
    Key(Act),
    Reopen,
}

const ASKS: [Ask; 12] = [
    Ask::Key(Act::Acknowledge),
    Ask::Key(Act::Advance),
    Ask::Reopen,
    Ask::Key(Act::SevUp),
    Ask::Key(Act::SevDown),
    Ask::Key(Act::Edit),
    Ask::Key(Act::TakeCommand),
    Ask::Key(Act::Note),
    Ask::Key(Act::Update),
    Ask::Key(Act::Toggle),
    Ask::Key(Act::Join),
    Ask::Key(Act::Responder),
];

/// The request the console sends for `ask`, as (method, path, body).
fn request(ask: Ask, d: &IncidentDetail, me: &str) -> Option<(Method, String, Value)> {
    let id = d.incident.id;
    let inc = &d.incident;
    let path = |tail: &str| format!("/incidents/{id}{tail}");
    let patch = |body: Value| Some((Method::PATCH, path(""), body));
    let post = |tail: &str, body: Value| Some((Method::POST, path(tail), body));
    match ask {
        Ask::Key(Act::Acknowledge) => post("/transition", json!({"to": "acknowledged"})),
        Ask::Key(Act::Advance) => {
            let to = inc.status.next()?;
            post(
                "/transition",
                json!({"to": to, "force": true, "reason": "r"}),
            )
        }
        Ask::Reopen => post("/transition", json!({"to": "investigating", "reason": "r"})),
        Ask::Key(Act::SevUp) => patch(json!({"severity": inc.severity.raised()?})),
        Ask::Key(Act::SevDown) => patch(json!({"severity": inc.severity.lowered()?})),
        Ask::Key(Act::Edit) => patch(json!({"title": "a better title"})),
        Ask::Key(Act::TakeCommand) => patch(json!({"commander": me})),
        Ask::Key(Act::Note) => post("/notes", json!({"text": "a note"})),
        // As the composer sends it: its Data loss field is required once
        // the incident is resolved (and harmless before).
        Ask::Key(Act::Update) => post(
            "/updates",
            json!({"text": "an update", "data_loss": "none"}),
        ),
        Ask::Key(Act::Toggle) => {
            let phase = inc.status.phase()?;
            post(
                "/checklist",
                json!({"phase": phase, "item": 0, "done": true}),
            )
        }
        Ask::Key(Act::Join) => post("/responders", json!({"action": "join", "handle": me})),
        Ask::Key(Act::Responder) => post(
            "/responders",
            json!({"action": "page", "handle": "someone-else"}),
        ),
        Ask::Key(_) => None,
    }
}

fn console_offers(ask: Ask, d: &IncidentDetail, me: &str, role: ActorRole) -> Result<(), String> {
    let caps = Capabilities::WARROOM;
    let why = match ask {
        Ask::Key(act) => refusal(caps, Some(&d.incident), Some((me, role)), act, true),
        Ask::Reopen => reopen_refusal(caps, &d.incident, Some((me, role))),
    };
    why.map_or(Ok(()), Err)
}

async fn incident_at(t: &TestServer, status: Status) -> IncidentDetail {
    let (s, body) = t
        .post(
            "/incidents",
            &t.commander,
            json!({"title": "Checkout 502s", "service": "checkout", "severity": "SEV2", "commander": "carol"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let id = body["incident"]["id"].as_str().unwrap().to_string();
    let path: Vec<&str> = Status::ALL[1..=status as usize]
        .iter()
        .map(|s| s.as_str())
        .collect();
    t.walk(&id, &path).await;
    let (s, body) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(s, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn for_every_status_and_role_the_console_offers_exactly_what_the_server_accepts() {
    let t = TestServer::start().await;
    let people = [
        ("noc-board", ActorRole::Viewer, t.viewer.clone()),
        ("bob", ActorRole::Responder, t.responder.clone()),
        ("alice", ActorRole::Commander, t.commander.clone()),
    ];
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for status in Status::ALL {
        for (me, role, token) in &people {
            for ask in ASKS {
                let d = incident_at(&t, status).await;
                assert_eq!(d.incident.status, status);
                assert_eq!(d.incident.severity, Severity::Sev2);
                let console = console_offers(ask, &d, me, *role);
                let server = match request(ask, &d, me) {
                    // Nothing to send (no next step, no phase): the server
                    // has nothing to accept.
                    None => Err("no request".to_string()),
                    Some((method, path, body)) => {
                        let r = t
                            .req(method, &path, token)
                            .header("If-Match", format!("\"{}\"", d.incident.version))
                            .json(&body)
                            .send()
                            .await
                            .unwrap();
                        let code = r.status().as_u16();
                        let text = r.text().await.unwrap_or_default();
                        if (200..300).contains(&code) {
                            Ok(())
                        } else {
                            Err(format!("{code} {text}"))
                        }
                    }
                };
                // A reopen is a move back; from below identified the same
                // request is an ordinary advance, not a reopen.
                let server = match ask {
                    Ask::Reopen if status <= Status::Investigating => {
                        server.and(Err("not a move back".to_string()))
                    }
                    _ => server,
                };
                cases += 1;
                if console.is_ok() != server.is_ok() {
                    disagreements.push(format!(
                        "{status} / {role} / {ask:?}: console {console:?}, server {server:?}"
                    ));
                }
            }
        }
    }
    assert_eq!(cases, 8 * 3 * ASKS.len());
    assert!(
        disagreements.is_empty(),
        "{} of {cases} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
