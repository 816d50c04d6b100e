//! `GET /incidents/{id}/at`: the incident as it stood at one event or one
//! time, rebuilt by the model's own `apply` from the replay journal.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::AppState;
use super::api::{cached, incident_rev, parse_id};
use super::auth::Principal;
use super::error::ApiError;
use super::query::{known_params, number, param, query_key};
use crate::model::ActorRole;
use crate::model::replay::{ReplayAt, Step};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/at", get(state_at))
}

/// `seq=N` (after event N), `time=RFC3339` (after the last change at or
/// before it), or `seq=N&step=next-phase|prev-phase|next-minute|prev-minute`.
fn replay_at(q: &HashMap<String, String>) -> Result<ReplayAt, ApiError> {
    let seq = number(q, "seq")?;
    let time = q
        .get("time")
        .filter(|t| !t.is_empty())
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    ApiError::bad_request(format!(
                        "query parameter `time`: not an RFC 3339 time ({e}), e.g. 2026-03-06T14:07:00Z"
                    ))
                })
        })
        .transpose()?;
    let step = param::<Step>(q, "step")?;
    match (seq, time, step) {
        (Some(_), Some(_), _) => Err(ApiError::bad_request("give `seq` or `time`, not both")),
        (None, None, _) => Err(ApiError::bad_request(
            "give `seq` (an event's number) or `time` (RFC 3339)",
        )),
        (None, Some(_), Some(_)) => Err(ApiError::bad_request("`step` goes with `seq`")),
        (Some(from), None, Some(step)) => Ok(ReplayAt::Step { from, step }),
        (Some(n), None, None) => Ok(ReplayAt::Seq(n)),
        (None, Some(t), None) => Ok(ReplayAt::Time(t)),
    }
}

pub async fn state_at(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["seq", "time", "step"])?;
    let id = parse_id(&id)?;
    let at = replay_at(&q)?;
    let rev = incident_rev(&app, id).await?;
    let role = who.0.role;
    // A viewer's timeline is redacted (see `redact_for_role`): its own ETag.
    let who_tag = if role < ActorRole::Responder { "v" } else { "" };
    let etag = format!("\"r{who_tag}{}-{rev}-{}\"", id.0, query_key(&q));
    cached(&app, &headers, etag, move |s| {
        let mut st = s.state_at(id, at)?;
        st.detail
            .timeline
            .iter_mut()
            .for_each(|e| crate::model::redact_for_role(e, role));
        Ok(serde_json::to_string(&st)?)
    })
    .await
}
