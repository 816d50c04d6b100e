//! Reads from a warroom server: the list page by page, details, timeline
//! pages, the change feed, follow-ups and the rest, each answer cleaned of
//! anything a terminal must not see before it leaves the client.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;

use super::{FollowUps, WarroomBackend, warroom_error};
use crate::client::http::{REQUEST_TIMEOUT, error_from, read_capped, transport};
use crate::client::{Capabilities, ClientError, Fetched, ReadBackend};
use crate::model::wire::{ChangesResponse, ListResponse, TimelinePage};
use crate::model::{ActorRole, FollowUp, Incident, IncidentDetail, IncidentId};
use crate::text::one_line;
use crate::text::urlencode;

impl WarroomBackend {
    /// A list of follow-ups (one incident's, or across incidents), cleaned.
    async fn followup_list(&self, path: &str) -> Result<Vec<FollowUp>, ClientError> {
        match self.get::<FollowUps>(path, None, REQUEST_TIMEOUT).await? {
            Fetched::Fresh { value, .. } => Ok(value.followups),
            Fetched::NotModified => Err(ClientError::BadResponse("304 on follow-ups".into())),
        }
    }

    /// Reads a whole list (`scope` active, open or all) page by page.
    fn list_path<'a>(
        &'a self,
        scope: &'a str,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        async move {
            let path = format!("/incidents?scope={scope}");
            let path = path.as_str();
            // The first page decides: unchanged (304) means the whole list is.
            let (mut whole, etag) = match self
                .get::<ListResponse>(path, etag, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::NotModified => return Ok(Fetched::NotModified),
                Fetched::Fresh { value, etag } => (value, etag),
            };
            let mut seen: std::collections::HashSet<IncidentId> =
                whole.incidents.iter().map(|i| i.id).collect();
            let mut pages = 1;
            while let Some(cursor) = whole.next_cursor.take() {
                pages += 1;
                if pages > MAX_LIST_PAGES {
                    return Err(ClientError::BadResponse(format!(
                        "the list goes on past {MAX_LIST_PAGES} pages"
                    )));
                }
                let next = match self
                    .get::<ListResponse>(
                        &format!("{path}&cursor={}", urlencode(&cursor)),
                        None,
                        REQUEST_TIMEOUT,
                    )
                    .await?
                {
                    Fetched::Fresh { value, .. } => value,
                    Fetched::NotModified => break,
                };
                let before = seen.len();
                for i in next.incidents {
                    if seen.insert(i.id) {
                        whole.incidents.push(i);
                    }
                }
                // A page with nothing new is a server going in circles.
                if seen.len() == before {
                    break;
                }
                whole.next_cursor = next.next_cursor;
            }
            Ok(Fetched::Fresh { value: whole, etag })
        }
        .boxed()
    }
}

/// The most list pages one read walks (500 summaries each): a server that
/// keeps handing out cursors cannot keep us reading for ever.
const MAX_LIST_PAGES: usize = 200;

impl ReadBackend for WarroomBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities::WARROOM
    }

    fn list<'a>(
        &'a self,
        all: bool,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        self.list_path(if all { "all" } else { "active" }, etag)
    }

    fn list_open<'a>(
        &'a self,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        self.list_path("open", etag)
    }

    fn first_screen(&self) -> BoxFuture<'_, Result<Option<ListResponse>, ClientError>> {
        async move {
            let page = self
                .get::<ListResponse>("/incidents?scope=active&limit=200", None, REQUEST_TIMEOUT)
                .await?;
            Ok(match page {
                Fetched::Fresh { mut value, .. } => {
                    value.next_cursor = None;
                    Some(value)
                }
                Fetched::NotModified => None,
            })
        }
        .boxed()
    }

    fn detail<'a>(
        &'a self,
        id: IncidentId,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            let f = self
                .get::<IncidentDetail>(&format!("/incidents/{id}"), etag, REQUEST_TIMEOUT)
                .await?;
            // Cleaned as it was decoded, like every answer.
            Ok(f)
        }
        .boxed()
    }

    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>> {
        async move {
            let path = format!("/changes?since={since}&wait={}", wait.as_secs());
            match self
                .get::<ChangesResponse>(&path, None, wait + REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { value, .. } => Ok(value),
                Fetched::NotModified => {
                    Err(ClientError::BadResponse("304 on the change feed".into()))
                }
            }
        }
        .boxed()
    }

    fn summaries<'a>(
        &'a self,
        ids: &'a [IncidentId],
    ) -> BoxFuture<'a, Result<Vec<Incident>, ClientError>> {
        async move {
            let mut out = Vec::new();
            for chunk in ids.chunks(crate::model::wire::MAX_PAGE) {
                let list: Vec<String> = chunk.iter().map(|id| id.0.to_string()).collect();
                let path = format!("/incidents?ids={}", list.join(","));
                if let Fetched::Fresh { value, .. } = self
                    .get::<ListResponse>(&path, None, REQUEST_TIMEOUT)
                    .await?
                {
                    out.extend(
                        value
                            .incidents
                            .into_iter()
                            .filter(|i| chunk.contains(&i.id)),
                    );
                }
            }
            Ok(out)
        }
        .boxed()
    }

    fn timeline_before(
        &self,
        id: IncidentId,
        before: u64,
    ) -> BoxFuture<'_, Result<TimelinePage, ClientError>> {
        async move {
            let path = format!("/incidents/{id}/timeline?before={before}");
            match self
                .get::<TimelinePage>(&path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { mut value, .. } => {
                    // Only what was asked for: a backend that ignores `before`
                    // must not put newer events into the older page.
                    value.events.retain(|e| e.seq < before);
                    Ok(value)
                }
                Fetched::NotModified => Err(ClientError::BadResponse("304 on a page".into())),
            }
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
            let path = format!("/incidents/{id}/timeline?after={after}&limit={limit}");
            match self
                .get::<TimelinePage>(&path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { mut value, .. } => {
                    // Only what was asked for, in order, whatever the
                    // backend did with the query.
                    value.events.retain(|e| e.seq > after);
                    value.events.sort_by_key(|e| e.seq);
                    value.events.truncate(limit);
                    Ok(value)
                }
                Fetched::NotModified => Err(ClientError::BadResponse("304 on a page".into())),
            }
        }
        .boxed()
    }

    fn followups(&self, id: IncidentId) -> BoxFuture<'_, Result<Vec<FollowUp>, ClientError>> {
        async move {
            self.followup_list(&format!("/incidents/{id}/followups"))
                .await
        }
        .boxed()
    }

    fn followups_across<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<FollowUp>, ClientError>> {
        async move { self.followup_list(&format!("/followups?{query}")).await }.boxed()
    }

    fn postmortem<'a>(
        &'a self,
        id: IncidentId,
        format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        self.document(
            format!("/incidents/{id}/postmortem?format={format}"),
            "the postmortem",
            format,
        )
        .boxed()
    }

    fn debrief<'a>(
        &'a self,
        id: IncidentId,
        format: &'a str,
    ) -> BoxFuture<'a, Result<String, ClientError>> {
        self.document(
            format!("/incidents/{id}/debrief?format={format}"),
            "the debrief",
            format,
        )
        .boxed()
    }

    fn stats<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::stats::Stats, ClientError>> {
        async move {
            let path = format!("/stats?{query}");
            match self
                .get::<crate::model::stats::Stats>(&path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { value, .. } => Ok(value),
                Fetched::NotModified => Err(ClientError::BadResponse("304 on stats".into())),
            }
        }
        .boxed()
    }

    fn similar(
        &self,
        id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::Similar>, ClientError>> {
        async move {
            #[derive(serde::Deserialize)]
            struct Answer {
                similar: Vec<crate::model::wire::Similar>,
            }
            crate::sanitize_fields!(Answer { similar: text });
            let path = format!("/incidents/{id}/similar?limit=10");
            match self.get::<Answer>(&path, None, REQUEST_TIMEOUT).await? {
                Fetched::Fresh { value, .. } => Ok(value.similar),
                Fetched::NotModified => Err(ClientError::BadResponse("304 on similar".into())),
            }
        }
        .boxed()
    }

    fn suggest(
        &self,
        title: &str,
        service: &str,
    ) -> BoxFuture<'_, Result<crate::model::wire::Suggestion, ClientError>> {
        let path = format!(
            "/classify?title={}&service={}",
            urlencode(title),
            urlencode(service)
        );
        async move {
            match self
                .get::<crate::model::wire::Suggestion>(&path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { mut value, .. } => {
                    value.rule = value.rule.map(|r| crate::text::one_line(&r, 80));
                    value.service = crate::text::one_line(&value.service, 100);
                    value.runbook = value.runbook.map(|r| crate::text::one_line(&r, 80));
                    value.tags.truncate(crate::model::MAX_TAGS);
                    value
                        .tags
                        .iter_mut()
                        .for_each(|t| *t = crate::text::one_line(t, 50));
                    value.page.truncate(10);
                    value
                        .page
                        .iter_mut()
                        .for_each(|p| *p = crate::text::one_line(p, 100));
                    Ok(value)
                }
                Fetched::NotModified => Err(ClientError::BadResponse("304 on classify".into())),
            }
        }
        .boxed()
    }

    fn action_preview(
        &self,
        id: IncidentId,
        phase: crate::model::Phase,
        item: usize,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::ActionPreview, ClientError>> {
        self.preview_action(id, phase, item).boxed()
    }

    fn action_run(
        &self,
        id: IncidentId,
        run: u64,
        after: u64,
    ) -> BoxFuture<'_, Result<crate::model::runbook_action::RunOutput, ClientError>> {
        self.run_output(id, run, after).boxed()
    }

    fn deliveries(
        &self,
        id: IncidentId,
    ) -> BoxFuture<'_, Result<Vec<crate::model::wire::DeliveryInfo>, ClientError>> {
        async move {
            let path = format!("/incidents/{id}/deliveries");
            let list: Vec<crate::model::wire::DeliveryInfo> =
                match self.get(&path, None, REQUEST_TIMEOUT).await? {
                    Fetched::Fresh { value, .. } => value,
                    Fetched::NotModified => {
                        return Err(ClientError::BadResponse("304 on deliveries".into()));
                    }
                };
            // Bounded and cleaned like everything a backend says.
            Ok(list
                .into_iter()
                .take(200)
                .map(|mut d| {
                    for s in [&mut d.target, &mut d.subject, &mut d.status] {
                        *s = crate::text::one_line(s, 60);
                    }
                    d.last_error = d.last_error.map(|e| crate::text::one_line(&e, 200));
                    d
                })
                .collect())
        }
        .boxed()
    }

    fn state_at(
        &self,
        id: IncidentId,
        at: crate::model::replay::ReplayAt,
    ) -> BoxFuture<'_, Result<crate::model::replay::ReplayState, ClientError>> {
        self.read_state_at(id, at).boxed()
    }

    fn reviews(
        &self,
        overdue: bool,
    ) -> BoxFuture<'_, Result<Vec<crate::model::review::ReviewEntry>, ClientError>> {
        async move {
            let path = if overdue {
                "/reviews?overdue=true"
            } else {
                "/reviews"
            };
            match self
                .get::<Vec<crate::model::review::ReviewEntry>>(path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { value, .. } => Ok(value),
                Fetched::NotModified => Err(ClientError::BadResponse("304 on a list".into())),
            }
        }
        .boxed()
    }

    fn recent_closed(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Incident>, ClientError>> {
        async move {
            let path = format!(
                "/incidents?status=closed&order=newest&limit={}",
                limit.clamp(1, 500)
            );
            match self
                .get::<ListResponse>(&path, None, REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { mut value, .. } => {
                    value.incidents.truncate(limit);
                    Ok(value.incidents)
                }
                Fetched::NotModified => Err(ClientError::BadResponse("304 on a list".into())),
            }
        }
        .boxed()
    }

    fn status_file<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<u8>, ClientError>> {
        async move {
            let resp = self
                .public_page(name, REQUEST_TIMEOUT)
                .send()
                .await
                .map_err(transport)?;
            if !resp.status().is_success() {
                return Err(error_from(resp, warroom_error).await);
            }
            read_capped(resp).await
        }
        .boxed()
    }

    fn policy(&self) -> BoxFuture<'_, Result<crate::model::Policy, ClientError>> {
        async move {
            match self
                .get::<crate::model::Policy>("/policy", None, REQUEST_TIMEOUT)
                .await
            {
                Ok(Fetched::Fresh { value, .. }) => {
                    value.check().map_err(ClientError::BadResponse)?;
                    Ok(value)
                }
                // A server from before the policy route: the defaults.
                Err(ClientError::Api { status: 404, .. }) => Ok(crate::model::Policy::default()),
                Ok(Fetched::NotModified) => Err(ClientError::BadResponse("304 on policy".into())),
                Err(e) => Err(e),
            }
        }
        .boxed()
    }

    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        async move {
            #[derive(serde::Deserialize)]
            struct Who {
                handle: String,
                role: ActorRole,
            }
            crate::sanitize_fields!(Who {
                handle: line,
                role: none,
            });
            match self.get::<Who>("/whoami", None, REQUEST_TIMEOUT).await? {
                Fetched::Fresh { value, .. } => Ok((one_line(&value.handle, 60), value.role)),
                Fetched::NotModified => Err(ClientError::BadResponse("304 on whoami".into())),
            }
        }
        .boxed()
    }
}
