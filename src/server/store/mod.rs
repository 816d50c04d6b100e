//! The SQLite store. One writer connection behind a mutex (SQLite
//! serialises writers anyway) and a small pool of read connections, which
//! WAL lets run beside a commit. Every call blocks: the HTTP handlers run
//! them on tokio's blocking threads (`server::blocking`), never on the
//! async workers, so a slow write never delays `/healthz` or a long-poll.

mod alerts;
mod deliveries;
pub mod followups;
mod idempotency;
mod incidents;
mod schema;
pub mod search;
mod stats;
mod tokens;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock};

use rusqlite::{Connection, Transaction};
use tokio::sync::watch;

use crate::model::IncidentId;

pub use alerts::{alert_firing, alerts_firing, incident_for_alert_group, set_alert_firing};
pub use deliveries::{DeliveryInfo, Due, queue_delivery};
pub use incidents::{
    DETAIL_PAGE, ListFilter, ListPage, MAX_PAGE, Order, load_for_write, next_id, save, update,
};
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
/// Read connections kept open for reuse.
const MAX_IDLE_READERS: usize = 8;

/// What a write answered; kept for idempotent replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub body: String,
    /// True when this answer is a replay of an earlier request's.
    pub replayed: bool,
}

pub struct Store {
    writer: Mutex<Connection>,
    /// `None` for an in-memory database, whose one connection serves reads too.
    readers: Option<(std::path::PathBuf, Mutex<Vec<Connection>>)>,
    revision: watch::Sender<u64>,
    /// The revision at which each incident last changed: a detail's ETag
    /// without touching the database.
    incident_revs: RwLock<HashMap<IncidentId, u64>>,
    tokens: tokens::TokenCache,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        check_writable(path)?;
        let conn = Connection::open(path)?;
        let mut store = Self::setup(conn)?;
        store.readers = Some((path.to_path_buf(), Mutex::new(Vec::new())));
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
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        let rev = read_revision(&conn)?;
        let revs = incidents::all_revs(&conn)?;
        let (tx, _) = watch::channel(rev);
        Ok(Store {
            writer: Mutex::new(conn),
            readers: None,
            revision: tx,
            incident_revs: RwLock::new(revs),
            tokens: tokens::TokenCache::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied write:
        // the transaction rolls back when dropped. So a poisoned lock is safe
        // to keep using.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on a read connection: from the pool on a file database
    /// (so reads never wait for a write), the one connection in memory.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some((path, pool)) = &self.readers else {
            return f(&self.lock());
        };
        let pooled = pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open(path)?;
                c.busy_timeout(BUSY_TIMEOUT)?;
                c.pragma_update(None, "query_only", "ON")?;
                c.set_prepared_statement_cache_capacity(64);
                c
            }
        };
        let out = f(&conn);
        let mut idle = pool.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }

    pub fn revision(&self) -> u64 {
        *self.revision.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.revision.subscribe()
    }

    /// The revision at which the incident last changed, if it exists.
    pub fn incident_rev(&self, id: IncidentId) -> Option<u64> {
        self.incident_revs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .copied()
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
        let before = read_revision(&tx)?;
        if let Some((principal, key, req_hash)) = idem
            && let Some(prior) = idempotency::find(&tx, principal, key, req_hash)?
        {
            return Ok(prior);
        }
        let (status, body) = op(&tx)?;
        if let Some((principal, key, req_hash)) = idem {
            idempotency::record(&tx, principal, key, req_hash, status, &body)?;
        }
        let rev = read_revision(&tx)?;
        let touched = incidents::changed_since(&tx, before)?;
        tx.commit()?;
        {
            let mut revs = self
                .incident_revs
                .write()
                .unwrap_or_else(|e| e.into_inner());
            for (id, r) in touched {
                revs.insert(id, r);
            }
        }
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

    /// The stored answer of a keyed write that was already made, read
    /// before a write with side effects outside the database (a runbook
    /// action) decides anything.
    pub fn replay(&self, principal: &str, key: &str, req_hash: &str) -> Result<Option<Stored>> {
        self.read(|c| idempotency::find(c, principal, key, req_hash))
    }

    /// Folds the WAL into the database file (for measuring its size, and
    /// before a file-level backup).
    pub fn checkpoint(&self) -> Result<()> {
        self.lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Runs `f` on the writer connection outside the write path (token admin).
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_database_left_readable_by_others_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.db");
        drop(Store::open(&db).unwrap());
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let _s = Store::open(&db).unwrap();
        assert_eq!(
            std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
