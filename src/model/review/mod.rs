//! The review after the outage as a tracked process (PagerDuty's
//! postmortem process): the IC names an owner for every SEV1/SEV2 at
//! resolution; the review meeting is due within a deadline that follows
//! the policy (3 calendar days for a SEV1, 5 business days for a SEV2 by
//! default), the draft 24 hours before it; the review moves Draft → In
//! Review → Reviewed → Closed, each step with who and when; it is closed
//! only once its follow-ups are triaged (done, not doing, or open with an
//! owner and a due date). Closing the incident does not wait for it.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::timeline::EventKind;
use super::{Actor, DomainError, FollowUp, FollowUpStatus, IncidentDetail, MAX_SHORT, Severity};

/// Where a review stands, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Draft,
    InReview,
    Reviewed,
    Closed,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Reviewed => "reviewed",
            Self::Closed => "closed",
        }
    }

    /// As a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::InReview => "In Review",
            Self::Reviewed => "Reviewed",
            Self::Closed => "Closed",
        }
    }

    pub fn next(self) -> Option<ReviewStatus> {
        match self {
            Self::Draft => Some(Self::InReview),
            Self::InReview => Some(Self::Reviewed),
            Self::Reviewed => Some(Self::Closed),
            Self::Closed => None,
        }
    }
}

impl std::str::FromStr for ReviewStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "draft" => Ok(Self::Draft),
            "in_review" => Ok(Self::InReview),
            "reviewed" => Ok(Self::Reviewed),
            "closed" => Ok(Self::Closed),
            _ => Err(format!(
                "`{}` is not a review status (draft, in-review, reviewed, closed)",
                s.chars().take(30).collect::<String>()
            )),
        }
    }
}

/// How long after resolution a severity's review meeting is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDeadline {
    pub days: u32,
    /// Count Monday to Friday only, in the server's time zone.
    #[serde(default)]
    pub business: bool,
}

/// The longest deadline a config may set.
pub const MAX_REVIEW_DAYS: u32 = 60;

/// PagerDuty's postmortem process: SEV1 within 3 calendar days, SEV2
/// within 5 business days.
pub fn default_deadlines() -> std::collections::BTreeMap<Severity, ReviewDeadline> {
    std::collections::BTreeMap::from([
        (
            Severity::Sev1,
            ReviewDeadline {
                days: 3,
                business: false,
            },
        ),
        (
            Severity::Sev2,
            ReviewDeadline {
                days: 5,
                business: true,
            },
        ),
    ])
}

/// When the review meeting is due: `days` after `resolved`, counting only
/// Monday to Friday in `tz` when `business` (a resolution on a weekend
/// starts counting on Monday), at the same time of day.
pub fn due<Tz: TimeZone>(resolved: DateTime<Utc>, d: ReviewDeadline, tz: &Tz) -> DateTime<Utc> {
    if !d.business {
        return resolved + Duration::days(i64::from(d.days));
    }
    let local = resolved.with_timezone(tz);
    let mut at = local.clone();
    let mut left = d.days;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    at.with_timezone(&Utc)
}

/// One step of a review: to which status, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewStep {
    pub status: ReviewStatus,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// An incident's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub owner: String,
    pub status: ReviewStatus,
    /// The review meeting is due by then.
    pub due: DateTime<Utc>,
    /// The draft goes out by then ([`super::Policy::review_draft_hours`]
    /// before the meeting).
    pub draft_due: DateTime<Utc>,
    /// Every step, oldest first (at most [`Review::MAX_STEPS`]: four
    /// statuses and a few owner changes).
    pub steps: Vec<ReviewStep>,
}

impl Review {
    pub const MAX_STEPS: usize = 16;

    /// What is due next and by when: the draft, then the meeting; `None`
    /// once reviewed.
    pub fn next_due(&self) -> Option<(&'static str, DateTime<Utc>)> {
        match self.status {
            ReviewStatus::Draft => Some(("draft", self.draft_due)),
            ReviewStatus::InReview => Some(("review meeting", self.due)),
            ReviewStatus::Reviewed | ReviewStatus::Closed => None,
        }
    }

    /// Past what is due next.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_due().is_some_and(|(_, t)| now > t)
    }
}

/// One review in `GET /reviews`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub incident: String,
    pub title: String,
    pub severity: String,
    #[serde(flatten)]
    pub review: Review,
    /// What is due next (`draft`, `review meeting`) and when.
    pub next: Option<String>,
    pub next_due: Option<DateTime<Utc>>,
    pub overdue: bool,
}

/// What a person does to a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReviewAction {
    /// Names the owner (opening the review as a Draft when there is none).
    Assign { owner: String },
    /// Moves it one step on (Draft → In Review → Reviewed → Closed).
    Move { to: ReviewStatus },
}

/// Whether the review may close: every follow-up triaged.
pub fn may_close(followups: &[FollowUp]) -> Result<(), String> {
    let untriaged: Vec<String> = followups
        .iter()
        .filter(|f| f.status == FollowUpStatus::Open && (f.owner.is_none() || f.due.is_none()))
        .map(|f| format!("#{} {}", f.id, f.title.chars().take(40).collect::<String>()))
        .collect();
    if untriaged.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the review closes once its follow-ups are triaged (done, not doing, or open with an \
         owner and a due date): {} untriaged: {}",
        untriaged.len(),
        untriaged.into_iter().take(5).collect::<Vec<_>>().join(", ")
    ))
}

/// What the server knows that a review action needs: the meeting's
/// deadline (from the policy, the severity, the resolution time and the
/// server's time zone), how long before it the draft is due, and the
/// follow-ups not yet triaged (closing is refused while there are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFacts {
    pub due: Option<DateTime<Utc>>,
    pub draft_hours: u32,
    /// Why the review cannot close yet, if it cannot ([`may_close`]).
    pub untriaged: Option<String>,
    /// Why there is no deadline, if there is none.
    pub no_deadline: Option<String>,
}

/// Applies a review action with what the server knows ([`ReviewFacts`]).
pub fn apply_review(
    detail: &mut IncidentDetail,
    action: ReviewAction,
    facts: ReviewFacts,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let id = detail.incident.id;
    let (due, draft_hours) = (facts.due, facts.draft_hours);
    match action {
        ReviewAction::Assign { owner } => {
            let owner = owner.trim().to_string();
            if owner.is_empty() || owner.chars().count() > MAX_SHORT {
                return Err(DomainError::Invalid(format!(
                    "a review owner is a handle of 1 to {MAX_SHORT} characters"
                )));
            }
            if detail.incident.status.is_active() {
                return Err(DomainError::Invalid(format!(
                    "{id} is {}: a review owner is named once it is resolved",
                    detail.incident.status
                )));
            }
            let text = match &mut detail.incident.review {
                Some(r) => {
                    if r.status == ReviewStatus::Closed {
                        return Err(DomainError::Invalid(format!("{id}'s review is closed")));
                    }
                    let was = std::mem::replace(&mut r.owner, owner.clone());
                    format!("Review owner: {owner} (was {was})")
                }
                None => {
                    let due = due.ok_or_else(|| {
                        DomainError::Invalid(facts.no_deadline.clone().unwrap_or_else(|| {
                            format!("{id} has no resolution time to count the deadline from")
                        }))
                    })?;
                    let draft_due = due - Duration::hours(i64::from(draft_hours));
                    detail.incident.review = Some(Review {
                        owner: owner.clone(),
                        status: ReviewStatus::Draft,
                        due,
                        // Past already when named late: said overdue,
                        // never moved (the deadline counts from resolution).
                        draft_due,
                        steps: vec![ReviewStep {
                            status: ReviewStatus::Draft,
                            by: actor.handle.clone(),
                            at: now,
                        }],
                    });
                    format!(
                        "Review owner: {owner}; the draft is due {} and the review meeting {}",
                        draft_due.format("%Y-%m-%d %H:%M UTC"),
                        due.format("%Y-%m-%d %H:%M UTC")
                    )
                }
            };
            Ok(vec![EventKind::Automation {
                rule: "review".into(),
                text,
            }])
        }
        ReviewAction::Move { to } => {
            let owner = detail.incident.review.as_ref().map(|r| r.owner.clone());
            // The owner moves their review; so does a commander.
            if actor.role < super::ActorRole::Commander && owner.as_deref() != Some(&actor.handle) {
                return Err(DomainError::Forbidden(format!(
                    "only the review's owner ({}) or a commander moves it",
                    owner.as_deref().unwrap_or("none yet")
                )));
            }
            if to == ReviewStatus::Closed
                && let Some(why) = facts.untriaged
            {
                return Err(DomainError::Invalid(why));
            }
            let r = detail.incident.review.as_mut().ok_or_else(|| {
                DomainError::Invalid(format!("{id} has no review yet: name its owner first"))
            })?;
            if r.status.next() != Some(to) {
                return Err(DomainError::Invalid(format!(
                    "{id}'s review is {}: it moves one step at a time ({})",
                    r.status.label(),
                    r.status
                        .next()
                        .map_or("it is closed".to_string(), |n| format!(
                            "next: {}",
                            n.label()
                        ))
                )));
            }
            r.status = to;
            if r.steps.len() < Review::MAX_STEPS {
                r.steps.push(ReviewStep {
                    status: to,
                    by: actor.handle.clone(),
                    at: now,
                });
            }
            Ok(vec![EventKind::Automation {
                rule: "review".into(),
                text: format!("Review: {} (by {})", to.label(), actor.handle),
            }])
        }
    }
}

#[cfg(test)]
mod tests;
