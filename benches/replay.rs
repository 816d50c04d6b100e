//! Replay at size: one incident of 100,000 timeline events written through
//! the server's own write path (one save per change, so the journal and
//! the snapshots every `SNAPSHOT_EVERY` events are what a real server
//! keeps), then stepped through as the console does: 300 steps back one
//! change from the newest, 300 reads at random seqs, 100 phase steps.
//!
//! `cargo bench --bench replay` (100,000 events; without `--bench`, a
//! smoke run of 5,000). Targets at 100,000: a step's p99 under 50 ms in
//! the store and under 100 ms over HTTP
//! (interactive: the console asks once per key), and the process's
//! resident size grows under 50 MB while stepping (the work of a step is
//! bounded by the snapshot interval, not the history).

use std::time::{Duration, Instant};

mod support;

use chrono::Utc;
use warroom::model::replay::{ReplayAt, Step};
use warroom::model::state_doc::{HypothesisAction, TaskAction};
use warroom::model::wire::DeclareRequest;
use warroom::model::{Action, IncidentId, RunbookSet, Severity, Status, apply, declare};
use warroom::server::Store;
use warroom::server::store::{next_id, save};

/// The change written as event `i`: mostly notes, with the rest of an
/// incident's life mixed in.
fn change(i: u64) -> Action {
    match i % 1000 {
        10 => Action::Hypothesis(HypothesisAction::Add {
            text: format!("hypothesis from event {i}"),
            evidence: vec![],
        }),
        20 => Action::Task(TaskAction::Add {
            title: format!("task from event {i}"),
            owner: Some("bob".into()),
            due: Some("30m".into()),
        }),
        30 => Action::Transition {
            to: if (i / 1000).is_multiple_of(2) {
                Status::Investigating
            } else {
                Status::Identified
            },
            force: true,
            reason: Some("bench".into()),
        },
        _ => Action::Note {
            text: format!("note {i}: connection pool at 98% on payments-db-{}", i % 7),
            written_at: None,
        },
    }
}

fn seed(s: &Store, events: u64) -> IncidentId {
    let start = Utc::now() - chrono::Duration::days(3);
    let mut d = None;
    s.write(None, |tx| {
        let req = DeclareRequest {
            title: "Checkout 502s for 38% of requests".into(),
            service: "checkout".into(),
            severity: Severity::Sev1,
            summary: String::new(),
            commander: None,
            tags: vec![],
        };
        let created = declare(
            next_id(tx)?,
            req,
            &support::alice(),
            RunbookSet::default().for_service("x").checklists(),
            start,
        )?;
        save(tx, &created, 0, None)?;
        d = Some(created);
        Ok((200, String::new()))
    })
    .unwrap();
    let mut d = d.unwrap();
    let id = d.incident.id;
    let mut i = 1;
    while i < events {
        s.write(None, |tx| {
            for _ in 0..500 {
                if i >= events {
                    break;
                }
                let known = d.incident.last_seq;
                // A change a second, so minutes mean something.
                let at = start + chrono::Duration::seconds(i as i64);
                // Refused changes (a transition the state does not allow)
                // are skipped, as the server would answer 409.
                if apply(&mut d, change(i), &support::alice(), at).is_ok() {
                    save(tx, &d, known, None)?;
                }
                d.timeline.clear();
                d.journal = Default::default();
                i = d.incident.last_seq.max(i + 1);
            }
            Ok((200, String::new()))
        })
        .unwrap();
    }
    id
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let events: u64 = if full { 100_000 } else { 5_000 };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replay.db");
    let s = Store::open(&db).unwrap();
    let t = Instant::now();
    let id = seed(&s, events);
    let last = s.state_at(id, ReplayAt::Seq(u64::MAX)).unwrap().last_seq;
    println!(
        "seeded {last} events in {:.1} s; database {:.0} MB",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
    let before = rss_mb();
    let mut times = Vec::new();
    // Back one change at a time from the newest, as `[` does.
    let mut st = s.state_at(id, ReplayAt::Seq(last)).unwrap();
    for _ in 0..300 {
        let t = Instant::now();
        st = s
            .state_at(id, ReplayAt::Seq(st.first_of_change - 1))
            .unwrap();
        times.push(t.elapsed());
    }
    // Anywhere in the history.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let seq = 1 + x % last;
        let t = Instant::now();
        let st = s.state_at(id, ReplayAt::Seq(seq)).unwrap();
        times.push(t.elapsed());
        assert!(st.seq >= seq && st.seq <= last);
    }
    // By phase, from the start.
    let mut from = 1;
    for _ in 0..100 {
        let t = Instant::now();
        let st = s
            .state_at(
                id,
                ReplayAt::Step {
                    from,
                    step: Step::NextPhase,
                },
            )
            .unwrap();
        times.push(t.elapsed());
        from = st.seq;
    }
    let after = rss_mb();
    let (p50, p99, max) = (
        pct(&mut times, 0.50),
        pct(&mut times, 0.99),
        *times.iter().max().unwrap(),
    );
    println!(
        "replay of a {last}-event incident, {} steps: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         resident {before:.0} MB before stepping, {after:.0} MB after",
        times.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
    );
    // The same steps as the console takes them: over HTTP to a server on
    // this database (the answer is the state and a page of the timeline).
    drop(s);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut http_times = rt.block_on(async {
        let (srv, tok) = support::start(&db).await;
        let http = warroom::tls::client();
        let mut seq = last;
        let mut v = Vec::new();
        for _ in 0..200 {
            let url = format!("http://{}/api/v1/incidents/{id}/at?seq={seq}", srv.addr);
            let t = Instant::now();
            let r = http.get(&url).bearer_auth(&tok).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let body: serde_json::Value = r.json().await.unwrap();
            v.push(t.elapsed());
            seq = body["first_of_change"]
                .as_u64()
                .unwrap()
                .saturating_sub(1)
                .max(1);
        }
        v
    });
    let http_p99 = pct(&mut http_times, 0.99);
    println!(
        "over HTTP, 200 steps back: p50 {:.1} ms, p99 {:.1} ms",
        pct(&mut http_times, 0.50).as_secs_f64() * 1e3,
        http_p99.as_secs_f64() * 1e3
    );
    if full
        && (p99 > Duration::from_millis(50)
            || http_p99 > Duration::from_millis(100)
            || after - before > 50.0)
    {
        println!("TARGET MISSED: p99 under 50 ms (100 ms over HTTP), resident growth under 50 MB");
        std::process::exit(1);
    }
}
