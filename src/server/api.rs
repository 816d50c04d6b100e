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

use super::AppState;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::json::{decode, json_with_etag, matches_if_none_match, not_modified, request_hash};
use super::query::{flag, known_params, number, page_limit, param, query_key};
use super::store::{self, ListFilter, Order, Store, Stored};
use crate::model::wire::{ChangesResponse, DeclareRequest, WriteAnswer};
use crate::model::{ActorRole, IncidentId, declare};

use axum::Router;
use axum::routing::get;
/// The reads of incidents, the change feed, who we are and the policy.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(declare_incident))
        .route("/incidents/{id}", get(detail))
        .route("/incidents/{id}/timeline", get(timeline))
        .route("/changes", get(changes))
        .route("/whoami", get(whoami))
        .route("/policy", get(policy))
}

/// The longest a change-feed request may wait.
pub const MAX_WAIT_SECS: u64 = 60;

pub(crate) fn parse_id(raw: &str) -> Result<IncidentId, ApiError> {
    raw.parse()
        .map_err(|e: crate::model::ParseIdError| ApiError::not_found(e.to_string()))
}

pub async fn list(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(
        &q,
        &[
            "status", "severity", "service", "all", "scope", "limit", "cursor", "ids", "order",
        ],
    )?;
    let ids = match q.get("ids").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let ids = v
                .split(',')
                .map(|s| s.parse::<IncidentId>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ApiError::bad_request(format!("query parameter `ids`: {e}")))?;
            if ids.len() > store::MAX_PAGE {
                return Err(ApiError::bad_request(format!(
                    "query parameter `ids`: at most {} ids",
                    store::MAX_PAGE
                )));
            }
            Some(ids)
        }
    };
    let (all, open) = match q.get("scope").map(String::as_str) {
        None | Some("") => (flag(&q, "all")?, false),
        Some("active") => (false, false),
        Some("open") => (false, true),
        Some("all") => (true, false),
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "query parameter `scope`: `{v}` is not active, open or all"
            )));
        }
    };
    let filter = ListFilter {
        all,
        open,
        status: param(&q, "status")?,
        severity: param(&q, "severity")?,
        service: q.get("service").filter(|s| !s.is_empty()).cloned(),
        ids,
        cursor: q.get("cursor").filter(|s| !s.is_empty()).cloned(),
        limit: page_limit(&q, store::MAX_PAGE)?,
        newest: match q.get("order").map(String::as_str) {
            None | Some("") | Some("severity") => false,
            Some("newest") => true,
            Some(v) => {
                return Err(ApiError::bad_request(format!(
                    "query parameter `order`: `{v}` is not severity or newest"
                )));
            }
        },
    };
    // The list changes only when the revision does: a client that has this
    // revision's answer gets a 304 without the database being asked.
    let etag = format!("\"l{}-{}\"", app.store.revision(), query_key(&q));
    cached(&app, &headers, etag, move |s| {
        Ok(s.list(&filter)?.to_json())
    })
    .await
}

pub async fn detail(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    let id = parse_id(&id)?;
    let rev = incident_rev(&app, id).await?;
    let role = who.0.role;
    if role < ActorRole::Responder {
        // A viewer's body differs (see `redact_for_role`): its own ETag.
        return cached(&app, &headers, format!("\"dv{}-{rev}\"", id.0), move |s| {
            let mut d = s.detail(id)?;
            d.timeline
                .iter_mut()
                .for_each(|e| crate::model::redact_for_role(e, role));
            Ok(serde_json::to_string(&d)?)
        })
        .await;
    }
    cached(&app, &headers, format!("\"d{}-{rev}\"", id.0), move |s| {
        s.detail_json(id)
    })
    .await
}

/// A timeline page as a viewer may read it.
#[derive(serde::Serialize, serde::Deserialize)]
struct TimelinePage {
    incident: String,
    last_seq: u64,
    events: Vec<crate::model::TimelineEvent>,
}

pub async fn timeline(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["after", "before", "limit"])?;
    let id = parse_id(&id)?;
    let order = match (number(&q, "after")?, number(&q, "before")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request("give `after` or `before`, not both"));
        }
        (Some(a), None) => Order::After(a),
        (None, Some(b)) => Order::Before(b),
        (None, None) => Order::Latest,
    };
    let limit = page_limit(&q, store::DETAIL_PAGE)?;
    let rev = incident_rev(&app, id).await?;
    let role = who.0.role;
    if role < ActorRole::Responder {
        let etag = format!("\"tv{}-{rev}-{}\"", id.0, query_key(&q));
        return cached(&app, &headers, etag, move |s| {
            let mut page: TimelinePage = serde_json::from_str(&s.timeline_json(id, order, limit)?)?;
            page.events
                .iter_mut()
                .for_each(|e| crate::model::redact_for_role(e, role));
            Ok(serde_json::to_string(&page)?)
        })
        .await;
    }
    let etag = format!("\"t{}-{rev}-{}\"", id.0, query_key(&q));
    cached(&app, &headers, etag, move |s| {
        s.timeline_json(id, order, limit)
    })
    .await
}

/// The revision an incident's ETags are made from: from memory, or (for
/// one this server has not heard of yet) from the database.
pub(super) async fn incident_rev(app: &AppState, id: IncidentId) -> Result<u64, ApiError> {
    if let Some(rev) = app.store.incident_rev(id) {
        return Ok(rev);
    }
    blocking(&app.store, move |s| s.lookup_incident_rev(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))
}

/// Answers from the ETag alone (304), from the shared body cache, or by
/// building the body on a blocking thread and caching it.
pub(super) async fn cached(
    app: &AppState,
    headers: &HeaderMap,
    etag: String,
    build: impl FnOnce(&Store) -> store::Result<String> + Send + 'static,
) -> Result<Response, ApiError> {
    if matches_if_none_match(headers, &etag) {
        return Ok(not_modified(&etag));
    }
    let body = match app.bodies.get(&etag) {
        Some(b) => b,
        None => {
            let body = Bytes::from(blocking(&app.store, build).await?);
            app.bodies.put(etag.clone(), body.clone());
            body
        }
    };
    Ok(json_with_etag(&etag, body))
}

static CHANGES_BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn changes(
    State(app): State<AppState>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["since", "wait"])?;
    let since = number(&q, "since")?.unwrap_or(0);
    let wait = Duration::from_secs(number(&q, "wait")?.unwrap_or(0).min(MAX_WAIT_SECS));
    let mut rx = app.store.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        // Marked seen first, so a change after the comparison still wakes.
        rx.borrow_and_update();
        if app.store.revision() != since {
            break;
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => continue,
            // Timed out, or the store is shutting down: answer with nothing new.
            _ => break,
        }
    }
    if app.store.revision() == since {
        return Ok(Json(ChangesResponse {
            revision: since,
            changed: Vec::new(),
        })
        .into_response());
    }
    // Every poll woken by one change asks the same question: the answer is
    // built once per (since, revision) and shared, so a thousand consoles
    // cost one database read, not a thousand.
    let key = format!("\"c{since}-{}\"", app.store.revision());
    if let Some(body) = app.bodies.get(&key) {
        return Ok(json_body(body));
    }
    // One builds while the others woken with it wait for its answer.
    let _one = CHANGES_BUILD.lock().await;
    if let Some(body) = app.bodies.get(&key) {
        return Ok(json_body(body));
    }
    let (revision, changed) = blocking(&app.store, move |s| s.changes_since(since)).await?;
    let body = Bytes::from(
        serde_json::to_vec(&ChangesResponse { revision, changed }).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("cannot encode the changes: {e}"),
            )
        })?,
    );
    app.bodies
        .put(format!("\"c{since}-{revision}\""), body.clone());
    Ok(json_body(body))
}

fn json_body(body: Bytes) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The team's working agreements (stakeholder update cadence), for
/// consoles to show what is due.
pub async fn policy(
    State(policy): State<std::sync::Arc<crate::model::Policy>>,
    who: Principal,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    Ok(Json(policy.as_ref().clone()).into_response())
}

pub async fn whoami(who: Principal) -> Response {
    Json(serde_json::json!({ "handle": who.0.handle, "role": who.0.role })).into_response()
}

/// The idempotency record key for a request, if it carried one.
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
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

pub(super) fn stored_response(s: Stored, location: Option<String>) -> Response {
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
    let actor = who.0.clone();
    let notify = app.notify.clone();
    let stored = blocking(&app.store, move |s| {
        s.write(
            key.as_deref().map(|k| (scope.as_str(), k, hash.as_str())),
            |tx| {
                let id = store::next_id(tx)?;
                let d = declare(id, req, &actor, checklists, Utc::now())?;
                store::save(tx, &d, 0, None)?;
                super::notify::enqueue(
                    tx,
                    &notify,
                    super::notify::Subscriber::of(&d),
                    &d.timeline,
                )?;
                Ok((201, serde_json::to_string(&WriteAnswer::from(d))?))
            },
        )
    })
    .await?;
    app.notify_wake.notify_one();
    let location = serde_json::from_str::<WriteAnswer>(&stored.body)
        .ok()
        .map(|a| format!("/api/v1/incidents/{}", a.incident.id));
    Ok(stored_response(stored, location))
}
