//! Timeline events read by seq: the curated ones a long incident's
//! postmortem holds beyond the pages it covers.

use super::sql::args;
use super::{Result, Store};
use crate::model::{IncidentId, TimelineEvent};

impl Store {
    /// The events of `id` with these seqs (at most 1,000 asked for: an
    /// incident's curated events), in seq order; seqs it lacks are left out.
    pub fn events_by_seq(&self, id: IncidentId, seqs: &[u64]) -> Result<Vec<TimelineEvent>> {
        self.read(|conn| {
            let mut out = Vec::new();
            for s in seqs.iter().take(crate::model::curation::MAX_CURATED) {
                if let Some(r) = conn.row(
                    "SELECT event FROM timeline WHERE incident_id = ?1 AND seq = ?2",
                    args![id, *s],
                )? {
                    out.push(serde_json::from_str(&r.get::<String>("event")?)?);
                }
            }
            out.sort_by_key(|e: &TimelineEvent| e.seq);
            Ok(out)
        })
    }
}
