//! Replay through the API: `GET /incidents/{id}/at` answers, at every
//! event, exactly the incident the server answered live just after it;
//! across snapshots, by time and by phase; bad queries get a 400 that
//! names the parameter.

mod common;

use common::TestServer;
use serde_json::{Value, json};

/// The state without the timeline (which is a page, compared apart).
fn state(detail: &Value) -> Value {
    let mut d = detail.clone();
    d.as_object_mut().unwrap().remove("timeline");
    d
}

async fn live(t: &TestServer, id: &str) -> Value {
    let (s, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
    assert_eq!(s, 200, "{d}");
    d
}

/// PATCH, as a client does: with the version it read.
async fn patch(t: &TestServer, id: &str, body: Value) -> (u16, String) {
    let version = live(t, id).await["incident"]["version"].as_u64().unwrap();
    let r = t
        .req(
            reqwest::Method::PATCH,
            &format!("/incidents/{id}"),
            &t.commander,
        )
        .header("If-Match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn at(t: &TestServer, id: &str, query: &str) -> Value {
    let (s, r) = t
        .get(&format!("/incidents/{id}/at?{query}"), &t.commander)
        .await;
    assert_eq!(s, 200, "{query}: {r}");
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_replays_to_the_state_the_server_answered_then() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV2").await;
    let writes: Vec<(&str, Value)> = vec![
        (
            "responders",
            json!({"action": "page", "handle": "bob", "role": "subject_matter_expert"}),
        ),
        (
            "transition",
            json!({"to": "acknowledged", "force": true, "reason": "test"}),
        ),
        (
            "hypotheses",
            json!({"action": "add", "text": "the 14:00 deploy"}),
        ),
        ("", json!({"severity": "SEV1", "title": "Checkout down"})),
        (
            "tasks",
            json!({"action": "add", "title": "roll back", "owner": "bob", "due": "10m"}),
        ),
        (
            "transition",
            json!({"to": "investigating", "force": true, "reason": "test"}),
        ),
        ("notes", json!({"text": "rollback running"})),
        (
            "hypotheses",
            json!({"action": "confirm", "hypothesis": 1, "why": "errors stopped"}),
        ),
        (
            "updates",
            json!({"text": "Checkout is failing; rolling back."}),
        ),
    ];
    let mut seen = vec![(1u64, state(&live(&t, &id).await))];
    for (route, body) in writes {
        let (s, b) = if route.is_empty() {
            patch(&t, &id, body).await
        } else {
            let (s, b) = t
                .post(&format!("/incidents/{id}/{route}"), &t.commander, body)
                .await;
            (s, b.to_string())
        };
        assert!(s < 300, "{route}: {s} {b}");
        let d = live(&t, &id).await;
        let seq = d["incident"]["last_seq"].as_u64().unwrap();
        seen.push((seq, state(&d)));
    }
    for (seq, want) in &seen {
        let r = at(&t, &id, &format!("seq={seq}")).await;
        assert_eq!(r["seq"], *seq);
        assert_eq!(&state(&r["detail"]), want, "at seq {seq}");
        let tl = r["detail"]["timeline"].as_array().unwrap();
        assert_eq!(
            tl.last().unwrap()["seq"],
            *seq,
            "the timeline ends at the seq"
        );
        assert_eq!(r["at"], tl.last().unwrap()["at"]);
    }
    // Before the severity change it was SEV2; after, SEV1.
    let sev = |r: &Value| {
        r["detail"]["incident"]["severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(sev(&at(&t, &id, "seq=4").await), "SEV2");
    assert_eq!(
        sev(&at(&t, &id, &format!("seq={}", seen[4].0)).await),
        "SEV1"
    );
    // The edit wrote two events at one instant (severity, title): either
    // of its seqs is the state after it, and says where it began.
    let (edit_last, edit_first) = (seen[4].0, seen[3].0 + 1);
    assert_eq!(edit_last, edit_first + 1, "the edit wrote two events");
    let r = at(&t, &id, &format!("seq={edit_first}")).await;
    assert_eq!(r["seq"].as_u64(), Some(edit_last));
    assert_eq!(r["first_of_change"].as_u64(), Some(edit_first));
    // Past the end and before the start are clamped, and say so.
    let last = seen.last().unwrap().0;
    let r = at(&t, &id, "seq=999999").await;
    assert_eq!(
        (r["seq"].as_u64(), r["last_seq"].as_u64()),
        (Some(last), Some(last))
    );
    let r = at(&t, &id, "seq=0").await;
    assert_eq!(
        (r["seq"].as_u64(), r["first_seq"].as_u64()),
        (Some(1), Some(1))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn phases_minutes_and_times_step_where_the_incident_changed() {
    let t = TestServer::start().await;
    let id = t.declare("Queue backlog", "SEV3").await;
    for i in 0..3 {
        t.post(
            &format!("/incidents/{id}/notes"),
            &t.commander,
            json!({"text": format!("n{i}")}),
        )
        .await;
    }
    t.walk(&id, &["acknowledged"]).await;
    let ack = live(&t, &id).await["incident"]["last_seq"]
        .as_u64()
        .unwrap();
    t.post(
        &format!("/incidents/{id}/notes"),
        &t.commander,
        json!({"text": "after"}),
    )
    .await;
    let r = at(&t, &id, "seq=1&step=next-phase").await;
    assert_eq!(r["seq"].as_u64(), Some(ack));
    assert_eq!(r["detail"]["incident"]["status"], "acknowledged");
    let r = at(&t, &id, &format!("seq={}&step=prev-phase", ack + 1)).await;
    assert_eq!(r["seq"].as_u64(), Some(ack), "back to the phase change");
    let r = at(&t, &id, &format!("seq={ack}&step=prev-phase")).await;
    assert_eq!(
        r["seq"].as_u64(),
        Some(1),
        "no earlier phase change: the start"
    );
    // Everything happened within a minute: a minute on is the end.
    let r = at(&t, &id, "seq=1&step=next-minute").await;
    assert_eq!(r["seq"], r["last_seq"]);
    // A time before the declaration is the first state; now is the last.
    let r = at(&t, &id, "time=2001-01-01T00:00:00Z").await;
    assert_eq!(r["seq"].as_u64(), Some(1));
    assert_eq!(r["detail"]["incident"]["status"], "triggered");
    let now = (chrono::Utc::now() + chrono::Duration::seconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let r = at(&t, &id, &format!("time={}", now.replace('+', "%2B"))).await;
    assert_eq!(r["seq"], r["last_seq"]);
    // A viewer replays too.
    let (s, _) = t.get(&format!("/incidents/{id}/at?seq=2"), &t.viewer).await;
    assert_eq!(s, 200);
    for (q, says) in [
        ("seq=1&time=2001-01-01T00:00:00Z", "not both"),
        ("", "give `seq`"),
        ("seq=1&step=sideways", "next-phase"),
        ("time=yesterday", "RFC 3339"),
        ("seq=-3", "seq"),
        ("seq=1&color=red", "unknown query parameter"),
    ] {
        let (s, b) = t
            .get(&format!("/incidents/{id}/at?{q}"), &t.commander)
            .await;
        assert_eq!(s, 400, "{q}: {b}");
        assert!(b.to_string().contains(says), "{q}: {b}");
    }
    let (s, _) = t.get("/incidents/INC-999/at?seq=1", &t.commander).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_crosses_snapshots_and_matches_the_live_answers() {
    let t = TestServer::start().await;
    let id = t.declare("Long incident", "SEV2").await;
    let mut want = Vec::new();
    // Past two snapshots (every 500 events), with changes on the way.
    for i in 0..1_150u32 {
        if i == 620 {
            t.walk(&id, &["acknowledged"]).await;
        } else if i == 1_010 {
            let (s, b) = patch(&t, &id, json!({"severity": "SEV1"})).await;
            assert_eq!(s, 200, "{b}");
        } else {
            let (s, _) = t
                .post(
                    &format!("/incidents/{id}/notes"),
                    &t.commander,
                    json!({"text": format!("n{i}")}),
                )
                .await;
            assert!(s < 300, "{s}");
        }
        if [0, 499, 500, 501, 619, 620, 621, 999, 1_009, 1_010, 1_149].contains(&i) {
            let d = live(&t, &id).await;
            want.push((d["incident"]["last_seq"].as_u64().unwrap(), state(&d)));
        }
    }
    for (seq, w) in &want {
        let r = at(&t, &id, &format!("seq={seq}")).await;
        assert_eq!(&state(&r["detail"]), w, "at seq {seq}");
    }
}
