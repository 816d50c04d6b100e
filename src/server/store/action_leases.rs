//! Who runs a runbook action on an incident now, in the database: of
//! several servers on one PostgreSQL only one runs it at a time (each
//! server's own slot table only knows its own runs). A lease is taken in
//! the transaction that records the start, released in the one that
//! records the end, and lapses by itself after the action's timeout (plus
//! a minute) if its server died mid-run.

use super::sql::{Sql, args};
use super::{Result, StoreError};
use crate::model::IncidentId;

/// Takes the lease until `until_s` (unix seconds) for `holder`, or says
/// who holds it.
pub fn take_action_lease(
    tx: &dyn Sql,
    id: IncidentId,
    action: &str,
    holder: &str,
    now_s: i64,
    until_s: i64,
) -> Result<()> {
    let taken = tx.exec(
        "INSERT INTO action_leases (incident_id, action, holder, until_s) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (incident_id, action) DO UPDATE SET holder = ?3, until_s = ?4 \
         WHERE action_leases.until_s < ?5",
        args![id.0 as i64, action, holder, until_s, now_s],
    )?;
    if taken == 1 {
        return Ok(());
    }
    let by = tx
        .row(
            "SELECT holder FROM action_leases WHERE incident_id = ?1 AND action = ?2",
            args![id.0 as i64, action],
        )?
        .map(|r| r.text(0))
        .transpose()?
        .unwrap_or_default();
    Err(StoreError::AlreadyRunning(format!(
        "`{action}` is already running on {id} (on server {by}); wait for it to end"
    )))
}

pub fn release_action_lease(
    tx: &dyn Sql,
    id: IncidentId,
    action: &str,
    holder: &str,
) -> Result<()> {
    tx.exec(
        "DELETE FROM action_leases WHERE incident_id = ?1 AND action = ?2 AND holder = ?3",
        args![id.0 as i64, action, holder],
    )?;
    Ok(())
}
