//! `GET /api/v1/classify?title=…&service=…`: what the classification
//! rules would set for an incident declared by hand, so the IC can see the
//! suggestion before declaring and take it or leave it. Nothing changes.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};

use std::sync::Arc;

use super::AppState;
use super::auth::Principal;
use super::error::ApiError;
use super::integrations::classify::Classifier;
use super::integrations::classify::Signal;
use crate::model::wire::Suggestion;
use crate::model::{ActorRole, MAX_SHORT, MAX_TITLE};

use axum::Router;
use axum::routing::get;
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/classify", get(classify))
}

pub async fn classify(
    State(classifier): State<Arc<Classifier>>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Suggestion>, ApiError> {
    who.require(ActorRole::Responder)?;
    if let Some(k) = q
        .keys()
        .find(|k| !matches!(k.as_str(), "title" | "service"))
    {
        return Err(ApiError::bad_request(format!(
            "unknown parameter `{}` (title, service)",
            crate::text::one_line(k, 40)
        )));
    }
    let title = q.get("title").cloned().unwrap_or_default();
    let service = q.get("service").cloned().filter(|s| !s.trim().is_empty());
    if title.chars().count() > MAX_TITLE
        || service
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SHORT)
    {
        return Err(ApiError::bad_request(format!(
            "title is at most {MAX_TITLE} and service {MAX_SHORT} characters"
        )));
    }
    let class: Suggestion = classifier.classify(&Signal {
        title,
        service: service.clone(),
        services: usize::from(service.is_some()),
        ..Signal::default()
    });
    Ok(Json(class))
}
