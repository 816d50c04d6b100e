//! `warroom drill`: play a practice outage in the real console, check
//! scenario files, list the built-in ones, print a debrief.

use std::path::{Path, PathBuf};

use super::backend::{self, Connected};
use super::outcome::{CliError, out};
use crate::cli::{BackendArgs, DrillArgs, DrillCommand};
use crate::config::Config;
use crate::model::drill::scenario::MAX_FILE_BYTES;
use crate::model::drill::{MAX_SPEED, Scenario, StartDrill, builtin};
use crate::server::DbLocation;

pub fn run(args: DrillArgs) -> Result<(), CliError> {
    match args.command.clone() {
        Some(DrillCommand::Check { files }) => check(&files),
        Some(DrillCommand::List) => list(),
        Some(DrillCommand::Debrief {
            id,
            format,
            backend,
        }) => debrief(&id, &format, backend),
        None => play(args),
    }
}

fn format_of(f: &str) -> Result<(), CliError> {
    match f {
        "md" | "json" => Ok(()),
        other => Err(CliError::usage(format!(
            "--format {}: use md or json",
            crate::text::one_line(other, 20)
        ))),
    }
}

/// A scenario file's text, bounded, or why not.
fn read_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a file"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{shown}: {} bytes; a scenario is at most {MAX_FILE_BYTES}",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))
}

/// Reads and checks one file: its scenario, or the message naming the
/// file, line and column.
fn scenario_file(path: &Path) -> Result<(Scenario, String), String> {
    let text = read_file(path)?;
    let s = Scenario::parse(&text).map_err(|e| format!("{}, {e}", path.display()))?;
    Ok((s, text))
}

fn check(files: &[PathBuf]) -> Result<(), CliError> {
    let mut refused = 0;
    for f in files {
        match scenario_file(f) {
            Ok((s, _)) => out(format!(
                "{}: ok ({}: {}, {} events, {} facts, limit {})",
                f.display(),
                s.name,
                crate::text::one_line(&s.title, 80),
                s.events.len(),
                s.facts.len(),
                s.limit
            )),
            Err(e) => {
                refused += 1;
                eprintln!("warroom: {e}");
            }
        }
    }
    if refused > 0 {
        return Err(CliError::usage(format!(
            "{refused} of {} scenario file(s) refused",
            files.len()
        )));
    }
    Ok(())
}

fn list() -> Result<(), CliError> {
    use crate::text::pad;
    out(format!(
        "{}  {}  {}  TITLE",
        pad("NAME", 18),
        pad("KIND", 38),
        pad("LIMIT", 5)
    ));
    for (name, text) in builtin::BUILTIN {
        let s = Scenario::parse(text).map_err(|e| CliError::from(format!("{name}: {e}")))?;
        out(format!(
            "{}  {}  {}  {}",
            pad(&s.name, 18),
            pad(&s.kind, 38),
            pad(&s.limit, 5),
            s.title
        ));
    }
    Ok(())
}

fn debrief(id: &str, format: &str, args: BackendArgs) -> Result<(), CliError> {
    format_of(format)?;
    let id = super::outcome::incident_id(id)?;
    let config = Config::load_default()?;
    let text = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "drill debrief").await?;
        let r = c.reader.debrief(id, format).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r.map_err(CliError::from)
    })?;
    out(text.trim_end());
    Ok(())
}

/// What to ask the server to play: a built-in by name, or a file's text
/// (checked here first, so a mistake is said with its line at once).
fn request(name: &str, speed: u32) -> Result<StartDrill, CliError> {
    if !(1..=MAX_SPEED).contains(&speed) {
        return Err(CliError::usage(format!(
            "--speed {speed}: use 1 to {MAX_SPEED}"
        )));
    }
    if builtin::named(name).is_some() {
        return Ok(StartDrill {
            builtin: Some(name.to_string()),
            scenario: None,
            speed: Some(speed),
        });
    }
    let path = Path::new(name);
    if !path.exists() {
        let names: Vec<&str> = builtin::BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(CliError::usage(format!(
            "`{}` is neither a built-in scenario ({}) nor a file",
            crate::text::one_line(name, 60),
            names.join(", ")
        )));
    }
    let (_, text) = scenario_file(path).map_err(CliError::usage)?;
    Ok(StartDrill {
        builtin: None,
        scenario: Some(text),
        speed: Some(speed),
    })
}

fn play(args: DrillArgs) -> Result<(), CliError> {
    format_of(&args.format)?;
    let Some(name) = args.scenario.as_deref() else {
        return Err(CliError::usage(
            "name a scenario: `warroom drill list` shows the built-in ones",
        ));
    };
    let req = request(name, args.speed)?;
    if args.backend.read_only {
        return Err(CliError::usage(
            "--read-only: a drill makes changes (it opens an incident and plays its script)",
        ));
    }
    super::console::need_terminal("drill")?;
    let config = Config::load_default()?;
    let theme = super::console::load_theme(None, &config)?;
    super::logfile::log_to_file()?;
    let b = &args.backend;
    let on_team_server = b.api.is_some() || b.profile.is_some();
    let (id, text) = super::runtime()?.block_on(async {
        // By default an in-memory server: nothing to set up, and the
        // practice leaves nothing behind in the local war room.
        let mut c: Connected = if on_team_server {
            backend::resolve(b, &config).await?
        } else {
            backend::embedded(DbLocation::Memory, false, "DRILL").await?
        };
        // A read-only profile starts nothing.
        c.may_write()?;
        let started = c.writer.start_drill(&req).await.map_err(CliError::from)?;
        tracing::info!(incident = %started.incident, scenario = %started.scenario, "drill started");
        let (reader, embedded) = (c.reader.clone(), c.embedded.take());
        let low_bandwidth = config.low_bandwidth.unwrap_or(false);
        let shown = super::console::open(c, theme, &config, low_bandwidth).await;
        let text = reader.debrief(started.incident, &args.format).await;
        if let Some(s) = embedded {
            s.stop().await;
        }
        shown?;
        Ok::<_, CliError>((started.incident, text.map_err(CliError::from)?))
    })?;
    eprintln!("warroom: the debrief of the drill {id}:");
    out(text.trim_end());
    Ok(())
}
