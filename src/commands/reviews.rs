//! `warroom review owner|move` and `warroom reviews`.

use super::backend;
use super::outcome::{CliError, incident_id as id, out};
use super::write::{Intent, run};
use crate::cli::{ReviewCommand, ReviewsArgs};
use crate::client::WriteOp;
use crate::config::Config;
use crate::model::ReviewAction;
use crate::text::{one_line, pad};

pub fn review(c: ReviewCommand) -> Result<(), CliError> {
    let (i, body, write) = match c {
        ReviewCommand::Owner { id, owner, write } => (id, ReviewAction::Assign { owner }, write),
        ReviewCommand::Move { id, to, write } => (id, ReviewAction::Move { to }, write),
    };
    run(Intent::Ready(WriteOp::Review { id: id(&i)?, body }), write)
}

pub fn list(args: ReviewsArgs) -> Result<(), CliError> {
    let config = Config::load_default()?;
    let reviews = super::one_shot(async {
        let c = backend::resolve_verb(&args.backend, &config, "reviews").await?;
        let r = c.reader.reviews(args.overdue).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r.map_err(CliError::from)
    })?;
    if args.json {
        out(serde_json::to_string_pretty(&reviews).map_err(|e| CliError::from(e.to_string()))?);
        return Ok(());
    }
    if reviews.is_empty() {
        eprintln!(
            "no {}reviews",
            if args.overdue { "overdue " } else { "open " }
        );
        return Ok(());
    }
    let w_id = reviews
        .iter()
        .map(|r| r.incident.len())
        .max()
        .unwrap_or(8)
        .max(8);
    out(format!(
        "{} {} {} {} {} TITLE",
        pad("ID", w_id),
        pad("SEV", 5),
        pad("STATUS", 10),
        pad("OWNER", 12),
        pad("NEXT DUE", 40),
    ));
    for r in &reviews {
        let next = match (&r.next, r.next_due) {
            (Some(what), Some(at)) => format!(
                "{}{what} {}",
                if r.overdue { "OVERDUE " } else { "" },
                at.format("%m-%d %H:%M UTC")
            ),
            _ => "-".into(),
        };
        out(format!(
            "{} {} {} {} {} {}",
            pad(&r.incident, w_id),
            pad(&r.severity, 5),
            pad(r.review.status.label(), 10),
            pad(&one_line(&r.review.owner, 12), 12),
            pad(&next, 40),
            one_line(&r.title, 80)
        ));
    }
    Ok(())
}
