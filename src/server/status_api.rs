//! The public status page, served without a token: `/status` (HTML),
//! `/status.json` and `/status.atom`. It shows only what was made public
//! (see `store/status.rs`). Built once per change and at most once a
//! second ([`MIN_REBUILD`]), whatever the number of readers: every other
//! request is answered from the cached bytes (or a 304), and at most
//! [`MAX_IN_FLIGHT`] are answered at once, so a crowd of customers
//! refreshing during an outage costs the responders' API nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use tokio::sync::{Mutex, Semaphore};

use super::AppState;
use super::error::ApiError;
use super::json::matches_if_none_match;
use crate::model::public::{MAX_COMPONENTS, StatusPage};
use crate::report::status_page::{to_atom, to_html};

/// A rebuilt page is kept at least this long, however often the data
/// changes (a busy incident writes many times a second).
pub const MIN_REBUILD: Duration = Duration::from_secs(1);
/// Status requests answered at once; the rest get a 503 with Retry-After.
pub const MAX_IN_FLIGHT: usize = 256;
/// How long browsers and proxies may reuse an answer.
const MAX_AGE: &str = "public, max-age=15";

/// `[status]` in the server config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusConfig {
    /// Serve the page (`false`: the routes answer 404).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The page's heading.
    #[serde(default = "default_title")]
    pub title: String,
    /// Components always listed (operational unless an open public
    /// incident says otherwise), in this order.
    #[serde(default)]
    pub components: Vec<String>,
    /// The Atom feed's permanent id (a URL or URN of your choosing).
    #[serde(default = "default_feed_id")]
    pub feed_id: String,
}

fn yes() -> bool {
    true
}

fn default_title() -> String {
    "Service status".into()
}

fn default_feed_id() -> String {
    "urn:warroom:status".into()
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig {
            enabled: true,
            title: default_title(),
            components: Vec::new(),
            feed_id: default_feed_id(),
        }
    }
}

impl StatusConfig {
    pub fn check(&self) -> Result<(), String> {
        let bad = |s: &str, max: usize| {
            s.trim().is_empty() || s.chars().count() > max || s.chars().any(char::is_control)
        };
        if bad(&self.title, 100) {
            return Err("title must be 1 to 100 characters, no control characters".into());
        }
        if bad(&self.feed_id, 200) || self.feed_id.contains(char::is_whitespace) {
            return Err("feed_id must be a URL or URN of 1 to 200 characters".into());
        }
        if self.components.len() > MAX_COMPONENTS {
            return Err(format!("at most {MAX_COMPONENTS} components"));
        }
        if let Some(c) = self.components.iter().find(|c| bad(c, 100)) {
            return Err(format!(
                "components: {:?} must be 1 to 100 characters, no control characters",
                crate::text::one_line(c, 40)
            ));
        }
        Ok(())
    }
}

/// The page in its three forms, as built at one revision.
struct Built {
    revision: u64,
    at: Instant,
    etag: String,
    html: Bytes,
    json: Bytes,
    atom: Bytes,
}

/// The cache the three routes share.
pub struct StatusCache {
    cfg: StatusConfig,
    built: Mutex<Option<Arc<Built>>>,
    in_flight: Semaphore,
}

impl StatusCache {
    pub fn new(cfg: StatusConfig) -> Self {
        StatusCache {
            cfg,
            built: Mutex::new(None),
            in_flight: Semaphore::new(MAX_IN_FLIGHT),
        }
    }

    /// The page as it is now: the cached one unless the data changed and
    /// the cached one is older than [`MIN_REBUILD`]. One request rebuilds;
    /// the others wait for it (the lock) and take its result.
    async fn current(&self, app: &AppState) -> Result<Arc<Built>, ApiError> {
        let revision = app.store.revision();
        let mut slot = self.built.lock().await;
        if let Some(b) = slot.as_ref()
            && (b.revision == revision || b.at.elapsed() < MIN_REBUILD)
        {
            return Ok(b.clone());
        }
        let now = Utc::now();
        let entries = super::blocking(&app.store, move |s| s.status_entries(now)).await?;
        let page = StatusPage::build(&self.cfg.title, &self.cfg.components, entries, now);
        let json = serde_json::to_vec(&page).map_err(|_| ApiError::internal_panic())?;
        let etag = format!(
            "\"status-{}\"",
            &crate::server::json::request_hash("GET", "/status", &json)[..16]
        );
        let b = Arc::new(Built {
            revision,
            at: Instant::now(),
            etag,
            html: Bytes::from(to_html(&page)),
            json: Bytes::from(json),
            atom: Bytes::from(to_atom(&page, &self.cfg.feed_id)),
        });
        *slot = Some(b.clone());
        Ok(b)
    }
}

#[derive(Clone, Copy)]
enum Form {
    Html,
    Json,
    Atom,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/status", get(|s, h| serve(s, h, Form::Html)))
        .route("/status.json", get(|s, h| serve(s, h, Form::Json)))
        .route("/status.atom", get(|s, h| serve(s, h, Form::Atom)))
}

async fn serve(State(app): State<AppState>, headers: HeaderMap, form: Form) -> Response {
    let cache = app.status.clone();
    if !cache.cfg.enabled {
        return ApiError::not_found("the status page is turned off ([status] enabled = false)")
            .into_response();
    }
    let Ok(_permit) = cache.in_flight.try_acquire() else {
        let mut r = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the status page is busy; try again in a few seconds",
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return r;
    };
    let built = match cache.current(&app).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let (body, kind, suffix) = match form {
        Form::Html => (built.html.clone(), "text/html; charset=utf-8", "h"),
        Form::Json => (built.json.clone(), "application/json", "j"),
        Form::Atom => (
            built.atom.clone(),
            "application/atom+xml; charset=utf-8",
            "a",
        ),
    };
    let etag = format!("{}{suffix}\"", built.etag.trim_end_matches('"'));
    let mut r = if matches_if_none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, kind)], body).into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    // The page's own style, nothing else: no script, no frame, no form.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
             base-uri 'none'; form-action 'none'",
        ),
    );
    r
}
