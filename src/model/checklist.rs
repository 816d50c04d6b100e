use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Investigation,
    Containment,
    Resolution,
    Verification,
    PostIncident,
}

impl Phase {
    pub const ALL: [Phase; 5] = [
        Self::Investigation,
        Self::Containment,
        Self::Resolution,
        Self::Verification,
        Self::PostIncident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigation => "investigation",
            Self::Containment => "containment",
            Self::Resolution => "resolution",
            Self::Verification => "verification",
            Self::PostIncident => "post-incident",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == t)
            .ok_or_else(|| format!("unknown phase `{s}`"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
    /// The runbook action this item runs (`x` in the console), by its name
    /// in the server config's `[[actions]]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl ChecklistItem {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            done_by: None,
            done_at: None,
            action: None,
        }
    }

    pub fn is_done(&self) -> bool {
        self.done_at.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub phase: Phase,
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    pub fn open_items(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| !i.is_done())
            .map(|i| i.text.clone())
            .collect()
    }

    /// (done, total), for progress bars.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.items.iter().filter(|i| i.is_done()).count(),
            self.items.len(),
        )
    }
}
