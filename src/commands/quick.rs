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

/// The whole record before the newest page `timeline`, read page by page
/// backwards (a page that fails ends it: what was read is printed).
pub(super) async fn whole_timeline(
    reader: &crate::client::Reader,
    id: IncidentId,
    mut timeline: Vec<crate::model::TimelineEvent>,
) -> Vec<crate::model::TimelineEvent> {
    while let Some(first) = timeline.first().map(|e| e.seq).filter(|s| *s > 1) {
        match reader.timeline_before(id, first).await {
            Ok(page) if !page.events.is_empty() => {
                let mut older: Vec<_> = page.events.into_iter().filter(|e| e.seq < first).collect();
                if older.is_empty() {
                    break;
                }
                older.append(&mut timeline);
                timeline = older;
            }
            _ => break,
        }
    }
    timeline
}

/// The state at `when`, as a detail (for printing like the live one) and
/// the replay's own facts.
async fn replayed(
    reader: &crate::client::Reader,
    id: IncidentId,
    when: When,
) -> Result<
    (
        Fetched<crate::model::IncidentDetail>,
        Option<crate::model::replay::ReplayState>,
    ),
    crate::client::ClientError,
> {
    use crate::model::replay::ReplayAt;
    let at = match when {
        When::Seq(n) => ReplayAt::Seq(n),
        When::Time(t) => ReplayAt::Time(t),
        When::Clock(c) => {
            let Fetched::Fresh { value, .. } = reader.detail(id, None).await? else {
                return Err(crate::client::ClientError::BadResponse(
                    "304 on a detail".into(),
                ));
            };
            ReplayAt::Time(clock_after(value.incident.declared_at, c))
        }
    };
    let st = reader.state_at(id, at).await?;
    let value = st.detail.clone();
    Ok((Fetched::Fresh { value, etag: None }, Some(st)))
}

/// `show --at`: when, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Seq(u64),
    Time(chrono::DateTime<chrono::Utc>),
    /// A UTC clock time: the first at or after the declaration.
    Clock(chrono::NaiveTime),
}

fn parse_when(s: &str) -> Result<When, CliError> {
    let s = s.trim();
    if let Some(n) = s.strip_prefix('#') {
        return n.parse().map(When::Seq).map_err(|_| {
            CliError::usage(format!(
                "--at `{}`: `#` takes an event's number",
                one_line(s, 40)
            ))
        });
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(When::Time(t.with_timezone(&chrono::Utc)));
    }
    for f in ["%H:%M", "%H:%M:%S"] {
        if let Ok(t) = chrono::NaiveTime::parse_from_str(s, f) {
            return Ok(When::Clock(t));
        }
    }
    Err(CliError::usage(format!(
        "--at `{}` is not a time: give 2026-03-06T14:07:00Z, 14:07 (UTC) or #42 (an event)",
        one_line(s, 40)
    )))
}

/// The first `clock` (UTC) at or after `from`.
fn clock_after(
    from: chrono::DateTime<chrono::Utc>,
    clock: chrono::NaiveTime,
) -> chrono::DateTime<chrono::Utc> {
    let same_day = from.date_naive().and_time(clock).and_utc();
    if same_day >= from {
        same_day
    } else {
        same_day + chrono::Duration::days(1)
    }
}

pub fn show(id: &str, args: BackendArgs, json: bool, at: Option<&str>) -> Result<(), CliError> {
    let id = super::outcome::incident_id(id)?;
    let when = at.map(parse_when).transpose()?;
    let config = Config::load_default()?;
    super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "show").await?;
        let r = match when {
            None => c.reader.detail(id, None).await.map(|f| (f, None)),
            Some(w) => replayed(&c.reader, id, w).await,
        };
        // The detail carries the newest page; `show` prints the whole record.
        let mut timeline = Vec::new();
        if let Ok((Fetched::Fresh { value, .. }, _)) = &r {
            timeline = whole_timeline(&c.reader, id, value.timeline.clone()).await;
        }
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        let (Fetched::Fresh { value: mut d, .. }, replay) = r? else {
            return Err(CliError::from("unexpected 304"));
        };
        d.timeline = timeline.clone();
        if json {
            let body = match replay {
                Some(mut st) => {
                    st.detail = d;
                    serde_json::to_string_pretty(&st)
                }
                None => serde_json::to_string_pretty(&d),
            };
            out(body.map_err(|e| CliError::from(e.to_string()))?);
            return Ok(());
        }
        let now = match &replay {
            Some(st) => {
                out(format!(
                    "REPLAY: as it stood at {} UTC, after event #{} of {}",
                    st.at.format("%Y-%m-%d %H:%M:%S"),
                    st.seq,
                    st.last_seq
                ));
                if st.seq == st.first_seq && st.first_seq > 1 {
                    out(format!(
                        "(replay of {id} starts at event #{}: what came before is recorded \
                         in the timeline only)",
                        st.first_seq
                    ));
                }
                st.at
            }
            None => chrono::Utc::now(),
        };
        let i = &d.incident;
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
