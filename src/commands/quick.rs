//! `warroom list` and `warroom show`: quick looks for scripts and shells.
//! Every backend string is already sanitized by the client; widths are
//! measured in terminal cells so columns line up.

use crate::cli::BackendArgs;
use crate::client::Fetched;
use crate::config::Config;
use crate::model::IncidentId;
use crate::text::age;
use crate::text::{one_line, pad};

use super::backend;
use super::outcome::{CliError, out};

pub fn list(args: BackendArgs, all: bool, json: bool) -> Result<(), CliError> {
    let config = Config::load_default()?;
    super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "list").await?;
        let r = c.reader.list(all, None).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        let Fetched::Fresh { value, .. } = r? else {
            return Err(CliError::from("unexpected 304"));
        };
        // Said on stderr, so `--json` stays the list and a script is told.
        if value.unreadable > 0 {
            eprintln!(
                "warroom: {} incident(s) could not be read and are not listed (the backend sent a \
                 shape warroom does not know; the log says why)",
                value.unreadable
            );
        }
        // A merged view: a backend that did not answer is named, with
        // how old its rows are (`--json` keeps them, marked by `backend`).
        for s in value.sources.iter().filter(|s| s.stale_since.is_some()) {
            eprintln!(
                "warroom: {} did not answer ({}); its incidents are left out",
                s.name,
                s.error.as_deref().unwrap_or("no answer")
            );
        }
        if json {
            let mut v = serde_json::to_value(&value.incidents)
                .map_err(|e| CliError::from(e.to_string()))?;
            if !value.sources.is_empty()
                && let Some(rows) = v.as_array_mut()
            {
                for (row, i) in rows.iter_mut().zip(&value.incidents) {
                    row["backend"] = i.id.source().unwrap_or_default().into();
                }
            }
            out(serde_json::to_string_pretty(&v).map_err(|e| CliError::from(e.to_string()))?);
            return Ok(());
        }
        let now = chrono::Utc::now();
        // An id is never cut: it is what the next command is typed with
        // (Alertmanager's are `INC-` and six digits).
        let w_id = value
            .incidents
            .iter()
            .map(|i| i.id.to_string().len())
            .max()
            .unwrap_or(0)
            .max(8);
        out(format!(
            "{} {} {} {} {} TITLE",
            pad("SEV", 5),
            pad("ID", w_id),
            pad("STATUS", 13),
            pad("AGE", 7),
            pad("IC", 12)
        ));
        for i in &value.incidents {
            out(format!(
                "{} {} {} {} {} {}",
                pad(i.severity.as_str(), 5),
                pad(&i.id.to_string(), w_id),
                pad(i.status.as_str(), 13),
                pad(&age(i.age(now)), 7),
                pad(i.commander.as_deref().unwrap_or("-"), 12),
                one_line(&i.title, 100)
            ));
        }
        if value.incidents.is_empty() {
            eprintln!("no {}incidents", if all { "" } else { "active " });
        }

        Ok(())
    })
}

pub fn show(id: &str, args: BackendArgs, json: bool) -> Result<(), CliError> {
    let id: IncidentId = id
        .parse()
        .map_err(|e: crate::model::ParseIdError| CliError::usage(e.to_string()))?;
    let config = Config::load_default()?;
    super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "show").await?;
        let r = c.reader.detail(id, None).await;
        // The detail carries the newest page; `show` prints the whole record.
        let mut timeline = Vec::new();
        if let Ok(Fetched::Fresh { value, .. }) = &r {
            timeline = value.timeline.clone();
            while let Some(first) = timeline.first().map(|e| e.seq).filter(|s| *s > 1) {
                match c.reader.timeline_before(id, first).await {
                    Ok(page) if !page.events.is_empty() => {
                        let mut older: Vec<_> =
                            page.events.into_iter().filter(|e| e.seq < first).collect();
                        if older.is_empty() {
                            break;
                        }
                        older.append(&mut timeline);
                        timeline = older;
                    }
                    _ => break,
                }
            }
        }
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        let Fetched::Fresh { value: mut d, .. } = r? else {
            return Err(CliError::from("unexpected 304"));
        };
        d.timeline = timeline.clone();
        if json {
            out(serde_json::to_string_pretty(&d).map_err(|e| CliError::from(e.to_string()))?);
            return Ok(());
        }
        let i = &d.incident;
        let now = chrono::Utc::now();
        out(format!(
            "{} {} {}",
            i.id,
            i.severity,
            one_line(&i.title, 200)
        ));
        out(format!(
            "status     {} (open {})",
            i.status,
            age(i.age(now))
        ));
        out(format!("service    {}", one_line(&i.service, 80)));
        out(format!(
            "commander  {}",
            i.commander
                .as_deref()
                .map_or("-".into(), |c| one_line(c, 60))
        ));
        if !i.summary.is_empty() {
            for (n, line) in i.summary.lines().enumerate() {
                out(format!(
                    "{} {line}",
                    if n == 0 { "summary   " } else { "          " }
                ));
            }
        }
        out("\nresponders");
        for r in &d.responders {
            out(format!(
                "  {} {} {} ({} ago)",
                pad(r.role.short(), 7),
                pad(&r.handle, 16),
                pad(r.state.as_str(), 13),
                age(now - r.since)
            ));
        }
        if let Some(c) = d.current_checklist() {
            let (done, total) = c.progress();
            out(format!("\nchecklist: {} {done}/{total}", c.phase));
            for it in &c.items {
                let mark = if it.is_done() { "[x]" } else { "[ ]" };
                let by = it
                    .done_by
                    .as_deref()
                    .map(|b| format!(" ({})", one_line(b, 20)))
                    .unwrap_or_default();
                out(format!("  {mark} {}{by}", one_line(&it.text, 100)));
            }
        }
        out("\ntimeline");
        for e in &timeline {
            // Every word: a multi-line note prints whole, its later lines
            // indented under the first.
            let mut text = e.kind.describe();
            if let Some(w) = e.written_earlier() {
                text = format!("(written {} UTC) {text}", w.format("%Y-%m-%d %H:%M:%S"));
            }
            let mut lines = text.lines();
            out(format!(
                "  {} {} {} {}",
                e.at.format("%Y-%m-%d %H:%M:%S"),
                pad(&e.author, 12),
                pad(e.kind.tag(), 8),
                lines.next().unwrap_or("")
            ));
            for more in lines {
                out(format!("{}{more}", " ".repeat(45)));
            }
        }
        Ok(())
    })
}
