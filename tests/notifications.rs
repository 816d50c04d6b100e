//! Notifications out, end to end: a real server queues a delivery for each
//! subscribed event in the write's transaction and its worker posts it to
//! local HTTP sinks that misbehave as real ones do (fail, hang, refuse).

mod common;

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use common::TestServer;
use common::sink::{Sink, deliveries, start_sink, wait_for};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use warroom::server::notify::NotifyConfig;

const SECRET: &str = "s3cret-hmac-key-for-tests";

fn config(targets: Value) -> NotifyConfig {
    let c: NotifyConfig = serde_json::from_value(json!({
        "targets": targets,
        "retry_base_ms": 50,
        "max_attempts": 4,
    }))
    .unwrap();
    c.check().unwrap();
    c
}

fn verify(headers: &HeaderMap, body: &[u8]) {
    let sig = headers["x-warroom-signature"].to_str().unwrap();
    let (t, v1) = sig
        .strip_prefix("t=")
        .and_then(|r| r.split_once(",v1="))
        .unwrap_or_else(|| panic!("signature header: {sig}"));
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!((0..60).contains(&age), "a fresh timestamp: {age}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&hex::decode(v1).unwrap())
        .expect("the HMAC verifies with the shared secret");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_webhook_is_retried_until_the_sink_takes_it() {
    let sink = Sink {
        fail_first: 2,
        ..Sink::default()
    };
    let url = start_sink(sink.clone()).await;
    let t = TestServer::start_notifying(config(json!([{
        "name": "pager-bridge", "kind": "webhook", "url": url, "secret": SECRET,
        "events": ["declared", "severity_changed"], "severities": ["SEV1"]
    }])))
    .await;
    let sev2 = t.declare("Search slow", "SEV2").await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    wait_for("three attempts", || sink.got.lock().unwrap().len() >= 3).await;
    let got = sink.got.lock().unwrap().clone();
    for (headers, body) in &got {
        verify(headers, body);
    }
    let payload: Value = serde_json::from_slice(&got[2].1).unwrap();
    assert_eq!(payload["incident"], id.as_str());
    assert_eq!(payload["subject"], "declared");
    assert_eq!(payload["severity"], "SEV1");
    // Recorded: delivered on the third attempt; nothing for the SEV2.
    let d = loop {
        let d = deliveries(&t, &id).await;
        if d.first().is_some_and(|d| d["status"] == "delivered") {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["attempts"], 3);
    assert_eq!(d[0]["target"], "pager-bridge");
    assert!(deliveries(&t, &sev2).await.is_empty(), "SEV1 only");
    // The console reads the same through its client (`:deliveries`).
    let (reader, _) = warroom::client::connect(
        &t.server.base_url(),
        Some(warroom::client::Token::new(t.viewer.clone())),
        None,
    )
    .unwrap();
    let seen = reader.deliveries(id.parse().unwrap()).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].status, "delivered");
    assert_eq!(seen[0].attempts, 3);
    let shown = serde_json::to_string(&d).unwrap();
    assert!(!shown.contains("PATH-IS-A-SECRET") && !shown.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_target_slows_nothing_and_a_dead_one_is_given_up() {
    let hanging = Sink {
        hang: true,
        ..Sink::default()
    };
    let hang_url = start_sink(hanging.clone()).await;
    // A port nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/hook/x", dead.local_addr().unwrap());
    drop(dead);
    let chat = Sink::default();
    let chat_url = start_sink(chat.clone()).await;
    let mut cfg = config(json!([
        {"name": "slow", "kind": "webhook", "url": hang_url, "secret": SECRET, "events": ["stakeholder_update"]},
        {"name": "gone", "kind": "slack", "url": dead_url, "events": ["stakeholder_update"]},
        {"name": "chat", "kind": "slack", "url": chat_url, "events": ["stakeholder_update", "responder_paged"]},
    ]));
    cfg.max_attempts = 2;
    let t = TestServer::start_notifying(cfg).await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/updates"),
            &t.commander,
            json!({"text": "Mitigated"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // While one target hangs, the API answers as ever: writes and reads.
    for i in 0..10 {
        let start = Instant::now();
        let (s, _) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": format!("n{i}")}),
            )
            .await;
        assert_eq!(s, 200);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "a write waited on a target"
        );
    }
    // Chat got the update as one line of text.
    wait_for("the chat message", || !chat.got.lock().unwrap().is_empty()).await;
    let (_, body) = chat.got.lock().unwrap()[0].clone();
    let msg: Value = serde_json::from_slice(&body).unwrap();
    let text = msg["text"].as_str().unwrap();
    assert!(text.contains(&id) && text.contains("Mitigated"), "{text}");
    // The dead target: two attempts, then failed, saying why without its URL.
    let gone = loop {
        let d = deliveries(&t, &id).await;
        if let Some(g) = d
            .iter()
            .find(|d| d["target"] == "gone" && d["status"] == "failed")
        {
            break g.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(gone["attempts"], 2);
    let why = gone["last_error"].as_str().unwrap();
    assert!(
        why.contains("cannot connect") && !why.contains("127.0.0.1"),
        "{why}"
    );
    // Paging someone tells the chat too.
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "page", "handle": "dana"}),
        )
        .await;
    assert_eq!(s, 200);
    wait_for("the page in chat", || chat.got.lock().unwrap().len() >= 2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_a_person_tells_them_through_their_own_target_only() {
    let dana = Sink::default();
    let dana_url = start_sink(dana.clone()).await;
    let erin = Sink::default();
    let erin_url = start_sink(erin.clone()).await;
    let channel = Sink::default();
    let channel_url = start_sink(channel.clone()).await;
    let cfg = config(json!([
        {"name": "dana-pager", "kind": "webhook", "url": dana_url, "secret": SECRET,
         "events": ["responder_paged"], "people": ["dana"]},
        {"name": "erin-dm", "kind": "slack", "url": erin_url,
         "events": ["responder_paged"], "people": ["erin"]},
        {"name": "channel", "kind": "slack", "url": channel_url, "events": ["responder_paged"]},
    ]));
    let t = TestServer::start_notifying(cfg).await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "page", "handle": "dana", "role": "operations_lead"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    wait_for("dana's page", || !dana.got.lock().unwrap().is_empty()).await;
    wait_for("the channel's line", || {
        !channel.got.lock().unwrap().is_empty()
    })
    .await;
    let (headers, body) = dana.got.lock().unwrap()[0].clone();
    let sig = headers["x-warroom-signature"].to_str().unwrap().to_string();
    let (ts, v1) = sig
        .strip_prefix("t=")
        .and_then(|r| r.split_once(",v1="))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(&body);
    assert_eq!(hex::encode(mac.finalize().into_bytes()), v1);
    let p: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(p["subject"], "responder_paged");
    assert_eq!(p["paged"], "dana");
    assert_eq!(p["incident"], id.as_str());
    // Erin was not paged: her target heard nothing, and no delivery to it
    // is queued.
    let d = deliveries(&t, &id).await;
    assert!(d.iter().all(|d| d["target"] != "erin-dm"), "{d:?}");
    assert!(erin.got.lock().unwrap().is_empty());
    // Now she is: only her own target and the channel hear it.
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "page", "handle": "erin"}),
        )
        .await;
    assert_eq!(s, 200);
    wait_for("erin's page", || !erin.got.lock().unwrap().is_empty()).await;
    wait_for("the channel's second line", || {
        channel.got.lock().unwrap().len() >= 2
    })
    .await;
    let msg: Value = serde_json::from_slice(&erin.got.lock().unwrap()[0].1).unwrap();
    assert!(msg["text"].as_str().unwrap().contains("erin"), "{msg}");
    assert_eq!(dana.got.lock().unwrap().len(), 1, "dana heard erin's page");
}

#[test]
fn a_personal_target_names_real_handles() {
    let bad: NotifyConfig = serde_json::from_value(json!({"targets": [
        {"name": "x", "kind": "slack", "url": "https://example.com/h", "events": ["responder_paged"], "people": ["  "]}
    ]}))
    .unwrap();
    let e = bad.check().unwrap_err();
    assert!(e.contains("`x`") && e.contains("not a handle"), "{e}");
    let many: Vec<String> = (0..201).map(|i| format!("p{i}")).collect();
    let bad: NotifyConfig = serde_json::from_value(json!({"targets": [
        {"name": "x", "kind": "slack", "url": "https://example.com/h", "events": ["reminder"], "people": many}
    ]}))
    .unwrap();
    assert!(bad.check().unwrap_err().contains("at most 200"));
}

/// A customer channel hears the public updates only; the internal channel
/// hears what it subscribed to (here: the internal ones); a note cannot be
/// given an audience.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_reaches_the_targets_of_its_audience_only() {
    let (public, internal) = (Sink::default(), Sink::default());
    let public_url = start_sink(public.clone()).await;
    let internal_url = start_sink(internal.clone()).await;
    let t = TestServer::start_notifying(config(json!([
        {"name": "customers", "kind": "webhook", "url": public_url, "secret": SECRET,
         "events": ["stakeholder_update"], "audiences": ["public"]},
        {"name": "leadership", "kind": "webhook", "url": internal_url, "secret": SECRET,
         "events": ["stakeholder_update"], "audiences": ["internal"]}
    ])))
    .await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let path = format!("/incidents/{id}/updates");
    let (s, _) = t
        .post(
            &path,
            &t.commander,
            json!({"text": "Root cause: pool timeout dropped by 4.2"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = t
        .post(
            &path,
            &t.commander,
            json!({"text": "Some customers cannot check out; we are on it.", "audience": "public"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["events"][0]["audience"], "public");
    wait_for("one delivery each", || {
        public.got.lock().unwrap().len() == 1 && internal.got.lock().unwrap().len() == 1
    })
    .await;
    let said = |s: &Sink| -> Value { serde_json::from_slice(&s.got.lock().unwrap()[0].1).unwrap() };
    assert_eq!(said(&public)["audience"], "public");
    assert!(
        said(&public)["text"]
            .as_str()
            .unwrap()
            .contains("Some customers")
    );
    assert_eq!(said(&internal)["audience"], "internal");
    assert!(
        said(&internal)["text"]
            .as_str()
            .unwrap()
            .contains("pool timeout")
    );
    // Still one each a moment later: nothing crossed over.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(public.got.lock().unwrap().len(), 1);
    assert_eq!(internal.got.lock().unwrap().len(), 1);
    let (s, e) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.responder,
            json!({"text": "x", "audience": "public"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("audience"));
}
