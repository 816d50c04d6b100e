//! `GET /api/v1/incidents/{id}/deliveries`: the notifications an incident
//! caused and how each went (target by name, never its URL), newest first,
//! at most 200.

use axum::Json;
use axum::extract::{Path, State};

use std::sync::Arc;

use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::store::DeliveryInfo;
use super::{AppState, Store};
use crate::model::ActorRole;

use axum::Router;
use axum::routing::get;
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/deliveries", get(deliveries))
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
