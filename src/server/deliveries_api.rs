//! `GET /api/v1/incidents/{id}/deliveries`: the notifications an incident
//! caused and how each went (target by name, never its URL), newest first,
//! at most 200.

use axum::Json;
use axum::extract::{Path, State};

use super::AppState;
use super::api::parse_id;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::store::DeliveryInfo;
use crate::model::ActorRole;

pub async fn deliveries(
    State(app): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliveryInfo>>, ApiError> {
    who.require(ActorRole::Viewer)?;
    let id = parse_id(&id)?;
    let list = blocking(&app.store, move |s| s.deliveries(id)).await?;
    Ok(Json(list))
}
