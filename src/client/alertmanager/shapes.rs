//! Alertmanager's API v2 shapes, and alert groups translated into
//! warroom's incidents and timelines (pure: no IO here).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    EventKind, Incident, IncidentDetail, IncidentId, Severity, Status, TimelineEvent,
};

#[derive(Debug, Clone, Deserialize)]
pub struct AlertGroup {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub receiver: Receiver,
    #[serde(default)]
    pub alerts: Vec<GettableAlert>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Receiver {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub fingerprint: String,
    pub starts_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub status: AlertStatus,
    /// The link back to the rule in Prometheus.
    #[serde(default, rename = "generatorURL")]
    pub generator_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    pub status: SilenceState,
    pub matchers: Vec<Matcher>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SilenceState {
    pub state: String,
}

// What Alertmanager says is cleaned as it is decoded, field by field.
crate::sanitize_fields!(AlertGroup {
    labels: text,
    receiver: text,
    alerts: text,
});
crate::sanitize_fields!(Receiver { name: line });
crate::sanitize_fields!(GettableAlert {
    labels: text,
    annotations: text,
    fingerprint: line,
    starts_at: none,
    updated_at: none,
    status: text,
    generator_url: line,
});
crate::sanitize_fields!(AlertStatus {
    state: line,
    silenced_by: line,
    inhibited_by: line,
});
crate::sanitize_fields!(Matcher {
    name: line,
    value: line,
    is_regex: none,
    is_equal: none,
});
crate::sanitize_fields!(GettableSilence {
    id: line,
    status: text,
    matchers: text,
    ends_at: none,
    created_by: line,
    comment: line,
});
crate::sanitize_fields!(SilenceState { state: line });

/// An alert group as an incident.
pub fn to_incident(id: u64, g: &AlertGroup) -> Incident {
    let first = &g.alerts[0];
    let labels = if g.labels.is_empty() {
        &first.labels
    } else {
        &g.labels
    };
    let all = |k: &str| {
        g.alerts
            .iter()
            .find_map(|a| a.labels.get(k))
            .or_else(|| labels.get(k))
    };
    let service = ["service", "job", "alertname"]
        .iter()
        .find_map(|k| all(k))
        .cloned()
        .unwrap_or_else(|| g.receiver.name.clone());
    let severity = g
        .alerts
        .iter()
        .map(|a| Severity::from_alert_label(a.labels.get("severity").map(String::as_str)))
        .min()
        .unwrap_or(Severity::Sev3);
    let title = first
        .annotations
        .get("summary")
        .cloned()
        .unwrap_or_else(|| {
            let name = all("alertname").cloned().unwrap_or_else(|| "alerts".into());
            let n = g.alerts.len();
            if n > 1 {
                format!("{name} ×{n} on {service}")
            } else {
                format!("{name} on {service}")
            }
        });
    let suppressed = g.alerts.iter().all(|a| a.status.state == "suppressed");
    let declared_at = g
        .alerts
        .iter()
        .map(|a| a.starts_at)
        .min()
        .unwrap_or_else(Utc::now);
    let updated_at = g
        .alerts
        .iter()
        .filter_map(|a| a.updated_at)
        .max()
        .unwrap_or(declared_at);
    let status = if suppressed {
        Status::Contained
    } else {
        Status::Triggered
    };
    Incident {
        id: IncidentId(id),
        title,
        summary: first
            .annotations
            .get("description")
            .cloned()
            .unwrap_or_default(),
        service,
        severity,
        status,
        commander: None,
        tags: labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        declared_at,
        updated_at,
        status_times: [(Status::Triggered, declared_at)].into_iter().collect(),
        last_stakeholder_update_at: None,
        version: 1,
        last_seq: 0,
        summary_cut: false,
        impact_started_at: None,
        state_counts: Default::default(),
        public: None,
        drill: None,
        // Only the group's own labels name it (not the first alert's).
        alert_group: crate::model::AlertGroupRef::bounded(&g.receiver.name, &g.labels),
        linked: Vec::new(),
        silenced: None,
        review: None,
        updates_sent: 0,
    }
}

/// The group's alerts as a timeline: each alert with all its labels and
/// annotations, and a line for each silence or inhibition on it.
/// Why Alertmanager holds an alert back, in words: each silence by whom and
/// why (from `silences`, by id), or the inhibition.
pub(super) fn suppression(
    a: &GettableAlert,
    silences: &HashMap<String, (String, String)>,
) -> Option<String> {
    let mut why: Vec<String> = a
        .status
        .silenced_by
        .iter()
        .map(|id| match silences.get(id) {
            Some((by, comment)) => format!("silenced by {by}: {comment}"),
            None => format!("silenced (silence {id})"),
        })
        .collect();
    if !a.status.inhibited_by.is_empty() {
        why.push(format!(
            "inhibited by {} other alert(s)",
            a.status.inhibited_by.len()
        ));
    }
    (a.status.state == "suppressed" || !why.is_empty()).then(|| {
        if why.is_empty() {
            "suppressed".to_string()
        } else {
            why.join("; ")
        }
    })
}

/// An alert group's timeline in Alertmanager's own states, oldest first:
/// each alert became active at its start; one that is suppressed (by a
/// silence or an inhibition) says so, with who silenced it and why.
pub fn to_detail(
    id: u64,
    g: &AlertGroup,
    silences: &HashMap<String, (String, String)>,
) -> IncidentDetail {
    let mut events: Vec<(DateTime<Utc>, EventKind)> = Vec::new();
    for a in &g.alerts {
        let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let annotations: Vec<String> = a
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let alert = format!(
            "{} {{{}}}",
            a.labels.get("alertname").map_or("alert", String::as_str),
            labels.join(", ")
        );
        let detail = (!annotations.is_empty()).then(|| annotations.join(" · "));
        events.push((
            a.starts_at,
            EventKind::AlertReceived {
                alert: alert.clone(),
                firing: true,
                detail: detail.clone(),
                suppressed: None,
                facts: crate::model::AlertFacts {
                    labels: a.labels.clone(),
                    annotations: a.annotations.clone(),
                    links: a
                        .generator_url
                        .iter()
                        .map(|u| ("source".to_string(), u.clone()))
                        .collect(),
                },
            },
        ));
        if let Some(why) = suppression(a, silences) {
            events.push((
                a.updated_at.unwrap_or(a.starts_at).max(a.starts_at),
                EventKind::AlertReceived {
                    alert,
                    firing: true,
                    detail: None,
                    suppressed: Some(why),
                    facts: Default::default(),
                },
            ));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    let timeline: Vec<TimelineEvent> = events
        .into_iter()
        .enumerate()
        .map(|(i, (at, kind))| TimelineEvent {
            written_at: None,
            seq: i as u64 + 1,
            at,
            author: "alertmanager".into(),
            kind,
        })
        .collect();
    let mut incident = to_incident(id, g);
    incident.last_seq = timeline.len() as u64;
    IncidentDetail {
        incident,
        timeline,
        responders: Vec::new(),
        checklists: Vec::new(),
        state: Default::default(),
        linked: Vec::new(),
        journal: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(state: &str, silenced: &[&str], inhibited: &[&str]) -> GettableAlert {
        serde_json::from_value(serde_json::json!({
            "labels": {"alertname": "DiskFull", "instance": "db-1"},
            "annotations": {},
            "fingerprint": "f1",
            "startsAt": "2026-11-25T10:00:00Z",
            "updatedAt": "2026-11-25T10:05:00Z",
            "status": {"state": state, "silencedBy": silenced, "inhibitedBy": inhibited}
        }))
        .unwrap()
    }

    #[test]
    fn suppression_says_who_silenced_and_what_inhibits() {
        let silences: HashMap<String, (String, String)> = [(
            "s1".to_string(),
            ("alice".to_string(), "disk swap".to_string()),
        )]
        .into();
        assert_eq!(suppression(&alert("active", &[], &[]), &silences), None);
        assert_eq!(
            suppression(&alert("suppressed", &["s1"], &[]), &silences).as_deref(),
            Some("silenced by alice: disk swap")
        );
        assert_eq!(
            suppression(&alert("suppressed", &[], &["f9", "f8"]), &silences).as_deref(),
            Some("inhibited by 2 other alert(s)")
        );
        assert_eq!(
            suppression(&alert("suppressed", &["gone"], &[]), &silences).as_deref(),
            Some("silenced (silence gone)")
        );
    }
}
