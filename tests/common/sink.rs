//! Local HTTP sinks for notification targets, misbehaving as real ones
//! do (fail, hang), and waiting for what they receive.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

use super::TestServer;

#[derive(Clone, Default)]
pub struct Sink {
    pub got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// Answer 500 to this many requests first.
    pub fail_first: usize,
    /// Never answer.
    pub hang: bool,
}

pub async fn start_sink(sink: Sink) -> String {
    let s = sink.clone();
    let app = Router::new().route(
        "/hook/{secret_path}",
        post(move |headers: HeaderMap, body: Bytes| {
            let s = s.clone();
            async move {
                if s.hang {
                    tokio::time::sleep(Duration::from_secs(120)).await;
                }
                let n = {
                    let mut got = s.got.lock().unwrap();
                    got.push((headers, body));
                    got.len()
                };
                if n <= s.fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    format!("http://{addr}/hook/PATH-IS-A-SECRET")
}

pub async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn deliveries(t: &TestServer, id: &str) -> Vec<Value> {
    let (s, body) = t
        .get(&format!("/incidents/{id}/deliveries"), &t.viewer)
        .await;
    assert_eq!(s, 200, "{body}");
    body.as_array().unwrap().clone()
}
