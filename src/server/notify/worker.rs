//! Sends queued deliveries. Each target has a sender of its own: it claims
//! that target's due deliveries, posts each with a short timeout (a few at
//! once), and records delivered, retry later (backoff doubling from
//! `retry_base_ms`, at most five minutes) or failed after `max_attempts`.
//! A target that hangs holds only its own sender's slots, so it never
//! delays another target's deliveries. It runs beside the API, never in a
//! request: a target that hangs or answers garbage slows nothing a user
//! waits for.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, Semaphore};

use serde_json::json;

use super::{NotifyConfig, Payload, Target, TargetKind, sign};
use crate::report::channels::{Chat, chat_line, teams_message};
use crate::server::store::{Due, Store};

/// How long one delivery may take before it counts as failed.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Deliveries in flight at once to one target.
pub const PER_TARGET: usize = 4;
/// How often the queue is looked at when nothing wakes a sender.
const IDLE_POLL: Duration = Duration::from_millis(500);

pub fn spawn(store: Arc<Store>, cfg: Arc<NotifyConfig>, wake: Arc<Notify>) {
    let names: Vec<String> = cfg.targets.iter().map(|t| t.name.clone()).collect();
    let st = store.clone();
    tokio::task::spawn_blocking(move || match st.fail_unconfigured(&names) {
        Ok(0) => {}
        Ok(n) => tracing::info!(n, "gave up deliveries to targets no longer configured"),
        Err(e) => tracing::warn!(error = %e, "cannot read the delivery queue"),
    });
    if cfg.targets.is_empty() {
        return;
    }
    let http = crate::tls::client_builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain HTTP client");
    // One bell per target: a write rings the shared bell, which rings
    // every target's (a `Notify` keeps one ring for a sender that is busy,
    // so none is lost).
    let bells: Vec<Arc<Notify>> = cfg.targets.iter().map(|_| Arc::default()).collect();
    for (i, bell) in bells.iter().enumerate() {
        let t = &cfg.targets[i];
        // Checked when the config was loaded; a file that changed since
        // leaves this target's deliveries failing with the reason.
        let mailer = match t.kind {
            TargetKind::Email => match super::email::mailer(t, SEND_TIMEOUT) {
                Ok(m) => Some(m),
                Err(e) => {
                    tracing::warn!(error = %e, "e-mail target cannot send");
                    None
                }
            },
            _ => None,
        };
        let sender = Sender {
            store: store.clone(),
            cfg: cfg.clone(),
            http: http.clone(),
            mailer,
            target: i,
            bell: bell.clone(),
        };
        tokio::spawn(sender.run());
    }
    tokio::spawn(async move {
        loop {
            wake.notified().await;
            for b in &bells {
                b.notify_one();
            }
        }
    });
}

/// The sender of one target.
struct Sender {
    store: Arc<Store>,
    cfg: Arc<NotifyConfig>,
    http: reqwest::Client,
    /// An e-mail target's SMTP transport.
    mailer: Option<super::email::Mailer>,
    /// Index into `cfg.targets`.
    target: usize,
    bell: Arc<Notify>,
}

impl Sender {
    fn target(&self) -> &Target {
        &self.cfg.targets[self.target]
    }

    async fn run(self) {
        let this = Arc::new(self);
        // A claimed delivery is not due again for a minute, so it is never
        // sent twice at once.
        let permits = Arc::new(Semaphore::new(PER_TARGET));
        loop {
            let free = permits.available_permits();
            let due = if free == 0 {
                Vec::new()
            } else {
                let (store, name) = (this.store.clone(), this.target().name.clone());
                match tokio::task::spawn_blocking(move || store.claim_due(&name, Utc::now(), free))
                    .await
                {
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
                    _ = this.bell.notified() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                }
                continue;
            }
            for d in due {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return;
                };
                let sender = this.clone();
                tokio::spawn(async move {
                    sender.deliver(d).await;
                    drop(permit);
                    // A retry may be due soon: look again.
                    sender.bell.notify_one();
                });
            }
        }
    }

    async fn deliver(&self, d: Due) {
        let cfg = &self.cfg;
        let outcome = match (self.target().kind, &self.mailer) {
            (TargetKind::Email, Some(m)) => match serde_json::from_str::<Payload>(&d.payload) {
                Ok(p) => super::email::send(m, self.target(), &p).await,
                Err(e) => Err(format!("stored payload: {e}")),
            },
            (TargetKind::Email, None) => Err("the e-mail target is not set up".to_string()),
            _ => send(&self.http, self.target(), &d.payload).await,
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
        let store = self.store.clone();
        let id = d.id;
        let _ =
            tokio::task::spawn_blocking(move || store.record_attempt(id, outcome, retry_at)).await;
    }
}

/// One attempt. The error says what went wrong without the URL (reqwest's
/// own errors name it, so they are not passed on).
pub(super) async fn send(http: &reqwest::Client, t: &Target, payload: &str) -> Result<(), String> {
    let p: Payload = serde_json::from_str(payload).map_err(|e| format!("stored payload: {e}"))?;
    let body = match t.kind {
        TargetKind::Slack => json!({ "text": chat_line(&p, Chat::Slack) }).to_string(),
        TargetKind::Mattermost => json!({ "text": chat_line(&p, Chat::Mattermost) }).to_string(),
        TargetKind::Teams => teams_message(&p).to_string(),
        TargetKind::Webhook => payload.to_string(),
        TargetKind::Email => return Err("an e-mail target has no webhook".to_string()),
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
