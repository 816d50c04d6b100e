//! The server under many clients, on loopback, in one process:
//! - detail `304`s and `200`s under 100 connections, beside a minimal axum
//!   server measured in the same run (the floor for this machine);
//! - one automation pass over every active incident;
//! - durable writes per second (each note committed with fsync, WAL);
//! - 1,000 held long-polls: the memory they cost and how long one write
//!   takes to answer them all.
//!
//! `cargo bench --bench scale` (a smoke run under `cargo test` shows the
//! figures without checking them).

use std::time::{Duration, Instant};

use serde_json::json;
mod support;

use support::{minimal_axum, rate, seed_incidents, start, write_rate};

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn run(full: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let (incidents, secs, polls) = if full {
        (10_000, 3.0, 1_000)
    } else {
        (50, 0.5, 50)
    };
    {
        let s = warroom::server::Store::open(&db).unwrap();
        seed_incidents(&s, incidents);
    }
    let (srv, tok) = start(&db).await;
    let base = srv.base_url();
    let http = warroom::tls::client();

    // One automation pass over every active incident (the server makes
    // one every 15 s): reminders, unacknowledged and unanswered pages, with
    // a responder paged on every tenth incident.
    for i in (1..=incidents).step_by(10) {
        let r = http
            .post(format!("{base}/api/v1/incidents/INC-{i}/responders"))
            .bearer_auth(&tok)
            .json(&json!({"action": "page", "handle": format!("oncall-{i}")}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
    let auto = warroom::server::automation::Automation {
        store: srv.store.clone(),
        cfg: serde_json::from_value(json!({
            "reminders": true,
            "unacknowledged_minutes": {"SEV1": 5, "SEV2": 15},
            "page_unanswered_minutes": 10,
            "escalation_chain": ["secondary", "manager"]
        }))
        .unwrap(),
        policy: Default::default(),
        notify: Default::default(),
        wake: Default::default(),
    };
    let mut passes = Vec::new();
    for _ in 0..5 {
        let a = &auto;
        let t = Instant::now();
        std::thread::scope(|s| {
            s.spawn(|| warroom::server::automation::run_once(a, chrono::Utc::now()).unwrap())
                .join()
                .unwrap()
        });
        passes.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    passes.sort_by(f64::total_cmp);
    println!(
        "automation pass over {incidents} active incidents ({} paged): median {:.0} ms, worst {:.0} ms (every 15 s)",
        incidents.div_ceil(10),
        passes[2],
        passes[4]
    );

    // Detail: 304s and 200s, beside the floor.
    let url = format!("{base}/api/v1/incidents/INC-1");
    let r = http.get(&url).bearer_auth(&tok).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let floor_url = minimal_axum().await;
    let d304 = rate(&url, Some(&etag), &tok, 100, secs, 304).await;
    let f304 = rate(&floor_url, Some("\"v1\""), &tok, 100, secs, 304).await;
    let d200 = rate(&url, None, &tok, 100, secs, 200).await;
    let f200 = rate(&floor_url, None, &tok, 100, secs, 200).await;
    println!(
        "detail 304, 100 connections: {d304:.0}/s; minimal axum {f304:.0}/s; ratio {:.2}",
        d304 / f304
    );
    println!(
        "detail 200, 100 connections: {d200:.0}/s; minimal axum {f200:.0}/s; ratio {:.2}",
        d200 / f200
    );

    // Durable writes: 8 writers, one note each request, each committed.
    let writes = write_rate(&base, &tok, 8, secs).await;
    println!("durable writes (notes, 8 writers): {writes:.0}/s");

    // Held long-polls: memory for them, and one write answering them all.
    let before = rss_mib();
    let rev = srv.store.revision();
    let mut held = Vec::new();
    for _ in 0..polls {
        let (base, tok) = (base.clone(), tok.clone());
        held.push(tokio::spawn(async move {
            let http = warroom::tls::client();
            let r = http
                .get(format!("{base}/api/v1/changes?since={rev}&wait=30"))
                .bearer_auth(&tok)
                .send()
                .await;
            let ok = matches!(&r, Ok(r) if r.status() == 200);
            if let Ok(r) = r {
                let _ = r.bytes().await;
            }
            (ok, Instant::now())
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held_mib = rss_mib() - before;
    let t = Instant::now();
    let _ = http
        .post(format!("{base}/api/v1/incidents/INC-1/notes"))
        .bearer_auth(&tok)
        .json(&json!({"text": "wake"}))
        .send()
        .await
        .unwrap();
    let mut answered = 0;
    let mut last = Duration::ZERO;
    for h in held {
        let (ok, at) = h.await.unwrap();
        if ok {
            answered += 1;
            last = last.max(at.saturating_duration_since(t));
        }
    }
    println!(
        "{polls} held long-polls: {held_mib:.1} MiB for them (clients and server in one process); \
         one write answered {answered} of them, the last after {:.1} ms",
        last.as_secs_f64() * 1000.0
    );
    srv.stop().await;
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(full));
    if !full || cfg!(debug_assertions) {
        println!("(smoke run: figures shown)");
    }
}
