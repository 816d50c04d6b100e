//! Classification rules: which severity, service and runbook an alert
//! group gets, from its labels. Configured in the server's config file:
//!
//! ```toml
//! [[alertmanager.rules]]
//! labels = { team = "payments", severity = "critical" }   # all must match
//! severity = "SEV1"            # optional
//! service = "payments"         # optional
//! runbook = "payments"         # optional: a runbook template's name
//! ```
//!
//! Rules are tried in order and the first match wins. Without a match, the
//! severity comes from the `severity` label (critical → SEV1, error/high →
//! SEV2, warning → SEV3, low → SEV4, info → SEV5; anything else SEV3) and
//! the service from the `service`, `job` or `alertname` label.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::Severity;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub severity: Option<Severity>,
    pub service: Option<String>,
    pub runbook: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classifier {
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub severity: Severity,
    pub service: String,
    pub runbook: Option<String>,
}

impl Classifier {
    pub fn classify(&self, labels: &BTreeMap<String, String>) -> Class {
        let rule = self
            .rules
            .iter()
            .find(|r| r.labels.iter().all(|(k, v)| labels.get(k) == Some(v)));
        let default_service = ["service", "job", "alertname"]
            .iter()
            .find_map(|k| labels.get(*k))
            .cloned()
            .unwrap_or_else(|| "unknown".to_string());
        Class {
            severity: rule.and_then(|r| r.severity).unwrap_or_else(|| {
                Severity::from_alert_label(labels.get("severity").map(String::as_str))
            }),
            service: rule
                .and_then(|r| r.service.clone())
                .unwrap_or(default_service),
            runbook: rule.and_then(|r| r.runbook.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_first_matching_rule_wins_and_defaults_come_from_labels() {
        let c: Classifier = toml::from_str(
            "[[rules]]\nlabels = { team = \"payments\" }\nseverity = \"SEV1\"\n\
             runbook = \"payments\"\n[[rules]]\nlabels = {}\nservice = \"catch-all\"",
        )
        .unwrap();
        let k = c.classify(&labels(&[("team", "payments"), ("job", "api")]));
        assert_eq!(
            k,
            Class {
                severity: Severity::Sev1,
                service: "api".into(),
                runbook: Some("payments".into())
            }
        );
        let k = c.classify(&labels(&[("severity", "warning")]));
        assert_eq!(
            k,
            Class {
                severity: Severity::Sev3,
                service: "catch-all".into(),
                runbook: None
            }
        );
        let none = Classifier::default().classify(&labels(&[
            ("severity", "critical"),
            ("alertname", "DiskFull"),
        ]));
        assert_eq!(
            (none.severity, none.service.as_str()),
            (Severity::Sev1, "DiskFull")
        );
    }
}
