//! The team's working agreements the server states and every console
//! applies: how often stakeholders must hear from the IC, by severity.
//! Also the phase times the incident header and postmortems are built on.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Incident, Phase, Severity, Status};

/// Longest cadence a config may set: a week. Anything longer is a typo.
pub const MAX_CADENCE_MINUTES: u32 = 7 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Minutes between stakeholder updates, per severity; a severity not
    /// listed has no cadence. Default: SEV1 every 30, SEV2 every 60.
    #[serde(default = "default_cadence")]
    pub update_cadence_minutes: BTreeMap<Severity, u32>,
    /// People reporting to one IC (active roles and owners of open tasks)
    /// before the console warns. Default 7: PagerDuty's incident
    /// commander training keeps the span of control at 7–8 at most.
    #[serde(default = "default_span")]
    pub span_of_control: u32,
}

fn default_span() -> u32 {
    7
}

/// The widest span of control a config may set.
pub const MAX_SPAN: u32 = 50;

fn default_cadence() -> BTreeMap<Severity, u32> {
    BTreeMap::from([(Severity::Sev1, 30), (Severity::Sev2, 60)])
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            update_cadence_minutes: default_cadence(),
            span_of_control: default_span(),
        }
    }
}

impl Policy {
    pub fn check(&self) -> Result<(), String> {
        for (sev, m) in &self.update_cadence_minutes {
            if *m == 0 || *m > MAX_CADENCE_MINUTES {
                return Err(format!(
                    "update_cadence_minutes.{sev} is {m}; it must be 1 to {MAX_CADENCE_MINUTES} \
                     (leave a severity out for no cadence)"
                ));
            }
        }
        if !(1..=MAX_SPAN).contains(&self.span_of_control) {
            return Err(format!(
                "span_of_control is {}; it must be 1 to {MAX_SPAN}",
                self.span_of_control
            ));
        }
        Ok(())
    }

    pub fn cadence(&self, sev: Severity) -> Option<Duration> {
        self.update_cadence_minutes
            .get(&sev)
            .map(|m| Duration::minutes(i64::from(*m)))
    }

    /// When the next stakeholder update is due: a cadence after the last
    /// one (or after the declaration), while the incident is active.
    pub fn update_due(&self, i: &Incident) -> Option<DateTime<Utc>> {
        if !i.status.is_active() {
            return None;
        }
        let every = self.cadence(i.severity)?;
        Some(i.last_stakeholder_update_at.unwrap_or(i.declared_at) + every)
    }
}

/// One phase of an incident on its phase bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseSpan {
    pub phase: Phase,
    /// Time spent in it (up to `now` for the current one); `None` if the
    /// incident has not reached it.
    pub spent: Option<Duration>,
    pub current: bool,
}

/// Time spent in each phase, from the times the incident entered each
/// status. After a reopen the times of the re-entered statuses are the
/// latest ones, so an earlier phase can end before it began; such a span
/// counts as zero rather than negative.
pub fn phase_spans(i: &Incident, now: DateTime<Utc>) -> Vec<PhaseSpan> {
    let start_of = |p: Phase| {
        Status::ALL
            .iter()
            .filter(|s| s.phase() == Some(p))
            .filter_map(|s| i.status_times.get(s))
            .min()
            .copied()
            .or_else(|| (p == Phase::Investigation).then_some(i.declared_at))
    };
    let current = i.status.phase();
    let closed_at = i.status_times.get(&Status::Closed).copied();
    let starts: Vec<Option<DateTime<Utc>>> = Phase::ALL
        .iter()
        .map(|p| {
            // A phase after the current one has not begun (a reopen left
            // its old time behind).
            let reached = current.is_none_or(|c| *p <= c);
            start_of(*p).filter(|_| reached)
        })
        .collect();
    Phase::ALL
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let is_current = current == Some(*p);
            let end = if is_current {
                Some(now)
            } else {
                starts[n + 1..]
                    .iter()
                    .flatten()
                    .next()
                    .copied()
                    .or(closed_at)
            };
            let spent = match (starts[n], end) {
                (Some(s), Some(e)) => Some((e - s).max(Duration::zero())),
                _ => None,
            };
            PhaseSpan {
                phase: *p,
                spent,
                current: is_current,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn incident(times: &[(Status, i64)], status: Status, sev: Severity) -> Incident {
        Incident {
            id: super::super::IncidentId(1),
            title: "t".into(),
            summary: String::new(),
            service: "s".into(),
            severity: sev,
            status,
            commander: None,
            tags: vec![],
            declared_at: at(0),
            updated_at: at(0),
            status_times: times.iter().map(|(s, m)| (*s, at(*m))).collect(),
            last_stakeholder_update_at: None,
            version: 1,
            last_seq: 1,
            summary_cut: false,
            impact_started_at: None,
            state_counts: Default::default(),
        }
    }

    #[test]
    fn phase_times_follow_the_status_times_and_the_current_phase_runs_to_now() {
        let i = incident(
            &[
                (Status::Triggered, 0),
                (Status::Acknowledged, 3),
                (Status::Identified, 20),
                (Status::Contained, 50),
            ],
            Status::Contained,
            Severity::Sev1,
        );
        let spans = phase_spans(&i, at(70));
        let mins: Vec<Option<i64>> = spans
            .iter()
            .map(|s| s.spent.map(|d| d.num_minutes()))
            .collect();
        assert_eq!(mins, vec![Some(20), Some(30), Some(20), None, None]);
        assert!(spans[2].current && !spans[1].current);
    }

    #[test]
    fn a_reopened_incident_has_no_negative_and_no_future_phase() {
        // Resolved at 60, reopened to investigating at 80 (its time is the latest).
        let i = incident(
            &[
                (Status::Triggered, 0),
                (Status::Identified, 20),
                (Status::Resolved, 60),
                (Status::Investigating, 80),
            ],
            Status::Investigating,
            Severity::Sev2,
        );
        let spans = phase_spans(&i, at(90));
        assert!(
            spans
                .iter()
                .all(|s| s.spent.is_none_or(|d| d >= Duration::zero()))
        );
        assert_eq!(spans[3].spent, None, "verification is not reached now");
        assert!(spans[0].current);
    }

    #[test]
    fn updates_are_due_a_cadence_after_the_last_one_for_active_incidents_only() {
        let p = Policy::default();
        let mut i = incident(
            &[(Status::Triggered, 0)],
            Status::Investigating,
            Severity::Sev1,
        );
        assert_eq!(p.update_due(&i), Some(at(30)));
        i.last_stakeholder_update_at = Some(at(25));
        assert_eq!(p.update_due(&i), Some(at(55)));
        i.severity = Severity::Sev3;
        assert_eq!(p.update_due(&i), None, "no cadence for SEV3 by default");
        i.severity = Severity::Sev2;
        i.status = Status::Resolved;
        assert_eq!(p.update_due(&i), None);
        let bad: Policy = toml::from_str("update_cadence_minutes = { SEV1 = 0 }").unwrap();
        assert!(bad.check().unwrap_err().contains("SEV1"));
    }
}
