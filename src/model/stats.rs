//! Response metrics over a window of incidents: how fast the team
//! acknowledges, contains, resolves and verifies, by severity and by
//! service; where checklists are skipped and phases forced; who carries the
//! load; which services and alerts keep coming back. Pure: the store hands
//! in the incidents and the events that matter.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::{Checklist, Incident, Phase, Responder, Severity, Status};

/// One incident as the metrics see it.
pub struct Sample<'a> {
    pub incident: &'a Incident,
    pub responders: &'a [Responder],
    pub checklists: &'a [Checklist],
    /// Phases it was forced out of (one entry per forced transition).
    pub forced_from: Vec<Phase>,
    /// Times people were paged on it: (handle, when).
    pub pages: Vec<(String, DateTime<Utc>)>,
    /// Alert names that fired on it.
    pub alerts: Vec<String>,
    /// Each firing of an alert on it, by name (an alert that fired, resolved
    /// and fired again counts twice).
    pub firings: Vec<String>,
}

/// What the team's policy says the figures are judged against.
#[derive(Debug, Clone)]
pub struct Practice {
    /// Incident tags that say a change caused it (DORA).
    pub change_tags: Vec<String>,
    /// Pages one person may get in one shift.
    pub pages_per_shift: u32,
    pub shift_hours: u32,
}

impl Practice {
    pub fn of(p: &super::Policy) -> Practice {
        Practice {
            change_tags: p.change_tags.clone(),
            pages_per_shift: p.pages_per_shift,
            shift_hours: p.shift_hours,
        }
    }
}

/// One person's shift with more pages than the ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftLoad {
    pub handle: String,
    /// When the shift began (shifts are `shift_hours` long, counted from
    /// midnight in the asked-for UTC offset).
    pub shift_start: DateTime<Utc>,
    pub pages: usize,
    /// Distinct incidents those pages were for.
    pub incidents: usize,
}

/// Pages per on-call shift against the ceiling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Shifts {
    pub ceiling: u32,
    pub shift_hours: u32,
    /// Person-shifts with at least one page.
    pub paged_shifts: usize,
    /// Of those, with more incidents than the ceiling.
    pub over_ceiling: usize,
    /// The busiest person-shifts over the ceiling, most incidents first (at
    /// most 10).
    pub worst: Vec<ShiftLoad>,
}

/// An alert that fired on more than one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatAlert {
    pub alert: String,
    /// Incidents it fired on.
    pub incidents: usize,
    /// Times it fired, across them.
    pub firings: usize,
}

/// Median and 90th percentile (nearest rank), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub n: usize,
    pub median: i64,
    pub p90: i64,
}

impl Spread {
    /// `None` for no values: an empty window has no median (never NaN).
    pub fn of(mut v: Vec<i64>) -> Option<Spread> {
        if v.is_empty() {
            return None;
        }
        v.sort_unstable();
        let rank = |p: usize| v[((p * v.len()).div_ceil(100)).max(1) - 1];
        Some(Spread {
            n: v.len(),
            median: rank(50),
            p90: rank(90),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Times {
    pub count: usize,
    /// Declaration to acknowledgement (MTTA).
    pub acknowledge: Option<Spread>,
    pub contain: Option<Spread>,
    /// Declaration to resolution (MTTR).
    pub resolve: Option<Spread>,
    /// Resolution to verification.
    pub verify: Option<Spread>,
    /// Impact start (or declaration) to resolution: customer impact.
    #[serde(default)]
    pub customer_impact: Option<Spread>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slow {
    pub id: super::IncidentId,
    pub title: String,
    pub severity: Severity,
    pub resolve_seconds: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub handle: String,
    /// Hours on incidents (joined to resolution, or to now).
    pub incident_hours: f64,
    pub pages: usize,
    /// Pages outside 09:00–18:00 in the asked-for time zone.
    pub pages_off_hours: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub since: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
    pub overall: Times,
    pub by_severity: BTreeMap<Severity, Times>,
    pub by_service: BTreeMap<String, Times>,
    /// The incidents that took longest to resolve (at most 5).
    pub slowest: Vec<Slow>,
    /// Forced transitions out of each phase.
    pub forced_by_phase: BTreeMap<Phase, usize>,
    /// Checklist items left undone in phases finished incidents have left.
    pub skipped_by_phase: BTreeMap<Phase, usize>,
    /// The items skipped most often: (phase, item, times).
    pub most_skipped: Vec<(Phase, String, usize)>,
    pub load: Vec<Load>,
    /// Services and alert names with the most incidents (at most 5 each).
    pub top_services: Vec<(String, usize)>,
    pub top_alerts: Vec<(String, usize)>,
    /// Incidents declared per day in the window, oldest first.
    pub per_day: Vec<usize>,
    /// Drill incidents in the window, left out of every figure.
    #[serde(default)]
    pub drills_left_out: usize,
    /// DORA's failed deployment recovery time: declaration to resolution
    /// of incidents tagged as caused by a change (`change_tags`).
    #[serde(default)]
    pub change_recovery: Option<Spread>,
    /// Incidents tagged as caused by a change.
    #[serde(default)]
    pub change_failures: usize,
    /// Pages per on-call shift against the ceiling.
    #[serde(default)]
    pub shifts: Shifts,
    /// Alerts that fired on more than one incident, most incidents first
    /// (at most 10).
    #[serde(default)]
    pub repeat_alerts: Vec<RepeatAlert>,
    /// What each figure measures, from where to where.
    #[serde(default)]
    pub definitions: Vec<super::stats_definitions::Definition>,
}

fn secs(a: DateTime<Utc>, b: Option<DateTime<Utc>>) -> Option<i64> {
    b.map(|b| (b - a).num_seconds().max(0))
}

fn times<'a>(samples: impl Iterator<Item = &'a Sample<'a>>) -> Times {
    let (mut a, mut c, mut r, mut v, mut n) = (vec![], vec![], vec![], vec![], 0);
    let mut impact = vec![];
    for s in samples {
        n += 1;
        let i = s.incident;
        let at = |st: Status| i.status_times.get(&st).copied();
        a.extend(secs(i.declared_at, at(Status::Acknowledged)));
        c.extend(secs(i.declared_at, at(Status::Contained)));
        r.extend(secs(i.declared_at, at(Status::Resolved)));
        let impact_start = i.impact_started_at.unwrap_or(i.declared_at);
        impact.extend(secs(impact_start, at(Status::Resolved)));
        if let Some(res) = at(Status::Resolved) {
            v.extend(secs(res, at(Status::Verified)));
        }
    }
    Times {
        count: n,
        acknowledge: Spread::of(a),
        contain: Spread::of(c),
        resolve: Spread::of(r),
        verify: Spread::of(v),
        customer_impact: Spread::of(impact),
    }
}

/// DORA's failed deployment recovery time over the incidents a change
/// caused, and how many there were.
fn change_recovery(samples: &[Sample<'_>], tags: &[String]) -> (Option<Spread>, usize) {
    let caused: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.incident
                .tags
                .iter()
                .any(|t| tags.iter().any(|c| c.eq_ignore_ascii_case(t)))
        })
        .collect();
    let t = times(caused.iter().copied());
    (t.resolve, caused.len())
}

/// Pages per person per shift (shifts `shift_hours` long from midnight in
/// the offset), judged against the ceiling by the incidents paged for.
fn shifts(samples: &[Sample<'_>], p: &Practice, utc_offset: Duration) -> Shifts {
    let len = i64::from(p.shift_hours.max(1)) * 3600;
    let mut by: BTreeMap<(String, i64), (usize, Vec<super::IncidentId>)> = BTreeMap::new();
    for s in samples {
        for (who, at) in &s.pages {
            let local = (*at + utc_offset).timestamp();
            let e = by.entry((who.clone(), local.div_euclid(len))).or_default();
            e.0 += 1;
            if !e.1.contains(&s.incident.id) {
                e.1.push(s.incident.id);
            }
        }
    }
    let mut worst: Vec<ShiftLoad> = by
        .iter()
        .filter(|(_, (_, inc))| inc.len() > p.pages_per_shift as usize)
        .map(|((who, n), (pages, inc))| ShiftLoad {
            handle: who.clone(),
            shift_start: DateTime::from_timestamp(n * len, 0).unwrap_or_default() - utc_offset,
            pages: *pages,
            incidents: inc.len(),
        })
        .collect();
    let over = worst.len();
    worst.sort_by(|a, b| {
        b.incidents
            .cmp(&a.incidents)
            .then(b.pages.cmp(&a.pages))
            .then(a.shift_start.cmp(&b.shift_start))
    });
    worst.truncate(10);
    Shifts {
        ceiling: p.pages_per_shift,
        shift_hours: p.shift_hours,
        paged_shifts: by.len(),
        over_ceiling: over,
        worst,
    }
}

/// Alerts that fired on more than one incident: how many incidents, how
/// many firings.
fn repeat_alerts(samples: &[Sample<'_>]) -> Vec<RepeatAlert> {
    let mut by: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in samples {
        let mut seen: Vec<&str> = Vec::new();
        for a in s.alerts.iter().chain(&s.firings) {
            if !seen.contains(&a.as_str()) {
                seen.push(a);
                by.entry(a).or_default().0 += 1;
            }
        }
        for a in &s.firings {
            by.entry(a).or_default().1 += 1;
        }
    }
    let mut v: Vec<RepeatAlert> = by
        .into_iter()
        .filter(|(_, (inc, _))| *inc > 1)
        .map(|(a, (incidents, firings))| RepeatAlert {
            alert: a.to_string(),
            incidents,
            firings,
        })
        .collect();
    v.sort_by(|a, b| {
        b.incidents
            .cmp(&a.incidents)
            .then(b.firings.cmp(&a.firings))
            .then(a.alert.cmp(&b.alert))
    });
    v.truncate(10);
    v
}

fn top(counts: BTreeMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The metrics of `samples` (already limited to the window), with pages
/// judged in a zone `utc_offset` from UTC.
pub fn compute(
    samples: &[Sample<'_>],
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    utc_offset: Duration,
    practice: &Practice,
) -> Stats {
    let (change_recovery, change_failures) = change_recovery(samples, &practice.change_tags);
    let mut s = Stats {
        since,
        until: now,
        overall: times(samples.iter()),
        definitions: super::stats_definitions::all(),
        change_recovery,
        change_failures,
        shifts: shifts(samples, practice, utc_offset),
        repeat_alerts: repeat_alerts(samples),
        ..Stats::default()
    };
    for sev in Severity::ALL {
        let t = times(samples.iter().filter(|x| x.incident.severity == sev));
        if t.count > 0 {
            s.by_severity.insert(sev, t);
        }
    }
    let mut services: BTreeMap<String, usize> = BTreeMap::new();
    for x in samples {
        *services.entry(x.incident.service.clone()).or_default() += 1;
    }
    for svc in services.keys() {
        s.by_service.insert(
            svc.clone(),
            times(samples.iter().filter(|x| &x.incident.service == svc)),
        );
    }
    let mut slow: Vec<Slow> = samples
        .iter()
        .filter_map(|x| {
            let i = x.incident;
            secs(
                i.declared_at,
                i.status_times.get(&Status::Resolved).copied(),
            )
            .map(|r| Slow {
                id: i.id,
                title: i.title.clone(),
                severity: i.severity,
                resolve_seconds: r,
            })
        })
        .collect();
    slow.sort_by(|a, b| {
        b.resolve_seconds
            .cmp(&a.resolve_seconds)
            .then(a.id.cmp(&b.id))
    });
    slow.truncate(5);
    s.slowest = slow;
    let mut skipped_items: BTreeMap<(Phase, String), usize> = BTreeMap::new();
    let mut load: BTreeMap<String, Load> = BTreeMap::new();
    let mut alerts: BTreeMap<String, usize> = BTreeMap::new();
    for x in samples {
        for p in &x.forced_from {
            *s.forced_by_phase.entry(*p).or_default() += 1;
        }
        // Only phases the incident has left: a resolved incident has not
        // skipped its verification checklist, it has not got there yet.
        let current = x.incident.status.phase();
        if !x.incident.status.is_active() {
            for c in x
                .checklists
                .iter()
                .filter(|c| current.is_none_or(|cur| c.phase < cur))
            {
                for it in c.items.iter().filter(|it| it.done_by.is_none()) {
                    *s.skipped_by_phase.entry(c.phase).or_default() += 1;
                    *skipped_items.entry((c.phase, it.text.clone())).or_default() += 1;
                }
            }
        }
        let end = x
            .incident
            .status_times
            .get(&Status::Resolved)
            .copied()
            .unwrap_or(now);
        for r in x.responders {
            let l = load.entry(r.handle.clone()).or_default();
            l.handle = r.handle.clone();
            l.incident_hours += (end - x.incident.declared_at).num_seconds().max(0) as f64 / 3600.0;
        }
        for (who, at) in &x.pages {
            let l = load.entry(who.clone()).or_default();
            l.handle = who.clone();
            l.pages += 1;
            let hour = (*at + utc_offset).hour();
            if !(9..18).contains(&hour) {
                l.pages_off_hours += 1;
            }
        }
        let mut seen: Vec<&String> = Vec::new();
        for a in &x.alerts {
            if !seen.contains(&a) {
                seen.push(a);
                *alerts.entry(a.clone()).or_default() += 1;
            }
        }
    }
    let mut most: Vec<_> = skipped_items
        .into_iter()
        .map(|((p, t), n)| (p, t, n))
        .collect();
    most.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    most.truncate(5);
    s.most_skipped = most;
    let mut load: Vec<Load> = load.into_values().collect();
    load.sort_by(|a, b| {
        b.incident_hours
            .total_cmp(&a.incident_hours)
            .then(a.handle.cmp(&b.handle))
    });
    load.truncate(10);
    s.load = load;
    s.top_services = top(services, 5);
    s.top_alerts = top(alerts, 5);
    let first = since.unwrap_or_else(|| {
        samples
            .iter()
            .map(|x| x.incident.declared_at)
            .min()
            .unwrap_or(now)
    });
    let days = ((now - first).num_days().max(0) as usize + 1).min(366);
    s.per_day = vec![0; days];
    for x in samples {
        let d = (x.incident.declared_at - first).num_days();
        if d >= 0 && (d as usize) < days {
            s.per_day[d as usize] += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests;
