//! The server's memory around `GET /stats`: a real `warroom serve` process
//! (release build) on a SQLite file seeded with N closed incidents; its
//! resident size before, at the peak of, and after 8 concurrent stats
//! requests over the whole history (`since=all`), for 10,000 and 50,000
//! incidents. Before (third performance run): 17 -> 433-497 MB at 10,000,
//! and it stayed there.
//!
//! `cargo bench --bench stats_memory` (a smoke run under `cargo test`
//! uses 1,000 incidents). Target: memory
//! after the requests within 30 MB of before, and the peak under 150 MB at
//! 10,000 incidents.

use std::time::Duration;

mod support;

use chrono::Utc;
use warroom::model::wire::DeclareRequest;
use warroom::model::{Action, Actor, ActorRole, RunbookSet, Severity, Status, apply, declare};
use warroom::server::Store;
use warroom::server::store::{next_id, save};

fn seed(db: &std::path::Path, n: usize) {
    let s = Store::open(db).unwrap();
    let ic = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    for chunk in 0..n.div_ceil(1000) {
        s.write(None, |tx| {
            for i in chunk * 1000..((chunk + 1) * 1000).min(n) {
                let req = DeclareRequest {
                    title: format!("incident {i}: checkout latency over SLO in eu-west"),
                    service: format!("svc-{}", i % 37),
                    severity: Severity::ALL[i % 5],
                    summary: "Error rate above 5% for 10 minutes. ".repeat(20),
                    commander: None,
                    tags: vec!["latency".into()],
                };
                let mut d = declare(
                    next_id(tx)?,
                    req,
                    &ic,
                    RunbookSet::default().for_service("x").checklists(),
                    Utc::now() - chrono::Duration::days(30),
                )?;
                for to in [
                    Status::Acknowledged,
                    Status::Investigating,
                    Status::Identified,
                    Status::Contained,
                    Status::Resolved,
                    Status::Verified,
                    Status::Closed,
                ] {
                    let t = Action::Transition {
                        to,
                        force: true,
                        reason: Some("seed".into()),
                    };
                    apply(&mut d, t, &ic, Utc::now())?;
                }
                save(tx, &d, 0, None)?;
            }
            Ok((200, String::new()))
        })
        .unwrap();
    }
}

/// Resident and peak resident size of a process, in MB.
fn rss(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn measure(n: usize) -> (f64, f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stats.db");
    seed(&db, n);
    let server = support::ServerProcess::start(&db, None, "viewer");
    let tok = server.tok.clone();
    let pid = server.child.id();
    let url = format!("{}/api/v1/stats?since=all", server.base);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let figures = rt.block_on(async {
        let http = warroom::tls::client();
        for _ in 0..200 {
            if http.get(&url).bearer_auth(&tok).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (before, _) = rss(pid);
        let mut all = Vec::new();
        for _ in 0..8 {
            let (http, url, tok) = (http.clone(), url.clone(), tok.clone());
            all.push(tokio::spawn(async move {
                let r = http.get(&url).bearer_auth(&tok).send().await.unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap().len()
            }));
        }
        for a in all {
            a.await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (after, peak) = rss(pid);
        (before, peak, after)
    });
    drop(server);
    figures
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if full { &[10_000, 50_000] } else { &[1_000] };
    let mut missed = false;
    for &n in sizes {
        let (before, peak, after) = measure(n);
        println!(
            "server RSS around 8 concurrent stats requests over {n} closed incidents: \
             before {before:.0} MB, peak {peak:.0} MB, after {after:.0} MB"
        );
        if full && n == 10_000 && (after - before > 30.0 || peak > 150.0) {
            missed = true;
        }
    }
    if missed {
        println!("TARGET MISSED: after within 30 MB of before, peak under 150 MB at 10,000");
        std::process::exit(1);
    }
}
