//! One function per CLI command: builds what the command needs from the
//! parsed arguments and runs it. The exit code says whether it worked.

mod after;
mod backend;
mod completions;
mod console;
mod docs;
mod drill;
mod logfile;
pub mod outcome;
mod quick;
mod reviews;
mod rules;
mod serve;
mod state_doc;
mod status;
mod timeline;
mod token;
mod write;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use outcome::CliError;

pub fn run(cli: Cli) -> ExitCode {
    // Everything we create (database, WAL, outbox, drafts, log) is private.
    crate::private_fs::restrict_umask();
    let _ = TIMEOUT.set(cli.timeout.unwrap_or(DEFAULT_TIMEOUT));
    outcome::finish(dispatch(cli))
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    use write::Intent;
    let global = cli.console.clone();
    backend::register_view_names(&global.backend);
    let refuse_backend = |what: &str| -> Result<(), CliError> {
        let b = &global.backend;
        let given: Vec<&str> = [
            (b.api.is_some(), "--api"),
            (b.token_file.is_some(), "--token-file"),
            (b.profile.is_some(), "--profile"),
            (b.ca_cert.is_some(), "--ca-cert"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        if given.is_empty() {
            Ok(())
        } else {
            Err(CliError::usage(format!(
                "`warroom {what}` does not use {}",
                given.join(", ")
            )))
        }
    };
    match cli.command {
        Some(Command::Serve(args)) => {
            refuse_backend("serve")?;
            serve::run(args)
        }
        Some(Command::Token { command, db }) => {
            refuse_backend("token")?;
            token::run(command, db).map_err(CliError::from)
        }
        Some(Command::Migrate { db }) => {
            refuse_backend("migrate")?;
            token::migrate(db).map_err(CliError::from)
        }
        Some(Command::Console(args)) => console::run(args),
        None => console::run(cli.console),
        Some(Command::Watch { json, backend }) => console::watch(json, backend),
        Some(Command::Wallboard { rotate, backend }) => {
            console::wallboard(rotate, backend, cli.console.theme)
        }
        Some(Command::Demo) => {
            refuse_backend("demo (it runs its own embedded server)")?;
            console::demo(
                cli.console.theme,
                cli.console.low_bandwidth,
                cli.console.backend.read_only,
            )
        }
        Some(Command::Drill(args)) => drill::run(args),
        Some(Command::List { backend, all, json }) => quick::list(backend, all, json),
        Some(Command::Show {
            id,
            backend,
            json,
            at,
        }) => quick::show(&id, backend, json, at.as_deref()),
        Some(Command::Postmortem {
            id,
            backend,
            format,
            output,
            force,
        }) => after::postmortem(&id, backend, &format, output, force),
        Some(Command::Followups {
            backend,
            owner,
            overdue,
            status,
            json,
        }) => after::followups(backend, owner, overdue, status, json),
        Some(Command::Stats {
            backend,
            since,
            service,
            utc_offset,
            json,
            explain,
        }) => after::stats(backend, since, service, utc_offset, json, explain),
        Some(Command::Review { command }) => reviews::review(command),
        Some(Command::Reviews(args)) => reviews::list(args),
        Some(Command::Timeline { command }) => timeline::run(command),
        Some(Command::Ack { id, write }) => write::run_each(id, Intent::Ack, write),
        Some(Command::Note { id, text, write }) => write::run(Intent::Note(id, text), write),
        Some(Command::Update {
            id,
            text,
            public,
            internal: _,
            stage,
            data_loss,
            write,
        }) => {
            let audience = if public {
                crate::model::wire::Audience::Public
            } else {
                crate::model::wire::Audience::Internal
            };
            if stage == Some(crate::model::cadence::UpdateStage::Resolution)
                && data_loss.as_deref().is_none_or(|d| d.trim().is_empty())
            {
                return Err(CliError::usage(format!(
                    "{}: give it with --data-loss",
                    crate::model::cadence::DATA_LOSS_REQUIRED
                )));
            }
            let body = crate::model::wire::TextRequest {
                stage,
                data_loss,
                ..crate::model::wire::TextRequest::new(text).to(audience)
            };
            write::run(Intent::Update(id, body), write)
        }
        Some(Command::Advance {
            id,
            force,
            reason,
            write,
        }) => write::run(Intent::Advance { id, force, reason }, write),
        Some(Command::Severity {
            id,
            severity,
            write,
        }) => write::run(Intent::Severity(id, severity), write),
        Some(Command::Declare {
            title,
            service,
            severity,
            summary,
            write,
        }) => write::run(
            Intent::Declare(crate::model::wire::DeclareRequest {
                title,
                service,
                severity,
                summary,
                commander: None,
                tags: Vec::new(),
            }),
            write,
        ),
        Some(Command::Resolve { id, write }) => write::run_each(id, Intent::Resolve, write),
        Some(Command::Silence {
            expire: Some(silence_id),
            write,
            ..
        }) => write::run(
            Intent::Ready(crate::client::WriteOp::ExpireSilence { silence_id }),
            write,
        ),
        Some(Command::Silence {
            id,
            duration,
            comment,
            write,
            ..
        }) => {
            // clap requires both without --expire.
            let (Some(minutes), Some(comment)) = (duration, comment) else {
                return Err(CliError::usage(
                    "warroom silence needs --duration and --comment (or --expire SILENCE_ID)",
                ));
            };
            write::run_each(
                id,
                |id| Intent::Silence {
                    id,
                    minutes,
                    comment: comment.clone(),
                },
                write,
            )
        }
        Some(Command::Task { command }) => state_doc::task(command),
        Some(Command::Hypothesis { command }) => state_doc::hypothesis(command),
        Some(Command::Decide {
            id,
            text,
            why,
            objections_asked,
            supersedes,
            write,
        }) => state_doc::decide(&id, text, why, objections_asked, supersedes, write),
        Some(Command::Command { command }) => state_doc::command(command),
        Some(Command::Can {
            id,
            condition,
            actions,
            needs,
            write,
        }) => state_doc::can(
            &id,
            crate::model::CanReport {
                condition,
                actions,
                needs,
            },
            write,
        ),
        Some(Command::Release { id, handle, write }) => state_doc::release(&id, handle, write),
        Some(Command::Brief(args)) => state_doc::brief(args),
        Some(Command::Impact(args)) => state_doc::impact(args),
        Some(Command::Public {
            id,
            title,
            off,
            write,
        }) => status::public(&id, title, off, write),
        Some(Command::Notify {
            command:
                crate::cli::NotifyCommand::Test {
                    targets,
                    json,
                    dry_run,
                    backend,
                },
        }) => status::notify_test(targets, json, dry_run, backend),
        Some(Command::Status {
            command:
                crate::cli::StatusCommand::Export {
                    dir,
                    force,
                    backend,
                },
        }) => status::export(&dir, force, backend),
        Some(Command::Completions { shell }) => {
            refuse_backend("completions")?;
            completions::completions(shell)
        }
        Some(Command::Complete { kind }) => completions::candidates(&kind),
        Some(Command::Rules { command }) => {
            refuse_backend("rules")?;
            rules::run(command)
        }
        Some(Command::Man { dir }) => {
            refuse_backend("man")?;
            docs::man(dir.as_deref())
        }
    }
}

/// How long a one-shot command may take, whatever its retries and its
/// requests' own timeouts: a script never hangs on a server that does not
/// answer.
const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
static TIMEOUT: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();

/// Runs a one-shot command's work within `--timeout` (exit 5 past it).
pub(crate) fn one_shot<T>(
    work: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    let limit = *TIMEOUT.get().unwrap_or(&DEFAULT_TIMEOUT);
    let rt = runtime()?;
    let r = rt.block_on(async { tokio::time::timeout(limit, work).await });
    // Whatever is still waiting on the server is dropped, not awaited.
    rt.shutdown_background();
    r.unwrap_or_else(|_| {
        Err(CliError::new(
            outcome::Exit::Unreachable,
            format!(
                "no answer within {} (--timeout, WARROOM_TIMEOUT): the backend is slow or does not answer",
                humantime(limit)
            ),
        ))
    })
}

fn humantime(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s, d.subsec_millis()) {
        (0, ms) => format!("{ms}ms"),
        (s, 0) if s % 60 == 0 => format!("{}m", s / 60),
        (s, 0) => format!("{s}s"),
        (s, ms) => format!("{s}.{:03}s", ms),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}
