//! Reviews after the outage: `POST /incidents/{id}/review` (name the
//! owner; move it one step), the facts the model needs filled in from
//! the server (the deadline from `[policy]` and the server's time zone,
//! the follow-ups not yet triaged), and `GET /reviews` (every open
//! review, the overdue ones first, or only those with `?overdue=true`).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{FixedOffset, Utc};
use std::collections::HashMap;

use super::AppState;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::{flag, known_params};
use super::store::{self, Sql};
use crate::model::review::{ReviewDeadline, ReviewEntry, due, may_close};
use crate::model::{
    Action, ActorRole, DomainError, IncidentDetail, Policy, ReviewAction, ReviewFacts, Status,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/reviews", get(list))
}

/// The server's time zone for business days: `[policy] review_utc_offset`,
/// else the host's own offset now (its `TZ`).
pub fn zone(policy: &Policy) -> FixedOffset {
    let secs = policy
        .review_utc_offset
        .as_deref()
        .and_then(|o| crate::model::parse_utc_offset(o).ok())
        .unwrap_or_else(|| chrono::Local::now().offset().local_minus_utc());
    FixedOffset::east_opt(secs).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero"))
}

/// Fills a review action's facts from the incident, the policy and the
/// store (in the write's transaction).
pub fn with_facts(
    tx: &dyn Sql,
    d: &IncidentDetail,
    action: Action,
    policy: &Policy,
) -> Result<Action, DomainError> {
    // The curated timeline's tags are the policy's set.
    if let Action::Curate(c) = &action {
        c.check_tags(&policy.timeline_tags)?;
        return Ok(action);
    }
    let Action::Review(a, _) = action else {
        return Ok(action);
    };
    let inc = &d.incident;
    let resolved = inc.status_times.get(&Status::Resolved).copied();
    let deadline: Option<ReviewDeadline> = policy.review_deadlines.get(&inc.severity).copied();
    let no_deadline = match (resolved, deadline) {
        (None, _) => Some(format!(
            "{} has not been resolved: nothing to count from",
            inc.id
        )),
        (_, None) => Some(format!(
            "{} has no review deadline in the policy; [policy] review_deadlines.{} = \
             {{ days = 10, business = true }} gives it one",
            inc.severity, inc.severity
        )),
        _ => None,
    };
    let untriaged = match &a {
        ReviewAction::Move {
            to: crate::model::ReviewStatus::Closed,
        } => {
            let f = store::followups::for_incident(tx, inc.id)
                .map_err(|e| DomainError::Invalid(format!("cannot read the follow-ups: {e}")))?;
            may_close(&f).err()
        }
        _ => None,
    };
    Ok(Action::Review(
        a,
        ReviewFacts {
            due: resolved
                .zip(deadline)
                .map(|(r, dl)| due(r, dl, &zone(policy))),
            draft_hours: policy.review_draft_hours,
            untriaged,
            no_deadline,
        },
    ))
}

/// Reviews listed at most.
pub const MAX_REVIEWS: usize = 500;

async fn list(
    State(app): State<AppState>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["overdue"])?;
    let only_overdue = flag(&q, "overdue")?;
    let now = Utc::now();
    let due_before = only_overdue.then_some(now);
    let all = blocking(&app.store, move |s| s.open_reviews(due_before)).await?;
    let mut out: Vec<ReviewEntry> = all
        .into_iter()
        .filter_map(|i| {
            let r = i.review?;
            let overdue = r.overdue(now);
            let next = r.next_due();
            Some(ReviewEntry {
                incident: i.id.to_string(),
                title: i.title,
                severity: i.severity.to_string(),
                next: next.map(|(w, _)| w.to_string()),
                next_due: next.map(|(_, t)| t),
                overdue,
                review: r,
            })
        })
        .filter(|e| e.review.status != crate::model::ReviewStatus::Closed)
        .filter(|e| !only_overdue || e.overdue)
        .collect();
    out.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.next_due.cmp(&b.next_due)));
    out.truncate(MAX_REVIEWS);
    Ok(Json(out).into_response())
}
