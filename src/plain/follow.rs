//! What changed, as lines: the active incidents at start (most severe
//! first), then each new timeline entry of every active incident as the
//! backend's change feed names it, oldest first, a new SEV1 or SEV2 said
//! before anything else in its batch. A backend without a change feed
//! (Alertmanager, PagerDuty) is re-read every `wait` and said as the
//! changes of its list. The backend going away and coming back is said
//! once each.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc;

use super::line::Line;
use crate::client::poller::{RECONNECT_MAX, retry_wait};
use crate::client::{ClientError, Fetched, Reader};
use crate::model::{Incident, IncidentId};

/// Timeline entries read per incident per change, at most (more are read
/// on the next pass: none is skipped).
pub const PAGE: usize = 200;

/// Where each incident stands, as last said.
#[derive(Default)]
struct Known {
    incidents: HashMap<IncidentId, Incident>,
}

/// The backend's state as said: whether it was said to be away, and how
/// many tries failed in a row (for the wait before the next).
#[derive(Default)]
struct Health {
    down: bool,
    failures: u32,
}

impl Health {
    /// Says the failure once (not on every retry), then waits as the
    /// poller does. `Err` when nobody listens any more.
    async fn failed(
        &mut self,
        out: &mpsc::Sender<Line>,
        what: &str,
        e: ClientError,
    ) -> Result<(), ()> {
        if !self.down {
            out.send(Line::notice(format!("{what}: {e}")))
                .await
                .map_err(|_| ())?;
        }
        self.down = true;
        self.failures += 1;
        let wait = retry_wait(&e, self.failures, RECONNECT_MAX, Duration::from_secs(30));
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Back: said once, in front of what came.
    fn answered(&mut self, lines: &mut Vec<Line>) {
        if self.down {
            lines.insert(0, Line::notice("the backend answers again"));
        }
        *self = Health::default();
    }
}

/// Follows the backend until `out` is dropped.
pub async fn follow(reader: Reader, wait: Duration, out: mpsc::Sender<Line>) {
    let mut known = Known::default();
    let mut health = Health::default();
    // The start: where every active incident stands.
    let mut since = loop {
        match start(&reader, &mut known).await {
            Ok((mut lines, since)) => {
                health.answered(&mut lines);
                if send_all(&out, lines).await.is_err() {
                    return;
                }
                break since;
            }
            Err(e) => {
                if health
                    .failed(&out, "cannot read the incidents", e)
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    };
    loop {
        let step = match since {
            Some(rev) => feed_step(&reader, &mut known, rev, wait)
                .await
                .map(|(l, r)| (l, Some(r))),
            None => {
                tokio::time::sleep(wait).await;
                list_step(&reader, &mut known).await.map(|l| (l, None))
            }
        };
        match step {
            Ok((mut lines, rev)) => {
                health.answered(&mut lines);
                since = rev.or(since);
                if send_all(&out, lines).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                if health
                    .failed(&out, "the backend does not answer", e)
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

async fn send_all(out: &mpsc::Sender<Line>, mut lines: Vec<Line>) -> Result<(), ()> {
    lines.sort_by_key(Line::urgency);
    for l in lines {
        out.send(l).await.map_err(|_| ())?;
    }
    Ok(())
}

/// The active list, most severe first; and where the change feed is, if
/// the backend has one.
async fn start(
    reader: &Reader,
    known: &mut Known,
) -> Result<(Vec<Line>, Option<u64>), ClientError> {
    let list = match reader.list(false, None).await? {
        Fetched::Fresh { value, .. } => value,
        Fetched::NotModified => return Err(ClientError::BadResponse("304 on a plain read".into())),
    };
    let mut incidents = list.incidents;
    incidents.sort_by_key(|i| (i.severity, i.id));
    let lines = incidents.iter().map(Line::incident).collect();
    for i in incidents {
        known.incidents.insert(i.id, i);
    }
    // A backend without a feed is re-read instead.
    let since = match reader.changes(list.revision, Duration::ZERO).await {
        Ok(_) => Some(list.revision),
        Err(ClientError::Unsupported(_)) => None,
        Err(e) => return Err(e),
    };
    Ok((lines, since))
}

/// One long-poll of the change feed, and the new entries of what changed.
async fn feed_step(
    reader: &Reader,
    known: &mut Known,
    since: u64,
    wait: Duration,
) -> Result<(Vec<Line>, u64), ClientError> {
    let c = reader.changes(since, wait).await?;
    if c.changed.is_empty() {
        return Ok((Vec::new(), c.revision));
    }
    let mut lines = Vec::new();
    let summaries = reader.summaries(&c.changed).await?;
    for id in &c.changed {
        let now = summaries.iter().find(|s| s.id == *id);
        let before = known.incidents.get(id).cloned();
        let Some(now) = now.filter(|s| s.status.is_active()) else {
            if let Some(b) = known.incidents.remove(id) {
                lines.extend(entries(reader, &b, b.last_seq, now).await?);
                let status = now.map_or("gone".to_string(), |s| s.status.to_string());
                lines.push(Line::Left {
                    incident: id.to_string(),
                    status,
                });
            }
            continue;
        };
        let after = match &before {
            Some(b) => b.last_seq,
            None => {
                lines.push(Line::incident(now));
                0
            }
        };
        lines.extend(entries(reader, now, after, Some(now)).await?);
        known.incidents.insert(*id, now.clone());
    }
    Ok((lines, c.revision))
}

/// The entries of `inc` after `after`, said with the incident as it is now.
async fn entries(
    reader: &Reader,
    inc: &Incident,
    after: u64,
    now: Option<&Incident>,
) -> Result<Vec<Line>, ClientError> {
    let say = now.unwrap_or(inc);
    let mut out = Vec::new();
    let mut after = after;
    loop {
        let page = reader.timeline_after(inc.id, after, PAGE).await?;
        let n = page.events.len();
        for e in &page.events {
            after = after.max(e.seq);
            out.push(Line::event(say, e));
        }
        if n < PAGE || out.len() >= 10 * PAGE {
            return Ok(out);
        }
    }
}

/// A backend without a change feed: the list again, said as its changes.
async fn list_step(reader: &Reader, known: &mut Known) -> Result<Vec<Line>, ClientError> {
    let list = match reader.list(false, None).await? {
        Fetched::Fresh { value, .. } => value.incidents,
        Fetched::NotModified => return Ok(Vec::new()),
    };
    let mut lines = Vec::new();
    for i in &list {
        match known.incidents.get(&i.id) {
            None => lines.push(Line::incident(i)),
            Some(b) if b.status != i.status || b.severity != i.severity => {
                lines.push(Line::notice(format!(
                    "{} {} {} (was {} {})",
                    i.id, i.severity, i.status, b.severity, b.status
                )))
            }
            _ => {}
        }
    }
    let gone: Vec<IncidentId> = known
        .incidents
        .keys()
        .filter(|id| !list.iter().any(|i| i.id == **id))
        .copied()
        .collect();
    for id in gone {
        known.incidents.remove(&id);
        lines.push(Line::Left {
            incident: id.to_string(),
            status: "resolved".into(),
        });
    }
    for i in list {
        known.incidents.insert(i.id, i);
    }
    Ok(lines)
}
