//! The list filter: text, severity and status, and how it reads in the
//! list's title.

use crate::model::{Incident, Severity, Status};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.severity.is_none() && self.status.is_none()
    }

    /// The filter in words, for the list's title: `SEV3 · investigating ·
    /// "db"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.severity {
            parts.push(s.to_string());
        }
        if let Some(s) = self.status {
            parts.push(s.to_string());
        }
        if !self.text.is_empty() {
            parts.push(format!("\"{}\"", crate::text::one_line(&self.text, 20)));
        }
        parts.join(" · ")
    }

    pub(crate) fn admits(&self, i: &Incident) -> bool {
        if self.severity.is_some_and(|s| s != i.severity)
            || self.status.is_some_and(|s| s != i.status)
        {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        [
            i.title.as_str(),
            i.service.as_str(),
            i.commander.as_deref().unwrap_or(""),
        ]
        .iter()
        .any(|h| h.to_lowercase().contains(&needle))
            || i.id.to_string().to_lowercase().contains(&needle)
    }
}
