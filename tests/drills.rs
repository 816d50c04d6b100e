//! Drills on a real server: a built-in scenario played fast, its alerts
//! classified by the server's rules, a simulated responder answering a
//! page, the simulated rollback making its fact true and the alerts
//! resolve; the drill reaches only a target that opted in, stays off the
//! public page and out of stats, and its debrief is scored.

mod common;

use std::time::Duration;

use common::TestServer;
use common::sink::{Sink, start_sink, wait_for};
use serde_json::{Value, json};
use warroom::server::integrations::classify::Classifier;
use warroom::server::notify::NotifyConfig;

fn kinds(d: &Value) -> Vec<String> {
    d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["kind"].as_str().unwrap_or(""),
                e["author"].as_str().unwrap_or(""),
                e["text"]
                    .as_str()
                    .or(e["alert"].as_str())
                    .or(e["state"].as_str())
                    .unwrap_or("")
            )
        })
        .collect()
}

async fn until(t: &TestServer, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = std::time::Instant::now();
    loop {
        let (s, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
        assert_eq!(s, 200, "{d}");
        if done(&d) {
            return d;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}: {:#?}",
            kinds(&d)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drill_plays_reaches_only_drill_targets_and_is_scored() {
    let (real, practice) = (Sink::default(), Sink::default());
    let (real_url, practice_url) = (
        start_sink(real.clone()).await,
        start_sink(practice.clone()).await,
    );
    let notify: NotifyConfig = serde_json::from_value(json!({"targets": [
        {"name": "incident-channel", "kind": "slack", "url": real_url,
         "events": ["declared", "responder_paged", "status_changed"]},
        {"name": "practice-channel", "kind": "slack", "url": practice_url,
         "events": ["declared", "responder_paged", "status_changed"], "drills": true},
    ]}))
    .unwrap();
    notify.check().unwrap();
    let rules: Classifier = toml::from_str(
        "[[rules]]\nname = \"checkout errors\"\nlabels = { alertname = \"CheckoutHighErrorRate\" }\n\
         severity = \"SEV2\"\ntags = [\"payments-path\"]\npage = [\"checkout-oncall\"]\n",
    )
    .unwrap();
    let t = TestServer::start_classifying(notify, rules).await;

    // A real incident first: the real channel hears of it.
    let real_id = t.declare("Real: search latency", "SEV3").await;
    wait_for("the real channel told of the real incident", || {
        !real.got.lock().unwrap().is_empty()
    })
    .await;
    let real_before = real.got.lock().unwrap().len();

    // Who may start one, and what is refused with a reason.
    let (s, _) = t
        .post("/drills", &t.responder, json!({"builtin": "bad-deploy"}))
        .await;
    assert_eq!(s, 403);
    for (body, says) in [
        (json!({"builtin": "nope"}), "no built-in scenario `nope`"),
        (json!({"scenario": "name = "}), "line 1"),
        (json!({"builtin": "bad-deploy", "speed": 0}), "speed is 0"),
        (json!({}), "give either"),
        (
            json!({"builtin": "bad-deploy", "scenario": "x"}),
            "give either",
        ),
    ] {
        let (s, b) = t.post("/drills", &t.commander, body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
        let m = b["error"]["message"].as_str().unwrap();
        assert!(m.contains(says), "{body}: {m}");
    }

    let (s, started) = t
        .post(
            "/drills",
            &t.commander,
            json!({"builtin": "bad-deploy", "speed": 60}),
        )
        .await;
    assert_eq!(s, 201, "{started}");
    let id = started["incident"].as_str().unwrap().to_string();
    assert_eq!(started["scenario"], "bad-deploy");

    // The alert went through the receiver: the rule classified it.
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let inc = &d["incident"];
    assert_eq!(inc["drill"]["scenario"], "bad-deploy");
    assert_eq!(inc["drill"]["speed"], 60);
    assert_eq!(inc["severity"], "SEV2", "the rule's severity: {inc}");
    let tags: Vec<&str> = inc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        tags.contains(&"drill") && tags.contains(&"payments-path"),
        "{tags:?}"
    );
    assert!(
        kinds(&d).iter().any(|k| k.contains("Classified SEV2")),
        "{:#?}",
        kinds(&d)
    );

    // Page the checkout owner: he answers after his delay (40s / 60).
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "page", "handle": "marco"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    until(&t, &id, "marco to join", |d| {
        d["responders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["handle"] == "marco" && r["state"] == "joined")
    })
    .await;

    // The rollback: a simulated action, previewed and confirmed.
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let containment = d["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phase"] == "containment")
        .unwrap();
    let item = containment["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["action"] == "rollback")
        .expect("the scenario's action on the checklist");
    let (s, preview) = t
        .get(
            &format!("/incidents/{id}/actions/preview?phase=containment&item={item}"),
            &t.commander,
        )
        .await;
    assert_eq!(s, 200, "{preview}");
    assert_eq!(preview["kind"], "simulated");
    assert!(
        preview["command"]
            .as_str()
            .unwrap()
            .contains("nothing runs")
    );
    let (s, run) = t
        .post(
            &format!("/incidents/{id}/actions"),
            &t.commander,
            json!({"phase": "containment", "item": item, "confirm": preview["digest"]}),
        )
        .await;
    assert_eq!(s, 202, "{run}");
    let d = until(&t, &id, "the fact and the alerts resolving", |d| {
        let k = kinds(d);
        k.iter()
            .any(|k| k.contains("The rollback to 2024.11.4 ends the errors"))
            && d["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "alert_received" && e["firing"] == false)
    })
    .await;
    assert!(
        kinds(&d).iter().any(|k| k.starts_with("action_finished")),
        "{:#?}",
        kinds(&d)
    );

    // Never on the public page.
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/public"),
            &t.commander,
            json!({"public": true, "title": "Checkout degraded"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("drill"));

    // Only the practice channel heard of it; the real one heard nothing more.
    wait_for("the practice channel told of the drill", || {
        practice
            .got
            .lock()
            .unwrap()
            .iter()
            .any(|(_, body)| String::from_utf8_lossy(body).contains(&id))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    {
        let real_got = real.got.lock().unwrap();
        assert_eq!(
            real_got.len(),
            real_before,
            "the real channel hears no drill"
        );
        assert!(
            !real_got
                .iter()
                .any(|(_, body)| String::from_utf8_lossy(body).contains(&id))
        );
    }

    // Out of stats, and counted as left out.
    let (s, st) = t.get("/stats?since=all", &t.viewer).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["overall"]["count"], 1, "only the real incident: {st}");
    assert_eq!(st["drills_left_out"], 1);
    // The metrics' active count leaves it out too: an alert on an open
    // SEV2 never fires for a rehearsal.
    let m = t.metrics().await;
    assert!(
        m.contains("warroom_active_incidents{severity=\"SEV3\"} 1"),
        "{m}"
    );
    assert!(
        !m.contains("warroom_active_incidents{severity=\"SEV2\"} 1"),
        "{m}"
    );

    // The debrief: scored, with its rules, facts and the recommended response.
    let (s, db) = t
        .get(&format!("/incidents/{id}/debrief?format=json"), &t.viewer)
        .await;
    assert_eq!(s, 200, "{db}");
    let fig = |k: &str| {
        db["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == k)
            .unwrap_or_else(|| panic!("{k} in {db}"))
            .clone()
    };
    assert_eq!(fig("forced")["verdict"], "met");
    assert_eq!(fig("verification")["verdict"], "missed");
    assert!(
        fig("initial_update")["rule"]
            .as_str()
            .unwrap()
            .contains("PagerDuty")
    );
    let facts = db["facts"].as_array().unwrap();
    let rolled = facts.iter().find(|f| f["name"] == "rolled_back").unwrap();
    assert!(rolled["after_seconds"].as_i64().is_some(), "{rolled}");
    assert!(!db["recommended"].as_array().unwrap().is_empty());
    let md = t
        .req(
            reqwest::Method::GET,
            &format!("/incidents/{id}/debrief?format=md"),
            &t.viewer,
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.starts_with("# Drill debrief: bad-deploy"), "{md}");
    assert!(md.contains("setting `[policy] update_stages`"), "{md}");

    // A real incident has no debrief.
    let (s, b) = t
        .get(&format!("/incidents/{real_id}/debrief"), &t.viewer)
        .await;
    assert_eq!(s, 409, "{b}");
}

#[tokio::test(flavor = "multi_thread")]
async fn real_alerts_cannot_join_a_drill_and_a_drill_ends_at_its_limit() {
    let t = TestServer::start().await;
    // A real Alertmanager cannot send into a drill's group.
    let (s, b) = t
        .post(
            "/integrations/alertmanager",
            &t.commander,
            json!({"version": "4", "groupKey": "drill:abc", "status": "firing",
                   "alerts": [{"status": "firing", "labels": {"alertname": "X"},
                               "fingerprint": "f1"}]}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("drills"));

    // A scenario of its own, as TOML text.
    let scenario = r#"
name = "tiny"
title = "Tiny"
limit = "3s"
[[actions]]
name = "restart"
phase = "investigation"
item = "Restart the thing"
output = ["restarting", "done"]
[[facts]]
name = "restarted"
when = { action = "restart" }
[[events]]
at = "0s"
alert = { labels = { alertname = "ThingDown", service = "thing" } }
[[events]]
at = "1s"
after = "restarted"
alert = { status = "resolved", labels = { alertname = "ThingDown", service = "thing" } }
"#;
    let (s, started) = t
        .post("/drills", &t.commander, json!({"scenario": scenario}))
        .await;
    assert_eq!(s, 201, "{started}");
    let id = started["incident"].as_str().unwrap();
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(d["incident"]["service"], "thing");
    assert_eq!(d["incident"]["drill"]["scenario"], "tiny");
    // The limit passes: the drill says so on the timeline.
    until(&t, id, "the drill's end", |d| {
        kinds(d)
            .iter()
            .any(|k| k.contains("The drill's time is up"))
    })
    .await;
}
