//! A bulk acknowledge from the keyboard: twenty incidents of an alert
//! storm on a real server, `*` marks them, `a` asks once (the count
//! typed), and each is acknowledged by its own write.

mod common;

use std::time::{Duration, Instant};

use common::procs::{ServerProc, api_get, api_post, free_port, token_file};
use common::pty::Screen;

const T: Duration = Duration::from_secs(30);

#[test]
fn twenty_storm_incidents_are_acknowledged_from_the_console_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (tok, file) = token_file(dir.path(), &db, "commander", "ic");
    let _server = ServerProc::start(port, &db);
    let ids: Vec<String> = (0..20)
        .map(|n| {
            let a = api_post(
                port,
                &tok,
                "/incidents",
                serde_json::json!({"title": format!("edge 5xx pop {n}"), "service": "edge", "severity": "SEV3"}),
            );
            a["incident"]["id"].as_str().unwrap().to_string()
        })
        .collect();
    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", file.to_str().unwrap()],
        dir.path(),
        120,
        40,
    );
    s.wait_for("the storm listed", T, |t| {
        t.contains("20/20") && t.contains("● live")
    });
    s.send("*");
    s.wait_text("20 marked", T);
    s.send("a");
    s.wait_text("Acknowledge 20 incident(s)?", T);
    s.send("\r");
    s.wait_text("type 20 (the number of incidents) to go on", T);
    s.send("20\r");
    let start = Instant::now();
    loop {
        let list = api_get(port, &tok, "/incidents?limit=100");
        let acked = list["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                ids.iter().any(|id| i["id"] == id.as_str()) && i["status"] == "acknowledged"
            })
            .count();
        if acked == 20 {
            break;
        }
        assert!(start.elapsed() < T, "{acked} of 20 acknowledged");
        std::thread::sleep(Duration::from_millis(300));
    }
    s.wait_for("the marks gone and the rows acknowledged", T, |t| {
        !t.contains("marked") && t.matches("acknowledged").count() >= 10
    });
    // The summary is a message over the screen: dismissed, then quit.
    s.wait_text("One write each through the outbox", T);
    s.send("\x1b");
    s.send("q");
    assert!(s.child.wait().unwrap().success());
}
