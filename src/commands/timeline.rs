//! `warroom timeline tag|pin|correct|show`: the curated timeline.

use super::backend;
use super::outcome::{CliError, incident_id as id, out};
use super::write::{Intent, run as send};
use crate::cli::TimelineCommand;
use crate::client::{Fetched, WriteOp};
use crate::config::Config;
use crate::model::IncidentId;
use crate::model::curation::CurateAction;
use crate::report::curated::{Pick, audit_lines, pick};
use crate::text::{one_line, pad};

pub fn run(c: TimelineCommand) -> Result<(), CliError> {
    let (i, body, write) = match c {
        TimelineCommand::Tag {
            id,
            seq,
            tags,
            write,
        } => (id, CurateAction::Tag { seq, tags }, write),
        TimelineCommand::Pin {
            id,
            seq,
            unpin,
            write,
        } => (
            id,
            CurateAction::Pin {
                seq,
                pinned: !unpin,
            },
            write,
        ),
        TimelineCommand::Correct {
            id,
            seq,
            at,
            text,
            why,
            write,
        } => {
            if at.is_none() && text.is_none() {
                return Err(CliError::usage(
                    "give what is right: --at TIME, --text WORDS, or both",
                ));
            }
            (id, CurateAction::Correct { seq, at, text, why }, write)
        }
        TimelineCommand::Show {
            id: i,
            backend,
            tag,
            pinned,
            json,
        } => return show(id(&i)?, backend, tag, pinned, json),
    };
    send(Intent::Ready(WriteOp::Curate { id: id(&i)?, body }), write)
}

fn show(
    id: IncidentId,
    args: crate::cli::BackendArgs,
    tag: Option<String>,
    pinned: bool,
    json: bool,
) -> Result<(), CliError> {
    let config = Config::load_default()?;
    let (d, events) = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "timeline show").await?;
        let r = c.reader.detail(id, None).await;
        let r = match r {
            Ok(Fetched::Fresh { value, .. }) => {
                let events =
                    super::quick::whole_timeline(&c.reader, id, value.timeline.clone()).await;
                Ok((value, events))
            }
            Ok(Fetched::NotModified) => Err(CliError::from("unexpected 304")),
            Err(e) => Err(CliError::from(e)),
        };
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r
    })?;
    let p = match (&tag, pinned) {
        (Some(_), true) => return Err(CliError::usage("give --tag or --pinned, not both")),
        (Some(t), false) => Pick::Tag(t),
        (None, true) => Pick::Pinned,
        (None, false) => Pick::All,
    };
    let cur = &d.state.curation;
    let picked = pick(&events, cur, p);
    if json {
        let rows: Vec<serde_json::Value> = picked
            .iter()
            .map(|c| {
                serde_json::json!({
                    "event": c.event,
                    "at": c.at(),
                    "text": c.text(),
                    "curation": c.curation,
                })
            })
            .collect();
        out(serde_json::to_string_pretty(&rows).map_err(|e| CliError::from(e.to_string()))?);
        return Ok(());
    }
    if picked.is_empty() {
        eprintln!(
            "{id}: {}",
            match p {
                Pick::All => "no events".to_string(),
                Pick::Tag(t) => format!("no event is tagged {}", one_line(t, 40)),
                Pick::Pinned => "no event is pinned (warroom timeline pin)".to_string(),
            }
        );
        return Ok(());
    }
    for c in &picked {
        let e = c.event;
        let mut marks = String::new();
        if let Some(k) = c.curation {
            if k.pinned {
                marks.push_str(" [pinned]");
            }
            if !k.tags.is_empty() {
                marks.push_str(&format!(" [{}]", k.tags.join(", ")));
            }
        }
        let fixed = if c.corrected() { "*" } else { " " };
        out(format!(
            "{} #{:<6}{fixed}{} {} {}{marks}",
            c.at().format("%Y-%m-%d %H:%M:%S"),
            e.seq,
            pad(&one_line(&e.author, 12), 12),
            pad(e.kind.tag(), 8),
            one_line(&c.text(), 300),
        ));
        if let Some(k) = c.curation {
            for a in audit_lines(k, e) {
                out(format!("{}{}", " ".repeat(29), one_line(&a, 300)));
            }
            if k.corrected_text().is_some() {
                out(format!(
                    "{}recorded as: {}",
                    " ".repeat(29),
                    one_line(&e.kind.describe(), 300)
                ));
            }
        }
    }
    Ok(())
}
