//! `POST /incidents/{id}/silence`: a commander silences, from warroom, the
//! Alertmanager group an incident was opened from. The server creates the
//! silence in Alertmanager (`[alertmanager] url`), with equality matchers
//! on the group's labels (the same ones the console shows first), and
//! records it on the timeline at once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::am_api;
use super::sync;
use crate::model::wire::WriteAnswer;
use crate::model::{ActorRole, SilenceChange, SilenceMark};
use crate::server::AppState;
use crate::server::auth::Principal;
use crate::server::error::ApiError;
use crate::server::json::decode;

/// The longest silence warroom makes: a week, as the CLI allows.
pub const MAX_MINUTES: u32 = 7 * 24 * 60;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilenceRequest {
    pub comment: String,
    pub minutes: u32,
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/incidents/{id}/silence", axum::routing::post(silence))
}

pub async fn silence(
    State(app): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Path(raw): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Commander)?;
    let id = crate::server::api::parse_id(&raw)?;
    let (req, _) = decode::<SilenceRequest>(&headers, body)?;
    let comment = req.comment.trim().to_string();
    if comment.is_empty() {
        return Err(ApiError::unprocessable(
            "`comment` is required: it tells the next person why the alerts are quiet",
        ));
    }
    if comment.chars().count() > crate::model::MAX_TEXT {
        return Err(ApiError::unprocessable(format!(
            "`comment` holds more than {} characters",
            crate::model::MAX_TEXT
        )));
    }
    if req.minutes == 0 || req.minutes > MAX_MINUTES {
        return Err(ApiError::unprocessable(format!(
            "`minutes` is 1 to {MAX_MINUTES} (a week)"
        )));
    }
    let Some(am) = app.alertmanager.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_alertmanager",
            "this server is not connected to Alertmanager: set [alertmanager] url in its \
             server.toml, or silence from an Alertmanager profile",
        ));
    };
    let inc = crate::server::blocking(&app.store, move |s| {
        s.read(|c| crate::server::store::load_for_write(c, id))
    })
    .await?
    .incident;
    if inc.drill.is_some() {
        return Err(ApiError::unprocessable(
            "a drill's alerts come from no Alertmanager: nothing to silence",
        ));
    }
    let Some(group) = inc.alert_group.clone() else {
        return Err(ApiError::unprocessable(format!(
            "{id} was not opened by an Alertmanager group: there are no alerts to silence"
        )));
    };
    let matchers = am_api::matchers(&group);
    if matchers.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "{id}'s alert group has no labels: a silence without matchers would mute everything"
        )));
    }
    let gateway = |e: String| ApiError::new(StatusCode::BAD_GATEWAY, "alertmanager", e);
    let by = who.0.handle.clone();
    // A retried request (the outbox sends again after a lost answer) finds
    // the silence it made instead of making a second.
    let existing = am
        .silences_for(&matchers)
        .await
        .map_err(gateway)?
        .into_iter()
        .find(|s| s.created_by == by && s.comment == comment);
    let until = Utc::now() + chrono::Duration::minutes(i64::from(req.minutes));
    let (silence_id, until) = match existing {
        Some(s) => (s.id, s.ends_at),
        None => (
            am.create_silence(&matchers, &by, &comment, until)
                .await
                .map_err(gateway)?,
            until,
        ),
    };
    // The alerts it silences, named on the mark (best effort: the silence
    // is made whatever this read says).
    let alerts = am.alerts(&group).await.unwrap_or_default();
    let mark = SilenceMark {
        ids: vec![silence_id.clone()],
        by: by.clone(),
        until,
        comment: comment.clone(),
        alerts: alerts
            .iter()
            .take(SilenceMark::MAX_ALERTS)
            .map(|a| (crate::text::one_line(&a.fingerprint, 64), a.name()))
            .collect(),
    };
    let already = inc.silenced.as_ref().is_some_and(|m| m.ids == mark.ids);
    if !already {
        sync::record_as(
            &app,
            id,
            Some(SilenceChange::Silenced(mark)),
            Vec::new(),
            who.0.clone(),
        )
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e))?;
        app.notify_wake.notify_one();
    }
    let d = crate::server::blocking(&app.store, move |s| s.detail(id)).await?;
    let known = inc.last_seq;
    let answer = WriteAnswer {
        incident: d.incident.summarized(),
        events: d.timeline.into_iter().filter(|e| e.seq > known).collect(),
        responders: None,
        checklists: None,
    };
    let mut body = serde_json::to_value(&answer).unwrap_or_default();
    body["silence_id"] = serde_json::Value::String(silence_id);
    Ok((StatusCode::OK, Json(body)).into_response())
}
