//! The times postmortems and response metrics are built from, derived from
//! the timeline: when the impact started, when it was detected,
//! acknowledged, contained, resolved, verified and closed.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{EventKind, IncidentDetail, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Milestones {
    /// Set by the IC, else the detection.
    pub impact_started: DateTime<Utc>,
    /// The first firing alert, or the declaration if earlier (or no alert).
    pub detected: DateTime<Utc>,
    pub acknowledged: Option<DateTime<Utc>>,
    pub contained: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub verified: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
}

/// The key intervals of a response, each from the milestone before it
/// that the industry measures it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Durations {
    /// Impact start → detection.
    pub to_detect: Duration,
    /// Detection → acknowledgement (MTTA).
    pub to_acknowledge: Option<Duration>,
    /// Detection → containment (mitigation).
    pub to_contain: Option<Duration>,
    /// Detection → resolution (MTTR).
    pub to_resolve: Option<Duration>,
    /// Resolution → verification.
    pub to_verify: Option<Duration>,
    /// Impact start → resolution: how long customers were affected
    /// (Datadog's customer impact duration, ending at resolution).
    pub customer_impact: Option<Duration>,
}

impl Milestones {
    /// From the whole timeline: the first time the incident reached each
    /// status (or a later one, when a forced transition skipped it). A
    /// reopen does not move a milestone: the first resolution is when the
    /// service was first back.
    pub fn of(d: &IncidentDetail) -> Milestones {
        let i = &d.incident;
        let first_alert = d
            .timeline
            .iter()
            .find(|e| matches!(e.kind, EventKind::AlertReceived { firing: true, .. }))
            .map(|e| e.at);
        let detected = first_alert.map_or(i.declared_at, |a| a.min(i.declared_at));
        let reached = |s: Status| {
            d.timeline
                .iter()
                .find(|e| match &e.kind {
                    EventKind::StatusChanged { to, .. }
                    | EventKind::ForcedTransition { to, .. } => *to >= s,
                    _ => false,
                })
                .map(|e| e.at)
                // A timeline that does not go back far enough (paged out,
                // or another backend): the status times the incident keeps.
                .or_else(|| {
                    (i.status >= s)
                        .then(|| i.status_times.get(&s).copied())
                        .flatten()
                })
        };
        Milestones {
            impact_started: i.impact_started_at.map_or(detected, |t| t.min(detected)),
            detected,
            acknowledged: reached(Status::Acknowledged),
            contained: reached(Status::Contained),
            resolved: reached(Status::Resolved),
            verified: reached(Status::Verified),
            closed: reached(Status::Closed),
        }
    }

    pub fn durations(&self) -> Durations {
        let since = |from: DateTime<Utc>, to: Option<DateTime<Utc>>| {
            to.map(|t| (t - from).max(Duration::zero()))
        };
        Durations {
            to_detect: (self.detected - self.impact_started).max(Duration::zero()),
            to_acknowledge: since(self.detected, self.acknowledged),
            to_contain: since(self.detected, self.contained),
            to_resolve: since(self.detected, self.resolved),
            to_verify: self.resolved.and_then(|r| since(r, self.verified)),
            customer_impact: since(self.impact_started, self.resolved),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::{DeclareRequest, PatchRequest};
    use crate::model::{Action, Actor, ActorRole, IncidentId, Severity, apply, declare};
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn ic() -> Actor {
        Actor {
            handle: "alice".into(),
            role: ActorRole::Commander,
        }
    }

    fn go(d: &mut IncidentDetail, min: i64, to: Status, force: bool) {
        let reason = Some("drill".to_string());
        apply(d, Action::Transition { to, force, reason }, &ic(), at(min)).unwrap();
    }

    #[test]
    fn milestones_come_from_the_first_time_each_status_was_reached() {
        let req = DeclareRequest {
            title: "t".into(),
            service: "s".into(),
            severity: Severity::Sev2,
            summary: String::new(),
            commander: None,
            tags: vec![],
        };
        let mut d = declare(IncidentId(1), req, &ic(), vec![], at(10)).unwrap();
        // The alert fired before the declaration.
        d.timeline[0].at = at(10);
        apply(
            &mut d,
            Action::Alert {
                alert: "HighErrorRate".into(),
                firing: true,
                detail: None,
                facts: Default::default(),
            },
            &ic(),
            at(11),
        )
        .unwrap();
        d.timeline.last_mut().unwrap().at = at(7);
        go(&mut d, 14, Status::Acknowledged, false);
        go(&mut d, 20, Status::Investigating, false);
        go(&mut d, 25, Status::Identified, false);
        go(&mut d, 30, Status::Contained, false);
        go(&mut d, 50, Status::Resolved, false);
        // Reopened and resolved again: the first resolution counts.
        go(&mut d, 55, Status::Investigating, false);
        go(&mut d, 60, Status::Identified, false);
        go(&mut d, 65, Status::Contained, false);
        go(&mut d, 70, Status::Resolved, false);
        go(&mut d, 90, Status::Verified, false);
        apply(
            &mut d,
            Action::Patch(PatchRequest {
                impact_started_at: Some(at(2)),
                ..Default::default()
            }),
            &ic(),
            at(91),
        )
        .unwrap();
        let m = Milestones::of(&d);
        assert_eq!(m.impact_started, at(2));
        assert_eq!(m.detected, at(7), "the alert, before the declaration");
        assert_eq!(m.acknowledged, Some(at(14)));
        assert_eq!(m.contained, Some(at(30)));
        assert_eq!(m.resolved, Some(at(50)));
        assert_eq!(m.verified, Some(at(90)));
        assert_eq!(m.closed, None);
        let t = m.durations();
        assert_eq!(t.to_detect, Duration::minutes(5));
        assert_eq!(t.to_acknowledge, Some(Duration::minutes(7)));
        assert_eq!(t.to_contain, Some(Duration::minutes(23)));
        assert_eq!(t.to_resolve, Some(Duration::minutes(43)));
        assert_eq!(t.to_verify, Some(Duration::minutes(40)));
        // Impact in the future is refused and changes nothing.
        let before = d.clone();
        let e = apply(
            &mut d,
            Action::Patch(PatchRequest {
                title: Some("changed".into()),
                impact_started_at: Some(at(10_000)),
                ..Default::default()
            }),
            &ic(),
            at(92),
        );
        assert!(e.is_err());
        assert_eq!(d, before);
    }
}
