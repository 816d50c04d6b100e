//! Follow-up actions through the API: who may add them, closed incidents
//! still take them, overdue and owner filters across incidents.

mod common;

use common::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

async fn close(t: &TestServer, id: &str) {
    t.walk(
        id,
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
}

async fn patch(t: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    let r = t
        .req(Method::PATCH, path, token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn follow_ups_by_role_on_closed_incidents_and_across_incidents() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    close(&t, &id).await;
    // A closed incident refuses notes but takes follow-ups.
    let (s, _) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.responder,
            json!({"text": "late"}),
        )
        .await;
    assert_eq!(s, 409);
    let path = format!("/incidents/{id}/followups");
    let add = json!({"title": "Alert on pool saturation", "owner": "marco",
                     "due": "2020-01-31", "priority": "P1",
                     "link": "https://tickets.example.com/OPS-1"});
    let (s, e) = t.post(&path, &t.viewer, add.clone()).await;
    assert_eq!(s, 403, "a viewer cannot add: {e}");
    let (s, f) = t.post(&path, &t.responder, add).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(f["status"], "open");
    let (s, _) = t
        .post(
            &path,
            &t.commander,
            json!({"title": "Pool timeout back in config", "owner": "priya", "due": "2999-01-01"}),
        )
        .await;
    assert_eq!(s, 201);
    // Bad input names the field.
    let (s, e) = t
        .post(
            &path,
            &t.responder,
            json!({"title": "x", "link": "javascript:alert(1)"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("link"));
    let (s, _) = t
        .post(
            "/incidents/INC-999/followups",
            &t.responder,
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    // Across incidents: overdue ones (a past due date is accepted, marked).
    let (s, l) = t.get("/followups?overdue=true", &t.viewer).await;
    assert_eq!(s, 200);
    let rows = l["followups"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{l}");
    assert_eq!(rows[0]["owner"], "marco");
    assert_eq!(rows[0]["overdue"], true);
    let (_, l) = t.get("/followups?owner=PRIYA", &t.viewer).await;
    assert_eq!(
        l["followups"].as_array().unwrap().len(),
        1,
        "owner, any case"
    );
    // Done: no longer open, no longer overdue.
    let fid = f["id"].as_u64().unwrap();
    let (s, e) = patch(
        &t,
        &format!("/followups/{fid}"),
        &t.viewer,
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(s, 403, "{e}");
    let (s, d) = patch(
        &t,
        &format!("/followups/{fid}"),
        &t.responder,
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status"], "done");
    let (_, l) = t.get("/followups?overdue=true", &t.viewer).await;
    assert!(l["followups"].as_array().unwrap().is_empty());
    let (_, l) = t.get("/followups?status=all", &t.viewer).await;
    assert_eq!(l["followups"].as_array().unwrap().len(), 2);
    let (s, _) = patch(&t, "/followups/77", &t.responder, json!({"status": "done"})).await;
    assert_eq!(s, 404);
    let (s, e) = t.get("/followups?status=maybe", &t.viewer).await;
    assert_eq!(s, 400, "{e}");
    let (_, l) = t.get(&path, &t.viewer).await;
    assert_eq!(l["followups"].as_array().unwrap().len(), 2);
}
