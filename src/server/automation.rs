//! The server's own automation, run every [`TICK`] beside the API:
//!
//! - **Reminders**: an active incident whose stakeholder update is overdue
//!   by the `[policy]` cadence gets a timeline entry saying so (once per
//!   due time), which notification targets subscribed to `reminder` hear.
//! - **Escalation**: an incident still `triggered` (nobody acknowledged)
//!   after the `[automation] unacknowledged_minutes` of its severity is
//!   escalated once: its severity raised one step and/or a person paged, as
//!   configured, recorded on the timeline with the rule that did it.
//! - **Task time boxes** (always on): an open task whose time box passed
//!   is noted once on the timeline, which its owner's personal target
//!   and the IC's hear (`task_overdue`).
//! - **Unanswered pages**: a responder still `paged` after
//!   `page_unanswered_minutes` has the page escalated along the
//!   `escalation_chain`: the next person on it is paged (in the same role),
//!   once per page.
//!
//! Each firing is one transaction with its timeline entries and its
//! notifications, and is recorded so it fires once, however often the
//! automation runs. [`run_once`] takes the clock as an argument: tests
//! drive it at chosen times.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::notify::{self, NotifyConfig};
use super::store::{self, ListFilter, Store};
use crate::model::{
    Action, Actor, ActorRole, Incident, IncidentDetail, IncidentId, Policy, ResponderAction,
    ResponderState, Role, Severity, Status, apply, wire::PatchRequest,
};

/// How often the automation looks at the active incidents.
pub const TICK: Duration = Duration::from_secs(15);
pub use crate::model::{ESCALATION_RULE, REMINDER_RULE};
/// Who the timeline says acted.
pub const AUTOMATION_ACTOR: &str = "warroom-automation";

/// `[automation]` in the server config. Everything is off by default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationConfig {
    /// Record overdue stakeholder updates on the timeline (and notify).
    #[serde(default)]
    pub reminders: bool,
    /// Minutes an incident may stay unacknowledged, per severity; a
    /// severity left out is never escalated.
    #[serde(default)]
    pub unacknowledged_minutes: BTreeMap<Severity, u32>,
    /// Escalating raises the severity one step (never past SEV1).
    #[serde(default)]
    pub raise_severity: bool,
    /// Escalating pages this person (a handle), as operations lead.
    #[serde(default)]
    pub page: Option<String>,
    /// Minutes a paged responder may leave the page unanswered (neither
    /// acknowledged nor joined) before it is escalated along the chain.
    #[serde(default)]
    pub page_unanswered_minutes: Option<u32>,
    /// Who is paged when a page goes unanswered, in order: after someone on
    /// the chain, the next one; after anyone else, the first.
    #[serde(default)]
    pub escalation_chain: Vec<String>,
    /// Seconds between two looks (default [`TICK`], 15): how late a passed
    /// time box or an overdue update may be noted. 1 to 300.
    #[serde(default)]
    pub tick_seconds: Option<u32>,
}

/// At most this many people on the escalation chain.
pub const MAX_CHAIN: usize = 20;

impl AutomationConfig {
    pub fn check(&self) -> Result<(), String> {
        if self
            .unacknowledged_minutes
            .values()
            .any(|m| !(1..=10_080).contains(m))
        {
            return Err("unacknowledged_minutes must be 1..=10080 (a week)".into());
        }
        if !self.unacknowledged_minutes.is_empty() && !self.raise_severity && self.page.is_none() {
            return Err(
                "escalation is configured but does nothing: set raise_severity or page".into(),
            );
        }
        let bad_handle =
            |p: &str| p.trim().is_empty() || p.chars().count() > crate::model::MAX_SHORT;
        if self.page.as_deref().is_some_and(bad_handle) {
            return Err("page must be a handle of 1 to 100 characters".into());
        }
        if let Some(m) = self.page_unanswered_minutes {
            if !(1..=10_080).contains(&m) {
                return Err("page_unanswered_minutes must be 1..=10080 (a week)".into());
            }
            if self.escalation_chain.is_empty() {
                return Err(
                    "page_unanswered_minutes is set but escalation_chain is empty: nobody to page next"
                        .into(),
                );
            }
        }
        if self.tick_seconds.is_some_and(|t| !(1..=300).contains(&t)) {
            return Err("tick_seconds must be 1..=300".into());
        }
        if self.escalation_chain.len() > MAX_CHAIN {
            return Err(format!("escalation_chain: at most {MAX_CHAIN} people"));
        }
        if self.escalation_chain.iter().any(|p| bad_handle(p)) {
            return Err(
                "escalation_chain: every entry must be a handle of 1 to 100 characters".into(),
            );
        }
        Ok(())
    }

    /// Who is paged after `handle` left a page unanswered: the next on the
    /// chain who is not already on the incident.
    fn next_after(&self, handle: &str, on_incident: &[String]) -> Option<&str> {
        let from = self
            .escalation_chain
            .iter()
            .position(|p| p == handle)
            .map_or(0, |i| i + 1);
        self.escalation_chain[from..]
            .iter()
            .find(|p| p.as_str() != handle && !on_incident.contains(p))
            .map(String::as_str)
    }
}

/// Everything one run needs.
pub struct Automation {
    pub store: Arc<Store>,
    pub cfg: AutomationConfig,
    pub policy: Policy,
    pub notify: Arc<NotifyConfig>,
    pub wake: Arc<tokio::sync::Notify>,
}

/// The rule name of a task's time box passing (always on: a task with a
/// time box asks for it).
pub const TASK_OVERDUE_RULE: &str = "task-overdue";

pub fn spawn(a: Automation) {
    let every = a
        .cfg
        .tick_seconds
        .map_or(TICK, |s| Duration::from_secs(u64::from(s)));
    tokio::spawn(async move {
        let a = Arc::new(a);
        loop {
            tokio::time::sleep(every).await;
            let run = a.clone();
            match tokio::task::spawn_blocking(move || run_once(&run, Utc::now())).await {
                Ok(Ok(n)) if n > 0 => a.wake.notify_one(),
                Ok(Err(e)) => tracing::warn!(error = %e, "automation run failed"),
                _ => {}
            }
        }
    });
}

/// One look at every active incident at `now`. Returns how many rules fired.
pub fn run_once(a: &Automation, now: DateTime<Utc>) -> store::Result<usize> {
    let (_, active) = a.store.list_all(&ListFilter::default())?;
    let mut fired = 0;
    for inc in active.iter().filter(|i| i.status.is_active()) {
        if let Some(due) = inc.state_counts.next_due
            && now >= due
        {
            // Keyed by the time box: a task given a new one later may go
            // overdue again.
            fired += fire(a, inc.id, TASK_OVERDUE_RULE, &due.to_rfc3339(), now, |d| {
                d.state
                    .overdue(now)
                    .filter(|t| !t.overdue_noted)
                    .map(|t| Action::TaskOverdue { task: t.id })
                    .collect()
            })?;
        }
        if a.cfg.reminders
            && let Some((stage, due)) = a.policy.next_update(inc, now)
            && now > due
        {
            fired += fire(a, inc.id, REMINDER_RULE, &due.to_rfc3339(), now, |_| {
                let late = crate::text::duration(now - due);
                vec![Action::Automation {
                    rule: REMINDER_RULE.into(),
                    text: format!(
                        "The {stage} stakeholder update is overdue by {late} ({})",
                        a.policy.describe_cadence(inc.severity)
                    ),
                }]
            })?;
        }
        if inc.status == Status::Triggered
            && let Some(m) = a.cfg.unacknowledged_minutes.get(&inc.severity)
            && now - inc.declared_at > chrono::Duration::minutes(i64::from(*m))
        {
            let rule = format!(
                "{ESCALATION_RULE}: {} unacknowledged after {m}m",
                inc.severity
            );
            fired += fire(a, inc.id, &rule, "once", now, |d| {
                escalation(a, &d.incident, &rule)
            })?;
        }
    }
    if let Some(m) = a.cfg.page_unanswered_minutes {
        fired += unanswered_pages(a, m, now)?;
    }
    fired += overdue_reviews(a, now)?;
    Ok(fired)
}

/// Says once, on the incident, when a review's draft or meeting is
/// overdue (resolved and closed incidents alike): the owner's personal
/// target and the IC's hear it (`review_overdue`). Reviews are read from
/// the list entries of every incident (bounded by the store's pages).
fn overdue_reviews(a: &Automation, now: DateTime<Utc>) -> store::Result<usize> {
    // Only incidents whose open review is due before now: never the table.
    let all = a.store.open_reviews(Some(now))?;
    let mut fired = 0;
    for inc in &all {
        let Some(r) = &inc.review else { continue };
        let Some((what, due)) = r.next_due().filter(|(_, due)| now > *due) else {
            continue;
        };
        let rule = format!("{} ({what})", crate::model::REVIEW_OVERDUE_RULE);
        let text = format!(
            "The review's {what} is overdue: it was due {} (owner {}; the review is {})",
            due.format("%Y-%m-%d %H:%M UTC"),
            r.owner,
            r.status.label()
        );
        fired += fire(a, inc.id, &rule, &due.to_rfc3339(), now, |_| {
            vec![Action::Automation {
                rule: rule.clone(),
                text: text.clone(),
            }]
        })?;
    }
    Ok(fired)
}

/// Escalates every page left unanswered for `minutes`, once per page.
fn unanswered_pages(a: &Automation, minutes: u32, now: DateTime<Utc>) -> store::Result<usize> {
    let limit = chrono::Duration::minutes(i64::from(minutes));
    let mut fired = 0;
    for (id, r) in a.store.paged_responders()? {
        if now - r.since <= limit {
            continue;
        }
        let rule = format!(
            "{ESCALATION_RULE}: page to {} unanswered after {minutes}m",
            r.handle
        );
        // Keyed by when they were paged: paged again later, they may be
        // escalated again.
        let key = r.since.to_rfc3339();
        fired += fire(a, id, &rule, &key, now, |d| {
            let on: Vec<String> = d
                .responders
                .iter()
                .filter(|x| x.state != ResponderState::Left)
                .map(|x| x.handle.clone())
                .collect();
            let mut actions = Vec::new();
            let text = match a.cfg.next_after(&r.handle, &on) {
                Some(next) => {
                    actions.push(Action::Responder(ResponderAction::Page {
                        handle: next.to_string(),
                        name: None,
                        role: r.role,
                    }));
                    format!(
                        "Escalated: {} did not answer the page within {minutes}m; paged {next} as {}",
                        r.handle,
                        r.role.title()
                    )
                }
                None => format!(
                    "Escalated: {} did not answer the page within {minutes}m, \
                     and nobody is left on the escalation chain",
                    r.handle
                ),
            };
            actions.insert(
                0,
                Action::Automation {
                    rule: rule.clone(),
                    text,
                },
            );
            actions
        })?;
    }
    Ok(fired)
}

/// What escalating `inc` does, as model actions.
fn escalation(a: &Automation, inc: &Incident, rule: &str) -> Vec<Action> {
    let mut did = Vec::new();
    let mut actions = Vec::new();
    if a.cfg.raise_severity
        && let Some(to) = inc.severity.raised()
    {
        actions.push(Action::Patch(PatchRequest {
            severity: Some(to),
            ..Default::default()
        }));
        did.push(format!("raised to {to}"));
    }
    if let Some(handle) = &a.cfg.page {
        actions.push(Action::Responder(ResponderAction::Page {
            handle: handle.clone(),
            name: None,
            role: Role::OperationsLead,
        }));
        did.push(format!("paged {handle}"));
    }
    let text = format!("Escalated: nobody acknowledged it; {}", did.join(", "));
    actions.insert(
        0,
        Action::Automation {
            rule: rule.to_string(),
            text,
        },
    );
    actions
}

/// Fires `rule` on `inc` once per `key`: in one transaction, records the
/// firing, applies the actions as the automation, and queues notifications.
fn fire(
    a: &Automation,
    id: IncidentId,
    rule: &str,
    key: &str,
    now: DateTime<Utc>,
    actions: impl FnOnce(&IncidentDetail) -> Vec<Action>,
) -> store::Result<usize> {
    let actor = Actor {
        handle: AUTOMATION_ACTOR.into(),
        role: ActorRole::Commander,
    };
    let stored = a.store.write(None, |tx| {
        // Under the write lock every server shares: of several servers on
        // one database, the first to get here fires; the rest find the row.
        let first = tx.exec(
            "INSERT INTO automation_fired (incident_id, rule, key, at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            store::args![id.0 as i64, rule, key, now.to_rfc3339()],
        )?;
        if first == 0 {
            return Ok((200, "0".into()));
        }
        let d = store::update(tx, id, None, |d| {
            for action in actions(d) {
                // A step the state no longer allows (someone acknowledged
                // meanwhile, already SEV1…) is skipped, not an error.
                let mut trial = d.clone();
                if apply(&mut trial, action, &actor, now).is_ok() {
                    *d = trial;
                }
            }
            Ok(())
        })?;
        notify::enqueue(tx, &a.notify, notify::Subscriber::of(&d), &d.timeline)?;
        Ok((200, "1".into()))
    })?;
    Ok(usize::from(stored.body == "1"))
}
