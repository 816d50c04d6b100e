//! `GET /api/v1/incidents/{id}/postmortem?format=md|json`: the postmortem
//! draft, built from the whole record (see `crate::report::postmortem`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::known_params;
use super::{AppState, Store};
use crate::model::ActorRole;
use crate::report::postmortem::{MAX_EVENTS, Postmortem};

use axum::Router;
use axum::routing::get;
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/postmortem", get(postmortem))
}

pub async fn postmortem(
    State(store): State<Arc<Store>>,
    State(policy): State<Arc<crate::model::Policy>>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["format"])?;
    let id = parse_id(&id)?;
    let markdown = super::query::markdown_format(&q)?;
    let (mut detail, followups) = blocking(&store, move |s| {
        Ok((s.detail_from_start(id, MAX_EVENTS)?, s.followups(id)?))
    })
    .await?;
    detail
        .timeline
        .iter_mut()
        .for_each(|e| crate::model::redact_for_role(e, who.0.role));
    let pm = Postmortem::build(&detail, &followups, &policy).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_resolved",
            e.to_string(),
        )
    })?;
    // Pins past the events the document covers still make the narrative.
    let beyond = pm.curated_seqs_beyond();
    let pm = if beyond.is_empty() {
        pm
    } else {
        let mut events = blocking(&store, move |s| s.events_by_seq(id, &beyond)).await?;
        events
            .iter_mut()
            .for_each(|e| crate::model::redact_for_role(e, who.0.role));
        pm.with_curated_beyond(events)
    };
    if markdown {
        Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/markdown; charset=utf-8"),
            )],
            pm.markdown(),
        )
            .into_response())
    } else {
        Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            pm.json(),
        )
            .into_response())
    }
}
