//! The command line as a script runs it: the binary against a real
//! `warroom serve` process, with a commander's token file and a private
//! home.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::procs::{BIN, ServerProc, free_port, token_file};

pub struct Env {
    pub dir: tempfile::TempDir,
    pub server: ServerProc,
    pub tok_file: std::path::PathBuf,
}

pub fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let (_, tok_file) = token_file(dir.path(), &db, "commander", "script");
    let server = ServerProc::start(free_port(), &db);
    Env {
        dir,
        server,
        tok_file,
    }
}

impl Env {
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_as(args, &self.tok_file)
    }

    /// The command with another person's token file.
    pub fn cmd_as(&self, args: &[&str], tok_file: &std::path::Path) -> Command {
        let mut c = self.cmd_home(args);
        c.args(["--api", &self.server.url(), "--token-file"])
            .arg(tok_file);
        c
    }

    /// The command in this env's home, naming no backend (a profile from
    /// its config, or none).
    pub fn cmd_home(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("WARROOM_TOKEN")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    }

    /// Declares a SEV1 on `checkout` as the env's commander; its id.
    pub fn declare(&self, title: &str) -> String {
        let a = self.json(&[
            "declare",
            "--title",
            title,
            "--service",
            "checkout",
            "--severity",
            "SEV1",
            "--json",
        ]);
        a["incident"]["id"].as_str().unwrap().to_string()
    }

    pub fn incident(&self, id: &str) -> Value {
        self.json(&["show", id, "--json"])
    }
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
