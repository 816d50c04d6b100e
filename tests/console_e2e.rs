//! The console as a user drives it: the real binary in a pseudo-terminal,
//! against a real `warroom serve` process on loopback.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

use common::procs::{ServerProc, api_get, free_port, token, token_file};
use common::pty::Screen;
use serde_json::Value;

const T: Duration = Duration::from_secs(20);

fn detail(port: u16, tok: &str, id: &str) -> Value {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let r = warroom::tls::client()
            .get(format!("http://127.0.0.1:{port}/api/v1/incidents/{id}"))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    })
}

#[test]
fn an_ic_runs_an_incident_from_the_keyboard_and_survives_a_server_outage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let tok = token(&db, "commander", "ic-e2e");
    let tok_file = dir.path().join("token");
    std::fs::write(&tok_file, &tok).unwrap();
    std::fs::set_permissions(&tok_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let server = ServerProc::start(port, &db);

    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", tok_file.to_str().unwrap()],
        dir.path(),
        120,
        40,
    );
    s.wait_text("● live", T);
    s.wait_text("No active incidents", T);

    // Declare.
    s.send("D");
    s.wait_text("Declare an incident", T);
    s.send("E2E checkout outage");
    s.send("\t");
    s.send("checkout");
    s.send("\r");
    s.wait_for("the new incident in the list", T, |t| {
        t.contains("INC-1") && t.contains("triggered")
    });

    // Acknowledge.
    s.send("a");
    s.wait_for("acknowledged", T, |t| {
        t.contains("INC-1") && t.contains("acknowledged") && !t.contains("pending")
    });

    // Advance within the investigation phase (no open items to force).
    s.send("n");
    s.wait_text("Advance INC-1", T);
    s.send("\r");
    s.wait_for("investigating", T, |t| t.contains("investigating"));

    // Tick the first checklist item.
    s.send("\t\t\t");
    s.send(" ");
    s.wait_text("investigation 1/4", T);

    // A note.
    s.send("i");
    s.wait_text("Note on INC-1", T);
    s.send("Rolled back checkout-api to v41");
    s.send("\x13"); // Ctrl-S
    s.wait_text("Rolled back checkout-api to v41", T);

    // Advance to contained, forcing past the open items of two phases.
    for (to, reason) in [
        ("identified", "bridge already open, moving on"),
        ("contained", "traffic drained to eu-west"),
    ] {
        s.send("n");
        s.wait_text("open item(s)", T);
        s.send("f");
        s.wait_text("why?", T);
        s.send(reason);
        s.send("\x13");
        s.wait_for(to, T, |t| t.contains(to) && t.contains("FORCED"));
    }
    s.wait_text("resolution 0/2", T);

    // What the server stored.
    let d = detail(port, &tok, "INC-1");
    assert_eq!(d["incident"]["status"], "contained");
    assert_eq!(d["incident"]["title"], "E2E checkout outage");
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "forced_transition").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "note").count(), 1);
    let inv = d["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phase"] == "investigation")
        .unwrap();
    assert_eq!(inv["items"][0]["done_by"], "ic-e2e");
    let forced = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "forced_transition")
        .unwrap();
    assert_eq!(forced["reason"], "traffic drained to eu-west");

    // The server goes away: the console says STALE and keeps the data.
    server.kill9();
    s.wait_text("STALE", T);
    assert!(
        s.text().contains("E2E checkout outage"),
        "last good data stays on screen"
    );
    // The log keeps why, once (not a line per poll).
    let log = dir.path().join("state/warroom/warroom.log");
    // The first failures may differ (a connection cut, then refused);
    // after that the same failure is not said again each poll.
    std::thread::sleep(Duration::from_secs(3));
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(said.contains("the backend could not be read"), "{said}");
    std::thread::sleep(Duration::from_secs(4));
    let again = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        again.matches("the backend could not be read").count(),
        said.matches("the backend could not be read").count(),
        "one line per change, not per poll: {again}"
    );

    // It comes back: the console recovers by itself.
    let _server = ServerProc::start(port, &db);
    s.wait_for("recovery", Duration::from_secs(45), |t| {
        !t.contains("STALE") && t.contains("● live")
    });

    s.send("q");
    let status = s.child.wait().unwrap();
    assert!(status.success(), "clean exit");
}

/// Forwards to `upstream`, holding every write for a while, so a burst of
/// writes is still in flight when the console is killed.
async fn slow_proxy(upstream: String, delay: Duration) -> String {
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let upstream = upstream.clone();
        async move {
            let (parts, body) = req.into_parts();
            if parts.method != axum::http::Method::GET {
                tokio::time::sleep(delay).await;
            }
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            let pq = parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let mut r = warroom::tls::client()
                .request(parts.method, format!("{upstream}{pq}"))
                .body(body);
            for (k, v) in parts.headers.iter() {
                if k != "host" {
                    r = r.header(k, v);
                }
            }
            match r.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let mut h = axum::http::HeaderMap::new();
                    for k in ["etag", "content-type", "idempotent-replayed"] {
                        if let Some(v) = resp.headers().get(k) {
                            h.insert(k, v.clone());
                        }
                    }
                    (status, h, resp.bytes().await.unwrap_or_default()).into_response()
                }
                Err(_) => axum::http::StatusCode::BAD_GATEWAY.into_response(),
            }
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}")
}

fn outbox_entries(home: &std::path::Path) -> usize {
    let mut n = 0;
    let state = home.join("state").join("warroom");
    for scope in std::fs::read_dir(&state).into_iter().flatten().flatten() {
        let ob = scope.path().join("outbox");
        n += std::fs::read_dir(ob)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .count();
    }
    n
}

#[test]
fn a_console_killed_mid_burst_loses_nothing_and_doubles_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(common::TestServer::start());
    let id = rt.block_on(t.declare("Burst", "SEV2"));
    let url = rt.block_on(slow_proxy(t.server.base_url(), Duration::from_millis(250)));
    let home = tempfile::tempdir().unwrap();
    let tok_file = home.path().join("token");
    std::fs::write(&tok_file, &t.commander).unwrap();
    std::fs::set_permissions(&tok_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let args = [
        "--api",
        url.as_str(),
        "--token-file",
        tok_file.to_str().unwrap(),
    ];

    let mut s = Screen::spawn(&args, home.path(), 120, 40);
    s.wait_text("Burst", T);
    let sent: Vec<String> = (0..20).map(|i| format!("burst note {i:02}")).collect();
    for text in &sent {
        s.send(&format!("i{text}\x13"));
    }
    s.wait_text("burst note 19", T);
    let queued = outbox_entries(home.path());
    let pid = s.child.process_id().unwrap();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = s.child.wait();
    drop(s);
    let delivered_before = rt.block_on(async { stored_notes(&t, &id).await.len() });
    assert!(
        queued > 0,
        "the kill landed mid-burst: {queued} writes were still queued"
    );
    println!(
        "FIGURES console-kill-9: sent {} delivered before the kill {delivered_before}, queued {queued}",
        sent.len()
    );

    // Restart: the outbox is replayed; the server applies each key once.
    let s = Screen::spawn(&args, home.path(), 120, 40);
    s.wait_text("Burst", T);
    let start = std::time::Instant::now();
    let stored = loop {
        let stored = rt.block_on(stored_notes(&t, &id));
        if stored.len() >= sent.len() && outbox_entries(home.path()) == 0
            || start.elapsed() > Duration::from_secs(30)
        {
            break stored;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let dup = stored.len().saturating_sub(sent.len());
    let lost = sent.iter().filter(|n| !stored.contains(n)).count();
    println!(
        "FIGURES console-kill-9: after restart stored {} duplicated {dup} lost {lost}",
        stored.len()
    );
    assert_eq!(stored, sent, "every note exactly once, in order");
    drop(s);
}

async fn stored_notes(t: &common::TestServer, id: &str) -> Vec<String> {
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
    d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_terminal_is_restored_on_sigterm_and_sighup() {
    for sig in ["TERM", "HUP"] {
        let home = tempfile::tempdir().unwrap();
        // Local mode: nothing configured, an embedded server on loopback.
        let mut s = Screen::spawn(&[], home.path(), 100, 30);
        s.wait_text("● live", T);
        assert!(s.in_tui() && !s.restored());
        let pid = s.child.process_id().unwrap();
        assert!(
            Command::new("kill")
                .args([&format!("-{sig}"), &pid.to_string()])
                .status()
                .unwrap()
                .success()
        );
        let status = s.child.wait().unwrap();
        assert!(status.success(), "SIG{sig}: a clean exit, not a crash");
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            s.restored(),
            "SIG{sig}: the terminal is back on the main screen with its cursor"
        );
        // Local mode keeps its database in the XDG data dir.
        assert!(home.path().join("data/warroom/warroom.db").exists());
    }
}

#[test]
fn every_frame_is_drawn_inside_synchronized_update_brackets() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Screen::spawn(&[], home.path(), 100, 30);
    s.wait_text("● live", T);
    // A key that redraws: the help overlay, then away again.
    s.send("?");
    s.wait_text("Keys", T);
    s.send("\u{1b}");
    std::thread::sleep(Duration::from_millis(300));
    s.send("q");
    s.child.wait().unwrap();
    let raw = s.raw();
    let text = String::from_utf8_lossy(&raw);
    let begin = "\u{1b}[?2026h";
    let end = "\u{1b}[?2026l";
    // The brackets alternate, begin first, and every frame is closed.
    let marks: Vec<&str> = text
        .match_indices("\u{1b}[?2026")
        .map(|(i, _)| &text[i..i + begin.len()])
        .collect();
    assert!(marks.len() >= 4, "at least two frames: {}", marks.len());
    for pair in marks.chunks(2) {
        assert_eq!(pair, [begin, end], "unbalanced brackets: {marks:?}");
    }
    // The frame's content is inside them.
    let first = text.find(begin).unwrap();
    let live = text.find("live").unwrap();
    assert!(first < live, "the first frame begins with the bracket");
}

fn status(port: u16, tok: &str, id: &str) -> String {
    detail(port, tok, id)["incident"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The whole lifecycle from the keyboard, to closed, with the server's
/// stored status checked at each step; then the closed incident is opened
/// by id and refuses writes.
#[test]
fn an_ic_steps_an_incident_to_closed_and_reopens_it_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (tok, tok_file) = token_file(dir.path(), &db, "commander", "ic-life");
    let _server = ServerProc::start(port, &db);
    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", tok_file.to_str().unwrap()],
        dir.path(),
        120,
        40,
    );
    s.wait_text("● live", T);
    s.send("D");
    s.wait_text("Declare an incident", T);
    s.send("Lifecycle drill");
    s.send("\t");
    s.send("payments");
    s.send("\r");
    s.wait_for("the incident", T, |t| {
        t.contains("INC-1") && t.contains("triggered")
    });
    s.send("a");
    s.wait_for("acknowledged", T, |_| {
        status(port, &tok, "INC-1") == "acknowledged"
    });
    for to in [
        "investigating",
        "identified",
        "contained",
        "resolved",
        "verified",
        "closed",
    ] {
        s.send("n");
        s.wait_for("the advance dialog", T, |t| t.contains("Advance INC-1"));
        if s.text().contains("open item(s)") {
            s.send("f");
            s.wait_text("why?", T);
            s.send(&format!("drill: skipping to {to}"));
            s.send("\x13");
        } else {
            s.send("\r");
        }
        s.wait_for(to, T, |_| status(port, &tok, "INC-1") == to);
        if to != "closed" {
            // Resolved and verified incidents stay in the IC's list.
            s.wait_for("the row", T, |t| t.contains("INC-1") && t.contains(to));
        }
    }
    // Closed: gone from the list, and opened again by id, read-only.
    s.wait_for("the selection kept on it", T, |t| {
        t.contains("not in this list")
    });
    // `:closed` finds it among the closed ones, newest first.
    s.send(":");
    s.send("closed");
    s.send("\r");
    s.wait_for("the closed list", T, |t| {
        t.contains("Closed incidents") && t.contains("INC-1")
    });
    s.send("\x1b");
    s.send(":");
    s.send("INC-1");
    s.send("\r");
    s.wait_text("Lifecycle drill", T);
    s.send("i");
    s.wait_text("read-only", T);
    s.send("\x1b");
    let d = detail(port, &tok, "INC-1");
    assert_eq!(d["incident"]["status"], "closed");
    // After the outage: a follow-up on the closed incident, and the
    // postmortem written to a file.
    s.send("F");
    s.wait_text("None yet", T);
    s.send("a");
    s.wait_text("Add a follow-up action", T);
    s.send("Add pool saturation alert");
    s.send("\t");
    s.send("marco");
    s.send("\r");
    s.wait_for("the follow-up listed", T, |t| {
        t.contains("#1") && t.contains("Add pool saturation alert")
    });
    let f = api_get(port, &tok, "/incidents/INC-1/followups");
    assert_eq!(f["followups"][0]["owner"], "marco");
    s.send("\x1b");
    s.send("P");
    s.wait_text("Postmortem of INC-1 written", T);
    // In this backend's own folder (two servers' INC-1 never collide).
    let root = dir.path().join("data/warroom/postmortems");
    let folders: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    assert_eq!(folders.len(), 1, "one folder for this backend");
    let folder = folders[0].path();
    let file = folder.join("INC-1.md");
    let md = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(
        md.starts_with("# Postmortem: INC-1 Lifecycle drill"),
        "{md}"
    );
    assert!(md.contains("Add pool saturation alert"));
    // The team edits the draft; `P` again never overwrites their work.
    let edited = format!("{md}\n## Root causes\nThe pool timeout was removed.\n");
    std::fs::write(&file, &edited).unwrap();
    s.send("\x1b");
    s.send("P");
    s.wait_text("kept as it is", T);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
    let next = std::fs::read_to_string(folder.join("INC-1.2.md")).unwrap();
    assert!(next.starts_with("# Postmortem: INC-1"), "{next}");
}
