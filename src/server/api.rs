//! The incident API handlers under /api/v1.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::de::DeserializeOwned;

use super::AppState;
use super::auth::Principal;
use super::error::ApiError;
use super::json::{cached_json, decode, if_match_version, request_hash};
use super::store::{self, ListFilter, Stored};
use crate::model::wire::{
    ChangesResponse, ChecklistRequest, DeclareRequest, ListResponse, PatchRequest, TextRequest,
    TransitionRequest,
};
use crate::model::{Action, ActorRole, IncidentId, ResponderAction, apply, declare};

/// The longest a change-feed request may wait.
pub const MAX_WAIT_SECS: u64 = 60;

fn parse_id(raw: &str) -> Result<IncidentId, ApiError> {
    raw.parse()
        .map_err(|e: crate::model::ParseIdError| ApiError::not_found(e.to_string()))
}

fn param<T: std::str::FromStr<Err = String>>(
    q: &HashMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    q.get(name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<T>()
                .map_err(|e| ApiError::bad_request(format!("query parameter `{name}`: {e}")))
        })
        .transpose()
}

fn known_params(q: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    match q.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_request(format!(
            "unknown query parameter `{k}` (allowed: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

pub async fn list(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["status", "severity", "service", "all"])?;
    let all = match q.get("all").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "query parameter `all`: `{v}` is not true or false"
            )));
        }
    };
    let filter = ListFilter {
        all,
        status: param(&q, "status")?,
        severity: param(&q, "severity")?,
        service: q.get("service").filter(|s| !s.is_empty()).cloned(),
    };
    let (revision, incidents) = app.store.list(&filter)?;
    Ok(cached_json(
        &headers,
        &ListResponse {
            revision,
            incidents,
        },
    ))
}

pub async fn detail(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    let d = app.store.detail(parse_id(&id)?)?;
    Ok(cached_json(&headers, &d))
}

pub async fn changes(
    State(app): State<AppState>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["since", "wait"])?;
    let num = |name: &str| -> Result<u64, ApiError> {
        q.get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "query parameter `{name}` must be a whole number"
                    ))
                })
            })
            .transpose()
            .map(|v| v.unwrap_or(0))
    };
    let since = num("since")?;
    let wait = Duration::from_secs(num("wait")?.min(MAX_WAIT_SECS));
    let mut rx = app.store.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let current = *rx.borrow_and_update();
        if current != since {
            break;
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => continue,
            // Timed out, or the store is shutting down: answer with nothing new.
            _ => break,
        }
    }
    let (revision, changed) = app.store.changes_since(since)?;
    Ok(Json(ChangesResponse { revision, changed }).into_response())
}

pub async fn whoami(who: Principal) -> Response {
    Json(serde_json::json!({ "handle": who.0.handle, "role": who.0.role })).into_response()
}

/// The idempotency record key for a request, if it carried one.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let k = v
        .to_str()
        .map_err(|_| ApiError::bad_request("Idempotency-Key must be printable ASCII"))?
        .trim();
    if k.is_empty() || k.len() > 200 {
        return Err(ApiError::bad_request(
            "Idempotency-Key must be 1 to 200 characters",
        ));
    }
    Ok(Some(k.to_string()))
}

fn stored_response(s: Stored, location: Option<String>) -> Response {
    let status = StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK);
    let mut resp = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        s.body,
    )
        .into_response();
    if s.replayed {
        resp.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

/// A write on one incident: decode, check the caller's least role, apply
/// the action in one transaction under the request's idempotency key.
async fn write_incident<T: DeserializeOwned>(
    app: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    id: &str,
    body: Result<Bytes, BytesRejection>,
    least: ActorRole,
    to_action: impl FnOnce(T) -> Action,
) -> Result<Response, ApiError> {
    who.require(least)?;
    let id = parse_id(id)?;
    let expected = if_match_version(headers)?;
    let key = idempotency_key(headers)?;
    let (req, raw) = decode::<T>(headers, body)?;
    let action = to_action(req);
    // The precise rule (a responder may change only their own state) is
    // decided before anything about the incident, so a caller who may not
    // act never learns its version.
    who.require(action.required_role(&who.0.handle))?;
    let path = format!("/incidents/{id}");
    let method = if matches!(action, Action::Patch(_)) {
        "PATCH"
    } else {
        "POST"
    };
    let hash = request_hash(method, &format!("{path}/{}", action_name(&action)), &raw);
    let scope = who.idempotency_scope();
    let actor = who.0.clone();
    let stored = app.store.write(
        key.as_deref().map(|k| (scope.as_str(), k, hash.as_str())),
        |tx| {
            let d = store::update(tx, id, expected, |d| apply(d, action, &actor, Utc::now()))?;
            Ok((200, serde_json::to_string(&d)?))
        },
    )?;
    Ok(stored_response(stored, None))
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Transition { .. } => "transition",
        Action::Patch(_) => "patch",
        Action::Note { .. } => "notes",
        Action::Responder(_) => "responders",
        Action::Checklist { .. } => "checklist",
        Action::StakeholderUpdate { .. } => "updates",
        Action::Alert { .. } => "alert",
    }
}

pub async fn declare_incident(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Commander)?;
    let key = idempotency_key(&headers)?;
    let (req, raw) = decode::<DeclareRequest>(&headers, body)?;
    let hash = request_hash("POST", "/incidents", &raw);
    let scope = who.idempotency_scope();
    let checklists = app.runbooks.for_service(&req.service).checklists();
    let stored = app.store.write(
        key.as_deref().map(|k| (scope.as_str(), k, hash.as_str())),
        |tx| {
            let id = store::next_id(tx)?;
            let d = declare(id, req, &who.0, checklists, Utc::now())?;
            store::save(tx, &d, 0, None)?;
            Ok((201, serde_json::to_string(&d)?))
        },
    )?;
    let location = serde_json::from_str::<crate::model::IncidentDetail>(&stored.body)
        .ok()
        .map(|d| format!("/api/v1/incidents/{}", d.incident.id));
    Ok(stored_response(stored, location))
}

pub async fn patch_incident(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Commander)?;
    if headers.get(header::IF_MATCH).is_none() {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "PATCH needs If-Match: \"<version>\" so a stale edit cannot overwrite someone else's",
        ));
    }
    write_incident::<PatchRequest>(
        &app,
        &who,
        &headers,
        &id,
        body,
        ActorRole::Commander,
        Action::Patch,
    )
    .await
}

pub async fn transition(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    write_incident::<TransitionRequest>(
        &app,
        &who,
        &headers,
        &id,
        body,
        ActorRole::Commander,
        |r| Action::Transition {
            to: r.to,
            force: r.force,
            reason: r.reason,
        },
    )
    .await
}

pub async fn note(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    write_incident::<TextRequest>(&app, &who, &headers, &id, body, ActorRole::Responder, |r| {
        Action::Note { text: r.text }
    })
    .await
}

pub async fn stakeholder_update(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    write_incident::<TextRequest>(&app, &who, &headers, &id, body, ActorRole::Commander, |r| {
        Action::StakeholderUpdate { text: r.text }
    })
    .await
}

pub async fn responder(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    // Responders may change their own state; the model checks whose.
    write_incident::<ResponderAction>(
        &app,
        &who,
        &headers,
        &id,
        body,
        ActorRole::Responder,
        Action::Responder,
    )
    .await
}

pub async fn checklist(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    write_incident::<ChecklistRequest>(&app, &who, &headers, &id, body, ActorRole::Responder, |r| {
        Action::Checklist {
            phase: r.phase,
            item: r.item,
            done: r.done,
        }
    })
    .await
}
