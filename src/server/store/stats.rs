//! Reading what response metrics need: every incident in the window, its
//! forced transitions, pages and alert names (see `model::stats`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Result, Store};
use crate::model::stats::{Sample, Stats, compute};
use crate::model::{Checklist, Incident, Phase, Responder, Status};

/// Incidents the metrics read at most (the newest).
pub const MAX_STATS_INCIDENTS: usize = 50_000;

struct Row {
    incident: Incident,
    responders: Vec<Responder>,
    checklists: Vec<Checklist>,
}

impl Store {
    pub fn stats(
        &self,
        since: Option<DateTime<Utc>>,
        service: Option<&str>,
        utc_offset: Duration,
    ) -> Result<Stats> {
        let now = Utc::now();
        self.read(|conn| {
            let mut rows = Vec::new();
            let mut stmt = conn.prepare_cached(
                "SELECT incident, responders, checklists FROM incidents ORDER BY id DESC LIMIT ?1",
            )?;
            let mut q = stmt.query([MAX_STATS_INCIDENTS as i64])?;
            while let Some(r) = q.next()? {
                let incident: Incident = serde_json::from_str(&r.get::<_, String>(0)?)?;
                if since.is_some_and(|s| incident.declared_at < s)
                    || service.is_some_and(|s| !incident.service.eq_ignore_ascii_case(s))
                {
                    continue;
                }
                rows.push(Row {
                    incident,
                    responders: serde_json::from_str(&r.get::<_, String>(1)?)?,
                    checklists: serde_json::from_str(&r.get::<_, String>(2)?)?,
                });
            }
            let wanted: HashMap<i64, usize> = rows
                .iter()
                .enumerate()
                .map(|(n, r)| (r.incident.id.0 as i64, n))
                .collect();
            let mut forced: HashMap<usize, Vec<Phase>> = HashMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT incident_id, json_extract(event, '$.from') FROM timeline
                  WHERE json_extract(event, '$.kind') = 'forced_transition'",
            )?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                let Some(n) = wanted.get(&r.get::<_, i64>(0)?) else {
                    continue;
                };
                let from: Option<String> = r.get(1)?;
                if let Some(p) = from
                    .and_then(|f| serde_json::from_value::<Status>(f.into()).ok())
                    .and_then(Status::phase)
                {
                    forced.entry(*n).or_default().push(p);
                }
            }
            let mut pages: HashMap<usize, Vec<(String, DateTime<Utc>)>> = HashMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT incident_id, json_extract(event, '$.handle'), json_extract(event, '$.at')
                   FROM timeline
                  WHERE json_extract(event, '$.kind') = 'responder'
                    AND json_extract(event, '$.state') = 'paged'",
            )?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                let Some(n) = wanted.get(&r.get::<_, i64>(0)?) else {
                    continue;
                };
                let (who, at): (Option<String>, Option<String>) = (r.get(1)?, r.get(2)?);
                if let (Some(who), Some(at)) = (who, at.and_then(|a| a.parse().ok())) {
                    pages.entry(*n).or_default().push((who, at));
                }
            }
            let mut alerts: HashMap<usize, Vec<String>> = HashMap::new();
            let mut stmt = conn.prepare_cached("SELECT rowid, alerts FROM incident_search")?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                if let Some(n) = wanted.get(&r.get::<_, i64>(0)?) {
                    let a: String = r.get(1)?;
                    alerts.insert(*n, a.lines().map(str::to_string).collect());
                }
            }
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
                })
                .collect();
            Ok(compute(&samples, since, now, utc_offset))
        })
    }
}
