//! Regressions from the attack and fault run: each test reproduces one
//! finding against a real server on loopback.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use warroom::server::listener::Limits;

/// Finding 1: random method names no longer become metric labels, and the
/// incident counts in /metrics need a token.
#[tokio::test]
async fn metrics_labels_are_a_closed_set_and_need_a_token() {
    let t = TestServer::start().await;
    let base = t.server.base_url();
    for i in 0..2_000 {
        let m = Method::from_bytes(format!("X{i:05}RANDOM").as_bytes()).unwrap();
        let _ = t.http.request(m, format!("{base}/nope{i}")).send().await;
    }
    let r = t.http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 401, "metrics without a token");
    let r = t
        .http
        .get(format!("{base}/metrics"))
        .bearer_auth(&t.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(!body.contains("RANDOM"), "a raw method became a label");
    assert!(body.contains("method=\"other\""));
    assert!(body.contains("warroom_active_incidents"));
    assert!(body.contains("\nwarroom_database_up 1\n"), "{body}");
    // Process and build figures; long-polls in a histogram of their own.
    for name in [
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_cpu_seconds_total ",
        "process_start_time_seconds ",
        "warroom_build_info{version=",
        "# TYPE warroom_http_long_poll_duration_seconds histogram",
    ] {
        assert!(body.contains(name), "{name} missing: {body}");
    }
    assert!(body.len() < 20_000, "metrics grew to {} bytes", body.len());
}

/// Finding 2: connections that dribble their headers are cut at the
/// header-read deadline, and past the connection cap the server answers
/// 503 at once instead of leaving callers hanging.
#[tokio::test]
async fn slow_clients_cannot_starve_the_server() {
    let limits = Limits {
        header_read_timeout_secs: 1,
        idle_timeout_secs: 61,
        max_connections: 40,
        // This test is about the total cap: one address may take it all.
        max_connections_per_address: 40,
    };
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), limits).await;
    let addr = t.server.addr;
    let mut slow = Vec::new();
    for _ in 0..60 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // Over the cap: answered (503, Retry-After), not left hanging.
    let started = Instant::now();
    let r = warroom::tls::client()
        .get(format!("{}/healthz", t.server.base_url()))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 503 || r.status() == 200, "got {}", r.status());
    if r.status() == 503 {
        assert!(r.headers().contains_key("retry-after"));
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    // The dribblers are closed by the header deadline...
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut closed = 0;
    for s in &mut slow {
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(500), s.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, slow.len(), "every slow connection is closed");
    // ...and the server answers normally again.
    let r = reqwest::get(format!("{}/healthz", t.server.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Finding 13: bodies and fields that used to be accepted.
#[tokio::test]
async fn bad_input_is_refused_with_a_reason() {
    let t = TestServer::start().await;
    let id = t.declare("db down", "SEV2").await;
    // Trailing garbage after the JSON body.
    let r = t
        .req(
            Method::POST,
            &format!("/incidents/{id}/notes"),
            &t.responder,
        )
        .header("content-type", "application/json")
        .body(r#"{"text":"ok"} {"text":"smuggled"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A title of invisible characters only.
    let (s, b) = t
        .post(
            "/incidents",
            &t.commander,
            json!({"title": "\u{200B}\u{2060}\u{FEFF} ", "service": "x", "severity": "SEV3"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("title"));
    // Tags are checked: count, length, control characters.
    for tags in [
        json!(["a\nb"]),
        json!(["x".repeat(51)]),
        json!((0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()),
        json!([""]),
    ] {
        let (s, b) = t
            .post(
                "/incidents",
                &t.commander,
                json!({"title": "t", "service": "x", "severity": "SEV3", "tags": tags}),
            )
            .await;
        assert_eq!(s, 422, "tags {tags}: {b}");
    }
    // The Alertmanager route names its own limit.
    let big = "x".repeat(1_100_000);
    let r = t
        .req(Method::POST, "/integrations/alertmanager", &t.commander)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let b: serde_json::Value = r.json().await.unwrap();
    assert!(
        b["error"]["message"].as_str().unwrap().contains("1048576"),
        "{b}"
    );
}

/// Finding 13: a closed incident is a record; writes get 409 with the reason.
#[tokio::test]
async fn a_closed_incident_is_read_only() {
    let t = TestServer::start().await;
    let id = t.declare("closing", "SEV4").await;
    t.walk(
        &id,
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
            "verified",
            "closed",
        ],
    )
    .await;
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.responder,
            json!({"text": "late"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("closed"));
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/checklist"),
            &t.responder,
            json!({"phase": "investigation", "item": 0, "done": true}),
        )
        .await;
    assert_eq!(s, 409);
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let v = d["incident"]["version"].as_u64().unwrap();
    let r = t
        .req(Method::PATCH, &format!("/incidents/{id}"), &t.commander)
        .header("if-match", format!("\"{v}\""))
        .json(&json!({"title": "rewritten"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

/// Finding 12: two servers on one SQLite file never answer 500; a
/// database URL this build cannot serve is refused by name.
#[tokio::test]
async fn two_processes_on_one_database_wait_instead_of_failing() {
    let t = TestServer::start_sqlite().await;
    let id = t.declare("shared db", "SEV3").await;
    let other = rusqlite::Connection::open(TestServer::db_path(&t.dir)).unwrap();
    // The second "process" writes, holding the write lock for a moment, so
    // our transactions' snapshots go stale under them.
    let hold = std::thread::spawn(move || {
        other
            .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'revision';")
            .unwrap();
        std::thread::sleep(Duration::from_millis(600));
        other.execute_batch("COMMIT").unwrap();
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let http = t.http.clone();
        let url = t.url(&format!("/incidents/{id}/notes"));
        let tok = t.responder.clone();
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .bearer_auth(tok)
                .json(&json!({"text": format!("n{i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    hold.join().unwrap();
    let e = warroom::server::DbLocation::parse("mysql://u:secret@db/warroom".into()).unwrap_err();
    assert!(e.contains("mysql") && !e.contains("secret"), "{e}");
    let pg = warroom::server::DbLocation::parse("postgres://u:secret@db/w?password=x2".into())
        .unwrap()
        .describe();
    assert!(
        !pg.contains("secret") && !pg.contains("x2") && pg.contains("db/w"),
        "{pg}"
    );
}

/// A note written offline and delivered later keeps both times; a
/// `written_at` in the future or from long ago is refused with the reason.
#[tokio::test]
async fn notes_written_offline_keep_their_written_time_and_bad_times_are_refused() {
    let t = TestServer::start().await;
    let id = t.declare("Offline notes", "SEV3").await;
    let written = chrono::Utc::now() - chrono::Duration::minutes(20);
    let (status, _) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.responder,
            json!({"text": "rolled back at 14:02", "written_at": written.to_rfc3339()}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let note = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "note")
        .unwrap()
        .clone();
    let stored: chrono::DateTime<chrono::Utc> =
        note["written_at"].as_str().unwrap().parse().unwrap();
    let at: chrono::DateTime<chrono::Utc> = note["at"].as_str().unwrap().parse().unwrap();
    assert_eq!(stored.timestamp(), written.timestamp());
    assert!(
        at - stored > chrono::Duration::minutes(19),
        "both times are kept"
    );
    for (when, why) in [
        (
            chrono::Utc::now() + chrono::Duration::hours(1),
            "in the future",
        ),
        (chrono::Utc::now() - chrono::Duration::days(30), "days ago"),
    ] {
        let (status, e) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": "x", "written_at": when.to_rfc3339()}),
            )
            .await;
        assert_eq!(status, 422, "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(why), "{e}");
    }
}
