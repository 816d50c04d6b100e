//! Reading what response metrics need: every incident in the window, its
//! forced transitions, pages and alert names (see `model::stats`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::sql::args;
use super::{Result, Store};
use crate::model::stats::{Sample, Stats, compute};
use crate::model::{Checklist, Incident, IncidentId, Phase, Responder, Status};

/// Incidents the metrics read at most (the newest).
pub const MAX_STATS_INCIDENTS: usize = 50_000;

struct Row {
    incident: Incident,
    responders: Vec<Responder>,
    checklists: Vec<Checklist>,
}

/// Only what the metrics read of an incident is kept while the window is
/// gathered (up to 50,000 incidents): no summary, tags or names, and of
/// the checklists only the items left undone.
fn slim(mut r: Row, change_tags: &[String]) -> Row {
    let i = &mut r.incident;
    i.summary = String::new();
    // Only the tags the figures read: whether a change caused it.
    i.tags
        .retain(|t| change_tags.iter().any(|c| c.eq_ignore_ascii_case(t)));
    i.commander = None;
    for x in &mut r.responders {
        x.name = String::new();
    }
    for c in &mut r.checklists {
        c.items.retain(|it| it.done_by.is_none());
        c.items.shrink_to_fit();
    }
    r.responders.shrink_to_fit();
    r
}

impl Store {
    pub fn stats(
        &self,
        since: Option<DateTime<Utc>>,
        service: Option<&str>,
        utc_offset: Duration,
        practice: &crate::model::stats::Practice,
    ) -> Result<Stats> {
        let now = Utc::now();
        self.read(|conn| {
            let d = conn.dialect();
            let mut rows = Vec::new();
            let mut drills = 0usize;
            // Rows are read one at a time and most are dropped at once: the
            // window keeps only its incidents in memory.
            conn.for_each(
                "SELECT incident, responders, checklists FROM incidents ORDER BY id DESC LIMIT ?1",
                args![MAX_STATS_INCIDENTS],
                &mut |r| {
                    let incident: Incident = serde_json::from_str(&r.get::<String>("incident")?)?;
                    if since.is_some_and(|s| incident.declared_at < s)
                        || service.is_some_and(|s| !incident.service.eq_ignore_ascii_case(s))
                    {
                        return Ok(());
                    }
                    // A practice outage is not one: it never counts.
                    if incident.drill.is_some() {
                        drills += 1;
                        return Ok(());
                    }
                    rows.push(slim(
                        Row {
                            incident,
                            responders: serde_json::from_str(&r.get::<String>("responders")?)?,
                            checklists: serde_json::from_str(&r.get::<String>("checklists")?)?,
                        },
                        &practice.change_tags,
                    ));
                    Ok(())
                },
            )?;
            let wanted: HashMap<IncidentId, usize> = rows
                .iter()
                .enumerate()
                .map(|(n, r)| (r.incident.id, n))
                .collect();
            // The window's incidents are the newest: nothing older is read.
            let first = wanted
                .keys()
                .min()
                .copied()
                .unwrap_or(IncidentId(u64::MAX >> 1));
            let mut forced: HashMap<usize, Vec<Phase>> = HashMap::new();
            let kind = d.json_field("event", "kind");
            conn.for_each(
                &format!(
                    "SELECT incident_id, {} AS from_status FROM timeline \
                     WHERE {kind} = 'forced_transition' AND incident_id >= ?1",
                    d.json_field("event", "from")
                ),
                args![first],
                &mut |r| {
                    let Some(n) = wanted.get(&r.get::<IncidentId>("incident_id")?) else {
                        return Ok(());
                    };
                    let from = r.get::<Option<String>>("from_status")?;
                    if let Some(p) = from
                        .and_then(|f| serde_json::from_value::<Status>(f.into()).ok())
                        .and_then(Status::phase)
                    {
                        forced.entry(*n).or_default().push(p);
                    }
                    Ok(())
                },
            )?;
            let mut pages: HashMap<usize, Vec<(String, DateTime<Utc>)>> = HashMap::new();
            conn.for_each(
                &format!(
                    "SELECT incident_id, {} AS handle, {} AS at FROM timeline
                      WHERE {kind} = 'responder' AND {} = 'paged' AND incident_id >= ?1",
                    d.json_field("event", "handle"),
                    d.json_field("event", "at"),
                    d.json_field("event", "state"),
                ),
                args![first],
                &mut |r| {
                    let Some(n) = wanted.get(&r.get::<IncidentId>("incident_id")?) else {
                        return Ok(());
                    };
                    let (who, at) = (
                        r.get::<Option<String>>("handle")?,
                        r.get::<Option<String>>("at")?,
                    );
                    if let (Some(who), Some(at)) = (who, at.and_then(|a| a.parse().ok())) {
                        pages.entry(*n).or_default().push((who, at));
                    }
                    Ok(())
                },
            )?;
            let mut alerts: HashMap<usize, Vec<String>> = HashMap::new();
            let key = d.search_key();
            conn.for_each(
                &format!(
                    "SELECT {key} AS incident_id, alerts FROM incident_search WHERE {key} >= ?1"
                ),
                args![first],
                &mut |r| {
                    if let Some(n) = wanted.get(&r.get::<IncidentId>("incident_id")?) {
                        let a = r.get::<String>("alerts")?;
                        alerts.insert(*n, a.lines().map(str::to_string).collect());
                    }
                    Ok(())
                },
            )?;
            // Each firing, by alert name: how often an alert came back.
            let mut firings: HashMap<usize, Vec<String>> = HashMap::new();
            conn.for_each(
                &format!(
                    "SELECT incident_id, {} AS alert FROM timeline
                      WHERE {kind} = 'alert_received' AND {} AND incident_id >= ?1",
                    d.json_field("event", "alert"),
                    d.json_true("event", "firing"),
                ),
                args![first],
                &mut |r| {
                    let Some(n) = wanted.get(&r.get::<IncidentId>("incident_id")?) else {
                        return Ok(());
                    };
                    if let Some(a) = r.get::<Option<String>>("alert")? {
                        let v = firings.entry(*n).or_default();
                        // Bounded per incident: an alert storm is counted,
                        // not kept.
                        if v.len() < 10_000 {
                            v.push(a);
                        }
                    }
                    Ok(())
                },
            )?;
            let samples: Vec<Sample> = rows
                .iter()
                .enumerate()
                .map(|(n, r)| Sample {
                    incident: &r.incident,
                    responders: &r.responders,
                    checklists: &r.checklists,
                    forced_from: forced.remove(&n).unwrap_or_default(),
                    pages: pages.remove(&n).unwrap_or_default(),
                    alerts: alerts.remove(&n).unwrap_or_default(),
                    firings: firings.remove(&n).unwrap_or_default(),
                })
                .collect();
            let mut stats = compute(&samples, since, now, utc_offset, practice);
            stats.drills_left_out = drills;
            Ok(stats)
        })
    }
}
