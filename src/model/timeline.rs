use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::state_doc::{CommandChange, HypothesisStatus, TaskChange};
use super::{ActionOutcome, Phase, ResponderState, Role, Severity, Status};

/// The rule name of the automation's stakeholder-update reminders.
pub const REMINDER_RULE: &str = "stakeholder-update-reminder";
/// Rule names of the automation's escalations start with this.
pub const ESCALATION_RULE: &str = "escalation";

/// Stored bytes of one alert's labels, annotations and links at most: a
/// busy Alertmanager group stays a few KiB per event.
pub const MAX_ALERT_FACTS_BYTES: usize = 16 * 1024;

/// What an alert said beyond its name, kept whole for the IC: every label,
/// every annotation (runbook, dashboard, description) and the links to
/// where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertFacts {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Links by what they open: `source` (the rule's expression in
    /// Prometheus, its generatorURL), `alertmanager` (the group in
    /// Alertmanager, its externalURL).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<String, String>,
}

impl AlertFacts {
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty() && self.links.is_empty()
    }

    /// Stored bytes, as [`MAX_ALERT_FACTS_BYTES`] counts them.
    pub fn bytes(&self) -> usize {
        [&self.labels, &self.annotations, &self.links]
            .iter()
            .flat_map(|m| m.iter())
            .map(|(k, v)| k.len() + v.len() + 8)
            .sum()
    }
}

/// One entry of an incident's append-only timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// Position in the incident's timeline, from 1.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub author: String,
    #[serde(flatten)]
    pub kind: EventKind,
    /// When the author wrote it, when that was well before `at` (written
    /// offline, delivered later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Declared {
        title: String,
        severity: Severity,
    },
    StatusChanged {
        from: Status,
        to: Status,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    ForcedTransition {
        from: Status,
        to: Status,
        reason: String,
        open_items: Vec<String>,
    },
    SeverityChanged {
        from: Severity,
        to: Severity,
    },
    FieldsEdited {
        fields: Vec<String>,
    },
    Note {
        text: String,
    },
    Responder {
        handle: String,
        state: ResponderState,
        role: Role,
    },
    RoleAssigned {
        handle: String,
        role: Role,
    },
    ChecklistItem {
        phase: Phase,
        item: String,
        done: bool,
    },
    StakeholderUpdate {
        text: String,
        /// Internal when absent (updates from before audiences were).
        #[serde(default, skip_serializing_if = "super::wire::Audience::is_internal")]
        audience: super::wire::Audience,
        /// Which update it was (absent on updates from before stages were).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stage: Option<super::cadence::UpdateStage>,
        /// A resolution update's statement on data loss and lingering impact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data_loss: Option<String>,
    },
    AlertReceived {
        alert: String,
        firing: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// Still firing but not notifying: why (a silence, by whom and
        /// why, or an inhibition), as Alertmanager reports it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suppressed: Option<String>,
        /// Every label, annotation and link the alert came with.
        #[serde(default, skip_serializing_if = "AlertFacts::is_empty")]
        facts: AlertFacts,
    },
    /// The server's automation: a reminder or an escalation, and the rule
    /// ([`REMINDER_RULE`], or one starting with [`ESCALATION_RULE`]).
    Automation {
        rule: String,
        text: String,
    },
    /// A runbook action began on the server, started by the event's author.
    ActionStarted {
        action: String,
        phase: Phase,
        item: String,
        /// What ran, as the confirmation showed it.
        command: String,
        run: u64,
    },
    /// A runbook action ended.
    ActionFinished {
        action: String,
        phase: Phase,
        item: String,
        outcome: ActionOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        duration_ms: u64,
        /// The end of its output (at most `MAX_TAIL_CHARS`).
        output: String,
        run: u64,
    },
    /// A task given, proposed, done, dropped or past its time box.
    Task {
        task: u32,
        title: String,
        change: TaskChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_at: Option<DateTime<Utc>>,
        /// The result of a done task, or why it was dropped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A hypothesis raised, given evidence, confirmed or ruled out.
    Hypothesis {
        hypothesis: u32,
        text: String,
        status: HypothesisStatus,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    Decision {
        decision: u32,
        text: String,
        #[serde(default)]
        why: String,
        objections_asked: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supersedes: Option<u32>,
    },
    /// Command offered, accepted, declined, withdrawn or taken.
    Command {
        change: CommandChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        to: String,
        /// The incident version of the brief the new IC read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        brief_version: Option<u64>,
    },
    /// The impact changed (customers, components, scope), in a line.
    ImpactChanged {
        text: String,
    },
    /// Put on the public status page (with the title customers read) or
    /// taken off it.
    Published {
        public: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// An event tagged, pinned or corrected (see `model/curation.rs`):
    /// the audit of the curated timeline.
    Curated {
        /// The seq of the event curated (not `seq`: the entry has its own).
        event: u64,
        change: String,
    },
    /// An SME's Condition / Actions / Needs report.
    CanReport {
        condition: String,
        #[serde(default)]
        actions: String,
        #[serde(default)]
        needs: String,
    },
}

impl TimelineEvent {
    /// When it was written, if that was more than a minute before it
    /// reached the server (written offline): worth a marker.
    pub fn written_earlier(&self) -> Option<DateTime<Utc>> {
        self.written_at
            .filter(|w| self.at - *w > chrono::Duration::seconds(60))
    }
}

impl EventKind {
    /// A one-line description for timelines and exports.
    pub fn describe(&self) -> String {
        match self {
            Self::Declared { title, severity } => format!("declared {severity}: {title}"),
            Self::StatusChanged { from, to, reason } => match reason {
                Some(r) => format!("status {from} -> {to} ({r})"),
                None => format!("status {from} -> {to}"),
            },
            Self::ForcedTransition {
                from,
                to,
                reason,
                open_items,
            } => format!(
                "FORCED {from} -> {to}: {reason} (left open: {})",
                open_items.join("; ")
            ),
            Self::SeverityChanged { from, to } => format!("severity {from} -> {to}"),
            Self::FieldsEdited { fields } => format!("edited {}", fields.join(", ")),
            Self::Note { text } => text.clone(),
            Self::Responder {
                handle,
                state,
                role,
            } => format!("{handle} {state} ({})", role.short()),
            Self::RoleAssigned { handle, role } => format!("{handle} is now {role}"),
            Self::ChecklistItem { phase, item, done } => {
                format!("{} [{phase}] {item}", if *done { "done" } else { "undone" })
            }
            Self::StakeholderUpdate {
                text,
                audience,
                stage,
                data_loss,
            } => {
                let who = match audience {
                    super::wire::Audience::Internal => "stakeholder update",
                    super::wire::Audience::Public => "PUBLIC update",
                };
                let stage = match stage {
                    Some(s @ super::cadence::UpdateStage::Resolution) => format!(" ({s})"),
                    _ => String::new(),
                };
                match data_loss {
                    Some(d) => format!("{who}{stage}: {text} — Data loss: {d}"),
                    None => format!("{who}{stage}: {text}"),
                }
            }
            Self::AlertReceived {
                alert,
                firing,
                detail,
                suppressed,
                ..
            } => {
                let state = match (firing, suppressed) {
                    (true, Some(why)) => format!("SUPPRESSED ({why})"),
                    (true, None) => "FIRING".to_string(),
                    (false, _) => "resolved".to_string(),
                };
                match detail {
                    Some(d) => format!("alert {state}: {alert} - {d}"),
                    None => format!("alert {state}: {alert}"),
                }
            }
            Self::Automation { rule, text } => format!("{text} (rule: {rule})"),
            Self::ActionStarted {
                action, command, ..
            } => format!("action {action} started: {command}"),
            Self::ActionFinished {
                action,
                outcome,
                exit_code,
                duration_ms,
                output,
                ..
            } => {
                let code = exit_code.map(|c| format!("exit {c}, ")).unwrap_or_default();
                let secs = *duration_ms as f64 / 1000.0;
                let last = output.lines().rev().find(|l| !l.trim().is_empty());
                match last {
                    Some(l) => format!("action {action} {outcome} ({code}{secs:.1}s): {l}"),
                    None => format!("action {action} {outcome} ({code}{secs:.1}s)"),
                }
            }
            Self::Task {
                task,
                title,
                change,
                owner,
                due_at,
                text,
            } => {
                let who = owner.as_deref().unwrap_or("unassigned");
                match (change, text) {
                    (TaskChange::Assigned, _) => {
                        let due = due_at.map(|d| format!(", due {}", d.format("%H:%M:%SZ")));
                        format!("task #{task} to {who}: {title}{}", due.unwrap_or_default())
                    }
                    (TaskChange::Proposed, _) => format!("task #{task} proposed: {title}"),
                    (c, Some(t)) => format!("task #{task} {} ({who}): {title} - {t}", c.as_str()),
                    (c, None) => format!("task #{task} {} ({who}): {title}", c.as_str()),
                }
            }
            Self::Hypothesis {
                hypothesis,
                text,
                status,
                evidence,
                why,
            } => {
                let ev = if evidence.is_empty() {
                    String::new()
                } else {
                    let seqs: Vec<String> = evidence.iter().map(|s| format!("#{s}")).collect();
                    format!(" [evidence {}]", seqs.join(", "))
                };
                match why {
                    Some(w) => format!("hypothesis #{hypothesis} {status}: {text} - {w}{ev}"),
                    None => format!("hypothesis #{hypothesis} {status}: {text}{ev}"),
                }
            }
            Self::Decision {
                decision,
                text,
                why,
                objections_asked,
                supersedes,
            } => {
                let mut s = format!("decision #{decision}: {text}");
                if !why.is_empty() {
                    s.push_str(&format!(" (why: {why})"));
                }
                if *objections_asked {
                    s.push_str(" [objections asked]");
                }
                if let Some(o) = supersedes {
                    s.push_str(&format!(" [supersedes #{o}]"));
                }
                s
            }
            Self::Command {
                change,
                from,
                to,
                brief_version,
            } => {
                let from = from.as_deref().unwrap_or("nobody");
                let brief = brief_version
                    .map(|v| format!(" (read brief v{v})"))
                    .unwrap_or_default();
                match change {
                    CommandChange::Offered => format!("command offered to {to} by {from}"),
                    CommandChange::Accepted => {
                        format!("command handed from {from} to {to}{brief}")
                    }
                    CommandChange::Declined => format!("{to} declined command offered by {from}"),
                    CommandChange::Withdrawn => {
                        format!("command offer to {to} withdrawn by {from}")
                    }
                    CommandChange::Taken => format!("{to} took command from {from}{brief}"),
                }
            }
            Self::ImpactChanged { text } => format!("impact: {text}"),
            Self::Curated { event, change } => format!("#{event} {change}"),
            Self::Published {
                public: true,
                title,
            } => format!(
                "on the public status page as “{}”",
                title.as_deref().unwrap_or_default()
            ),
            Self::Published { public: false, .. } => "taken off the public status page".into(),
            Self::CanReport {
                condition,
                actions,
                needs,
            } => super::state_doc::CanReport {
                condition: condition.clone(),
                actions: actions.clone(),
                needs: needs.clone(),
            }
            .describe(),
        }
    }

    /// The short tag shown before an entry.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Declared { .. } => "declare",
            Self::StatusChanged { .. } => "status",
            Self::ForcedTransition { .. } => "FORCED",
            Self::SeverityChanged { .. } => "sev",
            Self::FieldsEdited { .. } => "edit",
            Self::Note { .. } => "note",
            Self::Responder { .. } | Self::RoleAssigned { .. } => "people",
            Self::ChecklistItem { .. } => "check",
            Self::StakeholderUpdate { .. } => "update",
            Self::AlertReceived { .. } => "alert",
            Self::Automation { .. } => "auto",
            Self::ActionStarted { .. } | Self::ActionFinished { .. } => "action",
            Self::Task { .. } => "task",
            Self::Hypothesis { .. } => "hypo",
            Self::Decision { .. } => "decide",
            Self::Command { .. } => "command",
            Self::CanReport { .. } => "CAN",
            Self::ImpactChanged { .. } => "impact",
            Self::Curated { .. } => "curate",
            Self::Published { .. } => "public",
        }
    }
}
