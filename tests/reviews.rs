//! The review after the outage through the API: a SEV1 resolved gets an
//! owner and a deadline from the policy, moves Draft → In Review →
//! Reviewed → Closed (each step by whom), closes only once its follow-ups
//! are triaged, is listed by `GET /reviews`; the automation, driven at a
//! chosen moment, says once that it is overdue and the owner's personal
//! target hears it.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::TestServer;
use serde_json::{Value, json};
use warroom::model::{IncidentId, Policy};
use warroom::server::automation::{Automation, run_once};
use warroom::server::notify::NotifyConfig;

async fn resolve(t: &TestServer, id: &str) {
    for to in [
        "acknowledged",
        "investigating",
        "identified",
        "contained",
        "resolved",
    ] {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/transition"),
                &t.commander,
                json!({"to": to, "force": true, "reason": "drill of the review"}),
            )
            .await;
        assert_eq!(s, 200, "{to}: {b}");
    }
}

async fn review(t: &TestServer, id: &str, token: &str, body: Value) -> (u16, Value) {
    t.post(&format!("/incidents/{id}/review"), token, body)
        .await
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sev1_review_has_an_owner_a_deadline_four_statuses_and_triaged_follow_ups() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    // Not before resolution.
    let (s, b) = review(
        &t,
        &id,
        &t.commander,
        json!({"action": "assign", "owner": "bob"}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    resolve(&t, &id).await;
    // A responder does not name the owner; a commander does.
    let (s, _) = review(
        &t,
        &id,
        &t.responder,
        json!({"action": "assign", "owner": "bob"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = review(
        &t,
        &id,
        &t.commander,
        json!({"action": "assign", "owner": "bob"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let inc = &b["incident"];
    let resolved = at(&inc["status_times"]["resolved"]);
    let r = &inc["review"];
    assert_eq!(r["owner"], "bob");
    assert_eq!(r["status"], "draft");
    assert_eq!(
        at(&r["due"]),
        resolved + Duration::days(3),
        "SEV1: 3 calendar days"
    );
    assert_eq!(
        at(&r["draft_due"]),
        resolved + Duration::days(2),
        "24 h before"
    );

    // Listed, not overdue yet.
    let (_, list) = t.get("/reviews", &t.viewer).await;
    assert_eq!(list[0]["incident"], id.as_str());
    assert_eq!(list[0]["next"], "draft");
    assert_eq!(list[0]["overdue"], false);
    let (_, overdue) = t.get("/reviews?overdue=true", &t.viewer).await;
    assert_eq!(overdue.as_array().unwrap().len(), 0);

    // The automation, two days and a bit later: the draft is overdue,
    // said once, and bob's personal target hears it.
    let notify: NotifyConfig = serde_json::from_value(json!({"targets": [{
        "name": "bob-pager", "kind": "slack", "url": "http://127.0.0.1:9/hook",
        "events": ["review_overdue"], "people": ["bob"]
    }]}))
    .unwrap();
    let a = Automation {
        store: t.server.store.clone(),
        cfg: Default::default(),
        policy: Policy::default(),
        notify: Arc::new(notify),
        wake: Arc::default(),
    };
    let later = resolved + Duration::days(2) + Duration::hours(1);
    assert_eq!(common::off_runtime(|| run_once(&a, later)).unwrap(), 1);
    assert_eq!(
        common::off_runtime(|| run_once(&a, later + Duration::minutes(5))).unwrap(),
        0,
        "once per due time"
    );
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let said: Vec<&Value> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "automation" && e["rule"] == "review overdue (draft)")
        .collect();
    assert_eq!(said.len(), 1, "{d}");
    assert!(said[0]["text"].as_str().unwrap().contains("owner bob"));
    let num: IncidentId = id.parse().unwrap();
    let queued = common::off_runtime(|| t.server.store.deliveries(num)).unwrap();
    assert_eq!(
        queued
            .iter()
            .filter(|q| q.subject == "review_overdue")
            .count(),
        1,
        "{queued:?}"
    );

    // The owner moves it; a viewer may not; steps go one at a time.
    let step = |to: &str| json!({"action": "move", "to": to});
    let (s, _) = review(&t, &id, &t.viewer, step("in_review")).await;
    assert_eq!(s, 403);
    let (s, b) = review(&t, &id, &t.responder, step("reviewed")).await;
    assert_eq!(s, 422, "{b}");
    for to in ["in_review", "reviewed"] {
        let (s, b) = review(&t, &id, &t.responder, step(to)).await;
        assert_eq!(s, 200, "{to}: {b}");
    }
    // The incident closes without waiting for the review.
    for to in ["verified", "closed"] {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/transition"),
                &t.commander,
                json!({"to": to, "force": true, "reason": "done"}),
            )
            .await;
        assert_eq!(s, 200, "{to}: {b}");
    }
    // A follow-up nobody owns holds the review open; not doing it is a
    // decision that lets it close.
    let (s, f) = t
        .post(
            &format!("/incidents/{id}/followups"),
            &t.commander,
            json!({"title": "Alert on pool saturation"}),
        )
        .await;
    assert_eq!(s, 201, "{f}");
    let (s, b) = review(&t, &id, &t.responder, step("closed")).await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("untriaged"), "{b}");
    let fid = f["id"].as_u64().unwrap();
    let r = t
        .req(
            reqwest::Method::PATCH,
            &format!("/followups/{fid}"),
            &t.commander,
        )
        .json(&json!({"status": "wont_do"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, b) = review(&t, &id, &t.responder, step("closed")).await;
    assert_eq!(s, 200, "{b}");
    let steps: Vec<(String, String)> = b["incident"]["review"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_str().unwrap().to_string(),
                s["by"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("draft".to_string(), "alice".to_string()),
            ("in_review".into(), "bob".into()),
            ("reviewed".into(), "bob".into()),
            ("closed".into(), "bob".into()),
        ]
    );
    let (_, list) = t.get("/reviews", &t.viewer).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        0,
        "a closed review leaves the list"
    );
}
