//! The background task that keeps a view's data fresh. It owns its reader
//! and talks to the UI only through messages: it never touches UI state.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::{mpsc, watch};

use super::{ClientError, Fetched, Reader};
use crate::model::{Incident, IncidentDetail, IncidentId};

/// What the poller tells the view.
#[derive(Debug, Clone)]
pub enum Feed {
    List {
        incidents: Vec<Incident>,
        at: DateTime<Utc>,
    },
    Detail {
        detail: Box<IncidentDetail>,
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
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(10),
            max_backoff: Duration::from_secs(30),
        }
    }
}

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
    since: u64,
    list_etag: Option<String>,
    detail_etags: HashMap<IncidentId, String>,
}

/// Runs until the view goes away (its receiver is dropped). `wanted` names
/// the incidents whose details the view shows; changing it wakes the poller.
pub async fn run(
    reader: Reader,
    cfg: PollConfig,
    mut wanted: watch::Receiver<Vec<IncidentId>>,
    tx: mpsc::Sender<Feed>,
) {
    let mut st = State {
        since: 0,
        list_etag: None,
        detail_etags: HashMap::new(),
    };
    let mut failures = 0u32;
    loop {
        match cycle(&reader, &cfg, &mut st, &mut wanted, &tx).await {
            Ok(()) => failures = 0,
            Err(error) => {
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
                let wait = error
                    .retry_after()
                    .unwrap_or_else(|| backoff(failures, cfg.max_backoff));
                failures = failures.saturating_add(1);
                tokio::time::sleep(wait).await;
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
    if let Fetched::Fresh { value, etag } = reader.list(false, st.list_etag.as_deref()).await? {
        st.list_etag = etag;
        st.since = value.revision;
        let _ = tx
            .send(Feed::List {
                incidents: value.incidents,
                at: Utc::now(),
            })
            .await;
    }
    let ids = wanted.borrow_and_update().clone();
    st.detail_etags.retain(|id, _| ids.contains(id));
    for id in ids {
        match reader
            .detail(id, st.detail_etags.get(&id).map(String::as_str))
            .await
        {
            Ok(Fetched::Fresh { value, etag }) => {
                if let Some(e) = etag {
                    st.detail_etags.insert(id, e);
                }
                let _ = tx
                    .send(Feed::Detail {
                        detail: Box::new(value),
                        at: Utc::now(),
                    })
                    .await;
            }
            Ok(Fetched::NotModified) => {}
            // Gone since the list was read: the next list shows it.
            Err(ClientError::Api { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let _ = tx.send(Feed::Alive(Utc::now())).await;
    tokio::select! {
        r = reader.changes(st.since, cfg.wait) => {
            let c = r?;
            if c.revision != st.since {
                // Something changed: the next cycle refetches (ETags make
                // the unchanged parts cost a 304).
                st.since = c.revision;
            }
        }
        _ = wanted.changed() => {}
        _ = tx.closed() => {}
    }
    Ok(())
}
