//! A drill's debrief as Markdown (`warroom drill debrief`, the API's
//! `?format=md`): the score, each figure with its verdict, the rule it is
//! measured against and the recommended response, the facts the team made
//! true, and the scenario's recommended response in order. Every text from
//! the record or the scenario is escaped for Markdown.

use crate::model::drill::debrief::{Debrief, Verdict, span};

use super::markdown::inline;

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Met => "✓ met",
        Verdict::Late => "✗ LATE",
        Verdict::Missed => "✗ MISSED",
        Verdict::Noted => "· noted",
    }
}

pub fn markdown(d: &Debrief) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Drill debrief: {} ({})\n\n",
        inline(&d.scenario, 0),
        d.incident
    ));
    out.push_str(&format!(
        "DRILL run {} · started {} · {} · {}\n\n",
        inline(&d.run, 0),
        d.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        if d.closed {
            format!(
                "closed after {}",
                span(crate::model::drill::debrief::length(d).num_seconds())
            )
        } else {
            format!(
                "not closed ({} so far)",
                span(crate::model::drill::debrief::length(d).num_seconds())
            )
        },
        format_args!("score {}/{}", d.met, d.scored),
    ));
    out.push_str("## Against the practice\n\n");
    for f in &d.figures {
        // A setting is warroom's own name: shown as code, never escaped
        // text (it holds no backtick).
        let setting = f
            .setting
            .as_deref()
            .filter(|s| !s.contains('`'))
            .map(|s| format!(" (setting `{s}`)"))
            .unwrap_or_default();
        out.push_str(&format!(
            "- **{}**: {} — {}\n  - Rule: {}{setting}\n  - Recommended: {}\n",
            inline(&f.name, 2),
            inline(&f.value, 2),
            mark(f.verdict),
            inline(&f.rule, 4),
            inline(&f.recommended, 4),
        ));
    }
    if !d.facts.is_empty() {
        out.push_str("\n## What the team made true\n\n");
        for f in &d.facts {
            let when = match f.after_seconds {
                Some(s) => format!("after {}", span(s)),
                None => "not reached".into(),
            };
            let says = if f.says.is_empty() {
                inline(&f.name, 2)
            } else {
                inline(&f.says, 2)
            };
            out.push_str(&format!("- {says} ({when})\n"));
        }
    }
    if !d.recommended.is_empty() {
        out.push_str("\n## The recommended response\n\n");
        for (n, r) in d.recommended.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", n + 1, inline(r, 3)));
        }
    }
    out
}
