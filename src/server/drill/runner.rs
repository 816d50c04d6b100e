//! Playing a scenario: the alerts at 0s open the drill incident (through
//! the Alertmanager receiver's own path, so the classification rules
//! apply); then, four times a second, the runner reads what the team did
//! (only when the store changed), makes facts true when their trigger
//! happens, answers pages after the scenario's delay, and plays each event
//! when its time comes (from the start, or from its fact). It stops when
//! the incident is closed or the scenario's limit has passed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::LiveDrill;
use crate::model::drill::debrief::fact_rule;
use crate::model::drill::scenario::{Fact, ScriptEvent, SimAlert, offset};
use crate::model::state_doc::{HypothesisStatus, TaskChange};
use crate::model::{
    Action, ActionOutcome, Actor, ActorRole, EventKind, IncidentId, ResponderAction,
    ResponderState, Status, TimelineEvent, apply,
};
use crate::server::error::ApiError;
use crate::server::integrations::alertmanager::{self, DRILL_GROUP, DrillAlerts, Notification};
use crate::server::store::{self, Order};
use crate::server::{AppState, blocking, notify};

/// The events still to play (by index in the scenario), in order.
pub struct Script {
    left: Vec<usize>,
}

/// Who delivers a drill's alerts.
fn alertmanager_actor() -> Actor {
    Actor {
        handle: "alertmanager".into(),
        role: ActorRole::Integration,
    }
}

/// A simulated responder: acts as a responder would.
fn person(handle: &str) -> Actor {
    Actor {
        handle: handle.into(),
        role: ActorRole::Responder,
    }
}

/// Who records what the drill itself says (a fact, the end).
fn drill_actor() -> Actor {
    Actor {
        handle: "drill".into(),
        role: ActorRole::Commander,
    }
}

fn notification(run: &str, a: &SimAlert) -> Notification {
    let mut h = Sha256::new();
    for (k, v) in &a.labels {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    let fingerprint = hex::encode(&h.finalize()[..8]);
    let alert = alertmanager::Alert {
        status: a.status.clone(),
        labels: a.labels.clone(),
        annotations: a.annotations.clone(),
        fingerprint,
        generator_url: None,
    };
    Notification {
        version: "4".into(),
        group_key: format!("{DRILL_GROUP}{run}"),
        receiver: String::new(),
        status: a.status.clone(),
        group_labels: a
            .labels
            .get("alertname")
            .map(|n| [("alertname".to_string(), n.clone())].into())
            .unwrap_or_default(),
        common_labels: a.labels.clone(),
        common_annotations: a.annotations.clone(),
        truncated_alerts: 0,
        external_url: None,
        alerts: vec![alert],
    }
}

async fn send_alert(
    app: &AppState,
    live: &LiveDrill,
    a: &SimAlert,
) -> Result<Option<IncidentId>, ApiError> {
    let n = notification(&live.mark.run, a);
    let drill = DrillAlerts {
        mark: live.mark.clone(),
        actions: live.scenario.actions.clone(),
    };
    let v = alertmanager::ingest(app, n, alertmanager_actor(), Some(drill)).await?;
    Ok(v["incident"].as_str().and_then(|s| s.parse().ok()))
}

/// Fires the alerts at 0s: the first opens the drill incident.
pub async fn open(app: &AppState, live: &LiveDrill) -> Result<(IncidentId, Script), ApiError> {
    let s = &live.scenario;
    let opening: Vec<usize> = (0..s.events.len())
        .filter(|i| {
            let e = &s.events[*i];
            e.after.is_none()
                && e.unless.is_none()
                && e.alert.is_some()
                && offset(&e.at).is_ok_and(|d| d.is_zero())
        })
        .collect();
    let mut id = None;
    for i in &opening {
        if let Some(a) = &s.events[*i].alert {
            id = id.or(send_alert(app, live, a).await?);
        }
    }
    let id = id
        .ok_or_else(|| ApiError::unprocessable("the scenario's first alerts opened no incident"))?;
    let left = (0..s.events.len())
        .filter(|i| !opening.contains(i))
        .collect();
    Ok((id, Script { left }))
}

/// Whether `e` makes `f` true.
fn triggers(f: &Fact, e: &TimelineEvent) -> bool {
    let holds = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
    let w = &f.when;
    match &e.kind {
        EventKind::ActionFinished {
            action, outcome, ..
        } => w.action.as_deref() == Some(action) && *outcome == ActionOutcome::Succeeded,
        EventKind::StatusChanged { to, .. } | EventKind::ForcedTransition { to, .. } => {
            w.status.is_some_and(|s| rank(*to) >= rank(s))
        }
        EventKind::Task {
            change: TaskChange::Assigned,
            title,
            ..
        } => w.task.as_deref().is_some_and(|t| holds(title, t)),
        EventKind::Decision { text, .. } => w.decision.as_deref().is_some_and(|t| holds(text, t)),
        EventKind::Hypothesis {
            text,
            status: HypothesisStatus::Confirmed,
            ..
        } => w.confirmed.as_deref().is_some_and(|t| holds(text, t)),
        EventKind::Responder {
            handle,
            state: ResponderState::Paged,
            ..
        } => w.paged.as_deref() == Some(handle),
        _ => false,
    }
}

fn rank(s: Status) -> usize {
    Status::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// One write on the drill incident, told to the targets that take drills.
async fn write(app: &AppState, id: IncidentId, actor: Actor, actions: Vec<Action>) -> bool {
    let notify = app.notify.clone();
    let done = blocking(&app.store, move |s| {
        s.write(None, |tx| {
            let d = store::update(tx, id, None, |d| {
                for a in actions {
                    apply(d, a, &actor, Utc::now())?;
                }
                Ok(())
            })?;
            notify::enqueue(tx, &notify, notify::Subscriber::of(&d), &d.timeline)?;
            Ok((200, String::new()))
        })
    })
    .await;
    app.notify_wake.notify_one();
    match done {
        Ok(_) => true,
        Err(e) => {
            // The team may have moved on (closed it, say): the drill does
            // not fight them.
            tracing::debug!(incident = %id, error = %e.message, "drill step skipped");
            false
        }
    }
}

#[derive(serde::Deserialize)]
struct Page {
    events: Vec<TimelineEvent>,
}

async fn events_after(app: &AppState, id: IncidentId, seen: u64) -> Option<Vec<TimelineEvent>> {
    let json = blocking(&app.store, move |s| {
        s.timeline_json(id, Order::After(seen), 200)
    })
    .await
    .ok()?;
    serde_json::from_str::<Page>(&json).ok().map(|p| p.events)
}

/// What the runner knows as it plays.
struct Play {
    started: Instant,
    speed: u32,
    facts: HashMap<String, Instant>,
    pages: Vec<(String, Instant)>,
    answered: HashSet<String>,
    seen: u64,
    closed: bool,
}

impl Play {
    fn scaled(&self, d: chrono::Duration) -> Duration {
        Duration::from_millis(d.num_milliseconds().max(0) as u64 / u64::from(self.speed.max(1)))
    }

    /// When an event is due, if its base has come.
    fn due(&self, e: &ScriptEvent) -> Option<Instant> {
        let base = match &e.after {
            Some(f) => *self.facts.get(f)?,
            None => self.started,
        };
        Some(base + self.scaled(offset(&e.at).ok()?))
    }
}

pub async fn play(app: AppState, live: Arc<LiveDrill>, id: IncidentId, mut script: Script) {
    let s = &live.scenario;
    let mut p = Play {
        started: Instant::now(),
        speed: live.mark.speed,
        facts: HashMap::new(),
        pages: Vec::new(),
        answered: HashSet::new(),
        seen: 0,
        closed: false,
    };
    let limit = p.scaled(s.limit());
    let mut every = tokio::time::interval(Duration::from_millis(250));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rev = u64::MAX;
    loop {
        every.tick().await;
        let now = Instant::now();
        if app.store.revision() != rev {
            rev = app.store.revision();
            let Some(events) = events_after(&app, id, p.seen).await else {
                break;
            };
            // A page may stop short of the newest (its count or byte
            // bound): while pages come back with events, read on next tick
            // whether or not the store changes again.
            if !events.is_empty() {
                rev = u64::MAX;
            }
            for e in &events {
                p.seen = p.seen.max(e.seq);
                observe(&live, &app, id, &mut p, e, now).await;
            }
        }
        if p.closed {
            break;
        }
        let answers: Vec<String> = p
            .pages
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(h, _)| h.clone())
            .collect();
        p.pages.retain(|(_, at)| *at > now);
        for h in answers {
            let steps = vec![
                Action::Responder(ResponderAction::Acknowledge { handle: h.clone() }),
                Action::Responder(ResponderAction::Join { handle: h.clone() }),
            ];
            write(&app, id, person(&h), steps).await;
        }
        let mut played = Vec::new();
        for (k, i) in script.left.iter().enumerate() {
            let e = &s.events[*i];
            if p.due(e).is_some_and(|at| at <= now) {
                played.push(k);
                if e.unless.as_ref().is_some_and(|f| p.facts.contains_key(f)) {
                    continue;
                }
                perform(&app, &live, id, e).await;
            }
        }
        for k in played.into_iter().rev() {
            script.left.remove(k);
        }
        if now - p.started >= limit {
            let said = Action::Automation {
                rule: format!("{}: end", crate::model::drill::debrief::DRILL_RULE),
                text: format!(
                    "The drill's time is up ({}). Read the debrief: `warroom drill debrief {id}`.",
                    s.limit
                ),
            };
            write(&app, id, drill_actor(), vec![said]).await;
            break;
        }
    }
    live.end();
    tracing::info!(incident = %id, run = %live.mark.run, "drill ended");
}

/// What one timeline entry means to the drill.
async fn observe(
    live: &LiveDrill,
    app: &AppState,
    id: IncidentId,
    p: &mut Play,
    e: &TimelineEvent,
    now: Instant,
) {
    let s = &live.scenario;
    match &e.kind {
        EventKind::StatusChanged {
            to: Status::Closed, ..
        }
        | EventKind::ForcedTransition {
            to: Status::Closed, ..
        } => p.closed = true,
        EventKind::Responder {
            handle,
            state: ResponderState::Paged,
            ..
        } if !p.answered.contains(handle) => {
            if let Some(after) = s.answers(handle) {
                p.answered.insert(handle.clone());
                let at = now + p.scaled(after);
                p.pages.push((handle.clone(), at));
            }
        }
        _ => {}
    }
    for f in &s.facts {
        if !p.facts.contains_key(&f.name) && triggers(f, e) {
            p.facts.insert(f.name.clone(), now);
            let said = Action::Automation {
                rule: fact_rule(&f.name),
                text: if f.says.is_empty() {
                    format!("Drill: `{}` is now true.", f.name)
                } else {
                    format!("Drill: {}", f.says)
                },
            };
            write(app, id, drill_actor(), vec![said]).await;
        }
    }
}

async fn perform(app: &AppState, live: &LiveDrill, id: IncidentId, e: &ScriptEvent) {
    if let Some(a) = &e.alert {
        if let Err(err) = send_alert(app, live, a).await {
            tracing::debug!(incident = %id, error = %err.message, "drill alert not recorded");
        }
        return;
    }
    let Some(by) = e.by.as_deref() else { return };
    let action = if let Some(n) = &e.note {
        Action::Note {
            text: n.clone(),
            written_at: None,
        }
    } else if let Some(c) = &e.can {
        Action::Can(crate::model::CanReport {
            condition: c.condition.clone(),
            actions: c.actions.clone(),
            needs: c.needs.clone(),
        })
    } else {
        return;
    };
    write(app, id, person(by), vec![action]).await;
}
