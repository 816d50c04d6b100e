//! The live state document through the API, on the suite's engine: tasks
//! with time boxes by role, the time box passing (noted once, told to the
//! owner's personal target), hypotheses with evidence, decisions that
//! supersede, releasing a responder, CAN reports, the two-step handoff
//! with the brief's version, limits, and idempotent retries.

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use common::TestServer;
use reqwest::Method;
use serde_json::{Value, json};
use warroom::model::{ActorRole, Policy};
use warroom::server::automation::{Automation, run_once};
use warroom::server::notify::NotifyConfig;

async fn detail(t: &TestServer, id: &str) -> Value {
    let (s, b) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(s, 200, "{b}");
    b
}

fn kinds<'a>(d: &'a Value, kind: &str) -> Vec<&'a Value> {
    d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

async fn token(t: &TestServer, name: &'static str, role: ActorRole) -> String {
    let store = t.server.store.clone();
    common::off_runtime(move || store.create_token(name, role).unwrap().1)
}

fn notify_to_bob() -> NotifyConfig {
    serde_json::from_value(json!({"targets": [{
        "name": "bob-pager", "kind": "webhook", "url": "http://127.0.0.1:9/hook",
        "secret": "s3cret-signing-key-for-tests", "events": ["task_assigned", "task_overdue", "command_offered"],
        "people": ["bob"]
    }]}))
    .unwrap()
}

async fn deliveries(t: &TestServer, id: &str) -> Vec<Value> {
    let (s, b) = t
        .get(&format!("/incidents/{id}/deliveries"), &t.viewer)
        .await;
    assert_eq!(s, 200, "{b}");
    b.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_go_to_a_named_person_with_a_time_box_and_go_overdue_once() {
    let t = TestServer::start_notifying(notify_to_bob()).await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let tasks = format!("/incidents/{id}/tasks");
    for h in ["bob", "carol"] {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/responders"),
                &t.commander,
                json!({"action": "page", "handle": h, "role": "operations_lead"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    // A task needs an owner on the incident and a time box.
    let (s, e) = t
        .post(
            &tasks,
            &t.commander,
            json!({"action": "add", "title": "Roll back"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("owner"),
        "{e}"
    );
    let (s, e) = t
        .post(
            &tasks,
            &t.commander,
            json!({"action": "add", "title": "Roll back", "owner": "zed", "due": "5m"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("page them first")
    );
    let (s, e) = t
        .post(
            &tasks,
            &t.commander,
            json!({"action": "add", "title": "Roll back", "owner": "bob", "due": "tomorrow"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("time box"));
    // The viewer cannot; the commander assigns; a retry with the same key
    // makes one task.
    let add = json!({"action": "add", "title": "Roll back 4.2", "owner": "bob", "due": "1m"});
    let (s, _) = t.post(&tasks, &t.viewer, add.clone()).await;
    assert_eq!(s, 403);
    for _ in 0..2 {
        let r = t
            .req(Method::POST, &tasks, &t.commander)
            .header("Idempotency-Key", "task-key-1")
            .json(&add)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let (s, _) = t
        .post(
            &tasks,
            &t.commander,
            json!({"action": "add", "title": "Check the pool", "owner": "carol", "due": "10m"}),
        )
        .await;
    assert_eq!(s, 200);
    // The responder proposes: no owner, no clock until a commander assigns.
    let (s, b) = t
        .post(
            &tasks,
            &t.responder,
            json!({"action": "add", "title": "Look at the CDN", "owner": "bob", "due": "1m"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = detail(&t, &id).await;
    let st = &d["state"]["tasks"];
    assert_eq!(st.as_array().unwrap().len(), 3, "one task per key: {st}");
    assert_eq!(st[0]["owner"], "bob");
    assert_eq!(st[0]["status"], "open");
    assert_eq!(st[2]["status"], "proposed");
    assert!(st[2].get("owner").is_none());
    assert_eq!(d["incident"]["state_counts"]["open_tasks"], 2);
    // A responder closes only their own task.
    let (s, e) = t
        .post(
            &tasks,
            &t.responder,
            json!({"action": "done", "task": 2, "result": "x"}),
        )
        .await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("carol"));
    // The time box passes: noted once, told to bob's own target.
    let a = Automation {
        store: t.server.store.clone(),
        cfg: Default::default(),
        policy: Policy::default(),
        notify: Arc::new(notify_to_bob()),
        wake: Arc::default(),
    };
    let later = Utc::now() + Duration::seconds(90);
    assert_eq!(common::off_runtime(|| run_once(&a, later)).unwrap(), 1);
    assert_eq!(
        common::off_runtime(|| run_once(&a, later + Duration::seconds(30))).unwrap(),
        0
    );
    let d = detail(&t, &id).await;
    let overdue: Vec<_> = kinds(&d, "task")
        .into_iter()
        .filter(|e| e["change"] == "overdue")
        .collect();
    assert_eq!(overdue.len(), 1, "once: {overdue:?}");
    assert_eq!(overdue[0]["owner"], "bob");
    assert_eq!(d["state"]["tasks"][0]["overdue_noted"], true);
    assert_eq!(d["incident"]["state_counts"]["overdue_tasks"], 1);
    let sent = deliveries(&t, &id).await;
    let subjects: Vec<&str> = sent.iter().filter_map(|x| x["subject"].as_str()).collect();
    assert_eq!(
        subjects.iter().filter(|s| **s == "task_overdue").count(),
        1,
        "bob's target hears the overdue once: {subjects:?}"
    );
    assert_eq!(
        subjects.iter().filter(|s| **s == "task_assigned").count(),
        1,
        "bob's target hears his own task only, not carol's: {subjects:?}"
    );
    // Bob marks his own done with a result; releasing him then works.
    let (s, e) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "release", "handle": "bob"}),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("#1"),
        "{e}"
    );
    let (s, b) = t
        .post(
            &tasks,
            &t.responder,
            json!({"action": "done", "task": 1, "result": "rolled back to 4.1"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "release", "handle": "bob"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = detail(&t, &id).await;
    assert_eq!(d["state"]["tasks"][0]["result"], "rolled back to 4.1");
    assert_eq!(d["state"]["tasks"][0]["closed_by"], "bob");
    let bob = d["responders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "bob")
        .unwrap();
    assert_eq!(bob["state"], "released");
}

#[tokio::test(flavor = "multi_thread")]
async fn hypotheses_decisions_and_can_reports_are_recorded_with_their_rules() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let hyp = format!("/incidents/{id}/hypotheses");
    let (s, e) = t
        .post(
            &hyp,
            &t.responder,
            json!({"action": "add", "text": "DB pool", "evidence": [99]}),
        )
        .await;
    assert_eq!(s, 422, "evidence must exist: {e}");
    let (s, _) = t
        .post(
            &hyp,
            &t.responder,
            json!({"action": "add", "text": "DB pool exhausted", "evidence": [1]}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &hyp,
            &t.responder,
            json!({"action": "add", "text": "Bad deploy 4.2"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &hyp,
            &t.responder,
            json!({"action": "rule_out", "hypothesis": 1, "why": "x"}),
        )
        .await;
    assert_eq!(s, 403, "a responder raises; the commander rules out");
    let (s, e) = t
        .post(
            &hyp,
            &t.commander,
            json!({"action": "rule_out", "hypothesis": 1, "why": ""}),
        )
        .await;
    assert_eq!(s, 422, "ruling out says what showed it: {e}");
    let (s, _) = t
        .post(
            &hyp,
            &t.commander,
            json!({"action": "rule_out", "hypothesis": 1, "why": "pool at 30% in the dashboard"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &hyp,
            &t.commander,
            json!({"action": "confirm", "hypothesis": 2}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &hyp,
            &t.commander,
            json!({"action": "confirm", "hypothesis": 2}),
        )
        .await;
    assert_eq!(s, 409, "decided once");
    let dec = format!("/incidents/{id}/decisions");
    let (s, _) = t
        .post(&dec, &t.responder, json!({"text": "Roll back"}))
        .await;
    assert_eq!(s, 403);
    let (s, _) = t
        .post(
            &dec,
            &t.commander,
            json!({"text": "Roll back to 4.1", "why": "4.2 confirmed", "objections_asked": true}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &dec,
            &t.commander,
            json!({"text": "Fail over to eu-west instead", "supersedes": 1}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = t
        .post(
            &dec,
            &t.commander,
            json!({"text": "again", "supersedes": 1}),
        )
        .await;
    assert_eq!(s, 409, "superseded once");
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/can"),
            &t.responder,
            json!({"condition": "p99 at 4s", "actions": "draining node 3", "needs": "a DBA"}),
        )
        .await;
    assert_eq!(s, 200);
    let d = detail(&t, &id).await;
    let s = &d["state"];
    assert_eq!(s["hypotheses"][0]["status"], "ruled_out");
    assert_eq!(s["hypotheses"][0]["why"], "pool at 30% in the dashboard");
    assert_eq!(s["hypotheses"][0]["evidence"], json!([1]));
    assert_eq!(s["hypotheses"][1]["status"], "confirmed");
    assert_eq!(s["decisions"][0]["superseded_by"], 2);
    assert_eq!(s["decisions"][0]["objections_asked"], true);
    let can = kinds(&d, "can_report");
    assert_eq!(can[0]["needs"], "a DBA");
    // The brief says it all, generated.
    let r = t
        .req(Method::GET, &format!("/incidents/{id}/brief"), &t.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let md = r.text().await.unwrap();
    for want in [
        "## Hypotheses",
        "Ruled out #1: DB pool exhausted — pool at 30% in the dashboard",
        "Confirmed #2: Bad deploy 4.2",
        "#2 Fail over to eu-west instead",
        "1 superseded",
        "No stakeholder update sent yet",
    ] {
        assert!(md.contains(want), "{want:?} in\n{md}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn command_is_handed_off_in_two_steps_with_the_brief_read() {
    let t = TestServer::start().await;
    let dana = token(&t, "dana", ActorRole::Commander).await;
    let eve = token(&t, "eve", ActorRole::Commander).await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let cmd = format!("/incidents/{id}/command");
    let (s, e) = t
        .post(&cmd, &dana, json!({"action": "offer", "to": "eve"}))
        .await;
    assert_eq!(s, 403, "only the IC offers: {e}");
    let (s, _) = t
        .post(&cmd, &t.commander, json!({"action": "offer", "to": "dana"}))
        .await;
    assert_eq!(s, 200);
    let d = detail(&t, &id).await;
    assert_eq!(
        d["incident"]["commander"], "alice",
        "nothing changes until accepted"
    );
    assert_eq!(d["state"]["handoff"]["to"], "dana");
    let (s, _) = t
        .post(&cmd, &eve, json!({"action": "accept", "brief_version": 99}))
        .await;
    assert_eq!(s, 403, "offered to dana, not eve");
    // Dana reads the brief, accepts naming its version.
    let (s, b) = t
        .get(&format!("/incidents/{id}/brief?format=json"), &dana)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["handoff_offered"]["to"], "dana");
    let v = b["version"].as_u64().unwrap();
    let (s, e) = t
        .post(
            &cmd,
            &dana,
            json!({"action": "accept", "brief_version": v - 1}),
        )
        .await;
    assert_eq!(s, 409, "an older brief than offered: {e}");
    let (s, _) = t
        .post(&cmd, &dana, json!({"action": "accept", "brief_version": v}))
        .await;
    assert_eq!(s, 200);
    let d = detail(&t, &id).await;
    assert_eq!(d["incident"]["commander"], "dana");
    assert!(d["state"].get("handoff").is_none());
    assert_eq!(d["state"]["handoffs"][0]["from"], "alice");
    assert_eq!(d["state"]["handoffs"][0]["brief_version"], v);
    let accepted = kinds(&d, "command");
    assert_eq!(accepted.last().unwrap()["change"], "accepted");
    // Eve takes command from an active IC: one step, the brief recorded.
    let (s, _) = t
        .post(
            &cmd,
            &eve,
            json!({"action": "take", "brief_version": v + 1, "reason": "dana asked"}),
        )
        .await;
    assert_eq!(s, 200);
    let d = detail(&t, &id).await;
    assert_eq!(d["incident"]["commander"], "eve");
    assert_eq!(d["state"]["handoffs"][1]["taken"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_document_is_bounded() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let hyp = format!("/incidents/{id}/hypotheses");
    let long = "x".repeat(501);
    let (s, e) = t
        .post(&hyp, &t.responder, json!({"action": "add", "text": long}))
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("500"));
    for n in 0..100 {
        let (s, b) = t
            .post(
                &hyp,
                &t.responder,
                json!({"action": "add", "text": format!("h{n}")}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, e) = t
        .post(
            &hyp,
            &t.responder,
            json!({"action": "add", "text": "one more"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 100")
    );
    let (s, e) = t
        .post(&hyp, &t.responder, json!({"action": "explode"}))
        .await;
    assert_eq!(s, 422, "an unknown action is named: {e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_impact_is_the_communications_leads_to_keep() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let path = format!("/incidents/{id}/impact");
    let impact = json!({"customers_affected": 1200, "scope": "EU checkout since 14:02",
                        "components": [{"name": "checkout", "condition": "partial_outage"},
                                       {"name": "payments", "condition": "degraded"}]});
    // bob is a responder but not the comms lead: refused.
    let (s, e) = t.post(&path, &t.responder, impact.clone()).await;
    assert_eq!(s, 403, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("communications lead")
    );
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/responders"),
            &t.commander,
            json!({"action": "page", "handle": "bob", "role": "communications_lead"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = t.post(&path, &t.responder, impact.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["events"][0]["text"],
        "1200 customers; checkout partial outage, payments degraded; EU checkout since 14:02"
    );
    // The same again changes nothing.
    let (s, b) = t.post(&path, &t.responder, impact).await;
    assert_eq!(s, 200);
    assert!(b["events"].as_array().is_none_or(|e| e.is_empty()), "{b}");
    let (s, e) = t
        .post(
            &path,
            &t.commander,
            json!({"components": [{"name": "x", "condition": "on_fire"}]}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    let many: Vec<Value> = (0..21)
        .map(|n| json!({"name": format!("c{n}"), "condition": "degraded"}))
        .collect();
    let (s, e) = t
        .post(&path, &t.commander, json!({"components": many}))
        .await;
    assert_eq!(s, 422, "{e}");
    let (s, b) = t
        .get(&format!("/incidents/{id}/brief?format=json"), &t.viewer)
        .await;
    assert_eq!(s, 200);
    assert_eq!(b["impact"]["customers_affected"], 1200);
}
