//! A proxy in front of a real server that can hold the change feed: the
//! console behind it keeps its view while someone else changes things.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A proxy that, while `frozen`, holds the answers of the change feed: the
/// console behind it keeps its view of the incident, exactly as a
/// commander does in the second between the other's change and the feed.
pub async fn freezing_proxy(upstream: String, frozen: Arc<AtomicBool>) -> String {
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
