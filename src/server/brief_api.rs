//! `GET /api/v1/incidents/{id}/brief?format=md|json`: the brief, generated
//! from the record (see `crate::model::brief`), for a handoff or a
//! stakeholder joining late. Any reader may have it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::known_params;
use super::{AppState, Store};
use crate::model::brief::Brief;
use crate::model::{ActorRole, Policy};
use crate::report::brief;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/brief", get(get_brief))
}

pub async fn get_brief(
    State(store): State<Arc<Store>>,
    State(policy): State<Arc<Policy>>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["format"])?;
    let id = parse_id(&id)?;
    let markdown = super::query::markdown_format(&q)?;
    // The newest page of the timeline is all the brief reads (the alert
    // states); everything else is in the state document.
    let detail = blocking(&store, move |s| s.detail(id)).await?;
    let b = Brief::build(&detail, &policy, chrono::Utc::now());
    let (ct, body) = if markdown {
        ("text/markdown; charset=utf-8", brief::markdown(&b))
    } else {
        ("application/json", brief::json(&b))
    };
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(ct))], body).into_response())
}
