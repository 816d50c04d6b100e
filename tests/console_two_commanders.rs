//! Two incident commanders, two consoles, one incident: both change its
//! severity at once. The loser must see the winner's change (not the state
//! it acted on), and its retry must go through the same confirmation a
//! fresh change would, ending in the state the loser confirmed.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::procs::{ServerProc, free_port, token_file};
use common::pty::Screen;
use serde_json::Value;

const T: Duration = Duration::from_secs(20);

fn severity(port: u16, tok: &str, id: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let v: Value = warroom::tls::client()
            .get(format!("http://127.0.0.1:{port}/api/v1/incidents/{id}"))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["incident"]["severity"].as_str().unwrap().to_string()
    })
}

/// A proxy that, while `frozen`, holds the answers of the change feed: the
/// console behind it keeps its view of the incident, exactly as a
/// commander does in the second between the other's change and the feed.
async fn freezing_proxy(upstream: String, frozen: Arc<AtomicBool>) -> String {
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (upstream, frozen) = (upstream.clone(), frozen.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            let pq = parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let mut r = warroom::tls::client()
                .request(parts.method, format!("{upstream}{pq}"))
                .body(body);
            for (k, v) in parts.headers.iter() {
                if k != "host" {
                    r = r.header(k, v);
                }
            }
            let Ok(resp) = r.send().await else {
                return axum::http::StatusCode::BAD_GATEWAY.into_response();
            };
            let status = resp.status();
            let mut h = axum::http::HeaderMap::new();
            for k in ["etag", "content-type", "idempotent-replayed"] {
                if let Some(v) = resp.headers().get(k) {
                    h.insert(k, v.clone());
                }
            }
            let bytes = resp.bytes().await.unwrap_or_default();
            while pq.contains("/changes") && frozen.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (status, h, bytes).into_response()
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}")
}

#[test]
fn two_commanders_change_severity_at_once_and_the_loser_confirms_on_the_true_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&home_a).unwrap();
    std::fs::create_dir_all(&home_b).unwrap();
    let (tok_a, file_a) = token_file(&home_a, &db, "commander", "ic-alice");
    let (_, file_b) = token_file(&home_b, &db, "commander", "ic-bob");
    let _server = ServerProc::start(port, &db);
    let url = format!("http://127.0.0.1:{port}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let frozen = Arc::new(AtomicBool::new(false));
    let proxied = rt.block_on(freezing_proxy(url.clone(), frozen.clone()));

    let mut a = Screen::spawn(
        &["--api", &url, "--token-file", file_a.to_str().unwrap()],
        &home_a,
        120,
        40,
    );
    let mut b = Screen::spawn(
        &["--api", &proxied, "--token-file", file_b.to_str().unwrap()],
        &home_b,
        120,
        40,
    );
    a.wait_text("● live", T);
    b.wait_text("● live", T);
    // Alice declares a SEV2; both consoles show it.
    a.send("D");
    a.wait_text("Declare an incident", T);
    a.send("Replication lag on orders-db");
    a.send("\t");
    a.send("orders");
    a.send("\t");
    a.send("2");
    a.send("\r");
    a.wait_for("INC-1 declared", T, |t| t.contains("INC-1"));
    assert_eq!(severity(port, &tok_a, "INC-1"), "SEV2");
    b.wait_for("INC-1 on bob's screen", T, |t| {
        t.contains("INC-1") && t.contains("SEV2")
    });

    // Bob's view stops moving; alice raises to SEV1 (confirmed).
    frozen.store(true, Ordering::SeqCst);
    a.send("s");
    a.wait_text("SEV1", T);
    a.send("y");
    a.wait_for("SEV1 stored", T, |_| {
        severity(port, &tok_a, "INC-1") == "SEV1"
    });

    // Bob, still seeing SEV2, lowers it to SEV3: refused, and his dialog
    // shows alice's change, read after the refusal.
    b.send("S");
    b.wait_for("the conflict dialog with the winner's value", T, |t| {
        t.contains("Conflict") && t.contains("SEV2 → SEV1")
    });
    let screen = b.text();
    assert!(
        screen.contains("ic-alice"),
        "names who changed it:\n{screen}"
    );
    assert_eq!(severity(port, &tok_a, "INC-1"), "SEV1", "nothing changed");

    // The retry says what it does now and asks, since it lowers a SEV1.
    b.send("r");
    b.wait_for("the SEV1 confirmation", T, |t| {
        t.contains("set SEV3") && t.contains("it is SEV1 now")
    });
    assert_eq!(
        severity(port, &tok_a, "INC-1"),
        "SEV1",
        "not before the yes"
    );
    b.send("y");
    b.wait_for("the state bob confirmed", T, |_| {
        severity(port, &tok_a, "INC-1") == "SEV3"
    });
    frozen.store(false, Ordering::SeqCst);
    a.wait_for("alice sees bob's change", T, |t| t.contains("SEV3"));
}
