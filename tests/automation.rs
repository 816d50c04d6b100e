//! Reminders and escalation, driven with a controllable clock: the
//! automation's `run_once` is called at chosen moments against a real
//! server's store, and the timeline and the delivery queue are checked.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, Utc};
use common::TestServer;
use serde_json::{Value, json};
use warroom::model::{IncidentId, Policy, Severity};
use warroom::server::automation::{Automation, AutomationConfig, run_once};
use warroom::server::notify::NotifyConfig;

fn automation(t: &TestServer, cfg: AutomationConfig) -> Automation {
    cfg.check().unwrap();
    let notify: NotifyConfig = serde_json::from_value(json!({"targets": [{
        "name": "chat", "kind": "slack", "url": "http://127.0.0.1:9/hook",
        "events": ["reminder", "escalated"]
    }]}))
    .unwrap();
    Automation {
        store: t.server.store.clone(),
        cfg,
        policy: Policy::default(),
        notify: Arc::new(notify),
        wake: Arc::default(),
    }
}

async fn timeline(t: &TestServer, id: &str) -> Vec<Value> {
    let (s, b) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(s, 200, "{b}");
    b["timeline"].as_array().unwrap().clone()
}

fn automated(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["kind"] == "automation")
        .collect()
}

fn num(id: &str) -> IncidentId {
    id.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_stakeholder_update_is_recorded_once_per_due_time() {
    let t = TestServer::start().await;
    let a = automation(
        &t,
        AutomationConfig {
            reminders: true,
            ..Default::default()
        },
    );
    let sev1 = t.declare("Checkout 502s", "SEV1").await; // updates every 30m
    let sev3 = t.declare("Slow admin page", "SEV3").await; // no cadence
    let start = Utc::now();
    assert_eq!(run_once(&a, start + Duration::minutes(29)).unwrap(), 0);
    assert_eq!(run_once(&a, start + Duration::minutes(31)).unwrap(), 1);
    assert_eq!(
        run_once(&a, start + Duration::minutes(45)).unwrap(),
        0,
        "once per due time"
    );
    let tl = timeline(&t, &sev1).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 1, "{auto:?}");
    assert_eq!(auto[0]["rule"], "stakeholder-update-reminder");
    assert!(auto[0]["text"].as_str().unwrap().contains("overdue"));
    assert_eq!(auto[0]["author"], "warroom-automation");
    assert!(automated(&timeline(&t, &sev3).await).is_empty());
    // An update resets the clock: the next reminder is due 30m after it.
    let (s, _) = t
        .post(
            &format!("/incidents/{sev1}/updates"),
            &t.commander,
            json!({"text": "Mitigating"}),
        )
        .await;
    assert_eq!(s, 200);
    let sent = Utc::now();
    assert_eq!(run_once(&a, sent + Duration::minutes(29)).unwrap(), 0);
    assert_eq!(run_once(&a, sent + Duration::minutes(31)).unwrap(), 1);
    assert_eq!(automated(&timeline(&t, &sev1).await).len(), 2);
    // Each reminder was queued for the chat target, in its transaction.
    let queued = t.server.store.deliveries(num(&sev1)).unwrap();
    assert_eq!(
        queued.iter().filter(|d| d.subject == "reminder").count(),
        2,
        "{queued:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unacknowledged_incident_escalates_once_and_an_acknowledged_one_never() {
    let t = TestServer::start().await;
    let a = automation(
        &t,
        AutomationConfig {
            unacknowledged_minutes: BTreeMap::from([(Severity::Sev2, 5)]),
            raise_severity: true,
            page: Some("oncall-secondary".into()),
            ..Default::default()
        },
    );
    let quiet = t.declare("Search slow", "SEV2").await;
    let acked = t.declare("Queue backlog", "SEV2").await;
    t.walk(&acked, &["acknowledged"]).await;
    let sev3 = t.declare("Docs typo", "SEV3").await; // no delay configured
    let start = Utc::now();
    assert_eq!(run_once(&a, start + Duration::minutes(4)).unwrap(), 0);
    assert_eq!(run_once(&a, start + Duration::minutes(6)).unwrap(), 1);
    assert_eq!(
        run_once(&a, start + Duration::minutes(60)).unwrap(),
        0,
        "once"
    );
    let (_, d) = t.get(&format!("/incidents/{quiet}"), &t.viewer).await;
    assert_eq!(d["incident"]["severity"], "SEV1", "raised one step");
    assert!(
        d["responders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["handle"] == "oncall-secondary" && r["state"] == "paged"),
        "{d}"
    );
    let auto = automated(d["timeline"].as_array().unwrap()).len();
    assert_eq!(auto, 1);
    let tl = timeline(&t, &quiet).await;
    let rule = automated(&tl)[0]["rule"].as_str().unwrap().to_string();
    assert_eq!(rule, "escalation: SEV2 unacknowledged after 5m");
    for id in [&acked, &sev3] {
        assert!(automated(&timeline(&t, id).await).is_empty(), "{id}");
    }
    let queued = t.server.store.deliveries(num(&quiet)).unwrap();
    assert!(
        queued.iter().any(|d| d.subject == "escalated"),
        "{queued:?}"
    );
}

#[test]
fn escalation_that_would_do_nothing_is_refused() {
    let cfg = AutomationConfig {
        unacknowledged_minutes: BTreeMap::from([(Severity::Sev1, 5)]),
        ..Default::default()
    };
    assert!(cfg.check().unwrap_err().contains("does nothing"));
}
