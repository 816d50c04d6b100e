//! Two `warroom serve` replicas on one PostgreSQL, as a team runs them
//! behind a load balancer: the change feed, idempotency keys, If-Match,
//! a kill -9 and a database restart all behave as on one server. Each test
//! has a PostgreSQL cluster of its own (it may stop it).

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pg::Cluster;
use common::procs::{BIN, ServerProc, free_port, token};
use serde_json::{Value, json};

struct Pair {
    pg: Cluster,
    db: String,
    tok: String,
    a: ServerProc,
    b: ServerProc,
    http: reqwest::Client,
}

fn pair() -> Pair {
    let pg = Cluster::start();
    let db = pg.fresh_db();
    let tok = token(Path::new(&db), "commander", "ic");
    let a = ServerProc::start(free_port(), Path::new(&db));
    let b = ServerProc::start(free_port(), Path::new(&db));
    Pair {
        pg,
        db,
        tok,
        a,
        b,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
    }
}

impl Pair {
    async fn send(
        &self,
        method: reqwest::Method,
        base: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut r = self
            .http
            .request(method, format!("{base}/api/v1{path}"))
            .bearer_auth(&self.tok);
        if let Some(b) = body {
            r = r.json(&b);
        }
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let h = resp.headers().clone();
        (status, resp.json().await.unwrap_or(Value::Null), h)
    }

    async fn post(&self, base: &str, path: &str, body: Value) -> (u16, Value) {
        let (s, b, _) = self
            .send(reqwest::Method::POST, base, path, Some(body), &[])
            .await;
        (s, b)
    }

    async fn get(&self, base: &str, path: &str) -> (u16, Value) {
        let (s, b, _) = self.send(reqwest::Method::GET, base, path, None, &[]).await;
        (s, b)
    }

    async fn declare(&self, base: &str, title: &str) -> String {
        let (s, b) = self
            .post(
                base,
                "/incidents",
                json!({"title": title, "service": "checkout", "severity": "SEV2"}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["incident"]["id"].as_str().unwrap().to_string()
    }

    async fn revision(&self, base: &str) -> u64 {
        let (s, b) = self.get(base, "/changes?since=0").await;
        assert_eq!(s, 200, "{b}");
        b["revision"].as_u64().unwrap()
    }

    /// Every note of an incident, oldest first, read page by page.
    async fn notes(&self, base: &str, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut after = 0u64;
        loop {
            let (s, b) = self
                .get(
                    base,
                    &format!("/incidents/{id}/timeline?after={after}&limit=500"),
                )
                .await;
            assert_eq!(s, 200, "{b}");
            let events = b["events"].as_array().unwrap();
            if events.is_empty() {
                return out;
            }
            for e in events {
                after = e["seq"].as_u64().unwrap();
                if e["kind"] == "note" {
                    out.push(e["text"].as_str().unwrap().to_string());
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_replica_wakes_a_long_poll_on_the_other() {
    let p = Arc::new(pair());
    let id = p.declare(&p.a.url(), "Wake").await;
    let mut worst = Duration::ZERO;
    for round in 0..5 {
        let since = p.revision(&p.b.url()).await;
        let waiter = {
            let p = p.clone();
            tokio::spawn(async move {
                let (s, b) = p
                    .get(&p.b.url(), &format!("/changes?since={since}&wait=20"))
                    .await;
                (s, b, Instant::now())
            })
        };
        // Let the long-poll reach the server and wait.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (s, _) = p
            .post(
                &p.a.url(),
                &format!("/incidents/{id}/notes"),
                json!({"text": format!("round {round}")}),
            )
            .await;
        let acked = Instant::now();
        assert_eq!(s, 200);
        let (s, b, woke) = waiter.await.unwrap();
        assert_eq!(s, 200, "{b}");
        assert!(b["revision"].as_u64().unwrap() > since, "{b}");
        assert_eq!(b["changed"], json!([id]), "{b}");
        worst = worst.max(woke.saturating_duration_since(acked));
    }
    println!(
        "FIGURES replica-wake: worst {} ms over 5",
        worst.as_millis()
    );
    assert!(
        worst < Duration::from_millis(250),
        "the other replica's long-poll woke {} ms after the write was acknowledged",
        worst.as_millis()
    );
}

#[tokio::test]
async fn an_idempotent_retry_sent_to_the_other_replica_applies_once() {
    let p = pair();
    let id = p.declare(&p.a.url(), "Retry").await;
    let path = format!("/incidents/{id}/notes");
    let key = [("Idempotency-Key", "note-7f3a".to_string())];
    let body = json!({"text": "failing over to the secondary"});
    let (s1, b1, _) = p
        .send(
            reqwest::Method::POST,
            &p.a.url(),
            &path,
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(s1, 200, "{b1}");
    // The load balancer sends the retry elsewhere.
    let (s2, b2, h2) = p
        .send(reqwest::Method::POST, &p.b.url(), &path, Some(body), &key)
        .await;
    assert_eq!(s2, s1);
    assert_eq!(b2, b1, "the retry gets the first answer");
    assert_eq!(h2.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        p.notes(&p.b.url(), &id).await,
        vec!["failing over to the secondary"]
    );
    // The same key for a different request is refused on either replica.
    let (s3, b3, _) = p
        .send(
            reqwest::Method::POST,
            &p.b.url(),
            &path,
            Some(json!({"text": "something else"})),
            &key,
        )
        .await;
    assert_eq!(s3, 422, "{b3}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_patches_on_two_replicas_give_one_200_and_one_412() {
    let p = Arc::new(pair());
    for round in 0..5 {
        let id = p.declare(&p.a.url(), &format!("Race {round}")).await;
        let (_, d) = p.get(&p.b.url(), &format!("/incidents/{id}")).await;
        let version = d["incident"]["version"].as_u64().unwrap();
        let racer = |base: String, title: &'static str| {
            let (p, id) = (p.clone(), id.clone());
            tokio::spawn(async move {
                p.send(
                    reqwest::Method::PATCH,
                    &base,
                    &format!("/incidents/{id}"),
                    Some(json!({ "title": title })),
                    &[("If-Match", format!("\"{version}\""))],
                )
                .await
                .0
            })
        };
        let ra = racer(p.a.url(), "Checkout down (per A)");
        let rb = racer(p.b.url(), "Checkout down (per B)");
        let mut got = vec![ra.await.unwrap(), rb.await.unwrap()];
        got.sort();
        assert_eq!(got, vec![200, 412], "round {round}");
        let (_, d) = p.get(&p.a.url(), &format!("/incidents/{id}")).await;
        assert_eq!(d["incident"]["version"].as_u64().unwrap(), version + 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_one_replica_mid_burst_loses_no_acknowledged_write() {
    let mut p = pair();
    let id = p.declare(&p.a.url(), "Burst").await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for w in 0..4 {
        // Half the writers on each replica.
        let base = if w % 2 == 0 { p.a.url() } else { p.b.url() };
        let (tok, id, acked) = (p.tok.clone(), id.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut sent = 0;
            for i in 0..100_000 {
                let text = format!("burst {w}-{i}");
                sent += 1;
                let r = http
                    .post(format!("{base}/api/v1/incidents/{id}/notes"))
                    .bearer_auth(&tok)
                    .json(&json!({ "text": text }))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => acked.lock().unwrap().push(text),
                    // The killed replica's writers stop at its first failure;
                    // the other replica's stop once the test has seen enough.
                    _ => return sent,
                }
                if w % 2 == 1 && acked.lock().unwrap().len() > 400 {
                    return sent;
                }
            }
            sent
        }));
    }
    let start = Instant::now();
    while acked.lock().unwrap().len() < 100 && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let a = std::mem::replace(&mut p.a, ServerProc::start(free_port(), Path::new(&p.db)));
    a.kill9();
    let mut attempted = 0;
    for t in tasks {
        attempted += t.await.unwrap();
    }
    let stored = p.notes(&p.b.url(), &id).await;
    let acked = acked.lock().unwrap().clone();
    let present: std::collections::HashSet<&String> = stored.iter().collect();
    let lost = acked.iter().filter(|n| !present.contains(n)).count();
    let dup = stored.len() - present.len();
    println!(
        "FIGURES replica-kill-9: attempted {attempted} acknowledged {} stored {} lost {lost} duplicated {dup}",
        acked.len(),
        stored.len()
    );
    assert!(
        acked.len() >= 100,
        "the burst was running ({} acked)",
        acked.len()
    );
    assert_eq!(lost, 0, "an acknowledged write was lost");
    assert_eq!(dup, 0);
    // Nothing half-written either: every stored note was one a writer sent.
    assert!(stored.iter().all(|n| n.starts_with("burst ")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_replicas_survive_a_postgres_restart_during_a_long_poll() {
    let p = Arc::new(pair());
    let id = p.declare(&p.a.url(), "Restart").await;
    let (_, before) = p.get(&p.b.url(), &format!("/incidents/{id}")).await;
    let since = p.revision(&p.a.url()).await;
    let polls: Vec<_> = [p.a.url(), p.b.url()]
        .into_iter()
        .map(|base| {
            let (p, id) = (p.clone(), id.clone());
            tokio::spawn(async move {
                // A console's loop: poll again after an error or a timeout,
                // until the change shows.
                let deadline = Instant::now() + Duration::from_secs(60);
                while Instant::now() < deadline {
                    let (s, b) = p
                        .get(&base, &format!("/changes?since={since}&wait=5"))
                        .await;
                    if s == 200 && b["changed"] == json!([id]) {
                        return b;
                    }
                    if s != 200 {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                panic!("{base}: the change never showed");
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    p.pg.stop();
    // While the database is down: writes are refused at once and clearly,
    // reads already cached are still answered.
    let t0 = Instant::now();
    let (s, b) = p
        .post(
            &p.a.url(),
            &format!("/incidents/{id}/notes"),
            json!({"text": "while down"}),
        )
        .await;
    assert_eq!(s, 503, "{b}");
    assert_eq!(b["error"]["code"], "database_unavailable", "{b}");
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "a write while the database is down took {:?}",
        t0.elapsed()
    );
    let (s, cached) = p.get(&p.b.url(), &format!("/incidents/{id}")).await;
    assert_eq!(s, 200, "a read already cached is served while down");
    assert_eq!(cached, before);
    p.pg.start_again();
    // Recovery by itself: the first write after the restart may meet a
    // dead pooled connection (503), never a hang; a retry succeeds.
    let start = Instant::now();
    loop {
        let (s, b) = p
            .post(
                &p.a.url(),
                &format!("/incidents/{id}/notes"),
                json!({"text": "after the restart"}),
            )
            .await;
        if s == 200 {
            break;
        }
        assert_eq!(s, 503, "{b}");
        assert!(start.elapsed() < Duration::from_secs(30), "never recovered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for poll in polls {
        let b = poll.await.unwrap();
        assert!(b["revision"].as_u64().unwrap() > since);
    }
    assert_eq!(
        p.notes(&p.b.url(), &id).await,
        vec!["after the restart"],
        "the refused write left nothing behind"
    );
}

#[test]
fn a_server_fails_fast_when_postgres_is_unreachable_at_start() {
    let closed = free_port();
    let start = Instant::now();
    let out = std::process::Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .args([
            "--db",
            &format!("postgres://ic:hunter2@127.0.0.1:{closed}/warroom"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(err.contains("cannot reach PostgreSQL"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{closed}")), "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
}

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
                        let got = st.claim_due(due, 2).unwrap();
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
    let http = reqwest::Client::new();
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
    let out = std::process::Command::new(BIN)
        .args(["token", "revoke", "ic", "--db", &p.db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    let pg = Cluster::start();
    let db = pg.fresh_db();
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
    let tok = token(Path::new(&db), "commander", "ic");
    let a = ServerProc::start_with(free_port(), Path::new(&db), Some(&config));
    let b = ServerProc::start_with(free_port(), Path::new(&db), Some(&config));
    let p = Pair {
        pg,
        db,
        tok,
        a,
        b,
        http: reqwest::Client::new(),
    };
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
