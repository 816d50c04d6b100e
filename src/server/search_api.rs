//! "Seen before": incidents like this one, and a word search over all of
//! them (see `store::search`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::{known_params, page_limit};
use super::{AppState, Store};
use crate::model::ActorRole;

use axum::Router;
use axum::routing::get;
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/similar", get(similar))
        .route("/search", get(search))
}

/// `GET /incidents/{id}/similar?limit=`: resolved, verified and closed
/// incidents most like this one (at most 20), with how long each took to
/// resolve and its last notes before the resolution.
pub async fn similar(
    State(store): State<Arc<Store>>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["limit"])?;
    let id = parse_id(&id)?;
    let limit = page_limit(&q, 5)?.min(20);
    let found = blocking(&store, move |s| s.similar(id, limit)).await?;
    Ok(Json(serde_json::json!({ "similar": found })).into_response())
}

/// `GET /search?q=words&limit=`: incidents of any status matching any of
/// the words, best first (at most 100). Only words count: quotes,
/// operators and other FTS5 syntax in `q` are ignored, never an error.
pub async fn search(
    State(store): State<Arc<Store>>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["q", "limit"])?;
    let text = q.get("q").cloned().unwrap_or_default();
    if text.chars().count() > 1_000 {
        return Err(ApiError::bad_request(
            "query parameter `q` is over 1,000 characters",
        ));
    }
    let limit = page_limit(&q, 20)?.min(100);
    let found = blocking(&store, move |s| s.search(&text, limit)).await?;
    Ok(Json(serde_json::json!({ "incidents": found })).into_response())
}
