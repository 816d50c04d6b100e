//! The flash: a message on top of everything until dismissed, and the
//! conflict a refused write carries.

use crate::client::Write;
use crate::model::Incident;

/// A message on top of everything until dismissed. A refused write keeps
/// the write so the IC can retry it on fresh state or drop it.
#[derive(Debug, Clone)]
pub struct Flash {
    pub title: String,
    pub text: String,
    pub error: bool,
    /// A write the server refused because someone changed the incident
    /// first: held so the IC can restate it on the fresh state or drop it.
    pub conflict: Option<Box<Conflict>>,
}

/// A refused write and what changed under it. The dialog is drawn from
/// the incident as the server has it *after* the refusal (`now`, fetched
/// for the purpose), never from the view the IC acted on.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub write: Write,
    pub what: String,
    /// The incident as the IC saw it when they acted.
    pub seen: Option<Incident>,
    /// The incident as the server has it now; `None` while it is fetched.
    pub now: Option<Incident>,
    /// What others did since `seen`: "12:03:10 alice: severity SEV2 → SEV1".
    pub changes: Vec<String>,
    /// The fresh state could not be read.
    pub fetch_error: Option<String>,
}

impl Conflict {
    /// Field by field, what differs between what the IC saw and what is
    /// true now: (field, then, now).
    pub fn differences(&self) -> Vec<(&'static str, String, String)> {
        let (Some(a), Some(b)) = (&self.seen, &self.now) else {
            return Vec::new();
        };
        let who = |c: &Option<String>| c.clone().unwrap_or_else(|| "nobody".into());
        let fields: [(&'static str, String, String); 7] = [
            ("severity", a.severity.to_string(), b.severity.to_string()),
            ("status", a.status.to_string(), b.status.to_string()),
            ("title", a.title.clone(), b.title.clone()),
            ("service", a.service.clone(), b.service.clone()),
            ("commander", who(&a.commander), who(&b.commander)),
            ("summary", a.summary.clone(), b.summary.clone()),
            ("tags", a.tags.join(", "), b.tags.join(", ")),
        ];
        fields.into_iter().filter(|(_, x, y)| x != y).collect()
    }
}

impl Flash {
    pub fn info(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            error: false,
            conflict: None,
        }
    }

    pub fn error(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            error: true,
            conflict: None,
        }
    }
}
