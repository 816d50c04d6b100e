//! Whether each stakeholder update kept the cadence: the incident's
//! communication replayed event by event (its severity and status as they
//! were, the updates sent so far) against the policy's stages, so the
//! review sees which update was late, by how much, and at which stage.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::cadence::Stage;
use crate::model::wire::Audience;
use crate::model::{EventKind, IncidentDetail, Policy, Status};

/// One update and the cadence it answered to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateKept {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub audience: Audience,
    /// The stage that was due, and when; none when the severity had no
    /// cadence or the incident was no longer active.
    pub stage: Option<Stage>,
    pub due: Option<DateTime<Utc>>,
    /// Seconds past its due time (0 when on time).
    pub late_seconds: i64,
}

/// Every stakeholder update in `d`'s timeline (as far as it is read), in
/// order, with the stage it was due at.
pub fn replay(d: &IncidentDetail, policy: &Policy) -> Vec<UpdateKept> {
    let mut then = d.incident.clone();
    then.updates_sent = 0;
    then.last_stakeholder_update_at = None;
    then.status = Status::Triggered;
    let mut out = Vec::new();
    for e in &d.timeline {
        match &e.kind {
            EventKind::Declared { severity, .. } => then.severity = *severity,
            EventKind::SeverityChanged { to, .. } => then.severity = *to,
            EventKind::StatusChanged { to, .. } | EventKind::ForcedTransition { to, .. } => {
                then.status = *to
            }
            EventKind::StakeholderUpdate { audience, .. } => {
                let next = policy.next_update(&then, e.at);
                out.push(UpdateKept {
                    seq: e.seq,
                    at: e.at,
                    audience: *audience,
                    stage: next.map(|(s, _)| s),
                    due: next.map(|(_, due)| due),
                    late_seconds: next.map_or(0, |(_, due)| (e.at - due).num_seconds().max(0)),
                });
                then.updates_sent += 1;
                then.last_stakeholder_update_at = Some(e.at);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::model::wire::DeclareRequest;
    use crate::model::{Action, Actor, ActorRole, IncidentId, Severity, apply, declare};

    #[test]
    fn each_update_is_held_against_the_stage_it_answered() {
        let at =
            |m: i64| Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap() + Duration::minutes(m);
        let ic = Actor {
            handle: "alice".into(),
            role: ActorRole::Commander,
        };
        let req = DeclareRequest {
            title: "t".into(),
            service: "s".into(),
            severity: Severity::Sev1,
            summary: String::new(),
            commander: None,
            tags: vec![],
        };
        let mut d = declare(IncidentId(1), req, &ic, vec![], at(0)).unwrap();
        let update = |audience| Action::StakeholderUpdate {
            text: "x".into(),
            written_at: None,
            audience,
            stage: None,
            data_loss: None,
        };
        apply(&mut d, update(Audience::Public), &ic, at(4)).unwrap(); // initial, due 5
        apply(&mut d, update(Audience::Internal), &ic, at(12)).unwrap(); // scoping, due 9
        let resolve = Action::Transition {
            to: Status::Resolved,
            force: true,
            reason: Some("r".into()),
        };
        // Straight to resolved is not a step the lifecycle allows: walk.
        for to in [
            Status::Acknowledged,
            Status::Investigating,
            Status::Identified,
            Status::Contained,
        ] {
            let step = Action::Transition {
                to,
                force: true,
                reason: Some("r".into()),
            };
            apply(&mut d, step, &ic, at(13)).unwrap();
        }
        apply(&mut d, resolve, &ic, at(14)).unwrap();
        // Once resolved, the update is the resolution: it says what was lost.
        assert!(apply(&mut d, update(Audience::Public), &ic, at(60)).is_err());
        let resolution = Action::StakeholderUpdate {
            text: "x".into(),
            written_at: None,
            audience: Audience::Public,
            stage: None,
            data_loss: Some("none".into()),
        };
        apply(&mut d, resolution, &ic, at(60)).unwrap();
        let k = replay(&d, &Policy::default());
        assert_eq!(k.len(), 3);
        assert_eq!((k[0].stage, k[0].late_seconds), (Some(Stage::Initial), 0));
        assert_eq!(k[0].audience, Audience::Public);
        assert_eq!((k[1].stage, k[1].late_seconds), (Some(Stage::Scoping), 180));
        assert_eq!(k[2].stage, None, "no cadence once resolved");
    }
}
