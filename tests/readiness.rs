//! The readiness check of every paging path (`POST /notify/test`,
//! `warroom notify test`): a clearly marked test message to each target
//! now, reported per target; a working, a failing and a hanging target
//! each reported as they are, a dry run sending nothing, and no incident
//! touched.

mod common;

use std::time::Duration;

use common::TestServer;
use common::sink::{Sink, start_sink};
use serde_json::{Value, json};
use warroom::server::notify::NotifyConfig;

fn config(targets: Value) -> NotifyConfig {
    let c: NotifyConfig = serde_json::from_value(json!({"targets": targets})).unwrap();
    c.check().unwrap();
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn each_target_is_reported_as_it_is_working_failing_or_hanging() {
    let (ok, bad, hung, dana) = (
        Sink::default(),
        Sink {
            fail_first: 1_000,
            ..Sink::default()
        },
        Sink {
            hang: true,
            ..Sink::default()
        },
        Sink::default(),
    );
    let (ok_url, bad_url, hung_url, dana_url) = (
        start_sink(ok.clone()).await,
        start_sink(bad.clone()).await,
        start_sink(hung.clone()).await,
        start_sink(dana.clone()).await,
    );
    let t = TestServer::start_notifying(config(json!([
        {"name": "incident-channel", "kind": "slack", "url": ok_url, "events": ["declared"]},
        {"name": "broken-bridge", "kind": "webhook", "url": bad_url,
         "secret": "0123456789abcdef0123", "events": ["declared"]},
        {"name": "hung-teams", "kind": "teams", "url": hung_url, "events": ["declared"]},
        {"name": "dana-pager", "kind": "mattermost", "url": dana_url,
         "events": ["responder_paged"], "people": ["dana"]},
    ])))
    .await;

    // Only commanders; an unknown name is refused by name.
    let (s, _) = t.post("/notify/test", &t.responder, json!({})).await;
    assert_eq!(s, 403);
    let (s, b) = t
        .post("/notify/test", &t.commander, json!({"targets": ["nope"]}))
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("`nope`"),
        "{b}"
    );

    // A dry run: what each would receive, nothing sent.
    let (s, b) = t
        .post("/notify/test", &t.commander, json!({"dry_run": true}))
        .await;
    assert_eq!(s, 200, "{b}");
    let r = b["results"].as_array().unwrap();
    assert_eq!(r.len(), 4);
    assert!(
        r.iter()
            .all(|x| x["preview"].as_str().unwrap().contains("readiness check")),
        "{b}"
    );
    assert!(
        !b.to_string().contains("/hook/"),
        "no URL in the answer: {b}"
    );
    assert!(ok.got.lock().unwrap().is_empty());

    // The real check.
    let start = std::time::Instant::now();
    let (s, b) = t.post("/notify/test", &t.commander, json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "the targets are tried at once"
    );
    let by = |name: &str| {
        b["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["target"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by("incident-channel")["delivered"], true, "{b}");
    assert_eq!(by("dana-pager")["delivered"], true);
    assert_eq!(by("dana-pager")["people"], json!(["dana"]));
    let broken = by("broken-bridge");
    assert_eq!(broken["delivered"], false);
    assert!(
        broken["error"].as_str().unwrap().contains("500"),
        "{broken}"
    );
    let hung_r = by("hung-teams");
    assert_eq!(hung_r["delivered"], false);
    assert!(
        hung_r["error"].as_str().unwrap().contains("no answer"),
        "{hung_r}"
    );
    assert!(hung_r["latency_ms"].as_u64().unwrap() >= 4_000, "{hung_r}");
    assert!(
        !b.to_string().contains("/hook/"),
        "no URL in the answer: {b}"
    );
    // What the working target received says what it is.
    let (_, body) = ok.got.lock().unwrap()[0].clone();
    let text: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        text["text"]
            .as_str()
            .unwrap()
            .contains("TEST: a readiness check"),
        "{text}"
    );
    assert!(
        text["text"].as_str().unwrap().contains("alice"),
        "who asked: {text}"
    );
    // Nothing was queued: no incident has deliveries, none exists.
    let (_, list) = t.get("/incidents", &t.viewer).await;
    assert_eq!(list["total"], 0, "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn warroom_notify_test_prints_a_line_per_target_and_fails_when_one_did() {
    let (ok, bad) = (
        Sink::default(),
        Sink {
            fail_first: 1_000,
            ..Sink::default()
        },
    );
    let (ok_url, bad_url) = (start_sink(ok.clone()).await, start_sink(bad.clone()).await);
    let t = TestServer::start_notifying(config(json!([
        {"name": "incident-channel", "kind": "slack", "url": ok_url, "events": ["declared"]},
        {"name": "broken-bridge", "kind": "slack", "url": bad_url, "events": ["declared"]},
    ])))
    .await;
    let home = tempfile::tempdir().unwrap();
    let tok = common::procs::private_token_file(home.path(), "token", &t.commander);
    let run = |args: &[&str]| {
        let mut c = std::process::Command::new(common::procs::BIN);
        c.args(args)
            .args([
                "--api",
                &t.server.base_url(),
                "--token-file",
                tok.to_str().unwrap(),
            ])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"));
        c.output().unwrap()
    };
    let o = tokio::task::block_in_place(|| run(&["notify", "test"]));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("incident-channel") && l.contains("delivered")),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("broken-bridge") && l.contains("FAILED") && l.contains("500")),
        "{out}"
    );
    let o = tokio::task::block_in_place(|| run(&["notify", "test", "incident-channel", "--json"]));
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}
