//! The background task that keeps a view's data fresh. It owns its reader
//! and talks to the UI only through messages: it never touches UI state.
//!
//! On a backend with a change feed it reads the whole list once, then asks
//! only for what the feed names: the summaries of the changed incidents and
//! the detail of a watched one among them. An empty long-poll costs nothing
//! more. Backends without a feed are re-read every cycle.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngExt;
use tokio::sync::{mpsc, watch};

use super::{ClientError, Fetched, Reader};
use crate::model::{Incident, IncidentDetail, IncidentId};

/// What the poller tells the view.
#[derive(Debug, Clone)]
pub enum Feed {
    /// The first screen while the whole list is read: one page of the most
    /// severe active incidents. Shown at once; the whole list replaces it,
    /// and only the whole list says what is news.
    FirstScreen {
        incidents: Vec<Incident>,
        at: DateTime<Utc>,
    },
    /// The whole list (of active incidents): replaces what the view has.
    List {
        incidents: Vec<Incident>,
        at: DateTime<Utc>,
    },
    /// How many incidents the backend's list held that could not be read
    /// (sent after a list, when it changed).
    Unreadable { count: u64, at: DateTime<Utc> },
    /// A merged view: how each backend stands (sent after a list, when it
    /// changed).
    Sources {
        sources: Vec<crate::model::wire::SourceState>,
        at: DateTime<Utc>,
    },
    /// What one change touched, in one message so one frame shows it all:
    /// the current summaries of the `changed` incidents (one missing from
    /// `summaries`, or no longer active, has left the list) and the fresh
    /// details of those the view watches.
    Changed {
        changed: Vec<IncidentId>,
        summaries: Vec<Incident>,
        details: Vec<IncidentDetail>,
        at: DateTime<Utc>,
    },
    Detail {
        detail: Box<IncidentDetail>,
        at: DateTime<Utc>,
    },
    /// One incident's detail could not be read (too large, refused,
    /// garbage): an error for that incident only, never for the view.
    DetailFailed {
        id: IncidentId,
        error: ClientError,
        at: DateTime<Utc>,
    },
    /// The backend answered and nothing changed.
    Alive(DateTime<Utc>),
    Failed {
        error: ClientError,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone)]
pub struct PollConfig {
    /// How long one change-feed request may wait. The view's idea of
    /// "stale" is a multiple of this.
    pub wait: Duration,
    pub max_backoff: Duration,
    /// The longest wait between tries while the backend cannot be reached
    /// at all (refused, reset): a refused connection costs the server
    /// nothing, and the console must see it back within seconds.
    pub reconnect_max: Duration,
    /// Read every incident not closed (the console: resolved and verified
    /// ones still need the IC), not only the active ones (the wallboard).
    pub open_list: bool,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(10),
            max_backoff: Duration::from_secs(30),
            reconnect_max: RECONNECT_MAX,
            open_list: false,
        }
    }
}

/// How long to wait after the n-th consecutive failure: what the backend
/// asked for (`Retry-After`); while it cannot be reached, short tries
/// capped at `reconnect_max` (with jitter: back within two seconds of it
/// answering again); after an answer that is an error, the doubling
/// [`backoff`] up to `max_backoff`.
/// The sender's writes wait the same way (`client::sender`).
pub fn retry_wait(
    error: &ClientError,
    failures: u32,
    reconnect_max: Duration,
    max_backoff: Duration,
) -> Duration {
    if let Some(w) = error.retry_after() {
        return w;
    }
    match error {
        ClientError::Unreachable(_) => backoff(failures, reconnect_max),
        _ => backoff(failures, max_backoff),
    }
}

/// The longest wait between tries while a backend cannot be reached (a
/// refused connection costs the server nothing; ±25% jitter keeps the
/// worst wait at 1.25 s, so a console is back within two seconds).
pub const RECONNECT_MAX: Duration = Duration::from_millis(1000);

/// Backoff for the n-th consecutive failure: doubling from 500 ms up to
/// `max`, with ±25% jitter so a fleet of consoles does not retry in step.
pub fn backoff(failures: u32, max: Duration) -> Duration {
    let base = Duration::from_millis(500)
        .saturating_mul(1u32 << failures.min(10))
        .min(max);
    let jitter = rand::rng().random_range(0.75..1.25);
    base.mul_f64(jitter)
}

struct State {
    /// The feed position.
    since: u64,
    /// Read the whole list (at start, after a failure to catch up, and
    /// every cycle on a backend without a change feed).
    need_list: bool,
    list_etag: Option<String>,
    /// The last count of unreadable incidents told to the view.
    unreadable: u64,
    /// The last backend states told to the view (a merged view).
    sources: Vec<crate::model::wire::SourceState>,
    detail_etags: HashMap<IncidentId, String>,
    /// The watched ids whose detail the view has been sent.
    sent: Vec<IncidentId>,
    /// Whether the view has had anything yet (the first screen is sent
    /// once, before the first whole list).
    shown: bool,
}

/// Runs until the view goes away (its receiver is dropped). `wanted` names
/// the incidents whose details the view shows; changing it wakes the poller
/// at once, even from a backoff sleep.
pub async fn run(
    reader: Reader,
    cfg: PollConfig,
    mut wanted: watch::Receiver<Vec<IncidentId>>,
    tx: mpsc::Sender<Feed>,
) {
    let feed = reader.capabilities().change_feed;
    let mut st = State {
        since: 0,
        need_list: true,
        list_etag: None,
        unreadable: 0,
        sources: Vec::new(),
        detail_etags: HashMap::new(),
        sent: Vec::new(),
        shown: false,
    };
    let mut failures = 0u32;
    loop {
        st.need_list |= !feed;
        let result = cycle(&reader, &cfg, &mut st, &mut wanted, &tx).await;
        match result {
            Ok(()) => failures = 0,
            Err(error) => {
                // Catch up from the whole list once the backend is back
                // (a 304 if nothing changed meanwhile).
                st.need_list = true;
                if tx
                    .send(Feed::Failed {
                        error: error.clone(),
                        at: Utc::now(),
                    })
                    .await
                    .is_err()
                {
                    return;
                }
                let wait = retry_wait(&error, failures, cfg.reconnect_max, cfg.max_backoff);
                failures = failures.saturating_add(1);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    // A new selection is worth a try now.
                    _ = wanted.changed() => {}
                    _ = tx.closed() => return,
                }
            }
        }
        if tx.is_closed() {
            return;
        }
    }
}

async fn cycle(
    reader: &Reader,
    cfg: &PollConfig,
    st: &mut State,
    wanted: &mut watch::Receiver<Vec<IncidentId>>,
    tx: &mpsc::Sender<Feed>,
) -> Result<(), ClientError> {
    if st.need_list && cfg.open_list && !st.shown {
        // The IC's list is every incident not closed, a long read during a
        // big outage: the most severe active incidents go on screen first,
        // and the whole list replaces them when it is read.
        if let Ok(Some(first)) = reader.first_screen().await
            && !first.incidents.is_empty()
        {
            let _ = tx
                .send(Feed::FirstScreen {
                    incidents: first.incidents,
                    at: Utc::now(),
                })
                .await;
        }
    }
    if st.need_list {
        st.shown = true;
        let etag = st.list_etag.as_deref();
        let list = if cfg.open_list {
            reader.list_open(etag).await?
        } else {
            reader.list(false, etag).await?
        };
        if let Fetched::Fresh { value, etag } = list {
            st.list_etag = etag;
            st.since = value.revision;
            let unreadable = value.unreadable;
            let sources = value.sources;
            let _ = tx
                .send(Feed::List {
                    incidents: value.incidents,
                    at: Utc::now(),
                })
                .await;
            if sources != st.sources {
                st.sources = sources.clone();
                let _ = tx
                    .send(Feed::Sources {
                        sources,
                        at: Utc::now(),
                    })
                    .await;
            }
            if unreadable != st.unreadable {
                st.unreadable = unreadable;
                let _ = tx
                    .send(Feed::Unreadable {
                        count: unreadable,
                        at: Utc::now(),
                    })
                    .await;
            }
        }
        st.need_list = false;
        st.sent.clear();
    }
    // Details the view asked for and has not had yet.
    let ids = wanted.borrow_and_update().clone();
    st.detail_etags.retain(|id, _| ids.contains(id));
    st.sent.retain(|id| ids.contains(id));
    let todo: Vec<IncidentId> = ids
        .iter()
        .filter(|id| !st.sent.contains(id))
        .copied()
        .collect();
    for id in todo {
        if let Some(d) = fetch_detail(reader, st, id, tx).await? {
            let _ = tx
                .send(Feed::Detail {
                    detail: Box::new(d),
                    at: Utc::now(),
                })
                .await;
        }
        st.sent.push(id);
    }
    let _ = tx.send(Feed::Alive(Utc::now())).await;
    let since = st.since;
    tokio::select! {
        r = reader.changes(since, cfg.wait) => {
            let c = r?;
            if !reader.capabilities().change_feed {
                return Ok(());
            }
            if c.changed.is_empty() {
                st.since = c.revision;
                return Ok(());
            }
            let summaries = reader.summaries(&c.changed).await?;
            let mut details = Vec::new();
            for id in ids.iter().filter(|id| c.changed.contains(id)) {
                if let Some(d) = fetch_detail(reader, st, *id, tx).await? {
                    details.push(d);
                }
            }
            st.since = c.revision;
            let _ = tx
                .send(Feed::Changed {
                    changed: c.changed,
                    summaries,
                    details,
                    at: Utc::now(),
                })
                .await;
        }
        _ = wanted.changed() => {}
        _ = tx.closed() => {}
    }
    Ok(())
}

/// A watched incident's detail (by ETag). Failures that concern only this
/// incident are reported for it and do not stop the poller; a backend that
/// cannot be reached at all is an error for the cycle.
async fn fetch_detail(
    reader: &Reader,
    st: &mut State,
    id: IncidentId,
    tx: &mpsc::Sender<Feed>,
) -> Result<Option<IncidentDetail>, ClientError> {
    match reader
        .detail(id, st.detail_etags.get(&id).map(String::as_str))
        .await
    {
        Ok(Fetched::Fresh { value, etag }) => {
            if let Some(e) = etag {
                st.detail_etags.insert(id, e);
            }
            Ok(Some(value))
        }
        Ok(Fetched::NotModified) => Ok(None),
        Err(e @ (ClientError::Unreachable(_) | ClientError::Timeout)) => Err(e),
        Err(
            e @ ClientError::Api {
                status: 401 | 403 | 429 | 502..=504,
                ..
            },
        ) => Err(e),
        Err(e @ (ClientError::RateLimited { .. } | ClientError::Unavailable { .. })) => Err(e),
        Err(error) => {
            let _ = tx
                .send(Feed::DetailFailed {
                    id,
                    error,
                    at: Utc::now(),
                })
                .await;
            Ok(None)
        }
    }
}
