//! Follow-up actions: what the team agreed to do after an incident so it
//! does not happen again, with an owner and a due date. They outlive the
//! incident: a closed incident still accepts them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::validate::check_text;
use super::{DomainError, IncidentId, MAX_SHORT, MAX_TITLE};

/// Longest link (a ticket URL) kept.
pub const MAX_LINK: usize = 2_000;
/// Follow-ups one incident may have.
pub const MAX_FOLLOWUPS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    Open,
    Done,
    WontDo,
}

impl FollowUpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::WontDo => "wont_do",
        }
    }
}

impl std::str::FromStr for FollowUpStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "open" => Ok(Self::Open),
            "done" => Ok(Self::Done),
            "wont_do" => Ok(Self::WontDo),
            _ => Err(format!(
                "`{s}` is not a follow-up status (open, done, wont_do)"
            )),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub enum Priority {
    P1,
    #[default]
    P2,
    P3,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: u64,
    pub incident: IncidentId,
    pub title: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub priority: Priority,
    pub status: FollowUpStatus,
    #[serde(default)]
    pub link: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FollowUp {
    /// Still open past its due date. A follow-up may be created already
    /// overdue (a date in the past is accepted): it shows as overdue.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == FollowUpStatus::Open && self.due.is_some_and(|d| d < today)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewFollowUp {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FollowUpPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FollowUpStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

fn check_link(link: &str) -> Result<(), DomainError> {
    if !(link.starts_with("https://") || link.starts_with("http://")) {
        return Err(DomainError::Invalid(
            "`link` must be an http(s) URL (a ticket)".into(),
        ));
    }
    check_text("link", link, MAX_LINK)?;
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::Invalid(
            "`link` holds spaces or control characters".into(),
        ));
    }
    Ok(())
}

impl NewFollowUp {
    pub fn check(&self) -> Result<(), DomainError> {
        check_text("title", &self.title, MAX_TITLE)?;
        if let Some(o) = &self.owner {
            check_text("owner", o, MAX_SHORT)?;
        }
        if let Some(l) = &self.link {
            check_link(l)?;
        }
        Ok(())
    }
}

impl FollowUpPatch {
    pub fn check(&self) -> Result<(), DomainError> {
        if let Some(t) = &self.title {
            check_text("title", t, MAX_TITLE)?;
        }
        if let Some(o) = &self.owner {
            check_text("owner", o, MAX_SHORT)?;
        }
        if let Some(l) = &self.link {
            check_link(l)?;
        }
        Ok(())
    }

    pub fn apply(self, f: &mut FollowUp, now: DateTime<Utc>) {
        if let Some(t) = self.title {
            f.title = t;
        }
        if let Some(o) = self.owner {
            f.owner = Some(o);
        }
        if let Some(d) = self.due {
            f.due = Some(d);
        }
        if let Some(p) = self.priority {
            f.priority = p;
        }
        if let Some(s) = self.status {
            f.status = s;
        }
        if let Some(l) = self.link {
            f.link = Some(l);
        }
        f.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_follow_ups_are_refused_by_field_and_a_past_due_date_is_overdue() {
        let ok = NewFollowUp {
            title: "Add a pool timeout alert".into(),
            owner: Some("marco".into()),
            due: NaiveDate::from_ymd_opt(2026, 1, 2),
            priority: Priority::P1,
            link: Some("https://tickets.example.com/OPS-12".into()),
        };
        assert!(ok.check().is_ok());
        for (bad, field) in [
            (
                NewFollowUp {
                    title: " ".into(),
                    ..ok.clone()
                },
                "title",
            ),
            (
                NewFollowUp {
                    link: Some("javascript:alert(1)".into()),
                    ..ok.clone()
                },
                "link",
            ),
            (
                NewFollowUp {
                    owner: Some("x".repeat(500)),
                    ..ok.clone()
                },
                "owner",
            ),
        ] {
            let e = bad.check().unwrap_err().to_string();
            assert!(e.contains(field), "{e}");
        }
        let mut f = FollowUp {
            id: 1,
            incident: IncidentId(4),
            title: ok.title,
            owner: ok.owner,
            due: ok.due,
            priority: ok.priority,
            status: FollowUpStatus::Open,
            link: ok.link,
            created_by: "alice".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(f.overdue(today));
        f.status = FollowUpStatus::Done;
        assert!(!f.overdue(today), "done is never overdue");
    }
}
