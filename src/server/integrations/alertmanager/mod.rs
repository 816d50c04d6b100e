//! The Alertmanager webhook receiver (`POST /api/v1/integrations/alertmanager`,
//! payload version 4). A firing group opens an incident, or joins the active
//! incident of the same group key; each alert's firing and resolving is
//! recorded once (by fingerprint, so Alertmanager's repeated notifications
//! add nothing); when every alert of the group has resolved that is noted,
//! but the incident stays open until a person resolves it.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::classify::Signal;
use crate::model::{Actor, ActorRole, AlertFacts, MAX_ALERT_FACTS_BYTES};
use crate::server::AppState;
use crate::server::auth::Principal;
use crate::server::error::ApiError;
use crate::server::json::decode_limited;

pub mod am_api;
mod record;
pub mod silence;
pub mod sync;
use record::record;

/// Alertmanager's webhook body. Decoded leniently (unknown fields are
/// fine): newer Alertmanagers add fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub version: String,
    pub group_key: String,
    /// The receiver that sent it: with the group labels, how
    /// Alertmanager's API names the group (`AlertGroupRef`).
    #[serde(default)]
    pub receiver: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub truncated_alerts: u64,
    /// Alertmanager's own address, for a link back to the group.
    #[serde(default, rename = "externalURL")]
    pub external_url: Option<String>,
    pub alerts: Vec<Alert>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub status: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub fingerprint: String,
    /// The link back to the rule in Prometheus.
    #[serde(default, rename = "generatorURL")]
    pub generator_url: Option<String>,
}

/// `s` when it shows something (not empty, not only spaces, controls or
/// invisible characters): an alert is never refused for a blank field,
/// the next label stands in for it.
fn visible(s: Option<&String>) -> Option<&String> {
    s.filter(|v| crate::model::is_visible(v))
}

impl Alert {
    fn firing(&self) -> bool {
        self.status == "firing"
    }

    /// `CheckoutHighErrorRate instance=web-3 job=checkout`: the name and a
    /// few telling labels.
    fn describe(&self) -> String {
        let name = visible(self.labels.get("alertname"))
            .cloned()
            .unwrap_or_else(|| format!("alert {}", self.fingerprint));
        let extra: Vec<String> = self
            .labels
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
            .take(3)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if extra.is_empty() {
            name
        } else {
            format!("{name} {}", extra.join(" "))
        }
    }

    /// Every label, annotation and link, whole, within
    /// [`MAX_ALERT_FACTS_BYTES`]: links first, then annotations (the
    /// runbook and dashboard among them), then labels; what does not fit
    /// is counted in a `warroom_not_kept` label, never silently gone.
    fn facts(&self, external_url: Option<&String>) -> AlertFacts {
        let mut f = AlertFacts::default();
        // Room for the count of what was not kept.
        let mut room = MAX_ALERT_FACTS_BYTES - 64;
        let mut dropped = 0usize;
        let mut keep = |map: &mut BTreeMap<String, String>, k: &str, v: &str| {
            let cost = k.len() + v.len() + 8;
            if cost <= room {
                room -= cost;
                map.insert(k.to_string(), v.to_string());
            } else {
                dropped += 1;
            }
        };
        let links = [
            ("source", self.generator_url.as_ref()),
            ("alertmanager", external_url),
        ];
        for (k, v) in links {
            if let Some(v) = v.filter(|v| crate::model::is_visible(v)) {
                keep(&mut f.links, k, v);
            }
        }
        for (k, v) in &self.annotations {
            keep(&mut f.annotations, k, v);
        }
        for (k, v) in &self.labels {
            keep(&mut f.labels, k, v);
        }
        if dropped > 0 {
            f.labels.insert(
                "warroom_not_kept".into(),
                format!("{dropped} more (16 KiB per alert)"),
            );
        }
        f
    }

    fn detail(&self) -> Option<String> {
        visible(self.annotations.get("summary"))
            .or_else(|| visible(self.annotations.get("description")))
            .cloned()
    }
}

/// The incident's title: the group's summary, else its alert name on the
/// service, else its group labels, else a fixed title naming the group.
/// Also says which fields were blank, for the timeline.
fn title_of(n: &Notification, service: &str) -> (String, Vec<&'static str>) {
    let mut missing = Vec::new();
    if let Some(s) = visible(n.common_annotations.get("summary")) {
        return (s.clone(), missing);
    }
    if n.common_annotations.contains_key("summary") {
        missing.push("summary");
    }
    let name = visible(n.common_labels.get("alertname"))
        .or_else(|| visible(n.alerts.first().and_then(|a| a.labels.get("alertname"))));
    if let Some(a) = name {
        return (format!("{a} on {service}"), missing);
    }
    missing.push("alertname");
    let labels: Vec<String> = n
        .group_labels
        .iter()
        .filter(|(k, v)| crate::model::is_visible(k) && crate::model::is_visible(v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if labels.is_empty() {
        let key = crate::text::one_line(&n.group_key, 40);
        return (format!("Alerts with no name (group {key})"), missing);
    }
    (format!("Alerts for {}", labels.join(", ")), missing)
}

/// Limits on what an alert group stores (characters): longer text is cut
/// and marked, never refused; over-long keys are replaced by their hash.
const MAX_KEY: usize = 256;
const MAX_LABEL: usize = 512;
const MAX_ANNOTATION: usize = 2_000;

fn short_key(s: &mut String) {
    if s.len() > MAX_KEY {
        use sha2::Digest;
        *s = format!("sha256:{}", hex::encode(sha2::Sha256::digest(s.as_bytes())));
    }
}

/// Bounds every text of a notification before anything is stored.
fn bound(n: &mut Notification) {
    use crate::text::cut_marked;
    short_key(&mut n.group_key);
    let cut_map = |m: &mut BTreeMap<String, String>, max: usize| {
        let keys: Vec<String> = m.keys().cloned().collect();
        for k in keys {
            if let Some(v) = m.remove(&k) {
                m.insert(cut_marked(&k, 128), cut_marked(&v, max));
            }
        }
    };
    cut_map(&mut n.group_labels, MAX_LABEL);
    cut_map(&mut n.common_labels, MAX_LABEL);
    cut_map(&mut n.common_annotations, crate::model::MAX_TEXT);
    for a in &mut n.alerts {
        short_key(&mut a.fingerprint);
        cut_map(&mut a.labels, MAX_LABEL);
        cut_map(&mut a.annotations, MAX_ANNOTATION);
        if let Some(u) = a.generator_url.as_mut() {
            *u = cut_marked(u, MAX_ANNOTATION);
        }
    }
    if let Some(u) = n.external_url.as_mut() {
        *u = cut_marked(u, MAX_ANNOTATION);
    }
}

fn check(n: &Notification) -> Result<(), ApiError> {
    if n.version != "4" {
        return Err(ApiError::unprocessable(format!(
            "webhook payload version `{}` is not supported (expected 4)",
            crate::text::one_line(&n.version, 20)
        )));
    }
    if n.group_key.trim().is_empty() {
        return Err(ApiError::unprocessable("`groupKey` must not be empty"));
    }
    if let Some(a) = n.alerts.iter().find(|a| a.fingerprint.trim().is_empty()) {
        return Err(ApiError::unprocessable(format!(
            "an alert has no fingerprint ({})",
            crate::text::one_line(&a.describe(), 60)
        )));
    }
    if let Some(a) = n
        .alerts
        .iter()
        .find(|a| !matches!(a.status.as_str(), "firing" | "resolved"))
    {
        return Err(ApiError::unprocessable(format!(
            "alert status `{}` is not firing or resolved",
            crate::text::one_line(&a.status, 20)
        )));
    }
    Ok(())
}

/// Group keys of drill alerts start with this: a real group never joins a
/// drill's incident.
pub const DRILL_GROUP: &str = "drill:";

/// A large alert group is bigger than a note: this route takes up to 1 MiB.
pub const MAX_BODY: usize = 1024 * 1024;

/// The webhook receiver, with its own body limit.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/integrations/alertmanager",
            axum::routing::post(receive).layer(axum::extract::DefaultBodyLimit::max(MAX_BODY)),
        )
        .merge(silence::routes())
}

pub async fn receive(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !matches!(who.0.role, ActorRole::Integration | ActorRole::Commander) {
        return Err(ApiError::forbidden(format!(
            "a {} token cannot deliver alerts; create one with \
             `warroom token create --role integration --name alertmanager`",
            who.0.role
        )));
    }
    let (mut n, _) = decode_limited::<Notification>(&headers, body, MAX_BODY)?;
    check(&n)?;
    bound(&mut n);
    if n.group_key.starts_with(DRILL_GROUP) {
        return Err(ApiError::unprocessable(format!(
            "a group key starting with `{DRILL_GROUP}` belongs to drills"
        )));
    }
    // The token acts as what it is: an integration (or a commander who
    // delivers alerts by hand); the model allows an integration alerts,
    // the note that they resolved, and declaring.
    let body = ingest(&app, n, who.0.clone(), None).await?;
    Ok(Json(body).into_response())
}

/// A drill's alerts: the incident they open is marked with the drill, and
/// its checklist gets the scenario's simulated actions.
pub struct DrillAlerts {
    pub mark: crate::model::drill::DrillMark,
    pub actions: Vec<crate::model::drill::scenario::SimAction>,
}

/// Classifies a checked notification, records it and wakes the notifier:
/// the webhook's work, also used by a drill (whose alerts are shaped as
/// Alertmanager sends them, so the classification rules apply).
pub async fn ingest(
    app: &AppState,
    n: Notification,
    actor: Actor,
    drill: Option<DrillAlerts>,
) -> Result<serde_json::Value, ApiError> {
    let labels = if n.common_labels.is_empty() {
        &n.group_labels
    } else {
        &n.common_labels
    };
    let class = app.classifier.classify(&signal_of(&n, labels));
    let mut runbook = class
        .runbook
        .as_deref()
        .and_then(|r| app.runbooks.by_name(r))
        .unwrap_or_else(|| app.runbooks.for_service(&class.service))
        .clone();
    if let Some(dr) = &drill {
        for a in &dr.actions {
            runbook.add(
                a.phase,
                crate::model::RunbookItem::WithAction(crate::model::ActionItem {
                    text: a.item.clone(),
                    action: a.name.clone(),
                }),
            );
        }
    }
    let notify = app.notify.clone();
    let mark = drill.map(|d| d.mark);
    let stored = crate::server::blocking(&app.store, move |store| {
        store.write(None, |tx| {
            record(tx, &n, &class, &runbook, &actor, &notify, mark.as_ref())
        })
    })
    .await?;
    app.notify_wake.notify_one();
    Ok(serde_json::from_str(&stored.body).unwrap_or_default())
}

/// What the rules see of a notification: its labels, its title, how many
/// alerts fire and how many services they name.
pub fn signal_of(n: &Notification, labels: &BTreeMap<String, String>) -> Signal {
    let firing: Vec<&Alert> = n.alerts.iter().filter(|a| a.firing()).collect();
    let services: std::collections::BTreeSet<&String> = firing
        .iter()
        .filter_map(|a| a.labels.get("service").or_else(|| a.labels.get("job")))
        .collect();
    Signal {
        labels: labels.clone(),
        title: visible(n.common_annotations.get("summary"))
            .or_else(|| visible(n.common_labels.get("alertname")))
            .cloned()
            .unwrap_or_default(),
        service: visible(labels.get("service")).cloned(),
        firing: firing.len(),
        services: services.len(),
    }
}
