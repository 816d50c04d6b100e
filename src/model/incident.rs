use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Checklist, IncidentState, Responder, Severity, StateCounts, Status, TimelineEvent};

/// A short id a person can type under stress: `INC-42`. `42` and `inc-42` are
/// accepted as the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an incident id (expected INC-<number>)")]
pub struct ParseIdError(pub String);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INC-{}", self.0)
    }
}

impl FromStr for IncidentId {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("inc-"))
            .map_or(t, |_| &t[4..]);
        digits
            .parse::<u64>()
            .map(IncidentId)
            .map_err(|_| ParseIdError(s.chars().take(40).collect()))
    }
}

impl Serialize for IncidentId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IncidentId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

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
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Incident {
    /// Characters of the summary kept in list entries and write answers.
    pub const LIST_SUMMARY: usize = 280;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_in_the_forms_people_type() {
        assert_eq!("INC-42".parse(), Ok(IncidentId(42)));
        assert_eq!("inc-7".parse(), Ok(IncidentId(7)));
        assert_eq!(" 9 ".parse(), Ok(IncidentId(9)));
        assert!("INC-".parse::<IncidentId>().is_err());
        assert!("drop table".parse::<IncidentId>().is_err());
        assert_eq!(IncidentId(42).to_string(), "INC-42");
    }
}
