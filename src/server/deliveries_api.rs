//! Notifications as the API shows them: `GET /incidents/{id}/deliveries`
//! (what an incident caused and how each went: the target by name, never
//! its URL; newest first, at most 200) and `POST /notify/test` (the
//! readiness check: a test delivery to each target now, one check at a
//! time).

use axum::Json;
use axum::extract::{Path, State};

use std::sync::Arc;

use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::json::decode;
use super::store::DeliveryInfo;
use super::{AppState, Notifier, Store};
use crate::model::ActorRole;
use crate::model::wire::{NotifyTestRequest, NotifyTestResponse};

use axum::Router;
use axum::routing::{get, post};
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/deliveries", get(deliveries))
        .route("/notify/test", post(notify_test))
}

pub async fn deliveries(
    State(store): State<Arc<Store>>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliveryInfo>>, ApiError> {
    who.require(ActorRole::Viewer)?;
    let id = parse_id(&id)?;
    let list = blocking(&store, move |s| s.deliveries(id)).await?;
    Ok(Json(list))
}

pub async fn notify_test(
    State(n): State<Notifier>,
    who: Principal,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<NotifyTestResponse>, ApiError> {
    who.require(ActorRole::Commander)?;
    let (req, _) = decode::<NotifyTestRequest>(&headers, body)?;
    // One check at a time: each reaches every target, so a second would
    // only double what people receive.
    let Ok(_one) = n.checking.try_acquire() else {
        return Err(ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "busy",
            "a readiness check is running; try again when it ends (at most a few seconds)",
        ));
    };
    let results = super::notify::readiness::check(&n.config, req, &who.0.handle)
        .await
        .map_err(ApiError::unprocessable)?;
    Ok(Json(NotifyTestResponse { results }))
}
