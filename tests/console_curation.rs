//! The curated timeline in a real terminal against a real server process:
//! on a resolved incident the IC moves to a timeline entry, pins it (`p`),
//! tags it (`#`), corrects its words with a reason (`E`); the server
//! records each, and the reader (Enter) shows who corrected it, when and
//! why; the postmortem's narrative is built from the pin.

mod common;

use std::time::Duration;

use common::procs::{ServerProc, api_get, api_post, free_port, token_file};
use common::pty::Screen;
use serde_json::json;

const T: Duration = Duration::from_secs(20);

fn wait(what: &str, cond: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < T, "waited for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_ic_pins_tags_and_corrects_an_entry_and_the_reader_shows_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let home = dir.path().join("alice");
    std::fs::create_dir_all(&home).unwrap();
    let (tok, file) = token_file(&home, &db, "commander", "alice");
    let _server = ServerProc::start(port, &db);
    let post = |path: &str, body: serde_json::Value| api_post(port, &tok, path, body);
    post(
        "/incidents",
        json!({"title": "Checkout 502s", "service": "checkout", "severity": "SEV2"}),
    );
    post("/incidents/INC-1/notes", json!({"text": "rolled bakc 4.2"}));
    for to in [
        "acknowledged",
        "investigating",
        "identified",
        "contained",
        "resolved",
    ] {
        post(
            "/incidents/INC-1/transition",
            json!({"to": to, "force": true, "reason": "fixture"}),
        );
    }
    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", file.to_str().unwrap()],
        &home,
        140,
        40,
    );
    s.wait_for("INC-1", T, |t| t.contains("● live") && t.contains("INC-1"));
    s.wait_text("rolled bakc 4.2", T);
    // To the timeline, onto the note (seq 2: the newest is at the bottom).
    s.send("\t");
    s.send(":event 2\r");
    s.send("p");
    let get = || api_get(port, &tok, "/incidents/INC-1");
    wait("the pin", || {
        get()["state"]["curation"]["2"]["pinned"] == true
    });
    s.send("#");
    s.wait_text("Tags of entry #2", T);
    s.send("mitigation\r");
    wait("the tag", || {
        get()["state"]["curation"]["2"]["tags"] == json!(["mitigation"])
    });
    s.send("E");
    s.wait_text("Correct entry #2", T);
    s.send("\t");
    s.send("rolled back 4.2");
    s.send("\t");
    s.send("typo on the bridge\r");
    wait("the correction", || {
        get()["state"]["curation"]["2"]["corrections"][0]["text"] == "rolled back 4.2"
    });
    s.wait_for("the row's marks", T, |t| {
        t.contains("⚑ ✱ #mitigation rolled bakc 4.2")
    });
    s.send("\r");
    s.wait_text("corrected by alice", T);
    s.wait_text("(why: typo on the bridge)", T);
    s.wait_text("now reads: rolled back 4.2", T);
    s.send("\x1b");
    let md = common::procs::api_get_text(port, &tok, "/incidents/INC-1/postmortem");
    let narrative = md.split("## Narrative").nth(1).unwrap_or_default();
    assert!(narrative.contains("rolled back 4.2"), "{md}");
    s.send("q");
}
