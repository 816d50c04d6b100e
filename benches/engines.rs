//! SQLite against PostgreSQL on this machine, through the whole server on
//! loopback: durable writes per second (8 writers, one note a request,
//! each committed before its answer) and detail `304`s under 100
//! connections, on 1,000 seeded incidents. PostgreSQL is a private cluster
//! this bench starts (scripts/pg.sh, fsync on) and stops.
//!
//! `cargo bench --bench engines` (a smoke run under `cargo test` shows the
//! figures without timing anything long).

use warroom::server::{DbLocation, Store};
mod support;

use support::{rate, seed_incidents, start_on, write_rate};

struct Figures {
    writes: f64,
    r304: f64,
}

async fn measure(db: DbLocation, secs: f64) -> Figures {
    let seed = db.clone();
    tokio::task::spawn_blocking(move || {
        let s: Store = seed.open().unwrap();
        seed_incidents(&s, 1_000);
    })
    .await
    .unwrap();
    let (srv, tok) = start_on(db).await;
    let base = srv.base_url();

    let writes = write_rate(&base, &tok, 8, secs).await;
    let url = format!("{base}/api/v1/incidents/INC-1");
    let http = warroom::tls::client();
    let r = http.get(&url).bearer_auth(&tok).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let r304 = rate(&url, Some(&etag), &tok, 100, secs, 304).await;
    srv.stop().await;
    Figures { writes, r304 }
}

fn pg(what: &str, dir: &std::path::Path, port: Option<u16>) {
    let mut cmd = std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg.sh"));
    cmd.arg(what).arg(dir);
    if let Some(p) = port {
        cmd.arg(p.to_string());
    }
    let out = cmd.output().expect("scripts/pg.sh runs");
    assert!(
        out.status.success(),
        "scripts/pg.sh {what}: {} (PostgreSQL is needed: scripts/pg.sh install)",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let secs = if full { 4.0 } else { 0.3 };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pg");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    pg("start", &data, Some(port));
    let admin = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    c.batch_execute("CREATE DATABASE bench").unwrap();
    drop(c);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sqlite = rt.block_on(measure(DbLocation::File(dir.path().join("bench.db")), secs));
    let postgres = rt.block_on(measure(
        DbLocation::Postgres(format!("postgres://postgres@127.0.0.1:{port}/bench")),
        secs,
    ));
    drop(rt);
    pg("stop", &data, None);
    println!(
        "durable writes (8 writers): SQLite {:.0}/s, PostgreSQL {:.0}/s",
        sqlite.writes, postgres.writes
    );
    println!(
        "detail 304, 100 connections: SQLite {:.0}/s, PostgreSQL {:.0}/s",
        sqlite.r304, postgres.r304
    );
    if !full || cfg!(debug_assertions) {
        println!("(smoke run: figures shown)");
    }
}
