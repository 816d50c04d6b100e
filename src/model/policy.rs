//! The team's working agreements the server states and every console
//! applies: how often stakeholders must hear from the IC, by severity.
//! Also the phase times the incident header and postmortems are built on.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::cadence::{Stage, Stages};
use super::{Incident, Phase, Severity, Status};

/// Longest cadence a config may set: a week. Anything longer is a typo.
pub const MAX_CADENCE_MINUTES: u32 = 7 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// A flat cadence per severity, in minutes, as earlier releases had
    /// it: a severity listed here has no stages, and when this is set and
    /// `update_stages` is not, it is the whole cadence (a config written
    /// before stages keeps meaning what it said). Default: none.
    #[serde(default)]
    pub update_cadence_minutes: BTreeMap<Severity, u32>,
    /// Updates by stage (initial, scoping, regular, long-incident), per
    /// severity. Default (when neither is set): SEV1 and SEV2 on
    /// PagerDuty's guideline (5, 5, every 20, hourly after 2 h); a
    /// severity in neither map has no cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_stages: Option<BTreeMap<Severity, Stages>>,
    /// People reporting to one IC (active roles and owners of open tasks)
    /// before the console warns. Default 7: PagerDuty's incident
    /// commander training keeps the span of control at 7–8 at most.
    #[serde(default = "default_span")]
    pub span_of_control: u32,
    /// The team's own template for each update (`initial`, `scoping`,
    /// `update`, `resolution`), with `{fields}` from the incident (see
    /// [`super::cadence::FIELDS`]) and `[parts]` for the IC to replace.
    /// Default: the built-in ones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub update_templates: BTreeMap<super::cadence::UpdateStage, String>,
    /// Minutes a page may wait for its acknowledgement before a drill's
    /// debrief calls it late. Default 5: PagerDuty's on-call guide ("Being
    /// On-Call") escalates an unacknowledged page after 5 minutes.
    #[serde(default = "default_ack")]
    pub acknowledge_minutes: u32,
}

fn default_ack() -> u32 {
    5
}

fn default_span() -> u32 {
    7
}

/// The widest span of control a config may set.
pub const MAX_SPAN: u32 = 50;

fn default_stages() -> BTreeMap<Severity, Stages> {
    BTreeMap::from([
        (Severity::Sev1, Stages::GUIDELINE),
        (Severity::Sev2, Stages::GUIDELINE),
    ])
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            update_cadence_minutes: BTreeMap::new(),
            update_stages: None,
            span_of_control: default_span(),
            update_templates: BTreeMap::new(),
            acknowledge_minutes: default_ack(),
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
        for (sev, st) in self.update_stages.iter().flatten() {
            st.check(sev.as_str())?;
        }
        for (kind, t) in &self.update_templates {
            super::cadence::check_template(*kind, t)?;
        }
        if self.acknowledge_minutes == 0 || self.acknowledge_minutes > MAX_CADENCE_MINUTES {
            return Err(format!(
                "acknowledge_minutes is {}; it must be 1 to {MAX_CADENCE_MINUTES}",
                self.acknowledge_minutes
            ));
        }
        if !(1..=MAX_SPAN).contains(&self.span_of_control) {
            return Err(format!(
                "span_of_control is {}; it must be 1 to {MAX_SPAN}",
                self.span_of_control
            ));
        }
        Ok(())
    }

    /// The regular gap between updates of a severity (its flat cadence,
    /// or its stages' regular one).
    pub fn cadence(&self, sev: Severity) -> Option<Duration> {
        let m = match self.update_cadence_minutes.get(&sev) {
            Some(m) => *m,
            None => self.stages(sev)?.regular,
        };
        Some(Duration::minutes(i64::from(m)))
    }

    /// The stages a severity follows (none with a flat cadence).
    pub fn stages(&self, sev: Severity) -> Option<Stages> {
        if self.update_cadence_minutes.contains_key(&sev) {
            return None;
        }
        match &self.update_stages {
            Some(m) => m.get(&sev).copied(),
            None if self.update_cadence_minutes.is_empty() => default_stages().get(&sev).copied(),
            None => None,
        }
    }

    /// The next stakeholder update of an active incident at `now`: which
    /// stage it is and when it is due.
    pub fn next_update(&self, i: &Incident, now: DateTime<Utc>) -> Option<(Stage, DateTime<Utc>)> {
        if !i.status.is_active() {
            return None;
        }
        if let Some(s) = self.stages(i.severity) {
            return Some(super::cadence::next(i, &s, now));
        }
        let every = self.cadence(i.severity)?;
        Some((
            Stage::Flat,
            i.last_stakeholder_update_at.unwrap_or(i.declared_at) + every,
        ))
    }

    /// The cadence of a severity in words: `SEV1: first 5m, scoping +5m,
    /// then every 20m (1h after 2h)` or `SEV3 every 30m`.
    pub fn describe_cadence(&self, sev: Severity) -> String {
        let m = super::cadence::minutes;
        match (self.stages(sev), self.cadence(sev)) {
            (Some(s), _) => format!(
                "{sev}: first {}, scoping +{}, then every {} ({} after {})",
                m(s.initial),
                m(s.scoping),
                m(s.regular),
                m(s.long),
                m(s.long_after)
            ),
            (None, Some(every)) => format!("{sev} every {}", m(every.num_minutes() as u32)),
            (None, None) => format!("no cadence for {sev}"),
        }
    }

    /// When the update after one sent at `now` will be due: what that
    /// update should promise.
    pub fn after_update(&self, i: &Incident, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut sent = i.clone();
        sent.updates_sent = i
            .updates_sent
            .max(u32::from(i.last_stakeholder_update_at.is_some()))
            + 1;
        sent.last_stakeholder_update_at = Some(now);
        self.update_due(&sent, now)
    }

    /// When the next stakeholder update is due (see [`Policy::next_update`]).
    pub fn update_due(&self, i: &Incident, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_update(i, now).map(|(_, at)| at)
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
            public: None,
            drill: None,
            alert_group: None,
            linked: Vec::new(),
            silenced: None,
            updates_sent: 0,
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
    fn updates_follow_the_stages_of_the_guideline_with_a_chosen_clock() {
        use super::super::cadence::Stage;
        let p = Policy::default();
        let mut i = incident(
            &[(Status::Triggered, 0)],
            Status::Investigating,
            Severity::Sev1,
        );
        // Nothing sent: the initial message within 5 minutes.
        assert_eq!(p.next_update(&i, at(1)), Some((Stage::Initial, at(5))));
        // The first went out at 4: the scoping message 5 minutes after.
        i.last_stakeholder_update_at = Some(at(4));
        i.updates_sent = 1;
        assert_eq!(p.next_update(&i, at(6)), Some((Stage::Scoping, at(9))));
        // Then every 20 minutes for the first two hours...
        i.last_stakeholder_update_at = Some(at(9));
        i.updates_sent = 2;
        assert_eq!(p.next_update(&i, at(10)), Some((Stage::Regular, at(29))));
        i.last_stakeholder_update_at = Some(at(110));
        i.updates_sent = 7;
        assert_eq!(p.next_update(&i, at(111)), Some((Stage::Regular, at(130))));
        // ...and hourly for a long incident.
        assert_eq!(p.next_update(&i, at(121)), Some((Stage::Long, at(170))));
        // An incident from before updates were counted, with an update.
        i.updates_sent = 0;
        i.last_stakeholder_update_at = Some(at(4));
        assert_eq!(p.next_update(&i, at(6)).map(|x| x.0), Some(Stage::Scoping));
        // No cadence for SEV3; none once resolved.
        i.severity = Severity::Sev3;
        assert_eq!(
            p.update_due(&i, at(6)),
            None,
            "no cadence for SEV3 by default"
        );
        i.severity = Severity::Sev2;
        i.status = Status::Resolved;
        assert_eq!(p.update_due(&i, at(6)), None);
    }

    #[test]
    fn a_flat_cadence_from_an_earlier_config_keeps_meaning_what_it_said() {
        use super::super::cadence::Stage;
        let p: Policy = toml::from_str("update_cadence_minutes = { SEV1 = 30 }").unwrap();
        p.check().unwrap();
        let mut i = incident(
            &[(Status::Triggered, 0)],
            Status::Investigating,
            Severity::Sev1,
        );
        assert_eq!(p.next_update(&i, at(1)), Some((Stage::Flat, at(30))));
        i.last_stakeholder_update_at = Some(at(25));
        assert_eq!(p.update_due(&i, at(26)), Some(at(55)));
        assert_eq!(p.describe_cadence(Severity::Sev1), "SEV1 every 30m");
        // Set alone, it is the whole cadence, as before stages.
        assert_eq!(p.next_update(&i, at(26)).map(|x| x.1), Some(at(55)));
        assert!(p.update_due(&i, at(1)).is_some());
        i.severity = Severity::Sev2;
        assert_eq!(p.update_due(&i, at(26)), None, "only what is listed");
        // With stages beside it, each severity follows its own.
        let both: Policy = toml::from_str(
            "update_cadence_minutes = { SEV1 = 30 }\n\
             update_stages = { SEV2 = { initial = 5, scoping = 5, regular = 20, long_after = 120, long = 60 } }",
        )
        .unwrap();
        assert!(
            both.describe_cadence(Severity::Sev2)
                .contains("first 5m, scoping +5m")
        );
        assert_eq!(both.describe_cadence(Severity::Sev1), "SEV1 every 30m");
        let bad: Policy = toml::from_str("update_cadence_minutes = { SEV1 = 0 }").unwrap();
        assert!(bad.check().unwrap_err().contains("SEV1"));
        let bad: Policy = toml::from_str(
            "update_stages = { SEV1 = { initial = 0, scoping = 5, regular = 20, long_after = 120, long = 60 } }",
        )
        .unwrap();
        assert!(
            bad.check()
                .unwrap_err()
                .contains("update_stages.SEV1.initial")
        );
    }
}

#[cfg(test)]
mod template_tests {
    use super::super::cadence::{UpdateStage, blanks, template};
    use super::super::state_doc::{Component, Condition, Impact};
    use super::*;

    fn policy(toml_text: &str) -> Result<Policy, String> {
        let p: Policy = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        p.check()?;
        Ok(p)
    }

    #[test]
    fn a_teams_template_is_filled_from_the_incident_and_a_bad_one_refused() {
        let p = policy(
            "[update_templates]\ninitial = \"{severity} on {service}: {customers} customers, \
             {components}. Workaround: [none yet]\"\n",
        )
        .unwrap();
        let mut inc = crate::model::declare(
            crate::model::IncidentId(7),
            crate::model::wire::DeclareRequest {
                title: "Checkout 502s\n[injected]".into(),
                service: "checkout\u{1b}[2J".into(),
                severity: Severity::Sev1,
                summary: String::new(),
                commander: None,
                tags: vec![],
            },
            &crate::model::Actor {
                handle: "a".into(),
                role: crate::model::ActorRole::Commander,
            },
            vec![],
            Utc::now(),
        )
        .unwrap()
        .incident;
        inc.updates_sent = 0;
        let impact = Impact {
            customers_affected: Some(1200),
            scope: String::new(),
            components: vec![Component {
                name: "Payments".into(),
                condition: Condition::Degraded,
            }],
        };
        let t = p
            .update_templates
            .get(&UpdateStage::Initial)
            .map(String::as_str);
        let text = template(t, UpdateStage::Initial, &inc, Some(&impact), None);
        assert_eq!(
            text,
            "SEV1 on checkout [2J: 1200 customers, Payments (degraded). Workaround: [none yet]\n"
        );
        assert_eq!(blanks(t.unwrap()), vec!["[none yet]".to_string()]);
        // The built-in one where the team set none, with the next update.
        let next = Utc::now();
        let text = template(None, UpdateStage::Update, &inc, None, Some(next));
        assert!(text.contains("[what changed since the last update]"));
        assert!(text.ends_with(&format!("Next update by {} UTC.", next.format("%H:%M"))));
        for (bad, why) in [
            (
                "[update_templates]\ninitial = \"{customer}\"\n",
                "`{customer}` is not a field",
            ),
            ("[update_templates]\nscoping = \"\"\n", "1 to 2000"),
            ("[update_templates]\nfinal = \"x\"\n", "unknown variant"),
        ] {
            let e = policy(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
