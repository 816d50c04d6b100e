//! The poller asks only for what changed: an idle console costs one
//! long-poll per wait, and one change arrives as one message.

mod common;

use std::time::Duration;

use common::TestServer;
use serde_json::json;
use tokio::sync::{mpsc, watch};
use warroom::client::poller::{self, Feed, PollConfig};
use warroom::client::{Token, connect};
use warroom::model::IncidentId;

/// Requests the server has counted for a route (from /metrics).
async fn count(t: &TestServer, route: &str) -> u64 {
    let m = t
        .http
        .get(format!("{}/metrics", t.server.base_url()))
        .bearer_auth(&t.viewer)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    m.lines()
        .filter(|l| l.starts_with(&format!("warroom_http_requests_total{{route=\"{route}\",")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

async fn next(rx: &mut mpsc::Receiver<Feed>) -> Feed {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Feed::Alive(_))) => continue,
            Ok(Some(f)) => return f,
            other => panic!("no message: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_idle_poller_only_long_polls_and_a_change_comes_as_one_message() {
    let t = TestServer::start().await;
    let id = t.declare("watched", "SEV2").await;
    t.declare("other", "SEV3").await;
    let (reader, _) = connect(
        &t.server.base_url(),
        Some(Token::new(t.viewer.clone())),
        None,
    )
    .unwrap();
    let watched: IncidentId = id.parse().unwrap();
    let (_wtx, wrx) = watch::channel(vec![watched]);
    let (tx, mut rx) = mpsc::channel(16);
    tokio::spawn(poller::run(
        reader,
        PollConfig {
            wait: Duration::from_secs(1),
            max_backoff: Duration::from_secs(1),
            open_list: false,
            ..PollConfig::default()
        },
        wrx,
        tx,
    ));
    assert!(matches!(next(&mut rx).await, Feed::List { incidents, .. } if incidents.len() == 2));
    assert!(matches!(next(&mut rx).await, Feed::Detail { .. }));
    // Idle for three waits: only the long-poll is asked.
    tokio::time::sleep(Duration::from_millis(3_300)).await;
    let lists = count(&t, "/api/v1/incidents").await;
    let details = count(&t, "/api/v1/incidents/{id}").await;
    let changes = count(&t, "/api/v1/changes").await;
    assert_eq!(
        (lists, details),
        (3, 1),
        "2 declares + 1 list read; 1 detail"
    );
    assert!((2..=5).contains(&changes), "{changes} long-polls in 3.3 s");
    // One change: the changed incident's summary and the watched detail
    // in one message.
    t.post(
        &format!("/incidents/{id}/notes"),
        &t.responder,
        json!({"text": "hi"}),
    )
    .await;
    match next(&mut rx).await {
        Feed::Changed {
            changed,
            summaries,
            details,
            ..
        } => {
            assert_eq!(changed, vec![watched]);
            assert_eq!(summaries.len(), 1);
            assert_eq!(details.len(), 1);
            assert!(
                details[0]
                    .timeline
                    .iter()
                    .any(|e| e.kind.describe() == "hi")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count(&t, "/api/v1/incidents").await,
        4,
        "one summaries read (ids=)"
    );
}
