//! The README's commands work as written.
//!
//! Every `warroom …` line in the README's `sh` blocks must parse with the
//! real command line; the ones that are safe to run here run for real, as
//! written, against a real `warroom serve` reached through the README's own
//! config (a `default_profile`):
//! the scripting block, token management (with the README's
//! `/var/lib/warroom` database moved into a temp dir), shell completions
//! and the man page (written into a temp home). Not run: `serve` on
//! 0.0.0.0:7878 (every other test starts servers), the wallboard (a
//! terminal UI, covered by the PTY tests), and the lines that need a
//! PagerDuty account or an Alertmanager profile.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use clap::Parser;
use common::procs::{BIN, ServerProc, free_port, token_file};
use pulldown_cmark::{CodeBlockKind, Event, Parser as Markdown, Tag, TagEnd};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// Every line of the README's `sh` code blocks that runs `warroom`, with
/// its trailing comment removed.
fn warroom_lines(md: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    for ev in Markdown::new(md) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => in_sh = &*lang == "sh",
            Event::End(TagEnd::CodeBlock) => in_sh = false,
            Event::Text(t) if in_sh => {
                for l in t.lines() {
                    let l = strip_comment(l).trim().to_string();
                    if l.starts_with("warroom ") {
                        lines.push(l);
                    }
                }
            }
            _ => {}
        }
    }
    lines
}

/// Drops a `# comment` that is outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if line[..i].ends_with(char::is_whitespace) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The `warroom` part of a shell line: the words before a pipe or a
/// redirection.
fn command_words(line: &str) -> Vec<String> {
    shell_words::split(line)
        .unwrap_or_else(|e| panic!("README line does not split as shell words: {line}: {e}"))
        .into_iter()
        .take_while(|w| w != "|" && w != ">" && w != "<")
        .collect()
}

/// The README's `toml` blocks.
fn toml_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for ev in Markdown::new(md) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "toml" => {
                cur = Some(String::new())
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(cur.take()),
            Event::Text(t) => {
                if let Some(c) = cur.as_mut() {
                    c.push_str(&t)
                }
            }
            _ => {}
        }
    }
    blocks
}

/// Every server config sample in the README is one the server takes:
/// it parses as `server.toml` (unknown keys are refused there), and its
/// notification targets pass the checks the server runs at start.
#[test]
fn every_server_config_sample_in_the_readme_is_accepted() {
    let blocks = toml_blocks(&readme());
    let server_keys = [
        "[[notify.targets]]",
        "[[actions]]",
        "[automation]",
        "[policy]",
        "[limits]",
        "[[rules]]",
    ];
    let mut checked = 0;
    for b in &blocks {
        if let Err(e) = b.parse::<toml::Table>() {
            panic!("a README toml block does not parse: {e}\n{b}");
        }
        if !server_keys.iter().any(|k| b.contains(k)) {
            continue;
        }
        let c: warroom::server::config::ServerFileConfig =
            toml::from_str(b).unwrap_or_else(|e| panic!("not a server.toml: {e}\n{b}"));
        c.notify.check().unwrap_or_else(|e| panic!("{e}\n{b}"));
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} server config samples found");
}

#[test]
fn every_warroom_line_in_the_readme_parses() {
    let lines = warroom_lines(&readme());
    assert!(
        lines.len() >= 20,
        "expected the README's command blocks, found {} lines",
        lines.len()
    );
    for line in &lines {
        if let Err(e) = warroom::cli::Cli::try_parse_from(command_words(line)) {
            panic!("README command does not parse: {line}\n{e}");
        }
    }
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn run(&self, words: &[String]) -> std::process::Output {
        Command::new(BIN)
            .args(&words[1..])
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("XDG_STATE_HOME", self.dir.path().join(".local/state"))
            .env("XDG_DATA_HOME", self.dir.path().join(".local/share"))
            .env_remove("WARROOM_TOKEN")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs a README line; a `> FILE` redirection writes the output there.
    fn run_line(&self, line: &str) -> std::process::Output {
        let line = line.replace('~', &self.dir.path().display().to_string());
        let out = self.run(&command_words(&line));
        if let Some((_, target)) = line.split_once(" > ") {
            let target = target.split_whitespace().next().unwrap();
            let target = Path::new(target);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, &out.stdout).unwrap();
        }
        out
    }
}

fn assert_ok(line: &str, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "README command failed: {line}\nexit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn block_with<'a>(lines: &'a [String], needle: &str) -> Vec<&'a String> {
    lines.iter().filter(|l| l.contains(needle)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_scripting_commands_run_as_written_against_a_real_server() {
    let home = Home {
        dir: tempfile::tempdir().unwrap(),
    };
    let db = home.dir.path().join("server.db");
    let config = home.dir.path().join(".config/warroom");
    std::fs::create_dir_all(&config).unwrap();
    let (tok, _) = token_file(&config, &db, "commander", "prod");
    let server = ServerProc::start(free_port(), &db);
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_profile = \"prod\"\n[profiles.prod]\nkind = \"warroom\"\nurl = \"{}\"\ntoken_file = \"~/.config/warroom/prod.token\"\n",
            server.url()
        ),
    )
    .unwrap();
    // The README's examples name INC-42: 41 incidents come first.
    let http = warroom::tls::client();
    for i in 1..=41 {
        let r = http
            .post(format!("{}/api/v1/incidents", server.url()))
            .bearer_auth(&tok)
            .json(&serde_json::json!({"title": format!("seed {i}"), "service": "api", "severity": "SEV3"}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "seeding: {}", r.status());
    }

    let lines = warroom_lines(&readme());
    let scripting: Vec<&String> = lines
        .iter()
        .filter(|l| {
            [
                "list", "declare", "ack", "note", "update", "advance", "severity",
            ]
            .iter()
            .any(|c| l.starts_with(&format!("warroom {c} ")))
        })
        .collect();
    assert!(
        scripting.len() >= 9,
        "scripting block not found: {scripting:?}"
    );
    for line in scripting {
        let out = home.run_line(line);
        assert_ok(line, &out);
        if line.contains("--json") {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{line}: not JSON: {e}"));
            assert!(v.is_array() || v.is_object(), "{line}: {v}");
        }
    }
    // The writes landed on INC-42 as the README says they would.
    let detail: serde_json::Value = http
        .get(format!("{}/api/v1/incidents/42", server.url()))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["incident"]["severity"], "SEV1", "{detail}");
    let text = detail.to_string();
    assert!(text.contains("rolled back to 1.4.2"), "the note is missing");
    assert!(
        text.contains("Mitigated; monitoring"),
        "the update is missing"
    );
    assert!(
        text.contains("bridge agreed to skip"),
        "the forced advance is missing"
    );
    assert!(!text.contains("\"test\""), "--dry-run must send nothing");
    drop(server);
}

#[test]
fn the_readme_token_completion_and_man_commands_run_as_written() {
    let home = Home {
        dir: tempfile::tempdir().unwrap(),
    };
    let lines = warroom_lines(&readme());
    let var = home.dir.path().join("var");
    std::fs::create_dir_all(&var).unwrap();
    let tokens = block_with(&lines, "warroom token ");
    assert!(tokens.len() >= 5, "token commands not found: {tokens:?}");
    for line in tokens {
        let line = line.replace("/var/lib/warroom", &var.display().to_string());
        let out = home.run_line(&line);
        assert_ok(&line, &out);
    }
    let list = home.run_line(&format!(
        "warroom token list --db {}/warroom.db --json",
        var.display()
    ));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    let revoked = |name: &str| {
        let t = list
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        !t["revoked_at"].is_null()
    };
    assert!(!revoked("alice"), "the README creates alice and keeps her");
    assert!(revoked("noc-board"), "the README revokes noc-board");

    for line in block_with(&lines, "warroom completions ")
        .into_iter()
        .chain(block_with(&lines, "warroom man "))
    {
        let out = home.run_line(line);
        assert_ok(line, &out);
        // `man --dir` writes its pages into the folder, not to stdout.
        if !line.contains("--dir") {
            assert!(!out.stdout.is_empty(), "{line} wrote nothing");
        }
    }
    let pages = home.dir.path().join(".local/share/man/man1");
    assert!(
        std::fs::read_to_string(pages.join("warroom.1"))
            .unwrap()
            .contains(".TH")
    );
    assert!(pages.join("warroom-drill.1").exists());
}
