//! What the benchmarks share: a seeded database and a server on loopback.
#![allow(dead_code)]

use axum::response::IntoResponse;
use chrono::Utc;
use warroom::model::wire::DeclareRequest;
use warroom::model::{Actor, ActorRole, RunbookSet, Severity, declare};
use warroom::server::store::{next_id, save};
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
    let srv = server::start(ServerOptions {
        actions: Vec::new(),
        listen: "127.0.0.1:0".parse().unwrap(),
        db,
        runbooks: RunbookSet::default(),
        auth: AuthConfig::tokens_only(),
        classifier: Default::default(),
        policy: Default::default(),
        notify: Default::default(),
        automation: Default::default(),
        demo: false,
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
