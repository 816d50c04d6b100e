//! Follow-up actions, one row each beside the incident they came from.
//! They are not part of the incident's version or timeline: a closed
//! incident is a record, and its follow-ups are still worked on.

use super::sql::{Sql, Value, args, push_arg};
use super::{Result, Store, StoreError};
use crate::model::{
    DomainError, FollowUp, FollowUpPatch, FollowUpStatus, IncidentId, MAX_FOLLOWUPS, NewFollowUp,
};
use chrono::{NaiveDate, Utc};

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

fn store(tx: &dyn Sql, f: &FollowUp) -> Result<()> {
    tx.exec(
        "INSERT INTO followups (id, incident_id, status, owner, due, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET incident_id = ?2, status = ?3, owner = ?4, due = ?5,
           body = ?6",
        args![
            f.id,
            f.incident,
            f.status.as_str(),
            f.owner.as_ref(),
            f.due.map(|d| d.to_string()),
            serde_json::to_string(f)?,
        ],
    )?;
    Ok(())
}

/// A query of one number, named `n`.
fn scalar(tx: &dyn Sql, sql: &str, a: &[Value]) -> Result<i64> {
    tx.row(sql, a)?
        .map(|r| r.get::<i64>("n"))
        .transpose()
        .map(|n| n.unwrap_or(0))
}

pub fn add(tx: &dyn Sql, id: IncidentId, new: NewFollowUp, by: &str) -> Result<FollowUp> {
    new.check()?;
    let exists = tx.row("SELECT id FROM incidents WHERE id = ?1", args![id])?;
    if exists.is_none() {
        return Err(StoreError::NotFound(id));
    }
    let count = scalar(
        tx,
        "SELECT COUNT(*) AS n FROM followups WHERE incident_id = ?1",
        args![id],
    )?;
    if count as usize >= MAX_FOLLOWUPS {
        return Err(DomainError::Invalid(format!(
            "{id} has {count} follow-ups; the limit is {MAX_FOLLOWUPS}"
        ))
        .into());
    }
    let next = scalar(
        tx,
        "SELECT COALESCE(MAX(id), 0) + 1 AS n FROM followups",
        &[],
    )?;
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
pub fn update(tx: &dyn Sql, fid: u64, patch: FollowUpPatch) -> Result<Option<FollowUp>> {
    patch.check()?;
    let body = tx
        .row("SELECT body FROM followups WHERE id = ?1", args![fid])?
        .map(|r| r.get::<String>("body"))
        .transpose()?;
    let Some(body) = body else { return Ok(None) };
    let mut f = row_to(body)?;
    patch.apply(&mut f, Utc::now());
    store(tx, &f)?;
    Ok(Some(f))
}

pub fn for_incident(conn: &dyn Sql, id: IncidentId) -> Result<Vec<FollowUp>> {
    conn.rows(
        "SELECT body FROM followups WHERE incident_id = ?1 ORDER BY id",
        args![id],
    )?
    .iter()
    .map(|r| row_to(r.get::<String>("body")?))
    .collect()
}

pub fn across(conn: &dyn Sql, f: &FollowUpFilter) -> Result<Vec<FollowUp>> {
    let mut sql = String::from("SELECT body FROM followups WHERE 1=1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(s) = f.status {
        let p = push_arg(&mut args, s.as_str().into());
        sql.push_str(&format!(" AND status = {p}"));
    }
    if let Some(o) = &f.owner {
        let p = push_arg(&mut args, o.into());
        sql.push_str(&format!(" AND {}", conn.dialect().eq_nocase("owner", &p)));
    }
    if let Some(day) = f.overdue_on {
        let p = push_arg(&mut args, day.to_string().into());
        sql.push_str(&format!(
            " AND status = 'open' AND due IS NOT NULL AND due < {p}"
        ));
    }
    // Most pressing first: the oldest due date, then the oldest.
    sql.push_str(&format!(
        " ORDER BY due IS NULL, due, id LIMIT {}",
        f.limit.clamp(1, MAX_FOLLOWUP_LIST)
    ));
    conn.rows(&sql, &args)?
        .iter()
        .map(|r| row_to(r.get::<String>("body")?))
        .collect()
}

impl Store {
    pub fn followups(&self, id: IncidentId) -> Result<Vec<FollowUp>> {
        self.read(|c| for_incident(c, id))
    }

    pub fn followups_across(&self, f: &FollowUpFilter) -> Result<Vec<FollowUp>> {
        self.read(|c| across(c, f))
    }
}
