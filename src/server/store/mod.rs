//! The SQLite store. One connection behind a mutex: SQLite serialises
//! writers anyway, and an incident server's write rate is a few per second,
//! so a pool would add nothing but ways to deadlock.

mod schema;
mod tokens;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use tokio::sync::watch;

use crate::model::{Incident, IncidentDetail, IncidentId, Severity, Status, TimelineEvent};

pub use tokens::{TokenInfo, generate_token, hash_token};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no incident {0}")]
    NotFound(IncidentId),
    #[error(transparent)]
    Domain(#[from] crate::model::DomainError),
    #[error("the incident is at version {current}, not {expected}: someone changed it first")]
    Stale { expected: u64, current: u64 },
    #[error("this Idempotency-Key was already used for a different request")]
    KeyReused,
    /// Another process holds the database (a second server on the same
    /// file) for longer than the busy timeout: worth retrying.
    #[error("the database is busy (another process is writing to it)")]
    Busy,
    #[error("{0}")]
    Open(String),
    #[error("database error: {0}")]
    Db(rusqlite::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How long a write waits for another process's transaction on the same
/// file before the request is answered 503 with Retry-After.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What a write answered; kept for idempotent replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub body: String,
    /// True when this answer is a replay of an earlier request's.
    pub replayed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Include resolved, verified and closed incidents.
    pub all: bool,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub service: Option<String>,
}

pub struct Store {
    conn: Mutex<Connection>,
    revision: watch::Sender<u64>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        check_writable(path)?;
        let conn = Connection::open(path)?;
        let store = Self::setup(conn)?;
        // A database left world-readable by an older version (or created
        // by hand) holds incident text and token hashes: make it ours only.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            private_file(Path::new(&p));
        }
        Ok(store)
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        // WAL lets readers (the long-polls, the list) run while a write
        // commits. synchronous=FULL fsyncs the WAL on every commit: a write
        // we have answered 2xx for survives a kill -9 and a power cut. At an
        // incident server's write rate the fsync cost is invisible, and an
        // acknowledged note that vanishes is the worst thing we could do.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        schema::migrate(&mut conn)?;
        let rev: i64 =
            conn.query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
                r.get(0)
            })?;
        let (tx, _) = watch::channel(rev as u64);
        Ok(Store {
            conn: Mutex::new(conn),
            revision: tx,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied write:
        // the transaction rolls back when dropped. So a poisoned lock is safe
        // to keep using.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn revision(&self) -> u64 {
        *self.revision.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.revision.subscribe()
    }

    pub fn list(&self, f: &ListFilter) -> Result<(u64, Vec<Incident>)> {
        let conn = self.lock();
        let rev = read_revision(&conn)?;
        let mut sql = String::from("SELECT incident FROM incidents WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        if !f.all && f.status.is_none() {
            sql.push_str(" AND active = 1");
        }
        if let Some(s) = f.status {
            sql.push_str(" AND status = ?");
            args.push(s.as_str().to_string());
        }
        if let Some(s) = f.severity {
            sql.push_str(" AND severity = ?");
            args.push(s.as_str().to_string());
        }
        if let Some(s) = &f.service {
            sql.push_str(" AND service = ? COLLATE NOCASE");
            args.push(s.clone());
        }
        sql.push_str(" ORDER BY severity, id");
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok((rev, out))
    }

    pub fn detail(&self, id: IncidentId) -> Result<IncidentDetail> {
        let conn = self.lock();
        load(&conn, id)
    }

    /// Incidents changed after revision `since`, and the current revision.
    pub fn changes_since(&self, since: u64) -> Result<(u64, Vec<IncidentId>)> {
        let conn = self.lock();
        let rev = read_revision(&conn)?;
        let mut stmt =
            conn.prepare_cached("SELECT id FROM incidents WHERE rev > ?1 ORDER BY rev")?;
        // A client ahead of us talks to a server whose database was replaced:
        // tell it everything changed so it refetches.
        let since = if since > rev { 0 } else { since };
        let ids = stmt
            .query_map([since as i64], |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|id| IncidentId(id as u64)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((rev, ids))
    }

    pub fn active_by_severity(&self) -> Result<Vec<(Severity, u64)>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT severity, COUNT(*) FROM incidents WHERE active = 1 GROUP BY severity",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (s, n) = row?;
            if let Ok(sev) = s.parse() {
                out.push((sev, n as u64));
            }
        }
        Ok(out)
    }

    /// Runs a write in one transaction, exactly once per idempotency key:
    /// a request that repeats a key gets the stored answer and changes nothing.
    /// The answer is stored in the same transaction as the change, so a crash
    /// cannot leave a change without its record or the other way round.
    pub fn write<F>(&self, idem: Option<(&str, &str, &str)>, op: F) -> Result<Stored>
    where
        F: FnOnce(&Transaction<'_>) -> Result<(u16, String)>,
    {
        let mut conn = self.lock();
        // IMMEDIATE takes the write lock up front, so a second process on the
        // same file makes us wait (busy timeout) instead of failing halfway
        // when a read transaction cannot be upgraded.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some((principal, key, req_hash)) = idem {
            let prior: Option<(String, u16, String)> = tx
                .query_row(
                    "SELECT request_hash, status, body FROM idempotency WHERE principal = ?1 AND key = ?2",
                    params![principal, key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((hash, status, body)) = prior {
                if hash != req_hash {
                    return Err(StoreError::KeyReused);
                }
                return Ok(Stored {
                    status,
                    body,
                    replayed: true,
                });
            }
        }
        let (status, body) = op(&tx)?;
        if let Some((principal, key, req_hash)) = idem {
            let now = Utc::now();
            tx.execute(
                "INSERT INTO idempotency (principal, key, request_hash, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![principal, key, req_hash, status, body, now.to_rfc3339()],
            )?;
            // Keys are kept a week: far longer than any client retries.
            let cutoff = (now - chrono::Duration::days(7)).to_rfc3339();
            tx.execute("DELETE FROM idempotency WHERE created_at < ?1", [cutoff])?;
        }
        let rev = read_revision(&tx)?;
        tx.commit()?;
        self.revision.send_if_modified(|r| {
            let changed = *r != rev;
            *r = rev;
            changed
        });
        Ok(Stored {
            status,
            body,
            replayed: false,
        })
    }

    /// Runs `f` on a connection outside the write path (token admin).
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }
}

/// Refuses, with the reason in words, a database file (or the folder it
/// would be created in) this process cannot write: SQLite's own message
/// ("unable to open database file", or a 500 on the first write to a
/// read-only file) does not say what to fix.
fn check_writable(path: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let can_write = |p: &Path| {
        let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path.
        unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
    };
    if path.exists() {
        if !can_write(path) {
            return Err(StoreError::Open(format!(
                "cannot write the database {}: permission denied (the file is read-only for this user)",
                path.display()
            )));
        }
        return Ok(());
    }
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d,
        None => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(StoreError::Open(format!(
            "cannot create the database {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    if !can_write(dir) {
        return Err(StoreError::Open(format!(
            "cannot create the database {}: permission denied (cannot write in {})",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

fn private_file(p: &Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if let Ok(m) = std::fs::symlink_metadata(p)
        && m.is_file()
        && m.uid() == me
        && m.mode() & 0o077 != 0
    {
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600));
    }
}

fn read_revision(conn: &Connection) -> Result<u64> {
    Ok(
        conn.query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

pub fn load(conn: &Connection, id: IncidentId) -> Result<IncidentDetail> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT incident, responders, checklists FROM incidents WHERE id = ?1",
            [id.0 as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (inc, resp, checks) = row.ok_or(StoreError::NotFound(id))?;
    let mut stmt =
        conn.prepare_cached("SELECT event FROM timeline WHERE incident_id = ?1 ORDER BY seq")?;
    let timeline = stmt
        .query_map([id.0 as i64], |r| r.get::<_, String>(0))?
        .map(|r| Ok(serde_json::from_str::<TimelineEvent>(&r?)?))
        .collect::<Result<Vec<_>>>()?;
    Ok(IncidentDetail {
        incident: serde_json::from_str(&inc)?,
        responders: serde_json::from_str(&resp)?,
        checklists: serde_json::from_str(&checks)?,
        timeline,
    })
}

fn bump_revision(tx: &Transaction<'_>) -> Result<u64> {
    Ok(tx.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Saves an incident and the timeline events after `known_seq`.
pub fn save(
    tx: &Transaction<'_>,
    d: &IncidentDetail,
    known_seq: u64,
    alert_group: Option<&str>,
) -> Result<()> {
    let rev = bump_revision(tx)?;
    let inc = &d.incident;
    tx.execute(
        "INSERT INTO incidents (id, status, severity, service, active, rev, alert_group, incident, responders, checklists)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET status = ?2, severity = ?3, service = ?4, active = ?5, rev = ?6,
           alert_group = COALESCE(?7, alert_group), incident = ?8, responders = ?9, checklists = ?10",
        params![
            inc.id.0 as i64,
            inc.status.as_str(),
            inc.severity.as_str(),
            inc.service,
            inc.status.is_active(),
            rev as i64,
            alert_group,
            serde_json::to_string(inc)?,
            serde_json::to_string(&d.responders)?,
            serde_json::to_string(&d.checklists)?,
        ],
    )?;
    let mut stmt =
        tx.prepare_cached("INSERT INTO timeline (incident_id, seq, event) VALUES (?1, ?2, ?3)")?;
    for ev in d.timeline.iter().filter(|e| e.seq > known_seq) {
        stmt.execute(params![
            inc.id.0 as i64,
            ev.seq as i64,
            serde_json::to_string(ev)?
        ])?;
    }
    Ok(())
}

pub fn next_id(tx: &Transaction<'_>) -> Result<IncidentId> {
    let max: Option<i64> = tx.query_row("SELECT MAX(id) FROM incidents", [], |r| r.get(0))?;
    Ok(IncidentId(max.unwrap_or(0) as u64 + 1))
}

/// Loads, changes and saves one incident inside `tx`. `expected_version`
/// is the client's `If-Match`; a mismatch is refused before anything runs.
pub fn update(
    tx: &Transaction<'_>,
    id: IncidentId,
    expected_version: Option<u64>,
    f: impl FnOnce(&mut IncidentDetail) -> std::result::Result<(), crate::model::DomainError>,
) -> Result<IncidentDetail> {
    let mut d = load(tx, id)?;
    if let Some(expected) = expected_version
        && expected != d.incident.version
    {
        return Err(StoreError::Stale {
            expected,
            current: d.incident.version,
        });
    }
    let known = d.timeline.last().map_or(0, |e| e.seq);
    let before = d.incident.version;
    f(&mut d)?;
    if d.incident.version != before {
        save(tx, &d, known, None)?;
    }
    Ok(d)
}

/// The active incident that an alert group feeds, if any. A resolved one
/// is not joined: alerts firing again after a resolve are a new incident.
pub fn incident_for_alert_group(tx: &Transaction<'_>, group: &str) -> Result<Option<IncidentId>> {
    Ok(tx
        .query_row(
            "SELECT id FROM incidents WHERE alert_group = ?1 AND active = 1 ORDER BY id DESC LIMIT 1",
            [group],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .map(|id| IncidentId(id as u64)))
}
