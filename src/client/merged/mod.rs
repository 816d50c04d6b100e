//! A merged view: several backends (a warroom server, an Alertmanager, a
//! PagerDuty account) read as one, for `warroom --profile team,alerts,pd`
//! and `[views.NAME]`.
//!
//! Every id on the merged list carries its backend (`pd/INC-12`, see
//! `model::incident_id`), so a pane, a key or a write goes to the
//! incident's own backend with the backend's own id. Each backend is read
//! on its own: one that stops answering keeps its last incidents on the
//! list, marked stale from when it stopped ([`SourceState`]), and never
//! blanks the others. The view fails as a whole only when no backend
//! answers.

mod list;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::{BoxFuture, join_all, select_all};

use super::{
    Capabilities, ClientError, Fetched, PlannedRequest, ReadBackend, Reader, SilenceInfo,
    UserMatch, Write, WriteBackend, Writer,
};
use crate::model::wire::{ChangesResponse, ListResponse, SourceState, TimelinePage, WriteAnswer};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId};
pub use list::{Merged, PartList, merge, qualify};

/// A backend without a change feed is read again at most this often,
/// however often the others change (an alert storm on the team server
/// must not turn into a storm of PagerDuty list reads).
pub const MIN_REREAD: Duration = Duration::from_secs(5);

/// One backend of the view.
pub struct Part {
    /// The profile's name: what ids and the backend column show.
    pub name: String,
    pub reader: Reader,
    pub writer: Writer,
    /// Why this backend makes no changes, when it makes none.
    pub read_only: Option<String>,
}

#[derive(Default)]
struct PartState {
    incidents: Vec<Incident>,
    etag: Option<String>,
    /// Which list the cache holds (`all`, `open`): another list is read
    /// afresh.
    which: Option<Which>,
    unreadable: u64,
    revision: Option<u64>,
    read_at: Option<std::time::Instant>,
    stale_since: Option<DateTime<Utc>>,
    error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    All(bool),
    Open,
}

#[derive(Default)]
struct ViewState {
    parts: Vec<PartState>,
    links: HashMap<IncidentId, Vec<Incident>>,
    /// The last merged answer and its number (the view's ETag).
    last: Option<(Vec<Incident>, Vec<SourceState>, u64)>,
    generation: u64,
}

pub struct MergedBackend {
    parts: Vec<Part>,
    state: Mutex<ViewState>,
    min_reread: Duration,
}

/// Builds the reader and writer of a view over `parts` (in the order the
/// view names them; the first warroom server is where new incidents are
/// declared). Registers each part's name for ids.
pub fn connect(parts: Vec<Part>) -> Result<(Reader, Writer), String> {
    connect_with(parts, MIN_REREAD)
}

/// [`connect`] with another pace for backends without a change feed.
pub fn connect_with(parts: Vec<Part>, min_reread: Duration) -> Result<(Reader, Writer), String> {
    if parts.len() < 2 {
        return Err("a merged view needs at least two profiles".into());
    }
    for (i, p) in parts.iter().enumerate() {
        crate::model::register_source(&p.name)?;
        if parts[..i].iter().any(|q| q.name == p.name) {
            return Err(format!("profile `{}` is named twice in the view", p.name));
        }
    }
    let state = ViewState {
        parts: parts.iter().map(|_| PartState::default()).collect(),
        ..Default::default()
    };
    let b = std::sync::Arc::new(MergedBackend {
        parts,
        state: Mutex::new(state),
        min_reread,
    });
    Ok((Reader::new(b.clone()), Writer::new(b)))
}

fn not_here(id: IncidentId, names: &[&str]) -> ClientError {
    let message = if id.is_qualified() {
        format!("{id} names no backend of this view ({})", names.join(", "))
    } else {
        format!(
            "{id} could be on any backend of this view: write it as BACKEND/{id} ({})",
            names.join(", ")
        )
    };
    ClientError::Api {
        status: 404,
        code: "not_found".into(),
        message,
    }
}

/// `id`'s incident inside a write answer, a detail, a page: qualified.
fn qualify_id(name: &str, id: IncidentId) -> IncidentId {
    IncidentId::qualified(name, id).unwrap_or(id)
}

impl MergedBackend {
    fn names(&self) -> Vec<&str> {
        self.parts.iter().map(|p| p.name.as_str()).collect()
    }

    /// The part an id belongs to, and the id on that backend.
    fn route(&self, id: IncidentId) -> Result<(usize, IncidentId), ClientError> {
        let name = id.source().ok_or_else(|| not_here(id, &self.names()))?;
        let i = self
            .parts
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| not_here(id, &self.names()))?;
        Ok((i, id.local()))
    }

    /// Where what belongs to no incident goes (declaring, stats, the
    /// policy): the first part that can declare, else the first.
    fn home(&self) -> usize {
        self.parts
            .iter()
            .position(|p| p.reader.capabilities().declare)
            .unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ViewState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn read_all(
        &self,
        which: Which,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        let plans: Vec<(bool, Option<String>)> = {
            let st = self.lock();
            self.parts
                .iter()
                .zip(&st.parts)
                .map(|(p, s)| {
                    let same = s.which == Some(which);
                    let due = !same
                        || s.stale_since.is_some()
                        || p.reader.capabilities().change_feed
                        || s.read_at.is_none_or(|t| t.elapsed() >= self.min_reread);
                    (due, same.then(|| s.etag.clone()).flatten())
                })
                .collect()
        };
        let reads = self
            .parts
            .iter()
            .zip(&plans)
            .map(|(p, (due, etag))| async move {
                if !due {
                    return None;
                }
                let e = etag.as_deref();
                Some(match which {
                    Which::All(all) => p.reader.list(all, e).await,
                    Which::Open => p.reader.list_open(e).await,
                })
            });
        let results = join_all(reads).await;
        let now = Utc::now();
        let mut st = self.lock();
        let mut failed = Vec::new();
        for ((p, s), r) in self.parts.iter().zip(st.parts.iter_mut()).zip(results) {
            match r {
                None => {}
                Some(Ok(fetched)) => {
                    if let Fetched::Fresh { value, etag } = fetched {
                        let mut skipped = 0;
                        s.incidents = value
                            .incidents
                            .into_iter()
                            .filter_map(|mut i| {
                                let ok = qualify(&p.name, &mut i);
                                skipped += u64::from(!ok);
                                ok.then_some(i)
                            })
                            .collect();
                        s.unreadable = value.unreadable + skipped;
                        s.etag = etag;
                        s.revision = Some(value.revision);
                    }
                    s.which = Some(which);
                    s.read_at = Some(std::time::Instant::now());
                    s.stale_since = None;
                    s.error = None;
                }
                Some(Err(e)) => {
                    s.stale_since.get_or_insert(now);
                    s.error = Some(crate::text::one_line(&e.to_string(), 200));
                    failed.push(e);
                }
            }
        }
        // Nothing answered and nothing is known: the view is down.
        if (failed.len() == self.parts.len() || st.parts.iter().all(|s| s.which.is_none()))
            && let Some(e) = failed.into_iter().next()
        {
            return Err(e);
        }
        let lists: Vec<PartList<'_>> = self
            .parts
            .iter()
            .zip(&st.parts)
            .map(|(p, s)| PartList {
                name: &p.name,
                alert_groups: p.reader.capabilities().alert_groups(),
                incidents: &s.incidents,
            })
            .collect();
        let merged = merge(&lists);
        let sources: Vec<SourceState> = self
            .parts
            .iter()
            .zip(&st.parts)
            .zip(&merged.rows)
            .map(|((p, s), rows)| SourceState {
                name: p.name.clone(),
                kind: p.reader.capabilities().name.to_string(),
                stale_since: s.stale_since,
                error: s.error.clone(),
                incidents: *rows,
            })
            .collect();
        let unreadable = st.parts.iter().map(|s| s.unreadable).sum();
        st.links = merged.links;
        let same = st
            .last
            .as_ref()
            .is_some_and(|(i, s, _)| *i == merged.incidents && *s == sources);
        if !same {
            st.generation += 1;
            st.last = Some((merged.incidents.clone(), sources.clone(), st.generation));
        }
        let tag = format!("merged-{}", st.generation);
        if same && etag == Some(tag.as_str()) {
            return Ok(Fetched::NotModified);
        }
        let mut value = ListResponse::complete(st.generation, merged.incidents);
        value.unreadable = unreadable;
        value.sources = sources;
        Ok(Fetched::Fresh {
            value,
            etag: Some(tag),
        })
    }
}

fn qualify_detail(name: &str, d: &mut IncidentDetail) {
    d.incident.id = qualify_id(name, d.incident.id);
}

fn qualify_answer(name: &str, a: Option<WriteAnswer>) -> Option<WriteAnswer> {
    a.map(|mut a| {
        a.incident.id = qualify_id(name, a.incident.id);
        a
    })
}

fn qualify_followups(name: &str, v: Vec<FollowUp>) -> Vec<FollowUp> {
    v.into_iter()
        .map(|mut f| {
            f.incident = qualify_id(name, f.incident);
            f
        })
        .collect()
}

impl ReadBackend for MergedBackend {
    fn capabilities(&self) -> Capabilities {
        // What some backend of the view can do; each incident's keys
        // follow its own backend (`capabilities_of`).
        let all: Vec<Capabilities> = self.parts.iter().map(part_caps).collect();
        let any = |f: fn(&Capabilities) -> bool| all.iter().any(f);
        Capabilities {
            name: "merged view",
            declare: any(|c| c.declare),
            acknowledge: any(|c| c.acknowledge),
            lifecycle: any(|c| c.lifecycle),
            resolve: any(|c| c.resolve),
            severity: any(|c| c.severity),
            notes: any(|c| c.notes),
            checklists: any(|c| c.checklists),
            responders: any(|c| c.responders),
            stakeholder_updates: any(|c| c.stakeholder_updates),
            silence: any(|c| c.silence),
            change_feed: false,
            user_directory: any(|c| c.user_directory),
            edit: any(|c| c.edit),
            state_doc: any(|c| c.state_doc),
            read_only: all.iter().all(|c| c.read_only),
        }
    }

    fn parts(&self) -> Vec<(String, Capabilities)> {
        self.parts
            .iter()
            .map(|p| (p.name.clone(), part_caps(p)))
            .collect()
    }

    fn capabilities_of(&self, id: IncidentId) -> Capabilities {
        match self.route(id) {
            Ok((i, _)) => part_caps(&self.parts[i]),
            Err(_) => Capabilities::NONE,
        }
    }

    fn locate(&self, id: IncidentId) -> BoxFuture<'_, Result<(), ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i].reader.locate(local).await
        }
        .boxed()
    }

    fn list<'a>(
        &'a self,
        all: bool,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        self.read_all(Which::All(all), etag).boxed()
    }

    fn list_open<'a>(
        &'a self,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        self.read_all(Which::Open, etag).boxed()
    }

    fn detail<'a>(
        &'a self,
        id: IncidentId,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let linked = self.lock().links.get(&id).cloned().unwrap_or_default();
            // Linked groups change without the detail's ETag changing.
            let etag = if linked.is_empty() { etag } else { None };
            let p = &self.parts[i];
            Ok(match p.reader.detail(local, etag).await? {
                Fetched::Fresh { mut value, etag } => {
                    qualify_detail(&p.name, &mut value);
                    value.incident.linked = linked.iter().map(|l| l.id).collect();
                    value.linked = linked;
                    Fetched::Fresh { value, etag }
                }
                Fetched::NotModified => Fetched::NotModified,
            })
        }
        .boxed()
    }

    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>> {
        // Wakes when a backend with a change feed names a change (the
        // poller then reads the view again: the fed backend at once, the
        // others no more often than MIN_REREAD), or after `wait`.
        let revisions: Vec<(usize, u64)> = {
            let st = self.lock();
            self.parts
                .iter()
                .zip(&st.parts)
                .enumerate()
                .filter(|(_, (p, s))| {
                    p.reader.capabilities().change_feed && s.stale_since.is_none()
                })
                .filter_map(|(i, (_, s))| s.revision.map(|r| (i, r)))
                .collect()
        };
        async move {
            let mut waits: Vec<BoxFuture<'_, ()>> = revisions
                .into_iter()
                .map(|(i, rev)| {
                    let r = self.parts[i].reader.clone();
                    async move {
                        match r.changes(rev, wait).await {
                            Ok(c) if !c.changed.is_empty() => {}
                            // Nothing, or an error: the read says which.
                            _ => futures::future::pending::<()>().await,
                        }
                    }
                    .boxed()
                })
                .collect();
            waits.push(tokio::time::sleep(wait).boxed());
            let _ = select_all(waits).await;
            Ok(ChangesResponse {
                revision: since,
                changed: Vec::new(),
            })
        }
        .boxed()
    }

    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        self.parts[self.home()].reader.0.whoami()
    }

    fn timeline_before(
        &self,
        id: IncidentId,
        before: u64,
    ) -> BoxFuture<'_, Result<TimelinePage, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let mut page = self.parts[i].reader.timeline_before(local, before).await?;
            page.incident = id;
            Ok(page)
        }
        .boxed()
    }

    fn timeline_after(
        &self,
        id: IncidentId,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'_, Result<TimelinePage, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let mut page = self.parts[i]
                .reader
                .timeline_after(local, after, limit)
                .await?;
            page.incident = id;
            Ok(page)
        }
        .boxed()
    }

    fn users<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<UserMatch>, ClientError>> {
        async move {
            match self
                .parts
                .iter()
                .find(|p| p.reader.capabilities().user_directory)
            {
                Some(p) => p.reader.users(query).await,
                None => Err(ClientError::Unsupported("a user directory".into())),
            }
        }
        .boxed()
    }

    fn silences(&self) -> BoxFuture<'_, Result<Vec<SilenceInfo>, ClientError>> {
        // Every Alertmanager's silences, each id naming its backend
        // (`alerts/5f…`) so expiring one goes to the right place.
        async move {
            let mut all = Vec::new();
            let mut any = false;
            for p in self
                .parts
                .iter()
                .filter(|p| p.reader.capabilities().alert_groups())
            {
                any = true;
                for mut s in p.reader.silences().await? {
                    s.id = format!("{}/{}", p.name, s.id);
                    all.push(s);
                }
            }
            if !any {
                return Err(ClientError::Unsupported("silences".into()));
            }
            Ok(all)
        }
        .boxed()
    }

    fn followups(&self, id: IncidentId) -> BoxFuture<'_, Result<Vec<FollowUp>, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let p = &self.parts[i];
            Ok(qualify_followups(&p.name, p.reader.followups(local).await?))
        }
        .boxed()
    }

    fn followups_across<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<FollowUp>, ClientError>> {
        async move {
            let mut all = Vec::new();
            for p in &self.parts {
                match p.reader.followups_across(query).await {
                    Ok(v) => all.extend(qualify_followups(&p.name, v)),
                    Err(ClientError::Unsupported(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(all)
        }
        .boxed()
    }

    fn postmortem<'a>(
        &'a self,
        id: IncidentId,
        format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i].reader.postmortem(local, format).await
        }
        .boxed()
    }

    fn debrief<'a>(
        &'a self,
        id: IncidentId,
        format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i].reader.debrief(local, format).await
        }
        .boxed()
    }

    fn stats<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::stats::Stats, ClientError>> {
        self.parts[self.home()].reader.0.stats(query)
    }

    fn similar(
        &self,
        id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::Similar>, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let p = &self.parts[i];
            let mut v = p.reader.similar(local).await?;
            for s in &mut v {
                s.incident.id = qualify_id(&p.name, s.incident.id);
            }
            Ok(v)
        }
        .boxed()
    }

    fn suggest(
        &self,
        title: &str,
        service: &str,
    ) -> BoxFuture<'_, Result<crate::model::wire::Suggestion, ClientError>> {
        self.parts[self.home()].reader.0.suggest(title, service)
    }

    fn action_preview(
        &self,
        id: IncidentId,
        phase: crate::model::Phase,
        item: usize,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::ActionPreview, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i]
                .reader
                .action_preview(local, phase, item)
                .await
        }
        .boxed()
    }

    fn action_run(
        &self,
        id: IncidentId,
        run: u64,
        after: u64,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::RunOutput, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i].reader.action_run(local, run, after).await
        }
        .boxed()
    }

    fn deliveries(
        &self,
        id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::DeliveryInfo>, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            self.parts[i].reader.deliveries(local).await
        }
        .boxed()
    }

    fn recent_closed(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Incident>, ClientError>> {
        async move {
            let p = &self.parts[self.home()];
            let mut v = p.reader.recent_closed(limit).await?;
            v.retain_mut(|i| qualify(&p.name, i));
            Ok(v)
        }
        .boxed()
    }

    fn status_file<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<u8>, ClientError>> {
        self.parts[self.home()].reader.0.status_file(name)
    }

    fn policy(&self) -> BoxFuture<'_, Result<crate::model::Policy, ClientError>> {
        self.parts[self.home()].reader.0.policy()
    }
}

fn part_caps(p: &Part) -> Capabilities {
    let c = p.reader.capabilities();
    if p.read_only.is_some() {
        c.read_only()
    } else {
        c
    }
}

impl MergedBackend {
    /// The part a write goes to and the write as that backend takes it.
    fn route_write(&self, w: &Write) -> Result<(usize, Write), ClientError> {
        let (i, op) = match (&w.op, w.op.incident()) {
            (super::WriteOp::ExpireSilence { silence_id }, _) => {
                let (name, local) = silence_id.split_once('/').ok_or_else(|| ClientError::Api {
                    status: 404,
                    code: "not_found".into(),
                    message: format!(
                        "silence {} names no backend: write it as BACKEND/ID ({})",
                        crate::text::one_line(silence_id, 40),
                        self.names().join(", ")
                    ),
                })?;
                let i = self
                    .parts
                    .iter()
                    .position(|p| p.name == name)
                    .ok_or_else(|| ClientError::Api {
                        status: 404,
                        code: "not_found".into(),
                        message: format!(
                            "no backend `{}` in this view",
                            crate::text::one_line(name, 40)
                        ),
                    })?;
                let op = super::WriteOp::ExpireSilence {
                    silence_id: local.to_string(),
                };
                (i, op)
            }
            (op, Some(id)) => {
                let (i, local) = self.route(id)?;
                (i, op.for_incident(local))
            }
            (op, None) => (self.home(), op.clone()),
        };
        if let Some(why) = &self.parts[i].read_only {
            return Err(ClientError::Unsupported(format!(
                "{why}: it makes no changes"
            )));
        }
        Ok((
            i,
            Write {
                key: w.key.clone(),
                op,
                queued_by: w.queued_by.clone(),
            },
        ))
    }
}

impl WriteBackend for MergedBackend {
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        let (i, w) = self.route_write(w)?;
        self.parts[i].writer.plan(&w)
    }

    fn send<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Option<WriteAnswer>, ClientError>> {
        async move {
            let (i, w) = self.route_write(w)?;
            let p = &self.parts[i];
            Ok(qualify_answer(&p.name, p.writer.send(&w).await?))
        }
        .boxed()
    }

    fn send_verbatim<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<super::Sent, ClientError>> {
        async move {
            let (i, w) = self.route_write(w)?;
            let p = &self.parts[i];
            let mut sent = p.writer.send_verbatim(&w).await?;
            sent.answer = qualify_answer(&p.name, sent.answer);
            // The backend's own answer names the incident by its own id:
            // the view's id replaces it, so a script can use it again.
            if let (Some(body), Some(a)) = (sent.body.as_mut(), &sent.answer)
                && body["incident"]["id"].is_string()
            {
                body["incident"]["id"] = serde_json::Value::String(a.incident.id.to_string());
            }
            Ok(sent)
        }
        .boxed()
    }

    fn notify_test<'a>(
        &'a self,
        req: &'a crate::model::wire::NotifyTestRequest,
    ) -> BoxFuture<'a, Result<crate::model::wire::NotifyTestResponse, ClientError>> {
        self.parts[self.home()].writer.0.notify_test(req)
    }

    fn start_drill<'a>(
        &'a self,
        req: &'a crate::model::drill::StartDrill,
    ) -> BoxFuture<'a, Result<crate::model::drill::DrillStarted, ClientError>> {
        self.parts[self.home()].writer.0.start_drill(req)
    }

    fn run_action<'a>(
        &'a self,
        id: IncidentId,
        req: &'a crate::model::runbook_action::RunActionRequest,
        key: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::runbook_action::RunStarted, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            if let Some(why) = &self.parts[i].read_only {
                return Err(ClientError::Unsupported(format!(
                    "{why}: it makes no changes"
                )));
            }
            self.parts[i].writer.run_action(local, req, key).await
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests;
