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
    /// When a severity's review meeting is due after resolution. Default:
    /// PagerDuty's postmortem process, SEV1 within 3 calendar days, SEV2
    /// within 5 business days; a severity left out has no deadline.
    #[serde(default = "super::review::default_deadlines")]
    pub review_deadlines: BTreeMap<Severity, super::review::ReviewDeadline>,
    /// Hours before the meeting the draft is due. Default 24 (PagerDuty:
    /// the draft goes out a day before the review).
    #[serde(default = "default_draft_hours")]
    pub review_draft_hours: u32,
    /// The time zone business days are counted in, as a UTC offset
    /// (`+02:00`). Default: the server's own (its `TZ`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_utc_offset: Option<String>,
    /// The tags a timeline event may carry (the curated timeline).
    /// Default: the Howie guide's kinds of event (detection, hypothesis,
    /// mitigation, communication, narrative) and its red herrings and
    /// false starts.
    #[serde(default = "default_timeline_tags")]
    pub timeline_tags: Vec<String>,
    /// Incident tags that say a change caused it (a deploy, a config
    /// push): DORA's failed deployment recovery time is measured over
    /// these. Default `change`, `deploy`.
    #[serde(default = "default_change_tags")]
    pub change_tags: Vec<String>,
    /// Pages one person may get in one on-call shift before it is too
    /// many. Default 2 per 12 hours: Google's SRE book ("Being On-Call")
    /// puts the ceiling at two incidents per 12-hour shift.
    #[serde(default = "default_pages_ceiling")]
    pub pages_per_shift: u32,
    /// The shift the ceiling counts in, in hours. Default 12.
    #[serde(default = "default_shift_hours")]
    pub shift_hours: u32,
}

fn default_timeline_tags() -> Vec<String> {
    super::curation::DEFAULT_TAGS
        .iter()
        .map(|t| t.to_string())
        .collect()
}

fn default_change_tags() -> Vec<String> {
    vec!["change".into(), "deploy".into()]
}

fn default_pages_ceiling() -> u32 {
    2
}

fn default_shift_hours() -> u32 {
    12
}

/// Timeline tags a policy may name, at most.
pub const MAX_TIMELINE_TAGS: usize = 32;

fn default_draft_hours() -> u32 {
    24
}

/// `+02:00`, `-05:30`, `Z`: seconds east of UTC.
pub fn parse_utc_offset(s: &str) -> Result<i32, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t == "UTC" {
        return Ok(0);
    }
    let bad = || {
        format!(
            "`{}` is not a UTC offset like +02:00",
            t.chars().take(20).collect::<String>()
        )
    };
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
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
            review_deadlines: super::review::default_deadlines(),
            review_draft_hours: default_draft_hours(),
            review_utc_offset: None,
            timeline_tags: default_timeline_tags(),
            change_tags: default_change_tags(),
            pages_per_shift: default_pages_ceiling(),
            shift_hours: default_shift_hours(),
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
        for (sev, d) in &self.review_deadlines {
            if d.days == 0 || d.days > super::review::MAX_REVIEW_DAYS {
                return Err(format!(
                    "review_deadlines.{sev} is {} days; it must be 1 to {}",
                    d.days,
                    super::review::MAX_REVIEW_DAYS
                ));
            }
        }
        if self.review_draft_hours > 24 * 14 {
            return Err(format!(
                "review_draft_hours is {}; at most two weeks (336)",
                self.review_draft_hours
            ));
        }
        if let Some(o) = &self.review_utc_offset {
            parse_utc_offset(o).map_err(|e| format!("review_utc_offset: {e}"))?;
        }
        if self.timeline_tags.len() > MAX_TIMELINE_TAGS {
            return Err(format!(
                "timeline_tags names {}; at most {MAX_TIMELINE_TAGS}",
                self.timeline_tags.len()
            ));
        }
        for t in self.timeline_tags.iter().chain(&self.change_tags) {
            let ok = !t.is_empty()
                && t.chars().count() <= 40
                && t.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(format!(
                    "tag `{}`: 1 to 40 letters, digits, - or _",
                    t.chars().take(40).collect::<String>()
                ));
            }
        }
        if self.shift_hours == 0 || self.shift_hours > 24 * 7 {
            return Err(format!(
                "shift_hours is {}; it must be 1 to 168",
                self.shift_hours
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
mod tests;
