//! The reference incident API server (`warroom serve`), also run in-process
//! as the console's embedded backend.

pub mod actions;
mod actions_api;
mod api;
pub mod auth;
pub mod automation;
mod brief_api;
mod classify_api;
pub mod config;
mod deliveries_api;
pub mod demo;
mod demo_live;
mod demo_state;
mod demo_story;
pub mod drill;
mod error;
mod followups_api;
mod incident_write;
pub mod integrations;
mod json;
pub mod listener;
mod metrics;
pub mod notify;
mod postmortem_api;
mod query;
pub mod replay_api;
pub mod reviews_api;
mod search_api;
mod state;
mod stats_api;
pub mod status_api;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::set_header::SetResponseHeaderLayer;

pub use auth::AuthConfig;
pub use state::{AppState, BodyCache, Notifier, Shared, blocking};
pub use store::Store;

use crate::model::RunbookSet;

pub fn router(state: AppState) -> Router {
    // Each API module says its own routes.
    let api = Router::new()
        .merge(api::routes())
        .merge(incident_write::routes())
        .merge(actions_api::routes())
        .merge(followups_api::routes())
        .merge(deliveries_api::routes())
        .merge(postmortem_api::routes())
        .merge(brief_api::routes())
        .merge(search_api::routes())
        .merge(classify_api::routes())
        .merge(stats_api::routes())
        .merge(reviews_api::routes())
        .merge(replay_api::routes())
        .merge(drill::routes())
        .merge(integrations::alertmanager::routes());
    // The public status page: no token, outside the API.
    let sec = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .nest("/api/v1", api)
        .merge(status_api::routes())
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics::scrape))
        .fallback(|| async {
            error::ApiError::not_found(
                "no such endpoint; the API lives under /api/v1 (see docs/api.md)",
            )
        })
        .method_not_allowed_fallback(|| async {
            error::ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method (see docs/api.md)",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(json::refuse_declared_oversize))
        .layer(axum::middleware::from_fn(json::refuse_nul_in_query))
        .layer(DefaultBodyLimit::max(json::MAX_BODY))
        // A handler that panics answers 500 with no detail: the panic's
        // message may hold request text and is never sent or printed.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                axum::response::IntoResponse::into_response(error::ApiError::internal_panic())
            },
        ))
        .layer(sec(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(sec(header::X_FRAME_OPTIONS, "DENY"))
        // The status page sets its own (it has a style sheet).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(sec(header::REFERRER_POLICY, "no-referrer"))
        // Responses carry ETags; clients must revalidate rather than reuse.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .with_state(state)
}

#[derive(Clone)]
pub enum DbLocation {
    File(PathBuf),
    Memory,
    /// A `postgres://` URL (it may hold a password: never shown whole).
    Postgres(String),
}

impl std::fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl DbLocation {
    /// A `--db` value: a file path is SQLite, a `postgres://` (or
    /// `postgresql://`) URL is PostgreSQL. Any other URL names an engine
    /// warroom does not have, and is refused rather than taken as a
    /// folder name.
    pub fn parse(p: PathBuf) -> Result<DbLocation, String> {
        let s = p.to_string_lossy();
        if let Some(rest) = s.strip_prefix("sqlite://") {
            return Ok(DbLocation::File(PathBuf::from(rest)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DbLocation::Postgres(s.into_owned()));
        }
        if let Some((scheme, _)) = s.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            // Only the scheme is echoed: the rest may hold a password.
            return Err(format!(
                "--db: `{scheme}://…` is not a database warroom knows; give the path of a SQLite \
                 file or a postgres:// URL"
            ));
        }
        Ok(DbLocation::File(p))
    }

    /// Where the data is, for messages: a URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DbLocation::File(p) => p.display().to_string(),
            DbLocation::Memory => ":memory:".into(),
            DbLocation::Postgres(url) => redact_url(url),
        }
    }

    /// Opens (and migrates) the store. Blocks: on PostgreSQL it connects.
    pub fn open(&self) -> store::Result<Store> {
        match self {
            DbLocation::File(p) => Store::open(p),
            DbLocation::Memory => Store::open_in_memory(),
            DbLocation::Postgres(url) => Store::open_postgres(url),
        }
    }
}

/// A database URL without its password (nor its query, which may hold
/// one as `?password=`).
pub fn redact_url(url: &str) -> String {
    crate::text::redact_url(url.split('?').next().unwrap_or(url))
}

/// Creates the database's folder (private) when it does not exist yet. An
/// existing folder is left as the operator made it.
pub fn prepare_db_dir(db: &std::path::Path) -> Result<(), String> {
    match db.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.exists() => crate::private_fs::private_dir(dir),
        _ => Ok(()),
    }
}

pub struct ServerOptions {
    pub listen: SocketAddr,
    pub db: DbLocation,
    pub runbooks: RunbookSet,
    pub auth: AuthConfig,
    pub classifier: integrations::classify::Classifier,
    pub policy: crate::model::Policy,
    pub notify: notify::NotifyConfig,
    pub automation: automation::AutomationConfig,
    /// Runbook actions (`[[actions]]`), checked.
    pub actions: Vec<actions::ActionDef>,
    /// Seed the demo outage and keep it live.
    pub demo: bool,
    /// The public status page (`[status]`).
    pub status: status_api::StatusConfig,
    pub limits: listener::Limits,
    /// Alertmanager's API (`[alertmanager] url`): silences kept in step.
    pub alertmanager: Option<integrations::alertmanager::am_api::Am>,
}

/// A server running in this process.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Arc<Store>,
    shutdown: Option<oneshot::Sender<()>>,
    join: JoinHandle<()>,
}

impl RunningServer {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.join).await;
    }

    /// Waits until the server ends (on its own shutdown signal).
    pub async fn wait(mut self) {
        let _ = (&mut self.join).await;
    }

    pub fn shutdown_sender(&mut self) -> Option<oneshot::Sender<()>> {
        self.shutdown.take()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database {path}: {source}")]
    Db {
        path: String,
        source: store::StoreError,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("--no-auth is only allowed on a loopback address, not {0}")]
    NoAuthNotLoopback(SocketAddr),
}

pub async fn start(opts: ServerOptions) -> Result<RunningServer, StartError> {
    if opts.auth.no_auth && !opts.listen.ip().is_loopback() {
        return Err(StartError::NoAuthNotLoopback(opts.listen));
    }
    let db = opts.db.clone();
    // Connecting to PostgreSQL blocks: off the async workers.
    let store = tokio::task::spawn_blocking(move || db.open())
        .await
        .map_err(|e| StartError::Db {
            path: opts.db.describe(),
            source: store::StoreError::Open(e.to_string()),
        })?
        .map_err(|source| StartError::Db {
            path: opts.db.describe(),
            source,
        })?;
    let store = Arc::new(store);
    let runbooks = Arc::new(opts.runbooks);
    let demo_task = if opts.demo {
        demo::seed(&store, &runbooks).map_err(|source| StartError::Db {
            path: "demo".into(),
            source,
        })?;
        Some(tokio::spawn(demo::run_live(store.clone())))
    } else {
        None
    };
    let automation_cfg = opts.automation;
    let state = AppState(Arc::new(Shared {
        store: store.clone(),
        bodies: Arc::default(),
        auth: opts.auth,
        metrics: Arc::default(),
        runbooks,
        classifier: Arc::new(opts.classifier),
        policy: Arc::new(opts.policy),
        notify: Arc::new(opts.notify),
        notify_wake: Arc::default(),
        notify_checking: Arc::new(tokio::sync::Semaphore::new(1)),
        actions: Arc::new(actions::Actions::new(opts.actions)),
        status: Arc::new(status_api::StatusCache::new(opts.status)),
        drills: Arc::default(),
        alertmanager: opts.alertmanager.clone(),
    }));
    if let Some(am) = opts.alertmanager {
        integrations::alertmanager::sync::spawn(state.clone(), am);
    }
    notify::worker::spawn(
        store.clone(),
        state.notify.clone(),
        state.notify_wake.clone(),
    );
    automation::spawn(automation::Automation {
        store: store.clone(),
        cfg: automation_cfg,
        policy: (*state.policy).clone(),
        notify: state.notify.clone(),
        wake: state.notify_wake.clone(),
    });
    actions::recover::spawn_sweeper(actions::recover::Sweeper {
        store: store.clone(),
        actions: state.actions.clone(),
        notify: state.notify.clone(),
        wake: state.notify_wake.clone(),
    });
    let own_actions = state.actions.clone();
    let own_drills = state.drills.clone();
    let listener = TcpListener::bind(opts.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: opts.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: opts.listen,
        source,
    })?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = router(state);
    let limits = opts.limits;
    let join = tokio::spawn(async move {
        listener::serve(listener, app, limits, rx).await;
        // Runbook actions end with their server, recorded as interrupted.
        actions::recover::interrupt_own(&own_actions).await;
        own_drills.stop_all();
        if let Some(t) = demo_task {
            t.abort();
        }
    });
    tracing::info!(%addr, "warroom server listening");
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        join,
    })
}
