//! Replay in a real terminal against a real server process: a fixture
//! incident written through the API, then, in the console, `]` enters
//! replay and `[` steps back. At three chosen moments every pane shows
//! what the server's replay (the model's own `apply` over the journal)
//! says the incident was then: the banner's event number, the status, who
//! was on it, the hypotheses and tasks, the last update. Esc returns to
//! the live incident.

mod common;

use std::time::Duration;

use common::procs::{ServerProc, api_get, api_post, free_port, token_file};
use common::pty::Screen;
use serde_json::{Value, json};

const T: Duration = Duration::from_secs(20);

/// The words the panes must show for the replayed state `st`, and those
/// they must not.
fn expected(st: &Value) -> (Vec<String>, Vec<String>) {
    let d = &st["detail"];
    let mut show = vec![format!("event {}/{}", st["seq"], st["last_seq"])];
    let mut hide = Vec::new();
    let status = d["incident"]["status"].as_str().unwrap();
    show.push(status.to_string());
    let bob = d["responders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["handle"] == "bob");
    (if bob { &mut show } else { &mut hide }).push("bob".into());
    for h in d["state"]["hypotheses"].as_array().into_iter().flatten() {
        show.push(h["text"].as_str().unwrap().to_string());
    }
    if d["state"]["hypotheses"]
        .as_array()
        .is_none_or(|h| h.is_empty())
    {
        hide.push("the 14:00 deploy".into());
    }
    for t in d["state"]["tasks"].as_array().into_iter().flatten() {
        show.push(t["title"].as_str().unwrap().to_string());
    }
    if d["state"]["tasks"].as_array().is_none_or(|t| t.is_empty()) {
        hide.push("Roll back checkout".into());
    }
    (show, hide)
}

#[test]
fn replay_shows_the_incident_as_the_model_computes_it_at_each_moment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let home = dir.path().join("alice");
    std::fs::create_dir_all(&home).unwrap();
    let (tok, file) = token_file(&home, &db, "commander", "alice");
    let _server = ServerProc::start(port, &db);
    let post = |path: &str, body: Value| api_post(port, &tok, path, body);
    post(
        "/incidents",
        json!({"title": "Checkout 502s", "service": "checkout", "severity": "SEV2"}),
    );
    let steps: Vec<(&str, Value)> = vec![
        (
            "responders",
            json!({"action": "page", "handle": "bob", "role": "subject_matter_expert"}),
        ),
        (
            "hypotheses",
            json!({"action": "add", "text": "the 14:00 deploy"}),
        ),
        (
            "transition",
            json!({"to": "acknowledged", "force": true, "reason": "replay fixture"}),
        ),
        (
            "tasks",
            json!({"action": "add", "title": "Roll back checkout", "owner": "bob", "due": "30m"}),
        ),
        (
            "updates",
            json!({"text": "Checkout is failing for some customers."}),
        ),
        (
            "transition",
            json!({"to": "investigating", "force": true, "reason": "replay fixture"}),
        ),
        ("notes", json!({"text": "rollback started"})),
    ];
    for (route, body) in steps {
        post(&format!("/incidents/INC-1/{route}"), body);
    }
    let last = api_get(port, &tok, "/incidents/INC-1")["incident"]["last_seq"]
        .as_u64()
        .unwrap();
    assert_eq!(last, 8, "one event per write");

    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", file.to_str().unwrap()],
        &home,
        160,
        48,
    );
    s.wait_for("INC-1 live", T, |t| {
        t.contains("● live") && t.contains("INC-1")
    });
    s.wait_text("rollback started", T);
    s.send("]");
    s.wait_text("REPLAY INC-1", T);
    s.wait_text(&format!("event {last}/{last}"), T);
    // Three moments: after the update (6), after the acknowledgement (4),
    // after bob was paged (2).
    let mut at = last;
    for moment in [6u64, 4, 2] {
        while at > moment {
            s.send("[");
            at -= 1;
            s.wait_text(&format!("event {at}/{last}"), T);
        }
        let st = api_get(port, &tok, &format!("/incidents/INC-1/at?seq={moment}"));
        assert_eq!(st["seq"], moment);
        let (show, hide) = expected(&st);
        s.wait_for(&format!("the state at {moment}"), T, |t| {
            show.iter().all(|w| t.contains(w.as_str()))
        });
        let screen = s.text();
        for w in &hide {
            assert!(
                !screen.contains(w.as_str()),
                "at {moment}, `{w}` shows:\n{screen}"
            );
        }
        if moment == 6 {
            assert!(
                screen.contains("Checkout is failing"),
                "the last update:\n{screen}"
            );
        }
        if moment < 6 {
            assert!(
                !screen.contains("rollback started"),
                "a later note shows:\n{screen}"
            );
        }
    }
    // Writes are refused while replaying.
    s.send("a");
    s.wait_text("Replay is read-only", T);
    // `}` steps to the next phase change: the acknowledgement (seq 4).
    s.send("}");
    s.wait_text(&format!("event 4/{last}"), T);
    s.send("\x1b");
    s.wait_for("live again", T, |t| {
        !t.contains("REPLAY") && t.contains("rollback started")
    });
    s.send("q");
}
