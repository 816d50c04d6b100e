//! The writes on one incident (PATCH, transition, notes, updates,
//! responders, checklist, and the state document's tasks, hypotheses,
//! decisions, command and CAN reports) as one extractor and one handler: the caller's
//! token and least role, the incident id, `If-Match`, the idempotency key
//! and the JSON body are taken in the same order for all of them, then
//! the action is applied in one transaction under the key.

use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use serde::de::DeserializeOwned;

use super::AppState;
use super::api::{idempotency_key, parse_id, stored_response};
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::json::{decode, if_match_version, request_hash};
use super::notify;
use super::store;
use crate::model::public::PublishRequest;
use crate::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, Impact, TaskAction};
use crate::model::wire::{
    ChecklistRequest, PatchRequest, TextRequest, TransitionRequest, WriteAnswer,
};
use crate::model::{Action, ActorRole, CanReport, IncidentId, ResponderAction, apply};

use axum::Router;
use axum::routing::{patch, post};

/// Every write to an incident, one route per request type.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}", patch(write::<PatchRequest>))
        .route(
            "/incidents/{id}/transition",
            post(write::<TransitionRequest>),
        )
        .route("/incidents/{id}/notes", post(write::<NoteBody>))
        .route("/incidents/{id}/responders", post(write::<ResponderAction>))
        .route("/incidents/{id}/checklist", post(write::<ChecklistRequest>))
        .route("/incidents/{id}/updates", post(write::<UpdateBody>))
        .route("/incidents/{id}/tasks", post(write::<TaskAction>))
        .route(
            "/incidents/{id}/hypotheses",
            post(write::<HypothesisAction>),
        )
        .route("/incidents/{id}/decisions", post(write::<DecideRequest>))
        .route("/incidents/{id}/command", post(write::<CommandAction>))
        .route("/incidents/{id}/can", post(write::<CanReport>))
        .route(
            "/incidents/{id}/curate",
            post(write::<crate::model::curation::CurateAction>),
        )
        .route("/incidents/{id}/impact", post(write::<Impact>))
        .route("/incidents/{id}/public", post(write::<PublishRequest>))
        .route(
            "/incidents/{id}/review",
            post(write::<crate::model::ReviewAction>),
        )
}

/// What a route's body is and what it asks of the caller.
pub trait WriteBody: DeserializeOwned + Send + 'static {
    /// The least role that may send it at all; the model's rule (a
    /// responder may change only their own state) is checked after.
    const LEAST: ActorRole;
    /// The route's last segment, for the idempotency hash.
    const ROUTE: &'static str;
    const METHOD: &'static str = "POST";
    /// An edit must say which version it edits.
    const NEEDS_IF_MATCH: bool = false;
    /// Why a body that decoded is still refused (422), if it is.
    fn refusal(&self) -> Option<String> {
        None
    }
    fn into_action(self) -> Action;
}

impl WriteBody for PatchRequest {
    const LEAST: ActorRole = ActorRole::Commander;
    const ROUTE: &'static str = "patch";
    const METHOD: &'static str = "PATCH";
    const NEEDS_IF_MATCH: bool = true;
    fn into_action(self) -> Action {
        Action::Patch(self)
    }
}

impl WriteBody for TransitionRequest {
    const LEAST: ActorRole = ActorRole::Commander;
    const ROUTE: &'static str = "transition";
    fn into_action(self) -> Action {
        Action::Transition {
            to: self.to,
            force: self.force,
            reason: self.reason,
        }
    }
}

/// A note: any responder may write one.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct NoteBody(TextRequest);

impl WriteBody for NoteBody {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "notes";
    fn refusal(&self) -> Option<String> {
        self.0.audience.map(|a| {
            format!(
                "a note has no audience (`{a}` given): notes are the team's; post a stakeholder update to /updates"
            )
        })
    }
    fn into_action(self) -> Action {
        Action::Note {
            text: self.0.text,
            written_at: self.0.written_at,
        }
    }
}

/// A stakeholder update speaks for the incident: commanders only.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct UpdateBody(TextRequest);

impl WriteBody for UpdateBody {
    const LEAST: ActorRole = ActorRole::Commander;
    const ROUTE: &'static str = "updates";
    fn into_action(self) -> Action {
        Action::StakeholderUpdate {
            text: self.0.text,
            written_at: self.0.written_at,
            audience: self.0.audience.unwrap_or_default(),
            stage: self.0.stage,
            data_loss: self.0.data_loss,
        }
    }
}

impl WriteBody for ResponderAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "responders";
    fn into_action(self) -> Action {
        Action::Responder(self)
    }
}

impl WriteBody for ChecklistRequest {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "checklist";
    fn into_action(self) -> Action {
        Action::Checklist {
            phase: self.phase,
            item: self.item,
            done: self.done,
        }
    }
}

// The state document. Each body's least role is the lowest any of its
// variants needs; the model's rule then checks the variant (only a
// commander assigns a task or rules out a hypothesis) and the item (a
// responder closes only their own task).

impl WriteBody for TaskAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "tasks";
    fn into_action(self) -> Action {
        Action::Task(self)
    }
}

impl WriteBody for HypothesisAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "hypotheses";
    fn into_action(self) -> Action {
        Action::Hypothesis(self)
    }
}

impl WriteBody for DecideRequest {
    const LEAST: ActorRole = ActorRole::Commander;
    const ROUTE: &'static str = "decisions";
    fn into_action(self) -> Action {
        Action::Decide(self)
    }
}

/// The curated timeline: tags, pins, corrections (the scribe's work).
impl WriteBody for crate::model::curation::CurateAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "curate";
    fn into_action(self) -> Action {
        Action::Curate(self)
    }
}

impl WriteBody for CommandAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "command";
    fn into_action(self) -> Action {
        Action::Command(self)
    }
}

/// The impact: the communications lead's (or a commander's), by the
/// model's rule.
impl WriteBody for Impact {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "impact";
    fn into_action(self) -> Action {
        Action::Impact(self)
    }
}

/// On or off the public status page: a commander's switch.
impl WriteBody for PublishRequest {
    const LEAST: ActorRole = ActorRole::Commander;
    const ROUTE: &'static str = "public";
    fn into_action(self) -> Action {
        Action::Publish(self)
    }
}

/// The review: a commander names its owner; the owner (or a commander)
/// moves it on (the model's rule).
impl WriteBody for crate::model::ReviewAction {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "review";
    fn into_action(self) -> Action {
        Action::Review(self, Default::default())
    }
}

impl WriteBody for CanReport {
    const LEAST: ActorRole = ActorRole::Responder;
    const ROUTE: &'static str = "can";
    fn into_action(self) -> Action {
        Action::Can(self)
    }
}

/// A write on one incident, checked and decoded.
pub struct IncidentWrite<B> {
    who: Principal,
    id: IncidentId,
    expected: Option<u64>,
    key: Option<String>,
    action: Action,
    hash: String,
    _body: PhantomData<B>,
}

impl<B: WriteBody> FromRequest<AppState> for IncidentWrite<B> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let who = Principal::from_request_parts(&mut parts, state).await?;
        who.require(B::LEAST)?;
        let Path(raw_id) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(|e| ApiError::not_found(e.body_text()))?;
        let id = parse_id(&raw_id)?;
        let headers: &HeaderMap = &parts.headers;
        if B::NEEDS_IF_MATCH && headers.get(header::IF_MATCH).is_none() {
            return Err(ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "if_match_required",
                "PATCH needs If-Match: \"<version>\" so a stale edit cannot overwrite someone else's",
            ));
        }
        let expected = if_match_version(headers)?;
        let key = idempotency_key(headers)?;
        let headers = parts.headers.clone();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state).await;
        let (req, raw) = decode::<B>(&headers, bytes)?;
        if let Some(why) = req.refusal() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                why,
            ));
        }
        let action = req.into_action();
        // The precise rule is decided before anything about the incident,
        // so a caller who may not act never learns its version.
        who.require(action.required_role(&who.0.handle))?;
        let route = format!("/incidents/{id}/{}", B::ROUTE);
        let hash = request_hash(B::METHOD, &route, &raw);
        Ok(IncidentWrite {
            who,
            id,
            expected,
            key,
            action,
            hash,
            _body: PhantomData,
        })
    }
}

/// The one handler of the six routes: applies the action in one
/// transaction under the request's idempotency key, and answers small
/// whatever the incident's size (the incident, the events this write
/// added, and the parts it changed).
pub async fn write<B: WriteBody>(
    State(app): State<AppState>,
    w: IncidentWrite<B>,
) -> Result<Response, ApiError> {
    let IncidentWrite {
        who,
        id,
        expected,
        key,
        action,
        hash,
        ..
    } = w;
    let scope = who.idempotency_scope();
    let actor = who.0;
    let (with_responders, with_checklists) = (
        matches!(action, Action::Responder(_) | Action::Patch(_)),
        matches!(action, Action::Checklist { .. } | Action::Transition { .. }),
    );
    let notify = app.notify.clone();
    let policy = app.policy.clone();
    let stored = blocking(&app.store, move |s| {
        let key = key.as_deref().map(|k| (scope.as_str(), k, hash.as_str()));
        s.write(key, |tx| {
            let d = store::update(tx, id, expected, |d| {
                // What only the server knows (a review's deadline, its
                // untriaged follow-ups), read in this transaction.
                let action = super::reviews_api::with_facts(tx, d, action, &policy)?;
                apply(d, action, &actor, Utc::now())
            })?;
            // Told in the same transaction: a change is never kept without
            // its notifications, nor the other way round.
            notify::enqueue(tx, &notify, notify::Subscriber::of(&d), &d.timeline)?;
            let answer = WriteAnswer {
                incident: d.incident.summarized(),
                events: d.timeline,
                responders: with_responders.then_some(d.responders),
                checklists: with_checklists.then_some(d.checklists),
            };
            Ok((200, serde_json::to_string(&answer)?))
        })
    })
    .await?;
    app.notify_wake.notify_one();
    Ok(stored_response(stored, None))
}
