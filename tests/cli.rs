//! The command line as a script uses it: write commands against a real
//! `warroom serve`, exit codes, pipes, dry runs, and the help.

mod common;

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use common::cli_env::{code, env};
use common::procs::{BIN, ServerProc, free_port, token, token_file};
use serde_json::Value;

#[test]
fn every_write_command_on_a_real_server() {
    let e = env();
    let a = e.json(&[
        "declare",
        "--title",
        "Checkout 502s",
        "--service",
        "checkout",
        "--severity",
        "SEV2",
        "--summary",
        "EU only",
        "--json",
    ]);
    let id = a["incident"]["id"].as_str().unwrap().to_string();
    assert_eq!(a["incident"]["summary"], "EU only");

    let a = e.json(&["ack", &id, "--json"]);
    assert_eq!(a["incident"]["status"], "acknowledged");

    let a = e.json(&["note", &id, "pool at 41%", "--json"]);
    assert_eq!(a["events"][0]["text"], "pool at 41%");

    // A note from standard input.
    let mut c = e.cmd(&["note", &id, "-"]);
    c.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"line one\nline two\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&id));

    let a = e.json(&["update", &id, "Mitigation under way", "--json"]);
    assert_eq!(a["events"][0]["kind"], "stakeholder_update");

    let a = e.json(&["advance", &id, "--json"]);
    assert_eq!(a["incident"]["status"], "investigating");
    // Leaving investigation with open items needs --force and a reason.
    let o = e.run(&["advance", &id]);
    assert_eq!(code(&o), 6, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("open"));
    let o = e.run(&["advance", &id, "--force"]);
    assert_eq!(code(&o), 2, "--force without --reason");
    let a = e.json(&[
        "advance",
        &id,
        "--force",
        "--reason",
        "bridge decided",
        "--json",
    ]);
    assert_eq!(a["incident"]["status"], "identified");
    assert_eq!(a["events"][0]["kind"], "forced_transition");

    let a = e.json(&["severity", &id, "SEV1", "--json"]);
    assert_eq!(a["incident"]["severity"], "SEV1");

    // What the server stored.
    let d = e.incident(&id);
    assert_eq!(d["incident"]["severity"], "SEV1");
    assert_eq!(d["incident"]["status"], "identified");
    let texts: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|ev| ev["text"].as_str())
        .collect();
    assert!(texts.contains(&"line one\nline two"), "{texts:?}");
    // `show` prints every word: the note's second line too.
    let o = e.run(&["show", &id]);
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        shown.contains("line one") && shown.contains("line two"),
        "{shown}"
    );

    // Not on this backend: refused by name, nothing sent.
    let o = e.run(&["resolve", &id]);
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("resolve"));
}

#[test]
fn a_dry_run_prints_the_exact_request_and_sends_nothing() {
    let e = env();
    let a = e.json(&[
        "declare",
        "--title",
        "t",
        "--service",
        "s",
        "--severity",
        "SEV3",
        "--json",
    ]);
    let id = a["incident"]["id"].as_str().unwrap().to_string();
    let before = e.incident(&id)["incident"]["version"].clone();
    for args in [
        vec!["ack", &id, "--dry-run"],
        vec!["note", &id, "hello", "--dry-run"],
        vec!["severity", &id, "SEV1", "--dry-run"],
        vec!["advance", &id, "--dry-run"],
    ] {
        let o = e.run(&args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains(&format!("/api/v1/incidents/{id}")), "{text}");
        assert!(text.contains("Idempotency-Key:"), "{text}");
        let secret = std::fs::read_to_string(&e.tok_file).unwrap();
        assert!(!text.contains(secret.trim()), "the token is never printed");
    }
    let o = e.run(&["severity", &id, "SEV1", "--dry-run"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("PATCH ") && text.contains("If-Match: \""),
        "{text}"
    );
    let o = e.run(&["note", &id, "hello", "--dry-run", "--json"]);
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["method"], "POST");
    assert_eq!(plan["body"]["text"], "hello");
    assert_eq!(
        e.incident(&id)["incident"]["version"],
        before,
        "nothing was sent"
    );
}

#[test]
fn exit_codes_tell_a_script_what_went_wrong() {
    let e = env();
    // Not found.
    let o = e.run(&["show", "INC-999"]);
    assert_eq!(code(&o), 3, "{}", String::from_utf8_lossy(&o.stderr));
    let o = e.run(&["note", "INC-999", "x"]);
    assert_eq!(code(&o), 3);
    // Usage.
    assert_eq!(code(&e.run(&["show", "not-an-id"])), 2);
    assert_eq!(code(&e.run(&["severity", "INC-1", "SEV9"])), 2);
    // Conflict: the incident's state refuses it.
    let a = e.json(&[
        "declare",
        "--title",
        "t",
        "--service",
        "s",
        "--severity",
        "SEV3",
        "--json",
    ]);
    let id = a["incident"]["id"].as_str().unwrap().to_string();
    assert_eq!(code(&e.run(&["ack", &id])), 0);
    assert_eq!(code(&e.run(&["ack", &id])), 6);
    // Auth refused.
    let bad = e.dir.path().join("bad-token");
    std::fs::write(&bad, "wr_not_a_real_token").unwrap();
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = Command::new(BIN)
        .args(["list", "--api", &e.server.url(), "--token-file"])
        .arg(&bad)
        .env("HOME", e.dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&o), 4, "{}", String::from_utf8_lossy(&o.stderr));
    // A token file others can read is refused before anything is sent:
    // the user's to fix (2), not the backend refusing (4).
    let open_file = e.dir.path().join("open-token");
    std::fs::write(&open_file, "wr_not_a_real_token").unwrap();
    std::fs::set_permissions(&open_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = Command::new(BIN)
        .args(["list", "--api", &e.server.url(), "--token-file"])
        .arg(&open_file)
        .env("HOME", e.dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("chmod 600") && !err.contains("wr_not_a_real_token"),
        "{err}"
    );
    // An unknown profile and a broken config are the user's to fix too.
    let o = Command::new(BIN)
        .args(["list", "--profile", "nosuch"])
        .env("HOME", e.dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.contains("no profile `nosuch`"), "{err}");
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join(".config/warroom");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), "default_profile = [").unwrap();
    let o = Command::new(BIN)
        .args(["list"])
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.contains("config.toml"), "{err}");
    // Unreachable.
    let o = Command::new(BIN)
        .args([
            "list",
            "--api",
            &format!("http://127.0.0.1:{}", free_port()),
            "--token-file",
        ])
        .arg(&e.tok_file)
        .env("HOME", e.dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&o), 5, "{}", String::from_utf8_lossy(&o.stderr));
    // An API URL pasted with its /api/v1 works.
    let o = Command::new(BIN)
        .args([
            "list",
            "--api",
            &format!("{}/api/v1/", e.server.url()),
            "--token-file",
        ])
        .arg(&e.tok_file)
        .env("HOME", e.dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    {
        // Enough incidents that the output outgrows the pipe's buffer.
        let s = warroom::server::Store::open(&db).unwrap();
        s.write(None, |tx| {
            for i in 0..3_000 {
                let req = warroom::model::wire::DeclareRequest {
                    title: format!("incident number {i} with a title long enough to fill a line"),
                    service: "svc".into(),
                    severity: warroom::model::Severity::Sev3,
                    summary: String::new(),
                    commander: None,
                    tags: vec![],
                };
                let who = warroom::model::Actor {
                    handle: "a".into(),
                    role: warroom::model::ActorRole::Commander,
                };
                let d = warroom::model::declare(
                    warroom::server::store::next_id(tx)?,
                    req,
                    &who,
                    vec![],
                    chrono::Utc::now(),
                )?;
                warroom::server::store::save(tx, &d, 0, None)?;
            }
            Ok((200, String::new()))
        })
        .unwrap();
    }
    let (_, tok_file) = token_file(dir.path(), &db, "viewer", "pipe");
    let server = ServerProc::start(free_port(), &db);
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{BIN}' list --api {} --token-file '{}' | head -1",
            server.url(),
            tok_file.display()
        ))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    assert!(o.status.success(), "exit {:?}: {err}", o.status.code());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("SEV"));
}

#[test]
fn flags_a_command_does_not_use_are_refused() {
    let o = Command::new(BIN)
        .args(["demo", "--api", "http://x", "--profile", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--api") && err.contains("--profile"), "{err}");
    // A token file with nowhere to send it is a mistake, not local mode.
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["list", "--token-file", "/nonexistent"])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--api"));
}

#[test]
fn the_console_without_a_terminal_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .arg("demo")
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ssh -t"));
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let o = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("warroom") && text.contains("silence"),
            "{shell}"
        );
    }
    let o = Command::new(BIN).arg("man").output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(".TH") && text.contains("warroom"));
}

#[test]
fn tokens_are_unique_by_name_and_listed_in_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    token(&db, "viewer", "noc-board");
    let o = Command::new(BIN)
        .args([
            "token",
            "create",
            "--role",
            "viewer",
            "--name",
            "noc-board",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("already named"));
    token(&db, "commander", "a-much-longer-name-for-alice");
    let o = Command::new(BIN)
        .args(["token", "list", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let col = |l: &str| {
        l.find("viewer")
            .or_else(|| l.find("commander"))
            .or_else(|| l.find("ROLE"))
    };
    assert_eq!(col(lines[0]), col(lines[1]));
    assert_eq!(col(lines[1]), col(lines[2]), "{text}");
}

#[test]
fn postmortem_and_followups_from_the_shell() {
    let e = env();
    let o = e.run(&[
        "declare",
        "--title",
        "Cache stampede",
        "--service",
        "cache",
        "--severity",
        "SEV2",
    ]);
    assert!(o.status.success());
    // Not resolved yet: refused with the reason and the conflict exit code.
    let o = e.run(&["postmortem", "INC-1"]);
    assert_eq!(code(&o), 6, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("resolved"));
    assert!(e.run(&["ack", "INC-1"]).status.success());
    for _ in 0..4 {
        let o = e.run(&["advance", "INC-1", "--force", "--reason", "drill"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let file = e.dir.path().join("INC-1.md");
    let o = e.run(&["postmortem", "INC-1", "-o", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("written to"));
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.starts_with("# Postmortem: INC-1 Cache stampede"), "{md}");
    assert!(md.contains("**DRAFT**"));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A second write never replaces the file (it may hold edits) without
    // --force, and never writes through or replaces a symbolic link.
    std::fs::write(&file, "# my edits\n").unwrap();
    let o = e.run(&["postmortem", "INC-1", "-o", file.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# my edits\n");
    let o = e.run(&[
        "postmortem",
        "INC-1",
        "-o",
        file.to_str().unwrap(),
        "--force",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("# Postmortem")
    );
    let elsewhere = e.dir.path().join("elsewhere.txt");
    std::fs::write(&elsewhere, "keep").unwrap();
    let link = e.dir.path().join("link.md");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["postmortem", "INC-1", "-o", link.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = e.run(&args);
        assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("symbolic link"));
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep");
    }
    let j = e.json(&["postmortem", "INC-1", "--format", "json"]);
    assert_eq!(j["incident"]["id"], "INC-1");
    let o = e.run(&["postmortem", "INC-1", "--format", "pdf"]);
    assert_eq!(code(&o), 2, "a usage error");
    // Follow-ups, added through the API, listed across incidents.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tok = std::fs::read_to_string(&e.tok_file).unwrap();
    rt.block_on(async {
        let r = warroom::tls::client()
            .post(format!("{}/api/v1/incidents/INC-1/followups", e.server.url()))
            .bearer_auth(tok.trim())
            .json(&serde_json::json!({"title": "Jitter the cache TTLs", "owner": "dana", "due": "2020-02-02"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    });
    let o = e.run(&["followups", "--overdue"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("OVERDUE") && text.contains("Jitter the cache TTLs"),
        "{text}"
    );
    let j = e.json(&["followups", "--owner", "dana", "--json"]);
    assert_eq!(j.as_array().unwrap().len(), 1);
    let j = e.json(&["followups", "--owner", "nobody", "--json"]);
    assert!(j.as_array().unwrap().is_empty());
    let o = e.run(&["followups", "--status", "someday"]);
    assert_eq!(code(&o), 2);
}

/// Hardening round three: a password in the API URL is never printed by
/// `--dry-run` and never sent as Basic auth beside the token; alone, it is
/// the token.
#[test]
fn a_password_in_the_api_url_is_the_token_and_never_shown() {
    let e = env();
    let tok = std::fs::read_to_string(&e.tok_file).unwrap();
    let with_pw = e
        .server
        .url()
        .replace("http://", &format!("http://ops:{}@", tok.trim()));
    let o = Command::new(BIN)
        .args([
            "declare",
            "--title",
            "Via URL",
            "--service",
            "x",
            "--severity",
            "SEV3",
        ])
        .args(["--api", &with_pw])
        .env("HOME", e.dir.path())
        .env("XDG_STATE_HOME", e.dir.path().join("state"))
        .env("XDG_CONFIG_HOME", e.dir.path().join("config"))
        .env_remove("WARROOM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown_pw = format!("ops:{}@", "NOT-THE-TOKEN-PW");
    let url = e
        .server
        .url()
        .replace("http://", &format!("http://{shown_pw}"));
    let o = Command::new(BIN)
        .args(["ack", "INC-1", "--dry-run", "--api", &url, "--token-file"])
        .arg(&e.tok_file)
        .env("HOME", e.dir.path())
        .env("XDG_STATE_HOME", e.dir.path().join("state"))
        .env("XDG_CONFIG_HOME", e.dir.path().join("config"))
        .env_remove("WARROOM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{all}");
    assert!(!all.contains("NOT-THE-TOKEN-PW"), "{all}");
    assert!(all.contains("POST http://127.0.0.1:"), "{all}");
}
