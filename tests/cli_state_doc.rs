//! The state document from the shell: tasks, hypotheses, decisions, a CAN
//! report, the brief and a two-step handoff, each verb against a real
//! `warroom serve`, with `--json`, `--dry-run` and exit codes.

mod common;

use common::cli_env::{code, env};
use common::procs::token_file;

#[test]
fn the_state_document_from_the_shell() {
    let e = env();
    let id = e.declare("Checkout 502s");
    let id = id.as_str();
    // The declarer ("script") is IC; a task goes to someone on the incident.
    let o = e.run(&[
        "task",
        "add",
        id,
        "Roll back 4.2",
        "--owner",
        "bob",
        "--due",
        "5m",
    ]);
    assert_eq!(
        code(&o),
        1,
        "bob is not on the incident: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("page them first"));
    // A dry run prints the exact request and sends nothing.
    let o = e.run(&[
        "task",
        "add",
        id,
        "Roll back 4.2",
        "--owner",
        "bob",
        "--due",
        "5m",
        "--dry-run",
    ]);
    assert_eq!(code(&o), 0);
    let plan = String::from_utf8_lossy(&o.stdout);
    assert!(
        plan.contains(&format!(
            "POST {}/api/v1/incidents/{id}/tasks",
            e.server.url()
        )),
        "{plan}"
    );
    assert!(plan.contains("\"owner\": \"bob\""), "{plan}");
    // A bad time box is a usage error, said before anything is sent.
    let o = e.run(&["task", "add", id, "x", "--owner", "bob", "--due", "25:99"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("time box"));
    let o = e.run(&["task", "done", id, "first", "--result", "x"]);
    assert_eq!(code(&o), 2, "a task is a number");
    // Paging is the console's (and the API's): bob is paged there.
    let port = e
        .server
        .url()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<u16>()
        .unwrap();
    let tok = std::fs::read_to_string(&e.tok_file).unwrap();
    let r = common::procs::api_post(
        port,
        &tok,
        &format!("/incidents/{id}/responders"),
        serde_json::json!({"action": "page", "handle": "bob", "role": "operations_lead"}),
    );
    assert_eq!(r["incident"]["id"], id, "{r}");
    let t = e.json(&[
        "task",
        "add",
        id,
        "Roll back 4.2",
        "--owner",
        "bob",
        "--due",
        "5m",
        "--json",
    ]);
    assert_eq!(t["events"][0]["kind"], "task", "{t}");
    assert_eq!(t["events"][0]["owner"], "bob");
    let o = e.run(&["release", id, "bob"]);
    assert_eq!(code(&o), 6, "bob owns task #1");
    assert!(String::from_utf8_lossy(&o.stderr).contains("#1"));
    e.json(&[
        "task",
        "done",
        id,
        "#1",
        "--result",
        "rolled back",
        "--json",
    ]);
    e.json(&[
        "hypothesis",
        "add",
        id,
        "DB pool exhausted",
        "--evidence",
        "1",
        "--json",
    ]);
    e.json(&[
        "hypothesis",
        "rule-out",
        id,
        "1",
        "--why",
        "pool at 30%",
        "--json",
    ]);
    e.json(&[
        "decide",
        id,
        "Roll back to 4.1",
        "--why",
        "4.2 bad",
        "--objections-asked",
        "--json",
    ]);
    e.json(&[
        "can",
        id,
        "--condition",
        "p99 4s",
        "--needs",
        "a DBA",
        "--json",
    ]);
    e.json(&["release", id, "bob", "--json"]);
    let b = e.json(&["brief", id, "--format", "json"]);
    assert_eq!(b["hypotheses_ruled_out"][0]["why"], "pool at 30%");
    assert_eq!(b["decisions"][0]["objections_asked"], true);
    assert_eq!(b["tasks_done"], 1);
    let md = String::from_utf8(e.run(&["brief", id]).stdout).unwrap();
    assert!(
        md.starts_with(&format!("# Brief: {id} Checkout 502s (SEV1, triggered)")),
        "{md}"
    );
    assert!(
        md.contains("Ruled out #1: DB pool exhausted — pool at 30%"),
        "{md}"
    );
    // A two-step handoff: offered, nothing changes; dana accepts with the
    // brief's version.
    e.json(&["command", "offer", id, "dana", "--json"]);
    assert_eq!(e.incident(id)["incident"]["commander"], "script");
    let db = e.dir.path().join("server.db");
    let (_, dana) = token_file(e.dir.path(), &db, "commander", "dana");
    let dana_cmd = |args: &[&str]| e.cmd_as(args, &dana).output().unwrap();
    let o = dana_cmd(&["brief", id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let version = v["version"].as_u64().unwrap().to_string();
    let o = dana_cmd(&["command", "accept", id, "--brief-version", &version]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(e.incident(id)["incident"]["commander"], "dana");
    // A stakeholder update for customers says so in its body.
    let o = e.run(&[
        "update",
        id,
        "We are rolling back",
        "--public",
        "--dry-run",
        "--json",
    ]);
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["body"]["audience"], "public", "{plan}");
    let o = e.run(&["update", id, "x", "--public", "--internal"]);
    assert_eq!(code(&o), 2, "one audience at a time");
    let u = e.json(&["update", id, "Root cause found", "--json"]);
    assert!(
        u["events"][0].get("audience").is_none(),
        "internal by default: {u}"
    );
}
