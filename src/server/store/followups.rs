//! Follow-up actions, one row each beside the incident they came from.
//! They are not part of the incident's version or timeline: a closed
//! incident is a record, and its follow-ups are still worked on.

use chrono::{NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Result, Store, StoreError};
use crate::model::{
    DomainError, FollowUp, FollowUpPatch, FollowUpStatus, IncidentId, MAX_FOLLOWUPS, NewFollowUp,
};

/// Rows `GET /followups` answers at most.
pub const MAX_FOLLOWUP_LIST: usize = 500;

/// Which follow-ups across incidents.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub owner: Option<String>,
    /// Open and due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// `None`: every status.
    pub status: Option<FollowUpStatus>,
    pub limit: usize,
}

fn row_to(body: String) -> Result<FollowUp> {
    Ok(serde_json::from_str(&body)?)
}

fn store(tx: &Transaction<'_>, f: &FollowUp) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO followups (id, incident_id, status, owner, due, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        f.id as i64,
        f.incident.0 as i64,
        f.status.as_str(),
        f.owner,
        f.due.map(|d| d.to_string()),
        serde_json::to_string(f)?,
    ])?;
    Ok(())
}

pub fn add(tx: &Transaction<'_>, id: IncidentId, new: NewFollowUp, by: &str) -> Result<FollowUp> {
    new.check()?;
    let exists: Option<i64> = tx
        .prepare_cached("SELECT id FROM incidents WHERE id = ?1")?
        .query_row([id.0 as i64], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Err(StoreError::NotFound(id));
    }
    let count: i64 = tx
        .prepare_cached("SELECT COUNT(*) FROM followups WHERE incident_id = ?1")?
        .query_row([id.0 as i64], |r| r.get(0))?;
    if count as usize >= MAX_FOLLOWUPS {
        return Err(DomainError::Invalid(format!(
            "{id} has {count} follow-ups; the limit is {MAX_FOLLOWUPS}"
        ))
        .into());
    }
    let next: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM followups", [], |r| {
        r.get(0)
    })?;
    let now = Utc::now();
    let f = FollowUp {
        id: next as u64,
        incident: id,
        title: new.title,
        owner: new.owner,
        due: new.due,
        priority: new.priority,
        status: FollowUpStatus::Open,
        link: new.link,
        created_by: by.to_string(),
        created_at: now,
        updated_at: now,
    };
    store(tx, &f)?;
    Ok(f)
}

/// `Ok(None)`: no such follow-up.
pub fn update(tx: &Transaction<'_>, fid: u64, patch: FollowUpPatch) -> Result<Option<FollowUp>> {
    patch.check()?;
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM followups WHERE id = ?1")?
        .query_row([fid as i64], |r| r.get(0))
        .optional()?;
    let Some(body) = body else { return Ok(None) };
    let mut f = row_to(body)?;
    patch.apply(&mut f, Utc::now());
    store(tx, &f)?;
    Ok(Some(f))
}

pub fn for_incident(conn: &Connection, id: IncidentId) -> Result<Vec<FollowUp>> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM followups WHERE incident_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([id.0 as i64], |r| r.get::<_, String>(0))?;
    rows.map(|r| row_to(r?)).collect()
}

pub fn across(conn: &Connection, f: &FollowUpFilter) -> Result<Vec<FollowUp>> {
    let mut sql = String::from("SELECT body FROM followups WHERE 1=1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(s) = f.status {
        sql.push_str(" AND status = ?");
        args.push(s.as_str().to_string().into());
    }
    if let Some(o) = &f.owner {
        sql.push_str(" AND owner = ? COLLATE NOCASE");
        args.push(o.clone().into());
    }
    if let Some(day) = f.overdue_on {
        sql.push_str(" AND status = 'open' AND due IS NOT NULL AND due < ?");
        args.push(day.to_string().into());
    }
    // Most pressing first: the oldest due date, then the oldest.
    sql.push_str(&format!(
        " ORDER BY due IS NULL, due, id LIMIT {}",
        f.limit.clamp(1, MAX_FOLLOWUP_LIST)
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        r.get::<_, String>(0)
    })?;
    rows.map(|r| row_to(r?)).collect()
}

impl Store {
    pub fn followups(&self, id: IncidentId) -> Result<Vec<FollowUp>> {
        self.read(|c| for_incident(c, id))
    }

    pub fn followups_across(&self, f: &FollowUpFilter) -> Result<Vec<FollowUp>> {
        self.read(|c| across(c, f))
    }
}
