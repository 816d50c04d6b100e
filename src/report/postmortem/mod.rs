//! The postmortem draft: everything warroom recorded, arranged the way
//! blameless postmortem templates (Google SRE's among them) arrange it,
//! with the sections only people can write left empty for them.
//!
//! An active incident has no postmortem yet ([`PostmortemError::Active`]);
//! a resolved or verified one gets the document with a DRAFT banner; a
//! closed one the document as final.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::markdown::inline;

mod timeline;
use crate::model::{
    EventKind, FollowUp, FollowUpStatus, IncidentDetail, Milestones, Severity, Status,
    TimelineEvent,
};
use crate::text::duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostmortemError {
    #[error(
        "{0} is still {1}: a postmortem is written once the incident is resolved \
         (advance it to resolved first)"
    )]
    Active(crate::model::IncidentId, Status),
}

/// The facts of a postmortem, also its JSON form.
#[derive(Debug, Clone, Serialize)]
pub struct Postmortem<'a> {
    pub draft: bool,
    pub incident: &'a crate::model::Incident,
    pub milestones: Milestones,
    /// Key intervals in seconds (`null` when not reached).
    pub durations_seconds: DurationsSecs,
    pub severity_history: Vec<(DateTime<Utc>, Severity)>,
    pub forced_transitions: Vec<&'a TimelineEvent>,
    pub stakeholder_updates: Vec<&'a TimelineEvent>,
    /// Each update against the cadence of its stage (see `update_cadence`).
    pub update_cadence: Vec<super::update_cadence::UpdateKept>,
    pub responders: &'a [crate::model::Responder],
    pub checklists: &'a [crate::model::Checklist],
    pub followups: &'a [FollowUp],
    /// Decisions, hypotheses, tasks and changes of command.
    pub state: &'a crate::model::IncidentState,
    /// Events in the incident, and how many this document covers (the
    /// oldest ones; see [`MAX_EVENTS`]).
    pub events_total: u64,
    pub events_included: usize,
    /// What each key duration measures: its start and end points.
    pub definitions: Vec<crate::model::stats_definitions::Definition>,
    #[serde(skip)]
    timeline: &'a [TimelineEvent],
    /// The policy's timeline tags, in order (for "Timelines by tag").
    #[serde(skip)]
    tag_order: Vec<String>,
    /// Curated events past the timeline this document covers (a long
    /// incident's), read by seq: the narrative holds every pin.
    #[serde(skip)]
    curated_beyond: Vec<TimelineEvent>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct DurationsSecs {
    pub impact_to_detect: i64,
    pub detect_to_acknowledge: Option<i64>,
    pub detect_to_contain: Option<i64>,
    pub detect_to_resolve: Option<i64>,
    pub resolve_to_verify: Option<i64>,
    pub customer_impact: Option<i64>,
}

/// Timeline events a postmortem covers at most: a readable document, and
/// a bounded one whatever the incident's size.
pub const MAX_EVENTS: usize = 5_000;

impl<'a> Postmortem<'a> {
    /// `d` carries the timeline from its first event (at most
    /// [`MAX_EVENTS`] of them).
    pub fn build(
        d: &'a IncidentDetail,
        followups: &'a [FollowUp],
        policy: &crate::model::Policy,
    ) -> Result<Self, PostmortemError> {
        let i = &d.incident;
        if i.status.is_active() {
            return Err(PostmortemError::Active(i.id, i.status));
        }
        let milestones = Milestones::of(d);
        let t = milestones.durations();
        let secs = |x: Option<chrono::Duration>| x.map(|d| d.num_seconds());
        let mut severity_history = Vec::new();
        for e in &d.timeline {
            match &e.kind {
                EventKind::Declared { severity, .. } => severity_history.push((e.at, *severity)),
                EventKind::SeverityChanged { to, .. } => severity_history.push((e.at, *to)),
                _ => {}
            }
        }
        Ok(Postmortem {
            draft: i.status != Status::Closed,
            incident: i,
            milestones,
            durations_seconds: DurationsSecs {
                impact_to_detect: t.to_detect.num_seconds(),
                detect_to_acknowledge: secs(t.to_acknowledge),
                detect_to_contain: secs(t.to_contain),
                detect_to_resolve: secs(t.to_resolve),
                resolve_to_verify: secs(t.to_verify),
                customer_impact: secs(t.customer_impact),
            },
            severity_history,
            forced_transitions: d
                .timeline
                .iter()
                .filter(|e| matches!(e.kind, EventKind::ForcedTransition { .. }))
                .collect(),
            stakeholder_updates: d
                .timeline
                .iter()
                .filter(|e| matches!(e.kind, EventKind::StakeholderUpdate { .. }))
                .collect(),
            update_cadence: super::update_cadence::replay(d, policy),
            responders: &d.responders,
            checklists: &d.checklists,
            followups,
            state: &d.state,
            events_total: i.last_seq,
            events_included: d.timeline.len(),
            definitions: crate::model::stats_definitions::postmortem(),
            timeline: &d.timeline,
            tag_order: policy.timeline_tags.clone(),
            curated_beyond: Vec::new(),
        })
    }

    /// The curated events past the covered timeline (see
    /// [`Postmortem::curated_seqs_beyond`]), as read.
    pub fn with_curated_beyond(mut self, events: Vec<TimelineEvent>) -> Self {
        self.curated_beyond = events;
        self
    }

    /// The seqs of curated events this document's timeline does not hold.
    pub fn curated_seqs_beyond(&self) -> Vec<u64> {
        let last = self.timeline.last().map_or(0, |e| e.seq);
        self.state
            .curation
            .keys()
            .copied()
            .filter(|s| *s > last)
            .collect()
    }

    /// The document in CommonMark (the durations table is a GFM table, as
    /// GitHub and most wikis render it).
    pub fn markdown(&self) -> String {
        let i = self.incident;
        let mut md = String::new();
        let push = |md: &mut String, s: &str| {
            md.push_str(s);
            md.push('\n');
        };
        push(
            &mut md,
            &format!("# Postmortem: {} {}", i.id, inline(&i.title, 0)),
        );
        push(&mut md, "");
        if let Some(d) = &i.drill {
            push(
                &mut md,
                &format!(
                    "> **DRILL**: a practice outage (scenario {}, run {}), not a real one. \
                     Its score is in the debrief: `warroom drill debrief {}`.",
                    inline(&d.scenario, 0),
                    inline(&d.run, 0),
                    i.id
                ),
            );
            push(&mut md, "");
        }
        if self.draft {
            push(
                &mut md,
                &format!(
                    "> **DRAFT**: {} is {}, not closed yet; what happens from now on is not in \
                     this document.",
                    i.id, i.status
                ),
            );
            push(&mut md, "");
        }
        self.summary(&mut md);
        self.severity(&mut md);
        self.durations(&mut md);
        let events: Vec<&TimelineEvent> =
            self.timeline.iter().chain(&self.curated_beyond).collect();
        super::curated::markdown_sections(&mut md, &events, &self.state.curation, &self.tag_order);
        self.timeline(&mut md);
        self.people(&mut md);
        self.checklist_section(&mut md);
        self.updates(&mut md);
        super::postmortem_state::sections(&mut md, self.state);
        self.followup_section(&mut md);
        for (title, hint) in [
            (
                "Root causes",
                "What made this possible, not who. Ask why until it is a system.",
            ),
            ("Trigger", "What set it off, and when."),
            ("What went well", ""),
            ("What went wrong", ""),
            ("Where we got lucky", ""),
            ("Lessons", ""),
        ] {
            push(&mut md, &format!("## {title}"));
            push(&mut md, "");
            if hint.is_empty() {
                push(&mut md, "*To be written by the team.*");
            } else {
                push(&mut md, &format!("*To be written by the team. {hint}*"));
            }
            push(&mut md, "");
        }
        // Every quoted text went through `inline`; this pass keeps a field
        // written some other way from ever carrying a raw control.
        crate::text::clean_document(&md).into_owned()
    }

    /// The JSON form, with every character a terminal could act on
    /// escaped (the same bytes whichever door it leaves by).
    pub fn json(&self) -> String {
        let raw = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string());
        crate::text::escape::json_document(&raw)
    }

    fn summary(&self, md: &mut String) {
        let i = self.incident;
        let m = &self.milestones;
        md.push_str("## Summary and impact\n\n");
        if !i.summary.trim().is_empty() {
            md.push_str(&inline(&i.summary, 0));
            md.push_str("\n\n");
        }
        md.push_str(&format!("- **Service:** {}\n", inline(&i.service, 2)));
        md.push_str(&format!(
            "- **Severity:** {} (peak {})\n",
            i.severity,
            self.peak()
        ));
        md.push_str(&format!(
            "- **Incident commander:** {}\n",
            i.commander
                .as_deref()
                .map_or("nobody".into(), |c| inline(c, 2))
        ));
        md.push_str(&format!(
            "- **Impact started:** {}\n",
            stamp(m.impact_started)
        ));
        md.push_str(&format!("- **Detected:** {}\n", stamp(m.detected)));
        if let Some(r) = m.resolved {
            md.push_str(&format!(
                "- **Resolved:** {} (impact lasted {})\n",
                stamp(r),
                duration(r - m.impact_started)
            ));
        }
        if !i.tags.is_empty() {
            let tags: Vec<String> = i.tags.iter().map(|t| inline(t, 2)).collect();
            md.push_str(&format!("- **Tags:** {}\n", tags.join(", ")));
        }
        md.push('\n');
    }

    fn peak(&self) -> Severity {
        self.severity_history
            .iter()
            .map(|(_, s)| *s)
            .min()
            .unwrap_or(self.incident.severity)
    }

    fn severity(&self, md: &mut String) {
        md.push_str("## Severity history\n\n");
        for (at, s) in &self.severity_history {
            md.push_str(&format!("- {}: {s}\n", stamp(*at)));
        }
        md.push('\n');
    }

    fn durations(&self, md: &mut String) {
        let m = &self.milestones;
        let t = m.durations();
        let show = |d: Option<chrono::Duration>| d.map_or("not reached".into(), duration);
        md.push_str("## Key durations\n\n");
        md.push_str("| Interval | Duration |\n|---|---|\n");
        let figures = [
            ("Impact to detection", Some(t.to_detect)),
            ("Detection to acknowledgement", t.to_acknowledge),
            ("Detection to containment", t.to_contain),
            ("Detection to resolution", t.to_resolve),
            ("Resolution to verification", t.to_verify),
            ("Customer impact", t.customer_impact),
        ];
        for (name, d) in figures {
            md.push_str(&format!("| {name} | {} |\n", show(d)));
        }
        md.push('\n');
        // What each one measures: a number without its end points misleads.
        // (warroom's own words, written as Markdown: not escaped.)
        md.push_str("What each measures:\n\n");
        for ((name, _), def) in figures.iter().zip(&self.definitions) {
            md.push_str(&format!(
                "- **{name}**: from {} to {}. {}\n",
                def.from, def.to, def.means
            ));
        }
        md.push('\n');
    }

    fn people(&self, md: &mut String) {
        md.push_str("## Responders and roles\n\n");
        if self.responders.is_empty() {
            md.push_str("Nobody was recorded on the incident.\n\n");
            return;
        }
        for r in self.responders {
            md.push_str(&format!(
                "- **{}** ({}): {}, {} since {}\n",
                inline(&r.name, 2),
                inline(&r.handle, 2),
                r.role,
                r.state,
                stamp(r.since)
            ));
        }
        md.push('\n');
    }

    fn checklist_section(&self, md: &mut String) {
        md.push_str("## Checklists\n\n");
        for c in self.checklists {
            let (done, total) = c.progress();
            md.push_str(&format!("**{}**: {done} of {total} done\n\n", c.phase));
            for it in &c.items {
                match (&it.done_by, it.done_at) {
                    (Some(by), Some(at)) => md.push_str(&format!(
                        "- ✔ {} ({}, {})\n",
                        inline(&it.text, 2),
                        inline(by, 2),
                        at.format("%H:%M")
                    )),
                    _ => md.push_str(&format!("- ✘ {} (**skipped**)\n", inline(&it.text, 2))),
                }
            }
            md.push('\n');
        }
    }

    fn updates(&self, md: &mut String) {
        md.push_str("## Stakeholder updates\n\n");
        if self.stakeholder_updates.is_empty() {
            md.push_str("None were sent.\n\n");
            return;
        }
        let kept = &self.update_cadence;
        let due = kept.iter().filter(|k| k.due.is_some()).count();
        let late = kept.iter().filter(|k| k.late_seconds > 0).count();
        let public = kept
            .iter()
            .filter(|k| k.audience == crate::model::wire::Audience::Public)
            .count();
        md.push_str(&format!(
            "{} sent ({} public, {} internal); of the {due} the cadence asked for, {} on time, **{late} late**.\n\n",
            kept.len(),
            public,
            kept.len() - public,
            due - late
        ));
        for e in &self.stakeholder_updates {
            if let EventKind::StakeholderUpdate {
                text,
                audience,
                data_loss,
                ..
            } = &e.kind
            {
                let cadence = match kept.iter().find(|k| k.seq == e.seq) {
                    Some(k) => match (k.stage, k.due) {
                        (Some(s), Some(due)) if k.late_seconds > 0 => format!(
                            " — **late by {}** ({s} update, due {})",
                            duration(chrono::Duration::seconds(k.late_seconds)),
                            stamp(due)
                        ),
                        (Some(s), Some(due)) => {
                            format!(" — on time ({s} update, due {})", stamp(due))
                        }
                        _ => " — no cadence asked for one then".to_string(),
                    },
                    None => String::new(),
                };
                md.push_str(&format!(
                    "- {} by **{}** ({audience}){cadence}: {}\n",
                    stamp(e.at),
                    inline(&e.author, 2),
                    inline(text, 2)
                ));
                if let Some(d) = data_loss {
                    md.push_str(&format!(
                        "  - Data loss and lingering impact: {}\n",
                        inline(d, 2)
                    ));
                }
            }
        }
        md.push('\n');
    }

    fn followup_section(&self, md: &mut String) {
        md.push_str("## Follow-up actions\n\n");
        if self.followups.is_empty() {
            md.push_str("*None yet: add them in the console (`:followups`) or the API.*\n\n");
            return;
        }
        for f in self.followups {
            let status = match f.status {
                FollowUpStatus::Open => "open",
                FollowUpStatus::Done => "done",
                FollowUpStatus::WontDo => "won't do",
            };
            let mut line = format!(
                "- **#{}** {} ({:?}, {status}; owner {}; due {})",
                f.id,
                inline(&f.title, 2),
                f.priority,
                f.owner.as_deref().map_or("nobody".into(), |o| inline(o, 2)),
                f.due.map_or("none".into(), |d| d.to_string())
            );
            if let Some(l) = &f.link {
                line.push_str(&format!(": {}", inline(l, 2)));
            }
            md.push_str(&line);
            md.push('\n');
        }
        md.push('\n');
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
