//! Sends queued deliveries: claims the due ones, posts each with a short
//! timeout (several at once, so one slow target does not hold up the
//! others), and records delivered, retry later (backoff doubling from
//! `retry_base_ms`, at most five minutes) or failed after `max_attempts`.
//! It runs beside the API, never in a request: a target that hangs or
//! answers garbage slows nothing a user waits for.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, Semaphore};

use super::{NotifyConfig, Payload, TargetKind, sign};
use crate::server::store::{Due, Store};

/// How long one delivery may take before it counts as failed.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Deliveries in flight at once.
const BATCH: usize = 16;
/// How often the queue is looked at when nothing wakes the worker.
const IDLE_POLL: Duration = Duration::from_millis(500);

pub fn spawn(store: Arc<Store>, cfg: Arc<NotifyConfig>, wake: Arc<Notify>) {
    if cfg.targets.is_empty() {
        return;
    }
    let http = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain HTTP client");
    // Each delivery runs as its own task (at most BATCH at once): a target
    // that hangs holds one permit until its timeout, not the queue. A
    // claimed delivery is not due again for a minute, so it is never sent
    // twice at once.
    let permits = Arc::new(Semaphore::new(BATCH));
    tokio::spawn(async move {
        loop {
            let free = permits.available_permits();
            let due = if free == 0 {
                Vec::new()
            } else {
                let store = store.clone();
                match tokio::task::spawn_blocking(move || store.claim_due(Utc::now(), free)).await {
                    Ok(Ok(d)) => d,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "cannot read the delivery queue");
                        Vec::new()
                    }
                    Err(_) => Vec::new(),
                }
            };
            if due.is_empty() {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                }
                continue;
            }
            for d in due {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return;
                };
                let (store, cfg, http, wake) =
                    (store.clone(), cfg.clone(), http.clone(), wake.clone());
                tokio::spawn(async move {
                    deliver(&store, &cfg, &http, d).await;
                    drop(permit);
                    // A retry may be due soon: look again.
                    wake.notify_one();
                });
            }
        }
    });
}

async fn deliver(store: &Arc<Store>, cfg: &NotifyConfig, http: &reqwest::Client, d: Due) {
    let outcome = match cfg.target(&d.target) {
        // A target removed from the config since: nothing to send to.
        None => Err("the target is no longer configured".to_string()),
        Some(t) => send(http, t, &d.payload).await,
    };
    let attempts = d.attempts + 1;
    let retry_at = (outcome.is_err() && attempts < cfg.max_attempts).then(|| {
        let wait = cfg
            .retry_base_ms
            .saturating_mul(1 << (attempts - 1).min(16));
        Utc::now() + chrono::Duration::milliseconds(wait.min(300_000) as i64)
    });
    if let Err(e) = &outcome {
        // The target's name only: its URL is a secret.
        tracing::info!(target_name = %d.target, attempt = attempts, error = %e, "delivery failed");
    }
    let store = store.clone();
    let id = d.id;
    let _ = tokio::task::spawn_blocking(move || store.record_attempt(id, outcome, retry_at)).await;
}

/// One attempt. The error says what went wrong without the URL (reqwest's
/// own errors name it, so they are not passed on).
async fn send(http: &reqwest::Client, t: &super::Target, payload: &str) -> Result<(), String> {
    let p: Payload = serde_json::from_str(payload).map_err(|e| format!("stored payload: {e}"))?;
    let body = match t.kind {
        TargetKind::Slack => serde_json::json!({ "text": p.chat_text() }).to_string(),
        TargetKind::Webhook => payload.to_string(),
    };
    let mut req = http
        .post(&t.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "warroom-notify");
    if let (TargetKind::Webhook, Some(secret)) = (t.kind, &t.secret) {
        req = req.header(
            super::SIGNATURE_HEADER,
            sign(secret, Utc::now().timestamp(), body.as_bytes()),
        );
    }
    match req.body(body).send().await {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("the target answered {}", r.status().as_u16())),
        Err(e) if e.is_timeout() => Err(format!("no answer within {}s", SEND_TIMEOUT.as_secs())),
        Err(e) if e.is_connect() => Err("cannot connect to the target".to_string()),
        Err(_) => Err("the request to the target failed".to_string()),
    }
}
