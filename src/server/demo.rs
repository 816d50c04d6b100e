//! The demo outage: a believable hour of a SEV1 checkout outage, a SEV2 and a
//! SEV3 beside it, a few closed incidents from past weeks; the live part of
//! the story (what happens next, every few seconds) is in `demo_live.rs`.

use super::store::{Result, Store};
use crate::model::wire::PatchRequest;
use crate::model::{Action, Phase, ResponderAction, Role, RunbookSet, Severity, Status};

pub use super::demo_live::{LIVE_EVERY, run_live};
use super::demo_story::Story;

/// Seeds an empty store with the demo incidents.
pub fn seed(store: &Store, rb: &RunbookSet) -> Result<()> {
    use ResponderAction::*;
    // Past weeks, closed: for history and the list's `all` view.
    // The first one is the live SEV1's ancestor: `b` (seen before) finds
    // it, with the notes that fixed it.
    let no_notes: &[&str] = &[];
    for (weeks, title, service, sev, alert, notes) in [
        (
            5,
            "Payments DB connection pool exhausted after deploy",
            "payments-db",
            Severity::Sev1,
            Some("PaymentsDBConnectionsSaturated"),
            &[
                "pgbouncer at 500/500; checkout 502s",
                "Fix: rolled back v2024.10.1 (it dropped the pool timeout) and restarted pgbouncer",
            ][..],
        ),
        (
            3,
            "Login failures after IdP certificate rotation",
            "auth",
            Severity::Sev2,
            None,
            no_notes,
        ),
        (
            2,
            "Orders stuck in pending: queue consumer crash loop",
            "orders",
            Severity::Sev1,
            None,
            no_notes,
        ),
        (
            1,
            "Elevated 404s on product images (CDN purge)",
            "cdn",
            Severity::Sev4,
            None,
            no_notes,
        ),
    ] {
        let mut s = Story::declare(store, rb, weeks * 7 * 24 * 60, "alice", title, service, sev)?;
        if let Some(a) = alert {
            s.alert(1, a, true, "pool usage 100% for 10m");
        }
        let mut m = 2;
        for to in Status::ALL.into_iter().skip(1) {
            if to == Status::Resolved {
                // What fixed it, just before the resolution.
                for (k, n) in notes.iter().enumerate() {
                    s.note(m - 10 + 3 * k as i64, "marco", n);
                }
            }
            if let Some(phase) = s.d.incident.status.phase() {
                let open: Vec<usize> = s.d.checklist(phase).map_or(vec![], |c| {
                    c.items
                        .iter()
                        .enumerate()
                        .filter(|(_, it)| !it.is_done())
                        .map(|(i, _)| i)
                        .collect()
                });
                s.tick(m, "alice", phase, &open);
            }
            s.step(m, "alice", to);
            m += 25;
        }
        s.replace(store)?;
    }

    let mut s = Story::declare(
        store,
        rb,
        64,
        "alice",
        "Checkout API returning 502s for 38% of requests",
        "checkout",
        Severity::Sev2,
    )?;
    s.alert(
        0,
        "CheckoutHighErrorRate",
        true,
        "5xx ratio 0.38 > 0.05 for 5m",
    )
    .alert(1, "CheckoutLatencyP99", true, "p99 4.2s > 1.5s")
    .step(2, "alice", Status::Acknowledged)
    .at(
        3,
        "alice",
        Action::Patch(PatchRequest {
            severity: Some(Severity::Sev1),
            ..Default::default()
        }),
    )
    .page(4, "priya", "Priya Raman", Role::CommunicationsLead)
    .page(4, "marco", "Marco Bianchi", Role::OperationsLead)
    .page(5, "sam", "Sam Okafor", Role::Scribe)
    .people(
        6,
        "priya",
        Acknowledge {
            handle: "priya".into(),
        },
    )
    .people(
        7,
        "marco",
        Join {
            handle: "marco".into(),
        },
    )
    .step(8, "alice", Status::Investigating)
    .people(
        9,
        "sam",
        Join {
            handle: "sam".into(),
        },
    )
    .tick(10, "sam", Phase::Investigation, &[0, 1])
    .note(
        12,
        "marco",
        "Error spike starts 14:02 UTC, matches deploy checkout-api v2024.11.3 (canary 100%)",
    )
    .at(
        14,
        "priya",
        Action::StakeholderUpdate {
            text: "Checkout degraded for ~40% of users. Team engaged, next update in 20 min."
                .into(),
            written_at: None,
            audience: crate::model::wire::Audience::Internal,
            stage: None,
            data_loss: None,
        },
    )
    .tick(15, "alice", Phase::Investigation, &[2, 3])
    .note(
        18,
        "marco",
        "Connection pool to payments-db exhausted: 500/500 in use, waits > 3s",
    )
    .alert(
        20,
        "PaymentsDBConnectionsSaturated",
        true,
        "pool usage 100% for 10m",
    );
    super::demo_state::hypotheses(&mut s);
    s.step(24, "alice", Status::Identified)
        .note(
            26,
            "alice",
            "Hypothesis: v2024.11.3 removed pool timeout; rolling back",
        )
        .at(
            27,
            "alice",
            Action::Patch(PatchRequest {
                summary: Some(
                    "Checkout answers 502 for ~38% of requests in eu-west and us-east since the \
                 v2024.11.3 deploy. Failed payments are not retried by the apps. Cause: the \
                 deploy removed the payments-db pool timeout and the pool ran dry; rollback \
                 under way."
                        .into(),
                ),
                tags: Some(vec!["payments".into(), "deploy".into()]),
                ..Default::default()
            }),
        );
    super::demo_state::decision(&mut s);
    s.tick(30, "marco", Phase::Containment, &[1])
        .note(35, "marco", "Rollback 40% done; error ratio down to 0.21")
        .people(
            38,
            "alice",
            Page {
                handle: "dana".into(),
                name: Some("Dana Li".into()),
                role: Role::SubjectMatterExpert,
            },
        )
        .tick(40, "alice", Phase::Containment, &[2]);
    super::demo_state::late_hypothesis(&mut s);
    s.alert(44, "CheckoutLatencyP99", false, "p99 back under 1.5s")
        .at(
            45,
            "priya",
            Action::StakeholderUpdate {
                text: "Some customers cannot complete checkout. We are rolling back a change \
                       and errors are falling. Next update in 20 minutes."
                    .into(),
                written_at: None,
                audience: crate::model::wire::Audience::Public,
                stage: None,
                data_loss: None,
            },
        )
        .note(
            52,
            "sam",
            "Payments team confirms no double charges in the window",
        );
    super::demo_state::tasks(&mut s);
    s.replace(store)?;

    let mut s = Story::declare(
        store,
        rb,
        25,
        "jules",
        "Search p99 latency above 2s in eu-west",
        "search",
        Severity::Sev2,
    )?;
    s.alert(0, "SearchLatencyP99", true, "p99 2.4s > 2s in eu-west-1")
        .step(3, "jules", Status::Acknowledged)
        .step(5, "jules", Status::Investigating)
        .page(6, "kim", "Kim Novak", Role::SubjectMatterExpert)
        .note(
            11,
            "jules",
            "Shard rebalancing started 20 min ago; hot shard es-data-7 at 95% CPU",
        )
        .tick(12, "jules", Phase::Investigation, &[0]);
    s.replace(store)?;

    let mut s = Story::declare(
        store,
        rb,
        180,
        "ops-bot",
        "TLS certificate for api.example.com expires in 5 days",
        "edge",
        Severity::Sev3,
    )?;
    s.step(30, "ops-bot", Status::Acknowledged).note(
        31,
        "ops-bot",
        "cert-manager renewal failing: ACME DNS-01 challenge timeout",
    );
    s.replace(store)?;
    Ok(())
}
