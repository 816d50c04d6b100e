//! What the Alertmanager receiver remembers between notifications: which
//! incident an alert group feeds, and each alert's last state by
//! fingerprint, so a repeated notification records nothing new.

use super::Result;
use super::sql::{Sql, args};
use crate::model::IncidentId;

/// The active incident that an alert group feeds, if any. A resolved one
/// is not joined: alerts firing again after a resolve are a new incident.
pub fn incident_for_alert_group(tx: &dyn Sql, group: &str) -> Result<Option<IncidentId>> {
    tx.row(
        "SELECT id FROM incidents \
         WHERE alert_group = ?1 AND active = 1 ORDER BY id DESC LIMIT 1",
        args![group],
    )?
    .map(|r| Ok(IncidentId(r.get::<u64>("id")?)))
    .transpose()
}

/// The newest incident this alert group opened that is no longer active
/// (resolved, verified or closed), if any: a group that fires again after
/// its incident was resolved opens a new one, linked to this.
pub fn earlier_incident_for_alert_group(
    tx: &dyn Sql,
    group: &str,
) -> Result<Option<(IncidentId, String)>> {
    tx.row(
        "SELECT id, status FROM incidents \
         WHERE alert_group = ?1 AND active = 0 ORDER BY id DESC LIMIT 1",
        args![group],
    )?
    .map(|r| Ok((IncidentId(r.get::<u64>("id")?), r.get::<String>("status")?)))
    .transpose()
}

/// Whether the alert was firing when last recorded on this incident
/// (None: never seen).
pub fn alert_firing(tx: &dyn Sql, id: IncidentId, fingerprint: &str) -> Result<Option<bool>> {
    tx.row(
        "SELECT firing FROM alerts WHERE incident_id = ?1 AND fingerprint = ?2",
        args![id, fingerprint],
    )?
    .map(|r| Ok(r.get::<i64>("firing")? != 0))
    .transpose()
}

/// Records the alert's state on this incident.
pub fn set_alert_firing(
    tx: &dyn Sql,
    id: IncidentId,
    fingerprint: &str,
    firing: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.exec(
        "INSERT INTO alerts (incident_id, fingerprint, firing, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (incident_id, fingerprint) DO UPDATE SET firing = ?3, updated_at = ?4",
        args![id, fingerprint, firing, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Fingerprints of this incident's alerts still firing (at most 1,000).
pub fn firing_fingerprints(tx: &dyn Sql, id: IncidentId) -> Result<Vec<String>> {
    tx.rows(
        "SELECT fingerprint FROM alerts WHERE incident_id = ?1 AND firing = 1 \
         ORDER BY fingerprint LIMIT 1000",
        args![id],
    )?
    .into_iter()
    .map(|r| r.get::<String>("fingerprint"))
    .collect()
}

/// Alerts of this incident still firing.
pub fn alerts_firing(tx: &dyn Sql, id: IncidentId) -> Result<u64> {
    let n = tx
        .row(
            "SELECT COUNT(*) AS n FROM alerts WHERE incident_id = ?1 AND firing = 1",
            args![id],
        )?
        .map(|r| r.get::<u64>("n"))
        .transpose()?
        .unwrap_or(0);
    Ok(n)
}
