//! Failed authentications counted in the database, for several servers on
//! one PostgreSQL: a guesser spreading guesses over the replicas gets one
//! budget, not one per replica. Rows are per address bucket and minute;
//! windows older than the last two are deleted as new ones start, and an
//! address is only counted while everyone together is under the limit, so
//! the table holds a few thousand rows at most.

use super::sql::args;
use super::{Result, Store};

/// The bucket that counts everyone's failures together.
pub const ALL: &str = "*";

impl Store {
    /// Counts one failure from `bucket` in minute `window`; returns the
    /// failures of that bucket and of everyone in this window and the last.
    /// Past `max_all` only everyone's are counted (the caller refuses
    /// anyway, and the table stays small whatever addresses a guesser uses).
    pub fn count_auth_failure(
        &self,
        bucket: &str,
        window: i64,
        max_all: u64,
    ) -> Result<(u64, u64)> {
        self.transact(|tx| {
            let bump = |b: &str| -> Result<u64> {
                tx.exec(
                    "INSERT INTO auth_failures (bucket, window_start, n) VALUES (?1, ?2, 1) \
                     ON CONFLICT (bucket, window_start) DO UPDATE SET n = auth_failures.n + 1",
                    args![b, window],
                )?;
                let row = tx.row(
                    "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM auth_failures \
                     WHERE bucket = ?1 AND window_start >= ?2",
                    args![b, window - 1],
                )?;
                Ok(row.map(|r| r.get::<u64>("n")).transpose()?.unwrap_or(0))
            };
            let all = bump(ALL)?;
            let mine = if all <= max_all { bump(bucket)? } else { 0 };
            tx.exec(
                "DELETE FROM auth_failures WHERE window_start < ?1",
                args![window - 1],
            )?;
            Ok((mine, all))
        })
    }
}
