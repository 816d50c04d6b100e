//! What the benchmarks share: a seeded database and a server on loopback.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::response::IntoResponse;
use chrono::Utc;
use warroom::model::wire::DeclareRequest;
use warroom::model::{Action, Actor, ActorRole, RunbookSet, Severity, apply, declare};
use warroom::server::store::{load_for_write, next_id, save};
use warroom::server::{self, AuthConfig, DbLocation, RunningServer, ServerOptions, Store};

pub fn alice() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

pub fn seed_incidents(s: &Store, n: usize) {
    s.write(None, |tx| {
        for i in 0..n {
            let req = DeclareRequest {
                title: format!("incident {i}: checkout latency over SLO in eu-west"),
                service: format!("svc-{}", i % 37),
                severity: Severity::ALL[i % 5],
                summary: "Error rate above 5% for 10 minutes.".into(),
                commander: None,
                tags: vec![],
            };
            let d = declare(
                next_id(tx)?,
                req,
                &alice(),
                RunbookSet::default().for_service("x").checklists(),
                Utc::now(),
            )?;
            save(tx, &d, 0, None)?;
        }
        Ok((200, String::new()))
    })
    .unwrap();
}

pub async fn start(db: &std::path::Path) -> (RunningServer, String) {
    start_on(DbLocation::File(db.to_path_buf())).await
}

/// A server on either engine, with a commander token.
pub async fn start_on(db: DbLocation) -> (RunningServer, String) {
    start_notifying(db, Default::default()).await
}

/// The same, with notification targets.
pub async fn start_notifying(
    db: DbLocation,
    notify: server::notify::NotifyConfig,
) -> (RunningServer, String) {
    let srv = server::start(ServerOptions {
        alertmanager: None,
        actions: Vec::new(),
        listen: "127.0.0.1:0".parse().unwrap(),
        db,
        runbooks: RunbookSet::default(),
        auth: AuthConfig::tokens_only(),
        classifier: Default::default(),
        policy: Default::default(),
        notify,
        automation: Default::default(),
        demo: false,
        status: Default::default(),
        limits: Default::default(),
    })
    .await
    .unwrap();
    // The store blocks (on PostgreSQL it drives its driver): off this thread.
    let store = srv.store.clone();
    let (_, tok) =
        tokio::task::spawn_blocking(move || store.create_token("bench", ActorRole::Commander))
            .await
            .unwrap()
            .unwrap();
    (srv, tok)
}

/// Requests per second from `conns` clients for `secs`, each sending
/// `If-None-Match: etag` when given, counting answers with `want`.
pub async fn rate(
    url: &str,
    etag: Option<&str>,
    tok: &str,
    conns: usize,
    secs: f64,
    want: u16,
) -> f64 {
    let (url, etag, tok) = (url.to_string(), etag.map(str::to_string), tok.to_string());
    per_second(conns as u64, secs, move |http, _| {
        let mut r = http.get(&url).bearer_auth(&tok);
        if let Some(e) = &etag {
            r = r.header("if-none-match", e);
        }
        async move {
            match r.send().await {
                Ok(r) if r.status().as_u16() == want => r.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await
}

/// Notes written per second by `writers` clients for `secs`, each one
/// committed before its answer; writer `w` writes to incident `INC-{2+w}`.
pub async fn write_rate(base: &str, tok: &str, writers: u64, secs: f64) -> f64 {
    let (base, tok) = (base.to_string(), tok.to_string());
    per_second(writers, secs, move |http, w| {
        let r = http
            .post(format!("{base}/api/v1/incidents/INC-{}/notes", 2 + w))
            .bearer_auth(&tok)
            .json(&serde_json::json!({"text": "pool at 41%"}));
        async move { r.send().await.is_ok_and(|r| r.status() == 200) }
    })
    .await
}

/// `clients` clients (numbered from 0) each sending `request` one after
/// another for `secs`: the requests per second that answered as wanted.
async fn per_second<F, Fut>(clients: u64, secs: f64, request: F) -> f64
where
    F: Fn(&reqwest::Client, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (stop, done, request) = (stop.clone(), done.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let http = warroom::tls::client();
            while !stop.load(Ordering::Relaxed) {
                if request(&http, c).await {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    done.load(Ordering::Relaxed) as f64 / secs
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// The floor: an axum server that only compares an ETag and answers 304.
pub async fn minimal_axum() -> String {
    let app = axum::Router::new().route(
        "/x",
        axum::routing::get(|h: axum::http::HeaderMap| async move {
            if h.get(axum::http::header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"v1\"")
            {
                axum::http::StatusCode::NOT_MODIFIED.into_response()
            } else {
                ([(axum::http::header::ETAG, "\"v1\"")], "{}").into_response()
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}/x")
}

/// A real `warroom serve` process (the binary built with the bench: release
/// under `cargo bench`) on the SQLite file `db`, with an optional server
/// config, and a token of `role`; killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
    pub tok: String,
}

impl ServerProcess {
    pub fn start(db: &std::path::Path, config: Option<&std::path::Path>, role: &str) -> Self {
        use std::process::{Command, Stdio};
        let bin = env!("CARGO_BIN_EXE_warroom");
        let out = Command::new(bin)
            .args(["token", "create", "--role", role, "--name", "bench", "--db"])
            .arg(db)
            .output()
            .unwrap();
        let tok = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(db);
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..400 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            tok,
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` notes on incident `id`, in transactions of 10,000.
pub fn seed_events(s: &Store, id: u64, n: usize) {
    let id = warroom::model::IncidentId(id);
    for chunk in 0..n.div_ceil(10_000) {
        s.write(None, |tx| {
            let mut d = load_for_write(tx, id)?;
            let known = d.incident.last_seq;
            for i in 0..10_000.min(n - chunk * 10_000) {
                apply(
                    &mut d,
                    Action::Note {
                        text: format!("observation {i}: pool at 41%"),
                        written_at: None,
                    },
                    &alice(),
                    Utc::now(),
                )?;
            }
            save(tx, &d, known, None)?;
            Ok((200, String::new()))
        })
        .unwrap();
    }
}
