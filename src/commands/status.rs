//! `warroom public` (an incident on or off the status page),
//! `warroom notify test` (the readiness check of every paging path) and
//! `warroom status export` (the status page as static files to host
//! elsewhere: the bytes the server serves, checked, written atomically and
//! never over a file that is there unless `--force`).

use std::path::Path;

use crate::cli::{BackendArgs, WriteFlags};
use crate::client::WriteOp;
use crate::config::Config;
use crate::model::public::{PublishRequest, StatusPage};
use crate::report::status_page::{ATOM_FILE, HTML_FILE, JSON_FILE};

use super::backend;
use super::outcome::CliError;
use super::write::{Intent, run};

pub fn public(
    id: &str,
    title: Option<String>,
    off: bool,
    write: WriteFlags,
) -> Result<(), CliError> {
    let id = super::outcome::incident_id(id)?;
    let body = PublishRequest {
        public: !off,
        title: if off { None } else { title },
    };
    run(Intent::Ready(WriteOp::Publish { id, body }), write)
}

/// What the server serves at each route, and the file it becomes.
const FILES: [(&str, &str); 3] = [
    ("status", HTML_FILE),
    ("status.json", JSON_FILE),
    ("status.atom", ATOM_FILE),
];

pub fn export(dir: &Path, force: bool, args: BackendArgs) -> Result<(), CliError> {
    // A file already there may be a page someone edited, or another
    // site's: replaced only with --force, and a symbolic link never.
    for (_, name) in FILES {
        let path = dir.join(name);
        super::after::refuse_to_clobber(&path, force, &path.display().to_string())?;
    }
    let config = Config::load_default()?;
    let files = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "status export").await?;
        let mut got = Vec::new();
        let mut failed = None;
        for (route, name) in FILES {
            match c.reader.status_file(route).await {
                Ok(bytes) => got.push((name, bytes)),
                Err(e) => {
                    failed = Some(CliError::from(e));
                    break;
                }
            }
        }
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(got),
        }
    })?;
    // All three or none: each is checked before any is written.
    for (name, bytes) in &files {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| CliError::from(format!("the server's {name} is not UTF-8")))?;
        if *name == JSON_FILE && serde_json::from_str::<StatusPage>(text).is_err() {
            return Err(CliError::from(format!(
                "the server's {name} is not a status page"
            )));
        }
    }
    if !dir.exists() {
        crate::private_fs::private_dir(dir).map_err(CliError::from)?;
    }
    for (name, bytes) in &files {
        crate::private_fs::write_atomic(dir, name, bytes, true).map_err(|e| {
            CliError::from(format!("cannot write {}: {e}", dir.join(name).display()))
        })?;
    }
    eprintln!(
        "warroom: status page written to {} ({HTML_FILE}, {JSON_FILE}, {ATOM_FILE}); the files are \
         private (0600): give your web server read access when you publish them",
        dir.display()
    );
    Ok(())
}

pub fn notify_test(
    targets: Vec<String>,
    json: bool,
    dry_run: bool,
    args: BackendArgs,
) -> Result<(), CliError> {
    use crate::model::wire::NotifyTestRequest;
    use crate::text::{one_line, pad};
    let config = Config::load_default()?;
    let req = NotifyTestRequest { targets, dry_run };
    let results = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "notify test").await?;
        // A dry run sends nothing: a read-only profile may preview.
        let r = match (req.dry_run, c.may_write()) {
            (false, Err(e)) => Err(e),
            _ => c.writer.notify_test(&req).await.map_err(CliError::from),
        };
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r
    })?;
    let results = results.results;
    if json {
        super::outcome::out(serde_json::to_string_pretty(&results).unwrap_or_default());
    } else if results.is_empty() {
        eprintln!(
            "warroom: the server has no notification targets ([[notify.targets]] in its config)"
        );
    } else if dry_run {
        for r in &results {
            super::outcome::out(format!(
                "── {} ({}) would receive:",
                one_line(&r.target, 60),
                r.kind
            ));
            for l in r.preview.as_deref().unwrap_or("").lines() {
                super::outcome::out(format!("   {}", one_line(l, 300)));
            }
        }
    } else {
        super::outcome::out(format!(
            "{}  {}  {}  {}",
            pad("TARGET", 24),
            pad("KIND", 10),
            pad("RESULT", 9),
            "TIME"
        ));
        for r in &results {
            super::outcome::out(format!(
                "{}  {}  {}  {} ms{}",
                pad(&one_line(&r.target, 24), 24),
                pad(&r.kind, 10),
                pad(if r.delivered { "delivered" } else { "FAILED" }, 9),
                r.latency_ms,
                r.error
                    .as_deref()
                    .map(|e| format!("  {}", one_line(e, 200)))
                    .unwrap_or_default()
            ));
        }
    }
    let failed = results.iter().filter(|r| !dry_run && !r.delivered).count();
    if failed > 0 {
        return Err(CliError::new(
            super::outcome::Exit::Failure,
            format!(
                "{failed} of {} targets did not take the test message",
                results.len()
            ),
        ));
    }
    Ok(())
}
