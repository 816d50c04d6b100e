//! The console's actions as commands for scripts: `ack`, `note`, `update`,
//! `advance`, `severity`, `declare`, `resolve`, `silence`. They go through
//! the same client as the console (idempotency keys, sanitizing, If-Match),
//! print the backend's answer (`--json`) or a line, or with `--dry-run` the
//! exact request and nothing is sent.

use std::io::Read as _;
use std::time::Duration;

use crate::cli::WriteFlags;
use crate::client::{ClientError, Fetched, Reader, Write, WriteOp, Writer};
use crate::config::Config;
use crate::model::wire::{DeclareRequest, PatchRequest, TextRequest, TransitionRequest};
use crate::model::{IncidentId, Severity, Status};

use super::backend;
use super::outcome::{CliError, Exit, out};

/// What a write command asks for, before the backend is known.
pub enum Intent {
    Ack(String),
    Note(String, String),
    /// A stakeholder update: its text may be `-` (standard input).
    Update(String, TextRequest),
    Advance {
        id: String,
        force: bool,
        reason: Option<String>,
    },
    Severity(String, Severity),
    Declare(DeclareRequest),
    Resolve(String),
    Silence {
        id: String,
        minutes: u32,
        comment: String,
    },
    /// A write that needs nothing read first (the state document's).
    Ready(WriteOp),
}

impl Intent {
    /// The command's name, for messages.
    pub fn verb(&self) -> &'static str {
        match self {
            Intent::Ack(_) => "ack",
            Intent::Note(..) => "note",
            Intent::Update(..) => "update",
            Intent::Advance { .. } => "advance",
            Intent::Severity(..) => "severity",
            Intent::Declare(_) => "declare",
            Intent::Resolve(_) => "resolve",
            Intent::Silence { .. } => "silence",
            Intent::Ready(_) => "that command",
        }
    }
}

/// `-` is standard input (a note piped from a script).
fn text_arg(s: String) -> Result<String, CliError> {
    if s != "-" {
        return Ok(s);
    }
    let mut t = String::new();
    std::io::stdin()
        .take(crate::model::MAX_TEXT as u64 * 4 + 1)
        .read_to_string(&mut t)
        .map_err(|e| CliError::usage(format!("cannot read the text from standard input: {e}")))?;
    Ok(t.trim_end_matches('\n').to_string())
}

/// The incident as the backend has it now (for the version a change is
/// based on, and the step after its status).
async fn current(reader: &Reader, id: IncidentId) -> Result<crate::model::Incident, CliError> {
    match reader.detail(id, None).await? {
        Fetched::Fresh { value, .. } => Ok(value.incident),
        Fetched::NotModified => Err("the backend answered 304 to a plain read".into()),
    }
}

async fn op_for(intent: Intent, reader: &Reader) -> Result<WriteOp, CliError> {
    Ok(match intent {
        Intent::Ack(id) => WriteOp::Transition {
            id: super::outcome::incident_id(&id)?,
            body: TransitionRequest {
                to: Status::Acknowledged,
                force: false,
                reason: None,
            },
        },
        Intent::Note(id, text) => WriteOp::Note {
            id: super::outcome::incident_id(&id)?,
            body: TextRequest::new(text_arg(text)?),
        },
        Intent::Update(id, body) => WriteOp::StakeholderUpdate {
            id: super::outcome::incident_id(&id)?,
            body: TextRequest {
                text: text_arg(body.text)?,
                ..body
            },
        },
        Intent::Advance { id, force, reason } => {
            if force && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(CliError::usage(
                    "--force needs --reason (it is recorded on the timeline)",
                ));
            }
            let id = super::outcome::incident_id(&id)?;
            let inc = current(reader, id).await?;
            let to = inc.status.next().ok_or_else(|| {
                CliError::new(
                    Exit::Conflict,
                    format!("{id} is {}: there is no next phase", inc.status),
                )
            })?;
            WriteOp::Transition {
                id,
                body: TransitionRequest { to, force, reason },
            }
        }
        Intent::Severity(id, severity) => {
            let id = super::outcome::incident_id(&id)?;
            let inc = current(reader, id).await?;
            WriteOp::Patch {
                id,
                if_match: inc.version,
                body: PatchRequest {
                    severity: Some(severity),
                    ..Default::default()
                },
            }
        }
        Intent::Declare(body) => WriteOp::Declare { body },
        Intent::Resolve(id) => WriteOp::Resolve {
            id: super::outcome::incident_id(&id)?,
        },
        Intent::Silence {
            id,
            minutes,
            comment,
        } => WriteOp::Silence {
            id: super::outcome::incident_id(&id)?,
            comment,
            minutes,
        },
        Intent::Ready(op) => op,
    })
}

/// Sends with the write's one idempotency key, retrying what may succeed
/// later (the backend is down, slow, or rate limiting) a few times.
async fn deliver(writer: &Writer, w: &Write) -> Result<crate::client::Sent, ClientError> {
    let mut attempt = 0;
    loop {
        match writer.send_verbatim(w).await {
            Err(e) if e.is_transient() && attempt < 3 => {
                attempt += 1;
                let wait = e
                    .retry_after()
                    .unwrap_or_else(|| Duration::from_millis(500 << attempt))
                    .min(Duration::from_secs(10));
                tokio::time::sleep(wait).await;
            }
            r => return r,
        }
    }
}

/// The most ids one command takes (arguments and standard input together).
pub const MAX_IDS: usize = 500;

/// The ids as given: `-` is standard input (ids separated by spaces,
/// commas or lines), checked before anything is sent, each once.
fn expand_ids(given: Vec<String>) -> Result<Vec<String>, CliError> {
    let mut ids: Vec<String> = Vec::new();
    let mut push = |t: &str| -> Result<(), CliError> {
        let id = super::outcome::incident_id(t)?.to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() > MAX_IDS {
            return Err(CliError::usage(format!(
                "more than {MAX_IDS} incident ids: give them in batches"
            )));
        }
        Ok(())
    };
    for g in given {
        if g != "-" {
            push(&g)?;
            continue;
        }
        let mut text = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read ids from standard input: {e}")))?;
        for t in text.split(|c: char| c.is_whitespace() || c == ',') {
            if !t.is_empty() {
                push(t)?;
            }
        }
    }
    if ids.is_empty() {
        return Err(CliError::usage(
            "no incident ids given (standard input was empty)",
        ));
    }
    Ok(ids)
}

/// One write per id, each with its own idempotency key, in order; every
/// id is tried, and each failure is said with its id. Exits with the first
/// failure's code when any failed. One id is exactly `run`.
pub fn run_each(
    given: Vec<String>,
    make: impl Fn(String) -> Intent,
    flags: WriteFlags,
) -> Result<(), CliError> {
    let mut ids = expand_ids(given)?;
    if ids.len() == 1 {
        return run(make(ids.remove(0)), flags);
    }
    let config = Config::load_default()?;
    let verb = make(ids[0].clone()).verb();
    super::one_shot(async {
        let c = backend::resolve_verb(&flags.backend, &config, verb).await?;
        c.may_write()?;
        let mut failed: Vec<CliError> = Vec::new();
        for id in &ids {
            if let Err(e) = act(make(id.clone()), &flags, &c.reader, &c.writer, true).await {
                eprintln!("warroom: {id}: {}", e.message);
                failed.push(e);
            }
        }
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        match failed.first() {
            None => Ok(()),
            Some(first) => Err(CliError::new(
                first.exit,
                format!("{} of {} failed (each said above)", failed.len(), ids.len()),
            )),
        }
    })
}

pub fn run(intent: Intent, flags: WriteFlags) -> Result<(), CliError> {
    let config = Config::load_default()?;
    super::one_shot(async {
        let c = backend::resolve_verb(&flags.backend, &config, intent.verb()).await?;
        let r = match c.may_write() {
            Ok(()) => act(intent, &flags, &c.reader, &c.writer, false).await,
            Err(e) => Err(e),
        };
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r
    })
}

/// One write. `lines`: one of several, so `--json` prints one object per
/// line.
async fn act(
    intent: Intent,
    flags: &WriteFlags,
    reader: &Reader,
    writer: &Writer,
    lines: bool,
) -> Result<(), CliError> {
    let op = op_for(intent, reader).await?;
    if let Some(id) = op.incident() {
        // PagerDuty's id for the number (one read, not the list);
        // Alertmanager's group behind the id.
        reader.locate(id).await?;
    }
    let w = Write::new(op);
    if flags.dry_run {
        let plan = writer.plan(&w)?;
        if flags.json {
            out(serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())?);
        } else {
            out(plan.display().trim_end());
        }
        return Ok(());
    }
    let sent = deliver(writer, &w).await?;
    let answer = sent.answer;
    if flags.json {
        // The backend's own answer: the incident from warroom's server,
        // Alertmanager's silence id, PagerDuty's incident.
        let v = match (sent.body, &answer) {
            (Some(body), _) => body,
            (None, Some(a)) => serde_json::to_value(a).map_err(|e| e.to_string())?,
            (None, None) => serde_json::json!({"ok": true, "what": w.op.describe()}),
        };
        let text = if lines {
            serde_json::to_string(&v)
        } else {
            serde_json::to_string_pretty(&v)
        };
        out(text.map_err(|e| e.to_string())?);
        return Ok(());
    }
    match answer {
        Some(a) => out(format!(
            "{} {} {} (version {}): {}",
            a.incident.id,
            a.incident.severity,
            a.incident.status,
            a.incident.version,
            w.op.describe()
        )),
        None => out(format!("done: {}", w.op.describe())),
    }
    Ok(())
}
