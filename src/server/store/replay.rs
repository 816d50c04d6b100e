//! The replay journal and snapshots (migration 17): written by every save,
//! read by `GET /incidents/{id}/at`. The state at a seq is the model's
//! `replay` over the newest snapshot at or before it (see model/replay.rs).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::incidents::{events, incident_row, within_budget};
use super::sql::{Sql, args};
use super::{DETAIL_PAGE, Order, PAGE_BYTES, Result, Store, StoreError};
use crate::model::replay::{JournalEntry, ReplayAt, ReplayState, SNAPSHOT_EVERY, Step, replay};
use crate::model::{Checklist, Incident, IncidentDetail, IncidentId, IncidentState, Responder};
use crate::model::{TimelineEvent, replay::Journal};

/// A detail as a snapshot: everything but the timeline.
#[derive(Serialize)]
struct Snapshot<'a> {
    incident: &'a Incident,
    timeline: [(); 0],
    responders: &'a [Responder],
    checklists: &'a [Checklist],
    state: &'a IncidentState,
}

fn snapshot(tx: &dyn Sql, d: &IncidentDetail) -> Result<()> {
    let json = serde_json::to_string(&Snapshot {
        incident: &d.incident,
        timeline: [],
        responders: &d.responders,
        checklists: &d.checklists,
        state: &d.state,
    })?;
    tx.exec(
        "INSERT INTO replay_snapshots (incident_id, seq, state) VALUES (?1, ?2, ?3)
         ON CONFLICT (incident_id, seq) DO UPDATE SET state = ?3",
        args![d.incident.id, d.incident.last_seq, json],
    )?;
    Ok(())
}

/// Part of every save: the changes after `known_seq` into the journal;
/// a snapshot when the incident is created (`known_seq` 0: whatever made
/// it, in one write) and when the write crosses a multiple of
/// [`SNAPSHOT_EVERY`].
pub(super) fn record(tx: &dyn Sql, d: &IncidentDetail, known_seq: u64) -> Result<()> {
    let last = d.incident.last_seq;
    if known_seq == 0 {
        return snapshot(tx, d);
    }
    for e in d
        .journal
        .entries()
        .iter()
        .filter(|e| e.first_seq > known_seq)
    {
        tx.exec(
            "INSERT INTO replay_journal (incident_id, first_seq, last_seq, at_ms, kind, entry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                d.incident.id,
                e.first_seq,
                e.last_seq,
                e.at.timestamp_millis(),
                e.kind(),
                serde_json::to_string(e)?
            ],
        )?;
    }
    if known_seq / SNAPSHOT_EVERY != last / SNAPSHOT_EVERY {
        snapshot(tx, d)?;
    }
    Ok(())
}

/// Migration 17: incidents older than replay get a snapshot of their
/// state now, so replay shows them from here on.
pub(super) fn backfill(tx: &dyn Sql) -> Result<()> {
    let ids: Vec<u64> = tx
        .rows("SELECT id FROM incidents", &[])?
        .iter()
        .map(|r| r.get::<u64>("id"))
        .collect::<Result<_>>()?;
    for id in ids {
        let d = super::load_for_write(tx, IncidentId(id))?;
        snapshot(tx, &d)?;
    }
    Ok(())
}

fn opt_u64(conn: &dyn Sql, sql: &str, args: &[super::Value]) -> Result<Option<u64>> {
    conn.row(sql, args)?
        .map(|r| r.get::<Option<u64>>("n"))
        .transpose()
        .map(Option::flatten)
}

/// The seq replay should stand at for `at`, before clamping.
fn target(conn: &dyn Sql, id: IncidentId, at: ReplayAt) -> Result<u64> {
    // When the event `seq` happened, from the record itself.
    let time_at = |seq: u64| -> Result<Option<i64>> {
        let Some(r) = conn.row(
            "SELECT event FROM timeline WHERE incident_id = ?1 AND seq = ?2",
            args![id, seq],
        )?
        else {
            return Ok(None);
        };
        let e: TimelineEvent = serde_json::from_str(&r.get::<String>("event")?)?;
        Ok(Some(e.at.timestamp_millis()))
    };
    Ok(match at {
        ReplayAt::Seq(n) => n,
        ReplayAt::Time(t) => opt_u64(
            conn,
            "SELECT MAX(last_seq) AS n FROM replay_journal WHERE incident_id = ?1 AND at_ms <= ?2",
            args![id, t.timestamp_millis()],
        )?
        .unwrap_or(0),
        ReplayAt::Step { from, step } => match step {
            Step::NextPhase => opt_u64(
                conn,
                "SELECT MIN(first_seq) AS n FROM replay_journal
                 WHERE incident_id = ?1 AND kind = 'transition' AND first_seq > ?2",
                args![id, from],
            )?
            .unwrap_or(u64::MAX),
            Step::PrevPhase => {
                // The change that wrote `from` is where we stand: the phase
                // change before it.
                let here = opt_u64(
                    conn,
                    "SELECT MAX(first_seq) AS n FROM replay_journal
                     WHERE incident_id = ?1 AND first_seq <= ?2",
                    args![id, from],
                )?
                .unwrap_or(0);
                opt_u64(
                    conn,
                    "SELECT MAX(first_seq) AS n FROM replay_journal
                     WHERE incident_id = ?1 AND kind = 'transition' AND first_seq < ?2",
                    args![id, here],
                )?
                .unwrap_or(0)
            }
            Step::NextMinute => match time_at(from)? {
                Some(ms) => opt_u64(
                    conn,
                    "SELECT MIN(first_seq) AS n FROM replay_journal
                     WHERE incident_id = ?1 AND at_ms >= ?2 AND first_seq > ?3",
                    args![id, ms + 60_000, from],
                )?
                .unwrap_or(u64::MAX),
                None => from.saturating_add(1),
            },
            Step::PrevMinute => match time_at(from)? {
                Some(ms) => opt_u64(
                    conn,
                    "SELECT MAX(last_seq) AS n FROM replay_journal
                     WHERE incident_id = ?1 AND at_ms <= ?2",
                    args![id, ms - 60_000],
                )?
                .unwrap_or(0),
                None => from.saturating_sub(1),
            },
        },
    })
}

impl Store {
    /// The incident as it stood at `at`: the newest snapshot at or before
    /// it, and the journal's changes after that applied again by the model.
    pub fn state_at(&self, id: IncidentId, at: ReplayAt) -> Result<ReplayState> {
        self.read(|conn| {
            let row = incident_row(conn, id)?;
            let last_seq = serde_json::from_str::<Incident>(&row.incident)?.last_seq;
            let first_seq = opt_u64(
                conn,
                "SELECT MIN(seq) AS n FROM replay_snapshots WHERE incident_id = ?1",
                args![id],
            )?
            .ok_or_else(|| StoreError::Replay(format!("{id} has no replay record")))?;
            let want = target(conn, id, at)?.clamp(first_seq, last_seq.max(first_seq));
            let snap = conn
                .row(
                    "SELECT seq, state FROM replay_snapshots WHERE incident_id = ?1 AND seq <= ?2
                     ORDER BY seq DESC LIMIT 1",
                    args![id, want],
                )?
                .ok_or_else(|| StoreError::Replay(format!("{id} has no snapshot before {want}")))?;
            let base: IncidentDetail = serde_json::from_str(&snap.get::<String>("state")?)?;
            let entries = conn
                .rows(
                    "SELECT entry FROM replay_journal WHERE incident_id = ?1
                     AND first_seq > ?2 AND first_seq <= ?3 ORDER BY first_seq",
                    args![id, snap.get::<u64>("seq")?, want],
                )?
                .iter()
                .map(|r| {
                    Ok(serde_json::from_str::<JournalEntry>(
                        &r.get::<String>("entry")?,
                    )?)
                })
                .collect::<Result<Vec<_>>>()?;
            let mut detail = replay(base, entries).map_err(|e| StoreError::Replay(e.0))?;
            let seq = detail.incident.last_seq;
            let order = Order::Before(seq + 1);
            let page = within_budget(events(conn, id, order, DETAIL_PAGE)?, order, PAGE_BYTES);
            detail.timeline = page
                .iter()
                .map(|e| serde_json::from_str::<TimelineEvent>(e))
                .collect::<std::result::Result<_, _>>()?;
            detail.journal = Journal::default();
            let at: DateTime<Utc> = detail
                .timeline
                .last()
                .map_or(detail.incident.updated_at, |e| e.at);
            let first_of_change = opt_u64(
                conn,
                "SELECT MAX(first_seq) AS n FROM replay_journal
                 WHERE incident_id = ?1 AND first_seq <= ?2 AND first_seq > ?3",
                args![id, seq, first_seq],
            )?
            .unwrap_or(seq);
            Ok(ReplayState {
                seq,
                first_of_change,
                at,
                first_seq,
                last_seq,
                detail,
            })
        })
    }
}
