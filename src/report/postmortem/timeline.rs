//! The postmortem's timeline: every event grouped by the phase the
//! incident was in, forced transitions in bold with their reasons, and
//! each correction of the curated timeline where the original stands.

use super::Postmortem;
use crate::model::{EventKind, Phase};
use crate::report::markdown::inline;

impl Postmortem<'_> {
    /// The timeline grouped by the phase the incident was in, forced
    /// transitions in bold with their reasons.
    pub(super) fn timeline(&self, md: &mut String) {
        md.push_str("## Timeline\n\n");
        if self.events_total as usize > self.events_included {
            md.push_str(&format!(
                "*The first {} of {} events; the rest: `warroom show {}`.*\n\n",
                self.events_included, self.events_total, self.incident.id
            ));
        }
        let mut phase: Option<Phase> = Some(Phase::Investigation);
        let mut open_group = false;
        for e in self.timeline {
            if !open_group {
                md.push_str(&format!("### {}\n\n", phase_title(phase)));
                open_group = true;
            }
            md.push_str(&format!(
                "- `{}` **{}**: {}\n",
                e.at.format("%H:%M:%S"),
                inline(&e.author, 2),
                event_text(&e.kind)
            ));
            // A corrected event says so where it stands on the record.
            if let Some(k) = self.state.curation.get(&e.seq) {
                for a in crate::report::curated::audit_lines(k, e) {
                    md.push_str(&format!("  - *{}*\n", inline(&a, 4)));
                }
                if let Some(t) = k.corrected_text() {
                    md.push_str(&format!("  - *now reads: {}*\n", inline(t, 4)));
                }
            }
            if let EventKind::StatusChanged { to, .. } | EventKind::ForcedTransition { to, .. } =
                &e.kind
                && to.phase() != phase
            {
                phase = to.phase();
                open_group = false;
                md.push('\n');
            }
        }
        md.push('\n');
    }
}

fn phase_title(p: Option<Phase>) -> String {
    match p {
        Some(Phase::Investigation) => "Identification and investigation".into(),
        Some(Phase::Containment) => "Containment".into(),
        Some(Phase::Resolution) => "Resolution (eradication and recovery)".into(),
        Some(Phase::Verification) => "Verification".into(),
        Some(Phase::PostIncident) => "Post-incident".into(),
        None => "Closed".into(),
    }
}

fn event_text(k: &EventKind) -> String {
    match k {
        EventKind::ForcedTransition {
            from,
            to,
            reason,
            open_items,
        } => {
            let open: Vec<String> = open_items.iter().map(|o| inline(o, 2)).collect();
            format!(
                "**FORCED {from} → {to}**: {} (left open: {})",
                inline(reason, 2),
                open.join("; ")
            )
        }
        other => inline(&other.describe(), 2),
    }
}
