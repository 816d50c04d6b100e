//! Idempotency records: the answer to each keyed write, so a retry gets the
//! same answer and changes nothing twice. Bounded two ways: a record lives
//! [`KEEP`] (far longer than any client retries), and each caller keeps at
//! most [`MAX_PER_PRINCIPAL`] (its oldest go first). Answers are the small
//! write answers, so a record costs a few hundred bytes.

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Result, StoreError, Stored};

pub const KEEP: chrono::Duration = chrono::Duration::hours(24);
pub const MAX_PER_PRINCIPAL: i64 = 10_000;

pub fn find(tx: &Connection, principal: &str, key: &str, req_hash: &str) -> Result<Option<Stored>> {
    let prior: Option<(String, u16, String)> = tx
        .prepare_cached(
            "SELECT request_hash, status, body FROM idempotency WHERE principal = ?1 AND key = ?2",
        )?
        .query_row(params![principal, key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
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
    tx: &Transaction<'_>,
    principal: &str,
    key: &str,
    req_hash: &str,
    status: u16,
    body: &str,
) -> Result<()> {
    let now = Utc::now();
    tx.prepare_cached(
        "INSERT INTO idempotency (principal, key, request_hash, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        principal,
        key,
        req_hash,
        status,
        body,
        now.to_rfc3339()
    ])?;
    // Both deletes walk an index and touch only what they remove.
    tx.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
        .execute([(now - KEEP).to_rfc3339()])?;
    tx.prepare_cached(
        "DELETE FROM idempotency WHERE principal = ?1 AND created_at <= (
            SELECT created_at FROM idempotency WHERE principal = ?1
            ORDER BY created_at DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![principal, MAX_PER_PRINCIPAL])?;
    Ok(())
}
