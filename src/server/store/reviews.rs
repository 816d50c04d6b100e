//! Open reviews, read by their own column (migration 18): the reviews
//! list and the overdue automation read only the incidents whose review
//! is open, never the whole table.

use chrono::{DateTime, Utc};

use super::sql::{Sql, args};
use super::{Result, Store};
use crate::model::{Incident, ReviewStatus};

/// Open reviews a read returns at most (`GET /reviews` shows 500).
pub const MAX_OPEN_REVIEWS: usize = 5_000;

/// The column's value (written by every save, with the row): when the open review's next step is due; the far
/// future when nothing is due (reviewed, waiting to close); none without
/// an open review.
pub(super) fn due_s(i: &Incident) -> Option<i64> {
    let r = i
        .review
        .as_ref()
        .filter(|r| r.status != ReviewStatus::Closed)?;
    Some(r.next_due().map_or(i64::MAX, |(_, t)| t.timestamp()))
}

/// Migration 18: the column for incidents that already have a review
/// (every save writes it from then on, with the row).
pub(super) fn backfill(tx: &dyn Sql) -> Result<()> {
    let rows = tx.rows("SELECT id, incident FROM incidents", &[])?;
    for r in rows {
        let Ok(i) = serde_json::from_str::<Incident>(&r.get::<String>("incident")?) else {
            continue;
        };
        if let Some(due) = due_s(&i) {
            tx.exec(
                "UPDATE incidents SET review_due_s = ?1 WHERE id = ?2",
                args![due, i.id],
            )?;
        }
    }
    Ok(())
}

impl Store {
    /// Incidents with an open review, soonest due first; only those due
    /// before `due_before` when it is given (the overdue ones).
    pub fn open_reviews(&self, due_before: Option<DateTime<Utc>>) -> Result<Vec<Incident>> {
        self.read(|conn| {
            let before = due_before.map_or(i64::MAX, |t| t.timestamp());
            conn.rows(
                "SELECT listing FROM incidents WHERE review_due_s IS NOT NULL
                   AND review_due_s <= ?1 ORDER BY review_due_s, id LIMIT ?2",
                args![before, MAX_OPEN_REVIEWS],
            )?
            .iter()
            .map(|r| Ok(serde_json::from_str(&r.get::<String>("listing")?)?))
            .collect()
        })
    }
}
