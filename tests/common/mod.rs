//! A real warroom server on a loopback port with a temporary database.
#![allow(dead_code)]

pub mod console;
pub mod procs;
pub mod pty;

use std::path::PathBuf;

use serde_json::{Value, json};
use warroom::model::ActorRole;
use warroom::model::RunbookSet;
use warroom::server::{self, AuthConfig, DbLocation, RunningServer, ServerOptions};

/// What a test server may be started with beyond the defaults.
#[derive(Default)]
struct Extras {
    notify: server::notify::NotifyConfig,
    runbooks: RunbookSet,
    actions: Vec<server::actions::ActionDef>,
}

pub struct TestServer {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    pub commander: String,
    pub responder: String,
    pub viewer: String,
    pub http: reqwest::Client,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir).await
    }

    pub async fn start_in(dir: tempfile::TempDir) -> TestServer {
        Self::start_with(dir, Default::default()).await
    }

    pub async fn start_with(
        dir: tempfile::TempDir,
        limits: server::listener::Limits,
    ) -> TestServer {
        Self::start_full(dir, limits, Extras::default()).await
    }

    /// With notification targets.
    pub async fn start_notifying(notify: server::notify::NotifyConfig) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let extras = Extras {
            notify,
            ..Extras::default()
        };
        Self::start_full(dir, Default::default(), extras).await
    }

    /// With runbook templates and the actions their items run.
    pub async fn start_with_actions(
        runbooks: RunbookSet,
        actions: Vec<server::actions::ActionDef>,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        server::actions::check_all(&actions).unwrap();
        server::actions::check_runbooks(&actions, &runbooks).unwrap();
        let extras = Extras {
            runbooks,
            actions,
            ..Extras::default()
        };
        Self::start_full(dir, Default::default(), extras).await
    }

    async fn start_full(
        dir: tempfile::TempDir,
        limits: server::listener::Limits,
        extras: Extras,
    ) -> TestServer {
        let Extras {
            notify,
            runbooks,
            actions,
        } = extras;
        let server = server::start(ServerOptions {
            actions,
            limits,
            listen: "127.0.0.1:0".parse().unwrap(),
            db: DbLocation::File(Self::db_path(&dir)),
            runbooks,
            auth: AuthConfig::tokens_only(),
            classifier: Default::default(),
            policy: Default::default(),
            notify,
            automation: Default::default(),
            demo: false,
        })
        .await
        .unwrap();
        let (_, commander) = server
            .store
            .create_token("alice", ActorRole::Commander)
            .unwrap();
        let (_, responder) = server
            .store
            .create_token("bob", ActorRole::Responder)
            .unwrap();
        let (_, viewer) = server
            .store
            .create_token("noc-board", ActorRole::Viewer)
            .unwrap();
        TestServer {
            server,
            dir,
            commander,
            responder,
            viewer,
            http: reqwest::Client::new(),
        }
    }

    pub fn db_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("warroom.db")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.server.base_url())
    }

    pub fn req(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(token)
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self
            .req(reqwest::Method::POST, path, token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self
            .req(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Steps an incident through `statuses` as the commander, forcing past
    /// open checklist items.
    pub async fn walk(&self, id: &str, statuses: &[&str]) {
        for to in statuses {
            let (s, b) = self
                .post(
                    &format!("/incidents/{id}/transition"),
                    &self.commander,
                    json!({"to": to, "force": true, "reason": "test"}),
                )
                .await;
            assert_eq!(s, 200, "{to}: {b}");
        }
    }

    /// Declares an incident as the commander and returns its id.
    pub async fn declare(&self, title: &str, sev: &str) -> String {
        let (s, body) = self
            .post(
                "/incidents",
                &self.commander,
                json!({"title": title, "service": "checkout", "severity": sev}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        body["incident"]["id"].as_str().unwrap().to_string()
    }
}
