//! The command line beside gh and kubectl: a server that never answers is
//! given up on within `--timeout` (exit 5), and with nothing configured a
//! one-shot command says what it would read and how to name a backend
//! (exit 2) instead of answering from an empty database made on the spot.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli_env::code;
use common::procs::BIN;

/// A TCP server that accepts and never answers.
fn silent_server() -> (std::net::TcpListener, String) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (l, url)
}

fn warroom(home: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("WARROOM_TOKEN")
        .env_remove("WARROOM_TIMEOUT")
        .stdin(Stdio::null());
    c
}

#[test]
fn a_server_that_never_answers_is_given_up_on_within_the_timeout() {
    let home = tempfile::tempdir().unwrap();
    let (_keep, url) = silent_server();
    for (args, env) in [
        (vec!["list", "--api", &url, "--timeout", "2s"], None),
        (vec!["ack", "INC-1", "--api", &url, "--timeout", "2s"], None),
        (vec!["show", "INC-1", "--api", &url], Some("2s")),
    ] {
        let mut c = warroom(home.path(), &args);
        if let Some(t) = env {
            c.env("WARROOM_TIMEOUT", t);
        }
        let start = Instant::now();
        let o = c.output().unwrap();
        let took = start.elapsed();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 5, "{args:?}: {err}");
        assert!(took < Duration::from_secs(3), "{args:?} took {took:?}");
        assert!(
            took >= Duration::from_secs(2),
            "{args:?} gave up early: {took:?}"
        );
        assert!(err.contains("no answer within 2s"), "{err}");
    }
    // A timeout that is not one is a usage error.
    let o = warroom(home.path(), &["list", "--api", &url, "--timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
}

#[test]
fn with_nothing_configured_a_command_says_how_to_name_a_backend() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["list"],
        vec!["show", "INC-1"],
        vec!["ack", "INC-1"],
        vec!["stats"],
    ] {
        let o = warroom(home.path(), &args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(err.contains("no backend is configured"), "{err}");
        assert!(err.contains("--api URL --token-file FILE"), "{err}");
        assert!(err.contains("--local"), "{err}");
        assert!(o.stdout.is_empty(), "nothing said as if it were data");
    }
    assert!(
        !home.path().join("data/warroom/warroom.db").exists(),
        "no database was made on the spot"
    );
    // --local makes and reads the local war room; after that it exists
    // and plain `list` reads it.
    let o = warroom(home.path(), &["list", "--local"]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = warroom(home.path(), &["list"]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn twenty_incidents_are_acknowledged_from_a_pipe_and_each_failure_is_named() {
    let e = common::cli_env::env();
    let tok = std::fs::read_to_string(&e.tok_file).unwrap();
    let ids: Vec<String> = (0..20)
        .map(|n| {
            let a = common::procs::api_post(
                e.server.port,
                tok.trim(),
                "/incidents",
                serde_json::json!({"title": format!("storm {n}"), "service": "edge", "severity": "SEV3"}),
            );
            a["incident"]["id"].as_str().unwrap().to_string()
        })
        .collect();
    // `warroom ack -`, the ids on standard input as a script would pipe them.
    let mut c = e.cmd(&["ack", "-", "--json"]);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", ids[..10].join("\n")).unwrap();
        writeln!(stdin, "{}", ids[10..].join(", ")).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // One JSON object per line, one per incident.
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 20);
    for id in &ids {
        assert_eq!(e.incident(id)["incident"]["status"], "acknowledged", "{id}");
    }
    // Several by argument, one unknown and one given twice: the others
    // are done, the unknown one is named, exit 3 (not found).
    let fresh = e.declare("one more");
    let o = e.run(&["ack", &fresh, "INC-9999", &fresh]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 3, "{err}");
    assert!(err.contains("INC-9999"), "{err}");
    assert!(err.contains("1 of 2 failed"), "{err}");
    assert_eq!(e.incident(&fresh)["incident"]["status"], "acknowledged");
    // A bad id is refused before anything is sent.
    let o = e.run(&["ack", &ids[2], "not-an-id"]);
    assert_eq!(code(&o), 2);
    // An empty pipe says so.
    let o = e.run(&["ack", "-"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no incident ids"));
}

#[test]
fn stats_explain_says_what_each_figure_measures() {
    let e = common::cli_env::env();
    e.declare("one for the window");
    let o = e.run(&["stats", "--explain"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("What each figure measures:"), "{text}");
    assert!(text.contains("  resolve: from declaration"), "{text}");
    assert!(
        text.contains("not DORA's failed deployment recovery time"),
        "{text}"
    );
    // Without it, the figures and where to find their definitions.
    let o = e.run(&["stats"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("What each figure measures:"));
    assert!(text.contains("--explain"));
    // The JSON always carries them.
    let j = e.json(&["stats", "--json"]);
    assert!(j["definitions"].as_array().unwrap().len() >= 4);
}
