//! `warroom list --profile a,b` and a write through a merged view: two
//! warroom servers (each its own process), one list with each incident's
//! backend, a write addressed to `b/INC-1` reaching b only, and b stopped
//! named on stderr while a's incidents still print.

mod common;

use std::process::{Command, Stdio};

use common::cli_env::code;
use common::procs::{BIN, ServerProc, api_get, api_post, free_port, token_file};
use serde_json::{Value, json};

fn warroom(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("WARROOM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_merged_list_names_each_backend_and_a_write_reaches_only_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    let mut config = String::new();
    let mut tokens = Vec::new();
    for (name, title) in [("east", "east checkout 5xx"), ("west", "west login errors")] {
        let db = dir.path().join(format!("{name}.db"));
        let port = free_port();
        let (tok, file) = token_file(dir.path(), &db, "commander", &format!("ic-{name}"));
        let s = ServerProc::start(port, &db);
        api_post(
            port,
            &tok,
            "/incidents",
            json!({"title": title, "service": "web", "severity": "SEV2"}),
        );
        config.push_str(&format!(
            "[profiles.{name}]\nurl = \"http://127.0.0.1:{port}\"\ntoken_file = \"{}\"\n",
            file.display()
        ));
        servers.push(s);
        tokens.push((port, tok));
    }
    config.push_str("[views.both]\nprofiles = [\"east\", \"west\"]\n");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join("config/warroom")).unwrap();
    std::fs::write(home.join("config/warroom/config.toml"), config).unwrap();

    // Both servers number their first incident INC-1: two incidents.
    let o = warroom(&home, &["list", "--profile", "east,west", "--json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut seen: Vec<(String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().into(),
                r["backend"].as_str().unwrap().into(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("east/INC-1".to_string(), "east".to_string()),
            ("west/INC-1".to_string(), "west".to_string())
        ]
    );
    // The view by its name; a bare id is refused as ambiguous.
    let o = warroom(&home, &["ack", "INC-1", "--profile", "both"]);
    assert_ne!(code(&o), 0);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("BACKEND/INC-1"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = warroom(&home, &["ack", "west/INC-1", "--profile", "both", "--json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let answer: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        answer["incident"]["status"], "acknowledged",
        "the server's answer"
    );
    assert_eq!(
        answer["incident"]["id"], "west/INC-1",
        "under the view's id"
    );
    let (east, west) = (&tokens[0], &tokens[1]);
    assert_eq!(
        api_get(west.0, &west.1, "/incidents/INC-1")["incident"]["status"],
        "acknowledged"
    );
    assert_eq!(
        api_get(east.0, &east.1, "/incidents/INC-1")["incident"]["status"],
        "triggered",
        "nothing reached east"
    );
    // West stops: east still lists, west is named on stderr.
    let mut west_proc = servers.pop().unwrap();
    let _ = west_proc.child.kill();
    let _ = west_proc.child.wait();
    let o = warroom(&home, &["list", "--profile", "both"]);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(code(&o), 0, "{err}");
    assert!(
        out.contains("east/INC-1") && !out.contains("west/INC-1"),
        "{out}"
    );
    assert!(err.contains("west did not answer"), "{err}");
}
