use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::incident_id::{IncidentId, MAX_SOURCES, ParseIdError, register_source};
use super::{Checklist, IncidentState, Responder, Severity, StateCounts, Status, TimelineEvent};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub service: String,
    pub severity: Severity,
    pub status: Status,
    /// Handle of the incident commander, if one is assigned.
    #[serde(default)]
    pub commander: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub declared_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the incident entered each status it has been in (the latest time
    /// for a status it re-entered after a reopen).
    #[serde(default)]
    pub status_times: BTreeMap<Status, DateTime<Utc>>,
    /// When stakeholders were last told how things stand.
    #[serde(default)]
    pub last_stakeholder_update_at: Option<DateTime<Utc>>,
    /// Stakeholder updates sent: which stage of the cadence comes next.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updates_sent: u32,
    /// Bumped on every change; the value `If-Match` compares against.
    pub version: u64,
    /// The seq of the newest timeline event (events are numbered 1, 2, …
    /// without gaps), so a reader knows how far behind it is and a writer
    /// can append without reading the timeline.
    #[serde(default)]
    pub last_seq: u64,
    /// True in list entries and write answers whose summary was cut to
    /// [`Incident::LIST_SUMMARY`] characters; the detail has it whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub summary_cut: bool,
    /// When the impact began, set by the IC when it began before anyone
    /// noticed; otherwise it is taken to be the detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_started_at: Option<DateTime<Utc>>,
    /// Open tasks and hypotheses, overdue tasks and the next time box, so
    /// a list entry (the wallboard, the server's automation) knows them.
    #[serde(default, skip_serializing_if = "StateCounts::is_empty")]
    pub state_counts: StateCounts,
    /// On the public status page, and under what title (see `public.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<super::public::PublicFace>,
    /// A practice outage, not a real one (see `drill/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<super::drill::DrillMark>,
    /// The Alertmanager group this incident was opened from (see
    /// [`AlertGroupRef`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_group: Option<AlertGroupRef>,
    /// Its alerts are silenced in Alertmanager (see `alert_silence.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silenced: Option<super::SilenceMark>,
    /// The review after the outage (see `review.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<super::Review>,
    /// In a merged view only: the incidents of other backends shown as
    /// part of this one (the Alertmanager group it was opened from), at
    /// most [`Incident::MAX_LINKED`]. No backend stores or sends it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked: Vec<IncidentId>,
}

/// An Alertmanager group as Alertmanager's API names it: its receiver and
/// its group labels. The server records it on an incident the group
/// opened; a merged view uses it to show the group inside that incident
/// instead of as a second row, and the server to read the group's
/// silences. Bounded: [`AlertGroupRef::MAX_LABELS`] labels, each key and
/// value [`AlertGroupRef::MAX_VALUE`] characters (more is left out).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AlertGroupRef {
    pub receiver: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl AlertGroupRef {
    pub const MAX_LABELS: usize = 32;
    pub const MAX_VALUE: usize = 200;

    /// The reference, bounded: `None` when a label does not fit (a cut
    /// label would name another group).
    pub fn bounded(receiver: &str, labels: &BTreeMap<String, String>) -> Option<AlertGroupRef> {
        let fits = |s: &str| s.chars().count() <= Self::MAX_VALUE;
        let ok = fits(receiver)
            && labels.len() <= Self::MAX_LABELS
            && labels.iter().all(|(k, v)| fits(k) && fits(v));
        ok.then(|| AlertGroupRef {
            receiver: receiver.to_string(),
            labels: labels.clone(),
        })
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Incident {
    /// Characters of the summary kept in list entries and write answers.
    pub const LIST_SUMMARY: usize = 280;
    /// Linked incidents a merged view keeps on one incident.
    pub const MAX_LINKED: usize = 8;

    /// The incident as a list entry or write answer: bounded whatever the
    /// summary's length (the cut is marked by `summary_cut` and `…`).
    pub fn summarized(&self) -> Incident {
        let mut s = self.clone();
        if s.summary.chars().count() > Self::LIST_SUMMARY {
            s.summary = s.summary.chars().take(Self::LIST_SUMMARY - 1).collect();
            s.summary.push('…');
            s.summary_cut = true;
        }
        s
    }

    /// How long the incident has been open (or was open, once resolved).
    pub fn age(&self, now: DateTime<Utc>) -> chrono::Duration {
        let end = if self.status.is_active() {
            now
        } else {
            self.status_times
                .get(&Status::Resolved)
                .copied()
                .unwrap_or(now)
        };
        end - self.declared_at
    }
}

/// Everything about one incident: what the detail endpoint returns. The
/// timeline holds the latest page of events only (seqs are contiguous, so
/// `timeline[0].seq > 1` means older pages exist, read by seq).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub timeline: Vec<TimelineEvent>,
    pub responders: Vec<Responder>,
    pub checklists: Vec<Checklist>,
    /// The live state document: tasks, hypotheses, decisions, handoff.
    #[serde(default)]
    pub state: IncidentState,
    /// In a merged view only: the linked incidents of other backends (see
    /// `Incident::linked`) as they are now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked: Vec<Incident>,
    /// The changes applied to this copy since it was loaded, for the
    /// server's replay journal. Never sent, never compared.
    #[serde(skip)]
    pub journal: super::replay::Journal,
}

impl IncidentDetail {
    /// The checklist of the phase the incident is in now.
    pub fn current_checklist(&self) -> Option<&Checklist> {
        let phase = self.incident.status.phase()?;
        self.checklists.iter().find(|c| c.phase == phase)
    }

    pub fn checklist(&self, phase: super::Phase) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.phase == phase)
    }
}
