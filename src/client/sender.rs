//! Delivers the console's writes in order, each with its idempotency key,
//! retrying transient failures with backoff. The outbox is the source of
//! truth: a write is attempted only while it is still in the outbox (the IC
//! may discard it), and leaves it only when the server has answered.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::outbox::Outbox;
use super::poller::{RECONNECT_MAX, retry_wait};
use std::collections::HashMap;

use super::{ClientError, Write, WriteOp, Writer};
use crate::model::IncidentId;
use crate::model::wire::WriteAnswer;

#[derive(Debug, Clone)]
pub enum Delivery {
    Delivered {
        key: String,
        answer: Option<Box<WriteAnswer>>,
    },
    /// Not delivered yet; will be tried again.
    Retrying {
        key: String,
        attempt: u32,
        error: ClientError,
    },
    /// The backend refused it; retrying the same request cannot help.
    Refused { key: String, error: ClientError },
}

pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The versions our own delivered writes produced, per incident: each
/// accepted action moves an incident from version `v` to `v + 1`. A queued
/// edit based on a version that only our own earlier writes have since
/// moved on is rebased along this chain, so a user's own queue never
/// conflicts with itself; a change by anyone else breaks the chain and
/// the server's 412 stands.
#[derive(Default)]
pub struct OwnVersions {
    next: HashMap<IncidentId, HashMap<u64, u64>>,
}

/// How many produced versions are remembered per incident.
const MAX_CHAIN: usize = 1024;

impl OwnVersions {
    pub fn delivered(&mut self, id: IncidentId, version_after: u64) {
        let chain = self.next.entry(id).or_default();
        if chain.len() >= MAX_CHAIN {
            chain.clear();
        }
        if version_after > 0 {
            chain.insert(version_after - 1, version_after);
        }
    }

    /// The write as it should be sent now.
    pub fn rebase(&self, w: &Write) -> Write {
        let mut w = w.clone();
        if let WriteOp::Patch { id, if_match, .. } = &mut w.op
            && let Some(chain) = self.next.get(id)
        {
            let mut v = *if_match;
            let mut steps = 0;
            while let Some(&n) = chain.get(&v) {
                v = n;
                steps += 1;
                if steps > MAX_CHAIN {
                    break;
                }
            }
            *if_match = v;
        }
        w
    }
}

pub async fn run(
    writer: Writer,
    outbox: Arc<Outbox>,
    mut rx: mpsc::Receiver<Write>,
    tx: mpsc::Sender<Delivery>,
) {
    let mut own = OwnVersions::default();
    while let Some(w) = rx.recv().await {
        let mut attempt = 0u32;
        while outbox.contains(&w.key) {
            attempt += 1;
            let result = writer.send(&own.rebase(&w)).await;
            if let Ok(Some(a)) = &result {
                own.delivered(a.incident.id, a.incident.version);
            }
            let settled = !matches!(&result, Err(e) if e.is_transient());
            if settled && let Err(e) = outbox.remove(&w.key) {
                tracing::error!(error = %e, "cannot remove an answered write from the outbox");
            }
            match result {
                Ok(answer) => {
                    let _ = tx
                        .send(Delivery::Delivered {
                            key: w.key.clone(),
                            answer: answer.map(Box::new),
                        })
                        .await;
                }
                Err(error) if error.is_transient() => {
                    // Back within seconds of the server answering again.
                    let wait = retry_wait(&error, attempt - 1, RECONNECT_MAX, MAX_BACKOFF);
                    tracing::info!(key = %w.key, attempt, error = %error, "write not delivered; will retry");
                    let _ = tx
                        .send(Delivery::Retrying {
                            key: w.key.clone(),
                            attempt,
                            error,
                        })
                        .await;
                    tokio::time::sleep(wait).await;
                }
                Err(error) => {
                    tracing::warn!(key = %w.key, error = %error, "write refused");
                    let _ = tx
                        .send(Delivery::Refused {
                            key: w.key.clone(),
                            error,
                        })
                        .await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::{PatchRequest, TextRequest};

    #[test]
    fn a_queued_edit_is_rebased_over_our_own_writes_only() {
        let id = IncidentId(3);
        let patch = Write::new(WriteOp::Patch {
            id,
            if_match: 7,
            body: PatchRequest::default(),
        });
        let mut own = OwnVersions::default();
        let if_match = |w: &Write| match w.op {
            WriteOp::Patch { if_match, .. } => if_match,
            _ => unreachable!(),
        };
        assert_eq!(if_match(&own.rebase(&patch)), 7);
        // Our note took 7 -> 8, our tick 8 -> 9: the edit goes at 9.
        own.delivered(id, 8);
        own.delivered(id, 9);
        assert_eq!(if_match(&own.rebase(&patch)), 9);
        // Someone else made 10; our next write made 11: the chain breaks at
        // 9, so the server decides (412: a real conflict).
        own.delivered(id, 11);
        assert_eq!(if_match(&own.rebase(&patch)), 9);
        // Other incidents and other kinds of write are untouched.
        let note = Write::new(WriteOp::Note {
            id,
            body: TextRequest::new("x"),
        });
        assert_eq!(own.rebase(&note), note);
    }
}
