//! A merged view's reads: each routed to the incident's own backend, its
//! answer under the view's ids; what belongs to no incident goes to the
//! view's home backend.

use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, select_all};

use super::{
    MergedBackend, Which, part_caps, qualify, qualify_detail, qualify_followups, qualify_id,
};
use crate::client::{Capabilities, ClientError, Fetched, ReadBackend, SilenceInfo, UserMatch};
use crate::model::wire::{ChangesResponse, ListResponse, TimelinePage};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId};

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
            replay: any(|c| c.replay),
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

    fn state_at(
        &self,
        id: IncidentId,
        at: crate::model::replay::ReplayAt,
    ) -> BoxFuture<'_, Result<crate::model::replay::ReplayState, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            let p = &self.parts[i];
            let mut st = p.reader.state_at(local, at).await?;
            qualify_detail(&p.name, &mut st.detail);
            Ok(st)
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
