//! Runbook templates: the checklists an incident starts with, per phase.
//! Templates are TOML; a generic one is compiled in and teams add their own
//! from a runbooks folder, optionally matched to services. An item is a
//! line of text, or a table that also names a runbook action from the
//! server config (`{ text = "Restart checkout", action = "restart" }`).

use serde::Deserialize;

use super::{Checklist, ChecklistItem, Phase};

const DEFAULT_RUNBOOK: &str = include_str!("../../runbooks/default.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    pub name: String,
    /// Services this runbook is for; empty means it applies to none by
    /// itself and is used only when named (or as the default).
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub investigation: Vec<RunbookItem>,
    #[serde(default)]
    pub containment: Vec<RunbookItem>,
    #[serde(default)]
    pub resolution: Vec<RunbookItem>,
    #[serde(default)]
    pub verification: Vec<RunbookItem>,
    #[serde(default, rename = "post-incident")]
    pub post_incident: Vec<RunbookItem>,
}

/// One checklist item of a template: its text, and the action it runs
/// when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "a string, or a table `{ text = \"…\", action = \"…\" }`"
)]
pub enum RunbookItem {
    Text(String),
    WithAction(ActionItem),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub text: String,
    /// The name of an action in the server config's `[[actions]]`.
    pub action: String,
}

impl RunbookItem {
    pub fn text(&self) -> &str {
        match self {
            Self::Text(t) => t,
            Self::WithAction(a) => &a.text,
        }
    }

    pub fn action(&self) -> Option<&str> {
        match self {
            Self::Text(_) => None,
            Self::WithAction(a) => Some(&a.action),
        }
    }
}

impl From<&str> for RunbookItem {
    fn from(t: &str) -> Self {
        Self::Text(t.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("runbook {source_name}: {message}")]
pub struct RunbookError {
    pub source_name: String,
    pub message: String,
}

impl Runbook {
    pub fn parse(source_name: &str, text: &str) -> Result<Runbook, RunbookError> {
        let rb: Runbook = toml::from_str(text).map_err(|e| RunbookError {
            source_name: source_name.into(),
            message: e.to_string(),
        })?;
        if rb.name.trim().is_empty() {
            return Err(RunbookError {
                source_name: source_name.into(),
                message: "`name` must not be empty".into(),
            });
        }
        Ok(rb)
    }

    pub fn items(&self, phase: Phase) -> &[RunbookItem] {
        match phase {
            Phase::Investigation => &self.investigation,
            Phase::Containment => &self.containment,
            Phase::Resolution => &self.resolution,
            Phase::Verification => &self.verification,
            Phase::PostIncident => &self.post_incident,
        }
    }

    /// Adds an item at the end of a phase (a drill's simulated action).
    pub fn add(&mut self, phase: Phase, item: RunbookItem) {
        match phase {
            Phase::Investigation => &mut self.investigation,
            Phase::Containment => &mut self.containment,
            Phase::Resolution => &mut self.resolution,
            Phase::Verification => &mut self.verification,
            Phase::PostIncident => &mut self.post_incident,
        }
        .push(item);
    }

    /// Fresh, unticked checklists for a new incident.
    pub fn checklists(&self) -> Vec<Checklist> {
        Phase::ALL
            .into_iter()
            .map(|phase| Checklist {
                phase,
                items: self
                    .items(phase)
                    .iter()
                    .map(|i| ChecklistItem {
                        action: i.action().map(str::to_string),
                        ..ChecklistItem::new(i.text())
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The runbooks a server knows: the compiled-in default plus a team's own.
#[derive(Debug, Clone)]
pub struct RunbookSet {
    default: Runbook,
    extra: Vec<Runbook>,
}

impl Default for RunbookSet {
    fn default() -> Self {
        Self {
            default: Runbook::parse("default.toml (built in)", DEFAULT_RUNBOOK)
                .expect("the built-in runbook parses"),
            extra: Vec::new(),
        }
    }
}

impl RunbookSet {
    pub fn with(mut self, rb: Runbook) -> Self {
        if rb.name == self.default.name {
            self.default = rb;
        } else {
            self.extra.push(rb);
        }
        self
    }

    pub fn by_name(&self, name: &str) -> Option<&Runbook> {
        std::iter::once(&self.default)
            .chain(&self.extra)
            .find(|r| r.name == name)
    }

    /// The runbook whose `services` lists this service, else the default.
    pub fn for_service(&self, service: &str) -> &Runbook {
        self.extra
            .iter()
            .find(|r| r.services.iter().any(|s| s.eq_ignore_ascii_case(service)))
            .unwrap_or(&self.default)
    }

    /// Every action a template names, with the template and item, for
    /// checking them against the server's `[[actions]]` at start.
    pub fn named_actions(&self) -> Vec<(&str, &str, &str)> {
        std::iter::once(&self.default)
            .chain(&self.extra)
            .flat_map(|r| {
                Phase::ALL.into_iter().flat_map(move |p| {
                    r.items(p)
                        .iter()
                        .filter_map(move |i| i.action().map(|a| (r.name.as_str(), i.text(), a)))
                })
            })
            .collect()
    }

    pub fn names(&self) -> Vec<&str> {
        std::iter::once(&self.default)
            .chain(&self.extra)
            .map(|r| r.name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_runbook_has_items_in_every_phase() {
        let set = RunbookSet::default();
        let rb = set.for_service("anything");
        for phase in Phase::ALL {
            assert!(!rb.items(phase).is_empty(), "{phase} is empty");
        }
    }

    #[test]
    fn a_service_runbook_wins_over_the_default() {
        let rb = Runbook::parse(
            "t",
            "name = \"db\"\nservices = [\"postgres\"]\ncontainment = [\"Fail over\"]",
        )
        .unwrap();
        let set = RunbookSet::default().with(rb);
        assert_eq!(set.for_service("Postgres").name, "db");
        assert_eq!(set.for_service("checkout").name, "default");
    }

    #[test]
    fn an_item_may_name_an_action_and_its_checklist_item_carries_it() {
        let rb = Runbook::parse(
            "t",
            "name = \"db\"\ncontainment = [\"Page the DBA\", \
             { text = \"Fail over\", action = \"failover\" }]",
        )
        .unwrap();
        let lists = rb.checklists();
        let c = lists
            .iter()
            .find(|c| c.phase == Phase::Containment)
            .unwrap();
        assert_eq!(c.items[0].action, None);
        assert_eq!(c.items[1].text, "Fail over");
        assert_eq!(c.items[1].action.as_deref(), Some("failover"));
        let set = RunbookSet::default().with(rb);
        assert_eq!(set.named_actions(), vec![("db", "Fail over", "failover")]);
        let e = Runbook::parse(
            "t",
            "name = \"x\"\ncontainment = [{ text = \"a\", acton = \"b\" }]",
        )
        .unwrap_err();
        assert!(e.to_string().contains("action = "), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_with_the_key_named() {
        let e = Runbook::parse("t.toml", "name = \"x\"\ncontainmnet = []").unwrap_err();
        assert!(e.to_string().contains("containmnet"), "{e}");
    }
}
