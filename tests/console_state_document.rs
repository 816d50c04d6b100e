//! The live state document across three real consoles on one real server
//! process: the IC (alice, 160x48) gives a one-minute task to an ops
//! responder (bob, 120x40); both see it count down; it goes overdue and
//! the IC's screen and bob's personal notify target are told once; bob
//! marks it done with a result; a hypothesis is raised on the alert's
//! timeline entry and ruled out; a decision is recorded; the IC offers
//! command and the second commander (dana, 80x24) reads the brief and
//! accepts. The server's record is asserted at each step.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::procs::{ServerProc, api_get, api_post, free_port, token_file};
use common::pty::Screen;
use serde_json::{Value, json};

const T: Duration = Duration::from_secs(20);

/// A webhook target that records what it is sent.
fn start_sink(rt: &tokio::runtime::Runtime) -> (String, Arc<Mutex<Vec<Value>>>) {
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                g.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                axum::http::StatusCode::OK
            }
        }),
    );
    let l = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = l.local_addr().unwrap();
    rt.spawn(async move { axum::serve(l, app).await });
    (format!("http://{addr}/hook"), got)
}

fn subjects(got: &Mutex<Vec<Value>>, subject: &str) -> usize {
    got.lock()
        .unwrap()
        .iter()
        .filter(|v| v["subject"] == subject)
        .count()
}

fn wait(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_ic_coordinates_a_task_a_hypothesis_a_decision_and_hands_off_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let homes: Vec<_> = ["alice", "bob", "dana"]
        .iter()
        .map(|h| {
            let p = dir.path().join(h);
            std::fs::create_dir_all(&p).unwrap();
            p
        })
        .collect();
    let (tok_a, file_a) = token_file(&homes[0], &db, "commander", "alice");
    let (_, file_b) = token_file(&homes[1], &db, "responder", "bob");
    let (_, file_d) = token_file(&homes[2], &db, "commander", "dana");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (hook, got) = start_sink(&rt);
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[automation]
tick_seconds = 1

[notify]
retry_base_ms = 100

[[notify.targets]]
name = "bob-pager"
kind = "webhook"
url = "{hook}"
secret = "s3cret-signing-key-for-tests"
events = ["task_assigned", "task_overdue", "command_offered"]
people = ["bob"]
"#
        ),
    )
    .unwrap();
    let _server = ServerProc::start_with(port, &db, Some(&config));
    let url = format!("http://127.0.0.1:{port}");
    let get = |path: &str| api_get(port, &tok_a, path);

    // An alert opens INC-1 (delivered by hand by alice, its IC); bob is
    // paged as the ops lead.
    let alert = json!({
        "version": "4", "groupKey": "{}:{alertname=\"CheckoutErrors\"}", "truncatedAlerts": 0,
        "status": "firing", "receiver": "warroom",
        "groupLabels": {"alertname": "CheckoutErrors"},
        "commonLabels": {"alertname": "CheckoutErrors", "job": "checkout", "severity": "critical"},
        "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
        "alerts": [{"status": "firing",
            "labels": {"alertname": "CheckoutErrors", "job": "checkout", "severity": "critical"},
            "annotations": {"summary": "5xx above 5%"}, "startsAt": "2026-12-06T10:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus:9090/graph",
            "fingerprint": "fp1"}]
    });
    api_post(port, &tok_a, "/integrations/alertmanager", alert);
    let d = get("/incidents/INC-1");
    assert_eq!(d["incident"]["commander"], "alice", "{d}");
    let alert_seq = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "alert_received")
        .map(|e| e["seq"].as_u64().unwrap())
        .expect("the alert is on the timeline");
    api_post(
        port,
        &tok_a,
        "/incidents/INC-1/responders",
        json!({"action": "page", "handle": "bob", "role": "operations_lead"}),
    );

    let spawn = |file: &std::path::Path, home, w, h| {
        Screen::spawn(
            &["--api", &url, "--token-file", file.to_str().unwrap()],
            home,
            w,
            h,
        )
    };
    let mut ic = spawn(&file_a, &homes[0], 160, 48);
    let mut bob = spawn(&file_b, &homes[1], 120, 40);
    let mut dana = spawn(&file_d, &homes[2], 80, 24);
    for s in [&ic, &bob, &dana] {
        s.wait_for("INC-1 live", T, |t| {
            t.contains("● live") && t.contains("INC-1")
        });
    }

    // 1. The IC gives bob a one-minute task.
    ic.wait_text("no tasks, hypotheses or decisions yet", T);
    ic.send("T");
    ic.wait_text("Give a task on INC-1", T);
    ic.send("Roll back checkout to 4.1");
    ic.send("\t");
    ic.send("bob");
    ic.send("\t");
    ic.send("\x7f\x7f1m\r");
    wait("the task on the server", || {
        get("/incidents/INC-1")["state"]["tasks"][0]["owner"] == "bob"
    });
    let task = get("/incidents/INC-1")["state"]["tasks"][0].clone();
    assert_eq!(task["status"], "open");
    assert_eq!(task["assigned_by"], "alice");
    let given =
        chrono::DateTime::parse_from_rfc3339(task["assigned_at"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(task["due_at"].as_str().unwrap()).unwrap();
    assert_eq!((due - given).num_seconds(), 60, "a one-minute time box");
    // The countdown shows on both consoles (bob's at 120 columns has the
    // state pane stacked on the right).
    let counting = |t: &str| t.contains("#1 bob") && (t.contains("0:5") || t.contains("1:00"));
    ic.wait_for("the countdown on the IC's screen", T, counting);
    bob.wait_for("the countdown on bob's screen", T, counting);
    let bells_before = ic.bells();

    // 2. The time box passes: the IC's screen turns loud once, the server
    // notes it once and bob's own target hears it once.
    ic.wait_for("OVERDUE on the IC's screen", Duration::from_secs(80), |t| {
        t.contains("OVERDUE") && t.contains("task #1 (bob) is OVERDUE")
    });
    wait("bob's target told of the overdue task", || {
        subjects(&got, "task_overdue") == 1
    });
    // A few more seconds (the server looks every second): still once.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        subjects(&got, "task_overdue"),
        1,
        "told once, not every tick"
    );
    assert_eq!(subjects(&got, "task_assigned"), 1);
    assert_eq!(ic.bells() - bells_before, 1, "one bell, not a bell storm");
    let d = get("/incidents/INC-1");
    let overdue_events = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "task" && e["change"] == "overdue")
        .count();
    assert_eq!(overdue_events, 1);
    assert_eq!(d["incident"]["state_counts"]["overdue_tasks"], 1);

    // 3. Bob marks his task done from his console (the state pane is the
    // last in Tab order).
    for _ in 0..4 {
        bob.send("\t");
    }
    bob.wait_for("bob's state pane focused", T, |t| t.contains("d done"));
    bob.send("d");
    bob.wait_text("Task #1 done", T);
    bob.send("rolled back; 5xx back under 1%\r");
    wait("the task done on the server", || {
        get("/incidents/INC-1")["state"]["tasks"][0]["status"] == "done"
    });
    let task = get("/incidents/INC-1")["state"]["tasks"][0].clone();
    assert_eq!(task["result"], "rolled back; 5xx back under 1%");
    assert_eq!(task["closed_by"], "bob");

    // 4. A hypothesis on the alert's entry, then ruled out.
    ic.send("H");
    ic.wait_text("A hypothesis on INC-1", T);
    ic.send("Bad deploy 4.2 broke checkout");
    ic.send("\t");
    ic.send(&alert_seq.to_string());
    ic.send("\r");
    wait("the hypothesis on the server", || {
        get("/incidents/INC-1")["state"]["hypotheses"][0]["evidence"] == json!([alert_seq])
    });
    for _ in 0..4 {
        ic.send("\t");
    }
    ic.wait_for("the IC's state pane with the hypothesis", T, |t| {
        t.contains("? H1 Bad deploy")
    });
    ic.send("x");
    ic.wait_text("Rule out hypothesis H1", T);
    ic.send("4.1 shows the same errors\r");
    wait("ruled out on the server", || {
        get("/incidents/INC-1")["state"]["hypotheses"][0]["status"] == "ruled_out"
    });
    assert_eq!(
        get("/incidents/INC-1")["state"]["hypotheses"][0]["why"],
        "4.1 shows the same errors"
    );

    // 5. A decision, objections asked.
    ic.send("M");
    ic.wait_text("Record a decision on INC-1", T);
    ic.send("Fail over to eu-west");
    ic.send("\t");
    ic.send("us-east origin is the common factor");
    ic.send("\x0f");
    ic.send("\r");
    wait("the decision on the server", || {
        get("/incidents/INC-1")["state"]["decisions"][0]["objections_asked"] == true
    });
    let dec = get("/incidents/INC-1")["state"]["decisions"][0].clone();
    assert_eq!(dec["text"], "Fail over to eu-west");
    assert_eq!(dec["by"], "alice");

    // 6. The IC offers command to dana; nothing changes until she accepts.
    ic.send(":");
    ic.send("handoff dana\r");
    wait("the offer on the server", || {
        get("/incidents/INC-1")["state"]["handoff"]["to"] == "dana"
    });
    assert_eq!(get("/incidents/INC-1")["incident"]["commander"], "alice");
    dana.wait_text("offers you command of INC-1", T);
    dana.send("B");
    dana.wait_for("the brief with the accept", T, |t| {
        t.contains("offered to you") && t.contains("accept command")
    });
    let screen = dana.text();
    assert!(
        screen.contains("Hypotheses"),
        "the brief is shown:\n{screen}"
    );
    let version = get("/incidents/INC-1")["incident"]["version"]
        .as_u64()
        .unwrap();
    dana.send("a");
    wait("dana is IC on the server", || {
        get("/incidents/INC-1")["incident"]["commander"] == "dana"
    });
    let d = get("/incidents/INC-1");
    assert_eq!(d["state"]["handoffs"][0]["from"], "alice");
    assert_eq!(d["state"]["handoffs"][0]["to"], "dana");
    assert_eq!(
        d["state"]["handoffs"][0]["brief_version"], version,
        "the brief dana read is recorded"
    );
    assert!(d["state"].get("handoff").is_none());
    ic.wait_text("IC dana", T);
}
