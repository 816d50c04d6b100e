//! What the handlers share: one `Arc` (`AppState`), and the parts of it a
//! handler may ask for alone (axum's `FromRef`): a handler names only what
//! it uses (`State<Arc<Store>>`, `State<Notifier>`, …).

use std::sync::Arc;

use axum::extract::FromRef;

use super::auth::AuthConfig;
use super::metrics::Metrics;
use super::store::{self, Store};
use super::{actions, error, integrations, notify};
use crate::model::{Policy, RunbookSet};

/// What every handler shares, behind one `Arc`: a request clones one
/// pointer, not a dozen (a profile of the list route under load spent about
/// 15% of the server's time cloning and dropping the fields one by one).
#[derive(Clone)]
pub struct AppState(pub(super) Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub store: Arc<Store>,
    /// Answer bodies by ETag, shared by every reader of the same revision.
    pub bodies: Arc<BodyCache>,
    pub auth: AuthConfig,
    pub metrics: Arc<Metrics>,
    pub runbooks: Arc<RunbookSet>,
    pub classifier: Arc<integrations::classify::Classifier>,
    pub policy: Arc<Policy>,
    /// Notification targets, and the bell that wakes their worker.
    pub notify: Arc<notify::NotifyConfig>,
    pub notify_wake: Arc<tokio::sync::Notify>,
    /// One readiness check at a time on this server (see
    /// `deliveries_api::notify_test`).
    pub notify_checking: Arc<tokio::sync::Semaphore>,
    /// Runbook actions (`[[actions]]`) and their runs.
    pub actions: Arc<actions::Actions>,
    /// The public status page, built once per change.
    pub status: Arc<super::status_api::StatusCache>,
    /// Drills being played, and the scenarios of those played.
    pub drills: Arc<super::drill::Drills>,
    /// Alertmanager's API (`[alertmanager] url`), when set.
    pub alertmanager: Option<integrations::alertmanager::am_api::Am>,
}

/// Runs a store call on tokio's blocking threads: SQLite work (and its
/// fsyncs) never holds up the async workers that answer everything else.
pub async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> store::Result<T> + Send + 'static,
) -> Result<T, error::ApiError> {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || f(&store)).await {
        Ok(r) => r.map_err(error::ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "store task failed");
            Err(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server could not complete the request; see its log",
            ))
        }
    }
}

/// Recently built answer bodies by ETag. Bounded: at most [`BodyCache::MAX`]
/// entries and [`BodyCache::MAX_BYTES`] bytes; when full it starts over
/// (the current revision's bodies are rebuilt on the next ask).
#[derive(Default)]
pub struct BodyCache {
    inner: std::sync::Mutex<(std::collections::HashMap<String, axum::body::Bytes>, usize)>,
}

impl BodyCache {
    const MAX: usize = 256;
    const MAX_BYTES: usize = 64 * 1024 * 1024;

    pub fn get(&self, etag: &str) -> Option<axum::body::Bytes> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .get(etag)
            .cloned()
    }

    pub fn put(&self, etag: String, body: axum::body::Bytes) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if g.0.len() >= Self::MAX || g.1 + body.len() > Self::MAX_BYTES {
            g.0.clear();
            g.1 = 0;
        }
        g.1 += body.len();
        g.0.insert(etag, body);
    }
}

/// Notification targets, and the bell that wakes their senders.
#[derive(Clone)]
pub struct Notifier {
    pub config: Arc<notify::NotifyConfig>,
    pub wake: Arc<tokio::sync::Notify>,
    pub checking: Arc<tokio::sync::Semaphore>,
}

impl FromRef<AppState> for Notifier {
    fn from_ref(app: &AppState) -> Self {
        Notifier {
            config: app.notify.clone(),
            wake: app.notify_wake.clone(),
            checking: app.notify_checking.clone(),
        }
    }
}

macro_rules! part {
    ($($field:ident: $t:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $t {
            fn from_ref(app: &AppState) -> Self {
                app.$field.clone()
            }
        })*
    };
}

part!(
    store: Arc<Store>,
    bodies: Arc<BodyCache>,
    metrics: Arc<Metrics>,
    runbooks: Arc<RunbookSet>,
    classifier: Arc<integrations::classify::Classifier>,
    policy: Arc<Policy>,
    actions: Arc<actions::Actions>,
);
