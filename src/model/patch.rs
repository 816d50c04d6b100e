//! Editing an incident's fields (`PATCH`): the bounds an edit keeps, and
//! the change with the events it records.

use chrono::{DateTime, Utc};

use super::action::CLOCK_SKEW;
use super::roster::assign_role;
use super::validate::{
    MAX_SHORT, MAX_TEXT, MAX_TITLE, check_optional_text, check_tags, check_text,
};
use super::wire::PatchRequest;
use super::{DomainError, EventKind, IncidentDetail, Role};

/// The bounds an edit must keep: the server checks them, and the console's
/// form checks them before sending, so both say the same thing.
pub fn check_patch(p: &PatchRequest) -> Result<(), DomainError> {
    if let Some(t) = &p.title {
        check_text("title", t, MAX_TITLE)?;
    }
    if let Some(s) = &p.service {
        check_text("service", s, MAX_SHORT)?;
    }
    if let Some(s) = &p.summary {
        check_optional_text("summary", s, MAX_TEXT)?;
    }
    if let Some(Some(c)) = &p.commander {
        check_text("commander", c, MAX_SHORT)?;
    }
    if let Some(t) = &p.tags {
        check_tags(t)?;
    }
    Ok(())
}

pub(super) fn patch(
    detail: &mut IncidentDetail,
    p: PatchRequest,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    check_patch(&p)?;
    // Impact starts before anyone notices, but not in the future and not a
    // month before the declaration (a typo, not an outage). Checked before
    // anything changes: a refused patch changes nothing.
    if let Some(at) = p.impact_started_at
        && (at > now + chrono::Duration::seconds(CLOCK_SKEW)
            || at < detail.incident.declared_at - chrono::Duration::days(30))
    {
        return Err(DomainError::Invalid(
            "`impact_started_at` must be before now and at most 30 days before the declaration"
                .into(),
        ));
    }
    let inc = &mut detail.incident;
    let mut events = Vec::new();
    let mut edited = Vec::new();
    if let Some(sev) = p.severity
        && sev != inc.severity
    {
        events.push(EventKind::SeverityChanged {
            from: inc.severity,
            to: sev,
        });
        inc.severity = sev;
    }
    if let Some(t) = p.title
        && t != inc.title
    {
        inc.title = t;
        edited.push("title".to_string());
    }
    if let Some(s) = p.summary
        && s != inc.summary
    {
        inc.summary = s;
        edited.push("summary".to_string());
    }
    if let Some(s) = p.service
        && s != inc.service
    {
        inc.service = s;
        edited.push("service".to_string());
    }
    if let Some(t) = p.tags
        && t != inc.tags
    {
        inc.tags = t;
        edited.push("tags".to_string());
    }
    if let Some(at) = p.impact_started_at
        && Some(at) != inc.impact_started_at
    {
        inc.impact_started_at = Some(at);
        edited.push("impact_started_at".to_string());
    }
    if let Some(c) = p.commander
        && c != inc.commander
    {
        match c {
            Some(handle) => {
                events.extend(assign_role(detail, &handle, Role::IncidentCommander, now))
            }
            None => {
                detail.incident.commander = None;
                edited.push("commander".to_string());
            }
        }
    }
    if !edited.is_empty() {
        events.push(EventKind::FieldsEdited { fields: edited });
    }
    Ok(events)
}
