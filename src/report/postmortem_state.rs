//! The postmortem's sections from the live state document: the decisions
//! taken (and what superseded them), the hypotheses with what confirmed or
//! ruled out each, the tasks and who did them, and every change of
//! command with its time and the brief read. From the state, not the
//! timeline: whole whatever the timeline's length.

use chrono::{DateTime, Utc};

use super::markdown::inline;
use crate::model::IncidentState;
use crate::model::state_doc::{HypothesisStatus, TaskStatus};

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn sections(md: &mut String, s: &IncidentState) {
    if let Some(i) = &s.impact {
        md.push_str("## Impact (as the communications lead last kept it)\n\n");
        md.push_str(&format!("{}\n\n", inline(&i.describe(), 0)));
    }
    decisions(md, s);
    hypotheses(md, s);
    tasks(md, s);
    handoffs(md, s);
}

fn decisions(md: &mut String, s: &IncidentState) {
    md.push_str("## Decisions\n\n");
    if s.decisions.is_empty() {
        md.push_str("None were recorded.\n\n");
        return;
    }
    for d in &s.decisions {
        let mut line = format!(
            "- **D{}** {} — {} at {}, objections {}",
            d.id,
            inline(&d.text, 2),
            inline(&d.by, 2),
            at(d.at),
            if d.objections_asked {
                "asked"
            } else {
                "not asked"
            }
        );
        if !d.why.trim().is_empty() {
            line.push_str(&format!(". Why: {}", inline(&d.why, 2)));
        }
        if let Some(o) = d.supersedes {
            line.push_str(&format!(". Supersedes D{o}"));
        }
        if let Some(n) = d.superseded_by {
            line.push_str(&format!(". *Superseded by D{n}*"));
        }
        md.push_str(&line);
        md.push('\n');
    }
    md.push('\n');
}

fn hypotheses(md: &mut String, s: &IncidentState) {
    md.push_str("## Hypotheses\n\n");
    if s.hypotheses.is_empty() {
        md.push_str("None were recorded.\n\n");
        return;
    }
    for h in &s.hypotheses {
        let mut line = format!(
            "- **H{}** {} (raised by {} at {})",
            h.id,
            inline(&h.text, 2),
            inline(&h.by, 2),
            at(h.at)
        );
        match (h.status, &h.decided_by, h.decided_at) {
            (HypothesisStatus::Open, _, _) => line.push_str(": **still open** at the end"),
            (st, Some(by), Some(when)) => {
                let verb = if st == HypothesisStatus::Confirmed {
                    "confirmed"
                } else {
                    "ruled out"
                };
                line.push_str(&format!(
                    ": **{verb}** by {} at {}",
                    inline(by, 2),
                    at(when)
                ));
                if let Some(w) = &h.why {
                    line.push_str(&format!(" — {}", inline(w, 2)));
                }
            }
            (st, _, _) => line.push_str(&format!(": {st}")),
        }
        if !h.evidence.is_empty() {
            let ev: Vec<String> = h.evidence.iter().map(|e| format!("#{e}")).collect();
            line.push_str(&format!(" (evidence: timeline entries {})", ev.join(", ")));
        }
        md.push_str(&line);
        md.push('\n');
    }
    md.push('\n');
}

fn tasks(md: &mut String, s: &IncidentState) {
    md.push_str("## Tasks\n\n");
    if s.tasks.is_empty() {
        md.push_str("None were given.\n\n");
        return;
    }
    md.push_str("| # | Task | Owner | Given | Time box | Outcome |\n");
    md.push_str("|---|------|-------|-------|----------|---------|\n");
    let cell = |t: &str| inline(t, 0).replace('\n', " ");
    for t in &s.tasks {
        let late = match (t.due_at, t.closed_at) {
            (Some(due), Some(done)) if done > due => " (late)",
            (Some(_), None) if t.overdue_noted => " (overdue)",
            _ => "",
        };
        let outcome = match t.status {
            TaskStatus::Done => format!(
                "done by {} at {}{late}: {}",
                cell(t.closed_by.as_deref().unwrap_or("?")),
                t.closed_at.map(at).unwrap_or_default(),
                cell(t.result.as_deref().unwrap_or(""))
            ),
            TaskStatus::Dropped => format!(
                "dropped by {}: {}",
                cell(t.closed_by.as_deref().unwrap_or("?")),
                cell(t.result.as_deref().unwrap_or(""))
            ),
            TaskStatus::Open => format!("still open{late}"),
            TaskStatus::Proposed => "proposed, never assigned".into(),
        };
        md.push_str(&format!(
            "| {} | {} | {} | {} by {} | {} | {} |\n",
            t.id,
            cell(&t.title),
            cell(t.owner.as_deref().unwrap_or("-")),
            at(t.assigned_at),
            cell(&t.assigned_by),
            t.due_at.map(at).unwrap_or_else(|| "-".into()),
            outcome
        ));
    }
    md.push('\n');
}

fn handoffs(md: &mut String, s: &IncidentState) {
    md.push_str("## Changes of command\n\n");
    if s.handoffs.is_empty() {
        md.push_str("Command did not change hands.\n\n");
        return;
    }
    for h in &s.handoffs {
        md.push_str(&format!(
            "- {}: {} {} command from {} (read the brief at version {})\n",
            at(h.at),
            inline(&h.to, 2),
            if h.taken { "took" } else { "accepted" },
            h.from.as_deref().map_or("nobody".into(), |f| inline(f, 2)),
            h.brief_version
        ));
    }
    md.push('\n');
}
