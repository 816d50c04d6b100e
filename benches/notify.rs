//! Notifications with a hung target beside a healthy one: the delay from a
//! declaration's answer to its message at the healthy target, for 100 new
//! incidents, with and without a target that accepts and never answers
//! (hardening round three, finding 4: before, a median of 14.8 s).
//!
//! `cargo bench --bench notify` (a smoke run under `cargo test` uses 20
//! incidents). Target: the median with a hung target within 0.5 s and the
//! worst within 2 s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use warroom::server::DbLocation;
use warroom::server::notify::NotifyConfig;

mod support;

type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

/// A sink that notes when each incident's message arrived, or never answers.
async fn sink(hang: bool) -> (String, Arrivals) {
    let got: Arrivals = Arc::default();
    let g = got.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let g = g.clone();
            async move {
                if hang {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                let text = String::from_utf8_lossy(&body).to_string();
                if let Some(id) = text.split_whitespace().nth(1) {
                    g.lock()
                        .unwrap()
                        .entry(id.to_string())
                        .or_insert_with(Instant::now);
                }
                "ok"
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    (format!("http://{addr}/hook"), got)
}

/// Delays (seconds) at the healthy target for `n` declarations.
async fn delays(n: usize, with_hung: bool) -> Vec<f64> {
    let (ok_url, arrivals) = sink(false).await;
    let mut targets = vec![serde_json::json!(
        {"name": "chat", "kind": "slack", "url": ok_url, "events": ["declared"]}
    )];
    if with_hung {
        let (hung_url, _) = sink(true).await;
        targets.push(serde_json::json!(
            {"name": "hung", "kind": "slack", "url": hung_url, "events": ["declared"]}
        ));
    }
    let notify: NotifyConfig =
        serde_json::from_value(serde_json::json!({"targets": targets})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (srv, tok) =
        support::start_notifying(DbLocation::File(dir.path().join("bench.db")), notify).await;
    let http = warroom::tls::client();
    let mut sent = Vec::new();
    for i in 0..n {
        let r: serde_json::Value = http
            .post(format!("{}/api/v1/incidents", srv.base_url()))
            .bearer_auth(&tok)
            .json(&serde_json::json!({"title": format!("outage {i}"), "service": "x", "severity": "SEV2"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        sent.push((
            r["incident"]["id"].as_str().unwrap().to_string(),
            Instant::now(),
        ));
        // One new incident every 20 ms: an alert storm, not one burst.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrivals.lock().unwrap().len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got = arrivals.lock().unwrap().clone();
    srv.stop().await;
    sent.iter()
        .map(|(id, at)| {
            got.get(id)
                .map_or(60.0, |t| t.saturating_duration_since(*at).as_secs_f64())
        })
        .collect()
}

fn median_max(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], *v.last().unwrap())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 100 } else { 20 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (alone_med, alone_max) = median_max(rt.block_on(delays(n, false)));
    let (hung_med, hung_max) = median_max(rt.block_on(delays(n, true)));
    println!(
        "healthy target's delay for {n} new incidents (declare answered -> message received):"
    );
    println!("  alone:                 median {alone_med:.3} s, max {alone_max:.3} s");
    println!("  beside a hung target:  median {hung_med:.3} s, max {hung_max:.3} s");
    if full && (hung_med > 0.5 || hung_max > 2.0) {
        println!("TARGET MISSED: median within 0.5 s and max within 2 s beside a hung target");
        std::process::exit(1);
    }
}
