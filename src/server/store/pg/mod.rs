//! PostgreSQL: a bounded pool of connections, each with its own prepared
//! statements, and a listener that hears every server's commits.
//!
//! The driver is `postgres`, the blocking face of `tokio-postgres` (the
//! same crate underneath): the store is called on blocking threads by
//! design, so a blocking client fits it without a second way of calling
//! the store. Its pool is the few lines below, sized and timed out so a
//! down database answers 503 instead of piling up waiting requests.

mod connect;
mod errors;
mod listen;
mod sql;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

use postgres::{Client, IsolationLevel, Statement};

use super::sql::Sql;
use super::{Result, Shared, StoreError, schema};
use connect::{Target, target_of};
use errors::{connection_lost, unreachable};
use sql::PgSql;

/// Connections one server opens at most. Several replicas share the
/// database's `max_connections` (100 by default): four replicas fit.
pub const PG_MAX_CONNECTIONS: usize = 16;
/// How long a request waits for a free connection before it is told the
/// database is unavailable.
const CHECKOUT_WAIT: Duration = Duration::from_secs(5);
/// Taken while migrating, so replicas starting together migrate once.
const MIGRATION_LOCK: i64 = 0x0077_6172_726f_6f6d;

struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

pub(super) struct Postgres {
    target: Target,
    /// Idle connections, and how many are open in all.
    pool: Mutex<(Vec<Conn>, usize)>,
    freed: Condvar,
}

impl Postgres {
    pub(super) fn connect(url: &str) -> Result<Postgres> {
        let target = target_of(url)?;
        let pg = Postgres {
            target,
            pool: Mutex::new((Vec::new(), 0)),
            freed: Condvar::new(),
        };
        let mut first = pg.open_conn()?;
        migrate(&mut first.client)?;
        pg.checkin(first);
        Ok(pg)
    }

    /// A new connection, counted among the open ones.
    fn open_conn(&self) -> Result<Conn> {
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).1 += 1;
        self.connect_counted()
    }

    /// Connects for a slot already counted (given back if it fails), so
    /// threads racing for the last slots cannot open more than the cap.
    fn connect_counted(&self) -> Result<Conn> {
        match self.target.connect() {
            Ok(client) => Ok(Conn {
                client,
                statements: HashMap::new(),
            }),
            Err(e) => {
                self.pool.lock().unwrap_or_else(|e| e.into_inner()).1 -= 1;
                self.freed.notify_one();
                Err(unreachable(e))
            }
        }
    }

    fn checkout(&self) -> Result<Conn> {
        let deadline = Instant::now() + CHECKOUT_WAIT;
        let mut g = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            while let Some(c) = g.0.pop() {
                if !c.client.is_closed() {
                    return Ok(c);
                }
                g.1 -= 1;
            }
            if g.1 < PG_MAX_CONNECTIONS {
                g.1 += 1;
                drop(g);
                return self.connect_counted();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::Unavailable(format!(
                    "all {PG_MAX_CONNECTIONS} database connections are busy"
                )));
            }
            g = self
                .freed
                .wait_timeout(g, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn checkin(&self, c: Conn) {
        let mut g = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if c.client.is_closed() {
            g.1 -= 1;
        } else {
            g.0.push(c);
        }
        drop(g);
        self.freed.notify_one();
    }

    fn with_tx<T>(&self, read_only: bool, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        let mut conn = self.checkout()?;
        let mut f = Some(f);
        let mut fresh = false;
        loop {
            let attempt = {
                let Conn { client, statements } = &mut conn;
                let began = begin(client, read_only);
                match began {
                    Ok(tx) => {
                        let sql = PgSql {
                            tx: RefCell::new(tx),
                            statements: RefCell::new(statements),
                        };
                        let Some(f) = f.take() else {
                            unreachable!("the transaction body runs once")
                        };
                        let out = f(&sql);
                        let PgSql { tx, .. } = sql;
                        Ok(out.and_then(|out| {
                            tx.into_inner().commit()?;
                            Ok(out)
                        }))
                    }
                    Err(e) => Err(e),
                }
            };
            match attempt {
                Ok(out) => {
                    self.checkin(conn);
                    return out;
                }
                // A pooled connection can be dead from a database restart
                // or failover nobody has noticed yet. Nothing ran, so the
                // request starts again on a new connection, once, after
                // dropping the other idle ones (as old as this one).
                Err(e) if !fresh && connection_lost(&e) => {
                    self.discard(conn);
                    self.drop_idle();
                    conn = self.open_conn()?;
                    fresh = true;
                }
                Err(e) => {
                    self.checkin(conn);
                    return Err(e.into());
                }
            }
        }
    }

    /// Forgets a connection that failed.
    fn discard(&self, c: Conn) {
        let mut g = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        g.1 -= 1;
        drop(g);
        drop(c);
        self.freed.notify_one();
    }

    fn drop_idle(&self) {
        let idle = {
            let mut g = self.pool.lock().unwrap_or_else(|e| e.into_inner());
            let idle = std::mem::take(&mut g.0);
            g.1 -= idle.len();
            idle
        };
        drop(idle);
        self.freed.notify_all();
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        self.with_tx(true, f)
    }

    pub(super) fn transact<T>(&self, f: impl FnOnce(&dyn Sql) -> Result<T>) -> Result<T> {
        self.with_tx(false, f)
    }

    /// Starts the thread that hears other servers' commits and moves this
    /// server's revision (waking its long-polls). It reconnects by itself
    /// and catches up on what it missed; it ends when the store is gone.
    pub(super) fn listen_for_changes(&self, shared: Weak<Shared>) {
        let target = self.target.clone();
        let spawned = std::thread::Builder::new()
            .name("pg-listen".into())
            .spawn(move || listen::listen(target, shared));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the change listener");
        }
    }
}

/// Begins a transaction: a read-only one reads one snapshot for all its
/// queries (a list page and its counts agree with its revision).
fn begin(
    client: &mut Client,
    read_only: bool,
) -> std::result::Result<postgres::Transaction<'_>, postgres::Error> {
    if read_only {
        client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
    } else {
        client.transaction()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Closing a connection blocks on the driver's own runtime, which
        // cannot start on an async thread (where the last handle to the
        // store is often dropped): close them on a thread of their own.
        let idle = std::mem::take(&mut self.pool.get_mut().unwrap_or_else(|e| e.into_inner()).0);
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let current = tx
        .query_opt("SELECT version FROM schema_version", &[])?
        .map(|r| r.get::<_, i64>(0))
        .unwrap_or(0) as usize;
    if current > schema::PG_MIGRATIONS.len() {
        return Err(StoreError::Open(format!(
            "the database is at schema version {current}, newer than this warroom ({}); upgrade warroom",
            schema::PG_MIGRATIONS.len()
        )));
    }
    let mut statements = HashMap::new();
    for (i, step) in schema::PG_MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(step)?;
        let sql = PgSql {
            tx: RefCell::new(tx),
            statements: RefCell::new(&mut statements),
        };
        schema::backfill(i + 1, &sql)?;
        tx = sql.tx.into_inner();
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&((i + 1) as i64)],
        )?;
    }
    tx.commit()?;
    Ok(())
}
