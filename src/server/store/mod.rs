//! The store: incidents, their timelines and everything beside them, on
//! SQLite (a file, the default) or PostgreSQL (several servers on one
//! database). Queries are written once against [`sql::Sql`]; each engine
//! gives transactions. Every call blocks: the HTTP handlers run them on
//! tokio's blocking threads (`server::blocking`), never on the async
//! workers, so a slow write never delays `/healthz` or a long-poll.
//!
//! Every write runs under the one revision counter's lock (SQLite's write
//! lock; on PostgreSQL the counter's row, taken first), so writes from any
//! number of servers are applied one at a time in revision order: the
//! change feed, idempotency keys and If-Match mean the same on both.

pub mod action_leases;
pub mod action_output;
mod alerts;
pub mod auth_failures;
mod curated_events;
mod deliveries;
pub mod followups;
mod idempotency;
mod incident_writes;
mod incidents;
mod pg;
mod replay;
mod reviews;
mod schema;
mod schema_pg;
pub mod search;
pub(crate) mod sql;
mod sqlite;
mod stats;
mod status;
mod tokens;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use crate::model::IncidentId;

pub use alerts::{
    alert_firing, alerts_firing, earlier_incident_for_alert_group, firing_fingerprints,
    incident_for_alert_group, set_alert_firing,
};
pub use deliveries::{DeliveryInfo, Due, queue_delivery};
pub use incident_writes::{load_for_write, next_id, save, update};
pub use incidents::{DETAIL_PAGE, ListFilter, ListPage, MAX_PAGE, Order, PAGE_BYTES};
pub use pg::PG_MAX_CONNECTIONS;
pub(crate) use sql::args;
pub use sql::{Dialect, Sql, Value};
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
    /// The caller used its idempotency budget (see `idempotency.rs`).
    #[error("{0}")]
    KeyBudget(String),
    /// A runbook action already running on the incident (on any server).
    #[error("{0}")]
    AlreadyRunning(String),
    /// Another process holds the database (a second server on the same
    /// file) for longer than the busy timeout: worth retrying.
    #[error("the database is busy (another process is writing to it)")]
    Busy,
    /// The database server cannot be reached (PostgreSQL down or
    /// restarting, or every connection in use): worth retrying.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Open(String),
    #[error("database error: {0}")]
    Db(rusqlite::Error),
    #[error("database error: {0}")]
    Pg(String),
    /// The replay journal does not lead to the stored timeline (a change
    /// the model now refuses, a gap): said whole, it names no secret.
    #[error("{0}")]
    Replay(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            // The disk is full or failing: nothing was written, and it may
            // pass (space freed, a disk remounted): 503, retry.
            Some(
                rusqlite::ErrorCode::DiskFull
                | rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::OutOfMemory,
            ) => StoreError::Unavailable(format!("SQLite: {e}")),
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What a write answered; kept for idempotent replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub body: String,
    /// True when this answer is a replay of an earlier request's.
    pub replayed: bool,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(pg::Postgres),
}

impl Engine {
    fn read<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        match self {
            Engine::Sqlite(e) => e.read(f),
            Engine::Postgres(e) => e.read(f),
        }
    }

    fn transact<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        match self {
            Engine::Sqlite(e) => e.transact(f),
            Engine::Postgres(e) => e.transact(f),
        }
    }
}

/// Expired idempotency records are dropped at most this often.
const PRUNE_EVERY_SECS: i64 = 60;

/// What every request on this server sees without asking the database:
/// the current revision (long-polls wait on it) and each incident's.
pub(super) struct Shared {
    /// What long-polls wait on. Fed by a fan-out task a moment after each
    /// change ([`Shared::fan_out`]), so a write's own answer is never queued
    /// behind the wake-ups of a thousand held polls.
    revision: watch::Sender<u64>,
    /// The newest revision, read at once by everything else.
    committed: AtomicU64,
    /// Rung by every change; the fan-out task answers it.
    bell: Arc<tokio::sync::Notify>,
    fan_out_started: AtomicBool,
    /// When expired idempotency records were last dropped (Unix seconds).
    pruned_at: AtomicI64,
    /// The revision at which each incident last changed: a detail's ETag
    /// without touching the database.
    incident_revs: RwLock<HashMap<IncidentId, u64>>,
}

impl Shared {
    fn new(rev: u64, revs: HashMap<IncidentId, u64>) -> Arc<Shared> {
        let (tx, _) = watch::channel(rev);
        Arc::new(Shared {
            revision: tx,
            committed: AtomicU64::new(rev),
            bell: Arc::default(),
            fan_out_started: AtomicBool::new(false),
            pruned_at: AtomicI64::new(0),
            incident_revs: RwLock::new(revs),
        })
    }

    /// Takes in changes (ours, or another server's seen through the
    /// database), never moving anything backwards.
    fn advance(&self, rev: u64, touched: Vec<(IncidentId, u64)>) {
        {
            let mut revs = self
                .incident_revs
                .write()
                .unwrap_or_else(|e| e.into_inner());
            for (id, r) in touched {
                let e = revs.entry(id).or_insert(r);
                *e = (*e).max(r);
            }
        }
        self.committed.fetch_max(rev, Ordering::AcqRel);
        if self.fan_out_started.load(Ordering::Acquire) {
            self.bell.notify_one();
        } else {
            self.publish();
        }
    }

    /// Tells the waiting long-polls the newest revision.
    fn publish(&self) {
        let rev = self.committed.load(Ordering::Acquire);
        self.revision.send_if_modified(|r| {
            let changed = rev > *r;
            if changed {
                *r = rev;
            }
            changed
        });
    }

    /// Starts the fan-out task on the current runtime (once): each ring of
    /// the bell is answered a millisecond later, after the write that rang
    /// it has sent its answer, and several changes in that millisecond
    /// wake the polls once.
    fn fan_out(self: &Arc<Self>) {
        if self.fan_out_started.load(Ordering::Acquire) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self
            .fan_out_started
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let (weak, bell) = (Arc::downgrade(self), self.bell.clone());
        rt.spawn(async move {
            loop {
                bell.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                match weak.upgrade() {
                    Some(s) => s.publish(),
                    None => return,
                }
            }
        });
        // A change between the check above and the task's start is told.
        self.bell.notify_one();
    }
}

pub struct Store {
    engine: Engine,
    shared: Arc<Shared>,
    tokens: tokens::TokenCache,
    /// Keyed writes and bytes of records per caller in 24 hours.
    key_budget: std::sync::Mutex<(i64, i64)>,
    /// The list's counts per (revision, filter), the last few.
    counts: std::sync::Mutex<Vec<(String, SeverityCounts)>>,
}

/// Incidents per severity.
pub type SeverityCounts = Vec<(crate::model::Severity, u64)>;

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        Self::with_engine(Engine::Sqlite(sqlite::Sqlite::open(path)?))
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::with_engine(Engine::Sqlite(sqlite::Sqlite::open_in_memory()?))
    }

    /// Connects to PostgreSQL (`postgres://…`), applying the migrations
    /// this binary has. Fails at once, saying why, when the database
    /// cannot be reached. Blocks: call it off the async workers.
    pub fn open_postgres(url: &str) -> Result<Store> {
        let engine = pg::Postgres::connect(url)?;
        let store = Self::with_engine(Engine::Postgres(engine))?;
        if let Engine::Postgres(p) = &store.engine {
            p.listen_for_changes(Arc::downgrade(&store.shared));
        }
        Ok(store)
    }

    fn with_engine(engine: Engine) -> Result<Store> {
        let (rev, revs) = engine.read(|c| Ok((read_revision(c)?, incidents::all_revs(c)?)))?;
        Ok(Store {
            engine,
            shared: Shared::new(rev, revs),
            tokens: tokens::TokenCache::default(),
            key_budget: std::sync::Mutex::new((
                idempotency::MAX_PER_PRINCIPAL,
                idempotency::MAX_BYTES_PER_PRINCIPAL,
            )),
            counts: std::sync::Mutex::default(),
        })
    }

    fn key_budget(&self) -> (i64, i64) {
        *self.key_budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the idempotency budget per caller (keyed writes, bytes of
    /// records, over 24 hours): for tests of what happens when it is used.
    pub fn set_key_budget(&self, writes: i64, bytes: i64) {
        *self.key_budget.lock().unwrap_or_else(|e| e.into_inner()) = (writes, bytes);
    }

    /// The migration step the database is at.
    pub fn schema_version(&self) -> Result<u64> {
        let sql = match self.dialect() {
            Dialect::Sqlite => "SELECT user_version AS version FROM pragma_user_version()",
            Dialect::Postgres => "SELECT version FROM schema_version",
        };
        Ok(self
            .read(|c| c.row(sql, &[]))?
            .map(|r| r.get::<u64>("version"))
            .transpose()?
            .unwrap_or(0))
    }

    pub fn dialect(&self) -> Dialect {
        match &self.engine {
            Engine::Sqlite(_) => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `f` outside any write: on SQLite a pooled read connection (so
    /// reads never wait for a write), on PostgreSQL a read-only snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        self.engine.read(f)
    }

    /// Runs `f` in one write transaction that is not a change to any
    /// incident (token admin, the delivery queue).
    pub(crate) fn transact<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        self.engine.transact(f)
    }

    pub fn revision(&self) -> u64 {
        self.shared.committed.load(Ordering::Acquire)
    }

    /// For waiting on the next change (a long-poll): compare with
    /// [`Store::revision`], then wait for `changed()`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.fan_out();
        self.shared.revision.subscribe()
    }

    /// The revision at which the incident last changed, if it exists.
    pub fn incident_rev(&self, id: IncidentId) -> Option<u64> {
        self.shared
            .incident_revs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .copied()
    }

    /// The revision of an incident this server has not heard of yet, read
    /// from the database: another server on it may have declared it a
    /// moment ago (the listener has not caught up), and a client that
    /// declared it there and reads it here must find it.
    pub fn lookup_incident_rev(&self, id: IncidentId) -> Result<Option<u64>> {
        let rev = self.read(|c| {
            c.row("SELECT rev FROM incidents WHERE id = ?1", args![id])?
                .map(|r| r.get::<u64>("rev"))
                .transpose()
        })?;
        if let Some(r) = rev {
            self.shared.advance(0, vec![(id, r)]);
        }
        Ok(rev)
    }

    /// Runs a write in one transaction, exactly once per idempotency key:
    /// a request that repeats a key gets the stored answer and changes nothing.
    /// The answer is stored in the same transaction as the change, so a crash
    /// cannot leave a change without its record or the other way round.
    pub fn write<F>(&self, idem: Option<(&str, &str, &str)>, op: F) -> Result<Stored>
    where
        F: FnOnce(&dyn Sql) -> Result<(u16, String)>,
    {
        let (stored, rev, touched) = self.transact(|tx| {
            // Taken first, so every server on the database writes one at a
            // time and sees the writes (and keys) committed before it.
            let before = lock_revision(tx)?;
            if let Some((principal, key, req_hash)) = idem
                && let Some(prior) = idempotency::find(tx, principal, key, req_hash)?
            {
                return Ok((prior, before, Vec::new()));
            }
            if let Some((principal, _, _)) = idem {
                let (n, bytes) = self.key_budget();
                idempotency::check_budget(tx, principal, n, bytes)?;
            }
            let (status, body) = op(tx)?;
            if let Some((principal, key, req_hash)) = idem {
                idempotency::record(tx, principal, key, req_hash, status, &body)?;
            }
            // Under the lock, the rows changed since `before` are this
            // write's, and the newest of their revisions is the counter
            // (it moves only when an incident row is saved): one query.
            let touched = incidents::changed_since(tx, before)?;
            let rev = touched.iter().map(|(_, r)| *r).max().unwrap_or(before);
            if rev != before && tx.dialect() == Dialect::Postgres {
                // Delivered at commit, to every server listening.
                tx.exec(
                    "SELECT pg_notify('warroom_changes', ?1)",
                    args![rev.to_string()],
                )?;
            }
            let stored = Stored {
                status,
                body,
                replayed: false,
            };
            Ok((stored, rev, touched))
        })?;
        self.shared.advance(rev, touched);
        self.prune_now_and_then();
        Ok(stored)
    }

    /// Expired idempotency records go at most once a minute, in a
    /// transaction of their own (not under a write's lock). A failure is
    /// logged and tried again a minute later: the write it follows stands.
    fn prune_now_and_then(&self) {
        let now = chrono::Utc::now().timestamp();
        let last = self.shared.pruned_at.load(Ordering::Relaxed);
        if now - last < PRUNE_EVERY_SECS
            || self
                .shared
                .pruned_at
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        if let Err(e) = self.transact(idempotency::prune) {
            tracing::warn!("pruning expired idempotency records: {e}");
        }
    }

    /// The stored answer of a keyed write that was already made, read
    /// before a write with side effects outside the database (a runbook
    /// action) decides anything.
    pub fn replay(&self, principal: &str, key: &str, req_hash: &str) -> Result<Option<Stored>> {
        self.read(|c| idempotency::find(c, principal, key, req_hash))
    }

    /// Folds SQLite's WAL into the database file (for measuring its size,
    /// and before a file-level backup). Nothing to do on PostgreSQL.
    pub fn checkpoint(&self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(e) => e.checkpoint(),
            Engine::Postgres(_) => Ok(()),
        }
    }
}

fn read_revision(c: &dyn Sql) -> Result<u64> {
    revision_by(c, "SELECT value FROM meta WHERE key = 'revision'")
}

/// The revision, locked until the transaction ends (SQLite's IMMEDIATE
/// transaction already holds the whole database).
fn lock_revision(c: &dyn Sql) -> Result<u64> {
    match c.dialect() {
        Dialect::Sqlite => read_revision(c),
        Dialect::Postgres => revision_by(
            c,
            "SELECT value FROM meta WHERE key = 'revision' FOR UPDATE",
        ),
    }
}

fn revision_by(c: &dyn Sql, sql: &str) -> Result<u64> {
    let row = c.row(sql, &[])?;
    Ok(row.map(|r| r.get::<u64>("value")).transpose()?.unwrap_or(0))
}
