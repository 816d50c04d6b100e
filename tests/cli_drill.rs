//! `warroom drill` from the shell: scenario files checked with their line,
//! the built-in list, the debrief of a drill on a team server, and the
//! refusals (no terminal, an unknown scenario, a bad speed or format).

mod common;

use common::cli_env::{code, env};
use common::procs::api_post;

#[test]
fn every_builtin_scenario_file_passes_the_check_and_a_broken_one_is_refused_with_its_line() {
    let e = env();
    let files: Vec<String> = ["bad-deploy", "dependency-outage", "slow-burn"]
        .iter()
        .map(|n| format!("{}/scenarios/{n}.toml", env!("CARGO_MANIFEST_DIR")))
        .collect();
    let mut args = vec!["drill", "check"];
    args.extend(files.iter().map(String::as_str));
    let o = e.cmd_home(&args).output().unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.matches(": ok (").count(), 3, "{out}");

    // A key misspelt on line 4: named with its file, line and column.
    let broken = e.dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "name = \"b\"\ntitle = \"Broken\"\n[[events]]\natt = \"0s\"\nnote = \"x\"\n",
    )
    .unwrap();
    // A reference to a fact nobody wrote: the entry's line.
    let dangling = e.dir.path().join("dangling.toml");
    std::fs::write(
        &dangling,
        "name = \"d\"\ntitle = \"D\"\n\n[[events]]\nat = \"0s\"\nalert = { labels = { alertname = \"A\" } }\n\n[[events]]\nat = \"1m\"\nafter = \"fixed\"\nalert = { labels = { alertname = \"A\" } }\n",
    )
    .unwrap();
    let o = e
        .cmd_home(&[
            "drill",
            "check",
            broken.to_str().unwrap(),
            dangling.to_str().unwrap(),
            &files[0],
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.toml, line 4, column 1"), "{err}");
    assert!(err.contains("`att`"), "{err}");
    assert!(err.contains("dangling.toml, line 8"), "{err}");
    assert!(err.contains("`fixed` is not in [[facts]]"), "{err}");
    assert!(err.contains("2 of 3 scenario file(s) refused"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("bad-deploy.toml: ok"));

    // The list names all three.
    let o = e.cmd_home(&["drill", "list"]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    for n in ["bad-deploy", "dependency-outage", "slow-burn"] {
        assert!(out.contains(n), "{out}");
    }
}

#[test]
fn the_debrief_of_a_drill_on_a_team_server_and_the_refusals() {
    let e = env();
    let tok = std::fs::read_to_string(&e.tok_file).unwrap();
    let started = api_post(
        e.server.port,
        tok.trim(),
        "/drills",
        serde_json::json!({"builtin": "slow-burn", "speed": 60}),
    );
    let id = started["incident"]
        .as_str()
        .expect("a drill started")
        .to_string();

    let o = e.run(&["drill", "debrief", &id, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["scenario"], "slow-burn");
    assert_eq!(d["incident"], id.as_str());
    assert!(d["figures"].as_array().unwrap().len() >= 7);
    let o = e.run(&["drill", "debrief", &id]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# Drill debrief: slow-burn"));

    // `show` and `list --json` carry the drill mark.
    let inc = e.incident(&id);
    assert_eq!(inc["incident"]["drill"]["scenario"], "slow-burn");

    // A real incident has none: a conflict, exit 6.
    let real = e.declare("Real outage");
    let o = e.run(&["drill", "debrief", &real]);
    assert_eq!(code(&o), 6, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a drill"));

    // Refusals before anything is started.
    for (args, says) in [
        (vec!["drill"], "name a scenario"),
        (
            vec!["drill", "no-such-thing"],
            "neither a built-in scenario",
        ),
        (vec!["drill", "bad-deploy", "--speed", "0"], "--speed 0"),
        (
            vec!["drill", "bad-deploy", "--format", "pdf"],
            "--format pdf",
        ),
        (vec!["drill", "bad-deploy"], "needs a terminal"),
    ] {
        let o = e.run(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A read-only profile starts no drill.
    let o = e.run(&["drill", "bad-deploy", "--read-only"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("a drill makes changes"));
}
