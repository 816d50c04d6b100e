//! A real warroom server on a loopback port with a temporary database.
#![allow(dead_code)]

pub mod alertmanager;
pub mod cli_env;
pub mod console;
pub mod hostile;
pub mod pd_fake;
pub mod pg;
pub mod pki;
pub mod procs;
pub mod proxy;
pub mod pty;
pub mod replicas;
pub mod sink;
pub mod slow_link;

use std::path::PathBuf;

use serde_json::{Value, json};
use warroom::model::ActorRole;
use warroom::model::RunbookSet;
use warroom::server::{self, AuthConfig, DbLocation, RunningServer, ServerOptions};

/// Runs `f` on a thread of its own and waits: the store blocks (on
/// PostgreSQL it drives its own driver runtime), which must not happen on
/// an async test's runtime thread.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// What a test server may be started with beyond the defaults.
#[derive(Default)]
struct Extras {
    notify: server::notify::NotifyConfig,
    runbooks: RunbookSet,
    actions: Vec<server::actions::ActionDef>,
    /// On the SQLite file in `dir` whatever the suite's engine: for tests
    /// of the file itself (a second process on it, a restart on it).
    sqlite_file: bool,
    classifier: server::integrations::classify::Classifier,
    alertmanager: Option<server::integrations::alertmanager::am_api::Am>,
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
    /// On the suite's engine: SQLite, or a fresh PostgreSQL database when
    /// the suite runs on PostgreSQL.
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        Self::start_full(dir, Default::default(), Extras::default()).await
    }

    /// On the SQLite file [`TestServer::db_path`] in `dir`, on either suite.
    pub async fn start_in(dir: tempfile::TempDir) -> TestServer {
        let extras = Extras {
            sqlite_file: true,
            ..Extras::default()
        };
        Self::start_full(dir, Default::default(), extras).await
    }

    pub async fn start_sqlite() -> TestServer {
        Self::start_in(tempfile::tempdir().unwrap()).await
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

    /// With notification targets and classification rules.
    pub async fn start_classifying(
        notify: server::notify::NotifyConfig,
        classifier: server::integrations::classify::Classifier,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let extras = Extras {
            notify,
            classifier,
            ..Extras::default()
        };
        Self::start_full(dir, Default::default(), extras).await
    }

    /// Connected to an Alertmanager's API (`[alertmanager] url`).
    pub async fn start_with_alertmanager(
        am: server::integrations::alertmanager::am_api::Am,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let extras = Extras {
            alertmanager: Some(am),
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
            sqlite_file,
            classifier,
            alertmanager,
        } = extras;
        let db = if sqlite_file {
            DbLocation::File(Self::db_path(&dir))
        } else {
            Self::db_for(&dir)
        };
        let server = server::start(ServerOptions {
            alertmanager,
            actions,
            limits,
            listen: "127.0.0.1:0".parse().unwrap(),
            db,
            runbooks,
            auth: AuthConfig::tokens_only(),
            classifier,
            policy: Default::default(),
            notify,
            automation: Default::default(),
            demo: false,
            status: Default::default(),
        })
        .await
        .unwrap();
        // The store blocks (on PostgreSQL it talks to the server): off
        // the test's async thread.
        let store = server.store.clone();
        let (commander, responder, viewer) = tokio::task::spawn_blocking(move || {
            let token = |name, role| store.create_token(name, role).unwrap().1;
            (
                token("alice", ActorRole::Commander),
                token("bob", ActorRole::Responder),
                token("noc-board", ActorRole::Viewer),
            )
        })
        .await
        .unwrap();
        TestServer {
            server,
            dir,
            commander,
            responder,
            viewer,
            http: warroom::tls::client(),
        }
    }

    /// SQLite in `dir`, or a fresh PostgreSQL database when the suite runs
    /// on PostgreSQL (`WARROOM_TEST_ENGINE=postgres`).
    fn db_for(dir: &tempfile::TempDir) -> DbLocation {
        if pg::engine_is_postgres() {
            DbLocation::Postgres(pg::fresh_db())
        } else {
            DbLocation::File(Self::db_path(dir))
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

    /// A document (Markdown, text) as `token` reads it.
    pub async fn get_text(&self, path: &str, token: &str) -> String {
        self.req(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// `/metrics` as the viewer reads it.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("{}/metrics", self.server.base_url()))
            .bearer_auth(&self.viewer)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
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
