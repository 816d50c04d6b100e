//! Runbook actions over HTTP (commanders run them; see `server/actions/`):
//!
//! - `GET  /incidents/{id}/actions/preview?phase=&item=`: exactly what the
//!   item's action would run now, and the digest to confirm it with.
//! - `POST /incidents/{id}/actions` `{phase, item, confirm}`: records the
//!   start on the timeline, runs it in the background, answers `202` with
//!   the run's number. Refused (409) while the same action runs on the
//!   incident, or when what would run is not what was confirmed.
//! - `GET  /incidents/{id}/actions/runs/{run}?after=N&wait=S`: the run and
//!   its output after line N, waiting up to S seconds for more (a
//!   long-poll, so a console streams it with one request at a time).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;

use super::AppState;
use super::actions::plan::Plan;
use super::actions::runs::{Refusal, Run, RunMeta};
use super::api::{idempotency_key, parse_id, stored_response};
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::json::{decode, request_hash};
use super::notify;
use super::query::{known_params, number};
use super::store::{self, StoreError};
use crate::model::runbook_action::{
    ActionEnd, ActionPreview, ActionStart, RunActionRequest, RunOutput, RunStarted,
};
use crate::model::{Action, Actor, ActorRole, DomainError, IncidentId, Phase, apply};

use axum::Router;
use axum::routing::{get, post};
/// Runbook actions: what would run, starting one, its output.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/actions", post(start))
        .route("/incidents/{id}/actions/preview", get(preview))
        .route("/incidents/{id}/actions/runs/{run}", get(output))
}

/// The longest a run read waits for new output.
const MAX_WAIT_SECS: u64 = 25;

fn domain(e: DomainError) -> ApiError {
    ApiError::from(StoreError::Domain(e))
}

pub async fn preview(
    State(app): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ActionPreview>, ApiError> {
    // What runs (paths, hosts) is for those who may run it.
    who.require(ActorRole::Commander)?;
    known_params(&q, &["phase", "item"])?;
    let id = parse_id(&id)?;
    let phase: Phase = q
        .get("phase")
        .ok_or_else(|| ApiError::bad_request("`phase` is required"))?
        .parse()
        .map_err(ApiError::bad_request)?;
    let item = number(&q, "item")?.ok_or_else(|| ApiError::bad_request("`item` is required"))?;
    let d = blocking(&app.store, move |s| {
        s.read(|c| store::load_for_write(c, id))
    })
    .await?;
    let live = app.drills.get(d.incident.id);
    let sim = live.as_deref().map(|l| l.scenario.actions.as_slice());
    let p = app
        .actions
        .plan(&d, phase, item as usize, sim)
        .map_err(domain)?;
    Ok(Json(p.preview))
}

pub async fn start(
    State(app): State<AppState>,
    who: Principal,
    Path(raw_id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Commander)?;
    let id = parse_id(&raw_id)?;
    let headers: HeaderMap = req.headers().clone();
    let key = idempotency_key(&headers)?;
    let bytes = Bytes::from_request(req, &app).await;
    let (body, raw) = decode::<RunActionRequest>(&headers, bytes)?;
    let hash = request_hash("POST", &format!("/incidents/{id}/actions"), &raw);
    let scope = who.idempotency_scope();
    let actor = who.0;
    // A retry of a run that was started gets its first answer, even while
    // the run still holds the action's slot.
    if let Some(k) = &key {
        let (scope, k, hash) = (scope.clone(), k.clone(), hash.clone());
        if let Some(prior) = blocking(&app.store, move |s| s.replay(&scope, &k, &hash)).await? {
            return Ok(stored_response(prior, None));
        }
    }
    let d = blocking(&app.store, move |s| {
        s.read(|c| store::load_for_write(c, id))
    })
    .await?;
    let live = app.drills.get(d.incident.id);
    let sim = live.as_deref().map(|l| l.scenario.actions.as_slice());
    let planned = app
        .actions
        .plan(&d, body.phase, body.item, sim)
        .map_err(domain)?;
    if planned.preview.digest != body.confirm {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "changed",
            format!(
                "what `{}` runs is not what was confirmed; it would now run: {}. Look at it again and confirm",
                planned.def.name, planned.preview.command
            ),
        ));
    }
    let (plan, timeout, tick) = (
        planned.plan.clone(),
        Duration::from_secs(planned.def.timeout_seconds),
        planned.def.tick,
    );
    let meta = RunMeta {
        incident: id,
        action: planned.def.name.clone(),
        command: planned.preview.command.clone(),
        by: actor.handle.clone(),
        started_at: Utc::now(),
    };
    let mirrored = app.store.dialect() == store::Dialect::Postgres;
    let run = if mirrored {
        // Numbered by the database, so the number names this run on every
        // server that may be asked for its output.
        let n = blocking(&app.store, |s| s.next_action_run()).await?;
        app.actions.runs.reserve_as(meta, n)
    } else {
        app.actions.runs.reserve(meta)
    }
    .map_err(|r| refused(r, id, &planned.def.name))?;
    let start = ActionStart {
        phase: body.phase,
        item: body.item,
        action: planned.def.name.clone(),
        command: planned.preview.command.clone(),
        run: run.id,
    };
    let answer = RunStarted {
        run: run.id,
        incident: id,
        action: planned.def.name.clone(),
    };
    let lease = Lease {
        holder: format!("{} run {}", app.actions.server, run.id),
        until_s: Utc::now().timestamp() + timeout.as_secs() as i64 + 60,
    };
    let recorded = record_start(
        &app,
        key,
        (scope, hash),
        id,
        start,
        &actor,
        &answer,
        lease.clone(),
    )
    .await;
    match recorded {
        Ok(stored) if !stored.replayed => {
            if mirrored {
                // Before the answer: a console may ask another server for
                // the output at once.
                let out = run.output(0);
                let _ = blocking(&app.store, move |s| s.mirror_run_output(&out)).await;
                spawn_mirror(&app, run.clone());
            }
            let at = (body.phase, body.item);
            spawn_run(app, run, plan, timeout, tick, at, actor, lease.holder);
            Ok(stored_response(stored, None))
        }
        Ok(stored) => {
            app.actions.runs.cancel(&run);
            Ok(stored_response(stored, None))
        }
        Err(e) => {
            app.actions.runs.cancel(&run);
            Err(e)
        }
    }
}

fn refused(r: Refusal, id: IncidentId, action: &str) -> ApiError {
    match r {
        Refusal::AlreadyRunning { run, by } => ApiError::new(
            StatusCode::CONFLICT,
            "already_running",
            format!(
                "`{action}` is already running on {id} (run {run}, started by {by}); wait for it to end"
            ),
        ),
        Refusal::Busy => {
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!(
                    "{} actions are already running on this server; try again when one ends",
                    super::actions::runs::MAX_RUNNING
                ),
            );
            e.retry_after = Some(5);
            e
        }
    }
}

/// The database's lease on an (incident, action): what keeps two servers on
/// one database from running it at once.
#[derive(Clone)]
struct Lease {
    holder: String,
    until_s: i64,
}

/// The start on the timeline, under the request's key, before anything
/// runs, with the action's lease taken in the same transaction.
#[allow(clippy::too_many_arguments)]
async fn record_start(
    app: &AppState,
    key: Option<String>,
    (scope, hash): (String, String),
    id: IncidentId,
    start: ActionStart,
    actor: &Actor,
    answer: &RunStarted,
    lease: Lease,
) -> Result<store::Stored, ApiError> {
    let (actor, notify, body) = (
        actor.clone(),
        app.notify.clone(),
        serde_json::to_string(answer),
    );
    let body = body.map_err(|e| domain(DomainError::Invalid(e.to_string())))?;
    let stored = blocking(&app.store, move |s| {
        let key = key.as_deref().map(|k| (scope.as_str(), k, hash.as_str()));
        s.write(key, |tx| {
            let now = Utc::now();
            let info = store::action_leases::RunInfo {
                run: start.run,
                phase: start.phase,
                item: start.item,
                handle: actor.handle.clone(),
                role: actor.role,
                started_s: now.timestamp(),
            };
            store::action_leases::take_action_lease(
                tx,
                id,
                &start.action,
                &lease.holder,
                now.timestamp(),
                lease.until_s,
                &info,
            )?;
            let d = store::update(tx, id, None, |d| {
                apply(d, Action::StartRunbookAction(start), &actor, now)
            })?;
            notify::enqueue(tx, &notify, notify::Subscriber::of(&d), &d.timeline)?;
            Ok((202, body))
        })
    })
    .await?;
    app.notify_wake.notify_one();
    Ok(stored)
}

#[allow(clippy::too_many_arguments)]
fn spawn_run(
    app: AppState,
    run: Arc<Run>,
    plan: Plan,
    timeout: Duration,
    tick: bool,
    (phase, item): (Phase, usize),
    actor: Actor,
    holder: String,
) {
    tokio::spawn(async move {
        let (action, incident) = (&run.meta.action, run.meta.incident);
        tracing::info!(run = run.id, %action, %incident, "runbook action started");
        let beating = tokio::spawn(super::actions::recover::heartbeat(
            app.store.clone(),
            run.clone(),
            holder.clone(),
        ));
        let ended = super::actions::exec::execute(&plan, timeout, &run).await;
        beating.abort();
        run.end(ended.outcome, ended.exit_code, ended.duration_ms);
        tracing::info!(run = run.id, outcome = %ended.outcome, ms = ended.duration_ms, "runbook action ended");
        let end = ActionEnd {
            phase,
            item,
            action: run.meta.action.clone(),
            outcome: ended.outcome,
            exit_code: ended.exit_code,
            duration_ms: ended.duration_ms,
            output: run.tail(),
            run: run.id,
            tick,
        };
        let id = run.meta.incident;
        let notify = app.notify.clone();
        let action = run.meta.action.clone();
        let recorded = blocking(&app.store, move |s| {
            let release = |tx: &dyn store::Sql| {
                store::action_leases::release_action_lease(tx, id, &action, &holder)
            };
            let ended = s.write(None, |tx| {
                release(tx)?;
                let d = store::update(tx, id, None, |d| {
                    apply(
                        d,
                        Action::FinishRunbookAction(Box::new(end)),
                        &actor,
                        Utc::now(),
                    )
                })?;
                notify::enqueue(tx, &notify, notify::Subscriber::of(&d), &d.timeline)?;
                Ok((200, String::new()))
            });
            if ended.is_err() {
                // The end could not be recorded (the incident was closed
                // meanwhile): the lease goes all the same. If the database
                // is gone too, the lease lapses by itself.
                let _ = s.transact(release);
            }
            ended
        })
        .await;
        if let Err(e) = recorded {
            // The incident was closed meanwhile, or the database is gone:
            // the run's output stays readable at its URL.
            tracing::warn!(run = run.id, error = %e.message, "cannot record how a runbook action ended");
        }
        app.notify_wake.notify_one();
        app.actions.runs.release(&run);
    });
}

/// How often a running action's new output is written to the database
/// for the other servers (a batch, not a write per line).
const MIRROR_EVERY: Duration = Duration::from_millis(250);

/// Mirrors a run's output into the database until it has ended, so any
/// server on the same PostgreSQL answers for it.
fn spawn_mirror(app: &AppState, run: Arc<Run>) {
    let store = app.store.clone();
    tokio::spawn(async move {
        let mut after = 0;
        let mut failures = 0;
        loop {
            run.wait_past(after, Duration::from_secs(5)).await;
            tokio::time::sleep(MIRROR_EVERY).await;
            let out = run.output(after);
            let (next, ended) = (out.next, out.ended());
            if !out.lines.is_empty() || ended {
                let written = blocking(&store, move |s| s.mirror_run_output(&out)).await;
                if let Err(e) = written {
                    // The output stays readable on this server meanwhile;
                    // an ended run's last lines are tried for a minute.
                    tracing::debug!(run = run.id, error = %e.message, "cannot mirror run output");
                    failures += 1;
                    if ended && failures > 240 {
                        return;
                    }
                    continue;
                }
            }
            after = next;
            if ended {
                return;
            }
        }
    });
}

pub async fn output(
    State(app): State<AppState>,
    who: Principal,
    Path((raw_id, run)): Path<(String, u64)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<RunOutput>, ApiError> {
    who.require(ActorRole::Responder)?;
    known_params(&q, &["after", "wait"])?;
    let id = parse_id(&raw_id)?;
    let after = number(&q, "after")?.unwrap_or(0);
    let wait = number(&q, "wait")?.unwrap_or(0).min(MAX_WAIT_SECS);
    if let Some(r) = app.actions.runs.get(run).filter(|r| r.meta.incident == id) {
        r.wait_past(after, Duration::from_secs(wait)).await;
        return Ok(Json(r.output(after)));
    }
    // Run by another server on the same database: its mirrored output,
    // polled while the caller waits.
    if app.store.dialect() == store::Dialect::Postgres {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
        loop {
            let got = blocking(&app.store, move |s| s.mirrored_run_output(id, run, after)).await?;
            match got {
                None => break,
                Some(out)
                    if !out.lines.is_empty()
                        || out.ended()
                        || tokio::time::Instant::now() >= deadline =>
                {
                    return Ok(Json(out));
                }
                Some(_) => tokio::time::sleep(MIRROR_EVERY).await,
            }
        }
    }
    Err(ApiError::not_found(format!(
        "no run {run} of {id} (its outcome is on the timeline)"
    )))
}
