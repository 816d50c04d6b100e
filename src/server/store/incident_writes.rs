//! The write path of incidents: load what a change needs (never the
//! timeline), apply it, save the row and append the new events, bump the
//! revision; and the migration step that filled in what rows lacked.

use super::incidents::incident_row;
use super::sql::{Sql, args};
use super::{Result, StoreError};
use crate::model::{DomainError, Incident, IncidentDetail, IncidentId};

/// The incident as a list entry: long text cut (and marked), the rest as is.
pub fn listing(inc: &Incident) -> Result<String> {
    Ok(serde_json::to_string(&inc.summarized())?)
}

/// The incident, responders and checklists, without the timeline: all a
/// write needs (the incident's `last_seq` says where new events go).
pub fn load_for_write(conn: &dyn Sql, id: IncidentId) -> Result<IncidentDetail> {
    let row = incident_row(conn, id)?;
    Ok(IncidentDetail {
        incident: serde_json::from_str(&row.incident)?,
        responders: serde_json::from_str(&row.responders)?,
        checklists: serde_json::from_str(&row.checklists)?,
        timeline: Vec::new(),
        state: serde_json::from_str(&row.state)?,
        linked: Vec::new(),
        journal: Default::default(),
    })
}

fn bump_revision(tx: &dyn Sql) -> Result<u64> {
    let r = tx
        .row(
            "UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value",
            &[],
        )?
        .ok_or_else(|| StoreError::Open("the revision counter is missing".into()))?;
    r.get::<u64>("value")
}

/// Saves an incident and the timeline events after `known_seq`.
pub fn save(
    tx: &dyn Sql,
    d: &IncidentDetail,
    known_seq: u64,
    alert_group: Option<&str>,
) -> Result<()> {
    let rev = bump_revision(tx)?;
    let inc = &d.incident;
    tx.exec(
        "INSERT INTO incidents (id, status, severity, service, active, rev, alert_group,
                                incident, responders, checklists, listing, state, review_due_s)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET status = ?2, severity = ?3, service = ?4, active = ?5,
           rev = ?6, alert_group = COALESCE(?7, incidents.alert_group), incident = ?8, responders = ?9,
           checklists = ?10, listing = ?11, state = ?12, review_due_s = ?13",
        args![
            inc.id,
            inc.status.as_str(),
            inc.severity.as_str(),
            &inc.service,
            inc.status.is_active(),
            rev,
            alert_group,
            serde_json::to_string(inc)?,
            serde_json::to_string(&d.responders)?,
            serde_json::to_string(&d.checklists)?,
            listing(inc)?,
            serde_json::to_string(&d.state)?,
            super::reviews::due_s(inc),
        ],
    )?;
    for ev in d.timeline.iter().filter(|e| e.seq > known_seq) {
        tx.exec(
            "INSERT INTO timeline (incident_id, seq, event) VALUES (?1, ?2, ?3)",
            args![inc.id, ev.seq, serde_json::to_string(ev)?],
        )?;
    }
    super::search::index(tx, d, known_seq)?;
    super::replay::record(tx, d, known_seq)?;
    super::status::record(tx, d, known_seq)
}

pub fn next_id(tx: &dyn Sql) -> Result<IncidentId> {
    let max = tx
        .row("SELECT MAX(id) AS id FROM incidents", &[])?
        .map(|r| r.get::<Option<u64>>("id"))
        .transpose()?
        .flatten();
    Ok(IncidentId(max.unwrap_or(0) + 1))
}

/// Loads, changes and saves one incident inside `tx`. `expected_version`
/// is the client's `If-Match`; a mismatch is refused before anything runs.
/// The returned detail's timeline holds only the events this change added.
pub fn update(
    tx: &dyn Sql,
    id: IncidentId,
    expected_version: Option<u64>,
    f: impl FnOnce(&mut IncidentDetail) -> std::result::Result<(), DomainError>,
) -> Result<IncidentDetail> {
    let mut d = load_for_write(tx, id)?;
    if let Some(expected) = expected_version
        && expected != d.incident.version
    {
        return Err(StoreError::Stale {
            expected,
            current: d.incident.version,
        });
    }
    let known = d.incident.last_seq;
    let before = d.incident.version;
    f(&mut d)?;
    if d.incident.version != before {
        save(tx, &d, known, None)?;
    }
    Ok(d)
}

/// Migration step: every incident gets its `last_seq` and list entry.
pub(super) fn backfill_last_seq_and_listing(tx: &dyn Sql) -> Result<()> {
    for r in tx.rows("SELECT id, incident FROM incidents", &[])? {
        let (id, json) = (r.get::<i64>("id")?, r.get::<String>("incident")?);
        let Ok(mut inc) = serde_json::from_str::<Incident>(&json) else {
            continue;
        };
        inc.last_seq = tx
            .row(
                "SELECT COALESCE(MAX(seq), 0) AS seq FROM timeline WHERE incident_id = ?1",
                args![id],
            )?
            .map(|r| r.get::<u64>("seq"))
            .transpose()?
            .unwrap_or(0);
        let (Ok(full), Ok(list)) = (serde_json::to_string(&inc), listing(&inc)) else {
            continue;
        };
        tx.exec(
            "UPDATE incidents SET incident = ?1, listing = ?2 WHERE id = ?3",
            args![full, list, id],
        )?;
    }
    Ok(())
}
