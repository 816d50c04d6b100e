//! Runbook actions end to end through the API: a real server on loopback
//! runs real programs (small shell scripts written by the test) and HTTP
//! requests to a local sink, and records them on the timeline.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::TestServer;
use serde_json::{Value, json};
use warroom::model::{ActorRole, Runbook, RunbookSet};
use warroom::server::actions::{ActionDef, HttpDef};

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn program(name: &str, path: &Path, args: &[&str], timeout: u64, tick: bool) -> ActionDef {
    ActionDef {
        name: name.into(),
        program: Some(path.to_path_buf()),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: vec!["WARROOM_TEST_VISIBLE".into()],
        timeout_seconds: timeout,
        tick,
        ..ActionDef::default()
    }
}

/// The investigation checklist: item 0 restart, 1 hang, 2 fail, 3 slow,
/// 4 purge (HTTP), 5 a plain item, 6 loud.
fn runbooks() -> RunbookSet {
    let rb = Runbook::parse(
        "test",
        r#"name = "default"
investigation = [
  { text = "Restart checkout", action = "restart" },
  { text = "Hang", action = "hang" },
  { text = "Fail", action = "fail" },
  { text = "Slow", action = "slow" },
  { text = "Purge the CDN", action = "purge" },
  "Look at the graphs",
  { text = "Loud", action = "loud" },
]"#,
    )
    .unwrap();
    RunbookSet::default().with(rb)
}

struct Setup {
    srv: TestServer,
    dir: tempfile::TempDir,
}

async fn setup(sink: Option<String>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // SAFETY: set before the server starts any program.
    unsafe {
        std::env::set_var("WARROOM_TEST_VISIBLE", "passed-on");
        std::env::set_var("WARROOM_TEST_HIDDEN", "must-not-pass");
    }
    let restart = script(
        d,
        "restart.sh",
        "echo \"args: $1|$2|$3\"\n/usr/bin/env\necho oops >&2",
    );
    let pidfile = d.join("child.pid");
    let hang = script(
        d,
        "hang.sh",
        &format!(
            "/bin/sleep 60 &\necho $! > {}\necho started\n/bin/sleep 60",
            pidfile.display()
        ),
    );
    let fail = script(d, "fail.sh", "echo 'cannot restart'\nexit 3");
    let slow = script(d, "slow.sh", "echo begun\n/bin/sleep 2\necho done");
    // About 1.3 MB, far more than a pipe holds, then one last line.
    let loud = script(d, "loud.sh", "/usr/bin/seq 1 200000\necho last");
    let mut actions = vec![
        program(
            "restart",
            &restart,
            &["rollout", "deploy/{service}", "{id}"],
            10,
            true,
        ),
        program("hang", &hang, &[], 1, true),
        program("fail", &fail, &[], 10, true),
        program("slow", &slow, &["{service}"], 10, false),
        program("loud", &loud, &[], 30, false),
    ];
    actions.push(ActionDef {
        name: "purge".into(),
        http: Some(HttpDef {
            method: "POST".into(),
            url: sink.unwrap_or_else(|| "http://127.0.0.1:9/".into()),
            headers: [(
                "Authorization".to_string(),
                "Bearer SINK-SECRET".to_string(),
            )]
            .into(),
            body: Some("{{\"incident\": \"{id}\", \"title\": \"{title}\"}}".into()),
        }),
        timeout_seconds: 5,
        tick: true,
        ..ActionDef::default()
    });
    let srv = TestServer::start_with_actions(runbooks(), actions).await;
    Setup { srv, dir }
}

async fn preview(srv: &TestServer, id: &str, item: usize, token: &str) -> (u16, Value) {
    srv.get(
        &format!("/incidents/{id}/actions/preview?phase=investigation&item={item}"),
        token,
    )
    .await
}

async fn start(srv: &TestServer, id: &str, item: usize, confirm: &str, key: &str) -> (u16, Value) {
    let r = srv
        .req(
            reqwest::Method::POST,
            &format!("/incidents/{id}/actions"),
            &srv.commander,
        )
        .header("Idempotency-Key", key)
        .json(&json!({"phase": "investigation", "item": item, "confirm": confirm}))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Reads the run's output as a console does (long-polls after the last
/// line) until it ended; returns every line and the last answer.
async fn follow(srv: &TestServer, id: &str, run: u64) -> (Vec<String>, Value) {
    let mut after = 0;
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (s, b) = srv
            .get(
                &format!("/incidents/{id}/actions/runs/{run}?after={after}&wait=5"),
                &srv.commander,
            )
            .await;
        assert_eq!(s, 200, "{b}");
        for l in b["lines"].as_array().unwrap() {
            lines.push(l["text"].as_str().unwrap().to_string());
        }
        after = b["next"].as_u64().unwrap();
        if b["state"] != json!("running") {
            return (lines, b);
        }
        assert!(Instant::now() < deadline, "the run never ended");
    }
}

async fn timeline(srv: &TestServer, id: &str) -> Vec<Value> {
    let (_, b) = srv.get(&format!("/incidents/{id}"), &srv.commander).await;
    b["timeline"].as_array().unwrap().clone()
}

/// The timeline's `action_finished` entry of a run, once it is recorded.
async fn finished(srv: &TestServer, id: &str, run: u64) -> Value {
    for _ in 0..100 {
        if let Some(e) = timeline(srv, id)
            .await
            .into_iter()
            .find(|e| e["kind"] == "action_finished" && e["run"] == run)
        {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {run} never recorded its end");
}

async fn item_done(srv: &TestServer, id: &str, item: usize) -> bool {
    let (_, b) = srv.get(&format!("/incidents/{id}"), &srv.commander).await;
    let c = b["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phase"] == "investigation")
        .unwrap()
        .clone();
    c["items"][item].get("done_at").is_some()
}

#[tokio::test]
async fn an_allowlisted_program_runs_once_confirmed_and_is_recorded_with_its_output() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Checkout 500s", "SEV2").await;

    let (s, p) = preview(&srv, &id, 0, &srv.commander).await;
    assert_eq!(s, 200, "{p}");
    let cmd = p["command"].as_str().unwrap();
    assert!(
        cmd.ends_with("restart.sh rollout deploy/checkout INC-1"),
        "exactly what runs: {cmd}"
    );
    assert_eq!(p["ticks_item"], true);
    let digest = p["digest"].as_str().unwrap().to_string();

    let (s, started) = start(&srv, &id, 0, &digest, "k-restart").await;
    assert_eq!(s, 202, "{started}");
    let run = started["run"].as_u64().unwrap();
    let (lines, end) = follow(&srv, &id, run).await;
    assert_eq!(end["state"], json!({"ended": "succeeded"}), "{end}");
    assert_eq!(end["exit_code"], 0);
    assert!(
        lines.contains(&"args: rollout|deploy/checkout|INC-1".to_string()),
        "{lines:?}"
    );
    // Only the allowlisted variable is passed on; no PATH either.
    assert!(
        lines.contains(&"WARROOM_TEST_VISIBLE=passed-on".to_string()),
        "{lines:?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("WARROOM_TEST_HIDDEN=") || l.starts_with("PATH=")),
        "{lines:?}"
    );
    assert!(lines.contains(&"oops".to_string()), "stderr too: {lines:?}");

    let fin = finished(&srv, &id, run).await;
    assert_eq!(fin["outcome"], "succeeded");
    assert_eq!(fin["author"], "alice");
    assert!(
        fin["output"].as_str().unwrap().contains("args: rollout"),
        "{fin}"
    );
    assert!(fin["output"].as_str().unwrap().contains("! oops"), "{fin}");
    let tl = timeline(&srv, &id).await;
    let started_ev = tl
        .iter()
        .find(|e| e["kind"] == "action_started")
        .expect("the start is on the timeline");
    assert_eq!(started_ev["command"], cmd);
    assert!(item_done(&srv, &id, 0).await, "a success ticks the item");
    // A viewer (a wallboard, a stakeholder) reads that it ran and how it
    // ended, not the command or its output: like the preview, those are
    // for the people acting on the incident.
    let viewer_reads = [
        format!("/incidents/{id}"),
        format!("/incidents/{id}/timeline?limit=50"),
    ];
    for path in &viewer_reads {
        let (s, b) = srv.get(path, &srv.viewer).await;
        assert_eq!(s, 200);
        let shown = b.to_string();
        assert!(!shown.contains("rollout"), "{path}: {shown}");
        assert!(!shown.contains("oops"), "{path}: {shown}");
        assert!(shown.contains("action_finished"), "{path}");
    }
    let (s, b) = srv.get(&format!("/incidents/{id}"), &srv.responder).await;
    assert_eq!(s, 200);
    assert!(b.to_string().contains("rollout"), "a responder sees it");

    // A retry of the same request gets the first answer and runs nothing.
    let (s, again) = start(&srv, &id, 0, &digest, "k-restart").await;
    assert_eq!((s, &again), (202, &started));
    let runs = timeline(&srv, &id)
        .await
        .iter()
        .filter(|e| e["kind"] == "action_started")
        .count();
    assert_eq!(runs, 1);
}

#[tokio::test]
async fn a_timeout_kills_the_whole_process_group_and_is_recorded() {
    let Setup { srv, dir } = setup(None).await;
    let id = srv.declare("Hang", "SEV2").await;
    let (_, p) = preview(&srv, &id, 1, &srv.commander).await;
    let t0 = Instant::now();
    let (s, b) = start(&srv, &id, 1, p["digest"].as_str().unwrap(), "k-hang").await;
    assert_eq!(s, 202, "{b}");
    let run = b["run"].as_u64().unwrap();
    let (lines, end) = follow(&srv, &id, run).await;
    assert_eq!(end["state"], json!({"ended": "timed_out"}), "{end}");
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    assert!(
        lines.iter().any(|l| l.contains("timed out after 1 s")),
        "{lines:?}"
    );
    // The child it left in the background was killed with it.
    let pid: i32 = std::fs::read_to_string(dir.path().join("child.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut gone = false;
    for _ in 0..50 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Gone, or a zombie waiting for init.
        if stat.is_empty() || stat.split(' ').nth(2) == Some("Z") {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the background child {pid} survived the timeout");
    let fin = finished(&srv, &id, run).await;
    assert_eq!(fin["outcome"], "timed_out");
    assert!(!item_done(&srv, &id, 1).await, "a timeout ticks nothing");
}

#[tokio::test]
async fn an_exit_status_is_recorded_and_a_failure_ticks_nothing() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Fail", "SEV3").await;
    let (_, p) = preview(&srv, &id, 2, &srv.commander).await;
    let (_, b) = start(&srv, &id, 2, p["digest"].as_str().unwrap(), "k-fail").await;
    let run = b["run"].as_u64().unwrap();
    let (_, end) = follow(&srv, &id, run).await;
    assert_eq!(end["state"], json!({"ended": "failed"}));
    assert_eq!(end["exit_code"], 3);
    let fin = finished(&srv, &id, run).await;
    assert_eq!(fin["exit_code"], 3);
    assert!(fin["output"].as_str().unwrap().contains("cannot restart"));
    assert!(!item_done(&srv, &id, 2).await);
}

#[tokio::test]
async fn a_second_concurrent_run_is_refused_and_the_first_goes_on() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Slow", "SEV3").await;
    let (_, p) = preview(&srv, &id, 3, &srv.commander).await;
    let digest = p["digest"].as_str().unwrap().to_string();
    let (s, first) = start(&srv, &id, 3, &digest, "k-slow-1").await;
    assert_eq!(s, 202, "{first}");
    // Its output is there while it runs, not only at the end.
    let (_, live) = srv
        .get(
            &format!(
                "/incidents/{id}/actions/runs/{}?after=0&wait=10",
                first["run"]
            ),
            &srv.commander,
        )
        .await;
    assert_eq!(live["state"], "running", "{live}");
    assert_eq!(live["lines"][0]["text"], "begun", "{live}");
    let (s, second) = start(&srv, &id, 3, &digest, "k-slow-2").await;
    assert_eq!(s, 409, "{second}");
    assert_eq!(second["error"]["code"], "already_running");
    assert!(
        second["error"]["message"]
            .as_str()
            .unwrap()
            .contains("started by alice"),
        "{second}"
    );
    let (_, p) = preview(&srv, &id, 3, &srv.commander).await;
    assert_eq!(p["running"], first["run"], "the preview says it is running");
    let (_, end) = follow(&srv, &id, first["run"].as_u64().unwrap()).await;
    assert_eq!(end["state"], json!({"ended": "succeeded"}));
    // Once it ended the action may run again.
    finished(&srv, &id, first["run"].as_u64().unwrap()).await;
    let (s, third) = start(&srv, &id, 3, &digest, "k-slow-3").await;
    assert_eq!(s, 202, "{third}");
}

#[tokio::test]
async fn viewers_responders_and_integrations_are_refused_and_nothing_runs() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Roles", "SEV3").await;
    let (_, integration) =
        common::off_runtime(|| srv.server.store.create_token("am", ActorRole::Integration))
            .unwrap();
    let (_, p) = preview(&srv, &id, 0, &srv.commander).await;
    let digest = p["digest"].as_str().unwrap();
    for token in [&srv.viewer, &srv.responder, &integration] {
        let (s, b) = preview(&srv, &id, 0, token).await;
        assert_eq!(s, 403, "{b}");
        let (s, b) = srv
            .post(
                &format!("/incidents/{id}/actions"),
                token,
                json!({"phase": "investigation", "item": 0, "confirm": digest}),
            )
            .await;
        assert_eq!(s, 403, "{b}");
    }
    assert!(
        !timeline(&srv, &id)
            .await
            .iter()
            .any(|e| e["kind"] == "action_started")
    );
}

#[tokio::test]
async fn what_cannot_or_should_not_run_is_refused_with_the_reason() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Refusals", "SEV3").await;
    // A plain item has no action.
    let (s, b) = preview(&srv, &id, 5, &srv.commander).await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no action")
    );
    let (s, _) = preview(&srv, &id, 99, &srv.commander).await;
    assert_eq!(s, 422);
    // Confirmed one thing, the incident changed: the server runs nothing.
    let (_, p) = preview(&srv, &id, 0, &srv.commander).await;
    let (_, d) = srv.get(&format!("/incidents/{id}"), &srv.commander).await;
    let version = d["incident"]["version"].as_u64().unwrap();
    let r = srv
        .req(
            reqwest::Method::PATCH,
            &format!("/incidents/{id}"),
            &srv.commander,
        )
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"service": "--delete-all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, b) = preview(&srv, &id, 3, &srv.commander).await;
    assert_eq!(s, 422, "a placeholder that makes an option: {b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("start with `-`"),
        "{b}"
    );
    // An ordinary change of what runs: 409 naming the new command.
    let (_, d) = srv.get(&format!("/incidents/{id}"), &srv.commander).await;
    let version = d["incident"]["version"].as_u64().unwrap();
    srv.req(
        reqwest::Method::PATCH,
        &format!("/incidents/{id}"),
        &srv.commander,
    )
    .header("If-Match", format!("\"{version}\""))
    .json(&json!({"service": "payments"}))
    .send()
    .await
    .unwrap();
    let (s, b) = start(&srv, &id, 0, p["digest"].as_str().unwrap(), "k-changed-2").await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "changed");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("deploy/payments"),
        "{b}"
    );
    let (s, b) = start(&srv, &id, 0, "not-the-digest", "k-bad").await;
    assert_eq!((s, &b["error"]["code"]), (409, &json!("changed")), "{b}");
    assert!(
        !timeline(&srv, &id)
            .await
            .iter()
            .any(|e| e["kind"] == "action_started"),
        "nothing ran"
    );
    // A template naming an action that is not allowlisted stops the start.
    let e = warroom::server::actions::check_runbooks(&[], &runbooks()).unwrap_err();
    assert!(e.contains("`restart` is not in [[actions]]"), "{e}");
}

#[tokio::test]
async fn an_http_action_reaches_its_target_with_the_secret_header_never_shown() {
    use axum::routing::post;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, String)>(4);
    let app = axum::Router::new().route(
        "/purge",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let tx = tx.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let _ = tx.send((auth, body)).await;
                "purged 12 objects\n"
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let Setup { srv, dir: _dir } = setup(Some(format!("http://{addr}/purge?s={{service}}"))).await;
    let id = srv.declare("Stale \"assets\"", "SEV3").await;
    let (_, p) = preview(&srv, &id, 4, &srv.commander).await;
    assert_eq!(p["command"], format!("POST http://{addr}/purge?s=checkout"));
    assert!(!p.to_string().contains("SINK-SECRET"), "{p}");
    let (s, b) = start(&srv, &id, 4, p["digest"].as_str().unwrap(), "k-purge").await;
    assert_eq!(s, 202, "{b}");
    let (auth, body) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(auth, "Bearer SINK-SECRET");
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        sent,
        json!({"incident": "INC-1", "title": "Stale \"assets\""})
    );
    let (lines, end) = follow(&srv, &id, b["run"].as_u64().unwrap()).await;
    assert_eq!(end["state"], json!({"ended": "succeeded"}), "{lines:?}");
    assert!(lines.contains(&"purged 12 objects".to_string()));
    finished(&srv, &id, b["run"].as_u64().unwrap()).await;
    assert!(item_done(&srv, &id, 4).await);
    let all = timeline(&srv, &id).await;
    assert!(!serde_json::to_string(&all).unwrap().contains("SINK-SECRET"));
}

#[tokio::test]
async fn a_program_that_prints_more_than_a_pipe_holds_runs_through_and_memory_stays_bounded() {
    let Setup { srv, dir: _dir } = setup(None).await;
    let id = srv.declare("Loud", "SEV4").await;
    let (_, p) = preview(&srv, &id, 6, &srv.commander).await;
    let (s, b) = start(&srv, &id, 6, p["digest"].as_str().unwrap(), "k-loud").await;
    assert_eq!(s, 202, "{b}");
    let run = b["run"].as_u64().unwrap();
    let (_, end) = follow(&srv, &id, run).await;
    assert_eq!(
        end["state"],
        json!({"ended": "succeeded"}),
        "{}",
        end["state"]
    );
    let (_, all) = srv
        .get(
            &format!("/incidents/{id}/actions/runs/{run}?after=0"),
            &srv.commander,
        )
        .await;
    let kept = all["lines"].as_array().unwrap();
    assert_eq!(kept.len(), warroom::model::runbook_action::MAX_RUN_LINES);
    assert_eq!(all["dropped"], 200_001 - kept.len() as u64);
    assert_eq!(kept.last().unwrap()["text"], "last");
    let fin = finished(&srv, &id, run).await;
    let tail = fin["output"].as_str().unwrap();
    assert!(tail.chars().count() <= warroom::model::runbook_action::MAX_TAIL_CHARS);
    assert!(tail.ends_with("199999\n200000\nlast\n"), "{tail}");
}
