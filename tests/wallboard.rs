//! The wallboard: snapshots, and the real binary in a pseudo-terminal
//! against a recording proxy in front of a real server.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use common::TestServer;
use common::pty::Screen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::client::ClientError;
use warroom::client::poller::Feed;
use warroom::tui::fixtures::{clock, sample_details};
use warroom::tui::theme::Theme;
use warroom::tui::wallboard::{WallMsg, Wallboard, update, view};

fn board(with_incidents: bool) -> Wallboard {
    let mut w = Wallboard::new(
        "noc https://warroom.example.com",
        Duration::from_secs(20),
        clock(),
    );
    let details = if with_incidents {
        sample_details()
    } else {
        vec![]
    };
    update(
        &mut w,
        WallMsg::Feed(Feed::List {
            incidents: details.iter().map(|d| d.incident.clone()).collect(),
            at: clock() - chrono::Duration::seconds(2),
        }),
    );
    for d in details {
        update(
            &mut w,
            WallMsg::Feed(Feed::Detail {
                detail: Box::new(d),
                at: clock() - chrono::Duration::seconds(2),
            }),
        );
    }
    w
}

fn snap(name: &str, w: &Wallboard) {
    let theme = Theme::load("default", None, false).unwrap();
    for (cols, rows) in [(80, 24), (200, 60)] {
        let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
        t.draw(|f| view::draw(w, &theme, f)).unwrap();
        insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), t.backend());
    }
}

#[test]
fn wallboard_with_active_incidents() {
    snap("wall_active", &board(true));
}

#[test]
fn wallboard_with_nothing_active() {
    snap("wall_none", &board(false));
}

#[test]
fn wallboard_with_stale_data() {
    let mut w = board(true);
    update(
        &mut w,
        WallMsg::Feed(Feed::Failed {
            error: ClientError::Unreachable("Connection refused (os error 111)".into()),
            at: clock(),
        }),
    );
    update(
        &mut w,
        WallMsg::Tick(clock() + chrono::Duration::seconds(75)),
    );
    snap("wall_stale", &w);
}

/// Forwards to the real server and records every request it sees. While
/// `down`, it answers like a load balancer whose backend is gone.
#[derive(Clone)]
struct Proxy {
    upstream: String,
    seen: Arc<Mutex<Vec<(Method, String)>>>,
    down: Arc<AtomicBool>,
    http: reqwest::Client,
}

async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|pq| pq.to_string())
        .unwrap_or_default();
    p.seen
        .lock()
        .unwrap()
        .push((parts.method.clone(), path.clone()));
    if p.down.load(Ordering::SeqCst) {
        return (
            StatusCode::BAD_GATEWAY,
            [("content-type", "text/html")],
            "<html><body>502 Bad Gateway</body></html>",
        )
            .into_response();
    }
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut r = p
        .http
        .request(parts.method.clone(), format!("{}{path}", p.upstream))
        .body(body);
    for h in [
        "authorization",
        "if-none-match",
        "content-type",
        "idempotency-key",
        "if-match",
    ] {
        if let Some(v) = parts.headers.get(h) {
            r = r.header(h, v);
        }
    }
    match r.send().await {
        Ok(resp) => {
            let status = resp.status();
            let mut headers = HeaderMap::new();
            for h in ["etag", "content-type"] {
                if let Some(v) = resp.headers().get(h) {
                    headers.insert(h, v.clone());
                }
            }
            let bytes: Bytes = resp.bytes().await.unwrap_or_default();
            (status, headers, bytes).into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_key_makes_no_write_and_stale_comes_and_goes() {
    let t = TestServer::start().await;
    t.declare("Checkout down", "SEV1").await;
    t.declare("Latency", "SEV2").await;
    let proxy = Proxy {
        upstream: t.server.base_url(),
        seen: Arc::default(),
        down: Arc::default(),
        http: warroom::tls::client(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let home = tempfile::tempdir().unwrap();
    let tok = home.path().join("viewer.token");
    std::fs::write(&tok, &t.viewer).unwrap();
    std::fs::set_permissions(&tok, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let url = format!("http://{addr}");
    let args = [
        "wallboard",
        "--api",
        url.as_str(),
        "--token-file",
        tok.to_str().unwrap(),
        "--rotate",
        "3s",
    ];
    let mut s = Screen::spawn(&args, home.path(), 100, 30);
    let wait = Duration::from_secs(20);
    s = tokio::task::spawn_blocking(move || {
        s.wait_text("Checkout down", wait);
        // Every key a person could press, except q (quit) until the end.
        let mut keys: Vec<String> = (0x20u8..0x7f)
            .map(|b| (b as char).to_string())
            .filter(|k| k != "q")
            .collect();
        keys.extend(
            [
                "\r", "\t", "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[3~", "\x7f", "\x13",
                "\x04", "\x15", "\x0e",
            ]
            .map(String::from),
        );
        for k in &keys {
            s.send(k);
            if k == "?" {
                s.wait_text("Wallboard keys", wait);
            }
        }
        s
    })
    .await
    .unwrap();

    // The backend goes away: the board says STALE; it comes back: it clears.
    proxy.down.store(true, Ordering::SeqCst);
    s = tokio::task::spawn_blocking(move || {
        s.wait_text("STALE", Duration::from_secs(30));
        s
    })
    .await
    .unwrap();
    proxy.down.store(false, Ordering::SeqCst);
    s = tokio::task::spawn_blocking(move || {
        s.wait_for("recovery", Duration::from_secs(45), |t| {
            !t.contains("STALE") && t.contains("live")
        });
        s.send("q");
        let status = s.child.wait().unwrap();
        assert!(status.success());
        s
    })
    .await
    .unwrap();
    drop(s);

    let seen = proxy.seen.lock().unwrap().clone();
    assert!(seen.len() > 5, "the wallboard polled: {seen:?}");
    let writes: Vec<_> = seen.iter().filter(|(m, _)| *m != Method::GET).collect();
    assert!(
        writes.is_empty(),
        "the wallboard made write requests: {writes:?}"
    );
    // And the server's data is as it was: two incidents, untouched.
    let (_, d) = t.get("/incidents/INC-1", &t.commander).await;
    assert_eq!(d["incident"]["version"], 1);
}

#[test]
fn the_wallboard_draws_at_every_terminal_size() {
    let theme = Theme::load("default", None, false).unwrap();
    let w = board(true);
    for cols in (1..=220).step_by(9).chain([120, 200]) {
        for rows in 1..=40 {
            let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
            t.draw(|f| view::draw(&w, &theme, f))
                .unwrap_or_else(|e| panic!("{cols}x{rows}: {e}"));
        }
    }
}

/// A drill's card says DRILL in its border, so a NOC screen never shows
/// a rehearsal as an outage.
#[test]
fn a_drill_card_says_drill() {
    let theme = Theme::load("default", None, false).unwrap();
    let mut details = sample_details();
    details.truncate(1);
    details[0].incident.drill = Some(warroom::model::drill::DrillMark {
        scenario: "bad-deploy".into(),
        run: "r1".into(),
        started_at: clock(),
        speed: 1,
    });
    let mut w = Wallboard::new("noc", Duration::from_secs(20), clock());
    update(
        &mut w,
        WallMsg::Feed(Feed::List {
            incidents: vec![details[0].incident.clone()],
            at: clock(),
        }),
    );
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| view::draw(&w, &theme, f)).unwrap();
    let screen = format!("{}", t.backend());
    assert!(screen.contains("DRILL · SEV"), "{screen}");
}
