//! Timeline pages by position: before or after a sequence number, or from
//! a moment in time. A backend's timeline is numbered 1..=last_seq in the
//! order it was recorded, so a time is found by binary search on the
//! numbers (one one-event page per step: 17 steps for 100,000 events)
//! instead of an index the server would have to keep.

use chrono::{DateTime, Utc};

use super::{ClientError, Reader};
use crate::model::IncidentId;
use crate::model::wire::TimelinePage;

/// Events per page read by position (the server's detail page).
pub const PAGE: usize = 200;

/// Where a timeline page is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// The page just before this sequence number.
    Before(u64),
    /// The page from just after this sequence number, oldest first.
    After(u64),
    /// The page from the first event at or after this time.
    Time(DateTime<Utc>),
}

pub async fn page_at(
    reader: &Reader,
    id: IncidentId,
    at: PageAt,
) -> Result<TimelinePage, ClientError> {
    match at {
        PageAt::Before(seq) => reader.timeline_before(id, seq).await,
        PageAt::After(seq) => reader.timeline_after(id, seq, PAGE).await,
        PageAt::Time(t) => {
            let first = first_at_or_after(reader, id, t).await?;
            reader
                .timeline_after(id, first.saturating_sub(1), PAGE)
                .await
        }
    }
}

/// The number of the first event recorded at or after `t` (one past the
/// newest when every event is older).
async fn first_at_or_after(
    reader: &Reader,
    id: IncidentId,
    t: DateTime<Utc>,
) -> Result<u64, ClientError> {
    let last = reader.timeline_after(id, 0, 1).await?.last_seq;
    let (mut lo, mut hi) = (1u64, last + 1);
    // At most 64 steps whatever the backend answers: each halves the range.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let page = reader.timeline_after(id, mid - 1, 1).await?;
        match page.events.first() {
            Some(e) if e.at < t => lo = e.seq.max(mid) + 1,
            _ => hi = mid,
        }
    }
    Ok(lo)
}
