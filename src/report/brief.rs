//! The brief as a document: Markdown a person reads aloud at a handoff or
//! pastes into a channel, and JSON for tools. Every quoted text goes
//! through the Markdown escaper; nothing is cut (the state document's
//! limits bound it).

use chrono::{DateTime, Utc};

use super::markdown::inline;
use crate::model::brief::Brief;
use crate::text::duration;

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

fn left(secs: i64) -> String {
    let d = chrono::Duration::seconds(secs.abs());
    if secs < 0 {
        format!("OVERDUE by {}", duration(d))
    } else {
        format!("{} left", duration(d))
    }
}

/// The brief in CommonMark.
pub fn markdown(b: &Brief) -> String {
    let mut md = String::new();
    let mut line = |s: String| {
        md.push_str(&s);
        md.push('\n');
    };
    line(format!(
        "# Brief: {} {} ({}, {})",
        b.incident,
        inline(&b.title, 0),
        b.severity,
        b.status
    ));
    line(String::new());
    line(format!(
        "*Generated {} from version {} of the record.*",
        at(b.generated_at),
        b.version
    ));
    line(String::new());
    line("## Status".into());
    line(String::new());
    line(format!(
        "- **{}** for {}{}",
        b.status,
        duration(chrono::Duration::seconds(b.in_status_seconds)),
        b.status_since
            .map(|t| format!(" (since {})", at(t)))
            .unwrap_or_default()
    ));
    line(format!("- **Service:** {}", inline(&b.service, 2)));
    if let Some(t) = b.impact_started_at {
        line(format!("- **Impact began:** {}", at(t)));
    }
    if !b.summary.trim().is_empty() {
        line(format!(
            "- **Summary and impact:** {}",
            inline(&b.summary, 2)
        ));
    }
    line(String::new());
    line("## People".into());
    line(String::new());
    line(format!(
        "- **Incident commander:** {}",
        b.commander
            .as_deref()
            .map_or("nobody".into(), |c| inline(c, 2))
    ));
    for p in &b.roles {
        line(format!(
            "- {}: {} ({})",
            p.role.title(),
            inline(&p.handle, 2),
            p.state
        ));
    }
    let span = format!(
        "- **Span of control:** {} reporting to the IC (limit {}){}",
        b.span_of_control,
        b.span_limit,
        if b.over_span() {
            ": OVER, delegate to a deputy or ops lead"
        } else {
            ""
        }
    );
    line(span);
    if let Some(o) = &b.handoff_offered {
        line(format!(
            "- **Command offered** to {} by {} at {}",
            inline(&o.to, 2),
            inline(&o.by, 2),
            at(o.at)
        ));
    }
    line(String::new());
    line("## Hypotheses".into());
    line(String::new());
    let hyp =
        |line: &mut dyn FnMut(String), word: &str, hs: &[crate::model::state_doc::Hypothesis]| {
            if hs.is_empty() {
                line(format!("- {word}: none"));
            }
            for h in hs {
                let why = h
                    .why
                    .as_deref()
                    .map(|w| format!(" — {}", inline(w, 4)))
                    .unwrap_or_default();
                let ev = if h.evidence.is_empty() {
                    String::new()
                } else {
                    let s: Vec<String> = h.evidence.iter().map(|e| format!("#{e}")).collect();
                    format!(" (evidence: entries {})", s.join(", "))
                };
                line(format!(
                    "- {word} #{}: {}{why}{ev}",
                    h.id,
                    inline(&h.text, 4)
                ));
            }
        };
    hyp(&mut line, "Confirmed", &b.hypotheses_confirmed);
    hyp(&mut line, "Open", &b.hypotheses_open);
    hyp(&mut line, "Ruled out", &b.hypotheses_ruled_out);
    line(String::new());
    line("## Tasks".into());
    line(String::new());
    if b.tasks_open.is_empty() {
        line("- No open tasks.".into());
    }
    for t in &b.tasks_open {
        line(format!(
            "- #{} {} — {}{}",
            t.task.id,
            inline(&t.task.title, 4),
            t.task
                .owner
                .as_deref()
                .map_or("nobody".into(), |o| inline(o, 4)),
            t.seconds_left
                .map(|s| format!(", {}", left(s)))
                .unwrap_or_default()
        ));
    }
    for t in &b.tasks_proposed {
        line(format!(
            "- #{} proposed by {}: {}",
            t.id,
            inline(&t.assigned_by, 4),
            inline(&t.title, 4)
        ));
    }
    line(format!(
        "- Done: {}, dropped: {}",
        b.tasks_done, b.tasks_dropped
    ));
    line(String::new());
    line("## Decisions".into());
    line(String::new());
    if b.decisions.is_empty() {
        line("- None recorded.".into());
    }
    for d in &b.decisions {
        let why = if d.why.trim().is_empty() {
            String::new()
        } else {
            format!(" — why: {}", inline(&d.why, 4))
        };
        line(format!(
            "- #{} {} ({} at {}{}){why}",
            d.id,
            inline(&d.text, 4),
            inline(&d.by, 4),
            at(d.at),
            if d.objections_asked {
                ", objections asked"
            } else {
                ""
            }
        ));
    }
    if b.decisions_superseded > 0 {
        line(format!(
            "- {} superseded (in the record)",
            b.decisions_superseded
        ));
    }
    line(String::new());
    line("## Communication".into());
    line(String::new());
    match &b.last_update {
        Some(u) => line(format!(
            "- **Last stakeholder update** {} by {}: {}",
            at(u.at),
            inline(&u.by, 4),
            inline(&u.text, 4)
        )),
        None => line("- No stakeholder update sent yet.".into()),
    }
    let stage = b
        .next_update_stage
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    match b.next_update_due {
        Some(t) if t < b.generated_at => line(format!(
            "- **Next update{stage} OVERDUE** since {} ({} ago)",
            at(t),
            duration(b.generated_at - t)
        )),
        Some(t) => line(format!("- **Next update{stage} due** {}", at(t))),
        None => line("- No update cadence for this severity.".into()),
    }
    line(String::new());
    line("## Silences and runbook runs".into());
    line(String::new());
    if b.silences.is_empty() && b.runbook_runs.is_empty() {
        line("- None.".into());
    }
    for s in &b.silences {
        line(format!("- Silenced: {}", inline(s, 4)));
    }
    for r in &b.runbook_runs {
        line(format!(
            "- Run {} {} by {} at {}: {}",
            r.run,
            inline(&r.action, 4),
            inline(&r.by, 4),
            at(r.started_at),
            r.outcome.map_or("running".to_string(), |o| o.to_string())
        ));
    }
    crate::text::clean_document(&md).into_owned()
}

/// The brief as JSON, escaped like every document.
pub fn json(b: &Brief) -> String {
    let raw = serde_json::to_string(b).unwrap_or_else(|_| "{}".to_string());
    crate::text::escape::json_document(&raw)
}
