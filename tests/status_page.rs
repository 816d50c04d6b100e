//! The public status page and the updates that feed it, on a real server:
//! only incidents a commander made public are shown, with their public
//! updates only (never notes, internal updates, responders' names or the
//! timeline); hostile text arrives as text in HTML, JSON and Atom; the
//! resolution update must state whether data was lost; answers are cached
//! and revalidated.

mod common;

use common::TestServer;
use serde_json::{Value, json};

async fn page(t: &TestServer, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let r = t
        .http
        .get(format!("{}{path}", t.server.base_url()))
        .send()
        .await
        .unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    (s, r.text().await.unwrap(), h)
}

async fn ok(t: &TestServer, path: &str, token: &str, body: Value) -> Value {
    let (s, b) = t.post(path, token, body).await;
    assert_eq!(s, 200, "{path}: {b}");
    b
}

#[tokio::test(flavor = "multi_thread")]
async fn only_what_a_commander_made_public_reaches_the_status_page() {
    let t = TestServer::start().await;
    let id = t
        .declare("db-primary OOM on pg-7 (acme corp)", "SEV1")
        .await;
    let quiet = t.declare("internal-only: ldap slow", "SEV2").await;
    let hostile = common::hostile::all();

    // Before anything is public the page is calm, and says so.
    let (s, html, h) = page(&t, "/status").await;
    assert_eq!(s, 200);
    assert!(html.contains("All systems operational"), "{html}");
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );

    // A public update sent before the switch is shown once it is public;
    // notes and internal updates never are.
    ok(
        &t,
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": "We are investigating errors at checkout.", "audience": "public"}),
    )
    .await;
    ok(
        &t,
        &format!("/incidents/{id}/notes"),
        &t.responder,
        json!({"text": "NOTE-SECRET: pg-7 root password rotated"}),
    )
    .await;
    ok(
        &t,
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": "INTERNAL-SECRET: acme corp escalated", "audience": "internal"}),
    )
    .await;
    ok(
        &t,
        &format!("/incidents/{id}/impact"),
        &t.commander,
        json!({"customers_affected": 1200, "scope": "EU", "components": [
            {"name": "Checkout", "condition": "major_outage"},
            {"name": "API", "condition": "degraded"}]}),
    )
    .await;

    // Who may flip the switch, and what it needs.
    for who in [&t.responder, &t.viewer] {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/public"),
                who,
                json!({"public": true, "title": "Checkout errors"}),
            )
            .await;
        assert_eq!(s, 403, "{b}");
    }
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/public"),
            &t.commander,
            json!({"public": true}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("title"),
        "{b}"
    );
    let (s, _, _) = page(&t, "/status.json").await;
    assert_eq!(s, 200);
    let b = ok(&t, &format!("/incidents/{id}/public"), &t.commander,
        json!({"public": true, "title": format!("Checkout errors {}", common::hostile::CORPUS[..2].join(" "))})).await;
    assert_eq!(
        b["incident"]["public"]["title"]
            .as_str()
            .unwrap()
            .lines()
            .count(),
        1,
        "{b}"
    );
    ok(
        &t,
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": format!("Rolling back. {hostile}"), "audience": "public"}),
    )
    .await;

    // The switch is on the timeline.
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let published: Vec<&Value> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "published")
        .collect();
    assert_eq!(published.len(), 1, "{d}");
    assert_eq!(published[0]["author"], "alice");

    // Wait out the page's rebuild interval, then read all three forms.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (_, json_text, _) = page(&t, "/status.json").await;
    let j: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(j["overall"], "major_outage", "{j}");
    let active = j["active"].as_array().unwrap();
    assert_eq!(active.len(), 1, "only the public one: {j}");
    assert_eq!(active[0]["id"], id.as_str());
    let texts: Vec<&str> = active[0]["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].starts_with("Rolling back.") && texts[1].starts_with("We are investigating"));
    let (_, html, _) = page(&t, "/status").await;
    let (_, atom, h) = page(&t, "/status.atom").await;
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    for doc in [&json_text, &html, &atom] {
        for never in [
            "NOTE-SECRET",
            "INTERNAL-SECRET",
            "pg-7",
            "acme",
            "alice",
            "bob",
            &quiet,
        ] {
            assert!(!doc.contains(never), "{never} leaked:\n{doc}");
        }
    }
    for doc in [&html, &atom] {
        assert!(!doc.contains("<script>") && !doc.contains("<img") && !doc.contains("<svg"));
        assert!(!doc.contains("]]><!--") && !doc.contains('\u{1b}'), "{doc}");
        assert!(doc.contains("&lt;script&gt;"), "{doc}");
    }
    assert!(
        html.contains("Checkout") && html.contains("Major outage"),
        "{html}"
    );
    // The Atom feed is well-formed enough for a reader: one entry per update.
    assert_eq!(atom.matches("<entry>").count(), 2, "{atom}");

    // Revalidation: the same answer is a 304.
    let (_, _, h) = page(&t, "/status").await;
    let etag = h["etag"].to_str().unwrap().to_string();
    let r = t
        .http
        .get(format!("{}/status", t.server.base_url()))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 304);

    // Taken off the page: gone from it, and that is on the timeline too.
    ok(
        &t,
        &format!("/incidents/{id}/public"),
        &t.commander,
        json!({"public": false}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (_, json_text, _) = page(&t, "/status.json").await;
    let j: Value = serde_json::from_str(&json_text).unwrap();
    assert!(j["active"].as_array().unwrap().is_empty(), "{j}");
    assert_eq!(j["overall"], "operational");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolution_update_must_say_whether_data_was_lost() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout errors", "SEV1").await;
    ok(
        &t,
        &format!("/incidents/{id}/public"),
        &t.commander,
        json!({"public": true, "title": "Checkout errors"}),
    )
    .await;
    // Asked for by name on an active incident...
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/updates"),
            &t.commander,
            json!({"text": "Fixed.", "stage": "resolution", "audience": "public"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("data was lost"),
        "{b}"
    );
    // ...or implied once the incident is resolved.
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
            &format!("/incidents/{id}/updates"),
            &t.commander,
            json!({"text": "Fixed.", "audience": "public", "data_loss": "   "}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    // Nothing was recorded by the refusals.
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert!(
        !d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "stakeholder_update")
    );
    let b = ok(
        &t,
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": "Checkout is working again.", "audience": "public",
               "data_loss": "No data was lost; no lingering impact."}),
    )
    .await;
    assert_eq!(b["incident"]["updates_sent"], 1, "{b}");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let u = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "stakeholder_update")
        .unwrap()
        .clone();
    assert_eq!(u["stage"], "resolution");
    assert_eq!(u["data_loss"], "No data was lost; no lingering impact.");
    // The page puts it in the history with its statement.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (_, j, _) = page(&t, "/status.json").await;
    let j: Value = serde_json::from_str(&j).unwrap();
    assert!(j["active"].as_array().unwrap().is_empty(), "{j}");
    let h = &j["history"][0];
    assert_eq!(h["state"], "resolved", "{j}");
    assert_eq!(
        h["updates"][0]["data_loss"],
        "No data was lost; no lingering impact."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_status_page_needs_no_token_and_says_no_to_writes() {
    let t = TestServer::start().await;
    let r = t
        .http
        .post(format!("{}/status", t.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    // The API itself still wants a token.
    let r = t.http.get(t.url("/incidents")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}
