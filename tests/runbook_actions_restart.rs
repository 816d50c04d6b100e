//! Runbook actions across a server's end (hardening round three, finding
//! 6): a real `warroom serve` runs a long program; the server is stopped
//! with SIGTERM, or killed with SIGKILL and started again. The program
//! never outlives its run unrecorded: it is killed, its end is written
//! (`interrupted`), and the action can be started again at once.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::procs::{ServerProc, free_port, token};
use serde_json::{Value, json};

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
    pidfile: PathBuf,
    tok: String,
}

/// A server config whose `hang` action starts a child and sleeps (an hour
/// of timeout: before, a dead run locked the action for 61 minutes).
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pidfile = d.join("child.pid");
    let script = d.join("hang.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n/bin/sleep 300 &\necho $! > {}\necho started\n/bin/sleep 300\n",
            pidfile.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let runbooks = d.join("runbooks");
    std::fs::create_dir(&runbooks).unwrap();
    std::fs::write(
        runbooks.join("default.toml"),
        "name = \"default\"\ninvestigation = [ { text = \"Drain\", action = \"hang\" } ]\n",
    )
    .unwrap();
    let config = d.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "runbooks = \"{}\"\n\n[[actions]]\nname = \"hang\"\nprogram = \"{}\"\ntimeout_seconds = 3600\n",
            runbooks.display(),
            script.display()
        ),
    )
    .unwrap();
    let db = d.join("server.db");
    let tok = token(&db, "commander", "ic");
    Setup {
        _dir: dir,
        db,
        config,
        pidfile,
        tok,
    }
}

/// The tests drive real processes with blocking waits; HTTP goes through
/// a runtime of their own.
fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn http() -> reqwest::Client {
    warroom::tls::client_builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn get(url: &str, tok: &str) -> Value {
    block(async {
        http()
            .get(url)
            .bearer_auth(tok)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

fn declare(base: &str, tok: &str) -> String {
    let r: Value = block(async {
        http()
            .post(format!("{base}/api/v1/incidents"))
            .bearer_auth(tok)
            .json(&json!({"title": "Drain stuck", "service": "checkout", "severity": "SEV2"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    r["incident"]["id"].as_str().unwrap().to_string()
}

/// Starts the action as the preview shows it; returns the status.
fn start(base: &str, tok: &str, id: &str) -> u16 {
    let p = get(
        &format!("{base}/api/v1/incidents/{id}/actions/preview?phase=investigation&item=0"),
        tok,
    );
    let digest = p["digest"].as_str().unwrap_or_default().to_string();
    block(async {
        http()
            .post(format!("{base}/api/v1/incidents/{id}/actions"))
            .bearer_auth(tok)
            .header("Idempotency-Key", format!("start-{}", rand_key()))
            .json(&json!({"phase": "investigation", "item": 0, "confirm": digest}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

fn rand_key() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only asks.
    unsafe { libc::kill(pid, 0) == 0 }
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let t = Instant::now();
    while !done() {
        assert!(t.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
    t.elapsed()
}

/// The child the program started, once it has (and the lease knows the
/// program: the heartbeat records it within a moment of the start).
fn child_pid(pidfile: &Path, db: &str) -> i32 {
    wait_until("the program to start", Duration::from_secs(10), || {
        std::fs::read_to_string(pidfile).is_ok_and(|s| !s.trim().is_empty())
    });
    wait_until(
        "the lease to record the program",
        Duration::from_secs(20),
        || lease_knows_its_program(db),
    );
    std::fs::read_to_string(pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Whether the action's lease holds its program's process (the heartbeat
/// records it once the program started), on SQLite or PostgreSQL.
fn lease_knows_its_program(db: &str) -> bool {
    let sql = "SELECT COUNT(*) FROM action_leases WHERE pid IS NOT NULL";
    if db.starts_with("postgres") {
        let Ok(mut c) = postgres::Client::connect(db, postgres::NoTls) else {
            return false;
        };
        c.query_one(sql, &[]).is_ok_and(|r| r.get::<_, i64>(0) > 0)
    } else {
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|n| n > 0)
    }
}

fn finished(base: &str, tok: &str, id: &str) -> Option<Value> {
    let d = get(&format!("{base}/api/v1/incidents/{id}"), tok);
    d["timeline"]
        .as_array()?
        .iter()
        .find(|e| e["kind"] == "action_finished")
        .cloned()
}

#[test]
fn sigterm_ends_the_run_and_records_it() {
    let s = setup();
    let port = free_port();
    let server = ServerProc::start_with(port, &s.db, Some(&s.config));
    let base = server.url();
    let id = declare(&base, &s.tok);
    assert_eq!(start(&base, &s.tok, &id), 202);
    let child = child_pid(&s.pidfile, s.db.to_str().unwrap());
    assert!(alive(child));
    // SAFETY: a signal to the child process we started.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
    let mut server = server;
    let exited = server.child.wait().unwrap();
    assert!(exited.success() || exited.code().is_some(), "{exited:?}");
    wait_until("the program's group to die", Duration::from_secs(5), || {
        !alive(child)
    });
    let again = ServerProc::start_with(port, &s.db, Some(&s.config));
    let end = finished(&again.url(), &s.tok, &id).expect("the end is on the timeline");
    assert_eq!(end["outcome"], "interrupted", "{end}");
    assert_eq!(start(&again.url(), &s.tok, &id), 202, "free to run again");
}

#[test]
fn after_kill_9_the_restarted_server_kills_the_orphan_and_frees_the_action() {
    let s = setup();
    let port = free_port();
    let server = ServerProc::start_with(port, &s.db, Some(&s.config));
    let base = server.url();
    let id = declare(&base, &s.tok);
    assert_eq!(start(&base, &s.tok, &id), 202);
    let child = child_pid(&s.pidfile, s.db.to_str().unwrap());
    server.kill9();
    assert!(alive(child), "the program outlives a killed server");
    let again = ServerProc::start_with(port, &s.db, Some(&s.config));
    let restarted = Instant::now();
    let base = again.url();
    wait_until("the orphan's end", Duration::from_secs(20), || {
        finished(&base, &s.tok, &id).is_some()
    });
    let end = finished(&base, &s.tok, &id).unwrap();
    assert_eq!(end["outcome"], "interrupted", "{end}");
    assert!(
        end["output"].as_str().unwrap().contains("was killed"),
        "{end}"
    );
    wait_until("the program's group to die", Duration::from_secs(5), || {
        !alive(child)
    });
    assert_eq!(start(&base, &s.tok, &id), 202, "free to run again");
    println!(
        "after kill -9 and a restart, the action was free again in {:.1} s (timeout 3600 s)",
        restarted.elapsed().as_secs_f64()
    );
}

/// The heartbeat path, for a replica on another host (which this host
/// cannot see or kill): a lease whose heartbeat stopped is ended by the
/// sweep, saying the program could not be reached.
#[tokio::test(flavor = "multi_thread")]
async fn a_lease_whose_heartbeat_stopped_is_ended_by_the_sweep() {
    use warroom::server::store::action_leases::{self, RunInfo, STALE_S};
    let t = common::TestServer::start_with_actions(
        warroom::model::RunbookSet::default().with(
            warroom::model::Runbook::parse(
                "t",
                "name = \"default\"\ninvestigation = [ { text = \"Drain\", action = \"hang\" } ]\n",
            )
            .unwrap(),
        ),
        vec![warroom::server::actions::ActionDef {
            name: "hang".into(),
            program: Some("/bin/true".into()),
            timeout_seconds: 3600,
            ..Default::default()
        }],
    )
    .await;
    let id = t.declare("Other host", "SEV2").await;
    // A start recorded by a server on another host, which then vanished.
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.commander,
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let store = t.server.store.clone();
    let iid: warroom::model::IncidentId = id.parse().unwrap();
    common::off_runtime(move || {
        store
            .write(None, |tx| {
                let now = chrono::Utc::now().timestamp();
                action_leases::take_action_lease(
                    tx,
                    iid,
                    "hang",
                    "far-away-host:999999:abcdef run 4242",
                    now - 3 * STALE_S,
                    now + 3600,
                    &RunInfo {
                        run: 4242,
                        phase: warroom::model::Phase::Investigation,
                        item: 0,
                        handle: "alice".into(),
                        role: warroom::model::ActorRole::Commander,
                        started_s: now - 3 * STALE_S,
                    },
                )?;
                action_leases::beat(
                    tx,
                    iid,
                    "hang",
                    "far-away-host:999999:abcdef run 4242",
                    now - 3 * STALE_S,
                    Some((12345, 67890)),
                )?;
                Ok((200, String::new()))
            })
            .unwrap();
    });
    let started = Instant::now();
    let end = loop {
        let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
        if let Some(e) = d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "action_finished")
        {
            break e.clone();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never ended");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(end["outcome"], "interrupted");
    assert_eq!(end["run"], 4242);
    assert_eq!(end["author"], "alice");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
    let text = d["timeline"].to_string();
    assert!(text.contains("could not be reached"), "{text}");
    assert!(text.contains("far-away-host"), "{text}");
}

/// Two replicas on one PostgreSQL: the replica running an action is
/// killed; the other ends the run (killing the program, which runs on
/// this same host), shows its output as ended, and takes a new start
/// within seconds (before: 409 for the timeout plus a minute).
#[test]
fn a_replica_killed_mid_run_frees_its_action_on_the_other() {
    let s = setup();
    let common::replicas::Pair {
        pg: _pg,
        tok,
        a,
        b,
        db,
        ..
    } = common::replicas::pair_with(Some(&s.config));
    let (base_a, base_b) = (a.url(), b.url());
    let id = declare(&base_a, &tok);
    assert_eq!(start(&base_a, &tok, &id), 202);
    let child = child_pid(&s.pidfile, &db);
    let started = get(&format!("{base_a}/api/v1/incidents/{id}"), &tok)["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "action_started")
        .cloned()
        .unwrap();
    let run = started["run"].as_u64().unwrap();
    assert_eq!(
        start(&base_b, &tok, &id),
        409,
        "one run at a time across replicas"
    );
    a.kill9();
    let locked = wait_until(
        "the run's end, written by the other replica",
        Duration::from_secs(30),
        || finished(&base_b, &tok, &id).is_some(),
    );
    let end = finished(&base_b, &tok, &id).unwrap();
    assert_eq!(end["outcome"], "interrupted", "{end}");
    wait_until("the program's group to die", Duration::from_secs(5), || {
        !alive(child)
    });
    let out = get(
        &format!("{base_b}/api/v1/incidents/{id}/actions/runs/{run}"),
        &tok,
    );
    assert_eq!(out["state"], json!({"ended": "interrupted"}), "{out}");
    assert_eq!(start(&base_b, &tok, &id), 202, "free to run again");
    println!(
        "after kill -9 of its replica, the action was locked for {:.1} s (timeout 3600 s)",
        locked.as_secs_f64()
    );
}
