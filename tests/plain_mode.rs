//! The line console and `warroom watch`, as their users meet them: the
//! real binary against a real `warroom serve`, lines read from its output
//! (no terminal), commands typed as lines on its input.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::cli_env::{Env, env};
use common::procs::{api_get, api_post, token};

/// The process's output lines, as they come.
fn lines(out: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { return };
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    rx
}

/// Reads lines until one satisfies `want` (within 20 s); returns all read.
fn until(rx: &mpsc::Receiver<String>, what: &str, want: impl Fn(&str) -> bool) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(l) => {
                let done = want(&l);
                seen.push(l);
                if done {
                    return seen;
                }
            }
            Err(_) => panic!("waited for {what}; saw:\n{}", seen.join("\n")),
        }
    }
}

fn spawn(e: &Env, args: &[&str]) -> Child {
    let mut c = e.cmd(args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().unwrap()
}

#[test]
fn watch_json_streams_what_happens_most_severe_first() {
    let e = env();
    let tok = token(&e.dir.path().join("server.db"), "commander", "alice");
    let port = e.server.port;
    api_post(
        port,
        &tok,
        "/incidents",
        serde_json::json!(
        {"title": "Slow admin page", "service": "admin", "severity": "SEV3"}),
    );
    api_post(
        port,
        &tok,
        "/incidents",
        serde_json::json!(
        {"title": "Checkout 502s", "service": "checkout", "severity": "SEV1"}),
    );
    let mut w = spawn(&e, &["watch", "--json"]);
    let rx = lines(w.stdout.take().unwrap());
    // Where things stand: SEV1 first.
    let start = until(&rx, "both incidents", |l| l.contains("INC-1"));
    let first: serde_json::Value = serde_json::from_str(&start[0]).unwrap();
    assert_eq!(
        (first["type"].as_str(), first["incident"].as_str()),
        (Some("incident"), Some("INC-2"))
    );
    assert_eq!(first["severity"], "SEV1");
    // Then what happens, as it happens.
    api_post(
        port,
        &tok,
        "/incidents/INC-2/notes",
        serde_json::json!({"text": "rolled back \u{1b}[2J 4.2"}),
    );
    let seen = until(&rx, "the note", |l| l.contains("\"note\""));
    let note: serde_json::Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert_eq!(note["type"], "event");
    assert_eq!(note["incident"], "INC-2");
    assert_eq!(note["by"], "alice");
    assert!(note["text"].as_str().unwrap().contains("rolled back"));
    assert!(!note["text"].as_str().unwrap().contains('\u{1b}'), "{note}");
    api_post(
        port,
        &tok,
        "/incidents",
        serde_json::json!(
        {"title": "Payments down", "service": "payments", "severity": "SEV2"}),
    );
    let seen = until(&rx, "the new incident", |l| {
        l.contains("INC-3") && l.contains("declared")
    });
    assert!(
        seen.iter()
            .any(|l| l.contains("\"type\":\"incident\"") && l.contains("INC-3")),
        "{seen:?}"
    );
    w.kill().unwrap();
    let _ = w.wait();
}

#[test]
fn the_line_console_runs_a_whole_incident_from_typed_lines() {
    let e = env();
    let tok = token(&e.dir.path().join("server.db"), "commander", "alice");
    let port = e.server.port;
    let mut p = spawn(&e, &["--plain"]);
    let rx = lines(p.stdout.take().unwrap());
    let mut stdin = p.stdin.take().unwrap();
    let mut typ = |l: &str| writeln!(stdin, "{l}").unwrap();
    until(&rx, "the greeting", |l| l.contains("line mode"));
    // A SEV1 declared elsewhere is said.
    api_post(
        port,
        &tok,
        "/incidents",
        serde_json::json!(
        {"title": "Checkout 502s", "service": "checkout", "severity": "SEV1"}),
    );
    until(&rx, "the new SEV1", |l| {
        l.contains("INC-1 SEV1") && l.contains("Checkout 502s")
    });
    typ("ack INC-1");
    until(&rx, "the ack delivered", |l| {
        l.starts_with("ok:") && l.contains("acknowledged")
    });
    typ("note INC-1 rolled back to 4.1");
    until(&rx, "the note on the timeline", |l| {
        l.contains("INC-1 SEV1") && l.contains("rolled back to 4.1") && l.contains("by script")
    });
    // The checklist read and ticked from the keyboard, by number.
    typ("show INC-1");
    until(&rx, "the checklist", |l| {
        l.trim_start().starts_with("1 open:")
    });
    typ("tick INC-1 1");
    until(&rx, "the tick on the timeline", |l| {
        l.contains("INC-1 SEV1 done [investigation]")
    });
    typ("update INC-1 Checkout errors falling after rollback");
    until(&rx, "the update delivered", |l| {
        l.starts_with("ok:") && l.contains("stakeholder update")
    });
    // Mistakes say what to type; nothing is sent.
    typ("advance");
    until(&rx, "the usage", |l| {
        l.contains("advance needs an incident")
    });
    typ("advance INC-1");
    until(&rx, "the step", |l| {
        l.starts_with("ok:") || l.contains("open item")
    });
    let mut status = "acknowledged".to_string();
    // Step to closed, confirming open items as the console asks.
    for _ in 0..8 {
        let d = api_get(port, &tok, "/incidents/INC-1");
        status = d["incident"]["status"].as_str().unwrap().to_string();
        if status == "closed" {
            break;
        }
        typ("advance INC-1");
        let seen2 = until(&rx, "a step or a question", |l| {
            l.starts_with("ok:") || l.contains("open item") || l.starts_with("! refused")
        });
        if seen2.last().unwrap().contains("open item") {
            assert!(
                seen2.last().unwrap().contains("advance INC-1 force WHY"),
                "{seen2:?}"
            );
            typ("advance INC-1 force drill: items checked on the bridge");
            until(&rx, "the forced step", |l| {
                l.starts_with("ok:") || l.starts_with("! refused")
            });
        }
    }
    let d = api_get(port, &tok, "/incidents/INC-1");
    status = d["incident"]["status"]
        .as_str()
        .map(str::to_string)
        .unwrap_or(status);
    assert_eq!(status, "closed", "{d}");
    let tl = d["timeline"].as_array().unwrap();
    assert!(
        tl.iter()
            .any(|e| e["kind"] == "note" && e["author"] == "script")
    );
    assert!(
        tl.iter()
            .any(|e| e["kind"] == "checklist_item" && e["done"] == true)
    );
    assert!(tl.iter().any(|e| e["kind"] == "forced_transition"));
    typ("quit");
    let out = p.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
