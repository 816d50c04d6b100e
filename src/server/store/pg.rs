//! PostgreSQL: a bounded pool of connections, each with its own prepared
//! statements, and a listener that hears every server's commits.
//!
//! The driver is `postgres`, the blocking face of `tokio-postgres` (the
//! same crate underneath): the store is called on blocking threads by
//! design, so a blocking client fits it without a second way of calling
//! the store. Its pool is the few lines below, sized and timed out so a
//! down database answers 503 instead of piling up waiting requests.

use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, IsolationLevel, NoTls, Statement};

use super::sql::{Dialect, Row, Sql, Value, postgres_placeholders};
use super::{Result, Shared, StoreError, schema};

/// Connections one server opens at most. Several replicas share the
/// database's `max_connections` (100 by default): four replicas fit.
pub const PG_MAX_CONNECTIONS: usize = 16;
/// How long a request waits for a free connection before it is told the
/// database is unavailable.
const CHECKOUT_WAIT: Duration = Duration::from_secs(5);
/// Prepared statements kept per connection.
const MAX_STATEMENTS: usize = 256;
/// How often the listener asks for the revision even when it heard
/// nothing: a safety net for a notification lost in a reconnect.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Where commits are announced.
const CHANNEL: &str = "warroom_changes";
/// Taken while migrating, so replicas starting together migrate once.
const MIGRATION_LOCK: i64 = 0x0077_6172_726f_6f6d;

struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// How connections are made: plain, or TLS (`sslmode=require`) verified
/// against the system's roots and the URL's `sslrootcert`, if any. There
/// is no way to skip verification.
#[derive(Clone)]
enum Tls {
    Off,
    Verified(tokio_postgres_rustls::MakeRustlsConnect),
}

#[derive(Clone)]
struct Target {
    config: postgres::Config,
    tls: Tls,
}

impl Target {
    fn connect(&self) -> std::result::Result<Client, postgres::Error> {
        match &self.tls {
            Tls::Off => self.config.connect(NoTls),
            Tls::Verified(t) => self.config.connect(t.clone()),
        }
    }
}

pub(super) struct Postgres {
    target: Target,
    /// Idle connections, and how many are open in all.
    pool: Mutex<(Vec<Conn>, usize)>,
    freed: Condvar,
}

/// The URL without `sslrootcert=PATH` (the driver does not know it), and
/// that path.
fn split_root_cert(url: &str) -> Result<(String, Option<String>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslrootcert", v)) => {
                let path = percent_decode(v).ok_or_else(|| {
                    StoreError::Open("sslrootcert in the PostgreSQL URL is not a valid path".into())
                })?;
                root = Some(path);
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, root))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// rustls with the system's roots plus `extra` (a PEM file of CAs).
fn tls_config(extra: Option<&str>) -> Result<rustls::ClientConfig> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(c);
    }
    if let Some(path) = extra {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect())
            .map_err(|e| StoreError::Open(format!("cannot read sslrootcert {path}: {e}")))?;
        if certs.is_empty() {
            return Err(StoreError::Open(format!(
                "sslrootcert {path} holds no PEM certificate"
            )));
        }
        for c in certs {
            roots.add(c).map_err(|e| {
                StoreError::Open(format!(
                    "sslrootcert {path}: not a usable CA certificate: {e}"
                ))
            })?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Open(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn target_of(url: &str) -> Result<Target> {
    let (url, root_cert) = split_root_cert(url)?;
    // The driver's parse error can quote the URL, password and all.
    let mut c = postgres::Config::from_str(&url).map_err(|_| {
        StoreError::Open(
            "the PostgreSQL URL is not valid (expected \
             postgres://user:password@host:port/database[?sslmode=require&sslrootcert=PATH])"
                .into(),
        )
    })?;
    // `prefer` (the driver's default) would try TLS against whatever
    // certificate a server has and fail where it cannot be verified: TLS is
    // asked for with `sslmode=require`, and then always verified.
    let tls = match c.get_ssl_mode() {
        postgres::config::SslMode::Require => Tls::Verified(
            tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(root_cert.as_deref())?),
        ),
        _ if root_cert.is_some() => {
            return Err(StoreError::Open(
                "sslrootcert is given but TLS is not: add sslmode=require to the PostgreSQL URL"
                    .into(),
            ));
        }
        _ => {
            c.ssl_mode(postgres::config::SslMode::Disable);
            Tls::Off
        }
    };
    c.connect_timeout(Duration::from_secs(3))
        .tcp_user_timeout(Duration::from_secs(10))
        .keepalives_idle(Duration::from_secs(10))
        .application_name("warroom")
        // A statement or lock wait that runs this long is a stuck
        // database: the request is answered instead of hanging.
        .options("-c statement_timeout=15000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000");
    Ok(Target { config: c, tls })
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

    fn open_conn(&self) -> Result<Conn> {
        let client = self.target.connect().map_err(unreachable)?;
        let mut g = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        g.1 += 1;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
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
                drop(g);
                return self.open_conn();
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
        let out = (|| {
            let Conn { client, statements } = &mut conn;
            let tx = if read_only {
                // One snapshot for every query of the read (a list page
                // and its counts agree with its revision).
                client
                    .build_transaction()
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()?
            } else {
                client.transaction()?
            };
            let sql = PgSql {
                tx: RefCell::new(tx),
                statements: RefCell::new(statements),
            };
            let out = f(&sql)?;
            sql.tx.into_inner().commit()?;
            Ok(out)
        })();
        self.checkin(conn);
        out
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
            .spawn(move || listen(target, shared));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the change listener");
        }
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

fn listen(target: Target, shared: Weak<Shared>) {
    let mut down_since: Option<Instant> = None;
    while shared.strong_count() > 0 {
        let mut client = match target.connect() {
            Ok(c) => c,
            Err(e) => {
                if down_since.is_none() {
                    tracing::warn!(error = %e, "change listener cannot reach PostgreSQL; retrying");
                    down_since = Some(Instant::now());
                }
                std::thread::sleep(Duration::from_millis(250));
                continue;
            }
        };
        if let Some(t) = down_since.take() {
            tracing::info!(
                after_ms = t.elapsed().as_millis() as u64,
                "change listener reconnected"
            );
        }
        if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")) {
            tracing::warn!(error = %e, "LISTEN failed; reconnecting");
            continue;
        }
        // Whatever was committed while we were not listening.
        if catch_up(&mut client, &shared).is_err() {
            continue;
        }
        loop {
            let heard = {
                let mut n = client.notifications();
                match n.timeout_iter(POLL_EVERY).next() {
                    Ok(Some(_)) => true,
                    Ok(None) => false,
                    Err(_) => break,
                }
            };
            if shared.strong_count() == 0 {
                return;
            }
            // Several commits announced together need one catch-up.
            if heard {
                let mut n = client.notifications();
                let mut it = n.iter();
                while let Ok(Some(_)) = it.next() {}
            }
            if catch_up(&mut client, &shared).is_err() {
                break;
            }
        }
    }
}

fn catch_up(client: &mut Client, shared: &Weak<Shared>) -> Result<()> {
    let Some(shared) = shared.upgrade() else {
        return Ok(());
    };
    let known = *shared.revision.borrow();
    let row = client.query_one("SELECT value FROM meta WHERE key = 'revision'", &[])?;
    let rev = row.try_get::<_, i64>(0)? as u64;
    if rev <= known {
        return Ok(());
    }
    let rows = client.query(
        "SELECT id, rev FROM incidents WHERE rev > $1 ORDER BY rev",
        &[&(known as i64)],
    )?;
    let mut touched = Vec::with_capacity(rows.len());
    for r in rows {
        touched.push((
            crate::model::IncidentId(r.try_get::<_, i64>(0)? as u64),
            r.try_get::<_, i64>(1)? as u64,
        ));
    }
    shared.advance(rev, touched);
    Ok(())
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

/// A transaction as the store's queries see it.
struct PgSql<'t, 's> {
    tx: RefCell<postgres::Transaction<'t>>,
    statements: RefCell<&'s mut HashMap<String, Statement>>,
}

impl PgSql<'_, '_> {
    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let st = self.tx.borrow_mut().prepare(&postgres_placeholders(sql))?;
        let mut cache = self.statements.borrow_mut();
        if cache.len() >= MAX_STATEMENTS {
            cache.clear();
        }
        cache.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn params(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

impl Sql for PgSql<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64> {
        let st = self.statement(sql)?;
        Ok(self.tx.borrow_mut().execute(&st, &params(args))?)
    }

    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        let rows = self.tx.borrow_mut().query(&st, &params(args))?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| value_of(r, i))
                    .collect::<Result<_>>()
                    .map(Row)
            })
            .collect()
    }
}

fn value_of(r: &postgres::Row, i: usize) -> Result<Value> {
    let ty = r.columns()[i].type_();
    let v = match *ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)?
            .map(|v| Value::Real(v.into())),
        _ => r.try_get::<_, Option<String>>(i)?.map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A connection error, said without the URL (it may hold a password).
fn unreachable(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        // Reached, but refused: wrong password, no such database.
        return StoreError::Open(format!(
            "PostgreSQL refused the connection: {}",
            db.message()
        ));
    }
    StoreError::Unavailable(format!("cannot reach PostgreSQL: {}", with_causes(&e)))
}

/// An error and what caused it ("error performing TLS handshake: invalid
/// peer certificate: UnknownIssuer"): the driver's own text stops at the
/// first part.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !out.contains(&more) {
            out.push_str(": ");
            out.push_str(&more);
        }
        cause = c.source();
    }
    out
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        if e.is_closed() {
            return StoreError::Unavailable("the connection to PostgreSQL was lost".into());
        }
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE =>
            {
                StoreError::Busy
            }
            Some(c)
                if *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW
                    || *c == SqlState::QUERY_CANCELED
                    || c.code().starts_with("08") =>
            {
                StoreError::Unavailable(e.to_string())
            }
            Some(c) => StoreError::Pg(match e.as_db_error() {
                Some(db) => format!("{} ({})", db.message(), c.code()),
                None => e.to_string(),
            }),
            // No database code: the socket failed under us.
            None => StoreError::Unavailable(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslrootcert_is_taken_out_of_the_url_and_decoded() {
        let (url, root) =
            split_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fca%20x.pem")
                .unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=require");
        assert_eq!(root.as_deref(), Some("/etc/ca x.pem"));
        let (url, root) = split_root_cert("postgres://u@h/db?sslrootcert=/ca.pem").unwrap();
        assert_eq!(
            (url.as_str(), root.as_deref()),
            ("postgres://u@h/db", Some("/ca.pem"))
        );
        assert_eq!(split_root_cert("postgres://u@h/db").unwrap().1, None);
        assert!(split_root_cert("postgres://u@h/db?sslrootcert=%zz").is_err());
    }

    #[test]
    fn a_bad_url_is_refused_without_quoting_it() {
        let e = target_of("postgres://u:hunter2@h:notaport/db")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("not valid") && !e.contains("hunter2"), "{e}");
    }
}
