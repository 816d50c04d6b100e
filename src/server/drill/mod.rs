//! Drills on the server: `POST /drills` starts a scenario (commander), its
//! runner plays the script against the drill incident (see [`runner`]),
//! and `GET /incidents/{id}/debrief` scores it (see `model::drill`).
//!
//! The scenarios being played are kept here, by incident, so a drill
//! incident's runbook actions are played from its scenario. A drill
//! incident whose scenario is not here (the server restarted) runs no
//! action at all: a drill never runs a real one.

pub mod runner;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;

use super::api::parse_id;
use super::auth::Principal;
use super::error::ApiError;
use super::query::known_params;
use super::{AppState, blocking};
use crate::model::drill::{
    DrillMark, DrillStarted, MAX_SPEED, Scenario, StartDrill, builtin, debrief,
};
use crate::model::{ActorRole, IncidentId};

/// Drills played at once on one server.
pub const MAX_LIVE: usize = 8;
/// Scenarios kept (for debriefs) once their drill has ended.
const MAX_KEPT: usize = 64;

/// One drill being played (or played).
pub struct LiveDrill {
    pub scenario: Scenario,
    pub mark: DrillMark,
    ended: std::sync::atomic::AtomicBool,
    task: Mutex<Option<tokio::task::AbortHandle>>,
}

impl LiveDrill {
    pub fn ended(&self) -> bool {
        self.ended.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn end(&self) {
        self.ended.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The drills of this server, by incident.
#[derive(Default)]
pub struct Drills {
    by_incident: Mutex<HashMap<IncidentId, Arc<LiveDrill>>>,
}

impl Drills {
    pub fn get(&self, id: IncidentId) -> Option<Arc<LiveDrill>> {
        self.lock().get(&id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IncidentId, Arc<LiveDrill>>> {
        self.by_incident.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn playing(&self) -> usize {
        self.lock().values().filter(|l| !l.ended()).count()
    }

    /// Keeps a started drill; the oldest ended ones go when too many are kept.
    fn keep(&self, id: IncidentId, live: Arc<LiveDrill>) {
        let mut all = self.lock();
        all.insert(id, live);
        while all.len() > MAX_KEPT {
            let Some(oldest) = all
                .iter()
                .filter(|(_, l)| l.ended())
                .min_by_key(|(_, l)| l.mark.started_at)
                .map(|(k, _)| *k)
            else {
                break;
            };
            all.remove(&oldest);
        }
    }

    /// Stops every runner (the server is shutting down).
    pub fn stop_all(&self) {
        for l in self.lock().values() {
            if let Some(t) = l.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
                t.abort();
            }
            l.end();
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/drills", post(start).get(list))
        .route("/incidents/{id}/debrief", get(debrief_of))
}

/// The built-in scenarios: name, title, kind.
async fn list(who: Principal) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    let all: Vec<serde_json::Value> = builtin::BUILTIN
        .iter()
        .filter_map(|(_, text)| Scenario::parse(text).ok())
        .map(|s| serde_json::json!({"name": s.name, "title": s.title, "kind": s.kind, "limit": s.limit}))
        .collect();
    Ok(axum::Json(serde_json::json!({ "builtin": all })).into_response())
}

/// The scenario a request names, read and checked.
pub fn scenario_of(req: &StartDrill) -> Result<Scenario, ApiError> {
    let s = match (&req.builtin, &req.scenario) {
        (Some(name), None) => builtin::named(name).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "there is no built-in scenario `{}`; they are {}",
                crate::text::one_line(name, 40),
                builtin::BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        (None, Some(text)) => Ok(Scenario::parse(text)).and_then(|r| r),
        _ => {
            return Err(ApiError::unprocessable(
                "give either `builtin` (a scenario's name) or `scenario` (its TOML text)",
            ));
        }
    };
    s.map_err(|e| ApiError::unprocessable(format!("the scenario is not valid: {e}")))
}

async fn start(
    State(app): State<AppState>,
    who: Principal,
    body: Result<axum::Json<StartDrill>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Commander)?;
    let axum::Json(req) = body.map_err(|e| ApiError::unprocessable(e.body_text()))?;
    let speed = req.speed.unwrap_or(1);
    if !(1..=MAX_SPEED).contains(&speed) {
        return Err(ApiError::unprocessable(format!(
            "speed is {speed}; it must be 1 to {MAX_SPEED}"
        )));
    }
    let scenario = scenario_of(&req)?;
    if app.drills.playing() >= MAX_LIVE {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_drills",
            format!("{MAX_LIVE} drills are being played on this server; end one first"),
        ));
    }
    let mark = DrillMark {
        scenario: scenario.name.clone(),
        run: crate::server::store::generate_token()[3..11].to_string(),
        started_at: Utc::now(),
        speed,
    };
    let live = Arc::new(LiveDrill {
        scenario,
        mark,
        ended: Default::default(),
        task: Mutex::new(None),
    });
    let (id, script) = runner::open(&app, &live).await?;
    app.drills.keep(id, live.clone());
    let task = tokio::spawn(runner::play(app.clone(), live.clone(), id, script));
    *live.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task.abort_handle());
    tracing::info!(
        incident = %id,
        scenario = %live.mark.scenario,
        run = %live.mark.run,
        by = %who.0.handle,
        "drill started"
    );
    let answer = DrillStarted {
        incident: id,
        run: live.mark.run.clone(),
        scenario: live.scenario.name.clone(),
        title: live.scenario.title.clone(),
    };
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// `GET /incidents/{id}/debrief?format=md|json`.
async fn debrief_of(
    State(app): State<AppState>,
    who: Principal,
    Path(raw): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["format"])?;
    let markdown = super::query::markdown_format(&q)?;
    let id = parse_id(&raw)?;
    let detail = blocking(&app.store, move |s| {
        s.detail_from_start(id, crate::report::postmortem::MAX_EVENTS)
    })
    .await?;
    let Some(mark) = &detail.incident.drill else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_a_drill",
            format!("{id} is not a drill: only a drill has a debrief"),
        ));
    };
    // The scenario played, or the built-in of that name after a restart.
    let scenario = app
        .drills
        .get(id)
        .map(|l| l.scenario.clone())
        .or_else(|| builtin::named(&mark.scenario).and_then(Result::ok));
    let db = debrief::score(&detail, scenario.as_ref(), &app.policy, Utc::now())
        .ok_or_else(|| ApiError::unprocessable(format!("{id} has no debrief")))?;
    if markdown {
        Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/markdown; charset=utf-8"),
            )],
            crate::report::debrief::markdown(&db),
        )
            .into_response())
    } else {
        Ok(axum::Json(db).into_response())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::drill::DrillMark;
    use crate::model::{Actor, ActorRole, ChecklistItem, Phase, Severity, declare};
    use crate::server::actions::{ActionDef, Actions};

    /// A drill incident whose checklist names a real action of the server
    /// (`restart`): without its scenario, nothing runs, never the real one.
    #[test]
    fn a_drill_never_runs_a_real_action() {
        let real = ActionDef {
            name: "restart".into(),
            program: Some("/bin/true".into()),
            ..ActionDef::default()
        };
        let actions = Actions::new(vec![real]);
        let ic = Actor {
            handle: "alice".into(),
            role: ActorRole::Commander,
        };
        let mut d = declare(
            crate::model::IncidentId(7),
            crate::model::wire::DeclareRequest {
                title: "t".into(),
                service: "s".into(),
                severity: Severity::Sev2,
                summary: String::new(),
                commander: None,
                tags: vec![],
            },
            &ic,
            vec![crate::model::Checklist {
                phase: Phase::Investigation,
                items: vec![ChecklistItem {
                    action: Some("restart".into()),
                    ..ChecklistItem::new("Restart")
                }],
            }],
            chrono::Utc::now(),
        )
        .unwrap();
        // A real incident plans the real action...
        let p = actions.plan(&d, Phase::Investigation, 0, None).unwrap();
        assert_eq!(p.preview.kind, "program");
        // ...a drill incident never does.
        d.incident.drill = Some(DrillMark {
            scenario: "x".into(),
            run: "r".into(),
            started_at: chrono::Utc::now(),
            speed: 1,
        });
        let e = actions
            .plan(&d, Phase::Investigation, 0, None)
            .err()
            .expect("refused");
        assert!(e.to_string().contains("never runs a real action"), "{e}");
        let e = actions
            .plan(&d, Phase::Investigation, 0, Some(&[]))
            .err()
            .expect("refused");
        assert!(e.to_string().contains("drill"), "{e}");
    }
}
