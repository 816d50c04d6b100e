//! The handles the console, wallboard and CLI hold: a [`Reader`] (all a
//! wallboard gets) and a [`Writer`], each over one backend (or a merged
//! view of several).

use std::sync::Arc;
use std::time::Duration;

use super::{
    Capabilities, ClientError, Fetched, PlannedRequest, ReadBackend, Sent, SilenceInfo, UserMatch,
    Write, WriteBackend,
};
use crate::model::wire::{ChangesResponse, ListResponse, TimelinePage, WriteAnswer};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId};

/// The read side of a backend: all a wallboard gets. It has no way to write.
#[derive(Clone)]
pub struct Reader(pub(super) Arc<dyn ReadBackend>);

impl Reader {
    pub fn new(b: Arc<dyn ReadBackend>) -> Self {
        Self(b)
    }

    pub fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }

    pub fn capabilities_of(&self, id: IncidentId) -> Capabilities {
        self.0.capabilities_of(id)
    }

    pub fn parts(&self) -> Vec<(String, Capabilities)> {
        self.0.parts()
    }

    pub async fn locate(&self, id: IncidentId) -> Result<(), ClientError> {
        self.0.locate(id).await
    }

    pub async fn list(
        &self,
        all: bool,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        self.0.list(all, etag).await
    }

    pub async fn detail(
        &self,
        id: IncidentId,
        etag: Option<&str>,
    ) -> Result<Fetched<IncidentDetail>, ClientError> {
        self.0.detail(id, etag).await
    }

    pub async fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> Result<ChangesResponse, ClientError> {
        self.0.changes(since, wait).await
    }

    pub async fn whoami(&self) -> Result<(String, ActorRole), ClientError> {
        self.0.whoami().await
    }

    pub async fn list_open(
        &self,
        etag: Option<&str>,
    ) -> Result<Fetched<ListResponse>, ClientError> {
        self.0.list_open(etag).await
    }

    pub async fn first_screen(&self) -> Result<Option<ListResponse>, ClientError> {
        self.0.first_screen().await
    }

    pub async fn summaries(&self, ids: &[IncidentId]) -> Result<Vec<Incident>, ClientError> {
        self.0.summaries(ids).await
    }

    pub async fn timeline_before(
        &self,
        id: IncidentId,
        before: u64,
    ) -> Result<TimelinePage, ClientError> {
        self.0.timeline_before(id, before).await
    }

    pub async fn timeline_after(
        &self,
        id: IncidentId,
        after: u64,
        limit: usize,
    ) -> Result<TimelinePage, ClientError> {
        self.0.timeline_after(id, after, limit).await
    }

    pub async fn users(&self, query: &str) -> Result<Vec<UserMatch>, ClientError> {
        self.0.users(query).await
    }

    pub async fn silences(&self) -> Result<Vec<SilenceInfo>, ClientError> {
        self.0.silences().await
    }

    pub async fn followups(&self, id: IncidentId) -> Result<Vec<FollowUp>, ClientError> {
        self.0.followups(id).await
    }

    pub async fn followups_across(&self, query: &str) -> Result<Vec<FollowUp>, ClientError> {
        self.0.followups_across(query).await
    }

    pub async fn postmortem(&self, id: IncidentId, format: &str) -> Result<String, ClientError> {
        self.0.postmortem(id, format).await
    }

    pub async fn debrief(&self, id: IncidentId, format: &str) -> Result<String, ClientError> {
        self.0.debrief(id, format).await
    }

    pub async fn stats(&self, query: &str) -> Result<crate::model::stats::Stats, ClientError> {
        self.0.stats(query).await
    }

    pub async fn similar(
        &self,
        id: IncidentId,
    ) -> Result<Vec<crate::model::wire::Similar>, ClientError> {
        self.0.similar(id).await
    }

    pub async fn suggest(
        &self,
        title: &str,
        service: &str,
    ) -> Result<crate::model::wire::Suggestion, ClientError> {
        self.0.suggest(title, service).await
    }

    pub async fn deliveries(
        &self,
        id: IncidentId,
    ) -> Result<Vec<crate::model::wire::DeliveryInfo>, ClientError> {
        self.0.deliveries(id).await
    }

    pub async fn action_preview(
        &self,
        id: IncidentId,
        phase: crate::model::Phase,
        item: usize,
    ) -> Result<crate::model::runbook_action::ActionPreview, ClientError> {
        self.0.action_preview(id, phase, item).await
    }

    pub async fn action_run(
        &self,
        id: IncidentId,
        run: u64,
        after: u64,
    ) -> Result<crate::model::runbook_action::RunOutput, ClientError> {
        self.0.action_run(id, run, after).await
    }

    pub async fn state_at(
        &self,
        id: IncidentId,
        at: crate::model::replay::ReplayAt,
    ) -> Result<crate::model::replay::ReplayState, ClientError> {
        self.0.state_at(id, at).await
    }

    pub async fn reviews(
        &self,
        overdue: bool,
    ) -> Result<Vec<crate::model::review::ReviewEntry>, ClientError> {
        self.0.reviews(overdue).await
    }

    pub async fn recent_closed(&self, limit: usize) -> Result<Vec<Incident>, ClientError> {
        self.0.recent_closed(limit).await
    }

    pub async fn policy(&self) -> Result<crate::model::Policy, ClientError> {
        self.0.policy().await
    }

    pub async fn status_file(&self, name: &str) -> Result<Vec<u8>, ClientError> {
        self.0.status_file(name).await
    }
}

#[derive(Clone)]
pub struct Writer(pub(super) Arc<dyn WriteBackend>);

impl Writer {
    pub fn new(b: Arc<dyn WriteBackend>) -> Self {
        Self(b)
    }

    pub fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        self.0.plan(w)
    }

    /// Sends one write with its idempotency key.
    pub async fn send(&self, w: &Write) -> Result<Option<WriteAnswer>, ClientError> {
        self.0.send(w).await
    }

    /// Sends one write and keeps the backend's own answer too.
    pub async fn send_verbatim(&self, w: &Write) -> Result<Sent, ClientError> {
        self.0.send_verbatim(w).await
    }

    pub async fn notify_test(
        &self,
        req: &crate::model::wire::NotifyTestRequest,
    ) -> Result<crate::model::wire::NotifyTestResponse, ClientError> {
        self.0.notify_test(req).await
    }

    pub async fn start_drill(
        &self,
        req: &crate::model::drill::StartDrill,
    ) -> Result<crate::model::drill::DrillStarted, ClientError> {
        self.0.start_drill(req).await
    }

    pub async fn run_action(
        &self,
        id: IncidentId,
        req: &crate::model::runbook_action::RunActionRequest,
        key: &str,
    ) -> Result<crate::model::runbook_action::RunStarted, ClientError> {
        self.0.run_action(id, req, key).await
    }
}
