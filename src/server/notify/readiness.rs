//! The readiness check (`POST /notify/test`, `warroom notify test`): a
//! clearly marked test delivery to each target now, in parallel, each with
//! the sender's own timeout, reported per target (delivered or not, how
//! long it took, the error in words, never the URL). Not queued: a target
//! that fails is reported, not retried, and no incident's record changes.
//! With `dry_run` nothing is sent: each target's message is shown as it
//! would be received.

use std::time::Instant;

use chrono::Utc;

use super::worker::{SEND_TIMEOUT, send};
use super::{NotifyConfig, Payload, Target, TargetKind};
use crate::model::notification::Subject;
use crate::model::wire::{NotifyTestRequest, NotifyTestResult};
use crate::model::{Severity, Status};
use crate::report::channels::{Chat, chat_line, email, teams_message};

/// The test message: says what it is, who asked and that nothing is to
/// be done.
pub fn payload(by: &str) -> Payload {
    let at = Utc::now();
    Payload {
        subject: Subject::Test,
        incident: "TEST".into(),
        title: "warroom readiness check".into(),
        severity: Severity::Sev5,
        status: Status::Triggered,
        service: "warroom".into(),
        commander: None,
        text: format!(
            "TEST: a readiness check of this notification path, asked by {by} at {} UTC. \
             No incident; nothing to do.",
            at.format("%H:%M")
        ),
        seq: 0,
        at,
        by: by.to_string(),
        paged: None,
        audience: None,
    }
}

fn kind(t: &Target) -> &'static str {
    match t.kind {
        TargetKind::Slack => "slack",
        TargetKind::Mattermost => "mattermost",
        TargetKind::Teams => "teams",
        TargetKind::Webhook => "webhook",
        TargetKind::Email => "email",
    }
}

fn preview(t: &Target, p: &Payload) -> String {
    match t.kind {
        TargetKind::Slack => chat_line(p, Chat::Slack),
        TargetKind::Mattermost => chat_line(p, Chat::Mattermost),
        TargetKind::Teams => teams_message(p).to_string(),
        TargetKind::Webhook => serde_json::to_string(p).unwrap_or_default(),
        TargetKind::Email => {
            let m = email(p);
            format!("Subject: {}\n\n{}", m.subject, m.text)
        }
    }
}

/// Runs the check; `Err` names a target that does not exist.
pub async fn check(
    cfg: &NotifyConfig,
    req: NotifyTestRequest,
    by: &str,
) -> Result<Vec<NotifyTestResult>, String> {
    if let Some(unknown) = req.targets.iter().find(|n| cfg.target(n).is_none()) {
        return Err(format!(
            "there is no notification target named `{}` (warroom notify test lists them)",
            crate::text::one_line(unknown, 60)
        ));
    }
    let targets: Vec<&Target> = cfg
        .targets
        .iter()
        .filter(|t| req.targets.is_empty() || req.targets.contains(&t.name))
        .collect();
    let p = payload(by);
    let json = serde_json::to_string(&p).map_err(|e| e.to_string())?;
    let http = crate::tls::client_builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|_| "cannot build an HTTP client".to_string())?;
    let one = |t: &'_ Target| {
        let (http, json, p) = (http.clone(), json.clone(), p.clone());
        let t = t.clone();
        async move {
            let mut r = NotifyTestResult {
                target: t.name.clone(),
                kind: kind(&t).into(),
                people: t.people.clone(),
                delivered: false,
                latency_ms: 0,
                error: None,
                preview: None,
            };
            if req.dry_run {
                r.preview = Some(preview(&t, &p));
                return r;
            }
            let start = Instant::now();
            let outcome = match t.kind {
                TargetKind::Email => match super::email::mailer(&t, SEND_TIMEOUT) {
                    Ok(m) => super::email::send(&m, &t, &p).await,
                    Err(e) => Err(e),
                },
                _ => send(&http, &t, &json).await,
            };
            r.latency_ms = start.elapsed().as_millis() as u64;
            match outcome {
                Ok(()) => r.delivered = true,
                Err(e) => r.error = Some(e),
            }
            r
        }
    };
    Ok(futures::future::join_all(targets.into_iter().map(one)).await)
}
