//! Keeping alert-born incidents in step with Alertmanager: every
//! `interval_seconds` the server reads the alerts behind each open
//! incident an Alertmanager group opened (one bounded read per incident,
//! at most [`MAX_SYNCED`] incidents a round) and records on its timeline
//! when they are silenced (by whom, until when, why), when they notify
//! again, and when they resolve while silenced: Alertmanager mutes a
//! silenced alert's resolution too, so no webhook ever says so, and
//! without this the incident would say FIRING for good.

use chrono::{DateTime, Utc};

use super::am_api::{Am, AmAlert};
use crate::model::{Action, Actor, ActorRole, Incident, SilenceChange, SilenceMark, apply};
use crate::server::store::{self, ListFilter};
use crate::server::{AppState, notify};

/// Incidents read per round (the most severe and newest first).
pub const MAX_SYNCED: usize = 200;

/// Who the sync's timeline entries are by.
pub const SYNC_ACTOR: &str = "alertmanager";

/// What one look at a group's alerts means for its incident.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// The silence began, changed or ended.
    pub change: Option<Change>,
    /// Alerts the store holds as firing that resolved while silenced
    /// (fingerprint, name).
    pub resolved: Vec<(String, String)>,
}

#[derive(Debug, PartialEq)]
pub enum Change {
    /// Silenced by these silences; their details are read next.
    Silenced(Vec<String>),
    Unsilenced,
    ResolvedWhileSilenced,
}

/// The decision, pure: `was` the incident's silence as recorded, `alerts`
/// what Alertmanager lists now, `firing` the fingerprints the store holds
/// as firing.
pub fn plan(was: Option<&SilenceMark>, alerts: &[AmAlert], firing: &[String]) -> Plan {
    let mut p = Plan::default();
    if !alerts.is_empty() && alerts.iter().all(AmAlert::silenced) {
        let mut ids: Vec<String> = alerts
            .iter()
            .flat_map(|a| a.status.silenced_by.iter().cloned())
            .collect();
        ids.sort();
        ids.dedup();
        ids.truncate(SilenceMark::MAX_IDS);
        if was.is_none_or(|m| m.ids != ids) {
            p.change = Some(Change::Silenced(ids));
        }
    } else if !alerts.is_empty() && was.is_some() {
        p.change = Some(Change::Unsilenced);
    }
    // Gone from Alertmanager while silenced: resolved, unannounced. While
    // not silenced the webhook says so itself.
    if let Some(m) = was {
        let listed: std::collections::HashSet<&str> =
            alerts.iter().map(|a| a.fingerprint.as_str()).collect();
        for fp in firing.iter().filter(|f| !listed.contains(f.as_str())) {
            let name = m
                .alerts
                .iter()
                .find(|(f, _)| f == fp)
                .map_or_else(|| format!("alert {}", short(fp)), |(_, n)| n.clone());
            p.resolved.push((fp.clone(), name));
        }
        if alerts.is_empty() {
            p.change = Some(Change::ResolvedWhileSilenced);
        }
    }
    p
}

fn short(fp: &str) -> String {
    fp.chars().take(12).collect()
}

/// Starts the sync when `[alertmanager] url` is set.
pub fn spawn(app: AppState, am: Am) {
    tokio::spawn(async move {
        let mut last_error: Option<String> = None;
        loop {
            tokio::time::sleep(am.interval).await;
            let r = round(&app, &am).await;
            // Said once per change, not every round.
            let now = r.err();
            if now != last_error {
                match &now {
                    Some(e) => tracing::warn!(error = %e, "reading Alertmanager failed"),
                    None => tracing::info!("reading Alertmanager works again"),
                }
                last_error = now;
            }
        }
    });
}

/// One look at every open alert-born incident.
pub async fn round(app: &AppState, am: &Am) -> Result<usize, String> {
    let store = app.store.clone();
    let open = tokio::task::spawn_blocking(move || store.list_all(&ListFilter::default()))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?
        .1;
    let mut changed = 0;
    let mut first_error = None;
    for inc in open
        .iter()
        .filter(|i| i.status.is_active() && i.alert_group.is_some() && i.drill.is_none())
        .take(MAX_SYNCED)
    {
        match sync_one(app, am, inc).await {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if changed > 0 {
        app.notify_wake.notify_one();
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(changed),
    }
}

async fn sync_one(app: &AppState, am: &Am, inc: &Incident) -> Result<bool, String> {
    let Some(group) = &inc.alert_group else {
        return Ok(false);
    };
    let alerts = am.alerts(group).await?;
    let id = inc.id;
    let store = app.store.clone();
    let firing =
        tokio::task::spawn_blocking(move || store.read(|c| store::firing_fingerprints(c, id)))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    let p = plan(inc.silenced.as_ref(), &alerts, &firing);
    if p == Plan::default() {
        return Ok(false);
    }
    let change = match p.change {
        Some(Change::Silenced(ids)) => {
            let first = am.silence(&ids[0]).await?;
            Some(SilenceChange::Silenced(mark(ids, &first, &alerts)))
        }
        Some(Change::Unsilenced) => Some(SilenceChange::Unsilenced),
        Some(Change::ResolvedWhileSilenced) => Some(SilenceChange::ResolvedWhileSilenced),
        None => None,
    };
    record(app, id, change, p.resolved).await?;
    Ok(true)
}

/// The mark a silence leaves on the incident, bounded.
pub fn mark(ids: Vec<String>, s: &super::am_api::AmSilence, alerts: &[AmAlert]) -> SilenceMark {
    SilenceMark {
        ids: ids
            .into_iter()
            .map(|i| crate::text::one_line(&i, 64))
            .collect(),
        by: crate::text::one_line(&s.created_by, crate::model::MAX_SHORT),
        until: s.ends_at,
        comment: crate::model::cut_to_fit(&s.comment, crate::model::MAX_TEXT),
        alerts: alerts
            .iter()
            .take(SilenceMark::MAX_ALERTS)
            .map(|a| (crate::text::one_line(&a.fingerprint, 64), a.name()))
            .collect(),
    }
}

/// Records what changed in one transaction, as Alertmanager (an
/// integration), and queues the notifications it causes.
pub async fn record(
    app: &AppState,
    id: crate::model::IncidentId,
    change: Option<SilenceChange>,
    resolved: Vec<(String, String)>,
) -> Result<(), String> {
    record_as(app, id, change, resolved, sync_actor()).await
}

pub fn sync_actor() -> Actor {
    Actor {
        handle: SYNC_ACTOR.into(),
        role: ActorRole::Integration,
    }
}

pub async fn record_as(
    app: &AppState,
    id: crate::model::IncidentId,
    change: Option<SilenceChange>,
    resolved: Vec<(String, String)>,
    actor: Actor,
) -> Result<(), String> {
    let notify_cfg = app.notify.clone();
    crate::server::blocking(&app.store, move |store| {
        store.write(None, |tx| {
            let now: DateTime<Utc> = Utc::now();
            let known = store::load_for_write(tx, id)?.incident.last_seq;
            let d = store::update(tx, id, None, |d| {
                for (_, name) in &resolved {
                    let alert = Action::Alert {
                        alert: name.clone(),
                        firing: false,
                        detail: Some(
                            "Resolved while silenced: Alertmanager sent no notification (a \
                             silenced alert's resolution is muted too); read from its API."
                                .into(),
                        ),
                        facts: Default::default(),
                    };
                    apply(d, alert, &actor, now)?;
                }
                if let Some(c) = change {
                    apply(d, Action::AlertSilence(c), &actor, now)?;
                }
                Ok(())
            })?;
            for (fp, _) in &resolved {
                store::set_alert_firing(tx, id, fp, false, now)?;
            }
            let added: Vec<_> = d
                .timeline
                .iter()
                .filter(|e| e.seq > known)
                .cloned()
                .collect();
            notify::enqueue(tx, &notify_cfg, notify::Subscriber::of(&d), &added)?;
            Ok((200, String::new()))
        })
    })
    .await
    .map_err(|e| e.message)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::integrations::alertmanager::am_api::AmAlertStatus;

    fn alert(fp: &str, silenced_by: &[&str]) -> AmAlert {
        AmAlert {
            fingerprint: fp.into(),
            labels: [("alertname".to_string(), "DiskFull".to_string())].into(),
            status: AmAlertStatus {
                state: if silenced_by.is_empty() {
                    "active".into()
                } else {
                    "suppressed".into()
                },
                silenced_by: silenced_by.iter().map(|s| s.to_string()).collect(),
            },
        }
    }

    fn silenced(ids: &[&str], alerts: &[(&str, &str)]) -> SilenceMark {
        SilenceMark {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            by: "alice".into(),
            until: Utc::now(),
            comment: "rollback".into(),
            alerts: alerts
                .iter()
                .map(|(f, n)| (f.to_string(), n.to_string()))
                .collect(),
        }
    }

    #[test]
    fn silenced_unsilenced_and_resolved_while_silenced_are_told_apart() {
        let firing = vec!["f1".to_string(), "f2".to_string()];
        // Every alert silenced, not recorded yet: silenced.
        let p = plan(None, &[alert("f1", &["s1"]), alert("f2", &["s1"])], &firing);
        assert_eq!(p.change, Some(Change::Silenced(vec!["s1".into()])));
        // Recorded already: nothing new.
        let was = silenced(&["s1"], &[("f1", "DiskFull"), ("f2", "DiskFull")]);
        let p = plan(
            Some(&was),
            &[alert("f1", &["s1"]), alert("f2", &["s1"])],
            &firing,
        );
        assert_eq!(p, Plan::default());
        // One alert notifies again: unsilenced.
        let p = plan(
            Some(&was),
            &[alert("f1", &["s1"]), alert("f2", &[])],
            &firing,
        );
        assert_eq!(p.change, Some(Change::Unsilenced));
        // One alert gone while silenced: resolved, by its name.
        let p = plan(Some(&was), &[alert("f1", &["s1"])], &firing);
        assert_eq!(p.resolved, vec![("f2".to_string(), "DiskFull".to_string())]);
        assert_eq!(p.change, None);
        // All gone while silenced: each resolved, and the silence is over.
        let p = plan(Some(&was), &[], &firing);
        assert_eq!(p.resolved.len(), 2);
        assert_eq!(p.change, Some(Change::ResolvedWhileSilenced));
        // Not silenced and gone: the webhook says so, not the sync.
        assert_eq!(plan(None, &[], &firing), Plan::default());
        // Partly silenced, never recorded: nothing.
        assert_eq!(
            plan(None, &[alert("f1", &["s1"]), alert("f2", &[])], &firing),
            Plan::default()
        );
    }
}
