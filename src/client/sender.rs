//! Delivers the console's writes in order, each with its idempotency key,
//! retrying transient failures with backoff. The outbox is the source of
//! truth: a write is attempted only while it is still in the outbox (the IC
//! may discard it), and leaves it only when the server has answered.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::outbox::Outbox;
use super::poller::backoff;
use super::{ClientError, Write, Writer};
use crate::model::IncidentDetail;

#[derive(Debug, Clone)]
pub enum Delivery {
    Delivered {
        key: String,
        detail: Option<Box<IncidentDetail>>,
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

pub async fn run(
    writer: Writer,
    outbox: Arc<Outbox>,
    mut rx: mpsc::Receiver<Write>,
    tx: mpsc::Sender<Delivery>,
) {
    while let Some(w) = rx.recv().await {
        let mut attempt = 0u32;
        while outbox.contains(&w.key) {
            attempt += 1;
            let result = writer.send(&w).await;
            let settled = !matches!(&result, Err(e) if e.is_transient());
            if settled && let Err(e) = outbox.remove(&w.key) {
                tracing::error!(error = %e, "cannot remove an answered write from the outbox");
            }
            match result {
                Ok(detail) => {
                    let _ = tx
                        .send(Delivery::Delivered {
                            key: w.key.clone(),
                            detail: detail.map(Box::new),
                        })
                        .await;
                }
                Err(error) if error.is_transient() => {
                    let wait = error
                        .retry_after()
                        .unwrap_or_else(|| backoff(attempt - 1, MAX_BACKOFF));
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
