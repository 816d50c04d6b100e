//! A PagerDuty REST API fake for console tests: PagerDuty's own published
//! example incident (from ../shared/specs), triggered, answering the reads
//! the adapter makes and recording every write; it can be stopped, to
//! see what a console does when PagerDuty goes away.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// Every request but reads: (method, path, body).
pub type Writes = Arc<Mutex<Vec<(String, String, Value)>>>;

pub struct PdFake {
    pub url: String,
    pub writes: Writes,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub fn spec() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/specs/pagerduty-rest-v2.openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the PagerDuty spec is missing at {} ({e})", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// The published example incident (number 1234), triggered.
pub fn example_incident() -> Value {
    let spec = spec();
    let content =
        &spec["paths"]["/incidents"]["get"]["responses"]["200"]["content"]["application/json"];
    let page = content["examples"]
        .as_object()
        .and_then(|m| m.values().next())
        .map(|e| e["value"].clone())
        .or_else(|| content.get("example").cloned())
        .expect("an example list");
    let mut i = page["incidents"][0].clone();
    i["status"] = json!("triggered");
    i
}

impl PdFake {
    /// Serves on a loopback port from a thread of its own.
    pub fn start() -> PdFake {
        let incident = Arc::new(Mutex::new(example_incident()));
        let writes: Writes = Arc::default();
        let log = writes.clone();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let app = axum::Router::new().fallback(move |req: Request| {
                    let (incident, log) = (incident.clone(), log.clone());
                    async move { answer(req, &incident, &log).await }
                });
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(l.local_addr().unwrap()).unwrap();
                axum::serve(l, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        PdFake {
            url: format!("http://{addr}"),
            writes,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Stops answering: connections are refused from now on.
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PdFake {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn answer(
    req: Request,
    incident: &Arc<Mutex<Value>>,
    log: &Writes,
) -> axum::response::Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let ok = |v: Value| {
        (
            StatusCode::OK,
            [("content-type", "application/json")],
            v.to_string(),
        )
            .into_response()
    };
    if method != "GET" {
        log.lock()
            .unwrap()
            .push((method.clone(), path.clone(), body.clone()));
    }
    let now = incident.lock().unwrap().clone();
    match (method.as_str(), path.as_str()) {
        ("GET", "/incidents") => {
            let open = now["status"] != "resolved";
            let list: Vec<Value> = open.then_some(now).into_iter().collect();
            ok(json!({"incidents": list, "limit": 100, "offset": 0, "more": false, "total": null}))
        }
        ("GET", p) if p.ends_with("/log_entries") => ok(json!({"log_entries": [], "more": false})),
        ("GET", p) if p.ends_with("/notes") => ok(json!({"notes": []})),
        ("GET", _) => ok(json!({ "incident": now })),
        ("PUT", _) => {
            let mut i = incident.lock().unwrap();
            if let Some(s) = body["incident"]["status"].as_str() {
                i["status"] = json!(s);
            }
            ok(json!({ "incident": i.clone() }))
        }
        ("POST", p) if p.ends_with("/notes") => {
            ok(json!({"note": {"id": "PNOTE1", "content": body["note"]["content"]}}))
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
