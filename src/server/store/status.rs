//! The public status page's own table: one entry per public incident (its
//! public title, state, components and newest public updates, as
//! customers read them), kept by every write to that incident in the
//! write's transaction. The page reads a few hundred small rows however
//! long the history; nothing internal (notes, names, the timeline) is in
//! an entry, so the page cannot show what it never reads.

use chrono::{DateTime, Duration, Utc};

use super::Result;
use super::sql::{Sql, args};
use crate::model::public::{
    HISTORY_DAYS, MAX_ACTIVE, MAX_HISTORY, MAX_UPDATES_KEPT, PublicIncident, PublicState,
    public_updates,
};
use crate::model::{EventKind, IncidentDetail, IncidentId, TimelineEvent};

/// Keeps the incident's status entry in step with a write that recorded
/// the events after `known_seq`: written while it is public, dropped when
/// it is taken off the page, untouched when nothing public changed.
pub fn record(tx: &dyn Sql, d: &IncidentDetail, known_seq: u64) -> Result<()> {
    let id = d.incident.id;
    let new: Vec<TimelineEvent> = d
        .timeline
        .iter()
        .filter(|e| e.seq > known_seq)
        .cloned()
        .collect();
    let switched = new
        .iter()
        .any(|e| matches!(e.kind, EventKind::Published { .. }));
    if d.incident.public.is_none() {
        if switched {
            tx.exec(
                "DELETE FROM status_entries WHERE incident_id = ?1",
                args![id],
            )?;
        }
        return Ok(());
    }
    let prev = match entry(tx, id)? {
        Some(e) => Some(e),
        // Just made public: the public updates sent before count too.
        None => earlier_updates(tx, d, known_seq)?,
    };
    let Some(next) = PublicIncident::absorb(prev.clone(), d, &new) else {
        return Ok(());
    };
    if prev.as_ref() == Some(&next) {
        return Ok(());
    }
    tx.exec(
        "INSERT INTO status_entries (incident_id, active, last_s, doc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (incident_id) DO UPDATE SET active = ?2, last_s = ?3, doc = ?4",
        args![
            id,
            next.state != PublicState::Resolved,
            next.resolved_at.unwrap_or(next.updated_at).timestamp(),
            serde_json::to_string(&next)?,
        ],
    )?;
    Ok(())
}

fn entry(tx: &dyn Sql, id: IncidentId) -> Result<Option<PublicIncident>> {
    tx.row(
        "SELECT doc FROM status_entries WHERE incident_id = ?1",
        args![id],
    )?
    .map(|r| Ok(serde_json::from_str(&r.get::<String>("doc")?)?))
    .transpose()
}

/// The entry of an incident just made public, from the public updates it
/// already sent (the newest [`MAX_UPDATES_KEPT`]; only update rows are
/// decoded, found by their kind in the stored text).
fn earlier_updates(
    tx: &dyn Sql,
    d: &IncidentDetail,
    known_seq: u64,
) -> Result<Option<PublicIncident>> {
    let rows = tx.rows(
        "SELECT event FROM timeline WHERE incident_id = ?1 AND seq <= ?2
           AND event LIKE '%\"kind\":\"stakeholder_update\"%' AND event LIKE '%\"audience\":\"public\"%'
         ORDER BY seq DESC LIMIT ?3",
        args![d.incident.id, known_seq, (MAX_UPDATES_KEPT + 1) as i64],
    )?;
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        events.push(serde_json::from_str::<TimelineEvent>(
            &r.get::<String>("event")?,
        )?);
    }
    let state = PublicState::of(d.incident.status);
    if public_updates(events.iter(), state).next().is_none() {
        return Ok(None);
    }
    Ok(PublicIncident::absorb(None, d, &events))
}

/// The entries the status page shows: the newest open ones and those
/// resolved in the last [`HISTORY_DAYS`] days, each bounded.
pub fn entries(conn: &dyn Sql, now: DateTime<Utc>) -> Result<Vec<PublicIncident>> {
    let since = (now - Duration::days(HISTORY_DAYS)).timestamp();
    let mut rows = conn.rows(
        "SELECT doc FROM status_entries WHERE active = 1 ORDER BY incident_id DESC LIMIT ?1",
        args![MAX_ACTIVE as i64],
    )?;
    rows.extend(conn.rows(
        "SELECT doc FROM status_entries WHERE active = 0 AND last_s >= ?2
         ORDER BY last_s DESC LIMIT ?1",
        args![MAX_HISTORY as i64, since],
    )?);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(serde_json::from_str(&r.get::<String>("doc")?)?);
    }
    Ok(out)
}

impl super::Store {
    pub fn status_entries(&self, now: DateTime<Utc>) -> Result<Vec<PublicIncident>> {
        self.read(|c| entries(c, now))
    }
}
