//! What the Alertmanager receiver remembers between notifications: which
//! incident an alert group feeds, and each alert's last state by
//! fingerprint, so a repeated notification records nothing new.

use rusqlite::{OptionalExtension, Transaction, params};

use super::Result;
use crate::model::IncidentId;

/// The active incident that an alert group feeds, if any. A resolved one
/// is not joined: alerts firing again after a resolve are a new incident.
pub fn incident_for_alert_group(tx: &Transaction<'_>, group: &str) -> Result<Option<IncidentId>> {
    Ok(tx
        .query_row(
            "SELECT id FROM incidents \
             WHERE alert_group = ?1 AND active = 1 ORDER BY id DESC LIMIT 1",
            [group],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .map(|id| IncidentId(id as u64)))
}

/// Whether the alert was firing when last recorded on this incident
/// (None: never seen).
pub fn alert_firing(
    tx: &Transaction<'_>,
    id: IncidentId,
    fingerprint: &str,
) -> Result<Option<bool>> {
    Ok(tx
        .query_row(
            "SELECT firing FROM alerts WHERE incident_id = ?1 AND fingerprint = ?2",
            params![id.0 as i64, fingerprint],
            |r| r.get(0),
        )
        .optional()?)
}

/// Records the alert's state on this incident.
pub fn set_alert_firing(
    tx: &Transaction<'_>,
    id: IncidentId,
    fingerprint: &str,
    firing: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO alerts (incident_id, fingerprint, firing, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (incident_id, fingerprint) DO UPDATE SET firing = ?3, updated_at = ?4",
        params![id.0 as i64, fingerprint, firing, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Alerts of this incident still firing.
pub fn alerts_firing(tx: &Transaction<'_>, id: IncidentId) -> Result<u64> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM alerts WHERE incident_id = ?1 AND firing = 1",
        [id.0 as i64],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}
