//! Follow-up actions over HTTP: per incident, and across incidents for
//! "what do I owe, and what is overdue".

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use std::sync::Arc;

use super::api::{idempotency_key, parse_id, stored_response};
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::json::{decode, request_hash};
use super::query::{flag, known_params, page_limit, param};
use super::store::followups::{self, FollowUpFilter, MAX_FOLLOWUP_LIST};
use super::{AppState, Store};
use crate::model::{ActorRole, FollowUpPatch, FollowUpStatus, NewFollowUp};

use axum::Router;
use axum::routing::{get, patch};
/// Follow-up actions, per incident and across incidents.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/incidents/{id}/followups",
            get(list_for_incident).post(add),
        )
        .route("/followups", get(across))
        .route("/followups/{fid}", patch(update))
}

pub async fn list_for_incident(
    State(store): State<Arc<Store>>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    let id = parse_id(&id)?;
    let list = blocking(&store, move |s| s.followups(id)).await?;
    Ok(Json(serde_json::json!({ "followups": list })).into_response())
}

/// A responder may add follow-ups, to any incident, closed ones included.
pub async fn add(
    State(store): State<Arc<Store>>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Responder)?;
    let id = parse_id(&id)?;
    let key = idempotency_key(&headers)?;
    let (req, raw) = decode::<NewFollowUp>(&headers, body)?;
    let hash = request_hash("POST", &format!("/incidents/{id}/followups"), &raw);
    let scope = who.idempotency_scope();
    let by = who.0.handle.clone();
    let stored = blocking(&store, move |s| {
        s.write(
            key.as_deref().map(|k| (scope.as_str(), k, hash.as_str())),
            |tx| {
                let f = followups::add(tx, id, req, &by)?;
                Ok((201, serde_json::to_string(&f)?))
            },
        )
    })
    .await?;
    Ok(stored_response(stored, None))
}

pub async fn update(
    State(store): State<Arc<Store>>,
    who: Principal,
    headers: HeaderMap,
    Path(fid): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Responder)?;
    let fid: u64 = fid.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "`{}` is not a follow-up id",
            crate::text::one_line(&fid, 40)
        ))
    })?;
    let key = idempotency_key(&headers)?;
    let (patch, raw) = decode::<FollowUpPatch>(&headers, body)?;
    let hash = request_hash("PATCH", &format!("/followups/{fid}"), &raw);
    let scope = who.idempotency_scope();
    let stored = blocking(&store, move |s| {
        s.write(
            key.as_deref().map(|k| (scope.as_str(), k, hash.as_str())),
            |tx| match followups::update(tx, fid, patch)? {
                Some(f) => Ok((200, serde_json::to_string(&f)?)),
                None => Ok((
                    404,
                    serde_json::json!({"error": {"code": "not_found", "message": format!("no follow-up {fid}")}})
                        .to_string(),
                )),
            },
        )
    })
    .await?;
    Ok(stored_response(stored, None))
}

/// `?owner=&overdue=true&status=open|done|wont_do|all&limit=`; open ones by
/// default, the most pressing first.
pub async fn across(
    State(store): State<Arc<Store>>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["owner", "overdue", "status", "limit"])?;
    let status = match q.get("status").map(String::as_str) {
        Some("all") => None,
        None | Some("") => Some(FollowUpStatus::Open),
        Some(_) => param::<FollowUpStatus>(&q, "status")?,
    };
    let today = Utc::now().date_naive();
    let filter = FollowUpFilter {
        owner: q.get("owner").filter(|s| !s.is_empty()).cloned(),
        overdue_on: flag(&q, "overdue")?.then_some(today),
        status,
        limit: page_limit(&q, MAX_FOLLOWUP_LIST)?,
    };
    let list = blocking(&store, move |s| s.followups_across(&filter)).await?;
    let rows: Vec<serde_json::Value> = list
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            v["overdue"] = f.overdue(today).into();
            v
        })
        .collect();
    Ok(Json(serde_json::json!({ "followups": rows, "today": today })).into_response())
}
