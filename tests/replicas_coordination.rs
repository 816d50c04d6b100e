//! What replicas on one PostgreSQL coordinate through it: automation
//! fires once, each notification is sent once, guesses share one limit, a
//! revocation holds everywhere, a runbook action runs on one replica at a
//! time, and both engines migrate alike.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::pg::Cluster;
use common::procs::{BIN, warroom_ok};
use common::replicas::{pair, pair_with};
use serde_json::json;

/// Both replicas run the automation on their own timers: a reminder due
/// on an incident fires once, and the notification it queues is sent by
/// one of them, not both.
#[test]
fn automation_and_notifications_fire_once_across_replicas() {
    use chrono::{Duration as Minutes, Utc};
    use warroom::model::wire::DeclareRequest;
    use warroom::model::{Actor, ActorRole, Policy, RunbookSet, Severity, declare};
    use warroom::server::Store;
    use warroom::server::automation::{Automation, AutomationConfig, run_once};
    use warroom::server::store::{next_id, save};

    let pg = Cluster::start();
    let db = pg.fresh_db();
    let replicas: Vec<Arc<Store>> = (0..2)
        .map(|_| Arc::new(Store::open_postgres(&db).unwrap()))
        .collect();
    let start = Utc::now();
    let ic = Actor {
        handle: "ic".into(),
        role: ActorRole::Commander,
    };
    const INCIDENTS: usize = 12;
    for n in 0..INCIDENTS {
        replicas[n % 2]
            .write(None, |tx| {
                let req = DeclareRequest {
                    title: format!("Checkout outage {n}"),
                    service: "checkout".into(),
                    severity: Severity::Sev1,
                    summary: String::new(),
                    commander: None,
                    tags: vec![],
                };
                let checklists = RunbookSet::default().for_service("checkout").checklists();
                let d = declare(next_id(tx)?, req, &ic, checklists, start)?;
                save(tx, &d, 0, None)?;
                Ok((201, String::new()))
            })
            .unwrap();
    }
    let notify: warroom::server::notify::NotifyConfig = serde_json::from_value(json!({
        "targets": [{"name": "chat", "kind": "slack", "url": "http://127.0.0.1:9/hook",
                     "events": ["reminder"]}]
    }))
    .unwrap();
    let automations: Vec<Automation> = replicas
        .iter()
        .map(|s| Automation {
            store: s.clone(),
            cfg: AutomationConfig {
                reminders: true,
                ..Default::default()
            },
            policy: Policy::default(),
            notify: Arc::new(notify.clone()),
            wake: Arc::default(),
        })
        .collect();
    // Both replicas' timers go off at the same moment, 31 minutes in
    // (a SEV1 owes a stakeholder update every 30).
    let due = start + Minutes::minutes(31);
    let barrier = std::sync::Barrier::new(2);
    let fired: usize = std::thread::scope(|s| {
        let runs: Vec<_> = automations
            .iter()
            .map(|a| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    run_once(a, due).unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).sum()
    });
    assert_eq!(fired, INCIDENTS, "one reminder per incident across both");
    for n in 1..=INCIDENTS as u64 {
        let d = replicas[0].detail(warroom::model::IncidentId(n)).unwrap();
        let reminders = d
            .timeline
            .iter()
            .filter(|e| serde_json::to_value(&e.kind).unwrap()["kind"] == "automation")
            .count();
        assert_eq!(reminders, 1, "INC-{n}");
    }
    // The two senders claim the queued notifications at once: each goes
    // to exactly one of them.
    let claimed: Vec<Vec<i64>> = std::thread::scope(|s| {
        let claims: Vec<_> = replicas
            .iter()
            .map(|st| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let mut mine = Vec::new();
                    loop {
                        let got = st.claim_due("chat", due, 2).unwrap();
                        if got.is_empty() {
                            return mine;
                        }
                        mine.extend(got.iter().map(|d| d.id));
                    }
                })
            })
            .collect();
        claims.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let mut all: Vec<i64> = claimed.concat();
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "a notification was claimed by both replicas");
    assert_eq!(n, INCIDENTS, "every notification was claimed once");
    println!(
        "FIGURES replica-claims: {} and {} of {n}",
        claimed[0].len(),
        claimed[1].len()
    );
}

/// A guesser spreading bad tokens over both replicas gets one budget
/// (20 a minute), not one per replica; a valid token is never refused.
#[tokio::test]
async fn guesses_spread_over_two_replicas_share_one_limit() {
    let p = pair();
    let http = warroom::tls::client();
    let mut first_refused = None;
    for n in 1..=30 {
        let base = if n % 2 == 0 { p.a.url() } else { p.b.url() };
        let s = http
            .get(format!("{base}/api/v1/incidents"))
            .bearer_auth(format!("wr_guess_{n}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(s == 401 || s == 429, "{s}");
        if s == 429 && first_refused.is_none() {
            first_refused = Some(n);
        }
    }
    // Each replica saw 15 guesses, under its own limit of 20: only the
    // shared count refuses.
    assert_eq!(first_refused, Some(21), "the 21st guess overall is refused");
    for base in [p.a.url(), p.b.url()] {
        let (s, _) = p.get(&base, "/incidents").await;
        assert_eq!(s, 200, "a valid token still works on {base}");
    }
}

/// A token revoked on the shared database stops working on every replica
/// within the token cache's 2 seconds.
#[tokio::test]
async fn a_revoked_token_stops_on_every_replica() {
    let p = pair();
    for base in [p.a.url(), p.b.url()] {
        assert_eq!(p.get(&base, "/incidents").await.0, 200);
    }
    warroom_ok(&["token", "revoke", "ic", "--db", &p.db]);
    let revoked = Instant::now();
    for base in [p.a.url(), p.b.url()] {
        loop {
            let (s, _) = p.get(&base, "/incidents").await;
            if s == 401 {
                break;
            }
            assert_eq!(s, 200);
            assert!(
                revoked.elapsed() < Duration::from_secs(3),
                "{base} still takes the revoked token"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// `warroom migrate` brings either engine to this binary's schema and says
/// so; a database from a newer warroom is refused, not written to.
#[test]
fn migrate_reports_the_schema_and_refuses_a_newer_database() {
    let pg = Cluster::start();
    let url = pg.fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.db");
    let run = |db: &str| {
        std::process::Command::new(BIN)
            .args(["migrate", "--db", db])
            .output()
            .unwrap()
    };
    let on_pg = run(&url);
    let on_sqlite = run(file.to_str().unwrap());
    for out in [&on_pg, &on_sqlite] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let said = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(said(&on_pg).contains("schema version"), "{}", said(&on_pg));
    let version = |s: String| {
        s.split("schema version ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        version(said(&on_pg)),
        version(said(&on_sqlite)),
        "the same steps on both"
    );
    // Twice is harmless.
    assert!(run(&url).status.success());
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute("UPDATE schema_version SET version = 99")
        .unwrap();
    let newer = run(&url);
    assert!(!newer.status.success());
    let err = String::from_utf8_lossy(&newer.stderr);
    assert!(err.contains("newer than this warroom"), "{err}");
}

/// A runbook action runs on one replica at a time per incident: started
/// through one, a second start through the other is refused until the
/// first has ended (the lease is in the shared database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runbook_action_runs_on_one_replica_at_a_time() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("slow.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho draining\n/bin/sleep 2\necho drained\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let runbooks = dir.path().join("runbooks");
    std::fs::create_dir(&runbooks).unwrap();
    std::fs::write(
        runbooks.join("default.toml"),
        "name = \"default\"\ninvestigation = [{ text = \"Drain the node\", action = \"drain\" }]\n",
    )
    .unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            "runbooks = \"{}\"\n\n[[actions]]\nname = \"drain\"\nprogram = \"{}\"\ntimeout_seconds = 30\n",
            runbooks.display(),
            script.display()
        ),
    )
    .unwrap();
    let p = pair_with(Some(&config));
    let id = p.declare(&p.a.url(), "Drain").await;
    let (s, prev) = p
        .get(
            &p.a.url(),
            &format!("/incidents/{id}/actions/preview?phase=investigation&item=0"),
        )
        .await;
    assert_eq!(s, 200, "{prev}");
    let run = |base: String| {
        let body = json!({"phase": "investigation", "item": 0, "confirm": prev["digest"]});
        let p = &p;
        let id = id.clone();
        async move {
            p.post(&base, &format!("/incidents/{id}/actions"), body)
                .await
        }
    };
    let (s, first) = run(p.a.url()).await;
    assert_eq!(s, 202, "{first}");
    let (s, second) = run(p.b.url()).await;
    assert_eq!(s, 409, "{second}");
    assert_eq!(second["error"]["code"], "already_running", "{second}");
    // A console whose polls land on the other replica watches it all the
    // same: the lines as they come, then the end.
    let watch = format!("/incidents/{id}/actions/runs/{}", first["run"]);
    let mut after = 0;
    let mut seen = Vec::new();
    let start = Instant::now();
    let last = loop {
        let (s, out) = p
            .get(&p.b.url(), &format!("{watch}?after={after}&wait=5"))
            .await;
        assert_eq!(s, 200, "{out}");
        for l in out["lines"].as_array().unwrap() {
            seen.push(l["text"].as_str().unwrap().to_string());
        }
        after = out["next"].as_u64().unwrap();
        if out["state"] != "running" {
            break out;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{out}");
    };
    assert_eq!(seen, vec!["draining", "drained"], "{last}");
    assert_eq!(last["state"]["ended"], "succeeded", "{last}");
    assert_eq!(last["exit_code"], 0, "{last}");
    // The same run as the replica running it knows it.
    let (_, there) = p.get(&p.a.url(), &format!("{watch}?after=0")).await;
    assert_eq!(
        there["lines"],
        json!([
            {"n": 1, "stream": "stdout", "text": "draining"},
            {"n": 2, "stream": "stdout", "text": "drained"}
        ])
    );
    // Once the first has ended (its end is on the timeline), the other
    // replica may run it.
    let start = Instant::now();
    loop {
        let (_, tl) = p
            .get(&p.b.url(), &format!("/incidents/{id}/timeline"))
            .await;
        let ended = tl["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "runbook_action_finished" || e["kind"] == "action_finished");
        if ended {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{tl}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (s, third) = run(p.b.url()).await;
    assert_eq!(s, 202, "{third}");
}

/// Replicas share the database's `max_connections`: however many requests
/// arrive at once, one server holds at most its 16 connections (plus its
/// change listener), and the requests beyond them wait their turn.
#[test]
fn a_replica_never_holds_more_than_its_share_of_connections() {
    use warroom::server::Store;
    use warroom::server::store::PG_MAX_CONNECTIONS;
    let pg = Cluster::start();
    let db = pg.fresh_db();
    let store = Store::open_postgres(&db).unwrap();
    let peak = std::sync::atomic::AtomicI64::new(0);
    std::thread::scope(|s| {
        for _ in 0..48 {
            s.spawn(|| {
                store
                    .read(|c| {
                        let n = c
                            .row(
                                "SELECT COUNT(*) AS n FROM pg_stat_activity \
                                 WHERE application_name = 'warroom'",
                                &[],
                            )?
                            .unwrap()
                            .get::<i64>("n")?;
                        peak.fetch_max(n, std::sync::atomic::Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(150));
                        Ok(())
                    })
                    .unwrap();
            });
        }
    });
    let peak = peak.into_inner();
    println!("FIGURES pool-peak: {peak} connections for 48 requests at once");
    assert!(peak > 1, "requests ran one at a time ({peak})");
    assert!(
        peak <= PG_MAX_CONNECTIONS as i64 + 1,
        "{peak} connections open (cap {PG_MAX_CONNECTIONS} and the listener)"
    );
}
