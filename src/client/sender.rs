//! Delivers the console's writes in order, each with its idempotency key,
//! retrying transient failures with backoff. A write is never dropped
//! silently: it is delivered, or reported as refused with the reason.

use std::time::Duration;

use tokio::sync::mpsc;

use super::poller::backoff;
use super::{ClientError, Write, Writer};
use crate::model::IncidentDetail;

#[derive(Debug, Clone)]
pub enum Delivery {
    Delivered {
        key: String,
        detail: Box<IncidentDetail>,
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
    mut rx: mpsc::Receiver<Write>,
    tx: mpsc::Sender<Delivery>,
    on_settled: impl Fn(&str) + Send,
) {
    while let Some(w) = rx.recv().await {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match writer.send(&w).await {
                Ok(detail) => {
                    on_settled(&w.key);
                    let _ = tx
                        .send(Delivery::Delivered {
                            key: w.key.clone(),
                            detail: Box::new(detail),
                        })
                        .await;
                    break;
                }
                Err(error) if error.is_transient() => {
                    let wait = error
                        .retry_after()
                        .unwrap_or_else(|| backoff(attempt - 1, MAX_BACKOFF));
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
                    on_settled(&w.key);
                    let _ = tx
                        .send(Delivery::Refused {
                            key: w.key.clone(),
                            error,
                        })
                        .await;
                    break;
                }
            }
        }
    }
}
