//! The demo's live part: what happens next in the SEV1 outage, one event
//! every few seconds, told once in order (the rollback finishes, the alerts
//! clear, the fix is up for review) and then left to the IC to drive, so
//! the story never contradicts itself by starting over.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::demo_story::who;
use super::store::{self, Store};
use crate::model::{Action, ResponderAction, apply};

/// How often the live script adds an event.
pub const LIVE_EVERY: Duration = Duration::from_secs(4);

/// What happens next, in order, told once.
pub(super) fn script() -> Vec<(&'static str, Action)> {
    let note = |t: &str| Action::Note {
        text: t.into(),
        written_at: None,
    };
    let alert = |a: &str, f: bool, d: &str| Action::Alert {
        alert: a.into(),
        firing: f,
        detail: Some(d.into()),
        facts: super::demo_story::alert_facts(a, d),
    };
    let responder = |r| Action::Responder(r);
    vec![
        (
            "alertmanager",
            alert(
                "CheckoutHighErrorRate",
                true,
                "5xx ratio 0.12 > 0.05 for 5m",
            ),
        ),
        ("marco", note("Rollback 70% done; pool usage 60%")),
        (
            "dana",
            responder(ResponderAction::Acknowledge {
                handle: "dana".into(),
            }),
        ),
        (
            "alertmanager",
            alert("PaymentsDBConnectionsSaturated", false, "pool usage 58%"),
        ),
        (
            "sam",
            note("Support reports checkout working for EU customers again"),
        ),
        (
            "dana",
            responder(ResponderAction::Join {
                handle: "dana".into(),
            }),
        ),
        (
            "alertmanager",
            alert("CheckoutHighErrorRate", false, "5xx ratio 0.03"),
        ),
        ("marco", note("Rollback complete on all 48 pods")),
        (
            "alertmanager",
            alert(
                "CheckoutLatencyP99",
                true,
                "p99 1.9s > 1.5s (cache warming)",
            ),
        ),
        (
            "dana",
            note("Pool timeout restored to 2s in the v2024.11.4 branch; PR up for review"),
        ),
        (
            "alertmanager",
            alert("CheckoutLatencyP99", false, "p99 0.8s"),
        ),
        (
            "alice",
            note(
                "Error rate and latency at baseline for 10 minutes. Ready to call it \
                 contained: n advances, u tells stakeholders.",
            ),
        ),
    ]
}

/// One step on the worst active incident (the head of the first page,
/// SEV1 first, oldest first).
pub(super) fn step(store: &Store, by: &str, action: Action) -> store::Result<()> {
    let page = store.list(&store::ListFilter {
        limit: 1,
        ..Default::default()
    })?;
    let Some(first) = page.rows.first() else {
        return Ok(());
    };
    let target = serde_json::from_str::<crate::model::Incident>(first)?.id;
    let actor = who(by);
    store.write(None, |tx| {
        store::update(tx, target, None, |d| apply(d, action, &actor, Utc::now()))?;
        Ok((200, String::new()))
    })?;
    Ok(())
}

/// Tells the script once, one step every [`LIVE_EVERY`], then stops: the
/// rest of the outage is the IC's.
pub async fn run_live(store: Arc<Store>) {
    let mut every = tokio::time::interval(LIVE_EVERY);
    every.tick().await;
    for (by, action) in script() {
        every.tick().await;
        let store = store.clone();
        let done = tokio::task::spawn_blocking(move || step(&store, by, action)).await;
        if let Ok(Err(e)) = done {
            // The IC may have moved the incident on (closed it, say): the
            // script does not fight them.
            tracing::debug!(error = %e, "demo step skipped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_story_applies_in_order_and_never_repeats_itself() {
        let store = Store::open_in_memory().unwrap();
        super::super::demo::seed(&store, &crate::model::RunbookSet::default()).unwrap();
        for (by, action) in script() {
            step(&store, by, action).unwrap();
        }
        let worst = store
            .list(&store::ListFilter {
                limit: 1,
                ..Default::default()
            })
            .unwrap();
        let id = serde_json::from_str::<crate::model::Incident>(&worst.rows[0])
            .unwrap()
            .id;
        let d = store.detail(id).unwrap();
        let texts: Vec<String> = d.timeline.iter().map(|e| e.kind.describe()).collect();
        let at = |needle: &str| texts.iter().rposition(|t| t.contains(needle));
        let done = at("Rollback complete").expect("the rollback finishes");
        assert!(
            at("Rollback 70%").unwrap() < done,
            "no rollback after it completed"
        );
        let paged = texts.iter().filter(|t| t.contains("dana paged")).count();
        assert!(
            paged <= 1,
            "dana is paged at most once ({paged}): {texts:#?}"
        );
        assert!(texts.last().unwrap().contains("Ready to call it contained"));
    }
}
