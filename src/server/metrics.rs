//! Prometheus text-format metrics: requests by route and status, a latency
//! histogram per route, and active incidents by severity (read at scrape time).
//!
//! Every label comes from a closed set (route templates, known methods,
//! status codes), so no request can add a series: anything else is `other`.
//! `/metrics` needs a viewer token, since the incident counts are incident
//! data (Prometheus sends one with `authorization: credentials_file`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn record(&self, route: &str, method: &str, status: u16, secs: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((route.into(), method.into(), status))
            .or_default() += 1;
        let mut lat = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let h = lat.entry(route.into()).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.total += 1;
    }

    /// `active` is `None` when the database could not be read for it.
    pub fn render(&self, active: Option<&[(crate::model::Severity, u64)]>) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP warroom_database_up Whether this server could read its database for this scrape.\n",
        );
        out.push_str("# TYPE warroom_database_up gauge\n");
        let _ = writeln!(out, "warroom_database_up {}", u8::from(active.is_some()));
        let active = active.unwrap_or_default();
        out.push_str(
            "# HELP warroom_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE warroom_http_requests_total counter\n");
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "warroom_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP warroom_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE warroom_http_request_duration_seconds histogram\n");
        for (route, h) in self
            .latency
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.total
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "warroom_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.total
            );
        }
        out.push_str("# HELP warroom_active_incidents Active incidents by severity.\n");
        out.push_str("# TYPE warroom_active_incidents gauge\n");
        for sev in crate::model::Severity::ALL {
            let n = active
                .iter()
                .find(|(s, _)| *s == sev)
                .map_or(0, |(_, n)| *n);
            let _ = writeln!(out, "warroom_active_incidents{{severity=\"{sev}\"}} {n}");
        }
        out
    }
}

pub async fn track(State(app): State<AppState>, req: Request, next: Next) -> Response {
    // The route template, not the path: `/incidents/{id}`, so ids do not
    // explode the label set.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = method_label(req.method());
    let start = Instant::now();
    let resp = next.run(req).await;
    app.metrics.record(
        &route,
        method,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn scrape(
    State(app): State<AppState>,
    who: super::auth::Principal,
) -> Result<Response, super::error::ApiError> {
    who.require(crate::model::ActorRole::Viewer)?;
    // A database that cannot be read still gets a scrape: the request
    // counters are in memory, and `warroom_database_up 0` is the alert.
    let active = super::blocking(&app.store, |s| s.active_by_severity())
        .await
        .ok();
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        app.metrics.render(active.as_deref()),
    )
        .into_response())
}
