//! The curated timeline through the API: a responder tags, pins and
//! corrects events of a closed incident; a viewer cannot; a tag outside
//! the policy's set is refused naming the set; the audit is on the
//! timeline and in the postmortem, whose narrative is the pinned events
//! at their corrected times; replay shows the curation as it stood; the
//! postmortem's JSON carries every duration's definition.

mod common;

use common::TestServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn tags_pins_and_corrections_make_the_postmortem_narrative() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV2").await;
    for text in ["pool at 98%", "rolled back 4.2", "CDN looked fine"] {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": text}),
            )
            .await;
        assert!(s < 300, "{b}");
    }
    t.walk(
        &id,
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
    let curate = |token: String, body: serde_json::Value| {
        let t = &t;
        let id = id.clone();
        async move {
            t.post(&format!("/incidents/{id}/curate"), &token, body)
                .await
        }
    };
    // Closed, and still curated: the review happens now.
    let (s, b) = curate(t.responder.clone(), json!({"action": "pin", "seq": 3})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = curate(
        t.responder.clone(),
        json!({"action": "tag", "seq": 3, "tags": ["mitigation"]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = curate(
        t.responder.clone(),
        json!({"action": "tag", "seq": 4, "tags": ["red-herring"]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
    let rollback_at: chrono::DateTime<chrono::Utc> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"] == 3)
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .unwrap();
    let earlier = rollback_at - chrono::Duration::minutes(4);
    let (s, b) = curate(
        t.responder.clone(),
        json!({"action": "correct", "seq": 3, "at": earlier, "why": "typed in late from the bridge"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Refusals, each with its reason.
    let (s, b) = curate(t.viewer.clone(), json!({"action": "pin", "seq": 2})).await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = curate(
        t.responder.clone(),
        json!({"action": "tag", "seq": 2, "tags": ["blame"]}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("red-herring"), "names the set: {b}");
    let (s, b) = curate(t.responder.clone(), json!({"action": "pin", "seq": 999})).await;
    assert_eq!(s, 422, "{b}");
    let (s, _) = curate(t.responder.clone(), json!({"action": "paint", "seq": 2})).await;
    assert!(s == 400 || s == 422, "{s}");
    // The record: curation in the state, the audit on the timeline, the
    // original event untouched.
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
    let c = &d["state"]["curation"]["3"];
    assert_eq!(c["pinned"], true);
    assert_eq!(c["tags"], json!(["mitigation"]));
    assert_eq!(c["corrections"][0]["by"], "bob");
    assert_eq!(c["corrections"][0]["why"], "typed in late from the bridge");
    let tl = d["timeline"].as_array().unwrap();
    assert_eq!(
        tl.iter().find(|e| e["seq"] == 3).unwrap()["at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        rollback_at,
        "the original stays on the record"
    );
    let audit: Vec<&str> = tl
        .iter()
        .filter(|e| e["kind"] == "curated")
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert!(audit[3].starts_with("corrected time to "), "{audit:?}");
    // The postmortem's narrative: the pinned event at its corrected time,
    // with who corrected it and why; a timeline per tag.
    let md = t
        .get_text(&format!("/incidents/{id}/postmortem"), &t.viewer)
        .await;
    let narrative = md
        .split("## Narrative")
        .nth(1)
        .unwrap_or_else(|| panic!("{md}"))
        .split("\n## ")
        .next()
        .unwrap();
    assert!(
        narrative.contains(&earlier.format("`%H:%M:%S`").to_string()),
        "{narrative}"
    );
    assert!(narrative.contains("rolled back 4.2"), "{narrative}");
    assert!(narrative.contains("corrected by bob"), "{narrative}");
    assert!(
        narrative.contains("typed in late from the bridge"),
        "{narrative}"
    );
    assert!(
        !narrative.contains("CDN looked fine"),
        "only pins: {narrative}"
    );
    assert!(
        md.contains("### red-herring") && md.contains("### mitigation"),
        "{md}"
    );
    // Its JSON carries each duration's definition.
    let (_, j) = t
        .get(
            &format!("/incidents/{id}/postmortem?format=json"),
            &t.viewer,
        )
        .await;
    let defs = j["definitions"].as_array().unwrap();
    assert_eq!(defs.len(), 6);
    assert!(
        defs.iter()
            .all(|d| d["from"].is_string() && d["to"].is_string())
    );
    assert!(j["durations_seconds"]["customer_impact"].is_number(), "{j}");
    // Replay shows the curation as it stood: before the pin, none.
    let pin_seq = tl.iter().find(|e| e["kind"] == "curated").unwrap()["seq"]
        .as_u64()
        .unwrap();
    let (_, before) = t
        .get(
            &format!("/incidents/{id}/at?seq={}", pin_seq - 1),
            &t.commander,
        )
        .await;
    assert!(before["detail"]["state"]["curation"].is_null(), "{before}");
    let (_, after) = t
        .get(&format!("/incidents/{id}/at?seq={pin_seq}"), &t.commander)
        .await;
    assert_eq!(after["detail"]["state"]["curation"]["3"]["pinned"], true);
}

/// A pin past the first 5,000 events (what a postmortem's timeline covers)
/// still makes the narrative.
#[tokio::test(flavor = "multi_thread")]
async fn a_pin_past_the_covered_timeline_is_in_the_narrative() {
    use warroom::model::{Action, Actor, ActorRole, apply};
    let t = TestServer::start().await;
    let id = t.declare("Long incident", "SEV2").await;
    let iid: warroom::model::IncidentId = id.parse().unwrap();
    common::off_runtime(|| {
        let alice = Actor {
            handle: "alice".into(),
            role: ActorRole::Commander,
        };
        for chunk in 0..11 {
            t.server
                .store
                .write(None, |tx| {
                    let mut d = warroom::server::store::load_for_write(tx, iid)?;
                    for n in 0..500 {
                        let known = d.incident.last_seq;
                        let note = Action::Note {
                            text: format!("note {}", chunk * 500 + n),
                            written_at: None,
                        };
                        apply(&mut d, note, &alice, chrono::Utc::now())?;
                        warroom::server::store::save(tx, &d, known, None)?;
                        d.timeline.clear();
                    }
                    Ok((200, String::new()))
                })
                .unwrap();
        }
    });
    t.walk(
        &id,
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ],
    )
    .await;
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/curate"),
            &t.responder,
            json!({"action": "pin", "seq": 5_400}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let md = t
        .get_text(&format!("/incidents/{id}/postmortem"), &t.viewer)
        .await;
    assert!(
        md.contains("The first 5000 of"),
        "the timeline is cut: {}",
        &md[..2000]
    );
    let narrative = md
        .split("## Narrative")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(
        narrative.contains("note 5398") && narrative.contains("(#5400)"),
        "{narrative}"
    );
}
