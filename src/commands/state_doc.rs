//! `warroom task|hypothesis|decide|command|can|release` (writes through the
//! same path as every other write: `--json`, `--dry-run`, idempotency
//! keys, exit codes) and `warroom brief` (built from the detail by the
//! same function the server and the console use).

use chrono::Local;

use crate::cli::{
    BriefArgs, CommandCommand, HypothesisCommand, ImpactArgs, TaskCommand, WriteFlags,
};
use crate::client::{Fetched, WriteOp};
use crate::config::Config;
use crate::model::brief::Brief;
use crate::model::state_doc::{
    CommandAction, DecideRequest, HypothesisAction, TaskAction, parse_item, resolve_due,
};
use crate::model::{CanReport, ResponderAction};

use super::backend;
use super::outcome::{CliError, incident_id as id, out};
use super::write::{Intent, run};

fn item(s: &str) -> Result<u32, CliError> {
    parse_item(s).map_err(CliError::usage)
}

/// A time box as typed, with `14:30` made a time today in this
/// machine's zone.
fn due(s: &str) -> Result<String, CliError> {
    resolve_due(s, Local::now()).map_err(|e| CliError::usage(format!("--due: {e}")))
}

pub fn task(c: TaskCommand) -> Result<(), CliError> {
    let (op, write): (WriteOp, WriteFlags) = match c {
        TaskCommand::Add {
            id: i,
            title,
            owner,
            due: d,
            write,
        } => (
            WriteOp::Task {
                id: id(&i)?,
                body: TaskAction::Add {
                    title,
                    owner,
                    due: d.as_deref().map(due).transpose()?,
                },
            },
            write,
        ),
        TaskCommand::Assign {
            id: i,
            task,
            owner,
            due: d,
            write,
        } => (
            WriteOp::Task {
                id: id(&i)?,
                body: TaskAction::Assign {
                    task: item(&task)?,
                    owner,
                    due: due(&d)?,
                },
            },
            write,
        ),
        TaskCommand::Done {
            id: i,
            task,
            result,
            write,
        } => (
            WriteOp::Task {
                id: id(&i)?,
                body: TaskAction::Done {
                    task: item(&task)?,
                    result,
                },
            },
            write,
        ),
        TaskCommand::Drop {
            id: i,
            task,
            reason,
            write,
        } => (
            WriteOp::Task {
                id: id(&i)?,
                body: TaskAction::Drop {
                    task: item(&task)?,
                    reason,
                },
            },
            write,
        ),
    };
    run(Intent::Ready(op), write)
}

pub fn hypothesis(c: HypothesisCommand) -> Result<(), CliError> {
    let (i, body, write) = match c {
        HypothesisCommand::Add {
            id,
            text,
            evidence,
            write,
        } => (id, HypothesisAction::Add { text, evidence }, write),
        HypothesisCommand::Link {
            id,
            hypothesis,
            seq,
            write,
        } => (
            id,
            HypothesisAction::Link {
                hypothesis: item(&hypothesis)?,
                seq,
            },
            write,
        ),
        HypothesisCommand::Confirm {
            id,
            hypothesis,
            why,
            write,
        } => (
            id,
            HypothesisAction::Confirm {
                hypothesis: item(&hypothesis)?,
                why,
            },
            write,
        ),
        HypothesisCommand::RuleOut {
            id,
            hypothesis,
            why,
            write,
        } => (
            id,
            HypothesisAction::RuleOut {
                hypothesis: item(&hypothesis)?,
                why,
            },
            write,
        ),
    };
    run(
        Intent::Ready(WriteOp::Hypothesis { id: id(&i)?, body }),
        write,
    )
}

pub fn decide(
    i: &str,
    text: String,
    why: String,
    objections_asked: bool,
    supersedes: Option<String>,
    write: WriteFlags,
) -> Result<(), CliError> {
    let body = DecideRequest {
        text,
        why,
        objections_asked,
        supersedes: supersedes.as_deref().map(item).transpose()?,
    };
    run(Intent::Ready(WriteOp::Decide { id: id(i)?, body }), write)
}

pub fn command(c: CommandCommand) -> Result<(), CliError> {
    let (i, body, write) = match c {
        CommandCommand::Offer { id, to, write } => (id, CommandAction::Offer { to }, write),
        CommandCommand::Accept {
            id,
            brief_version,
            write,
        } => (id, CommandAction::Accept { brief_version }, write),
        CommandCommand::Decline { id, reason, write } => {
            (id, CommandAction::Decline { reason }, write)
        }
        CommandCommand::Withdraw { id, write } => (id, CommandAction::Withdraw, write),
        CommandCommand::Take {
            id,
            brief_version,
            reason,
            write,
        } => (
            id,
            CommandAction::Take {
                brief_version,
                reason,
            },
            write,
        ),
    };
    run(Intent::Ready(WriteOp::Command { id: id(&i)?, body }), write)
}

pub fn can(i: &str, body: CanReport, write: WriteFlags) -> Result<(), CliError> {
    run(Intent::Ready(WriteOp::Can { id: id(i)?, body }), write)
}

pub fn impact(a: ImpactArgs) -> Result<(), CliError> {
    let body = crate::model::state_doc::Impact::parse(&a.customers, a.scope, &a.components)
        .map_err(CliError::usage)?;
    run(
        Intent::Ready(WriteOp::Impact {
            id: id(&a.id)?,
            body,
        }),
        a.write,
    )
}

pub fn release(i: &str, handle: String, write: WriteFlags) -> Result<(), CliError> {
    let op = WriteOp::Responder {
        id: id(i)?,
        body: ResponderAction::Release { handle },
    };
    run(Intent::Ready(op), write)
}

pub fn brief(a: BriefArgs) -> Result<(), CliError> {
    let id = id(&a.id)?;
    if !matches!(a.format.as_str(), "md" | "json") {
        return Err(CliError::usage(format!(
            "--format {}: use md or json",
            a.format
        )));
    }
    let config = Config::load_default()?;
    let b = super::one_shot(async {
        let c = backend::resolve_verb(&a.backend, &config, "brief").await?;
        let r = async {
            let detail = match c.reader.detail(id, None).await? {
                Fetched::Fresh { value, .. } => value,
                Fetched::NotModified => return Err(CliError::from("unexpected 304")),
            };
            // A backend without a policy (Alertmanager, PagerDuty) gets the
            // defaults, as the console does.
            let policy = c.reader.policy().await.unwrap_or_default();
            Ok(Brief::build(&detail, &policy, chrono::Utc::now()))
        }
        .await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r
    })?;
    if a.format == "json" {
        out(crate::report::brief::json(&b));
    } else {
        out(crate::report::brief::markdown(&b).trim_end());
    }
    Ok(())
}
