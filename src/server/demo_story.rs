//! The demo's storyteller: an incident's history built step by step
//! through the same `apply` the API uses (so demo data obeys every rule
//! real data does), and what the demo's alerts carry.

use chrono::{DateTime, Utc};

use super::store::{self, Result, Store};
use crate::model::wire::DeclareRequest;
use crate::model::{
    Action, Actor, ActorRole, IncidentDetail, Phase, ResponderAction, Role, RunbookSet, Severity,
    Status, apply, declare,
};

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
    pub(super) fn declare(
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

    pub(super) fn step(&mut self, min: i64, by: &str, to: Status) -> &mut Self {
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

    pub(super) fn note(&mut self, min: i64, by: &str, text: &str) -> &mut Self {
        self.at(
            min,
            by,
            Action::Note {
                text: text.into(),
                written_at: None,
            },
        )
    }

    pub(super) fn alert(&mut self, min: i64, alert: &str, firing: bool, detail: &str) -> &mut Self {
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

    pub(super) fn page(&mut self, min: i64, handle: &str, name: &str, role: Role) -> &mut Self {
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

    pub(super) fn people(&mut self, min: i64, by: &str, ra: ResponderAction) -> &mut Self {
        self.at(min, by, Action::Responder(ra))
    }

    pub(super) fn tick(&mut self, min: i64, by: &str, phase: Phase, items: &[usize]) -> &mut Self {
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
    pub(super) fn replace(&self, store: &Store) -> Result<()> {
        store.write(None, |tx| {
            // The declaration (seq 1) is stored; everything after is new.
            store::save(tx, &self.d, 1, None)?;
            Ok((200, String::new()))
        })?;
        Ok(())
    }
}
