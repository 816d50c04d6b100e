//! `GET /api/v1/stats?since=90d&service=S&utc_offset=+02:00`: response
//! metrics over a window (see `model::stats`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

use super::AppState;
use super::auth::Principal;
use super::blocking;
use super::error::ApiError;
use super::query::known_params;
use crate::model::ActorRole;

/// `90d`, `12h`, `4w`, or `all`; at most ten years.
pub fn parse_window(s: &str) -> Result<Option<Duration>, String> {
    if s == "all" {
        return Ok(None);
    }
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a window like 90d, 12h, 4w or all"))?;
    let d = match unit {
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return Err(format!("`{s}` is not a window like 90d, 12h, 4w or all")),
    };
    if n <= 0 || d > Duration::days(3650) {
        return Err(format!("`{s}`: a window is 1 hour to 10 years"));
    }
    Ok(Some(d))
}

/// `+02:00`, `-05:30`, `0`.
pub fn parse_offset(s: &str) -> Result<Duration, String> {
    if s == "0" || s.is_empty() {
        return Ok(Duration::zero());
    }
    let bad = || format!("`{s}` is not a UTC offset like +02:00 or -05:30");
    let (sign, rest) = match s.split_at(1) {
        ("+", r) => (1, r),
        ("-", r) => (-1, r),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(Duration::minutes(sign * (h * 60 + m)))
}

pub async fn stats(
    State(app): State<AppState>,
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
    let s = blocking(&app.store, move |st| {
        st.stats(since, service.as_deref(), offset)
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
