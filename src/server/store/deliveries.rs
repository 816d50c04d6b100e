//! The durable queue of notifications out. A delivery is queued in the
//! transaction of the write that caused it; the worker claims due ones,
//! sends them and records the outcome. Bounded: delivered and failed rows
//! older than [`KEEP_DAYS`] are pruned, and an incident lists at most
//! [`LIST_MAX`].

use super::sql::{Sql, args};
use super::{Result, Store};
use crate::model::IncidentId;
use crate::model::notification::Payload;
pub use crate::model::wire::DeliveryInfo;
use chrono::{DateTime, Duration, Utc};

/// Finished deliveries are kept this long, for the record.
pub const KEEP_DAYS: i64 = 7;
/// The most deliveries one answer lists (newest first).
pub const LIST_MAX: usize = 200;

pub fn queue_delivery(tx: &dyn Sql, id: IncidentId, target: &str, payload: &Payload) -> Result<()> {
    let now = Utc::now().to_rfc3339();
    let subject = serde_json::to_value(payload.subject)?;
    tx.exec(
        "INSERT INTO deliveries (incident_id, target, subject, payload, status, attempts, \
         next_at, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
        args![
            id,
            target,
            subject.as_str().unwrap_or(""),
            serde_json::to_string(payload)?,
            now
        ],
    )?;
    Ok(())
}

/// One claimed delivery, to send.
pub struct Due {
    pub id: i64,
    pub target: String,
    pub payload: String,
    pub attempts: u32,
}

impl Store {
    /// Up to `n` deliveries to `target` due now, oldest first. Each is pushed a minute
    /// ahead while it is being sent, so a crash mid-send retries it later
    /// instead of never, and another server on the same database (which
    /// skips rows being claimed) does not send it too.
    pub fn claim_due(&self, target: &str, now: DateTime<Utc>, n: usize) -> Result<Vec<Due>> {
        self.transact(|tx| {
            let sql = format!(
                "SELECT id, target, payload, attempts FROM deliveries \
                 WHERE status = 'pending' AND next_at <= ?1 AND target = ?3 \
                 ORDER BY next_at, id LIMIT ?2{}",
                tx.dialect().skip_locked()
            );
            let due: Vec<Due> = tx
                .rows(&sql, args![now.to_rfc3339(), n, target])?
                .iter()
                .map(|r| {
                    Ok(Due {
                        id: r.get::<i64>("id")?,
                        target: r.get::<String>("target")?,
                        payload: r.get::<String>("payload")?,
                        attempts: r.get::<u32>("attempts")?,
                    })
                })
                .collect::<Result<_>>()?;
            let later = (now + Duration::minutes(1)).to_rfc3339();
            for d in &due {
                tx.exec(
                    "UPDATE deliveries SET next_at = ?1 WHERE id = ?2",
                    args![&later, d.id],
                )?;
            }
            Ok(due)
        })
    }

    /// Gives up the pending deliveries to targets not in `configured` (a
    /// target removed from the config since they were queued): nothing
    /// would ever send them. Returns how many.
    pub fn fail_unconfigured(&self, configured: &[String]) -> Result<usize> {
        self.transact(|tx| {
            let pending = tx.rows(
                "SELECT DISTINCT target FROM deliveries WHERE status = 'pending'",
                &[],
            )?;
            let mut n = 0u64;
            for r in &pending {
                let target = r.get::<String>("target")?;
                if !configured.contains(&target) {
                    n += tx.exec(
                        "UPDATE deliveries SET status = 'failed', next_at = NULL, \
                         last_error = 'the target is no longer configured' \
                         WHERE status = 'pending' AND target = ?1",
                        args![&target],
                    )?;
                }
            }
            Ok(n as usize)
        })
    }

    /// Records an attempt: delivered, retried at `retry_at`, or given up.
    pub fn record_attempt(
        &self,
        id: i64,
        outcome: std::result::Result<(), String>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let now = Utc::now();
        self.transact(|tx| {
            match (&outcome, retry_at) {
                (Ok(()), _) => tx.exec(
                    "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, \
                     delivered_at = ?1, next_at = NULL, last_error = NULL WHERE id = ?2",
                    args![now.to_rfc3339(), id],
                )?,
                (Err(e), Some(at)) => tx.exec(
                    "UPDATE deliveries SET attempts = attempts + 1, next_at = ?1, \
                     last_error = ?2 WHERE id = ?3",
                    args![at.to_rfc3339(), e, id],
                )?,
                (Err(e), None) => tx.exec(
                    "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, \
                     next_at = NULL, last_error = ?1 WHERE id = ?2",
                    args![e, id],
                )?,
            };
            let old = (now - Duration::days(KEEP_DAYS)).to_rfc3339();
            tx.exec(
                "DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?1",
                args![old],
            )?;
            Ok(())
        })
    }

    /// An incident's deliveries, newest first.
    pub fn deliveries(&self, id: IncidentId) -> Result<Vec<DeliveryInfo>> {
        self.read(|c| {
            c.rows(
                "SELECT id, target, subject, status, attempts, last_error, created_at, \
                 delivered_at, next_at FROM deliveries WHERE incident_id = ?1 \
                 ORDER BY id DESC LIMIT ?2",
                args![id, LIST_MAX],
            )?
            .iter()
            .map(|r| {
                Ok(DeliveryInfo {
                    id: r.get::<i64>("id")?,
                    target: r.get::<String>("target")?,
                    subject: r.get::<String>("subject")?,
                    status: r.get::<String>("status")?,
                    attempts: r.get::<u32>("attempts")?,
                    last_error: r.get::<Option<String>>("last_error")?,
                    created_at: r.get::<String>("created_at")?,
                    delivered_at: r.get::<Option<String>>("delivered_at")?,
                    next_at: r.get::<Option<String>>("next_at")?,
                })
            })
            .collect()
        })
    }
}
