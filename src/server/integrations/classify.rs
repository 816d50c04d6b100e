//! Classification rules: which severity, service, runbook, tags and people
//! an incident gets, from what is known when it opens (an Alertmanager
//! group's labels and alerts, or a declaration by hand when the IC asks).
//! Configured in the server's config file, tried in order, first match
//! wins:
//!
//! ```toml
//! [[rules]]
//! name = "payments outage"
//! labels = { team = "payments" }              # equal, all must match
//! labels_match = { alertname = "^Payments" }  # regular expressions
//! title_match = "(?i)checkout|payment"        # on the title or alert summary
//! services = ["payments", "checkout"]         # the incident's service is one of these
//! firing_at_least = 3                         # alerts firing in the group
//! services_at_least = 2                       # distinct services affected
//! severity = "SEV1"                           # what a match sets (all optional)
//! service = "payments"
//! runbook = "payments"
//! tags = ["payments"]
//! page = ["dana"]                             # paged when the incident opens
//! ```
//!
//! (`[[alertmanager.rules]]`, the older name, are tried after `[[rules]]`.)
//! Without a match, the severity comes from the `severity` label (critical
//! → SEV1, error/high → SEV2, warning → SEV3, low → SEV4, info → SEV5;
//! anything else SEV3) and the service from the `service`, `job` or
//! `alertname` label. A regular expression that does not compile stops
//! the config from loading, with its line and column.

use std::collections::BTreeMap;

use regex_lite::Regex;
use serde::{Deserialize, Deserializer};

use crate::model::Severity;

/// At most this many rules; each is checked against every signal.
pub const MAX_RULES: usize = 500;
/// At most this many label conditions (`labels` and `labels_match`
/// together) in one rule.
pub const MAX_CONDITIONS: usize = 10;
/// A compiled pattern is held under this many bytes. Patterns are
/// `regex-lite` (the regex crate's small engine: same syntax, no Unicode
/// classes, far less memory per pattern): a rule is matched once when an
/// alert group opens an incident, so size matters more than speed.
const PATTERN_BYTES: usize = 64 * 1024;

/// A regular expression from the config, compiled when it is read (so a
/// bad one is reported with the line it is on).
#[derive(Debug, Clone)]
pub struct Pattern(Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() > 1_000 {
            return Err(serde::de::Error::custom(
                "a pattern is at most 1000 characters",
            ));
        }
        regex_lite::RegexBuilder::new(&s)
            .size_limit(PATTERN_BYTES)
            .build()
            .map(Pattern)
            .map_err(|e| serde::de::Error::custom(format!("not a valid regular expression: {e}")))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Named on the timeline when it fires (default: its place, `rule 3`).
    pub name: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub labels_match: BTreeMap<String, Pattern>,
    pub title_match: Option<Pattern>,
    #[serde(default)]
    pub services: Vec<String>,
    pub firing_at_least: Option<usize>,
    pub services_at_least: Option<usize>,
    pub severity: Option<Severity>,
    pub service: Option<String>,
    pub runbook: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub page: Vec<String>,
}

impl Rule {
    fn matches(&self, s: &Signal) -> bool {
        self.labels.iter().all(|(k, v)| s.labels.get(k) == Some(v))
            && self
                .labels_match
                .iter()
                .all(|(k, p)| s.labels.get(k).is_some_and(|v| p.0.is_match(v)))
            && self
                .title_match
                .as_ref()
                .is_none_or(|p| p.0.is_match(&s.title))
            && (self.services.is_empty()
                || s.service
                    .as_ref()
                    .is_some_and(|v| self.services.contains(v)))
            && self.firing_at_least.is_none_or(|n| s.firing >= n)
            && self.services_at_least.is_none_or(|n| s.services >= n)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classifier {
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// What is known when an incident opens.
#[derive(Debug, Clone, Default)]
pub struct Signal {
    pub labels: BTreeMap<String, String>,
    pub title: String,
    pub service: Option<String>,
    /// Alerts firing in the group.
    pub firing: usize,
    /// Distinct services the alerts name.
    pub services: usize,
}

/// What the rules set: the same shape the API suggests by
/// (`GET /classify`), so the two never drift apart.
pub use crate::model::wire::Suggestion as Class;

impl Classifier {
    /// `[[rules]]` then the older `[[alertmanager.rules]]`.
    pub fn joined(mut self, older: Classifier) -> Classifier {
        self.rules.extend(older.rules);
        self
    }

    pub fn check(&self) -> Result<(), String> {
        if self.rules.len() > MAX_RULES {
            return Err(format!("at most {MAX_RULES} rules"));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let name = r.name.clone().unwrap_or_else(|| format!("rule {}", i + 1));
            if r.labels.len() + r.labels_match.len() > MAX_CONDITIONS {
                return Err(format!(
                    "`{name}`: at most {MAX_CONDITIONS} label conditions (labels and labels_match)"
                ));
            }
            if r.tags.len() > crate::model::MAX_TAGS || r.page.len() > 10 {
                return Err(format!("`{name}`: at most 20 tags and 10 people to page"));
            }
            for h in r.page.iter().chain(&r.tags).chain(r.service.iter()) {
                if h.trim().is_empty() || h.chars().count() > crate::model::MAX_SHORT {
                    return Err(format!(
                        "`{name}`: an empty or over-long tag, handle or service"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The first matching rule's choices, over the defaults.
    pub fn classify(&self, s: &Signal) -> Class {
        let found = self.rules.iter().enumerate().find(|(_, r)| r.matches(s));
        let labels = &s.labels;
        // A blank or invisible label counts as absent: the next one
        // stands in, then `unknown` (an alert is never refused for it).
        let found_service = s.service.clone().or_else(|| {
            ["service", "job", "alertname"]
                .iter()
                .filter_map(|k| labels.get(*k))
                .find(|v| crate::model::is_visible(v))
                .cloned()
        });
        let default_service = found_service.unwrap_or_else(|| "unknown".to_string());
        let rule = found.map(|(_, r)| r);
        Class {
            rule: found.map(|(i, r)| r.name.clone().unwrap_or_else(|| format!("rule {}", i + 1))),
            severity: rule.and_then(|r| r.severity).unwrap_or_else(|| {
                Severity::from_alert_label(labels.get("severity").map(String::as_str))
            }),
            service: rule
                .and_then(|r| r.service.clone())
                .unwrap_or(default_service),
            runbook: rule.and_then(|r| r.runbook.clone()),
            tags: rule.map(|r| r.tags.clone()).unwrap_or_default(),
            page: rule.map(|r| r.page.clone()).unwrap_or_default(),
        }
    }
}

impl Class {
    /// In words, for the timeline and `warroom rules test`.
    pub fn describe(&self) -> String {
        let mut parts = vec![
            self.severity.to_string(),
            format!("service {}", self.service),
        ];
        if let Some(r) = &self.runbook {
            parts.push(format!("runbook {r}"));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tags {}", self.tags.join(" ")));
        }
        if !self.page.is_empty() {
            parts.push(format!("page {}", self.page.join(", ")));
        }
        parts.join(" · ")
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

    fn signal(pairs: &[(&str, &str)]) -> Signal {
        Signal {
            labels: labels(pairs),
            ..Signal::default()
        }
    }

    fn rules(text: &str) -> Classifier {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_first_matching_rule_wins_and_defaults_come_from_labels() {
        let c = rules(
            "[[rules]]\nlabels = { team = \"payments\" }\nseverity = \"SEV1\"\n\
             runbook = \"payments\"\n[[rules]]\nlabels = {}\nservice = \"catch-all\"",
        );
        let k = c.classify(&signal(&[("team", "payments"), ("job", "api")]));
        assert_eq!(k.rule.as_deref(), Some("rule 1"));
        assert_eq!((k.severity, k.service.as_str()), (Severity::Sev1, "api"));
        assert_eq!(k.runbook.as_deref(), Some("payments"));
        let k = c.classify(&signal(&[("severity", "warning")]));
        assert_eq!(k.rule.as_deref(), Some("rule 2"));
        assert_eq!(
            (k.severity, k.service.as_str()),
            (Severity::Sev3, "catch-all")
        );
        let none = Classifier::default().classify(&signal(&[
            ("severity", "critical"),
            ("alertname", "DiskFull"),
        ]));
        assert_eq!(none.rule, None);
        assert_eq!(
            (none.severity, none.service.as_str()),
            (Severity::Sev1, "DiskFull")
        );
    }

    #[test]
    fn every_matcher_kind() {
        let c = rules(
            r#"
[[rules]]
name = "regex on a label"
labels_match = { alertname = "^Payments" }
severity = "SEV1"
[[rules]]
name = "title"
title_match = "(?i)checkout"
severity = "SEV2"
[[rules]]
name = "service list"
services = ["search"]
severity = "SEV3"
[[rules]]
name = "many firing"
firing_at_least = 3
severity = "SEV2"
tags = ["storm"]
page = ["dana"]
[[rules]]
name = "wide"
services_at_least = 2
severity = "SEV1"
"#,
        );
        let named = |s: &Signal| c.classify(s).rule;
        let mut s = signal(&[("alertname", "PaymentsDBDown")]);
        assert_eq!(named(&s).as_deref(), Some("regex on a label"));
        s.labels.insert("alertname".into(), "OrdersDBDown".into());
        assert_eq!(named(&s), None, "a regex that does not match");
        s.title = "Checkout 502s".into();
        assert_eq!(named(&s).as_deref(), Some("title"));
        s.title.clear();
        s.service = Some("search".into());
        assert_eq!(named(&s).as_deref(), Some("service list"));
        s.service = Some("edge".into());
        s.firing = 2;
        assert_eq!(named(&s), None, "2 < 3");
        s.firing = 3;
        let k = c.classify(&s);
        assert_eq!(k.rule.as_deref(), Some("many firing"));
        assert_eq!(
            (k.tags.clone(), k.page.clone()),
            (vec!["storm".into()], vec!["dana".into()])
        );
        s.firing = 0;
        s.services = 2;
        assert_eq!(named(&s).as_deref(), Some("wide"));
    }

    #[test]
    fn a_bad_pattern_is_refused_with_its_line() {
        let e =
            toml::from_str::<Classifier>("[[rules]]\nname = \"x\"\ntitle_match = \"(unclosed\"\n")
                .unwrap_err()
                .to_string();
        assert!(
            e.contains("line 3") && e.contains("regular expression"),
            "{e}"
        );
    }
}
