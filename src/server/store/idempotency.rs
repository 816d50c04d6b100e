//! Idempotency records: the answer to each keyed write, so a retry gets the
//! same answer and changes nothing twice. Bounded two ways: a record lives
//! [`KEEP`] (far longer than any client retries), and each caller keeps at
//! most [`MAX_PER_PRINCIPAL`] (its oldest go first). Answers are the small
//! write answers, so a record costs a few hundred bytes.

use super::sql::{Sql, args};
use super::{Result, StoreError, Stored};
use chrono::Utc;

pub const KEEP: chrono::Duration = chrono::Duration::hours(24);
pub const MAX_PER_PRINCIPAL: i64 = 10_000;

pub fn find(tx: &dyn Sql, principal: &str, key: &str, req_hash: &str) -> Result<Option<Stored>> {
    let prior = tx
        .row(
            "SELECT request_hash, status, body FROM idempotency WHERE principal = ?1 AND key = ?2",
            args![principal, key],
        )?
        .map(|r| Ok::<_, StoreError>((r.text(0)?, r.int(1)? as u16, r.text(2)?)))
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
    // Both deletes walk an index and touch only what they remove.
    tx.exec(
        "DELETE FROM idempotency WHERE created_at < ?1",
        args![(now - KEEP).to_rfc3339()],
    )?;
    tx.exec(
        "DELETE FROM idempotency WHERE principal = ?1 AND created_at <= (
            SELECT created_at FROM idempotency WHERE principal = ?1
            ORDER BY created_at DESC LIMIT 1 OFFSET ?2)",
        args![principal, MAX_PER_PRINCIPAL],
    )?;
    Ok(())
}
