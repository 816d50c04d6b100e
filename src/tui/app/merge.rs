//! Folding what the backend says into what the console holds. The console
//! keeps each watched incident's events from the newest back as far as the
//! IC has scrolled; pages arrive newest-first (the detail), as additions
//! (write answers) or older pages (scrolling back), and are joined by seq.

use super::{App, Command};
use crate::model::wire::{TimelinePage, WriteAnswer};
use crate::model::{Incident, IncidentDetail, IncidentId, Status, TimelineEvent};

/// Events kept in memory per incident; older ones are dropped (and read
/// again if the IC scrolls back that far).
pub const MAX_CACHED_EVENTS: usize = 20_000;
/// Scrolling to within this many events of the oldest one held asks for
/// the page before it.
pub const PREFETCH_OLDER: usize = 60;

impl App {
    fn upsert_row(&mut self, inc: &Incident) {
        match self.incidents.iter_mut().find(|i| i.id == inc.id) {
            Some(row) => *row = inc.clone(),
            None if inc.status != Status::Closed => self.incidents.push(inc.clone()),
            None => {}
        }
    }

    /// Keeps the scrolled-back view on the same events when newer ones
    /// arrive below it.
    fn hold_view(&mut self, id: IncidentId, before: usize, after: usize) {
        if self.selected == Some(id) && self.timeline_back > 0 && after > before {
            self.timeline_back += after - before;
        }
    }

    /// The changed incidents' fresh summaries: rows are replaced, added, or
    /// removed when the incident left the active list (or is gone).
    pub(super) fn merge_summaries(&mut self, changed: &[IncidentId], summaries: &[Incident]) {
        for id in changed {
            match summaries.iter().find(|s| s.id == *id) {
                Some(s) if s.status != Status::Closed => self.upsert_row(s),
                _ => {
                    self.incidents.retain(|i| i.id != *id);
                    if self.selected != Some(*id) {
                        self.details.remove(id);
                    }
                }
            }
        }
    }

    /// A fresh detail (its newest page of events) joined to what we hold:
    /// older events are kept when they meet the new page without a gap.
    pub(super) fn merge_detail(&mut self, new: IncidentDetail) {
        let id = new.incident.id;
        self.detail_errors.remove(&id);
        self.upsert_row(&new.incident);
        let Some(old) = self.details.get_mut(&id) else {
            self.details.insert(id, new);
            return;
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
        self.hold_view(id, before, after);
    }

    /// A write's answer: the incident as it is now and the events it added.
    pub(super) fn merge_answer(&mut self, a: WriteAnswer) {
        let id = a.incident.id;
        self.upsert_row(&a.incident);
        match self.details.get_mut(&id) {
            Some(d) => {
                let before = d.timeline.len();
                let last = d.timeline.last().map_or(0, |e| e.seq);
                // Only events that continue what we hold; after a gap the
                // poller's next detail fills it.
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
                let after = d.timeline.len();
                self.hold_view(id, before, after);
            }
            None => {
                // A declare answers with everything: a detail to show at once.
                if let (Some(responders), Some(checklists)) = (a.responders, a.checklists) {
                    self.details.insert(
                        id,
                        IncidentDetail {
                            incident: a.incident,
                            timeline: a.events,
                            responders,
                            checklists,
                        },
                    );
                }
            }
        }
    }

    /// An older page, put in front of what we hold.
    pub(super) fn merge_older(&mut self, page: TimelinePage) {
        self.loading_older = None;
        let Some(d) = self.details.get_mut(&page.incident) else {
            return;
        };
        let first = d.timeline.first().map_or(u64::MAX, |e| e.seq);
        let mut older: Vec<TimelineEvent> =
            page.events.into_iter().filter(|e| e.seq < first).collect();
        older.sort_by_key(|e| e.seq);
        older.dedup_by_key(|e| e.seq);
        if older.is_empty() {
            return;
        }
        older.append(&mut d.timeline);
        d.timeline = older;
    }

    /// Asks for the page before the oldest event held, when the IC has
    /// scrolled near it and the incident has older events.
    pub(super) fn maybe_load_older(&mut self) -> Vec<Command> {
        let Some(d) = self.selected_detail() else {
            return Vec::new();
        };
        let Some(first) = d.timeline.first().map(|e| e.seq) else {
            return Vec::new();
        };
        let top = d.timeline.len().saturating_sub(self.timeline_back);
        let id = d.incident.id;
        if first <= 1 || top > PREFETCH_OLDER || self.loading_older.is_some() {
            return Vec::new();
        }
        self.loading_older = Some((id, first));
        vec![Command::FetchOlder { id, before: first }]
    }
}

fn trim(events: &mut Vec<TimelineEvent>) {
    if events.len() > MAX_CACHED_EVENTS {
        events.drain(..events.len() - MAX_CACHED_EVENTS);
    }
}
