//! SQLite: one writer connection behind a mutex (SQLite serialises
//! writers anyway) and a small pool of read connections, which WAL lets run
//! beside a commit.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use super::sql::Sql;
use super::{Result, StoreError, schema};

/// How long a write waits for another process's transaction on the same
/// file before the request is answered 503 with Retry-After.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Read connections kept open for reuse.
const MAX_IDLE_READERS: usize = 8;

pub(super) struct Sqlite {
    writer: Mutex<Connection>,
    /// `None` for an in-memory database, whose one connection serves reads too.
    readers: Option<(PathBuf, Mutex<Vec<Connection>>)>,
}

impl Sqlite {
    pub(super) fn open(path: &Path) -> Result<Sqlite> {
        check_writable(path)?;
        let conn = Connection::open(path)?;
        let mut db = Self::setup(conn)?;
        db.readers = Some((path.to_path_buf(), Mutex::new(Vec::new())));
        // A database left world-readable by an older version (or created
        // by hand) holds incident text and token hashes: make it ours only.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            private_file(Path::new(&p));
        }
        Ok(db)
    }

    pub(super) fn open_in_memory() -> Result<Sqlite> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Sqlite> {
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
        Ok(Sqlite {
            writer: Mutex::new(conn),
            readers: None,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied write:
        // the transaction rolls back when dropped. So a poisoned lock is safe
        // to keep using.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        let Some((path, pool)) = &self.readers else {
            return f(&*self.lock());
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

    pub(super) fn transact<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // IMMEDIATE takes the write lock up front, so a second process on the
        // same file makes us wait (busy timeout) instead of failing halfway
        // when a read transaction cannot be upgraded.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&*tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub(super) fn checkpoint(&self) -> Result<()> {
        self.lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
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

#[cfg(test)]
mod tests {
    use crate::server::store::Store;
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
