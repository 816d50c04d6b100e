//! List revalidation under `wrk -t2 -c100` (a load generator outside this
//! process, which the in-process client of `--bench server` is not: it
//! tops out near the server's own rate), against a minimal axum server
//! that only compares an ETag, at 10,000 incidents. Three alternating
//! rounds of each; the ratio of the medians.
//!
//! `cargo bench --bench wrk_ratio` (scripts/bench.sh installs wrk when it
//! is missing; a smoke run under `cargo test` runs 1 s rounds when wrk is
//! there). Target: ratio >= 0.5.

use std::process::Command;

mod support;

fn wrk(url: &str, tok: &str, etag: &str, secs: u32) -> f64 {
    let out = Command::new("wrk")
        .args(["-t2", "-c100", &format!("-d{secs}s")])
        .args(["-H", &format!("Authorization: Bearer {tok}")])
        .args(["-H", &format!("If-None-Match: {etag}")])
        .arg(url)
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk's output: {text}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("skipped: wrk is not installed (apt-get install wrk; scripts/bench.sh does)");
        if full {
            std::process::exit(1);
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wrk.db");
    support::seed_incidents(&warroom::server::Store::open(&db).unwrap(), 10_000);
    // The servers on a runtime of their own, two workers as on these cores.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (srv, tok, floor) = rt.block_on(async {
        let (srv, tok) = support::start(&db).await;
        (srv, tok, support::minimal_axum().await)
    });
    let list = format!("{}/api/v1/incidents?limit=500", srv.base_url());
    let etag = rt.block_on(async {
        let r = warroom::tls::client()
            .get(&list)
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        r.headers()["etag"].to_str().unwrap().to_string()
    });
    let secs = if full { 4 } else { 1 };
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..if full { 3 } else { 1 } {
        ours.push(wrk(&list, &tok, &etag, secs));
        bare.push(wrk(&floor, &tok, "\"v1\"", secs));
    }
    let (o, b) = (median(ours.clone()), median(bare.clone()));
    println!(
        "list 304 at 10,000 incidents under wrk -t2 -c100: {o:.0}/s; minimal axum {b:.0}/s; \
         ratio {:.2} (rounds: ours {ours:.0?}, axum {bare:.0?}; target >= 0.5)",
        o / b
    );
    rt.block_on(srv.stop());
    if full && o / b < 0.5 {
        println!("TARGET MISSED: list 304 ratio under wrk >= 0.5");
        std::process::exit(1);
    }
}
