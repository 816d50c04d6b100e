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
/// Long-polls wait up to a minute by design: their own buckets.
const WAIT_BUCKETS: [f64; 10] = [0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 20.0, 30.0, 45.0, 61.0];

/// Routes that hold a request open until something changes (the change
/// feed, a runbook run's live output): their time is waiting, not
/// latency, so they have a histogram of their own and any latency alert
/// on `warroom_http_request_duration_seconds` needs no exclusion.
fn long_poll(route: &str) -> bool {
    matches!(
        route,
        "/api/v1/changes" | "/api/v1/incidents/{id}/actions/runs/{run}"
    )
}

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

impl Histogram {
    fn observe(&mut self, buckets: &[f64], secs: f64) {
        for (i, b) in buckets.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += secs;
        self.total += 1;
    }
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    waits: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn record(&self, route: &str, method: &str, status: u16, secs: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((route.into(), method.into(), status))
            .or_default() += 1;
        let (table, buckets) = if long_poll(route) {
            (&self.waits, &WAIT_BUCKETS)
        } else {
            (&self.latency, &BUCKETS)
        };
        let mut t = table.lock().unwrap_or_else(|e| e.into_inner());
        t.entry(route.into()).or_default().observe(buckets, secs);
    }

    fn render_histograms(
        out: &mut String,
        name: &str,
        help: &str,
        table: &Mutex<BTreeMap<String, Histogram>>,
        buckets: &[f64],
    ) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (route, h) in table.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            for (i, b) in buckets.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.total
            );
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {}", h.total);
        }
    }

    /// `active` is `None` when the database could not be read for it.
    pub fn render(&self, active: Option<&[(crate::model::Severity, u64)]>) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP warroom_database_up Whether this server could read its database for this scrape.\n",
        );
        out.push_str("# TYPE warroom_database_up gauge\n");
        let _ = writeln!(out, "warroom_database_up {}", u8::from(active.is_some()));
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
        Self::render_histograms(
            &mut out,
            "warroom_http_request_duration_seconds",
            "Request latency by route (long-polls are in warroom_http_long_poll_duration_seconds).",
            &self.latency,
            &BUCKETS,
        );
        Self::render_histograms(
            &mut out,
            "warroom_http_long_poll_duration_seconds",
            "How long long-poll requests (the change feed, live action output) were held.",
            &self.waits,
            &WAIT_BUCKETS,
        );
        // Read from the database at scrape time: when it cannot be read,
        // the gauge is absent (never 0, which would be a false all-clear);
        // alert on warroom_database_up.
        if let Some(active) = active {
            out.push_str(
                "# HELP warroom_active_incidents Active incidents by severity (drills left out).\n",
            );
            out.push_str("# TYPE warroom_active_incidents gauge\n");
            for sev in crate::model::Severity::ALL {
                let n = active
                    .iter()
                    .find(|(s, _)| *s == sev)
                    .map_or(0, |(_, n)| *n);
                let _ = writeln!(out, "warroom_active_incidents{{severity=\"{sev}\"}} {n}");
            }
        }
        process_metrics(&mut out);
        out
    }
}

/// The process's own figures (the names Prometheus's client libraries
/// use) and the build, read from /proc at scrape time.
fn process_metrics(out: &mut String) {
    let _ = writeln!(out, "# HELP warroom_build_info The running build.");
    let _ = writeln!(out, "# TYPE warroom_build_info gauge");
    let _ = writeln!(
        out,
        "warroom_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    // SAFETY: plain queries of the process's own configuration.
    let (tick, page) = unsafe {
        (
            libc::sysconf(libc::_SC_CLK_TCK).max(1) as f64,
            libc::sysconf(libc::_SC_PAGESIZE).max(1) as f64,
        )
    };
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        // Fields after the command name (which may hold spaces) in ')'.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, r)| r)
            .split_whitespace()
            .collect();
        let num = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
        // utime and stime are fields 14 and 15 (index 11, 12 here);
        // starttime 22 (index 19); rss 24 (index 21).
        if let (Some(u), Some(s)) = (num(11), num(12)) {
            let _ = writeln!(out, "# TYPE process_cpu_seconds_total counter");
            let _ = writeln!(out, "process_cpu_seconds_total {}", (u + s) / tick);
        }
        if let Some(rss) = num(21) {
            let _ = writeln!(out, "# TYPE process_resident_memory_bytes gauge");
            let _ = writeln!(out, "process_resident_memory_bytes {}", rss * page);
        }
        if let (Some(start), Ok(up)) = (num(19), std::fs::read_to_string("/proc/uptime")) {
            let boot_ago: f64 = up
                .split_whitespace()
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            let now = chrono::Utc::now().timestamp() as f64;
            let _ = writeln!(out, "# TYPE process_start_time_seconds gauge");
            let _ = writeln!(
                out,
                "process_start_time_seconds {}",
                (now - boot_ago + start / tick).round()
            );
        }
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        let _ = writeln!(out, "# TYPE process_open_fds gauge");
        let _ = writeln!(out, "process_open_fds {}", fds.count());
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
