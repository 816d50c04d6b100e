//! Two `warroom serve` replicas on one PostgreSQL database, and the HTTP
//! calls the replica tests make through either.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::pg::Cluster;
use super::procs::{ServerProc, free_port, token};

pub struct Pair {
    pub pg: Cluster,
    pub db: String,
    pub tok: String,
    pub a: ServerProc,
    pub b: ServerProc,
    pub http: reqwest::Client,
}

/// Two replicas on a fresh database of a cluster of their own, and a
/// commander token.
pub fn pair() -> Pair {
    pair_with(None)
}

/// The same, both replicas started with a server config file.
pub fn pair_with(config: Option<&Path>) -> Pair {
    let pg = Cluster::start();
    let db = pg.fresh_db();
    let tok = token(Path::new(&db), "commander", "ic");
    let a = ServerProc::start_with(free_port(), Path::new(&db), config);
    let b = ServerProc::start_with(free_port(), Path::new(&db), config);
    Pair {
        pg,
        db,
        tok,
        a,
        b,
        http: warroom::tls::client_builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
    }
}

impl Pair {
    pub async fn send(
        &self,
        method: reqwest::Method,
        base: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut r = self
            .http
            .request(method, format!("{base}/api/v1{path}"))
            .bearer_auth(&self.tok);
        if let Some(b) = body {
            r = r.json(&b);
        }
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let h = resp.headers().clone();
        (status, resp.json().await.unwrap_or(Value::Null), h)
    }

    pub async fn post(&self, base: &str, path: &str, body: Value) -> (u16, Value) {
        let (s, b, _) = self
            .send(reqwest::Method::POST, base, path, Some(body), &[])
            .await;
        (s, b)
    }

    pub async fn get(&self, base: &str, path: &str) -> (u16, Value) {
        let (s, b, _) = self.send(reqwest::Method::GET, base, path, None, &[]).await;
        (s, b)
    }

    pub async fn declare(&self, base: &str, title: &str) -> String {
        let (s, b) = self
            .post(
                base,
                "/incidents",
                json!({"title": title, "service": "checkout", "severity": "SEV2"}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["incident"]["id"].as_str().unwrap().to_string()
    }

    pub async fn revision(&self, base: &str) -> u64 {
        let (s, b) = self.get(base, "/changes?since=0").await;
        assert_eq!(s, 200, "{b}");
        b["revision"].as_u64().unwrap()
    }

    /// Every note of an incident, oldest first, read page by page.
    pub async fn notes(&self, base: &str, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut after = 0u64;
        loop {
            let (s, b) = self
                .get(
                    base,
                    &format!("/incidents/{id}/timeline?after={after}&limit=500"),
                )
                .await;
            assert_eq!(s, 200, "{b}");
            let events = b["events"].as_array().unwrap();
            if events.is_empty() {
                return out;
            }
            for e in events {
                after = e["seq"].as_u64().unwrap();
                if e["kind"] == "note" {
                    out.push(e["text"].as_str().unwrap().to_string());
                }
            }
        }
    }
}
