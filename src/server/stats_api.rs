//! `GET /api/v1/stats?since=90d&service=S&utc_offset=+02:00`: response
//! metrics over a window (see `model::stats`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

use std::sync::Arc;

use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::known_params;
use super::{AppState, Store};
use crate::model::ActorRole;

use axum::Router;
use axum::routing::get;
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/stats", get(stats))
}

/// `90d`, `12h`, `4w`, or `all`; at most ten years. Never panics,
/// whatever it is given (a huge number, a multi-byte unit).
pub fn parse_window(s: &str) -> Result<Option<Duration>, String> {
    if s == "all" {
        return Ok(None);
    }
    let shown = crate::text::one_line(s, 24);
    let bad = || format!("`{shown}` is not a window like 90d, 12h, 4w or all");
    let mut chars = s.chars();
    let unit = chars.next_back().ok_or_else(bad)?;
    let n: i64 = chars.as_str().parse().map_err(|_| bad())?;
    let hours_per = match unit {
        'h' => 1,
        'd' => 24,
        'w' => 24 * 7,
        _ => return Err(bad()),
    };
    const MAX_HOURS: i64 = 3650 * 24;
    match n.checked_mul(hours_per) {
        Some(h) if (1..=MAX_HOURS).contains(&h) => Ok(Some(Duration::hours(h))),
        _ => Err(format!("`{shown}`: a window is 1 hour to 10 years")),
    }
}

/// `+02:00`, `-05:30`, `0`.
pub fn parse_offset(s: &str) -> Result<Duration, String> {
    if s == "0" || s.is_empty() {
        return Ok(Duration::zero());
    }
    let shown = crate::text::one_line(s, 24);
    let bad = || format!("`{shown}` is not a UTC offset like +02:00 or -05:30");
    let (sign, rest) = if let Some(r) = s.strip_prefix('+') {
        (1, r)
    } else if let Some(r) = s.strip_prefix('-') {
        (-1, r)
    } else {
        return Err(bad());
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(Duration::minutes(sign * (i64::from(h) * 60 + i64::from(m))))
}

static STATS_TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Hands the memory a computation freed back to the system (glibc keeps
/// freed memory in its arenas otherwise, and the server's size would stay
/// at its largest request's).
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the top of the heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

pub async fn stats(
    State(store): State<Arc<Store>>,
    State(policy): State<Arc<crate::model::Policy>>,
    who: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.require(ActorRole::Viewer)?;
    known_params(&q, &["since", "service", "utc_offset"])?;
    let window = parse_window(q.get("since").map_or("90d", String::as_str))
        .map_err(|e| ApiError::bad_request(format!("query parameter `since`: {e}")))?;
    let offset = parse_offset(q.get("utc_offset").map_or("0", String::as_str))
        .map_err(|e| ApiError::bad_request(format!("query parameter `utc_offset`: {e}")))?;
    let since = window.map(|w| Utc::now() - w);
    let service = q.get("service").filter(|s| !s.is_empty()).cloned();
    // At most two computations at once: each may gather up to 50,000
    // incidents, so eight at once would hold eight windows.
    let _turn = STATS_TURNS.acquire().await.map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the server is shutting down",
        )
    })?;
    let practice = crate::model::stats::Practice::of(&policy);
    let s = blocking(&store, move |st| {
        let s = st.stats(since, service.as_deref(), offset, &practice);
        give_back_memory();
        s
    })
    .await?;
    Ok(Json(s).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_offsets_parse_or_say_why() {
        assert_eq!(parse_window("90d"), Ok(Some(Duration::days(90))));
        assert_eq!(parse_window("all"), Ok(None));
        assert!(parse_window("90").is_err());
        assert!(parse_window("-3d").is_err());
        assert!(parse_window("99999w").is_err());
        assert_eq!(parse_offset("+02:00"), Ok(Duration::hours(2)));
        assert_eq!(parse_offset("-05:30"), Ok(Duration::minutes(-330)));
        assert!(parse_offset("CET").is_err());
    }
}
