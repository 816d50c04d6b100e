//! Corporate networks reach backends through a proxy: `HTTP_PROXY` /
//! `HTTPS_PROXY` / `NO_PROXY` are honoured by the backend clients, and a
//! backend on this machine (the embedded server, an SSH tunnel) is reached
//! directly whatever they say.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::procs::{ServerProc, free_port, token_file};

/// A forward proxy for plain HTTP that knows one name the resolver does
/// not: `warroom.test` is this machine. It counts what it carries.
async fn proxy(seen: Arc<AtomicUsize>) -> String {
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            let target = parts
                .uri
                .to_string()
                .replace("://warroom.test:", "://127.0.0.1:");
            let mut r = warroom::tls::client_builder()
                .no_proxy()
                .build()
                .unwrap()
                .request(parts.method, target)
                .body(body);
            for (k, v) in parts.headers.iter() {
                if k != "host" && k != "proxy-connection" {
                    r = r.header(k, v);
                }
            }
            let Ok(resp) = r.send().await else {
                return axum::http::StatusCode::BAD_GATEWAY.into_response();
            };
            let status = resp.status();
            let ct = resp.headers().get("content-type").cloned();
            let bytes = resp.bytes().await.unwrap_or_default();
            let mut out = (status, bytes).into_response();
            if let Some(ct) = ct {
                out.headers_mut().insert("content-type", ct);
            }
            out
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}")
}

fn list(api: &str, tok: &std::path::Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.args(["list", "--api", api, "--token-file"]).arg(tok);
    for k in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
    ] {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.env("HOME", tok.parent().unwrap());
    cmd.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backends_are_reached_through_the_proxy_the_environment_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (_, tok) = token_file(dir.path(), &db, "viewer", "noc");
    let _server = ServerProc::start(port, &db);
    let seen = Arc::new(AtomicUsize::new(0));
    let via = proxy(seen.clone()).await;
    let by_name = format!("http://warroom.test:{port}");

    // Only the proxy knows `warroom.test`: the list comes through it.
    let out = tokio::task::block_in_place(|| list(&by_name, &tok, &[("HTTP_PROXY", &via)]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        seen.load(Ordering::SeqCst) > 0,
        "the request went through the proxy"
    );

    // NO_PROXY names it: no proxy, and the name does not resolve.
    let before = seen.load(Ordering::SeqCst);
    let out = tokio::task::block_in_place(|| {
        list(
            &by_name,
            &tok,
            &[("HTTP_PROXY", &via), ("NO_PROXY", "warroom.test")],
        )
    });
    assert_eq!(out.status.code(), Some(5), "unreachable: {out:?}");
    assert_eq!(seen.load(Ordering::SeqCst), before, "not through the proxy");

    // A backend on this machine is reached directly, even with a proxy
    // set that could not reach it (here: one that is not there at all).
    let dead = format!("http://127.0.0.1:{}", free_port());
    let local = format!("http://127.0.0.1:{port}");
    for (k, v) in [("HTTP_PROXY", dead.as_str()), ("ALL_PROXY", dead.as_str())] {
        let out = tokio::task::block_in_place(|| list(&local, &tok, &[(k, v)]));
        assert!(
            out.status.success(),
            "{k}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(seen.load(Ordering::SeqCst), before);
}
