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
mod reads;
mod writes;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::join_all;

use super::{Capabilities, ClientError, Fetched, Reader, Writer};
use crate::model::wire::{ListResponse, SourceState, WriteAnswer};
use crate::model::{FollowUp, Incident, IncidentDetail, IncidentId};
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

pub(super) fn part_caps(p: &Part) -> Capabilities {
    let c = p.reader.capabilities();
    if p.read_only.is_some() {
        c.read_only()
    } else {
        c
    }
}

#[cfg(test)]
mod tests;
