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

/// One automation pass at `at`, off the test's async thread (the store blocks).
fn tick(
    a: &Automation,
    at: chrono::DateTime<chrono::Utc>,
) -> warroom::server::store::Result<usize> {
    common::off_runtime(|| run_once(a, at))
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
    // SEV1 follows the guideline's stages: the initial update within 5m,
    // the scoping one 5m after it, then every 20m.
    let sev1 = t.declare("Checkout 502s", "SEV1").await;
    let sev3 = t.declare("Slow admin page", "SEV3").await; // no cadence
    let start = Utc::now();
    assert_eq!(tick(&a, start + Duration::minutes(4)).unwrap(), 0);
    assert_eq!(tick(&a, start + Duration::minutes(6)).unwrap(), 1);
    assert_eq!(
        tick(&a, start + Duration::minutes(15)).unwrap(),
        0,
        "once per due time"
    );
    let tl = timeline(&t, &sev1).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 1, "{auto:?}");
    assert_eq!(auto[0]["rule"], "stakeholder-update-reminder");
    let text = auto[0]["text"].as_str().unwrap();
    assert!(
        text.contains("initial stakeholder update is overdue"),
        "{text}"
    );
    assert_eq!(auto[0]["author"], "warroom-automation");
    assert!(automated(&timeline(&t, &sev3).await).is_empty());
    // An update resets the clock: the scoping one is due 5m after it.
    let (s, _) = t
        .post(
            &format!("/incidents/{sev1}/updates"),
            &t.commander,
            json!({"text": "Mitigating"}),
        )
        .await;
    assert_eq!(s, 200);
    let sent = Utc::now();
    assert_eq!(tick(&a, sent + Duration::minutes(4)).unwrap(), 0);
    assert_eq!(tick(&a, sent + Duration::minutes(6)).unwrap(), 1);
    let tl = timeline(&t, &sev1).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 2);
    assert!(
        auto[1]["text"].as_str().unwrap().contains("scoping"),
        "{auto:?}"
    );
    // The scoping update sent, regular ones are due every 20 minutes...
    let (s, _) = t
        .post(
            &format!("/incidents/{sev1}/updates"),
            &t.commander,
            json!({"text": "Scope: EU checkout"}),
        )
        .await;
    assert_eq!(s, 200);
    let sent = Utc::now();
    assert_eq!(tick(&a, sent + Duration::minutes(19)).unwrap(), 0);
    assert_eq!(tick(&a, sent + Duration::minutes(21)).unwrap(), 1);
    // ...and past two hours the long-incident rhythm (hourly) takes over:
    // a new due time, so a new reminder.
    assert_eq!(tick(&a, start + Duration::minutes(125)).unwrap(), 1);
    assert_eq!(tick(&a, start + Duration::minutes(126)).unwrap(), 0);
    let tl = timeline(&t, &sev1).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 4, "{auto:?}");
    assert!(
        auto[2]["text"].as_str().unwrap().contains("regular"),
        "{auto:?}"
    );
    assert!(
        auto[3]["text"].as_str().unwrap().contains("long-incident"),
        "{auto:?}"
    );
    // The policy says the same to the header: the long stage, overdue.
    let (_, b) = t.get(&format!("/incidents/{sev1}"), &t.viewer).await;
    let inc: warroom::model::Incident = serde_json::from_value(b["incident"].clone()).unwrap();
    let late = start + Duration::minutes(126);
    let (stage, due) = Policy::default().next_update(&inc, late).unwrap();
    assert_eq!(stage, warroom::model::cadence::Stage::Long);
    assert_eq!(
        due,
        inc.last_stakeholder_update_at.unwrap() + Duration::minutes(60)
    );
    assert!(due < late, "overdue");
    // Each reminder was queued for the chat target, in its transaction.
    let queued = common::off_runtime(|| t.server.store.deliveries(num(&sev1))).unwrap();
    assert_eq!(
        queued.iter().filter(|d| d.subject == "reminder").count(),
        4,
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
    assert_eq!(tick(&a, start + Duration::minutes(4)).unwrap(), 0);
    assert_eq!(tick(&a, start + Duration::minutes(6)).unwrap(), 1);
    assert_eq!(tick(&a, start + Duration::minutes(60)).unwrap(), 0, "once");
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
    let queued = common::off_runtime(|| t.server.store.deliveries(num(&quiet))).unwrap();
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

async fn responder(t: &TestServer, id: &str, body: Value) {
    let (s, b) = t
        .post(&format!("/incidents/{id}/responders"), &t.commander, body)
        .await;
    assert_eq!(s, 200, "{b}");
}

fn responders(d: &Value) -> Vec<(String, String)> {
    d["responders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["handle"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_page_escalates_along_the_chain_once_per_page() {
    let t = TestServer::start().await;
    let a = automation(
        &t,
        AutomationConfig {
            page_unanswered_minutes: Some(10),
            escalation_chain: vec!["oncall-secondary".into(), "eng-manager".into()],
            ..Default::default()
        },
    );
    let id = t.declare("Checkout 502s", "SEV2").await;
    let start = Utc::now();
    responder(
        &t,
        &id,
        json!({"action": "page", "handle": "dana", "role": "operations_lead"}),
    )
    .await;
    responder(&t, &id, json!({"action": "page", "handle": "erin"})).await;
    responder(&t, &id, json!({"action": "acknowledge", "handle": "erin"})).await;
    assert_eq!(tick(&a, start + Duration::minutes(9)).unwrap(), 0);
    assert_eq!(tick(&a, start + Duration::minutes(11)).unwrap(), 1);
    assert_eq!(tick(&a, start + Duration::minutes(12)).unwrap(), 0, "once");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let rs = responders(&d);
    assert!(
        rs.contains(&("oncall-secondary".into(), "paged".into())),
        "{rs:?}"
    );
    let r = d["responders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "oncall-secondary")
        .unwrap();
    assert_eq!(r["role"], "operations_lead", "paged in dana's role");
    let tl = timeline(&t, &id).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 1);
    assert_eq!(
        auto[0]["rule"],
        "escalation: page to dana unanswered after 10m"
    );
    assert!(
        auto[0]["text"]
            .as_str()
            .unwrap()
            .contains("paged oncall-secondary")
    );
    // The secondary does not answer either: the next on the chain.
    assert_eq!(tick(&a, start + Duration::minutes(20)).unwrap(), 0);
    assert_eq!(tick(&a, start + Duration::minutes(22)).unwrap(), 1);
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert!(responders(&d).contains(&("eng-manager".into(), "paged".into())));
    // The end of the chain: said once, nobody else paged.
    assert_eq!(tick(&a, start + Duration::minutes(33)).unwrap(), 1);
    assert_eq!(tick(&a, start + Duration::minutes(90)).unwrap(), 0);
    let tl = timeline(&t, &id).await;
    let auto = automated(&tl);
    assert_eq!(auto.len(), 3, "{auto:?}");
    assert!(auto[2]["text"].as_str().unwrap().contains("nobody is left"));
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let mut handles: Vec<String> = responders(&d).into_iter().map(|(h, _)| h).collect();
    handles.sort();
    assert_eq!(
        handles,
        ["alice", "dana", "eng-manager", "erin", "oncall-secondary"],
        "the IC who declared, the two paged, and the chain: nobody twice"
    );
    // Erin acknowledged: never escalated. Every escalation was told.
    assert!(
        tl.iter()
            .all(|e| !e["rule"].as_str().unwrap_or("").contains("page to erin"))
    );
    let queued = common::off_runtime(|| t.server.store.deliveries(num(&id))).unwrap();
    assert_eq!(
        queued.iter().filter(|d| d.subject == "escalated").count(),
        3,
        "{queued:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_update_reminder_reaches_the_communications_lead_who_owes_it() {
    let t = TestServer::start().await;
    let notify: NotifyConfig = serde_json::from_value(json!({"targets": [{
        "name": "carol-dm", "kind": "slack", "url": "http://127.0.0.1:9/hook",
        "events": ["reminder"], "people": ["carol"]
    }]}))
    .unwrap();
    notify.check().unwrap();
    let a = Automation {
        notify: Arc::new(notify),
        ..automation(
            &t,
            AutomationConfig {
                reminders: true,
                ..Default::default()
            },
        )
    };
    let hers = t.declare("Checkout 502s", "SEV1").await;
    let other = t.declare("Search down", "SEV1").await;
    responder(
        &t,
        &hers,
        json!({"action": "page", "handle": "carol", "role": "communications_lead"}),
    )
    .await;
    assert_eq!(tick(&a, Utc::now() + Duration::minutes(31)).unwrap(), 2);
    let to_her = |id: &str| {
        common::off_runtime(|| t.server.store.deliveries(num(id)))
            .unwrap()
            .into_iter()
            .filter(|d| d.target == "carol-dm" && d.subject == "reminder")
            .count()
    };
    assert_eq!(to_her(&hers), 1, "she leads its communications");
    assert_eq!(to_her(&other), 0, "not her incident");
}

#[test]
fn an_unanswered_page_rule_needs_someone_to_page() {
    let cfg = AutomationConfig {
        page_unanswered_minutes: Some(10),
        ..Default::default()
    };
    assert!(cfg.check().unwrap_err().contains("escalation_chain"));
}
