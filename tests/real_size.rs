//! Incidents at real size: long timelines read in pages, a list of 10,000
//! incidents, small write answers, bounded alert text, and the console on
//! a 10,000-event incident in a real terminal.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use common::TestServer;
use common::procs::{ServerProc, free_port, token_file};
use common::pty::Screen;
use reqwest::Method;
use serde_json::{Value, json};
use warroom::model::wire::DeclareRequest;
use warroom::model::{Action, Actor, ActorRole, IncidentId, RunbookSet, Severity, apply, declare};
use warroom::server::Store;
use warroom::server::store::{self, load_for_write, next_id, save};

fn alice() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

/// Declares `n` incidents in one transaction; returns the first id.
/// [`seed_incidents_here`] off the test's async thread (the store blocks).
fn seed_incidents(s: &Store, n: usize) -> IncidentId {
    common::off_runtime(|| seed_incidents_here(s, n))
}

fn seed_incidents_here(s: &Store, n: usize) -> IncidentId {
    let mut first = None;
    s.write(None, |tx| {
        for i in 0..n {
            let id = next_id(tx)?;
            first.get_or_insert(id);
            let sev = Severity::ALL[i % 5];
            let req = DeclareRequest {
                title: format!("incident {i}"),
                service: format!("svc-{}", i % 37),
                severity: sev,
                summary: "s".repeat(if i == 0 { 5_000 } else { 10 }),
                commander: None,
                tags: vec![],
            };
            let d = declare(
                id,
                req,
                &alice(),
                RunbookSet::default().for_service("x").checklists(),
                Utc::now(),
            )?;
            save(tx, &d, 0, None)?;
        }
        Ok((200, String::new()))
    })
    .unwrap();
    first.unwrap()
}

/// Appends `n` notes to an incident in one transaction.
/// [`seed_events_here`] off the test's async thread (the store blocks).
fn seed_events(s: &Store, id: IncidentId, n: usize) {
    common::off_runtime(|| seed_events_here(s, id, n))
}

fn seed_events_here(s: &Store, id: IncidentId, n: usize) {
    s.write(None, |tx| {
        let mut d = load_for_write(tx, id)?;
        let known = d.incident.last_seq;
        for i in 0..n {
            apply(
                &mut d,
                Action::Note {
                    text: format!("note {i}"),
                    written_at: None,
                },
                &alice(),
                Utc::now(),
            )?;
        }
        save(tx, &d, known, None)?;
        Ok((200, String::new()))
    })
    .unwrap();
}

#[tokio::test]
async fn timeline_pages_cover_every_event_once_both_ways() {
    let t = TestServer::start().await;
    let id = seed_incidents(&t.server.store, 1);
    seed_events(&t.server.store, id, 1_234);
    let total = 1_235; // the declaration and the notes
    // The detail carries only the latest page.
    let (s, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(s, 200);
    let page = d["timeline"].as_array().unwrap();
    assert_eq!(page.len(), store::DETAIL_PAGE);
    assert_eq!(page.last().unwrap()["seq"], total);
    assert_eq!(d["incident"]["last_seq"], total);
    // Forwards.
    let mut seen = Vec::new();
    loop {
        let after = seen.last().copied().unwrap_or(0);
        let (s, p) = t
            .get(
                &format!("/incidents/{id}/timeline?after={after}&limit=500"),
                &t.viewer,
            )
            .await;
        assert_eq!(s, 200, "{p}");
        let evs = p["events"].as_array().unwrap();
        if evs.is_empty() {
            break;
        }
        assert!(evs.len() <= 500);
        seen.extend(evs.iter().map(|e| e["seq"].as_u64().unwrap()));
    }
    assert_eq!(seen, (1..=total).collect::<Vec<_>>());
    // Backwards.
    let mut back = Vec::new();
    let mut before = total + 1;
    loop {
        let (_, p) = t
            .get(
                &format!("/incidents/{id}/timeline?before={before}&limit=333"),
                &t.viewer,
            )
            .await;
        let evs = p["events"].as_array().unwrap();
        if evs.is_empty() {
            break;
        }
        let seqs: Vec<u64> = evs.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] + 1 == w[1]), "in order");
        before = seqs[0];
        back.splice(0..0, seqs);
    }
    assert_eq!(back, (1..=total).collect::<Vec<_>>());
    // Bad paging is a 400 with the reason.
    for q in ["after=1&before=5", "limit=0", "limit=501", "after=x"] {
        let (s, b) = t
            .get(&format!("/incidents/{id}/timeline?{q}"), &t.viewer)
            .await;
        assert_eq!(s, 400, "{q}: {b}");
    }
}

#[tokio::test]
async fn a_write_to_a_huge_incident_answers_small_and_replays() {
    let t = TestServer::start().await;
    let id = seed_incidents(&t.server.store, 1);
    seed_events(&t.server.store, id, 20_000);
    let send = || {
        t.req(
            Method::POST,
            &format!("/incidents/{id}/notes"),
            &t.responder,
        )
        .header("idempotency-key", "k-big-1")
        .json(&json!({"text": "still here"}))
        .send()
    };
    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    let first = r.bytes().await.unwrap();
    assert!(first.len() < 4_096, "the answer is {} bytes", first.len());
    let a: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(a["events"].as_array().unwrap().len(), 1);
    assert_eq!(a["events"][0]["seq"], 20_002);
    assert_eq!(a["incident"]["last_seq"], 20_002);
    let r = send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(
        r.bytes().await.unwrap(),
        first,
        "a retry gets the first answer"
    );
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(d["incident"]["last_seq"], 20_002, "applied once");
    // The detail of the huge incident stays small.
    let r = t
        .req(Method::GET, &format!("/incidents/{id}"), &t.viewer)
        .send()
        .await
        .unwrap();
    assert!(r.bytes().await.unwrap().len() < 256 * 1024);
}

#[tokio::test]
async fn a_list_of_ten_thousand_pages_completely() {
    let t = TestServer::start().await;
    seed_incidents(&t.server.store, 10_000);
    let mut ids = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/incidents?limit=500&cursor={c}"),
            None => "/incidents?limit=500".into(),
        };
        let (s, p) = t.get(&path, &t.viewer).await;
        assert_eq!(s, 200, "{p}");
        pages += 1;
        assert_eq!(p["total"], 10_000);
        assert_eq!(p["counts"]["SEV1"], 2_000);
        for i in p["incidents"].as_array().unwrap() {
            assert!(
                ids.insert(i["id"].as_str().unwrap().to_string()),
                "twice: {i}"
            );
            // List entries carry bounded text.
            assert!(i["summary"].as_str().unwrap().chars().count() <= 280);
            if i["title"] == "incident 0" {
                assert_eq!(i["summary_cut"], true);
            }
        }
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(ids.len(), 10_000);
    assert_eq!(pages, 20);
    // The client reads it whole, as `warroom list` and the console do.
    let (reader, _) = warroom::client::connect(
        &t.server.base_url(),
        Some(warroom::client::Token::new(t.viewer.clone())),
        None,
    )
    .unwrap();
    let warroom::client::Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap()
    else {
        panic!("a first read is fresh")
    };
    assert_eq!(value.incidents.len(), 10_000);
    // Revalidation costs a 304 at the same revision.
    let r = t
        .req(Method::GET, "/incidents?limit=500", &t.viewer)
        .send()
        .await
        .unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let r = t
        .req(Method::GET, "/incidents?limit=500", &t.viewer)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    // A change moves the ETag.
    t.declare("one more", "SEV2").await;
    let r = t
        .req(Method::GET, "/incidents?limit=500", &t.viewer)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Asking for some by id (what the change feed named), whatever status.
    let (_, p) = t.get("/incidents?ids=INC-1,INC-2,9999999", &t.viewer).await;
    assert_eq!(p["incidents"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_alert_with_huge_annotations_becomes_an_incident_cut_and_marked() {
    let t = TestServer::start().await;
    let (_, integ) =
        common::off_runtime(|| t.server.store.create_token("am", ActorRole::Integration)).unwrap();
    let huge = "x".repeat(100_000);
    let body = json!({
        "version": "4", "groupKey": "g".repeat(2_000), "status": "firing",
        "groupLabels": {"alertname": "Huge"},
        "commonLabels": {"alertname": "Huge", "service": "s".repeat(500)},
        "commonAnnotations": {"description": huge, "summary": "Huge alert"},
        "alerts": [{"status": "firing", "labels": {"alertname": "Huge", "pod": "p".repeat(5_000)},
                    "annotations": {"summary": huge}, "fingerprint": "f".repeat(1_000)}]
    });
    let (s, b) = t.post("/integrations/alertmanager", &integ, body).await;
    assert_eq!(s, 200, "{b}");
    let id = b["incident"].as_str().unwrap();
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let summary = d["incident"]["summary"].as_str().unwrap();
    assert!(summary.contains("[cut "), "the cut is marked");
    assert!(summary.chars().count() <= warroom::model::MAX_TEXT);
    let alert = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "alert_received")
        .unwrap();
    assert!(alert["detail"].as_str().unwrap().contains("[cut "));
}

/// The console opens a 10,000-event incident: only the newest page is
/// read; `g` reads the first page at once; scrolling up from the newest
/// reads older pages one at a time as the cursor nears them.
#[test]
fn the_console_reads_a_ten_thousand_event_incident_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    {
        let s = Store::open(&db).unwrap();
        let id = seed_incidents(&s, 1);
        seed_events(&s, id, 10_000);
    }
    let port = free_port();
    let (_, tok_file) = token_file(dir.path(), &db, "viewer", "reader");
    let _server = ServerProc::start(port, &db);
    let url = format!("http://127.0.0.1:{port}");
    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", tok_file.to_str().unwrap()],
        dir.path(),
        120,
        40,
    );
    let t = Duration::from_secs(20);
    s.wait_text("10001 events", t);
    s.wait_text("note 9999", t);
    s.send("\t"); // focus the timeline
    assert!(
        !s.text().contains("declared SEV1"),
        "only the newest page is read at first"
    );
    // `g`: the first event, from one page read at the start.
    s.send("g");
    s.wait_for("the declaration, highlighted", t, |txt| {
        txt.contains("#1 of 10001") && txt.contains("declared SEV1")
    });
    assert_eq!(s.is_highlighted("declared SEV1"), Some(true));
    // Back to the newest, then up a page at a time: older pages come as
    // the cursor nears the top of what is held, in order.
    s.send("G");
    s.wait_text("following", t);
    for _ in 0..40 {
        s.send("\x1b[5~"); // PgUp
    }
    s.wait_for("older events read on the way up", t, |txt| {
        txt.contains("history") && !txt.contains("loading older")
    });
    let title = s.text();
    let at: u64 = title
        .split('#')
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a position in the title:\n{title}"));
    assert!(at < 10_001 - 200, "past the newest page: #{at}");
}

/// `:closed` reads the newest closed incidents first, in bounded pages,
/// among thousands of them.
#[tokio::test]
async fn closed_incidents_page_newest_first() {
    let t = TestServer::start().await;
    common::off_runtime(|| {
        t.server.store.write(None, |tx| {
            for i in 0..1_200 {
                let id = next_id(tx)?;
                let req = DeclareRequest {
                    title: format!("old outage {i}"),
                    service: "svc".into(),
                    severity: Severity::ALL[i % 5],
                    summary: String::new(),
                    commander: None,
                    tags: vec![],
                };
                let mut d = declare(id, req, &alice(), vec![], Utc::now())?;
                if i % 2 == 0 {
                    d.incident.status = warroom::model::Status::Closed;
                }
                save(tx, &d, 0, None)?;
            }
            Ok((200, String::new()))
        })
    })
    .unwrap();
    let mut last: Option<u64> = None;
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/incidents?status=closed&order=newest&limit=250&cursor={c}"),
            None => "/incidents?status=closed&order=newest&limit=250".into(),
        };
        let (s, p) = t.get(&path, &t.viewer).await;
        assert_eq!(s, 200, "{p}");
        for i in p["incidents"].as_array().unwrap() {
            assert_eq!(i["status"], "closed");
            let n: u64 = i["id"].as_str().unwrap()[4..].parse().unwrap();
            assert!(last.is_none_or(|l| n < l), "newest first, no repeats");
            last = Some(n);
            seen += 1;
        }
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, 600);
    let (s, e) = t.get("/incidents?order=oldest", &t.viewer).await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("order"));
    let (reader, _) = warroom::client::connect(
        &t.server.base_url(),
        Some(warroom::client::Token::new(t.viewer.clone())),
        None,
    )
    .unwrap();
    let recent = reader.recent_closed(100).await.unwrap();
    assert_eq!(recent.len(), 100);
    assert_eq!(
        recent[0].title, "old outage 1198",
        "the newest closed first"
    );
}

/// The post-incident features at real size: metrics over 10,000
/// incidents, a search and "seen before" among them, and the postmortem of
/// a 100,000-event incident, bounded. Timings are printed, not asserted
/// (benchmarks measure; tests check behaviour).
#[tokio::test]
async fn after_the_outage_at_ten_thousand_incidents_and_a_hundred_thousand_events() {
    let t = TestServer::start().await;
    let first = seed_incidents(&t.server.store, 10_000);
    seed_events(&t.server.store, first, 100_000);
    t.walk(
        &first.to_string(),
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ],
    )
    .await;

    let started = std::time::Instant::now();
    let (s, st) = t.get("/stats?since=all", &t.viewer).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["overall"]["count"], 10_000);
    eprintln!("stats over 10,000 incidents: {:?}", started.elapsed());

    let started = std::time::Instant::now();
    let (s, b) = t.get("/search?q=incident%209999", &t.viewer).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["incidents"].as_array().unwrap().len() <= 20);
    let (s, b) = t.get("/incidents/INC-5/similar", &t.viewer).await;
    assert_eq!(s, 200, "{b}");
    eprintln!("search and similar among 10,000: {:?}", started.elapsed());

    let started = std::time::Instant::now();
    let r = t
        .req(
            Method::GET,
            &format!("/incidents/{first}/postmortem"),
            &t.viewer,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let md = r.text().await.unwrap();
    assert!(
        md.contains("events; the rest: `warroom show"),
        "says it is cut"
    );
    assert!(md.len() < 2_000_000, "bounded: {} bytes", md.len());
    eprintln!(
        "postmortem of a 100,000-event incident: {} bytes in {:?}",
        md.len(),
        started.elapsed()
    );
}
