//! The data both screens hold, and the one set of rules for folding what
//! the backend says into it: the incident list, the details read, the
//! connection's state and when it is stale. The console adds selection,
//! filters and dialogs on top; the wallboard adds its card rotation.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use crate::client::ClientError;
use crate::client::poller::Feed;
use crate::model::wire::WriteAnswer;
use crate::model::{Incident, IncidentDetail, IncidentId, Status, TimelineEvent};

/// The backend may be silent this long before a screen says STALE: three
/// change-feed waits (10 s each) and a margin for a slow answer.
pub const STALE_AFTER: Duration = Duration::seconds(35);

/// Events kept in memory per incident; older ones are dropped (and read
/// again if the IC scrolls back that far).
pub const MAX_CACHED_EVENTS: usize = 20_000;

/// How the connection to the backend stands.
#[derive(Debug, Clone, Default)]
pub struct Conn {
    /// When the backend last answered.
    pub last_ok: Option<DateTime<Utc>>,
    /// The current failure, while it lasts.
    pub error: Option<String>,
    /// The backend refused our credentials (401/403): nothing it says can
    /// be trusted to be complete, and the fix is on our side.
    pub auth_refused: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Board {
    /// In the one order both screens show: active incidents first, SEV1
    /// first, then the oldest; then the resolved and verified ones still
    /// to be finished. Kept sorted by [`Board::apply`].
    pub incidents: Vec<Incident>,
    pub details: HashMap<IncidentId, IncidentDetail>,
    pub conn: Conn,
    /// Active incidents per severity (SEV1 first), counted when the data
    /// changes so no frame scans every incident.
    pub active_by_severity: [usize; 5],
    /// Incidents the backend listed that could not be read (left out).
    pub unreadable: u64,
    /// A merged view: how each backend stands (empty for one backend).
    pub sources: Vec<crate::model::wire::SourceState>,
}

/// What one message from the poller changed, for the screen folding it in.
#[derive(Debug)]
pub enum Applied {
    /// A whole list (or the first screen of it) replaced the rows.
    List { first_screen: bool },
    /// A detail read on its own: events held before and after.
    Detail {
        id: IncidentId,
        before: usize,
        after: usize,
    },
    /// Changed incidents' rows, and the details that came with them
    /// (incident, events held before and after).
    Changed(Vec<(IncidentId, usize, usize)>),
    /// The backend is fine; this one incident could not be read.
    DetailFailed(IncidentId, ClientError),
    /// Nothing changed, the backend answered.
    Alive,
    /// The backend could not be asked, or refused.
    Failed,
}

impl Board {
    /// The one door for backend data: the feed folded in by the board's
    /// rules, the rows kept in order and the severities counted. `keep`
    /// is an incident whose detail stays even if it leaves the list (the
    /// one on screen).
    pub fn apply(&mut self, feed: Feed, keep: Option<IncidentId>) -> Applied {
        let applied = match feed {
            Feed::FirstScreen { incidents, at } => {
                self.answered(at);
                self.replace_list(incidents);
                Applied::List { first_screen: true }
            }
            Feed::List { incidents, at } => {
                self.answered(at);
                self.replace_list(incidents);
                Applied::List {
                    first_screen: false,
                }
            }
            Feed::Detail { detail, at } => {
                self.answered(at);
                let id = detail.incident.id;
                let (before, after) = self.merge_detail(*detail);
                Applied::Detail { id, before, after }
            }
            Feed::Changed {
                changed,
                summaries,
                details,
                at,
            } => {
                self.answered(at);
                self.merge_summaries(&changed, &summaries, keep);
                let merged = details
                    .into_iter()
                    .map(|d| {
                        let id = d.incident.id;
                        let (before, after) = self.merge_detail(d);
                        (id, before, after)
                    })
                    .collect();
                Applied::Changed(merged)
            }
            Feed::DetailFailed { id, error, at } => {
                self.conn.last_ok = Some(at);
                return Applied::DetailFailed(id, error);
            }
            Feed::Alive(at) => {
                self.answered(at);
                return Applied::Alive;
            }
            Feed::Unreadable { count, at } => {
                self.answered(at);
                self.unreadable = count;
                return Applied::Alive;
            }
            Feed::Sources { sources, at } => {
                self.answered(at);
                self.sources = sources;
                return Applied::Alive;
            }
            Feed::Failed { error, .. } => {
                self.failed(&error);
                return Applied::Failed;
            }
        };
        self.settle();
        applied
    }

    /// The rows in the one order, and the severities counted again.
    pub fn settle(&mut self) {
        self.incidents.sort_by(|a, b| {
            (!a.status.is_active())
                .cmp(&!b.status.is_active())
                .then(a.severity.cmp(&b.severity))
                .then(a.declared_at.cmp(&b.declared_at))
                .then(a.id.cmp(&b.id))
        });
        self.active_by_severity = [0; 5];
        for i in self.incidents.iter().filter(|i| i.status.is_active()) {
            self.active_by_severity[i.severity.index()] += 1;
        }
    }

    /// The backend answered at `at`.
    pub fn answered(&mut self, at: DateTime<Utc>) {
        self.conn.last_ok = Some(at);
        if let Some(was) = self.conn.error.take() {
            tracing::info!(after = %was, "the backend answers again");
        }
        self.conn.auth_refused = false;
    }

    pub fn failed(&mut self, error: &ClientError) {
        // Said in the log once per change (an outage is not a line per
        // poll): the screen shows STALE, the log keeps why.
        let said = error.to_string();
        if self.conn.error.as_deref() != Some(said.as_str()) {
            tracing::warn!(error = %said, "the backend could not be read");
        }
        self.conn.auth_refused = matches!(
            error,
            ClientError::Api {
                status: 401 | 403,
                ..
            }
        );
        self.conn.error = Some(error.to_string());
    }

    /// Stale: failing, or silent for longer than [`STALE_AFTER`]. The age
    /// of the data is returned so the screen can say it.
    pub fn stale_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        let age = self.conn.last_ok.map(|t| now - t);
        if self.conn.error.is_some() || age.is_some_and(|a| a > STALE_AFTER) {
            Some(age.unwrap_or_default())
        } else {
            None
        }
    }

    /// The freshest copy of an incident: its list row or its detail,
    /// whichever has the higher version.
    pub fn incident(&self, id: IncidentId) -> Option<&Incident> {
        let listed = self.incidents.iter().find(|i| i.id == id);
        let detailed = self.details.get(&id).map(|d| &d.incident);
        match (listed, detailed) {
            (Some(l), Some(d)) => Some(if d.version >= l.version { d } else { l }),
            (l, d) => l.or(d),
        }
    }

    /// The checklist of the phase the incident is in, if its detail is here.
    pub fn current_checklist(&self, id: IncidentId) -> Option<&crate::model::Checklist> {
        self.details.get(&id).and_then(|d| d.current_checklist())
    }

    /// A whole new list; details of incidents no longer in it are dropped.
    pub fn replace_list(&mut self, incidents: Vec<Incident>) {
        self.incidents = incidents;
        let known: HashSet<IncidentId> = self.incidents.iter().map(|i| i.id).collect();
        self.details.retain(|id, _| known.contains(id));
    }

    fn upsert_row(&mut self, inc: &Incident) {
        match self.incidents.iter_mut().find(|i| i.id == inc.id) {
            Some(row) => *row = inc.clone(),
            None if inc.status != Status::Closed => self.incidents.push(inc.clone()),
            None => {}
        }
    }

    /// The changed incidents' fresh summaries: rows are replaced, added, or
    /// removed when the incident left the active list (or is gone); the
    /// detail of a removed one is dropped unless it is `keep` (on screen).
    pub fn merge_summaries(
        &mut self,
        changed: &[IncidentId],
        summaries: &[Incident],
        keep: Option<IncidentId>,
    ) {
        for id in changed {
            match summaries.iter().find(|s| s.id == *id) {
                Some(s) if s.status != Status::Closed => self.upsert_row(s),
                _ => {
                    self.incidents.retain(|i| i.id != *id);
                    if keep != Some(*id) {
                        self.details.remove(id);
                    }
                }
            }
        }
    }

    /// A fresh detail (its newest page of events) joined to what we hold:
    /// older events are kept when they meet the new page without a gap.
    /// Returns the number of events held before and after.
    pub fn merge_detail(&mut self, new: IncidentDetail) -> (usize, usize) {
        let id = new.incident.id;
        self.upsert_row(&new.incident);
        let Some(old) = self.details.get_mut(&id) else {
            let n = new.timeline.len();
            self.details.insert(id, new);
            return (0, n);
        };
        let before = old.timeline.len();
        let mut events = std::mem::take(&mut old.timeline);
        match new.timeline.first().map(|e| e.seq) {
            Some(first) if events.last().is_some_and(|e| e.seq + 1 >= first) => {
                events.retain(|e| e.seq < first);
                events.extend(new.timeline);
            }
            Some(_) => events = new.timeline,
            None => {}
        }
        trim(&mut events);
        let after = events.len();
        *old = IncidentDetail {
            timeline: events,
            ..new
        };
        (before, after)
    }

    /// A write's answer: the incident as it is now and the events it added.
    /// Returns the events held before and after, when the detail was held.
    pub fn merge_answer(&mut self, a: WriteAnswer) -> Option<(usize, usize)> {
        let id = a.incident.id;
        self.upsert_row(&a.incident);
        self.settle();
        let Some(d) = self.details.get_mut(&id) else {
            // A declare answers with everything: a detail to show at once.
            if let (Some(responders), Some(checklists)) = (a.responders, a.checklists) {
                let detail = IncidentDetail {
                    incident: a.incident,
                    timeline: a.events,
                    responders,
                    checklists,
                    state: Default::default(),
                    linked: Vec::new(),
                    journal: Default::default(),
                };
                self.details.insert(id, detail);
            }
            return None;
        };
        let before = d.timeline.len();
        let last = d.timeline.last().map_or(0, |e| e.seq);
        // Only events that continue what we hold; after a gap the poller's
        // next detail fills it.
        let mut next = last + 1;
        for e in a.events {
            if e.seq == next {
                next += 1;
                d.timeline.push(e);
            }
        }
        trim(&mut d.timeline);
        let whole = std::mem::take(&mut d.incident.summary);
        d.incident = a.incident;
        if d.incident.summary_cut {
            // A write answer carries a cut summary; ours is whole.
            d.incident.summary = whole;
            d.incident.summary_cut = false;
        }
        if let Some(r) = a.responders {
            d.responders = r;
        }
        if let Some(c) = a.checklists {
            d.checklists = c;
        }
        Some((before, d.timeline.len()))
    }
}

fn trim(events: &mut Vec<TimelineEvent>) {
    if events.len() > MAX_CACHED_EVENTS {
        events.drain(..events.len() - MAX_CACHED_EVENTS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::tui::fixtures::{clock, incident};

    #[test]
    fn one_door_one_order_one_count_for_both_screens() {
        let row = |id, sev, age, status| incident(id, "t", "s", sev, age, status, 0).incident;
        let mut board = Board::default();
        let list = vec![
            row(1, Severity::Sev3, 100, Status::Investigating),
            row(2, Severity::Sev1, 50, Status::Resolved),
            row(3, Severity::Sev1, 10, Status::Investigating),
            row(4, Severity::Sev1, 90, Status::Triggered),
        ];
        let applied = board.apply(
            Feed::List {
                incidents: list,
                at: clock(),
            },
            None,
        );
        assert!(matches!(
            applied,
            Applied::List {
                first_screen: false
            }
        ));
        let ids: Vec<u64> = board.incidents.iter().map(|i| i.id.0).collect();
        // Active first, SEV1 first, the oldest first; the resolved last.
        assert_eq!(ids, vec![4, 3, 1, 2]);
        assert_eq!(board.active_by_severity, [2, 0, 1, 0, 0]);
        // A change that resolves an incident moves it and the counts.
        let mut resolved = row(4, Severity::Sev1, 90, Status::Resolved);
        resolved.version += 1;
        board.apply(
            Feed::Changed {
                changed: vec![IncidentId(4)],
                summaries: vec![resolved],
                details: vec![],
                at: clock(),
            },
            None,
        );
        assert_eq!(board.active_by_severity, [1, 0, 1, 0, 0]);
        let ids: Vec<u64> = board.incidents.iter().map(|i| i.id.0).collect();
        assert_eq!(
            ids,
            vec![3, 1, 4, 2],
            "the finished ones after, oldest first"
        );
    }
}
