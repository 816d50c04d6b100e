//! The demo outage: a believable hour of a SEV1 checkout outage, a SEV2 and a
//! SEV3 beside it, a few closed incidents from past weeks; the live part of
//! the story (what happens next, every few seconds) is in `demo_live.rs`.

use chrono::{DateTime, Utc};

use super::store::{self, Result, Store};
use crate::model::wire::{DeclareRequest, PatchRequest};
use crate::model::{
    Action, Actor, ActorRole, IncidentDetail, Phase, ResponderAction, Role, RunbookSet, Severity,
    Status, apply, declare,
};

pub use super::demo_live::{LIVE_EVERY, run_live};

/// What a real alert of the demo's services carries: its labels, a
/// runbook, a dashboard and the links back to Prometheus and Alertmanager
/// (example.com: nothing leaves the machine).
pub(super) fn alert_facts(alert: &str, detail: &str) -> crate::model::AlertFacts {
    let (service, team) = match alert {
        a if a.starts_with("PaymentsDB") => ("payments-db", "payments"),
        a if a.starts_with("Search") => ("search", "discovery"),
        a if a.starts_with("TLS") || a.starts_with("Cert") => ("edge", "platform"),
        _ => ("checkout", "checkout"),
    };
    let slug = alert.to_lowercase();
    let map = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    crate::model::AlertFacts {
        labels: map(&[
            ("alertname", alert.to_string()),
            ("service", service.to_string()),
            ("team", team.to_string()),
            ("severity", "page".to_string()),
            ("cluster", "eu-west-1".to_string()),
        ]),
        annotations: map(&[
            ("summary", detail.to_string()),
            (
                "runbook_url",
                format!("https://runbooks.example.com/{service}/{slug}"),
            ),
            (
                "dashboard",
                format!("https://grafana.example.com/d/{service}?var-cluster=eu-west-1"),
            ),
        ]),
        links: map(&[
            (
                "source",
                format!(
                    "https://prometheus.example.com/graph?g0.expr=ALERTS%7Balertname%3D%22{alert}%22%7D"
                ),
            ),
            (
                "alertmanager",
                format!(
                    "https://alertmanager.example.com/#/alerts?receiver=warroom&filter=%7Bservice%3D%22{service}%22%7D"
                ),
            ),
        ]),
    }
}

pub(super) fn who(handle: &str) -> Actor {
    Actor {
        handle: handle.to_string(),
        role: ActorRole::Commander,
    }
}

/// Builds one incident's history step by step through the same `apply` the
/// API uses, so demo data obeys every rule real data does.
pub(super) struct Story {
    pub(super) d: IncidentDetail,
    start: DateTime<Utc>,
}

impl Story {
    fn declare(
        store: &Store,
        rb: &RunbookSet,
        ago_min: i64,
        by: &str,
        title: &str,
        service: &str,
        sev: Severity,
    ) -> Result<Story> {
        let start = Utc::now() - chrono::Duration::minutes(ago_min);
        let checklists = rb.for_service(service).checklists();
        let req = DeclareRequest {
            title: title.into(),
            service: service.into(),
            severity: sev,
            summary: String::new(),
            commander: None,
            tags: vec![],
        };
        let mut declared = None;
        store.write(None, |tx| {
            let d = declare(store::next_id(tx)?, req, &who(by), checklists, start)?;
            store::save(tx, &d, 0, None)?;
            declared = Some(d);
            Ok((200, String::new()))
        })?;
        let d = declared.expect("set by a successful write");
        Ok(Story { d, start })
    }

    pub(super) fn at(&mut self, min: i64, by: &str, action: Action) -> &mut Self {
        let t = self.start + chrono::Duration::minutes(min);
        if let Err(e) = apply(&mut self.d, action, &who(by), t) {
            tracing::warn!(error = %e, "demo step refused");
        }
        self
    }

    fn step(&mut self, min: i64, by: &str, to: Status) -> &mut Self {
        self.at(
            min,
            by,
            Action::Transition {
                to,
                force: false,
                reason: None,
            },
        )
    }

    fn note(&mut self, min: i64, by: &str, text: &str) -> &mut Self {
        self.at(
            min,
            by,
            Action::Note {
                text: text.into(),
                written_at: None,
            },
        )
    }

    fn alert(&mut self, min: i64, alert: &str, firing: bool, detail: &str) -> &mut Self {
        self.at(
            min,
            "alertmanager",
            Action::Alert {
                alert: alert.into(),
                firing,
                detail: Some(detail.into()),
                facts: alert_facts(alert, detail),
            },
        )
    }

    fn page(&mut self, min: i64, handle: &str, name: &str, role: Role) -> &mut Self {
        self.at(
            min,
            "alice",
            Action::Responder(ResponderAction::Page {
                handle: handle.into(),
                name: Some(name.into()),
                role,
            }),
        )
    }

    fn people(&mut self, min: i64, by: &str, ra: ResponderAction) -> &mut Self {
        self.at(min, by, Action::Responder(ra))
    }

    fn tick(&mut self, min: i64, by: &str, phase: Phase, items: &[usize]) -> &mut Self {
        for &item in items {
            self.at(
                min,
                by,
                Action::Checklist {
                    phase,
                    item,
                    done: true,
                },
            );
        }
        self
    }

    /// Stores the story's events after the declare, which is stored already.
    fn replace(&self, store: &Store) -> Result<()> {
        store.write(None, |tx| {
            // The declaration (seq 1) is stored; everything after is new.
            store::save(tx, &self.d, 1, None)?;
            Ok((200, String::new()))
        })?;
        Ok(())
    }
}

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
            text: "Checkout degraded for ~40% of users. Team engaged, next update in 30 min."
                .into(),
            written_at: None,
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
                text: "Rollback in progress; error rate falling. Next update 15:15 UTC.".into(),
                written_at: None,
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
