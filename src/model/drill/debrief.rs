//! The debrief of a drill: what the team did, measured against the
//! practice, from the drill incident's own timeline. Each figure names the
//! rule it is measured against (and where the number comes from) and what
//! the recommended response was, so the debrief teaches as it scores.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::scenario::Scenario;
use crate::model::cadence::Stages;
use crate::model::state_doc::{HypothesisStatus, TaskChange};
use crate::model::{EventKind, IncidentDetail, IncidentId, Policy, Status, TimelineEvent};

/// The rule prefix of the runner's timeline entries (`drill: fact NAME`).
pub const DRILL_RULE: &str = "drill";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Done as the practice asks.
    Met,
    /// Done, but after the rule's time; or not done in time at all.
    Late,
    /// Not done.
    Missed,
    /// Counted, not scored.
    Noted,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Late => "late",
            Self::Missed => "missed",
            Self::Noted => "noted",
        }
    }
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// A stable key (`acknowledge`, `initial_update`, …).
    pub key: String,
    pub name: String,
    /// What was measured, as a person reads it ("2m10s", "3 given, 1 overdue").
    pub value: String,
    /// Seconds from the drill's start, for a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<i64>,
    pub verdict: Verdict,
    /// The rule it is measured against, with its source.
    pub rule: String,
    /// The setting the rule's number comes from, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// What the practice recommends doing.
    pub recommended: String,
}

/// A fact of the scenario: whether the team made it true, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactReached {
    pub name: String,
    pub says: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debrief {
    pub incident: IncidentId,
    pub scenario: String,
    pub run: String,
    pub started_at: DateTime<Utc>,
    /// When the incident was closed, or when the debrief was made.
    pub ended_at: DateTime<Utc>,
    pub closed: bool,
    pub figures: Vec<Figure>,
    pub facts: Vec<FactReached>,
    /// The scenario's recommended response, in order.
    pub recommended: Vec<String>,
    /// Figures met, of those scored.
    pub met: usize,
    pub scored: usize,
}

/// `2m10s`, `45s`, `1h02m`.
pub fn span(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 if s % 60 == 0 => format!("{}m", s / 60),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A "within the limit" figure. Not done is late once the limit has
/// passed or the drill is over; before that it is only noted.
struct Within<'a> {
    key: &'a str,
    name: &'a str,
    took: Option<i64>,
    limit: i64,
    /// Seconds the drill has run, and whether it is over.
    so_far: (i64, bool),
    rule: String,
    setting: &'a str,
    rec: &'a str,
}

fn within(w: Within<'_>) -> Figure {
    let Within {
        key,
        name,
        took,
        limit,
        so_far: (ran, over),
        rule,
        setting,
        rec,
    } = w;
    let (value, verdict) = match took {
        Some(t) if t <= limit => (span(t), Verdict::Met),
        Some(t) => (
            format!("{} ({} late)", span(t), span(t - limit)),
            Verdict::Late,
        ),
        None if !over && ran < limit => (
            format!("not yet (due in {})", span(limit - ran)),
            Verdict::Noted,
        ),
        None => ("not done".to_string(), Verdict::Late),
    };
    Figure {
        key: key.into(),
        name: name.into(),
        value,
        seconds: took,
        verdict,
        rule,
        setting: Some(setting.into()),
        recommended: rec.into(),
    }
}

fn left_triggered(e: &TimelineEvent) -> bool {
    matches!(
        &e.kind,
        EventKind::StatusChanged {
            from: Status::Triggered,
            ..
        } | EventKind::ForcedTransition {
            from: Status::Triggered,
            ..
        }
    )
}

fn reached(e: &TimelineEvent, s: Status) -> bool {
    matches!(&e.kind, EventKind::StatusChanged { to, .. } | EventKind::ForcedTransition { to, .. } if *to == s)
}

/// Scores a drill incident. `d` holds its whole timeline; `scenario`, when
/// known, names the facts and the recommended response; `now` ends a
/// drill that is still open.
pub fn score(
    d: &IncidentDetail,
    scenario: Option<&Scenario>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Option<Debrief> {
    let mark = d.incident.drill.as_ref()?;
    let start = d.incident.declared_at;
    let since = |e: &TimelineEvent| (e.at - start).num_seconds();
    let tl = &d.timeline;
    let closed_at = tl.iter().find(|e| reached(e, Status::Closed)).map(|e| e.at);
    let mut figures = Vec::new();

    let so_far = (
        (closed_at.unwrap_or(now) - start).num_seconds(),
        closed_at.is_some() || now - start >= drill_limit(scenario),
    );
    let ack = policy.acknowledge_minutes as i64 * 60;
    figures.push(within(Within {
        key: "acknowledge",
        name: "Time to acknowledge",
        took: tl.iter().find(|e| left_triggered(e)).map(since),
        limit: ack,
        so_far,
        rule: format!(
            "acknowledge within {} (PagerDuty's on-call guide: an unacknowledged page escalates after 5 minutes)",
            span(ack)
        ),
        setting: "[policy] acknowledge_minutes",
        rec: "Acknowledge at once: it tells everyone someone has it and stops the escalation.",
    }));

    let updates: Vec<&TimelineEvent> = tl
        .iter()
        .filter(|e| matches!(e.kind, EventKind::StakeholderUpdate { .. }))
        .collect();
    let stages = policy
        .stages(d.incident.severity)
        .unwrap_or(Stages::GUIDELINE);
    let cadence_src = "PagerDuty's external communication guidelines";
    figures.push(within(Within {
        key: "initial_update",
        name: "First stakeholder update",
        took: updates.first().map(|e| since(e)),
        limit: stages.initial as i64 * 60,
        so_far,
        rule: format!(
            "the initial update within {} of the declaration ({cadence_src})",
            span(stages.initial as i64 * 60)
        ),
        setting: "[policy] update_stages",
        rec: "Send the initial update early, even if it only says what is known and when the next one comes.",
    }));
    let first = updates.first().map(|e| since(e));
    let scoping = stages.scoping as i64 * 60;
    figures.push(within(Within {
        key: "scoping_update",
        name: "Scoping update",
        took: updates.get(1).map(|e| since(e) - first.unwrap_or(0)),
        limit: scoping,
        // Counted from the first update; without one it is not yet due.
        so_far: match first {
            Some(f) => (so_far.0 - f, so_far.1),
            None => (0, so_far.1),
        },
        rule: format!(
            "the scoping update (what is affected, how widely) within {} of the first ({cadence_src})",
            span(scoping)
        ),
        setting: "[policy] update_stages",
        rec: "Follow the first update with the scope: who and what is affected.",
    }));

    let (mut given, mut boxed, mut overdue) = (0u32, 0u32, 0u32);
    for e in tl {
        if let EventKind::Task { change, due_at, .. } = &e.kind {
            match change {
                TaskChange::Assigned => {
                    given += 1;
                    boxed += u32::from(due_at.is_some());
                }
                TaskChange::Overdue => overdue += 1,
                _ => {}
            }
        }
    }
    figures.push(Figure {
        key: "tasks".into(),
        name: "Tasks with time boxes".into(),
        value: format!("{given} given, {boxed} time-boxed, {overdue} went overdue"),
        seconds: None,
        verdict: match (given, overdue) {
            (0, _) => Verdict::Missed,
            (_, 0) if boxed == given => Verdict::Met,
            _ => Verdict::Late,
        },
        rule: "every task has one owner and a time box, and is checked when the box ends \
               (Google SRE book, \"Managing Incidents\"; PagerDuty IC training)"
            .into(),
        setting: None,
        recommended: "Give each task to one person, by name, with a time to report back.".into(),
    });

    let mut seen = std::collections::BTreeSet::new();
    let (mut ruled_out, mut confirmed) = (0u32, 0u32);
    for e in tl {
        if let EventKind::Hypothesis {
            hypothesis, status, ..
        } = &e.kind
        {
            seen.insert(*hypothesis);
            match status {
                HypothesisStatus::RuledOut => ruled_out += 1,
                HypothesisStatus::Confirmed => confirmed += 1,
                HypothesisStatus::Open => {}
            }
        }
    }
    let raised = seen.len();
    figures.push(Figure {
        key: "hypotheses".into(),
        name: "Hypotheses".into(),
        value: format!("{raised} raised, {ruled_out} ruled out, {confirmed} confirmed"),
        seconds: None,
        verdict: if raised == 0 {
            Verdict::Missed
        } else {
            Verdict::Met
        },
        rule: "hypotheses are said out loud and ruled out with evidence (the Howie guide's \
               hypotheses raised and disproved)"
            .into(),
        setting: None,
        recommended: "Write each theory as a hypothesis; rule it out or confirm it with a timeline entry as evidence."
            .into(),
    });

    let forced: Vec<&TimelineEvent> = tl
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ForcedTransition { .. }))
        .collect();
    let skipped: usize = forced
        .iter()
        .map(|e| match &e.kind {
            EventKind::ForcedTransition { open_items, .. } => open_items.len(),
            _ => 0,
        })
        .sum();
    figures.push(Figure {
        key: "forced".into(),
        name: "Forced transitions".into(),
        value: format!(
            "{} forced, {skipped} checklist item(s) skipped",
            forced.len()
        ),
        seconds: None,
        verdict: if forced.is_empty() {
            Verdict::Met
        } else {
            Verdict::Missed
        },
        rule: "each phase's checklist is finished before the incident moves on".into(),
        setting: None,
        recommended: "Work the checklist; force past it only with a reason the review can read."
            .into(),
    });

    let verified = tl.iter().any(|e| reached(e, Status::Verified));
    figures.push(Figure {
        key: "verification".into(),
        name: "Verified before close".into(),
        value: match (closed_at.is_some(), verified) {
            (_, true) => "verified".into(),
            (true, false) => "closed without verification".into(),
            (false, false) => "not verified (not closed)".into(),
        },
        seconds: tl.iter().find(|e| reached(e, Status::Verified)).map(since),
        verdict: if verified {
            Verdict::Met
        } else {
            Verdict::Missed
        },
        rule: "the fix is verified (the signals back at baseline) before the incident is closed"
            .into(),
        setting: None,
        recommended:
            "Check the alerts and graphs are back to normal, then move to verified, then close."
                .into(),
    });

    let facts = scenario
        .map(|s| {
            s.facts
                .iter()
                .map(|f| FactReached {
                    name: f.name.clone(),
                    says: f.says.clone(),
                    after_seconds: tl
                        .iter()
                        .find(|e| {
                            matches!(&e.kind, EventKind::Automation { rule, .. }
                                if rule == &fact_rule(&f.name))
                        })
                        .map(since),
                })
                .collect()
        })
        .unwrap_or_default();
    let scored = figures
        .iter()
        .filter(|f| f.verdict != Verdict::Noted)
        .count();
    let met = figures.iter().filter(|f| f.verdict == Verdict::Met).count();
    Some(Debrief {
        incident: d.incident.id,
        scenario: mark.scenario.clone(),
        run: mark.run.clone(),
        started_at: start,
        ended_at: closed_at.unwrap_or(now),
        closed: closed_at.is_some(),
        figures,
        facts,
        recommended: scenario.map(|s| s.recommended.clone()).unwrap_or_default(),
        met,
        scored,
    })
}

/// How long the drill may last: its scenario's limit, or the longest.
fn drill_limit(s: Option<&Scenario>) -> Duration {
    s.map_or(
        Duration::minutes(super::scenario::MAX_LIMIT_MINUTES),
        Scenario::limit,
    )
}

/// The rule name of the timeline entry saying a fact became true.
pub fn fact_rule(name: &str) -> String {
    format!("{DRILL_RULE}: fact {name}")
}

/// How long the drill ran.
pub fn length(d: &Debrief) -> Duration {
    d.ended_at - d.started_at
}
