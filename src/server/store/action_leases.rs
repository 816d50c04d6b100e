//! Who runs a runbook action on an incident now, in the database: of
//! several servers on one PostgreSQL only one runs it at a time (each
//! server's own slot table only knows its own runs). A lease is taken in
//! the transaction that records the start and released in the one that
//! records the end. While the run goes on, its server writes a heartbeat
//! every few seconds, with the program's process id once it started.
//!
//! A lease whose heartbeat stopped for [`STALE_S`] (its server died or was
//! killed) lapses: another start may take it, and any server's sweep
//! (`server/actions/recover.rs`) kills the program when it can reach it and
//! writes the run's end. It lapses by itself too after the action's
//! timeout plus a minute.

use serde::{Deserialize, Serialize};

use super::sql::{Sql, args};
use super::{Result, StoreError};
use crate::model::{Actor, ActorRole, IncidentId, Phase};

/// How often a running action's server renews its lease.
pub const HEARTBEAT_S: i64 = 3;
/// A lease not renewed for this long belongs to a server that is gone.
pub const STALE_S: i64 = 15;

/// What the end of a run needs when its own server cannot write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    pub run: u64,
    pub phase: Phase,
    pub item: usize,
    /// Who started it (the end is written in their name).
    pub handle: String,
    pub role: ActorRole,
    pub started_s: i64,
}

impl RunInfo {
    pub fn actor(&self) -> Actor {
        Actor {
            handle: self.handle.clone(),
            role: self.role,
        }
    }
}

/// A lease as stored.
#[derive(Debug, Clone)]
pub struct Lease {
    pub incident: IncidentId,
    pub action: String,
    pub holder: String,
    pub until_s: i64,
    pub heartbeat_s: i64,
    /// The program's process (and group) id and its start time in clock
    /// ticks since boot (`/proc/PID/stat` field 22), which tells it apart
    /// from a later process given the same id.
    pub process: Option<(i64, i64)>,
    pub info: Option<RunInfo>,
}

/// Takes the lease until `until_s` (unix seconds) for `holder`, or says
/// who holds it. A lease past its time or its heartbeat is taken over.
pub fn take_action_lease(
    tx: &dyn Sql,
    id: IncidentId,
    action: &str,
    holder: &str,
    now_s: i64,
    until_s: i64,
    info: &RunInfo,
) -> Result<()> {
    let info = serde_json::to_string(info)?;
    let taken = tx.exec(
        "INSERT INTO action_leases (incident_id, action, holder, until_s, heartbeat_s, run_info) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (incident_id, action) DO UPDATE SET holder = ?3, until_s = ?4, \
         heartbeat_s = ?5, run_info = ?6, pid = NULL, proc_start = NULL \
         WHERE action_leases.until_s < ?5 OR action_leases.heartbeat_s < ?7",
        args![id, action, holder, until_s, now_s, info, now_s - STALE_S],
    )?;
    if taken == 1 {
        return Ok(());
    }
    let by = tx
        .row(
            "SELECT holder FROM action_leases WHERE incident_id = ?1 AND action = ?2",
            args![id, action],
        )?
        .map(|r| r.get::<String>("holder"))
        .transpose()?
        .unwrap_or_default();
    Err(StoreError::AlreadyRunning(format!(
        "`{action}` is already running on {id} (on server {by}); wait for it to end"
    )))
}

/// Renews the lease's heartbeat, with the program's process once known.
/// False when the lease is no longer this holder's.
pub fn beat(
    tx: &dyn Sql,
    id: IncidentId,
    action: &str,
    holder: &str,
    now_s: i64,
    process: Option<(i64, i64)>,
) -> Result<bool> {
    let n = match process {
        Some((pid, start)) => tx.exec(
            "UPDATE action_leases SET heartbeat_s = ?4, pid = ?5, proc_start = ?6 \
             WHERE incident_id = ?1 AND action = ?2 AND holder = ?3",
            args![id, action, holder, now_s, pid, start],
        )?,
        None => tx.exec(
            "UPDATE action_leases SET heartbeat_s = ?4 \
             WHERE incident_id = ?1 AND action = ?2 AND holder = ?3",
            args![id, action, holder, now_s],
        )?,
    };
    Ok(n == 1)
}

/// Every lease (a handful: at most a few runs per server).
pub fn leases(tx: &dyn Sql) -> Result<Vec<Lease>> {
    tx.rows(
        "SELECT incident_id, action, holder, until_s, heartbeat_s, pid, proc_start, run_info \
         FROM action_leases ORDER BY incident_id, action",
        &[],
    )?
    .iter()
    .map(|r| {
        let pid = r.get::<Option<i64>>("pid")?;
        let start = r.get::<Option<i64>>("proc_start")?;
        Ok(Lease {
            incident: IncidentId(r.get::<u64>("incident_id")?),
            action: r.get::<String>("action")?,
            holder: r.get::<String>("holder")?,
            until_s: r.get::<i64>("until_s")?,
            heartbeat_s: r.get::<i64>("heartbeat_s")?,
            process: pid.zip(start),
            info: r
                .get::<Option<String>>("run_info")?
                .and_then(|t| serde_json::from_str(&t).ok()),
        })
    })
    .collect()
}

/// Takes over a lease found orphaned, if it is still as it was found (no
/// other server took it meanwhile): the caller then writes the run's end.
pub fn claim_orphan(tx: &dyn Sql, l: &Lease) -> Result<bool> {
    let n = tx.exec(
        "DELETE FROM action_leases WHERE incident_id = ?1 AND action = ?2 AND holder = ?3 \
         AND heartbeat_s = ?4",
        args![l.incident, &l.action, &l.holder, l.heartbeat_s],
    )?;
    Ok(n == 1)
}

pub fn release_action_lease(
    tx: &dyn Sql,
    id: IncidentId,
    action: &str,
    holder: &str,
) -> Result<()> {
    tx.exec(
        "DELETE FROM action_leases WHERE incident_id = ?1 AND action = ?2 AND holder = ?3",
        args![id, action, holder],
    )?;
    Ok(())
}
