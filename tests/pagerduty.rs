//! The PagerDuty adapter against PagerDuty's own published examples: the
//! response bodies come from ../shared/specs/pagerduty-rest-v2.openapi.json
//! at test time (not copied by hand), served by a local fake that records
//! every request so the tests can assert exactly what was sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};
use warroom::client::{Fetched, Token, Write, WriteOp, pagerduty};
use warroom::model::wire::{TextRequest, TransitionRequest};
use warroom::model::{EventKind, IncidentId, ResponderAction, Role, Severity, Status};

fn spec() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/specs/pagerduty-rest-v2.openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the PagerDuty spec is missing at {} ({e}); these tests read PagerDuty's published examples from it", path.display())
    });
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// The first example of an operation's answer (or request body).
fn example(spec: &Value, path: &str, method: &str, status: Option<&str>) -> Value {
    let op = &spec["paths"][path][method];
    let content = match status {
        Some(s) => &op["responses"][s]["content"]["application/json"],
        None => &op["requestBody"]["content"]["application/json"],
    };
    let ex = content["examples"]
        .as_object()
        .and_then(|m| m.values().next())
        .map(|e| e["value"].clone())
        .or_else(|| content.get("example").cloned());
    ex.unwrap_or_else(|| panic!("no example for {method} {path} {status:?} in the spec"))
}

#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Fake {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn fake(spec: Value, throttle_first: bool) -> Fake {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let spec = Arc::new(spec);
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, spec) = (log.clone(), spec.clone());
        async move {
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
            let s = Seen {
                method: parts.method.to_string(),
                path: parts.uri.path().to_string(),
                query: parts.uri.query().unwrap_or("").to_string(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect(),
                body: serde_json::from_slice(&bytes).ok(),
            };
            let n = {
                let mut l = log.lock().unwrap();
                l.push(s.clone());
                l.len()
            };
            if throttle_first && n == 1 {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [
                        ("ratelimit-limit", "960"),
                        ("ratelimit-remaining", "0"),
                        ("ratelimit-reset", "1"),
                    ],
                    "{\"error\":{\"message\":\"Rate Limit Exceeded\",\"code\":2020}}",
                )
                    .into_response();
            }
            let ok = |v: Value| {
                (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    v.to_string(),
                )
                    .into_response()
            };
            match (s.method.as_str(), s.path.as_str()) {
                ("GET", "/incidents") => {
                    // Two pages built from the published example: the same
                    // incident again under another number on page two.
                    let mut page = example(&spec, "/incidents", "get", Some("200"));
                    let second = s.query.contains("offset=1");
                    let inc = &mut page["incidents"][0];
                    inc["status"] = json!("triggered");
                    if second {
                        inc["id"] = json!("PXYZ999");
                        inc["incident_number"] = json!(1235);
                        inc["status"] = json!("acknowledged");
                        inc["priority"] = Value::Null;
                        inc["urgency"] = json!("low");
                    }
                    page["offset"] = json!(if second { 1 } else { 0 });
                    page["more"] = json!(!second);
                    ok(page)
                }
                ("GET", p) if p.ends_with("/log_entries") => ok(example(
                    &spec,
                    "/incidents/{id}/log_entries",
                    "get",
                    Some("200"),
                )),
                ("GET", p) if p.ends_with("/notes") => {
                    ok(example(&spec, "/incidents/{id}/notes", "get", Some("200")))
                }
                ("GET", _) => ok(example(&spec, "/incidents/{id}", "get", Some("200"))),
                ("PUT", _) => ok(example(&spec, "/incidents/{id}", "put", Some("200"))),
                ("POST", p) if p.ends_with("/notes") => {
                    ok(example(&spec, "/incidents/{id}/notes", "post", Some("200")))
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    Fake {
        url: format!("http://{addr}"),
        seen,
    }
}

fn connect(f: &Fake) -> (warroom::client::Reader, warroom::client::Writer) {
    pagerduty::connect(
        &f.url,
        Token::new("y_NbAkKc66ryYTWUXYEu"),
        None,
        "ic@example.com",
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn lists_every_page_of_triggered_and_acknowledged_incidents() {
    let f = fake(spec(), false).await;
    let (reader, _) = connect(&f);
    let Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap() else {
        panic!()
    };
    let seen = f.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "two pages");
    for (s, offset) in seen.iter().zip(["offset=0", "offset=1"]) {
        assert_eq!((s.method.as_str(), s.path.as_str()), ("GET", "/incidents"));
        assert!(
            s.query.contains("statuses[]=triggered")
                || s.query.contains("statuses%5B%5D=triggered"),
            "{}",
            s.query
        );
        assert!(s.query.contains(offset), "{}", s.query);
        assert_eq!(
            s.header("authorization"),
            Some("Token token=y_NbAkKc66ryYTWUXYEu")
        );
        assert_eq!(
            s.header("accept"),
            Some("application/vnd.pagerduty+json;version=2")
        );
    }
    let inc = &value.incidents;
    assert_eq!(inc.len(), 2);
    assert_eq!(inc[0].id, IncidentId(1234));
    assert_eq!(inc[0].title, "The server is on fire.");
    assert_eq!(inc[0].service, "My Mail Service");
    assert_eq!(inc[0].severity, Severity::Sev2, "priority P2");
    assert_eq!(inc[0].status, Status::Triggered);
    assert_eq!(
        (inc[1].id, inc[1].status, inc[1].severity),
        (IncidentId(1235), Status::Acknowledged, Severity::Sev4),
        "low urgency, no priority"
    );
}

#[tokio::test]
async fn log_entries_and_notes_make_the_timeline() {
    let spec = spec();
    let f = fake(spec.clone(), false).await;
    let (reader, _) = connect(&f);
    reader.list(false, None).await.unwrap();
    let Fetched::Fresh { value: d, .. } = reader.detail(IncidentId(1234), None).await.unwrap()
    else {
        panic!()
    };
    let paths: Vec<String> = f
        .seen
        .lock()
        .unwrap()
        .iter()
        .skip(2)
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/incidents/PT4KHLK",
            "/incidents/PT4KHLK/log_entries",
            "/incidents/PT4KHLK/notes"
        ]
    );
    let notes_ex = example(&spec, "/incidents/{id}/notes", "get", Some("200"));
    let note_texts: Vec<&str> = notes_ex["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["content"].as_str().unwrap())
        .collect();
    let timeline_notes: Vec<&str> = d
        .timeline
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { text } if !text.starts_with('[') => Some(text.as_str()),
            _ => None,
        })
        .collect();
    for n in &note_texts {
        assert!(timeline_notes.contains(n), "note `{n}` is on the timeline");
    }
    assert!(d.timeline.iter().any(|e| matches!(&e.kind, EventKind::AlertReceived { alert, .. } if alert == "Triggered through the API")), "the trigger log entry");
    assert!(
        d.timeline.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    assert_eq!(d.incident.id, IncidentId(1234));
}

#[tokio::test]
async fn acknowledge_resolve_reassign_and_note_send_exactly_the_documented_requests() {
    let spec = spec();
    let f = fake(spec.clone(), false).await;
    let (reader, writer) = connect(&f);
    reader.list(false, None).await.unwrap();
    let id = IncidentId(1234);
    writer
        .send(&Write::new(WriteOp::Transition {
            id,
            body: TransitionRequest {
                to: Status::Acknowledged,
                force: false,
                reason: None,
            },
        }))
        .await
        .unwrap();
    writer
        .send(&Write::new(WriteOp::Resolve { id }))
        .await
        .unwrap();
    writer
        .send(&Write::new(WriteOp::Responder {
            id,
            body: ResponderAction::AssignRole {
                handle: "PXPGF42".into(),
                role: Role::IncidentCommander,
            },
        }))
        .await
        .unwrap();
    writer
        .send(&Write::new(WriteOp::Note {
            id,
            body: TextRequest::new("Firefighters are on the scene."),
        }))
        .await
        .unwrap();
    let writes: Vec<Seen> = f
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.method != "GET")
        .cloned()
        .collect();
    assert_eq!(writes.len(), 4);
    for w in &writes {
        assert_eq!(
            w.header("authorization"),
            Some("Token token=y_NbAkKc66ryYTWUXYEu")
        );
        assert_eq!(w.header("from"), Some("ic@example.com"));
        assert_eq!(
            w.header("accept"),
            Some("application/vnd.pagerduty+json;version=2")
        );
        assert_eq!(w.header("content-type"), Some("application/json"));
    }
    // The acknowledge body is the spec's own request example, to the letter.
    assert_eq!(
        (writes[0].method.as_str(), writes[0].path.as_str()),
        ("PUT", "/incidents/PT4KHLK")
    );
    assert_eq!(
        writes[0].body.as_ref().unwrap(),
        &example(&spec, "/incidents/{id}", "put", None)
    );
    assert_eq!(
        writes[1].body.as_ref().unwrap(),
        &json!({"incident": {"type": "incident_reference", "status": "resolved"}})
    );
    assert_eq!(
        writes[2].body.as_ref().unwrap(),
        &json!({"incident": {"type": "incident_reference", "assignments": [{"assignee": {"id": "PXPGF42", "type": "user_reference"}}]}})
    );
    assert_eq!(
        (writes[3].method.as_str(), writes[3].path.as_str()),
        ("POST", "/incidents/PT4KHLK/notes")
    );
    assert_eq!(
        writes[3].body.as_ref().unwrap(),
        &example(&spec, "/incidents/{id}/notes", "post", None),
        "the spec's note request example"
    );
}

#[tokio::test]
async fn a_429_is_reported_with_its_reset_and_the_accept_header_is_configurable() {
    let f = fake(spec(), true).await;
    let (reader, _) = pagerduty::connect(
        &f.url,
        Token::new("t"),
        None,
        "ic@example.com",
        Some("application/json"),
    )
    .unwrap();
    let e = match reader.list(false, None).await {
        Err(e) => e,
        Ok(_) => panic!("the 429 was not reported"),
    };
    assert_eq!(
        e.retry_after(),
        Some(Duration::from_secs(1)),
        "ratelimit-reset honoured: {e}"
    );
    let start = Instant::now();
    assert!(reader.list(false, None).await.is_ok());
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(
        f.seen.lock().unwrap()[1].header("accept"),
        Some("application/json")
    );
}

#[tokio::test]
async fn writes_that_pagerduty_cannot_do_are_refused_locally() {
    let f = fake(spec(), false).await;
    let (reader, writer) = connect(&f);
    reader.list(false, None).await.unwrap();
    let e = writer
        .send(&Write::new(WriteOp::StakeholderUpdate {
            id: IncidentId(1234),
            body: TextRequest::new("x"),
        }))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("PagerDuty"), "{e}");
    assert!(
        f.seen.lock().unwrap().iter().all(|s| s.method == "GET"),
        "nothing was sent"
    );
}

/// A backend that lies the way mocks and proxies do: `more: true` on every
/// page, `statuses[]` ignored (a resolved incident among the open ones),
/// and any incident fetched by number.
async fn liar(spec: Value) -> Fake {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let spec = Arc::new(spec);
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, spec) = (log.clone(), spec.clone());
        async move {
            log.lock().unwrap().push(Seen {
                method: req.method().to_string(),
                path: req.uri().path().to_string(),
                query: req.uri().query().unwrap_or("").to_string(),
                headers: vec![],
                body: None,
            });
            let path = req.uri().path().to_string();
            let ok = |v: Value| {
                (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    v.to_string(),
                )
                    .into_response()
            };
            if path == "/incidents" {
                let mut page = example(&spec, "/incidents", "get", Some("200"));
                let mut open = page["incidents"][0].clone();
                open["status"] = json!("triggered");
                let mut resolved = open.clone();
                resolved["id"] = json!("PRESOLVED");
                resolved["incident_number"] = json!(77);
                resolved["status"] = json!("resolved");
                // Valid by the published spec (an integer), not by us: a
                // negative number; and one that is not an incident at all.
                let mut negative = open.clone();
                negative["id"] = json!("PNEGATIVE");
                negative["incident_number"] = json!(-5);
                let garbage = json!({"id": "PGARBAGE", "status": 42});
                page["incidents"] = json!([open, resolved, negative, garbage]);
                page["more"] = json!(true);
                return ok(page);
            }
            if path == "/users" {
                return ok(example(&spec, "/users", "get", Some("200")));
            }
            if path.ends_with("/log_entries") {
                return ok(example(
                    &spec,
                    "/incidents/{id}/log_entries",
                    "get",
                    Some("200"),
                ));
            }
            if path.ends_with("/notes") {
                return ok(example(&spec, "/incidents/{id}/notes", "get", Some("200")));
            }
            ok(example(&spec, "/incidents/{id}", "get", Some("200")))
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    Fake {
        url: format!("http://{addr}"),
        seen,
    }
}

#[tokio::test]
async fn more_for_ever_and_ignored_filters_do_not_fool_the_list() {
    let f = liar(spec()).await;
    let (reader, _) = connect(&f);
    let started = Instant::now();
    let Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap() else {
        panic!()
    };
    assert!(started.elapsed() < Duration::from_secs(5));
    let pages = f
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path == "/incidents")
        .count();
    assert_eq!(pages, 2, "a page with nothing new ends the walk");
    let ids: Vec<IncidentId> = value.incidents.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        vec![IncidentId(1234)],
        "once each, and not the resolved one"
    );
    // The two it cannot read are left out and counted (once each, though
    // the liar served the page twice), never failing the whole list.
    assert_eq!(value.unreadable, 2);
}

#[tokio::test]
async fn any_incident_can_be_shown_and_users_are_looked_up() {
    let f = liar(spec()).await;
    let (reader, _) = connect(&f);
    // No list first (a separate `warroom show` process): fetched by number.
    let Fetched::Fresh { value, .. } = reader.detail(IncidentId(1234), None).await.unwrap() else {
        panic!()
    };
    assert_eq!(value.incident.id, IncidentId(1234));
    let seen = f.seen.lock().unwrap().clone();
    assert_eq!(seen[0].path, "/incidents/1234");
    let users = reader.users("ea").await.unwrap();
    assert!(!users.is_empty());
    assert!(users.iter().all(|u| !u.id.is_empty()));
    let q = &f.seen.lock().unwrap().last().unwrap().query.clone();
    assert!(q.contains("query=ea"), "{q}");
}

fn note(id: u64) -> Write {
    Write::new(WriteOp::Note {
        id: IncidentId(id),
        body: TextRequest::new("Firefighters are on the scene."),
    })
}

#[tokio::test]
async fn a_write_is_addressed_by_one_read_of_its_incident_never_a_list_and_a_resolved_one_takes_notes()
 {
    let spec = spec();
    let f = fake(spec.clone(), false).await;
    // A one-shot `warroom note`: nothing read before.
    let (_, writer) = connect(&f);
    let sent = writer.send_verbatim(&note(1234)).await.unwrap();
    let seen: Vec<(String, String)> = f
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| (s.method.clone(), s.path.clone()))
        .collect();
    // The published example incident is resolved: PagerDuty takes notes on
    // it, and so does warroom now.
    assert_eq!(
        seen,
        [
            ("GET".to_string(), "/incidents/1234".to_string()),
            ("POST".to_string(), "/incidents/PT4KHLK/notes".to_string())
        ]
    );
    // `--json` prints what PagerDuty answered, not `{ok, what}`.
    assert_eq!(
        sent.body.unwrap(),
        example(&spec, "/incidents/{id}/notes", "post", Some("200"))
    );
    // The number's id is kept: the next write is one request.
    writer.send(&note(1234)).await.unwrap();
    assert_eq!(f.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn dry_run_shows_the_headers_exactly_as_sent_with_the_token_hidden() {
    let f = fake(spec(), false).await;
    let (reader, writer) = connect(&f);
    let w = note(1234);
    reader.locate(IncidentId(1234)).await.unwrap();
    let plan = writer.plan(&w).unwrap();
    let shown = plan.display();
    assert!(
        shown.contains("Authorization: Token token=<token, not shown>"),
        "{shown}"
    );
    assert!(
        !shown.contains("Bearer"),
        "PagerDuty is not sent Bearer: {shown}"
    );
    assert!(
        !shown.contains("y_NbAkKc66ryYTWUXYEu"),
        "the token is never shown"
    );
    writer.send(&w).await.unwrap();
    let sent = f.seen.lock().unwrap().last().unwrap().clone();
    assert_eq!(sent.path, "/incidents/PT4KHLK/notes");
    assert_eq!(
        format!("{} {}{}", sent.method, f.url, sent.path),
        format!("{} {}", plan.method, plan.url)
    );
    for (k, v) in &plan.headers {
        assert_eq!(
            sent.header(&k.to_ascii_lowercase()),
            Some(v.as_str()),
            "{k} as planned"
        );
    }
    assert!(
        sent.header("authorization")
            .unwrap()
            .starts_with("Token token=")
    );
    assert_eq!(sent.body.as_ref(), plan.body.as_ref());
}

#[tokio::test]
async fn a_406_says_which_setting_to_change() {
    let app = axum::Router::new()
        .fallback(|| async { (StatusCode::NOT_ACCEPTABLE, "Not Acceptable").into_response() });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let (reader, _) = pagerduty::connect(
        &format!("http://{addr}"),
        Token::new("t"),
        None,
        "ic@example.com",
        None,
    )
    .unwrap();
    let e = match reader.list(false, None).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a 406 was taken for a list"),
    };
    assert!(e.contains("accept = \"application/json\""), "{e}");
    assert!(e.contains(pagerduty::DEFAULT_ACCEPT), "{e}");
}

/// A mock in random mode: every field a value the published schema
/// allows (any integer for `incident_number`, any string for titles and
/// ids, any of the enum's statuses), different on every run of a seed.
async fn random(spec: Value, seed: u64) -> (Fake, Vec<Value>) {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 11
    };
    let base = example(&spec, "/incidents", "get", Some("200"))["incidents"][0].clone();
    let statuses = ["triggered", "acknowledged", "resolved"];
    let texts = [
        "disk full",
        "\u{1b}]52;c;ZXZpbA==\u{7}pwn",
        "",
        "ünïcödé 🔥",
        "a very long title that goes on and on and on and on and on and on",
    ];
    let incidents: Vec<Value> = (0..25)
        .map(|n| {
            let mut i = base.clone();
            let number: i64 = match next() % 6 {
                0 => -((next() % 1000) as i64) - 1,
                1 => 0,
                _ => (next() % 100_000) as i64 + 1,
            };
            i["id"] = json!(format!("PR{n}X{}", next() % 1000));
            i["incident_number"] = json!(number);
            i["status"] = json!(statuses[(next() % 3) as usize]);
            i["title"] = json!(texts[(next() % texts.len() as u64) as usize]);
            i["urgency"] = json!(if next() % 2 == 0 { "high" } else { "low" });
            if next() % 3 == 0 {
                i["priority"] = Value::Null;
            }
            i
        })
        .collect();
    let served = incidents.clone();
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, served) = (log.clone(), served.clone());
        async move {
            log.lock().unwrap().push(Seen {
                method: req.method().to_string(),
                path: req.uri().path().to_string(),
                query: req.uri().query().unwrap_or("").to_string(),
                headers: vec![],
                body: None,
            });
            let page = json!({"incidents": served, "limit": 100, "offset": 0, "more": false, "total": null});
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                page.to_string(),
            )
                .into_response()
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (
        Fake {
            url: format!("http://{addr}"),
            seen,
        },
        incidents,
    )
}

#[tokio::test]
async fn in_random_mode_the_list_never_fails_and_says_what_it_left_out() {
    for seed in 0..12 {
        let (f, served) = random(spec(), seed).await;
        let (reader, _) = connect(&f);
        let Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap() else {
            panic!("seed {seed}: a fresh list")
        };
        let open = |v: &&Value| v["status"] != "resolved";
        let readable = served
            .iter()
            .filter(open)
            .filter(|v| v["incident_number"].as_i64().unwrap() >= 0)
            .count();
        let unreadable = served
            .iter()
            .filter(open)
            .filter(|v| v["incident_number"].as_i64().unwrap() < 0)
            .count();
        assert_eq!(value.incidents.len(), readable, "seed {seed}");
        // Resolved ones with a negative number are dropped as unreadable
        // before their status is known: counted too.
        let unreadable_resolved = served
            .iter()
            .filter(|v| v["status"] == "resolved" && v["incident_number"].as_i64().unwrap() < 0)
            .count();
        assert_eq!(
            value.unreadable as usize,
            unreadable + unreadable_resolved,
            "seed {seed}"
        );
        for i in &value.incidents {
            assert!(!i.title.contains('\u{1b}'), "seed {seed}: cleaned title");
            assert_ne!(i.status, Status::Resolved, "seed {seed}");
        }
    }
}
