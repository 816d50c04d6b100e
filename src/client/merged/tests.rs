use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use crate::client::WriteOp;
use crate::client::{PlannedRequest, ReadBackend, Write, WriteBackend};
use crate::model::ActorRole;
use crate::model::wire::ChangesResponse;
use crate::model::wire::{DeclareRequest, TextRequest};
use crate::model::{Actor, Severity, declare};
use futures::FutureExt;
use futures::future::BoxFuture;

/// A backend that answers from a fixed list, records writes, and can be
/// switched off (every read fails as an unreachable server does).
struct Fake {
    caps: Capabilities,
    incidents: Vec<Incident>,
    down: AtomicBool,
    reads: AtomicUsize,
    writes: Mutex<Vec<Write>>,
}

fn incident(id: u64, severity: Severity, title: &str) -> Incident {
    let req = DeclareRequest {
        title: title.into(),
        service: "svc".into(),
        severity,
        summary: String::new(),
        commander: None,
        tags: Vec::new(),
    };
    let actor = Actor {
        handle: "ic".into(),
        role: ActorRole::Commander,
    };
    declare(IncidentId(id), req, &actor, Vec::new(), Utc::now())
        .unwrap()
        .incident
}

impl ReadBackend for Fake {
    fn capabilities(&self) -> Capabilities {
        self.caps
    }
    fn list<'a>(
        &'a self,
        _all: bool,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        async move {
            self.reads.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err(ClientError::Unreachable("connection refused".into()));
            }
            Ok(Fetched::Fresh {
                value: ListResponse::complete(1, self.incidents.clone()),
                etag: None,
            })
        }
        .boxed()
    }
    fn detail<'a>(
        &'a self,
        id: IncidentId,
        _etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            let i =
                self.incidents
                    .iter()
                    .find(|i| i.id == id)
                    .cloned()
                    .ok_or(ClientError::Api {
                        status: 404,
                        code: "not_found".into(),
                        message: "no".into(),
                    })?;
            Ok(Fetched::Fresh {
                value: IncidentDetail {
                    incident: i,
                    timeline: Vec::new(),
                    responders: Vec::new(),
                    checklists: Vec::new(),
                    state: Default::default(),
                    linked: Vec::new(),
                    journal: Default::default(),
                },
                etag: None,
            })
        }
        .boxed()
    }
    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>> {
        super::super::http::poll_wait(since, wait)
    }
    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        async { Ok(("ic".to_string(), ActorRole::Commander)) }.boxed()
    }
}

impl WriteBackend for Fake {
    fn plan(&self, _w: &Write) -> Result<PlannedRequest, ClientError> {
        Err(ClientError::Unsupported("plans".into()))
    }
    fn send<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Option<WriteAnswer>, ClientError>> {
        async move {
            self.writes.lock().unwrap().push(w.clone());
            Ok(None)
        }
        .boxed()
    }
}

fn fake(caps: Capabilities, incidents: Vec<Incident>) -> Arc<Fake> {
    Arc::new(Fake {
        caps,
        incidents,
        down: AtomicBool::new(false),
        reads: AtomicUsize::new(0),
        writes: Mutex::new(Vec::new()),
    })
}

fn part(name: &str, f: &Arc<Fake>, read_only: bool) -> Part {
    Part {
        name: name.into(),
        reader: Reader::new(f.clone()),
        writer: Writer::new(f.clone()),
        read_only: read_only.then(|| format!("profile `{name}` is read-only")),
    }
}

fn listed(f: Fetched<ListResponse>) -> ListResponse {
    match f {
        Fetched::Fresh { value, .. } => value,
        Fetched::NotModified => panic!("expected a fresh list"),
    }
}

#[tokio::test]
async fn one_backend_down_keeps_its_rows_stale_and_the_others_live() {
    let team = fake(
        Capabilities::WARROOM,
        vec![incident(6, Severity::Sev2, "checkout")],
    );
    let pd = fake(
        crate::client::pagerduty::CAPABILITIES,
        vec![incident(6, Severity::Sev1, "payments")],
    );
    let parts = vec![part("mt-team", &team, false), part("mt-pd", &pd, false)];
    let (reader, _) = connect_with(parts, Duration::ZERO).unwrap();
    let first = listed(reader.list_open(None).await.unwrap());
    let ids: Vec<String> = first.incidents.iter().map(|i| i.id.to_string()).collect();
    assert_eq!(ids, ["mt-pd/INC-6", "mt-team/INC-6"]);
    assert!(first.sources.iter().all(|s| s.stale_since.is_none()));

    pd.down.store(true, Ordering::SeqCst);
    let second = listed(reader.list_open(None).await.unwrap());
    assert_eq!(second.incidents.len(), 2, "PagerDuty's last rows stay");
    let pd_state = second.sources.iter().find(|s| s.name == "mt-pd").unwrap();
    assert!(pd_state.stale_since.is_some());
    assert!(
        pd_state
            .error
            .as_deref()
            .unwrap()
            .contains("connection refused")
    );
    let team_state = second.sources.iter().find(|s| s.name == "mt-team").unwrap();
    assert!(team_state.stale_since.is_none(), "the team server is live");

    team.down.store(true, Ordering::SeqCst);
    assert!(
        reader.list_open(None).await.is_err(),
        "with nothing answering the view itself is down"
    );
}

#[tokio::test]
async fn an_unchanged_view_is_not_modified_and_a_backend_without_a_feed_is_not_reread_at_once() {
    let team = fake(
        Capabilities::WARROOM,
        vec![incident(1, Severity::Sev2, "a")],
    );
    let pd = fake(
        crate::client::pagerduty::CAPABILITIES,
        vec![incident(2, Severity::Sev3, "b")],
    );
    let (reader, _) = connect(vec![
        part("mn-team", &team, false),
        part("mn-pd", &pd, false),
    ])
    .unwrap();
    let etag = match reader.list_open(None).await.unwrap() {
        Fetched::Fresh { etag, .. } => etag,
        Fetched::NotModified => panic!(),
    };
    assert!(matches!(
        reader.list_open(etag.as_deref()).await.unwrap(),
        Fetched::NotModified
    ));
    assert_eq!(
        team.reads.load(Ordering::SeqCst),
        2,
        "the fed server is read each time"
    );
    assert_eq!(
        pd.reads.load(Ordering::SeqCst),
        1,
        "PagerDuty waits MIN_REREAD"
    );
}

#[tokio::test]
async fn writes_go_to_the_incidents_own_backend_with_its_own_id() {
    let team = fake(
        Capabilities::WARROOM,
        vec![incident(6, Severity::Sev2, "a")],
    );
    let pd = fake(
        crate::client::pagerduty::CAPABILITIES,
        vec![incident(6, Severity::Sev1, "b")],
    );
    let ro = fake(
        Capabilities::WARROOM,
        vec![incident(9, Severity::Sev3, "c")],
    );
    let (reader, writer) = connect(vec![
        part("mw-team", &team, false),
        part("mw-pd", &pd, false),
        part("mw-prod", &ro, true),
    ])
    .unwrap();
    let _ = reader.list_open(None).await.unwrap();
    let note = |id: &str| {
        Write::new(WriteOp::Note {
            id: id.parse().unwrap(),
            body: TextRequest::new("hello"),
        })
    };
    writer.send(&note("mw-pd/INC-6")).await.unwrap();
    assert_eq!(
        pd.writes.lock().unwrap()[0].op.incident(),
        Some(IncidentId(6))
    );
    assert!(team.writes.lock().unwrap().is_empty());
    // A bare id is ambiguous in a view.
    let e = writer.send(&note("INC-6")).await.unwrap_err();
    assert!(e.to_string().contains("BACKEND/INC-6"), "{e}");
    // A read-only part refuses, saying why.
    let e = writer.send(&note("mw-prod/INC-9")).await.unwrap_err();
    assert!(e.to_string().contains("read-only"), "{e}");
    assert!(ro.writes.lock().unwrap().is_empty());
    assert!(
        reader
            .capabilities_of("mw-prod/INC-9".parse().unwrap())
            .read_only
    );
    assert!(
        reader
            .capabilities_of("mw-pd/INC-6".parse().unwrap())
            .resolve
    );
    assert!(
        !reader
            .capabilities_of("mw-team/INC-6".parse().unwrap())
            .resolve
    );
    // Declaring goes to the first backend that can declare.
    let declare = Write::new(WriteOp::Declare {
        body: DeclareRequest {
            title: "new".into(),
            service: "svc".into(),
            severity: Severity::Sev3,
            summary: String::new(),
            commander: None,
            tags: Vec::new(),
        },
    });
    writer.send(&declare).await.unwrap();
    assert_eq!(team.writes.lock().unwrap().len(), 1);
    // The detail comes back under its merged id.
    let d = match reader
        .detail("mw-pd/INC-6".parse().unwrap(), None)
        .await
        .unwrap()
    {
        Fetched::Fresh { value, .. } => value,
        Fetched::NotModified => panic!(),
    };
    assert_eq!(d.incident.id.to_string(), "mw-pd/INC-6");
    assert_eq!(d.incident.title, "b");
}
