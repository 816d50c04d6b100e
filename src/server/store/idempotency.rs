//! Idempotency records: the answer to each keyed write, so a retry gets the
//! same answer and changes nothing twice. A record lives [`KEEP`] (far
//! longer than any client retries), whatever the count: pruning a caller's
//! oldest records early would let a late retry apply twice. Storage is
//! bounded instead by a budget per caller over the last 24 hours,
//! [`MAX_PER_PRINCIPAL`] keyed writes and [`MAX_BYTES_PER_PRINCIPAL`]
//! bytes of records: past it a new key is refused (429
//! `idempotency_budget`) with the reason, never applied without its record.
//! Answers are the small write answers, so a record costs about a kilobyte.

use super::sql::{Sql, args};
use super::{Result, StoreError, Stored};
use chrono::Utc;

pub const KEEP: chrono::Duration = chrono::Duration::hours(24);
/// Keyed writes one token may make in 24 hours (a little over one a
/// second, all day; a busy integration uses a token of its own).
pub const MAX_PER_PRINCIPAL: i64 = 100_000;
/// Bytes of idempotency records one token may hold (about 100,000 records).
pub const MAX_BYTES_PER_PRINCIPAL: i64 = 128 * 1024 * 1024;

/// The hour a tally row counts, in hours since the epoch.
fn hour_of(t: chrono::DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(3600)
}

/// What a record weighs in the budget: its text and its row.
fn weight(principal: &str, key: &str, req_hash: &str, body: &str) -> i64 {
    let n = principal.len() + key.len() + req_hash.len() + body.len() + 64;
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Refuses a new key when `principal` has used its budget of the last 24
/// hours (called before the write, under the write lock).
pub fn check_budget(tx: &dyn Sql, principal: &str, max_n: i64, max_bytes: i64) -> Result<()> {
    let since = hour_of(Utc::now() - KEEP);
    let row = tx.row(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n, \
         CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS bytes \
         FROM idempotency_tally \
         WHERE principal = ?1 AND hour >= ?2",
        args![principal, since],
    )?;
    let (n, bytes) = match row {
        Some(r) => (r.get::<i64>("n")?, r.get::<i64>("bytes")?),
        None => (0, 0),
    };
    if n >= max_n || bytes >= max_bytes {
        return Err(StoreError::KeyBudget(format!(
            "this token made {n} keyed writes in the last 24 hours (the budget is {max_n} \
             and {} MiB of records); a new Idempotency-Key could not be remembered, so the \
             write is refused rather than risk applying a retry twice. Use a token per \
             writer, or retry later",
            max_bytes >> 20
        )));
    }
    Ok(())
}

pub fn find(tx: &dyn Sql, principal: &str, key: &str, req_hash: &str) -> Result<Option<Stored>> {
    let prior = tx
        .row(
            "SELECT request_hash, status, body FROM idempotency WHERE principal = ?1 AND key = ?2",
            args![principal, key],
        )?
        .map(|r| {
            Ok::<_, StoreError>((
                r.get::<String>("request_hash")?,
                r.get::<u16>("status")?,
                r.get::<String>("body")?,
            ))
        })
        .transpose()?;
    match prior {
        Some((hash, _, _)) if hash != req_hash => Err(StoreError::KeyReused),
        Some((_, status, body)) => Ok(Some(Stored {
            status,
            body,
            replayed: true,
        })),
        None => Ok(None),
    }
}

pub fn record(
    tx: &dyn Sql,
    principal: &str,
    key: &str,
    req_hash: &str,
    status: u16,
    body: &str,
) -> Result<()> {
    let now = Utc::now();
    tx.exec(
        "INSERT INTO idempotency (principal, key, request_hash, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![principal, key, req_hash, status, body, now.to_rfc3339()],
    )?;
    let hour = hour_of(now);
    tx.exec(
        "INSERT INTO idempotency_tally (principal, hour, n, bytes) VALUES (?1, ?2, 1, ?3) \
         ON CONFLICT (principal, hour) DO UPDATE SET n = idempotency_tally.n + 1, \
         bytes = idempotency_tally.bytes + ?3",
        args![principal, hour, weight(principal, key, req_hash, body)],
    )?;
    Ok(())
}

/// Drops records and tallies older than [`KEEP`]. Run in a transaction
/// of its own, at most once a minute ([`super::Store::write`]), not under
/// every write's lock: a record may outlive `KEEP` by that minute, which
/// only lengthens what the promise covers.
pub fn prune(tx: &dyn Sql) -> Result<()> {
    let now = Utc::now();
    // Both deletes walk an index and touch only what they remove.
    tx.exec(
        "DELETE FROM idempotency WHERE created_at < ?1",
        args![(now - KEEP).to_rfc3339()],
    )?;
    tx.exec(
        "DELETE FROM idempotency_tally WHERE hour < ?1",
        args![hour_of(now - KEEP) - 1],
    )?;
    Ok(())
}
