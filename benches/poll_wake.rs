//! A write's own answer time while long-polls are held on the change feed:
//! a real `warroom serve` process (this build), N clients each holding
//! `GET /changes?wait=60` (re-polling after every answer, as consoles do),
//! and 20 notes written one after another; the answer time of each note
//! (median and worst), for 0, 1,000 and 5,000 held polls. Before (third
//! performance run): 58-85 ms with 1,000 held polls.
//!
//! `cargo bench --bench poll_wake` (a smoke run under `cargo test` holds
//! 100 polls). Target: the median with 1,000 held polls within 10 ms.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod support;

fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain queries and settings of this process's own limit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// A server with room for 5,000 held polls (the default cap is 4,096
/// connections).
fn serve(dir: &std::path::Path) -> support::ServerProcess {
    let config = dir.join("server.toml");
    std::fs::write(&config, "[limits]\nmax_connections = 10000\n").unwrap();
    support::ServerProcess::start(&dir.join("poll.db"), Some(&config), "commander")
}

/// Holds `n` long-polls (from several loopback addresses: the server caps
/// connections per address) until `stop`.
fn hold_polls(
    n: usize,
    base: &str,
    tok: &str,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let clients: Vec<reqwest::Client> = (0..n.div_ceil(400))
        .map(|i| {
            warroom::tls::client_builder()
                .local_address(std::net::IpAddr::from([127, 0, 1, (i + 1) as u8]))
                .pool_max_idle_per_host(usize::MAX)
                .timeout(Duration::from_secs(90))
                .build()
                .unwrap()
        })
        .collect();
    (0..n)
        .map(|i| {
            let (http, base, tok, stop) = (
                clients[i / 400].clone(),
                base.to_string(),
                tok.to_string(),
                stop.clone(),
            );
            tokio::spawn(async move {
                let mut since = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let url = format!("{base}/api/v1/changes?since={since}&wait=60");
                    match http.get(&url).bearer_auth(&tok).send().await {
                        Ok(r) => {
                            if let Ok(v) = r.json::<serde_json::Value>().await {
                                since = v["revision"].as_u64().unwrap_or(since);
                            }
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
            })
        })
        .collect()
}

/// Median and worst answer time (ms) of 20 notes written one by one.
async fn writes(s: &support::ServerProcess, polls: usize) -> (f64, f64) {
    let http = warroom::tls::client();
    let r: serde_json::Value = http
        .post(format!("{}/api/v1/incidents", s.base))
        .bearer_auth(&s.tok)
        .json(&serde_json::json!({"title": "held polls", "service": "x", "severity": "SEV3"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["incident"]["id"].as_str().unwrap().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let held = hold_polls(polls, &s.base, &s.tok, stop.clone());
    // Let every poll arrive and wait.
    tokio::time::sleep(Duration::from_millis(1500 + polls as u64 / 2)).await;
    // The writer on a thread and runtime of its own, so the time measured
    // is the server's, not this process's busy poll clients'.
    let (base, tok) = (s.base.clone(), s.tok.clone());
    let mut times = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let http = warroom::tls::client();
            let mut times = Vec::new();
            for i in 0..20 {
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/incidents/{id}/notes"))
                    .bearer_auth(&tok)
                    .json(&serde_json::json!({"text": format!("note {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                // The polls answer, re-poll and wait again before the next write.
                tokio::time::sleep(Duration::from_millis(300 + polls as u64 / 2)).await;
            }
            times
        })
    })
    .await
    .unwrap();
    stop.store(true, Ordering::Relaxed);
    for h in held {
        h.abort();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], *times.last().unwrap())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    raise_fd_limit();
    let sizes: &[usize] = if full { &[0, 1_000, 5_000] } else { &[0, 100] };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut missed = false;
    for &n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let s = serve(dir.path());
        let (med, worst) = rt.block_on(writes(&s, n));
        println!(
            "a note's answer with {n} held long-polls: median {med:.1} ms, worst {worst:.1} ms"
        );
        if full && n == 1_000 && med > 10.0 {
            missed = true;
        }
    }
    if missed {
        println!("TARGET MISSED: a write's answer within 10 ms (median) with 1,000 held polls");
        std::process::exit(1);
    }
}
