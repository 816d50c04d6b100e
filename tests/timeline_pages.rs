//! Timeline pages by position through the real client: from the start,
//! around a sequence number, and from a time found by binary search, on a
//! real server; and a backend that ignores the query is not believed.

mod common;

use common::TestServer;
use serde_json::json;
use warroom::client::pages::{PageAt, page_at};
use warroom::client::{self, Token};
use warroom::model::IncidentId;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_by_number_and_by_time_on_a_real_server() {
    let t = TestServer::start().await;
    let id = t.declare("Long incident", "SEV3").await;
    for n in 0..700 {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.commander,
                json!({"text": format!("note {n}")}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let (reader, _) =
        client::connect(&t.server.base_url(), Some(Token::new(&t.commander)), None).unwrap();
    let inc: IncidentId = id.parse().unwrap();

    let first = page_at(&reader, inc, PageAt::After(0)).await.unwrap();
    let seqs: Vec<u64> = first.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    assert_eq!(first.last_seq, 701);

    let around = page_at(&reader, inc, PageAt::After(449)).await.unwrap();
    assert_eq!(around.events.first().unwrap().seq, 450);
    let before = page_at(&reader, inc, PageAt::Before(450)).await.unwrap();
    assert_eq!(before.events.last().unwrap().seq, 449);

    // Every event's time as the server recorded it; for several moments,
    // the page starts at the first event recorded at or after it.
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let p = page_at(&reader, inc, PageAt::After(after)).await.unwrap();
        let Some(last) = p.events.last() else { break };
        after = last.seq;
        all.extend(p.events);
    }
    assert_eq!(all.len(), 701);
    for probe in [1usize, 137, 450, 700] {
        let moment = all[probe - 1].at;
        let p = page_at(&reader, inc, PageAt::Time(moment)).await.unwrap();
        let got = p.events.first().unwrap();
        let want = all.iter().find(|e| e.at >= moment).unwrap();
        assert_eq!(got.seq, want.seq, "at {moment}");
    }
    // After the newest event: an empty page, not an error.
    let late = all.last().unwrap().at + chrono::Duration::seconds(1);
    let p = page_at(&reader, inc, PageAt::Time(late)).await.unwrap();
    assert!(p.events.is_empty());
}

/// A backend that ignores `after` and `limit` (always the first 200): the
/// client keeps only what was asked for, and the time search ends.
#[tokio::test]
async fn a_backend_ignoring_the_query_is_not_believed() {
    use axum::routing::get;
    let start = chrono::Utc::now();
    let events: Vec<serde_json::Value> = (1..=200u64)
        .map(|seq| {
            json!({"seq": seq, "at": (start + chrono::Duration::seconds(seq as i64)).to_rfc3339(),
                   "author": "x", "kind": "note", "text": format!("n{seq}")})
        })
        .collect();
    let body = json!({"incident": "INC-1", "last_seq": 1000, "events": events});
    let app = axum::Router::new().route(
        "/api/v1/incidents/{id}/timeline",
        get(move || {
            let body = body.clone();
            async move { axum::Json(body) }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let (reader, _) = client::connect(&url, Some(Token::new("t")), None).unwrap();

    let p = page_at(&reader, IncidentId(1), PageAt::After(500))
        .await
        .unwrap();
    assert!(p.events.is_empty(), "nothing after 500 was given");
    let p = page_at(&reader, IncidentId(1), PageAt::After(150))
        .await
        .unwrap();
    assert_eq!(p.events.first().map(|e| e.seq), Some(151));
    // The search ends (and lands past what the backend really has).
    let p = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        page_at(
            &reader,
            IncidentId(1),
            PageAt::Time(start + chrono::Duration::hours(1)),
        ),
    )
    .await
    .expect("the search ends")
    .unwrap();
    assert!(p.events.is_empty());
}
