//! An alert-born incident's alerts silenced in Alertmanager: who silenced
//! them, until when and why, kept on the incident so every view can say
//! "silenced" and the server knows, when the alerts go, that they resolved
//! while silenced (Alertmanager mutes a silenced alert's resolution too,
//! so no webhook ever says so).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::timeline::EventKind;
use super::{DomainError, IncidentDetail, MAX_SHORT, MAX_TEXT};

/// The silence over an incident's alerts, as Alertmanager has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceMark {
    /// The silences muting the alerts (at most [`SilenceMark::MAX_IDS`]).
    pub ids: Vec<String>,
    pub by: String,
    pub until: DateTime<Utc>,
    pub comment: String,
    /// The silenced alerts, fingerprint and name (at most
    /// [`SilenceMark::MAX_ALERTS`]): named again if they resolve.
    #[serde(default)]
    pub alerts: Vec<(String, String)>,
}

impl SilenceMark {
    pub const MAX_IDS: usize = 8;
    pub const MAX_ALERTS: usize = 50;

    fn check(&self) -> Result<(), DomainError> {
        let bad = |what: &str| {
            Err(DomainError::Invalid(format!(
                "a silence's {what} is too long"
            )))
        };
        if self.ids.len() > Self::MAX_IDS || self.ids.iter().any(|i| i.chars().count() > MAX_SHORT)
        {
            return bad("list of ids");
        }
        if self.by.chars().count() > MAX_SHORT {
            return bad("creator");
        }
        if self.comment.chars().count() > MAX_TEXT {
            return bad("comment");
        }
        if self.alerts.len() > Self::MAX_ALERTS
            || self
                .alerts
                .iter()
                .any(|(f, n)| f.chars().count() > MAX_SHORT || n.chars().count() > MAX_SHORT)
        {
            return bad("list of alerts");
        }
        Ok(())
    }

    /// The silence's first id, short, for a line of text.
    pub fn short_id(&self) -> String {
        self.ids
            .first()
            .map(|i| i.chars().take(8).collect())
            .unwrap_or_default()
    }
}

/// What changed about the silence over the incident's alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum SilenceChange {
    /// Silenced (or silenced by other silences than before).
    Silenced(SilenceMark),
    /// Some alert notifies again: the silence expired or was removed.
    Unsilenced,
    /// Every silenced alert resolved while silenced: nothing is silenced
    /// any more, and nothing is firing.
    ResolvedWhileSilenced,
}

/// Records the change on the incident and its timeline.
pub fn apply_silence(
    detail: &mut IncidentDetail,
    change: SilenceChange,
) -> Result<Vec<EventKind>, DomainError> {
    let rule = "alertmanager: silence".to_string();
    let text = match &change {
        SilenceChange::Silenced(m) => {
            m.check()?;
            format!(
                "Silenced in Alertmanager by {} until {}: {} (silence {}; {} alert(s))",
                m.by,
                m.until.format("%Y-%m-%d %H:%M UTC"),
                m.comment,
                m.short_id(),
                m.alerts.len()
            )
        }
        SilenceChange::Unsilenced => match &detail.incident.silenced {
            Some(m) => format!(
                "No longer silenced in Alertmanager (silence {} by {} expired or was removed): \
                 its alerts notify again",
                m.short_id(),
                m.by
            ),
            None => return Ok(Vec::new()),
        },
        SilenceChange::ResolvedWhileSilenced => {
            "Every silenced alert resolved while silenced. Alertmanager sends no notification \
             for a silenced alert's resolution; warroom read it from Alertmanager's API."
                .to_string()
        }
    };
    detail.incident.silenced = match change {
        SilenceChange::Silenced(m) => Some(m),
        SilenceChange::Unsilenced | SilenceChange::ResolvedWhileSilenced => None,
    };
    Ok(vec![EventKind::Automation { rule, text }])
}
