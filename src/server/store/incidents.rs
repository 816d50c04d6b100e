//! Reading incidents and their timelines. Reads are bounded: the list comes
//! in pages of summaries, a detail carries only the latest page of events,
//! older events are read by seq. (Writes are in `incident_writes.rs`; they
//! never read the timeline: the incident row knows its last seq.)
//!
//! Rows hold JSON we wrote ourselves, so answers are assembled from the
//! stored text without parsing it again.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::sql::{IntoValue, Sql, Value, args, push_arg as arg};
use super::{Result, Store, StoreError, read_revision};
use crate::model::{
    DomainError, Incident, IncidentDetail, IncidentId, Responder, ResponderState, Severity, Status,
};

pub use crate::model::wire::MAX_PAGE;
/// Events in an incident's detail: the newest ones.
pub const DETAIL_PAGE: usize = 200;
/// The most bytes of events one detail or timeline page carries (a page
/// holds fewer events rather than grow past it; at least one event always
/// comes). Every stored text is bounded too, so no writer can push a read
/// past a client's 8 MiB limit: at 1 MiB a page stays small on a slow link.
pub const PAGE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Include resolved, verified and closed incidents.
    pub all: bool,
    /// Every incident not closed: active, resolved and verified (what an
    /// IC steps through to the end).
    pub open: bool,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub service: Option<String>,
    /// Exactly these incidents, whatever their status (a client refreshing
    /// what the change feed named).
    pub ids: Option<Vec<IncidentId>>,
    /// Continue after this cursor (from the previous page).
    pub cursor: Option<String>,
    /// Page size, 1 to [`MAX_PAGE`].
    pub limit: usize,
    /// Newest first (by id) instead of SEV1 first: for looking back at
    /// closed incidents.
    pub newest: bool,
}

/// One page of the list, as stored JSON.
pub struct ListPage {
    pub revision: u64,
    pub rows: Vec<String>,
    pub next_cursor: Option<String>,
    /// How many incidents match the filter, per severity (all pages).
    pub counts: Vec<(Severity, u64)>,
}

impl ListPage {
    /// The answer body: `{"revision", "incidents", "next_cursor", "counts", "total"}`.
    pub fn to_json(&self) -> String {
        let mut out =
            String::with_capacity(self.rows.iter().map(|r| r.len() + 1).sum::<usize>() + 200);
        let _ = write!(out, "{{\"revision\":{},\"incidents\":[", self.revision);
        join_into(&mut out, &self.rows);
        out.push_str("],\"next_cursor\":");
        match &self.next_cursor {
            Some(c) => out.push_str(&serde_json::Value::from(c.as_str()).to_string()),
            None => out.push_str("null"),
        }
        out.push_str(",\"counts\":{");
        for (i, (sev, n)) in self.counts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{sev}\":{n}");
        }
        let total: u64 = self.counts.iter().map(|(_, n)| n).sum();
        let _ = write!(out, "}},\"total\":{total}}}");
        out
    }
}

fn join_into(out: &mut String, rows: &[String]) {
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r);
    }
}

/// Which events of a timeline to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The newest.
    Latest,
    /// Events with seq greater than this, oldest first.
    After(u64),
    /// Events with seq less than this (the page just before it).
    Before(u64),
}

fn cursor_of(sev: &str, id: i64) -> String {
    format!("{sev}.{id}")
}

fn parse_cursor(c: &str) -> Result<(String, i64)> {
    let bad = || {
        StoreError::Domain(DomainError::Invalid(
            "`cursor` is not one this server gave out".into(),
        ))
    };
    let (sev, id) = c.split_once('.').ok_or_else(bad)?;
    let sev: Severity = sev.parse().map_err(|_| bad())?;
    Ok((sev.as_str().to_string(), id.parse().map_err(|_| bad())?))
}

impl Store {
    /// A page of incident summaries, SEV1 first then oldest, and the counts.
    pub fn list(&self, f: &ListFilter) -> Result<ListPage> {
        let limit = f.limit.clamp(1, MAX_PAGE);
        self.read(|conn| {
            let revision = read_revision(conn)?;
            let mut wh = String::from(" WHERE 1=1");
            let mut args: Vec<Value> = Vec::new();
            // Placeholders are numbered: `?N` is the N-th argument.
            if let Some(ids) = &f.ids {
                wh.push_str(" AND id IN (");
                for (i, id) in ids.iter().take(MAX_PAGE).enumerate() {
                    if i > 0 {
                        wh.push(',');
                    }
                    wh.push_str(&arg(&mut args, (*id).into_value()?));
                }
                if ids.is_empty() {
                    wh.push_str("NULL");
                }
                wh.push(')');
            } else if f.open && f.status.is_none() {
                // Word for word the condition of the `incidents_open`
                // partial index (schema 14), so both engines use it.
                wh.push_str(" AND status != 'closed'");
            } else if !f.all && f.status.is_none() {
                wh.push_str(" AND active = 1");
            }
            if let Some(s) = f.status {
                let p = arg(&mut args, s.as_str().into());
                wh.push_str(&format!(" AND status = {p}"));
            }
            if let Some(s) = f.severity {
                let p = arg(&mut args, s.as_str().into());
                wh.push_str(&format!(" AND severity = {p}"));
            }
            if let Some(s) = &f.service {
                let p = arg(&mut args, s.into());
                wh.push_str(&format!(" AND {}", conn.dialect().eq_nocase("service", &p)));
            }
            // The counts of a filter at a revision are the same for every
            // page of it: counted once, and the next pages (a console reading
            // the whole list, 21 pages at 10,000 incidents) reuse them.
            let count_key = format!("{revision}|{wh}|{args:?}");
            let counts = match self.counts_memo(&count_key) {
                Some(c) => c,
                None => {
                    let mut counts = Vec::new();
                    let sql = format!(
                        "SELECT severity, COUNT(*) AS n FROM incidents{wh} GROUP BY severity"
                    );
                    for r in conn.rows(&sql, &args)? {
                        if let Ok(sev) = r.get::<String>("severity")?.parse::<Severity>() {
                            counts.push((sev, r.get::<u64>("n")?));
                        }
                    }
                    counts.sort();
                    self.remember_counts(count_key, &counts);
                    counts
                }
            };
            let mut page_wh = wh;
            if let Some(c) = &f.cursor {
                let (sev, id) = parse_cursor(c)?;
                if f.newest {
                    let p = arg(&mut args, id.into());
                    page_wh.push_str(&format!(" AND id < {p}"));
                } else {
                    let s = arg(&mut args, sev.into());
                    let p = arg(&mut args, id.into());
                    page_wh.push_str(&format!(
                        " AND (severity > {s} OR (severity = {s} AND id > {p}))"
                    ));
                }
            }
            let order = if f.newest { "id DESC" } else { "severity, id" };
            let sql = format!(
                "SELECT listing, severity, id FROM incidents{page_wh} ORDER BY {order} LIMIT {}",
                limit + 1
            );
            let mut out = Vec::new();
            let mut last = None;
            let mut more = false;
            for r in conn.rows(&sql, &args)? {
                if out.len() == limit {
                    more = true;
                    break;
                }
                out.push(r.get::<String>("listing")?);
                last = Some((r.get::<String>("severity")?, r.get::<i64>("id")?));
            }
            Ok(ListPage {
                revision,
                rows: out,
                next_cursor: more.then(|| last.map(|(s, i)| cursor_of(&s, i))).flatten(),
                counts,
            })
        })
    }

    fn counts_memo(&self, key: &str) -> Option<Vec<(Severity, u64)>> {
        let g = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        g.iter().find(|(k, _)| k == key).map(|(_, c)| c.clone())
    }

    /// Keeps the counts of the last few filters (a console, the wallboard
    /// and the CLI each ask their own).
    fn remember_counts(&self, key: String, counts: &[(Severity, u64)]) {
        let mut g = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if g.len() >= 8 {
            g.remove(0);
        }
        g.push((key, counts.to_vec()));
    }

    /// Every incident matching the filter, parsed (for in-process callers
    /// such as the demo; bounded by the caller's filter).
    pub fn list_all(&self, f: &ListFilter) -> Result<(u64, Vec<Incident>)> {
        let mut f = f.clone();
        f.limit = MAX_PAGE;
        let mut out = Vec::new();
        loop {
            let page = self.list(&f)?;
            for r in &page.rows {
                out.push(serde_json::from_str(r)?);
            }
            match page.next_cursor {
                Some(c) => f.cursor = Some(c),
                None => return Ok((page.revision, out)),
            }
        }
    }

    /// The detail answer: the incident, responders, checklists and the
    /// latest [`DETAIL_PAGE`] events, as JSON.
    pub fn detail_json(&self, id: IncidentId) -> Result<String> {
        self.detail_json_with(id, Order::Latest, DETAIL_PAGE, PAGE_BYTES)
    }

    /// An incident with the first `limit` events of its timeline (what a
    /// postmortem is written from).
    pub fn detail_from_start(&self, id: IncidentId, limit: usize) -> Result<IncidentDetail> {
        Ok(serde_json::from_str(&self.detail_json_with(
            id,
            Order::After(0),
            limit,
            usize::MAX,
        )?)?)
    }

    fn detail_json_with(
        &self,
        id: IncidentId,
        order: Order,
        limit: usize,
        budget: usize,
    ) -> Result<String> {
        self.read(|conn| {
            let IncidentRow {
                incident: inc,
                responders: resp,
                checklists: checks,
                state,
            } = incident_row(conn, id)?;
            let events = within_budget(events(conn, id, order, limit)?, order, budget);
            let mut out = String::with_capacity(
                inc.len()
                    + resp.len()
                    + checks.len()
                    + state.len()
                    + events.iter().map(|e| e.len() + 1).sum::<usize>()
                    + 64,
            );
            let _ = write!(out, "{{\"incident\":{inc},\"timeline\":[");
            join_into(&mut out, &events);
            let _ = write!(
                out,
                "],\"responders\":{resp},\"checklists\":{checks},\"state\":{state}}}"
            );
            Ok(out)
        })
    }

    pub fn detail(&self, id: IncidentId) -> Result<IncidentDetail> {
        Ok(serde_json::from_str(&self.detail_json(id)?)?)
    }

    /// A page of an incident's timeline, as JSON:
    /// `{"incident", "last_seq", "events"}`.
    pub fn timeline_json(&self, id: IncidentId, order: Order, limit: usize) -> Result<String> {
        self.read(|conn| {
            let inc = conn
                .row("SELECT incident FROM incidents WHERE id = ?1", args![id])?
                .ok_or(StoreError::NotFound(id))?
                .get::<String>("incident")?;
            let last_seq = serde_json::from_str::<Incident>(&inc)?.last_seq;
            let evs = events(conn, id, order, limit.clamp(1, MAX_PAGE))?;
            let evs = within_budget(evs, order, PAGE_BYTES);
            let mut out = format!("{{\"incident\":\"{id}\",\"last_seq\":{last_seq},\"events\":[");
            join_into(&mut out, &evs);
            out.push_str("]}");
            Ok(out)
        })
    }

    /// Incidents changed after revision `since`, and the current revision.
    pub fn changes_since(&self, since: u64) -> Result<(u64, Vec<IncidentId>)> {
        self.read(|conn| {
            let rev = read_revision(conn)?;
            // A client ahead of us talks to a server whose database was
            // replaced: tell it everything changed so it refetches.
            let since = if since > rev { 0 } else { since };
            let ids = changed_since(conn, since)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            Ok((rev, ids))
        })
    }

    /// Responders still `paged` on active incidents, for escalating
    /// unanswered pages. The text match skips incidents with nobody paged
    /// before any JSON is parsed.
    pub fn paged_responders(&self) -> Result<Vec<(IncidentId, Responder)>> {
        self.read(|c| {
            let rows = c.rows(
                "SELECT id, responders FROM incidents \
                 WHERE active = 1 AND responders LIKE '%\"paged\"%' ORDER BY id",
                &[],
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (id, json) = (
                    row.get::<IncidentId>("id")?,
                    row.get::<String>("responders")?,
                );
                let rs: Vec<Responder> = serde_json::from_str(&json)?;
                out.extend(
                    rs.into_iter()
                        .filter(|r| r.state == ResponderState::Paged)
                        .map(|r| (id, r)),
                );
            }
            Ok(out)
        })
    }

    /// Active incidents by severity, drills left out: what the metrics
    /// show (an alert on "a SEV1 is open" never fires for a rehearsal).
    pub fn active_by_severity(&self) -> Result<Vec<(Severity, u64)>> {
        let page = self.list(&ListFilter {
            limit: 1,
            ..Default::default()
        })?;
        let drills = self.read(|conn| {
            let sql = format!(
                "SELECT severity, COUNT(*) AS n FROM incidents \
                 WHERE active = 1 AND {} IS NOT NULL GROUP BY severity",
                conn.dialect().json_field("incident", "drill")
            );
            let mut out = Vec::new();
            for r in conn.rows(&sql, &[])? {
                if let Ok(sev) = r.get::<String>("severity")?.parse::<Severity>() {
                    out.push((sev, r.get::<u64>("n")?));
                }
            }
            Ok(out)
        })?;
        Ok(page
            .counts
            .into_iter()
            .map(|(sev, n)| {
                let practice = drills.iter().find(|(s, _)| *s == sev).map_or(0, |d| d.1);
                (sev, n.saturating_sub(practice))
            })
            .collect())
    }
}

/// Keeps as many of `events` (in seq order) as fit in `budget` bytes,
/// from the end the page is anchored at: the newest for `Latest` and
/// `Before` (the older ones are read with `before=`), the oldest for
/// `After` (the newer ones with `after=`). One event is always kept, so a
/// reader paging through never stalls.
pub(super) fn within_budget(mut events: Vec<String>, order: Order, budget: usize) -> Vec<String> {
    let total: usize = events.iter().map(|e| e.len() + 1).sum();
    if total <= budget || events.len() <= 1 {
        return events;
    }
    let mut used = 0;
    let fits = |e: &String, used: &mut usize| {
        *used += e.len() + 1;
        *used <= budget
    };
    match order {
        Order::After(_) => {
            let keep = events.iter().take_while(|e| fits(e, &mut used)).count();
            events.truncate(keep.max(1));
        }
        Order::Latest | Order::Before(_) => {
            let keep = events
                .iter()
                .rev()
                .take_while(|e| fits(e, &mut used))
                .count();
            events.drain(..events.len() - keep.max(1));
        }
    }
    events
}

/// Stored events of one incident in seq order, as JSON.
pub(super) fn events(
    conn: &dyn Sql,
    id: IncidentId,
    order: Order,
    limit: usize,
) -> Result<Vec<String>> {
    let rows = match order {
        Order::Latest => conn.rows(
            "SELECT event FROM (SELECT seq, event FROM timeline WHERE incident_id = ?1
             ORDER BY seq DESC LIMIT ?2) AS page ORDER BY seq",
            args![id, limit],
        )?,
        Order::After(s) => conn.rows(
            "SELECT event FROM timeline WHERE incident_id = ?1 AND seq > ?3 ORDER BY seq LIMIT ?2",
            args![id, limit, s],
        )?,
        Order::Before(s) => conn.rows(
            "SELECT event FROM (SELECT seq, event FROM timeline WHERE incident_id = ?1 AND seq < ?3
             ORDER BY seq DESC LIMIT ?2) AS page ORDER BY seq",
            args![id, limit, s],
        )?,
    };
    rows.iter().map(|r| r.get::<String>("event")).collect()
}

/// Incidents whose row changed after revision `since`, with their revision.
pub(super) fn changed_since(conn: &dyn Sql, since: u64) -> Result<Vec<(IncidentId, u64)>> {
    conn.rows(
        "SELECT id, rev FROM incidents WHERE rev > ?1 ORDER BY rev",
        args![since],
    )?
    .iter()
    .map(|r| Ok((IncidentId(r.get::<u64>("id")?), r.get::<u64>("rev")?)))
    .collect()
}

pub(super) fn all_revs(conn: &dyn Sql) -> Result<HashMap<IncidentId, u64>> {
    Ok(changed_since(conn, 0)?.into_iter().collect())
}

/// The incident, responders and checklists columns, as stored.
/// An incident's stored parts, each as JSON.
pub(super) struct IncidentRow {
    pub incident: String,
    pub responders: String,
    pub checklists: String,
    pub state: String,
}

pub(super) fn incident_row(conn: &dyn Sql, id: IncidentId) -> Result<IncidentRow> {
    let r = conn
        .row(
            "SELECT incident, responders, checklists, state FROM incidents WHERE id = ?1",
            args![id],
        )?
        .ok_or(StoreError::NotFound(id))?;
    Ok(IncidentRow {
        incident: r.get::<String>("incident")?,
        responders: r.get::<String>("responders")?,
        checklists: r.get::<String>("checklists")?,
        state: r.get::<String>("state")?,
    })
}
