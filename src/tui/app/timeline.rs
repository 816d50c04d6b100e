//! The timeline cursor, and browsing an incident's history by position.
//!
//! The detail holds the newest events (a page, then what arrives); the
//! cursor is `timeline_back` events up from the newest. Going further back
//! (scrolling past what the detail holds, `g`, `:event N`, `:at 14:05`)
//! opens a browse window: a run of consecutive events read by position,
//! at most [`BROWSE_MAX`], the next page read as the cursor nears either
//! end and pages past [`BROWSE_MAX`] dropped at the far end, so memory
//! stays bounded however long the history. Scrolling down into the events
//! the detail holds returns to them (and to following new ones).

use chrono::{DateTime, Utc};

use super::{App, Command, Read};
pub use crate::client::pages::PageAt;
use crate::model::wire::TimelinePage;
use crate::model::{IncidentId, TimelineEvent};

/// The most events a browse window holds (five pages).
pub const BROWSE_MAX: usize = 1_000;

/// Moving to within this many events of either end of what is held asks
/// for the next page that way.
pub const PREFETCH: usize = 60;

/// Where the IC asked the timeline to go (`g`, `:event N`, `:at 14:05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    Seq(u64),
    Time(DateTime<Utc>),
}

/// A window on an incident's history away from its newest events.
#[derive(Debug, Clone)]
pub struct Browse {
    pub id: IncidentId,
    /// Consecutive events, oldest first.
    pub events: Vec<TimelineEvent>,
    pub cursor: usize,
    /// The page asked for and not yet answered (one at a time).
    pub loading: Option<PageAt>,
    /// A jump's target: the cursor lands on the first event at or after
    /// it when its page arrives.
    pub target: Option<u64>,
}

/// What the timeline pane shows and the keys act on, live or browsing.
pub struct TimelineView<'a> {
    pub id: IncidentId,
    pub events: &'a [TimelineEvent],
    /// Index of the highlighted event in `events`.
    pub cursor: Option<usize>,
    /// The newest event's number (how many there are).
    pub last_seq: u64,
    pub browsing: bool,
    /// A page towards older (true) or newer (false) events is being read.
    pub loading: Option<bool>,
}

impl TimelineView<'_> {
    pub fn older_above(&self) -> bool {
        self.events.first().is_some_and(|e| e.seq > 1)
    }

    /// Browsing: events newer than the window exist.
    pub fn newer_after(&self) -> bool {
        self.browsing && self.events.last().is_none_or(|e| e.seq < self.last_seq)
    }

    /// Events newer than the one under the cursor.
    pub fn newer_below(&self) -> u64 {
        let at = self
            .cursor
            .and_then(|c| self.events.get(c))
            .map_or(self.last_seq, |e| e.seq);
        self.last_seq.saturating_sub(at)
    }

    pub fn following(&self) -> bool {
        !self.browsing && self.cursor.is_none_or(|c| c + 1 >= self.events.len())
    }
}

impl App {
    pub fn timeline_view(&self) -> Option<TimelineView<'_>> {
        let d = self.selected_detail()?;
        let id = d.incident.id;
        let last_seq = d
            .incident
            .last_seq
            .max(d.timeline.last().map_or(0, |e| e.seq));
        let browse = self.browse.as_ref().filter(|_| self.replaying().is_none());
        if let Some(b) = browse.filter(|b| b.id == id) {
            return Some(TimelineView {
                id,
                events: &b.events,
                cursor: (!b.events.is_empty()).then(|| b.cursor.min(b.events.len() - 1)),
                last_seq,
                browsing: true,
                loading: b.loading.map(|at| matches!(at, PageAt::Before(_))),
            });
        }
        let len = d.timeline.len();
        Some(TimelineView {
            id,
            events: &d.timeline,
            cursor: len.checked_sub(1 + self.timeline_back.min(len.saturating_sub(1))),
            last_seq,
            browsing: false,
            loading: None,
        })
    }

    /// The timeline entry under the cursor: the highlighted row.
    pub fn cursor_event(&self) -> Option<&TimelineEvent> {
        let v = self.timeline_view()?;
        v.events.get(v.cursor?)
    }

    /// j/k, PgUp/PgDn on the timeline: `delta` events (negative: older).
    pub(super) fn move_timeline(&mut self, delta: isize) -> Vec<Command> {
        let Some(d) = self.selected_detail() else {
            return Vec::new();
        };
        let id = d.incident.id;
        let live_len = d.timeline.len();
        let live_first = d.timeline.first().map_or(1, |e| e.seq);
        if self.replaying().is_some() {
            // Replay shows the page up to its moment; `[` `{` go further
            // back in time.
            let cur = live_len.saturating_sub(1 + self.timeline_back) as isize;
            let at = cur
                .saturating_add(delta)
                .clamp(0, live_len.saturating_sub(1) as isize) as usize;
            self.timeline_back = live_len.saturating_sub(1 + at);
            return Vec::new();
        }
        match self.browse.as_mut().filter(|b| b.id == id) {
            None => {
                let cur = live_len.saturating_sub(1 + self.timeline_back) as isize;
                let want = cur.saturating_add(delta);
                let at = want.clamp(0, live_len.saturating_sub(1) as isize) as usize;
                self.timeline_back = live_len.saturating_sub(1 + at);
                if at < PREFETCH && live_first > 1 {
                    // Near the top of what the detail holds, with older
                    // events on the server: browse from here.
                    let d = self.selected_detail().expect("checked above");
                    let end = live_len.min(BROWSE_MAX);
                    self.browse = Some(Browse {
                        id,
                        events: d.timeline[..end].to_vec(),
                        cursor: at,
                        loading: None,
                        target: None,
                    });
                    return self.browse_prefetch();
                }
                Vec::new()
            }
            Some(b) => {
                let len = b.events.len();
                if len == 0 {
                    return Vec::new();
                }
                b.cursor = (b.cursor as isize)
                    .saturating_add(delta)
                    .clamp(0, len as isize - 1) as usize;
                let seq = b.events[b.cursor].seq;
                // Down into what the detail holds: back to it, on the
                // same event, following again from there.
                let d = self.selected_detail().expect("checked above");
                if delta > 0
                    && seq >= live_first
                    && let Some(pos) = d.timeline.iter().position(|e| e.seq == seq)
                {
                    self.browse = None;
                    self.timeline_back = live_len.saturating_sub(1 + pos);
                    return Vec::new();
                }
                self.browse_prefetch()
            }
        }
    }

    /// `g`: the first event of the incident, read from the start when the
    /// detail does not hold it.
    pub(super) fn timeline_first(&mut self) -> Vec<Command> {
        self.timeline_jump(Jump::Seq(1))
    }

    /// `G`: the newest event, following again.
    pub(super) fn timeline_newest(&mut self) -> Vec<Command> {
        self.browse = None;
        self.timeline_back = 0;
        Vec::new()
    }

    pub(super) fn timeline_jump(&mut self, to: Jump) -> Vec<Command> {
        let Some(d) = self.selected_detail() else {
            return Vec::new();
        };
        let id = d.incident.id;
        if let Jump::Seq(n) = to {
            // Held by the detail: no read.
            if let Some(pos) = d.timeline.iter().position(|e| e.seq == n) {
                let back = d.timeline.len() - 1 - pos;
                self.browse = None;
                self.timeline_back = back;
                return self.move_timeline(0);
            }
            if let Some(b) = self.browse.as_mut().filter(|b| b.id == id)
                && let Some(pos) = b.events.iter().position(|e| e.seq == n)
            {
                b.cursor = pos;
                return self.browse_prefetch();
            }
        }
        let (at, target) = match to {
            Jump::Seq(n) => (PageAt::After(n.saturating_sub(1)), Some(n)),
            Jump::Time(t) => (PageAt::Time(t), None),
        };
        self.browse = Some(Browse {
            id,
            events: Vec::new(),
            cursor: 0,
            loading: Some(at),
            target,
        });
        vec![Command::Read(Read::Page { id, at })]
    }

    /// Asks for the next page towards whichever end of the window the
    /// cursor is near, one page at a time.
    fn browse_prefetch(&mut self) -> Vec<Command> {
        let last_seq = self.timeline_view().map_or(0, |v| v.last_seq);
        let Some(b) = self.browse.as_mut() else {
            return Vec::new();
        };
        if b.loading.is_some() {
            return Vec::new();
        }
        let (Some(first), Some(last)) = (b.events.first(), b.events.last()) else {
            return Vec::new();
        };
        let at = if b.cursor < PREFETCH && first.seq > 1 {
            PageAt::Before(first.seq)
        } else if b.events.len() - b.cursor <= PREFETCH && last.seq < last_seq {
            PageAt::After(last.seq)
        } else {
            return Vec::new();
        };
        b.loading = Some(at);
        vec![Command::Read(Read::Page { id: b.id, at })]
    }

    /// A page arrived: into the window at its end, the far end trimmed to
    /// [`BROWSE_MAX`]. An answer nobody waits for any more is dropped.
    pub(super) fn page_arrived(
        &mut self,
        id: IncidentId,
        at: PageAt,
        r: Result<TimelinePage, crate::client::ClientError>,
    ) -> Vec<Command> {
        let Some(b) = self
            .browse
            .as_mut()
            .filter(|b| b.id == id && b.loading == Some(at))
        else {
            return Vec::new();
        };
        b.loading = None;
        let mut page = match r {
            Ok(p) => p.events,
            Err(e) => {
                self.notice = Some((format!("Events not read: {e}"), self.now));
                if b.events.is_empty() {
                    self.browse = None;
                }
                return Vec::new();
            }
        };
        page.sort_by_key(|e| e.seq);
        page.dedup_by_key(|e| e.seq);
        match at {
            PageAt::Before(_) => {
                let first = b.events.first().map_or(u64::MAX, |e| e.seq);
                page.retain(|e| e.seq < first);
                b.cursor += page.len();
                page.append(&mut b.events);
                b.events = page;
                // Too long: the newest end goes (the cursor is near the top).
                b.events.truncate(BROWSE_MAX);
            }
            PageAt::After(_) | PageAt::Time(_) => {
                let last = b.events.last().map_or(0, |e| e.seq);
                page.retain(|e| e.seq > last);
                b.events.append(&mut page);
                let over = b.events.len().saturating_sub(BROWSE_MAX);
                b.events.drain(..over);
                b.cursor = b.cursor.saturating_sub(over);
            }
        }
        if let Some(t) = b.target.take() {
            b.cursor = b.events.iter().position(|e| e.seq >= t).unwrap_or(0);
        }
        if b.events.is_empty() {
            // Nothing there (a number past the newest, a time after it):
            // back to the newest, and say so.
            self.browse = None;
            self.timeline_back = 0;
            self.notice = Some(("No events there: showing the newest".into(), self.now));
            return Vec::new();
        }
        b.cursor = b.cursor.min(b.events.len() - 1);
        self.browse_prefetch()
    }
}
